/* -m cgroup [!] --path path | [!] --cgroup classid: the control group of
 * the local socket a packet belongs to: in the cgroup2 hierarchy under
 * path, or of net_cls class id classid.
 *
 * nft has `meta cgroup` (the class id) and `socket cgroupv2 level N`
 * (the id of the ancestor at a level), but neither does what the xt
 * match does in the kernel: it reads only the packet's own full socket,
 * where `meta cgroup` takes the listener of a request socket (a SYN-ACK
 * counts as the listener's) and `socket` looks a socket up for a packet
 * that has none; the path is resolved by the kernel when the rule is
 * added, refusing one that does not exist, and the match serves INPUT,
 * OUTPUT and POSTROUTING only. So the rule holds the reference's xt
 * match in both write modes: revision 2, struct xt_cgroup_info_v2, 528
 * bytes:
 *
 *   0        1           2           3             4            516  520
 *   +--------+-----------+-----------+-------------+---//-------+----+------+
 *   |has_path|has_classid|invert_path|invert_class | path[512]  |pad | priv |
 *   |        |           |           |             | or classid |    |(krnl)|
 *   +--------+-----------+-----------+-------------+---//-------+----+------+
 *
 * The kernel refuses a rule with neither option or with both, as it
 * refuses the reference's. A path is cut to 511 characters, as the
 * reference cuts it.
 */
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_cgroup.h>
#include <stdio.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

struct cgroup_data {
	struct xt_cgroup_info_v2 info;
};

enum { O_PATH, O_CLASSID };

static const struct ext_opt cgroup_opts[] = {
	{ .name = "path", .id = O_PATH, .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV,
	  OPT_INVDST(struct cgroup_data, info.invert_path), .help_arg = "path",
	  .help = "under this cgroup2 path (or at it)" },
	{ .name = "cgroup", .id = O_CLASSID, .type = OT_UINT, .flags = OF_INV,
	  OPT_DST(struct cgroup_data, info.classid),
	  OPT_INVDST(struct cgroup_data, info.invert_classid), .help_arg = "classid",
	  .help = "of this net_cls class id" },
	{ .name = NULL },
};

/* The path, cut to what the blob holds (a string option of the walker
 * is at most 255 bytes). */
static int cgroup_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_cgroup_info_v2 *info = &((struct cgroup_data *)data)->info;

	(void)ctx;
	(void)id;
	(void)inv;
	snprintf(info->path, sizeof(info->path), "%s", arg);
	return 0;
}

static int cgroup_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct xt_cgroup_info_v2 *info = &((struct cgroup_data *)data)->info;

	(void)ctx;
	info->has_path = (seen >> O_PATH) & 1;
	info->has_classid = (seen >> O_CLASSID) & 1;
	return 0;
}

static void cgroup_linearize(struct lin_ctx *c, const void *data)
{
	lin_xt_match(c, "cgroup", 2, &((const struct cgroup_data *)data)->info,
		     sizeof(struct xt_cgroup_info_v2));
}

static bool cgroup_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_cgroup_info_v2 *i = &((struct cgroup_data *)data)->info;

	if (!delin_xt_match(c, "cgroup", 2, i, offsetof(struct xt_cgroup_info_v2, priv)))
		return false;
	i->path[XT_CGROUP_PATH_MAX - 1] = '\0';
	c->pos++;
	return true;
}

static void cgroup_print(struct strbuf *out, const void *data, const struct rule *r,
			 unsigned fmt)
{
	const struct xt_cgroup_info_v2 *info = &((const struct cgroup_data *)data)->info;

	(void)r;
	(void)fmt;
	sb_add(out, " cgroup");
	if (info->has_path)
		sb_printf(out, "%s %s", info->invert_path ? " !" : "", info->path);
	if (info->has_classid)
		sb_printf(out, "%s %u", info->invert_classid ? " !" : "", info->classid);
}

static void cgroup_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_cgroup_info_v2 *info = &((const struct cgroup_data *)data)->info;

	(void)r;
	if (info->has_path)
		sb_printf(out, "%s --path \"%s\"", info->invert_path ? " !" : "", info->path);
	if (info->has_classid)
		sb_printf(out, "%s --cgroup %u", info->invert_classid ? " !" : "", info->classid);
}

const struct extension ext_cgroup = {
	.name = "cgroup",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct cgroup_data),
	.opts = cgroup_opts,
	.parse = cgroup_parse,
	.check = cgroup_check,
	.linearize = cgroup_linearize,
	.delinearize = cgroup_delinearize,
	.print = cgroup_print,
	.save = cgroup_save,
};
