/* What the IPv6 extension header matches (frag, hbh, dst, rt, ipv6header)
 * share: loads of a field of an extension header (exthdr ipv6, as nft
 * writes `frag id 5` or `exthdr rt exists`), their reading side, header
 * lengths, and the reference's parser for "a:b" ranges of 32-bit numbers. */
#ifndef IPTNFT_EXT_EXTHDR6_H
#define IPTNFT_EXT_EXTHDR6_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "expr.h"

/* Next-header numbers of the extension headers. */
enum {
	EH_HOPOPTS = 0,
	EH_ROUTING = 43,
	EH_FRAGMENT = 44,
	EH_ESP = 50,
	EH_AUTH = 51,
	EH_NONE = 59,
	EH_DSTOPTS = 60,
};

/* Load len bytes at off into header type's first instance (register 1). */
void lin_exthdr6(struct lin_ctx *c, uint8_t type, uint32_t off, uint32_t len);
/* "exthdr TYPE exists" (present true) or "missing". */
void lin_exthdr6_present(struct lin_ctx *c, uint8_t type, bool present);

/* Is it a relation on bytes [off, off+len) of header type (any op, with
 * or without a mask)? */
bool item_is_exthdr6(const struct item *it, uint8_t type, uint32_t off, uint32_t len);
/* Is it a relation on any field of header type (not a presence test)? */
bool item_is_exthdr6_field(const struct item *it, uint8_t type);
/* Is it "exthdr T exists|missing"? Sets *type and *present. */
bool item_exthdr6_present(const struct item *it, uint8_t *type, bool *present);

/* The header length in bytes an 8-bit "hdrlength" field means (hbh, dst,
 * rt: 8-byte units not counting the first) and back; false for a length
 * no header can have. */
bool exthdr6_len_field(uint32_t bytes, uint8_t *field);
uint32_t exthdr6_len_bytes(uint8_t field);

/* The "--X-len N" of hbh, dst and rt: the length of the whole header in
 * bytes, as the reference's blobs hold it. Only multiples of 8 from 8 to
 * 2048 are lengths a packet can have: a rule with another is written as
 * the reference's blob, so only those are written as
 *   exthdr T +1 (1 byte, "hdrlength"); cmp eq|neq N/8-1 */
struct exthdr6_len {
	uint32_t bytes;
	bool given, inv;
};

struct parse_ctx;
struct strbuf;

/* Whether the length test has a native form: none given, or a length a
 * header can have. */
bool exthdr6_len_native(const struct exthdr6_len *l);
/* Write the test of header type's length, if l is given and can be;
 * whether it did. */
bool lin_exthdr6_len(struct lin_ctx *c, uint8_t type, const struct exthdr6_len *l);
/* Read such a test at the cursor into l, and step over it; whether there
 * was one. */
bool delin_exthdr6_len(struct delin_ctx *c, uint8_t type, struct exthdr6_len *l);
/* -L's " length:[!]N" and -S's " [!] --OPT N", if given. */
void exthdr6_len_print(struct strbuf *out, const struct exthdr6_len *l);
void exthdr6_len_save(struct strbuf *out, const char *opt, const struct exthdr6_len *l);

/* Is it "exthdr TYPE exists", what a match with no option writes? */
bool item_exthdr6_exists(const struct item *it, uint8_t type);

#endif
