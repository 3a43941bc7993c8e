/* -m cpu --cpu N: the CPU handling the packet.
 *
 *   meta load cpu; cmp eq|neq N
 *
 * as nft writes `meta cpu N`. The reference writes an xt blob
 * (metamatch.h), read too; --compat writes it too.
 */
#include <linux/netfilter/nf_tables.h>

#include "ext.h"
#include "metamatch.h"
#include "util.h"

struct cpu_data {
	uint32_t cpu;
	bool inv;
};

static const struct meta_match cpu_mm = { NFT_META_CPU, 4, "cpu" };

static const struct ext_opt cpu_opts[] = {
	{ .name = "cpu", .type = OT_UINT, .flags = OF_INV | OF_MAND,
	  OPT_DST(struct cpu_data, cpu), OPT_INVDST(struct cpu_data, inv),
	  .help_arg = "number", .help = "the CPU the packet is handled on" },
	{ .name = NULL },
};

static void cpu_linearize(struct lin_ctx *c, const void *data)
{
	const struct cpu_data *d = data;

	mm_linearize(c, &cpu_mm, d->cpu, d->inv);
}

static enum compat_res cpu_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct cpu_data *d = data;

	(void)c;
	return mm_compat(out, d->cpu, d->inv);
}

static bool cpu_delinearize(struct delin_ctx *c, void *data)
{
	struct cpu_data *d = data;

	return mm_delinearize(c, &cpu_mm, &d->cpu, &d->inv);
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
