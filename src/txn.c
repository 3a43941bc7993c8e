#include "txn.h"

#include <stdio.h>
#include <arpa/inet.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "util.h"

/* ---- batch building ---- */

/* Message type about table (flags as NLM_F_*) into the batch. */
static void batch_table(struct batch *b, uint16_t type, uint8_t family, const char *table,
			uint16_t flags, int tag)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t)
		out_of_memory();
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
	nftnl_table_nlmsg_build_payload(batch_msg(b, type, family, flags, tag), t);
	batch_done(b);
	nftnl_table_free(t);
}

/* A chain called name in table, for a message about it. */
static struct nftnl_chain *chain_named(const char *table, const char *name)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c)
		out_of_memory();
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	return c;
}

/* Message type about c into the batch; frees c. */
static void batch_chain(struct batch *b, uint16_t type, uint8_t family, struct nftnl_chain *c,
			uint16_t flags, int tag)
{
	nftnl_chain_nlmsg_build_payload(batch_msg(b, type, family, flags, tag), c);
	batch_done(b);
	nftnl_chain_free(c);
}

void txn_add_table(struct batch *b, uint8_t family, const char *table, int tag)
{
	batch_table(b, NFT_MSG_NEWTABLE, family, table, NLM_F_CREATE, tag);
}

void txn_add_builtin_chain(struct batch *b, uint8_t family, const char *table,
			   const struct builtin_chain *bc, int32_t prio, uint32_t policy,
			   uint64_t pkts, uint64_t bytes, int tag)
{
	struct nftnl_chain *c = chain_named(table, bc->name);

	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, bc->hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, bc->type);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, policy);
	nftnl_chain_set_u64(c, NFTNL_CHAIN_PACKETS, pkts);
	nftnl_chain_set_u64(c, NFTNL_CHAIN_BYTES, bytes);
	batch_chain(b, NFT_MSG_NEWCHAIN, family, c, NLM_F_CREATE, tag);
}

void txn_add_user_chain(struct batch *b, uint8_t family, const char *table, const char *name,
			bool excl, int tag)
{
	batch_chain(b, NFT_MSG_NEWCHAIN, family, chain_named(table, name),
		    NLM_F_CREATE | (excl ? NLM_F_EXCL : 0), tag);
}

void txn_del_table(struct batch *b, uint8_t family, const char *table, int tag)
{
	batch_table(b, NFT_MSG_DELTABLE, family, table, 0, tag);
}

void txn_del_chain(struct batch *b, uint8_t family, const char *table, const char *name,
		   int tag)
{
	/* NONREC: refuse to delete a chain that still holds rules */
	batch_chain(b, NFT_MSG_DELCHAIN, family, chain_named(table, name), NLM_F_NONREC, tag);
}

void txn_add_obj(struct batch *b, uint8_t family, const char *table, struct nftnl_obj *o,
		 int tag)
{
	struct nlmsghdr *nlh;

	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, table);
	nftnl_obj_set_u32(o, NFTNL_OBJ_FAMILY, family);
	/* no NLM_F_EXCL: an object of that name already there is kept */
	nlh = batch_msg(b, NFT_MSG_NEWOBJ, family, NLM_F_CREATE, tag);
	nftnl_obj_nlmsg_build_payload(nlh, o);
	batch_done(b);
}

void txn_flush(struct batch *b, uint8_t family, const char *table, const char *chain, int tag)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	if (chain)
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nlh = batch_msg_sized(b, NFT_MSG_DELRULE, family, 0, tag, NLK_HEAD_MAX);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	batch_done(b);
	nftnl_rule_free(r);
}

/* A rule's attributes other than its expressions, copied. */
static struct nftnl_rule *rule_head_copy(struct nftnl_rule *nr)
{
	static const uint16_t attrs[] = {
		NFTNL_RULE_FAMILY, NFTNL_RULE_TABLE, NFTNL_RULE_CHAIN, NFTNL_RULE_HANDLE,
		NFTNL_RULE_COMPAT_PROTO, NFTNL_RULE_COMPAT_FLAGS, NFTNL_RULE_USERDATA,
	};
	struct nftnl_rule *head = nftnl_rule_alloc();
	unsigned i;

	if (!head)
		out_of_memory();
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		uint32_t len;
		const void *v;

		if (!nftnl_rule_is_set(nr, attrs[i]))
			continue;
		v = nftnl_rule_get_data(nr, attrs[i], &len);
		nftnl_rule_set_data(head, attrs[i], v, len);
	}
	return head;
}

/* A lookup in the set of batch id set_id, as lin_lookup_anon writes it. */
static void put_lookup(struct nlmsghdr *nlh, const struct nftnl_expr *e, uint32_t set_id)
{
	struct nlattr *data;

	mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "lookup");
	data = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
	mnl_attr_put_strz(nlh, NFTA_LOOKUP_SET, "__set%d");
	mnl_attr_put_u32(nlh, NFTA_LOOKUP_SREG,
			 htonl(nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_SREG)));
	mnl_attr_put_u32(nlh, NFTA_LOOKUP_SET_ID, htonl(set_id));
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_FLAGS))
		mnl_attr_put_u32(nlh, NFTA_LOOKUP_FLAGS,
				 htonl(nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS)));
	mnl_attr_nest_end(nlh, data);
}

/* An exthdr write or strip as its init takes it: the kernel dumps the
 * read's attributes for them too (flags; an offset and length for a
 * strip), which their init refuses (EINVAL). false for a read, which
 * goes back as dumped. */
static bool put_exthdr_op(struct nlmsghdr *nlh, const struct nftnl_expr *e)
{
	bool write = nftnl_expr_is_set(e, NFTNL_EXPR_EXTHDR_SREG);
	struct nlattr *data;

	if (strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "exthdr") != 0 ||
	    nftnl_expr_is_set(e, NFTNL_EXPR_EXTHDR_DREG))
		return false;
	mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "exthdr");
	data = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
	if (write)
		mnl_attr_put_u32(nlh, NFTA_EXTHDR_SREG,
				 htonl(nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_SREG)));
	mnl_attr_put_u8(nlh, NFTA_EXTHDR_TYPE, nftnl_expr_get_u8(e, NFTNL_EXPR_EXTHDR_TYPE));
	if (write) {
		mnl_attr_put_u32(nlh, NFTA_EXTHDR_OFFSET,
				 htonl(nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OFFSET)));
		mnl_attr_put_u32(nlh, NFTA_EXTHDR_LEN,
				 htonl(nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_LEN)));
	}
	if (nftnl_expr_is_set(e, NFTNL_EXPR_EXTHDR_OP))
		mnl_attr_put_u32(nlh, NFTA_EXTHDR_OP,
				 htonl(nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OP)));
	mnl_attr_nest_end(nlh, data);
	return true;
}

void txn_zero_rule(struct batch *b, struct nftnl_rule *nr, const struct txn_renewed *renew,
		   unsigned nrenew, int tag)
{
	uint8_t family = (uint8_t)nftnl_rule_get_u32(nr, NFTNL_RULE_FAMILY);
	struct nftnl_rule *head = rule_head_copy(nr);
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(nr);
	batch_observer_fn observer;
	struct nlattr *exprs, *elem;
	struct nftnl_expr *e;
	struct nlmsghdr *nlh;
	unsigned i;

	if (!it)
		out_of_memory();
	nlh = batch_msg(b, NFT_MSG_NEWRULE, family, NLM_F_REPLACE, tag);
	nftnl_rule_nlmsg_build_payload(nlh, head);
	exprs = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	while ((e = nftnl_expr_iter_next(it))) {
		elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
		for (i = 0; i < nrenew && renew[i].lookup != e; i++)
			;
		if (i < nrenew) {
			put_lookup(nlh, e, renew[i].set_id);
		} else if (!put_exthdr_op(nlh, e)) {
			if (strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "counter") == 0) {
				nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_PACKETS, 0);
				nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_BYTES, 0);
			}
			nftnl_expr_build_payload(nlh, e);
		}
		mnl_attr_nest_end(nlh, elem);
	}
	mnl_attr_nest_end(nlh, exprs);
	/* the rule keeps its handle and its content: nothing the rule index
	 * follows changes, and the dump's spelling of the expressions is not
	 * always the one iptnft writes, whose digest the index keeps */
	observer = b->observer;
	b->observer = NULL;
	batch_done(b);
	b->observer = observer;
	nftnl_expr_iter_destroy(it);
	nftnl_rule_free(head);
}

void txn_chain_update(struct batch *b, uint8_t family, const char *table, const char *name,
		      int policy, bool counters, uint64_t pkts, uint64_t bytes, int tag)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (policy >= 0)
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, (uint32_t)policy);
	if (counters) {
		nftnl_chain_set_u64(c, NFTNL_CHAIN_PACKETS, pkts);
		nftnl_chain_set_u64(c, NFTNL_CHAIN_BYTES, bytes);
	}
	nlh = batch_msg(b, NFT_MSG_NEWCHAIN, family, 0, tag);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	batch_done(b);
	nftnl_chain_free(c);
}

