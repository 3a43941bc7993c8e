#include "rmsg.h"

#include <endian.h>
#include <libmnl/libmnl.h>
#include <libnftnl/rule.h>
#include <linux/netfilter/nfnetlink.h>
#include <string.h>

static int rule_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);
	enum mnl_attr_data_type want;

	if (mnl_attr_type_valid(attr, NFTA_RULE_MAX) < 0)
		return MNL_CB_OK;	/* newer than us: not ours to read */
	switch (type) {
	case NFTA_RULE_TABLE:
	case NFTA_RULE_CHAIN:
		want = MNL_TYPE_NUL_STRING;
		break;
	case NFTA_RULE_HANDLE:
	case NFTA_RULE_POSITION:
		want = MNL_TYPE_U64;
		break;
	case NFTA_RULE_EXPRESSIONS:
	case NFTA_RULE_COMPAT:
		want = MNL_TYPE_NESTED;
		break;
	case NFTA_RULE_ID:
	case NFTA_RULE_POSITION_ID:
		want = MNL_TYPE_U32;
		break;
	default:
		want = MNL_TYPE_UNSPEC;
		break;
	}
	if (mnl_attr_validate(attr, want) < 0)
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

int rule_msg_parse(struct rule_msg *m, const struct nlmsghdr *nlh)
{
	const struct nfgenmsg *nfg;

	memset(m, 0, sizeof(*m));
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfg)))
		return -1;
	nfg = mnl_nlmsg_get_payload(nlh);
	m->nlh = nlh;
	m->family = nfg->nfgen_family;
	if (mnl_attr_parse(nlh, sizeof(*nfg), rule_attr_cb, m->tb) < 0)
		return -1;
	return 0;
}

const char *rule_msg_str(const struct rule_msg *m, int attr)
{
	return m->tb[attr] ? mnl_attr_get_str(m->tb[attr]) : NULL;
}

uint64_t rule_msg_handle(const struct rule_msg *m)
{
	return m->tb[NFTA_RULE_HANDLE] ? be64toh(mnl_attr_get_u64(m->tb[NFTA_RULE_HANDLE])) : 0;
}

const void *rule_msg_udata(const struct rule_msg *m, uint32_t *len)
{
	if (!m->tb[NFTA_RULE_USERDATA])
		return NULL;
	*len = mnl_attr_get_payload_len(m->tb[NFTA_RULE_USERDATA]);
	return mnl_attr_get_payload(m->tb[NFTA_RULE_USERDATA]);
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
