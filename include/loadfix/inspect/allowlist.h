#ifndef LOADFIX_INSPECT_ALLOWLIST_H
#define LOADFIX_INSPECT_ALLOWLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * PyTorch's weights-only unpickler, as data (src/inspect/allowlist.c): for
 * each release line, the globals `torch.load(f, weights_only=True)` accepts,
 * the opcodes its unpickler implements, and the few rules that are not a
 * list.  Each table records the source file and version it was read from.
 * Plus the table of dangerous callables.  Everything here is static and
 * read-only.
 */

typedef struct lf_allowlist {
	const char *version;        /* "1.13", "latest": what --torch-version names */
	const char *label;          /* "PyTorch 1.13", for reports */
	const char *source;         /* where the list was read */
	const char *const *globals; /* sorted (strcmp), "module.name" */
	size_t global_count;
	const char *opcodes;                /* the opcode bytes the unpickler implements, NUL-terminated */
	bool newobj_any_allowed;            /* NEWOBJ on any allow-listed class (else only nn.Parameter) */
	bool has_add_safe_globals;          /* torch.serialization.add_safe_globals / safe_globals exist */
	bool torchscript_dispatches;        /* a TorchScript zip goes to torch.jit.load even with weights_only=True */
	const char *const *blocked_modules; /* never allowed, even by add_safe_globals; NULL-terminated */
} lf_allowlist;

/* Newest first; lf_allowlists[0] is the default. */
extern const lf_allowlist *const lf_allowlists[];
extern const size_t lf_allowlist_count;

/* The list --torch-version VERSION names ("1.13", "latest"), or NULL. */
const lf_allowlist *lf_allowlist_find(const char *version);

/* Whether `name` ("module.name") is on the list, after the Python 2 name
 * mappings torch applies (__builtin__ -> builtins, copy_reg -> copyreg). */
bool lf_allowlist_allows(const lf_allowlist *list, const char *name);

/* Whether the unpickler implements `opcode`. */
bool lf_allowlist_has_opcode(const lf_allowlist *list, uint8_t opcode);

/* Whether add_safe_globals can never allow `name` (a blocked module). */
bool lf_allowlist_blocks(const lf_allowlist *list, const char *name);

/*
 * Why calling `name` from a pickle is dangerous ("runs a shell command"),
 * or NULL when it is not on the dangerous list.  An unknown global is not
 * dangerous, only not allowed.
 */
const char *lf_dangerous_reason(const char *name);

/* `name` with Python 2 module names mapped as Python 3's unpickler does
 * (fix_imports); writes into out (size outsize) and returns it. */
const char *lf_global_py3_name(const char *name, char *out, size_t outsize);

#endif
