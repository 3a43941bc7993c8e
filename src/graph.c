/* iptnft graph: the live ruleset as Graphviz DOT.
 *
 * A packet meets the netfilter hooks in a fixed order; at each hook the
 * base chains of every table run by priority, and their rules jump and
 * go to user chains. The graph draws just that:
 *
 *   in -> PREROUTING -> INPUT -> local process -> OUTPUT -> POSTROUTING -> out
 *                    \-> FORWARD ----------------------/
 *
 * each hook a cluster holding its base chains in priority order, and an
 * edge for every -j and -g to a user chain, labelled with the rule's
 * number (and its counters with --counters). Only chains iptables
 * lists are drawn: base chains iptables did not make are left out, as
 * the listings leave them out.
 */
#include <config.h>
#include <errno.h>
#include <getopt.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aset.h"
#include "rmsg.h"
#include "cache.h"
#include "frontends.h"
#include "handle.h"
#include "list.h"
#include "op.h"
#include "rule.h"
#include "table.h"
#include "util.h"

/* Tables in the order their base chains usually run (raw first). */
static const char *const graph_tables[] = { "raw", "mangle", "nat", "filter", "security" };

static const char *const hook_names[] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
};

/* One base chain, for ordering within its hook. */
struct gbase {
	const char *table;
	struct chain_info ci;
};

struct graph {
	struct handle *h;
	bool counters;
	struct strbuf out;	/* the hooks and their base chains */
	struct strbuf nodes;	/* user chains */
	struct strbuf edges;	/* jumps and gotos */
	struct gbase *base;
	unsigned nbase, capbase;
	/* while walking one chain's rules */
	const char *table, *chain;
	char chainbuf[NFT_CHAIN_MAXNAMELEN];
	unsigned num;
	struct aset_cache sets;
};

/* A DOT string: quotes and backslashes escaped. */
static void dot_str(struct strbuf *out, const char *s)
{
	sb_addc(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_addc(out, '\\');
		sb_addc(out, *s);
	}
	sb_addc(out, '"');
}

/* A chain's node name: "table/chain". */
static void node_id(struct strbuf *out, const char *table, const char *chain)
{
	struct strbuf id;

	sb_init(&id);
	sb_printf(&id, "%s/%s", table, chain);
	dot_str(out, id.buf);
	sb_free(&id);
}

static int graph_rule(const struct rule_msg *m, void *data)
{
	struct graph *g = data;
	struct rule *r = rule_new(g->h->family);
	const char *chain = rule_msg_str(m, NFTA_RULE_CHAIN);

	/* one dump of the table: its rules come chain by chain, in order */
	if (!chain)
		chain = "";
	if (!g->chain || strcmp(g->chain, chain) != 0) {
		snprintf(g->chainbuf, sizeof(g->chainbuf), "%s", chain);
		g->chain = g->chainbuf;
		g->num = 0;
	}
	g->num++;
	rule_delinearize_msg(m, r, aset_cache_get, &g->sets, NULL);
	if ((r->verdict == VERDICT_JUMP || r->verdict == VERDICT_GOTO) && r->chain) {
		sb_add(&g->edges, "  ");
		node_id(&g->edges, g->table, g->chain);
		sb_add(&g->edges, " -> ");
		node_id(&g->edges, g->table, r->chain);
		sb_printf(&g->edges, " [label=\"%u%s", g->num,
			  r->verdict == VERDICT_GOTO ? " (goto)" : "");
		if (g->counters)
			sb_printf(&g->edges, "\\n%llu pkts, %llu bytes", (unsigned long long)r->pkts,
				  (unsigned long long)r->bytes);
		sb_printf(&g->edges, "\"%s];\n", r->verdict == VERDICT_GOTO ? ", style=dashed" : "");
	}
	rule_free(r);
	return 0;
}

static void graph_chain_node(struct strbuf *out, const struct graph *g, const char *table,
			     const struct chain_info *ci)
{
	sb_add(out, ci->base ? "    " : "  ");
	node_id(out, table, ci->name);
	sb_add(out, " [label=");
	if (ci->base) {
		struct strbuf label;

		sb_init(&label);
		sb_printf(&label, "%s %s\\npriority %d, policy %s", table, ci->name, ci->prio,
			  ci->policy == NF_DROP ? "DROP" : "ACCEPT");
		if (g->counters)
			sb_printf(&label, "\\n%llu pkts, %llu bytes", (unsigned long long)ci->pkts,
				  (unsigned long long)ci->bytes);
		/* the \n are DOT's: kept as they are */
		sb_printf(out, "\"%s\"", label.buf);
		sb_free(&label);
		sb_add(out, ", style=filled, fillcolor=lightgrey];\n");
		return;
	}
	{
		struct strbuf label;

		sb_init(&label);
		sb_printf(&label, "%s %s", table, ci->name);
		dot_str(out, label.buf);
		sb_free(&label);
	}
	sb_add(out, "];\n");
}

/* A table's chains: base chains kept for their hooks, user chains drawn
 * now, then every rule's jumps. */
static int graph_table(struct graph *g, const char *table)
{
	struct chain_list cl;
	unsigned i;
	int ret;

	ret = cache_get_table(&g->h->nl, g->h->family, table);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0)
		return ret;
	ret = list_chains_ordered(g->h, table, table_find(table), &cl);
	if (ret < 0)
		return ret;
	for (i = 0; i < cl.n; i++) {
		const struct chain_info *ci = &cl.v[i];

		if (!ci->handle)
			continue;	/* a built-in chain the table does not have */
		if (ci->base) {
			if (g->nbase == g->capbase) {
				g->capbase = g->capbase ? 2 * g->capbase : 16;
				g->base = xrealloc(g->base, g->capbase * sizeof(*g->base));
			}
			g->base[g->nbase].table = table;
			g->base[g->nbase++].ci = *ci;
		} else {
			graph_chain_node(&g->nodes, g, table, ci);
		}
	}
	g->sets.nl = &g->h->nl;
	g->sets.family = g->h->family;
	g->sets.table = table;
	g->table = table;
	g->chain = NULL;
	ret = cache_dump_rules(&g->h->nl, g->h->family, table, NULL, graph_rule, g);
	if (ret == -ENOENT)
		ret = 0;
	aset_cache_clear(&g->sets);
	chain_list_free(&cl);
	return ret;
}

static int cmp_base(const void *a, const void *b)
{
	const struct gbase *x = a, *y = b;

	if (hook_order(x->ci.hook) != hook_order(y->ci.hook))
		return hook_order(x->ci.hook) - hook_order(y->ci.hook);
	return x->ci.prio < y->ci.prio ? -1 : x->ci.prio > y->ci.prio;
}

/* The node a hook's last base chain (or the hook itself) leads to. */
static void flow_edge(struct strbuf *out, const char *from_table, const char *from,
		      const char *to)
{
	sb_add(out, "  ");
	if (from_table)
		node_id(out, from_table, from);
	else
		dot_str(out, from);
	sb_add(out, " -> ");
	dot_str(out, to);
	sb_add(out, " [style=bold];\n");
}

/* Each hook's cluster: the hook, its base chains by priority, bold
 * edges from one to the next and on to where the packet goes after. */
static void graph_hooks(struct graph *g)
{
	static const char *const next[][2] = {
		{ "INPUT", "FORWARD" }, { "local process", NULL }, { "POSTROUTING", NULL },
		{ "POSTROUTING", NULL }, { "out", NULL },
	};
	unsigned hk, i = 0, j;

	if (g->nbase)
		qsort(g->base, g->nbase, sizeof(*g->base), cmp_base);
	sb_add(&g->out, "  \"in\" [shape=oval];\n  \"local process\" [shape=oval];\n"
		   "  \"out\" [shape=oval];\n  \"in\" -> \"PREROUTING\" [style=bold];\n"
		   "  \"local process\" -> \"OUTPUT\" [style=bold];\n");
	for (hk = 0; hk < ARRAY_SIZE(hook_names); hk++) {
		const char *last_table = NULL, *last = hook_names[hk];

		sb_printf(&g->out, "  subgraph \"cluster_%s\" {\n    label=\"%s\";\n", hook_names[hk],
			  hook_names[hk]);
		sb_printf(&g->out, "    \"%s\" [shape=cds];\n", hook_names[hk]);
		for (j = i; j < g->nbase && hook_order(g->base[j].ci.hook) == (int)hk; j++)
			graph_chain_node(&g->out, g, g->base[j].table, &g->base[j].ci);
		sb_add(&g->out, "  }\n");
		for (; i < j; i++) {
			sb_add(&g->out, "  ");
			if (last_table)
				node_id(&g->out, last_table, last);
			else
				dot_str(&g->out, last);
			sb_add(&g->out, " -> ");
			node_id(&g->out, g->base[i].table, g->base[i].ci.name);
			sb_add(&g->out, " [style=bold];\n");
			last_table = g->base[i].table;
			last = g->base[i].ci.name;
		}
		flow_edge(&g->out, last_table, last, next[hk][0]);
		if (next[hk][1])
			flow_edge(&g->out, last_table, last, next[hk][1]);
	}
}

static void graph_usage(void)
{
	printf("Usage: iptnft graph [-4|-6] [-t TABLE] [--counters]\n"
	       "Print the live ruleset as Graphviz DOT: the hooks in packet order, each\n"
	       "with its base chains by priority, user chains, and an edge for every\n"
	       "jump and goto (labelled with the rule number). Render it with\n"
	       "`dot -Tsvg'.\n"
	       "  -4, -6            the iptables (default) or ip6tables ruleset\n"
	       "  -t, --table NAME  only this table\n"
	       "  -c, --counters    add packet and byte counters\n");
}

int graph_main(uint8_t family, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "table", required_argument, NULL, 't' },
		{ "counters", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct handle h;
	struct graph g = { .h = &h };
	const char *table = NULL;
	unsigned i;
	int c, ret = 0;

	handle_init(&h, family);
	while ((c = getopt_long(argc, argv, "46t:ch", opts, NULL)) != -1) {
		switch (c) {
		case '4':
			h.family = NFPROTO_IPV4;
			break;
		case '6':
			h.family = NFPROTO_IPV6;
			break;
		case 't':
			table = optarg;
			break;
		case 'c':
			g.counters = true;
			break;
		case 'h':
			graph_usage();
			return 0;
		default:
			fprintf(stderr, "Try `iptnft graph -h' for more information.\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "iptnft graph: unexpected argument `%s'\n", argv[optind]);
		return 2;
	}
	if (table && !table_find(table)) {
		fprintf(stderr, "iptnft graph: no table `%s'\n", table);
		return 2;
	}
	h.prog = h.family == NFPROTO_IPV6 ? "ip6tables" : "iptables";
	if (handle_netlink(&h) < 0) {
		ret = err_report(&h.err, h.prog);
		handle_close(&h);
		return ret;
	}
	sb_init(&g.out);
	sb_init(&g.nodes);
	sb_init(&g.edges);
	sb_printf(&g.out, "digraph \"%s\" {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n"
		  "  edge [fontname=\"monospace\", fontsize=10];\n", h.prog);
	for (i = 0; i < ARRAY_SIZE(graph_tables) && ret == 0; i++)
		if (!table || strcmp(table, graph_tables[i]) == 0)
			ret = graph_table(&g, graph_tables[i]);
	if (ret == 0) {
		graph_hooks(&g);
		sb_addn(&g.out, g.nodes.len ? g.nodes.buf : "", g.nodes.len);
		sb_addn(&g.out, g.edges.len ? g.edges.buf : "", g.edges.len);
		fwrite(g.out.buf, 1, g.out.len, stdout);
		fputs("}\n", stdout);
	} else {
		err_versioned(&h.err, EXIT_RESOURCE, "%s", err_kernel_text(-ret, OP_NONE));
		ret = err_report(&h.err, "iptnft graph");
	}
	sb_free(&g.out);
	sb_free(&g.nodes);
	sb_free(&g.edges);
	free(g.base);
	handle_close(&h);
	return ret;
}
