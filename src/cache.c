#include "cache.h"

#include <stdio.h>
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <stdlib.h>
#include <string.h>

#include "rmsg.h"
#include "util.h"

int cache_get_table(struct nlk *nl, uint8_t family, const char *table)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	int ret;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
	nlh = nlk_request(nl, buf, NFT_MSG_GETTABLE, family, NLM_F_ACK);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	ret = nlk_query(nl, nlh, NULL, NULL);
	return ret;
}

struct chain_attrs {
	const struct nlattr *tb[NFTA_CHAIN_MAX + 1];
};

static enum mnl_attr_data_type chain_attr_type(unsigned type)
{
	switch (type) {
	case NFTA_CHAIN_TABLE:
	case NFTA_CHAIN_NAME:
	case NFTA_CHAIN_TYPE:
		return MNL_TYPE_NUL_STRING;
	case NFTA_CHAIN_HANDLE:
		return MNL_TYPE_U64;
	case NFTA_CHAIN_POLICY:
	case NFTA_CHAIN_USE:
		return MNL_TYPE_U32;
	case NFTA_CHAIN_HOOK:
	case NFTA_CHAIN_COUNTERS:
		return MNL_TYPE_NESTED;
	default:
		return MNL_TYPE_UNSPEC;
	}
}

/* The u32 (u64) attribute of type want nested in nest, or def. */
static uint64_t nested_uint(const struct nlattr *nest, uint16_t want, bool wide, uint64_t def)
{
	const struct nlattr *a;

	if (!nest)
		return def;
	mnl_attr_for_each_nested(a, nest) {
		if (nla_type(a) != want)
			continue;
		if (wide && attr_check(a, MNL_TYPE_U64) == 0)
			return be64toh(nla_u64(a));
		if (!wide && attr_check(a, MNL_TYPE_U32) == 0)
			return ntohl(nla_u32(a));
	}
	return def;
}

static bool nested_has(const struct nlattr *nest, uint16_t want)
{
	const struct nlattr *a;

	if (nest)
		mnl_attr_for_each_nested(a, nest)
			if (nla_type(a) == want)
				return true;
	return false;
}

/* A chain message read into ci, read directly (no libnftnl object: a
 * table can have tens of thousands of chains); its table's name goes to
 * *table. -1 if the message is not a chain's. */
static int chain_info_parse(struct chain_info *ci, const struct nlmsghdr *nlh,
			    const char **table)
{
	struct chain_attrs ca = { 0 };
	const struct nlattr *hook;
	unsigned i;

	memset(ci, 0, sizeof(*ci));
	if (attr_table(nlh, sizeof(struct nfgenmsg), ca.tb, NFTA_CHAIN_MAX) < 0)
		return -1;
	for (i = 0; i <= NFTA_CHAIN_MAX; i++)
		if (ca.tb[i] && attr_check(ca.tb[i], chain_attr_type(i)) < 0)
			return -1;
	*table = ca.tb[NFTA_CHAIN_TABLE] ? nla_str(ca.tb[NFTA_CHAIN_TABLE]) : NULL;
	if (ca.tb[NFTA_CHAIN_NAME])
		str_copy(ci->name, sizeof(ci->name), nla_str(ca.tb[NFTA_CHAIN_NAME]),
			 sizeof(ci->name));
	if (ca.tb[NFTA_CHAIN_HANDLE])
		ci->handle = be64toh(nla_u64(ca.tb[NFTA_CHAIN_HANDLE]));
	hook = ca.tb[NFTA_CHAIN_HOOK];
	if (nested_has(hook, NFTA_HOOK_HOOKNUM)) {
		ci->base = true;
		ci->hook = (uint32_t)nested_uint(hook, NFTA_HOOK_HOOKNUM, false, 0);
		ci->prio = (int32_t)(uint32_t)nested_uint(hook, NFTA_HOOK_PRIORITY, false, 0);
		str_copy(ci->type, sizeof(ci->type),
			 ca.tb[NFTA_CHAIN_TYPE] ? nla_str(ca.tb[NFTA_CHAIN_TYPE]) : "filter",
			 sizeof(ci->type));
		ci->policy = ca.tb[NFTA_CHAIN_POLICY] ?
			     ntohl(nla_u32(ca.tb[NFTA_CHAIN_POLICY])) : 1;
	}
	if (nested_has(ca.tb[NFTA_CHAIN_COUNTERS], NFTA_COUNTER_PACKETS)) {
		ci->pkts = nested_uint(ca.tb[NFTA_CHAIN_COUNTERS], NFTA_COUNTER_PACKETS, true, 0);
		ci->bytes = nested_uint(ca.tb[NFTA_CHAIN_COUNTERS], NFTA_COUNTER_BYTES, true, 0);
	}
	if (ca.tb[NFTA_CHAIN_USE])
		ci->use = ntohl(nla_u32(ca.tb[NFTA_CHAIN_USE]));
	return 0;
}

static int one_chain_cb(const struct nlmsghdr *nlh, void *data)
{
	const char *table;

	chain_info_parse(data, nlh, &table);
	return MNL_CB_OK;
}

/* GETCHAIN of table's chain name, or (name NULL) a dump of all its
 * chains; each answer to cb. */
static int chain_query(struct nlk *nl, uint8_t family, const char *table, const char *name,
		       mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		out_of_memory();
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	if (name)
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nlh = nlk_request(nl, buf, NFT_MSG_GETCHAIN, family, name ? NLM_F_ACK : NLM_F_DUMP);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return nlk_query(nl, nlh, cb, data);
}

int cache_get_chain(struct nlk *nl, uint8_t family, const char *table, const char *name,
		    struct chain_info *out)
{
	return chain_query(nl, family, table, name, one_chain_cb, out);
}

struct list_ctx {
	struct chain_list *out;
	const char *table;
};

static int list_chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_ctx *lc = data;
	struct chain_list *l = lc->out;
	const char *t;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	if (chain_info_parse(&l->v[l->n], nlh, &t) == 0 && t && strcmp(t, lc->table) == 0)
		l->n++;
	return MNL_CB_OK;
}

int cache_list_chains(struct nlk *nl, uint8_t family, const char *table,
		      struct chain_list *out)
{
	struct list_ctx lc = { out, table };

	memset(out, 0, sizeof(*out));
	return chain_query(nl, family, table, NULL, list_chain_cb, &lc);
}

void chain_list_free(struct chain_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

struct rule_walk {
	rule_cb cb;
	void *data;
	int stop;
};

static int rule_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rule_walk *w = data;
	struct rule_msg m;

	if (w->stop)
		return MNL_CB_STOP;
	if (rule_msg_parse(&m, nlh) == 0)
		w->stop = w->cb(&m, w->data);
	/* the walk has what it wanted: leave the rest of the dump unbuilt */
	return w->stop ? MNL_CB_STOP : MNL_CB_OK;
}

/* GETRULE (flags: NLM_F_DUMP or NLM_F_ACK) of what r names, each rule
 * answered to cb as cache_dump_rules says; frees r. */
static int rule_query(struct nlk *nl, uint8_t family, struct nftnl_rule *r, uint16_t flags,
		      rule_cb cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rule_walk w = { cb, data, 0 };
	struct nlmsghdr *nlh;
	int ret;

	nlh = nlk_request(nl, buf, NFT_MSG_GETRULE, family, flags);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	ret = nlk_query(nl, nlh, rule_dump_cb, &w);
	return ret < 0 ? ret : w.stop;
}

/* A rule request of table's chain (NULL: every chain). */
static struct nftnl_rule *rule_in(const char *table, const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		out_of_memory();
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	if (chain)
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	return r;
}

int cache_dump_rules(struct nlk *nl, uint8_t family, const char *table, const char *chain,
		     rule_cb cb, void *data)
{
	return rule_query(nl, family, rule_in(table, chain), NLM_F_DUMP, cb, data);
}

int cache_get_rule(struct nlk *nl, uint8_t family, const char *table, const char *chain,
		   uint64_t handle, rule_cb cb, void *data)
{
	struct nftnl_rule *r = rule_in(table, chain);

	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	return rule_query(nl, family, r, NLM_F_ACK, cb, data);
}
