#include "loadfix/targets.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"
#include "loadfix/names.h"

/* Remedies named in the report-only families' messages. */
#define PICKLE_REMEDY                                                                                       \
	"store data in a format that cannot carry code: safetensors for tensors, JSON or `.npz` for data, " \
	"`skops.io` for scikit-learn models"
#define JOBLIB_REMEDY "save scikit-learn models with `skops.io` and arrays with safetensors or `.npz`"

/* Shorthands for the rows; every field is spelled out in targets.h. */
#define TORCH(name_, position, since_, values)                                                              \
	{                                                                                                   \
		.name = name_, .library = name_, .family = LF_FAMILY_TORCH_LOAD, .keyword = "weights_only", \
		.keyword_position = position, .blocker = NULL, .blocker_position = -1, .since = since_,     \
		.value_references = values                                                                  \
	}
/* torch.load itself: pickle_module (third positional) blocks the fix, and
 * references to it as a value are LF004's. */
#define TORCH_LOAD(name_)                                                                                         \
	{                                                                                                         \
		.name = name_, .family = LF_FAMILY_TORCH_LOAD, .keyword = "weights_only", .keyword_position = -1, \
		.blocker = "pickle_module", .blocker_position = 2, .since = "1.13", .library = "torch.load",      \
		.value_references = true                                                                          \
	}
#define PICKLE(name_, library_)                                                                            \
	{                                                                                                  \
		.name = name_, .family = LF_FAMILY_PICKLE, .keyword_position = -1, .blocker_position = -1, \
		.library = library_, .remedy = PICKLE_REMEDY                                               \
	}
#define JOBLIB(name_)                                                                                      \
	{                                                                                                  \
		.name = name_, .family = LF_FAMILY_JOBLIB, .keyword_position = -1, .blocker_position = -1, \
		.library = "joblib", .remedy = JOBLIB_REMEDY                                               \
	}
#define YAML(name_, safe)                                                                                 \
	{                                                                                                 \
		.name = name_, .family = LF_FAMILY_YAML_LOAD, .keyword = "Loader", .keyword_position = 1, \
		.blocker_position = -1, .safe_name = safe, .library = "PyYAML"                            \
	}
/* unsafe_load and full_load take the stream alone: unsafe by name, with
 * no keyword that could make them safe. */
#define YAML_BY_NAME(name_, safe)                                                                             \
	{                                                                                                     \
		.name = name_, .family = LF_FAMILY_YAML_LOAD, .keyword_position = -1, .blocker_position = -1, \
		.safe_name = safe, .library = "PyYAML"                                                        \
	}
#define KERAS(name_)                                                                                          \
	{                                                                                                     \
		.name = name_, .family = LF_FAMILY_KERAS_LOAD, .keyword = "safe_mode", .keyword_position = 3, \
		.blocker_position = -1, .library = "Keras"                                                    \
	}
#define ENV_SWITCH(name_)                                                                                      \
	{                                                                                                      \
		.name = name_, .family = LF_FAMILY_ENV_SWITCH, .keyword_position = -1, .blocker_position = -1, \
		.spelled = LF_TORCH_ESCAPE_HATCH                                                               \
	}

/*
 * Keyword positions are the libraries' own signatures:
 *   torch.load(f, map_location=None, pickle_module=None, *, weights_only=..., **pickle_load_args)
 *     (torch/serialization.py; weights_only since 1.13)
 *   torch.hub.load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True,
 *     check_hash=False, file_name=None, weights_only=False)
 *     (torch/hub.py; weights_only since 2.1: pytorch/pytorch#98479, merged 2023-04-11; 1.13 has none)
 *   torch.utils.model_zoo.load_url is the same function (torch/utils/model_zoo.py).
 *   numpy.load(file, mmap_mode=None, allow_pickle=False, fix_imports=True, encoding='ASCII', ...)
 *   yaml.load(stream, Loader) and load_all(stream, Loader)
 *   keras.saving.load_model(filepath, custom_objects=None, compile=True, safe_mode=True)
 */
const lf_target lf_targets[] = {
        /* torch: LF001-LF005 */
        TORCH_LOAD("torch.load"),
        TORCH_LOAD("torch.serialization.load"), /* the same function */
        TORCH("torch.hub.load_state_dict_from_url", 6, "2.1", false),
        TORCH("torch.utils.model_zoo.load_url", 6, "2.1", false),
        /* the pickle family: LF101 */
        PICKLE("pickle.load", "pickle"),
        PICKLE("pickle.loads", "pickle"),
        PICKLE("pickle.Unpickler", "pickle"),
        PICKLE("_pickle.load", "pickle"),
        PICKLE("_pickle.loads", "pickle"),
        PICKLE("_pickle.Unpickler", "pickle"),
        PICKLE("cPickle.load", "pickle"),
        PICKLE("cPickle.loads", "pickle"),
        PICKLE("cPickle.Unpickler", "pickle"),
        PICKLE("dill.load", "dill"),
        PICKLE("dill.loads", "dill"),
        PICKLE("dill.Unpickler", "dill"),
        /* dill's sessions: a saved module's namespace, unpickled (dill/session.py;
         * load_session is the old name of load_module) */
        PICKLE("dill.load_module", "dill"),
        PICKLE("dill.load_module_asdict", "dill"),
        PICKLE("dill.load_session", "dill"),
        PICKLE("cloudpickle.load", "cloudpickle"),
        PICKLE("cloudpickle.loads", "cloudpickle"),
        PICKLE("jsonpickle.decode", "jsonpickle"),
        PICKLE("jsonpickle.loads", "jsonpickle"),
        PICKLE("shelve.open", "shelve"),
        PICKLE("pandas.read_pickle", "pandas"),
        /* joblib: LF102 */
        JOBLIB("joblib.load"),
        JOBLIB("sklearn.externals.joblib.load"), /* the old vendored copy */
        /* numpy: LF103 */
        {.name = "numpy.load",
         .family = LF_FAMILY_NUMPY_LOAD,
         .keyword = "allow_pickle",
         .keyword_position = 2,
         .blocker_position = -1,
         .library = "NumPy"},
        /* PyYAML: LF104 */
        YAML("yaml.load", "safe_load"),
        YAML("yaml.load_all", "safe_load_all"),
        YAML_BY_NAME("yaml.unsafe_load", "safe_load"),
        YAML_BY_NAME("yaml.unsafe_load_all", "safe_load_all"),
        YAML_BY_NAME("yaml.full_load", "safe_load"),
        YAML_BY_NAME("yaml.full_load_all", "safe_load_all"),
        /* Keras: LF105 */
        KERAS("keras.models.load_model"),
        KERAS("keras.saving.load_model"),
        KERAS("tensorflow.keras.models.load_model"),
        KERAS("tensorflow.keras.saving.load_model"),
        /* Python setting PyTorch's escape hatch (LF006, fixers/env_switch.c):
         * os.environ as a value (its item assignment), its setdefault and
         * update, and os.putenv.  Not loaders, but what LF006 targets; the
         * prefilter asks for the variable's name instead of these words. */
        {.name = "os.environ",
         .family = LF_FAMILY_ENV_SWITCH,
         .keyword_position = -1,
         .blocker_position = -1,
         .value_references = true,
         .spelled = LF_TORCH_ESCAPE_HATCH},
        ENV_SWITCH("os.environ.setdefault"),
        ENV_SWITCH("os.environ.update"),
        ENV_SWITCH("os.putenv"),
        /* any call: LF106 */
        {.name = "*",
         .family = LF_FAMILY_REMOTE_CODE,
         .keyword = "trust_remote_code",
         .keyword_position = -1,
         .blocker_position = -1},
};

const size_t lf_target_count = sizeof lf_targets / sizeof lf_targets[0];

/* Names the rules must recognise that are not loaders themselves. */
static const struct {
	const char *name;
	lf_name_role role;
	const char *replacement;
} known_names[] = {
        {"functools.partial", LF_ROLE_PARTIAL, NULL},
        {"inspect", LF_ROLE_INSPECT, NULL},
        /* whatever `from inspect import ...` binds: no source text spells it */
        {"inspect.<member>", LF_ROLE_INSPECT_MEMBER, NULL},
        /* PyYAML's loaders (yaml/loader.py): the safe ones construct only
         * plain data; the others can construct arbitrary Python objects
         * (FullLoader was the way in for CVE-2020-14343). */
        {"yaml.SafeLoader", LF_ROLE_YAML_SAFE_LOADER, NULL},
        {"yaml.CSafeLoader", LF_ROLE_YAML_SAFE_LOADER, NULL},
        {"yaml.BaseLoader", LF_ROLE_YAML_SAFE_LOADER, NULL},
        {"yaml.CBaseLoader", LF_ROLE_YAML_SAFE_LOADER, NULL},
        {"yaml.Loader", LF_ROLE_YAML_UNSAFE_LOADER, "SafeLoader"},
        {"yaml.FullLoader", LF_ROLE_YAML_UNSAFE_LOADER, "SafeLoader"},
        {"yaml.UnsafeLoader", LF_ROLE_YAML_UNSAFE_LOADER, "SafeLoader"},
        {"yaml.CLoader", LF_ROLE_YAML_UNSAFE_LOADER, "CSafeLoader"},
        {"yaml.CFullLoader", LF_ROLE_YAML_UNSAFE_LOADER, "CSafeLoader"},
        {"yaml.CUnsafeLoader", LF_ROLE_YAML_UNSAFE_LOADER, "CSafeLoader"},
};

/* ---- the tree, built once --------------------------------------------- */

static lf_name names[LF_NAME_MAX];
static uint32_t name_count;
static const char *components[LF_NAME_MAX]; /* distinct last components, sorted */
static size_t component_count;
static const lf_target *any_callee;
static pthread_once_t tree_once = PTHREAD_ONCE_INIT;

static uint32_t find_child(uint32_t parent, const char *component, size_t len)
{
	uint32_t first = parent == LF_NAME_OTHER ? names[0].first_child : names[parent].first_child;
	for (uint32_t id = first; id != LF_NAME_OTHER; id = names[id].next_sibling)
		if (strlen(names[id].component) == len && memcmp(names[id].component, component, len) == 0)
			return id;
	return LF_NAME_OTHER;
}

/* The node for a qualified name, creating it and its parents. */
static uint32_t intern(const char *qualified)
{
	uint32_t parent = LF_NAME_OTHER;
	const char *part = qualified;
	for (;;) {
		const char *dot = strchr(part, '.');
		size_t len = dot ? (size_t)(dot - part) : strlen(part);
		uint32_t id = find_child(parent, part, len);
		if (id == LF_NAME_OTHER) {
			if (name_count == LF_NAME_MAX) {
				/* A table larger than the value sets is a bug in this file. */
				fprintf(stderr, "loadfix: internal error: more than %u known names\n", LF_NAME_MAX);
				abort();
			}
			id = name_count++;
			size_t prefix = (size_t)(part - qualified) + len;
			char *full = lf_xmalloc(prefix + 1);
			memcpy(full, qualified, prefix);
			full[prefix] = '\0';
			names[id] =
			        (lf_name){.qualified = full, .component = full + (part - qualified), .parent = parent};
			lf_name *owner = &names[parent];
			names[id].next_sibling = owner->first_child;
			owner->first_child = id;
		}
		parent = id;
		if (!dot)
			return id;
		part = dot + 1;
	}
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void build_tree(void)
{
	/* Node 0 is "anything else" and the root of the top-level modules. */
	names[0] = (lf_name){.qualified = "", .component = ""};
	name_count = 1;
	for (size_t i = 0; i < lf_target_count; i++) {
		if (strcmp(lf_targets[i].name, "*") == 0) {
			any_callee = &lf_targets[i];
			continue;
		}
		names[intern(lf_targets[i].name)].target = &lf_targets[i];
	}
	for (size_t i = 0; i < sizeof known_names / sizeof known_names[0]; i++) {
		uint32_t id = intern(known_names[i].name);
		names[id].role = known_names[i].role;
		names[id].replacement = known_names[i].replacement;
	}
	for (uint32_t id = 1; id < name_count; id++) {
		bool seen = false;
		for (size_t k = 0; k < component_count && !seen; k++)
			seen = strcmp(components[k], names[id].component) == 0;
		if (!seen)
			components[component_count++] = names[id].component;
	}
	qsort(components, component_count, sizeof components[0], compare_strings);
}

static void ensure_tree(void)
{
	pthread_once(&tree_once, build_tree);
}

const lf_name *lf_name_get(uint32_t id)
{
	ensure_tree();
	return &names[id];
}

uint32_t lf_name_count(void)
{
	ensure_tree();
	return name_count;
}

/* The child of `parent` spelled by source text (NFKC-compared). */
static uint32_t child_of_text(uint32_t parent, const uint8_t *text, size_t len)
{
	for (uint32_t id = names[parent].first_child; id != LF_NAME_OTHER; id = names[id].next_sibling)
		if (lf_name_equals(text, len, names[id].component))
			return id;
	return LF_NAME_OTHER;
}

uint32_t lf_name_module(const uint8_t *text, size_t len)
{
	ensure_tree();
	return child_of_text(LF_NAME_OTHER, text, len);
}

uint32_t lf_name_child(uint32_t parent, const uint8_t *text, size_t len)
{
	ensure_tree();
	if (parent == LF_NAME_OTHER)
		return LF_NAME_OTHER;
	return child_of_text(parent, text, len);
}

bool lf_name_is_component(const uint8_t *text, size_t len)
{
	ensure_tree();
	size_t normal_len = len;
	uint8_t *normal = lf_name_normalize(text, len, &normal_len);
	const uint8_t *key = normal ? normal : text;
	size_t lo = 0, hi = component_count;
	bool found = false;
	while (lo < hi && !found) {
		size_t mid = (lo + hi) / 2;
		size_t clen = strlen(components[mid]);
		int c = memcmp(key, components[mid], normal_len < clen ? normal_len : clen);
		if (c == 0)
			c = normal_len < clen ? -1 : normal_len > clen ? 1 : 0;
		if (c == 0)
			found = true;
		else if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	free(normal);
	return found;
}

uint32_t lf_name_find(const char *qualified)
{
	ensure_tree();
	for (uint32_t id = 1; id < name_count; id++)
		if (strcmp(names[id].qualified, qualified) == 0)
			return id;
	return LF_NAME_OTHER;
}

const lf_target *lf_target_any_callee(void)
{
	ensure_tree();
	return any_callee;
}
