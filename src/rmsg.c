#include "rmsg.h"

#include <endian.h>
#include <libmnl/libmnl.h>
#include <libnftnl/rule.h>
#include <linux/netfilter/nfnetlink.h>
#include <string.h>

int attr_table(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb,
	       unsigned max)
{
	size_t off = MNL_NLMSG_HDRLEN + MNL_ALIGN(hdrlen);

	if (nlh->nlmsg_len < off)
		return -1;
	return attr_run(nlh, off, nlh->nlmsg_len - off, tb, max);
}

/* The type each attribute of a rule must have; a newer one is not ours
 * to read */
static enum mnl_attr_data_type rule_attr_type(unsigned type)
{
	switch (type) {
	case NFTA_RULE_TABLE:
	case NFTA_RULE_CHAIN:
		return MNL_TYPE_NUL_STRING;
	case NFTA_RULE_HANDLE:
	case NFTA_RULE_POSITION:
		return MNL_TYPE_U64;
	case NFTA_RULE_EXPRESSIONS:
	case NFTA_RULE_COMPAT:
		return MNL_TYPE_NESTED;
	case NFTA_RULE_ID:
	case NFTA_RULE_POSITION_ID:
		return MNL_TYPE_U32;
	default:
		return MNL_TYPE_UNSPEC;
	}
}

int rule_msg_parse(struct rule_msg *m, const struct nlmsghdr *nlh)
{
	const struct nfgenmsg *nfg;
	unsigned i;

	memset(m, 0, sizeof(*m));
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfg)))
		return -1;
	nfg = mnl_nlmsg_get_payload(nlh);
	m->nlh = nlh;
	m->family = nfg->nfgen_family;
	if (attr_table(nlh, sizeof(*nfg), m->tb, NFTA_RULE_MAX) < 0)
		return -1;
	for (i = 0; i <= NFTA_RULE_MAX; i++)
		if (m->tb[i] && attr_check(m->tb[i], rule_attr_type(i)) < 0)
			return -1;
	return 0;
}

const char *rule_msg_str(const struct rule_msg *m, int attr)
{
	return m->tb[attr] ? nla_str(m->tb[attr]) : NULL;
}

uint64_t rule_msg_handle(const struct rule_msg *m)
{
	return m->tb[NFTA_RULE_HANDLE] ? be64toh(nla_u64(m->tb[NFTA_RULE_HANDLE])) : 0;
}

const void *rule_msg_udata(const struct rule_msg *m, uint32_t *len)
{
	if (!m->tb[NFTA_RULE_USERDATA])
		return NULL;
	*len = nla_paylen(m->tb[NFTA_RULE_USERDATA]);
	return nla_data(m->tb[NFTA_RULE_USERDATA]);
}

struct nftnl_rule *rule_msg_nftnl(const struct rule_msg *m)
{
	struct nftnl_rule *nr = nftnl_rule_alloc();

	if (nr && nftnl_rule_nlmsg_parse(m->nlh, nr) < 0) {
		nftnl_rule_free(nr);
		nr = NULL;
	}
	return nr;
}
