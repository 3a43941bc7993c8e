/* -m mh [!] --mh-type type[:type] (ip6tables only): the type of an IPv6
 * Mobility Header, one or a range, by number or by name.
 *
 * nft's `mh type` loads the type byte and nothing else, but the xt match
 * also drops (hotdrop) every packet whose header's payload proto field
 * is not 59 (no next header), whatever the types it was given, inverted
 * or not. No nf_tables expression drops a packet from inside a match, so
 * the rule holds the reference's xt match in both write modes: revision
 * 0, struct ip6t_mh, 3 bytes (8 with the kernel's padding):
 *
 *   0       1       2          3
 *   +-------+-------+----------+
 *   | lo    | hi    | invflags |
 *   +-------+-------+----------+
 *   invflags: IP6T_MH_INV_TYPE
 *
 * Without --mh-type the range is 0:255. The kernel refuses the match in a
 * rule without -p 135 (-p mh), as it refuses the reference's.
 */
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv6/ip6t_mh.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

struct mh_data {
	struct ip6t_mh info;
};

/* The types the reference names, at their numbers, with short forms. */
static const struct {
	const char *name, *abbrev;
} mh_names[] = {
	{ "binding-refresh-request", "brr" },
	{ "home-test-init", "hoti" },
	{ "careof-test-init", "coti" },
	{ "home-test", "hot" },
	{ "careof-test", "cot" },
	{ "binding-update", "bu" },
	{ "binding-acknowledgement", "ba" },
	{ "binding-error", "be" },
};

#define MH_NNAMES (sizeof(mh_names) / sizeof(mh_names[0]))

static const struct ext_opt mh_opts[] = {
	{ .name = "mh-type", .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV,
	  .help_arg = "type[:type]", .help = "the Mobility Header's type, or a range" },
	{ .name = NULL },
};

static void mh_help(struct strbuf *out)
{
	size_t i;

	sb_add(out, "Type names (and short forms), from 0:\n");
	for (i = 0; i < MH_NNAMES; i++)
		sb_printf(out, "  %s (%s)\n", mh_names[i].name, mh_names[i].abbrev);
}

static void mh_init(void *data, uint8_t family)
{
	struct mh_data *d = data;

	(void)family;
	d->info.types[1] = UINT8_MAX;
}

/* A whole name or short form (any case), else the first that word
 * begins, else a number up to 255. */
static int mh_type(struct ipt_error *err, const char *word, uint8_t *out)
{
	size_t i, len = strlen(word);
	unsigned long n;
	char *end;

	for (i = 0; i < MH_NNAMES; i++)
		if (!strcasecmp(word, mh_names[i].name) || !strcasecmp(word, mh_names[i].abbrev))
			goto found;
	for (i = 0; i < MH_NNAMES; i++)
		if (!strncasecmp(word, mh_names[i].name, len) ||
		    !strncasecmp(word, mh_names[i].abbrev, len))
			goto found;
	n = strtoul(word, &end, 0);
	if (xt_negative(word) || end == word || *end || n > UINT8_MAX)
		return err_param(err, "Invalid MH type `%s'", word);
	*out = (uint8_t)n;
	return 0;
found:
	*out = (uint8_t)i;
	return 0;
}

/* type, or lo:hi with an empty end meaning 0 or 255 */
static int mh_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct mh_data *d = data;
	uint8_t lo = 0, hi = UINT8_MAX;
	char *copy = xstrdup(arg), *right = strchr(copy, ':');
	int ret = 0;

	(void)id;
	if (right)
		*right++ = '\0';
	if (!right) {
		ret = mh_type(ctx->err, copy, &lo);
		hi = lo;
	} else {
		if (*copy)
			ret = mh_type(ctx->err, copy, &lo);
		if (ret == 0 && *right)
			ret = mh_type(ctx->err, right, &hi);
		if (ret == 0 && lo > hi)
			ret = err_param(ctx->err, "Invalid MH type range (min > max)");
	}
	free(copy);
	if (ret < 0)
		return -1;
	d->info.types[0] = lo;
	d->info.types[1] = hi;
	d->info.invflags = inv ? IP6T_MH_INV_TYPE : 0;
	return 0;
}

static void mh_linearize(struct lin_ctx *c, const void *data)
{
	lin_xt_match(c, "mh", 0, &((const struct mh_data *)data)->info, sizeof(struct ip6t_mh));
}

static bool mh_delinearize(struct delin_ctx *c, void *data)
{
	struct ip6t_mh *m = &((struct mh_data *)data)->info;

	if (!delin_xt_match(c, "mh", 0, m, sizeof(*m)) || (m->invflags & ~IP6T_MH_INV_MASK))
		return false;
	c->pos++;
	return true;
}

static void mh_type_text(struct strbuf *out, uint8_t type, bool numeric)
{
	if (!numeric && type < MH_NNAMES)
		sb_add(out, mh_names[type].name);
	else
		sb_printf(out, "%u", type);
}

static bool mh_whole(const struct ip6t_mh *m)
{
	return m->types[0] == 0 && m->types[1] == UINT8_MAX;
}

static void mh_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct ip6t_mh *m = &((const struct mh_data *)data)->info;
	bool inv = m->invflags & IP6T_MH_INV_TYPE;

	(void)r;
	sb_add(out, " mh");
	if (mh_whole(m) && !inv)
		return;
	sb_add(out, inv ? " !" : " ");
	mh_type_text(out, m->types[0], fmt & FMT_NUMERIC);
	if (m->types[0] != m->types[1]) {
		sb_add(out, ":");
		mh_type_text(out, m->types[1], fmt & FMT_NUMERIC);
	}
}

static void mh_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct ip6t_mh *m = &((const struct mh_data *)data)->info;

	(void)r;
	if (mh_whole(m))
		return;
	sb_printf(out, "%s --mh-type %u", m->invflags & IP6T_MH_INV_TYPE ? " !" : "",
		  m->types[0]);
	if (m->types[0] != m->types[1])
		sb_printf(out, ":%u", m->types[1]);
}

const struct extension ext_mh = {
	.name = "mh",
	.kind = EXT_MATCH,
	.families = EXT_IPV6,
	.size = sizeof(struct mh_data),
	.opts = mh_opts,
	.help = mh_help,
	.init = mh_init,
	.parse = mh_parse,
	.linearize = mh_linearize,
	.delinearize = mh_delinearize,
	.print = mh_print,
	.save = mh_save,
};
