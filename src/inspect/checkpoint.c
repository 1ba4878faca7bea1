/*
 * Checkpoint formats: which pickles torch.load would unpickle, found
 * without reading tensor data.  Detection follows torch.load's own order
 * (torch/serialization.py): zip first (the local-header magic), then tar
 * (_legacy_load tries tarfile.open first), then the legacy pickle stream
 * (its magic-number pickle), then a plain pickle.
 */
#include "loadfix/inspect/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "loadfix/buf.h"

void lf_checkpoint_init(lf_checkpoint *ckpt)
{
	memset(ckpt, 0, sizeof *ckpt);
	lf_pickle_result_init(&ckpt->pickle);
}

void lf_checkpoint_finish(lf_checkpoint *ckpt)
{
	lf_pickle_result_finish(&ckpt->pickle);
	free(ckpt->record);
	memset(ckpt, 0, sizeof *ckpt);
}

const char *lf_checkpoint_format_name(lf_checkpoint_format format)
{
	static const char *const names[] = {
	        [LF_CHECKPOINT_ZIP] = "zip",       [LF_CHECKPOINT_TORCHSCRIPT] = "torchscript",
	        [LF_CHECKPOINT_LEGACY] = "legacy", [LF_CHECKPOINT_TAR] = "tar",
	        [LF_CHECKPOINT_PICKLE] = "pickle",
	};
	return names[format];
}

/* Walks one pickle at data[*pos], advancing *pos; `what` names it in errors. */
static bool walk_one(const uint8_t *data, size_t len, size_t *pos, lf_checkpoint *ckpt, const char *what, char **error)
{
	char *why = NULL;
	size_t end = 0;
	if (!lf_pickle_walk(data, len, *pos, NULL, &ckpt->pickle, &end, &why)) {
		*error = lf_xasprintf("%s: %s", what, why);
		free(why);
		return false;
	}
	*pos = end;
	return true;
}

/* ---- zip ----------------------------------------------------------------- */

static bool read_record(zip_t *za, zip_int64_t index, const char *name, lf_buf *out, char **error)
{
	zip_file_t *file = zip_fopen_index(za, (zip_uint64_t)index, 0);
	if (!file) {
		*error = lf_xasprintf("cannot open %s in the zip archive: %s", name, zip_strerror(za));
		return false;
	}
	/* Never trust the declared size (a zip bomb declares anything):
	 * it only sizes the first buffer, capped; reading stops at the cap
	 * whatever was declared.  A buffer that turns out too small grows
	 * once, straight to the cap, so the peak stays near the cap (a
	 * doubling growth would hold 1.5 times it during the last copy). */
	const size_t limit = LF_CHECKPOINT_MAX_PICKLE;
	zip_stat_t st;
	size_t size = 65536;
	if (zip_stat_index(za, (zip_uint64_t)index, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE))
		size = st.size < limit ? (size_t)st.size + 1 : limit + 1;
	char *buf = lf_xmalloc(size);
	size_t len = 0;
	for (;;) {
		if (len == size) {
			if (size > limit) {
				*error = lf_xasprintf("%s is larger than %zu MiB uncompressed; refusing to read more",
				                      name, limit >> 20);
				free(buf);
				zip_fclose(file);
				return false;
			}
			size = limit + 1;
			buf = lf_xrealloc(buf, size);
		}
		zip_int64_t n = zip_fread(file, buf + len, size - len);
		if (n < 0) {
			*error = lf_xasprintf("cannot read %s in the zip archive: %s", name, zip_file_strerror(file));
			free(buf);
			zip_fclose(file);
			return false;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	lf_buf_finish(out);
	out->data = buf;
	out->len = len;
	out->cap = size;
	zip_fclose(file);
	return true;
}

static bool read_zip(const uint8_t *data, size_t len, lf_checkpoint *ckpt, char **error)
{
	zip_error_t zerr;
	zip_error_init(&zerr);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
	if (!src) {
		*error = lf_xasprintf("cannot read the zip archive: %s", zip_error_strerror(&zerr));
		zip_error_fini(&zerr);
		return false;
	}
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &zerr);
	if (!za) {
		*error = lf_xasprintf("corrupt or truncated zip archive: %s", zip_error_strerror(&zerr));
		zip_source_free(src);
		zip_error_fini(&zerr);
		return false;
	}
	zip_error_fini(&zerr);
	bool ok = false;
	char *data_pkl = NULL, *constants = NULL;
	lf_buf pkl;
	lf_buf_init(&pkl);
	/* PyTorchStreamReader: the archive's name is the first entry's top
	 * directory; every record lives under it. */
	const char *first = zip_get_num_entries(za, 0) > 0 ? zip_get_name(za, 0, ZIP_FL_ENC_RAW) : NULL;
	const char *slash = first ? strchr(first, '/') : NULL;
	if (!slash) {
		*error =
		        lf_xstrdup("zip archive without a top directory holding data.pkl: not a torch.save checkpoint");
		goto done;
	}
	size_t prefix = (size_t)(slash - first);
	data_pkl = lf_xasprintf("%.*s/data.pkl", (int)prefix, first);
	constants = lf_xasprintf("%.*s/constants.pkl", (int)prefix, first);
	zip_int64_t index = zip_name_locate(za, data_pkl, ZIP_FL_ENC_RAW);
	if (index < 0) {
		*error = lf_xasprintf("zip archive without %s: not a torch.save checkpoint", data_pkl);
		goto done;
	}
	ckpt->format =
	        zip_name_locate(za, constants, ZIP_FL_ENC_RAW) >= 0 ? LF_CHECKPOINT_TORCHSCRIPT : LF_CHECKPOINT_ZIP;
	ckpt->format_known = true;
	ckpt->record = lf_xstrdup(data_pkl);
	if (!read_record(za, index, data_pkl, &pkl, error))
		goto done;
	size_t pos = 0;
	ok = walk_one((const uint8_t *)(pkl.data ? pkl.data : ""), pkl.len, &pos, ckpt, data_pkl, error);
done:
	lf_buf_finish(&pkl);
	free(data_pkl);
	free(constants);
	zip_discard(za); /* also frees the source */
	return ok;
}

/* ---- tar ----------------------------------------------------------------- */

static uint64_t octal(const uint8_t *p, size_t n, bool *ok)
{
	uint64_t v = 0;
	size_t i = 0;
	while (i < n && (p[i] == ' ' || p[i] == 0))
		i++;
	bool any = false;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v >> 60)
			*ok = false;
		v = v * 8 + (uint64_t)(p[i] - '0');
		any = true;
	}
	for (; i < n; i++)
		if (p[i] != ' ' && p[i] != 0)
			*ok = false;
	if (!any)
		*ok = *ok && n > 0;
	return v;
}

/* Whether a 512-byte block is a tar header with a valid checksum (what
 * Python's tarfile checks before accepting one). */
static bool tar_header(const uint8_t *h)
{
	bool ok = true;
	uint64_t sum = octal(h + 148, 8, &ok);
	if (!ok)
		return false;
	uint64_t unsigned_sum = 0;
	for (size_t i = 0; i < 512; i++)
		unsigned_sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return unsigned_sum == sum && unsigned_sum != 8 * ' ';
}

typedef struct tar_member {
	size_t offset, size;
	bool found;
} tar_member;

static bool read_tar(const uint8_t *data, size_t len, lf_checkpoint *ckpt, char **error)
{
	tar_member members[3] = {0}; /* storages, tensors, pickle */
	static const char *const names[3] = {"storages", "tensors", "pickle"};
	size_t pos = 0;
	while (pos + 512 <= len) {
		const uint8_t *h = data + pos;
		bool zero = true;
		for (size_t i = 0; i < 512 && zero; i++)
			zero = h[i] == 0;
		if (zero)
			break;
		if (!tar_header(h)) {
			*error = lf_xasprintf("corrupt tar header at byte %zu", pos);
			return false;
		}
		bool ok = true;
		uint64_t size = octal(h + 124, 12, &ok);
		if (!ok || size > len - pos - 512) {
			*error = lf_xasprintf("truncated tar member at byte %zu", pos);
			return false;
		}
		char type = (char)h[156];
		if (type == '0' || type == 0)
			for (size_t i = 0; i < 3; i++)
				if (strnlen((const char *)h, 100) == strlen(names[i]) &&
				    memcmp(h, names[i], strlen(names[i])) == 0)
					members[i] = (tar_member){pos + 512, (size_t)size, true};
		pos += 512 + ((size_t)size + 511) / 512 * 512;
	}
	for (size_t i = 0; i < 3; i++)
		if (!members[i].found) {
			*error = lf_xasprintf("tar archive without a `%s` member: not a legacy torch.save checkpoint",
			                      names[i]);
			return false;
		}
	ckpt->format = LF_CHECKPOINT_TAR;
	ckpt->format_known = true;
	ckpt->note = "legacy tar format: the storage and tensor records after the first of each are not walked";
	/* storages and tensors: the count pickle and the first record pickle
	 * (after that come raw bytes whose length the records encode). */
	for (size_t i = 0; i < 2; i++) {
		const uint8_t *m = data + members[i].offset;
		size_t p = 0;
		if (!walk_one(m, members[i].size, &p, ckpt, names[i], error))
			return false;
		if (p < members[i].size && !walk_one(m, members[i].size, &p, ckpt, names[i], error))
			return false;
	}
	size_t p = 0;
	return walk_one(data + members[2].offset, members[2].size, &p, ckpt, "pickle", error);
}

/* ---- legacy pickle stream ------------------------------------------------ */

/* torch/serialization.py MAGIC_NUMBER = 0x1950a86a20f9469cfc6c as the
 * LONG1 opcode torch.save writes: 10 bytes, little-endian. */
static const uint8_t legacy_magic[] = {0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, '.'};

static bool is_legacy(const uint8_t *data, size_t len)
{
	size_t p = 0;
	if (len >= 2 && data[0] == 0x80)
		p = 2;
	return len - p >= sizeof legacy_magic && memcmp(data + p, legacy_magic, sizeof legacy_magic) == 0;
}

static bool read_legacy(const uint8_t *data, size_t len, lf_checkpoint *ckpt, char **error)
{
	ckpt->format = LF_CHECKPOINT_LEGACY;
	ckpt->format_known = true;
	static const char *const parts[] = {"magic number", "protocol version", "sys_info", "main pickle",
	                                    "storage keys"};
	size_t pos = 0;
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		if (!walk_one(data, len, &pos, ckpt, parts[i], error))
			return false;
	return true;
}

/* ---- entry points -------------------------------------------------------- */

bool lf_checkpoint_read_bytes(const uint8_t *data, size_t len, lf_checkpoint *ckpt, char **error)
{
	ckpt->size = len;
	if (len == 0) {
		*error = lf_xstrdup("empty file: not a checkpoint");
		return false;
	}
	if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0)
		return read_zip(data, len, ckpt, error);
	if (len >= 512 && tar_header(data))
		return read_tar(data, len, ckpt, error);
	if (is_legacy(data, len))
		return read_legacy(data, len, ckpt, error);
	/* A plain pickle: torch.load unpickles it whole before it finds no
	 * magic number, so everything in it runs under weights_only=False. */
	size_t pos = 0;
	char *why = NULL;
	if (lf_pickle_walk(data, len, 0, NULL, &ckpt->pickle, &pos, &why)) {
		ckpt->format = LF_CHECKPOINT_PICKLE;
		ckpt->format_known = true;
		return true;
	}
	if (data[0] == 0x80 || ckpt->pickle.global_count) {
		/* It is a pickle, a broken one. */
		ckpt->format = LF_CHECKPOINT_PICKLE;
		ckpt->format_known = true;
		*error = lf_xasprintf("pickle: %s", why);
	} else {
		*error = lf_xasprintf("not a checkpoint: not a zip archive, tar archive or pickle (%s)", why);
	}
	free(why);
	return false;
}

bool lf_checkpoint_read(const char *path, lf_checkpoint *ckpt, char **error)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*error = lf_xstrdup(strerror(errno));
		return false;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		*error = lf_xstrdup(strerror(errno));
		close(fd);
		return false;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		*error = lf_xstrdup("is a directory");
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		*error = lf_xstrdup("not a regular file");
		return false;
	}
	if (st.st_size == 0) {
		close(fd);
		*error = lf_xstrdup("empty file: not a checkpoint");
		return false;
	}
	size_t len = (size_t)st.st_size;
	void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	int saved = errno;
	close(fd);
	if (map == MAP_FAILED) {
		*error = lf_xasprintf("cannot map the file: %s", strerror(saved));
		return false;
	}
	bool ok = lf_checkpoint_read_bytes(map, len, ckpt, error);
	munmap(map, len);
	return ok;
}
