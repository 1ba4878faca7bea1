#ifndef LOADFIX_NAMES_H
#define LOADFIX_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Python identifiers are compared after NFKC normalisation (PEP 3131):
 * `ｔｏｒｃｈ.ｌｏａｄ(p)` in full-width letters calls torch.load.  A scanner
 * that compares bytes can be walked past that way, so loadfix normalises
 * every name that is not plain ASCII (with libunistring, Debian's
 * packaged Unicode library).
 */

/* NFKC of `bytes`, or NULL when they are plain ASCII (already normal) or
 * not valid UTF-8 (then Python would not accept them as a name either).
 * Caller frees; *out_len gets the length. */
uint8_t *lf_name_normalize(const uint8_t *bytes, size_t len, size_t *out_len);

/* Whether the name spelled by `bytes` equals the ASCII `ascii` after
 * normalisation. */
bool lf_name_equals(const uint8_t *bytes, size_t len, const char *ascii);

#endif
