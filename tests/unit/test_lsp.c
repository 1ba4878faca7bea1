/* The language server's pieces alone: positions in both encodings, URIs,
 * document edits (incremental and full), and the JSON-RPC framing. */
#include <jansson.h>
#include <stdio.h>
#include <unistd.h>

#include "helpers.h"

#include "loadfix/lsp/documents.h"
#include "loadfix/lsp/position.h"
#include "loadfix/lsp/transport.h"

/* "é" is 2 bytes and 1 UTF-16 unit; the emoji 4 bytes and 2 units. */
static const char TEXT[] = "a\xc3\xa9\xf0\x9f\x98\x80"
                           "b\r\nx\ry\n";

static void test_positions_both_encodings(void **state)
{
	(void)state;
	lf_source src;
	source_from(&src, TEXT);
	/* 'b' is byte 7: 4 units in UTF-16, 7 bytes in UTF-8 */
	lf_lsp_position p = lf_lsp_position_of(&src, 7, LF_LSP_UTF16);
	assert_int_equal(p.line, 0);
	assert_int_equal(p.character, 4);
	p = lf_lsp_position_of(&src, 7, LF_LSP_UTF8);
	assert_int_equal(p.character, 7);
	assert_int_equal(lf_lsp_offset_of(&src, (lf_lsp_position){0, 4}, LF_LSP_UTF16), 7);
	assert_int_equal(lf_lsp_offset_of(&src, (lf_lsp_position){0, 7}, LF_LSP_UTF8), 7);
	/* half a surrogate pair, or inside a UTF-8 sequence: the character's start */
	assert_int_equal(lf_lsp_offset_of(&src, (lf_lsp_position){0, 3}, LF_LSP_UTF16), 3);
	assert_int_equal(lf_lsp_offset_of(&src, (lf_lsp_position){0, 5}, LF_LSP_UTF8), 3);
	/* lines end at \r\n and at a lone \r */
	p = lf_lsp_position_of(&src, 10, LF_LSP_UTF16); /* 'x' */
	assert_int_equal(p.line, 1);
	assert_int_equal(p.character, 0);
	p = lf_lsp_position_of(&src, 12, LF_LSP_UTF16); /* 'y' */
	assert_int_equal(p.line, 2);
	/* past the line's end: before its line break; past the last line: the end */
	assert_int_equal(lf_lsp_offset_of(&src, (lf_lsp_position){0, 99}, LF_LSP_UTF16), 8);
	assert_int_equal(lf_lsp_offset_of(&src, (lf_lsp_position){1, 99}, LF_LSP_UTF16), 11);
	assert_int_equal(lf_lsp_offset_of(&src, (lf_lsp_position){99, 0}, LF_LSP_UTF16), src.len);
	lf_source_finish(&src);
}

static void test_invalid_utf8_counts_one_unit(void **state)
{
	(void)state;
	lf_source src;
	source_from(&src, "\xff\xfez");
	assert_int_equal(lf_lsp_position_of(&src, 2, LF_LSP_UTF16).character, 2);
	assert_int_equal(lf_lsp_offset_of(&src, (lf_lsp_position){0, 2}, LF_LSP_UTF16), 2);
	lf_source_finish(&src);
}

static void test_uris(void **state)
{
	(void)state;
	char *path = lf_lsp_uri_to_path("file:///tmp/m%C3%A9%20x.py");
	assert_string_equal(path, "/tmp/m\xc3\xa9 x.py");
	char *uri = lf_lsp_path_to_uri(path);
	assert_string_equal(uri, "file:///tmp/m%C3%A9%20x.py");
	free(path);
	free(uri);
	assert_null(lf_lsp_uri_to_path("untitled:Untitled-1"));
	assert_null(lf_lsp_uri_to_path("file:///a%00b"));
	path = lf_lsp_uri_to_path("file://localhost/etc/x.py");
	assert_string_equal(path, "/etc/x.py");
	free(path);
}

static json_t *change(int l1, int c1, int l2, int c2, const char *text)
{
	return json_pack("{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:s}", "range", "start", "line", l1, "character", c1, "end",
	                 "line", l2, "character", c2, "text", text);
}

static void test_document_changes(void **state)
{
	(void)state;
	lf_lsp_documents store;
	lf_lsp_documents_init(&store);
	lf_lsp_document *doc = lf_lsp_documents_open(&store, "file:///x.py", "python", TEXT, sizeof TEXT - 1, 1);
	assert_true(doc->python);
	char *error = NULL;
	/* replace the emoji (UTF-16 characters 2..4) */
	json_t *c = change(0, 2, 0, 4, "Z");
	assert_true(lf_lsp_document_apply_change(doc, c, LF_LSP_UTF16, &error));
	json_decref(c);
	assert_memory_equal(doc->text.bytes, "a\xc3\xa9Zb\r\nx\ry\n", doc->text.len);
	/* across line breaks */
	c = change(0, 4, 2, 0, "-");
	assert_true(lf_lsp_document_apply_change(doc, c, LF_LSP_UTF8, &error));
	json_decref(c);
	assert_string_equal((const char *)doc->text.bytes, "a\xc3\xa9Z-y\n");
	/* malformed: refused, unchanged */
	c = json_pack("{s:{s:i}, s:s}", "range", "start", 1, "text", "q");
	assert_false(lf_lsp_document_apply_change(doc, c, LF_LSP_UTF8, &error));
	assert_non_null(error);
	free(error);
	json_decref(c);
	c = change(0, 3, 0, 1, "q"); /* ends before it starts */
	error = NULL;
	assert_false(lf_lsp_document_apply_change(doc, c, LF_LSP_UTF8, &error));
	free(error);
	json_decref(c);
	/* full text */
	c = json_pack("{s:s}", "text", "new");
	assert_true(lf_lsp_document_apply_change(doc, c, LF_LSP_UTF8, &error));
	json_decref(c);
	assert_string_equal((const char *)doc->text.bytes, "new");
	/* a notebook opened as text is not checked as Python */
	assert_false(lf_lsp_documents_open(&store, "file:///n.ipynb", "python", "{}", 2, 1)->python);
	assert_true(lf_lsp_documents_close(&store, "file:///x.py"));
	assert_false(lf_lsp_documents_close(&store, "file:///x.py"));
	assert_null(lf_lsp_documents_find(&store, "file:///x.py"));
	lf_lsp_documents_finish(&store);
}

/* Reads messages from `input` through a pipe. */
static lf_lsp_read_result read_from(lf_lsp_reader *reader, int fds[2], const char *input, json_t **message,
                                    char **error)
{
	if (input) {
		assert_int_equal(write(fds[1], input, strlen(input)), (ssize_t)strlen(input));
	}
	return lf_lsp_read(reader, message, error);
}

static void test_framing(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	lf_lsp_reader reader;
	lf_lsp_reader_init(&reader, fds[0]);
	json_t *message;
	char *error;
	assert_int_equal(read_from(&reader, fds, "Content-Length: 7\r\nX-Other: 1\r\n\r\n{\"a\":1}", &message, &error),
	                 LF_LSP_READ_MESSAGE);
	assert_null(error);
	assert_int_equal(json_integer_value(json_object_get(message, "a")), 1);
	json_decref(message);
	/* case-insensitive name, bare \n line ends */
	assert_int_equal(read_from(&reader, fds, "content-length:2\n\n[]", &message, &error), LF_LSP_READ_MESSAGE);
	json_decref(message);
	/* malformed JSON */
	assert_int_equal(read_from(&reader, fds, "Content-Length: 3\r\n\r\n{x}", &message, &error), LF_LSP_READ_BAD);
	assert_non_null(strstr(error, "malformed JSON"));
	free(error);
	/* no length, a bad length, a huge length */
	assert_int_equal(read_from(&reader, fds, "X: 1\r\n\r\n", &message, &error), LF_LSP_READ_BAD);
	free(error);
	assert_int_equal(read_from(&reader, fds, "Content-Length: -4\r\n\r\n", &message, &error), LF_LSP_READ_BAD);
	free(error);
	assert_int_equal(read_from(&reader, fds, "Content-Length: 99999999999\r\n\r\n", &message, &error),
	                 LF_LSP_READ_BAD);
	free(error);
	/* too long, running into the next message */
	assert_int_equal(read_from(&reader, fds,
	                           "Content-Length: 30\r\n\r\n{\"n\":1}Content-Length: 7\r\n\r\n{\"n\":2}", &message,
	                           &error),
	                 LF_LSP_READ_MESSAGE);
	assert_int_equal(json_integer_value(json_object_get(message, "n")), 1);
	assert_non_null(error);
	free(error);
	json_decref(message);
	assert_int_equal(read_from(&reader, fds, NULL, &message, &error), LF_LSP_READ_MESSAGE);
	assert_int_equal(json_integer_value(json_object_get(message, "n")), 2);
	json_decref(message);
	/* end of input */
	close(fds[1]);
	assert_int_equal(lf_lsp_read(&reader, &message, &error), LF_LSP_READ_EOF);
	lf_lsp_reader_finish(&reader);
	close(fds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_positions_both_encodings),
	        cmocka_unit_test(test_invalid_utf8_counts_one_unit),
	        cmocka_unit_test(test_uris),
	        cmocka_unit_test(test_document_changes),
	        cmocka_unit_test(test_framing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
