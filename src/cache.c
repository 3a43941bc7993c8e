#include "cache.h"

#include <stdio.h>
#include <errno.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <stdlib.h>
#include <string.h>

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

static void chain_info_from(struct chain_info *ci, const struct nftnl_chain *c)
{
	const char *s;

	memset(ci, 0, sizeof(*ci));
	s = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
	snprintf(ci->name, sizeof(ci->name), "%s", s ? s : "");
	ci->handle = nftnl_chain_get_u64(c, NFTNL_CHAIN_HANDLE);
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
		ci->base = true;
		ci->hook = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
		ci->prio = nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
		s = nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE);
		snprintf(ci->type, sizeof(ci->type), "%s", s ? s : "filter");
		ci->policy = nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) ?
			     nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) : 1;
	}
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_PACKETS)) {
		ci->pkts = nftnl_chain_get_u64(c, NFTNL_CHAIN_PACKETS);
		ci->bytes = nftnl_chain_get_u64(c, NFTNL_CHAIN_BYTES);
	}
	ci->use = nftnl_chain_get_u32(c, NFTNL_CHAIN_USE);
}

static int one_chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) == 0)
		chain_info_from(data, c);
	nftnl_chain_free(c);
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
	struct nftnl_chain *c = nftnl_chain_alloc();
	const char *t;

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) == 0) {
		t = nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE);
		if (t && strcmp(t, lc->table) == 0) {
			if (l->n == l->cap) {
				l->cap = l->cap ? l->cap * 2 : 16;
				l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
			}
			chain_info_from(&l->v[l->n++], c);
		}
	}
	nftnl_chain_free(c);
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
	struct nftnl_rule *r;

	if (w->stop)
		return MNL_CB_STOP;
	r = nftnl_rule_alloc();
	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) == 0)
		w->stop = w->cb(r, w->data);
	nftnl_rule_free(r);
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
