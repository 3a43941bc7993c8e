/* Relations on 32-bit values the kernel keeps in host byte order (meta
 * skuid and skgid, ct expiration, numgen): equality compares the bytes as
 * they are, but an order needs them big-endian first, so a range or a <
 * goes through a byteorder expression, as nft writes it.
 *
 *   == v, != v      cmp eq/neq v                      (host order)
 *   lo..hi          byteorder hton; range eq/neq BE(lo) BE(hi)
 *   < v, >= v ...   byteorder hton; cmp lt/gte/... BE(v)
 *
 * Reading also takes the pair nft writes for a range it is given by hand:
 * byteorder hton; cmp gte BE(lo); cmp lte BE(hi).
 */
#ifndef IPTNFT_EXT_U32REL_H
#define IPTNFT_EXT_U32REL_H

#include <stdbool.h>
#include <stdint.h>

#include "expr.h"

/* After a 4-byte load into register 1. */
void u32_lin_eq(struct lin_ctx *c, uint32_t v, bool inv);
void u32_lin_range(struct lin_ctx *c, uint32_t lo, uint32_t hi, bool inv);
void u32_lin_order(struct lin_ctx *c, enum cmp_op_kind op, uint32_t v);

/* One relation read back: op is REL_EQ/NEQ (lo == hi), REL_RANGE/NRANGE,
 * or an order (REL_LT ... REL_GTE, value in lo). */
struct u32_rel {
	enum cmp_op_kind op;
	uint32_t lo, hi;
};

/* Read the relation at the cursor if sel_ok accepts its selector; the
 * cursor moves past what was read. */
bool u32_delin(struct delin_ctx *c, bool (*sel_ok)(const struct selector *s, const void *arg),
	       const void *arg, struct u32_rel *out);

#endif
