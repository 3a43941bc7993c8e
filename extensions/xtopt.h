/* What many extensions share: numbers and value/mask pairs read the way
 * the reference's option parser reads them, its messages for misused
 * options, the text of a mark update, and access to the xt compat blobs
 * the reference writes for extensions it has no native form for. */
#ifndef IPTNFT_EXT_XTOPT_H
#define IPTNFT_EXT_XTOPT_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "expr.h"
#include "util.h"

/* Whether s starts, after blanks, with a minus sign: the reference's
 * unsigned numbers refuse one, which strtoul would take. */
bool xt_negative(const char *s);

/* An unsigned number as strtoul reads it (base 0: 0x.. hex, 0.. octal,
 * leading blanks allowed, no minus sign) that must fill the whole word
 * and lie in [min, max]; otherwise "EXT: bad value for option "--OPT",
 * or out of range (min-max)." */
int xt_parse_uint(struct ipt_error *err, const char *ext, const char *opt, const char *arg,
		  uint64_t min, uint64_t max, uint64_t *out);

/* "lo:hi" of numbers as xt_parse_uint reads them, at most max; an empty
 * end is 0 or max, one number is lo = hi; no order between them.
 * Errors: "EXT: bad value for option "--OPT" near "REST", or out of
 * range (0-max).", "... unexpected characters near ..." and "Too many
 * components ...". nvals (if not NULL) gets how many ends were given. */
int xt_parse_uint_range(struct ipt_error *err, const char *ext, const char *opt,
			const char *arg, uint64_t max, uint64_t *lo, uint64_t *hi, unsigned *nvals);

/* "lo:hi" of ports as num_service_port reads them (the reference's
 * port-range options of udp, conntrack, ...), ends as above; "Port "X"
 * does not resolve to anything." */
int xt_parse_port_range(struct ipt_error *err, const char *ext, const char *opt,
			const char *arg, uint16_t *lo, uint16_t *hi);

/* "value[/mask]" of 32 bits each; mask defaults to all ones. Errors:
 * "bad integer value ..." and "trailing garbage after value ...". */
int xt_parse_markmask(struct ipt_error *err, const char *ext, const char *opt,
		      const char *arg, uint32_t *value, uint32_t *mask);

/* A host name or address of the family (NFPROTO_IPV4 or _IPV6) as the
 * resolver reads it (so "1.2.3" is 1.2.0.3 and "24" is 0.0.0.24), into
 * out: 4 bytes, the rest zero, for IPv4. "getaddrinfo: ..." otherwise. */
union nf_inet_addr;
int xt_parse_host(struct ipt_error *err, uint8_t family, const char *arg,
		  union nf_inet_addr *out);
/* The address as inet_ntop writes it for the family. */
void xt_addr_text(struct strbuf *out, const union nf_inet_addr *addr, uint8_t family);

/* For ext->xt_only of an extension that has no native form at all:
 * every instance is the reference's xt blob. */
struct rule;
bool xt_always(const void *data, const struct rule *r);

/* "EXT: option "--OPT" cannot be inverted." */
int xt_err_noinv(struct ipt_error *err, const char *ext, const char *opt);
/* "EXT: option "--A" cannot be used together with "--B"." */
int xt_err_conflict(struct ipt_error *err, const char *ext, const char *a, const char *b);
/* "EXT: option "--OPT" must be specified" */
int xt_err_mandatory(struct ipt_error *err, const char *ext, const char *opt);
/* The kernel's refusal of a target outside the table (or chain) it
 * serves, as the reference reports it for -A. */
struct parse_ctx;
/* The reference's kernel refusal of a rule in the wrong table or chain,
 * worded for the command being parsed. */
int xt_err_table(const struct parse_ctx *ctx, const char *chain);

/* The -L text of a mark update new = (old & ~mask) ^ value: " set V",
 * " and M", " or V", " xor V" or " xset V/M". */
void xt_xmark_text(struct strbuf *out, uint32_t value, uint32_t mask);

/* The info blob of an xt compat expression at item it, if it is the
 * match (target = false) or target named name at revision rev and holds
 * at least len bytes; NULL otherwise. */
const void *xt_blob(const struct item *it, bool target, const char *name, uint32_t rev,
		    uint32_t len);

/* The xt match name at revision rev holding info's len bytes (at most
 * XT_INFO_MAX), padded with zeros to the kernel's 8-byte alignment, as
 * the reference writes its blobs. */
void lin_xt_match(struct lin_ctx *c, const char *name, uint32_t rev, const void *info,
		  uint32_t len);
/* Whether the item at the cursor is that xt match with len bytes at
 * least; if so they are copied to out (the cursor stays). */
bool delin_xt_match(struct delin_ctx *c, const char *name, uint32_t rev, void *out,
		    uint32_t len);

/* "host[/mask]" as the reference's host-and-mask options read it
 * (conntrack's tuple addresses, NETMAP's --to): the host through
 * getaddrinfo, into addr (16 bytes, as given, not masked); the mask a
 * prefix length (any base; in IPv4 past 32 is the whole address, in IPv6
 * past 128 an error) or an address-form mask, into mask (16 bytes; all
 * of them set for the whole address and for a mask that is no prefix).
 * Errors: "getaddrinfo: ..." and "EXT: bad value for option "--OPT",
 * neither a valid network mask nor valid CIDR (0-BITS)." */
int xt_parse_hostmask(struct ipt_error *err, const char *ext, const char *opt, const char *arg,
		      uint8_t family, uint8_t addr[16], uint8_t mask[16]);
/* The mask alone ("M" of "host/M", HMARK's prefixes): a prefix length
 * or a mask in address form, as above, into mask (16 bytes); a mask
 * that is not a prefix, or an IPv4 length past 32, is all 16 set. */
int xt_parse_mask(struct ipt_error *err, const char *ext, const char *opt, const char *m,
		  uint8_t family, uint8_t *mask);
/* The first plen bits of a 16-byte mask set, the rest clear. */
void xt_prefix_mask(uint8_t *mask, unsigned plen);

/* "value[/mask]" of 32 bits each, or a name iproute2's table file
 * (lines "number name") gives the value of (the whole word, no mask):
 * devgroup's groups, realm's realms. Errors: "EXT: bad integer value for
 * option "--OPT", or out of range." for a bad mask, "EXT: could not map
 * name ARG to an integer value for option "--OPT"." otherwise. */
int xt_parse_named_valmask(struct ipt_error *err, const char *ext, const char *opt,
			   const char *arg, const char *file, uint32_t *value, uint32_t *mask);
/* The name file gives value, into buf; false if none (or no file). */
bool xt_name_of(const char *file, uint32_t value, char *buf, size_t size);
/* " name" (file not NULL, whole mask, and a name for value), or " 0xV",
 * or " 0xV/0xM" */
void xt_named_valmask_text(struct strbuf *out, const char *file, uint32_t value, uint32_t mask);

/* "/plen" for a prefix mask, "/mask" for another, nothing for the whole
 * address (mask: 4 or 16 bytes by family) */
void xt_mask_suffix(struct strbuf *out, const uint8_t *mask, uint8_t family);
/* A host name, else a network name (IPv4), else the number, as the
 * reference's listing names an address without -n */
void xt_addr_name(struct strbuf *out, const uint8_t *addr, uint8_t family);

#endif
