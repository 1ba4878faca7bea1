#include "loadfix/cli.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loadfix/buf.h"
#include "loadfix/color.h"
#include "loadfix/explain.h"
#include "loadfix/fixer.h"
#include "loadfix/walk.h"

#ifndef LOADFIX_VERSION
#define LOADFIX_VERSION "0.0.0"
#endif

#define EXIT_USAGE 2
#define DEFAULT_MAX_FILE_SIZE (10ull * 1024 * 1024)

static const char USAGE[] =
        "Usage: loadfix [OPTIONS] [PATH...]\n"
        "\n"
        "Finds torch.load calls that can run code from a crafted checkpoint (CWE-502)\n"
        "and fixes them with minimal edits (weights_only=True). PATH defaults to '.';\n"
        "'-' reads source from standard input.\n"
        "\n"
        "Modes:\n"
        "      --fix                  apply safe fixes in place ('-': fixed source to stdout)\n"
        "      --unsafe-fixes         also apply (with --fix/--diff) or show unsafe fixes\n"
        "      --diff                 print a unified diff of the fixes; change nothing\n"
        "\n"
        "Selection:\n"
        "      --select CODES         check only these rules (comma-separated codes or prefixes, ALL)\n"
        "      --ignore CODES         do not check these rules\n"
        "      --since REV            check only the Python files changed since git revision REV\n"
        "      --no-default-path      with no PATH, check nothing instead of '.' (for hooks)\n"
        "      --exclude GLOBS        exclusions, replacing the defaults (comma-separated fnmatch globs)\n"
        "      --extend-exclude GLOBS exclusions added to the defaults\n"
        "      --no-ignore            do not skip what .gitignore files and git's excludes ignore\n"
        "      --max-file-size BYTES  skip larger files with a warning (default 10485760)\n"
        "\n"
        "Configuration:\n"
        "      --config FILE          read [tool.loadfix] from FILE instead of the nearest pyproject.toml\n"
        "      --isolated             ignore all configuration files\n"
        "      --show-settings        print the resolved settings as JSON and exit\n"
        "\n"
        "Output:\n"
        "      --output-format FMT    text (default), json, sarif or github\n"
        "      --sarif-category NAME  the SARIF run's code scanning category (default loadfix)\n"
        "      --statistics           print counts per rule instead of each finding\n"
        "      --stdin-filename NAME  name standard input in reports\n"
        "      --exit-zero            exit 0 even when findings remain\n"
        "      --color WHEN           colour the text report: auto (default), always or never\n"
        "  -q, --quiet                print findings only, no summary or progress\n"
        "  -j, --threads N            worker threads (default: number of cores)\n"
        "      --explain CODE         print a rule's documentation (ALL: every rule) and exit\n"
        "      --explain-format FMT   text (default) or scdoc (the man page's RULES section)\n"
        "      --version              print the version\n"
        "  -h, --help                 print this help\n"
        "\n"
        "Rules:\n";

static const char *environment(const char *name)
{
	return getenv(name);
}

static void print_help(void)
{
	fputs(USAGE, stdout);
	for (size_t i = 0; i < lf_rule_count; i++)
		printf("  %s  %s\n", lf_rules[i].code, lf_rules[i].summary);
	fputs("\nExit status: 0 nothing to report, 1 findings remain (or the diff is not empty),\n"
	      "2 usage, configuration or I/O error; 129, 130, 143 after SIGHUP, SIGINT, SIGTERM.\n",
	      stdout);
}

__attribute__((format(printf, 1, 2), noreturn)) static void usage_error(const char *fmt, ...)
{
	fputs("loadfix: ", stderr);
	va_list args;
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputs("\nTry 'loadfix --help' for more information.\n", stderr);
	exit(EXIT_USAGE);
}

/* `--explain CODE|ALL`: the rule table's documentation (loadfix/explain.h). */
static void print_explanation(const char *code, lf_explain_format format)
{
	lf_buf out;
	lf_buf_init(&out);
	if (strcmp(code, "ALL") == 0) {
		for (size_t i = 0; i < lf_rule_count; i++) {
			if (i && format == LF_EXPLAIN_TEXT)
				lf_buf_puts(&out, "\n");
			lf_explain(&out, &lf_rules[i], format);
		}
	} else {
		const lf_rule *rule = lf_rule_find(code);
		if (!rule) {
			lf_buf_finish(&out);
			usage_error("--explain: unknown rule code '%s'", code);
		}
		lf_explain(&out, rule, format);
	}
	fwrite(out.data, 1, out.len, stdout);
	lf_buf_finish(&out);
}

/* Whether a selector (code, prefix or ALL) names rule i. */
static bool selector_matches(const char *selector, size_t i)
{
	return strcmp(selector, "ALL") == 0 || strncmp(lf_rules[i].code, selector, strlen(selector)) == 0;
}

/* Sets enabled[i] = value for every rule a selector names; `origin` names
 * where the list came from in the error message. */
static void apply_selector(bool *enabled, const char *selector, bool value, const char *origin)
{
	if (!selector[0])
		usage_error("empty rule selector%s", origin); /* as a prefix it would match every rule */
	bool matched = false;
	for (size_t i = 0; i < lf_rule_count; i++) {
		if (selector_matches(selector, i)) {
			enabled[i] = value;
			matched = true;
		}
	}
	if (!matched)
		usage_error("unknown rule selector '%s'%s", selector, origin);
}

static void apply_selector_list(bool *enabled, const char *list, bool value, const char *origin)
{
	char *copy = lf_xstrdup(list);
	size_t applied = 0;
	for (char *save = NULL, *token = strtok_r(copy, ", ", &save); token; token = strtok_r(NULL, ", ", &save)) {
		apply_selector(enabled, token, value, origin);
		applied++;
	}
	free(copy);
	/* `--select ""` (say `--select "$RULES"` with RULES unset) would turn
	 * every rule off and pass every file: an error, as in the config. */
	if (applied == 0)
		usage_error("empty rule selector%s", origin);
}

static void split_globs(const char *list, lf_string_list *out)
{
	char *copy = lf_xstrdup(list);
	for (char *save = NULL, *token = strtok_r(copy, ",", &save); token; token = strtok_r(NULL, ",", &save)) {
		out->items = lf_xrealloc(out->items, sizeof(char *) * (out->count + 1));
		out->items[out->count++] = lf_xstrdup(token);
	}
	free(copy);
}

static void copy_list(const lf_string_list *from, lf_string_list *to)
{
	for (size_t i = 0; i < from->count; i++) {
		to->items = lf_xrealloc(to->items, sizeof(char *) * (to->count + 1));
		to->items[to->count++] = lf_xstrdup(from->items[i]);
	}
}

static void free_list(lf_string_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

static unsigned default_threads(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	return cores > 0 ? (unsigned)cores : 1;
}

static void load_config(lf_settings *s, const char *explicit_path, bool isolated)
{
	if (isolated)
		return;
	char *path = NULL;
	if (explicit_path) {
		path = lf_xstrdup(explicit_path);
	} else {
		/* The nearest pyproject.toml to the first path checked (or the
		 * current directory), as ruff finds the project's settings. */
		const char *start = s->path_count && strcmp(s->paths[0], "-") != 0 ? s->paths[0] : ".";
		path = lf_config_find(start);
	}
	if (!path)
		return;
	char *error = NULL;
	if (!lf_config_load(path, &s->config, &error)) {
		fprintf(stderr, "loadfix: %s: %s\n", path, error);
		exit(EXIT_USAGE);
	}
	free(path);
}

void lf_cli_parse(int argc, char **argv, lf_settings *s)
{
	enum {
		OPT_FIX = 256,
		OPT_UNSAFE,
		OPT_DIFF,
		OPT_SELECT,
		OPT_IGNORE,
		OPT_FORMAT,
		OPT_STDIN_NAME,
		OPT_EXIT_ZERO,
		OPT_VERSION,
		OPT_MAX_SIZE,
		OPT_CONFIG,
		OPT_ISOLATED,
		OPT_SHOW,
		OPT_SINCE,
		OPT_EXCLUDE,
		OPT_EXTEND_EXCLUDE,
		OPT_NO_IGNORE,
		OPT_STATISTICS,
		OPT_COLOR,
		OPT_EXPLAIN,
		OPT_EXPLAIN_FORMAT,
		OPT_NO_DEFAULT_PATH,
		OPT_SARIF_CATEGORY,
	};
	static const struct option long_options[] = {
	        {"fix", no_argument, NULL, OPT_FIX},
	        {"unsafe-fixes", no_argument, NULL, OPT_UNSAFE},
	        {"diff", no_argument, NULL, OPT_DIFF},
	        {"select", required_argument, NULL, OPT_SELECT},
	        {"ignore", required_argument, NULL, OPT_IGNORE},
	        {"output-format", required_argument, NULL, OPT_FORMAT},
	        {"stdin-filename", required_argument, NULL, OPT_STDIN_NAME},
	        {"exit-zero", no_argument, NULL, OPT_EXIT_ZERO},
	        {"max-file-size", required_argument, NULL, OPT_MAX_SIZE},
	        {"config", required_argument, NULL, OPT_CONFIG},
	        {"isolated", no_argument, NULL, OPT_ISOLATED},
	        {"show-settings", no_argument, NULL, OPT_SHOW},
	        {"since", required_argument, NULL, OPT_SINCE},
	        {"exclude", required_argument, NULL, OPT_EXCLUDE},
	        {"extend-exclude", required_argument, NULL, OPT_EXTEND_EXCLUDE},
	        {"no-ignore", no_argument, NULL, OPT_NO_IGNORE},
	        {"statistics", no_argument, NULL, OPT_STATISTICS},
	        {"color", required_argument, NULL, OPT_COLOR},
	        {"explain", required_argument, NULL, OPT_EXPLAIN},
	        {"explain-format", required_argument, NULL, OPT_EXPLAIN_FORMAT},
	        {"no-default-path", no_argument, NULL, OPT_NO_DEFAULT_PATH},
	        {"sarif-category", required_argument, NULL, OPT_SARIF_CATEGORY},
	        {"threads", required_argument, NULL, 'j'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"version", no_argument, NULL, OPT_VERSION},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	memset(s, 0, sizeof *s);
	lf_config_init(&s->config);
	s->threads = default_threads();
	s->max_file_size = DEFAULT_MAX_FILE_SIZE;
	s->use_gitignore = true;
	s->sarif_category = "loadfix";
	const char *select = NULL, *config_path = NULL, *exclude = NULL, *explain = NULL;
	lf_explain_format explain_format = LF_EXPLAIN_TEXT;
	lf_color_choice color = LF_COLOR_AUTO;
	bool fix = false, diff = false, unsafe = false, isolated = false;
	lf_buf ignores, extend;
	lf_buf_init(&ignores);
	lf_buf_init(&extend);
	int c;
	while ((c = getopt_long(argc, argv, "j:qh", long_options, NULL)) != -1) {
		char *end;
		switch (c) {
		case OPT_FIX: fix = true; break;
		case OPT_UNSAFE: unsafe = true; break;
		case OPT_DIFF: diff = true; break;
		case OPT_SELECT: select = optarg; break;
		case OPT_IGNORE: lf_buf_printf(&ignores, "%s,", optarg); break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				s->format = LF_FORMAT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				s->format = LF_FORMAT_JSON;
			else if (strcmp(optarg, "sarif") == 0)
				s->format = LF_FORMAT_SARIF;
			else if (strcmp(optarg, "github") == 0)
				s->format = LF_FORMAT_GITHUB;
			else
				usage_error("unknown output format '%s' (expected text, json, sarif or github)",
				            optarg);
			break;
		case OPT_STDIN_NAME: s->stdin_filename = optarg; break;
		case OPT_EXIT_ZERO: s->exit_zero = true; break;
		case OPT_MAX_SIZE:
			errno = 0;
			s->max_file_size = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg || s->max_file_size == 0 || s->max_file_size >= UINT32_MAX)
				usage_error("invalid --max-file-size '%s' (1 to 4294967294 bytes)", optarg);
			break;
		case OPT_CONFIG: config_path = optarg; break;
		case OPT_ISOLATED: isolated = true; break;
		case OPT_SHOW: s->show_settings = true; break;
		case OPT_SINCE: s->since = optarg; break;
		case OPT_EXCLUDE: exclude = optarg; break;
		case OPT_EXTEND_EXCLUDE: lf_buf_printf(&extend, "%s,", optarg); break;
		case OPT_NO_IGNORE: s->use_gitignore = false; break;
		case OPT_STATISTICS: s->statistics = true; break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") == 0)
				color = LF_COLOR_AUTO;
			else if (strcmp(optarg, "always") == 0)
				color = LF_COLOR_ALWAYS;
			else if (strcmp(optarg, "never") == 0)
				color = LF_COLOR_NEVER;
			else
				usage_error("unknown --color '%s' (expected auto, always or never)", optarg);
			break;
		case OPT_EXPLAIN: explain = optarg; break;
		case OPT_EXPLAIN_FORMAT:
			if (strcmp(optarg, "text") == 0)
				explain_format = LF_EXPLAIN_TEXT;
			else if (strcmp(optarg, "scdoc") == 0)
				explain_format = LF_EXPLAIN_SCDOC;
			else
				usage_error("unknown --explain-format '%s' (expected text or scdoc)", optarg);
			break;
		case OPT_NO_DEFAULT_PATH: s->no_default_path = true; break;
		case OPT_SARIF_CATEGORY:
			if (!optarg[0])
				usage_error("empty --sarif-category");
			s->sarif_category = optarg;
			break;
		case 'j':
			errno = 0;
			/* range-checked before narrowing: 4294967297 must not wrap to 1 */
			unsigned long threads = strtoul(optarg, &end, 10);
			s->threads = threads > 1024 ? 0 : (unsigned)threads;
			if (errno || *end || end == optarg || optarg[0] == '-' || s->threads == 0)
				usage_error("invalid thread count '%s'", optarg);
			break;
		case 'q': s->quiet = true; break;
		case OPT_VERSION: printf("loadfix %s\n", LOADFIX_VERSION); exit(0);
		case 'h': print_help(); exit(0);
		default: fputs("Try 'loadfix --help' for more information.\n", stderr); exit(EXIT_USAGE);
		}
	}
	if (explain) {
		print_explanation(explain, explain_format);
		exit(0);
	}
	if (fix && diff)
		usage_error("--fix and --diff cannot be combined");
	/* Only the text report is coloured; the decision is made once here. */
	s->color = s->format == LF_FORMAT_TEXT && lf_color_enabled(color, environment, isatty(STDOUT_FILENO));
	if (config_path && isolated)
		usage_error("--config and --isolated cannot be combined");
	s->mode = fix ? LF_MODE_FIX : diff ? LF_MODE_DIFF : LF_MODE_REPORT;
	s->check.fix = fix || diff; /* fixes are computed under --diff too; only writing differs */
	s->paths = (const char **)argv + optind;
	s->path_count = (size_t)(argc - optind);

	load_config(s, config_path, isolated);
	const lf_config *config = &s->config;

	/* Selection: the command line's --select, else the config's, else all. */
	for (size_t i = 0; i < lf_rule_count; i++)
		s->check.enabled[i] = true;
	if (select || config->has_select) {
		for (size_t i = 0; i < lf_rule_count; i++)
			s->check.enabled[i] = false;
		if (select)
			apply_selector_list(s->check.enabled, select, true, "");
		else
			for (size_t i = 0; i < config->select.count; i++)
				apply_selector(s->check.enabled, config->select.items[i], true,
				               " in [tool.loadfix] select");
	}
	for (size_t i = 0; i < config->ignore.count; i++)
		apply_selector(s->check.enabled, config->ignore.items[i], false, " in [tool.loadfix] ignore");
	if (ignores.len)
		apply_selector_list(s->check.enabled, ignores.data, false, "");
	for (size_t i = 0; i < config->per_file_ignore_count; i++)
		for (size_t k = 0; k < config->per_file_ignores[i].codes.count; k++) {
			bool scratch[LF_MAX_RULES] = {0};
			apply_selector(scratch, config->per_file_ignores[i].codes.items[k], false,
			               " in [tool.loadfix] per-file-ignores");
		}
	s->check.unsafe_fixes = unsafe || (config->has_unsafe_fixes && config->unsafe_fixes);

	if (exclude) {
		split_globs(exclude, &s->exclude);
		s->has_exclude = true;
	} else if (config->has_exclude) {
		copy_list(&config->exclude, &s->exclude);
		s->has_exclude = true;
	}
	copy_list(&config->extend_exclude, &s->extend_exclude);
	if (extend.len)
		split_globs(extend.data, &s->extend_exclude);
	lf_buf_finish(&ignores);
	lf_buf_finish(&extend);
}

void lf_settings_finish(lf_settings *s)
{
	lf_config_finish(&s->config);
	free_list(&s->exclude);
	free_list(&s->extend_exclude);
}

void lf_settings_for_file(const lf_settings *s, const char *path, lf_check_options *out)
{
	*out = s->check;
	const lf_config *config = &s->config;
	if (!config->per_file_ignore_count)
		return;
	for (size_t i = 0; i < config->per_file_ignore_count; i++) {
		const char *glob = config->per_file_ignores[i].pattern;
		if (!lf_walk_path_excluded(path, &glob, 1, config->directory))
			continue;
		for (size_t k = 0; k < config->per_file_ignores[i].codes.count; k++)
			for (size_t r = 0; r < lf_rule_count; r++)
				if (selector_matches(config->per_file_ignores[i].codes.items[k], r))
					out->enabled[r] = false;
	}
}

static json_t *list_json(const lf_string_list *list)
{
	json_t *array = json_array();
	for (size_t i = 0; i < list->count; i++)
		json_array_append_new(array, json_string(list->items[i]));
	return array;
}

void lf_settings_print(const lf_settings *s)
{
	json_t *rules = json_array();
	for (size_t i = 0; i < lf_rule_count; i++)
		if (s->check.enabled[i])
			json_array_append_new(rules, json_string(lf_rules[i].code));
	json_t *exclude = json_array();
	if (s->has_exclude) {
		json_t *configured = list_json(&s->exclude);
		json_array_extend(exclude, configured);
		json_decref(configured);
	} else
		for (size_t i = 0; lf_walk_default_excludes[i]; i++)
			json_array_append_new(exclude, json_string(lf_walk_default_excludes[i]));
	json_t *per_file = json_object();
	for (size_t i = 0; i < s->config.per_file_ignore_count; i++)
		json_object_set_new(per_file, s->config.per_file_ignores[i].pattern,
		                    list_json(&s->config.per_file_ignores[i].codes));
	json_t *doc =
	        json_pack("{s:o, s:o, s:o, s:o, s:b, s:b, s:o}", "config",
	                  s->config.path ? json_string(s->config.path) : json_null(), "rules", rules, "exclude",
	                  exclude, "extend-exclude", list_json(&s->extend_exclude), "unsafe-fixes",
	                  s->check.unsafe_fixes, "respect-gitignore", s->use_gitignore, "per-file-ignores", per_file);
	json_object_set_new(doc, "target-torch-version",
	                    s->config.target_torch_version ? json_string(s->config.target_torch_version) : json_null());
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(text);
	free(text);
	json_decref(doc);
}
