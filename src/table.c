#include "table.h"

#include <linux/netfilter.h>
#include <stddef.h>
#include <string.h>

#include "util.h"

/* Priorities are the kernel's for each table (see DESIGN.md: security
 * stays at 50, before source NAT, unlike the reference's 150, which
 * --compat uses so that the reference sees the base chains it expects).
 * Columns: name, type, hook, priority, the reference's priority; then
 * the order the reference's own definition lists the chains in. */
static const struct builtin_table tables[] = {
	{ "filter", 3, {
		{ "INPUT", "filter", NF_INET_LOCAL_IN, 0, 0 },
		{ "FORWARD", "filter", NF_INET_FORWARD, 0, 0 },
		{ "OUTPUT", "filter", NF_INET_LOCAL_OUT, 0, 0 },
	}, { 0, 1, 2 } },
	{ "mangle", 5, {
		{ "PREROUTING", "filter", NF_INET_PRE_ROUTING, -150, -150 },
		{ "INPUT", "filter", NF_INET_LOCAL_IN, -150, -150 },
		{ "FORWARD", "filter", NF_INET_FORWARD, -150, -150 },
		{ "OUTPUT", "route", NF_INET_LOCAL_OUT, -150, -150 },
		{ "POSTROUTING", "filter", NF_INET_POST_ROUTING, -150, -150 },
	}, { 0, 1, 2, 3, 4 } },
	{ "raw", 2, {
		{ "PREROUTING", "filter", NF_INET_PRE_ROUTING, -300, -300 },
		{ "OUTPUT", "filter", NF_INET_LOCAL_OUT, -300, -300 },
	}, { 0, 1 } },
	{ "nat", 4, {
		{ "PREROUTING", "nat", NF_INET_PRE_ROUTING, -100, -100 },
		{ "INPUT", "nat", NF_INET_LOCAL_IN, 100, 100 },
		{ "OUTPUT", "nat", NF_INET_LOCAL_OUT, -100, -100 },
		{ "POSTROUTING", "nat", NF_INET_POST_ROUTING, 100, 100 },
	}, { 0, 1, 3, 2 } },
	{ "security", 3, {
		{ "INPUT", "filter", NF_INET_LOCAL_IN, 50, 150 },
		{ "FORWARD", "filter", NF_INET_FORWARD, 50, 150 },
		{ "OUTPUT", "filter", NF_INET_LOCAL_OUT, 50, 150 },
	}, { 0, 1, 2 } },
};

const struct builtin_table *table_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tables); i++)
		if (strcmp(tables[i].name, name) == 0)
			return &tables[i];
	return NULL;
}

const struct builtin_chain *table_find_chain(const struct builtin_table *t, const char *name)
{
	unsigned i;

	/* a restore asks for every rule's chain and jump: the first letter
	 * rules out the user's chains */
	for (i = 0; t && i < t->nchains; i++)
		if (t->chains[i].name[0] == name[0] && strcmp(t->chains[i].name, name) == 0)
			return &t->chains[i];
	return NULL;
}

bool table_base_compatible(const struct builtin_table *t, const char *name, const char *type,
			   uint32_t hook, int32_t prio)
{
	const struct builtin_chain *bc = table_find_chain(t, name);

	return bc && bc->hook == hook && strcmp(bc->type, type) == 0 &&
	       (bc->prio == prio || bc->ref_prio == prio);
}

const char *hook_nft_name(uint32_t hook)
{
	switch (hook) {
	case NF_INET_PRE_ROUTING: return "prerouting";
	case NF_INET_LOCAL_IN: return "input";
	case NF_INET_FORWARD: return "forward";
	case NF_INET_LOCAL_OUT: return "output";
	case NF_INET_POST_ROUTING: return "postrouting";
	}
	return "?";
}

int hook_order(uint32_t hook)
{
	switch (hook) {
	case NF_INET_PRE_ROUTING: return 0;
	case NF_INET_LOCAL_IN: return 1;
	case NF_INET_FORWARD: return 2;
	case NF_INET_LOCAL_OUT: return 3;
	case NF_INET_POST_ROUTING: return 4;
	}
	return 5;
}
