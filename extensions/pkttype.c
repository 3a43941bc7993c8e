/* -m pkttype --pkt-type TYPE: how the link layer addressed the packet.
 *
 *   meta load pkttype; cmp eq|neq TYPE (1 byte)
 *
 * The reference writes an xt blob instead, read below.
 */
#include <linux/netfilter/nf_tables.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "ext.h"
#include "xtopt.h"

struct pkttype_data {
	uint8_t type;
	bool inv;
};

/* The kernel's PACKET_* numbers; the first name of a number is printed. */
static const struct {
	const char *name;
	uint8_t type;
} pkttype_names[] = {
	{ "unicast", 0 },
	{ "broadcast", 1 },
	{ "multicast", 2 },
	{ "otherhost", 3 },
	{ "host", 0 },
};

enum { O_PKTTYPE };

static const struct ext_opt pkttype_opts[] = {
	{ .name = "pkt-type", .id = O_PKTTYPE, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV | OF_MAND, OPT_INVDST(struct pkttype_data, inv), .help_arg = "type",
	  .help = "class of link-layer destination, e.g. broadcast" },
	{ .name = NULL },
};

static int pkttype_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct pkttype_data *d = data;
	size_t i;

	(void)id;
	(void)inv;
	for (i = 0; i < ARRAY_SIZE(pkttype_names); i++) {
		if (strcasecmp(arg, pkttype_names[i].name) == 0) {
			d->type = pkttype_names[i].type;
			return 0;
		}
	}
	return err_param(ctx->err, "Bad packet type '%s'", arg);
}

static void pkttype_linearize(struct lin_ctx *c, const void *data)
{
	const struct pkttype_data *d = data;

	lin_meta(c, NFT_META_PKTTYPE);
	lin_cmp(c, d->inv ? REL_NEQ : REL_EQ, &d->type, 1);
}

/*
 * The reference's blob, revision 0 (struct xt_pkttype_info):
 *
 *   0               4               8
 *   +---------------+---------------+
 *   | pkttype (int) | invert (int)  |
 *   +---------------+---------------+
 */
struct pkttype_blob {
	int32_t pkttype, invert;
};

static enum compat_res pkttype_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct pkttype_data *d = data;
	struct pkttype_blob b = { .pkttype = d->type, .invert = d->inv };

	(void)c;
	out->rev = 0;
	out->len = sizeof(b);
	memcpy(out->info, &b, sizeof(b));
	return COMPAT_XT;
}

static bool pkttype_delinearize(struct delin_ctx *c, void *data)
{
	struct pkttype_data *d = data;
	struct item *it = delin_peek(c);
	const void *p;

	if (item_is_meta(it, NFT_META_PKTTYPE) && !it->masked && it->len == 1 &&
	    (it->op == REL_EQ || it->op == REL_NEQ)) {
		d->type = it->val[0];
		d->inv = it->op == REL_NEQ;
		c->pos++;
		return true;
	}
	p = xt_blob(it, false, "pkttype", 0, sizeof(struct pkttype_blob));
	if (p) {
		struct pkttype_blob b;

		memcpy(&b, p, sizeof(b));
		if (b.pkttype < 0 || b.pkttype > 255)
			return false;
		d->type = (uint8_t)b.pkttype;
		d->inv = b.invert != 0;
		c->pos++;
		return true;
	}
	return false;
}

static void type_text(struct strbuf *out, uint8_t type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pkttype_names); i++) {
		if (pkttype_names[i].type == type) {
			sb_add(out, pkttype_names[i].name);
			return;
		}
	}
	sb_printf(out, "%u", type);
}

static void pkttype_print(struct strbuf *out, const void *data, const struct rule *r,
			  unsigned fmt)
{
	const struct pkttype_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, d->inv ? " PKTTYPE != " : " PKTTYPE = ");
	type_text(out, d->type);
}

static void pkttype_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct pkttype_data *d = data;

	(void)r;
	sb_add(out, d->inv ? " ! --pkt-type " : " --pkt-type ");
	type_text(out, d->type);
}

const struct extension ext_pkttype = {
	.name = "pkttype",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct pkttype_data),
	.opts = pkttype_opts,
	.parse = pkttype_parse,
	.linearize = pkttype_linearize,
	.compat = pkttype_compat,
	.delinearize = pkttype_delinearize,
	.print = pkttype_print,
	.save = pkttype_save,
};
