/* A rule as the kernel sent it: the message's attributes, checked but not
 * copied. Reading rules this way builds no libnftnl objects for the
 * expressions the reader models itself (see expr.c); everything in it
 * points into the message, which must outlive it. */
#ifndef IPTNFT_RMSG_H
#define IPTNFT_RMSG_H

#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct nlmsghdr;
struct nftnl_rule;

struct rule_msg {
	const struct nlmsghdr *nlh;
	uint8_t family;
	const struct nlattr *tb[NFTA_RULE_MAX + 1];
};

/* libmnl's attribute getters, inline: the readers call them for every
 * attribute of every rule */
static inline uint16_t nla_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static inline uint16_t nla_paylen(const struct nlattr *a)
{
	return (uint16_t)(a->nla_len - MNL_ATTR_HDRLEN);
}

static inline const void *nla_data(const struct nlattr *a)
{
	return (const char *)a + MNL_ATTR_HDRLEN;
}

static inline uint8_t nla_u8(const struct nlattr *a)
{
	return *(const uint8_t *)nla_data(a);
}

static inline uint32_t nla_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, nla_data(a), sizeof(v));
	return v;
}

static inline uint64_t nla_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, nla_data(a), sizeof(v));
	return v;
}

static inline const char *nla_str(const struct nlattr *a)
{
	return nla_data(a);
}

/* mnl_attr_for_each_nested without libmnl's two calls per attribute:
 * every attribute nested in nest that lies whole inside it. */
static inline bool nla_fits(const struct nlattr *a, const struct nlattr *nest)
{
	const char *end = (const char *)nest + nest->nla_len;

	return (const char *)a + sizeof(*a) <= end && a->nla_len >= sizeof(*a) &&
	       a->nla_len <= (size_t)(end - (const char *)a);
}
#define nla_for_each_nested(a, nest)						\
	for ((a) = (void *)((const char *)(nest) + MNL_ATTR_HDRLEN); nla_fits((a), (nest));	\
	     (a) = (void *)((const char *)(a) + MNL_ALIGN((a)->nla_len)))

/* mnl_attr_validate's test for the types read here (NUL_STRING, U8,
 * U32, U64, NESTED, UNSPEC), without its call and table: every attribute
 * of every rule and chain read goes through it. 0 or -1. */
static inline int attr_check(const struct nlattr *a, enum mnl_attr_data_type type)
{
	uint16_t len;

	if (a->nla_len < MNL_ATTR_HDRLEN)
		return -1;
	len = nla_paylen(a);
	switch (type) {
	case MNL_TYPE_NUL_STRING:
		return len && ((const char *)nla_data(a))[len - 1] == '\0' ? 0 : -1;
	case MNL_TYPE_U8:
		return len >= 1 ? 0 : -1;
	case MNL_TYPE_U32:
		return len >= 4 ? 0 : -1;
	case MNL_TYPE_U64:
		return len >= 8 ? 0 : -1;
	case MNL_TYPE_NESTED:
		return len == 0 || len >= MNL_ATTR_HDRLEN ? 0 : -1;
	case MNL_TYPE_UNSPEC:
		return 0;
	default:
		return mnl_attr_validate(a, type);
	}
}

/* The run of attributes len bytes long at offset off from base, by
 * type into tb (types above max left out); -1 if one runs past its end.
 * Inline: the expression reader walks every expression's this way. */
static inline int attr_run(const void *base, size_t off, size_t len,
			   const struct nlattr **tb, unsigned max)
{
	const char *p = (const char *)base + off;

	while (len >= sizeof(struct nlattr)) {
		const struct nlattr *at = (const void *)p;
		size_t step = MNL_ALIGN(at->nla_len);
		unsigned type = at->nla_type & NLA_TYPE_MASK;

		if (at->nla_len < sizeof(struct nlattr) || at->nla_len > len)
			return -1;
		if (type <= max)
			tb[type] = at;
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

/* The attributes of nlh after its hdrlen bytes of header, by type into
 * tb (types above max left out): mnl_attr_parse without a call per
 * attribute. -1 if one runs past the message's end. */
int attr_table(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb,
	       unsigned max);

/* Take nlh apart: 0, or -1 when an attribute is not of its type. */
int rule_msg_parse(struct rule_msg *m, const struct nlmsghdr *nlh);
/* The string attribute (NFTA_RULE_TABLE, NFTA_RULE_CHAIN), or NULL. */
const char *rule_msg_str(const struct rule_msg *m, int attr);
/* The rule's handle, 0 if the message has none. */
uint64_t rule_msg_handle(const struct rule_msg *m);
/* The userdata bytes and their length, or NULL. */
const void *rule_msg_udata(const struct rule_msg *m, uint32_t *len);

/* A libnftnl rule made from the message, or NULL; the caller frees it. */
struct nftnl_rule *rule_msg_nftnl(const struct rule_msg *m);

#endif
