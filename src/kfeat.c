#include "kfeat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nlk.h"
#include "util.h"

#define PROBE_TABLE "iptnft-probe"
#define PROBE_CHAIN "probe"

/* The expression whose presence the feature is. */
static struct nftnl_expr *feature_expr(enum kfeat_id id)
{
	struct nftnl_expr *e = NULL;

	switch (id) {
	case KF_QUEUE:
		e = nftnl_expr_alloc("queue");
		if (e)
			nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_NUM, 0);
		break;
	case KF_MAX:
		break;
	}
	if (!e)
		out_of_memory();
	return e;
}

static void probe_object(struct batch *b, uint16_t type, uint8_t family, void *obj,
			 void (*build)(struct nlmsghdr *, void *), uint16_t flags, int tag)
{
	build(batch_msg(b, type, family, flags, tag), obj);
	batch_done(b);
}

static void build_table(struct nlmsghdr *nlh, void *t)
{
	nftnl_table_nlmsg_build_payload(nlh, t);
}

static void build_chain(struct nlmsghdr *nlh, void *c)
{
	nftnl_chain_nlmsg_build_payload(nlh, c);
}

static void build_rule(struct nlmsghdr *nlh, void *r)
{
	nftnl_rule_nlmsg_build_payload(nlh, r);
}

/* Ask the kernel to check a batch that makes a throwaway table and chain
 * and puts the feature's expression in a rule there: a kernel without
 * it refuses that rule. 1 yes, 0 no, -1 no answer. Its own socket, so
 * that no batch being built on the command's socket is disturbed. */
static int probe(enum kfeat_id id, uint8_t family)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct batch b;
	struct nlk nl;
	uint32_t genid;
	int ret = -1, tag, err;

	if (!t || !c || !r)
		out_of_memory();
	memset(&nl, 0, sizeof(nl));
	if (nlk_open(&nl) < 0)
		goto out;
	if (nlk_genid(&nl, &genid) == 0) {
		nftnl_table_set_str(t, NFTNL_TABLE_NAME, PROBE_TABLE);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, PROBE_TABLE);
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, PROBE_CHAIN);
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, PROBE_TABLE);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, PROBE_CHAIN);
		nftnl_rule_add_expr(r, feature_expr(id));
		batch_init(&b, &nl);
		probe_object(&b, NFT_MSG_NEWTABLE, family, t, build_table, NLM_F_CREATE, 0);
		probe_object(&b, NFT_MSG_NEWCHAIN, family, c, build_chain, NLM_F_CREATE, 0);
		probe_object(&b, NFT_MSG_NEWRULE, family, r, build_rule,
			     NLM_F_CREATE | NLM_F_APPEND, 1);
		err = batch_check(&nl, &b, genid, &tag);
		if (err == 0)
			ret = 1;
		else if (tag == 1 && (err == -ENOENT || err == -EOPNOTSUPP))
			ret = 0;
		batch_free(&b);
	}
	nlk_close(&nl);
out:
	nftnl_rule_free(r);
	nftnl_chain_free(c);
	nftnl_table_free(t);
	return ret;
}

bool kfeat_has(struct kfeat *f, enum kfeat_id id, uint8_t family)
{
	if (!f)
		return true;
	if (!f->known[id])
		f->known[id] = probe(id, family) == 0 ? -1 : 1;
	return f->known[id] > 0;
}

/* NFNL_MSG_COMPAT_GET for name at rev: 0 when the kernel has the module
 * (at that revision or a later one), -errno otherwise. */
static int xt_probe(uint8_t family, const char *name, uint32_t rev, bool target)
{
	char *buf = xmalloc(MNL_SOCKET_BUFFER_SIZE);
	struct nlmsghdr *nlh;
	struct nlk nl;
	int ret;

	memset(&nl, 0, sizeof(nl));
	ret = nlk_open(&nl);
	if (ret == 0) {
		nlh = nlk_request(&nl, buf, NFNL_MSG_COMPAT_GET, family, NLM_F_ACK);
		nlh->nlmsg_type = (NFNL_SUBSYS_NFT_COMPAT << 8) | NFNL_MSG_COMPAT_GET;
		mnl_attr_put_strz(nlh, NFTA_COMPAT_NAME, name);
		mnl_attr_put_u32(nlh, NFTA_COMPAT_REV, htonl(rev));
		mnl_attr_put_u32(nlh, NFTA_COMPAT_TYPE, htonl(target ? 1 : 0));
		ret = nlk_query(&nl, nlh, NULL, NULL);
		nlk_close(&nl);
	}
	free(buf);
	return ret;
}

void kfeat_xt_warn(struct kfeat *f, const void *key, uint8_t family, const char *name,
		   uint32_t rev, bool target)
{
	unsigned i;
	int err;

	for (i = 0; i < f->n_xt_asked; i++)
		if (f->xt_asked[i] == key)
			return;
	if (f->n_xt_asked < KFEAT_XT_ASKED_MAX)
		f->xt_asked[f->n_xt_asked++] = key;
	err = xt_probe(family, name, rev, target);
	if (err && err != -EPERM && err != -EACCES)
		fprintf(stderr, "Warning: Extension %s revision %u not supported, "
			"missing kernel module?\n", name, rev);
}
