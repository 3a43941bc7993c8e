#include "expr.h"

#include <stdio.h>
#include <arpa/inet.h>
#include <endian.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <stdlib.h>
#include <string.h>

#include "aset.h"
#include "ext.h"
#include "rmsg.h"
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

void lin_objref(struct lin_ctx *c, uint32_t type, const char *name)
{
	struct nlattr *data, *elem = expr_begin(c, "objref", &data);

	put_be32(c, NFTA_OBJREF_IMM_TYPE, type);
	/* with its NUL: libnftnl writes the name without one, and reading
	 * the message back (translate, -C's canonical form) then runs into
	 * the next attribute when the name fills its 4-byte words */
	put_strz(c, NFTA_OBJREF_IMM_NAME, name);
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

/* One expression of a rule message: its name and its data attributes by
 * the kernel's numbers. e, the libnftnl object, is made only for the
 * expressions read as statements or as loads nobody models here: the
 * extensions that claim those read them through libnftnl. */
#define RX_ATTRS 8	/* the highest attribute read is 7 (NFTA_BITWISE_DATA) */

enum rx_kind {
	RX_OTHER,
	RX_PAYLOAD,
	RX_META,
	RX_CT,
	RX_EXTHDR,
	RX_BITWISE,
	RX_CMP,
	RX_RANGE,
	RX_IMMEDIATE,
	RX_COUNTER,
};

struct rx {
	enum rx_kind kind;
	const char *name;
	const struct nlattr *elem;	/* the NFTA_LIST_ELEM */
	const struct nlattr *a[RX_ATTRS];
	const struct nftnl_expr *e;
};

/* The kind of an expression by its name, len bytes with the NUL (the
 * attribute's payload): by length first, then the bytes. */
static enum rx_kind rx_kind_of(const char *name, size_t len)
{
	/* the length and a letter pick the one name to compare, each with
	 * a constant size, which the compiler compares in place */
#define RX_IS(lit, kind) (memcmp(name, lit, sizeof(lit)) == 0 ? (kind) : RX_OTHER)
	switch (len) {
	case 3: return RX_IS("ct", RX_CT);
	case 4: return RX_IS("cmp", RX_CMP);
	case 5: return RX_IS("meta", RX_META);
	case 6: return RX_IS("range", RX_RANGE);
	case 7: return RX_IS("exthdr", RX_EXTHDR);
	case 8:
		switch (name[0]) {
		case 'p': return RX_IS("payload", RX_PAYLOAD);
		case 'b': return RX_IS("bitwise", RX_BITWISE);
		case 'c': return RX_IS("counter", RX_COUNTER);
		default: return RX_OTHER;
		}
	case 10: return RX_IS("immediate", RX_IMMEDIATE);
	default: return RX_OTHER;
	}
#undef RX_IS
}

static uint32_t rx_u32(const struct rx *x, unsigned attr)
{
	const struct nlattr *a = x->a[attr];

	return a && nla_paylen(a) >= 4 ? ntohl(nla_u32(a)) : 0;
}

static uint8_t rx_u8(const struct rx *x, unsigned attr)
{
	const struct nlattr *a = x->a[attr];

	return a && nla_paylen(a) >= 1 ? nla_u8(a) : 0;
}

static uint64_t rx_u64(const struct rx *x, unsigned attr)
{
	const struct nlattr *a = x->a[attr];

	return a && nla_paylen(a) >= 8 ? be64toh(nla_u64(a)) : 0;
}

/* The NFTA_DATA_ATTR (value or verdict) nested in attribute attr. */
static const struct nlattr *rx_nested(const struct rx *x, unsigned attr, uint16_t type)
{
	const struct nlattr *a = x->a[attr], *in;

	if (!a || attr_check(a, MNL_TYPE_NESTED) < 0)
		return NULL;
	nla_for_each_nested(in, a)
		if (nla_type(in) == type)
			return in;
	return NULL;
}

/* The value nested in attribute attr (NFTA_DATA_VALUE), or NULL. */
static const void *rx_data(const struct rx *x, unsigned attr, uint32_t *len)
{
	const struct nlattr *v = rx_nested(x, attr, NFTA_DATA_VALUE);

	*len = v ? nla_paylen(v) : 0;
	return v ? nla_data(v) : NULL;
}

/* Does the expression load a register rather than act? Only such loads
 * and the relations over them are read without libnftnl. */
static bool rx_modelled(const struct rx *x)
{
	switch (x->kind) {
	case RX_PAYLOAD:
		return !x->a[NFTA_PAYLOAD_SREG];
	case RX_META:
		return x->a[NFTA_META_DREG];
	case RX_CT:
		return x->a[NFTA_CT_DREG];
	case RX_EXTHDR:
		return x->a[NFTA_EXTHDR_DREG];
	case RX_OTHER:
		return false;
	default:
		return true;
	}
}

/* The attributes nested in nest, by type, those of type >= max left
 * out; -1 if one runs past the nest's end. libmnl's parse does the same
 * through a callback and two calls per attribute: this runs for every
 * expression of every rule read. */
static int rx_nest(const struct nlattr *nest, const struct nlattr **tb, unsigned max)
{
	return attr_run(nest, MNL_ATTR_HDRLEN, nla_paylen(nest), tb, max - 1);
}

static int rx_parse(struct rx *x, const struct nlattr *elem)
{
	const struct nlattr *tb[NFTA_EXPR_MAX + 1] = { 0 };

	/* field by field: a memset of the whole is a slow "rep stos" here,
	 * and this runs for every expression of every rule read */
	memset(x->a, 0, sizeof(x->a));
	x->e = NULL;
	x->elem = elem;
	if (nla_type(elem) != NFTA_LIST_ELEM || rx_nest(elem, tb, NFTA_EXPR_MAX + 1) < 0 ||
	    !tb[NFTA_EXPR_NAME] || attr_check(tb[NFTA_EXPR_NAME], MNL_TYPE_NUL_STRING) < 0)
		return -1;
	x->name = nla_str(tb[NFTA_EXPR_NAME]);
	/* the kernel writes the name with its NUL and nothing after it */
	x->kind = rx_kind_of(x->name, nla_paylen(tb[NFTA_EXPR_NAME]));
	if (tb[NFTA_EXPR_DATA] && rx_nest(tb[NFTA_EXPR_DATA], x->a, RX_ATTRS) < 0)
		return -1;
	return 0;
}

/* One libnftnl rule made from a message holding the expressions of xs
 * that need an object (want), each given its object in turn; NULL if
 * libnftnl refuses them. The caller owns the rule. */
static struct nftnl_rule *rx_parse_objects(struct rx *xs, unsigned n, const bool *want,
					   uint8_t family)
{
	size_t size = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg)) + MNL_ATTR_HDRLEN;
	struct nftnl_expr_iter *iter;
	struct nftnl_rule *nr;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct nfgenmsg *nfg;
	char few[2048], *buf;
	unsigned i;
	bool ok;

	for (i = 0; i < n; i++)
		if (want[i])
			size += MNL_ALIGN(xs[i].elem->nla_len);
	/* zeroed bytes past the end: libnftnl copies strings up to their NUL,
	 * and libnftnl itself writes some without one (objref names) */
	if (size + 16 <= sizeof(few)) {
		buf = few;
		memset(buf, 0, size + 16);
	} else {
		buf = xzalloc(size + 16);
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nest = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	for (i = 0; i < n; i++) {
		if (!want[i])
			continue;
		memcpy(mnl_nlmsg_get_payload_tail(nlh), xs[i].elem, xs[i].elem->nla_len);
		nlh->nlmsg_len += MNL_ALIGN(xs[i].elem->nla_len);
	}
	mnl_attr_nest_end(nlh, nest);
	nr = nftnl_rule_alloc();
	if (!nr)
		out_of_memory();
	iter = NULL;
	ok = nftnl_rule_nlmsg_parse(nlh, nr) >= 0 && (iter = nftnl_expr_iter_create(nr));
	for (i = 0; i < n && ok; i++) {
		if (!want[i])
			continue;
		xs[i].e = nftnl_expr_iter_next(iter);
		ok = xs[i].e != NULL;
	}
	if (iter)
		nftnl_expr_iter_destroy(iter);
	if (buf != few)
		free(buf);
	if (!ok) {
		for (i = 0; i < n; i++)
			if (want[i])
				xs[i].e = NULL;
		nftnl_rule_free(nr);
		return NULL;
	}
	return nr;
}

/* Statement expressions of a dump, each read through libnftnl once: a
 * table of their bytes (family first) to the object made of them. The
 * rules of a large ruleset repeat few distinct statements (kube-proxy's
 * 20k services: the same MARK, masquerade and nat expressions, the
 * addresses and ports being in immediates read without libnftnl). Open
 * addressing; once full it takes no more, so memory stays bounded. */
#define XCACHE_SLOTS 1024
#define XCACHE_FILL 768
#define XCACHE_KEY_MAX 512

struct xentry {
	uint32_t hash;
	uint16_t len;		/* of key; 0: free slot */
	uint8_t *key;		/* family, then the NFTA_LIST_ELEM's bytes */
	struct nftnl_rule *owner;
	const struct nftnl_expr *e;
};

/* the matches last looked up by name */
#define XCACHE_NAMES 8
struct xname {
	char name[16];
	uint8_t family;
	const struct extension *ext;
};

struct xcache {
	unsigned n;
	struct xentry slot[XCACHE_SLOTS];
	struct xname names[XCACHE_NAMES];
	unsigned next_name;
};

const struct extension *xcache_match(struct xcache *xc, const char *name, uint8_t family)
{
	const struct extension *ext;
	struct xname *xn;
	unsigned i;

	if (!xc)
		return ext_find(name, EXT_MATCH, family);
	for (i = 0; i < XCACHE_NAMES; i++) {
		xn = &xc->names[i];
		if (xn->name[0] == name[0] && xn->family == family && strcmp(xn->name, name) == 0)
			return xn->ext;
	}
	ext = ext_find(name, EXT_MATCH, family);
	if (name[0] && strlen(name) < sizeof(xn->name)) {
		xn = &xc->names[xc->next_name++ % XCACHE_NAMES];
		strcpy(xn->name, name);
		xn->family = family;
		xn->ext = ext;
	}
	return ext;
}

struct xcache *xcache_new(void)
{
	return xzalloc(sizeof(struct xcache));
}

void xcache_free(struct xcache *xc)
{
	unsigned i;

	if (!xc)
		return;
	for (i = 0; i < XCACHE_SLOTS; i++) {
		if (!xc->slot[i].len)
			continue;
		free(xc->slot[i].key);
		nftnl_rule_free(xc->slot[i].owner);
	}
	free(xc);
}

/* x's object from the cache, made and kept on a miss while there is
 * room; NULL when there is none (the caller reads x with the rule). */
static const struct nftnl_expr *xcache_get(struct xcache *xc, struct rx *x, uint8_t family)
{
	size_t len = x->elem->nla_len;
	uint32_t h = name_hash((const char *)x->elem, len) ^ family;
	unsigned i = h & (XCACHE_SLOTS - 1);
	struct xentry *se;
	bool want = true;

	/* large ones (xt blobs) are read with their rule: the cache holds
	 * at most XCACHE_FILL * XCACHE_KEY_MAX bytes of keys */
	if (len > XCACHE_KEY_MAX)
		return NULL;
	for (;; i = (i + 1) & (XCACHE_SLOTS - 1)) {
		se = &xc->slot[i];
		if (!se->len)
			break;
		if (se->hash == h && se->len == len + 1 && se->key[0] == family &&
		    memcmp(se->key + 1, x->elem, len) == 0)
			return se->e;
	}
	if (xc->n >= XCACHE_FILL)
		return NULL;
	se->owner = rx_parse_objects(x, 1, &want, family);
	if (!se->owner)
		return NULL;
	se->key = xmalloc(len + 1);
	se->key[0] = family;
	memcpy(se->key + 1, x->elem, len);
	se->len = (uint16_t)(len + 1);
	se->hash = h;
	se->e = x->e;
	xc->n++;
	return se->e;
}

/* Give the expressions that need one their libnftnl object: from the
 * cache, or made by one parse of a message holding the rest, which the
 * list then owns. */
static int rx_objects(struct item_list *out, struct rx *xs, unsigned n, uint8_t family,
		      struct xcache *xc)
{
	bool few[32], *want = n <= ARRAY_SIZE(few) ? few : xmalloc(n * sizeof(*want));
	unsigned i, need = 0;
	int ret = 0;

	for (i = 0; i < n; i++) {
		want[i] = false;
		if (rx_modelled(&xs[i]))
			continue;
		if (xc && (xs[i].e = xcache_get(xc, &xs[i], family)))
			continue;
		want[i] = true;
		need++;
	}
	if (need) {
		out->owned = rx_parse_objects(xs, n, want, family);
		if (!out->owned)
			ret = -1;
	}
	if (want != few)
		free(want);
	return ret;
}

struct reader {
	struct item_list *out;
	struct regval regs[NREGS];
};

static struct item *item_push(struct item_list *l, enum item_kind kind)
{
	struct item *it;

	if (l->n == l->cap) {
		unsigned cap = l->cap ? l->cap * 2 : 16;

		if (l->v_heap || !l->v) {
			l->v = xrealloc(l->v, cap * sizeof(*l->v));
		} else {
			l->v = memcpy(xmalloc(cap * sizeof(*l->v)), l->v, l->n * sizeof(*l->v));
		}
		l->v_heap = true;
		l->cap = cap;
	}
	it = &l->v[l->n++];
	/* zeroed in place: memset's call and dispatch cost more than the
	 * stores of an item */
	*it = (struct item){ .kind = kind };
	return it;
}

static struct regval *reg_at(struct reader *rd, uint32_t reg)
{
	int slot = expr_reg_slot(reg);

	return slot < 0 ? NULL : &rd->regs[slot];
}

static void reg_load(struct reader *rd, uint32_t dreg, const struct selector *sel, uint32_t len)
{
	struct regval *r = reg_at(rd, dreg);

	if (!r)
		return;
	memset(r, 0, sizeof(*r));
	r->set = true;
	r->sel = *sel;
	r->len = len;
}

/* The registers as a statement sees them, kept in the list's array;
 * returns where. */
static unsigned regs_snapshot(struct item_list *l, const struct regval *regs)
{
	unsigned i;

	if (l->nregs + NREGS > l->regs_cap) {
		unsigned cap = l->regs_cap ? l->regs_cap * 2 : 2 * NREGS;

		if (l->regs_heap || !l->regs)
			l->regs = xrealloc(l->regs, cap * sizeof(*l->regs));
		else
			l->regs = memcpy(xmalloc(cap * sizeof(*l->regs)), l->regs,
					 l->nregs * sizeof(*l->regs));
		l->regs_heap = true;
		l->regs_cap = cap;
	}
	/* only the registers in use: a whole copy is kilobytes a statement,
	 * and readers look at no register that is not set */
	for (i = 0; i < NREGS; i++) {
		if (regs[i].set)
			l->regs[l->nregs + i] = regs[i];
		else
			l->regs[l->nregs + i].set = false;
	}
	l->nregs += NREGS;
	return l->nregs - NREGS;
}

static void read_stmt(struct reader *rd, const struct rx *x)
{
	struct item *it = item_push(rd->out, ITEM_STMT);

	it->expr = x->e;
	it->name = x->name;
	/* the array may still move: items_from_msg sets regs at the end */
	it->regs_ix = regs_snapshot(rd->out, rd->regs) + 1;
}

static void read_payload(struct reader *rd, const struct rx *x)
{
	struct selector s = { .kind = SEL_PAYLOAD, .dir = -1 };

	s.base = (uint8_t)rx_u32(x, NFTA_PAYLOAD_BASE);
	s.offset = rx_u32(x, NFTA_PAYLOAD_OFFSET);
	s.len = rx_u32(x, NFTA_PAYLOAD_LEN);
	reg_load(rd, rx_u32(x, NFTA_PAYLOAD_DREG), &s, s.len);
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

static void read_meta(struct reader *rd, const struct rx *x)
{
	struct selector s = { .kind = SEL_META, .dir = -1 };

	s.key = rx_u32(x, NFTA_META_KEY);
	s.len = meta_key_len(s.key);
	reg_load(rd, rx_u32(x, NFTA_META_DREG), &s, s.len);
}

static void read_ct(struct reader *rd, const struct rx *x)
{
	struct selector s = { .kind = SEL_CT, .dir = -1 };

	s.key = rx_u32(x, NFTA_CT_KEY);
	if (x->a[NFTA_CT_DIRECTION])
		s.dir = (int8_t)rx_u8(x, NFTA_CT_DIRECTION);
	s.len = 4;
	reg_load(rd, rx_u32(x, NFTA_CT_DREG), &s, s.len);
}

static void read_exthdr(struct reader *rd, const struct rx *x)
{
	struct selector s = { .kind = SEL_EXTHDR, .dir = -1 };

	s.base = (uint8_t)rx_u32(x, NFTA_EXTHDR_OP);
	s.key = rx_u8(x, NFTA_EXTHDR_TYPE);
	s.offset = rx_u32(x, NFTA_EXTHDR_OFFSET);
	s.len = rx_u32(x, NFTA_EXTHDR_LEN);
	if (x->a[NFTA_EXTHDR_FLAGS])
		s.flags = rx_u32(x, NFTA_EXTHDR_FLAGS);
	reg_load(rd, rx_u32(x, NFTA_EXTHDR_DREG), &s, s.len);
}

/* A value wider than its first selector spans the next register: note
 * the selector found there (two ct keys tested as one, say). */
static void concat_check(struct reader *rd, uint32_t reg, uint32_t len, struct regval *v)
{
	int slot = expr_reg_slot(reg);

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
		reg_load(rd, nftnl_expr_get_u32(e, other_loads[i].dreg), &s, s.len);
		return true;
	}
	return false;
}

static void read_bitwise(struct reader *rd, const struct rx *x)
{
	uint32_t sreg = rx_u32(x, NFTA_BITWISE_SREG);
	struct regval *src = reg_at(rd, sreg);
	struct regval *dst = reg_at(rd, rx_u32(x, NFTA_BITWISE_DREG));
	uint32_t len, mlen = 0, xlen = 0;
	const void *mask, *xor;
	struct regval v;

	if (!src || !dst || !src->set)
		return;
	if (x->a[NFTA_BITWISE_OP] && rx_u32(x, NFTA_BITWISE_OP) != NFT_BITWISE_BOOL) {
		memset(dst, 0, sizeof(*dst));
		dst->set = true;
		dst->sel.kind = SEL_OTHER;
		return;
	}
	len = rx_u32(x, NFTA_BITWISE_LEN);
	mask = rx_data(x, NFTA_BITWISE_MASK, &mlen);
	xor = rx_data(x, NFTA_BITWISE_XOR, &xlen);
	v = *src;
	if (len > 16)
		len = 16;
	concat_check(rd, sreg, len, &v);
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

static bool sel_same(const struct selector *a, const struct selector *b)
{
	return a->kind == b->kind && a->kind != SEL_NONE && a->kind != SEL_OTHER &&
	       a->base == b->base && a->dir == b->dir && a->key == b->key &&
	       a->offset == b->offset && a->len == b->len && a->flags == b->flags;
}

static bool same_byteorder(const struct item *a, const struct item *b)
{
	static const uint16_t attrs[] = {
		NFTNL_EXPR_BYTEORDER_SREG, NFTNL_EXPR_BYTEORDER_DREG, NFTNL_EXPR_BYTEORDER_OP,
		NFTNL_EXPR_BYTEORDER_LEN, NFTNL_EXPR_BYTEORDER_SIZE,
	};
	size_t i;

	if (a->kind != ITEM_STMT || b->kind != ITEM_STMT || !a->expr || !b->expr ||
	    !a->name || !b->name || strcmp(a->name, "byteorder") || strcmp(b->name, "byteorder"))
		return false;
	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		if (nftnl_expr_get_u32(a->expr, attrs[i]) != nftnl_expr_get_u32(b->expr, attrs[i]))
			return false;
	return true;
}

/* A field >= lo, then <= hi: one range. nft writes every range "x
 * 67-69" so, on one load, and "x ge 200 x le 100", on two, is how
 * iptnft's translation writes a range whose ends are reversed, which nft
 * refuses as a range: both are read as the range iptables wrote. A field
 * turned to network order first has its byteorder statement before each
 * relation of the second form; the second goes. */
static void join_range(struct item_list *l)
{
	struct item *lo, *hi = &l->v[l->n - 1];
	unsigned drop = 1;

	if (l->n >= 4 && same_byteorder(&l->v[l->n - 2], &l->v[l->n - 4])) {
		lo = &l->v[l->n - 3];
		drop = 2;
	} else if (l->n >= 2) {
		lo = &l->v[l->n - 2];
	} else {
		return;
	}
	if (lo->kind != ITEM_REL || lo->op != REL_GTE || hi->op != REL_LTE || lo->masked ||
	    hi->masked || lo->concat || hi->concat || lo->len != hi->len ||
	    !sel_same(&lo->sel, &hi->sel))
		return;
	lo->op = REL_RANGE;
	memcpy(lo->hi, hi->val, sizeof(lo->hi));
	l->n -= drop;
}

static void read_cmp(struct reader *rd, const struct rx *x)
{
	uint32_t sreg = rx_u32(x, NFTA_CMP_SREG);
	struct regval *r = reg_at(rd, sreg);
	struct item *it = item_push(rd->out, ITEM_REL);
	uint32_t len = 0;
	const void *data = rx_data(x, NFTA_CMP_DATA, &len);

	if (r && r->set) {
		struct regval v = *r;

		concat_check(rd, sreg, len, &v);
		rel_from_reg(it, &v);
	}
	switch (rx_u32(x, NFTA_CMP_OP)) {
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
	if (it->op == REL_LTE)
		join_range(rd->out);
}

static void read_range(struct reader *rd, const struct rx *x)
{
	struct regval *r = reg_at(rd, rx_u32(x, NFTA_RANGE_SREG));
	struct item *it = item_push(rd->out, ITEM_REL);
	uint32_t lo_len = 0, hi_len = 0;
	const void *lo = rx_data(x, NFTA_RANGE_FROM_DATA, &lo_len);
	const void *hi = rx_data(x, NFTA_RANGE_TO_DATA, &hi_len);

	if (r && r->set)
		rel_from_reg(it, r);
	it->op = rx_u32(x, NFTA_RANGE_OP) == NFT_RANGE_NEQ ? REL_NRANGE : REL_RANGE;
	it->len = lo_len > 16 ? 16 : lo_len;
	if (lo)
		memcpy(it->val, lo, it->len);
	if (hi)
		memcpy(it->hi, hi, hi_len > 16 ? 16 : hi_len);
}

static void read_lookup(struct reader *rd, const struct rx *x)
{
	const struct nftnl_expr *e = x->e;
	struct regval *r = reg_at(rd, nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_SREG));
	struct item *it;
	uint32_t flags = 0;

	/* a map ("dport vmap { 22 : accept }") yields a value or a verdict:
	 * no relation, and nothing iptables can say */
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG)) {
		read_stmt(rd, x);
		r = reg_at(rd, nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG));
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
	it->expr = x->e;
}

static void read_immediate(struct reader *rd, const struct rx *x)
{
	uint32_t dreg = rx_u32(x, NFTA_IMMEDIATE_DREG);
	const struct nlattr *verdict, *in;
	struct regval *r;
	uint32_t len = 0;
	const void *data;

	if (dreg == NFT_REG_VERDICT) {
		struct item *it = item_push(rd->out, ITEM_VERDICT);

		verdict = rx_nested(x, NFTA_IMMEDIATE_DATA, NFTA_DATA_VERDICT);
		if (!verdict || attr_check(verdict, MNL_TYPE_NESTED) < 0)
			return;
		nla_for_each_nested(in, verdict) {
			if (nla_type(in) == NFTA_VERDICT_CODE &&
			    attr_check(in, MNL_TYPE_U32) == 0)
				it->verdict = (int)ntohl(nla_u32(in));
			else if (nla_type(in) == NFTA_VERDICT_CHAIN &&
				 attr_check(in, MNL_TYPE_NUL_STRING) == 0)
				it->chain = nla_str(in);
		}
		return;
	}
	r = reg_at(rd, dreg);
	if (!r)
		return;
	data = rx_data(x, NFTA_IMMEDIATE_DATA, &len);
	memset(r, 0, sizeof(*r));
	r->set = true;
	r->is_data = true;
	r->len = len > 16 ? 16 : len;
	if (data)
		memcpy(r->data, data, r->len);
}

static void read_counter(struct reader *rd, const struct rx *x)
{
	struct item *it = item_push(rd->out, ITEM_COUNTER);

	it->pkts = rx_u64(x, NFTA_COUNTER_PACKETS);
	it->bytes = rx_u64(x, NFTA_COUNTER_BYTES);
}

static void read_one(struct reader *rd, const struct rx *x)
{
	switch (x->kind) {
	case RX_PAYLOAD:
		if (x->e)
			read_stmt(rd, x);	/* a payload write */
		else
			read_payload(rd, x);
		return;
	case RX_META:
		if (x->e)
			read_stmt(rd, x);	/* meta ... set */
		else
			read_meta(rd, x);
		return;
	case RX_CT:
		if (x->e)
			read_stmt(rd, x);	/* ct ... set */
		else
			read_ct(rd, x);
		return;
	case RX_EXTHDR:
		/* an exthdr write (tcp option maxseg size set ...) or reset
		 * (reset tcp option sack-perm) is a statement, like a payload
		 * write */
		if (x->e)
			read_stmt(rd, x);
		else
			read_exthdr(rd, x);
		return;
	case RX_BITWISE:
		read_bitwise(rd, x);
		return;
	case RX_CMP:
		read_cmp(rd, x);
		return;
	case RX_RANGE:
		read_range(rd, x);
		return;
	case RX_IMMEDIATE:
		read_immediate(rd, x);
		return;
	case RX_COUNTER:
		read_counter(rd, x);
		return;
	case RX_OTHER:
		break;
	}
	if (strcmp(x->name, "lookup") == 0)
		read_lookup(rd, x);
	else if (!read_other_load(rd, x->e, x->name))
		read_stmt(rd, x);
}

int items_from_msg(struct item_list *out, const struct rule_msg *m, struct xcache *xc)
{
	const struct nlattr *exprs = m->tb[NFTA_RULE_EXPRESSIONS], *elem;
	struct rx few[32], *xs = few;
	unsigned n = 0, cap = ARRAY_SIZE(few), i;
	struct reader rd;
	int ret = 0;

	if (!exprs)
		return 0;
	nla_for_each_nested(elem, exprs) {
		if (n == cap) {
			cap *= 2;
			xs = xs == few ? memcpy(xmalloc(cap * sizeof(*xs)), few, sizeof(few)) :
					 xrealloc(xs, cap * sizeof(*xs));
		}
		if (rx_parse(&xs[n++], elem) < 0) {
			ret = -1;
			break;
		}
	}
	if (ret == 0)
		ret = rx_objects(out, xs, n, m->family, xc);
	if (ret == 0) {
		/* every write to a register writes all of it: only the
		 * flags need clearing (a memset of the whole costs more than
		 * the rest of a short rule's reading) */
		for (i = 0; i < NREGS; i++)
			rd.regs[i].set = false;
		rd.out = out;
		for (i = 0; i < n; i++)
			read_one(&rd, &xs[i]);
		for (i = 0; i < out->n; i++)
			if (out->v[i].regs_ix)
				out->v[i].regs = &out->regs[out->v[i].regs_ix - 1];
	}
	if (xs != few)
		free(xs);
	return ret;
}

bool items_all_native(const struct rule_msg *m)
{
	const struct nlattr *exprs = m->tb[NFTA_RULE_EXPRESSIONS], *elem;
	struct rx x;

	if (exprs)
		nla_for_each_nested(elem, exprs)
			if (rx_parse(&x, elem) == 0 && !rx_modelled(&x))
				return false;
	return true;
}

void items_init(struct item_list *l, struct item *few, unsigned nfew, struct regval *regs,
		unsigned nregs)
{
	memset(l, 0, sizeof(*l));
	l->v = few;
	l->cap = few ? nfew : 0;
	l->regs = regs;
	l->regs_cap = regs ? nregs : 0;
}

void items_free(struct item_list *l)
{
	if (l->v_heap)
		free(l->v);
	if (l->regs_heap)
		free(l->regs);
	if (l->owned)
		nftnl_rule_free(l->owned);
	l->v = NULL;
	l->owned = NULL;
	l->regs = NULL;
	l->n = l->cap = l->nregs = l->regs_cap = 0;
	l->v_heap = l->regs_heap = false;
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
