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

/* "a", "a:b", ":b", "a:", "" as the reference reads a range of 32-bit
 * numbers (an empty bound is 0 or 4294967295; one number is both bounds).
 * Errors name ext and option opt in the reference's words. */
int exthdr6_parse_range(struct ipt_error *err, const char *ext, const char *opt,
			const char *arg, uint32_t *lo, uint32_t *hi);

#endif
