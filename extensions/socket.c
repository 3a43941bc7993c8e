/* -m socket: the packet belongs to a local socket (xt_socket).
 *
 *   --transparent      only sockets with IP_TRANSPARENT count
 *   --nowildcard       listeners bound to the any address count too
 *   --restore-skmark   a matching full socket's mark becomes the packet's
 *
 * iptnft writes the reference's own xt blob, revision 3, in both write
 * modes. nf_tables' socket expression reads the same lookup but is not
 * the same match: `socket wildcard` stops the rule on a time-wait or
 * request socket where xt_socket matches it, nothing loads "a socket
 * exists" for the plain match, there is no restore of the socket mark
 * in one expression, and xt_socket turns on IP defragmentation in the
 * namespace where the nf_tables expression does not.
 */
#include <linux/netfilter/xt_socket.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "xtopt.h"

#define SOCKET_REV 3
/* struct xt_socket_mtinfo3 is one byte; the kernel keeps it padded to 8 */
#define SOCKET_BLOB_LEN 8

/*
 * The blob, struct xt_socket_mtinfo3:
 *
 *   0       1                    8
 *   +-------+--------------------+
 *   | flags | (pad)              |   XT_SOCKET_TRANSPARENT 1,
 *   +-------+--------------------+   _NOWILDCARD 2, _RESTORESKMARK 4
 *
 * Revisions 1 and 2 have the same byte with fewer flags, revision 0 no
 * blob at all (flags 0): all are read.
 */
struct socket_data {
	uint8_t flags;
};

enum { O_NOWILDCARD, O_TRANSPARENT, O_RESTORESKMARK };

#define SOCKET_FLAG(opt, id_, bit, what)                                                      \
	{ .name = opt, .id = id_, .type = OT_FLAG, .flags = OF_NOINV_XT,                      \
	  OPT_DST(struct socket_data, flags), .max = bit, .help = what }

static const struct ext_opt socket_opts[] = {
	SOCKET_FLAG("nowildcard", O_NOWILDCARD, XT_SOCKET_NOWILDCARD,
		    "count listeners bound to the any address too"),
	SOCKET_FLAG("transparent", O_TRANSPARENT, XT_SOCKET_TRANSPARENT,
		    "count only sockets with IP_TRANSPARENT set"),
	SOCKET_FLAG("restore-skmark", O_RESTORESKMARK, XT_SOCKET_RESTORESKMARK,
		    "on a match, copy the socket's mark to the packet"),
	{ .name = NULL },
};

static void socket_linearize(struct lin_ctx *c, const void *data)
{
	uint8_t blob[SOCKET_BLOB_LEN] = { ((const struct socket_data *)data)->flags };

	lin_xt(c, false, "socket", SOCKET_REV, blob, sizeof(blob));
}

static bool socket_delinearize(struct delin_ctx *c, void *data)
{
	struct socket_data *d = data;
	struct item *it = delin_peek(c);
	const uint8_t *p = NULL;
	uint32_t rev;

	for (rev = SOCKET_REV; rev >= 1 && !p; rev--)
		p = xt_blob(it, false, "socket", rev, 1);
	if (p)
		d->flags = *p;
	else if (!xt_blob(it, false, "socket", 0, 0))
		return false;
	c->pos++;
	return true;
}

/* the flags in the reference's order, each with its option name */
static void socket_flags_text(struct strbuf *out, uint8_t flags)
{
	if (flags & XT_SOCKET_TRANSPARENT)
		sb_add(out, " --transparent");
	if (flags & XT_SOCKET_NOWILDCARD)
		sb_add(out, " --nowildcard");
	if (flags & XT_SOCKET_RESTORESKMARK)
		sb_add(out, " --restore-skmark");
}

static void socket_print(struct strbuf *out, const void *data, const struct rule *r,
			 unsigned fmt)
{
	(void)r;
	(void)fmt;
	sb_add(out, " socket");
	socket_flags_text(out, ((const struct socket_data *)data)->flags);
}

static void socket_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	socket_flags_text(out, ((const struct socket_data *)data)->flags);
}

const struct extension ext_socket = {
	.name = "socket",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct socket_data),
	.opts = socket_opts,
	/* the reference writes the same blob: no compat of its own */
	.linearize = socket_linearize,
	.delinearize = socket_delinearize,
	.print = socket_print,
	.save = socket_save,
};
