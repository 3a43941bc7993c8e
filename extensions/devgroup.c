/* -m devgroup [!] --src-group G[/M] [!] --dst-group G[/M]: the group
 * (ip link set DEV group G) of the device the packet came in on or goes
 * out of, under an optional mask. Names come from /etc/iproute2/group.
 *
 *   meta load iifgroup|oifgroup; [bitwise & M;] cmp eq|neq G
 *
 * as nft writes `meta iifgroup & 0xf == 0x2`. The xt match compares the
 * masked bits only, so a group with bits outside its mask, which the
 * reference lists as given, is written as its xt blob (revision 0,
 * struct xt_devgroup_info); so is a rule in a built-in chain whose hook
 * has no such device (--src-group after routing out, --dst-group
 * before routing in), for the kernel to refuse as it refuses the
 * reference's. --compat writes the blob always.
 */
#include <string.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_devgroup.h>

#include "expr.h"
#include "ext.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define GROUP_FILE "/etc/iproute2/group"

struct devgroup_data {
	struct xt_devgroup_info info;
};

enum { O_SRC, O_DST };

static const struct ext_opt devgroup_opts[] = {
	{ .name = "src-group", .id = O_SRC, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV, .help_arg = "group[/mask]",
	  .help = "group of the device the packet came in on" },
	{ .name = "dst-group", .id = O_DST, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV, .help_arg = "group[/mask]",
	  .help = "group of the device the packet goes out of" },
	{ .name = NULL },
};

static int devgroup_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_devgroup_info *i = &((struct devgroup_data *)data)->info;

	if (id == O_SRC) {
		if (xt_parse_named_valmask(ctx->err, "devgroup", "src-group", arg, GROUP_FILE,
					   &i->src_group, &i->src_mask) < 0)
			return -1;
		i->flags |= XT_DEVGROUP_MATCH_SRC | (inv ? XT_DEVGROUP_INVERT_SRC : 0);
	} else {
		if (xt_parse_named_valmask(ctx->err, "devgroup", "dst-group", arg, GROUP_FILE,
					   &i->dst_group, &i->dst_mask) < 0)
			return -1;
		i->flags |= XT_DEVGROUP_MATCH_DST | (inv ? XT_DEVGROUP_INVERT_DST : 0);
	}
	return 0;
}

static int devgroup_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!seen)
		return err_param(ctx->err, "devgroup match: You must specify either '--src-group' or '--dst-group'");
	return 0;
}

/* Whether the native form says what the blob says, here. */
static bool devgroup_native(const struct lin_ctx *c, const struct xt_devgroup_info *i)
{
	unsigned hooks = TG_ANY_HOOK;

	if (i->flags & XT_DEVGROUP_MATCH_SRC) {
		hooks &= TG_PRE | TG_IN | TG_FWD;
		if (i->src_group & ~i->src_mask)
			return false;
	}
	if (i->flags & XT_DEVGROUP_MATCH_DST) {
		hooks &= TG_FWD | TG_OUT | TG_POST;
		if (i->dst_group & ~i->dst_mask)
			return false;
	}
	return !tg_misplaced(c, NULL, hooks);
}

static void lin_group(struct lin_ctx *c, uint32_t key, uint32_t g, uint32_t mask, bool inv)
{
	lin_meta(c, key);
	if (mask != UINT32_MAX)
		lin_bitwise(c, &mask, NULL, 4);
	lin_cmp(c, inv ? REL_NEQ : REL_EQ, &g, 4);
}

static enum compat_res devgroup_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	(void)c;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(struct xt_devgroup_info));
	memcpy(out->info, data, sizeof(struct xt_devgroup_info));
	return COMPAT_XT;
}

static void devgroup_linearize(struct lin_ctx *c, const void *data)
{
	const struct xt_devgroup_info *i = &((const struct devgroup_data *)data)->info;

	uint8_t blob[XT_ALIGN(sizeof(*i))] = { 0 };

	if (!devgroup_native(c, i)) {
		memcpy(blob, i, sizeof(*i));
		lin_xt(c, false, "devgroup", 0, blob, sizeof(blob));
		return;
	}
	if (i->flags & XT_DEVGROUP_MATCH_SRC)
		lin_group(c, NFT_META_IIFGROUP, i->src_group, i->src_mask,
			  i->flags & XT_DEVGROUP_INVERT_SRC);
	if (i->flags & XT_DEVGROUP_MATCH_DST)
		lin_group(c, NFT_META_OIFGROUP, i->dst_group, i->dst_mask,
			  i->flags & XT_DEVGROUP_INVERT_DST);
}

/* One group test at the cursor, for key; false if it is not one. */
static bool delin_group(struct delin_ctx *c, uint32_t key, uint32_t *g, uint32_t *mask,
			bool *inv)
{
	static const uint8_t zero[4];
	struct item *it = delin_peek(c);

	if (!item_is_meta(it, key) || it->len != 4 || it->concat ||
	    (it->op != REL_EQ && it->op != REL_NEQ) ||
	    (it->masked && memcmp(it->xor, zero, 4) != 0))
		return false;
	memcpy(g, it->val, 4);
	*mask = UINT32_MAX;
	if (it->masked)
		memcpy(mask, it->mask, 4);
	/* nft may compare bits the mask clears (never equal): not ours */
	if (*g & ~*mask)
		return false;
	*inv = it->op == REL_NEQ;
	c->pos++;
	return true;
}

static bool devgroup_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_devgroup_info *i = &((struct devgroup_data *)data)->info;
	const void *p;
	bool inv;

	if (delin_group(c, NFT_META_IIFGROUP, &i->src_group, &i->src_mask, &inv))
		i->flags |= XT_DEVGROUP_MATCH_SRC | (inv ? XT_DEVGROUP_INVERT_SRC : 0);
	if (delin_group(c, NFT_META_OIFGROUP, &i->dst_group, &i->dst_mask, &inv))
		i->flags |= XT_DEVGROUP_MATCH_DST | (inv ? XT_DEVGROUP_INVERT_DST : 0);
	if (i->flags)
		return true;
	p = xt_blob(delin_peek(c), false, "devgroup", 0, sizeof(*i));
	if (!p)
		return false;
	memcpy(i, p, sizeof(*i));
	c->pos++;
	return true;
}

static void group_text(struct strbuf *out, const char *word, uint32_t g, uint32_t mask,
		       bool inv, bool names)
{
	sb_printf(out, " %s%s", inv ? "! " : "", word);
	xt_named_valmask_text(out, names ? GROUP_FILE : NULL, g, mask);
}

static void devgroup_text(struct strbuf *out, const struct xt_devgroup_info *i, const char *src,
			  const char *dst, bool names)
{
	if (i->flags & XT_DEVGROUP_MATCH_SRC)
		group_text(out, src, i->src_group, i->src_mask,
			   i->flags & XT_DEVGROUP_INVERT_SRC, names);
	if (i->flags & XT_DEVGROUP_MATCH_DST)
		group_text(out, dst, i->dst_group, i->dst_mask,
			   i->flags & XT_DEVGROUP_INVERT_DST, names);
}

static void devgroup_print(struct strbuf *out, const void *data, const struct rule *r,
			   unsigned fmt)
{
	(void)r;
	devgroup_text(out, data, "src-group", "dst-group", !(fmt & FMT_NUMERIC));
}

static void devgroup_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	devgroup_text(out, data, "--src-group", "--dst-group", true);
}

const struct extension ext_devgroup = {
	.name = "devgroup",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct devgroup_data),
	.opts = devgroup_opts,
	.parse = devgroup_parse,
	.check = devgroup_check,
	.linearize = devgroup_linearize,
	.compat = devgroup_compat,
	.delinearize = devgroup_delinearize,
	.print = devgroup_print,
	.save = devgroup_save,
};
