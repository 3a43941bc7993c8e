#include <config.h>

#include "cache.h"

#include <stdio.h>
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <limits.h>
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
	nla_for_each_nested(a, nest) {
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
		nla_for_each_nested(a, nest)
			if (nla_type(a) == want)
				return true;
	return false;
}

/* A chain message's attributes, checked: 0, or -1 if one is not of its
 * type. */
static int chain_attrs_read(struct chain_attrs *ca, const struct nlmsghdr *nlh)
{
	unsigned i;

	memset(ca, 0, sizeof(*ca));
	if (attr_table(nlh, sizeof(struct nfgenmsg), ca->tb, NFTA_CHAIN_MAX) < 0)
		return -1;
	for (i = 0; i <= NFTA_CHAIN_MAX; i++)
		if (ca->tb[i] && attr_check(ca->tb[i], chain_attr_type(i)) < 0)
			return -1;
	return 0;
}

/* The chain of the checked attributes ca, read directly (no libnftnl
 * object: a table can have tens of thousands of chains). The name is
 * padded with NULs to its array's end (list.c compares names a word at
 * a time). */
static void chain_info_fill(struct chain_info *ci, const struct chain_attrs *ca)
{
	const struct nlattr *hook;

	memset(ci, 0, sizeof(*ci));
	if (ca->tb[NFTA_CHAIN_NAME])
		str_copy(ci->name, sizeof(ci->name), nla_str(ca->tb[NFTA_CHAIN_NAME]),
			 sizeof(ci->name));
	if (ca->tb[NFTA_CHAIN_HANDLE])
		ci->handle = be64toh(nla_u64(ca->tb[NFTA_CHAIN_HANDLE]));
	hook = ca->tb[NFTA_CHAIN_HOOK];
	if (nested_has(hook, NFTA_HOOK_HOOKNUM)) {
		ci->base = true;
		ci->hook = (uint32_t)nested_uint(hook, NFTA_HOOK_HOOKNUM, false, 0);
		ci->prio = (int32_t)(uint32_t)nested_uint(hook, NFTA_HOOK_PRIORITY, false, 0);
		str_copy(ci->type, sizeof(ci->type),
			 ca->tb[NFTA_CHAIN_TYPE] ? nla_str(ca->tb[NFTA_CHAIN_TYPE]) : "filter",
			 sizeof(ci->type));
		ci->policy = ca->tb[NFTA_CHAIN_POLICY] ?
			     ntohl(nla_u32(ca->tb[NFTA_CHAIN_POLICY])) : 1;
	}
	if (nested_has(ca->tb[NFTA_CHAIN_COUNTERS], NFTA_COUNTER_PACKETS)) {
		ci->pkts = nested_uint(ca->tb[NFTA_CHAIN_COUNTERS], NFTA_COUNTER_PACKETS, true, 0);
		ci->bytes = nested_uint(ca->tb[NFTA_CHAIN_COUNTERS], NFTA_COUNTER_BYTES, true, 0);
	}
	if (ca->tb[NFTA_CHAIN_USE])
		ci->use = ntohl(nla_u32(ca->tb[NFTA_CHAIN_USE]));
}

static int one_chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct chain_attrs ca;

	if (chain_attrs_read(&ca, nlh) == 0)
		chain_info_fill(data, &ca);
	else
		memset(data, 0, sizeof(struct chain_info));
	return MNL_CB_OK;
}

/* GETCHAIN of table's chain name, or (name NULL) a dump of the chains
 * of every table of the family (the kernel does not filter a dump of
 * chains by table); each answer to cb. */
static int chain_query(struct nlk *nl, uint8_t family, const char *table, const char *name,
		       mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		out_of_memory();
	if (table)
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
	struct chain_list *out;	/* one list for each table */
	const char *const *tables;
	unsigned ntables;
	bool has_gen;
	uint16_t gen;
};

static int list_chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_ctx *lc = data;
	struct chain_attrs ca;
	struct chain_list *l = NULL;
	const char *t;
	unsigned i;

	if (!lc->has_gen) {
		lc->gen = ((const struct nfgenmsg *)mnl_nlmsg_get_payload(nlh))->res_id;
		lc->has_gen = true;
	}
	if (chain_attrs_read(&ca, nlh) < 0 || !ca.tb[NFTA_CHAIN_TABLE])
		return MNL_CB_OK;
	/* the chains of other tables come too: only their table is read */
	t = nla_str(ca.tb[NFTA_CHAIN_TABLE]);
	for (i = 0; i < lc->ntables && !l; i++)
		if (strcmp(t, lc->tables[i]) == 0)
			l = &lc->out[i];
	if (!l)
		return MNL_CB_OK;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	chain_info_fill(&l->v[l->n], &ca);
	l->v[l->n].kpos = l->n;
	l->n++;
	return MNL_CB_OK;
}

int cache_list_chains_of(struct nlk *nl, uint8_t family, const char *const *tables,
			 unsigned ntables, struct chain_list *out)
{
	struct list_ctx lc = { out, tables, ntables, false, 0 };
	unsigned tries = 0, i;
	int ret;

	/* a dump the ruleset changed under is read again, as the reference
	 * does, a few times */
	do {
		for (i = 0; i < ntables; i++)
			memset(&out[i], 0, sizeof(out[i]));
		lc.has_gen = false;
		ret = chain_query(nl, family, ntables == 1 ? tables[0] : NULL, NULL,
				  list_chain_cb, &lc);
		if (ret == -EINTR)
			for (i = 0; i < ntables; i++)
				chain_list_free(&out[i]);
	} while (ret == -EINTR && ++tries < 8);
	for (i = 0; i < ntables; i++) {
		out[i].gen = lc.gen;
		out[i].has_gen = lc.has_gen;
	}
	return ret;
}

int cache_list_chains(struct nlk *nl, uint8_t family, const char *table,
		      struct chain_list *out)
{
	return cache_list_chains_of(nl, family, &table, 1, out);
}

struct tables_ctx {
	const char *const *tables;
	unsigned ntables;
	bool *exists;
};

static int table_name_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tables_ctx *tc = data;
	const struct nlattr *tb[NFTA_TABLE_MAX + 1] = { 0 };
	unsigned i;

	if (attr_table(nlh, sizeof(struct nfgenmsg), tb, NFTA_TABLE_MAX) < 0 ||
	    !tb[NFTA_TABLE_NAME] || attr_check(tb[NFTA_TABLE_NAME], MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_OK;
	for (i = 0; i < tc->ntables; i++)
		if (strcmp(nla_str(tb[NFTA_TABLE_NAME]), tc->tables[i]) == 0)
			tc->exists[i] = true;
	return MNL_CB_OK;
}

int cache_tables_exist(struct nlk *nl, uint8_t family, const char *const *tables,
		       unsigned ntables, bool *exists)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct tables_ctx tc = { tables, ntables, exists };
	struct nlmsghdr *nlh;
	unsigned tries = 0, i;
	int ret;

	do {
		for (i = 0; i < ntables; i++)
			exists[i] = false;
		nlh = nlk_request(nl, buf, NFT_MSG_GETTABLE, family, NLM_F_DUMP);
		ret = nlk_query(nl, nlh, table_name_cb, &tc);
	} while (ret == -EINTR && ++tries < 8);
	return ret;
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

/* ---- a table's rules in the order its chains are shown ---- */

/* What the rules of chains that come early in the dump may hold: past
 * it, such a chain is read on its own when its turn comes. */
#define HELD_MAX (4u << 20)
/* How many rules the table's dump is read for. The kernel resumes a dump
 * by walking the table from its first rule to where it stopped, for
 * every buffer it fills: the cost grows with the square of the rules
 * read that way. Past this many, the dump is left where it is, and the
 * chains from there are read each with a dump of its own, whose walks
 * are as long as the chain. */
#define STREAM_MAX 16384u
/* A chain the dump reaches before its turn, and this long, makes it left
 * too: its rules would be read twice or kept in bulk, and past it the
 * dump would walk them for every buffer it fills (kube-proxy's
 * KUBE-SERVICES, one rule a service, made early and shown late). */
#define EARLY_MAX 2048u

struct held {
	char *buf;		/* the chain's rule messages, as the dump gave them */
	size_t len, cap;
	bool alone;		/* read on its own instead */
};

struct table_walk {
	struct nlk *nl, side;
	bool side_open;
	uint8_t family;
	const char *table;
	const struct chain_list *cl;
	const struct chain_walk_ops *ops;
	void *data;
	unsigned *order;	/* cl's chains that exist, by kpos */
	unsigned norder, oc;	/* and the dump's place among them */
	char miss[NFT_CHAIN_MAXNAMELEN];	/* the last chain not in cl */
	struct held *held;	/* per chain of cl */
	size_t held_bytes, held_max;
	unsigned p;		/* the next chain to show */
	bool live;		/* p's rules go straight to the callbacks */
	int run;		/* the chain of the dump's rules, or -1 */
	uint32_t kp;		/* the dump's place: run's kpos, UINT32_MAX at its end */
	bool changed;		/* the dump is of another ruleset than the chains */
	bool stale;		/* WALK_STALE */
	bool started;		/* the dump has reached a chain */
	unsigned delivered;	/* p's rules given so far, when live */
	unsigned streamed, stream_max;	/* rules the dump gave; STREAM_MAX */
	unsigned run_len;	/* rules of run the dump gave */
	bool left;		/* the dump was left (tw_leave) */
};

struct skip_walk {
	rule_cb cb;
	void *data;
	unsigned skip;
};

static int skip_rule(const struct rule_msg *m, void *data)
{
	struct skip_walk *s = data;

	if (s->skip) {
		s->skip--;
		return 0;
	}
	return s->cb(m, s->data);
}

static void tw_begin(struct table_walk *t, unsigned i)
{
	if (t->ops->begin)
		t->ops->begin(t->data, i);
}

static void tw_end(struct table_walk *t, unsigned i)
{
	if (t->ops->end)
		t->ops->end(t->data, i);
}

/* The rules of chain i read on their own, but the first skip of them;
 * the dump's socket is busy until it ends. */
static int tw_alone(struct table_walk *t, unsigned i, unsigned skip)
{
	struct skip_walk s = { t->ops->rule, t->data, skip };
	struct nlk *nl = t->nl;
	int ret;

	if (t->kp != UINT32_MAX) {
		if (!t->side_open) {
			ret = nlk_open(&t->side);
			if (ret < 0)
				return ret;
			t->side_open = true;
			t->side.dump_intr_ok = true;
		}
		nl = &t->side;
	}
	ret = cache_dump_rules(nl, t->family, t->table, t->cl->v[i].name, skip_rule, &s);
	return ret == -ENOENT ? 0 : ret;	/* gone since the chains were read */
}

static int tw_replay(struct table_walk *t, struct held *h)
{
	const struct nlmsghdr *nlh = (const void *)h->buf;
	int left = (int)h->len, ret = 0;
	struct rule_msg m;

	for (; ret == 0 && mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
		if (rule_msg_parse(&m, nlh) == 0)
			ret = t->ops->rule(&m, t->data);
	return ret;
}

/* Show every chain whose turn has come and whose rules are all in hand:
 * those the dump has passed, and those read on their own. */
static int tw_advance(struct table_walk *t)
{
	const struct chain_info *ci;
	struct held *h;
	int ret;

	for (; t->p < t->cl->n; t->p++) {
		ci = &t->cl->v[t->p];
		h = &t->held[t->p];
		if (t->live) {
			if (ci->kpos == t->kp)
				return 0;	/* still coming */
			t->live = false;
			tw_end(t, t->p);
			continue;
		}
		if (ci->handle && !h->alone && ci->kpos >= t->kp)
			return 0;	/* not reached yet */
		tw_begin(t, t->p);
		ret = 0;
		if (h->alone)
			ret = tw_alone(t, t->p, 0);
		else if (h->len)
			ret = tw_replay(t, h);
		free(h->buf);
		t->held_bytes -= h->len;
		memset(h, 0, sizeof(*h));
		if (ret < 0)
			return ret;
		tw_end(t, t->p);
		if (ret > 0) {
			t->p++;
			return ret;
		}
	}
	return 0;
}

/* Keep a rule of chain i until its turn; past the limit, the chain is
 * read on its own then. */
static void tw_hold(struct table_walk *t, unsigned i, const struct nlmsghdr *nlh)
{
	struct held *h = &t->held[i];

	if (t->held_bytes + nlh->nlmsg_len > t->held_max) {
		t->held_bytes -= h->len;
		free(h->buf);
		memset(h, 0, sizeof(*h));
		h->alone = true;
		return;
	}
	if (h->len + nlh->nlmsg_len > h->cap) {
		h->cap = h->cap ? h->cap * 2 : 4096;
		if (h->cap < h->len + nlh->nlmsg_len)
			h->cap = h->len + nlh->nlmsg_len;
		h->buf = xrealloc(h->buf, h->cap);
	}
	memcpy(h->buf + h->len, nlh, nlh->nlmsg_len);
	h->len += nlh->nlmsg_len;
	t->held_bytes += nlh->nlmsg_len;
}

/* cl's index of the chain named, or -1; the dump meets chains in the
 * kernel's order, so the one after the last is looked at first. One
 * found before the dump's place (made again since the chains were read)
 * says the ruleset changed. */
static int tw_find(struct table_walk *t, const char *name)
{
	unsigned k;

	if (strcmp(t->miss, name) == 0)
		return -1;
	for (k = t->oc; k < t->norder; k++) {
		if (strcmp(t->cl->v[t->order[k]].name, name) == 0) {
			t->oc = k;
			return (int)t->order[k];
		}
	}
	for (k = 0; k < t->oc; k++) {
		if (strcmp(t->cl->v[t->order[k]].name, name) == 0) {
			t->changed = true;
			return -1;
		}
	}
	/* made since: not shown, as if it had been made after the listing */
	snprintf(t->miss, sizeof(t->miss), "%s", name);
	return -1;
}

/* The dump was left: the chain being shown has the rest of its rules
 * read on its own, then every chain left to show is shown, those marked
 * alone each read on its own. */
static int tw_rest(struct table_walk *t)
{
	int ret;

	t->kp = UINT32_MAX;
	if (t->live) {
		t->live = false;
		ret = tw_alone(t, t->p, t->delivered);
		if (ret < 0)
			return ret;
		tw_end(t, t->p++);
		if (ret > 0)
			return ret;
	}
	return tw_advance(t);
}

/* Leave the dump where it is, at the chain in the kernel's place kp
 * (UINT32_MAX: the ruleset changed since the chains were read, and what
 * the dump says of any chain still to be shown is not to be trusted):
 * the chains from there, and the one being shown, are read each on
 * their own; those before it are whole, kept or shown. */
static void tw_leave(struct table_walk *t, uint32_t kp)
{
	unsigned i;

	for (i = t->p + (t->live ? 1 : 0); i < t->cl->n; i++) {
		if (kp != UINT32_MAX && (!t->cl->v[i].handle || t->cl->v[i].kpos < kp))
			continue;
		free(t->held[i].buf);
		t->held_bytes -= t->held[i].len;
		memset(&t->held[i], 0, sizeof(t->held[i]));
		t->held[i].alone = true;
	}
	t->left = true;
}

static int tw_rule(const struct rule_msg *m, void *data)
{
	struct table_walk *t = data;
	const char *name = rule_msg_str(m, NFTA_RULE_CHAIN);
	bool new_run;
	int ret;

	if (!name)
		return 0;
	if (t->nl->dump_intr ||
	    (t->cl->has_gen &&
	     ((const struct nfgenmsg *)mnl_nlmsg_get_payload(m->nlh))->res_id != t->cl->gen))
		t->changed = true;
	new_run = t->run < 0 || strcmp(name, t->cl->v[t->run].name) != 0;
	if (new_run && !t->changed) {
		if (t->stale && t->started)
			t->changed = true;
		else
			t->run = tw_find(t, name);
	}
	if (t->changed) {
		/* the ruleset changed since the chains were read: the rest
		 * is read chain by chain */
		tw_leave(t, UINT32_MAX);
		return 1;
	}
	if (new_run) {
		/* the dump is at a new chain: those before it are whole */
		t->started = true;
		if (t->run < 0)
			return 0;	/* not shown: a base chain of another shape */
		t->kp = t->cl->v[t->run].kpos;
		t->run_len = 0;
		ret = tw_advance(t);
		if (ret != 0)
			return ret;
		if ((unsigned)t->run == t->p && !t->held[t->p].alone) {
			t->live = true;
			t->delivered = 0;
			tw_begin(t, t->p);
		}
	}
	if (++t->streamed > t->stream_max ||
	    (++t->run_len > EARLY_MAX && !(t->live && (unsigned)t->run == t->p))) {
		/* long enough: the rest chain by chain, this chain too */
		tw_leave(t, t->kp);
		return 1;
	}
	if (t->live && (unsigned)t->run == t->p) {
		t->delivered++;
		ret = t->ops->rule(m, t->data);
		if (ret != 0) {
			t->live = false;
			tw_end(t, t->p++);
		}
		return ret;
	}
	if ((unsigned)t->run > t->p && !t->held[t->run].alone)
		tw_hold(t, (unsigned)t->run, m->nlh);
	return 0;	/* else shown already, read on its own */
}

int cache_walk_rules(struct nlk *nl, uint8_t family, const char *table,
		     const struct chain_list *cl, const struct chain_walk_ops *ops, void *data,
		     unsigned flags)
{
	struct table_walk t = { .nl = nl, .family = family, .table = table, .cl = cl,
				.ops = ops, .data = data, .run = -1,
				.held_max = flags & WALK_NOHOLD ? 0 : HELD_MAX,
				.stale = (flags & WALK_STALE) != 0,
				.stream_max = flags & WALK_SHORT ? 1 : STREAM_MAX };
	unsigned i, k, nk = 0;
	bool intr_ok;
	int ret;

	/* by kpos, which is a place in a list: no sort needed */
	for (i = 0; i < cl->n; i++)
		if (cl->v[i].handle && cl->v[i].kpos >= nk)
			nk = cl->v[i].kpos + 1;
	t.order = xmalloc((nk + 1) * sizeof(*t.order));
	for (k = 0; k < nk; k++)
		t.order[k] = UINT_MAX;
	for (i = 0; i < cl->n; i++)
		if (cl->v[i].handle)
			t.order[cl->v[i].kpos] = i;
	for (k = 0; k < nk; k++)
		if (t.order[k] != UINT_MAX)
			t.order[t.norder++] = t.order[k];
	t.held = xzalloc((cl->n + 1) * sizeof(*t.held));
	intr_ok = nl->dump_intr_ok;
	nl->dump_intr_ok = true;
	nl->dump_intr = false;
	/* no chain made yet, no rule to ask for */
	ret = t.norder ? cache_dump_rules(nl, family, table, NULL, tw_rule, &t) : 0;
	if (ret == -ENOENT)
		ret = 0;
	if (ret == 0 || (t.left && ret == 1)) {
		/* the rest had no rules in the dump, were kept, or are read
		 * on their own */
		ret = tw_rest(&t);
	}
	for (i = 0; i < cl->n; i++)
		free(t.held[i].buf);
	free(t.held);
	nl->dump_intr_ok = intr_ok;
	if (t.side_open) {
		nl->rx_msgs += t.side.rx_msgs;
		nlk_close(&t.side);
	}
	free(t.order);
	return ret;
}
