/*
 * The statement splitter's property test on real code: for every file
 * named (or listed, one per line, on stdin with "-"), that
 *   - the segments cover the file exactly, in order;
 *   - every boundary between two segments is where a top-level node of a
 *     whole-file tree-sitter parse starts (files the parser finds errors
 *     in are skipped: their top level is the recovery's guess);
 *   - the partial text (lf_partial) parses without errors when the whole
 *     file does (else partial parsing falls back to a whole parse: slower,
 *     not wrong; counted, not failed).
 * A directory stands for the *.py files under it.  Prints a summary; exits 1 on the first violated property, naming the
 * file and the offset.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "loadfix/parse.h"
#include "loadfix/partial.h"
#include "loadfix/segment.h"
#include "loadfix/source.h"

typedef struct totals {
	unsigned files, unsure, skipped, boundaries, top_level, partial_errors;
	unsigned long long bytes, selected;
} totals;

static int fail(const char *path, const char *what, uint32_t offset)
{
	fprintf(stderr, "segment_tool: %s: %s at byte %u\n", path, what, offset);
	return 1;
}

static int check_file(lf_parser *parser, const char *path, totals *t)
{
	lf_source src;
	char *error = NULL;
	if (!lf_source_read(&src, path, UINT32_MAX - 1, &error)) {
		fprintf(stderr, "segment_tool: %s: %s (skipped)\n", path, error ? error : "unreadable");
		free(error);
		return 0;
	}
	t->files++;
	t->bytes += src.len;
	lf_segments segs;
	lf_segments_init(&segs);
	int status = 0;
	if (!lf_segments_split(src.bytes, src.len, &segs)) {
		t->unsure++;
		goto done;
	}
	if (segs.items[0].start != 0 || segs.items[segs.count - 1].end != src.len)
		status = fail(path, "segments do not cover the file", 0);
	for (uint32_t i = 1; i < segs.count && !status; i++)
		if (segs.items[i].start != segs.items[i - 1].end || segs.items[i].start <= segs.items[i - 1].start)
			status = fail(path, "segments are not contiguous", segs.items[i].start);
	TSTree *tree = lf_parser_parse(parser, src.bytes, src.len);
	TSNode root = ts_tree_root_node(tree);
	if (ts_node_has_error(root)) {
		t->skipped++;
		ts_tree_delete(tree);
		goto done;
	}
	uint32_t children = ts_node_child_count(root), c = 0;
	for (uint32_t i = 0; i < children; i++) {
		TSNode child = ts_node_child(root, i);
		if (strcmp(ts_node_type(child), "comment") == 0)
			continue;
		t->top_level++;
		if (getenv("SEGMENT_TOOL_MERGED")) { /* which statements share a segment with the one before */
			uint32_t start = ts_node_start_byte(child);
			bool boundary = start == 0;
			for (uint32_t k = 0; k < segs.count && !boundary; k++)
				boundary = segs.items[k].start == start;
			if (!boundary && i > 0)
				fprintf(stderr, "merged %s at %s:%u\n", ts_node_type(child), path, start);
		}
	}
	for (uint32_t i = 1; i < segs.count && !status; i++) {
		uint32_t boundary = segs.items[i].start;
		while (c < children && ts_node_start_byte(ts_node_child(root, c)) < boundary)
			c++;
		if (c == children || ts_node_start_byte(ts_node_child(root, c)) != boundary)
			status = fail(path, "a segment boundary inside a top-level statement", boundary);
		t->boundaries++;
	}
	ts_tree_delete(tree);
	lf_partial partial;
	if (!status && lf_partial_init(&partial, src.bytes, src.len)) {
		t->selected += partial.selected_bytes;
		TSTree *part = lf_parser_parse(parser, partial.text, partial.len);
		if (ts_node_has_error(ts_tree_root_node(part))) {
			t->partial_errors++;
			fprintf(stderr, "segment_tool: %s: the partial text has a parse error (falls back)\n", path);
		}
		ts_tree_delete(part);
		lf_partial_finish(&partial);
	}
done:
	lf_segments_finish(&segs);
	lf_source_finish(&src);
	return status;
}

/* --show FILE: the segments, their words and the partial text. */
static int show(const char *path)
{
	lf_source src;
	char *error = NULL;
	if (!lf_source_read(&src, path, UINT32_MAX - 1, &error))
		return fail(path, error, 0);
	lf_segments segs;
	lf_segments_init(&segs);
	bool sure = lf_segments_split(src.bytes, src.len, &segs);
	printf("sure: %d, star import: %d\n", sure, segs.star_import);
	for (uint32_t i = 0; i < segs.count; i++) {
		const lf_segment *seg = &segs.items[i];
		printf("[%u, %u):", seg->start, seg->end);
		for (uint32_t w = seg->first_word; w < seg->first_word + seg->word_count; w++)
			printf(" %.*s%s", (int)segs.words[w].len, (const char *)src.bytes + segs.words[w].start,
			       segs.words[w].module_scope ? "" : "'");
		printf("\n");
	}
	lf_partial partial;
	if (lf_partial_init(&partial, src.bytes, src.len)) {
		printf("---- partial text (%u of %u bytes)\n%.*s\n----\n", partial.selected_bytes, src.len,
		       (int)partial.len, (const char *)partial.text);
		lf_partial_finish(&partial);
	}
	lf_segments_finish(&segs);
	lf_source_finish(&src);
	return 0;
}

/*
 * --compare-ranges DIR: the alternative to blanking, tree-sitter's included
 * ranges (ts_parser_set_included_ranges over the selected statements),
 * parsed on the same files: how often its tree differs from the blanked
 * text's (top-level node kinds and spans, errors), and the time of each.
 * A measurement for the README, not a test.
 */
typedef struct comparison {
	unsigned files, differ, errors_blank, errors_ranges;
	double blank_seconds, ranges_seconds;
} comparison;

static comparison *compare_totals;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *top_level(TSTree *tree)
{
	TSNode root = ts_tree_root_node(tree);
	size_t cap = 64, len = 0;
	char *out = malloc(cap);
	out[0] = 0;
	for (uint32_t i = 0; i < ts_node_child_count(root); i++) {
		TSNode c = ts_node_child(root, i);
		char item[128];
		int n = snprintf(item, sizeof item, "%s@%u-%u ", ts_node_type(c), ts_node_start_byte(c),
		                 ts_node_end_byte(c));
		while (len + (size_t)n + 1 > cap)
			out = realloc(out, cap *= 2);
		memcpy(out + len, item, (size_t)n + 1);
		len += (size_t)n;
	}
	return out;
}

static int compare_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	size_t n = strlen(path);
	if (type != FTW_F || n < 3 || strcmp(path + n - 3, ".py") != 0)
		return 0;
	lf_source src;
	char *error = NULL;
	if (!lf_source_read(&src, path, UINT32_MAX - 1, &error)) {
		free(error);
		return 0;
	}
	lf_partial partial;
	if (lf_partial_init(&partial, src.bytes, src.len) && partial.range_count > 0) {
		comparison *c = compare_totals;
		c->files++;
		TSParser *ts = ts_parser_new();
		ts_parser_set_language(ts, lf_python_language());
		double t0 = now();
		TSTree *blank = ts_parser_parse_string(ts, NULL, (const char *)partial.text, partial.len);
		double t1 = now();
		TSRange *ranges = calloc(partial.range_count, sizeof *ranges);
		for (uint32_t r = 0; r < partial.range_count; r++) {
			uint32_t start = partial.ranges[2 * r], end = partial.ranges[2 * r + 1];
			TSPoint ps = {0, 0}, pe = {0, 0};
			for (uint32_t i = 0; i < end; i++) {
				TSPoint *p = i < start ? &ps : &pe;
				if (i == start)
					pe = ps;
				if (partial.text[i] == '\n')
					p->row++, p->column = 0;
				else
					p->column++;
			}
			if (start == end)
				pe = ps;
			ranges[r] = (TSRange){ps, pe, start, end};
		}
		ts_parser_delete(ts);
		ts = ts_parser_new();
		ts_parser_set_language(ts, lf_python_language());
		double t2 = now();
		ts_parser_set_included_ranges(ts, ranges, partial.range_count);
		TSTree *ranged = ts_parser_parse_string(ts, NULL, (const char *)partial.text, partial.len);
		double t3 = now();
		c->blank_seconds += t1 - t0;
		c->ranges_seconds += t3 - t2;
		bool eb = ts_node_has_error(ts_tree_root_node(blank)),
		     er = ts_node_has_error(ts_tree_root_node(ranged));
		c->errors_blank += eb;
		c->errors_ranges += er;
		char *a = top_level(blank), *b = top_level(ranged);
		if (strcmp(a, b) != 0 || eb != er) {
			c->differ++;
			if (c->differ <= 3)
				fprintf(stderr, "segment_tool: %s: included ranges differ (errors %d vs %d)\n", path,
				        eb, er);
		}
		free(a);
		free(b);
		free(ranges);
		ts_tree_delete(blank);
		ts_tree_delete(ranged);
		ts_parser_delete(ts);
		lf_partial_finish(&partial);
	}
	lf_source_finish(&src);
	return 0;
}

static lf_parser *walk_parser;
static totals *walk_totals;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	size_t n = strlen(path);
	if (type != FTW_F || n < 3 || strcmp(path + n - 3, ".py") != 0)
		return 0;
	return check_file(walk_parser, path, walk_totals);
}

int main(int argc, char **argv)
{
	lf_parser *parser = lf_parser_create();
	totals t = {0};
	int status = 0;
	if (argc == 3 && strcmp(argv[1], "--show") == 0)
		return show(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--compare-ranges") == 0) {
		comparison c = {0};
		compare_totals = &c;
		nftw(argv[2], compare_file, 16, FTW_PHYS);
		printf("files %u: top level or errors differ in %u; parse errors: blanked %u, included ranges %u; "
		       "parse time: blanked %.3f s, included ranges %.3f s\n",
		       c.files, c.differ, c.errors_blank, c.errors_ranges, c.blank_seconds, c.ranges_seconds);
		return 0;
	}
	for (int i = 1; i < argc && !status; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			walk_parser = parser;
			walk_totals = &t;
			status = nftw(argv[i], visit, 16, FTW_PHYS);
			continue;
		}
		if (strcmp(argv[i], "-") != 0) {
			status = check_file(parser, argv[i], &t);
			continue;
		}
		char line[4096];
		while (!status && fgets(line, sizeof line, stdin)) {
			line[strcspn(line, "\n")] = 0;
			if (line[0])
				status = check_file(parser, line, &t);
		}
	}
	lf_parser_destroy(parser);
	printf("files %u (%llu bytes): %u unsure (parsed whole), %u with parse errors (skipped); "
	       "%u boundaries agree with tree-sitter's %u top-level statements; "
	       "partial text: %llu bytes selected, %u with parse errors\n",
	       t.files, t.bytes, t.unsure, t.skipped, t.boundaries, t.top_level, t.selected, t.partial_errors);
	return status;
}
