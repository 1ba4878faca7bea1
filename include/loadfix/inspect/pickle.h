#ifndef LOADFIX_INSPECT_PICKLE_H
#define LOADFIX_INSPECT_PICKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A pickle opcode walker that never executes anything (src/inspect/pickle.c).
 *
 * It reads protocols 0-5 opcode by opcode with a small stack machine that
 * models Python's unpickler only as far as naming globals needs: strings
 * are tracked (so STACK_GLOBAL's module and name resolve, through the memo
 * too), everything else is an opaque value.  Every global the stream
 * references (GLOBAL, STACK_GLOBAL, INST, EXT1/2/4) is recorded as
 * "module.name", exactly as written, with how often it is referenced and
 * how often it is called (REDUCE, NEWOBJ, NEWOBJ_EX, OBJ, INST).  A global
 * whose name cannot be known statically (STACK_GLOBAL on a value some call
 * produced) is recorded as LF_PICKLE_UNRESOLVED.
 *
 * The walk is bounded: stack values, MARK depth, memo entries, opcodes and
 * distinct globals all have limits (lf_pickle_default_limits), so a hostile
 * pickle costs bounded memory and time.
 */

/* The name recorded for a global that cannot be resolved statically. */
#define LF_PICKLE_UNRESOLVED "<unresolved STACK_GLOBAL>"

typedef struct lf_pickle_limits {
	uint32_t max_stack;   /* values on the stack, all MARK frames together */
	uint32_t max_marks;   /* MARK nesting depth */
	uint32_t max_memo;    /* memo entries */
	uint32_t max_globals; /* distinct globals */
	uint64_t max_opcodes; /* opcodes in one walk */
} lf_pickle_limits;

extern const lf_pickle_limits lf_pickle_default_limits;

typedef struct lf_pickle_global {
	char *name;          /* owned: "module.name" */
	uint32_t module_len; /* bytes of `name` before the '.' joining module and name */
	uint32_t count;      /* references (GLOBAL, STACK_GLOBAL, INST, EXT*) */
	uint32_t calls;      /* REDUCE / NEWOBJ / NEWOBJ_EX / OBJ / INST with it as the callable */
	uint32_t newobj;     /* of the calls, NEWOBJ and NEWOBJ_EX (class instantiation) */
} lf_pickle_global;

/*
 * What walks found.  init/finish: the caller owns the struct; it owns the
 * globals.  One result may collect several walks (the legacy format is a
 * sequence of pickles).
 */
typedef struct lf_pickle_result {
	lf_pickle_global *globals; /* in first-seen order */
	uint32_t global_count;
	uint32_t global_cap;
	uint32_t *index; /* owned: hash index into globals */
	uint32_t index_cap;
	uint64_t opcode_counts[256];   /* how often each opcode appears */
	int protocol;                  /* highest PROTO seen, -1 when none */
	uint64_t opcodes;              /* opcodes walked, all walks */
	uint32_t reduce_on_non_global; /* REDUCE/NEWOBJ whose callable is not a global */
	uint32_t pickles;              /* walks that reached STOP */
} lf_pickle_result;

void lf_pickle_result_init(lf_pickle_result *result);
void lf_pickle_result_finish(lf_pickle_result *result);

/* The global named `name`, or NULL. */
const lf_pickle_global *lf_pickle_result_find(const lf_pickle_result *result, const char *name);

/*
 * Walks one pickle starting at data[start] up to and including its STOP,
 * adding what it finds to `result`.  `data` is borrowed and never read at
 * or past data[len].  On success returns true and sets *end to the offset
 * just past STOP.  On failure (malformed or truncated stream, a limit hit)
 * returns false and sets *error to the reason with the offset (caller
 * frees); what was found before the failure stays in `result`, so a
 * payload followed by garbage is still reported.
 */
bool lf_pickle_walk(const uint8_t *data, size_t len, size_t start, const lf_pickle_limits *limits,
                    lf_pickle_result *result, size_t *end, char **error);

/* The pickletools name of an opcode ("STACK_GLOBAL"), or NULL if it is not one. */
const char *lf_pickle_opcode_name(uint8_t opcode);

#endif
