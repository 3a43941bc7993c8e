/* -m physdev: the bridge ports a bridged packet came in on and goes out
 * of, for rules of the ip and ip6 families that see bridged traffic
 * (br_netfilter, bridge-nf-call-iptables).
 *
 *   [!] --physdev-in name[+]     [!] --physdev-is-in
 *   [!] --physdev-out name[+]    [!] --physdev-is-out
 *   [!] --physdev-is-bridged
 *
 * nf_tables has nothing that reads the bridge port in these families
 * (meta ibrname is the bridge itself), so iptnft writes the reference's
 * own xt blob, revision 0, in both write modes.
 */
/* net/if.h (through parse.h) first: linux/if.h then leaves out what
 * both define */
#include "expr.h"
#include "ext.h"
#include "parse.h"
#include "xtopt.h"

#include <linux/netfilter/xt_physdev.h>
#include <string.h>

/* the kernel keeps struct xt_physdev_info (66 bytes) padded to 8 */
#define PHYSDEV_BLOB_LEN ((sizeof(struct xt_physdev_info) + 7) & ~(size_t)7)

/*
 * The blob, struct xt_physdev_info (revision 0):
 *
 *   0             16            32             48            64     65      66   72
 *   +-------------+-------------+--------------+-------------+------+-------+----+
 *   | physindev   | in_mask     | physoutdev   | out_mask    |invert|bitmask|pad |
 *   +-------------+-------------+--------------+-------------+------+-------+----+
 *   bitmask: the XT_PHYSDEV_OP_* tests given; invert: those after a '!'.
 *   A mask has 0xff for each byte of the name the kernel compares: the
 *   name and its terminator, or for "eth+" the letters before the '+'.
 */
struct physdev_data {
	struct xt_physdev_info info;
};

enum { O_IN, O_OUT, O_IS_IN, O_IS_OUT, O_IS_BRIDGED };

/* Each test sets its bit in bitmask, and in invert after a '!': parse's */
#define PHYSDEV_OPT(opt, id_, arg, what)                                                      \
	{ .name = opt, .id = id_, .type = OT_CUSTOM, .has_arg = arg != NULL, .flags = OF_INV, \
	  .help_arg = arg, .help = what }

static const struct ext_opt physdev_opts[] = {
	PHYSDEV_OPT("physdev-in", O_IN, "name[+]", "came in on this bridge port (+: any suffix)"),
	PHYSDEV_OPT("physdev-out", O_OUT, "name[+]", "goes out of this bridge port (+: any suffix)"),
	PHYSDEV_OPT("physdev-is-in", O_IS_IN, NULL, "came in on a bridge port"),
	PHYSDEV_OPT("physdev-is-out", O_IS_OUT, NULL, "goes out of a bridge port"),
	PHYSDEV_OPT("physdev-is-bridged", O_IS_BRIDGED, NULL,
		    "is being bridged, not routed"),
	{ .name = NULL },
};

static const uint8_t physdev_bit[] = {
	[O_IN] = XT_PHYSDEV_OP_IN,
	[O_OUT] = XT_PHYSDEV_OP_OUT,
	[O_IS_IN] = XT_PHYSDEV_OP_ISIN,
	[O_IS_OUT] = XT_PHYSDEV_OP_ISOUT,
	[O_IS_BRIDGED] = XT_PHYSDEV_OP_BRIDGED,
};

/* A port name as the reference takes it: an empty one compares nothing,
 * any other is an interface name as -i takes it. */
static int parse_port_name(struct parse_ctx *ctx, const char *arg, char *name, char *mask)
{
	size_t n = strlen(arg);

	if (n == 0)
		return 0;
	if (parse_interface(arg, name, ctx->err) < 0)
		return -1;
	if (arg[n - 1] == '+')
		memset(mask, 0xff, n - 1);
	else
		memset(mask, 0xff, n + 1);
	return 0;
}

static int physdev_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_physdev_info *info = &((struct physdev_data *)data)->info;
	uint8_t bit = physdev_bit[id];

	if (id == O_IN && parse_port_name(ctx, arg, info->physindev, info->in_mask) < 0)
		return -1;
	if (id == O_OUT && parse_port_name(ctx, arg, info->physoutdev, info->out_mask) < 0)
		return -1;
	info->bitmask |= bit;
	if (inv)
		info->invert |= bit;
	return 0;
}

static int physdev_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!seen)
		return err_param(ctx->err, "PHYSDEV: no physdev option specified");
	return 0;
}

static void physdev_linearize(struct lin_ctx *c, const void *data)
{
	uint8_t blob[PHYSDEV_BLOB_LEN] = { 0 };

	memcpy(blob, &((const struct physdev_data *)data)->info, sizeof(struct xt_physdev_info));
	lin_xt(c, false, "physdev", 0, blob, sizeof(blob));
}

static bool physdev_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_physdev_info *info = &((struct physdev_data *)data)->info;
	const void *p = xt_blob(delin_peek(c), false, "physdev", 0, sizeof(*info));

	if (!p)
		return false;
	memcpy(info, p, sizeof(*info));
	/* names the kernel accepted end within their 16 bytes; make sure */
	info->physindev[IFNAMSIZ - 1] = '\0';
	info->physoutdev[IFNAMSIZ - 1] = '\0';
	c->pos++;
	return true;
}

/* One test, if given, after a '!' if inverted, with its name if any. */
static void test_text(struct strbuf *out, const struct xt_physdev_info *info, uint8_t bit,
		      const char *opt, const char *name)
{
	if (!(info->bitmask & bit))
		return;
	sb_printf(out, "%s --%s", info->invert & bit ? " !" : "", opt);
	if (name)
		sb_printf(out, " %s", name);
}

/* The tests in the reference's order, the same for -L and -S. */
static void physdev_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_physdev_info *info = &((const struct physdev_data *)data)->info;

	(void)r;
	test_text(out, info, XT_PHYSDEV_OP_ISIN, "physdev-is-in", NULL);
	test_text(out, info, XT_PHYSDEV_OP_IN, "physdev-in", info->physindev);
	test_text(out, info, XT_PHYSDEV_OP_ISOUT, "physdev-is-out", NULL);
	test_text(out, info, XT_PHYSDEV_OP_OUT, "physdev-out", info->physoutdev);
	test_text(out, info, XT_PHYSDEV_OP_BRIDGED, "physdev-is-bridged", NULL);
}

static void physdev_print(struct strbuf *out, const void *data, const struct rule *r,
			  unsigned fmt)
{
	(void)fmt;
	sb_add(out, " PHYSDEV match");
	physdev_save(out, data, r);
}

const struct extension ext_physdev = {
	.name = "physdev",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct physdev_data),
	.opts = physdev_opts,
	.parse = physdev_parse,
	.check = physdev_check,
	/* the reference writes the same blob: no compat of its own */
	.linearize = physdev_linearize,
	.delinearize = physdev_delinearize,
	.print = physdev_print,
	.save = physdev_save,
};
