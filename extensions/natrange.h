/* The address and port ranges of SNAT, DNAT, MASQUERADE and REDIRECT:
 * parsing them the way the reference does, loading them into registers
 * for the nat, masq and redir expressions the way nft does, reading them
 * back from either, and their text. Addresses are the family's: 4 bytes
 * for iptables, 16 for ip6tables. */
#ifndef IPTNFT_EXT_NATRANGE_H
#define IPTNFT_EXT_NATRANGE_H

#include <stdbool.h>
#include <stdint.h>

#include "expr.h"
#include "ext.h"
#include "util.h"

/* NF_NAT_RANGE_* of linux/netfilter/nf_nat.h */
#define NATF_MAP_IPS 0x01
#define NATF_PROTO 0x02		/* ports given */
#define NATF_RANDOM 0x04
#define NATF_PERSISTENT 0x08
#define NATF_RANDOM_FULLY 0x10
#define NATF_OFFSET 0x20	/* ports shifted by "/base" */
#define NATF_KNOWN 0x3f

struct nat_range {
	uint32_t flags;			/* NATF_* */
	uint8_t min_addr[16], max_addr[16];
	uint16_t min_port, max_port;	/* host order */
	uint16_t base;			/* with NATF_OFFSET */
};

/* "--to-ports" of MASQUERADE and REDIRECT: "a[-b[/base]]". Ports need a
 * protocol that has them (-p tcp, udp, sctp, dccp or icmp). */
int nat_parse_ports(struct parse_ctx *ctx, const char *arg, struct nat_range *r);
/* "--to-source" and "--to-destination": "[a[-b]][:ports]"; in ip6tables
 * "a[-b]" or "[a[-b]][:ports]". */
int nat_parse_to(struct parse_ctx *ctx, const char *arg, struct nat_range *r);

/* The registers of an expression's range: its attribute numbers, 0 for
 * one it has not (masq and redir have no addresses). */
struct nat_attrs {
	uint16_t addr_min, addr_max, proto_min, proto_max;
};

/* Load r's addresses and ports into registers 1, 2, ... as nft does (a
 * max equal to its min shares the min's register) and set e's register
 * attributes; e is then the caller's to finish and add. */
void nat_lin_load(struct lin_ctx *c, const struct nat_range *r, struct nftnl_expr *e,
		  const struct nat_attrs *a);
/* Read them back from the statement at it; flags given by the caller
 * gain NATF_MAP_IPS and NATF_PROTO for what is there. */
bool nat_read(const struct item *it, const struct nat_attrs *a, uint32_t flags, uint8_t family,
	      struct nat_range *r);

/* The reference's blobs: 'compat' (revision 0 of all four targets in
 * IPv4), 'range' (revision 1, and 0 in IPv6) and 'range2' (revision 2).
 * The blob an xt NAT target of this revision holds in this family: */
bool nat_from_blob(const void *blob, uint32_t rev, uint8_t family, struct nat_range *r);
/* Its length in bytes. */
uint32_t nat_blob_len(uint32_t rev, uint8_t family);
/* --compat: r as that blob, the mirror image of nat_from_blob. */
enum compat_res nat_compat_blob(struct xt_out *out, uint32_t rev, uint8_t family,
				const struct nat_range *r);

/* "a[-b]" of addresses and ":p[-q][/base]" of ports, as -L shows after
 * "to:" and -S after --to-source ("[a[-b]]:p" in ip6tables). */
void nat_range_text(struct strbuf *out, const struct nat_range *r, uint8_t family);
/* "p[-q][/base]" */
void nat_ports_text(struct strbuf *out, const struct nat_range *r);

#endif
