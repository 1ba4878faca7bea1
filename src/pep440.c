/*
 * PEP 440 versions and specifier sets, as `packaging` evaluates them.
 *
 * Parsing follows packaging's VERSION_PATTERN and Specifier regexes by hand
 * (case-insensitive labels, optional separators, implicit numbers, `v`
 * prefix, surrounding whitespace).  Where the regexes could backtrack the
 * greedy reading here reaches the same result: every label that is a
 * prefix of another (a/alpha, b/beta, pre/preview, r/rev) cannot be
 * followed by the rest of the longer one, and the only separator that is
 * not optional (`-N` for a post-release) cannot follow a separator the
 * previous part took.
 *
 * Evaluation follows packaging's Specifier._compare_* (tested against
 * Debian's python3-packaging, tests/unit/pep440_differential.py), with one
 * deliberate difference: wildcards and `~=` with a non-zero epoch match as
 * PEP 440 says (packaging 23 splits "1!2.0" into "1!2", "0" and so never
 * pads it; packaging 24 fixed that, and pip vendors 24+).
 *
 * Admission ("does the set admit any version in a range?") is interval
 * arithmetic over PEP 440's total order, then a check against the
 * pre-release rule, then a search for a concrete witness:
 *
 *  1. Every clause becomes a union of at most two half-open intervals
 *     [a, b) between *cuts*: BELOW(v) (just before v) and ABOVE(v) (just
 *     after v, before v's local versions when v has none).  `==v`, `!=v`,
 *     `>=v`, `<=v`, wildcards, `~=` and `===` map exactly (`<=v` and `==v`
 *     end at BELOW(succ(v)), succ being the next public version, so the
 *     local versions of v are inside); `!=` is the exact complement of its
 *     `==`.  `<v` and `>v` map to (-inf, v) and (v, +inf), a superset: the
 *     rules that drop pre-releases of v's base from `<v` and post and local
 *     releases of v's base from `>v` are ignored here.  Intersecting the
 *     clauses and the range gives a superset of the admitted versions in
 *     the range.
 *  2. Cuts are canonical (ABOVE(v) never equals a BELOW: every version has
 *     local versions, which are dense, right above it; "after v and its
 *     locals" is always written BELOW(succ(v)); the lowest version 0.dev0
 *     stands for -inf), so an interval holds a version iff a < b.  When
 *     the set does not opt in to pre-releases, an interval must also hold
 *     a non-pre-release: the least one at or above a is computable
 *     (v itself, v's release for a pre-release, v.postN for v.postN.devM),
 *     or non-pre-releases are dense right above a (ABOVE of a non-pre-
 *     release).  So "no interval left" proves NONE.
 *  3. Otherwise candidates built from each interval's ends (the least
 *     version, the release, release.1, the next post-release, a release
 *     strictly between the ends) are tried with the exact contains(); the
 *     first that passes is the witness.  If none passes (possible only
 *     through the `<`/`>` rules of step 1) the answer is MAYBE, which LF008
 *     treats as admitted: the method errs only towards reporting.
 */
#include "loadfix/pep440.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "loadfix/buf.h"

/* ---- versions ------------------------------------------------------------ */

typedef struct scanner {
	const char *s;
	size_t len, pos;
} scanner;

static int peek_at(const scanner *sc, size_t ahead)
{
	return sc->pos + ahead < sc->len ? (unsigned char)sc->s[sc->pos + ahead] : -1;
}

static bool is_sep(int c)
{
	return c == '-' || c == '_' || c == '.';
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool scan_number(scanner *sc, uint64_t *out)
{
	if (peek_at(sc, 0) < '0' || peek_at(sc, 0) > '9')
		return false;
	uint64_t n = 0;
	while (peek_at(sc, 0) >= '0' && peek_at(sc, 0) <= '9') {
		unsigned d = (unsigned)(peek_at(sc, 0) - '0');
		if (n > (UINT64_MAX - d) / 10)
			return false; /* caller treats overflow as invalid */
		n = n * 10 + d;
		sc->pos++;
	}
	*out = n;
	return true;
}

/* Case-insensitive match of `word` at the scanner; advances on success. */
static bool scan_word(scanner *sc, const char *word)
{
	size_t n = strlen(word);
	if (sc->len - sc->pos < n || strncasecmp(sc->s + sc->pos, word, n) != 0)
		return false;
	sc->pos += n;
	return true;
}

/* [-_.]? label — restores the position when no label follows. */
static int scan_label(scanner *sc, const char *const *labels)
{
	size_t save = sc->pos;
	if (is_sep(peek_at(sc, 0)))
		sc->pos++;
	for (int i = 0; labels[i]; i++)
		if (scan_word(sc, labels[i]))
			return i;
	sc->pos = save;
	return -1;
}

/* [-_.]? [0-9]* after a label (implicit 0).  A separator with no number
 * after it stays taken: "1.0a." is 1.0a0, as the regex reads it. */
static bool scan_label_number(scanner *sc, uint64_t *n)
{
	if (is_sep(peek_at(sc, 0)))
		sc->pos++;
	*n = 0;
	if (peek_at(sc, 0) >= '0' && peek_at(sc, 0) <= '9')
		return scan_number(sc, n);
	return true;
}

static bool scan_local(scanner *sc, lf_pep440_version *v)
{
	lf_buf out;
	lf_buf_init(&out);
	bool ok = true;
	for (;;) {
		size_t start = sc->pos;
		while (isalnum(peek_at(sc, 0)) && peek_at(sc, 0) < 0x80)
			sc->pos++;
		if (sc->pos == start) {
			ok = false;
			break;
		}
		bool digits = true;
		for (size_t i = start; i < sc->pos; i++)
			digits = digits && isdigit((unsigned char)sc->s[i]);
		size_t i = start;
		if (digits) /* a number: packaging stores int(part) */
			while (i + 1 < sc->pos && sc->s[i] == '0')
				i++;
		if (out.len)
			lf_buf_putc(&out, '.');
		for (; i < sc->pos; i++)
			lf_buf_putc(&out, (char)tolower((unsigned char)sc->s[i]));
		if (is_sep(peek_at(sc, 0)) && isalnum(peek_at(sc, 1)) && peek_at(sc, 1) < 0x80)
			sc->pos++;
		else
			break;
	}
	if (ok && out.len > LF_PEP440_MAX_LOCAL)
		ok = false;
	if (ok)
		memcpy(v->local, out.data, out.len + 1);
	lf_buf_finish(&out);
	return ok;
}

bool lf_pep440_version_parse(const char *text, size_t len, lf_pep440_version *out)
{
	static const char *const pre_labels[] = {"alpha", "a", "beta", "b", "preview", "pre", "c", "rc", NULL};
	static const lf_pep440_label pre_kinds[] = {LF_PEP440_LABEL_A,  LF_PEP440_LABEL_A,  LF_PEP440_LABEL_B,
	                                            LF_PEP440_LABEL_B,  LF_PEP440_LABEL_RC, LF_PEP440_LABEL_RC,
	                                            LF_PEP440_LABEL_RC, LF_PEP440_LABEL_RC};
	static const char *const post_labels[] = {"post", "rev", "r", NULL};
	static const char *const dev_labels[] = {"dev", NULL};
	scanner sc = {.s = text, .len = len};
	lf_pep440_version v;
	memset(&v, 0, sizeof v);
	while (is_space(peek_at(&sc, 0)))
		sc.pos++;
	if (peek_at(&sc, 0) == 'v' || peek_at(&sc, 0) == 'V')
		sc.pos++;
	uint64_t n;
	if (!scan_number(&sc, &n))
		return false;
	if (peek_at(&sc, 0) == '!') {
		v.epoch = n;
		sc.pos++;
		if (!scan_number(&sc, &n))
			return false;
	}
	v.release[v.release_count++] = n;
	while (peek_at(&sc, 0) == '.' && peek_at(&sc, 1) >= '0' && peek_at(&sc, 1) <= '9') {
		sc.pos++;
		if (v.release_count == LF_PEP440_MAX_RELEASE || !scan_number(&sc, &n))
			return false;
		v.release[v.release_count++] = n;
	}
	int label = scan_label(&sc, pre_labels);
	if (label >= 0) {
		v.pre_label = pre_kinds[label];
		if (!scan_label_number(&sc, &v.pre))
			return false;
	}
	if (peek_at(&sc, 0) == '-' && peek_at(&sc, 1) >= '0' && peek_at(&sc, 1) <= '9') {
		sc.pos++;
		v.has_post = true;
		if (!scan_number(&sc, &v.post))
			return false;
	} else if (scan_label(&sc, post_labels) >= 0) {
		v.has_post = true;
		if (!scan_label_number(&sc, &v.post))
			return false;
	}
	if (scan_label(&sc, dev_labels) >= 0) {
		v.has_dev = true;
		if (!scan_label_number(&sc, &v.dev))
			return false;
	}
	if (peek_at(&sc, 0) == '+') {
		sc.pos++;
		if (!scan_local(&sc, &v))
			return false;
	}
	while (is_space(peek_at(&sc, 0)))
		sc.pos++;
	if (sc.pos != sc.len)
		return false;
	*out = v;
	return true;
}

bool lf_pep440_version_is_prerelease(const lf_pep440_version *v)
{
	return v->pre_label != LF_PEP440_LABEL_NONE || v->has_dev;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int compare_release(const uint64_t *a, unsigned na, const uint64_t *b, unsigned nb)
{
	unsigned n = na > nb ? na : nb;
	for (unsigned i = 0; i < n; i++) {
		int c = cmp_u64(i < na ? a[i] : 0, i < nb ? b[i] : 0);
		if (c)
			return c;
	}
	return 0;
}

/* One local segment against another: numbers above strings, numbers by
 * value (normalised: no leading zeros), strings bytewise. */
static int compare_local_segment(const char *a, size_t la, const char *b, size_t lb)
{
	bool da = true, db = true;
	for (size_t i = 0; i < la; i++)
		da = da && isdigit((unsigned char)a[i]);
	for (size_t i = 0; i < lb; i++)
		db = db && isdigit((unsigned char)b[i]);
	if (da != db)
		return da ? 1 : -1;
	if (da && la != lb)
		return la < lb ? -1 : 1;
	int c = memcmp(a, b, la < lb ? la : lb);
	if (c)
		return c < 0 ? -1 : 1;
	return la < lb ? -1 : la > lb;
}

static int compare_local(const char *a, const char *b)
{
	if (!*a || !*b)
		return (*a != 0) - (*b != 0);
	for (;;) {
		size_t la = strcspn(a, "."), lb = strcspn(b, ".");
		int c = compare_local_segment(a, la, b, lb);
		if (c)
			return c;
		a += la, b += lb;
		if (!*a || !*b)
			return (*a != 0) - (*b != 0);
		a++, b++;
	}
}

/* packaging's _cmpkey, component by component. */
int lf_pep440_version_compare(const lf_pep440_version *a, const lf_pep440_version *b)
{
	int c = cmp_u64(a->epoch, b->epoch);
	if (c)
		return c;
	c = compare_release(a->release, a->release_count, b->release, b->release_count);
	if (c)
		return c;
	/* pre: a dev release of the release itself sorts before any pre-release,
	 * no pre-release after all of them. */
	int ra = a->pre_label ? 1 : (!a->has_post && a->has_dev ? 0 : 2);
	int rb = b->pre_label ? 1 : (!b->has_post && b->has_dev ? 0 : 2);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra == 1) {
		c = a->pre_label != b->pre_label ? (a->pre_label < b->pre_label ? -1 : 1) : cmp_u64(a->pre, b->pre);
		if (c)
			return c;
	}
	if (a->has_post != b->has_post)
		return a->has_post ? 1 : -1;
	c = cmp_u64(a->post, b->post);
	if (a->has_post && c)
		return c;
	if (a->has_dev != b->has_dev)
		return a->has_dev ? -1 : 1;
	c = cmp_u64(a->dev, b->dev);
	if (a->has_dev && c)
		return c;
	return compare_local(a->local, b->local);
}

size_t lf_pep440_version_format(const lf_pep440_version *v, char *out, size_t size)
{
	static const char *const labels[] = {"", "a", "b", "rc"};
	lf_buf b;
	lf_buf_init(&b);
	if (v->epoch)
		lf_buf_printf(&b, "%llu!", (unsigned long long)v->epoch);
	for (unsigned i = 0; i < v->release_count; i++)
		lf_buf_printf(&b, "%s%llu", i ? "." : "", (unsigned long long)v->release[i]);
	if (v->pre_label)
		lf_buf_printf(&b, "%s%llu", labels[v->pre_label], (unsigned long long)v->pre);
	if (v->has_post)
		lf_buf_printf(&b, ".post%llu", (unsigned long long)v->post);
	if (v->has_dev)
		lf_buf_printf(&b, ".dev%llu", (unsigned long long)v->dev);
	if (v->local[0])
		lf_buf_printf(&b, "+%s", v->local);
	size_t n = b.len;
	if (size) {
		size_t copy = n < size - 1 ? n : size - 1;
		memcpy(out, b.data ? b.data : "", copy);
		out[copy] = '\0';
	}
	lf_buf_finish(&b);
	return n;
}

/* ---- helpers over versions ----------------------------------------------- */

static lf_pep440_version public_of(const lf_pep440_version *v)
{
	lf_pep440_version p = *v;
	p.local[0] = '\0';
	return p;
}

/* The release alone (packaging's base_version). */
static lf_pep440_version base_of(const lf_pep440_version *v)
{
	lf_pep440_version b;
	memset(&b, 0, sizeof b);
	b.epoch = v->epoch;
	b.release_count = v->release_count;
	memcpy(b.release, v->release, sizeof b.release);
	return b;
}

static bool same_base(const lf_pep440_version *a, const lf_pep440_version *b)
{
	return a->epoch == b->epoch && compare_release(a->release, a->release_count, b->release, b->release_count) == 0;
}

/* The least public version above v and all of v's local versions (v has
 * no local label).  False on overflow. */
static bool successor(const lf_pep440_version *v, lf_pep440_version *out)
{
	*out = public_of(v);
	if (v->has_dev) {
		if (v->dev == UINT64_MAX)
			return false;
		out->dev++;
	} else if (v->has_post) {
		if (v->post == UINT64_MAX)
			return false;
		out->post++;
		out->has_dev = true, out->dev = 0;
	} else {
		out->has_post = true, out->post = 0;
		out->has_dev = true, out->dev = 0;
	}
	return true;
}

/* The least version whose release starts with prefix: e!p.dev0. */
static lf_pep440_version prefix_floor(uint64_t epoch, const uint64_t *prefix, unsigned count)
{
	lf_pep440_version v;
	memset(&v, 0, sizeof v);
	v.epoch = epoch;
	memcpy(v.release, prefix, count * sizeof *prefix);
	v.release_count = count;
	v.has_dev = true;
	return v;
}

static bool prefix_match(const lf_pep440_version *v, uint64_t epoch, const uint64_t *prefix, unsigned count)
{
	if (v->epoch != epoch)
		return false;
	for (unsigned i = 0; i < count; i++)
		if ((i < v->release_count ? v->release[i] : 0) != prefix[i])
			return false;
	return true;
}

/* ---- specifiers ------------------------------------------------------------ */

void lf_pep440_set_init(lf_pep440_set *set)
{
	set->clauses = NULL;
	set->count = 0;
}

void lf_pep440_set_finish(lf_pep440_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		free(set->clauses[i].text);
	free(set->clauses);
	lf_pep440_set_init(set);
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t m = strlen(prefix);
	return n >= m && memcmp(s, prefix, m) == 0;
}

static bool is_suffix_piece(const char *s, size_t n)
{
	return starts_with(s, n, "dev") || starts_with(s, n, "a") || starts_with(s, n, "b") ||
	       starts_with(s, n, "rc") || starts_with(s, n, "post");
}

/*
 * The release prefix `~=` matches, computed as packaging computes it from
 * the operand's text: split on '.', split "0rc1"-like pieces, keep pieces
 * up to the first that starts with dev/a/b/rc/post (case-sensitively),
 * drop the last.  For normalised operands that is release[:-1]; for a few
 * spellings ("1.0c1", "1.0.rev1", "1.0.POST1") it keeps one more
 * component, and so does packaging.  A prefix that is not all numbers
 * (only from text like "1.0.rev.1") falls back to release[:-1]; packaging
 * then matches next to nothing, so there loadfix admits more, which errs
 * towards LF008.
 */
static void compatible_prefix(const char *text, size_t len, lf_pep440_clause *c)
{
	const char *bang = memchr(text, '!', len);
	if (bang)
		len -= (size_t)(bang + 1 - text), text = bang + 1;
	if (len && (*text == 'v' || *text == 'V'))
		text++, len--;
	const char *pieces[2 * LF_PEP440_MAX_RELEASE + 2];
	size_t lens[2 * LF_PEP440_MAX_RELEASE + 2];
	unsigned kept = 0;
	bool stop = false, overflow = false;
	const char *p = text, *end = text + len;
	while (!stop) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		size_t n = (size_t)((dot ? dot : end) - p);
		/* ^[0-9]+((a|b|c|rc)[0-9]+)$ is two pieces: "0rc1" -> "0", "rc1" */
		size_t d = 0;
		while (d < n && isdigit((unsigned char)p[d]))
			d++;
		size_t l = d < n && (p[d] == 'a' || p[d] == 'b' || p[d] == 'c') ? 1
		           : d + 1 < n && p[d] == 'r' && p[d + 1] == 'c'        ? 2
		                                                                : 0;
		size_t k = d + l;
		while (l && k < n && isdigit((unsigned char)p[k]))
			k++;
		bool split = d > 0 && l > 0 && k == n && k > d + l;
		const char *ps[2] = {p, p + d};
		size_t ls[2] = {split ? d : n, n - d};
		for (int i = 0; i < (split ? 2 : 1) && !stop; i++) {
			if (is_suffix_piece(ps[i], ls[i]))
				stop = true;
			else if (kept == sizeof lens / sizeof lens[0])
				stop = overflow = true;
			else
				pieces[kept] = ps[i], lens[kept++] = ls[i];
		}
		if (!dot)
			break;
		p = dot + 1;
	}
	/* Drop the last piece; the rest must be numbers to be a release prefix. */
	bool numeric = !overflow && kept >= 2 && kept - 1 <= LF_PEP440_MAX_RELEASE;
	uint64_t values[LF_PEP440_MAX_RELEASE];
	for (unsigned i = 0; numeric && i + 1 < kept; i++) {
		scanner sc = {.s = pieces[i], .len = lens[i]};
		numeric = scan_number(&sc, &values[i]) && sc.pos == sc.len;
	}
	if (numeric) {
		c->prefix_count = kept - 1;
		memcpy(c->prefix, values, c->prefix_count * sizeof *values);
	} else {
		c->prefix_count = c->version.release_count - 1;
		memcpy(c->prefix, c->version.release, c->prefix_count * sizeof *c->prefix);
	}
}

static char *clause_error(const char *text, size_t len, const char *why)
{
	return lf_xasprintf("invalid specifier '%.*s': %s", (int)(len > 200 ? 200 : len), text, why);
}

static bool parse_clause(const char *text, size_t len, lf_pep440_clause *c, char **error)
{
	static const struct {
		const char *token;
		lf_pep440_op op;
	} ops[] = {
	        {"===", LF_PEP440_OP_ARBITRARY}, {"~=", LF_PEP440_OP_COMPATIBLE}, {"==", LF_PEP440_OP_EQUAL},
	        {"!=", LF_PEP440_OP_NOT_EQUAL},  {"<=", LF_PEP440_OP_LESS_EQUAL}, {">=", LF_PEP440_OP_GREATER_EQUAL},
	        {"<", LF_PEP440_OP_LESS},        {">", LF_PEP440_OP_GREATER},
	};
	memset(c, 0, sizeof *c);
	size_t i = 0;
	while (i < len && is_space((unsigned char)text[i]))
		i++;
	while (len > i && is_space((unsigned char)text[len - 1]))
		len--;
	size_t k = 0;
	for (; k < sizeof ops / sizeof ops[0]; k++)
		if (starts_with(text + i, len - i, ops[k].token))
			break;
	if (k == sizeof ops / sizeof ops[0]) {
		if (error)
			*error = clause_error(text, len, "expected an operator (==, !=, <=, >=, <, >, ~=, ===)");
		return false;
	}
	c->op = ops[k].op;
	i += strlen(ops[k].token);
	while (i < len && is_space((unsigned char)text[i]))
		i++;
	const char *operand = text + i;
	size_t n = len - i;
	if (c->op == LF_PEP440_OP_ARBITRARY) {
		for (size_t j = 0; j < n; j++)
			if (is_space((unsigned char)operand[j]) || operand[j] == ';' || operand[j] == ')') {
				if (error)
					*error = clause_error(text, len, "=== takes one word");
				return false;
			}
		c->text = lf_xstrndup(operand, n);
		c->version_valid = lf_pep440_version_parse(operand, n, &c->version);
		return true;
	}
	bool equality = c->op == LF_PEP440_OP_EQUAL || c->op == LF_PEP440_OP_NOT_EQUAL;
	if (equality && n >= 2 && operand[n - 2] == '.' && operand[n - 1] == '*') {
		c->wildcard = true;
		n -= 2;
	}
	const char *why = NULL;
	if (!lf_pep440_version_parse(operand, n, &c->version))
		why = "not a PEP 440 version";
	else if (c->wildcard &&
	         (c->version.pre_label || c->version.has_post || c->version.has_dev || c->version.local[0]))
		why = "a wildcard follows a release only";
	else if (!equality && c->version.local[0])
		why = "a local version is allowed with == and != only";
	else if (c->op == LF_PEP440_OP_COMPATIBLE && c->version.release_count < 2)
		why = "~= needs at least two release components";
	if (why) {
		if (error)
			*error = clause_error(text, len, why);
		return false;
	}
	c->version_valid = true;
	c->text = lf_xstrndup(operand, n);
	if (c->wildcard) {
		c->prefix_count = c->version.release_count;
		memcpy(c->prefix, c->version.release, sizeof c->prefix);
	} else if (c->op == LF_PEP440_OP_COMPATIBLE) {
		compatible_prefix(operand, n, c);
	}
	return true;
}

bool lf_pep440_set_parse(const char *text, size_t len, lf_pep440_set *set, char **error)
{
	lf_pep440_set_init(set);
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != ',')
			continue;
		size_t a = start, b = i;
		start = i + 1;
		while (a < b && is_space((unsigned char)text[a]))
			a++;
		if (a == b)
			continue; /* packaging drops empty pieces: ">=1,,<2" */
		if (set->count == LF_PEP440_MAX_CLAUSES) {
			if (error)
				*error = clause_error(text, len, "too many clauses");
			lf_pep440_set_finish(set);
			return false;
		}
		lf_pep440_clause c;
		if (!parse_clause(text + a, b - a, &c, error)) {
			lf_pep440_set_finish(set);
			return false;
		}
		set->clauses = lf_xrealloc(set->clauses, (set->count + 1) * sizeof *set->clauses);
		set->clauses[set->count++] = c;
	}
	return true;
}

static bool clause_prereleases(const lf_pep440_clause *c)
{
	switch (c->op) {
	case LF_PEP440_OP_EQUAL:
	case LF_PEP440_OP_GREATER_EQUAL:
	case LF_PEP440_OP_LESS_EQUAL:
	case LF_PEP440_OP_COMPATIBLE:
	case LF_PEP440_OP_ARBITRARY:
		/* For ===, packaging raises on a non-version; we say no. */
		return c->version_valid && !c->wildcard && lf_pep440_version_is_prerelease(&c->version);
	default: return false;
	}
}

bool lf_pep440_set_prereleases(const lf_pep440_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		if (clause_prereleases(&set->clauses[i]))
			return true;
	return false;
}

static bool clause_equal(const lf_pep440_clause *c, const lf_pep440_version *v)
{
	if (c->wildcard)
		return prefix_match(v, c->version.epoch, c->prefix, c->prefix_count);
	if (c->version.local[0])
		return lf_pep440_version_compare(v, &c->version) == 0;
	lf_pep440_version p = public_of(v);
	return lf_pep440_version_compare(&p, &c->version) == 0;
}

static bool clause_contains(const lf_pep440_clause *c, const lf_pep440_version *v)
{
	lf_pep440_version pub = public_of(v);
	const lf_pep440_version *s = &c->version;
	switch (c->op) {
	case LF_PEP440_OP_COMPATIBLE:
		return lf_pep440_version_compare(&pub, s) >= 0 && prefix_match(v, s->epoch, c->prefix, c->prefix_count);
	case LF_PEP440_OP_EQUAL: return clause_equal(c, v);
	case LF_PEP440_OP_NOT_EQUAL: return !clause_equal(c, v);
	case LF_PEP440_OP_LESS_EQUAL: return lf_pep440_version_compare(&pub, s) <= 0;
	case LF_PEP440_OP_GREATER_EQUAL: return lf_pep440_version_compare(&pub, s) >= 0;
	case LF_PEP440_OP_LESS:
		if (lf_pep440_version_compare(v, s) >= 0)
			return false;
		/* <1.0 does not admit 1.0rc1 unless it names a pre-release */
		return !(!lf_pep440_version_is_prerelease(s) && lf_pep440_version_is_prerelease(v) && same_base(v, s));
	case LF_PEP440_OP_GREATER:
		if (lf_pep440_version_compare(v, s) <= 0)
			return false;
		/* >1.0 does not admit 1.0.post1 unless it names a post-release,
		 * nor 1.0+local */
		if (!s->has_post && v->has_post && same_base(v, s))
			return false;
		return !(v->local[0] && same_base(v, s));
	case LF_PEP440_OP_ARBITRARY: {
		char buf[512];
		size_t n = lf_pep440_version_format(v, buf, sizeof buf);
		return n < sizeof buf && strcasecmp(buf, c->text) == 0;
	}
	}
	return false;
}

bool lf_pep440_set_contains(const lf_pep440_set *set, const lf_pep440_version *v, lf_pep440_prereleases prereleases)
{
	bool allow = prereleases == LF_PEP440_PRERELEASES_ALLOW ||
	             (prereleases == LF_PEP440_PRERELEASES_AUTO && lf_pep440_set_prereleases(set));
	if (!allow && lf_pep440_version_is_prerelease(v))
		return false;
	for (size_t i = 0; i < set->count; i++)
		if (!clause_contains(&set->clauses[i], v))
			return false;
	return true;
}

/* ---- admission: intervals between cuts (see the top of the file) ------------ */

typedef struct cut {
	bool infinite; /* +inf */
	bool above;    /* ABOVE(v) rather than BELOW(v) */
	lf_pep440_version v;
} cut;

typedef struct interval {
	cut lo, hi; /* [lo, hi) */
} interval;

typedef struct interval_list {
	interval *items;
	size_t count, capacity;
} interval_list;

static cut cut_below(const lf_pep440_version *v)
{
	return (cut){.v = *v};
}

static cut cut_above(const lf_pep440_version *v)
{
	return (cut){.above = true, .v = *v};
}

static cut cut_infinite(void)
{
	return (cut){.infinite = true};
}

/* BELOW(0.dev0): the lowest cut, standing for -inf. */
static cut cut_lowest(void)
{
	lf_pep440_version zero;
	memset(&zero, 0, sizeof zero);
	zero.release_count = 1;
	zero.has_dev = true;
	return cut_below(&zero);
}

/* BELOW(succ(v)), or +inf when succ overflows. */
static cut cut_after_locals(const lf_pep440_version *v)
{
	lf_pep440_version next;
	return successor(v, &next) ? cut_below(&next) : cut_infinite();
}

static int cut_compare(const cut *a, const cut *b)
{
	if (a->infinite || b->infinite)
		return a->infinite - b->infinite;
	int c = lf_pep440_version_compare(&a->v, &b->v);
	if (c)
		return c;
	return a->above - b->above;
}

/* Is the version v inside [lo, hi)? */
static bool cut_holds(const interval *in, const lf_pep440_version *v)
{
	cut point = cut_below(v);
	return cut_compare(&in->lo, &point) <= 0 && cut_compare(&point, &in->hi) < 0;
}

static void list_push(interval_list *list, cut lo, cut hi)
{
	if (cut_compare(&lo, &hi) >= 0)
		return; /* empty */
	if (list->count == list->capacity) {
		list->capacity = list->capacity ? 2 * list->capacity : 4;
		list->items = lf_xrealloc(list->items, list->capacity * sizeof *list->items);
	}
	list->items[list->count++] = (interval){lo, hi};
}

/* The intervals of one clause: a superset of what it contains (exact but
 * for < and >, see the top of the file). */
static void clause_intervals(const lf_pep440_clause *c, interval_list *out)
{
	const lf_pep440_version *s = &c->version;
	cut lo = cut_lowest(), inf = cut_infinite();
	if (!c->version_valid) /* === on a non-version: contains nothing */
		return;
	cut eq_lo, eq_hi; /* the == interval, for == and != */
	if (c->wildcard || c->op == LF_PEP440_OP_COMPATIBLE) {
		lf_pep440_version floor = prefix_floor(s->epoch, c->prefix, c->prefix_count);
		eq_lo = cut_below(&floor);
		uint64_t next[LF_PEP440_MAX_RELEASE];
		memcpy(next, c->prefix, sizeof next);
		if (next[c->prefix_count - 1] == UINT64_MAX) {
			eq_hi = inf;
		} else {
			next[c->prefix_count - 1]++;
			lf_pep440_version ceil = prefix_floor(s->epoch, next, c->prefix_count);
			eq_hi = cut_below(&ceil);
		}
	} else if (s->local[0]) {
		eq_lo = cut_below(s), eq_hi = cut_above(s);
	} else {
		eq_lo = cut_below(s), eq_hi = cut_after_locals(s);
	}
	switch (c->op) {
	case LF_PEP440_OP_COMPATIBLE: {
		cut ge = cut_below(s);
		list_push(out, cut_compare(&ge, &eq_lo) > 0 ? ge : eq_lo, eq_hi);
		break;
	}
	case LF_PEP440_OP_EQUAL: list_push(out, eq_lo, eq_hi); break;
	case LF_PEP440_OP_NOT_EQUAL:
		list_push(out, lo, eq_lo);
		list_push(out, eq_hi, inf);
		break;
	case LF_PEP440_OP_LESS_EQUAL: list_push(out, lo, cut_after_locals(s)); break;
	case LF_PEP440_OP_GREATER_EQUAL: list_push(out, cut_below(s), inf); break;
	case LF_PEP440_OP_LESS: list_push(out, lo, cut_below(s)); break;
	case LF_PEP440_OP_GREATER: list_push(out, cut_above(s), inf); break;
	case LF_PEP440_OP_ARBITRARY: {
		char buf[512];
		size_t n = lf_pep440_version_format(s, buf, sizeof buf);
		if (n < sizeof buf && strcasecmp(buf, c->text) == 0)
			list_push(out, cut_below(s), cut_above(s));
		break;
	}
	}
}

static void list_intersect(interval_list *acc, const interval_list *with)
{
	interval_list result = {0};
	for (size_t i = 0; i < acc->count; i++)
		for (size_t j = 0; j < with->count; j++) {
			const interval *a = &acc->items[i], *b = &with->items[j];
			cut lo = cut_compare(&a->lo, &b->lo) >= 0 ? a->lo : b->lo;
			cut hi = cut_compare(&a->hi, &b->hi) <= 0 ? a->hi : b->hi;
			list_push(&result, lo, hi);
		}
	free(acc->items);
	*acc = result;
}

/*
 * The least non-pre-release at or above the cut, when there is one; false
 * when non-pre-releases come arbitrarily close above it (ABOVE of a
 * non-pre-release: its local versions).
 */
static bool least_final_at(const cut *c, lf_pep440_version *out)
{
	if (c->above && !lf_pep440_version_is_prerelease(&c->v))
		return false;
	lf_pep440_version v = c->v;
	if (lf_pep440_version_is_prerelease(&v)) {
		v.local[0] = '\0';
		if (v.pre_label) /* everything up to the release is a pre-release */
			v = base_of(&v);
		else if (v.has_post) /* r.postN.devM -> r.postN */
			v.has_dev = false, v.dev = 0;
		else /* r.devM -> r */
			v = base_of(&v);
	}
	*out = v;
	return true;
}

static bool interval_has_candidate(const interval *in, bool prereleases)
{
	if (prereleases)
		return true; /* canonical cuts: lo < hi means a version is inside */
	lf_pep440_version w;
	if (!least_final_at(&in->lo, &w))
		return true;
	return cut_holds(in, &w);
}

static bool try_witness(const lf_pep440_set *set, const interval *in, const lf_pep440_version *v,
                        lf_pep440_version *witness)
{
	if (!cut_holds(in, v) || !lf_pep440_set_contains(set, v, LF_PEP440_PRERELEASES_AUTO))
		return false;
	if (witness)
		*witness = *v;
	return true;
}

static bool find_witness(const lf_pep440_set *set, const interval *in, lf_pep440_version *witness)
{
	lf_pep440_version cands[8];
	int n = 0;
	const lf_pep440_version *a = &in->lo.v;
	if (!in->lo.above)
		cands[n++] = *a;
	if (least_final_at(&in->lo, &cands[n]))
		n++;
	lf_pep440_version base = base_of(a);
	cands[n++] = base;
	if (base.release_count < LF_PEP440_MAX_RELEASE) { /* r.1 */
		cands[n] = base;
		cands[n].release[cands[n].release_count++] = 1;
		n++;
	}
	if (base.release[base.release_count - 1] < UINT64_MAX) { /* r with its last component + 1 */
		cands[n] = base;
		cands[n].release[cands[n].release_count - 1]++;
		n++;
	}
	cands[n] = base; /* the next post-release */
	cands[n].has_post = true;
	cands[n].post = a->has_post && !a->pre_label && a->post < UINT64_MAX ? a->post + 1 : 0;
	n++;
	if (!in->hi.infinite) { /* a release strictly between the ends */
		const lf_pep440_version *b = &in->hi.v;
		unsigned len = (a->release_count > b->release_count ? a->release_count : b->release_count) + 1;
		if (len <= LF_PEP440_MAX_RELEASE) {
			cands[n] = base;
			for (unsigned i = base.release_count; i < len; i++)
				cands[n].release[i] = 0;
			cands[n].release[len - 1] = 1;
			cands[n].release_count = len;
			n++;
		}
	}
	for (int i = 0; i < n; i++)
		if (try_witness(set, in, &cands[i], witness))
			return true;
	return false;
}

lf_pep440_admission lf_pep440_set_admits(const lf_pep440_set *set, const lf_pep440_range *range,
                                         lf_pep440_version *witness)
{
	interval_list acc = {0};
	list_push(&acc, range->has_lower ? cut_below(&range->lower) : cut_lowest(),
	          range->has_upper ? cut_below(&range->upper) : cut_infinite());
	for (size_t i = 0; i < set->count && acc.count; i++) {
		interval_list clause = {0};
		clause_intervals(&set->clauses[i], &clause);
		list_intersect(&acc, &clause);
		free(clause.items);
	}
	bool prereleases = lf_pep440_set_prereleases(set);
	lf_pep440_admission result = LF_PEP440_ADMITS_NONE;
	for (size_t i = 0; i < acc.count; i++) {
		if (!interval_has_candidate(&acc.items[i], prereleases))
			continue;
		if (find_witness(set, &acc.items[i], witness)) {
			result = LF_PEP440_ADMITS_WITNESS;
			break;
		}
		result = LF_PEP440_ADMITS_MAYBE;
	}
	free(acc.items);
	return result;
}
