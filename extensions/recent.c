/* -m recent: a kernel list of recently seen addresses (xt_recent).
 *
 *   --set | --rcheck | --update | --remove     what to do with the list
 *   --seconds --reap --hitcount --rttl         narrow a check or update
 *   --name --rsource | --rdest --mask          which list, which address
 *
 * nf_tables has nothing that keeps such a list with the same semantics
 * (hit counts, ages, TTLs, /proc/net/xt_recent), so iptnft writes the
 * reference's own xt blob, revision 1, in both write modes.
 */
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_recent.h>
#include <stddef.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "xtopt.h"

#define RECENT_REV 1
/* The blob as the kernel hands it back: padded to 8 bytes. */
#define RECENT_BLOB_LEN ((sizeof(struct xt_recent_mtinfo_v1) + 7) & ~(size_t)7)

/*
 * The blob, struct xt_recent_mtinfo_v1 (revision 1):
 *
 *   0         4           8     9      10                210   211 212
 *   +---------+-----------+-----+------+-------//--------+-----+---+
 *   | seconds | hit_count | cmd | inv  | name[200]       |side |pad|
 *   +---------+-----------+-----+------+-------//--------+-----+---+
 *   212                       228        232
 *   +-------------------------+----------+
 *   | mask (nf_inet_addr)     | (pad)    |
 *   +-------------------------+----------+
 *   cmd: XT_RECENT_* bits; side: XT_RECENT_SOURCE or XT_RECENT_DEST
 *
 * The reference starts the name as "DEFAULT" and copies a given name
 * over it with its terminator only, so "ab" leaves "ab\0AULT" behind;
 * its -C and -D compare these bytes, so iptnft writes them the same.
 * An IPv4 mask fills the first 4 bytes, the rest zero; the default
 * mask is all ones in all 16.
 */
struct recent_data {
	struct xt_recent_mtinfo_v1 info;
};

enum {
	O_SET, O_RCHECK, O_UPDATE, O_REMOVE, O_SECONDS, O_REAP, O_HITCOUNT, O_RTTL,
	O_NAME, O_RSOURCE, O_RDEST, O_MASK,
};

/* The commands: each excludes the ones after it, in the reference's
 * order; '!' before one inverts the match. */
#define RECENT_CMD(opt, id_, bit, excl_, what)                                               \
	{ .name = opt, .id = id_, .type = OT_FLAG, .flags = OF_INV,                           \
	  OPT_DST(struct recent_data, info.check_set), .max = bit,                             \
	  OPT_INVDST(struct recent_data, info.invert), .excl = excl_, .help = what }
#define RECENT_BIT(opt, id_, bit, what)                                                      \
	{ .name = opt, .id = id_, .type = OT_FLAG, .flags = OF_NOINV_XT,                      \
	  OPT_DST(struct recent_data, info.check_set), .max = bit, .help = what }
#define RECENT_CUSTOM(opt, id_, has_arg_, arg, what)                                         \
	{ .name = opt, .id = id_, .type = OT_CUSTOM, .has_arg = has_arg_,                     \
	  .flags = OF_NOINV_XT, .help_arg = arg, .help = what }

static const struct ext_opt recent_opts[] = {
	RECENT_CMD("set", O_SET, XT_RECENT_SET, 1u << O_RCHECK | 1u << O_UPDATE | 1u << O_REMOVE,
		   "record the address in the list; always matches"),
	RECENT_CMD("rcheck", O_RCHECK, XT_RECENT_CHECK, 1u << O_UPDATE | 1u << O_REMOVE,
		   "matches when the address is listed"),
	RECENT_CMD("update", O_UPDATE, XT_RECENT_UPDATE, 1u << O_REMOVE,
		   "matches when listed; refreshes its time"),
	RECENT_CMD("remove", O_REMOVE, XT_RECENT_REMOVE, 0, "matches when listed; takes it out"),
	{ .name = "seconds", .id = O_SECONDS, .type = OT_UINT, .flags = OF_NOINV_XT, .min = 1,
	  OPT_DST(struct recent_data, info.seconds), .help_arg = "seconds",
	  .help = "rcheck/update: seen within the last seconds" },
	RECENT_BIT("reap", O_REAP, XT_RECENT_REAP, "with --seconds: drop entries older than that"),
	{ .name = "hitcount", .id = O_HITCOUNT, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct recent_data, info.hit_count), .help_arg = "hits",
	  .help = "rcheck/update: seen at least hits times" },
	RECENT_BIT("rttl", O_RTTL, XT_RECENT_TTL,
		   "rcheck/update: the TTL must equal the recorded one"),
	/* the reference's name bytes (see above), cut silently: parse's */
	RECENT_CUSTOM("name", O_NAME, true, "name", "which list to use (default DEFAULT)"),
	/* the later of the two wins, and --rsource writes 0: parse's */
	RECENT_CUSTOM("rsource", O_RSOURCE, false, NULL,
		      "record and check source addresses (default)"),
	RECENT_CUSTOM("rdest", O_RDEST, false, NULL, "record and check destination addresses"),
	/* read by the resolver: parse's */
	RECENT_CUSTOM("mask", O_MASK, true, "netmask",
		      "apply this netmask to addresses before use"),
	{ .name = NULL },
};

#define CMD_BITS (XT_RECENT_SET | XT_RECENT_CHECK | XT_RECENT_UPDATE | XT_RECENT_REMOVE)

static void set_default_name(struct xt_recent_mtinfo_v1 *info)
{
	memcpy(info->name, "DEFAULT", sizeof("DEFAULT"));
}

static int recent_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_recent_mtinfo_v1 *info = &((struct recent_data *)data)->info;
	size_t len;

	(void)inv;
	switch (id) {
	case O_NAME:
		set_default_name(info);
		len = strlen(arg);
		if (len > XT_RECENT_NAME_LEN - 1)
			len = XT_RECENT_NAME_LEN - 1;
		memcpy(info->name, arg, len);
		info->name[len] = '\0';
		return 0;
	case O_RSOURCE:
		info->side = XT_RECENT_SOURCE;
		return 0;
	case O_RDEST:
		info->side = XT_RECENT_DEST;
		return 0;
	case O_MASK:
		/* through the resolver as a host name: "24" is 0.0.0.24 */
		return xt_parse_host(ctx->err, ctx->rule->family, arg, &info->mask);
	}
	return 0;
}

/* The reference's checks after the commands' conflicts (the walker's),
 * in its order: a command at all, --reap's need of --seconds, --rttl's
 * conflicts. The last two stay here: the walker would report them
 * before the missing command, and --rttl's before --reap's. The kernel
 * refuses the rest (--seconds or --hitcount with --set, too high a hit
 * count, a bad name). */
static int recent_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct xt_recent_mtinfo_v1 *info = &((struct recent_data *)data)->info;

	if (!(info->check_set & CMD_BITS))
		return err_param(ctx->err, "recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
	if ((seen & (1u << O_REAP)) && !(seen & (1u << O_SECONDS)))
		return err_param(ctx->err,
				 "recent: option \"--reap\" also requires \"--seconds\".\n");
	if ((seen & (1u << O_RTTL)) && (seen & (1u << O_SET | 1u << O_REMOVE)))
		return xt_err_conflict(ctx->err, "recent", "rttl",
				       seen & (1u << O_SET) ? "set" : "remove");
	if (!(seen & (1u << O_NAME)))
		set_default_name(info);
	if (!(seen & (1u << O_MASK)))
		memset(&info->mask, 0xff, sizeof(info->mask));
	return 0;
}

static void recent_linearize(struct lin_ctx *c, const void *data)
{
	uint8_t blob[RECENT_BLOB_LEN] = { 0 };

	memcpy(blob, &((const struct recent_data *)data)->info, sizeof(struct xt_recent_mtinfo_v1));
	lin_xt(c, false, "recent", RECENT_REV, blob, sizeof(blob));
}

/* Revision 0 too, read as the reference reads it: through the revision
 * 1 layout, with the mask it lacks as zeros. */
static bool recent_delinearize(struct delin_ctx *c, void *data)
{
	struct recent_data *d = data;
	struct item *it = delin_peek(c);
	const void *p = xt_blob(it, false, "recent", RECENT_REV, 1);
	uint32_t len = 0;

	if (!p)
		p = xt_blob(it, false, "recent", 0, 1);
	if (!p)
		return false;
	nftnl_expr_get(it->expr, NFTNL_EXPR_MT_INFO, &len);
	if (len > sizeof(d->info))
		len = sizeof(d->info);
	memcpy(&d->info, p, len);
	/* a name the kernel accepted ends within its 200 bytes; make sure */
	d->info.name[XT_RECENT_NAME_LEN - 1] = '\0';
	c->pos++;
	return true;
}

/* The reference's -C and -D compare the blob: a default mask (all 16
 * bytes ones) is not --mask 255.255.255.255 (4 bytes), though both list
 * alike. */
static bool recent_equal(const void *a, const void *b)
{
	return memcmp(&((const struct recent_data *)a)->info, &((const struct recent_data *)b)->info,
		      sizeof(struct xt_recent_mtinfo_v1)) == 0;
}

static void recent_print(struct strbuf *out, const void *data, const struct rule *r,
			 unsigned fmt)
{
	const struct xt_recent_mtinfo_v1 *info = &((const struct recent_data *)data)->info;

	(void)fmt;
	sb_add(out, info->invert ? " ! recent:" : " recent:");
	if (info->check_set & XT_RECENT_SET)
		sb_add(out, " SET");
	if (info->check_set & XT_RECENT_CHECK)
		sb_add(out, " CHECK");
	if (info->check_set & XT_RECENT_UPDATE)
		sb_add(out, " UPDATE");
	if (info->check_set & XT_RECENT_REMOVE)
		sb_add(out, " REMOVE");
	/* both counts print as signed, as with the reference */
	if (info->seconds)
		sb_printf(out, " seconds: %d", (int)info->seconds);
	if (info->check_set & XT_RECENT_REAP)
		sb_add(out, " reap");
	if (info->hit_count)
		sb_printf(out, " hit_count: %d", (int)info->hit_count);
	if (info->check_set & XT_RECENT_TTL)
		sb_add(out, " TTL-Match");
	sb_printf(out, " name: %s", info->name);
	sb_add(out, info->side == XT_RECENT_DEST ? " side: dest" : " side: source");
	sb_add(out, " mask: ");
	xt_addr_text(out, &info->mask, r->family);
}

static void recent_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_recent_mtinfo_v1 *info = &((const struct recent_data *)data)->info;

	if (info->invert)
		sb_add(out, " !");
	if (info->check_set & XT_RECENT_SET)
		sb_add(out, " --set");
	if (info->check_set & XT_RECENT_CHECK)
		sb_add(out, " --rcheck");
	if (info->check_set & XT_RECENT_UPDATE)
		sb_add(out, " --update");
	if (info->check_set & XT_RECENT_REMOVE)
		sb_add(out, " --remove");
	if (info->seconds)
		sb_printf(out, " --seconds %d", (int)info->seconds);
	if (info->check_set & XT_RECENT_REAP)
		sb_add(out, " --reap");
	if (info->hit_count)
		sb_printf(out, " --hitcount %d", (int)info->hit_count);
	if (info->check_set & XT_RECENT_TTL)
		sb_add(out, " --rttl");
	sb_printf(out, " --name %s --mask ", info->name);
	xt_addr_text(out, &info->mask, r->family);
	sb_add(out, info->side == XT_RECENT_DEST ? " --rdest" : " --rsource");
}

const struct extension ext_recent = {
	.name = "recent",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct recent_data),
	.opts = recent_opts,
	.parse = recent_parse,
	.check = recent_check,
	.linearize = recent_linearize,
	/* the reference writes the same blob: no compat of its own */
	.delinearize = recent_delinearize,
	.equal = recent_equal,
	.print = recent_print,
	.save = recent_save,
};
