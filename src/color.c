#include "loadfix/color.h"

#include <string.h>

static bool set(const char *value)
{
	return value && value[0];
}

bool lf_color_enabled(lf_color_choice choice, const char *(*getenv_fn)(const char *), bool stdout_is_tty)
{
	if (choice != LF_COLOR_AUTO)
		return choice == LF_COLOR_ALWAYS;
	/* https://no-color.org: "when present and not an empty string" */
	if (set(getenv_fn("NO_COLOR")))
		return false;
	if (set(getenv_fn("FORCE_COLOR")))
		return true;
	const char *term = getenv_fn("TERM");
	return stdout_is_tty && set(term) && strcmp(term, "dumb") != 0;
}
