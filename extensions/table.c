/* The static table of extensions. Adding one: a new file and a line here. */
#include <linux/netfilter.h>
#include <string.h>

#include "ext.h"

extern const struct extension ext_tcp, ext_udp, ext_icmp, ext_state, ext_conntrack;
extern const struct extension ext_multiport;
extern const struct extension ext_icmp6, ext_hl, ext_HL, ext_frag, ext_hbh, ext_dst, ext_rt,
	ext_ipv6header, ext_eui64;
extern const struct extension ext_REJECT, ext_LOG, ext_NFLOG, ext_NFQUEUE, ext_QUEUE;
extern const struct extension ext_SNAT, ext_DNAT, ext_MASQUERADE, ext_REDIRECT;
extern const struct extension ext_CT, ext_NOTRACK, ext_TCPMSS, ext_TRACE, ext_CHECKSUM,
	ext_NETMAP, ext_AUDIT, ext_TEE, ext_SYNPROXY, ext_TCPOPTSTRIP, ext_IDLETIMER, ext_ECN, ext_HMARK,
	ext_DNPT, ext_SNPT, ext_RATEEST, ext_SECMARK, ext_CONNSECMARK, ext_LED,
	ext_CLUSTERIP, ext_ULOG;
extern const struct extension ext_statistic, ext_addrtype, ext_limit, ext_iprange, ext_mac;
extern const struct extension ext_owner, ext_helper;
extern const struct extension ext_recent, ext_hashlimit;
extern const struct extension ext_set, ext_SET, ext_string, ext_u32;
extern const struct extension ext_comment, ext_mark, ext_connmark, ext_pkttype, ext_length;
extern const struct extension ext_cpu, ext_quota, ext_devgroup, ext_realm, ext_esp, ext_ah,
	ext_ipcomp, ext_mh, ext_srh, ext_connlabel, ext_cgroup,
	ext_policy,
	ext_tcpmss, ext_ecn, ext_connbytes, ext_rpfilter, ext_time,
	ext_connlimit, ext_rateest;
extern const struct extension ext_socket, ext_TPROXY, ext_physdev;
extern const struct extension ext_sctp, ext_dccp;
extern const struct extension ext_cluster, ext_nfacct, ext_osf, ext_bpf, ext_ipvs,
	ext_ah6;
extern const struct extension ext_ttl, ext_dscp, ext_tos;
extern const struct extension ext_MARK, ext_CONNMARK, ext_TTL, ext_DSCP, ext_TOS, ext_CLASSIFY;

const struct extension *const ext_all[] = {
	&ext_tcp,
	&ext_udp,
	&ext_icmp,
	&ext_state,
	&ext_conntrack,
	&ext_multiport,
	&ext_icmp6,
	&ext_hl,
	&ext_HL,
	&ext_frag,
	&ext_hbh,
	&ext_dst,
	&ext_rt,
	&ext_ipv6header,
	&ext_eui64,
	&ext_REJECT, &ext_LOG, &ext_NFLOG, &ext_NFQUEUE, &ext_QUEUE,
	&ext_SNAT, &ext_DNAT, &ext_MASQUERADE, &ext_REDIRECT,
	&ext_CT, &ext_NOTRACK, &ext_TCPMSS, &ext_TRACE, &ext_CHECKSUM, &ext_NETMAP,
	&ext_AUDIT, &ext_TEE, &ext_SYNPROXY, &ext_TCPOPTSTRIP, &ext_IDLETIMER, &ext_ECN, &ext_HMARK,
	&ext_DNPT, &ext_SNPT, &ext_RATEEST, &ext_SECMARK, &ext_CONNSECMARK, &ext_LED,
	&ext_CLUSTERIP, &ext_ULOG,
	&ext_statistic,
	&ext_addrtype,
	&ext_limit,
	&ext_iprange,
	&ext_mac,
	&ext_owner,
	&ext_helper,
	&ext_recent,
	&ext_set,
	&ext_SET,
	&ext_string,
	&ext_u32,
	&ext_hashlimit,
	&ext_comment,
	&ext_mark,
	&ext_connmark,
	&ext_pkttype,
	&ext_length,
	&ext_cpu,
	&ext_quota,
	&ext_time,
	&ext_connlimit,
	&ext_rateest,
	&ext_devgroup,
	&ext_realm,
	&ext_esp,
	&ext_ah,
	&ext_ipcomp,
	&ext_mh,
	&ext_srh,
	&ext_connlabel,
	&ext_cgroup,
	&ext_policy,
	&ext_tcpmss,
	&ext_ecn,
	&ext_connbytes,
	&ext_rpfilter,
	&ext_socket,
	&ext_TPROXY,
	&ext_physdev,
	&ext_sctp,
	&ext_dccp,
	&ext_cluster,
	&ext_nfacct,
	&ext_osf,
	&ext_bpf,
	&ext_ipvs,
	&ext_ah6,
	&ext_ttl,
	&ext_dscp,
	&ext_tos,
	&ext_MARK,
	&ext_CONNMARK,
	&ext_TTL,
	&ext_DSCP,
	&ext_TOS,
	&ext_CLASSIFY,
	NULL,
};

static unsigned family_bit(uint8_t family)
{
	return family == NFPROTO_IPV6 ? EXT_IPV6 : EXT_IPV4;
}

/* ext_all again, sorted by name (strcmp; equal names in ext_all's
 * order), for ext_find's binary search: names are looked up for every
 * -m and -j a restore reads and for every match a save lists. A new
 * extension goes in both tables; tests/unit/ext_test checks they agree. */
const struct extension *const ext_by_name[] = {
	&ext_AUDIT, &ext_CHECKSUM, &ext_CLASSIFY, &ext_CLUSTERIP, &ext_CONNMARK, &ext_CONNSECMARK,
	&ext_CT, &ext_DNAT, &ext_DNPT, &ext_DSCP, &ext_ECN, &ext_HL, &ext_HMARK, &ext_IDLETIMER,
	&ext_LED, &ext_LOG, &ext_MARK, &ext_MASQUERADE, &ext_NETMAP, &ext_NFLOG, &ext_NFQUEUE,
	&ext_NOTRACK, &ext_QUEUE, &ext_RATEEST, &ext_REDIRECT, &ext_REJECT, &ext_SECMARK,
	&ext_SET, &ext_SNAT, &ext_SNPT, &ext_SYNPROXY, &ext_TCPMSS, &ext_TCPOPTSTRIP, &ext_TEE,
	&ext_TOS, &ext_TPROXY, &ext_TRACE, &ext_TTL, &ext_ULOG, &ext_addrtype, &ext_ah, &ext_ah6,
	&ext_bpf, &ext_cgroup, &ext_cluster, &ext_comment, &ext_connbytes, &ext_connlabel,
	&ext_connlimit, &ext_connmark, &ext_conntrack, &ext_cpu, &ext_dccp, &ext_devgroup,
	&ext_dscp, &ext_dst, &ext_ecn, &ext_esp, &ext_eui64, &ext_frag, &ext_hashlimit, &ext_hbh,
	&ext_helper, &ext_hl, &ext_icmp, &ext_icmp6, &ext_ipcomp, &ext_iprange, &ext_ipv6header,
	&ext_ipvs, &ext_length, &ext_limit, &ext_mac, &ext_mark, &ext_mh, &ext_multiport,
	&ext_nfacct, &ext_osf, &ext_owner, &ext_physdev, &ext_pkttype, &ext_policy, &ext_quota,
	&ext_rateest, &ext_realm, &ext_recent, &ext_rpfilter, &ext_rt, &ext_sctp, &ext_set,
	&ext_socket, &ext_srh, &ext_state, &ext_statistic, &ext_string, &ext_tcp, &ext_tcpmss,
	&ext_time, &ext_tos, &ext_ttl, &ext_u32, &ext_udp,
	NULL,
};

/* strcmp, with the first bytes compared here: they nearly always differ */
static int name_cmp(const char *a, const char *b)
{
	if (a[0] != b[0])
		return (unsigned char)a[0] - (unsigned char)b[0];
	return a[0] ? strcmp(a + 1, b + 1) : 0;
}

const struct extension *ext_find(const char *name, enum ext_kind kind, uint8_t family)
{
	size_t lo = 0, hi = ARRAY_SIZE(ext_by_name) - 1, mid;
	const struct extension *const *e;

	/* the first entry not below name */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (name_cmp(ext_by_name[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (e = &ext_by_name[lo]; *e && name_cmp((*e)->name, name) == 0; e++)
		if ((*e)->kind == kind && ((*e)->families & family_bit(family)))
			return *e;
	return NULL;
}

const struct extension *ext_find_comment(uint8_t family)
{
	return ext_comment.kind == EXT_MATCH && (ext_comment.families & family_bit(family)) ?
		       &ext_comment : NULL;
}

const struct extension *ext_find_proto(uint16_t proto, uint8_t family)
{
	switch (proto) {
	case 6: return ext_find("tcp", EXT_MATCH, family);
	case 17: return ext_find("udp", EXT_MATCH, family);
	case 1: return family == NFPROTO_IPV4 ? ext_find("icmp", EXT_MATCH, family) : NULL;
	case 58: return family == NFPROTO_IPV6 ? ext_find("icmp6", EXT_MATCH, family) : NULL;
	case 50: return ext_find("esp", EXT_MATCH, family);
	case 51: return ext_find("ah", EXT_MATCH, family);
	case 108: return ext_find("ipcomp", EXT_MATCH, family);
	case 135: return ext_find("mh", EXT_MATCH, family);
	case 132: return ext_find("sctp", EXT_MATCH, family);
	case 33: return ext_find("dccp", EXT_MATCH, family);
	}
	return NULL;
}

/* The targets the reference has, whether iptnft has them or not (its
 * standard target among them, and the verdicts it stands for): a chain
 * may not take one of their names. */
static const struct {
	const char *name;
	unsigned families;
} reference_targets[] = {
	{ "", EXT_BOTH }, { "standard", EXT_BOTH }, { "ACCEPT", EXT_BOTH },
	{ "DROP", EXT_BOTH }, { "RETURN", EXT_BOTH }, { "QUEUE", EXT_BOTH },
	{ "AUDIT", EXT_BOTH }, { "CHECKSUM", EXT_BOTH }, { "CLASSIFY", EXT_BOTH },
	{ "CLUSTERIP", EXT_IPV4 }, { "CONNMARK", EXT_BOTH }, { "CONNSECMARK", EXT_BOTH },
	{ "CT", EXT_BOTH }, { "DNAT", EXT_BOTH }, { "DNPT", EXT_IPV6 }, { "DSCP", EXT_BOTH },
	{ "ECN", EXT_IPV4 }, { "HL", EXT_IPV6 }, { "HMARK", EXT_BOTH }, { "IDLETIMER", EXT_BOTH },
	{ "LED", EXT_BOTH }, { "LOG", EXT_BOTH }, { "MARK", EXT_BOTH }, { "MASQUERADE", EXT_BOTH },
	{ "NETMAP", EXT_BOTH }, { "NFLOG", EXT_BOTH }, { "NFQUEUE", EXT_BOTH },
	{ "NOTRACK", EXT_BOTH }, { "RATEEST", EXT_BOTH }, { "REDIRECT", EXT_BOTH },
	{ "REJECT", EXT_BOTH }, { "SECMARK", EXT_BOTH }, { "SET", EXT_BOTH }, { "SNAT", EXT_BOTH },
	{ "SNPT", EXT_IPV6 }, { "SYNPROXY", EXT_BOTH }, { "TCPMSS", EXT_BOTH },
	{ "TCPOPTSTRIP", EXT_BOTH }, { "TEE", EXT_BOTH }, { "TOS", EXT_BOTH }, { "TPROXY", EXT_BOTH },
	{ "TRACE", EXT_BOTH }, { "TTL", EXT_IPV4 }, { "ULOG", EXT_IPV4 },
};

bool ext_reference_target(const char *name, uint8_t family)
{
	size_t i;

	for (i = 0; i < sizeof(reference_targets) / sizeof(reference_targets[0]); i++)
		if ((reference_targets[i].families & family_bit(family)) &&
		    strcmp(reference_targets[i].name, name) == 0)
			return true;
	return false;
}
