/* -m osf [!] --genre NAME [--ttl 0|1|2] [--log 0|1|2]: the operating
 * system a TCP SYN comes from, by passive fingerprinting against the
 * fingerprints loaded into nfnetlink_osf (iptables only).
 *
 * xt_osf matches when any fingerprint that fits the packet has the
 * genre, and can log what it found; nf_tables' osf expression takes the
 * first fitting fingerprint only and logs nothing. The rule therefore
 * holds the reference's xt match in both write modes: revision 0,
 * struct xt_osf_info (nf_osf_info, 48 bytes):
 *
 *   0          32    36      40         44    48
 *   +----------+-----+-------+----------+-----+
 *   | genre    | len | flags | loglevel | ttl |
 *   +----------+-----+-------+----------+-----+
 *   flags: XT_OSF_TTL (--ttl given), XT_OSF_LOG (--log given),
 *          XT_OSF_INVERT ('!'); len: the genre's length.
 *
 * The kernel takes it with -p tcp only, in PREROUTING, INPUT and
 * FORWARD.
 */
#include <linux/netfilter/xt_osf.h>
#include <stdio.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

enum { O_GENRE, O_TTL, O_LOG };

struct osf_data {
	struct xt_osf_info info;
	bool inv;
};

static const struct ext_opt osf_opts[] = {
	{ .name = "genre", .id = O_GENRE, .type = OT_CUSTOM, .flags = OF_INV | OF_MAND,
	  .has_arg = true, OPT_INVDST(struct osf_data, inv),
	  .help_arg = "name", .help = "the system's genre, as the fingerprints name it" },
	{ .name = "ttl", .id = O_TTL, .type = OT_UINT, .flags = OF_NOINV_XT, .max = 2,
	  OPT_DST(struct osf_data, info.ttl), .help_arg = "0|1|2",
	  .help = "TTL test: 0 equal, 1 not above, 2 none" },
	{ .name = "log", .id = O_LOG, .type = OT_UINT, .flags = OF_NOINV_XT, .max = 2,
	  OPT_DST(struct osf_data, info.loglevel), .help_arg = "0|1|2",
	  .help = "log findings: 0 all, 1 first, 2 known only" },
	{ .name = NULL },
};

static int osf_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_osf_info *info = &((struct osf_data *)data)->info;

	(void)id;
	(void)ctx;
	(void)inv;
	/* a longer genre is cut, as the reference cuts it */
	snprintf(info->genre, sizeof(info->genre), "%s", arg);
	info->len = (uint32_t)strlen(info->genre);
	return 0;
}

static int osf_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct osf_data *d = data;

	(void)ctx;
	if (seen & (1u << O_TTL))
		d->info.flags |= XT_OSF_TTL;
	if (seen & (1u << O_LOG))
		d->info.flags |= XT_OSF_LOG;
	if (d->inv)
		d->info.flags |= XT_OSF_INVERT;
	d->inv = false;
	return 0;
}

static void osf_linearize(struct lin_ctx *c, const void *data)
{
	const struct osf_data *d = data;

	lin_xt(c, false, "osf", 0, &d->info, sizeof(d->info));
}

static bool osf_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_osf_info *info = &((struct osf_data *)data)->info;
	const uint8_t *blob = xt_blob(delin_peek(c), false, "osf", 0, sizeof(*info));

	if (!blob)
		return false;
	memcpy(info, blob, sizeof(*info));
	if (!memchr(info->genre, '\0', sizeof(info->genre)) || (info->flags & ~NF_OSF_FLAGMASK))
		return false;
	/* the bytes after the genre stay zero, as parse leaves them */
	memset(info->genre + strlen(info->genre), 0, sizeof(info->genre) - strlen(info->genre));
	c->pos++;
	return true;
}

static void osf_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct xt_osf_info *info = &((const struct osf_data *)data)->info;

	(void)r;
	(void)fmt;
	sb_printf(out, " OS fingerprint match %s%s",
		  info->flags & XT_OSF_INVERT ? "! " : "", info->genre);
}

static void osf_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_osf_info *info = &((const struct osf_data *)data)->info;

	(void)r;
	sb_printf(out, "%s --genre %s", info->flags & XT_OSF_INVERT ? " !" : "", info->genre);
	if (info->flags & XT_OSF_TTL)
		sb_printf(out, " --ttl %u", info->ttl);
	if (info->flags & XT_OSF_LOG)
		sb_printf(out, " --log %u", info->loglevel);
}

const struct extension ext_osf = {
	.name = "osf",
	.kind = EXT_MATCH,
	.families = EXT_IPV4,
	.size = sizeof(struct osf_data),
	.opts = osf_opts,
	.parse = osf_parse,
	.check = osf_check,
	.linearize = osf_linearize,
	.delinearize = osf_delinearize,
	.print = osf_print,
	.save = osf_save,
};
