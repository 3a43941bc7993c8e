/* The rule index of one transaction: the table's map (rimap.c) and what
 * following the batch needs (the handles a fresh table gives out, the
 * rule messages whose handles the kernel must echo). */
#include "rindex.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <arpa/inet.h>
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nlk.h"
#include "rdir.h"
#include "rule.h"
#include "util.h"

struct rindex_home {
	const char *dir;	/* IPTNFT_INDEX_DIR or /run/iptnft; NULL: unusable */
	struct rimap_ns ns;
	/* the namespace's directory in dir: opened once, as each open
	 * walks and checks the path from / (rdir.h); -1: not (yet) */
	int fd;
	bool looked;		/* fd was asked for */
};

/* A message whose handle the kernel is to say: a rule's, or a chain's
 * (a rename names the chain by it). */
struct ri_pending {
	uint32_t seq;		/* the message */
	int chain;
	bool is_chain;
	uint64_t digest;
	uint64_t handle;	/* foretold (fresh table) or 0 */
};

struct rindex {
	struct rimap *m;
	uint8_t family;
	char table[NFT_TABLE_MAXNAMELEN];
	/* a table made anew by this batch: handles are foretold */
	bool fresh;
	uint64_t handles;	/* handles the fresh table has given out */
	struct ri_pending *pend;
	unsigned npend, cappend;
	unsigned nrules_pend;	/* fresh: rule entries of pend (first, last) */
	struct nlmsghdr *last_msg;	/* fresh: the last rule's message */
	struct {
		uint32_t type;
		char *name;
	} *objs;		/* fresh: the named objects this batch made */
	unsigned nobjs, capobjs;
};

struct rindex_home *rindex_home_new(int fd)
{
	struct rindex_home *home = xzalloc(sizeof(*home));

	home->fd = -1;
	home->dir = rimap_dir();
	if (home->dir && rimap_ns_get(&home->ns, fd) < 0)
		home->dir = NULL;
	return home;
}

bool rindex_home_usable(const struct rindex_home *home)
{
	return home && home->dir;
}

void rindex_home_free(struct rindex_home *home)
{
	if (home && home->fd >= 0)
		close(home->fd);
	free(home);
}

/* The namespace's directory, made if missing with create: an fd the
 * home keeps, or -1. */
static int home_dirfd(struct rindex_home *home, bool create)
{
	bool made = false;

	if (home->fd >= 0 || (home->looked && !create))
		return home->fd;
	home->looked = true;
	home->fd = rdir_open_ns(home->dir, home->ns.ino, create, &made);
	/* a namespace seen for the first time: the time to look for those
	 * gone since */
	if (made)
		rdir_clean(home->dir, home->ns.ino);
	return home->fd;
}

static void ri_observe(void *arg, struct batch *b, struct nlmsghdr *nlh);

static struct rindex *ri_wrap(struct rimap *m, struct batch *b, uint8_t family,
			      const char *table, bool fresh)
{
	struct rindex *ri;

	if (!m)
		return NULL;
	ri = xzalloc(sizeof(*ri));
	ri->m = m;
	ri->family = family;
	snprintf(ri->table, sizeof(ri->table), "%s", table);
	ri->fresh = fresh;
	batch_observe(b, ri_observe, ri);
	return ri;
}

struct rindex *rindex_open(struct rindex_home *home, struct batch *b, uint8_t family,
			   const char *table, uint32_t genid)
{
	if (!rindex_home_usable(home))
		return NULL;
	return ri_wrap(rimap_open(home_dirfd(home, false), &home->ns, family, table, genid), b,
		       family, table, false);
}

struct rindex *rindex_new(const struct rindex_home *home, struct batch *b, uint8_t family,
			  const char *table, uint32_t nrules)
{
	struct rindex *ri;

	if (!rindex_home_usable(home))
		return NULL;
	ri = ri_wrap(rimap_new(&home->ns, family, table), b, family, table, true);
	if (ri)
		rimap_reserve(ri->m, nrules);
	return ri;
}

void rindex_free(struct rindex *ri)
{
	unsigned i;

	if (!ri)
		return;
	for (i = 0; i < ri->nobjs; i++)
		free(ri->objs[i].name);
	free(ri->objs);
	free(ri->pend);
	rimap_free(ri->m);
	free(ri);
}

/* ---- following the batch ----
 *
 * The index reads each message the batch closes (batch_observe): what
 * it makes, renames, empties and deletes of its table, as the kernel
 * will do it, message by message, so that a lookup in the middle of a
 * batch sees the batch so far. */

static struct ri_pending *pend_add(struct rindex *ri, uint32_t seq, int chain, uint64_t digest,
				   uint64_t handle)
{
	struct ri_pending *p;

	if (ri->npend == ri->cappend) {
		ri->cappend = ri->cappend ? ri->cappend * 2 : 4;
		ri->pend = xrealloc(ri->pend, ri->cappend * sizeof(*ri->pend));
	}
	p = &ri->pend[ri->npend++];
	p->seq = seq;
	p->chain = chain;
	p->is_chain = false;
	p->digest = digest;
	p->handle = handle;
	return p;
}

/* The message's attributes of type below RI_ATTRS, checked only for
 * length (a batch iptnft wrote itself). */
#define RI_ATTRS 16

static void msg_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb)
{
	const struct nlattr *a;

	memset(tb, 0, RI_ATTRS * sizeof(*tb));
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) < RI_ATTRS)
			tb[mnl_attr_get_type(a)] = a;
}

/* A string attribute, or NULL if absent or not NUL-ended. */
static const char *attr_str(const struct nlattr *a)
{
	uint16_t len = a ? mnl_attr_get_payload_len(a) : 0;
	const char *s = a ? mnl_attr_get_payload(a) : NULL;

	return len && s[len - 1] == '\0' ? s : NULL;
}

static uint64_t attr_be64(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == sizeof(uint64_t) ?
	       be64toh(mnl_attr_get_u64(a)) : 0;
}

static uint64_t rule_digest(struct rindex *ri, const struct nlmsghdr *nlh);

static void follow_newchain(struct rindex *ri, struct batch *b, struct nlmsghdr *nlh,
			    const struct nlattr **tb)
{
	const char *name = attr_str(tb[NFTA_CHAIN_NAME]);
	struct ri_pending *p;
	int id;

	if (tb[NFTA_CHAIN_HANDLE]) {
		/* by handle: a rename (-E), or an update */
		id = rimap_chain_by_handle(ri->m, attr_be64(tb[NFTA_CHAIN_HANDLE]));
		if (id < 0)
			rimap_break(ri->m);
		else if (name && rimap_chain(ri->m, name) != id)
			rimap_chain_rename(ri->m, id, name);
		return;
	}
	/* a chain that is there is only updated (policy, counters) */
	if (!name || rimap_chain(ri->m, name) >= 0)
		return;
	id = rimap_chain_add(ri->m, name);
	if (id < 0)
		return;
	if (ri->fresh) {
		rimap_chain_set_handle(ri->m, id, ++ri->handles);
		return;
	}
	batch_set_echo(b, nlh);
	p = pend_add(ri, nlh->nlmsg_seq, id, 0, 0);
	p->is_chain = true;
}

static void follow_delchain(struct rindex *ri, const struct nlattr **tb)
{
	const char *name = attr_str(tb[NFTA_CHAIN_NAME]);
	int id = name ? rimap_chain(ri->m, name) :
			rimap_chain_by_handle(ri->m, attr_be64(tb[NFTA_CHAIN_HANDLE]));

	if (id >= 0)
		rimap_chain_del(ri->m, id);
}

/* A fresh table's rule: the kernel's handle is the next one, and the
 * first rule and the last are echoed to prove every one foretold. */
static void fresh_rule(struct rindex *ri, struct batch *b, struct nlmsghdr *nlh, int chain,
		       uint64_t digest)
{
	uint64_t handle = ++ri->handles;

	rimap_add(ri->m, chain, digest, handle);
	ri->last_msg = nlh;
	if (!ri->nrules_pend) {
		batch_set_echo(b, nlh);
		pend_add(ri, nlh->nlmsg_seq, chain, digest, handle);
		ri->nrules_pend = 1;
	} else if (ri->nrules_pend == 1) {
		pend_add(ri, nlh->nlmsg_seq, chain, digest, handle);
		ri->nrules_pend = 2;
	} else {
		struct ri_pending *p = &ri->pend[ri->npend - 1];

		p->seq = nlh->nlmsg_seq;
		p->chain = chain;
		p->digest = digest;
		p->handle = handle;
	}
}

static void follow_newrule(struct rindex *ri, struct batch *b, struct nlmsghdr *nlh,
			   const struct nlattr **tb)
{
	const char *name = attr_str(tb[NFTA_RULE_CHAIN]);
	int chain = name ? rimap_chain(ri->m, name) : -1;
	uint64_t replace = (nlh->nlmsg_flags & NLM_F_REPLACE) ? attr_be64(tb[NFTA_RULE_HANDLE]) : 0;
	uint64_t digest;

	if (chain < 0) {
		/* a fresh table numbers every rule: one the index cannot
		 * place would leave its count wrong */
		if (ri->fresh && !replace)
			rimap_break(ri->m);
		return;
	}
	digest = rule_digest(ri, nlh);
	if (replace) {
		/* the rule keeps its handle */
		rimap_del(ri->m, chain, replace);
		rimap_add(ri->m, chain, digest, replace);
	} else if (ri->fresh) {
		fresh_rule(ri, b, nlh, chain, digest);
	} else {
		rimap_add(ri->m, chain, digest, 0);
		if (digest) {
			batch_set_echo(b, nlh);
			pend_add(ri, nlh->nlmsg_seq, chain, digest, 0);
		}
	}
}

static void follow_delrule(struct rindex *ri, const struct nlattr **tb)
{
	const char *name = attr_str(tb[NFTA_RULE_CHAIN]);
	int chain;

	if (!tb[NFTA_RULE_CHAIN]) {
		rimap_flush_all(ri->m);		/* -F of the table */
		return;
	}
	chain = name ? rimap_chain(ri->m, name) : -1;
	if (chain < 0)
		return;
	if (tb[NFTA_RULE_HANDLE])
		rimap_del(ri->m, chain, attr_be64(tb[NFTA_RULE_HANDLE]));
	else if (tb[NFTA_RULE_ID])
		rimap_break(ri->m);	/* which of this batch's? */
	else
		rimap_chain_flush(ri->m, chain);
}

static void follow_newobj(struct rindex *ri, const struct nlattr **tb)
{
	const char *name = attr_str(tb[NFTA_OBJ_NAME]);
	uint32_t type = tb[NFTA_OBJ_TYPE] ? ntohl(mnl_attr_get_u32(tb[NFTA_OBJ_TYPE])) : 0;
	unsigned i;

	/* the kernel numbers an object when the batch makes it, not when a
	 * later rule of the batch names it again */
	if (!ri->fresh || !name)
		return;
	for (i = 0; i < ri->nobjs; i++)
		if (ri->objs[i].type == type && strcmp(ri->objs[i].name, name) == 0)
			return;
	if (ri->nobjs == ri->capobjs) {
		ri->capobjs = ri->capobjs ? ri->capobjs * 2 : 4;
		ri->objs = xrealloc(ri->objs, ri->capobjs * sizeof(*ri->objs));
	}
	ri->objs[ri->nobjs].type = type;
	ri->objs[ri->nobjs++].name = xstrdup(name);
	ri->handles++;
}

/* Whether the message is about the index's table: the table's name is
 * attribute 1 of every kind (NFTA_TABLE_NAME, NFTA_CHAIN_TABLE, ...). */
static bool own_table(const struct rindex *ri, const struct nlmsghdr *nlh,
		      const struct nlattr **tb)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	const char *table = attr_str(tb[1]);

	return g->nfgen_family == ri->family && table && strcmp(table, ri->table) == 0;
}

static void ri_observe(void *arg, struct batch *b, struct nlmsghdr *nlh)
{
	struct rindex *ri = arg;
	const struct nlattr *tb[RI_ATTRS];

	if (!nlh) {
		/* about to be sent: the last rule of a fresh table is echoed */
		if (ri->fresh && ri->nrules_pend == 2 && ri->last_msg)
			batch_set_echo(b, ri->last_msg);
		return;
	}
	if (rimap_broken(ri->m) || (nlh->nlmsg_type >> 8) != NFNL_SUBSYS_NFTABLES)
		return;
	msg_attrs(nlh, tb);
	if (!own_table(ri, nlh, tb))
		return;
	switch (nlh->nlmsg_type & 0xff) {
	case NFT_MSG_DELTABLE:
		if (!ri->fresh)
			rimap_break(ri->m);
		break;
	case NFT_MSG_NEWCHAIN:
		follow_newchain(ri, b, nlh, tb);
		break;
	case NFT_MSG_DELCHAIN:
		follow_delchain(ri, tb);
		break;
	case NFT_MSG_NEWRULE:
		follow_newrule(ri, b, nlh, tb);
		break;
	case NFT_MSG_DELRULE:
		follow_delrule(ri, tb);
		break;
	case NFT_MSG_NEWSET:
		/* in a table made anew every set is new, and takes a handle */
		ri->handles += ri->fresh;
		break;
	case NFT_MSG_NEWOBJ:
		follow_newobj(ri, tb);
		break;
	default:
		break;
	}
}

enum ri_answer rindex_find(struct rindex *ri, const char *chain, const struct nlmsghdr *probe,
			   uint64_t *handle)
{
	int id = rimap_chain(ri->m, chain);

	if (id < 0)
		return RI_UNKNOWN;
	return rimap_find(ri->m, id, rule_digest(ri, probe), handle);
}

/* ---- the commit ---- */

void rindex_committed(struct rindex *ri, struct rindex_home *home, const struct batch *b,
		      uint8_t family, const char *table, uint32_t base, uint32_t now)
{
	uint32_t next = base + 1 ? base + 1 : 1;
	unsigned i;

	if (!rindex_home_usable(home) || now != next)
		return;
	if (ri && !rimap_broken(ri->m)) {
		bool ok = true;

		for (i = 0; i < ri->npend && ok; i++) {
			const struct ri_pending *p = &ri->pend[i];
			uint64_t h = batch_echo_handle(b, p->seq);

			if (p->is_chain)
				rimap_chain_set_handle(ri->m, p->chain, h);	/* 0: unknown */
			else if (!h || (p->handle && h != p->handle))
				ok = false;
			else if (!p->handle)
				rimap_set_handle(ri->m, p->chain, p->digest, h);
		}
		if (ok)
			rimap_store(ri->m, home_dirfd(home, true), now);
	}
	rimap_restamp(home_dirfd(home, false), &home->ns, base, now, family, table);
}

/* ---- digest ---- */

static uint64_t mix(uint64_t h, uint64_t w)
{
	h ^= w;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 32;
	return h;
}

static uint64_t hash_bytes(uint64_t h, const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t w;

	h = mix(h, len);
	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = mix(h, w);
	}
	if (len) {
		w = 0;
		memcpy(&w, s, len);
		h = mix(h, w);
	}
	return h;
}

/* The attribute of type in the nest at a (whose length is checked), or
 * NULL. */
static const struct nlattr *nested(const struct nlattr *a, uint16_t type)
{
	const char *p = (const char *)a + MNL_ATTR_HDRLEN, *end = (const char *)a + a->nla_len;

	while (end - p >= (long)sizeof(struct nlattr)) {
		const struct nlattr *b = (const void *)p;

		if (b->nla_len < sizeof(*b) || b->nla_len > end - p)
			return NULL;
		if ((b->nla_type & NLA_TYPE_MASK) == type)
			return b;
		p += MNL_ALIGN(b->nla_len);
	}
	return NULL;
}

/* The chain an immediate jump or goto names and *code, its verdict; or
 * NULL. e is the expression, name its NFTA_EXPR_NAME: the verdict is at
 * NFTA_EXPR_DATA, NFTA_IMMEDIATE_DATA, NFTA_DATA_VERDICT. */
static const char *verdict_chain(const struct nlattr *e, const struct nlattr *name,
				 uint32_t *code)
{
	const struct nlattr *a, *c;
	const char *chain;

	if (name->nla_len != MNL_ATTR_HDRLEN + sizeof("immediate") ||
	    memcmp(name + 1, "immediate", sizeof("immediate")) != 0)
		return NULL;
	a = nested(e, NFTA_EXPR_DATA);
	a = a ? nested(a, NFTA_IMMEDIATE_DATA) : NULL;
	a = a ? nested(a, NFTA_DATA_VERDICT) : NULL;
	c = a ? nested(a, NFTA_VERDICT_CHAIN) : NULL;
	if (!c || c->nla_len <= MNL_ATTR_HDRLEN)
		return NULL;
	chain = (const char *)c + MNL_ATTR_HDRLEN;
	if (chain[c->nla_len - MNL_ATTR_HDRLEN - 1] != '\0')
		return NULL;
	c = nested(a, NFTA_VERDICT_CODE);
	if (!c || c->nla_len != MNL_ATTR_HDRLEN + sizeof(uint32_t))
		return NULL;
	memcpy(code, (const char *)c + MNL_ATTR_HDRLEN, sizeof(*code));
	return chain;
}

/* Whether expression e (named name) looks up an anonymous set: its name
 * is the batch's ("__set%d"), the same for every such rule. */
static bool anon_lookup(const struct nlattr *e, const struct nlattr *name)
{
	const struct nlattr *a;

	if (name->nla_len != MNL_ATTR_HDRLEN + sizeof("lookup") ||
	    memcmp(name + 1, "lookup", sizeof("lookup")) != 0)
		return false;
	a = nested(e, NFTA_EXPR_DATA);
	a = a ? nested(a, NFTA_LOOKUP_SET) : NULL;
	return !a || (a->nla_len >= MNL_ATTR_HDRLEN + 2 &&
		      memcmp((const char *)a + MNL_ATTR_HDRLEN, "__", 2) == 0);
}

/* The digest of a rule message's expressions, in one walk: this runs for
 * every rule a restore writes, so the attributes are walked by hand.
 * Counters are left out (their values are state, not content); a jump or
 * goto is hashed by the index's id of the chain it names, not by the
 * name, so that the digest survives -E. 0 when the rule looks up an
 * anonymous set or jumps to a chain the index does not know. */
static uint64_t digest_of(struct rindex *ri, const struct nlmsghdr *nlh)
{
	const char *p = (const char *)nlh + MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg));
	const char *end = (const char *)nlh + nlh->nlmsg_len;
	uint64_t h = 0x6a09e667f3bcc908ull;

	while (end - p >= (long)sizeof(struct nlattr)) {
		const struct nlattr *a = (const void *)p;
		const char *q, *qend;

		if (a->nla_len < sizeof(*a) || a->nla_len > end - p)
			break;
		p += MNL_ALIGN(a->nla_len);
		if ((a->nla_type & NLA_TYPE_MASK) != NFTA_RULE_EXPRESSIONS)
			continue;
		q = (const char *)a + MNL_ATTR_HDRLEN;
		qend = (const char *)a + a->nla_len;
		while (qend - q >= (long)sizeof(struct nlattr)) {
			const struct nlattr *e = (const void *)q;
			const struct nlattr *n = e + 1;
			const char *chain;
			uint32_t code = 0;
			int id;

			if (e->nla_len < sizeof(*e) || e->nla_len > qend - q)
				break;
			q += MNL_ALIGN(e->nla_len);
			/* the expression's name comes first */
			if (e->nla_len >= 2 * sizeof(*n) &&
			    (n->nla_type & NLA_TYPE_MASK) == NFTA_EXPR_NAME &&
			    n->nla_len <= e->nla_len - sizeof(*e)) {
				if (n->nla_len == MNL_ATTR_HDRLEN + sizeof("counter") &&
				    memcmp(n + 1, "counter", sizeof("counter")) == 0)
					continue;
				if (anon_lookup(e, n))
					return 0;
				if ((chain = verdict_chain(e, n, &code))) {
					if ((id = rimap_chain(ri->m, chain)) < 0)
						return 0;
					h = mix(h, (uint64_t)(uint32_t)id << 32 | code);
					continue;
				}
			}
			h = hash_bytes(h, e, e->nla_len);
		}
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return h ? h : 1;
}

/* The digest of a rule message of the index's table (digest_of); 0 also
 * when the rule lists in another spelling than its bytes say
 * (rule_msg_respelled). */
static uint64_t rule_digest(struct rindex *ri, const struct nlmsghdr *nlh)
{
	uint64_t h = digest_of(ri, nlh);

	return h && !rule_msg_respelled(nlh) ? h : 0;
}
