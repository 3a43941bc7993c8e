/* -j CLASSIFY --set-class MAJOR:MINOR: the packet's traffic control class.
 *
 *   immediate (MAJOR << 16 | MINOR); meta set priority
 *
 * The kernel's xt target only runs on the output side (OUTPUT, FORWARD,
 * POSTROUTING), in any table; check() refuses the other built-in chains
 * as the kernel refuses them to the reference, which writes an xt blob
 * (read below), as --compat does.
 */
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

struct classify_data {
	uint32_t priority;
};

enum { O_SET_CLASS };

static const struct ext_opt classify_opts[] = {
	{ .name = "set-class", .id = O_SET_CLASS, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_MAND | OF_NOINV_XT, .help_arg = "major:minor",
	  .help = "traffic control class (hex) for the packet" },
	{ .name = NULL },
};

/* A hex number as scanf's %x reads it (blanks, sign and 0x allowed),
 * cut to 32 bits; false if there is no digit. */
static bool read_hex(const char *s, uint32_t *out, char **end)
{
	unsigned long v = strtoul(s, end, 16);

	if (*end == s)
		return false;
	*out = (uint32_t)v;
	return true;
}

static int classify_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct classify_data *d = data;
	uint32_t major, minor;
	char *end;

	(void)id;
	(void)inv;
	/* what follows the minor number is ignored, as the reference does */
	if (!read_hex(arg, &major, &end) || *end != ':' || !read_hex(end + 1, &minor, &end))
		return err_param(ctx->err, "Bad class value \"%s\"", arg);
	d->priority = (major << 16) | (minor & 0xffff);
	return 0;
}

static int classify_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	(void)seen;
	if (ctx->chain && (strcmp(ctx->chain, "PREROUTING") == 0 || strcmp(ctx->chain, "INPUT") == 0))
		return xt_err_table(ctx, ctx->chain);
	return 0;
}

static void classify_linearize(struct lin_ctx *c, const void *data)
{
	const struct classify_data *d = data;
	struct nftnl_expr *imm = nftnl_expr_alloc("immediate");
	struct nftnl_expr *set = nftnl_expr_alloc("meta");

	if (!imm || !set)
		out_of_memory();
	nftnl_expr_set_u32(imm, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(imm, NFTNL_EXPR_IMM_DATA, &d->priority, 4);
	lin_add(c, imm);
	nftnl_expr_set_u32(set, NFTNL_EXPR_META_KEY, NFT_META_PRIORITY);
	nftnl_expr_set_u32(set, NFTNL_EXPR_META_SREG, NFT_REG_1);
	lin_add(c, set);
}

/*
 * The reference's blob, revision 0 (struct xt_classify_target_info):
 *
 *   0                               4
 *   +-------------------------------+
 *   | priority (u32): major | minor |
 *   +-------------------------------+
 */
static enum compat_res classify_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct classify_data *d = data;

	(void)c;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(d->priority));
	memcpy(out->info, &d->priority, sizeof(d->priority));
	return COMPAT_XT;
}

static bool classify_delinearize(struct delin_ctx *c, void *data)
{
	struct classify_data *d = data;
	struct item *it = delin_peek(c);
	const struct regval *rv;
	const void *p;

	if (it && it->kind == ITEM_STMT && it->name && strcmp(it->name, "meta") == 0 &&
	    nftnl_expr_get_u32(it->expr, NFTNL_EXPR_META_KEY) == NFT_META_PRIORITY) {
		rv = item_reg_attr(it, NFTNL_EXPR_META_SREG);
		if (!rv || !rv->is_data || rv->masked || rv->len != 4)
			return false;
		memcpy(&d->priority, rv->data, 4);
		c->pos++;
		return true;
	}
	p = xt_blob(it, true, "CLASSIFY", 0, 4);
	if (!p)
		return false;
	memcpy(&d->priority, p, 4);
	c->pos++;
	return true;
}

static void classify_print(struct strbuf *out, const void *data, const struct rule *r,
			   unsigned fmt)
{
	const struct classify_data *d = data;

	(void)r;
	(void)fmt;
	sb_printf(out, " CLASSIFY set %x:%x", d->priority >> 16, d->priority & 0xffff);
}

static void classify_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct classify_data *d = data;

	(void)r;
	sb_printf(out, " --set-class %04x:%04x", d->priority >> 16, d->priority & 0xffff);
}

const struct extension ext_CLASSIFY = {
	.name = "CLASSIFY",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct classify_data),
	.opts = classify_opts,
	.parse = classify_parse,
	.check = classify_check,
	.linearize = classify_linearize,
	.compat = classify_compat,
	.delinearize = classify_delinearize,
	.print = classify_print,
	.save = classify_save,
};
