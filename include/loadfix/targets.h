#ifndef LOADFIX_TARGETS_H
#define LOADFIX_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The one place that says what is dangerous: a table of loaders, each a
 * qualified name (`numpy.load`), the family of rules it raises, and its
 * keyword spec (which keyword decides whether the call is safe, where it
 * sits positionally, and which keyword blocks a fix).  The resolver's
 * targets, the prefilter's words and the rules' arguments all come from
 * it: adding a loader is one row here (plus, where it fixes, one fixer).
 *
 * From the rows (and a few names that are not loaders but that the rules
 * must recognise: functools.partial, inspect, PyYAML's Loader classes) a
 * tree of known names is built once, read-only: `torch` -> `torch.hub` ->
 * `torch.hub.load_state_dict_from_url`.  The resolver works with ids of its
 * nodes; id 0 (LF_NAME_OTHER) stands for anything the tree does not know.
 */

typedef enum lf_family {
	LF_FAMILY_TORCH_LOAD,  /* torch.load and the functions that call it: LF001-LF005 */
	LF_FAMILY_PICKLE,      /* pickle and its relatives: LF101 */
	LF_FAMILY_JOBLIB,      /* joblib.load: LF102 */
	LF_FAMILY_NUMPY_LOAD,  /* numpy.load(allow_pickle=...): LF103 */
	LF_FAMILY_YAML_LOAD,   /* PyYAML's load family: LF104 */
	LF_FAMILY_KERAS_LOAD,  /* Keras load_model: LF105 */
	LF_FAMILY_REMOTE_CODE, /* any call passing trust_remote_code: LF106 */
	LF_FAMILY_ENV_SWITCH,  /* os.environ / os.putenv: where Python sets a torch switch (LF006) */
	LF_FAMILY_PROJECT,     /* no loader: checked once per run on non-Python files (project_rules.h): LF006, LF008 */
	LF_FAMILY_COUNT,
} lf_family;

typedef struct lf_target {
	const char *name; /* qualified name; "*" (LF106): any callee */
	lf_family family;
	const char *keyword;     /* the keyword that decides, or NULL */
	int8_t keyword_position; /* its 0-based positional index; -1: keyword-only */
	const char *blocker;     /* a keyword whose non-None value blocks the fix, or NULL */
	int8_t blocker_position; /* its positional index; -1: keyword-only */
	const char *since;       /* the release that added `keyword` (torch: "1.13"), or NULL */
	const char *safe_name;   /* PyYAML: the safe function to call instead, or NULL */
	const char *library;     /* for messages: "dill" */
	const char *remedy;      /* report-only families: what to use instead */
	bool value_references;   /* LF004: report it used as a value */
	/* Bytes every statement that can raise this row's finding holds, in
	 * some string (LF006: the variable's name), or NULL.  Partial parsing
	 * selects by them instead of the name's last component, which for
	 * os.environ.update would be every `.update(`. */
	const char *spelled;
} lf_target;

/* PyTorch's escape hatch: torch.load in 2.x (torch/serialization.py,
 * load) reads it with os.getenv and, when it is true, treats a missing
 * weights_only as False; 1.13 has only the opposite variable (see
 * lf_project_rules_env_true). */
#define LF_TORCH_ESCAPE_HATCH "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"

extern const lf_target lf_targets[];
extern const size_t lf_target_count;

/* ---- the tree of known names ---------------------------------------- */

#define LF_NAME_OTHER 0u
#define LF_NAME_MAX 128u

/* What a known name that is not itself a loader is for. */
typedef enum lf_name_role {
	LF_ROLE_NONE,
	LF_ROLE_PARTIAL,            /* functools.partial */
	LF_ROLE_INSPECT,            /* the inspect module: its members only look */
	LF_ROLE_INSPECT_MEMBER,     /* a name imported from inspect */
	LF_ROLE_YAML_SAFE_LOADER,   /* SafeLoader, CSafeLoader, BaseLoader, CBaseLoader */
	LF_ROLE_YAML_UNSAFE_LOADER, /* Loader, FullLoader, UnsafeLoader and the C ones */
} lf_name_role;

typedef struct lf_name {
	const char *qualified;   /* "torch.hub.load_state_dict_from_url" */
	const char *component;   /* "load_state_dict_from_url" */
	uint32_t parent;         /* LF_NAME_OTHER for a top-level module */
	uint32_t first_child;    /* LF_NAME_OTHER: none */
	uint32_t next_sibling;   /* LF_NAME_OTHER: none */
	const lf_target *target; /* the row, when the name is a loader */
	lf_name_role role;
	const char *replacement; /* LF_ROLE_YAML_UNSAFE_LOADER: the safe class's name */
} lf_name;

/* A set of name ids: what a Python name may stand for (it may have several
 * bindings).  Bit 0 is LF_NAME_OTHER. */
typedef struct lf_values {
	uint64_t bits[LF_NAME_MAX / 64];
} lf_values;

static inline void lf_values_add(lf_values *set, uint32_t id)
{
	set->bits[id / 64] |= UINT64_C(1) << (id % 64);
}
static inline bool lf_values_has(const lf_values *set, uint32_t id)
{
	return (set->bits[id / 64] >> (id % 64)) & 1;
}
static inline void lf_values_union(lf_values *into, const lf_values *from)
{
	for (size_t i = 0; i < LF_NAME_MAX / 64; i++)
		into->bits[i] |= from->bits[i];
}
static inline bool lf_values_empty(const lf_values *set)
{
	for (size_t i = 0; i < LF_NAME_MAX / 64; i++)
		if (set->bits[i])
			return false;
	return true;
}
/* The node; id must be < lf_name_count(). */
const lf_name *lf_name_get(uint32_t id);
uint32_t lf_name_count(void);
/* The top-level module spelled by `text` (NFKC-compared), or LF_NAME_OTHER. */
uint32_t lf_name_module(const uint8_t *text, size_t len);
/* The child `text` of `parent`, or LF_NAME_OTHER.  Fast to reject a text
 * that is no known component at all. */
uint32_t lf_name_child(uint32_t parent, const uint8_t *text, size_t len);
/* Whether `text` is the last component of any known name (a quick
 * rejection before classifying an attribute's object). */
bool lf_name_is_component(const uint8_t *text, size_t len);
/* The id of an exact qualified name, or LF_NAME_OTHER (for tests and
 * tables). */
uint32_t lf_name_find(const char *qualified);

/* The row that stands for any callee (LF106's trust_remote_code), or NULL. */
const lf_target *lf_target_any_callee(void);

#endif
