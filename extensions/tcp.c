/* -m tcp: ports, flags and options of TCP segments.
 *
 *   --sport/--dport   payload th+0/th+2, cmp or range
 *   --tcp-option N    exthdr tcpopt N present; cmp eq 1 (! : eq 0)
 *   --tcp-flags M C   payload th+13; bitwise M; cmp eq C (! : neq)
 */
#include <stdio.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <string.h>
#include <strings.h>

#include "ext.h"
#include "expr.h"
#include "parse.h"
#include "num.h"
#include "ports.h"
#include "xtopt.h"

struct tcp_data {
	struct port_range sport, dport;
	bool has_flags, inv_flags;
	uint8_t flg_mask, flg_cmp;
	bool has_option, inv_option;
	uint8_t option;
};

enum { O_SPORT, O_DPORT, O_SYN, O_FLAGS, O_OPTION };

/* All OT_CUSTOM and OF_MULTI: parse refuses a repeat in the reference's
 * older words ("Only one ... allowed"), and reads ports, flags and option
 * numbers its own way. */
static const struct ext_opt tcp_opts[] = {
	PORT_OPT("source-port", O_SPORT, OF_MULTI, "source port, or a range of ports"),
	PORT_OPT("sport", O_SPORT, OF_MULTI, "source port, or a range of ports"),
	PORT_OPT("destination-port", O_DPORT, OF_MULTI, "destination port, or a range of ports"),
	PORT_OPT("dport", O_DPORT, OF_MULTI, "destination port, or a range of ports"),
	{ .name = "syn", .id = O_SYN, .type = OT_CUSTOM, .flags = OF_INV | OF_MULTI,
	  OPT_INVDST(struct tcp_data, inv_flags),
	  .help = "a connection's first packet (SYN, no ACK/RST/FIN)" },
	{ .name = "tcp-flags", .id = O_FLAGS, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV | OF_MULTI | OF_TWO_ARGS, OPT_INVDST(struct tcp_data, inv_flags),
	  .help_arg = "mask comp", .help = "of the flags in mask, just those in comp are set" },
	{ .name = "tcp-option", .id = O_OPTION, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV | OF_MULTI, OPT_INVDST(struct tcp_data, inv_option),
	  .help_arg = "number", .help = "the header carries TCP option number" },
	{ .name = NULL },
};

static const struct {
	const char *name;
	uint8_t bit;
} tcp_flag_names[] = {
	{ "FIN", 0x01 }, { "SYN", 0x02 }, { "RST", 0x04 }, { "PSH", 0x08 },
	{ "ACK", 0x10 }, { "URG", 0x20 }, { "ALL", 0x3f }, { "NONE", 0 },
};

static int parse_flags(const char *s, uint8_t *out, struct ipt_error *err)
{
	char buf[256], *tok, *save = NULL;
	size_t i;

	*out = 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(tcp_flag_names); i++)
			if (strcasecmp(tok, tcp_flag_names[i].name) == 0)
				break;
		if (i == ARRAY_SIZE(tcp_flag_names))
			return err_param(err, "Unknown TCP flag `%s'", tok);
		*out |= tcp_flag_names[i].bit;
	}
	return 0;
}

/* tcp reads its ports the older way: "a", "a:b", ":b", "a:", a > b refused */
static int tcp_ports(struct parse_ctx *ctx, struct port_range *pr, const char *arg, bool inv)
{
	uint16_t lo, hi;

	if (parse_port_range(arg, "tcp", &lo, &hi, ctx->err) < 0)
		return -1;
	ports_set(pr, lo, hi, inv);
	return 0;
}

static int tcp_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct tcp_data *d = data;
	uint64_t n;

	switch (id) {
	case O_SPORT:
		if (ctx->seen & (1u << O_SPORT))
			return err_param(ctx->err, "Only one `--source-port' allowed");
		return tcp_ports(ctx, &d->sport, arg, inv);
	case O_DPORT:
		if (ctx->seen & (1u << O_DPORT))
			return err_param(ctx->err, "Only one `--destination-port' allowed");
		return tcp_ports(ctx, &d->dport, arg, inv);
	case O_SYN:
		if (ctx->seen & (1u << O_SYN | 1u << O_FLAGS))
			return err_param(ctx->err, "Only one of `--syn' or `--tcp-flags'  allowed");
		d->has_flags = true;
		d->flg_mask = 0x17;
		d->flg_cmp = 0x02;
		return 0;
	case O_FLAGS:
		if (ctx->seen & (1u << O_SYN | 1u << O_FLAGS))
			return err_param(ctx->err, "Only one of `--syn' or `--tcp-flags'  allowed");
		if (parse_flags(arg, &d->flg_mask, ctx->err) < 0 ||
		    parse_flags(ctx->arg2, &d->flg_cmp, ctx->err) < 0)
			return -1;
		/* an empty mask tests nothing: the reference keeps no trace */
		d->has_flags = d->flg_mask != 0 || inv;
		return 0;
	case O_OPTION:
		if (d->has_option)
			return err_param(ctx->err, "Only one `--tcp-option' allowed");
		if (!num_uint(arg, 1, UINT8_MAX, &n))
			return err_param(ctx->err, "Bad TCP option \"%s\"", arg);
		d->has_option = true;
		d->option = (uint8_t)n;
		return 0;
	}
	return 0;
}

static int tcp_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	(void)seen;
	if (!ctx->rule->has_proto || ctx->rule->proto != 6)
		return err_param(ctx->err, "TCP match requires '-p tcp'");
	return 0;
}

static void tcp_linearize(struct lin_ctx *c, const void *data)
{
	const struct tcp_data *d = data;

	ports_linearize(c, 0, &d->sport);
	ports_linearize(c, 2, &d->dport);
	if (d->has_option) {
		uint8_t v = d->inv_option ? 0 : 1;

		lin_exthdr_tcpopt_present(c, d->option);
		lin_cmp(c, REL_EQ, &v, 1);
	}
	if (d->has_flags) {
		lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1);
		lin_bitwise(c, &d->flg_mask, NULL, 1);
		lin_cmp(c, d->inv_flags ? REL_NEQ : REL_EQ, &d->flg_cmp, 1);
	}
}

static bool tcp_claim(struct tcp_data *d, const struct item *it)
{
	if (ports_delinearize(it, 0, &d->sport) || ports_delinearize(it, 2, &d->dport) ||
	    ports_pair_delinearize(it, &d->sport, &d->dport))
		return true;
	if (!d->has_flags && it->kind == ITEM_REL && it->sel.kind == SEL_PAYLOAD &&
	    it->sel.base == NFT_PAYLOAD_TRANSPORT_HEADER && it->sel.offset == 13 &&
	    it->sel.len == 1 && it->masked && it->len == 1 &&
	    (it->op == REL_EQ || it->op == REL_NEQ)) {
		d->has_flags = true;
		d->flg_mask = it->mask[0];
		d->flg_cmp = it->val[0];
		d->inv_flags = it->op == REL_NEQ;
		return true;
	}
	if (!d->has_option && it->kind == ITEM_REL && it->sel.kind == SEL_EXTHDR &&
	    it->sel.base == NFT_EXTHDR_OP_TCPOPT && (it->sel.flags & NFT_EXTHDR_F_PRESENT) &&
	    it->op == REL_EQ && it->len == 1) {
		d->has_option = true;
		d->option = (uint8_t)it->sel.key;
		d->inv_option = it->val[0] == 0;
		return true;
	}
	return false;
}

/* The reference's xt blob, struct xt_tcp (12 bytes, ports host order):
 *
 *   +-----------+-----------+--------+----------+---------+----------+
 *   | spts[2]   | dpts[2]   | option | flg_mask | flg_cmp | invflags |
 *   | u16 lo,hi | u16 lo,hi |        |          |         | 1 spt 2 dpt
 *   |           |           |        |          |         | 4 flags 8 opt
 *   +-----------+-----------+--------+----------+---------+----------+
 */
static bool tcp_from_blob(struct delin_ctx *c, struct tcp_data *d, const struct item *it)
{
	const uint8_t *b = xt_blob(it, false, "tcp", 0, 12);

	if (!b)
		return false;
	ports_from_blob(&d->sport, b, b[11] & 0x01);
	ports_from_blob(&d->dport, b + 4, b[11] & 0x02);
	d->option = b[8];
	d->has_option = b[8] != 0;
	d->inv_option = b[11] & 0x08;
	d->flg_mask = b[9];
	d->flg_cmp = b[10];
	d->inv_flags = b[11] & 0x04;
	d->has_flags = b[9] != 0 || d->inv_flags;
	c->pos++;
	return true;
}

/* --compat: the reference writes the blob when an option is tested or
 * when the match tests nothing at all (no option given), else native
 * tests of flags, source and destination port, in that order, of what
 * does test something. */
static enum compat_res tcp_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	static const struct xt_tcp none = { .spts = { 0, 65535 }, .dpts = { 0, 65535 } };
	const struct tcp_data *d = data;
	struct xt_tcp b = { 0 };

	if (ports_to_blob(&d->sport, b.spts))
		b.invflags |= XT_TCP_INV_SRCPT;
	if (ports_to_blob(&d->dport, b.dpts))
		b.invflags |= XT_TCP_INV_DSTPT;
	if (d->has_option) {
		b.option = d->option;
		b.invflags |= d->inv_option ? XT_TCP_INV_OPTION : 0;
	}
	b.flg_mask = d->flg_mask;
	b.flg_cmp = d->flg_cmp;
	b.invflags |= d->inv_flags ? XT_TCP_INV_FLAGS : 0;
	if (b.option || memcmp(&b, &none, sizeof(b)) == 0) {
		out->rev = 0;
		out->len = XT_ALIGN(sizeof(b));
		memcpy(out->info, &b, sizeof(b));
		return COMPAT_XT;
	}
	if (b.flg_mask) {
		lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1);
		lin_bitwise(c, &b.flg_mask, NULL, 1);
		lin_cmp(c, d->inv_flags ? REL_NEQ : REL_EQ, &b.flg_cmp, 1);
	}
	ports_compat_linearize(c, &d->sport, &d->dport);
	return COMPAT_DONE;
}

static bool tcp_delinearize(struct delin_ctx *c, void *data)
{
	struct tcp_data *d = data;
	bool any = false;
	struct item *it;

	if (!c->rule->has_proto || c->rule->proto != 6)
		return false;
	it = delin_peek(c);
	if (it && it->kind == ITEM_STMT)
		return tcp_from_blob(c, d, it);
	while ((it = delin_peek(c)) && tcp_claim(d, it)) {
		c->pos++;
		any = true;
	}
	return any;
}

static bool tcp_tests(const struct tcp_data *d)
{
	return d->sport.set || d->dport.set || d->has_flags || d->has_option;
}

static bool tcp_merge(void *into, const void *from)
{
	struct tcp_data *a = into;
	const struct tcp_data *b = from;

	/* an option-less match stays one of its own, as the reference lists it */
	if (!tcp_tests(a) || !tcp_tests(b))
		return false;
	if (!ports_mergeable(&a->sport, &b->sport) || !ports_mergeable(&a->dport, &b->dport))
		return false;
	if (a->has_flags && b->has_flags &&
	    (a->flg_mask != b->flg_mask || a->flg_cmp != b->flg_cmp || a->inv_flags != b->inv_flags))
		return false;
	if (a->has_option && b->has_option &&
	    (a->option != b->option || a->inv_option != b->inv_option))
		return false;
	ports_merge(&a->sport, &b->sport);
	ports_merge(&a->dport, &b->dport);
	if (!a->has_flags && b->has_flags) {
		a->has_flags = true;
		a->inv_flags = b->inv_flags;
		a->flg_mask = b->flg_mask;
		a->flg_cmp = b->flg_cmp;
	}
	if (!a->has_option && b->has_option) {
		a->has_option = true;
		a->inv_option = b->inv_option;
		a->option = b->option;
	}
	return true;
}

static void flags_text(struct strbuf *out, uint8_t flags)
{
	bool first = true;
	size_t i;

	if (!flags) {
		sb_add(out, "NONE");
		return;
	}
	for (i = 0; i < 6; i++) {
		if (!(flags & tcp_flag_names[i].bit))
			continue;
		if (!first)
			sb_addc(out, ',');
		sb_add(out, tcp_flag_names[i].name);
		first = false;
	}
}

static void tcp_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct tcp_data *d = data;
	bool numeric = fmt & FMT_NUMERIC;

	(void)r;
	sb_add(out, " tcp");
	ports_print(out, "spt", "spts", &d->sport, "tcp", numeric);
	ports_print(out, "dpt", "dpts", &d->dport, "tcp", numeric);
	if (d->has_option)
		sb_printf(out, " option=%s%u", d->inv_option ? "!" : "", d->option);
	if (d->has_flags) {
		sb_printf(out, " flags:%s", d->inv_flags ? "!" : "");
		if (numeric) {
			sb_printf(out, "0x%02X/0x%02X", d->flg_mask, d->flg_cmp);
		} else {
			flags_text(out, d->flg_mask);
			sb_addc(out, '/');
			flags_text(out, d->flg_cmp);
		}
	}
}

static void tcp_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct tcp_data *d = data;

	(void)r;
	ports_save(out, "sport", &d->sport);
	ports_save(out, "dport", &d->dport);
	if (d->has_option)
		sb_printf(out, "%s --tcp-option %u", d->inv_option ? " !" : "", d->option);
	if (d->has_flags) {
		sb_printf(out, "%s --tcp-flags ", d->inv_flags ? " !" : "");
		flags_text(out, d->flg_mask);
		sb_addc(out, ' ');
		flags_text(out, d->flg_cmp);
	}
}

static bool tcp_equal(const void *a, const void *b)
{
	const struct tcp_data *x = a, *y = b;

	return ports_equal(&x->sport, &y->sport) && ports_equal(&x->dport, &y->dport) &&
	       x->has_flags == y->has_flags &&
	       (!x->has_flags || (x->inv_flags == y->inv_flags && x->flg_mask == y->flg_mask &&
				  x->flg_cmp == y->flg_cmp)) &&
	       x->has_option == y->has_option &&
	       (!x->has_option || (x->inv_option == y->inv_option && x->option == y->option));
}

const struct extension ext_tcp = {
	.name = "tcp",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct tcp_data),
	.opts = tcp_opts,
	.merge_repeats = true,
	.merge = tcp_merge,
	.parse = tcp_parse,
	.check = tcp_check,
	.linearize = tcp_linearize,
	.compat = tcp_compat,
	.delinearize = tcp_delinearize,
	.print = tcp_print,
	.save = tcp_save,
	.equal = tcp_equal,
};
