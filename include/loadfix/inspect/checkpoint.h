#ifndef LOADFIX_INSPECT_CHECKPOINT_H
#define LOADFIX_INSPECT_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadfix/inspect/pickle.h"

/*
 * Reading a checkpoint in every format torch.load reads, without loading
 * tensor data (src/inspect/checkpoint.c).  The file is mmap'd; only the
 * pickles torch.load would unpickle are walked:
 *  - zip (torch.save since 1.6): <prefix>/data.pkl, found the way torch's
 *    PyTorchStreamReader finds it (the prefix is the first entry's top
 *    directory); the data/ records are never read.  With
 *    <prefix>/constants.pkl it is a TorchScript archive (torch.jit.save),
 *    whose loader is torch.jit.load;
 *  - legacy pickle stream (_use_new_zipfile_serialization=False): the
 *    magic-number, protocol-version and sys_info pickles, the main pickle
 *    and the storage-key list (torch/serialization.py _legacy_load); the raw
 *    storage bytes after them are not read;
 *  - legacy tar (before PyTorch 0.1.10): the whole `pickle` member and the
 *    count and first record pickles of `storages` and `tensors`;
 *  - anything else that starts with a pickle: that first pickle (what
 *    torch.load unpickles before it finds no magic number).
 */

typedef enum lf_checkpoint_format {
	LF_CHECKPOINT_ZIP,
	LF_CHECKPOINT_TORCHSCRIPT,
	LF_CHECKPOINT_LEGACY,
	LF_CHECKPOINT_TAR,
	LF_CHECKPOINT_PICKLE,
} lf_checkpoint_format;

/* The largest data.pkl (uncompressed) read from a zip: declared sizes are
 * never trusted, reading stops here. */
#define LF_CHECKPOINT_MAX_PICKLE (256u << 20)

/* init/finish: the caller owns the struct, it owns `pickle` and `record`. */
typedef struct lf_checkpoint {
	lf_checkpoint_format format;
	bool format_known;       /* false when the file was not recognised at all */
	lf_pickle_result pickle; /* the globals of every pickle walked */
	char *record;            /* zip: the record walked ("archive/data.pkl"); else NULL */
	uint64_t size;           /* of the file */
	const char *note;        /* static: a limitation of what was read, or NULL */
} lf_checkpoint;

void lf_checkpoint_init(lf_checkpoint *ckpt);
void lf_checkpoint_finish(lf_checkpoint *ckpt);

/* "zip", "torchscript", "legacy", "tar", "pickle": the JSON `format`. */
const char *lf_checkpoint_format_name(lf_checkpoint_format format);

/*
 * Reads `path`.  On failure returns false with *error set (the reason,
 * without the file name; caller frees); whatever was found before the
 * failure is kept in `ckpt` (a payload followed by garbage is still
 * reported).
 */
bool lf_checkpoint_read(const char *path, lf_checkpoint *ckpt, char **error);

/* The same on bytes in memory (borrowed; never read at or past len). */
bool lf_checkpoint_read_bytes(const uint8_t *data, size_t len, lf_checkpoint *ckpt, char **error);

#endif
