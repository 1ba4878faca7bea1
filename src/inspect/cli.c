/*
 * The inspect subcommand: options, one report per checkpoint (text or
 * JSON), the exit status.  Reading is checkpoint.c's, judging verdict.c's;
 * this file only prints.
 */
#include "loadfix/inspect/cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/inspect/allowlist.h"
#include "loadfix/inspect/checkpoint.h"
#include "loadfix/inspect/code.h"
#include "loadfix/inspect/verdict.h"
#include "loadfix/report.h"

enum inspect_status {
	INSPECT_CLEAN = 0,     /* nothing dangerous */
	INSPECT_DANGEROUS = 1, /* a checkpoint references a dangerous callable */
	INSPECT_ERROR = 2,     /* usage error, or a file not read completely */
};

static const char USAGE[] = "Usage: loadfix inspect [OPTIONS] CHECKPOINT...\n"
                            "\n"
                            "Reads checkpoints without running them (no tensor data is read) and says\n"
                            "which globals their pickles reference, whether torch.load(f, weights_only=True)\n"
                            "loads them, which globals are dangerous, and what to change when a benign\n"
                            "checkpoint is refused. Formats: torch.save zip, TorchScript, the legacy\n"
                            "pickle-stream and tar formats, plain pickles.\n"
                            "\n"
                            "Options:\n"
                            "      --output-format FMT   text (default) or json\n"
                            "      --torch-version V     the allow-list to judge by: latest (default) or 1.13\n"
                            "      --code PATH           also list the torch.load calls under PATH that load each\n"
                            "                            checkpoint by a literal path, and whether their fix is safe\n"
                            "      --no-default-path     with no CHECKPOINT, exit 0 instead of failing (for hooks)\n"
                            "  -h, --help                print this help\n"
                            "\n"
                            "Exit status: 0 nothing dangerous, 1 a checkpoint references a dangerous\n"
                            "callable, 2 usage error or a file that could not be read completely.\n";

__attribute__((noreturn)) static void usage_error(const char *message, const char *arg)
{
	fprintf(stderr, "loadfix inspect: %s%s%s%s\nTry 'loadfix inspect --help' for more information.\n", message,
	        arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
	exit(INSPECT_ERROR);
}

static int compare_globals(const void *a, const void *b)
{
	return strcmp((*(const lf_pickle_global *const *)a)->name, (*(const lf_pickle_global *const *)b)->name);
}

/* The globals sorted by name (borrowed pointers; caller frees the array). */
static const lf_pickle_global **sorted_globals(const lf_pickle_result *r)
{
	const lf_pickle_global **sorted = lf_xcalloc(r->global_count + 1, sizeof *sorted);
	for (uint32_t i = 0; i < r->global_count; i++)
		sorted[i] = &r->globals[i];
	if (r->global_count)
		qsort(sorted, r->global_count, sizeof *sorted, compare_globals);
	return sorted;
}

static bool listed(char *const *names, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static const char *format_phrase(const lf_checkpoint *ckpt)
{
	switch (ckpt->format) {
	case LF_CHECKPOINT_ZIP: return "torch.save zip checkpoint";
	case LF_CHECKPOINT_TORCHSCRIPT: return "TorchScript archive (its loader is torch.jit.load)";
	case LF_CHECKPOINT_LEGACY: return "legacy torch.save checkpoint (pickle stream)";
	case LF_CHECKPOINT_TAR: return "legacy torch.save checkpoint (tar)";
	case LF_CHECKPOINT_PICKLE: return "plain pickle (not a torch.save file)";
	}
	return "checkpoint";
}

/* What the linter's fix (weights_only=True) does to a call that loads
 * this checkpoint. */
static const char *fix_effect(const lf_verdict *v)
{
	if (v->dangerous_count)
		return "with the fix it refuses this dangerous checkpoint, as it should";
	if (v->loads)
		return "the fix (weights_only=True) is safe: the call still loads this checkpoint";
	return "the fix (weights_only=True) would make this call fail: apply the remedy first";
}

static void collect_loads(const lf_code_index *code, const char *path, const lf_code_load ***out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (!code)
		return;
	for (size_t i = 0; i < code->count; i++)
		if (lf_code_load_matches(&code->items[i], path)) {
			*out = lf_xrealloc(*out, sizeof **out * (*count + 1));
			(*out)[(*count)++] = &code->items[i];
		}
}

/* Text for one file; names pass through lf_display_path so no byte of a
 * hostile global name reaches the terminal raw. */
static void print_text(lf_buf *out, const char *display, const lf_checkpoint *ckpt, const lf_verdict *v,
                       const lf_allowlist *list, const char *error, const lf_code_load **loads, size_t load_count)
{
	const lf_pickle_result *r = &ckpt->pickle;
	if (ckpt->format_known) {
		lf_buf_printf(out, "%s: %s", display, format_phrase(ckpt));
		if (ckpt->record)
			lf_buf_printf(out, ", %s", ckpt->record);
		lf_buf_printf(out, ", %u %s\n", r->global_count, r->global_count == 1 ? "global" : "globals");
	} else {
		lf_buf_printf(out, "%s: not read\n", display);
	}
	const lf_pickle_global **sorted = sorted_globals(r);
	for (uint32_t i = 0; i < r->global_count; i++) {
		const lf_pickle_global *g = sorted[i];
		char *name = lf_display_path(g->name);
		lf_buf_printf(out, "  %-50s %6u", name, g->count);
		free(name);
		for (size_t k = 0; k < v->dangerous_count; k++)
			if (strcmp(v->dangerous[k], g->name) == 0)
				lf_buf_printf(out, "  DANGEROUS: %s", v->dangerous_why[k]);
		if (listed(v->unsafe, v->unsafe_count, g->name))
			lf_buf_puts(out, "  not allowed");
		lf_buf_putc(out, '\n');
	}
	free(sorted);
	if (error)
		lf_buf_printf(out, "  error: %s\n", error);
	if (ckpt->note)
		lf_buf_printf(out, "  note: %s\n", ckpt->note);
	if (ckpt->format_known || !error) {
		if (v->loads) {
			lf_buf_printf(out, "  torch.load(weights_only=True) loads it (%s allow-list)%s\n", list->label,
			              ckpt->format == LF_CHECKPOINT_TORCHSCRIPT ? ", by handing it to torch.jit.load"
			                                                        : "");
		} else {
			lf_buf_printf(out, "  torch.load(weights_only=True) refuses it (%s allow-list):\n",
			              list->label);
			for (size_t i = 0; i < v->reason_count; i++) {
				char *reason = lf_display_path(v->reasons[i]);
				lf_buf_printf(out, "    %s\n", reason);
				free(reason);
			}
		}
	}
	if (v->remedy) {
		lf_buf_puts(out, "  remedy:\n");
		char *copy = lf_xstrdup(v->remedy);
		char *save = NULL;
		for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *shown = lf_display_path(line);
			lf_buf_printf(out, "    %s\n", shown);
			free(shown);
		}
		free(copy);
	}
	for (size_t i = 0; i < load_count; i++) {
		if (i == 0)
			lf_buf_puts(out, "  loaded by:\n");
		char *file = lf_display_path(loads[i]->file);
		lf_buf_printf(out, "    %s:%u:%u: %s: %s\n", file, loads[i]->line, loads[i]->column, loads[i]->rule,
		              fix_effect(v));
		free(file);
	}
}

/* jansson refuses invalid UTF-8; names from a hostile pickle may be any bytes. */
static json_t *text_value(const char *s)
{
	json_t *v = json_string(s);
	if (v)
		return v;
	lf_buf b;
	lf_buf_init(&b);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x80)
			lf_buf_putc(&b, (char)*p);
		else
			lf_buf_puts(&b, "\xef\xbf\xbd"); /* U+FFFD */
	v = json_string(b.data ? b.data : "");
	lf_buf_finish(&b);
	return v;
}

static json_t *text_array(char *const *items, size_t count)
{
	json_t *a = json_array();
	for (size_t i = 0; i < count; i++)
		json_array_append_new(a, text_value(items[i]));
	return a;
}

static json_t *json_report(const char *path, const lf_checkpoint *ckpt, const lf_verdict *v, const lf_allowlist *list,
                           const char *error, bool with_code, const lf_code_load **loads, size_t load_count)
{
	const lf_pickle_result *r = &ckpt->pickle;
	json_t *o = json_object();
	json_object_set_new(o, "path", text_value(path));
	json_object_set_new(o, "format",
	                    ckpt->format_known ? json_string(lf_checkpoint_format_name(ckpt->format)) : json_null());
	json_object_set_new(o, "loader",
	                    !ckpt->format_known                         ? json_null()
	                    : ckpt->format == LF_CHECKPOINT_TORCHSCRIPT ? json_string("torch.jit.load")
	                    : ckpt->format == LF_CHECKPOINT_PICKLE      ? json_string("pickle.load")
	                                                                : json_string("torch.load"));
	json_object_set_new(o, "record", ckpt->record ? text_value(ckpt->record) : json_null());
	json_object_set_new(o, "torch_version", json_string(list->version));
	json_object_set_new(o, "allowlist", json_string(list->label));
	const lf_pickle_global **sorted = sorted_globals(r);
	json_t *globals = json_array(), *counts = json_object(), *calls = json_object();
	for (uint32_t i = 0; i < r->global_count; i++) {
		json_t *name = text_value(sorted[i]->name);
		json_array_append(globals, name);
		json_object_set_new(counts, json_string_value(name), json_integer(sorted[i]->count));
		json_object_set_new(calls, json_string_value(name), json_integer(sorted[i]->calls));
		json_decref(name);
	}
	free(sorted);
	json_object_set_new(o, "globals", globals);
	json_object_set_new(o, "counts", counts);
	json_object_set_new(o, "calls", calls);
	json_object_set_new(o, "unsafe_globals", text_array(v->unsafe, v->unsafe_count));
	json_object_set_new(o, "dangerous", text_array(v->dangerous, v->dangerous_count));
	json_t *why = json_object();
	for (size_t i = 0; i < v->dangerous_count; i++) {
		json_t *name = text_value(v->dangerous[i]);
		json_object_set_new(why, json_string_value(name), json_string(v->dangerous_why[i]));
		json_decref(name);
	}
	json_object_set_new(o, "dangerous_why", why);
	json_object_set_new(o, "loads_with_weights_only", json_boolean(v->loads));
	json_object_set_new(o, "refused_because", text_array(v->reasons, v->reason_count));
	json_t *ops = json_array();
	for (size_t i = 0; i < v->opcode_count; i++)
		json_array_append_new(ops, json_string(v->opcodes[i]));
	json_object_set_new(o, "unsupported_opcodes", ops);
	json_object_set_new(o, "whole_module", json_boolean(v->whole_module));
	json_object_set_new(o, "remedy", v->remedy ? text_value(v->remedy) : json_null());
	json_object_set_new(o, "protocol", r->protocol >= 0 ? json_integer(r->protocol) : json_null());
	json_object_set_new(o, "note", ckpt->note ? json_string(ckpt->note) : json_null());
	json_object_set_new(o, "error", error ? text_value(error) : json_null());
	json_t *loaded_by = with_code ? json_array() : json_null();
	for (size_t i = 0; i < load_count; i++)
		json_array_append_new(loaded_by,
		                      json_pack("{s:o, s:i, s:i, s:s, s:o, s:b}", "file", text_value(loads[i]->file),
		                                "line", (int)loads[i]->line, "column", (int)loads[i]->column, "rule",
		                                loads[i]->rule, "literal", text_value(loads[i]->literal),
		                                "fix_keeps_loading", v->loads));
	json_object_set_new(o, "loaded_by", loaded_by);
	return o;
}

int lf_inspect_main(int argc, char **argv)
{
	static const struct option long_options[] = {
	        {"output-format", required_argument, NULL, 'f'},
	        {"torch-version", required_argument, NULL, 't'},
	        {"code", required_argument, NULL, 'c'},
	        {"no-default-path", no_argument, NULL, 'n'},
	        {"help", no_argument, NULL, 'h'},
	        {0},
	};
	bool json = false;
	const lf_allowlist *list = lf_allowlists[0];
	const char *code_root = NULL;
	bool none_is_clean = false;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") == 0)
				json = false;
			else
				usage_error("unknown output format (expected text or json):", optarg);
			break;
		case 't':
			list = lf_allowlist_find(optarg);
			if (!list)
				usage_error("unknown --torch-version (expected latest or 1.13):", optarg);
			break;
		case 'c': code_root = optarg; break;
		case 'n': none_is_clean = true; break;
		case 'h': fputs(USAGE, stdout); return INSPECT_CLEAN;
		default: fputs("Try 'loadfix inspect --help' for more information.\n", stderr); return INSPECT_ERROR;
		}
	}
	/* pre-commit may call a hook with no file names: nothing to inspect. */
	if (optind >= argc && none_is_clean)
		return INSPECT_CLEAN;
	if (optind >= argc)
		usage_error("no checkpoint given", NULL);

	int status = INSPECT_CLEAN;
	lf_code_index code;
	lf_code_index_init(&code);
	if (code_root) {
		char *error = NULL;
		if (!lf_code_index_build(code_root, &code, &error)) {
			char *shown = lf_display_path(error);
			fprintf(stderr, "loadfix: %s\n", shown);
			free(shown);
			free(error);
			status = INSPECT_ERROR;
		}
	}
	json_t *doc = json_array();
	for (int i = optind; i < argc; i++) {
		const char *path = argv[i];
		char *display = lf_display_path(path);
		lf_checkpoint ckpt;
		lf_checkpoint_init(&ckpt);
		char *error = NULL;
		bool complete = lf_checkpoint_read(path, &ckpt, &error);
		lf_verdict v;
		lf_verdict_compute(&ckpt, complete, list, &v);
		if (!complete) {
			char *shown = lf_display_path(error);
			fprintf(stderr, "loadfix: %s: %s\n", display, shown);
			free(shown);
			status = INSPECT_ERROR;
		}
		if (v.dangerous_count && status != INSPECT_ERROR)
			status = INSPECT_DANGEROUS;
		const lf_code_load **loads;
		size_t load_count;
		collect_loads(code_root ? &code : NULL, path, &loads, &load_count);
		if (json) {
			json_array_append_new(
			        doc, json_report(path, &ckpt, &v, list, error, code_root != NULL, loads, load_count));
		} else {
			lf_buf out;
			lf_buf_init(&out);
			print_text(&out, display, &ckpt, &v, list, error, loads, load_count);
			fwrite(out.data, 1, out.len, stdout);
			lf_buf_finish(&out);
		}
		free(loads);
		lf_verdict_finish(&v);
		lf_checkpoint_finish(&ckpt);
		free(error);
		free(display);
	}
	lf_code_index_finish(&code);
	if (json) {
		char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (text) {
			fputs(text, stdout);
			fputc('\n', stdout);
		}
		free(text);
	}
	json_decref(doc);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("loadfix: cannot write to standard output\n", stderr);
		status = INSPECT_ERROR;
	}
	return status;
}
