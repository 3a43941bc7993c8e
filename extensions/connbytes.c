/* -m connbytes [!] --connbytes from[:to] --connbytes-dir original|reply|
 * both --connbytes-mode packets|bytes|avgpkt: how much the connection
 * has carried so far, in one direction or both.
 *
 *   ct load packets|bytes|avgpkt [dir original|reply];
 *   byteorder reg 1 = hton(reg 1, 8, 8);
 *   cmp gte FROM  (no upper end)  |  range eq FROM TO  |  range neq TO FROM
 *
 * as nft writes `ct original packets >= 10`, `ct bytes != 10-100`. The
 * data is the reference's blob (struct xt_connbytes_info, revision 0),
 * which says '!' by swapping the ends: the xt match then takes what lies
 * outside [to, from], as range neq does. "! 5:5" swaps into the same
 * bytes as "5:5", and the reference then tests what it tests, equality;
 * so does iptnft. Both make the kernel count every connection's packets
 * and bytes (nf_conntrack_acct); a connection made before that was on
 * has no counters, which neither form matches.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_connbytes.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

struct connbytes_data {
	struct xt_connbytes_info info;
};

enum { O_COUNT, O_DIR, O_MODE };

static const struct ext_opt connbytes_opts[] = {
	{ .name = "connbytes", .id = O_COUNT, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV | OF_MAND, .help_arg = "from[:to]",
	  .help = "the count lies in this range (no to: no end)" },
	{ .name = "connbytes-dir", .id = O_DIR, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_MAND | OF_NOINV_XT, .help_arg = "original|reply|both",
	  .help = "count one direction of the connection, or both" },
	{ .name = "connbytes-mode", .id = O_MODE, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_MAND | OF_NOINV_XT, .help_arg = "packets|bytes|avgpkt",
	  .help = "count packets, bytes, or bytes per packet" },
	{ .name = NULL },
};

static const char *const dir_names[] = { "original", "reply", "both" };
static const char *const mode_names[] = { "packets", "bytes", "avgpkt" };
static const uint32_t mode_keys[] = { NFT_CT_PKTS, NFT_CT_BYTES, NFT_CT_AVGPKT };

static int name_index(const char *const *names, const char *arg)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(names[i], arg) == 0)
			return i;
	return -1;
}

static int parse_count(struct parse_ctx *ctx, struct xt_connbytes_info *i, const char *arg,
		       bool inv)
{
	uint64_t lo, hi, t;

	if (xt_parse_uint_range(ctx->err, "connbytes", "connbytes", arg, UINT64_MAX, &lo, &hi,
				NULL) < 0)
		return -1;
	if (!strchr(arg, ':'))
		hi = UINT64_MAX;
	if (lo > hi)
		return err_param(ctx->err, "%llu should be less than %llu",
				 (unsigned long long)lo, (unsigned long long)hi);
	if (inv) {
		t = lo;
		lo = hi;
		hi = t;
	}
	i->count.from = lo;
	i->count.to = hi;
	return 0;
}

static int connbytes_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_connbytes_info *i = &((struct connbytes_data *)data)->info;
	int n;

	switch (id) {
	case O_COUNT:
		return parse_count(ctx, i, arg, inv);
	case O_DIR:
		n = name_index(dir_names, arg);
		if (n < 0)
			return err_param(ctx->err, "Unknown --connbytes-dir `%s'", arg);
		i->direction = (uint8_t)n;
		return 0;
	default:
		n = name_index(mode_names, arg);
		if (n < 0)
			return err_param(ctx->err, "Unknown --connbytes-mode `%s'", arg);
		i->what = (uint8_t)n;
		return 0;
	}
}

static enum compat_res connbytes_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	(void)c;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(struct xt_connbytes_info));
	memcpy(out->info, data, sizeof(struct xt_connbytes_info));
	return COMPAT_XT;
}

static void connbytes_linearize(struct lin_ctx *c, const void *data)
{
	const struct xt_connbytes_info *i = &((const struct connbytes_data *)data)->info;
	uint64_t from = htobe64(i->count.from), to = htobe64(i->count.to);

	lin_ct(c, mode_keys[i->what],
	       i->direction == XT_CONNBYTES_DIR_BOTH ? -1 : (int)i->direction);
	lin_hton(c, 8);
	if (i->count.from > i->count.to)
		lin_range(c, true, &to, &from, 8);
	else if (i->count.to == UINT64_MAX)
		lin_cmp(c, REL_GTE, &from, 8);
	else
		lin_range(c, false, &from, &to, 8);
}

/* The counter test after the byteorder statement. */
static bool delin_native(struct item *it, struct xt_connbytes_info *i)
{
	uint64_t a, b = UINT64_MAX;
	int m;

	for (m = 0; m < 3; m++)
		if (item_is_ct(it, mode_keys[m]))
			break;
	if (m == 3 || it->len != 8 || it->masked || it->concat || it->sel.dir > 1)
		return false;
	memcpy(&a, it->val, 8);
	a = be64toh(a);
	if (it->op == REL_RANGE || it->op == REL_NRANGE) {
		memcpy(&b, it->hi, 8);
		b = be64toh(b);
	}
	switch (it->op) {
	case REL_GTE:
		i->count.from = a;
		i->count.to = UINT64_MAX;
		break;
	case REL_RANGE:
		if (a > b)
			return false;
		i->count.from = a;
		i->count.to = b;
		break;
	case REL_NRANGE:
		/* the xt match says "outside" only with to < from */
		if (a >= b)
			return false;
		i->count.from = b;
		i->count.to = a;
		break;
	default:
		return false;
	}
	i->what = (uint8_t)m;
	i->direction = it->sel.dir < 0 ? XT_CONNBYTES_DIR_BOTH : (uint8_t)it->sel.dir;
	return true;
}

static bool connbytes_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_connbytes_info *i = &((struct connbytes_data *)data)->info;
	struct item *it = delin_peek(c);
	const void *p;

	if (item_is_hton(it, 8) && c->pos + 1 < c->items->n) {
		struct item *ge = &c->items->v[c->pos + 1], *le;
		uint64_t hi;

		if (!delin_native(ge, i))
			return false;
		c->pos += 2;
		/* nft's own "ct packets 5-10": >= 5, then <= 10 on the same value */
		le = delin_peek(c);
		if (ge->op == REL_GTE && le && le->kind == ITEM_REL && le->op == REL_LTE &&
		    le->len == 8 && !le->masked && !le->concat && le->sel.kind == SEL_CT &&
		    le->sel.key == ge->sel.key && le->sel.dir == ge->sel.dir) {
			memcpy(&hi, le->val, 8);
			hi = be64toh(hi);
			if (hi >= i->count.from) {
				i->count.to = hi;
				c->pos++;
			}
		}
		return true;
	}
	p = xt_blob(it, false, "connbytes", 0, sizeof(*i));
	if (!p)
		return false;
	memcpy(i, p, sizeof(*i));
	if (i->what > XT_CONNBYTES_AVGPKT || i->direction > XT_CONNBYTES_DIR_BOTH)
		return false;
	c->pos++;
	return true;
}

static bool count_inverted(const struct xt_connbytes_info *i)
{
	return i->count.from > i->count.to;
}

/* "lo[:hi]": the ends unswapped, no ":hi" for an open upper end */
static void count_text(struct strbuf *out, const struct xt_connbytes_info *i)
{
	bool inv = count_inverted(i);
	unsigned long long lo = inv ? i->count.to : i->count.from;
	unsigned long long hi = inv ? i->count.from : i->count.to;

	sb_printf(out, "%llu", lo);
	if (hi != UINT64_MAX)
		sb_printf(out, ":%llu", hi);
}

static void connbytes_print(struct strbuf *out, const void *data, const struct rule *r,
			    unsigned fmt)
{
	const struct xt_connbytes_info *i = &((const struct connbytes_data *)data)->info;

	(void)r;
	(void)fmt;
	sb_add(out, count_inverted(i) ? " ! connbytes " : " connbytes ");
	count_text(out, i);
	sb_printf(out, " connbytes mode %s connbytes direction %s", mode_names[i->what],
		  dir_names[i->direction]);
}

static void connbytes_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_connbytes_info *i = &((const struct connbytes_data *)data)->info;

	(void)r;
	sb_add(out, count_inverted(i) ? " ! --connbytes " : " --connbytes ");
	count_text(out, i);
	sb_printf(out, " --connbytes-mode %s --connbytes-dir %s", mode_names[i->what],
		  dir_names[i->direction]);
}

const struct extension ext_connbytes = {
	.name = "connbytes",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct connbytes_data),
	.opts = connbytes_opts,
	.parse = connbytes_parse,
	.linearize = connbytes_linearize,
	.compat = connbytes_compat,
	.delinearize = connbytes_delinearize,
	.print = connbytes_print,
	.save = connbytes_save,
};
