/*
 * The pickle opcode walker: reads, never executes.  The stack machine
 * mirrors CPython's Lib/pickle.py _Unpickler (a MARK starts a new frame, as
 * its metastack does) so that STACK_GLOBAL sees the same operands Python
 * would, but a value is only a kind: a string (with its text), a global
 * (which one), or "something else".  Calls are never made; their results
 * are "unknown" values, which STACK_GLOBAL cannot resolve.
 */
#include "loadfix/inspect/pickle.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadfix/buf.h"

/* The bounds, documented in the README ("Bounds"): generous for real
 * checkpoints (a 7B-parameter state_dict needs a few thousand memo entries
 * and a stack of a few thousand values), small enough that a hostile pickle
 * costs at most a few tens of MB. */
const lf_pickle_limits lf_pickle_default_limits = {
        .max_stack = 100000,
        .max_marks = 10000,
        .max_memo = 500000,
        .max_globals = 65536,
        .max_opcodes = 100000000,
};

/* ---- opcodes ------------------------------------------------------------- */

/* How an opcode's argument is laid out (pickletools' ArgumentDescriptor). */
enum arg {
	ARG_NONE,
	ARG_LINE,  /* up to '\n' */
	ARG_LINE2, /* two lines (GLOBAL, INST) */
	ARG_U1,    /* fixed-size integers */
	ARG_U2,
	ARG_U4,
	ARG_U8,
	ARG_LEN_U1, /* length-prefixed payloads */
	ARG_LEN_I4,
	ARG_LEN_U4,
	ARG_LEN_U8,
};

typedef struct opcode_info {
	const char *name;
	enum arg arg;
} opcode_info;

/* pickletools.opcodes, as a table indexed by the opcode byte. */
static const opcode_info opcodes[256] = {
        ['('] = {"MARK", ARG_NONE},
        ['.'] = {"STOP", ARG_NONE},
        ['0'] = {"POP", ARG_NONE},
        ['1'] = {"POP_MARK", ARG_NONE},
        ['2'] = {"DUP", ARG_NONE},
        ['F'] = {"FLOAT", ARG_LINE},
        ['I'] = {"INT", ARG_LINE},
        ['J'] = {"BININT", ARG_U4},
        ['K'] = {"BININT1", ARG_U1},
        ['L'] = {"LONG", ARG_LINE},
        ['M'] = {"BININT2", ARG_U2},
        ['N'] = {"NONE", ARG_NONE},
        ['P'] = {"PERSID", ARG_LINE},
        ['Q'] = {"BINPERSID", ARG_NONE},
        ['R'] = {"REDUCE", ARG_NONE},
        ['S'] = {"STRING", ARG_LINE},
        ['T'] = {"BINSTRING", ARG_LEN_I4},
        ['U'] = {"SHORT_BINSTRING", ARG_LEN_U1},
        ['V'] = {"UNICODE", ARG_LINE},
        ['X'] = {"BINUNICODE", ARG_LEN_U4},
        ['a'] = {"APPEND", ARG_NONE},
        ['b'] = {"BUILD", ARG_NONE},
        ['c'] = {"GLOBAL", ARG_LINE2},
        ['d'] = {"DICT", ARG_NONE},
        ['}'] = {"EMPTY_DICT", ARG_NONE},
        ['e'] = {"APPENDS", ARG_NONE},
        ['g'] = {"GET", ARG_LINE},
        ['h'] = {"BINGET", ARG_U1},
        ['i'] = {"INST", ARG_LINE2},
        ['j'] = {"LONG_BINGET", ARG_U4},
        ['l'] = {"LIST", ARG_NONE},
        [']'] = {"EMPTY_LIST", ARG_NONE},
        ['o'] = {"OBJ", ARG_NONE},
        ['p'] = {"PUT", ARG_LINE},
        ['q'] = {"BINPUT", ARG_U1},
        ['r'] = {"LONG_BINPUT", ARG_U4},
        ['s'] = {"SETITEM", ARG_NONE},
        ['t'] = {"TUPLE", ARG_NONE},
        [')'] = {"EMPTY_TUPLE", ARG_NONE},
        ['u'] = {"SETITEMS", ARG_NONE},
        ['G'] = {"BINFLOAT", ARG_U8},
        [0x80] = {"PROTO", ARG_U1},
        [0x81] = {"NEWOBJ", ARG_NONE},
        [0x82] = {"EXT1", ARG_U1},
        [0x83] = {"EXT2", ARG_U2},
        [0x84] = {"EXT4", ARG_U4},
        [0x85] = {"TUPLE1", ARG_NONE},
        [0x86] = {"TUPLE2", ARG_NONE},
        [0x87] = {"TUPLE3", ARG_NONE},
        [0x88] = {"NEWTRUE", ARG_NONE},
        [0x89] = {"NEWFALSE", ARG_NONE},
        [0x8a] = {"LONG1", ARG_LEN_U1},
        [0x8b] = {"LONG4", ARG_LEN_I4},
        ['B'] = {"BINBYTES", ARG_LEN_U4},
        ['C'] = {"SHORT_BINBYTES", ARG_LEN_U1},
        [0x8c] = {"SHORT_BINUNICODE", ARG_LEN_U1},
        [0x8d] = {"BINUNICODE8", ARG_LEN_U8},
        [0x8e] = {"BINBYTES8", ARG_LEN_U8},
        [0x8f] = {"EMPTY_SET", ARG_NONE},
        [0x90] = {"ADDITEMS", ARG_NONE},
        [0x91] = {"FROZENSET", ARG_NONE},
        [0x92] = {"NEWOBJ_EX", ARG_NONE},
        [0x93] = {"STACK_GLOBAL", ARG_NONE},
        [0x94] = {"MEMOIZE", ARG_NONE},
        [0x95] = {"FRAME", ARG_U8},
        [0x96] = {"BYTEARRAY8", ARG_LEN_U8},
        [0x97] = {"NEXT_BUFFER", ARG_NONE},
        [0x98] = {"READONLY_BUFFER", ARG_NONE},
};

const char *lf_pickle_opcode_name(uint8_t opcode)
{
	return opcodes[opcode].name;
}

/* ---- values -------------------------------------------------------------- */

enum kind {
	V_OTHER,   /* known not to be a str: numbers, bytes, containers, None */
	V_STR,     /* a str whose text we know */
	V_GLOBAL,  /* what GLOBAL / STACK_GLOBAL pushed */
	V_UNKNOWN, /* the result of a call, a persistent load, ...: could be anything */
};

typedef struct value {
	uint8_t kind;
	uint32_t len;    /* V_STR */
	const char *str; /* V_STR: borrowed from the input or from the walk's arena */
	uint32_t global; /* V_GLOBAL: index into result->globals */
} value;

typedef struct memo_slot {
	uint64_t key;
	value v;
	bool used;
} memo_slot;

typedef struct walk {
	const uint8_t *data;
	size_t len;
	size_t pos;
	const lf_pickle_limits *limits;
	lf_pickle_result *result;
	value *stack;
	uint32_t depth, stack_cap;
	uint32_t *marks; /* stack depth at each MARK */
	uint32_t mark_count, mark_cap;
	memo_slot *memo; /* open addressing, power-of-two capacity */
	uint32_t memo_count, memo_cap;
	char **arena; /* decoded strings this walk owns */
	uint32_t arena_count, arena_cap;
	char *error;
	size_t op_start; /* offset of the opcode being walked, for errors */
} walk;

__attribute__((format(printf, 2, 3))) static bool fail(walk *w, const char *fmt, ...)
{
	if (w->error)
		return false;
	lf_buf b;
	lf_buf_init(&b);
	va_list args;
	va_start(args, fmt);
	char *text = lf_xvasprintf(fmt, args);
	va_end(args);
	const char *name = w->op_start < w->len ? opcodes[w->data[w->op_start]].name : NULL;
	if (name)
		lf_buf_printf(&b, "%s at byte %zu (%s)", text, w->op_start, name);
	else
		lf_buf_printf(&b, "%s at byte %zu", text, w->op_start);
	free(text);
	w->error = lf_buf_steal(&b, NULL);
	return false;
}

/* ---- globals ------------------------------------------------------------- */

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (uint8_t)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static void index_insert(lf_pickle_result *r, uint32_t g)
{
	const char *name = r->globals[g].name;
	uint32_t mask = r->index_cap - 1;
	for (uint64_t i = hash_bytes(name, strlen(name)) & mask;; i = (i + 1) & mask)
		if (r->index[i] == UINT32_MAX) {
			r->index[i] = g;
			return;
		}
}

static void index_grow(lf_pickle_result *r)
{
	free(r->index);
	r->index_cap = r->index_cap ? r->index_cap * 2 : 64;
	r->index = lf_xmalloc(sizeof(uint32_t) * r->index_cap);
	memset(r->index, 0xff, sizeof(uint32_t) * r->index_cap);
	for (uint32_t g = 0; g < r->global_count; g++)
		index_insert(r, g);
}

static uint32_t find_global(const lf_pickle_result *r, const char *name, size_t n)
{
	if (!r->index_cap)
		return UINT32_MAX;
	uint32_t mask = r->index_cap - 1;
	for (uint64_t i = hash_bytes(name, n) & mask;; i = (i + 1) & mask) {
		uint32_t g = r->index[i];
		if (g == UINT32_MAX)
			return UINT32_MAX;
		if (strlen(r->globals[g].name) == n && memcmp(r->globals[g].name, name, n) == 0)
			return g;
	}
}

const lf_pickle_global *lf_pickle_result_find(const lf_pickle_result *result, const char *name)
{
	uint32_t g = find_global(result, name, strlen(name));
	return g == UINT32_MAX ? NULL : &result->globals[g];
}

/* Names are C strings: a NUL byte in one (which no importable name has,
 * but a hostile pickle may write) is recorded as the four characters \x00,
 * so that it can neither cut a name short nor make two names look alike to
 * strlen.  Found by fuzz_pickle (regressions/fuzz_pickle/). */
static void append_name(lf_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i])
			lf_buf_putc(b, s[i]);
		else
			lf_buf_puts(b, "\\x00");
}

/* Records a reference to module.name; returns its index, or UINT32_MAX
 * (with the error set) when the distinct-globals limit is hit. */
static uint32_t add_global(walk *w, const char *module, size_t mlen, const char *name, size_t nlen)
{
	lf_pickle_result *r = w->result;
	lf_buf full;
	lf_buf_init(&full);
	append_name(&full, module, mlen);
	size_t module_len = full.len;
	if (name) {
		lf_buf_putc(&full, '.');
		append_name(&full, name, nlen);
	}
	uint32_t g = find_global(r, full.data, full.len);
	if (g == UINT32_MAX) {
		if (r->global_count >= w->limits->max_globals) {
			lf_buf_finish(&full);
			fail(w, "more than %u distinct globals", w->limits->max_globals);
			return UINT32_MAX;
		}
		if (r->global_count == r->global_cap) {
			r->global_cap = r->global_cap ? r->global_cap * 2 : 16;
			r->globals = lf_xrealloc(r->globals, sizeof *r->globals * r->global_cap);
		}
		g = r->global_count++;
		r->globals[g] =
		        (lf_pickle_global){.name = lf_buf_steal(&full, NULL), .module_len = (uint32_t)module_len};
		if (r->global_count * 2 > r->index_cap)
			index_grow(r);
		else
			index_insert(r, g);
	}
	lf_buf_finish(&full);
	r->globals[g].count++;
	return g;
}

void lf_pickle_result_init(lf_pickle_result *result)
{
	memset(result, 0, sizeof *result);
	result->protocol = -1;
}

void lf_pickle_result_finish(lf_pickle_result *result)
{
	for (uint32_t i = 0; i < result->global_count; i++)
		free(result->globals[i].name);
	free(result->globals);
	free(result->index);
	memset(result, 0, sizeof *result);
}

/* ---- stack, marks, memo -------------------------------------------------- */

static uint32_t frame_base(const walk *w)
{
	return w->mark_count ? w->marks[w->mark_count - 1] : 0;
}

static uint32_t frame_size(const walk *w)
{
	return w->depth - frame_base(w);
}

static bool push(walk *w, value v)
{
	if (w->depth >= w->limits->max_stack)
		return fail(w, "stack deeper than %u values", w->limits->max_stack);
	if (w->depth == w->stack_cap) {
		w->stack_cap = w->stack_cap ? w->stack_cap * 2 : 64;
		w->stack = lf_xrealloc(w->stack, sizeof *w->stack * w->stack_cap);
	}
	w->stack[w->depth++] = v;
	return true;
}

static bool push_kind(walk *w, enum kind kind)
{
	return push(w, (value){.kind = (uint8_t)kind});
}

/* Pops n values of the current frame into out[0..n-1] (bottom first). */
static bool pop(walk *w, uint32_t n, value *out)
{
	if (frame_size(w) < n)
		return fail(w, "stack underflow");
	w->depth -= n;
	if (out)
		memcpy(out, &w->stack[w->depth], sizeof *out * n);
	return true;
}

static value *top(walk *w)
{
	if (frame_size(w) < 1) {
		fail(w, "stack underflow");
		return NULL;
	}
	return &w->stack[w->depth - 1];
}

static bool mark(walk *w)
{
	if (w->mark_count >= w->limits->max_marks)
		return fail(w, "MARK nested deeper than %u", w->limits->max_marks);
	if (w->mark_count == w->mark_cap) {
		w->mark_cap = w->mark_cap ? w->mark_cap * 2 : 16;
		w->marks = lf_xrealloc(w->marks, sizeof *w->marks * w->mark_cap);
	}
	w->marks[w->mark_count++] = w->depth;
	return true;
}

/* Python's pop_mark: the frame's values are dropped (the caller has looked
 * at them), the enclosing frame becomes current. */
static bool pop_mark(walk *w, uint32_t *base, uint32_t *count)
{
	if (!w->mark_count)
		return fail(w, "no MARK to pop");
	uint32_t b = w->marks[--w->mark_count];
	if (base)
		*base = b;
	if (count)
		*count = w->depth - b;
	w->depth = b;
	return true;
}

static memo_slot *memo_slot_for(walk *w, uint64_t key)
{
	uint32_t mask = w->memo_cap - 1;
	for (uint64_t i = (key * 0x9e3779b97f4a7c15ull) >> 32 & mask;; i = (i + 1) & mask)
		if (!w->memo[i].used || w->memo[i].key == key)
			return &w->memo[i];
}

static bool memo_put(walk *w, uint64_t key)
{
	value *v = top(w);
	if (!v)
		return false;
	if (w->memo_cap == 0 || (w->memo_count + 1) * 2 > w->memo_cap) {
		memo_slot *old = w->memo;
		uint32_t old_cap = w->memo_cap;
		w->memo_cap = old_cap ? old_cap * 2 : 64;
		w->memo = lf_xcalloc(w->memo_cap, sizeof *w->memo);
		for (uint32_t i = 0; i < old_cap; i++)
			if (old[i].used)
				*memo_slot_for(w, old[i].key) = old[i];
		free(old);
	}
	memo_slot *slot = memo_slot_for(w, key);
	if (!slot->used) {
		if (w->memo_count >= w->limits->max_memo)
			return fail(w, "more than %u memo entries", w->limits->max_memo);
		w->memo_count++;
	}
	*slot = (memo_slot){.key = key, .v = *v, .used = true};
	return true;
}

static bool memo_get(walk *w, uint64_t key)
{
	memo_slot *slot = w->memo_cap ? memo_slot_for(w, key) : NULL;
	if (!slot || !slot->used)
		return fail(w, "memo key %llu is not defined", (unsigned long long)key);
	return push(w, slot->v);
}

/* ---- reading arguments --------------------------------------------------- */

static bool need(walk *w, uint64_t n)
{
	if (n > w->len - w->pos)
		return fail(w, "truncated pickle (argument runs past the end of the data)");
	return true;
}

static uint64_t read_le(walk *w, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)w->data[w->pos + i] << (8 * i);
	w->pos += n;
	return v;
}

/* A line argument: [*start, *start + *n) without the '\n'. */
static bool read_line(walk *w, const char **start, size_t *n)
{
	const uint8_t *p = w->data + w->pos;
	const uint8_t *nl = memchr(p, '\n', w->len - w->pos);
	if (!nl)
		return fail(w, "truncated pickle (line argument without a newline)");
	*start = (const char *)p;
	*n = (size_t)(nl - p);
	w->pos += *n + 1;
	return true;
}

static char *arena_take(walk *w, char *s)
{
	if (w->arena_count == w->arena_cap) {
		w->arena_cap = w->arena_cap ? w->arena_cap * 2 : 8;
		w->arena = lf_xrealloc(w->arena, sizeof *w->arena * w->arena_cap);
	}
	return w->arena[w->arena_count++] = s;
}

/*
 * UNICODE's argument is raw-unicode-escape: bytes are Latin-1 code points
 * except \uXXXX and \UXXXXXXXX.  Returns a V_STR (UTF-8 text in the arena),
 * or V_UNKNOWN where Python would fail to decode (the walk goes on; such a
 * string cannot name a global anyway).
 */
static value decode_raw_unicode_escape(walk *w, const char *s, size_t n)
{
	lf_buf b;
	lf_buf_init(&b);
	lf_buf_reserve(&b, n + 1);
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];
		if (c == '\\' && i + 1 < n && (s[i + 1] == 'u' || s[i + 1] == 'U')) {
			size_t digits = s[i + 1] == 'u' ? 4 : 8;
			uint32_t cp = 0;
			if (i + 2 + digits > n)
				goto bad;
			for (size_t k = 0; k < digits; k++) {
				int h = lf_hex_value(s[i + 2 + k]);
				if (h < 0)
					goto bad;
				cp = cp << 4 | (uint32_t)h;
			}
			if (cp > 0x10ffff)
				goto bad;
			lf_buf_put_utf8(&b, cp);
			i += 1 + digits;
		} else {
			lf_buf_put_utf8(&b, c);
		}
	}
	size_t len;
	char *text = lf_buf_steal(&b, &len);
	if (!text)
		text = lf_xstrdup("");
	return (value){.kind = V_STR, .str = arena_take(w, text), .len = (uint32_t)len};
bad:
	lf_buf_finish(&b);
	return (value){.kind = V_UNKNOWN};
}

/* STRING's argument is a quoted Python 2 str repr.  Without backslashes its
 * text is what lies between the quotes; with them we do not model
 * escape_decode and call it unknown (a STACK_GLOBAL on it is reported as
 * unresolved, never silently skipped). */
static value decode_string_repr(walk *w, const char *s, size_t n)
{
	if (n < 2 || (s[0] != '\'' && s[0] != '"') || s[n - 1] != s[0]) {
		fail(w, "the STRING argument must be quoted");
		return (value){.kind = V_OTHER};
	}
	if (memchr(s, '\\', n))
		return (value){.kind = V_UNKNOWN};
	return (value){.kind = V_STR, .str = s + 1, .len = (uint32_t)(n - 2)};
}

static bool parse_decimal(walk *w, const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	if (n == 0)
		return fail(w, "empty memo index");
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - 9) / 10)
			return fail(w, "bad memo index");
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* A byte-string payload of n bytes, borrowed. */
static bool payload(walk *w, uint64_t n, const char **out)
{
	if (!need(w, n))
		return false;
	*out = (const char *)w->data + w->pos;
	w->pos += (size_t)n;
	return true;
}

/* Records that the value `v` was called (REDUCE and friends). */
static void note_call(walk *w, const value *v, bool newobj)
{
	if (v->kind == V_GLOBAL) {
		w->result->globals[v->global].calls++;
		w->result->globals[v->global].newobj += newobj;
	} else {
		w->result->reduce_on_non_global++;
	}
}

/* ---- one opcode ---------------------------------------------------------- */

static bool step(walk *w, bool *stopped)
{
	w->op_start = w->pos;
	uint8_t op = w->data[w->pos++];
	const opcode_info *info = &opcodes[op];
	if (!info->name)
		return fail(w, "unknown opcode 0x%02x", op);
	w->result->opcode_counts[op]++;

	/* Fixed-size arguments first. */
	uint64_t num = 0;
	static const unsigned fixed[] = {[ARG_U1] = 1, [ARG_U2] = 2, [ARG_U4] = 4, [ARG_U8] = 8};
	if (info->arg >= ARG_U1 && info->arg <= ARG_U8) {
		unsigned n = fixed[info->arg];
		if (!need(w, n))
			return false;
		num = read_le(w, n);
	}
	/* Length-prefixed payloads. */
	const char *bytes = NULL;
	uint64_t blen = 0;
	if (info->arg >= ARG_LEN_U1) {
		static const unsigned width[] = {
		        [ARG_LEN_U1] = 1, [ARG_LEN_I4] = 4, [ARG_LEN_U4] = 4, [ARG_LEN_U8] = 8};
		unsigned n = width[info->arg];
		if (!need(w, n))
			return false;
		blen = read_le(w, n);
		if (info->arg == ARG_LEN_I4 && blen > INT32_MAX)
			return fail(w, "negative length");
		if (!payload(w, blen, &bytes))
			return false;
	}
	const char *line = NULL, *line2 = NULL;
	size_t line_len = 0, line2_len = 0;
	if (info->arg == ARG_LINE || info->arg == ARG_LINE2) {
		if (!read_line(w, &line, &line_len))
			return false;
		if (info->arg == ARG_LINE2 && !read_line(w, &line2, &line2_len))
			return false;
	}

	value a[3];
	uint32_t base = 0, count = 0;
	uint32_t g;
	switch (op) {
	case '(': return mark(w);
	case '.': *stopped = true; return pop(w, 1, NULL);
	case '0': /* POP: Python pops the top, or the whole frame when it is empty */
		if (frame_size(w))
			return pop(w, 1, NULL);
		return pop_mark(w, NULL, NULL);
	case '1': return pop_mark(w, NULL, NULL);
	case '2': {
		value *t = top(w);
		return t && push(w, *t);
	}
	case 'F':
	case 'I':
	case 'L':
	case 'J':
	case 'K':
	case 'M':
	case 'N':
	case 'G':
	case 0x88:
	case 0x89:
	case 0x8a:
	case 0x8b:
	case 'B':
	case 'C':
	case 0x8e:
	case 0x96:
	case ')':
	case ']':
	case '}':
	case 0x8f:
	case 0x97: /* NEXT_BUFFER: an out-of-band buffer, bytes-like */ return push_kind(w, V_OTHER);
	case 'P': return push_kind(w, V_UNKNOWN);
	case 'Q': return pop(w, 1, NULL) && push_kind(w, V_UNKNOWN);
	case 'S': {
		value v = decode_string_repr(w, line, line_len);
		return !w->error && push(w, v);
	}
	case 'T':
	case 'U':
	case 'X':
	case 0x8c:
	case 0x8d:
		/* Python 2 str (T, U) decodes to str with the unpickler's
		 * encoding; the unicode ones are UTF-8.  Either way the bytes
		 * are the text a global would be named with. */
		if (blen > UINT32_MAX)
			return push_kind(w, V_UNKNOWN);
		return push(w, (value){.kind = V_STR, .str = bytes, .len = (uint32_t)blen});
	case 'V': return push(w, decode_raw_unicode_escape(w, line, line_len));
	case 'a': return pop(w, 1, NULL) && top(w) != NULL;
	case 'e':
	case 'u':
	case 0x90: return pop_mark(w, NULL, NULL) && top(w) != NULL;
	case 's': return pop(w, 2, NULL) && top(w) != NULL;
	case 'b': {
		if (!pop(w, 1, NULL))
			return false;
		value *t = top(w);
		if (!t)
			return false;
		/* BUILD runs __setstate__ or updates __dict__: the object is
		 * no longer something we know. */
		*t = (value){.kind = V_UNKNOWN};
		return true;
	}
	case 'd':
	case 'l':
	case 't':
	case 0x91: return pop_mark(w, NULL, NULL) && push_kind(w, V_OTHER);
	case 0x85: return pop(w, 1, NULL) && push_kind(w, V_OTHER);
	case 0x86: return pop(w, 2, NULL) && push_kind(w, V_OTHER);
	case 0x87: return pop(w, 3, NULL) && push_kind(w, V_OTHER);
	case 'c':
		g = add_global(w, line, line_len, line2, line2_len);
		return g != UINT32_MAX && push(w, (value){.kind = V_GLOBAL, .global = g});
	case 'i': {
		/* INST: find_class(module, name), then call it with the
		 * marked values. */
		g = add_global(w, line, line_len, line2, line2_len);
		if (g == UINT32_MAX || !pop_mark(w, NULL, NULL))
			return false;
		value cls = {.kind = V_GLOBAL, .global = g};
		note_call(w, &cls, false);
		return push_kind(w, V_UNKNOWN);
	}
	case 0x93: {
		if (!pop(w, 2, a))
			return false;
		if (a[0].kind == V_STR && a[1].kind == V_STR)
			g = add_global(w, a[0].str, a[0].len, a[1].str, a[1].len);
		else if (a[0].kind == V_OTHER || a[1].kind == V_OTHER || a[0].kind == V_GLOBAL || a[1].kind == V_GLOBAL)
			return fail(w, "STACK_GLOBAL requires two str values");
		else
			g = add_global(w, LF_PICKLE_UNRESOLVED, strlen(LF_PICKLE_UNRESOLVED), NULL, 0);
		return g != UINT32_MAX && push(w, (value){.kind = V_GLOBAL, .global = g});
	}
	case 0x82:
	case 0x83:
	case 0x84: {
		/* The copyreg extension registry is empty in a stock Python,
		 * so these fail there; recorded so they are never missed. */
		char code[32];
		int n = snprintf(code, sizeof code, "<extension code %llu>", (unsigned long long)num);
		g = add_global(w, code, (size_t)n, NULL, 0);
		return g != UINT32_MAX && push(w, (value){.kind = V_GLOBAL, .global = g});
	}
	case 'o': {
		/* OBJ: the first marked value is the class, the rest its
		 * arguments. */
		if (!pop_mark(w, &base, &count))
			return false;
		if (count < 1)
			return fail(w, "OBJ without a class");
		note_call(w, &w->stack[base], false);
		return push_kind(w, V_UNKNOWN);
	}
	case 'R':
		if (!pop(w, 2, a))
			return false;
		note_call(w, &a[0], false);
		return push_kind(w, V_UNKNOWN);
	case 0x81:
		if (!pop(w, 2, a))
			return false;
		note_call(w, &a[0], true);
		return push_kind(w, V_UNKNOWN);
	case 0x92:
		if (!pop(w, 3, a))
			return false;
		note_call(w, &a[0], true);
		return push_kind(w, V_UNKNOWN);
	case 'g': {
		uint64_t key;
		return parse_decimal(w, line, line_len, &key) && memo_get(w, key);
	}
	case 'h':
	case 'j': return memo_get(w, num);
	case 'p': {
		uint64_t key;
		return parse_decimal(w, line, line_len, &key) && memo_put(w, key);
	}
	case 'q':
	case 'r': return memo_put(w, num);
	case 0x94: return memo_put(w, w->memo_count);
	case 0x80:
		if (num > 5)
			return fail(w, "unsupported pickle protocol %llu", (unsigned long long)num);
		if ((int)num > w->result->protocol)
			w->result->protocol = (int)num;
		return true;
	case 0x95: /* FRAME: framing does not change what the opcodes mean */
		if (num > w->len - w->pos)
			return fail(w, "frame runs past the end of the data");
		return true;
	case 0x98: return top(w) != NULL; /* READONLY_BUFFER */
	}
	return fail(w, "unhandled opcode 0x%02x", op);
}

bool lf_pickle_walk(const uint8_t *data, size_t len, size_t start, const lf_pickle_limits *limits,
                    lf_pickle_result *result, size_t *end, char **error)
{
	walk w = {.data = data,
	          .len = len,
	          .pos = start,
	          .limits = limits ? limits : &lf_pickle_default_limits,
	          .result = result};
	bool stopped = false;
	uint64_t walked = 0;
	while (!stopped) {
		if (w.pos >= w.len) {
			w.op_start = w.pos;
			fail(&w, "truncated pickle (no STOP opcode)");
			break;
		}
		if (walked++ >= w.limits->max_opcodes) {
			w.op_start = w.pos;
			fail(&w, "more than %llu opcodes", (unsigned long long)w.limits->max_opcodes);
			break;
		}
		if (!step(&w, &stopped))
			break;
	}
	result->opcodes += walked;
	free(w.stack);
	free(w.marks);
	free(w.memo);
	for (uint32_t i = 0; i < w.arena_count; i++)
		free(w.arena[i]);
	free(w.arena);
	if (w.error) {
		*error = w.error;
		return false;
	}
	result->pickles++;
	if (end)
		*end = w.pos;
	return true;
}
