/* The rule index of one transaction: the table's map (rimap.c) and what
 * following the batch needs (the handles a fresh table gives out, the
 * rule messages whose handles the kernel must echo). */
#include "rindex.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "nlk.h"
#include "util.h"

struct rindex_home {
	const char *dir;	/* IPTNFT_INDEX_DIR or /run/iptnft; NULL: unusable */
	struct rimap_ns ns;
};

/* A rule message whose handle the kernel is to say. */
struct ri_pending {
	uint32_t seq;		/* the rule's message */
	int chain;
	uint64_t digest;
	uint64_t handle;	/* foretold (fresh table) or 0 */
};

struct rindex {
	struct rimap *m;
	/* a table made anew by this batch: handles are foretold */
	bool fresh;
	uint64_t handles;	/* handles the fresh table has given out */
	struct ri_pending *pend;
	unsigned npend, cappend;
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
	free(home);
}

static struct rindex *ri_wrap(struct rimap *m, bool fresh)
{
	struct rindex *ri;

	if (!m)
		return NULL;
	ri = xzalloc(sizeof(*ri));
	ri->m = m;
	ri->fresh = fresh;
	return ri;
}

struct rindex *rindex_open(const struct rindex_home *home, uint8_t family, const char *table,
			   uint32_t genid)
{
	if (!rindex_home_usable(home))
		return NULL;
	return ri_wrap(rimap_open(home->dir, &home->ns, family, table, genid), false);
}

struct rindex *rindex_new(const struct rindex_home *home, uint8_t family, const char *table,
			  uint32_t nrules)
{
	struct rindex *ri;

	if (!rindex_home_usable(home))
		return NULL;
	ri = ri_wrap(rimap_new(home->dir, &home->ns, family, table), true);
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

int rindex_chain(struct rindex *ri, const char *name)
{
	return rimap_chain(ri->m, name);
}

/* ---- following the batch ---- */

int rindex_chain_made(struct rindex *ri, const char *name, bool allocates)
{
	if (ri->fresh) {
		ri->handles += allocates;
	} else if (rimap_chain(ri->m, name) >= 0) {
		/* the kernel had no such chain, the index says it had */
		rimap_break(ri->m);
		return -1;
	}
	return rimap_chain_add(ri->m, name);
}

void rindex_chain_deleted(struct rindex *ri, int id)
{
	if (id >= 0)
		rimap_chain_del(ri->m, id);
}

void rindex_chain_renamed(struct rindex *ri, int id, const char *name)
{
	if (id >= 0)
		rimap_chain_rename(ri->m, id, name);
}

void rindex_chain_flushed(struct rindex *ri, int id)
{
	if (id >= 0)
		rimap_chain_flush(ri->m, id);
}

void rindex_table_flushed(struct rindex *ri)
{
	rimap_flush_all(ri->m);
}

void rindex_table_deleted(struct rindex *ri)
{
	if (!ri->fresh)
		rimap_break(ri->m);
}

void rindex_object_made(struct rindex *ri, uint32_t type, const char *name)
{
	unsigned i;

	/* the kernel numbers an object when the batch makes it, not when a
	 * later rule of the batch names it again */
	if (!ri->fresh)
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

void rindex_sets_made(struct rindex *ri, unsigned n)
{
	if (ri->fresh)
		ri->handles += n;
}

static void pend_add(struct rindex *ri, uint32_t seq, int chain, uint64_t digest,
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
	p->digest = digest;
	p->handle = handle;
}

void rindex_rule_queued(struct rindex *ri, int chain, uint64_t digest, uint64_t replace,
			struct nlmsghdr *nlh)
{
	uint64_t handle;

	if (chain < 0) {
		/* a fresh table numbers every rule: one the index cannot
		 * place would leave its count wrong */
		if (ri->fresh && !replace)
			rimap_break(ri->m);
		return;
	}
	if (replace) {
		/* the rule keeps its handle */
		rimap_del(ri->m, chain, replace);
		rimap_add(ri->m, chain, digest, replace);
		return;
	}
	if (!ri->fresh) {
		nlh->nlmsg_flags |= NLM_F_ECHO;
		rimap_add(ri->m, chain, digest, 0);
		if (digest)
			pend_add(ri, nlh->nlmsg_seq, chain, digest, 0);
		return;
	}
	handle = ++ri->handles;
	rimap_add(ri->m, chain, digest, handle);
	/* the first rule and the last are echoed: the kernel's handles
	 * must be the ones foretold */
	if (!ri->npend) {
		nlh->nlmsg_flags |= NLM_F_ECHO;
		pend_add(ri, nlh->nlmsg_seq, chain, digest, handle);
	} else if (ri->npend == 1) {
		pend_add(ri, nlh->nlmsg_seq, chain, digest, handle);
	} else {
		ri->pend[1].seq = nlh->nlmsg_seq;
		ri->pend[1].chain = chain;
		ri->pend[1].digest = digest;
		ri->pend[1].handle = handle;
	}
}

void rindex_rule_closed(struct rindex *ri, struct nlmsghdr *last)
{
	if (ri->fresh)
		ri->last_msg = last;
}

void rindex_rule_deleted(struct rindex *ri, int chain, uint64_t handle)
{
	if (chain < 0)
		return;
	if (handle)
		rimap_del(ri->m, chain, handle);
	else
		rimap_break(ri->m);	/* which of this batch's? */
}

void rindex_give_up(struct rindex *ri)
{
	rimap_break(ri->m);
}

enum ri_answer rindex_find(struct rindex *ri, int chain, uint64_t digest, uint64_t *handle)
{
	return rimap_find(ri->m, chain, digest, handle);
}

/* ---- the commit ---- */

void rindex_prepare(struct rindex *ri, struct batch *b)
{
	if (ri->fresh && ri->npend == 2 && ri->last_msg)
		batch_set_echo(b, ri->last_msg);
}

void rindex_committed(struct rindex *ri, const struct rindex_home *home, const struct batch *b,
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

			if (!h || (p->handle && h != p->handle))
				ok = false;
			else if (!p->handle)
				rimap_set_handle(ri->m, p->chain, p->digest, h);
		}
		if (ok)
			rimap_store(ri->m, now);
	}
	rimap_restamp(home->dir, &home->ns, base, now, family, table);
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

/* The attributes are walked by hand: this runs for every rule a restore
 * writes. A jump or goto is hashed by the index's id of the chain it
 * names, not by the name: -E renames a chain and every rule that jumps
 * to it then lists the new name with no change to the rule. */
uint64_t rindex_digest(const struct nlmsghdr *nlh, int target)
{
	const char *p = (const char *)nlh + MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg));
	const char *end = (const char *)nlh + nlh->nlmsg_len;
	uint64_t h = 0x6a09e667f3bcc908ull;
	bool jump_seen = target < 0;

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
			uint32_t code = 0;

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
				if (target >= 0 && verdict_chain(e, n, &code)) {
					h = mix(h, (uint64_t)(uint32_t)target << 32 | code);
					jump_seen = true;
					continue;
				}
			}
			h = hash_bytes(h, e, e->nla_len);
		}
	}
	if (!jump_seen)
		return 0;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return h ? h : 1;
}
