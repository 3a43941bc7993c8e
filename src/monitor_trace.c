/* xtables-monitor -t: the kernel's trace events (NFT_MSG_TRACE), in the
 * reference's format:
 *
 *   PACKET: FAMILY ID IN=if OUT=if MACSRC=.. MACDST=.. MACPROTO=....
 *           SRC=.. DST=.. LEN=.. (IPv4: TOS TTL ID DF; IPv6: TC
 *           HOPLIMIT FLOWLBL) SPORT=.. DPORT=.. TCP-FLAGS MARK=0x..
 *    TRACE: FAMILY ID table:chain:rule:0xHANDLE:VERDICT  -4 -t table -A chain spec
 *    TRACE: FAMILY ID table:chain:policy:VERDICT
 *
 * The kernel sends the packet's headers with the first event of each
 * base chain; the rule text is asked for by the rule's handle.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <libnftnl/rule.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <stdio.h>
#include <string.h>

#include "aset.h"
#include "rmsg.h"
#include "cache.h"
#include "monitor.h"
#include "print.h"
#include "rule.h"
#include "util.h"

static int trace_attr_cb(const struct nlattr *a, void *data)
{
	struct trace_event *t = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= NFTA_TRACE_MAX)
		t->tb[type] = a;
	return MNL_CB_OK;
}

static uint32_t attr_u32(const struct nlattr *a)
{
	return a ? ntohl(mnl_attr_get_u32(a)) : 0;
}

static void print_ifname(struct strbuf *out, const char *tag, const struct nlattr *a)
{
	char name[IF_NAMESIZE];

	if (!a)
		return;
	if (!if_indextoname(attr_u32(a), name))
		snprintf(name, sizeof(name), "%u", attr_u32(a));
	sb_printf(out, "%s=%s ", tag, name);
}

static void print_ll(struct strbuf *out, const struct trace_event *t)
{
	const struct nlattr *ll = t->tb[NFTA_TRACE_LL_HEADER];
	uint16_t iftype = t->tb[NFTA_TRACE_IIFTYPE] ?
			  ntohs(mnl_attr_get_u16(t->tb[NFTA_TRACE_IIFTYPE])) : 0;
	const uint8_t *h;

	if (ll && iftype == ARPHRD_ETHER && mnl_attr_get_payload_len(ll) >= 14) {
		h = mnl_attr_get_payload(ll);
		sb_printf(out, "MACSRC=%x:%x:%x:%x:%x:%x MACDST=%x:%x:%x:%x:%x:%x MACPROTO=%04x ",
			  h[6], h[7], h[8], h[9], h[10], h[11], h[0], h[1], h[2], h[3], h[4],
			  h[5], (unsigned)(h[12] << 8 | h[13]));
	} else if (iftype == ARPHRD_LOOPBACK) {
		sb_add(out, "LOOPBACK ");
	}
}

/* Ports and TCP flags from the transport header, for TCP and UDP. */
static void print_transport(struct strbuf *out, const struct nlattr *a, uint8_t proto)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} flags[] = {
		{ 0x02, "SYN" }, { 0x10, "ACK" }, { 0x01, "FIN" }, { 0x04, "RST" },
		{ 0x08, "PSH" }, { 0x20, "URG" },
	};
	const uint8_t *h;
	size_t i;

	if (!a || (proto != IPPROTO_TCP && proto != IPPROTO_UDP) ||
	    mnl_attr_get_payload_len(a) < 8)
		return;
	h = mnl_attr_get_payload(a);
	sb_printf(out, "SPORT=%u DPORT=%u ", h[0] << 8 | h[1], h[2] << 8 | h[3]);
	if (proto != IPPROTO_TCP || mnl_attr_get_payload_len(a) < 14)
		return;
	for (i = 0; i < ARRAY_SIZE(flags); i++)
		if (h[13] & flags[i].bit)
			sb_printf(out, "%s ", flags[i].name);
}

/* "SRC=a DST=b ": two addresses of family af */
static void print_addrs(struct strbuf *out, int af, const void *src, const void *dst)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	inet_ntop(af, src, s, sizeof(s));
	inet_ntop(af, dst, d, sizeof(d));
	sb_printf(out, "SRC=%s DST=%s ", s, d);
}

static void print_network(struct strbuf *out, const struct trace_event *t, uint8_t family)
{
	const struct nlattr *a = t->tb[NFTA_TRACE_NETWORK_HEADER];

	if (!a)
		return;
	if (family == NFPROTO_IPV4 && mnl_attr_get_payload_len(a) >= sizeof(struct iphdr)) {
		struct iphdr ip;
		uint16_t frag;

		memcpy(&ip, mnl_attr_get_payload(a), sizeof(ip));
		print_addrs(out, AF_INET, &ip.saddr, &ip.daddr);
		frag = ntohs(ip.frag_off);
		sb_printf(out, "LEN=%u TOS=0x%x TTL=%u ID=%u ", ntohs(ip.tot_len), ip.tos, ip.ttl,
			  ntohs(ip.id));
		if (frag & IP_DF)
			sb_add(out, "DF ");
		if (frag & IP_MF)
			sb_add(out, "MF ");
		print_transport(out, t->tb[NFTA_TRACE_TRANSPORT_HEADER], ip.protocol);
	} else if (family == NFPROTO_IPV6 &&
		   mnl_attr_get_payload_len(a) >= sizeof(struct ip6_hdr)) {
		struct ip6_hdr ip6;
		uint32_t flow;

		memcpy(&ip6, mnl_attr_get_payload(a), sizeof(ip6));
		print_addrs(out, AF_INET6, &ip6.ip6_src, &ip6.ip6_dst);
		flow = ntohl(ip6.ip6_flow);
		/* LEN: the payload and 20, as the reference counts it (an
		 * IPv4 header's size) */
		sb_printf(out, "LEN=%u TC=%u HOPLIMIT=%u FLOWLBL=%u ", ntohs(ip6.ip6_plen) + 20u,
			  (flow >> 20) & 0xff, ip6.ip6_hlim, flow & 0xfffff);
		print_transport(out, t->tb[NFTA_TRACE_TRANSPORT_HEADER], ip6.ip6_nxt);
	}
}

void trace_packet_text(struct strbuf *out, const struct trace_event *t)
{
	print_ifname(out, "IN", t->tb[NFTA_TRACE_IIF]);
	print_ifname(out, "OUT", t->tb[NFTA_TRACE_OIF]);
	print_ll(out, t);
	print_network(out, t, t->family);
	if (t->tb[NFTA_TRACE_MARK])
		sb_printf(out, "MARK=0x%x ", attr_u32(t->tb[NFTA_TRACE_MARK]));
}

struct traced_rule {
	struct nlk *nl;		/* where the sets of the rule are asked for */
	struct strbuf *out;
	uint8_t family;
	const char *table, *chain;
};

static int traced_rule_cb(const struct rule_msg *m, void *data)
{
	struct traced_rule *tr = data;
	struct aset_cache sets = { 0 };
	struct rule *r = rule_new(tr->family);

	sets.nl = tr->nl;
	sets.family = tr->family;
	sets.table = tr->table;
	rule_delinearize_msg(m, r, aset_cache_get, &sets, NULL);
	sb_printf(tr->out, "  %s -t %s ", tr->family == NFPROTO_IPV6 ? "-6" : "-4", tr->table);
	print_rule_save(tr->out, r, tr->chain, false);
	rule_free(r);
	aset_cache_clear(&sets);
	return 0;
}

void trace_verdict_text(struct strbuf *out, const struct trace_event *t)
{
	switch (t->verdict) {
	case NF_ACCEPT:
		sb_add(out, "ACCEPT");
		break;
	case NF_DROP:
		sb_add(out, "DROP");
		break;
	case NFT_CONTINUE:
		sb_add(out, "CONTINUE");
		break;
	case NFT_JUMP:
	case NFT_GOTO:
		sb_printf(out, "%s:%s", t->verdict == NFT_JUMP ? "JUMP" : "GOTO",
			  t->target_chain ? t->target_chain : "");
		break;
	default:
		sb_printf(out, "0x%x", (uint32_t)t->verdict);
		break;
	}
}

bool trace_event_parse(const struct nlmsghdr *nlh, struct trace_event *t)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *vt[NFTA_VERDICT_MAX + 1] = { 0 };
	const struct nlattr *a;

	memset(t, 0, sizeof(*t));
	if (mnl_attr_parse(nlh, sizeof(*nfg), trace_attr_cb, t) < 0 || !t->tb[NFTA_TRACE_TABLE] ||
	    !t->tb[NFTA_TRACE_CHAIN])
		return false;
	t->family = nfg->nfgen_family;
	t->id = attr_u32(t->tb[NFTA_TRACE_ID]);
	t->type = attr_u32(t->tb[NFTA_TRACE_TYPE]);
	t->table = mnl_attr_get_str(t->tb[NFTA_TRACE_TABLE]);
	t->chain = mnl_attr_get_str(t->tb[NFTA_TRACE_CHAIN]);
	if (t->tb[NFTA_TRACE_RULE_HANDLE]) {
		t->has_handle = true;
		t->handle = be64toh(mnl_attr_get_u64(t->tb[NFTA_TRACE_RULE_HANDLE]));
	}
	t->policy = attr_u32(t->tb[NFTA_TRACE_POLICY]);
	if (t->tb[NFTA_TRACE_VERDICT]) {
		mnl_attr_for_each_nested(a, t->tb[NFTA_TRACE_VERDICT])
			if (mnl_attr_get_type(a) <= NFTA_VERDICT_MAX)
				vt[mnl_attr_get_type(a)] = a;
		t->verdict = (int32_t)attr_u32(vt[NFTA_VERDICT_CODE]);
		if (vt[NFTA_VERDICT_CHAIN])
			t->target_chain = mnl_attr_get_str(vt[NFTA_VERDICT_CHAIN]);
	}
	return true;
}

int monitor_trace(const struct nlmsghdr *nlh, struct monitor *m)
{
	struct trace_event t;
	struct strbuf out;

	if (!trace_event_parse(nlh, &t) || !monitor_family_wanted(m, t.family))
		return MNL_CB_OK;
	sb_init(&out);
	if (t.tb[NFTA_TRACE_NETWORK_HEADER]) {
		sb_printf(&out, "PACKET: %u %08x ", t.family, t.id);
		trace_packet_text(&out, &t);
		sb_addc(&out, '\n');
	}
	/* a rule event without a rule (the end of a base chain before its
	 * policy) says nothing the policy line does not */
	if (t.type == NFT_TRACETYPE_RULE && t.has_handle) {
		sb_printf(&out, " TRACE: %u %08x %s:%s:rule:0x%llx:", t.family, t.id, t.table,
			  t.chain, (unsigned long long)t.handle);
		trace_verdict_text(&out, &t);
		if (t.family == NFPROTO_IPV4 || t.family == NFPROTO_IPV6) {
			struct traced_rule tr = { &m->query, &out, t.family, t.table, t.chain };

			cache_get_rule(&m->query, t.family, t.table, t.chain, t.handle,
				       traced_rule_cb, &tr);
		}
		sb_addc(&out, '\n');
	} else if (t.type == NFT_TRACETYPE_POLICY) {
		sb_printf(&out, " TRACE: %u %08x %s:%s:policy:%s \n", t.family, t.id, t.table,
			  t.chain, t.policy == NF_DROP ? "DROP" : "ACCEPT");
	}
	if (out.len)
		fwrite(out.buf, 1, out.len, stdout);
	sb_free(&out);
	return MNL_CB_OK;
}
