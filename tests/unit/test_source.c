/* lf_source: lines, character columns, line endings, reading files. */
#include <stdio.h>
#include <unistd.h>

#include "helpers.h"

#include "loadfix/source.h"

/* Column of `offset` in `len` bytes of `text`. */
static uint32_t column_in(const char *text, uint32_t len, uint32_t offset)
{
	lf_source src;
	source_from_bytes(&src, text, len);
	uint32_t column = lf_source_column_of(&src, offset);
	lf_source_finish(&src);
	return column;
}

#define COLUMN(literal, offset) column_in(literal, sizeof literal - 1, offset)

static void test_column_ascii(void **state)
{
	(void)state;
	assert_int_equal(COLUMN("abc", 0), 1);
	assert_int_equal(COLUMN("abc", 2), 3);
	assert_int_equal(COLUMN("abc", 3), 4); /* end of file */
	assert_int_equal(COLUMN("ab\ncd", 3), 1);
	assert_int_equal(COLUMN("ab\ncd", 4), 2);
	assert_int_equal(COLUMN("ab\r\ncd", 2), 3); /* the \r */
	assert_int_equal(COLUMN("ab\r\ncd", 5), 2);
}

static void test_column_tabs_count_one(void **state)
{
	(void)state;
	assert_int_equal(COLUMN("\tx", 1), 2);
	assert_int_equal(COLUMN("\t\tx = 1", 2), 3);
	assert_int_equal(COLUMN("\f  x", 3), 4);
}

static void test_column_utf8_counts_code_points(void **state)
{
	(void)state;
	assert_int_equal(COLUMN("\xc3\xa9x", 2), 2);                   /* é: 2 bytes */
	assert_int_equal(COLUMN("\xe2\x82\xacx", 3), 2);               /* €: 3 bytes */
	assert_int_equal(COLUMN("\xf0\x9f\x98\x80x", 4), 2);           /* 😀: 4 bytes */
	assert_int_equal(COLUMN("s = '\xc3\xa9\xc3\xa9'; t", 12), 11); /* two é */
	assert_int_equal(COLUMN("\xef\xbb\xbfimport torch", 3), 2);    /* BOM is one */
	assert_int_equal(COLUMN("x\n\xc3\xa9\xe2\x82\xac!", 7), 3);    /* second line */
}

static void test_column_invalid_bytes_count_one_each(void **state)
{
	(void)state;
	assert_int_equal(COLUMN("\xff\xfex", 2), 3);                      /* never valid */
	assert_int_equal(COLUMN("\x80\x80x", 2), 3);                      /* stray continuations */
	assert_int_equal(COLUMN("\xe2\x82x", 2), 3);                      /* truncated 3-byte */
	assert_int_equal(COLUMN("\xf0\x9f\x98x", 3), 4);                  /* truncated 4-byte */
	assert_int_equal(COLUMN("\xc3x\xc3\xa9y", 4), 4);                 /* lead without continuation */
	assert_int_equal(COLUMN("# caf\xe9\nx = 1 # \xe9t\xe9", 17), 11); /* latin-1 */
	/* a sequence cut by the end of the file */
	assert_int_equal(COLUMN("ab\xe2\x82", 4), 5);
	/* an encoded surrogate and an overlong are not UTF-8: a column per byte */
	assert_int_equal(COLUMN("\xed\xa0\x80x", 3), 4);
	assert_int_equal(COLUMN("\xc0\xafx", 2), 3);
	/* columns along one line, asked in order and then out of order (the cache) */
	assert_int_equal(COLUMN("\xc3\xa9\xc3\xa9\xc3\xa9x", 6), 4);
}

static void test_line_of_and_line_start(void **state)
{
	(void)state;
	lf_source src;
	source_from(&src, "a\nbc\r\n\nd");
	assert_int_equal(src.line_count, 4);
	static const uint32_t lines[] = {0, 0, 1, 1, 1, 1, 2, 3, 3};
	static const uint32_t starts[] = {0, 0, 2, 2, 2, 2, 6, 7, 7};
	for (uint32_t offset = 0; offset <= src.len; offset++) {
		assert_int_equal(lf_source_line_of(&src, offset), lines[offset]);
		assert_int_equal(lf_source_line_start(&src, offset), starts[offset]);
	}
	lf_source_finish(&src);

	/* a final newline starts one more (empty) line */
	source_from(&src, "a\n");
	assert_int_equal(src.line_count, 2);
	assert_int_equal(lf_source_line_of(&src, 2), 1);
	lf_source_finish(&src);

	/* lone CRs end lines (Python's tokenizer); a CRLF is one ending */
	source_from(&src, "a\rb\r\nc\rd");
	assert_int_equal(src.line_count, 4);
	assert_int_equal(lf_source_line_of(&src, 2), 1); /* b */
	assert_int_equal(lf_source_line_of(&src, 5), 2); /* c */
	assert_int_equal(lf_source_line_of(&src, 7), 3); /* d */
	assert_true(lf_source_first_on_line(&src, 5));
	lf_source_finish(&src);

	source_from(&src, "");
	assert_int_equal(src.line_count, 1);
	assert_int_equal(lf_source_line_of(&src, 0), 0);
	assert_int_equal(lf_source_column_of(&src, 0), 1);
	lf_source_finish(&src);
}

static void test_first_on_line(void **state)
{
	(void)state;
	const char *text = "x = (\n    p,\n\t\f)\nab )\n";
	lf_source src;
	source_from(&src, text);
	assert_true(lf_source_first_on_line(&src, 0));
	assert_false(lf_source_first_on_line(&src, offset_of(text, "(")));
	assert_true(lf_source_first_on_line(&src, offset_of(text, "p")));
	assert_false(lf_source_first_on_line(&src, offset_of(text, ",")));
	assert_true(lf_source_first_on_line(&src, offset_of(text, ")")));
	assert_false(lf_source_first_on_line(&src, offset_of_nth(text, ")", 1)));
	assert_true(lf_source_first_on_line(&src, offset_of(text, "ab")));
	lf_source_finish(&src);
}

/* The line ending of the line holding `offset`. */
static const char *ending_in(const char *text, uint32_t offset)
{
	lf_source src;
	source_from(&src, text);
	const char *ending = lf_source_line_ending(&src, offset);
	lf_source_finish(&src);
	return ending;
}

static void test_line_ending(void **state)
{
	(void)state;
	assert_string_equal(ending_in("a\r\nb\r\n", 0), "\r\n");
	assert_string_equal(ending_in("a\r\nb\r\n", 1), "\r\n"); /* the \r */
	assert_string_equal(ending_in("a\r\nb\r\n", 2), "\r\n"); /* the \n */
	assert_string_equal(ending_in("a\r\nb\r\n", 3), "\r\n");
	assert_string_equal(ending_in("a\nb\n", 0), "\n");
	assert_string_equal(ending_in("a\nb\n", 2), "\n");
	/* no newline at the end of the file */
	assert_string_equal(ending_in("a\r\nb", 3), "\n");
	assert_string_equal(ending_in("a\r\nb", 4), "\n");
	assert_string_equal(ending_in("", 0), "\n");
	/* a lone CR ends a line, as in Python's tokenizer */
	assert_string_equal(ending_in("a\rb\r", 0), "\r");
	assert_string_equal(ending_in("a\rb\n", 2), "\n");
	/* mixed: each line its own */
	assert_string_equal(ending_in("a\nb\r\nc\n", 0), "\n");
	assert_string_equal(ending_in("a\nb\r\nc\n", 2), "\r\n");
	assert_string_equal(ending_in("a\nb\r\nc\n", 5), "\n");
	/* a lone \r is a line ending of its own (Python's tokenizer) */
	assert_string_equal(ending_in("a\rb\n", 0), "\r");
	assert_string_equal(ending_in("\n", 0), "\n");
}

static void test_read_file(void **state)
{
	(void)state;
	char path[] = "/tmp/loadfix-test-source-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char content[] = "import torch\r\n\xff\x00x\n";
	assert_int_equal(write(fd, content, sizeof content - 1), sizeof content - 1);
	close(fd);

	lf_source src;
	char *error = NULL;
	assert_true(lf_source_read(&src, path, 1000, &error));
	assert_null(error);
	assert_int_equal(src.len, sizeof content - 1);
	assert_memory_equal(src.bytes, content, src.len);
	assert_int_equal(src.bytes[src.len], '\0');
	assert_int_equal(src.line_count, 3);
	assert_int_equal(src.line_starts[1], 14);
	assert_int_equal(src.line_starts[2], 18);
	lf_source_finish(&src);

	/* over the size limit */
	assert_false(lf_source_read(&src, path, 5, &error));
	assert_non_null(error);
	free(error);
	error = NULL;
	unlink(path);

	/* missing file, directory */
	assert_false(lf_source_read(&src, path, 1000, &error));
	assert_non_null(error);
	free(error);
	error = NULL;
	assert_false(lf_source_read(&src, "/tmp", 1000, &error));
	assert_non_null(error);
	free(error);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_column_ascii),
	        cmocka_unit_test(test_column_tabs_count_one),
	        cmocka_unit_test(test_column_utf8_counts_code_points),
	        cmocka_unit_test(test_column_invalid_bytes_count_one_each),
	        cmocka_unit_test(test_line_of_and_line_start),
	        cmocka_unit_test(test_first_on_line),
	        cmocka_unit_test(test_line_ending),
	        cmocka_unit_test(test_read_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
