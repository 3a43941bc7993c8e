/* The built-in tables and chains iptables users expect. */
#ifndef IPTNFT_TABLE_H
#define IPTNFT_TABLE_H

#include <stdbool.h>
#include <stdint.h>

struct builtin_chain {
	const char *name;
	const char *type;	/* "filter", "nat", "route" */
	uint32_t hook;		/* NF_INET_* */
	int32_t prio;
	int32_t ref_prio;	/* the reference's, which --compat uses */
};

struct builtin_table {
	const char *name;
	unsigned nchains;
	struct builtin_chain chains[5];	/* in listing (hook) order */
	/* the order the reference's -v -F makes missing chains in: the
	 * order of its own table definition (indexes into chains) */
	unsigned char make_order[5];
};

const struct builtin_table *table_find(const char *name);
const struct builtin_chain *table_find_chain(const struct builtin_table *t, const char *name);
/* Is a base chain of table t one that iptables makes: a built-in chain's
 * name, type and hook, at our priority or the reference's? The others
 * are "incompatible": listings skip them and say so. */
bool table_base_compatible(const struct builtin_table *t, const char *name, const char *type,
			   uint32_t hook, int32_t prio);
/* The hook's name in nft syntax ("input"). */
const char *hook_nft_name(uint32_t hook);
/* Position of a hook in listing order (PREROUTING first). */
int hook_order(uint32_t hook);

#endif
