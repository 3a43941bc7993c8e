/* Rewriting a 16-bit word of the network header, as nft writes `ip ttl
 * set` and `ip dscp set`:
 *
 *   payload load nh+off (2 bytes); bitwise (& keep) ^ set;
 *   payload write nh+off (2 bytes) [, IPv4 checksum (inet) fixed at nh+10]
 *
 * Two bytes, because the checksum update works on whole 16-bit words.
 * IPv6 has no header checksum. Shared by the TTL, DSCP and TOS targets.
 */
#ifndef IPTNFT_EXT_IPHDR_H
#define IPTNFT_EXT_IPHDR_H

#include <stdbool.h>
#include <stdint.h>

#include "expr.h"

void lin_nh_word_write(struct lin_ctx *c, uint32_t off, const uint8_t keep[2],
		       const uint8_t set[2], bool ip_csum);
/* The keep and set bytes of such a rewrite of nh+off at item it. */
bool delin_nh_word_write(const struct item *it, uint32_t off, uint8_t keep[2], uint8_t set[2],
			 bool ip_csum);

#endif
