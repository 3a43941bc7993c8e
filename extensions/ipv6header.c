/* -m ipv6header --header LIST [--soft]: which extension headers a packet
 * carries. Each header is one presence test, `exthdr T exists` (or
 * `missing`): exthdr present flag on next header T; cmp eq 1 (or 0).
 *
 *   --soft            each listed header exists
 *   ! ... --soft      each listed header is missing
 *   (hard)            the set of headers is exactly the list: each of
 *                     hop, dst, route, frag, auth exists or is missing,
 *                     and so are esp and none
 *
 * "protocol" (an upper-layer header follows the chain) is true when the
 * chain ends neither in "none" nor in "esp": it is written as both of
 * those missing. A hard list without protocol, none or esp matches no
 * packet (a chain ends in one of the three); it is written with both
 * esp and none existing, which no packet has either. A hard inverted
 * list (any other set of headers) is an "or" of tests, which one rule
 * cannot say; it is written as the reference's xt ipv6header blob, as
 * are the other lists that can never match (protocol with none or esp,
 * or both of these). The reference writes every ipv6header rule so, and
 * so does --compat; the blob is read below as well.
 */
#include <netdb.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv6/ip6t_ipv6header.h>

#include "expr.h"
#include "ext.h"
#include "exthdr6.h"
#include "num.h"
#include "xtopt.h"

struct ipv6header_data {
	uint8_t flags;		/* MASK_* */
	bool inv, soft;
};

enum { O_HEADER, O_SOFT };

static const struct ext_opt ipv6header_opts[] = {
	/* a list of names and numbers: parse's */
	{ .name = "header", .id = O_HEADER, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV | OF_MAND, OPT_INVDST(struct ipv6header_data, inv),
	  .help_arg = "header[,header...]",
	  .help = "has these extension headers, by name or number" },
	{ .name = "soft", .id = O_SOFT, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct ipv6header_data, soft),
	  .help = "listed headers present, others allowed too" },
	{ .name = NULL },
};

/* The headers in the order of their bits, with their next header number
 * (255: "protocol", no header of its own). */
static const struct {
	uint8_t mask, nexthdr;
	const char *name, *short_name;
} headers[] = {
	{ MASK_HOPOPTS, EH_HOPOPTS, "hop-by-hop", "hop" },
	{ MASK_DSTOPTS, EH_DSTOPTS, "ipv6-opts", "dst" },
	{ MASK_ROUTING, EH_ROUTING, "ipv6-route", "route" },
	{ MASK_FRAGMENT, EH_FRAGMENT, "ipv6-frag", "frag" },
	{ MASK_AH, EH_AUTH, "ah", "auth" },
	{ MASK_ESP, EH_ESP, "esp", "esp" },
	{ MASK_NONE, EH_NONE, "ipv6-nonxt", "none" },
	{ MASK_PROTO, 255, "protocol", "prot" },
};

#define ALL_HEADERS (MASK_HOPOPTS | MASK_DSTOPTS | MASK_ROUTING | MASK_FRAGMENT | MASK_AH | \
		     MASK_ESP | MASK_NONE)
#define CHAIN_ENDS (MASK_ESP | MASK_NONE)

static int parse_header(struct ipt_error *err, const char *tok, uint8_t *mask)
{
	struct protoent *pe;
	uint64_t num;
	char text[4];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(headers); i++) {
		if (strcmp(tok, headers[i].name) == 0 || strcmp(tok, headers[i].short_name) == 0) {
			*mask |= headers[i].mask;
			return 0;
		}
	}
	pe = getprotobyname(tok);
	if (pe) {
		num = (unsigned long)pe->p_proto;
	} else {
		/* a number only in its plain decimal spelling ("43", not "043") */
		if (!num_uint(tok, 0, UINT8_MAX, &num))
			return err_param(err, "unknown header `%s' specified", tok);
		snprintf(text, sizeof(text), "%u", (unsigned)num);
		if (strcmp(text, tok) != 0)
			return err_param(err, "unknown header `%s' specified", tok);
	}
	for (i = 0; i < ARRAY_SIZE(headers); i++) {
		if (headers[i].nexthdr == num) {
			*mask |= headers[i].mask;
			return 0;
		}
	}
	/* a name is told by its number, as the reference tells it */
	return err_param(err, "unknown header `%u' specified", (unsigned)num);
}

static int ipv6header_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct ipv6header_data *d = data;
	char *copy, *tok, *save = NULL;
	int ret = 0;

	(void)id;
	(void)inv;
	d->flags = 0;
	copy = xstrdup(arg);
	for (tok = strtok_r(copy, ",", &save); tok && ret == 0; tok = strtok_r(NULL, ",", &save))
		ret = parse_header(ctx->err, tok, &d->flags);
	free(copy);
	if (ret == 0 && !d->flags)
		ret = err_param(ctx->err, "ip6t_ipv6header: cannot parse header names");
	return ret;
}

/* Can the presence tests say it? See the top of the file. */
static const char *ipv6header_unsayable(const struct ipv6header_data *d)
{
	uint8_t ends = d->flags & CHAIN_ENDS;

	if (d->soft && d->inv)
		return d->flags & MASK_PROTO ?
		       "an inverted --soft list with protocol is an \"or\" of tests" : NULL;
	if (d->soft)
		return d->flags & MASK_PROTO && ends ? "no packet has this set of headers" : NULL;
	if (d->inv)
		return "an inverted list without --soft is an \"or\" of tests";
	if (d->flags & MASK_PROTO ? ends != 0 : ends == CHAIN_ENDS)
		return "no packet has this set of headers";
	return NULL;
}

static bool ipv6header_xt_only(const void *data, const struct rule *r)
{
	(void)r;
	return ipv6header_unsayable(data) != NULL;
}

static void ipv6header_linearize(struct lin_ctx *c, const void *data)
{
	const struct ipv6header_data *d = data;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(headers); i++) {
		uint8_t m = headers[i].mask;
		bool listed = d->flags & m;

		if (m == MASK_PROTO)
			continue;
		if (d->soft) {
			/* protocol: the chain ends neither in esp nor in none */
			if (!d->inv && (d->flags & MASK_PROTO) && (m & CHAIN_ENDS))
				lin_exthdr6_present(c, headers[i].nexthdr, false);
			else if (listed)
				lin_exthdr6_present(c, headers[i].nexthdr, !d->inv);
		} else {
			/* no end of chain listed: both, which never match */
			if (!(d->flags & (MASK_PROTO | CHAIN_ENDS)) && (m & CHAIN_ENDS))
				listed = true;
			lin_exthdr6_present(c, headers[i].nexthdr, listed);
		}
	}
}

static uint8_t mask_of(uint8_t nexthdr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(headers); i++)
		if (headers[i].nexthdr == nexthdr && headers[i].mask != MASK_PROTO)
			return headers[i].mask;
	return 0;
}

/* The flags n presence tests at the cursor say; false if they say
 * nothing ipv6header can. */
static bool from_tests(struct delin_ctx *c, unsigned n, struct ipv6header_data *d)
{
	uint8_t exists = 0, missing = 0, type, m;
	bool present;
	unsigned i;

	for (i = 0; i < n; i++) {
		if (!item_exthdr6_present(&c->items->v[c->pos + i], &type, &present))
			return false;
		m = mask_of(type);
		if (!m || ((exists | missing) & m))
			return false;
		if (present)
			exists |= m;
		else
			missing |= m;
	}
	memset(d, 0, sizeof(*d));
	if ((exists | missing) == ALL_HEADERS) {
		d->flags = exists;
		if ((missing & CHAIN_ENDS) == CHAIN_ENDS)
			d->flags |= MASK_PROTO;
		if ((exists & CHAIN_ENDS) == CHAIN_ENDS)
			d->flags &= (uint8_t)~CHAIN_ENDS;
		return true;
	}
	d->soft = true;
	if (exists) {
		if (missing && missing != CHAIN_ENDS)
			return false;
		d->flags = exists | (missing ? MASK_PROTO : 0);
	} else if (missing == CHAIN_ENDS) {
		d->flags = MASK_PROTO;
	} else {
		d->flags = missing;
		d->inv = true;
	}
	return true;
}

/*
 * The reference's blob, struct ip6t_ipv6header_info, revision 0:
 *
 *   0            1          2          3
 *   +------------+----------+----------+
 *   | matchflags | invflags | modeflag |   flags: MASK_* bits;
 *   +------------+----------+----------+   invflags 0xff: '!'; modeflag 0xff: --soft
 */
static bool from_blob(const struct item *it, struct ipv6header_data *d)
{
	const void *p = xt_blob(it, false, "ipv6header", 0, sizeof(struct ip6t_ipv6header_info));
	struct ip6t_ipv6header_info b;

	if (!p)
		return false;
	memcpy(&b, p, sizeof(b));
	d->flags = b.matchflags;
	d->inv = b.invflags != 0;
	d->soft = b.modeflag != 0;
	return true;
}

static enum compat_res ipv6header_compat(struct lin_ctx *c, const void *data,
					 struct xt_out *out)
{
	const struct ipv6header_data *d = data;
	struct ip6t_ipv6header_info b = {
		.matchflags = d->flags,
		.invflags = d->inv ? 0xff : 0,
		.modeflag = d->soft ? 0xff : 0,
	};

	(void)c;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(b));
	memcpy(out->info, &b, sizeof(b));
	return COMPAT_XT;
}

static bool ipv6header_delinearize(struct delin_ctx *c, void *data)
{
	struct ipv6header_data *d = data;
	unsigned n = 0;
	uint8_t type;
	bool present;

	if (from_blob(delin_peek(c), d)) {
		c->pos++;
		return true;
	}
	while (c->pos + n < c->items->n &&
	       item_exthdr6_present(&c->items->v[c->pos + n], &type, &present))
		n++;
	if (n == 0)
		return false;
	if (!from_tests(c, n, d)) {
		/* on a rule someone else wrote, a run of tests that says
		 * nothing as a whole may still start with one soft test */
		if (c->listed || n == 1 || !from_tests(c, 1, d))
			return false;
		n = 1;
	}
	c->pos += n;
	return true;
}

static void flag_names(struct strbuf *out, uint8_t flags)
{
	bool first = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(headers); i++) {
		if (!(flags & headers[i].mask))
			continue;
		sb_printf(out, "%s%s", first ? "" : ",", headers[i].name);
		first = false;
	}
}

static void ipv6header_print(struct strbuf *out, const void *data, const struct rule *r,
			     unsigned fmt)
{
	const struct ipv6header_data *d = data;

	(void)r;
	sb_printf(out, " ipv6header flags:%s", d->inv ? "!" : "");
	if (fmt & FMT_NUMERIC)
		sb_printf(out, "0x%02X", d->flags);
	else
		flag_names(out, d->flags);
	if (d->soft)
		sb_add(out, " soft");
}

static void ipv6header_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct ipv6header_data *d = data;

	(void)r;
	sb_add(out, d->inv ? " ! --header " : " --header ");
	flag_names(out, d->flags);
	if (d->soft)
		sb_add(out, " --soft");
}

const struct extension ext_ipv6header = {
	.name = "ipv6header",
	.kind = EXT_MATCH,
	.families = EXT_IPV6,
	.size = sizeof(struct ipv6header_data),
	.opts = ipv6header_opts,
	.parse = ipv6header_parse,
	.linearize = ipv6header_linearize,
	.compat = ipv6header_compat,
	.xt_only = ipv6header_xt_only,
	.delinearize = ipv6header_delinearize,
	.print = ipv6header_print,
	.save = ipv6header_save,
};
