#include "exthdr6.h"
#include "util.h"

#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>

#include "ext.h"

#define OFF_HDRLEN 1

/* A load of len bytes at off of header type's first instance. */
static struct nftnl_expr *exthdr_new(uint8_t type, uint32_t off, uint32_t len)
{
	return expr_exthdr(NFT_EXTHDR_OP_IPV6, NFTNL_EXPR_EXTHDR_DREG, NFT_REG_1, type, off, len);
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

bool exthdr6_len_native(const struct exthdr6_len *l)
{
	uint8_t field;

	return !l->given || exthdr6_len_field(l->bytes, &field);
}

bool lin_exthdr6_len(struct lin_ctx *c, uint8_t type, const struct exthdr6_len *l)
{
	uint8_t field;

	if (!l->given || !exthdr6_len_field(l->bytes, &field))
		return false;
	lin_exthdr6(c, type, OFF_HDRLEN, 1);
	lin_cmp(c, l->inv ? REL_NEQ : REL_EQ, &field, 1);
	return true;
}

bool delin_exthdr6_len(struct delin_ctx *c, uint8_t type, struct exthdr6_len *l)
{
	const struct item *it = delin_peek(c);

	if (!item_is_exthdr6(it, type, OFF_HDRLEN, 1) || it->masked ||
	    (it->op != REL_EQ && it->op != REL_NEQ))
		return false;
	l->given = true;
	l->inv = it->op == REL_NEQ;
	l->bytes = exthdr6_len_bytes(it->val[0]);
	c->pos++;
	return true;
}

void exthdr6_len_print(struct strbuf *out, const struct exthdr6_len *l)
{
	if (l->given)
		sb_printf(out, " length:%s%u", l->inv ? "!" : "", l->bytes);
}

void exthdr6_len_save(struct strbuf *out, const char *opt, const struct exthdr6_len *l)
{
	if (l->given)
		sb_printf(out, "%s --%s %u", l->inv ? " !" : "", opt, l->bytes);
}

bool item_exthdr6_exists(const struct item *it, uint8_t type)
{
	uint8_t t;
	bool present;

	return item_exthdr6_present(it, &t, &present) && t == type && present;
}
