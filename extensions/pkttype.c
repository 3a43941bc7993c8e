/* -m pkttype --pkt-type TYPE: how the link layer addressed the packet.
 *
 *   meta load pkttype; cmp eq|neq TYPE (1 byte)
 *
 * The reference writes an xt blob instead, revision 0 (struct
 * xt_pkttype_info): the type and the '!', an int each; read below.
 */
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "xtopt.h"

struct pkttype_data {
	uint8_t type;
	bool inv;
};

struct pkttype_blob {
	int32_t pkttype, invert;
};

/* The kernel's PACKET_* numbers; the first name of a number is printed. */
static const struct ext_sym pkttype_names[] = {
	{ "unicast", 0 }, { "broadcast", 1 }, { "multicast", 2 }, { "otherhost", 3 },
	{ "host", 0 }, { NULL, 0 },
};

static const struct ext_opt pkttype_opts[] = {
	{ .name = "pkt-type", .type = OT_ENUM, .flags = OF_INV | OF_MAND | OF_NOCASE,
	  .syms = pkttype_names, .bad = "Bad packet type '%s'",
	  OPT_DST(struct pkttype_data, type), OPT_INVDST(struct pkttype_data, inv),
	  .help_arg = "type", .help = "class of link-layer destination, e.g. broadcast" },
	{ .name = NULL },
};

static void pkttype_linearize(struct lin_ctx *c, const void *data)
{
	const struct pkttype_data *d = data;

	lin_meta(c, NFT_META_PKTTYPE);
	lin_cmp(c, d->inv ? REL_NEQ : REL_EQ, &d->type, 1);
}

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
	struct pkttype_blob b;

	if (item_is_meta(it, NFT_META_PKTTYPE) && !it->masked && it->len == 1 &&
	    (it->op == REL_EQ || it->op == REL_NEQ)) {
		b.pkttype = it->val[0];
		b.invert = it->op == REL_NEQ;
	} else if (!delin_xt_match(c, "pkttype", 0, &b, sizeof(b)) || b.pkttype < 0 ||
		   b.pkttype > 255) {
		return false;
	}
	d->type = (uint8_t)b.pkttype;
	d->inv = b.invert != 0;
	c->pos++;
	return true;
}

static void pkttype_print(struct strbuf *out, const void *data, const struct rule *r,
			  unsigned fmt)
{
	const struct pkttype_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, d->inv ? " PKTTYPE != " : " PKTTYPE = ");
	ext_sym_text(out, pkttype_names, d->type);
}

static void pkttype_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct pkttype_data *d = data;

	(void)r;
	sb_add(out, d->inv ? " ! --pkt-type " : " --pkt-type ");
	ext_sym_text(out, pkttype_names, d->type);
}

const struct extension ext_pkttype = {
	.name = "pkttype",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct pkttype_data),
	.opts = pkttype_opts,
	.linearize = pkttype_linearize,
	.compat = pkttype_compat,
	.delinearize = pkttype_delinearize,
	.print = pkttype_print,
	.save = pkttype_save,
};
