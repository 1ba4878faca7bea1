#include "loadfix/report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p, or 0 (overlongs, surrogates and
 * values past U+10FFFF are invalid, as in the Unicode standard). */
static size_t utf8_valid_length(const unsigned char *p, size_t avail)
{
	unsigned char b = p[0];
	if (b < 0x80)
		return 1;
	size_t n;
	unsigned min;
	unsigned cp;
	if (b >= 0xC2 && b <= 0xDF)
		n = 2, min = 0x80, cp = b & 0x1F;
	else if ((b & 0xF0) == 0xE0)
		n = 3, min = 0x800, cp = b & 0x0F;
	else if (b >= 0xF0 && b <= 0xF4)
		n = 4, min = 0x10000, cp = b & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

char *lf_display_path(const char *path)
{
	lf_buf out;
	lf_buf_init(&out);
	const unsigned char *p = (const unsigned char *)path;
	size_t len = strlen(path);
	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];
		size_t n = utf8_valid_length(p + i, len - i);
		if (c == '\n')
			lf_buf_puts(&out, "\\n");
		else if (c == '\t')
			lf_buf_puts(&out, "\\t");
		else if (c == '\\')
			lf_buf_puts(&out, "\\\\");
		else if (n == 0 || c < 0x20 || c == 0x7f)
			lf_buf_printf(&out, "\\x%02X", c);
		else if (n == 2 && c == 0xC2 && p[i + 1] < 0xA0)
			lf_buf_printf(&out, "\\u%04X", p[i + 1]); /* C1 controls */
		else
			lf_buf_append(&out, p + i, n);
		i += n ? n : 1;
	}
	return lf_buf_steal(&out, NULL);
}

void lf_report_text(lf_buf *out, const char *display_path, const lf_source *src, const lf_diag *diag,
                    bool fixable)
{
	lf_buf_printf(out, "%s:%u:%u: %s %s%s\n", display_path, lf_source_line_of(src, diag->start) + 1,
	              lf_source_column_of(src, diag->start), diag->rule->code, fixable ? "[*] " : "",
	              diag->message);
}

/* A JSON string from bytes that may not be UTF-8. */
static json_t *lossy_string(const char *bytes, size_t len)
{
	lf_buf text;
	lf_buf_init(&text);
	const unsigned char *p = (const unsigned char *)bytes;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_valid_length(p + i, len - i);
		if (n)
			lf_buf_append(&text, p + i, n);
		else
			lf_buf_puts(&text, "\xEF\xBF\xBD");
		i += n ? n : 1;
	}
	json_t *string = json_stringn(text.data ? text.data : "", text.len);
	lf_buf_finish(&text);
	return string;
}

static json_t *location(const lf_source *src, uint32_t offset)
{
	return json_pack("{s:i, s:i, s:i}", "line", (json_int_t)lf_source_line_of(src, offset) + 1, "column",
	                 (json_int_t)lf_source_column_of(src, offset), "offset", (json_int_t)offset);
}

void lf_report_json(lf_buf *out, const char *path, const lf_source *src, const lf_diag *diag,
                    const lf_check_options *options)
{
	json_t *fix = json_null();
	if (diag->fix.count) {
		json_t *edits = json_array();
		for (uint32_t i = 0; i < diag->fix.count; i++) {
			const lf_edit *edit = &diag->fix.edits[i];
			json_array_append_new(edits, json_pack("{s:o, s:o, s:o}", "content",
			                                       lossy_string(edit->text, strlen(edit->text)), "start",
			                                       location(src, edit->start), "end", location(src, edit->end)));
		}
		fix = json_pack("{s:s, s:b, s:o}", "applicability",
		                diag->fix.applicability == LF_FIX_SAFE ? "safe" : "unsafe", "applied_with_options",
		                lf_check_fix_applies(options, diag), "edits", edits);
	}
	json_t *object = json_pack("{s:o, s:s, s:s, s:o, s:o, s:o, s:o}", "path", lossy_string(path, strlen(path)),
	                           "code", diag->rule->code, "name", diag->rule->name, "message",
	                           lossy_string(diag->message, strlen(diag->message)), "start",
	                           location(src, diag->start), "end", location(src, diag->end), "fix", fix);
	char *text = json_dumps(object, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	lf_buf_puts(out, text);
	free(text);
	json_decref(object);
}
