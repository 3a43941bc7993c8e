#include "u32rel.h"
#include "util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

void u32_lin_eq(struct lin_ctx *c, uint32_t v, bool inv)
{
	lin_cmp(c, inv ? REL_NEQ : REL_EQ, &v, 4);
}

void u32_lin_range(struct lin_ctx *c, uint32_t lo, uint32_t hi, bool inv)
{
	uint32_t blo = htonl(lo), bhi = htonl(hi);

	lin_hton(c, 4);
	lin_range(c, inv, &blo, &bhi, 4);
}

void u32_lin_order(struct lin_ctx *c, enum cmp_op_kind op, uint32_t v)
{
	uint32_t be = htonl(v);

	lin_hton(c, 4);
	lin_cmp(c, op, &be, 4);
}

/* A byteorder hton of 4 bytes in place whose source sel_ok accepts. */
static bool is_hton(const struct item *it,
		    bool (*sel_ok)(const struct selector *s, const void *arg), const void *arg)
{
	const struct regval *r;

	if (!it || it->kind != ITEM_STMT || !it->name || strcmp(it->name, "byteorder") != 0)
		return false;
	if (nftnl_expr_get_u32(it->expr, NFTNL_EXPR_BYTEORDER_OP) != NFT_BYTEORDER_HTON ||
	    nftnl_expr_get_u32(it->expr, NFTNL_EXPR_BYTEORDER_LEN) != 4 ||
	    nftnl_expr_get_u32(it->expr, NFTNL_EXPR_BYTEORDER_SIZE) != 4 ||
	    nftnl_expr_get_u32(it->expr, NFTNL_EXPR_BYTEORDER_SREG) !=
		    nftnl_expr_get_u32(it->expr, NFTNL_EXPR_BYTEORDER_DREG))
		return false;
	r = item_reg_attr(it, NFTNL_EXPR_BYTEORDER_SREG);
	return r && !r->is_data && !r->masked && sel_ok(&r->sel, arg);
}

static bool plain_rel(const struct item *it,
		      bool (*sel_ok)(const struct selector *s, const void *arg), const void *arg)
{
	return it && it->kind == ITEM_REL && !it->masked && !it->set && it->len == 4 &&
	       sel_ok(&it->sel, arg);
}

static uint32_t be32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

bool u32_delin(struct delin_ctx *c, bool (*sel_ok)(const struct selector *s, const void *arg),
	       const void *arg, struct u32_rel *out)
{
	struct item *it = delin_peek(c), *next, *third;
	unsigned start = c->pos;

	if (plain_rel(it, sel_ok, arg) && (it->op == REL_EQ || it->op == REL_NEQ)) {
		out->op = it->op;
		memcpy(&out->lo, it->val, 4);
		out->hi = out->lo;
		c->pos++;
		return true;
	}
	if (!is_hton(it, sel_ok, arg))
		return false;
	c->pos++;
	next = delin_peek(c);
	if (!plain_rel(next, sel_ok, arg))
		goto no;
	out->op = next->op;
	out->lo = be32_at(next->val);
	out->hi = out->lo;
	switch (next->op) {
	case REL_RANGE:
	case REL_NRANGE:
		out->hi = be32_at(next->hi);
		break;
	case REL_GTE:
		c->pos++;
		third = delin_peek(c);
		if (plain_rel(third, sel_ok, arg) && third->op == REL_LTE) {
			out->op = REL_RANGE;
			out->hi = be32_at(third->val);
			break;
		}
		c->pos--;
		break;
	case REL_LT:
	case REL_LTE:
	case REL_GT:
		break;
	default:
		goto no;
	}
	c->pos++;
	return true;
no:
	c->pos = start;
	return false;
}
