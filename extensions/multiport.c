/* -m multiport: up to 15 ports or ranges, source or destination.
 *
 *   --sports/--dports  payload th+0/th+2; lookup in an anonymous set of
 *                      inet_service (interval set when a range is given)
 *
 * The set holds the ports sorted; a list given out of order reads back
 * sorted. --ports (source or destination) has no single native lookup:
 * such a rule holds the reference's blob, as --compat writes every form.
 */
#include <arpa/inet.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_multiport.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aset.h"
#include "op.h"
#include "ext.h"
#include "expr.h"
#include "parse.h"
#include "ports.h"
#include "xtopt.h"

#define MULTIPORT_MAX 15
#define TYPE_INET_SERVICE 13	/* nft's data type for ports */

struct multiport_data {
	bool either;		/* --ports: written as the reference's blob */
	bool dest;		/* --dports, else --sports */
	bool inv;
	unsigned n;
	uint16_t lo[MULTIPORT_MAX], hi[MULTIPORT_MAX];
};

enum { O_SPORTS, O_DPORTS, O_PORTS };

/* The lists are parse's: port names, ranges, the protocol checked as
 * each option is read and the options' conflict in its own words. */
#define PORTS_OPT(name_, id_, text)                                              \
	{ .name = name_, .id = id_, .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV, \
	  OPT_INVDST(struct multiport_data, inv), .help_arg = "port[:port][,...]",     \
	  .help = text }

static const struct ext_opt multiport_opts[] = {
	PORTS_OPT("source-ports", O_SPORTS, "source port in this list of ports and ranges"),
	PORTS_OPT("sports", O_SPORTS, "source port in this list of ports and ranges"),
	PORTS_OPT("destination-ports", O_DPORTS, "destination port in this list of ports and ranges"),
	PORTS_OPT("dports", O_DPORTS, "destination port in this list of ports and ranges"),
	PORTS_OPT("ports", O_PORTS, "source or destination port in the list"),
	{ .name = NULL },
};

static bool proto_has_ports(uint16_t proto)
{
	return proto == 6 || proto == 17 || proto == 136 || proto == 132 || proto == 33;
}

static const char *proto_for_names(const struct rule *r)
{
	const char *name = r->has_proto ? proto_name(r->proto, r->family) : NULL;

	return name ? name : "tcp";
}

/* "p,q:r,..." into d; an empty item is a port named "", as with the
 * reference, and a range must go up. */
static int parse_list(struct parse_ctx *ctx, struct multiport_data *d, char *list,
		      const char *proto)
{
	char *item = list, *comma, *colon;
	unsigned slots = 0;
	uint16_t lo, hi;

	for (;;) {
		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		colon = strchr(item, ':');
		if (colon)
			*colon = '\0';
		if (parse_port(item, proto, &lo, ctx->err) < 0)
			return -1;
		hi = lo;
		if (colon && parse_port(colon + 1, proto, &hi, ctx->err) < 0)
			return -1;
		if (colon && lo >= hi)
			return err_param(ctx->err, "invalid portrange specified");
		slots += colon ? 2 : 1;
		if (slots > MULTIPORT_MAX || d->n == MULTIPORT_MAX)
			return err_param(ctx->err, "too many ports specified");
		d->lo[d->n] = lo;
		d->hi[d->n] = hi;
		d->n++;
		if (!comma)
			return 0;
		item = comma + 1;
	}
}

static int multiport_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct multiport_data *d = data;
	const char *proto = proto_for_names(ctx->rule);
	char *copy;
	int ret;

	/* the reference checks the protocol as each option is read: before
	 * a second option, and before a -p that comes later */
	if (!ctx->rule->has_proto || ctx->rule->proto == 0)
		return err_param(ctx->err,
				 "multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'");
	if (!proto_has_ports(ctx->rule->proto) || (ctx->rule->inv & INV_PROTO))
		return err_param(ctx->err, "multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP");
	if (d->n)
		return err_param(ctx->err,
				 "multiport: option \"--%s\" cannot be used together with \"--%s\".\n",
				 id == O_SPORTS ? "source-ports" : "destination-ports",
				 d->dest ? "destination-ports" : "source-ports");
	d->either = id == O_PORTS;
	d->dest = id == O_DPORTS;
	(void)inv;
	copy = xstrdup(arg);
	ret = parse_list(ctx, d, copy, proto);
	free(copy);
	return ret;
}

static int multiport_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;

	if (!seen)
		return err_param(ctx->err, "multiport expection an option");
	if (!ctx->rule->has_proto || ctx->rule->proto == 0)
		return err_param(ctx->err,
				 "multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'");
	if (!proto_has_ports(ctx->rule->proto) || (ctx->rule->inv & INV_PROTO))
		return err_param(ctx->err, "multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP");
	return 0;
}

static bool multiport_xt_only(const void *data, const struct rule *r)
{
	const struct multiport_data *d = data;

	(void)r;
	return d->either;
}

static void multiport_linearize(struct lin_ctx *c, const void *data)
{
	const struct multiport_data *d = data;
	bool interval = false;
	struct aset *s;
	unsigned i;

	if (d->either)
		return;	/* the blob's: see multiport_xt_only */

	for (i = 0; i < d->n; i++)
		if (d->lo[i] != d->hi[i])
			interval = true;
	lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, d->dest ? 2 : 0, 2);
	if (d->n == 1) {
		/* one port or range needs no set: nft writes "dport { 22 }"
		 * as "dport 22" too */
		uint16_t lo = htons(d->lo[0]), hi = htons(d->hi[0]);

		if (lo == hi)
			lin_cmp(c, d->inv ? REL_NEQ : REL_EQ, &lo, 2);
		else
			lin_range(c, d->inv, &lo, &hi, 2);
		return;
	}
	s = lin_lookup_anon(c, TYPE_INET_SERVICE, 2, interval, d->inv);
	for (i = 0; i < d->n; i++) {
		uint16_t lo = htons(d->lo[i]), hi = htons(d->hi[i]);

		aset_add_elem(s, &lo, &hi);
	}
}

/* The reference's xt blob, struct xt_multiport_v1 (48 bytes):
 *
 *   +-------+-------+---------------------+-----------------+--------+
 *   | flags | count | ports[15] (u16, host| pflags[15]      | invert |
 *   | 0 src | n     | order; a range is   | 1: this port    |        |
 *   | 1 dst |       | ports[i]..ports[i+1])| starts a range  |        |
 *   | 2 any |       |                     |                 |        |
 *   +-------+-------+---------------------+-----------------+--------+
 */
static bool multiport_from_blob(struct delin_ctx *c, struct multiport_data *d,
				const struct item *it)
{
	const uint8_t *b = xt_blob(it, false, "multiport", 1, 48);
	unsigned i, count;

	if (!b || b[0] > 2 || b[1] > MULTIPORT_MAX)
		return false;
	d->either = b[0] == 2;
	d->dest = b[0] == 1;
	d->inv = b[47] != 0;
	count = b[1];
	for (i = 0; i < count; i++) {
		uint16_t lo, hi;

		memcpy(&lo, b + 2 + 2 * i, 2);
		hi = lo;
		if (b[32 + i] && i + 1 < count) {
			memcpy(&hi, b + 2 + 2 * (i + 1), 2);
			i++;
		}
		d->lo[d->n] = lo;
		d->hi[d->n] = hi;
		d->n++;
	}
	c->pos++;
	return true;
}

/* --compat: the reference always writes the revision 1 blob, the ports
 * in the order given. */
static enum compat_res multiport_compat(struct lin_ctx *c, const void *data,
					struct xt_out *out)
{
	const struct multiport_data *d = data;
	struct xt_multiport_v1 info;
	unsigned i, n = 0;

	(void)c;
	memset(&info, 0, sizeof(info));
	info.flags = d->either ? XT_MULTIPORT_EITHER :
		     d->dest ? XT_MULTIPORT_DESTINATION : XT_MULTIPORT_SOURCE;
	info.invert = d->inv;
	for (i = 0; i < d->n && n < XT_MULTI_PORTS; i++) {
		info.ports[n++] = d->lo[i];
		if (d->lo[i] != d->hi[i] && n < XT_MULTI_PORTS) {
			info.pflags[n - 1] = 1;
			info.ports[n++] = d->hi[i];
		}
	}
	info.count = (uint8_t)n;
	out->rev = 1;
	out->len = XT_ALIGN(sizeof(info));
	memcpy(out->info, &info, sizeof(info));
	return COMPAT_XT;
}

static bool multiport_delinearize(struct delin_ctx *c, void *data)
{
	struct multiport_data *d = data;
	struct item *it = delin_peek(c);
	const struct aset *s;
	unsigned i;

	if (it && it->kind == ITEM_STMT)
		return multiport_from_blob(c, d, it);
	/* one port or range, in a rule whose userdata says it is ours (else
	 * it is tcp's or udp's --dport) */
	if (c->listed && it && it->kind == ITEM_REL && !it->masked && it->len == 2 &&
	    (it->op == REL_EQ || it->op == REL_NEQ || it->op == REL_RANGE ||
	     it->op == REL_NRANGE) && c->rule->has_proto && proto_has_ports(c->rule->proto) &&
	    (item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2) ||
	     item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2))) {
		uint16_t lo, hi;

		memcpy(&lo, it->val, 2);
		memcpy(&hi, it->op == REL_RANGE || it->op == REL_NRANGE ? it->hi : it->val, 2);
		d->dest = it->sel.offset == 2;
		d->inv = it->op == REL_NEQ || it->op == REL_NRANGE;
		d->n = 1;
		d->lo[0] = ntohs(lo);
		d->hi[0] = ntohs(hi);
		c->pos++;
		return true;
	}

	if (!it || it->kind != ITEM_REL || (it->op != REL_LOOKUP && it->op != REL_NLOOKUP))
		return false;
	if (!item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2) &&
	    !item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2))
		return false;
	if (it->masked || !c->rule->has_proto || !proto_has_ports(c->rule->proto))
		return false;
	s = delin_set(c, it);
	if (!s || s->key_len != 2 || s->n == 0 || s->n > MULTIPORT_MAX)
		return false;
	d->dest = it->sel.offset == 2;
	d->inv = it->op == REL_NLOOKUP;
	d->n = s->n;
	for (i = 0; i < s->n; i++) {
		uint16_t lo, hi;

		memcpy(&lo, s->v[i].lo, 2);
		memcpy(&hi, s->v[i].hi, 2);
		d->lo[i] = ntohs(lo);
		d->hi[i] = ntohs(hi);
	}
	c->pos++;
	return true;
}

static void port_list(struct strbuf *out, const struct multiport_data *d, const char *proto,
		      bool numeric)
{
	unsigned i;

	for (i = 0; i < d->n; i++) {
		if (i)
			sb_addc(out, ',');
		port_text(out, d->lo[i], proto, numeric);
		if (d->hi[i] != d->lo[i]) {
			sb_addc(out, ':');
			port_text(out, d->hi[i], proto, numeric);
		}
	}
}

static void multiport_print(struct strbuf *out, const void *data, const struct rule *r,
			    unsigned fmt)
{
	const struct multiport_data *d = data;

	sb_printf(out, " multiport %s %s", d->either ? "ports" : d->dest ? "dports" : "sports",
		  d->inv ? " !" : "");
	port_list(out, d, proto_for_names(r), fmt & FMT_NUMERIC);
}

static void multiport_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct multiport_data *d = data;

	(void)r;
	sb_printf(out, "%s --%s ", d->inv ? " !" : "",
		  d->either ? "ports" : d->dest ? "dports" : "sports");
	port_list(out, d, "tcp", true);
}

const struct extension ext_multiport = {
	.name = "multiport",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct multiport_data),
	.opts = multiport_opts,
	.parse = multiport_parse,
	.check = multiport_check,
	.linearize = multiport_linearize,
	.compat = multiport_compat,
	.xt_only = multiport_xt_only,
	.delinearize = multiport_delinearize,
	.print = multiport_print,
	.save = multiport_save,
};
