/* -m quota [!] --quota bytes: match until the rule has let that many
 * bytes through.
 *
 * xt_quota counts down and matches a packet only while what is left
 * covers the whole packet, taking nothing from a packet it refuses;
 * nf_tables' quota adds every packet and matches while the sum stays
 * below the limit. The two part ways at the last packet, so the rule
 * holds the reference's xt match in both write modes: revision 0,
 * struct xt_quota_info, 24 bytes:
 *
 *   0       4       8                 16                24
 *   +-------+-------+-----------------+-----------------+
 *   | flags | pad   | quota (u64)     | master (kernel) |
 *   +-------+-------+-----------------+-----------------+
 *   flags: XT_QUOTA_INVERT
 */
#include <linux/netfilter/xt_quota.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

#define QUOTA_BLOB_LEN 24

struct quota_data {
	uint64_t quota;
	bool inv;
};

static const struct ext_opt quota_opts[] = {
	{ .name = "quota", .type = OT_UINT, .flags = OF_INV | OF_MAND,
	  OPT_DST(struct quota_data, quota), OPT_INVDST(struct quota_data, inv),
	  .help_arg = "bytes", .help = "matches until the rule has passed this many bytes" },
	{ .name = NULL },
};

static void quota_linearize(struct lin_ctx *c, const void *data)
{
	const struct quota_data *d = data;
	uint8_t blob[QUOTA_BLOB_LEN] = { 0 };
	uint32_t flags = d->inv ? XT_QUOTA_INVERT : 0;

	memcpy(blob + offsetof(struct xt_quota_info, flags), &flags, 4);
	memcpy(blob + offsetof(struct xt_quota_info, quota), &d->quota, 8);
	lin_xt(c, false, "quota", 0, blob, sizeof(blob));
}

static bool quota_delinearize(struct delin_ctx *c, void *data)
{
	struct quota_data *d = data;
	const uint8_t *blob = xt_blob(delin_peek(c), false, "quota", 0, QUOTA_BLOB_LEN);
	uint32_t flags;

	if (!blob)
		return false;
	memcpy(&flags, blob + offsetof(struct xt_quota_info, flags), 4);
	if (flags & ~(uint32_t)XT_QUOTA_MASK)
		return false;
	memcpy(&d->quota, blob + offsetof(struct xt_quota_info, quota), 8);
	d->inv = flags & XT_QUOTA_INVERT;
	c->pos++;
	return true;
}

/* -L leaves the '!' out, as the reference does */
static void quota_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct quota_data *d = data;

	(void)r;
	(void)fmt;
	sb_printf(out, " quota: %llu bytes", (unsigned long long)d->quota);
}

static void quota_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct quota_data *d = data;

	(void)r;
	sb_printf(out, "%s --quota %llu", d->inv ? " !" : "", (unsigned long long)d->quota);
}

const struct extension ext_quota = {
	.name = "quota",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct quota_data),
	.opts = quota_opts,
	.linearize = quota_linearize,
	.delinearize = quota_delinearize,
	.print = quota_print,
	.save = quota_save,
};
