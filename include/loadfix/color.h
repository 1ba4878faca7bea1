#ifndef LOADFIX_COLOR_H
#define LOADFIX_COLOR_H

#include <stdbool.h>

/*
 * Terminal colour for the text report (only there: JSON, SARIF, GitHub and
 * diffs are for programs).  The palette follows ruff's: bold paths, cyan
 * separators and `[*]`, bold red codes of errors, bold yellow of warnings.
 */
#define LF_SGR_RESET "\033[0m"
#define LF_SGR_BOLD "\033[1m"
#define LF_SGR_CYAN "\033[36m"
#define LF_SGR_BOLD_RED "\033[1;31m"
#define LF_SGR_BOLD_YELLOW "\033[1;33m"
#define LF_SGR_BOLD_GREEN "\033[1;32m"

typedef enum lf_color_choice { LF_COLOR_AUTO, LF_COLOR_ALWAYS, LF_COLOR_NEVER } lf_color_choice;

/*
 * Whether to colour, as ripgrep and ruff decide: --color always/never wins;
 * auto (the default) is off when NO_COLOR is set to anything non-empty,
 * on when FORCE_COLOR is (NO_COLOR wins over FORCE_COLOR: opting out is
 * the stronger wish), else on only when standard output is a terminal and
 * TERM is set and not "dumb".  `getenv_fn` and `stdout_is_tty` are the
 * environment (passed in so a unit test can vary them).
 */
bool lf_color_enabled(lf_color_choice choice, const char *(*getenv_fn)(const char *), bool stdout_is_tty);

#endif
