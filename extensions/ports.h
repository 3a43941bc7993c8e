/* Port ranges shared by the tcp and udp matches. */
#ifndef IPTNFT_EXT_PORTS_H
#define IPTNFT_EXT_PORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "expr.h"
#include "util.h"

struct port_range {
	bool set;
	bool inv;
	uint16_t lo, hi;
	/* typed as "! 0:lo-1" (kept positive above): --compat writes it as
	 * the reference does, from the range as typed */
	bool from_zero;
	/* read from one compare (>, >=, <, <=) whose other bound a second
	 * compare may still narrow, as nft writes "dport 67-69" */
	bool open_lo, open_hi;
};

/* The table entry of a tcp or udp port option (struct ext_opt): parse
 * reads the port names and ranges and calls ports_set; flags_ adds to
 * OF_INV (tcp: OF_MULTI, its parse refuses a repeat in its own words). */
#define PORT_OPT(name_, id_, flags_, text)                                               \
	{ .name = name_, .id = id_, .type = OT_CUSTOM, .has_arg = true,                  \
	  .flags = OF_INV | (flags_), .help_arg = "port[:port]", .help = text }

/* Set pr to [lo, hi] the way the reference normalises a range: a full
 * range tests nothing and is dropped, and a negated range from 0 becomes
 * the positive range above it. */
void ports_set(struct port_range *pr, uint16_t lo, uint16_t hi, bool inv);
/* Whether two ranges test the same ports, however they were typed. */
bool ports_equal(const struct port_range *a, const struct port_range *b);
/* Whether from's test can fold into into's: either tests nothing, or both
 * test the same ports. */
bool ports_mergeable(const struct port_range *into, const struct port_range *from);
/* Fold from's test into into (ports_mergeable said so). */
void ports_merge(struct port_range *into, const struct port_range *from);
/* payload th+off (2 bytes) == lo, or in [lo, hi] */
void ports_linearize(struct lin_ctx *c, uint32_t off, const struct port_range *pr);
/* Claim a port relation at th+off from item it: ==, !=, a range, or a
 * bound (>, >=, <, <=), which a second bound may then narrow. */
bool ports_delinearize(const struct item *it, uint32_t off, struct port_range *pr);
/* " spt:22", " dpts:1:1024", " spt:!ssh" */
void ports_print(struct strbuf *out, const char *one, const char *many,
		 const struct port_range *pr, const char *proto, bool numeric);
/* A port range as the reference's xt tcp/udp blobs hold it (host order,
 * 0:65535 meaning no test). */
void ports_from_blob(struct port_range *pr, const uint8_t *two_u16, bool inv);
/* --compat: the range as the reference's blob holds it (the range as
 * typed, 0:65535 for none); returns the inversion. */
bool ports_to_blob(const struct port_range *pr, uint16_t *two_u16);
/* --compat: the reference's native tests of the two ranges: nothing for
 * a full range, cmp for one port, lte/gt for a range from 0, else range;
 * and one 4-byte compare of both when each is one port other than 0 and
 * both are negated alike. */
void ports_compat_linearize(struct lin_ctx *c, const struct port_range *sport,
			    const struct port_range *dport);
/* Claim the reference's 4-byte compare of both ports from item it. */
bool ports_pair_delinearize(const struct item *it, struct port_range *sport,
			    struct port_range *dport);
/* A port by service name for proto (unless numeric or unnamed). */
void port_text(struct strbuf *out, uint16_t port, const char *proto, bool numeric);
/* " --sport 22", " ! --dport 1:1024" */
void ports_save(struct strbuf *out, const char *opt, const struct port_range *pr);

/* The xt sctp and dccp blobs' form of the two ranges: spts and dpts
 * [2] in host order, and a flag and an inversion bit for each, the same
 * bits in both blobs; these read and write them as such. */
#define PAIR_SRC 0x01	/* XT_SCTP_SRC_PORTS, XT_DCCP_SRC_PORTS */
#define PAIR_DST 0x02	/* XT_SCTP_DEST_PORTS, XT_DCCP_DEST_PORTS */
/* payload th+0, th+2 (2 bytes each) == pts[0], or in [pts[0], pts[1]],
 * for the ranges flags holds */
void pairs_linearize(struct lin_ctx *c, const uint16_t *spts, const uint16_t *dpts,
		     uint32_t flags, uint32_t invflags);
/* Read the source then the destination range at c's cursor, each an
 * ==, != or range (either way), or nft's form of a range (>= then <=),
 * and move past them; the bits of those found in *flags, of those
 * negated in *invflags. */
void pairs_delinearize(struct delin_ctx *c, uint16_t *spts, uint16_t *dpts, uint32_t *flags,
		       uint32_t *invflags);
/* " spt:!5 dpts:1:9"; nothing for an uninverted 0:65535 */
void pairs_print(struct strbuf *out, const uint16_t *spts, const uint16_t *dpts, uint32_t flags,
		 uint32_t invflags, const char *proto, bool numeric);
/* " ! --sport 5 --dport 1:9" */
void pairs_save(struct strbuf *out, const uint16_t *spts, const uint16_t *dpts, uint32_t flags,
		uint32_t invflags);

#endif
