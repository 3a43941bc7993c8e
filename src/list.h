/* -L and -S: stream a table's chains and rules to stdout. */
#ifndef IPTNFT_LIST_H
#define IPTNFT_LIST_H

#include "cache.h"
#include "op.h"
#include "table.h"

struct handle;

/* The chains of a table in listing order: built-in chains in hook order
 * (those not in the kernel yet, or not in the shape iptables makes them,
 * with their defaults), then user chains by name; base chains iptables
 * did not make are left out and flagged in out. 0 or -errno. */
int list_chains_ordered(struct handle *h, const char *table, const struct builtin_table *bt,
			struct chain_list *out);
/* The same from kernel, a table's chains as cache_list_chains reads
 * them (freed here). */
void list_chains_order(const struct builtin_table *bt, struct chain_list *kernel,
		       struct chain_list *out);
/* The line that says a listing leaves such base chains out. */
void list_incompatible_note(const char *table);

int list_run(struct handle *h, struct command *cmd);

#endif
