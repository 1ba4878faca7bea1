/*
 * lf_notebook_check: a notebook through the unchanged pipeline, its fix
 * rounds replayed into the JSON, and the positions map.
 *
 * The adapter never disagrees with the pipeline on real notebooks, so the
 * refusal path (the re-read notebook's code is not the verified text) is
 * reached through the linker (-Wl,--wrap=lf_notebook_apply, see
 * meson.build): `corrupt` makes the real splice's result carry one more
 * byte inside a source string.
 */
#include "helpers.h"

#include "loadfix/buf.h"
#include "loadfix/check.h"
#include "loadfix/notebook.h"
#include "loadfix/notebook_check.h"
#include "loadfix/report.h"

static bool corrupt;

bool __real_lf_notebook_apply(const lf_notebook *nb, const lf_edit *edits, uint32_t count, lf_buf *out, char **error);
bool __wrap_lf_notebook_apply(const lf_notebook *nb, const lf_edit *edits, uint32_t count, lf_buf *out, char **error);
bool __wrap_lf_notebook_apply(const lf_notebook *nb, const lf_edit *edits, uint32_t count, lf_buf *out, char **error)
{
	if (!__real_lf_notebook_apply(nb, edits, count, out, error))
		return false;
	if (corrupt) {
		/* "weights_only=True" -> "weights_only=Truee": valid JSON, other code */
		char *at = strstr(out->data, "weights_only=True");
		assert_non_null(at);
		size_t pos = (size_t)(at - out->data) + strlen("weights_only=True");
		lf_buf copy;
		lf_buf_init(&copy);
		lf_buf_append(&copy, out->data, pos);
		lf_buf_putc(&copy, 'e');
		lf_buf_append(&copy, out->data + pos, out->len - pos);
		lf_buf_finish(out);
		*out = copy;
	}
	return true;
}

static int reset(void **state)
{
	(void)state;
	corrupt = false;
	return 0;
}

#define NOTEBOOK                                                                                      \
	"{\n \"cells\": [\n"                                                                          \
	"  {\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [], \"execution_count\": null,\n" \
	"   \"source\": [\"import torch\"]},\n"                                                       \
	"  {\"cell_type\": \"markdown\", \"metadata\": {}, \"source\": [\"torch.load(x)\"]},\n"       \
	"  {\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [], \"execution_count\": null,\n" \
	"   \"source\": [\"m = torch.load('m.pt')\\n\", \"print(m)\"]}\n"                             \
	" ],\n \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n"

static void options_for(lf_check_options *options, bool fix)
{
	memset(options, 0, sizeof *options);
	for (size_t i = 0; i < LF_MAX_RULES; i++)
		options->enabled[i] = true;
	options->fix = fix;
}

static void test_report_maps_to_cell(void **state)
{
	(void)state;
	lf_worker *worker = lf_worker_create();
	lf_check_options options;
	options_for(&options, false);
	lf_source file;
	source_from(&file, NOTEBOOK);
	lf_notebook_check check;
	char *error = NULL;
	assert_true(lf_notebook_check_run(worker, &options, &file, &check, &error));
	assert_null(file.bytes); /* taken */
	assert_int_equal(check.doc.diags.count, 1);
	assert_false(check.doc.changed);
	lf_buf out;
	lf_buf_init(&out);
	lf_report_text(&out, "n.ipynb", lf_doc_text(&check.doc), &check.map, &check.doc.diags.items[0], true, false);
	assert_string_equal(out.data, "n.ipynb:cell 3:1:5: LF001 [*] `torch.load` without `weights_only=True` can run "
	                              "code from a crafted checkpoint\n");
	lf_buf_finish(&out);
	lf_buf_init(&out);
	lf_report_github(&out, "n.ipynb", lf_doc_text(&check.doc), &check.map, &check.doc.diags.items[0]);
	assert_non_null(strstr(out.data, "file=n.ipynb,line=7,col=20,"));
	lf_buf_finish(&out);
	uint32_t len;
	const uint8_t *json = lf_notebook_check_json(&check, &len);
	assert_int_equal(len, strlen(NOTEBOOK));
	assert_memory_equal(json, NOTEBOOK, len);
	lf_notebook_check_finish(&check);
	lf_worker_destroy(worker);
}

static void test_fix_spliced_into_json(void **state)
{
	(void)state;
	lf_worker *worker = lf_worker_create();
	lf_check_options options;
	options_for(&options, true);
	lf_source file;
	source_from(&file, NOTEBOOK);
	lf_notebook_check check;
	char *error = NULL;
	assert_true(lf_notebook_check_run(worker, &options, &file, &check, &error));
	assert_null(check.doc.error);
	assert_true(check.doc.changed);
	assert_int_equal(check.doc.diags.count, 0);
	uint32_t len;
	const char *json = (const char *)lf_notebook_check_json(&check, &len);
	assert_non_null(strstr(json, "\"m = torch.load('m.pt', weights_only=True)\\n\""));
	assert_int_equal(len, strlen(NOTEBOOK) + strlen(", weights_only=True"));
	const uint8_t *original = lf_notebook_check_original(&check, &len);
	assert_memory_equal(original, NOTEBOOK, strlen(NOTEBOOK));
	/* A failed write: back to the notebook as read. */
	lf_notebook_check_revert(&check);
	json = (const char *)lf_notebook_check_json(&check, &len);
	assert_int_equal(len, strlen(NOTEBOOK));
	assert_int_equal(check.doc.diags.count, 1);
	lf_notebook_check_finish(&check);
	lf_worker_destroy(worker);
}

static void test_replay_mismatch_refuses_fix(void **state)
{
	(void)state;
	corrupt = true;
	lf_worker *worker = lf_worker_create();
	lf_check_options options;
	options_for(&options, true);
	lf_source file;
	source_from(&file, NOTEBOOK);
	lf_notebook_check check;
	char *error = NULL;
	assert_true(lf_notebook_check_run(worker, &options, &file, &check, &error));
	assert_non_null(check.doc.error);
	assert_non_null(strstr(check.doc.error, "differs from the checked fix"));
	assert_false(check.doc.changed);
	assert_null(check.output);
	assert_int_equal(check.doc.diags.count, 1); /* the original's finding */
	uint32_t len;
	const uint8_t *json = lf_notebook_check_json(&check, &len);
	assert_int_equal(len, strlen(NOTEBOOK));
	assert_memory_equal(json, NOTEBOOK, len);
	lf_notebook_check_finish(&check);
	lf_worker_destroy(worker);
}

static void test_bad_notebook_left_to_caller(void **state)
{
	(void)state;
	lf_worker *worker = lf_worker_create();
	lf_check_options options;
	options_for(&options, true);
	lf_source file;
	source_from(&file, "{\"cells\": [], \"nbformat\": 3}");
	lf_notebook_check check;
	char *error = NULL;
	assert_false(lf_notebook_check_run(worker, &options, &file, &check, &error));
	assert_non_null(error);
	assert_non_null(strstr(error, "nbformat"));
	assert_non_null(file.bytes); /* still the caller's */
	lf_notebook_check_finish(&check);
	lf_source_finish(&file);
	free(error);
	lf_worker_destroy(worker);
}

static void test_notebook_path(void **state)
{
	(void)state;
	assert_true(lf_notebook_path("a.ipynb"));
	assert_true(lf_notebook_path("dir/x.y.ipynb"));
	assert_false(lf_notebook_path(".ipynb"));
	assert_false(lf_notebook_path("a.ipynb.py"));
	assert_false(lf_notebook_path("a.py"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_report_maps_to_cell, reset),
	        cmocka_unit_test_setup(test_fix_spliced_into_json, reset),
	        cmocka_unit_test_setup(test_replay_mismatch_refuses_fix, reset),
	        cmocka_unit_test_setup(test_bad_notebook_left_to_caller, reset),
	        cmocka_unit_test_setup(test_notebook_path, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
