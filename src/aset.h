/* Anonymous constant sets: what a rule looks a value up in, such as the
 * ports of -m multiport. Written in the rule's batch just before the rule
 * (NEWSET + NEWSETELEM, referenced by id), read back by name. */
#ifndef IPTNFT_ASET_H
#define IPTNFT_ASET_H

#include <stdbool.h>
#include <stdint.h>

struct aset_elem {
	uint8_t lo[16], hi[16];	/* inclusive; lo == hi for one value */
};

struct aset {
	char name[32];		/* "__set%d" when sent; the kernel's name when read */
	uint32_t id;		/* unique within the batch */
	uint32_t key_type;	/* nft data type, for nft's display */
	uint32_t key_len;
	bool interval;
	/* read back: a set of keys only, as txn_add_aset writes them, so
	 * that txn_add_aset can make its twin */
	bool plain;
	unsigned n;
	struct aset_elem *v;
};

/* The sets one rule needs, owned by whoever linearizes it. */
struct aset_list {
	struct aset *v;
	unsigned n;
	uint32_t next_id;	/* ids handed out so far in this batch */
};

struct aset *aset_list_add(struct aset_list *l, uint32_t key_type, uint32_t key_len,
			   bool interval);
void aset_add_elem(struct aset *s, const void *lo, const void *hi);
void aset_list_clear(struct aset_list *l);	/* keeps next_id */
void aset_free(struct aset *s);

struct nlk;
struct batch;
/* Queue NEWSET + NEWSETELEM for s in table. */
void txn_add_aset(struct batch *b, uint8_t family, const char *table, const struct aset *s,
		  int tag);
/* Read set name of table from the kernel into out; 0 or -errno. */
int cache_get_aset(struct nlk *nl, uint8_t family, const char *table, const char *name,
		   struct aset *out);

/* Sets read from the kernel on demand while rules of one table are read;
 * get() has the signature struct delin_ctx wants. */
struct aset_cache {
	struct nlk *nl;		/* unused: see own */
	uint8_t family;
	const char *table;
	struct aset *v;
	unsigned n;
	/* Sets are read while a rule dump is still running on the main
	 * socket, so they are asked for on a socket of their own. */
	struct nlk *own;
};

const struct aset *aset_cache_get(void *cache, const char *name);
void aset_cache_clear(struct aset_cache *c);

#endif
