#include "fuzz_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* UBSan reports stop the harness (as ASan's do) and show a stack; the
 * UBSAN_OPTIONS environment variable still overrides or extends this
 * (scripts/fuzz --allow-known adds a suppressions file). */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1:report_error_type=1";
}

void fuzz_fail(const char *fmt, ...)
{
	fputs("\n*** loadfix fuzz invariant violated: ", stderr);
	va_list args;
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputs("\n", stderr);
	fflush(stderr);
	abort();
}

void fuzz_dump(const char *label, const uint8_t *bytes, size_t len)
{
	fprintf(stderr, "--- %s (%zu bytes, C-escaped):\n\"", label, len);
	size_t shown = len > 4096 ? 4096 : len;
	for (size_t i = 0; i < shown; i++) {
		uint8_t c = bytes[i];
		if (c == '\n')
			fputs("\\n\"\n\"", stderr);
		else if (c == '\\' || c == '"')
			fprintf(stderr, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x\"\"", c);
	}
	fprintf(stderr, "\"%s\n", shown < len ? " ..." : "");
}

bool fuzz_edits_overlap(uint32_t a_start, uint32_t a_end, uint32_t b_start, uint32_t b_end)
{
	if (a_start == a_end && b_start == b_end)
		return a_start == b_start;
	return a_start < b_end && b_start < a_end;
}

uint8_t *fuzz_naive_apply(const uint8_t *src, uint32_t len, const lf_edit *edits, uint32_t count, uint32_t *out_len)
{
	/* Sort indices by (start, end): insertion sort, quadratic and obvious. */
	uint32_t *order = malloc(sizeof(uint32_t) * (count ? count : 1));
	for (uint32_t i = 0; i < count; i++) {
		uint32_t j = i;
		while (j > 0 &&
		       (edits[order[j - 1]].start > edits[i].start ||
		        (edits[order[j - 1]].start == edits[i].start && edits[order[j - 1]].end > edits[i].end))) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	size_t cap = len + 1;
	for (uint32_t i = 0; i < count; i++)
		cap += strlen(edits[i].text);
	uint8_t *out = malloc(cap);
	size_t n = 0;
	uint32_t pos = 0;
	for (uint32_t k = 0; k < count; k++) {
		const lf_edit *e = &edits[order[k]];
		while (pos < e->start)
			out[n++] = src[pos++];
		for (const char *t = e->text; *t; t++)
			out[n++] = (uint8_t)*t;
		pos = e->end;
	}
	while (pos < len)
		out[n++] = src[pos++];
	out[n] = 0;
	free(order);
	*out_len = (uint32_t)n;
	return out;
}

/* ---- the unified diff applier ----------------------------------------------- */

typedef struct line {
	const uint8_t *p;
	size_t len; /* including its '\n', when it has one */
} line;

static line *split_lines(const uint8_t *text, size_t len, size_t *count)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	line *lines = malloc(sizeof(line) * (n + 2));
	size_t k = 0, start = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n') {
			lines[k++] = (line){text + start, i + 1 - start};
			start = i + 1;
		}
	if (start < len)
		lines[k++] = (line){text + start, len - start};
	*count = k;
	return lines;
}

static bool starts_with(const char *p, size_t avail, const char *prefix)
{
	size_t n = strlen(prefix);
	return avail >= n && memcmp(p, prefix, n) == 0;
}

/* Parses a decimal number; false on none or overflow. */
static bool parse_number(const char **p, const char *end, size_t *out)
{
	size_t v = 0;
	const char *q = *p;
	if (q >= end || *q < '0' || *q > '9')
		return false;
	while (q < end && *q >= '0' && *q <= '9') {
		if (v > 100000000)
			return false;
		v = v * 10 + (size_t)(*q - '0');
		q++;
	}
	*p = q;
	*out = v;
	return true;
}

/* "-A[,B]" or "+C[,D]" */
static bool parse_range(const char **p, const char *end, char sign, size_t *start, size_t *count)
{
	if (*p >= end || **p != sign)
		return false;
	(*p)++;
	if (!parse_number(p, end, start))
		return false;
	*count = 1;
	if (*p < end && **p == ',') {
		(*p)++;
		if (!parse_number(p, end, count))
			return false;
	}
	return true;
}

#define FAIL(reason)           \
	do {                   \
		*why = reason; \
		goto fail;     \
	} while (0)

bool fuzz_apply_unified(const uint8_t *old, size_t old_len, const char *diff, size_t diff_len, lf_buf *out,
                        const char **why)
{
	size_t old_count;
	line *old_lines = split_lines(old, old_len, &old_count);
	size_t cursor = 0; /* next old line to copy or match */
	*why = NULL;
	if (diff_len == 0) {
		lf_buf_append(out, old, old_len);
		free(old_lines);
		return true;
	}
	const char *p = diff, *end = diff + diff_len;
	/* The header: only the lines git writes for a changed file. */
	if (!starts_with(p, (size_t)(end - p), "diff --git "))
		FAIL("the diff does not start with 'diff --git '");
	static const char *const header_prefixes[] = {"diff --git ", "index ",    "--- ", "+++ ",
	                                              "old mode ",   "new mode ", NULL};
	bool seen_minus = false, seen_plus = false;
	while (p < end && !starts_with(p, (size_t)(end - p), "@@ ")) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			FAIL("a header line without a newline");
		bool known = false;
		for (int i = 0; header_prefixes[i]; i++)
			if (starts_with(p, (size_t)(nl - p), header_prefixes[i]))
				known = true;
		if (!known)
			FAIL("an unexpected header line (binary diff, or an unquoted file name?)");
		for (const char *c = p; c < nl; c++)
			if ((unsigned char)*c < 0x20 && *c != '\t')
				FAIL("a control character in a header line");
		seen_minus |= starts_with(p, (size_t)(nl - p), "--- ");
		seen_plus |= starts_with(p, (size_t)(nl - p), "+++ ");
		p = nl + 1;
	}
	if (!seen_minus || !seen_plus)
		FAIL("no ---/+++ header lines");
	if (p >= end)
		FAIL("a header without hunks");
	size_t last_old_end = 0; /* old lines up to here were covered by a hunk */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			FAIL("a hunk header without a newline");
		if (!starts_with(p, (size_t)(nl - p), "@@ "))
			FAIL("expected a hunk header");
		const char *q = p + 3;
		size_t a, b, c, d;
		if (!parse_range(&q, nl, '-', &a, &b) || q >= nl || *q++ != ' ' || !parse_range(&q, nl, '+', &c, &d) ||
		    !starts_with(q, (size_t)(nl - q), " @@"))
			FAIL("a malformed hunk header");
		/* The hunk's first old line (0-based); an empty range names the
		 * line after which it applies. */
		size_t first = b == 0 ? a : a - 1;
		if (b > 0 && a == 0)
			FAIL("a hunk starting at line 0");
		if (first < last_old_end || first < cursor || first > old_count)
			FAIL("hunks out of order or past the end of the old text");
		/* The new side's position must agree with what was produced so far. */
		size_t new_lines_so_far = 0;
		for (size_t i = 0; i < out->len; i++)
			new_lines_so_far += out->data[i] == '\n';
		while (cursor < first) {
			lf_buf_append(out, old_lines[cursor].p, old_lines[cursor].len);
			new_lines_so_far += old_lines[cursor].p[old_lines[cursor].len - 1] == '\n';
			cursor++;
		}
		size_t expected_new_first = d == 0 ? c : c - 1;
		if (new_lines_so_far != expected_new_first)
			FAIL("the hunk's new-side start does not match");
		p = nl + 1;
		size_t old_seen = 0, new_seen = 0;
		while (old_seen < b || new_seen < d) {
			if (p >= end)
				FAIL("a hunk ends early");
			const char *lnl = memchr(p, '\n', (size_t)(end - p));
			if (!lnl)
				FAIL("a hunk line without a newline");
			char kind = *p;
			const char *content = p + 1;
			size_t content_len = (size_t)(lnl - content) + 1; /* with the '\n' */
			p = lnl + 1;
			if (p < end && *p == '\\') {
				/* "\ No newline at end of file": the line has no '\n'. */
				const char *mnl = memchr(p, '\n', (size_t)(end - p));
				if (!mnl)
					FAIL("a no-newline marker without a newline");
				content_len--;
				p = mnl + 1;
			}
			if (kind == ' ' || kind == '-') {
				if (cursor >= old_count)
					FAIL("a context or removed line past the end of the old text");
				if (old_lines[cursor].len != content_len ||
				    memcmp(old_lines[cursor].p, content, content_len) != 0)
					FAIL("a context or removed line does not match the old text");
				if (kind == ' ')
					lf_buf_append(out, content, content_len);
				cursor++;
				old_seen++;
				new_seen += kind == ' ';
			} else if (kind == '+') {
				lf_buf_append(out, content, content_len);
				new_seen++;
			} else {
				FAIL("a hunk line that is not ' ', '-' or '+'");
			}
			if (old_seen > b || new_seen > d)
				FAIL("a hunk longer than its header says");
		}
		last_old_end = cursor;
	}
	while (cursor < old_count) {
		lf_buf_append(out, old_lines[cursor].p, old_lines[cursor].len);
		cursor++;
	}
	free(old_lines);
	return true;
fail:
	free(old_lines);
	return false;
}
