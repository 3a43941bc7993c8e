/* -m pkttype --pkt-type TYPE: how the link layer addressed the packet.
 *
 *   meta load pkttype; cmp eq|neq TYPE (1 byte)
 *
 * The reference writes an xt blob instead (metamatch.h), read too.
 */
#include <linux/netfilter/nf_tables.h>

#include "ext.h"
#include "metamatch.h"

struct pkttype_data {
	uint8_t type;
	bool inv;
};

static const struct meta_match pkttype_mm = { NFT_META_PKTTYPE, 1, "pkttype" };

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

	mm_linearize(c, &pkttype_mm, d->type, d->inv);
}

static enum compat_res pkttype_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct pkttype_data *d = data;

	(void)c;
	return mm_compat(out, d->type, d->inv);
}

static bool pkttype_delinearize(struct delin_ctx *c, void *data)
{
	struct pkttype_data *d = data;
	uint32_t type;

	if (!mm_delinearize(c, &pkttype_mm, &type, &d->inv))
		return false;
	d->type = (uint8_t)type;
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
