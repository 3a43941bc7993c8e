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
	uint32_t kpos;		/* its place in the kernel's list of the table's chains */
};

struct chain_list {
	struct chain_info *v;
	unsigned n, cap;
	/* set by list_chains_ordered: the table holds base chains iptables
	 * did not make (table_base_compatible), some with a built-in name */
	bool incompatible, incompatible_builtin;
	/* the ruleset's generation the chains were read at (the low 16
	 * bits, as every message of a dump carries it), if any was read */
	uint16_t gen;
	bool has_gen;
};

int cache_get_table(struct nlk *nl, uint8_t family, const char *table);
/* One chain by name: 0, -ENOENT if it (or its table) is missing, -errno. */
int cache_get_chain(struct nlk *nl, uint8_t family, const char *table, const char *name,
		    struct chain_info *out);
/* All chains of a table, in the kernel's order. */
int cache_list_chains(struct nlk *nl, uint8_t family, const char *table,
		      struct chain_list *out);
/* The chains of each of the ntables tables, from one dump: out[i] gets
 * tables[i]'s, in the kernel's order. */
int cache_list_chains_of(struct nlk *nl, uint8_t family, const char *const *tables,
			 unsigned ntables, struct chain_list *out);
/* Which of the tables exist (exists[i] for tables[i]), from one dump of
 * the family's tables. 0 or -errno. */
int cache_tables_exist(struct nlk *nl, uint8_t family, const char *const *tables,
		       unsigned ntables, bool *exists);
void chain_list_free(struct chain_list *l);

/* Stream the rules of one chain (chain NULL: the whole table) in order;
 * cb owns nothing: the message is gone when it returns. A non-zero
 * return from cb stops the walk and is returned. */
typedef int (*rule_cb)(const struct rule_msg *m, void *data);
int cache_dump_rules(struct nlk *nl, uint8_t family, const char *table, const char *chain,
		     rule_cb cb, void *data);
/* Every rule of the chains in cl (a table's chains in the order they are
 * shown, kpos their place in the kernel's list), chain by chain: begin(i)
 * before chain i's rules, rule for each of them, end(i) after, for every
 * chain, empty or not (begin and end may be NULL). A table whose chains
 * the kernel keeps in about that order (a restored save file's, say) is
 * read in one dump; a chain that dump would reach too late is read on its
 * own when its turn comes, on a second socket, and passed over in the
 * dump. The rules of a chain the dump reaches before its turn are kept
 * until then, up to a few MiB in all (none with WALK_NOHOLD); past that
 * the chain is read on its own too, so memory does not grow with the
 * table. If the ruleset changed since the chains were read, the chains
 * not shown yet are each read on their own (WALK_STALE: as if it had,
 * from the dump's second chain on); so are those after some 16 000 rules,
 * or 2048 of a chain the dump gives before its turn (WALK_SHORT: after
 * the first rule), as the kernel's cost of a dump grows with the square
 * of its length. A non-zero return from
 * rule stops the walk and is returned, after end of the chain it was in;
 * -errno if reading failed. */
struct chain_walk_ops {
	void (*begin)(void *data, unsigned i);
	rule_cb rule;
	void (*end)(void *data, unsigned i);
};
int cache_walk_rules(struct nlk *nl, uint8_t family, const char *table,
		     const struct chain_list *cl, const struct chain_walk_ops *ops, void *data,
		     unsigned flags);
#define WALK_NOHOLD 1u
#define WALK_STALE 2u
#define WALK_SHORT 4u
/* The one rule of chain with that handle, to cb; -ENOENT if none. */
int cache_get_rule(struct nlk *nl, uint8_t family, const char *table, const char *chain,
		   uint64_t handle, rule_cb cb, void *data);

#endif
