/* -j LOG: write a line about the packet to the kernel log.
 *
 *   log [prefix P] [level L] [flags F]
 *
 * level is left out at its default (4, warning) and flags when none is
 * set, as nft writes `log`. A log with a group is NFLOG's (NFLOG.c).
 * Read back as well: the reference's xt blob, which --compat writes.
 */
#include <stdio.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "expr.h"
#include "num.h"
#include "tgutil.h"
#include "util.h"

#define LOG_PREFIX_MAX 29	/* the reference keeps this many characters */
#define LOG_DEFAULT_LEVEL 4

/* --log-* flags, as the kernel's NF_LOG_* (and XT_LOG_*) bits */
#define LOGF_TCPSEQ 0x01
#define LOGF_TCPOPT 0x02
#define LOGF_IPOPT 0x04
#define LOGF_UID 0x08
#define LOGF_MACDECODE 0x20
#define LOGF_ALL 0x2f

struct log_data {
	uint8_t level;
	uint8_t flags;
	char prefix[128];	/* longer ones than ours may be read back */
};

enum { O_LEVEL, O_PREFIX, O_TCPSEQ, O_TCPOPT, O_IPOPT, O_UID, O_MACDECODE };

/* What --log-level takes by name (or a number 0-7). */
static const struct ext_sym level_names[] = {
	{ "emerg", 0 }, { "alert", 1 }, { "crit", 2 }, { "error", 3 }, { "warning", 4 },
	{ "notice", 5 }, { "info", 6 }, { "debug", 7 }, { "panic", 0 }, { NULL, 0 },
};

#define LOG_FLAG_OPT(opt, id_, bit, what)                                                    \
	{ .name = opt, .id = id_, .type = OT_FLAG, .flags = OF_NOINV_XT,                      \
	  OPT_DST(struct log_data, flags), .max = bit, .help = what }

static const struct ext_opt log_opts[] = {
	{ .name = "log-level", .id = O_LEVEL, .type = OT_ENUM, .flags = OF_NOINV_XT | OF_NUM,
	  OPT_DST(struct log_data, level), .syms = level_names, .max = 7,
	  .bad = "log level \"%s\" unknown\n", .help_arg = "level",
	  .help = "syslog priority, by name or number" },
	/* its own messages, and a long one cut short: parse's */
	{ .name = "log-prefix", .id = O_PREFIX, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "prefix",
	  .help = "text at the start of each message (max 29 chars)" },
	LOG_FLAG_OPT("log-tcp-sequence", O_TCPSEQ, LOGF_TCPSEQ, "include TCP sequence numbers"),
	LOG_FLAG_OPT("log-tcp-options", O_TCPOPT, LOGF_TCPOPT, "include the TCP header's options"),
	LOG_FLAG_OPT("log-ip-options", O_IPOPT, LOGF_IPOPT, "include the IP header's options"),
	LOG_FLAG_OPT("log-uid", O_UID, LOGF_UID, "add the owning socket's user id"),
	LOG_FLAG_OPT("log-macdecode", O_MACDECODE, LOGF_MACDECODE,
		     "print the MAC header as its fields"),
	{ .name = NULL },
};

/* The flag options in the order -L and -S show them. */
static const struct {
	uint8_t bit;
	const char *list, *save;
} log_flags[] = {
	{ LOGF_TCPSEQ, "tcp-sequence", "--log-tcp-sequence" },
	{ LOGF_TCPOPT, "tcp-options", "--log-tcp-options" },
	{ LOGF_IPOPT, "ip-options", "--log-ip-options" },
	{ LOGF_UID, "uid", "--log-uid" },
	{ LOGF_MACDECODE, "macdecode", "--log-macdecode" },
};

/* What -L prints per level. */
static const char *const level_list[8] = {
	"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
};

static int log_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct log_data *d = data;

	(void)inv;
	(void)id;	/* only --log-prefix is parse's */
	return tg_parse_log_prefix(ctx->err, "log-prefix", arg, d->prefix, LOG_PREFIX_MAX);
}

static int log_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct log_data *d = data;

	(void)ctx;
	if (!(seen & (1u << O_LEVEL)))
		d->level = LOG_DEFAULT_LEVEL;
	return 0;
}

static void log_linearize(struct lin_ctx *c, const void *data)
{
	const struct log_data *d = data;
	struct nftnl_expr *e = nftnl_expr_alloc("log");

	if (!e)
		out_of_memory();
	if (d->prefix[0])
		nftnl_expr_set_str(e, NFTNL_EXPR_LOG_PREFIX, d->prefix);
	if (d->level != LOG_DEFAULT_LEVEL)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOG_LEVEL, d->level);
	if (d->flags)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOG_FLAGS, d->flags);
	lin_add(c, e);
}

static bool log_from_native(const struct nftnl_expr *e, struct log_data *d)
{
	uint32_t level = LOG_DEFAULT_LEVEL, flags = 0;

	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_GROUP) ||
	    nftnl_expr_is_set(e, NFTNL_EXPR_LOG_SNAPLEN) ||
	    nftnl_expr_is_set(e, NFTNL_EXPR_LOG_QTHRESHOLD))
		return false;
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_LEVEL))
		level = nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_LEVEL);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_FLAGS))
		flags = nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_FLAGS);
	if (level > 7 || (flags & ~(uint32_t)LOGF_ALL))
		return false;
	d->level = (uint8_t)level;
	d->flags = (uint8_t)flags;
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_PREFIX))
		snprintf(d->prefix, sizeof(d->prefix), "%s",
			 nftnl_expr_get_str(e, NFTNL_EXPR_LOG_PREFIX));
	return true;
}

/* The reference's blob, target LOG revision 0 (xt_LOG.h):
 *
 *   0       1       2                               32
 *   +-------+-------+-------------------------------+
 *   | level | flags | prefix (30 bytes, NUL-ended)  |
 *   +-------+-------+-------------------------------+
 */
static bool log_from_blob(const struct item *it, struct log_data *d)
{
	const uint8_t *b = tg_xt_blob(it, "LOG", 0, 32);

	if (!b || b[0] > 7 || (b[1] & ~LOGF_ALL))
		return false;
	d->level = b[0];
	d->flags = b[1];
	snprintf(d->prefix, sizeof(d->prefix), "%.*s", 29, (const char *)b + 2);
	return true;
}

static enum compat_res log_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct log_data *d = data;
	uint8_t b[32] = { d->level, d->flags };

	(void)c;
	/* parse kept at most 29 characters: the NUL fits */
	memcpy(b + 2, d->prefix, strnlen(d->prefix, LOG_PREFIX_MAX));
	return tg_compat_blob(out, 0, b, sizeof(b));
}

static bool log_delinearize(struct delin_ctx *c, void *data)
{
	struct log_data *d = data;
	struct item *it = delin_peek(c);

	if (tg_stmt(it, "log")) {
		if (!log_from_native(it->expr, d))
			return false;
	} else if (!log_from_blob(it, d)) {
		return false;
	}
	c->pos++;
	return true;
}

static void log_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct log_data *d = data;
	size_t i;

	(void)r;
	if (fmt & FMT_NUMERIC) {
		sb_printf(out, " LOG flags %u level %u", d->flags, d->level);
	} else {
		sb_printf(out, " LOG level %s", level_list[d->level & 7]);
		for (i = 0; i < ARRAY_SIZE(log_flags); i++)
			if (d->flags & log_flags[i].bit)
				sb_printf(out, " %s", log_flags[i].list);
	}
	if (d->prefix[0])
		sb_printf(out, " prefix \"%s\"", d->prefix);
}

static void log_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct log_data *d = data;
	size_t i;

	(void)r;
	if (d->prefix[0]) {
		sb_add(out, " --log-prefix");
		tg_save_string(out, d->prefix);
	}
	if (d->level != LOG_DEFAULT_LEVEL)
		sb_printf(out, " --log-level %u", d->level);
	for (i = 0; i < ARRAY_SIZE(log_flags); i++)
		if (d->flags & log_flags[i].bit)
			sb_printf(out, " %s", log_flags[i].save);
}

const struct extension ext_LOG = {
	.name = "LOG",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct log_data),
	.opts = log_opts,
	.parse = log_parse,
	.check = log_check,
	.linearize = log_linearize,
	.compat = log_compat,
	.delinearize = log_delinearize,
	.print = log_print,
	.save = log_save,
};
