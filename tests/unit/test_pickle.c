/* The pickle walker (src/inspect/pickle.c), one opcode at a time, on
 * hand-assembled byte strings; then the bounds and malformed input. */
#include <stdio.h>

#include "helpers.h"

#include "loadfix/inspect/pickle.h"

typedef struct walked {
	lf_pickle_result r;
	bool ok;
	char *error;
	size_t end;
} walked;

static void walk_bytes(walked *w, const char *bytes, size_t len, const lf_pickle_limits *limits)
{
	lf_pickle_result_init(&w->r);
	w->error = NULL;
	w->end = 0;
	/* An exact-size copy, so ASan catches any read past the end. */
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, bytes, len);
	w->ok = lf_pickle_walk(copy, len, 0, limits, &w->r, &w->end, &w->error);
	free(copy);
}

static void walked_finish(walked *w)
{
	lf_pickle_result_finish(&w->r);
	free(w->error);
}

#define WALK(w, literal) walk_bytes(w, literal, sizeof literal - 1, NULL)

/* The walk succeeds and finds exactly `name` (count times). */
static void expect_one(const char *bytes, size_t len, const char *name, uint32_t count)
{
	walked w;
	walk_bytes(&w, bytes, len, NULL);
	if (!w.ok)
		fail_msg("walk failed: %s", w.error);
	assert_int_equal(w.r.global_count, 1);
	assert_string_equal(w.r.globals[0].name, name);
	assert_int_equal(w.r.globals[0].count, count);
	assert_int_equal(w.end, len);
	walked_finish(&w);
}

#define EXPECT_ONE(literal, name, count) expect_one(literal, sizeof literal - 1, name, count)

/* The walk fails with an error containing `what`. */
static void expect_error(const char *bytes, size_t len, const char *what)
{
	walked w;
	walk_bytes(&w, bytes, len, NULL);
	assert_false(w.ok);
	assert_non_null(w.error);
	if (!strstr(w.error, what))
		fail_msg("error '%s' does not mention '%s'", w.error, what);
	walked_finish(&w);
}

#define EXPECT_ERROR(literal, what) expect_error(literal, sizeof literal - 1, what)

static void test_global(void **state)
{
	(void)state;
	EXPECT_ONE("cposix\nsystem\n.", "posix.system", 1);
	EXPECT_ONE("\x80\x02"
	           "ccollections\nOrderedDict\nq\x00)R.",
	           "collections.OrderedDict", 1);
	/* As written: Python 2 names are not rewritten in the listing. */
	EXPECT_ONE("c__builtin__\nset\n.", "__builtin__.set", 1);
	EXPECT_ERROR("cos\nsystem", "without a newline");
	/* A NUL in a name cannot cut it short (fuzz_pickle found this) */
	walked w;
	WALK(&w, "cos\nsys\0tem\ncos\nsys\0x\n.");
	assert_true(w.ok);
	assert_int_equal(w.r.global_count, 2);
	assert_string_equal(w.r.globals[0].name, "os.sys\\x00tem");
	assert_non_null(lf_pickle_result_find(&w.r, "os.sys\\x00x"));
	walked_finish(&w);
}

static void test_stack_global_protocols(void **state)
{
	(void)state;
	/* SHORT_BINUNICODE x2, STACK_GLOBAL (protocol 4) */
	EXPECT_ONE("\x80\x04\x8c\x08"
	           "argparse\x8c\x09Namespace\x93.",
	           "argparse.Namespace", 1);
	/* BINUNICODE */
	EXPECT_ONE("X\x02\x00\x00\x00osX\x06\x00\x00\x00system\x93.", "os.system", 1);
	/* BINUNICODE8 */
	EXPECT_ONE("\x8d\x02\x00\x00\x00\x00\x00\x00\x00os\x8d\x06\x00\x00\x00\x00\x00\x00\x00system\x93.", "os.system",
	           1);
	/* Python 2 strings: SHORT_BINSTRING, BINSTRING, STRING */
	EXPECT_ONE("U\x02osU\x06system\x93.", "os.system", 1);
	EXPECT_ONE("T\x02\x00\x00\x00osT\x06\x00\x00\x00system\x93.", "os.system", 1);
	EXPECT_ONE("S'os'\nS\"system\"\n\x93.", "os.system", 1);
	/* UNICODE (raw-unicode-escape): \u0073 is 's' */
	EXPECT_ONE("Vo\\u0073\nVsystem\n\x93.", "os.system", 1);
	/* FRAME is transparent */
	EXPECT_ONE("\x80\x04\x95\x11\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94\x93\x94.", "os.system",
	           1);
}

static void test_stack_global_through_memo(void **state)
{
	(void)state;
	/* BINPUT / BINGET */
	EXPECT_ONE("\x8c\x02osq\x01\x8c\x06systemq\x02"
	           "0"
	           "0h\x01h\x02\x93.",
	           "os.system", 1);
	/* LONG_BINPUT / LONG_BINGET */
	EXPECT_ONE("\x8c\x02osr\x10\x00\x00\x00"
	           "0"
	           "j\x10\x00\x00\x00"
	           "\x8c\x06system\x93.",
	           "os.system", 1);
	/* PUT / GET (protocol 0 decimal) */
	EXPECT_ONE("Vos\np7\n0g7\nVsystem\n\x93.", "os.system", 1);
	/* MEMOIZE numbers entries in order */
	EXPECT_ONE("\x8c\x02os\x94\x8c\x06system\x94"
	           "00h\x00h\x01\x93.",
	           "os.system", 1);
	/* DUP */
	EXPECT_ONE("\x8c\x02os"
	           "2"
	           "0\x8c\x06system\x93.",
	           "os.system", 1);
}

static void test_stack_global_unresolved(void **state)
{
	(void)state;
	/* The module name is what a call returned: not knowable statically. */
	walked w;
	WALK(&w, "cbuiltins\nstr\n)R\x8c\x06system\x93.");
	assert_true(w.ok);
	assert_non_null(lf_pickle_result_find(&w.r, "builtins.str"));
	assert_non_null(lf_pickle_result_find(&w.r, LF_PICKLE_UNRESOLVED));
	walked_finish(&w);
	/* ...only str-returning calls are possible; a bytes operand is an error in Python too. */
	EXPECT_ERROR("C\x02osC\x06system\x93.", "STACK_GLOBAL requires two str");
	/* STRING with escapes is not modelled: unresolved, never skipped. */
	walked u;
	WALK(&u, "S'o\\x73'\nVsystem\n\x93.");
	assert_true(u.ok);
	assert_non_null(lf_pickle_result_find(&u.r, LF_PICKLE_UNRESOLVED));
	walked_finish(&u);
}

static void test_inst_obj_reduce_newobj(void **state)
{
	(void)state;
	walked w;
	/* INST: the class from two lines, arguments from the mark */
	WALK(&w, "(S'ls'\nios\nsystem\n.");
	assert_true(w.ok);
	assert_string_equal(w.r.globals[0].name, "os.system");
	assert_int_equal(w.r.globals[0].calls, 1);
	walked_finish(&w);
	/* OBJ: the first marked value is the class */
	WALK(&w, "(cos\nsystem\nS'ls'\no.");
	assert_true(w.ok);
	assert_int_equal(w.r.globals[0].calls, 1);
	assert_int_equal(w.r.globals[0].newobj, 0);
	walked_finish(&w);
	/* REDUCE */
	WALK(&w, "\x80\x02"
	         "cos\nsystem\nX\x02\x00\x00\x00ls\x85R.");
	assert_true(w.ok);
	assert_int_equal(w.r.globals[0].calls, 1);
	assert_int_equal(w.r.opcode_counts['R'], 1);
	assert_int_equal(w.r.protocol, 2);
	walked_finish(&w);
	/* NEWOBJ and NEWOBJ_EX count as instantiation */
	WALK(&w, "\x80\x02"
	         "cargparse\nNamespace\n)\x81}b.");
	assert_true(w.ok);
	assert_int_equal(w.r.globals[0].newobj, 1);
	walked_finish(&w);
	WALK(&w, "\x80\x04"
	         "cargparse\nNamespace\n)}\x92.");
	assert_true(w.ok);
	assert_int_equal(w.r.globals[0].newobj, 1);
	walked_finish(&w);
	/* A call on a non-global (the result of another call) is counted */
	WALK(&w, "cbuiltins\nlist\n)R)R.");
	assert_true(w.ok);
	assert_int_equal(w.r.reduce_on_non_global, 1);
	walked_finish(&w);
}

static void test_ext_codes(void **state)
{
	(void)state;
	EXPECT_ONE("\x82\x07.", "<extension code 7>", 1);
	EXPECT_ONE("\x83\x01\x02.", "<extension code 513>", 1);
	EXPECT_ONE("\x84\x01\x00\x00\x01.", "<extension code 16777217>", 1);
}

static void test_persid(void **state)
{
	(void)state;
	walked w;
	WALK(&w, "P0\n.");
	assert_true(w.ok);
	walked_finish(&w);
	/* torch's storage reference: a tuple with a storage class, BINPERSID */
	WALK(&w, "\x80\x02(X\x07\x00\x00\x00storageq\x01"
	         "ctorch\nFloatStorage\nq\x02X\x01\x00\x00\x00"
	         "0q\x03X\x03"
	         "\x00\x00\x00"
	         "cpuq\x04K\x06tq\x05Q.");
	assert_true(w.ok);
	assert_string_equal(w.r.globals[0].name, "torch.FloatStorage");
	walked_finish(&w);
	EXPECT_ERROR("Q.", "underflow");
}

static void test_scalars_and_containers(void **state)
{
	(void)state;
	walked w;
	/* every value-pushing opcode, then containers built from them */
	static const char all[] = "\x80\x05("
	                          "I1\nF1.5\nL12L\nJ\x01\x00\x00\x00K\x01M\x01\x00N\x88\x89"
	                          "G\x3f\xf0\x00\x00\x00\x00\x00\x00"
	                          "\x8a\x01\x01\x8b\x01\x00\x00\x00\x01"
	                          "B\x01\x00\x00\x00x"
	                          "C\x01x"
	                          "\x8e\x01\x00\x00\x00\x00\x00\x00\x00x"
	                          "\x96\x01\x00\x00\x00\x00\x00\x00\x00x\x98"
	                          "l"
	                          "]K\x01"
	                          "a"
	                          "(K\x01K\x02"
	                          "e"
	                          "}"
	                          "K\x01K\x02s"
	                          "(K\x03K\x04u"
	                          "\x8f(K\x01\x90"
	                          "(K\x01\x91"
	                          ")"
	                          "K\x01\x85"
	                          "K\x01K\x02\x86"
	                          "K\x01K\x02K\x03\x87"
	                          "(K\x01K\x02"
	                          "d"
	                          "(K\x01t"
	                          "(1"
	                          "N0"
	                          ".";
	WALK(&w, all);
	if (!w.ok)
		fail_msg("%s", w.error);
	assert_int_equal(w.r.global_count, 0);
	assert_int_equal(w.r.protocol, 5);
	assert_int_equal(w.end, sizeof all - 1);
	walked_finish(&w);
	/* NEXT_BUFFER pushes a buffer */
	WALK(&w, "\x80\x05\x97\x98.");
	assert_true(w.ok);
	walked_finish(&w);
}

static void test_several_pickles(void **state)
{
	(void)state;
	/* The legacy format is a sequence: each walk stops at its STOP. */
	static const char two[] = "cos\nsystem\n.cposix\nsystem\n.";
	lf_pickle_result r;
	lf_pickle_result_init(&r);
	size_t end = 0;
	char *error = NULL;
	assert_true(lf_pickle_walk((const uint8_t *)two, sizeof two - 1, 0, NULL, &r, &end, &error));
	assert_int_equal(end, 12);
	assert_true(lf_pickle_walk((const uint8_t *)two, sizeof two - 1, end, NULL, &r, &end, &error));
	assert_int_equal(end, sizeof two - 1);
	assert_int_equal(r.global_count, 2);
	assert_int_equal(r.pickles, 2);
	lf_pickle_result_finish(&r);
}

static void test_counts(void **state)
{
	(void)state;
	walked w;
	WALK(&w, "(cos\nsystem\ncos\nsystem\ncposix\nsystem\nt.");
	assert_true(w.ok);
	assert_int_equal(w.r.global_count, 2);
	assert_int_equal(lf_pickle_result_find(&w.r, "os.system")->count, 2);
	assert_int_equal(lf_pickle_result_find(&w.r, "posix.system")->count, 1);
	assert_null(lf_pickle_result_find(&w.r, "nt.system"));
	walked_finish(&w);
}

static void test_malformed(void **state)
{
	(void)state;
	EXPECT_ERROR("", "no STOP");
	EXPECT_ERROR("N", "no STOP");
	EXPECT_ERROR("\xff.", "unknown opcode 0xff");
	EXPECT_ERROR(".", "underflow");
	EXPECT_ERROR("J\x01\x00", "truncated");
	EXPECT_ERROR("X\xff\xff\xff\x7f", "truncated");
	EXPECT_ERROR("\x8d\xff\xff\xff\xff\xff\xff\xff\xff", "truncated");
	EXPECT_ERROR("T\xff\xff\xff\xff", "negative length");
	EXPECT_ERROR("h\x05.", "memo key 5 is not defined");
	EXPECT_ERROR("q\x00", "underflow");
	EXPECT_ERROR("\x80\x06", "unsupported pickle protocol 6");
	EXPECT_ERROR("1", "no MARK");
	EXPECT_ERROR("R", "underflow");
	EXPECT_ERROR("(o", "OBJ without a class");
	EXPECT_ERROR("p12x\n", "bad memo index");
	EXPECT_ERROR("g99999999999999999999999\n", "bad memo index");
	EXPECT_ERROR("S'abc\n.", "must be quoted");
	EXPECT_ERROR("\x95\xff\x00\x00\x00\x00\x00\x00\x00N.", "frame runs past");
	/* The mark frame hides what lies below it, as in Python. */
	EXPECT_ERROR("N(a", "underflow");
}

static void test_found_before_error_is_kept(void **state)
{
	(void)state;
	walked w;
	WALK(&w, "cposix\nsystem\n(S'id'\ntR\xff");
	assert_false(w.ok);
	assert_non_null(lf_pickle_result_find(&w.r, "posix.system"));
	walked_finish(&w);
}

static void test_limits(void **state)
{
	(void)state;
	lf_pickle_limits small = {.max_stack = 10, .max_marks = 3, .max_memo = 2, .max_globals = 2, .max_opcodes = 20};
	walked w;
	walk_bytes(&w, "NNNNNNNNNNN.", 12, &small);
	assert_false(w.ok);
	assert_non_null(strstr(w.error, "stack deeper than 10"));
	walked_finish(&w);
	walk_bytes(&w, "((((.", 5, &small);
	assert_false(w.ok);
	assert_non_null(strstr(w.error, "MARK nested deeper than 3"));
	walked_finish(&w);
	walk_bytes(&w, "Nq\x00q\x01q\x02.", 8, &small);
	assert_false(w.ok);
	assert_non_null(strstr(w.error, "more than 2 memo entries"));
	walked_finish(&w);
	/* overwriting an entry does not count twice */
	walk_bytes(&w, "Nq\x00q\x00q\x00q\x01.", 10, &small);
	assert_true(w.ok);
	walked_finish(&w);
	walk_bytes(&w, "ca\nb\ncc\nd\nce\nf\n.", 16, &small);
	assert_false(w.ok);
	assert_non_null(strstr(w.error, "more than 2 distinct globals"));
	walked_finish(&w);
	/* an endless stream of cheap opcodes stops at the opcode limit */
	walk_bytes(&w, "N0N0N0N0N0N0N0N0N0N0N0N0.", 25, &small);
	assert_false(w.ok);
	assert_non_null(strstr(w.error, "more than 20 opcodes"));
	walked_finish(&w);
}

static void test_million_deep(void **state)
{
	(void)state;
	/* A million MARKs, a million lists, a million memo entries: each
	 * stops at the default bound with an error. */
	size_t n = 1000000;
	char *bytes = malloc(5 * n + 16);
	memset(bytes, '(', n);
	bytes[n] = '.';
	walked w;
	walk_bytes(&w, bytes, n + 1, NULL);
	assert_false(w.ok);
	assert_non_null(strstr(w.error, "MARK nested deeper"));
	walked_finish(&w);
	memset(bytes, ']', n);
	walk_bytes(&w, bytes, n + 1, NULL);
	assert_false(w.ok);
	assert_non_null(strstr(w.error, "stack deeper"));
	walked_finish(&w);
	size_t len = 0;
	bytes[len++] = 'N';
	for (uint32_t i = 0; i < n; i++) {
		bytes[len++] = 'r';
		memcpy(bytes + len, &i, 4); /* little-endian hosts only, as Debian amd64/arm64 */
		len += 4;
	}
	bytes[len++] = '.';
	walk_bytes(&w, bytes, len, NULL);
	assert_false(w.ok);
	assert_non_null(strstr(w.error, "memo entries"));
	walked_finish(&w);
	free(bytes);
}

static void test_opcode_names(void **state)
{
	(void)state;
	assert_string_equal(lf_pickle_opcode_name(0x93), "STACK_GLOBAL");
	assert_string_equal(lf_pickle_opcode_name('c'), "GLOBAL");
	assert_string_equal(lf_pickle_opcode_name(0x98), "READONLY_BUFFER");
	assert_null(lf_pickle_opcode_name(0x99));
	assert_null(lf_pickle_opcode_name(0));
	/* 68 opcodes in protocols 0-5 (pickletools.opcodes) */
	int count = 0;
	for (int op = 0; op < 256; op++)
		count += lf_pickle_opcode_name((uint8_t)op) != NULL;
	assert_int_equal(count, 68);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_global),
	        cmocka_unit_test(test_stack_global_protocols),
	        cmocka_unit_test(test_stack_global_through_memo),
	        cmocka_unit_test(test_stack_global_unresolved),
	        cmocka_unit_test(test_inst_obj_reduce_newobj),
	        cmocka_unit_test(test_ext_codes),
	        cmocka_unit_test(test_persid),
	        cmocka_unit_test(test_scalars_and_containers),
	        cmocka_unit_test(test_several_pickles),
	        cmocka_unit_test(test_counts),
	        cmocka_unit_test(test_malformed),
	        cmocka_unit_test(test_found_before_error_is_kept),
	        cmocka_unit_test(test_limits),
	        cmocka_unit_test(test_million_deep),
	        cmocka_unit_test(test_opcode_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
