/* The built-in tables and chains iptables users expect. */
#ifndef IPTNFT_TABLE_H
#define IPTNFT_TABLE_H

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
	struct builtin_chain chains[5];
};

const struct builtin_table *table_find(const char *name);
const struct builtin_chain *table_find_chain(const struct builtin_table *t, const char *name);
/* Position of a hook in listing order (PREROUTING first). */
int hook_order(uint32_t hook);

#endif
