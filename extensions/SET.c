/* -j SET: add the packet's addresses (ports, ...) to an ipset set, take
 * them out of one, or set the packet's mark, priority and queue from
 * the element it matches in a set with skbinfo (xt_SET).
 *
 *   --add-set NAME FLAGS [--exist] [--timeout N]
 *   --del-set NAME FLAGS
 *   --map-set NAME FLAGS --map-mark | --map-prio | --map-queue
 *
 * nf_tables cannot change ipset sets, so iptnft writes the reference's
 * own xt target, revision 3, in both write modes. Sets are named by
 * their kernel index, as for the set match (ipset.c).
 */
#include <errno.h>
#include <linux/netfilter/xt_set.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "ipset.h"
#include "tgutil.h"
#include "xtopt.h"

#define SET_TG_REV 3
#define NO_TIMEOUT UINT32_MAX	/* the set's own default */

/*
 * The blob, struct xt_set_info_target_v3 (24 bytes):
 *
 *   0           4           8           12      16        20      24
 *   +-----------+-----------+-----------+-------+---------+-------+
 *   | add_set   | del_set   | map_set   | flags | timeout | (pad) |
 *   +-----------+-----------+-----------+-------+---------+-------+
 *   each set: u16 index (0xffff: none), u8 dim, u8 flags (bit i: dim i
 *   src); flags: IPSET_FLAG_EXIST, IPSET_FLAG_MAP_SKB{MARK,PRIO,QUEUE}
 */
struct set_tg_data {
	struct xt_set_info_target_v3 info;
};

enum { O_ADD_SET, O_DEL_SET, O_MAP_SET, O_EXIST, O_TIMEOUT, O_MAP_MARK, O_MAP_PRIO, O_MAP_QUEUE };

/* The reference takes '!' before any of them and ignores it. */
#define SET_TG_SET(opt, id_, what)                                                           \
	{ .name = opt, .id = id_, .type = OT_CUSTOM, .has_arg = true,                         \
	  .flags = OF_INV | OF_MULTI | OF_TWO_ARGS, .help_arg = "name flags", .help = what }
#define SET_TG_FLAG(opt, id_, bit, what)                                                     \
	{ .name = opt, .id = id_, .type = OT_FLAG, .flags = OF_INV | OF_MULTI,                \
	  OPT_DST(struct set_tg_data, info.flags), .max = bit, .help = what }

static const struct ext_opt set_tg_opts[] = {
	SET_TG_SET("add-set", O_ADD_SET, "add the packet to set name (flags: src|dst,...)"),
	SET_TG_SET("del-set", O_DEL_SET, "take the packet out of set name"),
	SET_TG_SET("map-set", O_MAP_SET, "set packet fields from its element in name"),
	SET_TG_FLAG("exist", O_EXIST, IPSET_FLAG_EXIST, "--add-set: refresh an element present"),
	/* its own message for a bad number, the last one counts: parse's */
	{ .name = "timeout", .id = O_TIMEOUT, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV | OF_MULTI, .help_arg = "seconds",
	  .help = "--add-set: the element's timeout" },
	SET_TG_FLAG("map-mark", O_MAP_MARK, IPSET_FLAG_MAP_SKBMARK,
		    "--map-set: the packet mark from the element"),
	SET_TG_FLAG("map-prio", O_MAP_PRIO, IPSET_FLAG_MAP_SKBPRIO,
		    "--map-set: the priority from the element"),
	SET_TG_FLAG("map-queue", O_MAP_QUEUE, IPSET_FLAG_MAP_SKBQUEUE,
		    "--map-set: the transmit queue from the element"),
	{ .name = NULL },
};

static void set_tg_init(void *data, uint8_t family)
{
	struct xt_set_info_target_v3 *info = &((struct set_tg_data *)data)->info;

	(void)family;
	info->add_set.index = IPSET_INVALID_ID;
	info->del_set.index = IPSET_INVALID_ID;
	info->map_set.index = IPSET_INVALID_ID;
	info->timeout = NO_TIMEOUT;
}

static int parse_timeout(struct parse_ctx *ctx, const char *arg, uint32_t *timeout)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (xt_negative(arg) || *arg == '\0' || *end != '\0' || errno || v >= NO_TIMEOUT)
		return err_param(ctx->err,
				 "Invalid value for option --timeout or out of range 0-%u",
				 NO_TIMEOUT - 1);
	*timeout = (uint32_t)v;
	return 0;
}

static int set_tg_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_set_info_target_v3 *info = &((struct set_tg_data *)data)->info;
	struct xt_set_info *set = id == O_ADD_SET ? &info->add_set
				  : id == O_DEL_SET ? &info->del_set : &info->map_set;
	static const char *const names[] = { "add-set", "del-set", "map-set" };

	(void)inv;
	if (id == O_TIMEOUT)
		return parse_timeout(ctx, arg, &info->timeout);
	if (ctx->seen & (1u << id))
		return err_param(ctx->err, "--%s can be specified only once", names[id]);
	if (ipset_index(ctx->err, arg, ctx->rule->family, &set->index) < 0)
		return -1;
	return ipset_parse_dims(ctx->err, ctx->arg2, &set->dim, &set->flags);
}

/* The reference's checks, in its order. */
static int set_tg_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	const struct xt_set_info_target_v3 *info = &((struct set_tg_data *)data)->info;
	static const struct {
		uint8_t id;
		const char *name;
	} map_flags[] = { { O_MAP_MARK, "map-mark" }, { O_MAP_PRIO, "map-prio" },
			  { O_MAP_QUEUE, "map-queue" } };
	size_t i;

	if (!(seen & (1u << O_ADD_SET | 1u << O_DEL_SET | 1u << O_MAP_SET)))
		return err_param(ctx->err, "You must specify either `--add-set' or `--del-set' or `--map-set'");
	if (!(seen & (1u << O_ADD_SET)) && (info->flags & IPSET_FLAG_EXIST))
		return err_param(ctx->err, "Flag `--exist' can be used with `--add-set' only");
	if (!(seen & (1u << O_ADD_SET)) && (seen & (1u << O_TIMEOUT)))
		return err_param(ctx->err, "Option `--timeout' can be used with `--add-set' only");
	for (i = 0; i < sizeof(map_flags) / sizeof(map_flags[0]); i++)
		if (!(seen & (1u << O_MAP_SET)) && (seen & (1u << map_flags[i].id)))
			return err_param(ctx->err, "Flag `--%s' can be used with `--map-set' only",
					 map_flags[i].name);
	if ((seen & (1u << O_MAP_SET)) &&
	    !(seen & (1u << O_MAP_MARK | 1u << O_MAP_PRIO | 1u << O_MAP_QUEUE)))
		return err_param(ctx->err, "You must specify flags `--map-mark' or "
				 "'--map-prio` or `--map-queue'");
	return 0;
}

static void set_tg_linearize(struct lin_ctx *c, const void *data)
{
	const struct set_tg_data *d = data;
	uint8_t blob[(sizeof(d->info) + 7) & ~(size_t)7] = { 0 };

	memcpy(blob, &d->info, sizeof(d->info));
	lin_xt(c, true, "SET", SET_TG_REV, blob, sizeof(blob));
}

static bool set_tg_delinearize(struct delin_ctx *c, void *data)
{
	struct set_tg_data *d = data;
	const void *p = tg_xt_blob(delin_peek(c), "SET", SET_TG_REV, sizeof(d->info));

	if (!p)
		return false;
	memcpy(&d->info, p, sizeof(d->info));
	c->pos++;
	return true;
}

/* -L and -S alike, but for the dashes -S puts before each word. */
static void set_tg_text(struct strbuf *out, const struct xt_set_info_target_v3 *info,
			const char *dashes)
{
	const struct xt_set_info *add = &info->add_set, *del = &info->del_set,
				 *map = &info->map_set;

	if (add->index != IPSET_INVALID_ID) {
		sb_printf(out, " %sadd-set", dashes);
		ipset_dims_text(out, add->index, add->dim, add->flags);
		if (info->flags & IPSET_FLAG_EXIST)
			sb_printf(out, " %sexist", dashes);
		if (info->timeout != NO_TIMEOUT)
			sb_printf(out, " %stimeout %u", dashes, info->timeout);
	}
	if (del->index != IPSET_INVALID_ID) {
		sb_printf(out, " %sdel-set", dashes);
		ipset_dims_text(out, del->index, del->dim, del->flags);
	}
	if (map->index != IPSET_INVALID_ID) {
		sb_printf(out, " %smap-set", dashes);
		ipset_dims_text(out, map->index, map->dim, map->flags);
		if (info->flags & IPSET_FLAG_MAP_SKBMARK)
			sb_printf(out, " %smap-mark", dashes);
		if (info->flags & IPSET_FLAG_MAP_SKBPRIO)
			sb_printf(out, " %smap-prio", dashes);
		if (info->flags & IPSET_FLAG_MAP_SKBQUEUE)
			sb_printf(out, " %smap-queue", dashes);
	}
}

static void set_tg_print(struct strbuf *out, const void *data, const struct rule *r,
			 unsigned fmt)
{
	(void)r;
	(void)fmt;
	set_tg_text(out, &((const struct set_tg_data *)data)->info, "");
}

static void set_tg_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	set_tg_text(out, &((const struct set_tg_data *)data)->info, "--");
}

const struct extension ext_SET = {
	.name = "SET",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct set_tg_data),
	.opts = set_tg_opts,
	.init = set_tg_init,
	.parse = set_tg_parse,
	.check = set_tg_check,
	.linearize = set_tg_linearize,
	/* the reference writes the same blob: no compat of its own */
	.delinearize = set_tg_delinearize,
	.print = set_tg_print,
	.save = set_tg_save,
};
