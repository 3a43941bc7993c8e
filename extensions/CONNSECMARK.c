/* -j CONNSECMARK --save | --restore: copy the security mark (SECMARK's)
 * from the packet to its connection, or from the connection to the
 * packet where the packet has none (the mangle and security tables; the
 * packet goes on to the next rule).
 *
 * nf_tables' ct secmark reads and writes the same field, but the target
 * copies only where the destination is unset and the source set, which
 * no statement does; so the rule holds the reference's xt target in
 * both write modes: revision 0, struct xt_connsecmark_target_info padded
 * to 8 bytes, one byte: CONNSECMARK_SAVE or CONNSECMARK_RESTORE.
 */
#include <linux/netfilter/xt_CONNSECMARK.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

struct connsecmark_data {
	uint8_t mode;
};

enum { O_SAVE, O_RESTORE };

static const struct ext_opt connsecmark_opts[] = {
	{ .name = "save", .id = O_SAVE, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  .excl = 1u << O_RESTORE, OPT_DST(struct connsecmark_data, mode),
	  .max = CONNSECMARK_SAVE, .help = "copy the packet's mark to the connection" },
	{ .name = "restore", .id = O_RESTORE, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  .excl = 1u << O_SAVE, OPT_DST(struct connsecmark_data, mode),
	  .max = CONNSECMARK_RESTORE, .help = "copy the connection's mark to the packet" },
	{ .name = NULL },
};

static int connsecmark_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!seen)
		return err_param(ctx->err, "CONNSECMARK target: parameter required");
	return 0;
}

static enum compat_res connsecmark_compat(struct lin_ctx *c, const void *data,
					  struct xt_out *out)
{
	(void)c;
	return tg_compat_blob(out, 0, data, sizeof(struct xt_connsecmark_target_info));
}

static bool connsecmark_delinearize(struct delin_ctx *c, void *data)
{
	struct connsecmark_data *d = data;
	const uint8_t *p = tg_xt_blob(delin_peek(c), "CONNSECMARK", 0,
				      sizeof(struct xt_connsecmark_target_info));

	if (!p)
		return false;
	d->mode = p[0];
	c->pos++;
	return true;
}

static const char *connsecmark_word(const struct connsecmark_data *d)
{
	return d->mode == CONNSECMARK_SAVE ? "save"
	       : d->mode == CONNSECMARK_RESTORE ? "restore" : NULL;
}

static void connsecmark_print(struct strbuf *out, const void *data, const struct rule *r,
			      unsigned fmt)
{
	const char *w = connsecmark_word(data);

	(void)r;
	(void)fmt;
	sb_add(out, " CONNSECMARK");
	if (w)
		sb_printf(out, " %s", w);
}

static void connsecmark_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const char *w = connsecmark_word(data);

	(void)r;
	if (w)
		sb_printf(out, " --%s", w);
}

const struct extension ext_CONNSECMARK = {
	.name = "CONNSECMARK",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct connsecmark_data),
	.opts = connsecmark_opts,
	.check = connsecmark_check,
	.compat = connsecmark_compat,
	.xt_only = xt_always,
	.delinearize = connsecmark_delinearize,
	.print = connsecmark_print,
	.save = connsecmark_save,
};
