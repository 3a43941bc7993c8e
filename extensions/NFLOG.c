/* -j NFLOG: hand the packet to nfnetlink_log listeners of a group.
 *
 *   log group G [prefix P] [snaplen S] [queue-threshold T]
 *
 * the layout the reference writes itself, so its rules and ours read
 * the same. snaplen is there only when --nflog-size was given (0 is a
 * size), queue-threshold only when not 0. --nflog-range never had an
 * effect: the reference warns, and writes nothing for it.
 */
#include <stdio.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "expr.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define NFLOG_PREFIX_MAX 127	/* the kernel's NF_LOG_PREFIXLEN - 1 */

struct nflog_data {
	uint16_t group;
	uint16_t threshold;
	bool has_size;
	uint32_t size;
	char prefix[NFLOG_PREFIX_MAX + 1];
};

enum { O_GROUP, O_PREFIX, O_RANGE, O_SIZE, O_THRESHOLD };

#define NFLOG_NUM_OPT(opt, id_, field, what)                                                \
	{ .name = opt, .id = id_, .type = OT_UINT, .flags = OF_NOINV_XT,                      \
	  OPT_DST(struct nflog_data, field), .help_arg = "number", .help = what }

static const struct ext_opt nflog_opts[] = {
	NFLOG_NUM_OPT("nflog-group", O_GROUP, group, "nflog group the packet is sent to"),
	/* its own messages for an empty or multi-line prefix, and a long
	 * one cut short: parse's */
	{ .name = "nflog-prefix", .id = O_PREFIX, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "prefix",
	  .help = "text passed along with each logged packet" },
	/* read and forgotten */
	{ .name = "nflog-range", .id = O_RANGE, .type = OT_UINT, .flags = OF_NOINV_XT,
	  .max = UINT32_MAX, .help_arg = "number", .help = "old, has no effect: see --nflog-size" },
	NFLOG_NUM_OPT("nflog-size", O_SIZE, size, "copy at most this many bytes of the packet"),
	NFLOG_NUM_OPT("nflog-threshold", O_THRESHOLD, threshold,
		      "packets queued in the kernel before sending"),
	{ .name = NULL },
};

static int nflog_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct nflog_data *d = data;

	(void)id;
	(void)inv;
	return tg_parse_log_prefix(ctx->err, "log-prefix", arg, d->prefix, NFLOG_PREFIX_MAX);
}

/* The reference warns of --nflog-range once all options are read, and
 * only then refuses it with --nflog-size: the walker's conflict check
 * would come before the warning. */
static int nflog_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct nflog_data *d = data;

	if (seen & (1u << O_RANGE))
		fprintf(stderr, "warn: --nflog-range has never worked and is no longer supported, please use --nflog-size instead\n");
	if ((seen & (1u << O_RANGE)) && (seen & (1u << O_SIZE)))
		return xt_err_conflict(ctx->err, "NFLOG", "nflog-range", "nflog-size");
	d->has_size = seen & (1u << O_SIZE);
	return 0;
}

static void nflog_linearize(struct lin_ctx *c, const void *data)
{
	const struct nflog_data *d = data;
	struct nftnl_expr *e = nftnl_expr_alloc("log");

	if (!e)
		out_of_memory();
	if (d->prefix[0])
		nftnl_expr_set_str(e, NFTNL_EXPR_LOG_PREFIX, d->prefix);
	nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_GROUP, d->group);
	if (d->has_size)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOG_SNAPLEN, d->size);
	if (d->threshold)
		nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_QTHRESHOLD, d->threshold);
	lin_add(c, e);
}

static bool nflog_delinearize(struct delin_ctx *c, void *data)
{
	struct nflog_data *d = data;
	struct item *it = delin_peek(c);
	const struct nftnl_expr *e;

	if (!tg_stmt(it, "log"))
		return false;
	e = it->expr;
	if (!nftnl_expr_is_set(e, NFTNL_EXPR_LOG_GROUP) ||
	    nftnl_expr_is_set(e, NFTNL_EXPR_LOG_LEVEL) || nftnl_expr_is_set(e, NFTNL_EXPR_LOG_FLAGS))
		return false;
	d->group = nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_GROUP);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_SNAPLEN)) {
		d->has_size = true;
		d->size = nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_SNAPLEN);
	}
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_QTHRESHOLD))
		d->threshold = nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_QTHRESHOLD);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_PREFIX))
		snprintf(d->prefix, sizeof(d->prefix), "%s",
			 nftnl_expr_get_str(e, NFTNL_EXPR_LOG_PREFIX));
	c->pos++;
	return true;
}

/* -L and -S say the same, with or without the dashes. */
static void nflog_text(struct strbuf *out, const struct nflog_data *d, const char *dash)
{
	if (d->prefix[0]) {
		sb_printf(out, " %snflog-prefix", dash);
		tg_save_string(out, d->prefix);
	}
	if (d->group)
		sb_printf(out, " %snflog-group %u", dash, d->group);
	if (d->has_size)
		sb_printf(out, " %snflog-size %u", dash, d->size);
	if (d->threshold)
		sb_printf(out, " %snflog-threshold %u", dash, d->threshold);
}

static void nflog_print(struct strbuf *out, const void *data, const struct rule *r,
			unsigned fmt)
{
	(void)r;
	(void)fmt;
	nflog_text(out, data, "");
}

static void nflog_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	nflog_text(out, data, "--");
}

const struct extension ext_NFLOG = {
	.name = "NFLOG",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct nflog_data),
	.opts = nflog_opts,
	.parse = nflog_parse,
	.check = nflog_check,
	.linearize = nflog_linearize,
	.delinearize = nflog_delinearize,
	.print = nflog_print,
	.save = nflog_save,
};
