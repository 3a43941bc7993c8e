/* -m ipvs: whether the packet belongs to a connection of IPVS, the
 * kernel's load balancer, and which virtual service it reached.
 *
 * Only xt_ipvs reads IPVS' connection table: the rule holds the
 * reference's xt match in both write modes, revision 0, struct
 * xt_ipvs_mtinfo (40 bytes): vaddr and vmask (16 bytes each), vport,
 * l4proto, fwd_method, vportctl, then one byte of '!' bits and one of
 * the options given (every option sets XT_IPVS_IPVS_PROPERTY too).
 * --vdir REPLY is kept as the direction's '!' bit. A kernel built
 * without IPVS has no such module: loading the extension warns as the
 * reference does, and the kernel refuses the rule.
 */
#include <arpa/inet.h>
#include <linux/ip_vs.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_ipvs.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "ext.h"
#include "num.h"
#include "parse.h"
#include "util.h"
#include "xtopt.h"

enum { O_IPVS, O_PROTO, O_VADDR, O_VPORT, O_DIR, O_METHOD, O_VPORTCTL };

struct ipvs_data {
	struct xt_ipvs_mtinfo info;
};

/* the option ids in the order of the info's bits, from O_IPVS */
#define IPVS_BIT(id) (1u << (id))

static const struct ext_opt ipvs_opts[] = {
	{ .name = "ipvs", .id = O_IPVS, .type = OT_CUSTOM, .flags = OF_INV,
	  .help = "the packet belongs to an IPVS connection" },
	{ .name = "vproto", .id = O_PROTO, .type = OT_CUSTOM, .flags = OF_INV, .has_arg = true,
	  .help_arg = "protocol", .help = "the virtual service's protocol" },
	{ .name = "vaddr", .id = O_VADDR, .type = OT_CUSTOM, .flags = OF_INV, .has_arg = true,
	  .help_arg = "address[/mask]", .help = "the virtual service's address" },
	{ .name = "vport", .id = O_VPORT, .type = OT_CUSTOM, .flags = OF_INV, .has_arg = true,
	  .help_arg = "port", .help = "the virtual service's port" },
	{ .name = "vdir", .id = O_DIR, .type = OT_CUSTOM, .flags = OF_NOINV_XT, .has_arg = true,
	  .help_arg = "ORIGINAL|REPLY", .help = "the direction of the packet in its flow" },
	{ .name = "vmethod", .id = O_METHOD, .type = OT_CUSTOM, .flags = OF_INV, .has_arg = true,
	  .help_arg = "GATE|IPIP|MASQ", .help = "how IPVS forwards the connection" },
	{ .name = "vportctl", .id = O_VPORTCTL, .type = OT_CUSTOM, .flags = OF_INV,
	  .has_arg = true, .help_arg = "port",
	  .help = "the port of the controlling connection" },
	{ .name = NULL },
};

static const struct ext_sym ipvs_methods[] = {
	{ "GATE", IP_VS_CONN_F_DROUTE },
	{ "IPIP", IP_VS_CONN_F_TUNNEL },
	{ "MASQ", IP_VS_CONN_F_MASQ },
	{ NULL, 0 },
};

static int ipvs_port(struct parse_ctx *ctx, const char *arg, __be16 *port)
{
	uint16_t p;

	if (!num_service_port(arg, &p))
		return err_param(ctx->err, "Port \"%s\" does not resolve to anything.\n", arg);
	*port = htons(p);
	return 0;
}

static int ipvs_parse_value(struct parse_ctx *ctx, struct xt_ipvs_mtinfo *info, int id,
			    const char *arg)
{
	uint16_t proto;
	uint32_t method;

	switch (id) {
	case O_PROTO:
		if (parse_protocol(arg, &proto, ctx->err) < 0)
			return -1;
		info->l4proto = (uint8_t)proto;
		return 0;
	case O_VADDR:
		return xt_parse_hostmask(ctx->err, "ipvs", "vaddr", arg, ctx->rule->family,
					 (uint8_t *)info->vaddr.all, (uint8_t *)info->vmask.all);
	case O_VPORT:
		return ipvs_port(ctx, arg, &info->vport);
	case O_VPORTCTL:
		return ipvs_port(ctx, arg, &info->vportctl);
	case O_DIR:
		if (strcasecmp(arg, "ORIGINAL") == 0)
			return 0;
		if (strcasecmp(arg, "REPLY") == 0) {
			info->invert |= XT_IPVS_DIR;
			return 0;
		}
		break;
	case O_METHOD:
		if (ext_sym_find(ipvs_methods, arg, strlen(arg), true, &method)) {
			info->fwd_method = (uint8_t)method;
			return 0;
		}
		break;
	}
	return err_param(ctx->err, "ipvs: Bad value for \"--%s\" option: \"%s\"",
			 id == O_DIR ? "vdir" : "vmethod", arg);
}

static int ipvs_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_ipvs_mtinfo *info = &((struct ipvs_data *)data)->info;

	if (id != O_IPVS && ipvs_parse_value(ctx, info, id, arg) < 0)
		return -1;
	info->bitmask |= XT_IPVS_IPVS_PROPERTY | IPVS_BIT(id);
	if (inv)
		info->invert |= IPVS_BIT(id);
	return 0;
}

static int ipvs_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	const struct xt_ipvs_mtinfo *info = &((struct ipvs_data *)data)->info;

	if (!seen)
		return err_param(ctx->err, "IPVS: At least one option is required");
	if ((info->invert & XT_IPVS_IPVS_PROPERTY) && info->bitmask != XT_IPVS_IPVS_PROPERTY)
		return err_param(ctx->err, "! --ipvs cannot be together with other options");
	return 0;
}

static void ipvs_linearize(struct lin_ctx *c, const void *data)
{
	const struct ipvs_data *d = data;

	lin_xt(c, false, "ipvs", 0, &d->info, sizeof(d->info));
}

static bool ipvs_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_ipvs_mtinfo *info = &((struct ipvs_data *)data)->info;
	const void *blob = xt_blob(delin_peek(c), false, "ipvs", 0, sizeof(*info));

	if (!blob)
		return false;
	memcpy(info, blob, sizeof(*info));
	if ((info->bitmask | info->invert) & ~XT_IPVS_MASK)
		return false;
	c->pos++;
	return true;
}

static const char *ipvs_method_name(uint8_t method)
{
	const char *name = ext_sym_name(ipvs_methods, method);

	return name ? name : "UNKNOWN";
}

/* -L (prefix "") and save (prefix "--") say the same */
static void ipvs_text(struct strbuf *out, const struct xt_ipvs_mtinfo *info, uint8_t family,
		      bool numeric, const char *prefix)
{
	unsigned bits = info->bitmask, inv = info->invert;

#define IPVS_NOT(bit) ((inv & (bit)) ? " !" : "")
	if (bits == XT_IPVS_IPVS_PROPERTY)
		sb_printf(out, "%s %sipvs", IPVS_NOT(XT_IPVS_IPVS_PROPERTY), prefix);
	if (bits & XT_IPVS_PROTO)
		sb_printf(out, "%s %svproto %u", IPVS_NOT(XT_IPVS_PROTO), prefix, info->l4proto);
	if (bits & XT_IPVS_VADDR) {
		sb_printf(out, "%s %svaddr ", IPVS_NOT(XT_IPVS_VADDR), prefix);
		if (numeric)
			xt_addr_text(out, &info->vaddr, family);
		else
			xt_addr_name(out, (const uint8_t *)info->vaddr.all, family);
		xt_mask_suffix(out, (const uint8_t *)info->vmask.all, family);
	}
	if (bits & XT_IPVS_VPORT)
		sb_printf(out, "%s %svport %u", IPVS_NOT(XT_IPVS_VPORT), prefix, ntohs(info->vport));
	if (bits & XT_IPVS_DIR)
		sb_printf(out, " %svdir %s", prefix, inv & XT_IPVS_DIR ? "REPLY" : "ORIGINAL");
	if (bits & XT_IPVS_METHOD)
		sb_printf(out, "%s %svmethod %s", IPVS_NOT(XT_IPVS_METHOD), prefix,
			  ipvs_method_name(info->fwd_method));
	if (bits & XT_IPVS_VPORTCTL)
		sb_printf(out, "%s %svportctl %u", IPVS_NOT(XT_IPVS_VPORTCTL), prefix,
			  ntohs(info->vportctl));
#undef IPVS_NOT
}

static void ipvs_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	ipvs_text(out, &((const struct ipvs_data *)data)->info, r->family, fmt & FMT_NUMERIC, "");
}

static void ipvs_save(struct strbuf *out, const void *data, const struct rule *r)
{
	ipvs_text(out, &((const struct ipvs_data *)data)->info, r->family, true, "--");
}

const struct extension ext_ipvs = {
	.name = "ipvs",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct ipvs_data),
	.opts = ipvs_opts,
	.probe_xt = true,
	.parse = ipvs_parse,
	.check = ipvs_check,
	.linearize = ipvs_linearize,
	.delinearize = ipvs_delinearize,
	.print = ipvs_print,
	.save = ipvs_save,
};
