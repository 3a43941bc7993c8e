/* -m cpu --cpu N: the CPU handling the packet.
 *
 *   meta load cpu; cmp eq|neq N
 *
 * as nft writes `meta cpu N`. The reference writes an xt blob (revision
 * 0, struct xt_cpu_info: u32 cpu, u32 invert), read below; --compat
 * writes it too.
 */
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

struct cpu_data {
	uint32_t cpu;
	bool inv;
};

static const struct ext_opt cpu_opts[] = {
	{ .name = "cpu", .type = OT_UINT, .flags = OF_INV | OF_MAND,
	  OPT_DST(struct cpu_data, cpu), OPT_INVDST(struct cpu_data, inv),
	  .help_arg = "number", .help = "the CPU the packet is handled on" },
	{ .name = NULL },
};

static void cpu_linearize(struct lin_ctx *c, const void *data)
{
	const struct cpu_data *d = data;

	lin_meta(c, NFT_META_CPU);
	lin_cmp(c, d->inv ? REL_NEQ : REL_EQ, &d->cpu, 4);
}

static enum compat_res cpu_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct cpu_data *d = data;
	uint32_t blob[2] = { d->cpu, d->inv };

	(void)c;
	out->rev = 0;
	out->len = sizeof(blob);
	memcpy(out->info, blob, sizeof(blob));
	return COMPAT_XT;
}

static bool cpu_delinearize(struct delin_ctx *c, void *data)
{
	struct cpu_data *d = data;
	struct item *it = delin_peek(c);
	uint32_t blob[2];
	const void *p;

	if (item_is_meta(it, NFT_META_CPU) && !it->masked && it->len == 4 &&
	    (it->op == REL_EQ || it->op == REL_NEQ)) {
		memcpy(&d->cpu, it->val, 4);
		d->inv = it->op == REL_NEQ;
	} else if ((p = xt_blob(it, false, "cpu", 0, sizeof(blob)))) {
		memcpy(blob, p, sizeof(blob));
		d->cpu = blob[0];
		d->inv = blob[1] != 0;
	} else {
		return false;
	}
	c->pos++;
	return true;
}

static void cpu_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct cpu_data *d = data;

	(void)r;
	(void)fmt;
	sb_printf(out, " cpu %s%u", d->inv ? "! " : "", d->cpu);
}

static void cpu_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct cpu_data *d = data;

	(void)r;
	sb_printf(out, "%s --cpu %u", d->inv ? " !" : "", d->cpu);
}

const struct extension ext_cpu = {
	.name = "cpu",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct cpu_data),
	.opts = cpu_opts,
	.linearize = cpu_linearize,
	.compat = cpu_compat,
	.delinearize = cpu_delinearize,
	.print = cpu_print,
	.save = cpu_save,
};
