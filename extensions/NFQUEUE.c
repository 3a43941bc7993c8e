/* -j NFQUEUE: pass the packet to a userspace queue.
 *
 *   queue num N [total T] [flags bypass,fanout]
 *
 * total is there for --queue-balance only. A kernel built without the
 * native queue expression (nft_queue) would refuse every such rule; on
 * one, and only there, the rule falls back to the xt NFQUEUE target the
 * reference writes (revision 3), as --compat always does. Which kernel
 * this is, is asked once per handle (src/kfeat.c).
 *
 * Read back: the native expression and the reference's blob (any
 * revision).
 */
#include <stdio.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "expr.h"
#include "kfeat.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define QF_BYPASS 0x01		/* NFT_QUEUE_FLAG_BYPASS, NFQ_FLAG_BYPASS */
#define QF_FANOUT 0x02		/* NFT_QUEUE_FLAG_CPU_FANOUT, NFQ_FLAG_CPU_FANOUT */

struct nfqueue_data {
	uint16_t num;
	uint32_t total;		/* 1, or the size of a --queue-balance range */
	uint16_t flags;		/* QF_* */
};

enum { O_NUM, O_BALANCE, O_BYPASS, O_FANOUT };

static const struct ext_opt nfqueue_opts[] = {
	{ .name = "queue-num", .id = O_NUM, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct nfqueue_data, num), .excl = 1 << O_BALANCE, .help_arg = "number",
	  .help = "queue to hand the packet to (0-65535)" },
	/* a range of two numbers, the first below the second: parse's */
	{ .name = "queue-balance", .id = O_BALANCE, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "first:last",
	  .help = "spread flows over queues first to last" },
	{ .name = "queue-bypass", .id = O_BYPASS, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct nfqueue_data, flags), .max = QF_BYPASS,
	  .help = "accept the packet when no program listens" },
	{ .name = "queue-cpu-fanout", .id = O_FANOUT, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct nfqueue_data, flags), .max = QF_FANOUT, .also = 1 << O_BALANCE,
	  .help = "with --queue-balance: choose queue by CPU" },
	{ .name = NULL },
};

/* "first:last", either side may be left out (0, 65535). A range of all
 * 65536 queues passes here, as with the reference, and the kernel refuses
 * it. */
static int parse_balance(struct parse_ctx *ctx, const char *arg, struct nfqueue_data *d)
{
	uint64_t lo, hi;
	unsigned n;

	if (xt_parse_uint_range(ctx->err, "NFQUEUE", "queue-balance", arg, UINT16_MAX, &lo, &hi,
				&n) < 0)
		return -1;
	if (n != 2)
		return err_param(ctx->err, "Bad range \"%s\"", arg);
	if (lo >= hi)
		return err_param(ctx->err, "%u should be less than %u", (unsigned)lo, (unsigned)hi);
	d->num = (uint16_t)lo;
	d->total = (uint32_t)(hi - lo + 1);
	return 0;
}

static int nfqueue_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	(void)id;
	(void)inv;
	return parse_balance(ctx, arg, data);
}

/* One queue unless --queue-balance said how many. */
static int nfqueue_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct nfqueue_data *d = data;

	(void)ctx;
	(void)seen;
	if (!d->total)
		d->total = 1;
	return 0;
}

/* ---- writing and reading ---- */

/* The reference's blob, target NFQUEUE revision 3 (xt_NFQUEUE.h), padded
 * to 8 bytes; revisions 0 to 2 are its first 2, 4 and 6 bytes with
 * byte 4 a bypass bool (rev 2):
 *
 *   0          2             4          6      8
 *   +----------+-------------+----------+------+
 *   | queuenum | queues_total| flags    | pad  |   (u16s, host order)
 *   +----------+-------------+----------+------+
 */
#define NFQ_BLOB_LEN 8

static void nfqueue_linearize(struct lin_ctx *c, const void *data)
{
	const struct nfqueue_data *d = data;
	/* all 65536 queues wrap to 0, which the kernel refuses */
	uint16_t blob[NFQ_BLOB_LEN / 2] = { d->num, (uint16_t)d->total, d->flags, 0 };
	struct nftnl_expr *e;

	if (!kfeat_has(c->feat, KF_QUEUE, c->family)) {
		lin_xt(c, true, "NFQUEUE", 3, blob, sizeof(blob));
		return;
	}
	e = nftnl_expr_alloc("queue");
	if (!e)
		out_of_memory();
	nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_NUM, d->num);
	if (d->total != 1)
		nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_TOTAL, (uint16_t)d->total);
	if (d->flags)
		nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_FLAGS, d->flags);
	lin_add(c, e);
}

/* The reference writes the blob whatever the kernel has. */
static enum compat_res nfqueue_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct nfqueue_data *d = data;
	/* all 65536 queues wrap to 0, which the kernel refuses */
	uint16_t blob[NFQ_BLOB_LEN / 2] = { d->num, (uint16_t)d->total, d->flags, 0 };

	(void)c;
	return tg_compat_blob(out, 3, blob, sizeof(blob));
}

static bool nfqueue_from_native(const struct nftnl_expr *e, struct nfqueue_data *d)
{
	if (nftnl_expr_is_set(e, NFTNL_EXPR_QUEUE_SREG_QNUM))
		return false;
	d->num = nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_NUM);
	d->total = 1;
	if (nftnl_expr_is_set(e, NFTNL_EXPR_QUEUE_TOTAL))
		d->total = nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_TOTAL);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_QUEUE_FLAGS))
		d->flags = nftnl_expr_get_u16(e, NFTNL_EXPR_QUEUE_FLAGS);
	return d->total >= 1 && !(d->flags & ~(QF_BYPASS | QF_FANOUT));
}

static bool nfqueue_from_blob(const struct item *it, struct nfqueue_data *d)
{
	static const uint32_t lens[] = { 2, 4, 6, 6 };
	uint16_t v[3] = { 0, 1, 0 };
	const void *b = NULL;
	uint32_t rev;

	for (rev = 0; rev < ARRAY_SIZE(lens) && !b; rev++)
		b = tg_xt_blob(it, "NFQUEUE", rev, lens[rev]);
	if (!b)
		return false;
	rev--;
	memcpy(v, b, lens[rev]);
	d->num = v[0];
	d->total = rev >= 1 && v[1] ? v[1] : 1;
	if (rev == 2)
		d->flags = ((const uint8_t *)b)[4] ? QF_BYPASS : 0;
	else if (rev == 3)
		d->flags = v[2] & (QF_BYPASS | QF_FANOUT);
	return true;
}

static bool nfqueue_delinearize(struct delin_ctx *c, void *data)
{
	struct nfqueue_data *d = data;
	struct item *it = delin_peek(c);

	if (tg_stmt(it, "queue")) {
		if (!nfqueue_from_native(it->expr, d))
			return false;
	} else if (!nfqueue_from_blob(it, d)) {
		return false;
	}
	c->pos++;
	return true;
}

static void nfqueue_text(struct strbuf *out, const struct nfqueue_data *d, bool save)
{
	if (d->total > 1)
		sb_printf(out, save ? " --queue-balance %u:%u" : " NFQUEUE balance %u:%u", d->num,
			  d->num + d->total - 1u);
	else
		sb_printf(out, save ? " --queue-num %u" : " NFQUEUE num %u", d->num);
	if (d->flags & QF_BYPASS)
		sb_add(out, save ? " --queue-bypass" : " bypass");
	if (d->flags & QF_FANOUT)
		sb_add(out, save ? " --queue-cpu-fanout" : " cpu-fanout");
}

static void nfqueue_print(struct strbuf *out, const void *data, const struct rule *r,
			  unsigned fmt)
{
	(void)r;
	(void)fmt;
	nfqueue_text(out, data, false);
}

static void nfqueue_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	nfqueue_text(out, data, true);
}

const struct extension ext_NFQUEUE = {
	.name = "NFQUEUE",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct nfqueue_data),
	.opts = nfqueue_opts,
	.parse = nfqueue_parse,
	.check = nfqueue_check,
	.linearize = nfqueue_linearize,
	.compat = nfqueue_compat,
	.delinearize = nfqueue_delinearize,
	.print = nfqueue_print,
	.save = nfqueue_save,
};
