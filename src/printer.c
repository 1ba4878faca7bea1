/*
 * Printing a file's findings and the run's end; see loadfix/printer.h.
 * Moved out of main.c, which only wires the modules together.
 */
#include "loadfix/printer.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "loadfix/color.h"
#include "loadfix/report.h"
#include "loadfix/rules.h"

void lf_file_report_finish(lf_file_report *report)
{
	lf_buf_finish(&report->out);
	lf_buf_finish(&report->err);
	lf_buf_finish(&report->reports);
}

void lf_run_totals_init(lf_run_totals *totals)
{
	memset(totals, 0, sizeof *totals);
	lf_buf_init(&totals->reports);
}

void lf_run_totals_finish(lf_run_totals *totals)
{
	lf_buf_finish(&totals->reports);
}

/* How many findings before diags[i] have its rule and normalised text. */
static uint32_t occurrence(const lf_doc *doc, const uint64_t *text_hashes, uint32_t i)
{
	uint32_t n = 0;
	const lf_diag *diag = &doc->diags.items[i];
	for (uint32_t k = 0; k < i; k++) {
		const lf_diag *other = &doc->diags.items[k];
		n += other->rule == diag->rule && text_hashes[k] == text_hashes[i];
	}
	return n;
}

void lf_print_findings(const lf_settings *s, const lf_check_options *options, const lf_doc *doc, const char *name,
                       const char *display, const lf_report_map *map, bool source_on_stdout, lf_file_report *j)
{
	const lf_source *text = lf_doc_text(doc);
	lf_buf *lines = source_on_stdout ? &j->err : &j->out;
	/* SARIF fingerprints number identical findings of a file in order;
	 * the normalised texts' hashes make counting the earlier ones cheap. */
	uint64_t *text_hashes = NULL;
	if (s->format == LF_FORMAT_SARIF && doc->diags.count) {
		text_hashes = lf_xcalloc(doc->diags.count, sizeof *text_hashes);
		for (uint32_t i = 0; i < doc->diags.count; i++)
			text_hashes[i] = lf_report_text_hash(text, &doc->diags.items[i]);
	}
	for (uint32_t i = 0; i < doc->diags.count; i++) {
		const lf_diag *diag = &doc->diags.items[i];
		bool fixable = lf_check_fix_applies(options, diag);
		size_t rule = lf_rule_index(diag->rule);
		j->findings++;
		j->fixable += fixable;
		j->hidden += !fixable && diag->fix.count && diag->fix.applicability == LF_FIX_UNSAFE;
		j->per_rule[rule]++;
		j->per_rule_fixable[rule] += fixable;
		if (s->mode == LF_MODE_DIFF || s->statistics)
			continue; /* the diff (or the table) is the output */
		switch (s->format) {
		case LF_FORMAT_JSON:
		case LF_FORMAT_SARIF:
			if (j->objects++)
				lf_buf_puts(&j->reports, ",\n");
			lf_buf_puts(&j->reports, s->format == LF_FORMAT_JSON ? "  " : "        ");
			if (s->format == LF_FORMAT_JSON)
				lf_report_json(&j->reports, name, text, map, diag, options);
			else
				lf_report_sarif_result(&j->reports, name, text, map, diag, rule,
				                       occurrence(doc, text_hashes, i));
			break;
		case LF_FORMAT_GITHUB: lf_report_github(lines, name, text, map, diag); break;
		case LF_FORMAT_TEXT:
			lf_report_text(lines, display, text, map, diag, fixable && s->mode == LF_MODE_REPORT, s->color);
			break;
		}
	}
	free(text_hashes);
}

void lf_totals_add(lf_run_totals *t, const lf_file_report *j, FILE *out, FILE *err)
{
	if (j->out.len && fwrite(j->out.data, 1, j->out.len, out) != j->out.len)
		t->output_failed = true;
	if (j->err.len)
		fwrite(j->err.data, 1, j->err.len, err);
	if (j->objects) {
		if (t->objects)
			lf_buf_puts(&t->reports, ",\n");
		lf_buf_append(&t->reports, j->reports.data, j->reports.len);
		t->objects += j->objects;
	}
	t->findings += j->findings;
	t->fixable += j->fixable;
	t->hidden += j->hidden;
	t->fixed += j->fixed;
	t->changed_files += j->changed;
	t->checked += j->checked;
	t->parsed += j->parsed;
	t->parsed_bytes += j->parsed_bytes;
	t->parsed_file_bytes += j->parsed_file_bytes;
	t->whole_reparses += j->whole_reparses;
	for (size_t i = 0; i < LF_MAX_RULES; i++) {
		t->per_rule[i] += j->per_rule[i];
		t->per_rule_fixable[i] += j->per_rule_fixable[i];
	}
	t->error |= j->error;
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void print_statistics(const lf_run_totals *t, FILE *out)
{
	/* How much work the prefilter saved: files read vs files parsed. */
	fprintf(out, "files\t%llu checked, %llu parsed", (unsigned long long)t->checked, (unsigned long long)t->parsed);
	/* for what star imports of them bind, or the wrappers they define (the
	 * text up to "star imports" is what bench/run reads) */
	if (t->modules_parsed)
		fprintf(out, ", %llu modules parsed for star imports or wrappers",
		        (unsigned long long)t->modules_parsed);
	/* for their torch.save calls, LF001's evidence across files */
	if (t->save_files_parsed)
		fprintf(out, ", %llu %s parsed for their saves", (unsigned long long)t->save_files_parsed,
		        plural(t->save_files_parsed, "file", "files"));
	/* What partial parsing saved on the files parsed: the bytes of the
	 * statements given to the parser, of those files' bytes. */
	fprintf(out, "; %llu of %llu bytes parsed", (unsigned long long)t->parsed_bytes,
	        (unsigned long long)t->parsed_file_bytes);
	if (t->whole_reparses)
		fprintf(out, "; %llu parsed whole again", (unsigned long long)t->whole_reparses);
	fputc('\n', out);
	for (size_t i = 0; i < lf_rule_count; i++) {
		if (!t->per_rule[i])
			continue;
		fprintf(out, "%5llu\t%s\t%s%s\n", (unsigned long long)t->per_rule[i], lf_rules[i].code,
		        t->per_rule_fixable[i] ? "[*] " : "", lf_rules[i].name);
	}
}

void lf_print_summary(const lf_settings *s, const lf_run_totals *t, bool stdin_fix)
{
	FILE *out = (s->mode == LF_MODE_REPORT && !stdin_fix) ? stdout : stderr;
	if (s->statistics && s->mode != LF_MODE_DIFF)
		print_statistics(t, out);
	if (s->quiet || s->format != LF_FORMAT_TEXT)
		return;
	uint64_t n = t->findings;
	/* The summary's first line is bold (green when all passed), as ruff's. */
	const char *bold = s->color ? LF_SGR_BOLD : "", *green = s->color ? LF_SGR_BOLD_GREEN : "",
	           *reset = s->color ? LF_SGR_RESET : "";
	if (s->mode == LF_MODE_REPORT) {
		if (n == 0) {
			/* Not after an error: a file that was not checked did not pass. */
			if (!t->error)
				fprintf(out, "%sAll checks passed!%s\n", green, reset);
			return;
		}
		fprintf(out, "%sFound %llu %s (%llu fixable with --fix).%s\n", bold, (unsigned long long)n,
		        plural(n, "finding", "findings"), (unsigned long long)t->fixable, reset);
		if (t->hidden)
			fprintf(out, "%llu more %s available with --unsafe-fixes.\n", (unsigned long long)t->hidden,
			        plural(t->hidden, "fix is", "fixes are"));
	} else if (s->mode == LF_MODE_FIX) {
		uint64_t total = n + t->fixed;
		if (total == 0 && !t->error)
			fprintf(out, "%sAll checks passed!%s\n", green, reset);
		else if (total > 0)
			fprintf(out, "%sFound %llu %s (%llu fixed, %llu remaining).%s\n", bold,
			        (unsigned long long)total, plural(total, "finding", "findings"),
			        (unsigned long long)t->fixed, (unsigned long long)n, reset);
		if (t->hidden)
			fprintf(out, "%llu more %s available with --unsafe-fixes.\n", (unsigned long long)t->hidden,
			        plural(t->hidden, "fix is", "fixes are"));
	} else {
		fprintf(out, "Would fix %llu %s (%llu not fixable).\n", (unsigned long long)t->fixed,
		        plural(t->fixed, "finding", "findings"), (unsigned long long)n);
	}
}

/* The size of `bytes` gzip-compressed (as upload-sarif sends it), at
 * zlib's default level; 0 when zlib fails. */
static size_t gzip_size(const char *bytes, size_t len)
{
	z_stream z = {0};
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	unsigned char chunk[65536];
	size_t total = 0;
	z.next_in = (unsigned char *)bytes;
	int status = Z_OK;
	/* avail_in is 32 bits: feed the document in slices */
	size_t left = len;
	while (status != Z_STREAM_END) {
		if (z.avail_in == 0 && left) {
			z.avail_in = left > (1u << 30) ? (1u << 30) : (uInt)left;
			left -= z.avail_in;
		}
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		status = deflate(&z, left || z.avail_in ? Z_NO_FLUSH : Z_FINISH);
		if (status == Z_STREAM_ERROR)
			break;
		total += sizeof chunk - z.avail_out;
	}
	deflateEnd(&z);
	return status == Z_STREAM_END ? total : 0;
}

/* Machine formats are whole documents, printed once at the end. */
void lf_print_document(const lf_settings *s, const lf_run_totals *t, FILE *out)
{
	if (s->mode == LF_MODE_DIFF || s->statistics)
		return;
	if (s->format == LF_FORMAT_JSON) {
		fputs("[\n", out);
		if (t->objects) {
			fwrite(t->reports.data, 1, t->reports.len, out);
			fputc('\n', out);
		}
		fputs("]\n", out);
	} else if (s->format == LF_FORMAT_SARIF) {
		lf_buf doc;
		lf_buf_init(&doc);
		size_t len = t->reports.len;
		if (t->objects > LF_SARIF_MAX_RESULTS) {
			/* Objects are compact JSON (no raw newline inside), joined
			 * by ",\n": cut at the separator that ends the last one
			 * GitHub accepts. */
			const char *p = t->reports.data;
			for (uint64_t n = 0; n < LF_SARIF_MAX_RESULTS; n++)
				p = strstr(p, ",\n") + (n + 1 < LF_SARIF_MAX_RESULTS ? 2 : 0);
			len = (size_t)(p - t->reports.data);
			fprintf(stderr,
			        "loadfix: warning: the SARIF report holds the first %d of %llu results (GitHub code "
			        "scanning rejects a run of more); narrow the run with --select or paths\n",
			        LF_SARIF_MAX_RESULTS, (unsigned long long)t->objects);
		}
		lf_report_sarif_document(&doc, t->reports.data ? t->reports.data : "", len, s->sarif_category);
		/* gzip never makes a document much larger: only one over the
		 * limit uncompressed can be over it compressed. */
		size_t compressed = doc.len > LF_SARIF_MAX_UPLOAD ? gzip_size(doc.data, doc.len) : 0;
		if (compressed > LF_SARIF_MAX_UPLOAD)
			fprintf(stderr,
			        "loadfix: warning: the SARIF report is %zu bytes gzip-compressed, over GitHub code "
			        "scanning's limit of %d; upload-sarif will reject it: narrow the run with --select, "
			        "--exclude or paths\n",
			        compressed, LF_SARIF_MAX_UPLOAD);
		fwrite(doc.data, 1, doc.len, out);
		lf_buf_finish(&doc);
	}
}
