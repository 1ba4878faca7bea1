#ifndef LOADFIX_LSP_SERVER_H
#define LOADFIX_LSP_SERVER_H

/*
 * `loadfix server`: a Language Server on standard input and output
 * (JSON-RPC framing in loadfix/lsp/transport.h, open documents in
 * loadfix/lsp/documents.h).  Every change re-runs the same pipeline as the
 * command line (lf_check) on the document's text and publishes its
 * findings; code actions turn the findings' fixes into WorkspaceEdits.
 * Returns the exit status: 0 after shutdown then exit, 1 when the input
 * ended (or exit came) without a shutdown request, as the protocol says.
 */
int lf_lsp_server_main(int argc, char **argv);

#endif
