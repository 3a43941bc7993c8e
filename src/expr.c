#include "expr.h"

#include <stdio.h>
#include <arpa/inet.h>
#include <endian.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <stdlib.h>
#include <string.h>

#include "aset.h"
#include "rule.h"
#include "util.h"

/* ---- writing ---- */

static uint32_t nft_cmp_op(enum cmp_op_kind op);

static bool is_other_load(const struct nftnl_expr *e, const char *name);

/* Does e read back as an item of its own (expr_readers below), rather
 * than as a register load that a later item consumes? */
static bool makes_item(const struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (strcmp(name, "bitwise") == 0)
		return false;
	if (strcmp(name, "exthdr") == 0)	/* a write or a reset: statements */
		return !nftnl_expr_is_set(e, NFTNL_EXPR_EXTHDR_DREG);
	if (strcmp(name, "payload") == 0)
		return nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_SREG);
	if (strcmp(name, "meta") == 0)
		return !nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG);
	if (strcmp(name, "ct") == 0)
		return !nftnl_expr_is_set(e, NFTNL_EXPR_CT_DREG);
	if (strcmp(name, "immediate") == 0)
		return nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG) == NFT_REG_VERDICT;
	return !is_other_load(e, name);
}

/*
 * The emitters write the rule's expressions straight into the netlink
 * message (inside NFTA_RULE_EXPRESSIONS), attribute by attribute as the
 * kernel's UAPI defines them: no libnftnl objects per expression, which
 * is most of what a large restore spends in user space.
 */

/* libmnl's attribute writers, inline: a large restore writes tens of
 * attributes per rule. Padding is zeroed. Each checks that the attribute
 * ends within c->limit; once one does not, nothing more is written and
 * the caller learns from c->overflow that the message is incomplete. */
static inline struct nlattr *attr_tail(struct nlmsghdr *nlh)
{
	return (struct nlattr *)((char *)nlh + MNL_ALIGN(nlh->nlmsg_len));
}

static inline bool attr_room(struct lin_ctx *c, uint32_t len)
{
	if (!c->overflow &&
	    (uint64_t)MNL_ALIGN(c->nlh->nlmsg_len) + MNL_ATTR_HDRLEN + MNL_ALIGN(len) <= c->limit)
		return true;
	c->overflow = true;
	return false;
}

static inline void attr_put(struct lin_ctx *c, uint16_t type, uint32_t len, const void *data)
{
	struct nlattr *a;
	char *payload;
	uint32_t i;

	if (!attr_room(c, len))
		return;
	a = attr_tail(c->nlh);
	payload = (char *)a + MNL_ATTR_HDRLEN;
	a->nla_type = type;
	a->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + len);
	memcpy(payload, data, len);
	for (i = len; i < MNL_ALIGN(len); i++)	/* at most 3 */
		payload[i] = 0;
	c->nlh->nlmsg_len += MNL_ALIGN(a->nla_len);
}

/* NULL when there is no room: attr_nest_end then does nothing. */
static inline struct nlattr *attr_nest_start(struct lin_ctx *c, uint16_t type)
{
	struct nlattr *a;

	if (!attr_room(c, 0))
		return NULL;
	a = attr_tail(c->nlh);
	a->nla_type = type | NLA_F_NESTED;
	c->nlh->nlmsg_len += MNL_ATTR_HDRLEN;
	return a;
}

/* limit stays below 64 KiB (RULE_MSG_MAX), so a nest's length fits */
static inline void attr_nest_end(struct lin_ctx *c, struct nlattr *a)
{
	if (a)
		a->nla_len = (uint16_t)((char *)attr_tail(c->nlh) - (char *)a);
}

/* name: a string literal, its NUL included in len */
static struct nlattr *expr_begin_n(struct lin_ctx *c, const char *name, uint32_t len,
				   struct nlattr **data)
{
	struct nlattr *elem = attr_nest_start(c, NFTA_LIST_ELEM);

	c->nexprs++;
	attr_put(c, NFTA_EXPR_NAME, len, name);
	*data = attr_nest_start(c, NFTA_EXPR_DATA);
	return elem;
}

#define expr_begin(c, name, data) expr_begin_n(c, name, sizeof(name), data)

static void expr_end(struct lin_ctx *c, struct nlattr *elem, struct nlattr *data)
{
	attr_nest_end(c, data);
	attr_nest_end(c, elem);
}

static void put_be32(struct lin_ctx *c, uint16_t type, uint32_t v)
{
	uint32_t be = htonl(v);

	attr_put(c, type, sizeof(be), &be);
}

static void put_strz(struct lin_ctx *c, uint16_t type, const char *s)
{
	attr_put(c, type, (uint32_t)strlen(s) + 1, s);
}

/* struct nft_data holding a value: a nest with NFTA_DATA_VALUE */
static void put_value(struct lin_ctx *c, uint16_t type, const void *data, uint32_t len)
{
	struct nlattr *n = attr_nest_start(c, type);

	attr_put(c, NFTA_DATA_VALUE, len, data);
	attr_nest_end(c, n);
}

void lin_add(struct lin_ctx *c, struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	struct nlattr *elem;

	c->nexprs++;
	/* libnftnl's writer has no bound: leave it room for any expression */
	if (!c->overflow && (uint64_t)MNL_ALIGN(c->nlh->nlmsg_len) + LIN_ADD_MAX > c->limit)
		c->overflow = true;
	if (c->overflow) {
		nftnl_expr_free(e);
		return;
	}
	if (makes_item(e))
		c->items++;
	if (strcmp(name, "match") == 0 || strcmp(name, "target") == 0)
		c->xt = true;
	elem = attr_nest_start(c, NFTA_LIST_ELEM);
	nftnl_expr_build_payload(c->nlh, e);
	attr_nest_end(c, elem);
	nftnl_expr_free(e);
}

struct nftnl_expr *expr_exthdr(uint32_t op, uint16_t reg_attr, uint32_t reg, uint8_t type,
			       uint32_t off, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("exthdr");

	if (!e)
		out_of_memory();
	nftnl_expr_set_u32(e, reg_attr, reg);
	nftnl_expr_set_u8(e, NFTNL_EXPR_EXTHDR_TYPE, type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OP, op);
	return e;
}

void lin_xt(struct lin_ctx *c, bool target, const char *name, uint32_t rev, const void *info,
	    uint32_t len)
{
	struct nlattr *data, *elem = target ? expr_begin(c, "target", &data) :
					       expr_begin(c, "match", &data);

	/* NFTA_MATCH_* and NFTA_TARGET_* share their numbers */
	put_strz(c, target ? NFTA_TARGET_NAME : NFTA_MATCH_NAME, name);
	put_be32(c, target ? NFTA_TARGET_REV : NFTA_MATCH_REV, rev);
	attr_put(c, target ? NFTA_TARGET_INFO : NFTA_MATCH_INFO, len, info);
	expr_end(c, elem, data);
	c->items++;
	c->xt = true;
}

struct aset *lin_lookup_anon(struct lin_ctx *c, uint32_t key_type, uint32_t key_len,
			     bool interval, bool inv)
{
	struct aset *s = aset_list_add(c->sets, key_type, key_len, interval);
	struct nlattr *data, *elem = expr_begin(c, "lookup", &data);

	put_strz(c, NFTA_LOOKUP_SET, s->name);
	put_be32(c, NFTA_LOOKUP_SREG, NFT_REG_1);
	put_be32(c, NFTA_LOOKUP_SET_ID, s->id);
	if (inv)
		put_be32(c, NFTA_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
	expr_end(c, elem, data);
	c->items++;
	return s;
}

void lin_payload(struct lin_ctx *c, uint32_t base, uint32_t off, uint32_t len)
{
	struct nlattr *data, *elem = expr_begin(c, "payload", &data);

	put_be32(c, NFTA_PAYLOAD_DREG, NFT_REG_1);
	put_be32(c, NFTA_PAYLOAD_BASE, base);
	put_be32(c, NFTA_PAYLOAD_OFFSET, off);
	put_be32(c, NFTA_PAYLOAD_LEN, len);
	expr_end(c, elem, data);
}

void lin_meta(struct lin_ctx *c, uint32_t key)
{
	struct nlattr *data, *elem = expr_begin(c, "meta", &data);

	put_be32(c, NFTA_META_KEY, key);
	put_be32(c, NFTA_META_DREG, NFT_REG_1);
	expr_end(c, elem, data);
}

/* ct KEY (of direction dir, if not < 0) loaded into register reg, or
 * (set) set from it, a statement */
static void lin_ct_dir_to(struct lin_ctx *c, uint32_t key, int dir, uint32_t reg, bool set)
{
	struct nlattr *data, *elem = expr_begin(c, "ct", &data);

	put_be32(c, NFTA_CT_KEY, key);
	if (!set)
		put_be32(c, NFTA_CT_DREG, reg);
	if (dir >= 0) {
		uint8_t d8 = (uint8_t)dir;

		attr_put(c, NFTA_CT_DIRECTION, 1, &d8);
	}
	if (set)
		put_be32(c, NFTA_CT_SREG, reg);
	expr_end(c, elem, data);
	if (set)
		c->items++;	/* a statement, read back as an item */
}

void lin_ct(struct lin_ctx *c, uint32_t key, int dir)
{
	lin_ct_dir_to(c, key, dir, NFT_REG_1, false);
}

void lin_ct_to(struct lin_ctx *c, uint32_t key, uint32_t reg)
{
	lin_ct_dir_to(c, key, -1, reg, false);
}

void lin_ct_set(struct lin_ctx *c, uint32_t key, int dir)
{
	lin_ct_dir_to(c, key, dir, NFT_REG_1, true);
}

static void lin_bitwise_to(struct lin_ctx *c, uint32_t reg, const void *mask, const void *xor,
			   uint32_t len)
{
	struct nlattr *data, *elem = expr_begin(c, "bitwise", &data);
	uint8_t zero[16] = { 0 };

	put_be32(c, NFTA_BITWISE_SREG, reg);
	put_be32(c, NFTA_BITWISE_DREG, reg);
	put_be32(c, NFTA_BITWISE_OP, NFT_BITWISE_BOOL);
	put_be32(c, NFTA_BITWISE_LEN, len);
	put_value(c, NFTA_BITWISE_MASK, mask, len);
	put_value(c, NFTA_BITWISE_XOR, xor ? xor : zero, len);
	expr_end(c, elem, data);
}

void lin_bitwise_reg(struct lin_ctx *c, uint32_t reg, const void *mask, uint32_t len)
{
	lin_bitwise_to(c, reg, mask, NULL, len);
}

void lin_bitwise(struct lin_ctx *c, const void *mask, const void *xor, uint32_t len)
{
	lin_bitwise_to(c, NFT_REG_1, mask, xor, len);
}

void lin_hton(struct lin_ctx *c, uint32_t size)
{
	struct nlattr *data, *elem = expr_begin(c, "byteorder", &data);

	put_be32(c, NFTA_BYTEORDER_SREG, NFT_REG_1);
	put_be32(c, NFTA_BYTEORDER_DREG, NFT_REG_1);
	put_be32(c, NFTA_BYTEORDER_OP, NFT_BYTEORDER_HTON);
	put_be32(c, NFTA_BYTEORDER_LEN, size);
	put_be32(c, NFTA_BYTEORDER_SIZE, size);
	expr_end(c, elem, data);
	c->items++;	/* a statement, read back as an item */
}

static uint32_t nft_cmp_op(enum cmp_op_kind op)
{
	switch (op) {
	case REL_NEQ: return NFT_CMP_NEQ;
	case REL_LT: return NFT_CMP_LT;
	case REL_LTE: return NFT_CMP_LTE;
	case REL_GT: return NFT_CMP_GT;
	case REL_GTE: return NFT_CMP_GTE;
	default: return NFT_CMP_EQ;
	}
}

void lin_cmp_reg(struct lin_ctx *c, uint32_t reg, enum cmp_op_kind op, const void *data,
		 uint32_t len)
{
	struct nlattr *d, *elem = expr_begin(c, "cmp", &d);

	put_be32(c, NFTA_CMP_SREG, reg);
	put_be32(c, NFTA_CMP_OP, nft_cmp_op(op));
	put_value(c, NFTA_CMP_DATA, data, len);
	expr_end(c, elem, d);
	c->items++;
}

void lin_cmp(struct lin_ctx *c, enum cmp_op_kind op, const void *data, uint32_t len)
{
	lin_cmp_reg(c, NFT_REG_1, op, data, len);
}

void lin_exthdr_tcpopt_present(struct lin_ctx *c, uint8_t type)
{
	struct nlattr *data, *elem = expr_begin(c, "exthdr", &data);

	put_be32(c, NFTA_EXTHDR_DREG, NFT_REG_1);
	attr_put(c, NFTA_EXTHDR_TYPE, 1, &type);
	put_be32(c, NFTA_EXTHDR_OFFSET, 0);
	put_be32(c, NFTA_EXTHDR_LEN, 1);
	put_be32(c, NFTA_EXTHDR_FLAGS, NFT_EXTHDR_F_PRESENT);
	put_be32(c, NFTA_EXTHDR_OP, NFT_EXTHDR_OP_TCPOPT);
	expr_end(c, elem, data);
}

void lin_range(struct lin_ctx *c, bool inv, const void *lo, const void *hi, uint32_t len)
{
	struct nlattr *data, *elem = expr_begin(c, "range", &data);

	put_be32(c, NFTA_RANGE_SREG, NFT_REG_1);
	put_be32(c, NFTA_RANGE_OP, inv ? NFT_RANGE_NEQ : NFT_RANGE_EQ);
	put_value(c, NFTA_RANGE_FROM_DATA, lo, len);
	put_value(c, NFTA_RANGE_TO_DATA, hi, len);
	expr_end(c, elem, data);
	c->items++;
}

void lin_counter(struct lin_ctx *c, uint64_t pkts, uint64_t bytes)
{
	uint64_t be_bytes = htobe64(bytes), be_pkts = htobe64(pkts);
	struct nlattr *data, *elem = expr_begin(c, "counter", &data);

	attr_put(c, NFTA_COUNTER_BYTES, sizeof(be_bytes), &be_bytes);
	attr_put(c, NFTA_COUNTER_PACKETS, sizeof(be_pkts), &be_pkts);
	expr_end(c, elem, data);
	c->items++;
}

void lin_imm(struct lin_ctx *c, uint32_t reg, const void *value, uint32_t len)
{
	struct nlattr *data, *elem = expr_begin(c, "immediate", &data);

	put_be32(c, NFTA_IMMEDIATE_DREG, reg);
	put_value(c, NFTA_IMMEDIATE_DATA, value, len);
	expr_end(c, elem, data);
}

void lin_verdict(struct lin_ctx *c, int verdict, const char *chain)
{
	struct nlattr *data, *elem = expr_begin(c, "immediate", &data);
	struct nlattr *imm, *v;

	put_be32(c, NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
	imm = attr_nest_start(c, NFTA_IMMEDIATE_DATA);
	v = attr_nest_start(c, NFTA_DATA_VERDICT);
	put_be32(c, NFTA_VERDICT_CODE, (uint32_t)verdict);
	if (chain)
		put_strz(c, NFTA_VERDICT_CHAIN, chain);
	attr_nest_end(c, v);
	attr_nest_end(c, imm);
	expr_end(c, elem, data);
	c->items++;
}

/* ---- reading ---- */

int expr_reg_slot(uint32_t reg)
{
	if (reg >= NFT_REG_1 && reg <= NFT_REG_4)
		return (int)(reg - NFT_REG_1) * 4;
	if (reg >= NFT_REG32_00 && reg <= NFT_REG32_15)
		return (int)(reg - NFT_REG32_00);
	return -1;
}

struct reader {
	struct item_list *out;
	struct regval regs[NREGS];
};

static struct item *item_push(struct item_list *l, enum item_kind kind)
{
	struct item *it;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	it = &l->v[l->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	return it;
}

static struct regval *reg_get(struct reader *rd, const struct nftnl_expr *e, uint16_t attr)
{
	int slot = expr_reg_slot(nftnl_expr_get_u32(e, attr));

	return slot < 0 ? NULL : &rd->regs[slot];
}

static void reg_load(struct reader *rd, const struct nftnl_expr *e, uint16_t dreg,
		     const struct selector *sel, uint32_t len)
{
	struct regval *r = reg_get(rd, e, dreg);

	if (!r)
		return;
	memset(r, 0, sizeof(*r));
	r->set = true;
	r->sel = *sel;
	r->len = len;
}

static void read_payload(struct reader *rd, const struct nftnl_expr *e)
{
	struct selector s = { .kind = SEL_PAYLOAD, .dir = -1 };

	if (nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_SREG)) {
		/* a payload write is a statement */
		struct item *it = item_push(rd->out, ITEM_STMT);

		it->expr = (struct nftnl_expr *)e;
		it->name = "payload";
		it->regs = xmalloc(sizeof(rd->regs));
		memcpy(it->regs, rd->regs, sizeof(rd->regs));
		return;
	}
	s.base = (uint8_t)nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
	s.offset = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
	s.len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
	reg_load(rd, e, NFTNL_EXPR_PAYLOAD_DREG, &s, s.len);
}

static uint32_t meta_key_len(uint32_t key)
{
	switch (key) {
	case NFT_META_IIFNAME:
	case NFT_META_OIFNAME:
	case NFT_META_BRI_IIFNAME:
	case NFT_META_BRI_OIFNAME:
		return 16;
	case NFT_META_L4PROTO:
	case NFT_META_PKTTYPE:
	case NFT_META_NFPROTO:
		return 1;
	case NFT_META_PROTOCOL:
	case NFT_META_IIFTYPE:
	case NFT_META_OIFTYPE:
		return 2;
	default:
		return 4;
	}
}

static void read_meta(struct reader *rd, const struct nftnl_expr *e)
{
	struct selector s = { .kind = SEL_META, .dir = -1 };

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG)) {
		struct item *it = item_push(rd->out, ITEM_STMT);

		it->expr = (struct nftnl_expr *)e;
		it->name = "meta";
		it->regs = xmalloc(sizeof(rd->regs));
		memcpy(it->regs, rd->regs, sizeof(rd->regs));
		return;
	}
	s.key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
	s.len = meta_key_len(s.key);
	reg_load(rd, e, NFTNL_EXPR_META_DREG, &s, s.len);
}

static void read_ct(struct reader *rd, const struct nftnl_expr *e)
{
	struct selector s = { .kind = SEL_CT, .dir = -1 };

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_CT_DREG)) {
		struct item *it = item_push(rd->out, ITEM_STMT);

		it->expr = (struct nftnl_expr *)e;
		it->name = "ct";
		it->regs = xmalloc(sizeof(rd->regs));
		memcpy(it->regs, rd->regs, sizeof(rd->regs));
		return;
	}
	s.key = nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_CT_DIR))
		s.dir = (int8_t)nftnl_expr_get_u8(e, NFTNL_EXPR_CT_DIR);
	s.len = 4;
	reg_load(rd, e, NFTNL_EXPR_CT_DREG, &s, s.len);
}

static void read_exthdr(struct reader *rd, const struct nftnl_expr *e)
{
	struct selector s = { .kind = SEL_EXTHDR, .dir = -1 };

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_EXTHDR_DREG)) {
		/* an exthdr write (tcp option maxseg size set ...) or reset
		 * (reset tcp option sack-perm) is a statement, like a payload
		 * write */
		struct item *it = item_push(rd->out, ITEM_STMT);

		it->expr = (struct nftnl_expr *)e;
		it->name = "exthdr";
		it->regs = xmalloc(sizeof(rd->regs));
		memcpy(it->regs, rd->regs, sizeof(rd->regs));
		return;
	}

	s.base = (uint8_t)nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OP);
	s.key = nftnl_expr_get_u8(e, NFTNL_EXPR_EXTHDR_TYPE);
	s.offset = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OFFSET);
	s.len = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_LEN);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_EXTHDR_FLAGS))
		s.flags = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_FLAGS);
	reg_load(rd, e, NFTNL_EXPR_EXTHDR_DREG, &s, s.len);
}

/* A value wider than its first selector spans the next register: note
 * the selector found there (two ct keys tested as one, say). */
static void concat_check(struct reader *rd, const struct nftnl_expr *e, uint16_t attr,
			 uint32_t len, struct regval *v)
{
	int slot = expr_reg_slot(nftnl_expr_get_u32(e, attr));

	if (v->concat || slot < 0 || len <= 4 || v->sel.len != 4 || slot + 1 >= NREGS)
		return;
	if (rd->regs[slot + 1].set && !rd->regs[slot + 1].is_data) {
		v->concat = true;
		v->sel2 = rd->regs[slot + 1].sel;
	}
}

/* Loads nobody models in detail: the selector keeps the expression. */
static const struct {
	const char *name;
	uint16_t dreg;
	uint32_t len;
} other_loads[] = {
	{ "numgen", NFTNL_EXPR_NG_DREG, 4 },
	{ "fib", NFTNL_EXPR_FIB_DREG, 4 },
	{ "rt", NFTNL_EXPR_RT_DREG, 4 },
	{ "socket", NFTNL_EXPR_SOCKET_DREG, 4 },
	{ "hash", NFTNL_EXPR_HASH_DREG, 4 },
	{ "osf", NFTNL_EXPR_OSF_DREG, 16 },
	{ "xfrm", NFTNL_EXPR_XFRM_DREG, 16 },
};

static bool is_other_load(const struct nftnl_expr *e, const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(other_loads); i++)
		if (strcmp(name, other_loads[i].name) == 0)
			return nftnl_expr_is_set(e, other_loads[i].dreg);
	return false;
}

static bool read_other_load(struct reader *rd, const struct nftnl_expr *e, const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(other_loads); i++) {
		struct selector s = { .kind = SEL_OTHER, .dir = -1 };

		if (strcmp(name, other_loads[i].name) != 0)
			continue;
		if (!nftnl_expr_is_set(e, other_loads[i].dreg))
			return false;
		s.name = other_loads[i].name;
		s.expr = e;
		s.len = other_loads[i].len;
		reg_load(rd, e, other_loads[i].dreg, &s, s.len);
		return true;
	}
	return false;
}

static void read_bitwise(struct reader *rd, const struct nftnl_expr *e)
{
	struct regval *src = reg_get(rd, e, NFTNL_EXPR_BITWISE_SREG);
	struct regval *dst = reg_get(rd, e, NFTNL_EXPR_BITWISE_DREG);
	uint32_t len, mlen = 0, xlen = 0;
	const void *mask, *xor;
	struct regval v;

	if (!src || !dst || !src->set)
		return;
	if (nftnl_expr_is_set(e, NFTNL_EXPR_BITWISE_OP) &&
	    nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_OP) != NFT_BITWISE_BOOL) {
		dst->set = true;
		dst->sel.kind = SEL_OTHER;
		return;
	}
	len = nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_LEN);
	mask = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &mlen);
	xor = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_XOR, &xlen);
	v = *src;
	if (len > 16)
		len = 16;
	concat_check(rd, e, NFTNL_EXPR_BITWISE_SREG, len, &v);
	v.masked = true;
	memset(v.mask, 0, sizeof(v.mask));
	memset(v.xor, 0, sizeof(v.xor));
	if (mask)
		memcpy(v.mask, mask, mlen < len ? mlen : len);
	if (xor)
		memcpy(v.xor, xor, xlen < len ? xlen : len);
	v.len = len;
	*dst = v;
}

static void rel_from_reg(struct item *it, const struct regval *r)
{
	it->sel = r->sel;
	it->concat = r->concat;
	it->sel2 = r->sel2;
	it->masked = r->masked;
	memcpy(it->mask, r->mask, sizeof(it->mask));
	memcpy(it->xor, r->xor, sizeof(it->xor));
}

static void read_cmp(struct reader *rd, const struct nftnl_expr *e)
{
	struct regval *r = reg_get(rd, e, NFTNL_EXPR_CMP_SREG);
	struct item *it = item_push(rd->out, ITEM_REL);
	uint32_t len = 0;
	const void *data = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);

	if (r && r->set) {
		struct regval v = *r;

		concat_check(rd, e, NFTNL_EXPR_CMP_SREG, len, &v);
		rel_from_reg(it, &v);
	}
	switch (nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP)) {
	case NFT_CMP_NEQ: it->op = REL_NEQ; break;
	case NFT_CMP_LT: it->op = REL_LT; break;
	case NFT_CMP_LTE: it->op = REL_LTE; break;
	case NFT_CMP_GT: it->op = REL_GT; break;
	case NFT_CMP_GTE: it->op = REL_GTE; break;
	default: it->op = REL_EQ; break;
	}
	if (len > 16)
		len = 16;
	it->len = len;
	if (data)
		memcpy(it->val, data, len);
}

static void read_range(struct reader *rd, const struct nftnl_expr *e)
{
	struct regval *r = reg_get(rd, e, NFTNL_EXPR_RANGE_SREG);
	struct item *it = item_push(rd->out, ITEM_REL);
	uint32_t lo_len = 0, hi_len = 0;
	const void *lo = nftnl_expr_get(e, NFTNL_EXPR_RANGE_FROM_DATA, &lo_len);
	const void *hi = nftnl_expr_get(e, NFTNL_EXPR_RANGE_TO_DATA, &hi_len);

	if (r && r->set)
		rel_from_reg(it, r);
	it->op = nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_OP) == NFT_RANGE_NEQ ? REL_NRANGE : REL_RANGE;
	it->len = lo_len > 16 ? 16 : lo_len;
	if (lo)
		memcpy(it->val, lo, it->len);
	if (hi)
		memcpy(it->hi, hi, hi_len > 16 ? 16 : hi_len);
}

static void read_stmt(struct reader *rd, const struct nftnl_expr *e, const char *name);

static void read_lookup(struct reader *rd, const struct nftnl_expr *e)
{
	struct regval *r = reg_get(rd, e, NFTNL_EXPR_LOOKUP_SREG);
	struct item *it;
	uint32_t flags = 0;

	/* a map ("dport vmap { 22 : accept }") yields a value or a verdict:
	 * no relation, and nothing iptables can say */
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG)) {
		read_stmt(rd, e, "lookup");
		r = reg_get(rd, e, NFTNL_EXPR_LOOKUP_DREG);
		if (r) {
			memset(r, 0, sizeof(*r));
			r->set = true;
			r->sel.kind = SEL_OTHER;
		}
		return;
	}
	it = item_push(rd->out, ITEM_REL);
	if (r && r->set)
		rel_from_reg(it, r);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_FLAGS))
		flags = nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS);
	it->op = flags & NFT_LOOKUP_F_INV ? REL_NLOOKUP : REL_LOOKUP;
	it->set = nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET);
	it->expr = (struct nftnl_expr *)e;
}

static void read_immediate(struct reader *rd, const struct nftnl_expr *e)
{
	uint32_t dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG);
	struct regval *r;
	uint32_t len = 0;
	const void *data;

	if (dreg == NFT_REG_VERDICT) {
		struct item *it = item_push(rd->out, ITEM_VERDICT);

		it->verdict = (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);
		if (nftnl_expr_is_set(e, NFTNL_EXPR_IMM_CHAIN))
			it->chain = nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN);
		return;
	}
	r = reg_get(rd, e, NFTNL_EXPR_IMM_DREG);
	if (!r)
		return;
	data = nftnl_expr_get(e, NFTNL_EXPR_IMM_DATA, &len);
	memset(r, 0, sizeof(*r));
	r->set = true;
	r->is_data = true;
	r->len = len > 16 ? 16 : len;
	if (data)
		memcpy(r->data, data, r->len);
}

static void read_counter(struct reader *rd, const struct nftnl_expr *e)
{
	struct item *it = item_push(rd->out, ITEM_COUNTER);

	it->pkts = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
	it->bytes = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
}

static void read_stmt(struct reader *rd, const struct nftnl_expr *e, const char *name)
{
	struct item *it = item_push(rd->out, ITEM_STMT);

	it->expr = (struct nftnl_expr *)e;
	it->name = name;
	it->regs = xmalloc(sizeof(rd->regs));
	memcpy(it->regs, rd->regs, sizeof(rd->regs));
}

struct expr_reader_entry {
	const char *name;
	void (*read)(struct reader *rd, const struct nftnl_expr *e);
};

static const struct expr_reader_entry expr_readers[] = {
	{ "payload", read_payload },
	{ "meta", read_meta },
	{ "ct", read_ct },
	{ "exthdr", read_exthdr },
	{ "bitwise", read_bitwise },
	{ "cmp", read_cmp },
	{ "range", read_range },
	{ "lookup", read_lookup },
	{ "immediate", read_immediate },
	{ "counter", read_counter },
};

static int read_one(struct nftnl_expr *e, void *data)
{
	struct reader *rd = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(expr_readers); i++) {
		if (strcmp(name, expr_readers[i].name) == 0) {
			expr_readers[i].read(rd, e);
			return 0;
		}
	}
	if (read_other_load(rd, e, name))
		return 0;
	read_stmt(rd, e, name);
	return 0;
}

int items_from_rule(struct item_list *out, struct nftnl_rule *nr)
{
	struct reader rd;

	memset(&rd, 0, sizeof(rd));
	rd.out = out;
	return nftnl_expr_foreach(nr, read_one, &rd) < 0 ? -1 : 0;
}

void items_free(struct item_list *l)
{
	unsigned i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].regs);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

const struct aset *delin_set(struct delin_ctx *c, const struct item *it)
{
	if (!it || !it->set || !c->get_set)
		return NULL;
	return c->get_set(c->set_opaque, it->set);
}

struct item *delin_peek(struct delin_ctx *c)
{
	return c->pos < c->items->n ? &c->items->v[c->pos] : NULL;
}

bool item_is_payload(const struct item *it, uint32_t base, uint32_t off, uint32_t len)
{
	return it && it->kind == ITEM_REL && it->sel.kind == SEL_PAYLOAD &&
	       it->sel.base == base && it->sel.offset == off && it->sel.len == len;
}

bool item_is_hton(const struct item *it, uint32_t size)
{
	const struct nftnl_expr *e = it ? it->expr : NULL;

	return e && it->kind == ITEM_STMT && it->name && strcmp(it->name, "byteorder") == 0 &&
	       nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_OP) == NFT_BYTEORDER_HTON &&
	       nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_LEN) == size &&
	       nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_SIZE) == size &&
	       nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_SREG) == NFT_REG_1 &&
	       nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_DREG) == NFT_REG_1;
}

bool item_is_meta(const struct item *it, uint32_t key)
{
	return it && it->kind == ITEM_REL && it->sel.kind == SEL_META && it->sel.key == key;
}

bool item_is_ct(const struct item *it, uint32_t key)
{
	return it && it->kind == ITEM_REL && it->sel.kind == SEL_CT && it->sel.key == key;
}

const struct regval *item_reg(const struct item *it, uint32_t reg)
{
	int slot = expr_reg_slot(reg);

	if (!it || it->kind != ITEM_STMT || !it->regs || slot < 0 || !it->regs[slot].set)
		return NULL;
	return &it->regs[slot];
}

const struct regval *item_reg_attr(const struct item *it, uint16_t attr)
{
	if (!it || !it->expr || !nftnl_expr_is_set(it->expr, attr))
		return NULL;
	return item_reg(it, nftnl_expr_get_u32(it->expr, attr));
}
