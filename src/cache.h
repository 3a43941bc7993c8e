/* Reading kernel state: only what a command needs. */
#ifndef IPTNFT_CACHE_H
#define IPTNFT_CACHE_H

#include <linux/netfilter/nf_tables.h>
#include <stdbool.h>
#include <stdint.h>

#include "nlk.h"

struct rule_msg;

struct chain_info {
	char name[NFT_CHAIN_MAXNAMELEN];
	char type[16];
	uint64_t handle;
	bool base;		/* has a hook */
	uint32_t hook;
	int32_t prio;
	uint32_t policy;	/* NF_ACCEPT / NF_DROP for base chains */
	uint64_t pkts, bytes;
	uint32_t use;		/* references from jumps and gotos */
};

struct chain_list {
	struct chain_info *v;
	unsigned n, cap;
	/* set by list_chains_ordered: the table holds base chains iptables
	 * did not make (table_base_compatible), some with a built-in name */
	bool incompatible, incompatible_builtin;
};

int cache_get_table(struct nlk *nl, uint8_t family, const char *table);
/* One chain by name: 0, -ENOENT if it (or its table) is missing, -errno. */
int cache_get_chain(struct nlk *nl, uint8_t family, const char *table, const char *name,
		    struct chain_info *out);
/* All chains of a table, in the kernel's order. */
int cache_list_chains(struct nlk *nl, uint8_t family, const char *table,
		      struct chain_list *out);
void chain_list_free(struct chain_list *l);

/* Stream the rules of one chain (chain NULL: the whole table) in order;
 * cb owns nothing: the message is gone when it returns. A non-zero
 * return from cb stops the walk and is returned. */
typedef int (*rule_cb)(const struct rule_msg *m, void *data);
int cache_dump_rules(struct nlk *nl, uint8_t family, const char *table, const char *chain,
		     rule_cb cb, void *data);
/* The one rule of chain with that handle, to cb; -ENOENT if none. */
int cache_get_rule(struct nlk *nl, uint8_t family, const char *table, const char *chain,
		   uint64_t handle, rule_cb cb, void *data);

#endif
