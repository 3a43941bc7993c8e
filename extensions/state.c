/* -m state --state: connection tracking state (ct state & bits != 0).
 * The same expressions as conntrack --ctstate; the match list in the
 * rule's userdata remembers which one was written, so this match claims
 * ct state only where the list names it. The reference writes a
 * conntrack blob flagged as the state alias instead. */
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_conntrack.h>
#include <stdio.h>
#include <string.h>

#include "ctstate.h"
#include "ext.h"

struct state_data {
	uint32_t bits;
	bool inv;
};

enum { O_STATE };

static const struct ext_opt state_opts[] = {
	{ .name = "state", .id = O_STATE, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV | OF_MAND, OPT_INVDST(struct state_data, inv),
	  .help_arg = "state[,state...]",
	  .help = "connection in any of the listed states" },
	{ .name = NULL },
};

static int state_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct state_data *d = data;

	(void)id;
	(void)inv;
	return ctstate_parse(arg, false, &d->bits, ctx->err, "state");
}

static void state_linearize(struct lin_ctx *c, const void *data)
{
	const struct state_data *d = data;

	ctstate_linearize(c, d->bits, d->inv);
}

/* --compat: conntrack revision 3, only the state fields set. */
static enum compat_res state_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct state_data *d = data;
	struct xt_conntrack_mtinfo3 info;

	(void)c;
	memset(&info, 0, sizeof(info));
	info.match_flags = XT_CONNTRACK_STATE | XT_CONNTRACK_STATE_ALIAS;
	info.invert_flags = d->inv ? XT_CONNTRACK_STATE : 0;
	info.state_mask = ctstate_to_xt(d->bits);
	snprintf(out->name, sizeof(out->name), "conntrack");
	out->rev = 3;
	out->len = XT_ALIGN(sizeof(info));
	memcpy(out->info, &info, sizeof(info));
	return COMPAT_XT;
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
	.linearize = state_linearize,
	.compat = state_compat,
	.delinearize = state_delinearize,
	.print = state_print,
	.save = state_save,
};
