/* nft text from a rule's expressions.
 *
 * The expressions are run as the kernel's register machine would run
 * them, as the reader in expr.c does, but what a register holds is kept
 * as nft would name it ("ip saddr", "meta mark", "@nh,8,8"). A cmp, range
 * or lookup prints a relation; every other expression prints a statement.
 * Only text that nft compiles back into the same expressions is printed:
 * a field nft names with a dependency it would add, or with a width it
 * would not use, is printed raw (@nh,OFFSET,LENGTH), and an expression
 * with no nft syntax at all makes the text incomplete. */
#include "nfttext.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <linux/if_packet.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_log.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_synproxy.h>
#include <linux/netfilter/nf_tables.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>

#include "aset.h"
#include "expr.h"
#include "ext.h"
#include "rule.h"

/* How the value of a selector is written. */
enum vtype {
	VT_HEX,		/* an integer, 0x... */
	VT_DEC,		/* an integer, decimal */
	VT_IPV4,
	VT_IPV6,
	VT_ETHER,
	VT_IFNAME,
	VT_PROTO,	/* layer 4 protocol */
	VT_NFPROTO,
	VT_PKTTYPE,
	VT_CTSTATE,
	VT_CTSTATUS,
	VT_CTDIR,
	VT_ICMP,	/* icmp type */
	VT_ICMP6,
	VT_TCPFLAGS,
	VT_ADDRTYPE,	/* fib type */
	VT_STRING,
	VT_MARKLIKE,	/* hex, 32-bit */
	VT_TCHANDLE,	/* major:minor */
	VT_ARPHRD,	/* interface type */
	VT_MSEC,	/* a time in milliseconds (ct expiration) */
};

struct treg {
	bool set;
	bool data;		/* immediate data, in val */
	char sel[96];		/* what was loaded, as nft names it */
	enum vtype vt;
	bool host;		/* the value is in host byte order */
	bool raw;		/* sel is a raw payload: values print as hex */
	uint32_t len;
	bool masked;
	uint8_t mask[16], xor[16];
	uint8_t val[16];
	/* a payload load, which a write of the same bytes may name */
	bool payload;
	uint32_t base, off, plen;
	bool swapped;		/* byteorder turned a host value to network order */
	uint32_t limit;		/* values are below it (numgen), 0: any */
	/* an IPv6 extension header's bytes off..off+plen of type xtype,
	 * which only a bitfield's name can say (sel is empty) */
	bool xbytes;
	uint8_t xtype;
};

struct tctx {
	struct strbuf *out;
	uint8_t family;
	const struct aset_list *sets;
	struct treg regs[NREGS];
	uint8_t l4;		/* layer 4 protocol a relation has fixed, or 0 */
	uint8_t ct_l4;		/* the same of the connection (ct protocol) */
	/* where the text of a "meta l4proto X" just printed starts, plus
	 * one (0: none): nft writes that test itself before a field of X's
	 * header, so it goes when such a field follows at once */
	size_t l4_cut, l4_prev;
	size_t ll_cut, ll_prev;	/* "meta iiftype ether", as l4_cut */
	bool ok;
};

static void word(struct tctx *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void word(struct tctx *t, const char *fmt, ...)
{
	va_list ap;

	if (t->out->len && t->out->buf[t->out->len - 1] != ' ')
		sb_addc(t->out, ' ');
	va_start(ap, fmt);
	sb_vprintf(t->out, fmt, ap);
	va_end(ap);
}

static struct treg *reg_at(struct tctx *t, const struct nftnl_expr *e, uint16_t attr)
{
	int slot;

	if (!nftnl_expr_is_set(e, attr))
		return NULL;
	slot = expr_reg_slot(nftnl_expr_get_u32(e, attr));
	return slot < 0 ? NULL : &t->regs[slot];
}

static struct treg *reg_load(struct tctx *t, const struct nftnl_expr *e, uint16_t attr,
			     uint32_t len)
{
	struct treg *r = reg_at(t, e, attr);

	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->set = true;
	r->len = len;
	return r;
}

/* ---- values ---- */

static uint64_t int_of(const uint8_t *v, uint32_t len, bool host)
{
	uint64_t x = 0;
	uint32_t i;

	if (len > 8)
		len = 8;
	if (host) {
		for (i = len; i-- > 0;)
			x = x << 8 | v[i];
	} else {
		for (i = 0; i < len; i++)
			x = x << 8 | v[i];
	}
	return x;
}

/* x into len bytes, in the order int_of reads them */
static void int_put(uint8_t *v, uint32_t len, bool host, uint64_t x)
{
	uint32_t i;

	for (i = 0; i < len; i++, x >>= 8)
		v[host ? i : len - 1 - i] = (uint8_t)x;
}

static bool all_zero(const uint8_t *v, uint32_t len)
{
	while (len--)
		if (*v++)
			return false;
	return true;
}

struct sym {
	unsigned v;
	const char *name;
};

static const char *sym_name(const struct sym *tab, unsigned v)
{
	for (; tab->name; tab++)
		if (tab->v == v)
			return tab->name;
	return NULL;
}

static const struct sym pkttypes[] = {
	{ PACKET_HOST, "host" }, { PACKET_BROADCAST, "broadcast" },
	{ PACKET_MULTICAST, "multicast" }, { PACKET_OTHERHOST, "other" }, { 0, NULL },
};

static const struct sym ctstates[] = {	/* in the order the reference lists them */
	{ 1, "invalid" }, { 8, "new" }, { 4, "related" }, { 2, "established" },
	{ 64, "untracked" }, { 0, NULL },
};

static const struct sym ctstatus[] = {
	{ 1, "expected" }, { 2, "seen-reply" }, { 4, "assured" }, { 8, "confirmed" },
	{ 16, "snat" }, { 32, "dnat" }, { 512, "dying" }, { 0, NULL },
};

static const struct sym tcpflags[] = {
	{ 0x01, "fin" }, { 0x02, "syn" }, { 0x04, "rst" }, { 0x08, "psh" }, { 0x10, "ack" },
	{ 0x20, "urg" }, { 0x40, "ecn" }, { 0x80, "cwr" }, { 0, NULL },
};

static const struct sym icmptypes[] = {
	{ 0, "echo-reply" }, { 3, "destination-unreachable" }, { 4, "source-quench" },
	{ 5, "redirect" }, { 8, "echo-request" }, { 9, "router-advertisement" },
	{ 10, "router-solicitation" }, { 11, "time-exceeded" }, { 12, "parameter-problem" },
	{ 13, "timestamp-request" }, { 14, "timestamp-reply" }, { 15, "info-request" },
	{ 16, "info-reply" }, { 17, "address-mask-request" }, { 18, "address-mask-reply" },
	{ 0, NULL },
};

static const struct sym icmp6types[] = {
	{ 1, "destination-unreachable" }, { 2, "packet-too-big" }, { 3, "time-exceeded" },
	{ 4, "parameter-problem" }, { 128, "echo-request" }, { 129, "echo-reply" },
	{ 130, "mld-listener-query" }, { 131, "mld-listener-report" },
	{ 132, "mld-listener-done" }, { 133, "nd-router-solicit" },
	{ 134, "nd-router-advert" }, { 135, "nd-neighbor-solicit" },
	{ 136, "nd-neighbor-advert" }, { 137, "nd-redirect" }, { 138, "router-renumbering" },
	{ 141, "ind-neighbor-solicit" }, { 142, "ind-neighbor-advert" },
	{ 143, "mld2-listener-report" }, { 0, NULL },
};

static const struct sym addrtypes[] = {
	{ 0, "unspec" }, { 1, "unicast" }, { 2, "local" }, { 3, "broadcast" },
	{ 4, "anycast" }, { 5, "multicast" }, { 6, "blackhole" }, { 7, "unreachable" },
	{ 8, "prohibit" }, { 9, "throw" }, { 0, NULL },	/* nat, xresolve: nft keywords */
};

static const struct sym protos[] = {
	{ IPPROTO_TCP, "tcp" }, { IPPROTO_UDP, "udp" }, { IPPROTO_ICMP, "icmp" },
	{ IPPROTO_ICMPV6, "ipv6-icmp" }, { IPPROTO_ESP, "esp" }, { IPPROTO_AH, "ah" },
	{ IPPROTO_SCTP, "sctp" }, { IPPROTO_DCCP, "dccp" }, { IPPROTO_GRE, "gre" },
	{ IPPROTO_UDPLITE, "udplite" }, { IPPROTO_COMP, "comp" }, { 0, NULL },
};

/* A bitmask value as nft names it ("established,related"); false when a
 * bit has no name. */
static bool bits_text(struct strbuf *sb, const struct sym *tab, uint64_t v)
{
	const struct sym *s;
	uint64_t left = v;
	bool first = true;

	if (!v)
		return false;
	for (s = tab; s->name; s++) {
		if (!(v & s->v))
			continue;
		sb_printf(sb, "%s%s", first ? "" : ",", s->name);
		first = false;
		left &= ~(uint64_t)s->v;
	}
	return left == 0;
}

/* Is s something nft reads as a string without quotes? Quoted always:
 * nft takes a quoted string wherever a string goes. */
static bool printable_string(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && s[i]; i++)
		if (s[i] == '"' || s[i] == '\\' ||
		    (!isprint((unsigned char)s[i]) && (unsigned char)s[i] < 0x80))
			return false;
	return true;
}

/* Append a value of type vt; false if it has no exact text. */
/* A time as nft reads one: "1d2h3m4s5ms", the units that are not 0. A
 * bare number would be seconds, and nft refuses a large one in ms. */
static void msec_text(struct strbuf *sb, uint64_t ms)
{
	static const struct {
		const char *unit;
		uint64_t ms;
	} units[] = { { "d", 86400000 }, { "h", 3600000 }, { "m", 60000 }, { "s", 1000 },
		      { "ms", 1 } };
	size_t i;

	if (!ms) {
		sb_add(sb, "0s");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (ms >= units[i].ms) {
			sb_printf(sb, "%llu%s", (unsigned long long)(ms / units[i].ms),
				  units[i].unit);
			ms %= units[i].ms;
		}
	}
}

static bool value_text(struct strbuf *sb, enum vtype vt, bool host, const uint8_t *v,
		       uint32_t len)
{
	char buf[INET6_ADDRSTRLEN];
	uint64_t x = int_of(v, len, host);
	const char *name = NULL;
	size_t n;

	switch (vt) {
	case VT_IPV4:
		if (len != 4)
			break;
		inet_ntop(AF_INET, v, buf, sizeof(buf));
		sb_add(sb, buf);
		return true;
	case VT_IPV6:
		if (len != 16)
			break;
		inet_ntop(AF_INET6, v, buf, sizeof(buf));
		sb_add(sb, buf);
		return true;
	case VT_ETHER:
		if (len != 6)
			break;
		sb_printf(sb, "%02x:%02x:%02x:%02x:%02x:%02x", v[0], v[1], v[2], v[3], v[4], v[5]);
		return true;
	case VT_IFNAME:
	case VT_STRING:
		n = strnlen((const char *)v, len);
		if (!printable_string((const char *)v, n))
			return false;
		if (vt == VT_IFNAME && n == len && len < 16)
			sb_printf(sb, "\"%.*s*\"", (int)n, (const char *)v);	/* a prefix */
		else
			sb_printf(sb, "\"%.*s\"", (int)n, (const char *)v);
		return true;
	case VT_PROTO: name = sym_name(protos, (unsigned)x); break;
	case VT_NFPROTO:
		name = x == NFPROTO_IPV4 ? "ipv4" : x == NFPROTO_IPV6 ? "ipv6" : NULL;
		break;
	case VT_PKTTYPE: name = sym_name(pkttypes, (unsigned)x); break;
	case VT_CTDIR: name = x == 0 ? "original" : x == 1 ? "reply" : NULL; break;
	case VT_ICMP: name = sym_name(icmptypes, (unsigned)x); break;
	case VT_ICMP6: name = sym_name(icmp6types, (unsigned)x); break;
	case VT_ADDRTYPE: name = sym_name(addrtypes, (unsigned)x); break;
	case VT_ARPHRD: name = x == 1 ? "ether" : NULL; break;
	case VT_CTSTATE:
	case VT_CTSTATUS:
	case VT_TCPFLAGS:
		/* one flag by its name; more than one would read as a list */
		if (x && !(x & (x - 1)))
			name = sym_name(vt == VT_CTSTATE ? ctstates :
					vt == VT_CTSTATUS ? ctstatus : tcpflags, (unsigned)x);
		if (!name)
			vt = VT_HEX;
		break;
	case VT_TCHANDLE:
		sb_printf(sb, "%x:%x", (unsigned)(x >> 16), (unsigned)(x & 0xffff));
		return true;
	case VT_DEC:
		if (len > 8)
			break;
		sb_printf(sb, "%llu", (unsigned long long)x);
		return true;
	case VT_MSEC:
		if (len > 8)
			break;
		msec_text(sb, x);
		return true;
	case VT_HEX:
	case VT_MARKLIKE:
		break;
	}
	if (name) {
		sb_add(sb, name);
		return true;
	}
	if (vt == VT_ADDRTYPE)
		return false;	/* nft reads fib types by name only */
	if (len <= 8) {
		if (vt == VT_HEX || vt == VT_MARKLIKE)
			sb_printf(sb, "0x%llx", (unsigned long long)x);
		else
			sb_printf(sb, "%llu", (unsigned long long)x);
		return true;
	}
	/* a wide raw value: every byte, in network order */
	sb_add(sb, "0x");
	for (n = 0; n < len; n++)
		sb_printf(sb, "%02x", v[n]);
	return true;
}

static void value(struct tctx *t, const struct treg *r, const uint8_t *v, uint32_t len)
{
	struct strbuf tmp;

	/* nft takes no value its selector cannot hold */
	if (r->limit && int_of(v, len, r->host && !r->swapped) >= r->limit)
		t->ok = false;

	sb_init(&tmp);
	if (value_text(&tmp, r->raw ? VT_HEX : r->vt, r->host && !r->swapped, v, len))
		word(t, "%s", tmp.buf);
	else
		t->ok = false;
	sb_free(&tmp);
}

/* ---- selectors ---- */

struct field {
	uint8_t family;		/* 0: any */
	uint8_t l4;		/* transport fields: the protocol nft needs fixed */
	uint32_t base, off, len;
	const char *name;
	enum vtype vt;
};

static const struct field fields[] = {
	{ 0, 0, NFT_PAYLOAD_LL_HEADER, 6, 6, "ether saddr", VT_ETHER },
	{ 0, 0, NFT_PAYLOAD_LL_HEADER, 0, 6, "ether daddr", VT_ETHER },
	{ NFPROTO_IPV4, 0, NFT_PAYLOAD_NETWORK_HEADER, 2, 2, "ip length", VT_DEC },
	{ NFPROTO_IPV4, 0, NFT_PAYLOAD_NETWORK_HEADER, 4, 2, "ip id", VT_DEC },
	{ NFPROTO_IPV4, 0, NFT_PAYLOAD_NETWORK_HEADER, 6, 2, "ip frag-off", VT_DEC },
	{ NFPROTO_IPV4, 0, NFT_PAYLOAD_NETWORK_HEADER, 8, 1, "ip ttl", VT_DEC },
	{ NFPROTO_IPV4, 0, NFT_PAYLOAD_NETWORK_HEADER, 9, 1, "ip protocol", VT_PROTO },
	{ NFPROTO_IPV4, 0, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, "ip saddr", VT_IPV4 },
	{ NFPROTO_IPV4, 0, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, "ip daddr", VT_IPV4 },
	{ NFPROTO_IPV6, 0, NFT_PAYLOAD_NETWORK_HEADER, 4, 2, "ip6 length", VT_DEC },
	{ NFPROTO_IPV6, 0, NFT_PAYLOAD_NETWORK_HEADER, 6, 1, "ip6 nexthdr", VT_PROTO },
	{ NFPROTO_IPV6, 0, NFT_PAYLOAD_NETWORK_HEADER, 7, 1, "ip6 hoplimit", VT_DEC },
	{ NFPROTO_IPV6, 0, NFT_PAYLOAD_NETWORK_HEADER, 8, 16, "ip6 saddr", VT_IPV6 },
	{ NFPROTO_IPV6, 0, NFT_PAYLOAD_NETWORK_HEADER, 24, 16, "ip6 daddr", VT_IPV6 },
	{ 0, IPPROTO_TCP, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2, "tcp sport", VT_DEC },
	{ 0, IPPROTO_TCP, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, "tcp dport", VT_DEC },
	{ 0, IPPROTO_TCP, NFT_PAYLOAD_TRANSPORT_HEADER, 4, 4, "tcp sequence", VT_DEC },
	{ 0, IPPROTO_TCP, NFT_PAYLOAD_TRANSPORT_HEADER, 8, 4, "tcp ackseq", VT_DEC },
	{ 0, IPPROTO_TCP, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1, "tcp flags", VT_TCPFLAGS },
	{ 0, IPPROTO_TCP, NFT_PAYLOAD_TRANSPORT_HEADER, 14, 2, "tcp window", VT_DEC },
	{ 0, IPPROTO_UDP, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2, "udp sport", VT_DEC },
	{ 0, IPPROTO_UDP, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, "udp dport", VT_DEC },
	{ 0, IPPROTO_UDP, NFT_PAYLOAD_TRANSPORT_HEADER, 4, 2, "udp length", VT_DEC },
	{ 0, IPPROTO_UDPLITE, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2, "udplite sport", VT_DEC },
	{ 0, IPPROTO_UDPLITE, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, "udplite dport", VT_DEC },
	{ 0, IPPROTO_SCTP, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2, "sctp sport", VT_DEC },
	{ 0, IPPROTO_SCTP, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, "sctp dport", VT_DEC },
	{ 0, IPPROTO_DCCP, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2, "dccp sport", VT_DEC },
	{ 0, IPPROTO_DCCP, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, "dccp dport", VT_DEC },
	{ 0, IPPROTO_ICMP, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, "icmp type", VT_ICMP },
	{ 0, IPPROTO_ICMP, NFT_PAYLOAD_TRANSPORT_HEADER, 1, 1, "icmp code", VT_DEC },
	{ 0, IPPROTO_ICMPV6, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, "icmpv6 type", VT_ICMP6 },
	{ 0, IPPROTO_ICMPV6, NFT_PAYLOAD_TRANSPORT_HEADER, 1, 1, "icmpv6 code", VT_DEC },
	{ 0, IPPROTO_ESP, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 4, "esp spi", VT_DEC },
	{ 0, IPPROTO_COMP, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, "comp cpi", VT_DEC },
};

static const struct field *field_find(const struct tctx *t, uint32_t base, uint32_t off,
				      uint32_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct field *f = &fields[i];

		if (f->base != base || f->off != off || f->len != len)
			continue;
		if (f->family && f->family != t->family)
			continue;
		if (f->l4 && f->l4 != t->l4)
			continue;
		return f;
	}
	return NULL;
}

static const char *raw_base(uint32_t base)
{
	switch (base) {
	case NFT_PAYLOAD_LL_HEADER: return "ll";
	case NFT_PAYLOAD_NETWORK_HEADER: return "nh";
	case NFT_PAYLOAD_TRANSPORT_HEADER: return "th";
	default: return NULL;
	}
}

static void load_payload(struct tctx *t, const struct nftnl_expr *e)
{
	uint32_t base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
	uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
	const struct field *f = field_find(t, base, off, len);
	struct treg *r = reg_load(t, e, NFTNL_EXPR_PAYLOAD_DREG, len);

	if (!r)
		return;
	r->payload = true;
	r->base = base;
	r->off = off;
	r->plen = len;
	if (f && f->l4 && t->l4_prev) {
		t->out->len = t->l4_prev - 1;
		t->out->buf[t->out->len] = '\0';
	}
	if (f && base == NFT_PAYLOAD_LL_HEADER && t->ll_prev) {
		t->out->len = t->ll_prev - 1;
		t->out->buf[t->out->len] = '\0';
	}
	if (f) {
		snprintf(r->sel, sizeof(r->sel), "%s", f->name);
		r->vt = f->vt;
		return;
	}
	/* an address prefix loaded only as far as it goes */
	f = field_find(t, base, off, t->family == NFPROTO_IPV6 ? 16 : 4);
	if (f && (f->vt == VT_IPV4 || f->vt == VT_IPV6) && len < f->len) {
		snprintf(r->sel, sizeof(r->sel), "%s", f->name);
		r->vt = f->vt;
		return;
	}
	if (!raw_base(base)) {
		t->ok = false;
		return;
	}
	snprintf(r->sel, sizeof(r->sel), "@%s,%u,%u", raw_base(base), off * 8, len * 8);
	r->raw = true;
	r->vt = VT_HEX;
}

struct key {
	uint32_t key;
	const char *name;
	enum vtype vt;
	uint32_t len;
};

static const struct key meta_keys[] = {
	{ NFT_META_LEN, "meta length", VT_DEC, 4 },
	{ NFT_META_PROTOCOL, "meta protocol", VT_HEX, 2 },
	{ NFT_META_PRIORITY, "priority", VT_TCHANDLE, 4 },
	{ NFT_META_MARK, "mark", VT_MARKLIKE, 4 },
	{ NFT_META_IIF, "iif", VT_DEC, 4 },
	{ NFT_META_OIF, "oif", VT_DEC, 4 },
	{ NFT_META_IIFNAME, "iifname", VT_IFNAME, 16 },
	{ NFT_META_OIFNAME, "oifname", VT_IFNAME, 16 },
	{ NFT_META_SKUID, "skuid", VT_DEC, 4 },
	{ NFT_META_SKGID, "skgid", VT_DEC, 4 },
	{ NFT_META_NFTRACE, "nftrace", VT_DEC, 1 },
	{ NFT_META_RTCLASSID, "rtclassid", VT_DEC, 4 },
	{ NFT_META_SECMARK, "meta secmark", VT_DEC, 4 },
	{ NFT_META_NFPROTO, "meta nfproto", VT_NFPROTO, 1 },
	{ NFT_META_IIFTYPE, "meta iiftype", VT_ARPHRD, 2 },
	{ NFT_META_L4PROTO, "meta l4proto", VT_PROTO, 1 },
	{ NFT_META_BRI_IIFNAME, "meta ibrname", VT_IFNAME, 16 },
	{ NFT_META_BRI_OIFNAME, "meta obrname", VT_IFNAME, 16 },
	{ NFT_META_PKTTYPE, "pkttype", VT_PKTTYPE, 1 },
	{ NFT_META_CPU, "cpu", VT_DEC, 4 },
	{ NFT_META_IIFGROUP, "iifgroup", VT_DEC, 4 },
	{ NFT_META_OIFGROUP, "oifgroup", VT_DEC, 4 },
	{ NFT_META_CGROUP, "cgroup", VT_DEC, 4 },
	{ NFT_META_PRANDOM, "meta random", VT_DEC, 4 },
	{ 0, NULL, VT_HEX, 0 },
};

static const struct key ct_keys[] = {
	{ NFT_CT_STATE, "state", VT_CTSTATE, 4 },
	{ NFT_CT_DIRECTION, "direction", VT_CTDIR, 1 },
	{ NFT_CT_STATUS, "status", VT_CTSTATUS, 4 },
	{ NFT_CT_MARK, "mark", VT_MARKLIKE, 4 },
	{ NFT_CT_EXPIRATION, "expiration", VT_MSEC, 4 },
	{ NFT_CT_HELPER, "helper", VT_STRING, 16 },
	{ NFT_CT_L3PROTOCOL, "l3proto", VT_NFPROTO, 1 },
	{ NFT_CT_PROTOCOL, "protocol", VT_PROTO, 1 },
	{ NFT_CT_PROTO_SRC, "proto-src", VT_DEC, 2 },
	{ NFT_CT_PROTO_DST, "proto-dst", VT_DEC, 2 },
	{ NFT_CT_ZONE, "zone", VT_DEC, 2 },
	{ NFT_CT_SRC_IP, "ip saddr", VT_IPV4, 4 },
	{ NFT_CT_DST_IP, "ip daddr", VT_IPV4, 4 },
	{ NFT_CT_SRC_IP6, "ip6 saddr", VT_IPV6, 16 },
	{ NFT_CT_DST_IP6, "ip6 daddr", VT_IPV6, 16 },
	{ NFT_CT_BYTES, "bytes", VT_DEC, 8 },
	{ NFT_CT_PKTS, "packets", VT_DEC, 8 },
	{ NFT_CT_AVGPKT, "avgpkt", VT_DEC, 8 },
	{ NFT_CT_EVENTMASK, "event", VT_HEX, 4 },
	{ 0, NULL, VT_HEX, 0 },
};

static const struct key *key_find(const struct key *tab, uint32_t key)
{
	for (; tab->name; tab++)
		if (tab->key == key)
			return tab;
	return NULL;
}

/* Values nft keeps in host byte order: everything but addresses, ports
 * and the protocol numbers, which are one byte anyway. */
static bool key_host(enum vtype vt)
{
	return vt != VT_IPV4 && vt != VT_IPV6 && vt != VT_IFNAME && vt != VT_STRING;
}

static void load_meta(struct tctx *t, const struct nftnl_expr *e)
{
	const struct key *k = key_find(meta_keys, nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY));
	struct treg *r;

	if (!k) {
		t->ok = false;
		return;
	}
	r = reg_load(t, e, NFTNL_EXPR_META_DREG, k->len);
	if (!r)
		return;
	snprintf(r->sel, sizeof(r->sel), "%s", k->name);
	r->vt = k->vt;
	r->host = key_host(k->vt);
}

static bool ct_dir_text(const struct nftnl_expr *e, const char **dir)
{
	*dir = "";
	if (!nftnl_expr_is_set(e, NFTNL_EXPR_CT_DIR))
		return true;
	switch (nftnl_expr_get_u8(e, NFTNL_EXPR_CT_DIR)) {
	case IP_CT_DIR_ORIGINAL: *dir = "original "; return true;
	case IP_CT_DIR_REPLY: *dir = "reply "; return true;
	default: return false;
	}
}

static void load_ct(struct tctx *t, const struct nftnl_expr *e)
{
	uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY);
	const struct key *k = key_find(ct_keys, key);
	const char *dir;
	struct treg *r;

	if (!k || !ct_dir_text(e, &dir)) {
		t->ok = false;
		return;
	}
	/* keys that exist only per direction, and those that take none */
	switch (key) {
	case NFT_CT_SRC_IP: case NFT_CT_DST_IP: case NFT_CT_SRC_IP6: case NFT_CT_DST_IP6:
		if (!*dir)
			t->ok = false;
		break;
	case NFT_CT_PROTO_SRC: case NFT_CT_PROTO_DST:
		/* nft parses these ports only after a relation fixed the
		 * protocol ("ct protocol tcp", "meta l4proto tcp"), which
		 * iptables writes only when the rule says which */
		if (!t->l4 && !t->ct_l4)
			t->ok = false;
		break;
	case NFT_CT_STATE: case NFT_CT_DIRECTION: case NFT_CT_STATUS: case NFT_CT_MARK:
	case NFT_CT_EXPIRATION: case NFT_CT_HELPER: case NFT_CT_EVENTMASK:
		if (*dir)
			t->ok = false;
		break;
	default:
		break;
	}
	r = reg_load(t, e, NFTNL_EXPR_CT_DREG, k->len);
	if (!r)
		return;
	snprintf(r->sel, sizeof(r->sel), "ct %s%s", dir, k->name);
	r->vt = k->vt;
	r->host = key_host(k->vt) && key != NFT_CT_PROTO_SRC && key != NFT_CT_PROTO_DST;
}

struct bitfield {
	uint8_t family;
	uint32_t bitoff, bits;	/* in the network header */
	const char *name;
};

/* The fields nft writes with the bytes around them, to keep the
 * checksum update on 16-bit words (and ip6's alike). */
static const struct bitfield setfields[] = {
	{ NFPROTO_IPV4, 8, 6, "ip dscp" },
	{ NFPROTO_IPV4, 14, 2, "ip ecn" },
	{ NFPROTO_IPV4, 64, 8, "ip ttl" },
	{ NFPROTO_IPV6, 4, 6, "ip6 dscp" },
	{ NFPROTO_IPV6, 10, 2, "ip6 ecn" },
};

/* Fields of the IPv6 extension headers nft names; family holds the
 * header type here. */
static const struct bitfield xfields[] = {
	{ 0, 0, 8, "hbh nexthdr" }, { 0, 8, 8, "hbh hdrlength" },
	{ 43, 0, 8, "rt nexthdr" }, { 43, 8, 8, "rt hdrlength" }, { 43, 16, 8, "rt type" },
	{ 43, 24, 8, "rt seg-left" },
	{ 44, 0, 8, "frag nexthdr" }, { 44, 8, 8, "frag reserved" },
	{ 44, 16, 13, "frag frag-off" }, { 44, 29, 2, "frag reserved2" },
	{ 44, 31, 1, "frag more-fragments" }, { 44, 32, 32, "frag id" },
	{ 60, 0, 8, "dst nexthdr" }, { 60, 8, 8, "dst hdrlength" },
};

static const struct bitfield *xfield_find(uint8_t type, uint32_t bitoff, uint32_t bits)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(xfields); i++)
		if (xfields[i].family == type && xfields[i].bitoff == bitoff &&
		    xfields[i].bits == bits)
			return &xfields[i];
	return NULL;
}

/* ---- relations ---- */

/* The selector of r, with its mask: "meta mark & 0xff". false if r's mask
 * cannot be said. */
static bool sel_text(struct tctx *t, struct treg *r, const uint8_t *cmpval, uint32_t len,
		     bool *prefix_done, bool neq)
{
	struct strbuf tmp;
	int plen;

	*prefix_done = false;
	if (!r->masked) {
		/* an address prefix loaded only as far as it goes */
		if ((r->vt == VT_IPV4 || r->vt == VT_IPV6) && !r->raw && cmpval &&
		    len < (r->vt == VT_IPV4 ? 4u : 16u)) {
			uint8_t a[16] = { 0 };
			char buf[INET6_ADDRSTRLEN];

			memcpy(a, cmpval, len);
			inet_ntop(r->vt == VT_IPV4 ? AF_INET : AF_INET6, a, buf, sizeof(buf));
			word(t, "%s%s %s/%u", r->sel, neq ? " !=" : "", buf, len * 8);
			*prefix_done = true;
			return true;
		}
		word(t, "%s", r->sel);
		return true;
	}
	if (!all_zero(r->xor, r->len))
		return false;
	plen = mask_prefix_len(r->mask, r->len);
	if ((r->vt == VT_IPV4 || r->vt == VT_IPV6) && !r->raw && plen >= 0 && cmpval) {
		char buf[INET6_ADDRSTRLEN];

		inet_ntop(r->vt == VT_IPV4 ? AF_INET : AF_INET6, cmpval, buf, sizeof(buf));
		word(t, "%s%s %s/%d", r->sel, neq ? " !=" : "", buf, plen);
		*prefix_done = true;
		return true;
	}
	word(t, "%s &", r->sel);
	sb_init(&tmp);
	if (!value_text(&tmp, r->raw ? VT_HEX : (r->vt == VT_DEC ? VT_HEX : r->vt),
			r->host && !r->swapped, r->mask, r->len)) {
		sb_free(&tmp);
		return false;
	}
	word(t, "%s", tmp.buf);
	sb_free(&tmp);
	return true;
}

static const char *op_text(uint32_t op)
{
	switch (op) {
	case NFT_CMP_EQ: return "";
	case NFT_CMP_NEQ: return "!=";
	case NFT_CMP_LT: return "lt";
	case NFT_CMP_LTE: return "le";
	case NFT_CMP_GT: return "gt";
	case NFT_CMP_GTE: return "ge";
	default: return NULL;
	}
}

/* A host-order value compared by size without byteorder first: the
 * kernel compares its bytes, which nft never writes (it turns the value
 * to network order), so there is no nft text for it. */
static bool unordered(const struct treg *r)
{
	return r->host && !r->swapped && r->len > 1;
}

/* lo > hi, as the kernel compares them: a range that holds nothing,
 * which nft refuses to write */
static bool reversed(const uint8_t *lo, const uint8_t *hi, uint32_t len)
{
	return memcmp(lo, hi, len) > 0;
}

/* A relation on the bits of a field that shares its bytes with others,
 * as nft writes it (the bytes that hold the field, masked): "frag
 * more-fragments 1", "ip dscp 10". false if r is not such a field. */
static bool bitfield_rel(struct tctx *t, const struct treg *r, uint32_t op, const uint8_t *v,
			 uint32_t len)
{
	const struct bitfield *tab;
	uint64_t m, val;
	size_t i, n;

	if (!r->masked || !all_zero(r->xor, r->len) || len != r->len || len > 8 ||
	    (op != NFT_CMP_EQ && op != NFT_CMP_NEQ))
		return false;
	if (r->xbytes) {
		tab = xfields;
		n = ARRAY_SIZE(xfields);
	} else if (r->payload && r->base == NFT_PAYLOAD_NETWORK_HEADER) {
		tab = setfields;
		n = ARRAY_SIZE(setfields);
	} else {
		return false;
	}
	m = int_of(r->mask, len, false);
	val = int_of(v, len, false);
	for (i = 0; i < n; i++) {
		const struct bitfield *bf = &tab[i];
		uint32_t first = bf->bitoff / 8, end = (bf->bitoff + bf->bits + 7) / 8, shift;
		uint64_t fmask;

		if (bf->family != (r->xbytes ? r->xtype : t->family) || first != r->off ||
		    end - first != r->plen || bf->bits >= 64)
			continue;
		shift = end * 8 - bf->bitoff - bf->bits;
		fmask = ((1ULL << bf->bits) - 1) << shift;
		if (m != fmask || (val & ~fmask))
			continue;
		/* DSCP in hex, as the reference prints it */
		word(t, strstr(bf->name, "dscp") ? "%s%s 0x%02llx" : "%s%s %llu", bf->name,
		     op == NFT_CMP_NEQ ? " !=" : "", (unsigned long long)(val >> shift));
		return true;
	}
	return false;
}

static bool bitmask_type(enum vtype vt)
{
	return vt == VT_CTSTATE || vt == VT_CTSTATUS || vt == VT_TCPFLAGS;
}

static void rel_cmp(struct tctx *t, const struct nftnl_expr *e)
{
	struct treg *r = reg_at(t, e, NFTNL_EXPR_CMP_SREG);
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP), len = 0;
	const uint8_t *v = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
	const char *ops = op_text(op);
	size_t start = t->out->len;
	bool done;

	if (!r || !r->set || r->data || !ops || !v || len > 16 || len > r->len + 0u ||
	    (len < r->len && r->vt != VT_IFNAME && r->vt != VT_IPV4 && r->vt != VT_IPV6) ||
	    (len < r->len && (r->masked || (op != NFT_CMP_EQ && op != NFT_CMP_NEQ))) ||
	    (op != NFT_CMP_EQ && op != NFT_CMP_NEQ && unordered(r) &&
	     /* ">= 0" holds whichever way the bytes are read */
	     !(op == NFT_CMP_GTE && all_zero(v, len)))) {
		t->ok = false;
		return;
	}
	/* the bits of a field in bytes it shares */
	if (r->xbytes || (r->raw && r->payload)) {
		if (bitfield_rel(t, r, op, v, len))
			return;
		if (r->xbytes) {
			t->ok = false;
			return;
		}
	}
	/* a flag test: (x & bits) != 0 is "x bits" */
	if (r->masked && bitmask_type(r->vt) && all_zero(v, len) && all_zero(r->xor, len) &&
	    op == NFT_CMP_NEQ && !r->raw) {
		struct strbuf tmp;

		sb_init(&tmp);
		if (!bits_text(&tmp, r->vt == VT_CTSTATE ? ctstates : r->vt == VT_CTSTATUS ?
				     ctstatus : tcpflags, int_of(r->mask, len, r->host))) {
			sb_reset(&tmp);
			sb_printf(&tmp, "0x%llx", (unsigned long long)int_of(r->mask, len, r->host));
		}
		word(t, "%s %s", r->sel, tmp.buf);
		sb_free(&tmp);
		return;
	}
	/* "tcp flags syn / syn,ack": (flags & (syn|ack)) == syn */
	if (r->masked && r->vt == VT_TCPFLAGS && !r->raw && len == 1 && v[0] &&
	    all_zero(r->xor, 1) && (op == NFT_CMP_EQ || op == NFT_CMP_NEQ) &&
	    (v[0] & ~r->mask[0]) == 0 && (r->mask[0] & (r->mask[0] - 1))) {
		/* (nft takes no single flag after the '/') */
		struct strbuf a, m;

		sb_init(&a);
		sb_init(&m);
		if (bits_text(&a, tcpflags, v[0]) && bits_text(&m, tcpflags, r->mask[0])) {
			word(t, "%s%s %s / %s", r->sel, op == NFT_CMP_NEQ ? " !=" : "", a.buf, m.buf);
			sb_free(&a);
			sb_free(&m);
			return;
		}
		sb_free(&a);
		sb_free(&m);
	}
	if (!sel_text(t, r, v, len, &done, op == NFT_CMP_NEQ)) {
		t->ok = false;
		return;
	}
	if (done)
		return;
	if (op == NFT_CMP_EQ && !r->masked && strcmp(r->sel, "meta l4proto") == 0)
		t->l4_cut = start + 1;
	/* the same for the interface type nft tests before an ether field */
	if (op == NFT_CMP_EQ && !r->masked && strcmp(r->sel, "meta iiftype") == 0 && len == 2 &&
	    int_of(v, 2, true) == 1)
		t->ll_cut = start + 1;
	/* "< limit" holds every value numgen makes, and nft takes no value
	 * at its limit: "<= limit - 1" says the same */
	if (r->limit && len <= 8 && (op == NFT_CMP_LT || op == NFT_CMP_GTE) &&
	    int_of(v, len, r->host && !r->swapped) == r->limit) {
		uint8_t below[8];

		int_put(below, len, r->host && !r->swapped, r->limit - 1);
		word(t, "%s", op == NFT_CMP_LT ? "le" : "gt");
		value(t, r, below, len);
		return;
	}
	/* a bare flag would be a flag test: equality says so */
	if (*ops || r->masked || bitmask_type(r->vt))
		word(t, "%s", *ops ? ops : "==");
	value(t, r, v, len);
	/* a protocol fixed here lets nft name the transport header's fields */
	if (op == NFT_CMP_EQ && !r->masked && r->vt == VT_PROTO && len == 1 &&
	    (strcmp(r->sel, "ip protocol") == 0 || strcmp(r->sel, "meta l4proto") == 0 ||
	     strcmp(r->sel, "ip6 nexthdr") == 0))
		t->l4 = v[0];
	else if (op == NFT_CMP_EQ && !r->masked && r->vt == VT_PROTO && len == 1 &&
		 strncmp(r->sel, "ct ", 3) == 0)
		t->ct_l4 = v[0];
}

/* How the ends of a range of r's values are written: a name with a '-'
 * in it would read as one word with the range, so names become numbers. */
static enum vtype range_vt(const struct treg *r)
{
	switch (r->raw ? VT_HEX : r->vt) {
	case VT_IPV4: case VT_IPV6: case VT_ETHER: case VT_HEX: case VT_MARKLIKE: case VT_MSEC:
		return r->raw ? VT_HEX : r->vt;
	default:
		return VT_DEC;
	}
}

/* A range whose ends are reversed holds nothing, and nft refuses to write
 * it as a range: "x ge lo x le hi", two relations on two loads of the
 * field, says the same, and iptnft reads it back as the range. Its
 * negation holds everything, which nft has no words for. */
static void rel_reversed(struct tctx *t, const struct treg *r, const struct nftnl_expr *e,
			 const uint8_t *lo, const uint8_t *hi, uint32_t len)
{
	struct strbuf a, b;

	if (nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_OP) == NFT_RANGE_NEQ) {
		t->ok = false;
		return;
	}
	sb_init(&a);
	sb_init(&b);
	if (value_text(&a, range_vt(r), r->host && !r->swapped, lo, len) &&
	    value_text(&b, range_vt(r), r->host && !r->swapped, hi, len))
		word(t, "%s ge %s %s le %s", r->sel, a.buf, r->sel, b.buf);
	else
		t->ok = false;
	sb_free(&a);
	sb_free(&b);
}

static void rel_range(struct tctx *t, const struct nftnl_expr *e)
{
	struct treg *r = reg_at(t, e, NFTNL_EXPR_RANGE_SREG);
	uint32_t lo_len = 0, hi_len = 0;
	const uint8_t *lo = nftnl_expr_get(e, NFTNL_EXPR_RANGE_FROM_DATA, &lo_len);
	const uint8_t *hi = nftnl_expr_get(e, NFTNL_EXPR_RANGE_TO_DATA, &hi_len);
	bool done;

	if (!r || !r->set || r->data || !lo || !hi || lo_len != r->len || hi_len != r->len ||
	    r->masked || unordered(r) || r->xbytes) {
		t->ok = false;
		return;
	}
	if (reversed(lo, hi, lo_len)) {
		rel_reversed(t, r, e, lo, hi, lo_len);
		return;
	}
	if (!sel_text(t, r, NULL, 0, &done, false)) {
		t->ok = false;
		return;
	}
	if (nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_OP) == NFT_RANGE_NEQ)
		word(t, "!=");
	{
		struct strbuf tmp;

		sb_init(&tmp);
		if (value_text(&tmp, range_vt(r), r->host && !r->swapped, lo, lo_len)) {
			sb_addc(&tmp, '-');
			if (!value_text(&tmp, range_vt(r), r->host && !r->swapped, hi, hi_len))
				t->ok = false;
		} else {
			t->ok = false;
		}
		word(t, "%s", tmp.buf);
		sb_free(&tmp);
	}
}

static const struct aset *set_find(const struct tctx *t, const char *name)
{
	unsigned i;

	for (i = 0; t->sets && i < t->sets->n; i++)
		if (strcmp(t->sets->v[i].name, name) == 0)
			return &t->sets->v[i];
	return NULL;
}

static void rel_lookup(struct tctx *t, const struct nftnl_expr *e)
{
	struct treg *r = reg_at(t, e, NFTNL_EXPR_LOOKUP_SREG);
	const struct aset *s = nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_SET) ?
			       set_find(t, nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET)) : NULL;
	uint32_t flags = nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_FLAGS) ?
			 nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS) : 0;
	bool done;
	unsigned i;

	if (!r || !r->set || r->data || !s || !s->n || s->key_len != r->len || r->masked ||
	    nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG) || (s->interval && unordered(r)) ||
	    r->xbytes) {
		t->ok = false;
		return;
	}
	if (!sel_text(t, r, NULL, 0, &done, false)) {
		t->ok = false;
		return;
	}
	if (flags & NFT_LOOKUP_F_INV)
		word(t, "!=");
	word(t, "{");
	for (i = 0; i < s->n; i++) {
		struct strbuf tmp;

		sb_init(&tmp);
		if (!value_text(&tmp, r->raw ? VT_HEX : r->vt, r->host && !r->swapped,
				s->v[i].lo, s->key_len))
			t->ok = false;
		if (memcmp(s->v[i].lo, s->v[i].hi, s->key_len) != 0) {
			sb_reset(&tmp);
			if (!value_text(&tmp, range_vt(r), r->host && !r->swapped, s->v[i].lo,
					s->key_len))
				t->ok = false;
			sb_addc(&tmp, '-');
			if (!value_text(&tmp, range_vt(r), r->host && !r->swapped,
					s->v[i].hi, s->key_len))
				t->ok = false;
		}
		word(t, "%s%s", tmp.buf, i + 1 < s->n ? "," : "");
		sb_free(&tmp);
	}
	word(t, "}");
}

static void do_bitwise(struct tctx *t, const struct nftnl_expr *e)
{
	struct treg *src = reg_at(t, e, NFTNL_EXPR_BITWISE_SREG);
	struct treg *dst = reg_at(t, e, NFTNL_EXPR_BITWISE_DREG);
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_LEN), mlen = 0, xlen = 0;
	const void *mask = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &mlen);
	const void *xor = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_XOR, &xlen);
	struct treg v;

	if (!src || !dst || !src->set || src->data || src->masked || len != src->len ||
	    len > 16 || !mask || mlen != len || (xor && xlen != len) ||
	    (nftnl_expr_is_set(e, NFTNL_EXPR_BITWISE_OP) &&
	     nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_OP) != NFT_BITWISE_BOOL)) {
		t->ok = false;
		if (dst)
			dst->set = false;
		return;
	}
	v = *src;
	v.masked = true;
	memcpy(v.mask, mask, len);
	memset(v.xor, 0, sizeof(v.xor));
	if (xor)
		memcpy(v.xor, xor, len);
	*dst = v;
}

static void do_byteorder(struct tctx *t, const struct nftnl_expr *e)
{
	struct treg *src = reg_at(t, e, NFTNL_EXPR_BYTEORDER_SREG);
	struct treg *dst = reg_at(t, e, NFTNL_EXPR_BYTEORDER_DREG);

	/* nft turns a host-order value to network order itself before it
	 * compares it by size; that is the only byteorder iptnft writes */
	if (!src || src != dst || !src->set || src->data || !src->host || src->masked ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_OP) != NFT_BYTEORDER_HTON ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_BYTEORDER_SIZE) != src->len) {
		t->ok = false;
		return;
	}
	src->swapped = true;
}

/* ---- statements ---- */

static void stmt_immediate(struct tctx *t, const struct nftnl_expr *e)
{
	uint32_t dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG), len = 0;
	struct treg *r;
	const void *data;

	if (dreg == NFT_REG_VERDICT) {
		int v = (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);

		switch (v) {
		case NF_ACCEPT: word(t, "accept"); return;
		case NF_DROP: word(t, "drop"); return;
		case NFT_RETURN: word(t, "return"); return;
		case NFT_CONTINUE: word(t, "continue"); return;
		case NFT_JUMP:
		case NFT_GOTO:
			word(t, "%s ", v == NFT_JUMP ? "jump" : "goto");
			if (!nft_name(t->out, nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN)))
				t->ok = false;
			return;
		default:
			t->ok = false;
			return;
		}
	}
	data = nftnl_expr_get(e, NFTNL_EXPR_IMM_DATA, &len);
	r = reg_load(t, e, NFTNL_EXPR_IMM_DREG, len);
	if (!r || !data || len > 16) {
		t->ok = false;
		return;
	}
	r->data = true;
	memcpy(r->val, data, len);
}

static void stmt_counter(struct tctx *t, const struct nftnl_expr *e)
{
	uint64_t p = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
	uint64_t b = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);

	if (p || b)
		word(t, "counter packets %llu bytes %llu", (unsigned long long)p,
		     (unsigned long long)b);
	else
		word(t, "counter");
}

static void quoted(struct tctx *t, const char *kw, const char *s)
{
	if (!printable_string(s, strlen(s))) {
		t->ok = false;
		return;
	}
	word(t, "%s \"%s\"", kw, s);
}

static void stmt_log(struct tctx *t, const struct nftnl_expr *e)
{
	static const char *const levels[] = { "emerg", "alert", "crit", "err", "warn",
					      "notice", "info", "debug", "audit" };
	uint32_t flags = nftnl_expr_is_set(e, NFTNL_EXPR_LOG_FLAGS) ?
			 nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_FLAGS) : 0;

	word(t, "log");
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_PREFIX))
		quoted(t, "prefix", nftnl_expr_get_str(e, NFTNL_EXPR_LOG_PREFIX));
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_GROUP)) {
		word(t, "group %u", nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_GROUP));
		if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_SNAPLEN))
			word(t, "snaplen %u", nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_SNAPLEN));
		if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_QTHRESHOLD))
			word(t, "queue-threshold %u",
			     nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_QTHRESHOLD));
		if (flags)
			t->ok = false;
		return;
	}
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_LEVEL)) {
		uint32_t l = nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_LEVEL);

		if (l < ARRAY_SIZE(levels))
			word(t, "level %s", levels[l]);
		else
			t->ok = false;
	}
	if ((flags & NF_LOG_MASK) == NF_LOG_MASK) {
		word(t, "flags all");
		return;
	}
	if ((flags & (NF_LOG_TCPSEQ | NF_LOG_TCPOPT)) == (NF_LOG_TCPSEQ | NF_LOG_TCPOPT))
		word(t, "flags tcp sequence,options");
	else if (flags & NF_LOG_TCPSEQ)
		word(t, "flags tcp sequence");
	else if (flags & NF_LOG_TCPOPT)
		word(t, "flags tcp options");
	if (flags & NF_LOG_IPOPT)
		word(t, "flags ip options");
	if (flags & NF_LOG_UID)
		word(t, "flags skuid");
	if (flags & NF_LOG_MACDECODE)
		word(t, "flags ether");
	if (flags & ~(uint32_t)NF_LOG_MASK)
		t->ok = false;
}

static void stmt_limit(struct tctx *t, const struct nftnl_expr *e)
{
	static const struct sym units[] = { { 1, "second" }, { 60, "minute" },
		{ 3600, "hour" }, { 86400, "day" }, { 604800, "week" }, { 0, NULL } };
	uint64_t rate = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_RATE);
	const char *unit = sym_name(units, (unsigned)nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_UNIT));
	uint32_t burst = nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_BURST);
	uint32_t flags = nftnl_expr_is_set(e, NFTNL_EXPR_LIMIT_FLAGS) ?
			 nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_FLAGS) : 0;

	if (!unit || (flags & ~(uint32_t)NFT_LIMIT_F_INV) ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_TYPE) != NFT_LIMIT_PKTS || !burst) {
		t->ok = false;
		return;
	}
	word(t, "limit rate %s%llu/%s burst %u packets", flags ? "over " : "",
	     (unsigned long long)rate, unit, burst);
}

static void stmt_reject(struct tctx *t, const struct nftnl_expr *e)
{
	static const struct sym v4[] = { { 0, "net-unreachable" }, { 1, "host-unreachable" },
		{ 2, "prot-unreachable" }, { 3, "port-unreachable" }, { 9, "net-prohibited" },
		{ 10, "host-prohibited" }, { 13, "admin-prohibited" }, { 0, NULL } };
	static const struct sym v6[] = { { 0, "no-route" }, { 1, "admin-prohibited" },
		{ 3, "addr-unreachable" }, { 4, "port-unreachable" }, { 5, "policy-fail" },
		{ 6, "reject-route" }, { 0, NULL } };
	static const struct sym vx[] = { { 0, "no-route" }, { 1, "port-unreachable" },
		{ 2, "host-unreachable" }, { 3, "admin-prohibited" }, { 0, NULL } };
	uint32_t type = nftnl_expr_get_u32(e, NFTNL_EXPR_REJECT_TYPE);
	unsigned code = nftnl_expr_get_u8(e, NFTNL_EXPR_REJECT_CODE);
	const char *name;

	switch (type) {
	case NFT_REJECT_TCP_RST:
		word(t, "reject with tcp reset");
		return;
	case NFT_REJECT_ICMP_UNREACH:
		name = sym_name(t->family == NFPROTO_IPV6 ? v6 : v4, code);
		if (name)
			word(t, "reject with %s type %s",
			     t->family == NFPROTO_IPV6 ? "icmpv6" : "icmp", name);
		else
			t->ok = false;
		return;
	case NFT_REJECT_ICMPX_UNREACH:
		name = sym_name(vx, code);
		if (name)
			word(t, "reject with icmpx type %s", name);
		else
			t->ok = false;
		return;
	default:
		t->ok = false;
	}
}

/* The data an expression's register attribute points at, of len bytes. */
static const struct treg *data_reg(struct tctx *t, const struct nftnl_expr *e, uint16_t attr)
{
	const struct treg *r = reg_at(t, e, attr);

	if (!r || !r->set || !r->data) {
		t->ok = false;
		return NULL;
	}
	return r;
}

static void port_text(struct strbuf *sb, const struct treg *r)
{
	sb_printf(sb, "%u", (unsigned)(r->val[0] << 8 | r->val[1]));
}

static void nat_flags(struct tctx *t, uint32_t flags)
{
	struct strbuf sb;

	sb_init(&sb);
	if (flags & NF_NAT_RANGE_PROTO_RANDOM)
		sb_add(&sb, "random");
	if (flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY)
		sb_printf(&sb, "%sfully-random", sb.len ? "," : "");
	if (flags & NF_NAT_RANGE_PERSISTENT)
		sb_printf(&sb, "%spersistent", sb.len ? "," : "");
	if (sb.len)
		word(t, "%s", sb.buf);
	sb_free(&sb);
}

/* " to :p[-q]" of masquerade and redirect, or of nat after an address */
static void ports_text(struct tctx *t, struct strbuf *sb, const struct nftnl_expr *e,
		       uint16_t min_attr, uint16_t max_attr)
{
	const struct treg *lo, *hi;

	if (!nftnl_expr_is_set(e, min_attr))
		return;
	lo = data_reg(t, e, min_attr);
	hi = nftnl_expr_is_set(e, max_attr) ? data_reg(t, e, max_attr) : lo;
	if (!lo || !hi)
		return;
	/* nft maps ports only where a protocol with ports is fixed */
	if (!t->l4 || reversed(lo->val, hi->val, 2))
		t->ok = false;
	sb_addc(sb, ':');
	port_text(sb, lo);
	if (memcmp(lo->val, hi->val, 2) != 0) {
		sb_addc(sb, '-');
		port_text(sb, hi);
	}
}

static void stmt_nat(struct tctx *t, const struct nftnl_expr *e, const char *name)
{
	uint32_t flags = 0, known = NF_NAT_RANGE_PROTO_RANDOM | NF_NAT_RANGE_PROTO_RANDOM_FULLY |
				     NF_NAT_RANGE_PERSISTENT;
	struct strbuf sb;

	sb_init(&sb);
	if (strcmp(name, "nat") == 0) {
		bool v6 = nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_FAMILY) == NFPROTO_IPV6;
		uint32_t nt = nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_TYPE);
		const struct treg *lo = NULL, *hi = NULL;
		char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

		if (nftnl_expr_is_set(e, NFTNL_EXPR_NAT_FLAGS))
			flags = nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_FLAGS);
		known |= NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
		if ((v6 ? NFPROTO_IPV6 : NFPROTO_IPV4) != t->family)
			t->ok = false;
		if (nftnl_expr_is_set(e, NFTNL_EXPR_NAT_REG_ADDR_MIN)) {
			lo = data_reg(t, e, NFTNL_EXPR_NAT_REG_ADDR_MIN);
			hi = nftnl_expr_is_set(e, NFTNL_EXPR_NAT_REG_ADDR_MAX) ?
			     data_reg(t, e, NFTNL_EXPR_NAT_REG_ADDR_MAX) : lo;
		}
		if (flags & NF_NAT_RANGE_NETMAP) {
			/* NETMAP: "dnat ip prefix to 10.0.0.0/24", the range a prefix */
			uint8_t m[16];
			unsigned alen = v6 ? 16 : 4, k;
			int plen;

			for (k = 0; lo && hi && k < alen; k++)
				m[k] = (uint8_t)~(lo->val[k] ^ hi->val[k]);
			plen = lo && hi ? mask_prefix_len(m, alen) : -1;
			if (plen < 0 || nftnl_expr_is_set(e, NFTNL_EXPR_NAT_REG_PROTO_MIN) ||
			    (flags & ~(uint32_t)(NF_NAT_RANGE_NETMAP | NF_NAT_RANGE_MAP_IPS))) {
				t->ok = false;
				sb_free(&sb);
				return;
			}
			inet_ntop(v6 ? AF_INET6 : AF_INET, lo->val, a, sizeof(a));
			word(t, "%s %s prefix to %s/%d", nt == NFT_NAT_SNAT ? "snat" : "dnat",
			     v6 ? "ip6" : "ip", a, plen);
			sb_free(&sb);
			return;
		}
		word(t, "%s to", nt == NFT_NAT_SNAT ? "snat" : "dnat");
		if (lo && hi) {
			if (reversed(lo->val, hi->val, v6 ? 16 : 4))
				t->ok = false;
			inet_ntop(v6 ? AF_INET6 : AF_INET, lo->val, a, sizeof(a));
			inet_ntop(v6 ? AF_INET6 : AF_INET, hi->val, b, sizeof(b));
			bool ports = nftnl_expr_is_set(e, NFTNL_EXPR_NAT_REG_PROTO_MIN);

			sb_printf(&sb, "%s%s", v6 && ports ? "[" : "", a);
			if (strcmp(a, b) != 0)
				sb_printf(&sb, "-%s", b);
			if (v6 && ports)
				sb_addc(&sb, ']');
		}
		ports_text(t, &sb, e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFTNL_EXPR_NAT_REG_PROTO_MAX);
		/* nft sets these two itself from what is given */
		if (!!(flags & NF_NAT_RANGE_MAP_IPS) != !!lo ||
		    !!(flags & NF_NAT_RANGE_PROTO_SPECIFIED) !=
		    nftnl_expr_is_set(e, NFTNL_EXPR_NAT_REG_PROTO_MIN))
			t->ok = false;
	} else {
		bool masq = strcmp(name, "masq") == 0;

		if (nftnl_expr_is_set(e, masq ? NFTNL_EXPR_MASQ_FLAGS : NFTNL_EXPR_REDIR_FLAGS))
			flags = nftnl_expr_get_u32(e, masq ? NFTNL_EXPR_MASQ_FLAGS :
						      NFTNL_EXPR_REDIR_FLAGS);
		known |= NF_NAT_RANGE_PROTO_SPECIFIED;
		word(t, "%s", masq ? "masquerade" : "redirect");
		ports_text(t, &sb, e, masq ? NFTNL_EXPR_MASQ_REG_PROTO_MIN :
					     NFTNL_EXPR_REDIR_REG_PROTO_MIN,
			   masq ? NFTNL_EXPR_MASQ_REG_PROTO_MAX : NFTNL_EXPR_REDIR_REG_PROTO_MAX);
		if (sb.len)
			word(t, "to");
		if (!!(flags & NF_NAT_RANGE_PROTO_SPECIFIED) != !!sb.len)
			t->ok = false;
	}
	if (sb.len)
		word(t, "%s", sb.buf);
	if (flags & ~known)
		t->ok = false;
	nat_flags(t, flags);
	sb_free(&sb);
}

/* "meta mark set 0x1", "ct mark set meta mark & 0xff | 0x2": what register
 * r holds, as the value a set statement writes into sel of type vt. */
static void set_source(struct tctx *t, const struct treg *r, enum vtype vt, bool host,
		       uint32_t len)
{
	struct strbuf tmp;

	if (!r || !r->set || r->len != len) {
		t->ok = false;
		return;
	}
	sb_init(&tmp);
	if (r->data) {
		if (!value_text(&tmp, vt, host, r->val, len))
			t->ok = false;
		word(t, "%s", tmp.buf);
		sb_free(&tmp);
		return;
	}
	word(t, "%s", r->sel);
	if (r->masked) {
		uint8_t ones[16], mx[16];
		uint32_t i;
		bool all = true, disjoint = true;

		memset(ones, 0xff, sizeof(ones));
		for (i = 0; i < len; i++) {
			mx[i] = r->mask[i] & r->xor[i];
			all &= r->mask[i] == 0xff;
			disjoint &= mx[i] == 0;
		}
		if (all_zero(r->mask, len)) {
			t->ok = false;	/* a constant: nft would load it as one */
		} else if (all) {
			if (!value_text(&tmp, VT_HEX, host, r->xor, len))
				t->ok = false;
			word(t, "^ %s", tmp.buf);
		} else {
			if (!value_text(&tmp, VT_HEX, host, r->mask, len))
				t->ok = false;
			word(t, "& %s", tmp.buf);
			if (!all_zero(r->xor, len)) {
				sb_reset(&tmp);
				if (!value_text(&tmp, VT_HEX, host, r->xor, len))
					t->ok = false;
				word(t, "%s %s", disjoint ? "|" : "^", tmp.buf);
			}
		}
	}
	sb_free(&tmp);
}

static void stmt_meta_set(struct tctx *t, const struct nftnl_expr *e)
{
	const struct key *k = key_find(meta_keys, nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY));

	if (!k) {
		t->ok = false;
		return;
	}
	word(t, "%s%s set", strncmp(k->name, "meta ", 5) == 0 ? "" : "meta ", k->name);
	set_source(t, reg_at(t, e, NFTNL_EXPR_META_SREG), k->vt, key_host(k->vt), k->len);
}

static void stmt_ct_set(struct tctx *t, const struct nftnl_expr *e)
{
	uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY);
	const struct key *k = key_find(ct_keys, key);
	const char *dir;

	if (!k || !ct_dir_text(e, &dir) ||
	    (key != NFT_CT_MARK && key != NFT_CT_ZONE && key != NFT_CT_EVENTMASK)) {
		t->ok = false;
		return;
	}
	word(t, "ct %s%s set", dir, k->name);
	set_source(t, reg_at(t, e, NFTNL_EXPR_CT_SREG), k->vt, true, k->len);
}

static void stmt_notrack(struct tctx *t)
{
	word(t, "notrack");
}

static void stmt_synproxy(struct tctx *t, const struct nftnl_expr *e)
{
	uint32_t flags = nftnl_expr_get_u32(e, NFTNL_EXPR_SYNPROXY_FLAGS);

	word(t, "synproxy");
	if (flags & NF_SYNPROXY_OPT_MSS)
		word(t, "mss %u", nftnl_expr_get_u16(e, NFTNL_EXPR_SYNPROXY_MSS));
	if (flags & NF_SYNPROXY_OPT_WSCALE)
		word(t, "wscale %u", nftnl_expr_get_u8(e, NFTNL_EXPR_SYNPROXY_WSCALE));
	if (flags & NF_SYNPROXY_OPT_TIMESTAMP)
		word(t, "timestamp");
	if (flags & NF_SYNPROXY_OPT_SACK_PERM)
		word(t, "sack-perm");
	if (flags & ~(uint32_t)(NF_SYNPROXY_OPT_MSS | NF_SYNPROXY_OPT_WSCALE |
				NF_SYNPROXY_OPT_TIMESTAMP | NF_SYNPROXY_OPT_SACK_PERM))
		t->ok = false;
}

static void stmt_queue(struct tctx *t, const struct nftnl_expr *e)
{
	uint16_t num = nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_NUM);
	uint16_t total = nftnl_expr_is_set(e, NFTNL_EXPR_QUEUE_TOTAL) ?
			 nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_TOTAL) : 1;
	uint16_t flags = nftnl_expr_is_set(e, NFTNL_EXPR_QUEUE_FLAGS) ?
			 nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_FLAGS) : 0;

	if (nftnl_expr_is_set(e, NFTNL_EXPR_QUEUE_SREG_QNUM) || !total ||
	    (flags & ~(NFT_QUEUE_FLAG_BYPASS | NFT_QUEUE_FLAG_CPU_FANOUT))) {
		t->ok = false;
		return;
	}
	word(t, "queue");
	if (flags)
		word(t, "flags %s%s%s", flags & NFT_QUEUE_FLAG_BYPASS ? "bypass" : "",
		     flags == (NFT_QUEUE_FLAG_BYPASS | NFT_QUEUE_FLAG_CPU_FANOUT) ? "," : "",
		     flags & NFT_QUEUE_FLAG_CPU_FANOUT ? "fanout" : "");
	if (total > 1)
		word(t, "num %u-%u", num, num + total - 1);
	else
		word(t, "num %u", num);
}

static void load_numgen(struct tctx *t, const struct nftnl_expr *e)
{
	uint32_t type = nftnl_expr_get_u32(e, NFTNL_EXPR_NG_TYPE);
	uint32_t off = nftnl_expr_is_set(e, NFTNL_EXPR_NG_OFFSET) ?
		       nftnl_expr_get_u32(e, NFTNL_EXPR_NG_OFFSET) : 0;
	struct treg *r = reg_load(t, e, NFTNL_EXPR_NG_DREG, 4);

	if (!r)
		return;
	if (type != NFT_NG_INCREMENTAL && type != NFT_NG_RANDOM)
		t->ok = false;
	snprintf(r->sel, sizeof(r->sel), "numgen %s mod %u", type == NFT_NG_RANDOM ? "random" :
		 "inc", nftnl_expr_get_u32(e, NFTNL_EXPR_NG_MODULUS));
	if (off)
		snprintf(r->sel + strlen(r->sel), sizeof(r->sel) - strlen(r->sel), " offset %u",
			 off);
	r->vt = VT_DEC;
	r->host = true;
	r->limit = nftnl_expr_get_u32(e, NFTNL_EXPR_NG_MODULUS);
}

static void load_fib(struct tctx *t, const struct nftnl_expr *e)
{
	uint32_t flags = nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_FLAGS);
	uint32_t res = nftnl_expr_get_u32(e, NFTNL_EXPR_FIB_RESULT);
	struct treg *r = reg_load(t, e, NFTNL_EXPR_FIB_DREG, res == NFT_FIB_RESULT_OIFNAME ? 16 : 4);
	struct strbuf sb;

	if (!r)
		return;
	sb_init(&sb);
	sb_add(&sb, "fib");
	if (flags & NFTA_FIB_F_SADDR)
		sb_add(&sb, " saddr");
	if (flags & NFTA_FIB_F_DADDR)
		sb_add(&sb, " daddr");
	if (flags & NFTA_FIB_F_MARK)
		sb_add(&sb, " . mark");
	if (flags & NFTA_FIB_F_IIF)
		sb_add(&sb, " . iif");
	if (flags & NFTA_FIB_F_OIF)
		sb_add(&sb, " . oif");
	switch (res) {
	case NFT_FIB_RESULT_OIF: sb_add(&sb, " oif"); r->vt = VT_DEC; r->host = true; break;
	case NFT_FIB_RESULT_OIFNAME: sb_add(&sb, " oifname"); r->vt = VT_IFNAME; break;
	case NFT_FIB_RESULT_ADDRTYPE: sb_add(&sb, " type"); r->vt = VT_ADDRTYPE; r->host = true;
		break;
	default: t->ok = false;
	}
	if (flags & ~(uint32_t)(NFTA_FIB_F_SADDR | NFTA_FIB_F_DADDR | NFTA_FIB_F_MARK |
				NFTA_FIB_F_IIF | NFTA_FIB_F_OIF | NFTA_FIB_F_PRESENT))
		t->ok = false;
	if (flags & NFTA_FIB_F_PRESENT) {
		/* "fib saddr . iif oif exists": a boolean the compare names */
		r->base = 0xff;
		r->len = 4;
	}
	snprintf(r->sel, sizeof(r->sel), "%s", sb.buf);
	sb_free(&sb);
}

static void load_rt(struct tctx *t, const struct nftnl_expr *e)
{
	uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_RT_KEY);
	struct treg *r = reg_load(t, e, NFTNL_EXPR_RT_DREG, key == NFT_RT_TCPMSS ? 2 : 4);

	if (!r)
		return;
	r->host = true;
	r->vt = VT_DEC;
	switch (key) {
	case NFT_RT_CLASSID: snprintf(r->sel, sizeof(r->sel), "rt classid"); break;
	case NFT_RT_TCPMSS: snprintf(r->sel, sizeof(r->sel), "rt mtu"); break;
	default: t->ok = false;
	}
}

static void load_exthdr(struct tctx *t, const struct nftnl_expr *e)
{
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OP);
	uint8_t type = nftnl_expr_get_u8(e, NFTNL_EXPR_EXTHDR_TYPE);
	uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OFFSET);
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_LEN);
	uint32_t flags = nftnl_expr_is_set(e, NFTNL_EXPR_EXTHDR_FLAGS) ?
			 nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_FLAGS) : 0;
	struct treg *r = reg_load(t, e, NFTNL_EXPR_EXTHDR_DREG, len);
	static const struct sym ip6[] = { { 0, "hbh" }, { 43, "rt" }, { 44, "frag" },
					  { 60, "dst" }, { 135, "mh" }, { 0, NULL } };
	static const struct sym tcpopt[] = { { 2, "maxseg" }, { 3, "window" },
		{ 4, "sack-perm" }, { 5, "sack" }, { 8, "timestamp" }, { 0, NULL } };
	const char *name;

	if (!r)
		return;
	r->vt = VT_DEC;
	if (flags == NFT_EXTHDR_F_PRESENT) {
		/* exists / missing: a boolean, one byte */
		name = op == NFT_EXTHDR_OP_IPV6 ? sym_name(ip6, type) :
		       op == NFT_EXTHDR_OP_TCPOPT ? sym_name(tcpopt, type) : NULL;
		if ((!name && op != NFT_EXTHDR_OP_TCPOPT) || off || len != 1) {
			t->ok = false;
			return;
		}
		/* nft takes any tcp option by its number */
		if (!name)
			snprintf(r->sel, sizeof(r->sel), "tcp option %u", type);
		else
			snprintf(r->sel, sizeof(r->sel), "%s %s", op == NFT_EXTHDR_OP_IPV6 ?
				 "exthdr" : "tcp option", name);
		r->vt = VT_DEC;
		r->raw = false;
		/* printed as "exists"/"missing" by the relation: mark it */
		r->plen = 0;
		r->base = 0xff;
		return;
	}
	if (op == NFT_EXTHDR_OP_TCPOPT && type == 2 && off == 2 && len == 2 && !flags) {
		snprintf(r->sel, sizeof(r->sel), "tcp option maxseg size");
		return;
	}
	if (op == NFT_EXTHDR_OP_IPV6 && !flags && type == 43 && len == 16 && off >= 8 &&
	    (off - 8) % 16 == 0 && off <= 24) {
		/* the addresses of a type 0 routing header (nft 1.0.6 knows
		 * the first two: it refuses addr[3] and crashes on addr[9]) */
		snprintf(r->sel, sizeof(r->sel), "rt0 addr[%u]", (off - 8) / 16 + 1);
		r->vt = VT_IPV6;
		return;
	}
	if (op == NFT_EXTHDR_OP_IPV6 && !flags && len <= 4) {
		const struct bitfield *bf = xfield_find(type, off * 8, len * 8);

		if (bf) {
			snprintf(r->sel, sizeof(r->sel), "%s", bf->name);
			return;
		}
		/* bytes holding a bitfield: the relation names it */
		r->xbytes = true;
		r->xtype = type;
		r->off = off;
		r->plen = len;
		return;
	}
	t->ok = false;
}

/* "tcp option maxseg size set 1400", "... set rt mtu" (TCPMSS) */
static void stmt_exthdr_set(struct tctx *t, const struct nftnl_expr *e)
{
	const struct treg *r = reg_at(t, e, NFTNL_EXPR_EXTHDR_SREG);

	if (nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OP) != NFT_EXTHDR_OP_TCPOPT ||
	    nftnl_expr_get_u8(e, NFTNL_EXPR_EXTHDR_TYPE) != 2 ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OFFSET) != 2 ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_LEN) != 2 || !r || !r->set ||
	    (nftnl_expr_is_set(e, NFTNL_EXPR_EXTHDR_FLAGS) &&
	     nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_FLAGS))) {
		t->ok = false;
		return;
	}
	if (r->data) {
		word(t, "tcp option maxseg size set %llu",
		     (unsigned long long)int_of(r->val, 2, false));
		return;
	}
	/* nft turns the route's MSS to network order itself */
	if (strcmp(r->sel, "rt mtu") != 0 || !r->swapped || r->masked) {
		t->ok = false;
		return;
	}
	word(t, "tcp option maxseg size set rt mtu");
}

/* "dup to 192.0.2.1" (TEE); a device is an index nft would want a name for */
/* A named object the rule refers to: "ct helper set "ftp-tcp"" (the
 * object itself is made by its own command, objects_text). */
static void stmt_objref(struct tctx *t, const struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_OBJREF_IMM_NAME);

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_OBJREF_IMM_TYPE) ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_OBJREF_IMM_TYPE) != NFT_OBJECT_CT_HELPER || !name ||
	    !printable_string(name, strlen(name))) {
		t->ok = false;
		return;
	}
	word(t, "ct helper set \"%s\"", name);
}

static void stmt_dup(struct tctx *t, const struct nftnl_expr *e)
{
	const struct treg *r = reg_at(t, e, NFTNL_EXPR_DUP_SREG_ADDR);
	char a[INET6_ADDRSTRLEN];

	if (!r || !r->set || !r->data || nftnl_expr_is_set(e, NFTNL_EXPR_DUP_SREG_DEV) ||
	    r->len != (t->family == NFPROTO_IPV6 ? 16u : 4u)) {
		t->ok = false;
		return;
	}
	inet_ntop(t->family == NFPROTO_IPV6 ? AF_INET6 : AF_INET, r->val, a, sizeof(a));
	word(t, "dup to %s", a);
}

/* Payload writes: a field set to a constant, as nft writes "ip ttl set
 * 64" (the two bytes holding it, the checksum fixed) is not what iptnft
 * writes for TTL; what has no exact nft text is incomplete. */
static void stmt_payload_set(struct tctx *t, const struct nftnl_expr *e)
{
	uint32_t base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
	uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
	uint32_t csum = nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_CSUM_TYPE) ?
			nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_CSUM_TYPE) : 0;
	uint32_t csum_off = nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_CSUM_OFFSET) ?
			    nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_CSUM_OFFSET) : 0;
	uint32_t flags = nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_FLAGS) ?
			 nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_FLAGS) : 0;
	const struct treg *r = reg_at(t, e, NFTNL_EXPR_PAYLOAD_SREG);
	bool v4 = t->family == NFPROTO_IPV4;
	uint64_t cleared, x;
	size_t i;

	/* nft fixes the IPv4 header checksum, and writes no other */
	if (!r || !r->set || base != NFT_PAYLOAD_NETWORK_HEADER || flags || len > 8 ||
	    r->len != len || (v4 ? csum != NFT_PAYLOAD_CSUM_INET || csum_off != 10 :
				   csum != NFT_PAYLOAD_CSUM_NONE)) {
		t->ok = false;
		return;
	}
	if (r->data) {
		/* a whole field set to a value: "ip6 hoplimit set 5" */
		const struct field *f = field_find(t, base, off, len);

		if (!f || v4 || len != 1) {
			t->ok = false;
			return;
		}
		word(t, "%s set %llu", f->name, (unsigned long long)int_of(r->val, len, false));
		return;
	}
	/* the field's bits of the same bytes, the rest kept: "ip ttl set 64" */
	if (!r->masked || !r->payload || r->base != base || r->off != off || r->plen != len) {
		t->ok = false;
		return;
	}
	cleared = ~int_of(r->mask, len, false) & (len == 8 ? ~0ULL : (1ULL << (len * 8)) - 1);
	x = int_of(r->xor, len, false);
	for (i = 0; i < ARRAY_SIZE(setfields); i++) {
		const struct bitfield *bf = &setfields[i];
		uint32_t shift = (off + len) * 8 - bf->bitoff - bf->bits;
		uint64_t fmask;

		if (bf->family != t->family || bf->bitoff < off * 8 ||
		    bf->bitoff + bf->bits > (off + len) * 8)
			continue;
		fmask = ((1ULL << bf->bits) - 1) << shift;
		if (cleared != fmask || (x & ~fmask))
			continue;
		word(t, "%s set %llu", bf->name, (unsigned long long)(x >> shift));
		return;
	}
	t->ok = false;
}

static void run_one(struct tctx *t, struct nftnl_expr *e, const char *name);

static void run_expr(struct tctx *t, struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	bool was_ok = t->ok;

	t->l4_prev = t->l4_cut;
	t->l4_cut = 0;
	t->ll_prev = t->ll_cut;
	t->ll_cut = 0;
	run_one(t, e, name);
	if (was_ok && !t->ok && getenv("IPTNFT_DEBUG") && strstr(getenv("IPTNFT_DEBUG"), "translate")) {
		char buf[512];

		nftnl_expr_snprintf(buf, sizeof(buf), e, NFTNL_OUTPUT_DEFAULT, 0);
		fprintf(stderr, "iptnft: no nft text for: %s %s\n", name, buf);
	}
}

static void run_one(struct tctx *t, struct nftnl_expr *e, const char *name)
{

	if (strcmp(name, "payload") == 0) {
		if (nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_SREG))
			stmt_payload_set(t, e);
		else
			load_payload(t, e);
	} else if (strcmp(name, "meta") == 0) {
		if (nftnl_expr_is_set(e, NFTNL_EXPR_META_SREG))
			stmt_meta_set(t, e);
		else
			load_meta(t, e);
	} else if (strcmp(name, "ct") == 0) {
		if (nftnl_expr_is_set(e, NFTNL_EXPR_CT_SREG))
			stmt_ct_set(t, e);
		else
			load_ct(t, e);
	} else if (strcmp(name, "cmp") == 0) {
		struct treg *r = reg_at(t, e, NFTNL_EXPR_CMP_SREG);

		/* a presence test: "tcp option sack-perm exists" */
		if (r && r->set && r->base == 0xff && !r->payload) {
			uint32_t len = 0;
			const uint8_t *v = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
			uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP);

			if (!v || len > r->len || len > 4 || int_of(v, len, true) > 1 ||
			    (op != NFT_CMP_EQ && op != NFT_CMP_NEQ))
				t->ok = false;
			else
				word(t, "%s %s", r->sel,
				     (int_of(v, len, true) == 1) == (op == NFT_CMP_EQ) ? "exists" :
				     "missing");
			return;
		}
		rel_cmp(t, e);
	} else if (strcmp(name, "range") == 0) {
		rel_range(t, e);
	} else if (strcmp(name, "lookup") == 0) {
		rel_lookup(t, e);
	} else if (strcmp(name, "bitwise") == 0) {
		do_bitwise(t, e);
	} else if (strcmp(name, "byteorder") == 0) {
		do_byteorder(t, e);
	} else if (strcmp(name, "immediate") == 0) {
		stmt_immediate(t, e);
	} else if (strcmp(name, "counter") == 0) {
		stmt_counter(t, e);
	} else if (strcmp(name, "log") == 0) {
		stmt_log(t, e);
	} else if (strcmp(name, "limit") == 0) {
		stmt_limit(t, e);
	} else if (strcmp(name, "reject") == 0) {
		stmt_reject(t, e);
	} else if (strcmp(name, "nat") == 0 || strcmp(name, "masq") == 0 ||
		   strcmp(name, "redir") == 0) {
		stmt_nat(t, e, name);
	} else if (strcmp(name, "notrack") == 0) {
		stmt_notrack(t);
	} else if (strcmp(name, "synproxy") == 0) {
		stmt_synproxy(t, e);
	} else if (strcmp(name, "queue") == 0) {
		stmt_queue(t, e);
	} else if (strcmp(name, "numgen") == 0) {
		load_numgen(t, e);
	} else if (strcmp(name, "fib") == 0) {
		load_fib(t, e);
	} else if (strcmp(name, "rt") == 0) {
		load_rt(t, e);
	} else if (strcmp(name, "exthdr") == 0 &&
		   nftnl_expr_is_set(e, NFTNL_EXPR_EXTHDR_DREG)) {
		load_exthdr(t, e);
	} else if (strcmp(name, "exthdr") == 0) {
		stmt_exthdr_set(t, e);
	} else if (strcmp(name, "dup") == 0) {
		stmt_dup(t, e);
	} else if (strcmp(name, "objref") == 0) {
		stmt_objref(t, e);
	} else {
		/* match, target (xt compat), and what iptnft does not write */
		t->ok = false;
	}
}

/* Objects the rule's extensions make for it (a CT target's helper), as
 * nft commands that make them, one per line into out, each after lead:
 * "add ct helper ip raw ftp-tcp { type "ftp" protocol tcp; }". false if
 * one has no nft form. */
static bool objects_text(struct strbuf *out, const struct rule *r, const char *table,
			 const char *lead)
{
	const struct ext_inst *insts[2] = { r->matches, r->verdict == VERDICT_TARGET ? r->target : NULL };
	const struct ext_inst *m;
	bool ok = true;
	unsigned i;

	for (i = 0; i < 2; i++) {
		for (m = insts[i]; m; m = i == 0 ? m->next : NULL) {
			struct nftnl_obj *o = m->ext->object ? m->ext->object(m->data, r) : NULL;
			const char *name, *helper, *proto;

			if (!o)
				continue;
			name = nftnl_obj_get_str(o, NFTNL_OBJ_NAME);
			helper = nftnl_obj_get_str(o, NFTNL_OBJ_CT_HELPER_NAME);
			proto = nftnl_obj_get_u8(o, NFTNL_OBJ_CT_HELPER_L4PROTO) == IPPROTO_TCP ? "tcp" :
				nftnl_obj_get_u8(o, NFTNL_OBJ_CT_HELPER_L4PROTO) == IPPROTO_UDP ? "udp" :
				NULL;
			if (nftnl_obj_get_u32(o, NFTNL_OBJ_TYPE) != NFT_OBJECT_CT_HELPER || !name ||
			    !helper || !proto || !printable_string(helper, strlen(helper)) ||
			    !printable_string(name, strlen(name)))
				ok = false;
			else
				sb_printf(out, "%sadd ct helper %s %s %s { type \"%s\" protocol %s; }\n",
					  lead, r->family == NFPROTO_IPV6 ? "ip6" : "ip", table, name,
					  helper, proto);
			nftnl_obj_free(o);
		}
	}
	return ok;
}

void nft_xlate_init(struct nft_xlate *x)
{
	/* zeroed: libmnl leaves attribute padding as it finds it */
	x->buf = xzalloc(RULE_MSG_MAX);
}

void nft_xlate_free(struct nft_xlate *x)
{
	free(x->buf);
	x->buf = NULL;
}

bool nft_rule_text_of(struct nft_xlate *x, struct strbuf *sb, struct strbuf *objs,
		      const char *lead, const struct rule *r, const char *table, const char *chain)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(x->buf);
	struct aset_list sets = { 0 };
	struct nftnl_rule *nr = nftnl_rule_alloc();
	bool ok = false;

	if (!nr)
		out_of_memory();
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg));
	if (rule_linearize_msg(r, nlh, &sets, &(struct lin_where){ table, chain, false, NULL }) >= 0 &&
	    nftnl_rule_nlmsg_parse(nlh, nr) == 0) {
		ok = nft_rule_text(sb, nr, r->family, &sets) && objects_text(objs, r, table, lead);
	}
	/* clean again for the next rule: only what this one wrote */
	memset(x->buf, 0, nlh->nlmsg_len < RULE_MSG_MAX ? nlh->nlmsg_len : RULE_MSG_MAX);
	nftnl_rule_free(nr);
	aset_list_clear(&sets);
	return ok;
}

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	const char **comment = data;

	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT)
		*comment = nftnl_udata_get(attr);
	return 0;
}

bool nft_rule_text(struct strbuf *out, struct nftnl_rule *nr, uint8_t family,
		   const struct aset_list *sets)
{
	struct tctx t = { .out = out, .family = family, .sets = sets, .ok = true };
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(nr);
	struct nftnl_expr *e;

	if (!it)
		out_of_memory();
	while ((e = nftnl_expr_iter_next(it)) != NULL)
		run_expr(&t, e);
	nftnl_expr_iter_destroy(it);
	if (nftnl_rule_is_set(nr, NFTNL_RULE_USERDATA)) {
		uint32_t len = 0;
		const void *ud = nftnl_rule_get_data(nr, NFTNL_RULE_USERDATA, &len);
		const char *comment = NULL;

		nftnl_udata_parse(ud, len, comment_cb, &comment);
		/* nft keeps comments of up to 128 characters */
		if (comment && strlen(comment) > 128)
			t.ok = false;
		else if (comment)
			quoted(&t, "comment", comment);
	}
	return t.ok;
}

/* Words nft reads as keywords where a chain name goes: all lower case,
 * so a name with a capital, a digit or a '-' in it is never one. */
static bool keyword(const char *s)
{
	static const char *const words[] = {
		"accept", "add", "ah", "all", "and", "arp", "at", "bridge", "burst", "by",
		"bytes", "chain", "chains", "comment", "continue", "counter", "counters",
		"create", "ct", "daddr", "define", "delete", "describe", "destroy", "dnat",
		"drop", "dup", "element", "esp", "ether", "exists", "export", "fib", "flags",
		"flow", "flowtable", "flush", "fwd", "get", "goto", "handle", "hook", "icmp",
		"icmpv6", "include", "index", "inet", "insert", "ip", "ip6", "jump", "label",
		"limit", "list", "log", "map", "mark", "masquerade", "meta", "missing",
		"monitor", "netdev", "notrack", "numgen", "offset", "or", "over", "packets",
		"policy", "position", "prefix", "priority", "queue", "quota", "random",
		"redirect", "reject", "rename", "replace", "reset", "return", "rt", "rule",
		"ruleset", "saddr", "sctp", "set", "sets", "snat", "synproxy", "table",
		"tables", "tcp", "th", "to", "type", "udp", "udplite", "vlan", "vmap", "with",
		"xor", "exthdr", "hbh", "rt0", "frag", "dst", "mh", "srh", "ipsec", "tproxy",
		"socket", "osf", "hash", "jhash", "symhash", "iif", "oif", "iifname",
		"oifname", "update", "timeout", "expires", "elements", "size", "stateful",
		"stateless", "secmark", "secmarks", "synproxys", "ct", "counter", "quotas",
		"limits", "objects", "meter", "meters", "flowtables", "devices", "device",
		"level", "group", "snaplen", "until", "ecn", "dscp", "length", "id", "ttl",
		"protocol", "version", "checksum", "nexthdr", "hoplimit", "flowlabel",
		"sport", "sequence", "ackseq", "window", "urgptr", "option", "options",
		"code", "mtu", "gateway", "spi", "cpi", "vtag", "state", "status",
		"direction", "zone", "helper", "event", "expectation", "original", "reply",
		"new", "established", "related", "invalid", "untracked", "cgroup", "cpu",
		"nftrace", "pkttype", "skuid", "skgid", "rtclassid", "ibrname", "obrname",
		"inc", "mod", "persistent", "fully-random", "nfproto", "l4proto", "l3proto",
		"proto-src", "proto-dst", "bypass", "fanout", "num", "exists", "interval",
		"constant", "dynamic", "auto-merge", "typeof", "last", "never", NULL };
	size_t i;

	for (i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

bool nft_name(struct strbuf *out, const char *name)
{
	const char *p;
	bool ok = (isalpha((unsigned char)name[0]) || name[0] == '_' || name[0] == '.') &&
		  !keyword(name);

	for (p = name; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr("/-_.:", *p);
	sb_add(out, name);
	return ok;
}
