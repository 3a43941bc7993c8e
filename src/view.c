#include "view.h"
#include "rmsg.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <stdio.h>
#include <linux/netfilter.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "ext.h"
#include "txn.h"
#include "util.h"

void view_init(struct view *v, struct handle *h, struct batch *b, const char *table)
{
	memset(v, 0, sizeof(*v));
	v->h = h;
	v->b = b;
	v->family = h->family;
	v->table = table;
	v->bt = table_find(table);
	v->next_id = 1;
	v->sets.nl = &h->nl;
	v->sets.family = h->family;
	v->sets.table = table;
}

static void vchain_clear_rules(struct vchain *c)
{
	unsigned i;

	for (i = 0; i < c->n; i++)
		rule_free(c->rules[i].r);
	c->n = 0;
}

void view_free(struct view *v)
{
	unsigned i;

	free(v->dels);
	for (i = 0; i < v->nchains; i++) {
		vchain_clear_rules(&v->chains[i]);
		free(v->chains[i].rules);
	}
	free(v->chains);
	free(v->hash);
	for (i = 0; i < v->nnames; i++)
		free(v->names[i]);
	free(v->names);
	aset_cache_clear(&v->sets);
	zpages_free(v->scratch, RULE_MSG_MAX);
	memset(v, 0, sizeof(*v));
}

/* ---- chain index ---- */

static void hash_insert(struct view *v, unsigned idx)
{
	unsigned mask = v->hashsize - 1, h = name_hash(v->chains[idx].ci.name, strlen(v->chains[idx].ci.name)), i = h & mask;

	while (v->hash[i].idx)
		i = (i + 1) & mask;
	v->hash[i].idx = idx + 1;
	v->hash[i].h = h;
}

static void hash_rebuild(struct view *v)
{
	unsigned i;

	free(v->hash);
	v->hash = xzalloc(v->hashsize * sizeof(*v->hash));
	for (i = 0; i < v->nchains; i++)
		hash_insert(v, i);
}

static struct vchain *hash_find(struct view *v, const char *name)
{
	unsigned mask, h, i;

	if (!v->hashsize)
		return NULL;
	/* restores name one chain line after line */
	if (v->last && strcmp(v->chains[v->last - 1].ci.name, name) == 0)
		return &v->chains[v->last - 1];
	mask = v->hashsize - 1;
	h = name_hash(name, strlen(name));
	/* the full hash in the slot spares a string compare (and a cache
	 * miss on the chain) for every other name probed */
	for (i = h & mask; v->hash[i].idx; i = (i + 1) & mask) {
		struct vchain *c;

		if (v->hash[i].h != h)
			continue;
		c = &v->chains[v->hash[i].idx - 1];
		if (strcmp(c->ci.name, name) == 0) {
			v->last2 = v->last;
			v->last = v->hash[i].idx;
			return c;
		}
	}
	return NULL;
}

#define NAMES_CHUNK 65536

/* A copy of name in the view's arena, alive until view_free. */
static char *view_name(struct view *v, const char *name)
{
	size_t len = strlen(name) + 1;
	char *p;

	if (!v->nnames || v->names_used + len > NAMES_CHUNK) {
		v->names = xrealloc(v->names, (v->nnames + 1) * sizeof(*v->names));
		v->names[v->nnames++] = xmalloc(NAMES_CHUNK > len ? NAMES_CHUNK : len);
		v->names_used = 0;
	}
	p = v->names[v->nnames - 1] + v->names_used;
	memcpy(p, name, len);
	v->names_used += len;
	return p;
}

/* Everything of a kernel chain's but its name, which the slot has. */
static void vci_copy(struct vchain_info *d, const struct chain_info *s)
{
	memcpy(d->type, s->type, sizeof(d->type));
	d->handle = s->handle;
	d->base = s->base;
	d->hook = s->hook;
	d->prio = s->prio;
	d->policy = s->policy;
	d->pkts = s->pkts;
	d->bytes = s->bytes;
	d->use = s->use;
}

static struct vchain *chain_slot(struct view *v, const char *name)
{
	struct vchain *c;

	if (v->nchains == v->capchains) {
		v->capchains = v->capchains ? v->capchains * 2 : 16;
		v->chains = xrealloc(v->chains, v->capchains * sizeof(*v->chains));
	}
	c = &v->chains[v->nchains++];
	memset(c, 0, sizeof(*c));
	c->ci.name = view_name(v, name);
	if (v->nchains * 2 > v->hashsize) {
		v->hashsize = v->hashsize ? v->hashsize * 2 : 64;
		while (v->nchains * 2 > v->hashsize)
			v->hashsize *= 2;
		hash_rebuild(v);
	} else {
		hash_insert(v, v->nchains - 1);
	}
	return c;
}

/* ---- reading ---- */

/* A user chain, or a base chain in the shape iptables makes. */
static bool compatible(const struct view *v, const struct vchain_info *ci)
{
	return !ci->base || table_base_compatible(v->bt, ci->name, ci->type, ci->hook, ci->prio);
}

bool view_chain_hidden(struct view *v, const char *name)
{
	struct vchain *c = hash_find(v, name);

	return c && c->exists && c->hidden;
}

struct vchain *view_chain(struct view *v, const char *name, int *err)
{
	struct vchain *c = hash_find(v, name);
	struct chain_info ci;
	int ret;

	*err = 0;
	if (c)
		return c->exists && !c->hidden ? c : NULL;
	if (v->all_chains_known || v->table_state < 0)
		return NULL;
	ret = cache_get_chain(&v->h->nl, v->family, v->table, name, &ci);
	if (ret == -ENOENT) {
		/* remember the absence too */
		c = chain_slot(v, name);
		c->exists = false;
		return NULL;
	}
	if (ret < 0) {
		*err = ret;
		return NULL;
	}
	v->table_state = 1;
	c = chain_slot(v, name);
	vci_copy(&c->ci, &ci);
	c->exists = true;
	c->in_kernel = true;
	c->kernel_policy = ci.policy;
	c->hidden = !compatible(v, &c->ci);
	return c->hidden ? NULL : c;
}

int view_load_all_chains(struct view *v)
{
	struct chain_list cl;
	unsigned i;
	int ret;

	if (v->all_chains_known)
		return 0;
	ret = cache_list_chains(&v->h->nl, v->family, v->table, &cl);
	if (ret == -ENOENT || (ret == 0 && cl.n == 0)) {
		/* a table always has chains once iptables made it */
		v->table_state = v->table_added ? 1 : -1;
		v->all_chains_known = true;
		chain_list_free(&cl);
		return 0;
	}
	if (ret < 0) {
		chain_list_free(&cl);
		return ret;
	}
	v->table_state = 1;
	for (i = 0; i < cl.n; i++) {
		struct vchain *c = hash_find(v, cl.v[i].name);

		if (c)
			continue;	/* the view already knows better */
		c = chain_slot(v, cl.v[i].name);
		vci_copy(&c->ci, &cl.v[i]);
		c->exists = true;
		c->in_kernel = true;
		c->kernel_policy = cl.v[i].policy;
		c->hidden = !compatible(v, &c->ci);
	}
	chain_list_free(&cl);
	v->all_chains_known = true;
	return 0;
}

struct load_ctx {
	struct vchain *c;
	uint8_t family;
	struct aset_cache *sets;
	unsigned limit;
	bool (*stop)(const struct rule *r, void *arg);
	void *arg;
	bool stopped;
};

static int load_one(const struct rule_msg *m, void *data)
{
	struct load_ctx *lc = data;
	struct vchain *c = lc->c;
	struct vrule *vr;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->rules = xrealloc(c->rules, c->cap * sizeof(*c->rules));
	}
	vr = &c->rules[c->n++];
	memset(vr, 0, sizeof(*vr));
	vr->r = rule_new(lc->family);
	rule_delinearize_msg(m, vr->r, aset_cache_get, lc->sets, NULL);
	vr->handle = vr->r->handle;
	if ((lc->limit && c->n >= lc->limit) || (lc->stop && lc->stop(vr->r, lc->arg))) {
		lc->stopped = true;
		return 1;
	}
	return 0;
}

int view_load_rules_until(struct view *v, struct vchain *c, unsigned limit,
			  bool (*stop)(const struct rule *r, void *arg), void *arg)
{
	struct load_ctx lc = { c, v->family, &v->sets, limit, stop, arg, false };
	int ret;

	if (c->rules_known)
		return 0;
	if (c->fresh || !c->ci.handle) {
		c->rules_known = true;
		return 0;
	}
	vchain_clear_rules(c);
	ret = cache_dump_rules(&v->h->nl, v->family, v->table, c->ci.name, load_one, &lc);
	if (ret == -ENOENT || ret > 0)
		ret = 0;
	if (ret < 0) {
		vchain_clear_rules(c);
		return ret;
	}
	c->rules_known = !lc.stopped;
	return 0;
}

int view_load_rules(struct view *v, struct vchain *c)
{
	return view_load_rules_until(v, c, 0, NULL, NULL);
}

/* ---- changes ---- */

void view_ensure_table(struct view *v)
{
	if (v->table_added)
		return;
	txn_add_table(v->b, v->family, v->table, v->tag);
	v->table_added = true;
	v->table_state = 1;
}

void view_delete_table(struct view *v)
{
	unsigned i;

	txn_del_table(v->b, v->family, v->table, v->tag);
	for (i = 0; i < v->nchains; i++) {
		vchain_clear_rules(&v->chains[i]);
		v->chains[i].exists = false;
		v->chains[i].rules_known = false;
		v->chains[i].in_kernel = false;
		v->chains[i].added = 0;
	}
	v->table_state = -1;
	v->table_added = false;
	v->all_chains_known = true;
}

struct vchain *view_create_builtin(struct view *v, const struct builtin_chain *bc,
				   uint32_t policy, uint64_t pkts, uint64_t bytes)
{
	struct vchain *c = hash_find(v, bc->name);
	int32_t prio = v->h->compat ? bc->ref_prio : bc->prio;

	if (c && c->exists && (c->hidden || !c->ci.base) && !v->refused_chain)
		v->refused_chain = c->ci.name;

	view_ensure_table(v);
	txn_add_builtin_chain(v->b, v->family, v->table, bc, prio, policy, pkts, bytes,
			      v->tag);
	if (!c)
		c = chain_slot(v, bc->name);
	vchain_clear_rules(c);
	/* NEWCHAIN of a chain that is there only updates it (and the kernel
	 * refuses it for a hidden one, which stays hidden) */
	c->in_kernel = c->in_kernel && c->exists;
	c->exists = true;
	c->fresh = true;
	c->rules_known = true;
	c->added = 0;
	c->ci.base = true;
	c->ci.hook = bc->hook;
	c->ci.prio = prio;
	c->ci.policy = policy;
	c->ci.handle = 0;
	return c;
}

struct vchain *view_create_user(struct view *v, const char *name)
{
	struct vchain *c = hash_find(v, name);

	view_ensure_table(v);
	txn_add_user_chain(v->b, v->family, v->table, name, true, v->tag);
	if (!c)
		c = chain_slot(v, name);
	vchain_clear_rules(c);
	{
		char *nm = c->ci.name;

		memset(&c->ci, 0, sizeof(c->ci));
		c->ci.name = nm;
	}
	c->exists = true;
	c->fresh = true;
	c->rules_known = true;
	c->in_kernel = false;
	c->added = 0;
	return c;
}

void view_delete_chain(struct view *v, struct vchain *c)
{
	if (v->ndels == v->capdels) {
		v->capdels = v->capdels ? v->capdels * 2 : 8;
		v->dels = xrealloc(v->dels, v->capdels * sizeof(*v->dels));
	}
	v->dels[v->ndels].seq = v->b->next_seq;
	v->dels[v->ndels++].name = c->ci.name;
	txn_del_chain(v->b, v->family, v->table, c->ci.name, v->tag);
	vchain_clear_rules(c);
	c->exists = false;
	c->rules_known = false;
	c->in_kernel = false;
	c->added = 0;
}

const char *view_deleted_chain(const struct view *v, uint32_t seq)
{
	unsigned i;

	for (i = 0; i < v->ndels; i++)
		if (v->dels[i].seq == seq)
			return v->dels[i].name;
	return NULL;
}

void view_flush_chain(struct view *v, struct vchain *c)
{
	txn_flush(v->b, v->family, v->table, c->ci.name, v->tag);
	vchain_clear_rules(c);
	c->rules_known = true;
	c->fresh = true;
	c->added = 0;
}

void view_flush_table(struct view *v)
{
	txn_flush(v->b, v->family, v->table, NULL, v->tag);
}

void view_rename_chain(struct view *v, struct vchain *c, const char *newname)
{
	struct nftnl_chain *nc = nftnl_chain_alloc();
	struct nlmsghdr *nlh;
	struct vchain *n;
	struct vchain saved = *c;

	nftnl_chain_set_str(nc, NFTNL_CHAIN_TABLE, v->table);
	nftnl_chain_set_u64(nc, NFTNL_CHAIN_HANDLE, c->ci.handle);
	nftnl_chain_set_str(nc, NFTNL_CHAIN_NAME, newname);
	nlh = batch_msg(v->b, NFT_MSG_NEWCHAIN, v->family, 0, v->tag);
	nftnl_chain_nlmsg_build_payload(nlh, nc);
	batch_done(v->b);
	nftnl_chain_free(nc);
	/* the old name is gone; the rules move with the chain */
	c->exists = false;
	c->rules = NULL;
	c->n = c->cap = 0;
	c->rules_known = false;
	n = hash_find(v, newname);
	if (!n)
		n = chain_slot(v, newname);
	free(n->rules);
	{
		char *nm = n->ci.name;

		*n = saved;
		n->ci.name = nm;
	}
}

static void vrules_insert(struct vchain *c, unsigned pos, struct vrule *vr)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->rules = xrealloc(c->rules, c->cap * sizeof(*c->rules));
	}
	memmove(&c->rules[pos + 1], &c->rules[pos], (c->n - pos) * sizeof(*c->rules));
	c->rules[pos] = *vr;
	c->n++;
}

/* Fill nr's position: before (or after) the rule at idx. */
static void put_position(struct nlmsghdr *nlh, const struct vrule *ref)
{
	if (ref->handle)
		mnl_attr_put_u64(nlh, NFTA_RULE_POSITION, htobe64(ref->handle));
	else
		mnl_attr_put_u32(nlh, NFTA_RULE_POSITION_ID, htonl(ref->id));
}

/* Objects the rule's extensions refer to by name (a CT target's ct
 * helper) go into the batch just before the rule, so that the kernel
 * finds them when it adds the rule. */
static void queue_object(struct view *v, const struct rule *r, const struct ext_inst *inst)
{
	struct nftnl_obj *o;

	/* --compat writes the reference's xt blob, which needs no object */
	if (v->h->compat && inst->ext->compat)
		return;
	if (!inst->ext->object || !(o = inst->ext->object(inst->data, r)))
		return;
	txn_add_obj(v->b, v->family, v->table, o, v->tag);
	nftnl_obj_free(o);
}

static void queue_objects(struct view *v, const struct rule *r)
{
	const struct ext_inst *m;

	for (m = r->matches; m; m = m->next)
		queue_object(v, r, m);
	if (r->verdict == VERDICT_TARGET)
		queue_object(v, r, r->target);
}

/* libmnl before 1.0.5 leaves an attribute's padding as it finds it: the
 * scratch message is zeroed after use, so that the next rule's bytes, and
 * so its digest, never hold a former rule's. */
static void scratch_clear(struct view *v, const struct nlmsghdr *tmp)
{
	memset(v->scratch, 0, tmp->nlmsg_len);
}

static struct nlmsghdr *scratch_start(struct view *v)
{
	struct nlmsghdr *tmp;

	if (!v->scratch)
		v->scratch = zpages(RULE_MSG_MAX);
	tmp = mnl_nlmsg_put_header(v->scratch);
	mnl_nlmsg_put_extra_header(tmp, sizeof(struct nfgenmsg));
	return tmp;
}

/* r's expressions in the scratch message tmp, in iptnft's layout, or in
 * the reference's when only that one is within what the kernel takes:
 * its xt blobs need fewer expressions than some native forms (-m
 * conntrack, -m hbh --hbh-opts, ...). Returns the number of expressions
 * (-1: too large for a message at all); *theirs says which layout. */
static int linearize_fit(struct view *v, const struct rule *r, struct nlmsghdr *tmp,
			 struct aset_list *sets, const char *chain, bool *theirs)
{
	uint32_t first_id = sets->next_id;
	struct lin_where w = { v->table, chain, v->h->compat, &v->h->feat };
	int n = rule_linearize_msg(r, tmp, sets, &w);

	*theirs = v->h->compat;
	if (v->h->compat || (n >= 0 && n <= RULE_MAX_EXPRS))
		return n;
	scratch_clear(v, tmp);
	aset_list_clear(sets);
	sets->next_id = first_id;
	tmp = scratch_start(v);
	*theirs = true;
	/* past the kernel's limit in both layouts, the kernel refuses the
	 * reference's own message, as it would the reference */
	w.compat = true;
	return rule_linearize_msg(r, tmp, sets, &w);
}

static void queue_rule(struct view *v, struct vchain *c, const struct rule *r, uint16_t flags,
		       const struct vrule *ref, uint64_t replace, uint32_t id)
{
	struct aset_list sets = { 0 };
	struct nlmsghdr *nlh, *tmp;
	uint32_t len;
	unsigned i;
	bool theirs;

	/* the expressions first, in a scratch message: the anonymous sets
	 * they look up must go into the batch before the rule */
	tmp = scratch_start(v);
	queue_objects(v, r);
	sets.next_id = v->next_set_id;
	if (linearize_fit(v, r, tmp, &sets, c->ci.name, &theirs) < 0) {
		/* no message can carry it: the batch must not be sent */
		v->too_big = true;
		scratch_clear(v, tmp);
		aset_list_clear(&sets);
		return;
	}
	v->next_set_id = sets.next_id;
	for (i = 0; i < sets.n; i++)
		txn_add_aset(v->b, v->family, v->table, &sets.v[i], v->tag);
	aset_list_clear(&sets);

	len = tmp->nlmsg_len - MNL_NLMSG_HDRLEN - MNL_ALIGN(sizeof(struct nfgenmsg));
	nlh = batch_msg_sized(v->b, NFT_MSG_NEWRULE, v->family, flags, v->tag,
			      NLK_HEAD_MAX + len);
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, v->table);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, c->ci.name);
	if (replace)
		mnl_attr_put_u64(nlh, NFTA_RULE_HANDLE, htobe64(replace));
	else if (ref)
		put_position(nlh, ref);
	if (id)
		mnl_attr_put_u32(nlh, NFTA_RULE_ID, htonl(id));
	/* the header holds two names of at most NFT_NAME_MAXLEN: within
	 * what a batch message may take (NLK_MSG_MAX) beside RULE_MSG_MAX */
	memcpy(mnl_nlmsg_get_payload_tail(nlh),
	       (char *)mnl_nlmsg_get_payload(tmp) + MNL_ALIGN(sizeof(struct nfgenmsg)), len);
	nlh->nlmsg_len += len;
	scratch_clear(v, tmp);
	batch_done(v->b);
}

void view_add_rule(struct view *v, struct vchain *c, const struct rule *r, unsigned pos,
		   bool append_cmd)
{
	struct vrule vr = { 0 };

	if (v->track_rules && !c->rules_known)
		view_load_rules(v, c);
	vr.id = v->next_id++;
	c->added++;
	if (append_cmd || (c->rules_known && pos >= c->n)) {
		/* at the end: after the last rule, or plain append */
		queue_rule(v, c, r, NLM_F_CREATE | NLM_F_APPEND, NULL, 0, vr.id);
		pos = c->n;
	} else if (pos == 0) {
		queue_rule(v, c, r, NLM_F_CREATE, NULL, 0, vr.id);
	} else {
		queue_rule(v, c, r, NLM_F_CREATE, &c->rules[pos], 0, vr.id);
	}
	if (!c->rules_known)
		return;
	if (v->forget_rules) {
		vchain_clear_rules(c);
		c->rules_known = false;
		return;
	}
	vr.r = rule_clone(r);
	vrules_insert(c, pos, &vr);
}

void view_replace_rule(struct view *v, struct vchain *c, unsigned idx, const struct rule *r)
{
	struct vrule *old = &c->rules[idx];

	if (old->handle) {
		queue_rule(v, c, r, NLM_F_REPLACE, NULL, old->handle, 0);
		rule_free(old->r);
		old->r = rule_clone(r);
		return;
	}
	/* a rule of this batch has no handle yet: add the new one before
	 * it, then delete it */
	{
		struct vrule vr = { 0 };

		vr.id = v->next_id++;
		queue_rule(v, c, r, NLM_F_CREATE, old, 0, vr.id);
		vr.r = rule_clone(r);
		view_delete_rule(v, c, idx);
		vrules_insert(c, idx, &vr);
	}
}

void view_delete_rule(struct view *v, struct vchain *c, unsigned idx)
{
	struct vrule *vr = &c->rules[idx];
	struct nftnl_rule *nr = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(nr, NFTNL_RULE_TABLE, v->table);
	nftnl_rule_set_str(nr, NFTNL_RULE_CHAIN, c->ci.name);
	if (vr->handle)
		nftnl_rule_set_u64(nr, NFTNL_RULE_HANDLE, vr->handle);
	else
		nftnl_rule_set_u32(nr, NFTNL_RULE_ID, vr->id);
	nlh = batch_msg_sized(v->b, NFT_MSG_DELRULE, v->family, 0, v->tag, NLK_HEAD_MAX);
	nftnl_rule_nlmsg_build_payload(nlh, nr);
	batch_done(v->b);
	nftnl_rule_free(nr);
	rule_free(vr->r);
	memmove(&c->rules[idx], &c->rules[idx + 1], (c->n - idx - 1) * sizeof(*c->rules));
	c->n--;
}

void view_delete_handle(struct view *v, struct vchain *c, uint64_t handle)
{
	struct nlmsghdr *nlh = batch_msg_sized(v->b, NFT_MSG_DELRULE, v->family, 0, v->tag,
					       NLK_HEAD_MAX);

	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, v->table);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, c->ci.name);
	mnl_attr_put_u64(nlh, NFTA_RULE_HANDLE, htobe64(handle));
	batch_done(v->b);
	/* the view's copy of the chain, if it has one, no longer holds */
	vchain_clear_rules(c);
	c->rules_known = false;
}

/* Whether r holds a match that equals any other of its kind, which the
 * digest of r's bytes cannot find. */
static bool holds_equal_any(const struct rule *r)
{
	const struct ext_inst *m;

	for (m = r->matches; m; m = m->next)
		if (m->ext->equal_any)
			return true;
	return false;
}

enum ri_answer view_index_find(struct view *v, struct vchain *c, const struct rule *r,
			       uint64_t *handle)
{
	struct aset_list sets = { 0 };
	enum ri_answer ans = RI_UNKNOWN;
	struct nlmsghdr *tmp;
	bool theirs;

	if (!v->ri || v->h->compat || holds_equal_any(r))
		return RI_UNKNOWN;
	tmp = scratch_start(v);
	/* as queue_rule would write it: a rule in the reference's layout
	 * (too long otherwise) or with anonymous sets has no digest */
	if (linearize_fit(v, r, tmp, &sets, c->ci.name, &theirs) >= 0 && !sets.n && !theirs)
		ans = rindex_find(v->ri, c->ci.name, tmp, handle);
	scratch_clear(v, tmp);
	aset_list_clear(&sets);
	return ans;
}

struct fetch_ctx {
	uint8_t family;
	struct aset_cache *sets;
	struct rule *r;
};

static int fetch_one(const struct rule_msg *m, void *data)
{
	struct fetch_ctx *fc = data;

	if (fc->r)
		return 0;
	fc->r = rule_new(fc->family);
	rule_delinearize_msg(m, fc->r, aset_cache_get, fc->sets, NULL);
	return 0;
}

struct rule *view_fetch_rule(struct view *v, struct vchain *c, uint64_t handle)
{
	struct fetch_ctx fc = { v->family, &v->sets, NULL };

	if (cache_get_rule(&v->h->nl, v->family, v->table, c->ci.name, handle, fetch_one,
			   &fc) < 0) {
		rule_free(fc.r);
		return NULL;
	}
	return fc.r;
}

void view_index_commit(struct view *v, uint32_t base)
{
	struct rindex_home *home = handle_index(v->h);
	uint32_t now;

	/* the kernel took the batch only at generation base; its commit made
	 * base + 1 if the batch changed anything, and none if it did not (a
	 * flush of an empty chain): the generation is asked, not assumed.
	 * Anything else (someone committed since) leaves the index stamped
	 * with a generation no longer current, which no command trusts. A
	 * commit that echoed anything brought the kernel's word on its new
	 * generation along: no question then. */
	if (!home)
		return;
	now = v->b->new_genid;
	if (now || nlk_genid(&v->h->nl, &now) == 0)
		rindex_committed(v->ri, home, v->b, v->family, v->table, base, now);
}
