/*
 * PyTorch's weights-only allow-lists and the dangerous-callables table, as
 * data.  To add a release line: read its torch/_weights_only_unpickler.py
 * (_get_allowed_globals and the opcodes Unpickler.load implements), add a
 * table below with where it came from, and put it in lf_allowlists.
 */
#include "loadfix/inspect/allowlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const blocked_none[] = {NULL};

/*
 * PyTorch 1.13: the keys of _get_allowed_globals() in Debian's python3-torch
 * 1.13.0a0 (/usr/lib/python3/dist-packages/torch/_weights_only_unpickler.py),
 * printed by that very function, so the dtype, tensor-class and
 * storage-class loops are expanded exactly as 1.13 expands them.
 */
static const char *const globals_1_13[] = {
        "collections.OrderedDict",
        "torch.BFloat16Storage",
        "torch.BFloat16Tensor",
        "torch.BoolStorage",
        "torch.BoolTensor",
        "torch.ByteStorage",
        "torch.ByteTensor",
        "torch.CharStorage",
        "torch.CharTensor",
        "torch.ComplexDoubleStorage",
        "torch.ComplexFloatStorage",
        "torch.DoubleStorage",
        "torch.DoubleTensor",
        "torch.FloatStorage",
        "torch.FloatTensor",
        "torch.HalfStorage",
        "torch.HalfTensor",
        "torch.IntStorage",
        "torch.IntTensor",
        "torch.LongStorage",
        "torch.LongTensor",
        "torch.QInt32Storage",
        "torch.QInt8Storage",
        "torch.QUInt2x4Storage",
        "torch.QUInt4x2Storage",
        "torch.QUInt8Storage",
        "torch.ShortStorage",
        "torch.ShortTensor",
        "torch.Size",
        "torch.Tensor",
        "torch._utils._rebuild_meta_tensor_no_storage",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_sparse_csr_tensor",
        "torch._utils._rebuild_sparse_tensor",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_tensor_v2",
        "torch.complex128",
        "torch.complex32",
        "torch.complex64",
        "torch.cuda.BFloat16Storage",
        "torch.cuda.BFloat16Tensor",
        "torch.cuda.BoolStorage",
        "torch.cuda.BoolTensor",
        "torch.cuda.ByteStorage",
        "torch.cuda.ByteTensor",
        "torch.cuda.CharStorage",
        "torch.cuda.CharTensor",
        "torch.cuda.ComplexDoubleStorage",
        "torch.cuda.ComplexFloatStorage",
        "torch.cuda.DoubleStorage",
        "torch.cuda.DoubleTensor",
        "torch.cuda.FloatStorage",
        "torch.cuda.FloatTensor",
        "torch.cuda.HalfStorage",
        "torch.cuda.HalfTensor",
        "torch.cuda.IntStorage",
        "torch.cuda.IntTensor",
        "torch.cuda.LongStorage",
        "torch.cuda.LongTensor",
        "torch.cuda.ShortStorage",
        "torch.cuda.ShortTensor",
        "torch.cuda.sparse.BFloat16Tensor",
        "torch.cuda.sparse.ByteTensor",
        "torch.cuda.sparse.CharTensor",
        "torch.cuda.sparse.DoubleTensor",
        "torch.cuda.sparse.FloatTensor",
        "torch.cuda.sparse.HalfTensor",
        "torch.cuda.sparse.IntTensor",
        "torch.cuda.sparse.LongTensor",
        "torch.cuda.sparse.ShortTensor",
        "torch.float16",
        "torch.float32",
        "torch.float64",
        "torch.int16",
        "torch.int32",
        "torch.int64",
        "torch.int8",
        "torch.nn.parameter.Parameter",
        "torch.serialization._get_layout",
        "torch.sparse.BFloat16Tensor",
        "torch.sparse.ByteTensor",
        "torch.sparse.CharTensor",
        "torch.sparse.DoubleTensor",
        "torch.sparse.FloatTensor",
        "torch.sparse.HalfTensor",
        "torch.sparse.IntTensor",
        "torch.sparse.LongTensor",
        "torch.sparse.ShortTensor",
        "torch.storage.TypedStorage",
        "torch.storage.UntypedStorage",
};

/* The opcodes 1.13's Unpickler.load implements (everything else raises
 * "Unsupported operand"): no BINFLOAT, so Python floats are refused; no
 * protocol-4 opcodes (FRAME, SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE). */
static const char opcodes_1_13[] = {
        'a',        'e', 'h', 'J',        'K', 'M', 'Q',        'q',        'X',        'b',        '}', ']',
        (char)0x8f, ')', 'c', (char)0x8a, 'j', 'r', '(',        (char)0x89, (char)0x81, (char)0x88, 'N', (char)0x80,
        'R',        's', 'u', 'U',        '.', 't', (char)0x85, (char)0x86, (char)0x87, 0};

static const lf_allowlist list_1_13 = {
        .version = "1.13",
        .label = "PyTorch 1.13",
        .source = "torch/_weights_only_unpickler.py of Debian's python3-torch 1.13.0a0",
        .globals = globals_1_13,
        .global_count = sizeof globals_1_13 / sizeof *globals_1_13,
        .opcodes = opcodes_1_13,
        .newobj_any_allowed = false,
        .has_add_safe_globals = false,
        .torchscript_dispatches = true, /* serialization.py 1.13: jit.load, whatever weights_only says */
        .blocked_modules = blocked_none,
};

/*
 * The newest list: torch/_weights_only_unpickler.py of pytorch/pytorch at
 * commit 00f730b66e58769f9698d9236f58cd46c3794115 (main, read 2026-12-01;
 * later than 2.6).  Its literal entries and loops, expanded:
 *  - the literal dict: OrderedDict, Counter, nn.Parameter, _get_layout,
 *    Size, Tensor, device, _codecs.encode, builtins.bytearray/set/complex;
 *  - dtypes: the keys of torch/storage.py's _dtype_to_storage_type_map()
 *    (unchanged since 1.13: the 17 printed by 1.13) and _new_dtypes() at
 *    that commit (float8 variants, float8_e8m0fnu, float4_e2m1fn_x2, bits*,
 *    complex32, uint16/32/64), plus uint1..uint7 and int1..int7;
 *  - quantization schemes (per_tensor_affine, ...);
 *  - _tensor_rebuild_functions() (note: _rebuild_sparse_csr_tensor of 1.13
 *    is no longer there) and torch._tensor._rebuild_from_type_v2;
 *  - tensor and storage classes: the names 1.13's torch._tensor_classes and
 *    torch._storage_classes print (the loops are unchanged; which cuda and
 *    sparse classes exist depends on the build).
 */
static const char *const globals_latest[] = {
        "_codecs.encode",
        "builtins.bytearray",
        "builtins.complex",
        "builtins.set",
        "collections.Counter",
        "collections.OrderedDict",
        "torch.BFloat16Storage",
        "torch.BFloat16Tensor",
        "torch.BoolStorage",
        "torch.BoolTensor",
        "torch.ByteStorage",
        "torch.ByteTensor",
        "torch.CharStorage",
        "torch.CharTensor",
        "torch.ComplexDoubleStorage",
        "torch.ComplexFloatStorage",
        "torch.DoubleStorage",
        "torch.DoubleTensor",
        "torch.FloatStorage",
        "torch.FloatTensor",
        "torch.HalfStorage",
        "torch.HalfTensor",
        "torch.IntStorage",
        "torch.IntTensor",
        "torch.LongStorage",
        "torch.LongTensor",
        "torch.QInt32Storage",
        "torch.QInt8Storage",
        "torch.QUInt2x4Storage",
        "torch.QUInt4x2Storage",
        "torch.QUInt8Storage",
        "torch.ShortStorage",
        "torch.ShortTensor",
        "torch.Size",
        "torch.Tensor",
        "torch._tensor._rebuild_from_type_v2",
        "torch._utils._rebuild_device_tensor_from_cpu_tensor",
        "torch._utils._rebuild_device_tensor_from_numpy",
        "torch._utils._rebuild_meta_tensor_no_storage",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
        "torch._utils._rebuild_qtensor",
        "torch._utils._rebuild_sparse_tensor",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_tensor_v3",
        "torch._utils._rebuild_wrapper_subclass",
        "torch.bfloat16",
        "torch.bits16",
        "torch.bits1x8",
        "torch.bits2x4",
        "torch.bits4x2",
        "torch.bits8",
        "torch.bool",
        "torch.complex128",
        "torch.complex32",
        "torch.complex64",
        "torch.cuda.BFloat16Storage",
        "torch.cuda.BFloat16Tensor",
        "torch.cuda.BoolStorage",
        "torch.cuda.BoolTensor",
        "torch.cuda.ByteStorage",
        "torch.cuda.ByteTensor",
        "torch.cuda.CharStorage",
        "torch.cuda.CharTensor",
        "torch.cuda.ComplexDoubleStorage",
        "torch.cuda.ComplexFloatStorage",
        "torch.cuda.DoubleStorage",
        "torch.cuda.DoubleTensor",
        "torch.cuda.FloatStorage",
        "torch.cuda.FloatTensor",
        "torch.cuda.HalfStorage",
        "torch.cuda.HalfTensor",
        "torch.cuda.IntStorage",
        "torch.cuda.IntTensor",
        "torch.cuda.LongStorage",
        "torch.cuda.LongTensor",
        "torch.cuda.ShortStorage",
        "torch.cuda.ShortTensor",
        "torch.cuda.sparse.BFloat16Tensor",
        "torch.cuda.sparse.ByteTensor",
        "torch.cuda.sparse.CharTensor",
        "torch.cuda.sparse.DoubleTensor",
        "torch.cuda.sparse.FloatTensor",
        "torch.cuda.sparse.HalfTensor",
        "torch.cuda.sparse.IntTensor",
        "torch.cuda.sparse.LongTensor",
        "torch.cuda.sparse.ShortTensor",
        "torch.device",
        "torch.float16",
        "torch.float32",
        "torch.float4_e2m1fn_x2",
        "torch.float64",
        "torch.float8_e4m3fn",
        "torch.float8_e4m3fnuz",
        "torch.float8_e5m2",
        "torch.float8_e5m2fnuz",
        "torch.float8_e8m0fnu",
        "torch.int1",
        "torch.int16",
        "torch.int2",
        "torch.int3",
        "torch.int32",
        "torch.int4",
        "torch.int5",
        "torch.int6",
        "torch.int64",
        "torch.int7",
        "torch.int8",
        "torch.nn.parameter.Parameter",
        "torch.per_channel_affine",
        "torch.per_channel_affine_float_qparams",
        "torch.per_channel_symmetric",
        "torch.per_tensor_affine",
        "torch.per_tensor_symmetric",
        "torch.qint32",
        "torch.qint8",
        "torch.quint2x4",
        "torch.quint4x2",
        "torch.quint8",
        "torch.serialization._get_layout",
        "torch.sparse.BFloat16Tensor",
        "torch.sparse.ByteTensor",
        "torch.sparse.CharTensor",
        "torch.sparse.DoubleTensor",
        "torch.sparse.FloatTensor",
        "torch.sparse.HalfTensor",
        "torch.sparse.IntTensor",
        "torch.sparse.LongTensor",
        "torch.sparse.ShortTensor",
        "torch.storage.TypedStorage",
        "torch.storage.UntypedStorage",
        "torch.uint1",
        "torch.uint16",
        "torch.uint2",
        "torch.uint3",
        "torch.uint32",
        "torch.uint4",
        "torch.uint5",
        "torch.uint6",
        "torch.uint64",
        "torch.uint7",
        "torch.uint8",
};

/* 1.13's opcodes plus BINFLOAT, which the newest Unpickler.load implements. */
static const char opcodes_latest[] = {
        'a',        'e', 'h', 'J',        'K', 'M', 'Q',        'q',        'X',        'b',        '}', ']',
        (char)0x8f, ')', 'c', (char)0x8a, 'j', 'r', '(',        (char)0x89, (char)0x81, (char)0x88, 'N', (char)0x80,
        'R',        's', 'u', 'U',        '.', 't', (char)0x85, (char)0x86, (char)0x87, 'G',        0};

/* _blocklisted_modules at the same commit. */
static const char *const blocked_latest[] = {"sys", "os", "posix", "nt", NULL};

static const lf_allowlist list_latest = {
        .version = "latest",
        .label = "PyTorch 2.6+ (main at 00f730b6)",
        .source = "torch/_weights_only_unpickler.py of pytorch/pytorch at 00f730b66e58",
        .globals = globals_latest,
        .global_count = sizeof globals_latest / sizeof *globals_latest,
        .opcodes = opcodes_latest,
        .newobj_any_allowed = true,
        .has_add_safe_globals = true,
        /* Refused since 2.6 (pytorch PR #143326): "Cannot use
         * weights_only=True with TorchScript archives". */
        .torchscript_dispatches = false,
        .blocked_modules = blocked_latest,
};

const lf_allowlist *const lf_allowlists[] = {&list_latest, &list_1_13};
const size_t lf_allowlist_count = sizeof lf_allowlists / sizeof *lf_allowlists;

const lf_allowlist *lf_allowlist_find(const char *version)
{
	for (size_t i = 0; i < lf_allowlist_count; i++)
		if (strcmp(lf_allowlists[i]->version, version) == 0)
			return lf_allowlists[i];
	return NULL;
}

/* Python 3's unpickler maps Python 2 module names (Lib/_compat_pickle.py
 * IMPORT_MAPPING) for protocols < 3; torch applies the same mapping before
 * its allow-list lookup.  The entries that matter for globals a checkpoint
 * names; a full table is in _compat_pickle. */
static const struct {
	const char *py2, *py3;
} module_mapping[] = {
        {"__builtin__", "builtins"}, {"copy_reg", "copyreg"}, {"cPickle", "pickle"},
        {"commands", "subprocess"},  {"Queue", "queue"},      {"exceptions", "builtins"},
};

const char *lf_global_py3_name(const char *name, char *out, size_t outsize)
{
	for (size_t i = 0; i < sizeof module_mapping / sizeof *module_mapping; i++) {
		size_t n = strlen(module_mapping[i].py2);
		if (strncmp(name, module_mapping[i].py2, n) == 0 && name[n] == '.') {
			snprintf(out, outsize, "%s%s", module_mapping[i].py3, name + n);
			return out;
		}
	}
	snprintf(out, outsize, "%s", name);
	return out;
}

static int compare_names(const void *key, const void *entry)
{
	return strcmp(key, *(const char *const *)entry);
}

bool lf_allowlist_allows(const lf_allowlist *list, const char *name)
{
	char mapped[512];
	if (strlen(name) >= sizeof mapped)
		return false;
	lf_global_py3_name(name, mapped, sizeof mapped);
	return bsearch(mapped, list->globals, list->global_count, sizeof *list->globals, compare_names) != NULL;
}

bool lf_allowlist_has_opcode(const lf_allowlist *list, uint8_t opcode)
{
	return opcode && strchr(list->opcodes, (char)opcode) != NULL;
}

/* The module part of "module.name": up to the last dot is wrong for
 * "torch.nn.Module" too, so match a module as a prefix ending at a dot. */
static bool in_module(const char *name, const char *module)
{
	size_t n = strlen(module);
	return strncmp(name, module, n) == 0 && name[n] == '.';
}

bool lf_allowlist_blocks(const lf_allowlist *list, const char *name)
{
	for (size_t i = 0; list->blocked_modules[i]; i++) {
		const char *m = list->blocked_modules[i];
		size_t n = strlen(m);
		/* torch blocks the module exactly: "os.system", not "os.path.join" */
		if (in_module(name, m) && !strchr(name + n + 1, '.'))
			return true;
	}
	return false;
}

/*
 * Dangerous callables: what a pickle can call to run code, reach the
 * network, or destroy files.  `name` NULL means every name in the module
 * (and its submodules).  Matched after the Python 2 name mapping.  Keep
 * sorted by module.
 */
static const struct {
	const char *module, *name, *why;
} dangerous[] = {
        {"_posixsubprocess", NULL, "starts processes"},
        {"asyncio", "create_subprocess_exec", "starts a process"},
        {"asyncio", "create_subprocess_shell", "runs a shell command"},
        {"asyncio.subprocess", NULL, "starts processes"},
        {"bdb", NULL, "runs code under a debugger"},
        {"builtins", "__import__", "imports any module"},
        {"builtins", "breakpoint", "starts a debugger"},
        {"builtins", "compile", "compiles code"},
        {"builtins", "delattr", "deletes any attribute"},
        {"builtins", "eval", "evaluates Python code"},
        {"builtins", "exec", "executes Python code"},
        {"builtins", "getattr", "reaches any attribute (e.g. os.system)"},
        {"builtins", "globals", "reaches the module namespace"},
        {"builtins", "open", "opens files"},
        {"builtins", "setattr", "overwrites any attribute"},
        {"builtins", "vars", "reaches any namespace"},
        {"cProfile", "run", "executes Python code"},
        {"cProfile", "runctx", "executes Python code"},
        {"code", NULL, "executes Python code"},
        {"codeop", NULL, "compiles code"},
        {"ctypes", NULL, "calls native code"},
        {"dill", NULL, "unpickles nested data (and runs it)"},
        {"distutils.spawn", NULL, "starts processes"},
        {"ensurepip", NULL, "installs packages"},
        {"functools", "reduce", "chains calls"},
        {"importlib", NULL, "imports any module"},
        {"joblib", "load", "unpickles nested data"},
        {"marshal", "loads", "loads code objects"},
        {"multiprocessing", NULL, "starts processes"},
        {"nt", NULL, "operating-system calls (system, exec*, spawn*, remove, ...)"},
        {"numpy", "load", "unpickles nested data (allow_pickle)"},
        {"numpy.testing._private.utils", "runstring", "executes Python code"},
        {"operator", "attrgetter", "reaches any attribute"},
        {"operator", "methodcaller", "calls any method"},
        {"os", NULL, "operating-system calls (system, exec*, spawn*, remove, ...)"},
        {"pandas", "read_pickle", "unpickles nested data"},
        {"pdb", NULL, "runs code under a debugger"},
        {"pickle", NULL, "unpickles nested data (and runs it)"},
        {"pip", NULL, "installs packages"},
        {"platform", "popen", "runs a shell command"},
        {"posix", NULL, "operating-system calls (system, exec*, spawn*, remove, ...)"},
        {"profile", "run", "executes Python code"},
        {"profile", "runctx", "executes Python code"},
        {"pty", NULL, "spawns a shell"},
        {"pydoc", "pipepager", "runs a shell command"},
        {"requests", NULL, "reaches the network"},
        {"runpy", NULL, "runs a module or script"},
        {"shelve", "open", "unpickles nested data"},
        {"shutil", "chown", "changes file ownership"},
        {"shutil", "copy", "writes files"},
        {"shutil", "copy2", "writes files"},
        {"shutil", "copyfile", "writes files"},
        {"shutil", "copytree", "writes files"},
        {"shutil", "move", "moves files"},
        {"shutil", "rmtree", "deletes a directory tree"},
        {"socket", NULL, "opens network connections"},
        {"subprocess", NULL, "starts processes"},
        {"sys", NULL, "reaches the interpreter (sys.modules)"},
        {"telnetlib", NULL, "opens network connections"},
        {"timeit", NULL, "executes Python code"},
        {"torch", "load", "loads a nested checkpoint (weights_only is not inherited)"},
        {"torch._C", "_jit_pass_onnx", "runs native code"},
        {"torch.hub", "load", "downloads and runs code"},
        {"torch.jit", "load", "loads TorchScript"},
        {"torch.serialization", "load", "loads a nested checkpoint (weights_only is not inherited)"},
        {"torch.storage", "_load_from_bytes", "loads a nested checkpoint without weights_only"},
        {"trace", NULL, "executes Python code"},
        {"types", "CodeType", "builds code objects"},
        {"types", "FunctionType", "builds functions from code"},
        {"urllib", NULL, "reaches the network"},
        {"venv", NULL, "creates environments and runs pip"},
        {"webbrowser", NULL, "starts a browser"},
        {"_pickle", NULL, "unpickles nested data (and runs it)"},
};

const char *lf_dangerous_reason(const char *name)
{
	char mapped[512];
	if (strlen(name) >= sizeof mapped)
		return NULL;
	lf_global_py3_name(name, mapped, sizeof mapped);
	for (size_t i = 0; i < sizeof dangerous / sizeof *dangerous; i++) {
		const char *m = dangerous[i].module;
		size_t n = strlen(m);
		if (!in_module(mapped, m))
			continue;
		const char *rest = mapped + n + 1;
		if (!dangerous[i].name || strcmp(rest, dangerous[i].name) == 0)
			return dangerous[i].why;
	}
	return NULL;
}
