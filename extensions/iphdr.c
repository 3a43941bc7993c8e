#include "iphdr.h"
#include "util.h"

#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#define IP_CSUM_OFFSET 10

void lin_nh_word_write(struct lin_ctx *c, uint32_t off, const uint8_t keep[2],
		       const uint8_t set[2], bool ip_csum)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (!e)
		out_of_memory();
	lin_payload(c, NFT_PAYLOAD_NETWORK_HEADER, off, 2);
	lin_bitwise(c, keep, set, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 2);
	if (ip_csum) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_CSUM_TYPE, NFT_PAYLOAD_CSUM_INET);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_CSUM_OFFSET, IP_CSUM_OFFSET);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_FLAGS, 0);
	}
	lin_add(c, e);
}

/* The checksum type of a payload write; absent is none. */
static uint32_t csum_type(const struct nftnl_expr *e)
{
	if (!nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_CSUM_TYPE))
		return NFT_PAYLOAD_CSUM_NONE;
	return nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_CSUM_TYPE);
}

bool delin_nh_word_write(const struct item *it, uint32_t off, uint8_t keep[2], uint8_t set[2],
			 bool ip_csum)
{
	const struct regval *rv;
	const struct nftnl_expr *e;

	if (!it || it->kind != ITEM_STMT || !it->name || strcmp(it->name, "payload") != 0)
		return false;
	e = it->expr;
	if (nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE) != NFT_PAYLOAD_NETWORK_HEADER ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET) != off ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN) != 2)
		return false;
	if (csum_type(e) != (ip_csum ? NFT_PAYLOAD_CSUM_INET : NFT_PAYLOAD_CSUM_NONE))
		return false;
	if (ip_csum && nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_CSUM_OFFSET) != IP_CSUM_OFFSET)
		return false;
	rv = item_reg_attr(it, NFTNL_EXPR_PAYLOAD_SREG);
	if (!rv || rv->is_data || !rv->masked || rv->concat || rv->len != 2 ||
	    rv->sel.kind != SEL_PAYLOAD || rv->sel.base != NFT_PAYLOAD_NETWORK_HEADER ||
	    rv->sel.offset != off || rv->sel.len != 2)
		return false;
	memcpy(keep, rv->mask, 2);
	memcpy(set, rv->xor, 2);
	return true;
}
