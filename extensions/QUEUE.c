/* -j QUEUE: the old standard target, queue 0 in today's terms.
 *
 *   queue num 0
 *
 * The reference writes an xt target "QUEUE" that no kernel has any more,
 * so the kernel refuses its rule ("No such file or directory"); the
 * native queue does what QUEUE always meant, where the kernel has the
 * expression, and is refused the same way where it has not. It reads
 * back as NFQUEUE --queue-num 0, which is the same thing. --compat
 * writes the reference's target, refused alike.
 */
#include <stdio.h>
#include <libnftnl/expr.h>
#include <stdlib.h>

#include "ext.h"
#include "expr.h"
#include "tgutil.h"
#include "util.h"

static void queue_linearize(struct lin_ctx *c, const void *data)
{
	struct nftnl_expr *e = nftnl_expr_alloc("queue");

	(void)data;
	if (!e)
		out_of_memory();
	nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_NUM, 0);
	lin_add(c, e);
}

/* The reference's own target: 8 bytes of zeros (a standard target's
 * verdict, aligned), under the name QUEUE. */
static enum compat_res queue_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	static const uint8_t zeros[8];

	(void)c;
	(void)data;
	return tg_compat_blob(out, 0, zeros, sizeof(zeros));
}

const struct extension ext_QUEUE = {
	.name = "QUEUE",
	/* a standard target to the reference, whose -v says so */
	.list_name = "standard",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = 1,
	.linearize = queue_linearize,
	.compat = queue_compat,
};
