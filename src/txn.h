/* Building batch messages: one function per kind of change. */
#ifndef IPTNFT_TXN_H
#define IPTNFT_TXN_H

#include <stdbool.h>
#include <stdint.h>

#include "nlk.h"
#include "rule.h"
#include "table.h"

struct nftnl_rule;

void txn_add_table(struct batch *b, uint8_t family, const char *table, int tag);
/* A built-in chain of table at priority prio (bc->prio, or the
 * reference's bc->ref_prio for --compat), its counters starting at pkts
 * and bytes: a base chain given counters counts its policy's verdicts. */
void txn_add_builtin_chain(struct batch *b, uint8_t family, const char *table,
			   const struct builtin_chain *bc, int32_t prio, uint32_t policy,
			   uint64_t pkts, uint64_t bytes, int tag);
void txn_add_user_chain(struct batch *b, uint8_t family, const char *table, const char *name,
			bool excl, int tag);
void txn_del_table(struct batch *b, uint8_t family, const char *table, int tag);
void txn_del_chain(struct batch *b, uint8_t family, const char *table, const char *name,
		   int tag);
struct nftnl_obj;
/* Create object o (its type and data set) in table unless it exists: a
 * ct helper a rule refers to. Sets o's table and family. */
void txn_add_obj(struct batch *b, uint8_t family, const char *table, struct nftnl_obj *o,
		 int tag);
/* Delete every rule of chain, or of the whole table when chain is NULL. */
void txn_flush(struct batch *b, uint8_t family, const char *table, const char *chain, int tag);
struct nftnl_expr;
/* A lookup of a rule that is to look up in another set: the one made in
 * the same batch with id set_id. */
struct txn_renewed {
	const struct nftnl_expr *lookup;
	uint32_t set_id;
};
/* Replace a rule read from the kernel with itself, counters zeroed and
 * the lookups in renew[] pointed at their new sets. */
void txn_zero_rule(struct batch *b, struct nftnl_rule *nr, const struct txn_renewed *renew,
		   unsigned nrenew, int tag);
/* Update a chain: policy (< 0 keeps it) and/or counters. */
void txn_chain_update(struct batch *b, uint8_t family, const char *table, const char *name,
		      int policy, bool counters, uint64_t pkts, uint64_t bytes, int tag);

#endif
