/* -m set: whether the packet's addresses (ports, interface, ...) are in
 * an ipset set (xt_set).
 *
 *   [!] --match-set NAME src|dst[,src|dst]...
 *   --return-nomatch, [!] --update-counters, [!] --update-subcounters
 *   [!] --packets-eq N | --packets-lt N | --packets-gt N, same for bytes
 *
 * nf_tables cannot look into ipset sets, so iptnft writes the
 * reference's own xt blob, revision 4, in both write modes. The blob
 * holds the set's kernel index, looked up by name when the rule is
 * parsed and turned back into a name when it is listed (ipset.c).
 */
#include <errno.h>
#include <linux/netfilter/xt_set.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "ipset.h"
#include "xtopt.h"

#define SET_REV 4

/*
 * The blob, struct xt_set_info_match_v4 (48 bytes):
 *
 *   0       2     3       4         8
 *   +-------+-----+-------+---------+
 *   | index | dim | flags | (pad)   |   flags: bit 0 '!', bit i: dim i src
 *   +-------+-----+-------+---------+
 *   8                 16    17        24
 *   +-----------------+-----+---------+
 *   | packets value   | op  | (pad)   |   op: IPSET_COUNTER_{NONE,EQ,NE,LT,GT}
 *   +-----------------+-----+---------+
 *   24                32    33        40
 *   +-----------------+-----+---------+
 *   | bytes value     | op  | (pad)   |
 *   +-----------------+-----+---------+
 *   40                44        48
 *   +-----------------+---------+
 *   | flags           | (pad)   |   IPSET_FLAG_RETURN_NOMATCH, _SKIP_*
 *   +-----------------+---------+
 */
struct set_data {
	struct xt_set_info_match_v4 info;
};

enum {
	O_MATCH_SET, O_SET, O_RETURN_NOMATCH, O_UPDATE_COUNTERS, O_UPDATE_SUBCOUNTERS,
	O_PACKETS_EQ, O_PACKETS_LT, O_PACKETS_GT, O_BYTES_EQ, O_BYTES_LT, O_BYTES_GT,
};

/* All parse's: the reference's own messages for repeats and '!'. */
#define SET_OPT(opt, id_, arg, flags_, what)                                                  \
	{ .name = opt, .id = id_, .type = OT_CUSTOM, .has_arg = arg != NULL,                  \
	  .flags = OF_MULTI | (flags_), .help_arg = arg, .help = what }

/* --WHAT-eq, --WHAT-lt and --WHAT-gt, ids from id on */
#define SET_COUNTER_OPTS(what, id, noun)                                                     \
	SET_OPT(what "-eq", id, "value", OF_INV, "the element's " noun " count is (not) value"), \
	SET_OPT(what "-lt", id + 1, "value", OF_INV, "the element's " noun " count is below value"), \
	SET_OPT(what "-gt", id + 2, "value", OF_INV, "the element's " noun " count is above value")

static const struct ext_opt set_opts[] = {
	SET_OPT("match-set", O_MATCH_SET, "name flags", OF_INV | OF_TWO_ARGS,
		"look in set name; flags: src|dst per dimension"),
	SET_OPT("set", O_SET, "name flags", OF_INV | OF_TWO_ARGS,
		"old name of --match-set"),
	SET_OPT("return-nomatch", O_RETURN_NOMATCH, NULL, OF_INV,
		"an element marked nomatch makes the match true"),
	SET_OPT("update-counters", O_UPDATE_COUNTERS, NULL, OF_INV,
		"count the packet in the element's counters"),
	SET_OPT("update-subcounters", O_UPDATE_SUBCOUNTERS, NULL, OF_INV,
		"count the packet in a member set's element too"),
	SET_COUNTER_OPTS("packets", O_PACKETS_EQ, "packet"),
	SET_COUNTER_OPTS("bytes", O_BYTES_EQ, "byte"),
	{ .name = NULL },
};

#define PACKETS_OPTS (1u << O_PACKETS_EQ | 1u << O_PACKETS_LT | 1u << O_PACKETS_GT)
#define BYTES_OPTS (1u << O_BYTES_EQ | 1u << O_BYTES_LT | 1u << O_BYTES_GT)

/* A counter value: strtoull's number, no sign but '+', nothing after. */
static int parse_counter(struct parse_ctx *ctx, const char *arg,
			 struct ip_set_counter_match *c, uint8_t op)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (xt_negative(arg) || *arg == '\0' || *end != '\0' || errno)
		return err_param(ctx->err, "Cannot parse %s as a counter value", arg);
	c->value = v;
	c->op = op;
	return 0;
}

/* --packets-* and --bytes-*: one of each group; '!' only before -eq. */
static int parse_count_opt(struct parse_ctx *ctx, struct xt_set_info_match_v4 *info, int id,
			   const char *arg, bool inv)
{
	bool packets = id <= O_PACKETS_GT;
	int kind = (id - O_PACKETS_EQ) % 3;	/* 0 eq, 1 lt, 2 gt */
	static const char *const names[] = { "eq", "lt", "gt" };
	static const uint8_t ops[] = { IPSET_COUNTER_EQ, IPSET_COUNTER_LT, IPSET_COUNTER_GT };

	if (ctx->seen & (packets ? PACKETS_OPTS : BYTES_OPTS))
		return err_param(ctx->err, "only one of the --%s-[eq|lt|gt] is allowed",
				 packets ? "packets" : "bytes");
	if (inv && kind != 0)
		return err_param(ctx->err, "--%s-%s option cannot be inverted",
				 packets ? "packets" : "bytes", names[kind]);
	return parse_counter(ctx, arg, packets ? &info->packets : &info->bytes,
			     inv ? IPSET_COUNTER_NE : ops[kind]);
}

static int parse_match_set(struct parse_ctx *ctx, struct xt_set_info *ms, int id,
			   const char *arg, bool inv)
{
	if (id == O_SET)
		fprintf(stderr, "--set option deprecated, please use --match-set\n");
	if (ctx->seen & (1u << O_MATCH_SET | 1u << O_SET))
		return err_param(ctx->err, "--match-set can be specified only once");
	if (ipset_index(ctx->err, arg, ctx->rule->family, &ms->index) < 0 ||
	    ipset_parse_dims(ctx->err, ctx->arg2, &ms->dim, &ms->flags) < 0)
		return -1;
	if (inv)
		ms->flags |= IPSET_INV_MATCH;
	return 0;
}

static int set_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_set_info_match_v4 *info = &((struct set_data *)data)->info;
	uint32_t bit = id == O_UPDATE_COUNTERS ? IPSET_FLAG_SKIP_COUNTER_UPDATE
						: IPSET_FLAG_SKIP_SUBCOUNTER_UPDATE;

	switch (id) {
	case O_MATCH_SET:
	case O_SET:
		return parse_match_set(ctx, &info->match_set, id, arg, inv);
	case O_RETURN_NOMATCH:
		if (inv)
			return err_param(ctx->err, "--return-nomatch flag cannot be inverted");
		info->flags |= IPSET_FLAG_RETURN_NOMATCH;
		return 0;
	case O_UPDATE_COUNTERS:
	case O_UPDATE_SUBCOUNTERS:
		/* updating is the default: only '!' (skip it) leaves a mark,
		 * which a later plain one does not take back */
		if (inv)
			info->flags |= bit;
		return 0;
	}
	return parse_count_opt(ctx, info, id, arg, inv);
}

static int set_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!(seen & (1u << O_MATCH_SET | 1u << O_SET)))
		return err_param(ctx->err, "You must specify `--match-set' with proper arguments");
	return 0;
}

static void set_linearize(struct lin_ctx *c, const void *data)
{
	const struct set_data *d = data;

	lin_xt(c, false, "set", SET_REV, &d->info, sizeof(d->info));
}

static bool set_delinearize(struct delin_ctx *c, void *data)
{
	struct set_data *d = data;
	const void *p = xt_blob(delin_peek(c), false, "set", SET_REV, sizeof(d->info));

	if (!p)
		return false;
	memcpy(&d->info, p, sizeof(d->info));
	c->pos++;
	return true;
}

/* -L and -S alike, but for the dashes -S puts before each word. */
static void set_text(struct strbuf *out, const struct xt_set_info_match_v4 *info,
		     const char *dashes)
{
	static const char *const ops[] = { [IPSET_COUNTER_EQ] = "eq", [IPSET_COUNTER_NE] = "eq",
					   [IPSET_COUNTER_LT] = "lt", [IPSET_COUNTER_GT] = "gt" };
	const struct ip_set_counter_match *cnt[] = { &info->packets, &info->bytes };
	static const char *const what[] = { "packets", "bytes" };
	unsigned i;

	sb_printf(out, " %s%smatch-set", info->match_set.flags & IPSET_INV_MATCH ? "! " : "",
		  dashes);
	ipset_dims_text(out, info->match_set.index, info->match_set.dim, info->match_set.flags);
	if (info->flags & IPSET_FLAG_RETURN_NOMATCH)
		sb_printf(out, " %sreturn-nomatch", dashes);
	if (info->flags & IPSET_FLAG_SKIP_COUNTER_UPDATE)
		sb_printf(out, " ! %supdate-counters", dashes);
	if (info->flags & IPSET_FLAG_SKIP_SUBCOUNTER_UPDATE)
		sb_printf(out, " ! %supdate-subcounters", dashes);
	for (i = 0; i < 2; i++)
		if (cnt[i]->op >= IPSET_COUNTER_EQ && cnt[i]->op <= IPSET_COUNTER_GT)
			sb_printf(out, " %s%s%s-%s %llu",
				  cnt[i]->op == IPSET_COUNTER_NE ? "! " : "", dashes, what[i],
				  ops[cnt[i]->op], (unsigned long long)cnt[i]->value);
}

static void set_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	(void)r;
	(void)fmt;
	set_text(out, &((const struct set_data *)data)->info, "");
}

static void set_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	set_text(out, &((const struct set_data *)data)->info, "--");
}

const struct extension ext_set = {
	.name = "set",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct set_data),
	.opts = set_opts,
	.parse = set_parse,
	.check = set_check,
	.linearize = set_linearize,
	/* the reference writes the same blob: no compat of its own */
	.delinearize = set_delinearize,
	.print = set_print,
	.save = set_save,
};
