/* -j SECMARK --selctx CONTEXT: give the packet the security mark of an
 * SELinux context (the mangle and security tables; the packet goes on
 * to the next rule).
 *
 * The kernel turns the context into a mark through the LSM when the rule
 * is added (and refuses it, "No such file or directory", where no LSM
 * knows the context), and nf_tables' secmark objects are named objects
 * of nft's own, so the rule holds the reference's xt target in both
 * write modes: revision 1, struct xt_secmark_target_info_v1, 264 bytes:
 *
 *   0      1                  257  260     264
 *   +------+------------------+----+-------+
 *   | mode | secctx[256]      | pad| secid |   mode SECMARK_MODE_SEL;
 *   +------+------------------+----+-------+   secid is the kernel's
 */
#include <linux/netfilter/xt_SECMARK.h>
#include <stdio.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define SECMARK_REV 1
#define SECMARK_INFO_LEN offsetof(struct xt_secmark_target_info_v1, secid)

struct secmark_data {
	uint8_t mode;
	char secctx[SECMARK_SECCTX_MAX];
};

static const struct ext_opt secmark_opts[] = {
	/* a string longer than a typed option's size holds: parse's */
	{ .name = "selctx", .type = OT_CUSTOM, .has_arg = true, .flags = OF_MAND | OF_NOINV_XT,
	  .help_arg = "context", .help = "the SELinux context whose mark is set" },
	{ .name = NULL },
};

/* 255 characters at most, the rest cut */
static int secmark_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct secmark_data *d = data;

	(void)ctx;
	(void)id;
	(void)inv;
	snprintf(d->secctx, sizeof(d->secctx), "%s", arg);
	return 0;
}

static int secmark_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)ctx;
	(void)seen;
	((struct secmark_data *)data)->mode = SECMARK_MODE_SEL;
	return 0;
}

static enum compat_res secmark_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct secmark_data *d = data;
	struct xt_secmark_target_info_v1 info;

	(void)c;
	memset(&info, 0, sizeof(info));
	info.mode = d->mode;
	memcpy(info.secctx, d->secctx, sizeof(info.secctx));
	return tg_compat_blob(out, SECMARK_REV, &info, sizeof(info));
}

static bool secmark_delinearize(struct delin_ctx *c, void *data)
{
	struct secmark_data *d = data;
	struct xt_secmark_target_info_v1 info;
	const void *p = tg_xt_blob(delin_peek(c), "SECMARK", SECMARK_REV, SECMARK_INFO_LEN);

	if (!p)
		return false;
	memcpy(&info, p, SECMARK_INFO_LEN);
	d->mode = info.mode;
	memcpy(d->secctx, info.secctx, sizeof(d->secctx));
	d->secctx[sizeof(d->secctx) - 1] = '\0';
	c->pos++;
	return true;
}

static void secmark_print(struct strbuf *out, const void *data, const struct rule *r,
			  unsigned fmt)
{
	const struct secmark_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, " SECMARK");
	if (d->mode == SECMARK_MODE_SEL)
		sb_printf(out, " selctx %s", d->secctx);
}

static void secmark_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct secmark_data *d = data;

	(void)r;
	if (d->mode == SECMARK_MODE_SEL)
		sb_printf(out, " --selctx %s", d->secctx);
}

const struct extension ext_SECMARK = {
	.name = "SECMARK",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct secmark_data),
	.opts = secmark_opts,
	.parse = secmark_parse,
	.check = secmark_check,
	.compat = secmark_compat,
	.xt_only = xt_always,
	.delinearize = secmark_delinearize,
	.print = secmark_print,
	.save = secmark_save,
};
