#include "aset.h"

#include <errno.h>
#include <stdio.h>
#include <libnftnl/set.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#include "nlk.h"
#include "util.h"

struct aset *aset_list_add(struct aset_list *l, uint32_t key_type, uint32_t key_len,
			   bool interval)
{
	struct aset *s;

	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	s = &l->v[l->n++];
	memset(s, 0, sizeof(*s));
	s->id = ++l->next_id;
	snprintf(s->name, sizeof(s->name), "__set%%d");
	s->key_type = key_type;
	s->key_len = key_len;
	s->interval = interval;
	return s;
}

void aset_add_elem(struct aset *s, const void *lo, const void *hi)
{
	struct aset_elem *e;

	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	e = &s->v[s->n++];
	memset(e, 0, sizeof(*e));
	memcpy(e->lo, lo, s->key_len);
	memcpy(e->hi, hi ? hi : lo, s->key_len);
}

void aset_free(struct aset *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

void aset_list_clear(struct aset_list *l)
{
	unsigned i;

	for (i = 0; i < l->n; i++)
		aset_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* key + 1 in network byte order; false if it wrapped past the maximum. */
static bool key_next(uint8_t *k, uint32_t len)
{
	int i;

	for (i = (int)len - 1; i >= 0; i--)
		if (++k[i] != 0)
			return true;
	return false;
}

static void put_elem(struct nftnl_set *set, const void *key, uint32_t len, uint32_t flags)
{
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();

	if (!e)
		out_of_memory();
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, len);
	if (flags)
		nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS, flags);
	nftnl_set_elem_add(set, e);
}

void txn_add_aset(struct batch *b, uint8_t family, const char *table, const struct aset *s,
		  int tag)
{
	struct nftnl_set *set = nftnl_set_alloc();
	struct nlmsghdr *nlh;
	uint32_t flags = NFT_SET_ANONYMOUS | NFT_SET_CONSTANT;
	unsigned i;

	if (!set)
		out_of_memory();
	if (s->interval)
		flags |= NFT_SET_INTERVAL;
	nftnl_set_set_str(set, NFTNL_SET_TABLE, table);
	nftnl_set_set_str(set, NFTNL_SET_NAME, s->name);
	nftnl_set_set_u32(set, NFTNL_SET_FAMILY, family);
	nftnl_set_set_u32(set, NFTNL_SET_ID, s->id);
	nftnl_set_set_u32(set, NFTNL_SET_FLAGS, flags);
	nftnl_set_set_u32(set, NFTNL_SET_KEY_TYPE, s->key_type);
	nftnl_set_set_u32(set, NFTNL_SET_KEY_LEN, s->key_len);
	nlh = batch_msg(b, NFT_MSG_NEWSET, family, NLM_F_CREATE, tag);
	nftnl_set_nlmsg_build_payload(nlh, set);
	batch_done(b);

	/* an interval [lo, hi] is its start, and hi + 1 marked as the end */
	for (i = 0; i < s->n; i++) {
		uint8_t end[16];

		put_elem(set, s->v[i].lo, s->key_len, 0);
		if (!s->interval)
			continue;
		memcpy(end, s->v[i].hi, s->key_len);
		if (key_next(end, s->key_len))
			put_elem(set, end, s->key_len, NFT_SET_ELEM_INTERVAL_END);
	}
	nlh = batch_msg(b, NFT_MSG_NEWSETELEM, family, NLM_F_CREATE, tag);
	nftnl_set_elems_nlmsg_build_payload(nlh, set);
	batch_done(b);
	nftnl_set_free(set);
}

struct read_ctx {
	struct aset *out;
	uint8_t (*keys)[16];
	uint32_t *flags;
	unsigned n, cap;
	bool odd;		/* an element holds more than a key */
};

static const uint16_t elem_extras[] = {
	NFTNL_SET_ELEM_VERDICT, NFTNL_SET_ELEM_CHAIN, NFTNL_SET_ELEM_DATA,
	NFTNL_SET_ELEM_TIMEOUT, NFTNL_SET_ELEM_EXPR, NFTNL_SET_ELEM_OBJREF,
	NFTNL_SET_ELEM_KEY_END, NFTNL_SET_ELEM_EXPRESSIONS,
};

static int elem_cb(struct nftnl_set_elem *e, void *data)
{
	struct read_ctx *rc = data;
	uint32_t len = 0;
	const void *key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);

	unsigned i;

	if (!key)
		return 0;
	for (i = 0; i < sizeof(elem_extras) / sizeof(elem_extras[0]); i++)
		if (nftnl_set_elem_is_set(e, elem_extras[i]))
			rc->odd = true;
	if (len > 16)
		rc->odd = true;
	if (rc->n == rc->cap) {
		rc->cap = rc->cap ? rc->cap * 2 : 16;
		rc->keys = xrealloc(rc->keys, rc->cap * sizeof(*rc->keys));
		rc->flags = xrealloc(rc->flags, rc->cap * sizeof(*rc->flags));
	}
	memset(rc->keys[rc->n], 0, 16);
	memcpy(rc->keys[rc->n], key, len > 16 ? 16 : len);
	rc->flags[rc->n] = nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS) ?
			   nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS) : 0;
	if (rc->flags[rc->n] & ~(uint32_t)NFT_SET_ELEM_INTERVAL_END)
		rc->odd = true;
	rc->n++;
	return 0;
}

static int elems_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_set *set = nftnl_set_alloc();

	if (!set)
		return MNL_CB_ERROR;
	if (nftnl_set_elems_nlmsg_parse(nlh, set) == 0)
		nftnl_set_elem_foreach(set, elem_cb, data);
	nftnl_set_free(set);
	return MNL_CB_OK;
}

static int set_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct aset *out = data;
	struct nftnl_set *set = nftnl_set_alloc();

	if (!set)
		return MNL_CB_ERROR;
	if (nftnl_set_nlmsg_parse(nlh, set) == 0) {
		uint32_t flags = nftnl_set_get_u32(set, NFTNL_SET_FLAGS);

		out->key_len = nftnl_set_get_u32(set, NFTNL_SET_KEY_LEN);
		out->key_type = nftnl_set_get_u32(set, NFTNL_SET_KEY_TYPE);
		out->interval = flags & NFT_SET_INTERVAL;
		out->plain = (flags & ~(uint32_t)(NFT_SET_ANONYMOUS | NFT_SET_CONSTANT |
						   NFT_SET_INTERVAL)) == 0 &&
			     (flags & NFT_SET_ANONYMOUS) &&
			     !nftnl_set_is_set(set, NFTNL_SET_DATA_TYPE) &&
			     !nftnl_set_is_set(set, NFTNL_SET_OBJ_TYPE) &&
			     !nftnl_set_is_set(set, NFTNL_SET_DESC_CONCAT) &&
			     !nftnl_set_is_set(set, NFTNL_SET_EXPR) &&
			     !nftnl_set_is_set(set, NFTNL_SET_EXPRESSIONS);
	}
	nftnl_set_free(set);
	return MNL_CB_OK;
}

struct boundary {
	uint8_t k[16];
	uint32_t f;
};

/* By key; where an interval ends at the key the next one starts, the end
 * comes first. */
static int boundary_cmp(const void *a, const void *b)
{
	const struct boundary *x = a, *y = b;
	int c = memcmp(x->k, y->k, 16);
	bool xe = x->f & NFT_SET_ELEM_INTERVAL_END, ye = y->f & NFT_SET_ELEM_INTERVAL_END;

	if (c)
		return c;
	return xe == ye ? 0 : xe ? -1 : 1;
}

int cache_get_aset(struct nlk *nl, uint8_t family, const char *table, const char *name,
		   struct aset *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nftnl_set *set = nftnl_set_alloc();
	struct read_ctx rc = { .out = out };
	struct nlmsghdr *nlh;
	unsigned i;
	int ret;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	nftnl_set_set_str(set, NFTNL_SET_TABLE, table);
	nftnl_set_set_str(set, NFTNL_SET_NAME, name);
	nlh = nlk_request(nl, buf, NFT_MSG_GETSET, family, NLM_F_ACK);
	nftnl_set_nlmsg_build_payload(nlh, set);
	ret = nlk_query(nl, nlh, set_msg_cb, out);
	if (ret == 0) {
		nlh = nlk_request(nl, buf, NFT_MSG_GETSETELEM, family, NLM_F_DUMP);
		nftnl_set_elems_nlmsg_build_payload(nlh, set);
		ret = nlk_query(nl, nlh, elems_msg_cb, &rc);
	}
	nftnl_set_free(set);
	if (ret < 0 || out->key_len == 0 || out->key_len > 16) {
		free(rc.keys);
		free(rc.flags);
		return ret < 0 ? ret : -EINVAL;
	}
	if (rc.odd)
		out->plain = false;
	if (!out->interval) {
		for (i = 0; i < rc.n; i++)
			aset_add_elem(out, rc.keys[i], NULL);
	} else {
		/* rebuild [start, end - 1] pairs from the sorted boundaries */
		struct boundary *b = xmalloc((rc.n + 1) * sizeof(*b));

		for (i = 0; i < rc.n; i++) {
			memcpy(b[i].k, rc.keys[i], 16);
			b[i].f = rc.flags[i];
		}
		qsort(b, rc.n, sizeof(*b), boundary_cmp);
		for (i = 0; i < rc.n; i++) {
			uint8_t hi[16];
			int j;

			if (b[i].f & NFT_SET_ELEM_INTERVAL_END)
				continue;
			memset(hi, 0xff, sizeof(hi));
			if (i + 1 < rc.n && (b[i + 1].f & NFT_SET_ELEM_INTERVAL_END)) {
				memcpy(hi, b[i + 1].k, 16);
				/* end - 1 */
				for (j = (int)out->key_len - 1; j >= 0; j--)
					if (hi[j]-- != 0)
						break;
			}
			aset_add_elem(out, b[i].k, hi);
		}
		free(b);
	}
	free(rc.keys);
	free(rc.flags);
	return 0;
}

const struct aset *aset_cache_get(void *opaque, const char *name)
{
	struct aset_cache *c = opaque;
	struct aset s;
	unsigned i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return &c->v[i];
	if (!c->nl)
		return NULL;
	if (!c->own) {
		c->own = xzalloc(sizeof(*c->own));
		if (nlk_open(c->own) < 0) {
			free(c->own);
			c->own = NULL;
			return NULL;
		}
	}
	if (cache_get_aset(c->own, c->family, c->table, name, &s) < 0)
		return NULL;
	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	c->v[c->n] = s;
	return &c->v[c->n++];
}

void aset_cache_clear(struct aset_cache *c)
{
	unsigned i;

	for (i = 0; i < c->n; i++)
		aset_free(&c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = 0;
	if (c->own) {
		nlk_close(c->own);
		free(c->own);
		c->own = NULL;
	}
}
