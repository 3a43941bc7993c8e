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
#include <arpa/inet.h>
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_recent.h>
#include <netdb.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "expr.h"
#include "ext.h"
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

static const struct ext_opt recent_opts[] = {
	{ .name = "set", .id = O_SET, .invertible = true,
	  .flags = OF_INV, .help = "record the address in the list; always matches" },
	{ .name = "rcheck", .id = O_RCHECK, .invertible = true,
	  .flags = OF_INV, .help = "matches when the address is listed" },
	{ .name = "update", .id = O_UPDATE, .invertible = true,
	  .flags = OF_INV, .help = "matches when listed; refreshes its time" },
	{ .name = "remove", .id = O_REMOVE, .invertible = true,
	  .flags = OF_INV, .help = "matches when listed; takes it out" },
	{ .name = "seconds", .has_arg = true, .id = O_SECONDS, .invertible = true,
	  .help_arg = "seconds", .help = "rcheck/update: seen within the last seconds" },
	{ .name = "reap", .id = O_REAP, .invertible = true,
	  .help = "with --seconds: drop entries older than that" },
	{ .name = "hitcount", .has_arg = true, .id = O_HITCOUNT, .invertible = true,
	  .help_arg = "hits", .help = "rcheck/update: seen at least hits times" },
	{ .name = "rttl", .id = O_RTTL, .invertible = true,
	  .help = "rcheck/update: the TTL must equal the recorded one" },
	{ .name = "name", .has_arg = true, .id = O_NAME, .invertible = true,
	  .help_arg = "name", .help = "which list to use (default DEFAULT)" },
	{ .name = "rsource", .id = O_RSOURCE, .invertible = true,
	  .help = "record and check source addresses (default)" },
	{ .name = "rdest", .id = O_RDEST, .invertible = true,
	  .help = "record and check destination addresses" },
	{ .name = "mask", .has_arg = true, .id = O_MASK, .invertible = true,
	  .help_arg = "netmask", .help = "apply this netmask to addresses before use" },
	{ .name = NULL },
};

#define CMD_BITS (XT_RECENT_SET | XT_RECENT_CHECK | XT_RECENT_UPDATE | XT_RECENT_REMOVE)

static void set_default_name(struct xt_recent_mtinfo_v1 *info)
{
	memcpy(info->name, "DEFAULT", sizeof("DEFAULT"));
}

/* The mask goes through the resolver as a host name would, so "24" is
 * 0.0.0.24 and a name in /etc/hosts is its address. */
static int parse_mask(struct parse_ctx *ctx, const char *arg, union nf_inet_addr *mask)
{
	bool v6 = ctx->rule->family == NFPROTO_IPV6;
	struct addrinfo hints = { 0 }, *res;
	int rc;

	hints.ai_family = v6 ? AF_INET6 : AF_INET;
	hints.ai_socktype = SOCK_RAW;
	rc = getaddrinfo(arg, NULL, &hints, &res);
	if (rc)
		return err_param(ctx->err, "getaddrinfo: %s\n", gai_strerror(rc));
	memset(mask, 0, sizeof(*mask));
	if (v6)
		memcpy(mask, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, 16);
	else
		memcpy(mask, &((struct sockaddr_in *)res->ai_addr)->sin_addr, 4);
	freeaddrinfo(res);
	return 0;
}

static int recent_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_recent_mtinfo_v1 *info = &((struct recent_data *)data)->info;
	static const uint8_t cmd_bit[] = {
		[O_SET] = XT_RECENT_SET, [O_RCHECK] = XT_RECENT_CHECK,
		[O_UPDATE] = XT_RECENT_UPDATE, [O_REMOVE] = XT_RECENT_REMOVE,
	};
	uint64_t n;
	size_t len;

	if (inv && id > O_REMOVE)
		return xt_err_noinv(ctx->err, "recent", recent_opts[id].name);
	switch (id) {
	case O_SET:
	case O_RCHECK:
	case O_UPDATE:
	case O_REMOVE:
		info->check_set |= cmd_bit[id];
		if (inv)
			info->invert = 1;
		return 0;
	case O_SECONDS:
		if (xt_parse_uint(ctx->err, "recent", "seconds", arg, 1, UINT32_MAX, &n) < 0)
			return -1;
		info->seconds = (uint32_t)n;
		return 0;
	case O_REAP:
		info->check_set |= XT_RECENT_REAP;
		return 0;
	case O_HITCOUNT:
		if (xt_parse_uint(ctx->err, "recent", "hitcount", arg, 0, UINT32_MAX, &n) < 0)
			return -1;
		info->hit_count = (uint32_t)n;
		return 0;
	case O_RTTL:
		info->check_set |= XT_RECENT_TTL;
		return 0;
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
		return parse_mask(ctx, arg, &info->mask);
	}
	return 0;
}

/* The reference's checks in its option order: each command excludes
 * the ones after it, --reap needs --seconds, --rttl makes no sense with
 * --set or --remove. The kernel refuses the rest (--seconds or
 * --hitcount with --set, too high a hit count, a bad name). */
static const struct {
	uint8_t id;
	unsigned excl;
	unsigned also;
} recent_rules[] = {
	{ O_SET, 1u << O_RCHECK | 1u << O_UPDATE | 1u << O_REMOVE, 0 },
	{ O_RCHECK, 1u << O_UPDATE | 1u << O_REMOVE, 0 },
	{ O_UPDATE, 1u << O_REMOVE, 0 },
	{ O_REAP, 0, 1u << O_SECONDS },
	{ O_RTTL, 1u << O_SET | 1u << O_REMOVE, 0 },
};

static int recent_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct xt_recent_mtinfo_v1 *info = &((struct recent_data *)data)->info;
	size_t i;
	unsigned j;

	if (!(info->check_set & CMD_BITS))
		return err_param(ctx->err, "recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
	for (i = 0; i < ARRAY_SIZE(recent_rules); i++) {
		const char *name = recent_opts[recent_rules[i].id].name;

		if (!(seen & (1u << recent_rules[i].id)))
			continue;
		for (j = 0; j < O_MASK + 1; j++)
			if ((recent_rules[i].excl & seen) & (1u << j))
				return xt_err_conflict(ctx->err, "recent", name, recent_opts[j].name);
		if (recent_rules[i].also & ~seen)
			return err_param(ctx->err, "recent: option \"--%s\" also requires \"--seconds\".\n",
					 name);
	}
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

static void mask_text(struct strbuf *out, const union nf_inet_addr *mask, uint8_t family)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(family == NFPROTO_IPV6 ? AF_INET6 : AF_INET, mask, buf, sizeof(buf));
	sb_add(out, buf);
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
	mask_text(out, &info->mask, r->family);
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
	mask_text(out, &info->mask, r->family);
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
