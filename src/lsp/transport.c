#include "loadfix/lsp/transport.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

void lf_lsp_reader_init(lf_lsp_reader *reader, int fd)
{
	memset(reader, 0, sizeof *reader);
	reader->fd = fd;
	lf_buf_init(&reader->pending);
}

void lf_lsp_reader_finish(lf_lsp_reader *reader)
{
	lf_buf_finish(&reader->pending);
}

static size_t available(const lf_lsp_reader *reader)
{
	return reader->pending.len - reader->start;
}

static const char *unread(const lf_lsp_reader *reader)
{
	/* Before the first read the buffer has no data at all. */
	return reader->pending.data ? reader->pending.data + reader->start : "";
}

/* Drops consumed bytes, so the buffer holds one message at most. */
static void compact(lf_lsp_reader *reader)
{
	if (!reader->start)
		return;
	memmove(reader->pending.data, unread(reader), available(reader));
	reader->pending.len -= reader->start;
	reader->start = 0;
	if (reader->pending.data)
		reader->pending.data[reader->pending.len] = '\0';
}

/* Reads more input: 1 read, 0 nothing within timeout_ms (-1: wait), -1 end
 * of input or a read error. */
static int fill(lf_lsp_reader *reader, int timeout_ms)
{
	if (reader->eof)
		return -1;
	if (timeout_ms >= 0) {
		struct pollfd p = {.fd = reader->fd, .events = POLLIN};
		int ready;
		do
			ready = poll(&p, 1, timeout_ms);
		while (ready < 0 && errno == EINTR);
		if (ready == 0)
			return 0;
	}
	compact(reader);
	char chunk[65536];
	ssize_t got;
	do
		got = read(reader->fd, chunk, sizeof chunk);
	while (got < 0 && errno == EINTR);
	if (got <= 0) {
		reader->eof = true;
		return -1;
	}
	lf_buf_append(&reader->pending, chunk, (size_t)got);
	return 1;
}

/* The end of the header block (just past its empty line), or 0.  A bare
 * "\n\n" counts too: some hand-written clients send it. */
static size_t header_end(const lf_lsp_reader *reader)
{
	const char *p = unread(reader);
	size_t n = available(reader);
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n')
			return i + 2;
		if (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static bool only_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != '\r' && p[i] != '\n' && p[i] != ' ' && p[i] != '\t')
			return false;
	return true;
}

/* Parses the header block [p, p + n): the Content-Length, or -1 when there
 * is none, -2 when it is not a number in range. */
static long long content_length(const char *p, size_t n, bool *garbage)
{
	static const char NAME[] = "content-length:";
	const size_t name_len = sizeof NAME - 1;
	long long length = -1;
	size_t line = 0;
	while (line < n) {
		const char *eol = memchr(p + line, '\n', n - line);
		size_t end = eol ? (size_t)(eol - p) : n;
		size_t found = end;
		for (size_t i = line; i + name_len <= end; i++)
			if (strncasecmp(p + i, NAME, name_len) == 0) {
				found = i;
				break;
			}
		if (found < end) {
			if (found != line)
				*garbage = true;
			size_t i = found + name_len;
			while (i < end && (p[i] == ' ' || p[i] == '\t'))
				i++;
			long long value = 0;
			size_t digits = 0;
			while (i < end && p[i] >= '0' && p[i] <= '9' && digits < 12) {
				value = value * 10 + (p[i++] - '0');
				digits++;
			}
			while (i < end && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
				i++;
			length = digits && i == end && value <= LF_LSP_MAX_MESSAGE ? value : -2;
		} else if (end > line && !only_blank(p + line, end - line) && !memchr(p + line, ':', end - line)) {
			*garbage = true; /* not a header line at all */
		}
		line = end + 1;
	}
	return length;
}

/* A body of `len` bytes at the reader's start: parses it, resynchronising
 * on a too-long length (see the header).  Consumes what it used. */
static lf_lsp_read_result take_body(lf_lsp_reader *reader, size_t len, json_t **message, char **error)
{
	json_error_t failure, prefix;
	const char *body = unread(reader);
	json_t *value = json_loadb(body, len, 0, &failure);
	if (value) {
		reader->start += len;
		*message = value;
		return LF_LSP_READ_MESSAGE;
	}
	/* The length may cover the next message too: keep the first value
	 * and read the rest again from its next header. */
	value = json_loadb(body, len, JSON_DISABLE_EOF_CHECK, &prefix);
	if (value && (size_t)prefix.position < len) {
		reader->start += (size_t)prefix.position;
		*message = value;
		*error = lf_xasprintf("Content-Length %zu runs past the end of the message (%zu bytes); "
		                      "the rest is read as the next message",
		                      len, (size_t)prefix.position);
		return LF_LSP_READ_MESSAGE;
	}
	json_decref(value);
	reader->start += len;
	*error = lf_xasprintf("malformed JSON in a %zu-byte message: %s", len, failure.text);
	return LF_LSP_READ_BAD;
}

lf_lsp_read_result lf_lsp_read(lf_lsp_reader *reader, json_t **message, char **error)
{
	*message = NULL;
	*error = NULL;
	size_t end;
	while (!(end = header_end(reader))) {
		if (fill(reader, -1) < 0) {
			bool blank = only_blank(unread(reader), available(reader));
			reader->start = reader->pending.len;
			if (blank)
				return LF_LSP_READ_EOF;
			*error = lf_xstrdup("input ended inside a message header");
			return LF_LSP_READ_BAD;
		}
	}
	bool garbage = false;
	long long length = content_length(unread(reader), end, &garbage);
	reader->start += end;
	if (length == -1) {
		*error = lf_xstrdup("a message header without Content-Length; skipped");
		return LF_LSP_READ_BAD;
	}
	if (length == -2) {
		*error = lf_xasprintf("an invalid Content-Length (not a number up to %u); skipped", LF_LSP_MAX_MESSAGE);
		return LF_LSP_READ_BAD;
	}
	size_t len = (size_t)length;
	while (available(reader) < len) {
		int got = fill(reader, LF_LSP_STALL_MS);
		if (got > 0)
			continue;
		/* Nothing more is coming (now, or ever): a complete value in
		 * what did arrive is the message, its length was wrong. */
		size_t have = available(reader);
		json_error_t failure;
		json_t *value = json_loadb(unread(reader), have, JSON_DISABLE_EOF_CHECK, &failure);
		if (value) {
			reader->start += failure.position;
			*message = value;
			*error = lf_xasprintf("Content-Length %zu is larger than the message (%zu bytes)", len,
			                      (size_t)failure.position);
			return LF_LSP_READ_MESSAGE;
		}
		if (got < 0) {
			reader->start = reader->pending.len;
			*error = lf_xasprintf("input ended inside a message (%zu of %zu bytes)", have, len);
			return LF_LSP_READ_BAD;
		}
	}
	lf_lsp_read_result result = take_body(reader, len, message, error);
	if (garbage && result == LF_LSP_READ_MESSAGE && !*error)
		*error = lf_xstrdup("skipped bytes that were not a message header");
	return result;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t put = write(fd, p, n);
		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0)
			return false;
		p += put;
		n -= (size_t)put;
	}
	return true;
}

bool lf_lsp_write(int fd, const json_t *message)
{
	char *body = json_dumps(message, JSON_COMPACT);
	if (!body)
		return false;
	size_t len = strlen(body);
	char header[64];
	int header_len = snprintf(header, sizeof header, "Content-Length: %zu\r\n\r\n", len);
	bool ok = write_all(fd, header, (size_t)header_len) && write_all(fd, body, len);
	free(body);
	return ok;
}
