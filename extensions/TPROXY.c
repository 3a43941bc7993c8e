/* -j TPROXY: hand the packet to a local transparent socket without
 * changing it (xt_TPROXY).
 *
 *   --on-port port          the port to look a listener up on (0: the
 *                           packet's own destination port)
 *   --on-ip address         the address to look it up on (default: the
 *                           address of the interface the packet came in on)
 *   --tproxy-mark v[/m]     mark = (mark & ~m) ^ v, once a socket is found
 *
 * iptnft writes the reference's own xt blob, revision 1, in both write
 * modes. The tproxy expression of nf_tables is not the same target: when
 * no transparent socket is found it ends the rule and lets the packet go
 * on to the next one, where xt_TPROXY drops it, and its mark would be a
 * separate statement that runs only on success anyway.
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_TPROXY.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "num.h"
#include "tgutil.h"
#include "xtopt.h"

#define TPROXY_REV 1

/*
 * The blob, struct xt_tproxy_target_info_v1 (revision 1, both families):
 *
 *   0           4            8                   24      26     32
 *   +-----------+------------+-------------------+-------+------+
 *   | mark_mask | mark_value | laddr (16 bytes)  | lport | pad  |
 *   +-----------+------------+-------------------+-------+------+
 *   marks in host order, lport in network order; an IPv4 address fills
 *   the first 4 bytes of laddr. Revision 0 (IPv4 only, struct
 *   xt_tproxy_target_info) has a 4-byte laddr: mask, value, laddr,
 *   lport in 16 bytes.
 */
struct tproxy_data {
	uint32_t mark_value, mark_mask;	/* as OT_MARKMASK stores them */
	union nf_inet_addr laddr;
	uint16_t lport;			/* network order */
};

enum { O_ON_PORT, O_ON_IP, O_MARK };

static const struct ext_opt tproxy_opts[] = {
	/* a service name or a number cut to 16 bits: parse's */
	{ .name = "on-port", .id = O_ON_PORT, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT | OF_MAND, .help_arg = "port",
	  .help = "port of the listener to use (0: the packet's own)" },
	/* a host name or address of the rule's family: parse's */
	{ .name = "on-ip", .id = O_ON_IP, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "address",
	  .help = "its address (default: the incoming interface's)" },
	{ .name = "tproxy-mark", .id = O_MARK, .type = OT_MARKMASK, .flags = OF_NOINV_XT,
	  OPT_DST(struct tproxy_data, mark_value), .help_arg = "value[/mask]",
	  .help = "once handed over, mark = (mark & ~mask) ^ value" },
	{ .name = NULL },
};

static int tproxy_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct tproxy_data *d = data;
	uint16_t port;

	(void)inv;
	if (id == O_ON_IP)
		return xt_parse_host(ctx->err, ctx->rule->family, arg, &d->laddr);
	if (!num_service_port(arg, &port))
		return err_param(ctx->err, "Port \"%s\" does not resolve to anything.\n", arg);
	d->lport = htons(port);
	return 0;
}

/* The kernel checks the table, the chain and the protocol itself. */
static void tproxy_linearize(struct lin_ctx *c, const void *data)
{
	const struct tproxy_data *d = data;
	struct xt_tproxy_target_info_v1 info = { 0 };
	uint8_t blob[(sizeof(info) + 7) & ~(size_t)7] = { 0 };

	info.mark_mask = d->mark_mask;
	info.mark_value = d->mark_value;
	info.laddr = d->laddr;
	info.lport = d->lport;
	memcpy(blob, &info, sizeof(info));
	lin_xt(c, true, "TPROXY", TPROXY_REV, blob, sizeof(blob));
}

static bool tproxy_delinearize(struct delin_ctx *c, void *data)
{
	struct tproxy_data *d = data;
	struct item *it = delin_peek(c);
	struct xt_tproxy_target_info_v1 v1;
	struct xt_tproxy_target_info v0;
	const void *p;

	if ((p = tg_xt_blob(it, "TPROXY", TPROXY_REV, sizeof(v1)))) {
		memcpy(&v1, p, sizeof(v1));
		d->mark_mask = v1.mark_mask;
		d->mark_value = v1.mark_value;
		d->laddr = v1.laddr;
		d->lport = v1.lport;
	} else if (c->family == NFPROTO_IPV4 &&
		   (p = tg_xt_blob(it, "TPROXY", 0, sizeof(v0)))) {
		memcpy(&v0, p, sizeof(v0));
		d->mark_mask = v0.mark_mask;
		d->mark_value = v0.mark_value;
		d->laddr.ip = v0.laddr;
		d->lport = v0.lport;
	} else {
		return false;
	}
	c->pos++;
	return true;
}

static void tproxy_print(struct strbuf *out, const void *data, const struct rule *r,
			 unsigned fmt)
{
	const struct tproxy_data *d = data;

	(void)fmt;
	sb_add(out, " TPROXY redirect ");
	xt_addr_text(out, &d->laddr, r->family);
	sb_printf(out, ":%u mark 0x%x/0x%x", ntohs(d->lport), d->mark_value, d->mark_mask);
}

static void tproxy_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct tproxy_data *d = data;

	sb_printf(out, " --on-port %u --on-ip ", ntohs(d->lport));
	xt_addr_text(out, &d->laddr, r->family);
	sb_printf(out, " --tproxy-mark 0x%x/0x%x", d->mark_value, d->mark_mask);
}

const struct extension ext_TPROXY = {
	.name = "TPROXY",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct tproxy_data),
	.opts = tproxy_opts,
	.parse = tproxy_parse,
	/* the reference writes the same blob: no compat of its own */
	.linearize = tproxy_linearize,
	.delinearize = tproxy_delinearize,
	.print = tproxy_print,
	.save = tproxy_save,
};
