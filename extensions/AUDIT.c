/* -j AUDIT --type accept|drop|reject: send an audit record about the
 * packet, naming the action given, and go on to the next rule.
 *
 * nf_tables' nearest statement, `log level audit`, records a fixed
 * kind of event without the action, so the rule holds the reference's
 * xt target in both write modes: revision 0, struct xt_audit_info (one
 * byte, XT_AUDIT_TYPE_*) padded to the eight bytes of an xt blob.
 */
#include <linux/netfilter/xt_AUDIT.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "ext.h"
#include "tgutil.h"
#include "util.h"

#define AUDIT_BLOB_LEN 8

struct audit_data {
	uint8_t type;	/* XT_AUDIT_TYPE_* */
};

static const char *const audit_types[] = {
	[XT_AUDIT_TYPE_ACCEPT] = "accept",
	[XT_AUDIT_TYPE_DROP] = "drop",
	[XT_AUDIT_TYPE_REJECT] = "reject",
};

static const struct ext_opt audit_opts[] = {
	{ .name = "type", .type = OT_CUSTOM, .has_arg = true, .flags = OF_MAND | OF_NOINV_XT,
	  .help_arg = "accept|drop|reject", .help = "the action the audit record names" },
	{ .name = NULL },
};

static int audit_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct audit_data *d = data;
	uint8_t t;

	(void)id;
	(void)inv;
	for (t = 0; t <= XT_AUDIT_TYPE_MAX; t++) {
		if (strcasecmp(arg, audit_types[t]) == 0) {
			d->type = t;
			return 0;
		}
	}
	return err_param(ctx->err, "Bad action type value \"%s\"", arg);
}

static void audit_linearize(struct lin_ctx *c, const void *data)
{
	const struct audit_data *d = data;
	uint8_t blob[AUDIT_BLOB_LEN] = { 0 };

	blob[offsetof(struct xt_audit_info, type)] = d->type;
	lin_xt(c, true, "AUDIT", 0, blob, sizeof(blob));
}

static bool audit_delinearize(struct delin_ctx *c, void *data)
{
	struct audit_data *d = data;
	const uint8_t *blob = tg_xt_blob(delin_peek(c), "AUDIT", 0, sizeof(struct xt_audit_info));

	if (!blob || blob[offsetof(struct xt_audit_info, type)] > XT_AUDIT_TYPE_MAX)
		return false;
	d->type = blob[offsetof(struct xt_audit_info, type)];
	c->pos++;
	return true;
}

static void audit_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct audit_data *d = data;

	(void)r;
	(void)fmt;
	sb_printf(out, " AUDIT %s", audit_types[d->type]);
}

static void audit_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct audit_data *d = data;

	(void)r;
	sb_printf(out, " --type %s", audit_types[d->type]);
}

const struct extension ext_AUDIT = {
	.name = "AUDIT",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct audit_data),
	.opts = audit_opts,
	.parse = audit_parse,
	.linearize = audit_linearize,
	.delinearize = audit_delinearize,
	.print = audit_print,
	.save = audit_save,
};
