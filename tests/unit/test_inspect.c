/* The allow-lists and the dangerous table (src/inspect/allowlist.c), the
 * checkpoint reader on hostile bytes (checkpoint.c) and the verdict
 * (verdict.c). */
#include <stdio.h>

#include "helpers.h"

#include "loadfix/inspect/allowlist.h"
#include "loadfix/inspect/checkpoint.h"
#include "loadfix/inspect/verdict.h"

static void test_lists_sorted_and_found(void **state)
{
	(void)state;
	assert_true(lf_allowlist_count >= 2);
	for (size_t k = 0; k < lf_allowlist_count; k++) {
		const lf_allowlist *l = lf_allowlists[k];
		assert_non_null(l->source);
		for (size_t i = 1; i < l->global_count; i++)
			if (strcmp(l->globals[i - 1], l->globals[i]) >= 0)
				fail_msg("%s: %s before %s", l->version, l->globals[i - 1], l->globals[i]);
		assert_ptr_equal(lf_allowlist_find(l->version), l);
	}
	assert_null(lf_allowlist_find("0.4"));
	assert_string_equal(lf_allowlists[0]->version, "latest"); /* the default */
}

static void test_allows(void **state)
{
	(void)state;
	const lf_allowlist *old = lf_allowlist_find("1.13"), *latest = lf_allowlist_find("latest");
	static const char *const both[] = {"collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
	                                   "torch.FloatStorage", "torch.nn.parameter.Parameter", "torch.Size"};
	for (size_t i = 0; i < sizeof both / sizeof *both; i++) {
		assert_true(lf_allowlist_allows(old, both[i]));
		assert_true(lf_allowlist_allows(latest, both[i]));
	}
	assert_false(lf_allowlist_allows(old, "builtins.set"));
	assert_true(lf_allowlist_allows(latest, "builtins.set"));
	/* torch maps Python 2 names before looking up */
	assert_true(lf_allowlist_allows(latest, "__builtin__.set"));
	assert_true(lf_allowlist_allows(latest, "torch.device"));
	assert_false(lf_allowlist_allows(old, "torch.device"));
	assert_true(lf_allowlist_allows(old, "torch._utils._rebuild_sparse_csr_tensor"));
	assert_false(lf_allowlist_allows(latest, "torch._utils._rebuild_sparse_csr_tensor"));
	assert_false(lf_allowlist_allows(latest, "argparse.Namespace"));
	assert_false(lf_allowlist_allows(latest, "posix.system"));
	assert_false(lf_allowlist_allows(latest, ""));
	/* floats: BINFLOAT only in the newer unpickler */
	assert_false(lf_allowlist_has_opcode(old, 'G'));
	assert_true(lf_allowlist_has_opcode(latest, 'G'));
	assert_false(lf_allowlist_has_opcode(latest, 0x93)); /* STACK_GLOBAL */
	assert_false(lf_allowlist_has_opcode(latest, 0));
	assert_true(lf_allowlist_blocks(latest, "os.system"));
	assert_false(lf_allowlist_blocks(latest, "os.path.join"));
	assert_false(lf_allowlist_blocks(old, "os.system"));
}

static void test_dangerous(void **state)
{
	(void)state;
	static const char *const bad[] = {
	        "os.system",
	        "posix.system",
	        "nt.system",
	        "subprocess.Popen",
	        "subprocess.run",
	        "builtins.eval",
	        "builtins.exec",
	        "builtins.compile",
	        "builtins.getattr",
	        "builtins.__import__",
	        "__builtin__.eval",
	        "runpy._run_code",
	        "importlib.import_module",
	        "pty.spawn",
	        "socket.create_connection",
	        "shutil.rmtree",
	        "webbrowser.open",
	        "code.InteractiveInterpreter",
	        "pickle.loads",
	        "_pickle.loads",
	        "torch.load",
	        "torch.serialization.load",
	        "commands.getoutput",
	        "os.path.join",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (!lf_dangerous_reason(bad[i]))
			fail_msg("%s is not flagged", bad[i]);
	static const char *const fine[] = {"argparse.Namespace", "collections.OrderedDict",
	                                   "numpy.ndarray",      "torch._utils._rebuild_tensor_v2",
	                                   "shutil.which",       "builtins.set",
	                                   "osx.system",         "torch.loader",
	                                   "codecs.encode"};
	for (size_t i = 0; i < sizeof fine / sizeof *fine; i++)
		if (lf_dangerous_reason(fine[i]))
			fail_msg("%s is flagged", fine[i]);
}

/* ---- reading bytes ------------------------------------------------------- */

static bool read_bytes(const char *bytes, size_t len, lf_checkpoint *ckpt, char **error)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, bytes, len);
	lf_checkpoint_init(ckpt);
	*error = NULL;
	bool ok = lf_checkpoint_read_bytes(copy, len, ckpt, error);
	free(copy);
	return ok;
}

static void expect_refused(const char *bytes, size_t len, const char *what)
{
	lf_checkpoint ckpt;
	char *error;
	assert_false(read_bytes(bytes, len, &ckpt, &error));
	assert_non_null(error);
	if (!strstr(error, what))
		fail_msg("error '%s' does not mention '%s'", error, what);
	free(error);
	lf_checkpoint_finish(&ckpt);
}

#define EXPECT_REFUSED(literal, what) expect_refused(literal, sizeof literal - 1, what)

static void test_hostile_files(void **state)
{
	(void)state;
	EXPECT_REFUSED("", "empty file");
	EXPECT_REFUSED("hello\n", "not a checkpoint");
	EXPECT_REFUSED("PK\x03\x04", "corrupt or truncated zip");
	EXPECT_REFUSED("PK\x03\x04garbage garbage garbage garbage", "corrupt or truncated zip");
	/* legacy: magic number, then nothing */
	EXPECT_REFUSED("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", "protocol version");
	/* a broken pickle is a pickle, with its error */
	EXPECT_REFUSED("\x80\x02"
	               "cposix\nsystem\n",
	               "pickle:");
}

/* A stored (uncompressed) zip of one entry, assembled by hand. */
static size_t make_zip(uint8_t *out, const char *name, const char *data, size_t data_len)
{
	size_t n = strlen(name), p = 0;
	uint32_t crc = 0xffffffffu;
	for (size_t i = 0; i < data_len; i++) {
		crc ^= (uint8_t)data[i];
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
	}
	crc = ~crc;
#define U16(v) (out[p++] = (uint8_t)(v), out[p++] = (uint8_t)((v) >> 8))
#define U32(v) (U16((v)&0xffff), U16((uint32_t)(v) >> 16))
	U32(0x04034b50u), U16(20), U16(0), U16(0), U16(0), U16(0), U32(crc), U32(data_len), U32(data_len), U16(n),
	        U16(0);
	memcpy(out + p, name, n), p += n;
	memcpy(out + p, data, data_len), p += data_len;
	size_t cd = p;
	U32(0x02014b50u), U16(20), U16(20), U16(0), U16(0), U16(0), U16(0), U32(crc), U32(data_len), U32(data_len),
	        U16(n), U16(0), U16(0), U16(0), U16(0), U32(0), U32(0);
	memcpy(out + p, name, n), p += n;
	size_t cd_len = p - cd;
	U32(0x06054b50u), U16(0), U16(0), U16(1), U16(1), U32(cd_len), U32(cd), U16(0);
#undef U16
#undef U32
	return p;
}

static void test_zip(void **state)
{
	(void)state;
	uint8_t zip[512];
	static const char pkl[] = "\x80\x02"
	                          "cargparse\nNamespace\n)\x81}b.";
	size_t len = make_zip(zip, "archive/data.pkl", pkl, sizeof pkl - 1);
	lf_checkpoint ckpt;
	char *error;
	if (!read_bytes((const char *)zip, len, &ckpt, &error))
		fail_msg("%s", error);
	assert_int_equal(ckpt.format, LF_CHECKPOINT_ZIP);
	assert_string_equal(ckpt.record, "archive/data.pkl");
	assert_non_null(lf_pickle_result_find(&ckpt.pickle, "argparse.Namespace"));

	lf_verdict v;
	lf_verdict_compute(&ckpt, true, lf_allowlist_find("latest"), &v);
	assert_false(v.loads);
	assert_int_equal(v.unsafe_count, 1);
	assert_string_equal(v.unsafe[0], "argparse.Namespace");
	assert_int_equal(v.dangerous_count, 0);
	assert_non_null(strstr(v.remedy, "import argparse\n"));
	assert_non_null(strstr(v.remedy, "torch.serialization.add_safe_globals([argparse.Namespace])\n"));
	lf_verdict_finish(&v);
	/* 1.13: no add_safe_globals, and NEWOBJ only for nn.Parameter */
	lf_verdict_compute(&ckpt, true, lf_allowlist_find("1.13"), &v);
	assert_false(v.loads);
	assert_non_null(strstr(v.remedy, "2.4"));
	lf_verdict_finish(&v);
	lf_checkpoint_finish(&ckpt);

	/* A zip without data.pkl under its top directory */
	len = make_zip(zip, "archive/other.pkl", pkl, sizeof pkl - 1);
	expect_refused((const char *)zip, len, "without archive/data.pkl");
	len = make_zip(zip, "data.pkl", pkl, sizeof pkl - 1);
	expect_refused((const char *)zip, len, "without a top directory");
	/* A truncated zip: any cut */
	len = make_zip(zip, "archive/data.pkl", pkl, sizeof pkl - 1);
	for (size_t cut = 4; cut < len; cut += 7) {
		lf_checkpoint c;
		assert_false(read_bytes((const char *)zip, cut, &c, &error));
		free(error);
		lf_checkpoint_finish(&c);
	}
	/* A CRC that does not match is an error, not a silent read */
	zip[30 + 16 + 3] ^= 1; /* a byte of the data */
	expect_refused((const char *)zip, len, "CRC");
}

static void verdict_of(const char *bytes, size_t len, const char *version, lf_verdict *v, lf_checkpoint *ckpt)
{
	char *error;
	if (!read_bytes(bytes, len, ckpt, &error))
		fail_msg("%s", error);
	lf_verdict_compute(ckpt, true, lf_allowlist_find(version), v);
}

static void test_verdicts(void **state)
{
	(void)state;
	lf_verdict v;
	lf_checkpoint c;
	/* a state_dict-shaped legacy stream: 5 pickles */
	static const char legacy[] = "\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19."
	                             "\x80\x02M\xe9\x03."
	                             "\x80\x02}q\x00."
	                             "\x80\x02"
	                             "ccollections\nOrderedDict\nq\x00)Rq\x01."
	                             "\x80\x02]q\x00.";
	verdict_of(legacy, sizeof legacy - 1, "1.13", &v, &c);
	assert_int_equal(c.format, LF_CHECKPOINT_LEGACY);
	assert_int_equal(c.pickle.pickles, 5);
	assert_true(v.loads);
	assert_null(v.remedy);
	lf_verdict_finish(&v);
	lf_checkpoint_finish(&c);

	/* a payload: dangerous, "do not load" */
	static const char payload[] = "\x80\x02"
	                              "cposix\nsystem\nX\x02\x00\x00\x00id\x85R.";
	verdict_of(payload, sizeof payload - 1, "latest", &v, &c);
	assert_int_equal(c.format, LF_CHECKPOINT_PICKLE);
	assert_int_equal(v.dangerous_count, 1);
	assert_string_equal(v.dangerous[0], "posix.system");
	assert_false(v.loads);
	assert_non_null(strstr(v.remedy, "Do not load"));
	lf_verdict_finish(&v);
	lf_checkpoint_finish(&c);

	/* an unresolved STACK_GLOBAL is dangerous */
	static const char hidden[] = "\x80\x04"
	                             "cbuiltins\nstr\n)R\x8c\x06system\x93.";
	verdict_of(hidden, sizeof hidden - 1, "latest", &v, &c);
	assert_int_equal(v.dangerous_count, 1);
	assert_string_equal(v.dangerous[0], LF_PICKLE_UNRESOLVED);
	lf_verdict_finish(&v);
	lf_checkpoint_finish(&c);

	/* a whole module: state_dict advice */
	static const char module[] = "\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19."
	                             "\x80\x02M\xe9\x03."
	                             "\x80\x02}."
	                             "\x80\x02"
	                             "ctorch.nn.modules.linear\nLinear\n)\x81}b."
	                             "\x80\x02]."; /* nothing after */
	verdict_of(module, sizeof module - 1, "latest", &v, &c);
	assert_true(v.whole_module);
	assert_non_null(strstr(v.remedy, "model.state_dict()"));
	lf_verdict_finish(&v);
	lf_checkpoint_finish(&c);

	/* floats: refused by 1.13 only */
	static const char floats[] = "\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19."
	                             "\x80\x02M\xe9\x03."
	                             "\x80\x02}."
	                             "\x80\x02G\x3f\xf0\x00\x00\x00\x00\x00\x00."
	                             "\x80\x02].";
	verdict_of(floats, sizeof floats - 1, "1.13", &v, &c);
	assert_false(v.loads);
	assert_int_equal(v.opcode_count, 1);
	assert_string_equal(v.opcodes[0], "BINFLOAT");
	lf_verdict_finish(&v);
	lf_verdict_compute(&c, true, lf_allowlist_find("latest"), &v);
	assert_true(v.loads);
	lf_verdict_finish(&v);
	/* an incomplete read never "loads" */
	lf_verdict_compute(&c, false, lf_allowlist_find("latest"), &v);
	assert_false(v.loads);
	lf_verdict_finish(&v);
	lf_checkpoint_finish(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lists_sorted_and_found),
	        cmocka_unit_test(test_allows),
	        cmocka_unit_test(test_dangerous),
	        cmocka_unit_test(test_hostile_files),
	        cmocka_unit_test(test_zip),
	        cmocka_unit_test(test_verdicts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
