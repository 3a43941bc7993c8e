/* -j CHECKSUM --checksum-fill: compute the checksum of a packet whose
 * checksum the stack left to the hardware (old DHCP clients drop such
 * packets when they arrive through a virtual device).
 *
 * nf_tables has no statement that completes a partial checksum, so the
 * rule holds the reference's xt target in both write modes: revision 0,
 * struct xt_CHECKSUM_info (one byte of operation bits) padded to the
 * eight bytes of an xt blob. The kernel takes it in the mangle table
 * only, and refuses it elsewhere with the reference's "Invalid argument".
 */
#include <linux/netfilter/xt_CHECKSUM.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define CHECKSUM_BLOB_LEN 8

struct checksum_data {
	uint8_t op;	/* XT_CHECKSUM_OP_* bits */
};

static const struct ext_opt checksum_opts[] = {
	{ .name = "checksum-fill", .type = OT_FLAG, .flags = OF_MAND | OF_NOINV_XT,
	  OPT_DST(struct checksum_data, op), .max = XT_CHECKSUM_OP_FILL,
	  .help = "complete the checksum the stack left open" },
	{ .name = NULL },
};

static void checksum_blob(const struct checksum_data *d, uint8_t blob[CHECKSUM_BLOB_LEN])
{
	memset(blob, 0, CHECKSUM_BLOB_LEN);
	blob[offsetof(struct xt_CHECKSUM_info, operation)] = d->op;
}

static void checksum_linearize(struct lin_ctx *c, const void *data)
{
	uint8_t blob[CHECKSUM_BLOB_LEN];

	checksum_blob(data, blob);
	lin_xt(c, true, "CHECKSUM", 0, blob, sizeof(blob));
}

static bool checksum_delinearize(struct delin_ctx *c, void *data)
{
	struct checksum_data *d = data;
	const uint8_t *blob = tg_xt_blob(delin_peek(c), "CHECKSUM", 0,
					 sizeof(struct xt_CHECKSUM_info));

	if (!blob)
		return false;
	d->op = blob[offsetof(struct xt_CHECKSUM_info, operation)];
	c->pos++;
	return true;
}

static void checksum_print(struct strbuf *out, const void *data, const struct rule *r,
			   unsigned fmt)
{
	const struct checksum_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, " CHECKSUM");
	if (d->op & XT_CHECKSUM_OP_FILL)
		sb_add(out, " fill");
}

static void checksum_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct checksum_data *d = data;

	(void)r;
	if (d->op & XT_CHECKSUM_OP_FILL)
		sb_add(out, " --checksum-fill");
}

const struct extension ext_CHECKSUM = {
	.name = "CHECKSUM",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct checksum_data),
	.opts = checksum_opts,
	.linearize = checksum_linearize,
	.delinearize = checksum_delinearize,
	.print = checksum_print,
	.save = checksum_save,
};
