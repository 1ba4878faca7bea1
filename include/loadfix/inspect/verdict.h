#ifndef LOADFIX_INSPECT_VERDICT_H
#define LOADFIX_INSPECT_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "loadfix/inspect/allowlist.h"
#include "loadfix/inspect/checkpoint.h"

/*
 * What a checkpoint needs (src/inspect/verdict.c): whether
 * torch.load(f, weights_only=True) loads it under one allow-list, the
 * globals outside that list, the dangerous ones, and the remedy.
 */

typedef struct lf_verdict {
	bool loads;        /* torch.load(f, weights_only=True) loads it */
	bool whole_module; /* it pickles a whole nn.Module */
	char **unsafe;     /* owned, sorted: globals the list does not allow */
	size_t unsafe_count;
	char **dangerous; /* owned, sorted: globals on the dangerous list (or unresolved) */
	size_t dangerous_count;
	const char **dangerous_why; /* static reasons, parallel to `dangerous` */
	const char **opcodes;       /* static names of opcodes the unpickler does not implement, in byte order */
	size_t opcode_count;
	char **reasons; /* owned: why it is refused, one sentence each */
	size_t reason_count;
	char *remedy; /* owned: the lines to add (or what to do), or NULL */
} lf_verdict;

/*
 * Computes the verdict of `ckpt` (as read; `complete` false when reading
 * it failed part-way, which makes the verdict "refused") under `list`.
 * init is done here; lf_verdict_finish frees.
 */
void lf_verdict_compute(const lf_checkpoint *ckpt, bool complete, const lf_allowlist *list, lf_verdict *out);
void lf_verdict_finish(lf_verdict *verdict);

#endif
