/* -m state --state: connection tracking state (ct state & bits != 0).
 * The same expressions as conntrack --ctstate; the match list in the
 * rule's userdata remembers which one was written, so this match claims
 * ct state only where the list names it. */
#include "ctstate.h"
#include "ext.h"

struct state_data {
	uint32_t bits;
	bool inv;
};

enum { O_STATE };

static const struct ext_opt state_opts[] = {
	{ .name = "state", .has_arg = true, .id = O_STATE, .invertible = true },
	{ .name = NULL },
};

static int state_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct state_data *d = data;

	(void)id;
	d->inv = inv;
	return ctstate_parse(arg, false, &d->bits, ctx->err, "state");
}

static int state_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!seen)
		return err_param(ctx->err, "state: option \"--state\" must be specified\n");
	return 0;
}

static void state_linearize(struct lin_ctx *c, const void *data)
{
	const struct state_data *d = data;

	ctstate_linearize(c, d->bits, d->inv);
}

static bool state_delinearize(struct delin_ctx *c, void *data)
{
	struct state_data *d = data;
	unsigned start = c->pos;

	if (ctstate_alias_blob(delin_peek(c), &d->bits, &d->inv)) {
		c->pos++;
		return true;
	}
	if (!c->listed)
		return false;
	if (!ctstate_delinearize(c, &d->bits, &d->inv))
		return false;
	if (d->bits & CTS_NAT_BITS) {
		c->pos = start;
		return false;
	}
	return true;
}

static void state_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct state_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, d->inv ? " ! state " : " state ");
	ctstate_text(out, d->bits);
}

static void state_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct state_data *d = data;

	(void)r;
	sb_add(out, d->inv ? " ! --state " : " --state ");
	ctstate_text(out, d->bits);
}

const struct extension ext_state = {
	.name = "state",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct state_data),
	.opts = state_opts,
	.parse = state_parse,
	.check = state_check,
	.linearize = state_linearize,
	.delinearize = state_delinearize,
	.print = state_print,
	.save = state_save,
};
