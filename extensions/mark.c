/* -m mark --mark and -m connmark --mark: the packet's or the connection's
 * mark, under an optional mask.
 *
 *   mark       meta load mark; [bitwise & mask;] cmp eq|neq value
 *   connmark   ct load mark;   [bitwise & mask;] cmp eq|neq value
 *
 * The value is compared as given, even with bits outside the mask, as
 * the reference does. The reference writes -m mark natively in the same
 * layout and -m connmark as an xt blob (read below); --compat does too.
 */
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "xtopt.h"

struct mark_data {
	uint32_t value, mask;
	bool inv;
};

enum { O_MARK };

static const struct ext_opt mark_opts[] = {
	{ .name = "mark", .id = O_MARK, .type = OT_MARKMASK, .flags = OF_INV | OF_MAND,
	  OPT_DST(struct mark_data, value), OPT_INVDST(struct mark_data, inv),
	  .help_arg = "value[/mask]", .help = "mark ANDed with mask equals value" },
	{ .name = NULL },
};

/* ---- kernel form ---- */

static void lin_masked(struct lin_ctx *c, const struct mark_data *d)
{
	if (d->mask != UINT32_MAX)
		lin_bitwise(c, &d->mask, NULL, 4);
	lin_cmp(c, d->inv ? REL_NEQ : REL_EQ, &d->value, 4);
}

static void mark_linearize(struct lin_ctx *c, const void *data)
{
	lin_meta(c, NFT_META_MARK);
	lin_masked(c, data);
}

static void connmark_linearize(struct lin_ctx *c, const void *data)
{
	lin_ct(c, NFT_CT_MARK, -1);
	lin_masked(c, data);
}

/* A relation on a 32-bit mark already known to be the right selector. */
static bool delin_masked(struct delin_ctx *c, struct item *it, struct mark_data *d)
{
	static const uint8_t zero[4];

	if (it->len != 4 || it->concat || (it->op != REL_EQ && it->op != REL_NEQ))
		return false;
	if (it->masked && memcmp(it->xor, zero, 4) != 0)
		return false;
	memcpy(&d->value, it->val, 4);
	d->mask = UINT32_MAX;
	if (it->masked)
		memcpy(&d->mask, it->mask, 4);
	d->inv = it->op == REL_NEQ;
	c->pos++;
	return true;
}

/*
 * The reference's blob for both matches, revision 1
 * (struct xt_mark_mtinfo1, struct xt_connmark_mtinfo1):
 *
 *   0               4               8   9
 *   +---------------+---------------+---+---+---+---+
 *   | mark (u32)    | mask (u32)    |inv|  padding  |
 *   +---------------+---------------+---+---+---+---+
 */
struct mark_blob {
	uint32_t mark, mask;
	uint8_t invert;
};

static enum compat_res connmark_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct mark_data *d = data;
	struct mark_blob b;

	(void)c;
	memset(&b, 0, sizeof(b));
	b.mark = d->value;
	b.mask = d->mask;
	b.invert = d->inv;
	out->rev = 1;
	out->len = XT_ALIGN(sizeof(b));
	memcpy(out->info, &b, sizeof(b));
	return COMPAT_XT;
}

static bool delin_blob(struct delin_ctx *c, const char *name, struct mark_data *d)
{
	const void *p = xt_blob(delin_peek(c), false, name, 1, sizeof(struct mark_blob));
	struct mark_blob b;

	if (!p)
		return false;
	memcpy(&b, p, sizeof(b));
	d->value = b.mark;
	d->mask = b.mask;
	d->inv = b.invert != 0;
	c->pos++;
	return true;
}

static bool mark_delinearize(struct delin_ctx *c, void *data)
{
	struct item *it = delin_peek(c);

	if (item_is_meta(it, NFT_META_MARK))
		return delin_masked(c, it, data);
	return delin_blob(c, "mark", data);
}

static bool connmark_delinearize(struct delin_ctx *c, void *data)
{
	struct item *it = delin_peek(c);

	if (item_is_ct(it, NFT_CT_MARK) && it->sel.dir < 0)
		return delin_masked(c, it, data);
	return delin_blob(c, "connmark", data);
}

/* ---- text ---- */

static void value_text(struct strbuf *out, const struct mark_data *d)
{
	sb_printf(out, " 0x%x", d->value);
	if (d->mask != UINT32_MAX)
		sb_printf(out, "/0x%x", d->mask);
}

static void mark_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct mark_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, d->inv ? " mark match !" : " mark match");
	value_text(out, d);
}

static void connmark_print(struct strbuf *out, const void *data, const struct rule *r,
			   unsigned fmt)
{
	const struct mark_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, d->inv ? " connmark match !" : " connmark match ");
	value_text(out, d);
}

static void mark_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct mark_data *d = data;

	(void)r;
	sb_add(out, d->inv ? " ! --mark" : " --mark");
	value_text(out, d);
}

const struct extension ext_mark = {
	.name = "mark",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct mark_data),
	.opts = mark_opts,
	.linearize = mark_linearize,
	.delinearize = mark_delinearize,
	.print = mark_print,
	.save = mark_save,
};

const struct extension ext_connmark = {
	.name = "connmark",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct mark_data),
	.opts = mark_opts,
	.linearize = connmark_linearize,
	.compat = connmark_compat,
	.delinearize = connmark_delinearize,
	.print = connmark_print,
	.save = mark_save,
};
