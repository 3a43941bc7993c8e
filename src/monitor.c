/* xtables-monitor: print ruleset changes (-e) and packet traces (-t) as
 * the kernel announces them, rules in iptables syntax, in the
 * reference's line format:
 *
 *    EVENT: nft: NEW table: <libnftnl's text of the table>
 *    EVENT: # nft: <libnftnl's text of a base chain, or any chain of a
 *                   family iptables has no syntax for>
 *    EVENT: -4 -t filter -N CHAIN           (-X when deleted)
 *    EVENT: -4 -t filter [P:B] -A CHAIN ... (-D when deleted; [P:B] with -c)
 *   NEWGEN: GENID=N PID=N NAME=prog
 *   PACKET: / TRACE: lines, see monitor_trace.c
 *
 * It subscribes to nfnetlink's nftables (and trace) multicast groups of
 * the namespace and only reads: it never changes the ruleset.
 */
#include <config.h>
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aset.h"
#include "cache.h"
#include "frontends.h"
#include "monitor.h"
#include "nlk.h"
#include "print.h"
#include "rule.h"
#include "util.h"

static const char *family_flag(uint8_t family)
{
	return family == NFPROTO_IPV6 ? "-6" : "-4";
}

static bool iptables_family(uint8_t family)
{
	return family == NFPROTO_IPV4 || family == NFPROTO_IPV6;
}

static int mon_table(const struct nlmsghdr *nlh, int type, struct monitor *m)
{
	struct nftnl_table *t = nftnl_table_alloc();
	char buf[4096];

	if (!t)
		out_of_memory();
	if (nftnl_table_nlmsg_parse(nlh, t) == 0 &&
	    monitor_family_wanted(m, nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY))) {
		nftnl_table_snprintf(buf, sizeof(buf), t, NFTNL_OUTPUT_DEFAULT, 0);
		printf(" EVENT: nft: %s table: %s\n", type == NFT_MSG_NEWTABLE ? "NEW" : "DEL",
		       buf);
	}
	nftnl_table_free(t);
	return MNL_CB_OK;
}

static int mon_chain(const struct nlmsghdr *nlh, int type, struct monitor *m)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	uint8_t family;
	char buf[4096];

	if (!c)
		out_of_memory();
	if (nftnl_chain_nlmsg_parse(nlh, c) < 0)
		goto out;
	family = (uint8_t)nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
	if (!monitor_family_wanted(m, family))
		goto out;
	if (!iptables_family(family) || nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
		nftnl_chain_snprintf(buf, sizeof(buf), c, NFTNL_OUTPUT_DEFAULT, 0);
		printf(" EVENT: # nft: %s\n", buf);
	} else {
		printf(" EVENT: %s -t %s %s %s\n", family_flag(family),
		       nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE),
		       type == NFT_MSG_NEWCHAIN ? "-N" : "-X",
		       nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
	}
out:
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

struct mon_lookup {
	struct monitor *m;
	struct aset_cache kernel;
};

/* A rule's set: one kept from its making, else the kernel's. */
static const struct aset *mon_get_set(void *opaque, const char *name)
{
	struct mon_lookup *l = opaque;
	unsigned i;

	for (i = 0; i < l->m->nsets; i++)
		if (l->m->sets[i].family == l->kernel.family &&
		    !strcmp(l->m->sets[i].table, l->kernel.table) &&
		    !strcmp(l->m->sets[i].set.name, name))
			return &l->m->sets[i].set;
	return aset_cache_get(&l->kernel, name);
}

/* A rule in iptables syntax: "-4 -t TABLE [P:B] -A CHAIN SPEC". Rules
 * of other families print an empty event, as the reference's do. */
static int mon_rule(const struct nlmsghdr *nlh, int type, struct monitor *m)
{
	struct nftnl_rule *nr = nftnl_rule_alloc();
	struct mon_lookup look = { .m = m };
	struct aset_cache *sets = &look.kernel;
	struct strbuf out;
	struct rule *r;
	uint8_t family;

	if (!nr)
		out_of_memory();
	if (nftnl_rule_nlmsg_parse(nlh, nr) < 0)
		goto out;
	family = (uint8_t)nftnl_rule_get_u32(nr, NFTNL_RULE_FAMILY);
	if (!monitor_family_wanted(m, family))
		goto out;
	if (!iptables_family(family)) {
		printf(" EVENT: \n");
		goto out;
	}
	sets->nl = &m->query;
	sets->family = family;
	sets->table = nftnl_rule_get_str(nr, NFTNL_RULE_TABLE);
	r = rule_new(family);
	rule_delinearize_sets(nr, r, mon_get_set, &look);
	sb_init(&out);
	sb_printf(&out, " EVENT: %s -t %s ", family_flag(family), sets->table);
	if (m->counters)
		sb_printf(&out, "[%llu:%llu] ", (unsigned long long)r->pkts,
			  (unsigned long long)r->bytes);
	sb_printf(&out, "%s %s", type == NFT_MSG_NEWRULE ? "-A" : "-D",
		  nftnl_rule_get_str(nr, NFTNL_RULE_CHAIN));
	print_rule_spec(&out, r, false);
	sb_addc(&out, '\n');
	fwrite(out.buf, 1, out.len, stdout);
	sb_free(&out);
	rule_free(r);
	aset_cache_clear(sets);
out:
	nftnl_rule_free(nr);
	return MNL_CB_OK;
}

/* A set made: an anonymous one is read now, while it exists; one
 * deleted is forgotten once its transaction is over. */
static int mon_set(const struct nlmsghdr *nlh, int type, struct monitor *m)
{
	struct nftnl_set *ns = nftnl_set_alloc();
	const char *table, *name;
	struct mon_set *ms;
	uint8_t family;
	unsigned i;

	if (!ns)
		out_of_memory();
	if (nftnl_set_nlmsg_parse(nlh, ns) < 0 ||
	    !(nftnl_set_get_u32(ns, NFTNL_SET_FLAGS) & NFT_SET_ANONYMOUS))
		goto out;
	family = (uint8_t)nftnl_set_get_u32(ns, NFTNL_SET_FAMILY);
	table = nftnl_set_get_str(ns, NFTNL_SET_TABLE);
	name = nftnl_set_get_str(ns, NFTNL_SET_NAME);
	if (type == NFT_MSG_DELSET) {
		for (i = 0; i < m->nsets; i++)
			if (m->sets[i].family == family && !strcmp(m->sets[i].table, table) &&
			    !strcmp(m->sets[i].set.name, name))
				m->sets[i].gone = true;
		goto out;
	}
	m->sets = xrealloc(m->sets, (m->nsets + 1) * sizeof(*m->sets));
	ms = &m->sets[m->nsets];
	memset(ms, 0, sizeof(*ms));
	if (cache_get_aset(&m->query, family, table, name, &ms->set) == 0) {
		ms->family = family;
		snprintf(ms->table, sizeof(ms->table), "%s", table);
		m->nsets++;
	}
out:
	nftnl_set_free(ns);
	return MNL_CB_OK;
}

/* The end of a transaction: the sets it deleted are no more. */
static void mon_forget_sets(struct monitor *m)
{
	unsigned i, j = 0;

	for (i = 0; i < m->nsets; i++) {
		if (m->sets[i].gone)
			aset_free(&m->sets[i].set);
		else
			m->sets[j++] = m->sets[i];
	}
	m->nsets = j;
}

static int mon_gen(const struct nlmsghdr *nlh)
{
	struct nlattr *tb[NFTA_GEN_MAX + 1] = { 0 };
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		uint16_t t = mnl_attr_get_type(a);

		if (t <= NFTA_GEN_MAX)
			tb[t] = a;
	}
	if (!tb[NFTA_GEN_ID])
		return MNL_CB_OK;
	printf("NEWGEN: GENID=%u", ntohl(mnl_attr_get_u32(tb[NFTA_GEN_ID])));
	if (tb[NFTA_GEN_PROC_PID])
		printf(" PID=%u", ntohl(mnl_attr_get_u32(tb[NFTA_GEN_PROC_PID])));
	if (tb[NFTA_GEN_PROC_NAME])
		printf(" NAME=%s", mnl_attr_get_str(tb[NFTA_GEN_PROC_NAME]));
	printf("\n");
	return MNL_CB_OK;
}

static int mon_cb(const struct nlmsghdr *nlh, void *data)
{
	struct monitor *m = data;
	int type = NFNL_MSG_TYPE(nlh->nlmsg_type);
	int ret = MNL_CB_OK;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES)
		return MNL_CB_OK;
	switch (type) {
	case NFT_MSG_NEWTABLE:
	case NFT_MSG_DELTABLE:
		if (m->events)
			ret = mon_table(nlh, type, m);
		break;
	case NFT_MSG_NEWCHAIN:
	case NFT_MSG_DELCHAIN:
		if (m->events)
			ret = mon_chain(nlh, type, m);
		break;
	case NFT_MSG_NEWRULE:
	case NFT_MSG_DELRULE:
		if (m->events)
			ret = mon_rule(nlh, type, m);
		break;
	case NFT_MSG_NEWSET:
	case NFT_MSG_DELSET:
		if (m->events)
			ret = mon_set(nlh, type, m);
		break;
	case NFT_MSG_NEWGEN:
		if (m->events)
			ret = mon_gen(nlh);
		mon_forget_sets(m);
		break;
	case NFT_MSG_TRACE:
		if (m->trace)
			ret = monitor_trace(nlh, m);
		break;
	}
	fflush(stdout);
	return ret;
}

bool monitor_family_wanted(const struct monitor *m, uint8_t family)
{
	return !m->family || m->family == family;
}

static void monitor_usage(void)
{
	printf("xtables-monitor %s (iptnft %s)\n"
	       "Usage: xtables-monitor [-e] [-t] [-4|-6] [-c]\n"
	       "Print what the kernel announces about nf_tables, rules in iptables\n"
	       "syntax, until interrupted.\n"
	       "  -e, --event     ruleset changes (tables, chains, rules, generations)\n"
	       "  -t, --trace     packets traced by -j TRACE (or meta nftrace)\n"
	       "  -4, -6          only the iptables or the ip6tables family\n"
	       "  -c, --counters  the rules' counters too\n"
	       "One of -e and -t (or both) is needed.\n", IPTABLES_COMPAT_VERSION, PACKAGE_VERSION);
}

static int monitor_join(struct monitor *m, unsigned group)
{
	int g = (int)group;

	return mnl_socket_setsockopt(m->events_nl.sock, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g));
}

int monitor_main(uint8_t family, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "counters", no_argument, NULL, 'c' },
		{ "trace", no_argument, NULL, 't' },
		{ "event", no_argument, NULL, 'e' },
		{ "ipv4", no_argument, NULL, '4' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct monitor m = { 0 };
	int c, ret;

	(void)family;
	/* the reference's own message says it, not getopt's */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ceht46V", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			m.counters = true;
			break;
		case 't':
			m.trace = true;
			break;
		case 'e':
			m.events = true;
			break;
		case '4':
			m.family = NFPROTO_IPV4;
			break;
		case '6':
			m.family = NFPROTO_IPV6;
			break;
		case 'V':
			printf("xtables-monitor %s\niptnft %s\n", IPTABLES_COMPAT_VERSION,
			       PACKAGE_VERSION);
			return 0;
		case 'h':
			monitor_usage();
			return 0;
		default:
			fprintf(stderr, "xtables-monitor %s: Bad argument.\n", IPTABLES_COMPAT_VERSION);
			fprintf(stderr, "Try `xtables-monitor -h' for more information.\n");
			return 2;
		}
	}
	if (!m.trace && !m.events) {
		monitor_usage();
		return 1;
	}
	if (nlk_open(&m.events_nl) < 0 || nlk_open(&m.query) < 0) {
		perror("cannot open netlink socket");
		return 1;
	}
	if ((m.events && monitor_join(&m, NFNLGRP_NFTABLES) < 0) ||
	    (m.trace && monitor_join(&m, NFNLGRP_NFTRACE) < 0)) {
		perror("cannot join netlink group");
		nlk_close(&m.events_nl);
		nlk_close(&m.query);
		return 1;
	}
	ret = 0;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(m.events_nl.sock, m.events_nl.buf,
						m.events_nl.buflen);

		if (n < 0) {
			if (errno == ENOBUFS)	/* events lost: go on, as nft monitor does */
				continue;
			if (errno == EINTR)
				continue;
			perror("cannot receive from netlink");
			ret = 1;
			break;
		}
		if (mnl_cb_run(m.events_nl.buf, (size_t)n, 0, 0, mon_cb, &m) < 0 && errno != ENOENT)
			continue;
	}
	for (c = 0; c < (int)m.nsets; c++)
		aset_free(&m.sets[c].set);
	free(m.sets);
	nlk_close(&m.events_nl);
	nlk_close(&m.query);
	return ret;
}
