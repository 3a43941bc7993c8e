/* -m conntrack: connection tracking properties. This file has --ctstate;
 * the other options follow the same pattern. */
#include "ctstate.h"
#include "ext.h"

struct conntrack_data {
	bool has_state, inv_state;
	uint32_t state;
};

enum { O_CTSTATE };

static const struct ext_opt conntrack_opts[] = {
	{ .name = "ctstate", .has_arg = true, .id = O_CTSTATE, .invertible = true },
	{ .name = NULL },
};

static int conntrack_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct conntrack_data *d = data;

	switch (id) {
	case O_CTSTATE:
		d->has_state = true;
		d->inv_state = inv;
		return ctstate_parse(arg, true, &d->state, ctx->err, "ctstate");
	}
	return 0;
}

static int conntrack_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!seen)
		return err_param(ctx->err, "conntrack: At least one option is required");
	return 0;
}

static void conntrack_linearize(struct lin_ctx *c, const void *data)
{
	const struct conntrack_data *d = data;

	if (d->has_state)
		ctstate_linearize(c, d->state, d->inv_state);
}

static bool conntrack_delinearize(struct delin_ctx *c, void *data)
{
	struct conntrack_data *d = data;

	if (!ctstate_delinearize(c, &d->state, &d->inv_state))
		return false;
	d->has_state = true;
	return true;
}

static void conntrack_print(struct strbuf *out, const void *data, const struct rule *r,
			    unsigned fmt)
{
	const struct conntrack_data *d = data;

	(void)r;
	(void)fmt;
	if (d->has_state) {
		sb_add(out, d->inv_state ? " ! ctstate " : " ctstate ");
		ctstate_text(out, d->state);
	}
}

static void conntrack_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct conntrack_data *d = data;

	(void)r;
	if (d->has_state) {
		sb_add(out, d->inv_state ? " ! --ctstate " : " --ctstate ");
		ctstate_text(out, d->state);
	}
}

const struct extension ext_conntrack = {
	.name = "conntrack",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct conntrack_data),
	.opts = conntrack_opts,
	.parse = conntrack_parse,
	.check = conntrack_check,
	.linearize = conntrack_linearize,
	.delinearize = conntrack_delinearize,
	.print = conntrack_print,
	.save = conntrack_save,
};
