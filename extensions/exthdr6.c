#include "exthdr6.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>

static struct nftnl_expr *exthdr_new(uint8_t type, uint32_t off, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("exthdr");

	if (!e)
		out_of_memory();
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_DREG, NFT_REG_1);
	nftnl_expr_set_u8(e, NFTNL_EXPR_EXTHDR_TYPE, type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OP, NFT_EXTHDR_OP_IPV6);
	return e;
}

void lin_exthdr6(struct lin_ctx *c, uint8_t type, uint32_t off, uint32_t len)
{
	lin_add(c, exthdr_new(type, off, len));
}

void lin_exthdr6_present(struct lin_ctx *c, uint8_t type, bool present)
{
	struct nftnl_expr *e = exthdr_new(type, 0, 1);
	uint8_t v = present;

	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_FLAGS, NFT_EXTHDR_F_PRESENT);
	lin_add(c, e);
	lin_cmp(c, REL_EQ, &v, 1);
}

static bool is_exthdr6(const struct item *it)
{
	return it && it->kind == ITEM_REL && it->sel.kind == SEL_EXTHDR &&
	       it->sel.base == NFT_EXTHDR_OP_IPV6 && !it->concat;
}

bool item_is_exthdr6(const struct item *it, uint8_t type, uint32_t off, uint32_t len)
{
	return is_exthdr6(it) && !(it->sel.flags & NFT_EXTHDR_F_PRESENT) &&
	       it->sel.key == type && it->sel.offset == off && it->sel.len == len &&
	       it->len == len;
}

bool item_is_exthdr6_field(const struct item *it, uint8_t type)
{
	return is_exthdr6(it) && !(it->sel.flags & NFT_EXTHDR_F_PRESENT) &&
	       it->sel.key == type;
}

bool item_exthdr6_present(const struct item *it, uint8_t *type, bool *present)
{
	if (!is_exthdr6(it) || !(it->sel.flags & NFT_EXTHDR_F_PRESENT) || it->masked ||
	    it->op != REL_EQ || it->len != 1 || it->val[0] > 1)
		return false;
	*type = (uint8_t)it->sel.key;
	*present = it->val[0];
	return true;
}

bool exthdr6_len_field(uint32_t bytes, uint8_t *field)
{
	if (bytes < 8 || bytes > 256 * 8 || bytes % 8)
		return false;
	*field = (uint8_t)(bytes / 8 - 1);
	return true;
}

uint32_t exthdr6_len_bytes(uint8_t field)
{
	return ((uint32_t)field + 1) * 8;
}

/* One bound: a number as strtoul reads it (base 0, blanks first), or
 * nothing for the default. */
static int range_part(struct ipt_error *err, const char *ext, const char *opt, const char *p,
		      uint32_t dflt, uint32_t *out, const char **end)
{
	unsigned long long v;
	char *e;

	if (*p == ':' || *p == '\0') {
		*out = dflt;
		*end = p;
		return 0;
	}
	errno = 0;
	v = strtoull(p, &e, 0);
	if (e == p || errno || v > UINT32_MAX || *p == '-')
		return err_param(err, "%s: bad value for option \"--%s\" near \"%s\", or out of range (0-4294967295).\n",
				 ext, opt, p);
	*out = (uint32_t)v;
	*end = e;
	return 0;
}

int exthdr6_parse_range(struct ipt_error *err, const char *ext, const char *opt,
			const char *arg, uint32_t *lo, uint32_t *hi)
{
	const uint32_t dflt[2] = { 0, UINT32_MAX };
	uint32_t v[2];
	const char *p = arg, *end = arg;
	int n = 0;

	for (;;) {
		if (n == 2)
			return err_param(err, "%s: Too many components for option \"--%s\" (max: 2)\n",
					 ext, opt);
		if (range_part(err, ext, opt, p, dflt[n], &v[n], &end) < 0)
			return -1;
		n++;
		if (*end == '\0')
			break;
		if (*end != ':')
			return err_param(err, "%s: Argument to \"--%s\" has unexpected characters near \"%s\".\n",
					 ext, opt, end);
		p = end + 1;
	}
	*lo = v[0];
	*hi = n == 2 ? v[1] : v[0];
	return 0;
}
