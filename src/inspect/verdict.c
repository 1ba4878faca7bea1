/*
 * The verdict mirrors torch.load(weights_only=True) as the allow-list's
 * source implements it: every GLOBAL must be allow-listed, every opcode
 * implemented, NEWOBJ must instantiate an allowed class (1.13: only
 * nn.Parameter), REDUCE must call a global; TorchScript archives and plain
 * pickles follow torch.load's own dispatch.  BUILD/SETITEM target checks
 * are not modelled (they only matter for objects an allowed global builds,
 * which torch's own rebuild functions never give BUILD or SETITEM).
 */
#include "loadfix/inspect/verdict.h"

#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"

static void add_reason(lf_verdict *v, char *reason)
{
	v->reasons = lf_xrealloc(v->reasons, sizeof *v->reasons * (v->reason_count + 1));
	v->reasons[v->reason_count++] = reason;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether a not-allowed global names a piece of a pickled nn.Module. */
static bool module_class(const char *name)
{
	return strncmp(name, "torch.nn.modules.", 17) == 0 || strncmp(name, "__main__.", 9) == 0;
}

static void join_names(lf_buf *b, char *const *names, size_t count, const char *sep)
{
	for (size_t i = 0; i < count; i++) {
		if (i)
			lf_buf_puts(b, sep);
		lf_buf_puts(b, names[i]);
	}
}

/* The remedy for benign globals that the list refuses: the import lines
 * and the add_safe_globals call. */
static void safe_globals_lines(lf_buf *b, const lf_checkpoint *ckpt, const lf_verdict *v)
{
	/* imports, unique, in the unsafe list's (sorted) order */
	lf_buf imports, names;
	lf_buf_init(&imports);
	lf_buf_init(&names);
	for (size_t i = 0; i < v->unsafe_count; i++) {
		const lf_pickle_global *g = lf_pickle_result_find(&ckpt->pickle, v->unsafe[i]);
		char mapped[512];
		lf_global_py3_name(v->unsafe[i], mapped, sizeof mapped);
		size_t mlen = g ? g->module_len + strlen(mapped) - strlen(v->unsafe[i]) : 0;
		if (i)
			lf_buf_puts(&names, ", ");
		if (strncmp(mapped, "__main__.", 9) == 0) {
			lf_buf_puts(&names, mapped + 9); /* defined in the script that loads it */
			continue;
		}
		if (strncmp(mapped, "builtins.", 9) == 0) {
			lf_buf_puts(&names, mapped + 9);
			continue;
		}
		lf_buf_puts(&names, mapped);
		lf_buf line;
		lf_buf_init(&line);
		lf_buf_printf(&line, "import %.*s\n", (int)mlen, mapped);
		if (!imports.data || !strstr(imports.data, line.data))
			lf_buf_append(&imports, line.data, line.len);
		lf_buf_finish(&line);
	}
	if (imports.len)
		lf_buf_append(b, imports.data, imports.len);
	lf_buf_printf(b, "torch.serialization.add_safe_globals([%s])\n", names.data ? names.data : "");
	lf_buf_printf(b,
	              "# or, for one load only (PyTorch 2.5+):\n"
	              "# with torch.serialization.safe_globals([%s]):\n"
	              "#     torch.load(path, weights_only=True)\n",
	              names.data ? names.data : "");
	lf_buf_finish(&imports);
	lf_buf_finish(&names);
}

void lf_verdict_compute(const lf_checkpoint *ckpt, bool complete, const lf_allowlist *list, lf_verdict *v)
{
	memset(v, 0, sizeof *v);
	const lf_pickle_result *r = &ckpt->pickle;
	bool torchscript = ckpt->format_known && ckpt->format == LF_CHECKPOINT_TORCHSCRIPT;

	for (uint32_t i = 0; i < r->global_count; i++) {
		const char *name = r->globals[i].name;
		const char *why = lf_dangerous_reason(name);
		if (!why && strcmp(name, LF_PICKLE_UNRESOLVED) == 0)
			why = "a global whose name is computed at load time, hidden from static reading";
		if (why) {
			v->dangerous = lf_xrealloc(v->dangerous, sizeof *v->dangerous * (v->dangerous_count + 1));
			v->dangerous[v->dangerous_count++] = lf_xstrdup(name);
		}
		/* TorchScript's data.pkl is read by torch.jit.load's own
		 * unpickler, never by the weights-only one. */
		if (!torchscript && !lf_allowlist_allows(list, name)) {
			v->unsafe = lf_xrealloc(v->unsafe, sizeof *v->unsafe * (v->unsafe_count + 1));
			v->unsafe[v->unsafe_count++] = lf_xstrdup(name);
			if (module_class(name) && r->globals[i].calls)
				v->whole_module = true;
		}
	}
	if (v->unsafe_count)
		qsort(v->unsafe, v->unsafe_count, sizeof *v->unsafe, compare_strings);
	if (v->dangerous_count) {
		qsort(v->dangerous, v->dangerous_count, sizeof *v->dangerous, compare_strings);
		v->dangerous_why = lf_xcalloc(v->dangerous_count, sizeof *v->dangerous_why);
		for (size_t i = 0; i < v->dangerous_count; i++) {
			v->dangerous_why[i] = lf_dangerous_reason(v->dangerous[i]);
			if (!v->dangerous_why[i])
				v->dangerous_why[i] =
				        "a global whose name is computed at load time, hidden from static reading";
		}
	}

	if (!complete)
		add_reason(v, lf_xstrdup("the checkpoint could not be read completely"));

	if (torchscript) {
		if (!list->torchscript_dispatches)
			add_reason(v,
			           lf_xasprintf("%s refuses TorchScript archives with weights_only=True", list->label));
	} else if (ckpt->format_known && ckpt->format == LF_CHECKPOINT_PICKLE) {
		add_reason(v, lf_xstrdup("not a torch.save file: torch.load unpickles it, then finds no magic number "
		                         "and fails"));
	} else {
		if (v->unsafe_count) {
			lf_buf b;
			lf_buf_init(&b);
			lf_buf_printf(&b, "%zu %s not allowed: ", v->unsafe_count,
			              v->unsafe_count == 1 ? "global is" : "globals are");
			join_names(&b, v->unsafe, v->unsafe_count, ", ");
			add_reason(v, lf_buf_steal(&b, NULL));
		}
		for (unsigned op = 0; op < 256; op++)
			if (r->opcode_counts[op] && !lf_allowlist_has_opcode(list, (uint8_t)op)) {
				v->opcodes = lf_xrealloc(v->opcodes, sizeof *v->opcodes * (v->opcode_count + 1));
				v->opcodes[v->opcode_count++] = lf_pickle_opcode_name((uint8_t)op);
			}
		if (v->opcode_count) {
			lf_buf b;
			lf_buf_init(&b);
			lf_buf_printf(&b, "its weights-only unpickler does not implement ");
			for (size_t i = 0; i < v->opcode_count; i++)
				lf_buf_printf(&b, "%s%s%s", i ? ", " : "", v->opcodes[i],
				              strcmp(v->opcodes[i], "BINFLOAT") == 0 ? " (Python floats)" : "");
			add_reason(v, lf_buf_steal(&b, NULL));
		}
		for (uint32_t i = 0; i < r->global_count; i++) {
			const lf_pickle_global *g = &r->globals[i];
			if (!g->newobj || !lf_allowlist_allows(list, g->name))
				continue; /* a not-allowed class is reported above */
			if (!list->newobj_any_allowed && strcmp(g->name, "torch.nn.parameter.Parameter") != 0)
				add_reason(v, lf_xasprintf("%s instantiates only nn.Parameter with NEWOBJ, not %s",
				                           list->label, g->name));
		}
		if (r->reduce_on_non_global)
			add_reason(v, lf_xstrdup("it calls a value that is not a global (REDUCE or NEWOBJ)"));
	}
	if (v->dangerous_count && v->reason_count == 0) /* a TorchScript archive torch.jit.load would read */
		add_reason(v, lf_xstrdup("it references dangerous callables"));
	v->loads = v->reason_count == 0;

	/* The remedy. */
	lf_buf b;
	lf_buf_init(&b);
	if (v->dangerous_count) {
		lf_buf_puts(&b, "Do not load this file: it references ");
		join_names(&b, v->dangerous, v->dangerous_count, ", ");
		lf_buf_puts(&b, ". No allow-list entry makes that safe; get the checkpoint from a trusted source or "
		                "as safetensors.\n");
	} else if (v->loads) {
		/* nothing to do */
	} else if (torchscript) {
		lf_buf_puts(&b, "A TorchScript archive: load it with torch.jit.load(path), not torch.load.\n");
	} else if (ckpt->format_known && ckpt->format == LF_CHECKPOINT_PICKLE) {
		lf_buf_puts(&b, "Not a torch.save checkpoint: neither torch.load nor weights_only applies.\n");
	} else if (complete) {
		if (v->whole_module)
			lf_buf_puts(&b, "The checkpoint pickles a whole nn.Module: save `model.state_dict()` instead\n"
			                "(torch.save(model.state_dict(), path)) and load it with\n"
			                "model.load_state_dict(torch.load(path, weights_only=True)).\n");
		else if (v->unsafe_count && list->has_add_safe_globals)
			safe_globals_lines(&b, ckpt, v);
		else if (v->unsafe_count) {
			lf_buf_printf(&b,
			              "%s cannot allow more globals: torch.serialization.add_safe_globals needs "
			              "PyTorch 2.4 or later (the safe_globals context manager 2.5). With it:\n",
			              list->label);
			safe_globals_lines(&b, ckpt, v);
		}
		if (!v->whole_module && v->opcode_count) {
			if (r->opcode_counts['G'] && !lf_allowlist_has_opcode(list, 'G') && v->opcode_count == 1)
				lf_buf_printf(&b,
				              "%s refuses Python floats; newer releases accept them: upgrade PyTorch, "
				              "or store the floats as tensors.\n",
				              list->label);
			else
				lf_buf_puts(&b, "Save it again with torch.save's default pickle protocol (2): the "
				                "weights-only unpickler implements only protocol-2 opcodes.\n");
		}
	}
	v->remedy = b.len ? lf_buf_steal(&b, NULL) : NULL;
	lf_buf_finish(&b);
}

void lf_verdict_finish(lf_verdict *v)
{
	for (size_t i = 0; i < v->unsafe_count; i++)
		free(v->unsafe[i]);
	free(v->unsafe);
	for (size_t i = 0; i < v->dangerous_count; i++)
		free(v->dangerous[i]);
	free(v->dangerous);
	free(v->dangerous_why);
	free(v->opcodes);
	for (size_t i = 0; i < v->reason_count; i++)
		free(v->reasons[i]);
	free(v->reasons);
	free(v->remedy);
	memset(v, 0, sizeof *v);
}
