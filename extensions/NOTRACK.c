/* -j NOTRACK: leave the packet untracked (raw table).
 *
 *   notrack
 *
 * A lone notrack statement; CT --notrack writes its zone statement first
 * (CT.c). -L shows the target as CT, as the reference does, which makes
 * NOTRACK an alias of CT --notrack.
 *
 * Read back as well: the reference's blob, target CT with the notrack and
 * alias flags, and the old target NOTRACK. --compat writes the former.
 */
#include <stdio.h>
#include <libnftnl/expr.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "expr.h"
#include "tgutil.h"
#include "util.h"

#define CTF_NOTRACK 0x01	/* XT_CT_NOTRACK */
#define CTF_ALIAS 0x02		/* XT_CT_NOTRACK_ALIAS */

static void notrack_linearize(struct lin_ctx *c, const void *data)
{
	struct nftnl_expr *e;

	(void)data;
	if (tg_misplaced(c, "raw", TG_ANY_HOOK)) {
		tg_lin_refuse(c);
		return;
	}
	e = nftnl_expr_alloc("notrack");
	if (!e)
		out_of_memory();
	lin_add(c, e);
}

/* The reference writes NOTRACK as target CT, revision 2 (CT.c has the
 * picture), whose first u16 holds the flags. */
static bool notrack_blob(const struct item *it)
{
	const uint8_t *b = tg_xt_blob(it, "CT", 2, 60);
	uint16_t flags;

	if (!b)
		b = tg_xt_blob(it, "CT", 1, 60);
	if (!b)
		return tg_xt_blob(it, "NOTRACK", 0, 0) != NULL;
	memcpy(&flags, b, 2);
	return flags == (CTF_NOTRACK | CTF_ALIAS);
}

static bool notrack_delinearize(struct delin_ctx *c, void *data)
{
	struct item *it = delin_peek(c);

	(void)data;
	if (!tg_stmt(it, "notrack") && !notrack_blob(it))
		return false;
	c->pos++;
	return true;
}

/* The reference's layout: target CT, revision 2, 72 bytes of which only
 * the flags are set. */
static enum compat_res notrack_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	uint8_t b[72] = { 0 };
	uint16_t flags = CTF_NOTRACK | CTF_ALIAS;

	(void)c;
	(void)data;
	memcpy(b, &flags, 2);
	snprintf(out->name, sizeof(out->name), "CT");
	return tg_compat_blob(out, 2, b, sizeof(b));
}

static void notrack_print(struct strbuf *out, const void *data, const struct rule *r,
			  unsigned fmt)
{
	(void)data;
	(void)r;
	(void)fmt;
	sb_add(out, " NOTRACK");
}

const struct extension ext_NOTRACK = {
	.name = "NOTRACK",
	.list_name = "CT",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = 1,
	.linearize = notrack_linearize,
	.compat = notrack_compat,
	.delinearize = notrack_delinearize,
	.print = notrack_print,
};
