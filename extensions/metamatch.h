/* Matches that test one meta key for equality (-m cpu, -m pkttype):
 *
 *   meta load KEY; cmp eq|neq VALUE (len bytes, host order)
 *
 * as nft writes "meta KEY [!=] VALUE", and the reference's xt blob for
 * them, revision 0: two 32-bit integers, the value and then the invert
 * flag. One description serves each such match. */
#ifndef IPTNFT_EXT_METAMATCH_H
#define IPTNFT_EXT_METAMATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "ext.h"

/* Which key, of how many bytes (1 or 4), and the blob's name. */
struct meta_match {
	uint32_t key;
	uint8_t len;
	const char *xt_name;
};

void mm_linearize(struct lin_ctx *c, const struct meta_match *mm, uint32_t value, bool inv);
enum compat_res mm_compat(struct xt_out *out, uint32_t value, bool inv);
/* The test at the cursor, native or the blob; the cursor moves past it.
 * A blob's value must fit in len bytes. */
bool mm_delinearize(struct delin_ctx *c, const struct meta_match *mm, uint32_t *value,
		    bool *inv);

#endif
