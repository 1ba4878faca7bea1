#ifndef LOADFIX_LSP_TRANSPORT_H
#define LOADFIX_LSP_TRANSPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "loadfix/buf.h"

/*
 * JSON-RPC framing over a byte stream, as the Language Server Protocol
 * defines it: `Content-Length: N\r\n` (other headers ignored), an empty
 * line, N bytes of JSON.  A client that gets the framing wrong must not
 * hang or kill the server, so the reader resynchronises:
 *   - a header line is searched for `Content-Length:` anywhere in it, so
 *     bytes left over by a too-short length are skipped up to the next
 *     header;
 *   - a body whose length runs past its JSON value into the next header
 *     (a too-long length) is cut at the end of the value, and the rest is
 *     read again as headers;
 *   - a body that stops arriving (a too-long length on the last message)
 *     is taken as it is after LF_LSP_STALL_MS without input, if it holds a
 *     complete JSON value.
 */

#define LF_LSP_STALL_MS 500
/* No message of an editor is this large; a bigger length is a framing
 * error, not an allocation. */
#define LF_LSP_MAX_MESSAGE (256u * 1024 * 1024)

typedef struct lf_lsp_reader {
	int fd;
	lf_buf pending; /* bytes read and not consumed yet, from `start` */
	size_t start;
	bool eof;
} lf_lsp_reader;

typedef enum lf_lsp_read_result {
	LF_LSP_READ_MESSAGE, /* *message set (caller decrefs); *error may hold a warning */
	LF_LSP_READ_BAD,     /* *error says why (caller frees); reading can go on */
	LF_LSP_READ_EOF,     /* the stream ended */
} lf_lsp_read_result;

void lf_lsp_reader_init(lf_lsp_reader *reader, int fd);
void lf_lsp_reader_finish(lf_lsp_reader *reader);
lf_lsp_read_result lf_lsp_read(lf_lsp_reader *reader, json_t **message, char **error);

/* Writes one framed message; false when the stream is closed or fails. */
bool lf_lsp_write(int fd, const json_t *message);

#endif
