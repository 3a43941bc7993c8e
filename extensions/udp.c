/* -m udp: source and destination ports (payload th+0 / th+2). */
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <string.h>

#include "ext.h"
#include "rule.h"
#include "expr.h"
#include "ports.h"
#include "xtopt.h"

struct udp_data {
	struct port_range sport, dport;
};

enum { O_SPORT, O_DPORT };

static const struct ext_opt udp_opts[] = {
	PORT_OPT("source-port", O_SPORT, 0, "source port, or a range of ports"),
	PORT_OPT("sport", O_SPORT, 0, "source port, or a range of ports"),
	PORT_OPT("destination-port", O_DPORT, 0, "destination port, or a range of ports"),
	PORT_OPT("dport", O_DPORT, 0, "destination port, or a range of ports"),
	{ .name = NULL },
};

static int udp_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct udp_data *d = data;
	uint16_t lo, hi;

	/* the reference's newer port reading, reversed ranges and all */
	if (xt_parse_port_range(ctx->err, "udp", id == O_SPORT ? "source-port" : "destination-port",
				arg, &lo, &hi) < 0)
		return -1;
	ports_set(id == O_SPORT ? &d->sport : &d->dport, lo, hi, inv);
	return 0;
}

static int udp_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	(void)seen;
	if (!ctx->rule->has_proto || ctx->rule->proto != 17)
		return err_param(ctx->err, "UDP match requires '-p udp'");
	return 0;
}

static void udp_linearize(struct lin_ctx *c, const void *data)
{
	const struct udp_data *d = data;

	ports_linearize(c, 0, &d->sport);
	ports_linearize(c, 2, &d->dport);
}

/* --compat: as tcp, the blob for a match that tests nothing, else the
 * native port tests. */
static enum compat_res udp_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct udp_data *d = data;
	struct xt_udp b = { 0 };

	if (ports_to_blob(&d->sport, b.spts))
		b.invflags |= XT_UDP_INV_SRCPT;
	if (ports_to_blob(&d->dport, b.dpts))
		b.invflags |= XT_UDP_INV_DSTPT;
	if (!b.invflags && b.spts[0] == 0 && b.spts[1] == 65535 && b.dpts[0] == 0 &&
	    b.dpts[1] == 65535) {
		out->rev = 0;
		out->len = XT_ALIGN(sizeof(b));
		memcpy(out->info, &b, sizeof(b));
		return COMPAT_XT;
	}
	ports_compat_linearize(c, &d->sport, &d->dport);
	return COMPAT_DONE;
}

/* The reference's xt blob, struct xt_udp (10 bytes, ports host order):
 * spts[2], dpts[2] (u16), invflags (1 source, 2 destination), pad. */
static bool udp_from_blob(struct delin_ctx *c, struct udp_data *d, const struct item *it)
{
	const uint8_t *b = xt_blob(it, false, "udp", 0, 9);

	if (!b)
		return false;
	ports_from_blob(&d->sport, b, b[8] & 0x01);
	ports_from_blob(&d->dport, b + 4, b[8] & 0x02);
	c->pos++;
	return true;
}

static bool udp_delinearize(struct delin_ctx *c, void *data)
{
	struct udp_data *d = data;
	bool any = false;
	struct item *it;

	if (!c->rule->has_proto || c->rule->proto != 17)
		return false;
	it = delin_peek(c);
	if (it && it->kind == ITEM_STMT)
		return udp_from_blob(c, d, it);
	while ((it = delin_peek(c)) &&
	       (ports_delinearize(it, 0, &d->sport) || ports_delinearize(it, 2, &d->dport) ||
		ports_pair_delinearize(it, &d->sport, &d->dport))) {
		c->pos++;
		any = true;
	}
	return any;
}

static void udp_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct udp_data *d = data;

	(void)r;
	sb_add(out, " udp");
	ports_print(out, "spt", "spts", &d->sport, "udp", fmt & FMT_NUMERIC);
	ports_print(out, "dpt", "dpts", &d->dport, "udp", fmt & FMT_NUMERIC);
}

static void udp_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct udp_data *d = data;

	(void)r;
	ports_save(out, "sport", &d->sport);
	ports_save(out, "dport", &d->dport);
}

static bool udp_equal(const void *a, const void *b)
{
	const struct udp_data *x = a, *y = b;

	return ports_equal(&x->sport, &y->sport) && ports_equal(&x->dport, &y->dport);
}

static bool udp_merge(void *into, const void *from)
{
	struct udp_data *a = into;
	const struct udp_data *b = from;

	/* an option-less match stays one of its own, as the reference lists it */
	if (!(a->sport.set || a->dport.set) || !(b->sport.set || b->dport.set))
		return false;
	if (!ports_mergeable(&a->sport, &b->sport) || !ports_mergeable(&a->dport, &b->dport))
		return false;
	ports_merge(&a->sport, &b->sport);
	ports_merge(&a->dport, &b->dport);
	return true;
}

const struct extension ext_udp = {
	.name = "udp",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct udp_data),
	.opts = udp_opts,
	.merge_repeats = true,
	.merge = udp_merge,
	.parse = udp_parse,
	.check = udp_check,
	.linearize = udp_linearize,
	.compat = udp_compat,
	.delinearize = udp_delinearize,
	.print = udp_print,
	.save = udp_save,
	.equal = udp_equal,
};
