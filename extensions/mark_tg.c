/* -j MARK and -j CONNMARK: set the packet's or the connection's mark.
 *
 * Every option comes down to new = (old & ~mask) ^ value:
 *
 *   MARK      mask all ones:  immediate value; meta set mark
 *             otherwise:      meta load mark; bitwise (& ~mask) ^ value;
 *                             meta set mark
 *   CONNMARK  the same with ct load mark / ct set mark, and
 *             --save-mark     meta load mark; [bitwise & nfmask;] ct set mark
 *             --restore-mark  ct load mark; [bitwise & ctmask;] meta set mark
 *
 * nf_tables cannot combine two registers, so --save-mark with a ctmask
 * and --restore-mark with an nfmask other than all ones have no native
 * form; such a rule holds the reference's blob. The reference writes
 * both targets as xt blobs, read below, and so does --compat.
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

/* The reference's modes (XT_CONNMARK_SET ...). */
enum connmark_mode { CM_SET, CM_SAVE, CM_RESTORE };

struct xmark_data {
	uint32_t value, mask;		/* MARK; CONNMARK ctmark, ctmask */
	uint32_t nfmask;		/* CONNMARK */
	uint8_t mode;			/* CONNMARK */
	/* CONNMARK: the rule holds an nfmask; one written with native
	 * expressions under --set-* has none to read back */
	uint8_t nfmask_known;
};

enum {
	O_SET_XMARK, O_SET_MARK, O_AND_MARK, O_OR_MARK, O_XOR_MARK,
	O_SAVE_MARK, O_RESTORE_MARK, O_CTMASK, O_NFMASK, O_MASK,
};

#define SET_OPS (1 << O_SET_XMARK | 1 << O_SET_MARK | 1 << O_AND_MARK | 1 << O_OR_MARK | \
		 1 << O_XOR_MARK)
#define ALL_OPS (SET_OPS | 1 << O_SAVE_MARK | 1 << O_RESTORE_MARK)
#define MASKS (1 << O_CTMASK | 1 << O_NFMASK)

/* Each operation excludes the others; ops are those of the target. */
#define XMARK_OPS(ops, what) \
	{ .name = "set-xmark", .id = O_SET_XMARK, .type = OT_MARKMASK, .flags = OF_NOINV_XT, \
	  OPT_DST(struct xmark_data, value), .excl = (ops) & ~(1 << O_SET_XMARK), \
	  .help_arg = "value[/mask]", .help = what " = (" what " & ~mask) ^ value" }, \
	{ .name = "set-mark", .id = O_SET_MARK, .has_arg = true, .flags = OF_NOINV_XT, \
	  .excl = (ops) & ~(1 << O_SET_MARK), \
	  .help_arg = "value[/mask]", .help = what " = (" what " & ~mask) | value" }, \
	{ .name = "and-mark", .id = O_AND_MARK, .has_arg = true, .flags = OF_NOINV_XT, \
	  .excl = (ops) & ~(1 << O_AND_MARK), \
	  .help_arg = "bits", .help = what " = " what " & bits" }, \
	{ .name = "or-mark", .id = O_OR_MARK, .has_arg = true, .flags = OF_NOINV_XT, \
	  .excl = (ops) & ~(1 << O_OR_MARK), \
	  .help_arg = "bits", .help = what " = " what " | bits" }, \
	{ .name = "xor-mark", .id = O_XOR_MARK, .has_arg = true, .flags = OF_NOINV_XT, \
	  .excl = (ops) & ~(1 << O_XOR_MARK), \
	  .help_arg = "bits", .help = what " = " what " ^ bits" }

static const struct ext_opt mark_target_opts[] = {
	XMARK_OPS(SET_OPS, "mark"),
	{ .name = NULL },
};

static const struct ext_opt connmark_target_opts[] = {
	XMARK_OPS(ALL_OPS, "ctmark"),
	{ .name = "save-mark", .id = O_SAVE_MARK, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct xmark_data, mode), .max = CM_SAVE,
	  .excl = ALL_OPS & ~(1 << O_SAVE_MARK),
	  .help = "copy the packet mark to the connection mark" },
	{ .name = "restore-mark", .id = O_RESTORE_MARK, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct xmark_data, mode), .max = CM_RESTORE,
	  .excl = ALL_OPS & ~(1 << O_RESTORE_MARK),
	  .help = "copy the connection mark to the packet mark" },
	{ .name = "ctmask", .id = O_CTMASK, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct xmark_data, mask),
	  .help_arg = "mask", .help = "save/restore: connection mark bits involved" },
	{ .name = "nfmask", .id = O_NFMASK, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct xmark_data, nfmask),
	  .help_arg = "mask", .help = "save/restore: packet mark bits involved" },
	{ .name = "mask", .id = O_MASK, .has_arg = true, .flags = OF_NOINV_XT,
	  .help_arg = "mask", .help = "sets --ctmask and --nfmask to the same mask" },
	{ .name = NULL },
};

/* What no type reads: the updates computed from a number (or from a
 * value/mask), each at once, as a later --ctmask or --mask changes what
 * an earlier one set; and --mask, which sets both masks. */
static int xmark_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	const char *ext = ctx->ext->name, *opt = ctx->ext->opts[id].name;
	struct xmark_data *d = data;
	uint64_t n;
	uint32_t v, m;

	(void)inv;
	if (id == O_SET_MARK) {
		if (xt_parse_markmask(ctx->err, ext, opt, arg, &v, &m) < 0)
			return -1;
		d->value = v;
		d->mask = m | v;
		return 0;
	}
	if (xt_parse_uint(ctx->err, ext, opt, arg, 0, UINT32_MAX, &n) < 0)
		return -1;
	v = (uint32_t)n;
	switch (id) {
	case O_AND_MARK:
		d->value = 0;
		d->mask = ~v;
		break;
	case O_OR_MARK:
		d->value = d->mask = v;
		break;
	case O_XOR_MARK:
		d->value = v;
		d->mask = 0;
		break;
	default:	/* O_MASK */
		d->mask = d->nfmask = v;
		break;
	}
	return 0;
}

/* Masks start all ones; the options may lower them. */
static void connmark_target_init(void *data, uint8_t family)
{
	struct xmark_data *d = data;

	(void)family;
	d->mask = d->nfmask = UINT32_MAX;
	d->nfmask_known = 1;
}

/* ---- writing ---- */

static void lin_imm32(struct lin_ctx *c, uint32_t v)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (!e)
		out_of_memory();
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, &v, 4);
	lin_add(c, e);
}

static void lin_set_from_reg1(struct lin_ctx *c, bool ct)
{
	struct nftnl_expr *e = nftnl_expr_alloc(ct ? "ct" : "meta");

	if (!e)
		out_of_memory();
	if (ct) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_MARK);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CT_SREG, NFT_REG_1);
	} else {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_MARK);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG_1);
	}
	lin_add(c, e);
}

static void lin_load_mark(struct lin_ctx *c, bool ct)
{
	if (ct)
		lin_ct(c, NFT_CT_MARK, -1);
	else
		lin_meta(c, NFT_META_MARK);
}

/* mark (ct or meta) = (mark & ~mask) ^ value */
static void lin_xmark(struct lin_ctx *c, bool ct, uint32_t value, uint32_t mask)
{
	if (mask == UINT32_MAX) {
		lin_imm32(c, value);
	} else {
		uint32_t keep = ~mask;

		lin_load_mark(c, ct);
		lin_bitwise(c, &keep, &value, 4);
	}
	lin_set_from_reg1(c, ct);
}

/* one mark (from) copied into the other, under mask */
static void lin_copy_mark(struct lin_ctx *c, bool from_ct, uint32_t mask)
{
	lin_load_mark(c, from_ct);
	if (mask != UINT32_MAX)
		lin_bitwise(c, &mask, NULL, 4);
	lin_set_from_reg1(c, !from_ct);
}

/* ---- reading ---- */

/* A `meta set mark` (ct false) or `ct set mark` statement at it, and
 * what its source register held. */
static const struct regval *mark_set_source(const struct item *it, bool ct)
{
	const struct nftnl_expr *e;

	if (!it || it->kind != ITEM_STMT || !it->name)
		return NULL;
	e = it->expr;
	if (ct) {
		if (strcmp(it->name, "ct") != 0 ||
		    nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY) != NFT_CT_MARK ||
		    nftnl_expr_is_set(e, NFTNL_EXPR_CT_DIR))
			return NULL;
		return item_reg_attr(it, NFTNL_EXPR_CT_SREG);
	}
	if (strcmp(it->name, "meta") != 0 ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY) != NFT_META_MARK)
		return NULL;
	return item_reg_attr(it, NFTNL_EXPR_META_SREG);
}

static bool is_mark_sel(const struct regval *rv, bool ct)
{
	if (rv->is_data || rv->concat || rv->len != 4)
		return false;
	if (ct)
		return rv->sel.kind == SEL_CT && rv->sel.key == NFT_CT_MARK && rv->sel.dir < 0;
	return rv->sel.kind == SEL_META && rv->sel.key == NFT_META_MARK;
}

/* value and mask of new = (old & ~mask) ^ value, old from the same mark */
static bool delin_xmark(const struct regval *rv, bool ct, uint32_t *value, uint32_t *mask)
{
	uint32_t keep;

	if (rv->is_data) {
		if (rv->len != 4 || rv->masked)
			return false;
		memcpy(value, rv->data, 4);
		*mask = UINT32_MAX;
		return true;
	}
	if (!is_mark_sel(rv, ct))
		return false;
	if (!rv->masked) {
		*value = *mask = 0;
		return true;
	}
	memcpy(&keep, rv->mask, 4);
	memcpy(value, rv->xor, 4);
	*mask = ~keep;
	return true;
}

/* the mask of a copy from the other mark, which must not add bits */
static bool delin_copy(const struct regval *rv, bool from_ct, uint32_t *mask)
{
	static const uint8_t zero[4];

	if (!is_mark_sel(rv, from_ct))
		return false;
	if (!rv->masked) {
		*mask = UINT32_MAX;
		return true;
	}
	if (memcmp(rv->xor, zero, 4) != 0)
		return false;
	memcpy(mask, rv->mask, 4);
	return true;
}

/* ---- -j MARK ---- */

static int mark_target_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!seen)
		return err_param(ctx->err, "MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required");
	return 0;
}

static void mark_target_linearize(struct lin_ctx *c, const void *data)
{
	const struct xmark_data *d = data;

	lin_xmark(c, false, d->value, d->mask);
}

/*
 * The reference's blob, revision 2 (struct xt_mark_tginfo2):
 *
 *   0               4               8
 *   +---------------+---------------+
 *   | mark (u32)    | mask (u32)    |   new = (old & ~mask) ^ mark
 *   +---------------+---------------+
 */
static enum compat_res mark_target_compat(struct lin_ctx *c, const void *data,
					  struct xt_out *out)
{
	const struct xmark_data *d = data;

	(void)c;
	out->rev = 2;
	out->len = XT_ALIGN(8);
	memcpy(out->info, &d->value, 4);
	memcpy(out->info + 4, &d->mask, 4);
	return COMPAT_XT;
}

static bool mark_target_delinearize(struct delin_ctx *c, void *data)
{
	struct xmark_data *d = data;
	struct item *it = delin_peek(c);
	const struct regval *rv = mark_set_source(it, false);
	const void *p;

	if (rv) {
		if (!delin_xmark(rv, false, &d->value, &d->mask))
			return false;
		c->pos++;
		return true;
	}
	p = xt_blob(it, true, "MARK", 2, 8);
	if (!p)
		return false;
	memcpy(&d->value, p, 4);
	memcpy(&d->mask, (const uint8_t *)p + 4, 4);
	c->pos++;
	return true;
}

static void mark_target_print(struct strbuf *out, const void *data, const struct rule *r,
			      unsigned fmt)
{
	const struct xmark_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, " MARK");
	xt_xmark_text(out, d->value, d->mask);
}

static void mark_target_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xmark_data *d = data;

	(void)r;
	sb_printf(out, " --set-xmark 0x%x/0x%x", d->value, d->mask);
}

const struct extension ext_MARK = {
	.name = "MARK",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct xmark_data),
	.opts = mark_target_opts,
	.parse = xmark_parse,
	.check = mark_target_check,
	.linearize = mark_target_linearize,
	.compat = mark_target_compat,
	.delinearize = mark_target_delinearize,
	.print = mark_target_print,
	.save = mark_target_save,
};

/* ---- -j CONNMARK ---- */

static int connmark_target_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!(seen & ALL_OPS))
		return err_param(ctx->err, "CONNMARK target: No operation specified");
	/* after that message, as the reference checks */
	if ((seen & (1 << O_MASK)) && (seen & MASKS))
		return xt_err_conflict(ctx->err, "CONNMARK", seen & (1 << O_CTMASK) ? "ctmask" : "nfmask",
				       "mask");
	return 0;
}

/* Keeping part of the old mark while copying the other needs both marks
 * in one computation, which nf_tables cannot do. */
static bool connmark_target_xt_only(const void *data, const struct rule *r)
{
	const struct xmark_data *d = data;

	(void)r;
	return (d->mode == CM_SAVE && d->mask != UINT32_MAX) ||
	       (d->mode == CM_RESTORE && d->nfmask != UINT32_MAX);
}

static void connmark_target_linearize(struct lin_ctx *c, const void *data)
{
	const struct xmark_data *d = data;

	switch (d->mode) {
	case CM_SET:
		lin_xmark(c, true, d->value, d->mask);
		break;
	case CM_SAVE:
		lin_copy_mark(c, false, d->nfmask);
		break;
	case CM_RESTORE:
		lin_copy_mark(c, true, d->mask);
		break;
	}
}

/*
 * The reference's blobs, revision 1 (struct xt_connmark_tginfo1) and 2
 * (struct xt_connmark_tginfo2, which can also shift the mark; a shift
 * has no -S form here and is not read):
 *
 *   0           4           8           12     13     14     15
 *   +-----------+-----------+-----------+------+------+------+
 *   | ctmark    | ctmask    | nfmask    | mode |            rev 1
 *   +-----------+-----------+-----------+------+------+------+
 *   | ctmark    | ctmask    | nfmask    | dir  | bits | mode | rev 2
 *   +-----------+-----------+-----------+------+------+------+
 */
/* Always revision 2, with no shift, as the reference writes it. */
static enum compat_res connmark_target_compat(struct lin_ctx *c, const void *data,
					      struct xt_out *out)
{
	const struct xmark_data *d = data;

	(void)c;
	out->rev = 2;
	out->len = XT_ALIGN(15);
	memcpy(out->info, &d->value, 4);
	memcpy(out->info + 4, &d->mask, 4);
	memcpy(out->info + 8, &d->nfmask, 4);
	out->info[14] = d->mode;
	return COMPAT_XT;
}

static bool connmark_blob(const struct item *it, struct xmark_data *d)
{
	const uint8_t *p = xt_blob(it, true, "CONNMARK", 2, 15);
	uint8_t mode;

	if (p) {
		if (p[13] != 0)
			return false;
		mode = p[14];
	} else {
		p = xt_blob(it, true, "CONNMARK", 1, 13);
		if (!p)
			return false;
		mode = p[12];
	}
	if (mode > CM_RESTORE)
		return false;
	memcpy(&d->value, p, 4);
	memcpy(&d->mask, p + 4, 4);
	memcpy(&d->nfmask, p + 8, 4);
	d->mode = mode;
	d->nfmask_known = 1;
	return true;
}

static bool connmark_target_delinearize(struct delin_ctx *c, void *data)
{
	struct xmark_data *d = data;
	struct item *it = delin_peek(c);
	const struct regval *rv;

	d->mask = d->nfmask = UINT32_MAX;
	d->nfmask_known = 0;
	rv = mark_set_source(it, true);
	if (rv) {
		if (delin_xmark(rv, true, &d->value, &d->mask))
			d->mode = CM_SET;
		else if (delin_copy(rv, false, &d->nfmask))
			d->mode = CM_SAVE;
		else
			return false;
		c->pos++;
		return true;
	}
	rv = mark_set_source(it, false);
	if (rv) {
		if (!delin_copy(rv, true, &d->mask))
			return false;
		d->mode = CM_RESTORE;
		c->pos++;
		return true;
	}
	if (!connmark_blob(it, d))
		return false;
	c->pos++;
	return true;
}

/* --set-mark 1 --mask 3 (nfmask 3) sets what --set-xmark 1/3 (nfmask all
 * ones) sets; the reference's -C, comparing blobs, tells them apart, and
 * so does this where both rules hold an nfmask. A --set-* rule written
 * natively holds none (the packet mark is not touched): it is then the
 * same as any rule setting the same bits of the connection mark. */
static bool connmark_target_equal(const void *a, const void *b)
{
	const struct xmark_data *x = a, *y = b;

	if (x->mode != y->mode || x->value != y->value || x->mask != y->mask)
		return false;
	if (x->mode == CM_SET && !(x->nfmask_known && y->nfmask_known))
		return true;
	return x->nfmask == y->nfmask;
}

static void connmark_target_print(struct strbuf *out, const void *data, const struct rule *r,
				  unsigned fmt)
{
	const struct xmark_data *d = data;
	bool save = d->mode == CM_SAVE;

	(void)r;
	(void)fmt;
	sb_add(out, " CONNMARK");
	if (d->mode == CM_SET) {
		xt_xmark_text(out, d->value, d->mask);
		return;
	}
	sb_add(out, save ? " save" : " restore");
	if (d->mask == UINT32_MAX && d->nfmask == UINT32_MAX)
		return;
	if (d->mask == d->nfmask)
		sb_printf(out, " mask 0x%x", d->mask);
	else if (save)
		sb_printf(out, " nfmask 0x%x ctmask ~0x%x", d->nfmask, d->mask);
	else
		sb_printf(out, " ctmask 0x%x nfmask ~0x%x", d->mask, d->nfmask);
}

static void connmark_target_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xmark_data *d = data;

	(void)r;
	if (d->mode == CM_SET)
		sb_printf(out, " --set-xmark 0x%x/0x%x", d->value, d->mask);
	else
		sb_printf(out, " --%s-mark --nfmask 0x%x --ctmask 0x%x",
			  d->mode == CM_SAVE ? "save" : "restore", d->nfmask, d->mask);
}

const struct extension ext_CONNMARK = {
	.name = "CONNMARK",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct xmark_data),
	.opts = connmark_target_opts,
	.init = connmark_target_init,
	.parse = xmark_parse,
	.check = connmark_target_check,
	.linearize = connmark_target_linearize,
	.compat = connmark_target_compat,
	.xt_only = connmark_target_xt_only,
	.equal = connmark_target_equal,
	.delinearize = connmark_target_delinearize,
	.print = connmark_target_print,
	.save = connmark_target_save,
};
