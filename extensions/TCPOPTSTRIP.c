/* -j TCPOPTSTRIP [--strip-options KIND[,KIND]...]: overwrite the given
 * TCP options with NOPs (mangle table, -p tcp).
 *
 *   exthdr reset tcpopt KIND        one per option, in ascending order
 *
 * as nft writes `reset tcp option sack-perm`. A rule without options
 * strips nothing: that one, and one outside mangle or without -p tcp
 * (which the kernel refuses), holds the reference's blob (revision 0,
 * struct xt_tcpoptstrip_target_info, a 256-bit map), which --compat
 * writes always.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_TCPOPTSTRIP.h>
#include <netinet/in.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

struct tcpoptstrip_data {
	struct xt_tcpoptstrip_target_info info;
};

static const struct ext_opt tcpoptstrip_opts[] = {
	{ .name = "strip-options", .type = OT_CUSTOM, .has_arg = true, .flags = OF_NOINV_XT,
	  .help_arg = "kind[,kind]...", .help = "TCP options to overwrite with NOPs" },
	{ .name = NULL },
};

static const struct {
	uint8_t kind;
	const char *name;
} kinds[] = {
	{ 2, "mss" }, { 3, "wscale" }, { 4, "sack-permitted" }, { 5, "sack" },
	{ 8, "timestamp" }, { 19, "md5" },
};

static bool has_kind(const struct xt_tcpoptstrip_target_info *i, unsigned k)
{
	return i->strip_bmap[k >> 5] & (1u << (k & 31));
}

static void tcpoptstrip_help(struct strbuf *out)
{
	size_t i;

	sb_add(out, "  kinds by number, or by name:");
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		sb_printf(out, " %s (%u)", kinds[i].name, kinds[i].kind);
	sb_add(out, "\n");
}

/* One kind: a name above, or a number 0-255 (0 and 1 end the list and
 * pad it, and cannot be stripped). */
static int parse_kind(struct parse_ctx *ctx, const char *word, unsigned *kind)
{
	unsigned long v;
	char *end;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (strcmp(word, kinds[i].name) == 0) {
			*kind = kinds[i].kind;
			return 0;
		}
	}
	errno = 0;
	v = strtoul(word, &end, 0);
	if (!*word || *end || errno || v > 255 || xt_negative(word))
		return err_param(ctx->err, "Bad TCP option value \"%s\"", word);
	if (v < 2)
		return err_param(ctx->err, "Option value may not be 0 or 1");
	*kind = (unsigned)v;
	return 0;
}

static int tcpoptstrip_parse(struct parse_ctx *ctx, void *data, int id, const char *arg,
			     bool inv)
{
	struct xt_tcpoptstrip_target_info *i = &((struct tcpoptstrip_data *)data)->info;
	char *copy = xstrdup(arg), *word = copy, *comma;
	unsigned k = 0;
	int rc = 0;

	(void)id;
	(void)inv;
	/* every word counts, empty ones too */
	do {
		comma = strchr(word, ',');
		if (comma)
			*comma = '\0';
		rc = parse_kind(ctx, word, &k);
		if (rc == 0 && has_kind(i, k))
			rc = err_param(ctx->err, "Option \"%s\" already specified", word);
		if (rc == 0)
			i->strip_bmap[k >> 5] |= 1u << (k & 31);
		word = comma + 1;
	} while (comma && rc == 0);
	free(copy);
	return rc;
}

static enum compat_res tcpoptstrip_compat(struct lin_ctx *c, const void *data,
					  struct xt_out *out)
{
	(void)c;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(struct xt_tcpoptstrip_target_info));
	memcpy(out->info, data, sizeof(struct xt_tcpoptstrip_target_info));
	return COMPAT_XT;
}

static bool tcpoptstrip_empty(const struct xt_tcpoptstrip_target_info *i)
{
	static const uint32_t zero[8];

	return memcmp(i->strip_bmap, zero, sizeof(zero)) == 0;
}

static void tcpoptstrip_linearize(struct lin_ctx *c, const void *data)
{
	const struct xt_tcpoptstrip_target_info *i =
		&((const struct tcpoptstrip_data *)data)->info;
	const struct rule *r = c->rule;
	struct xt_out out = { .rev = 0 };
	struct nftnl_expr *e;
	unsigned k;

	if (tcpoptstrip_empty(i) || !r || !r->has_proto || r->proto != IPPROTO_TCP ||
	    (r->inv & INV_PROTO) || tg_misplaced(c, "mangle", TG_ANY_HOOK)) {
		tcpoptstrip_compat(c, data, &out);
		lin_xt(c, true, "TCPOPTSTRIP", out.rev, out.info, out.len);
		return;
	}
	for (k = 0; k < 256; k++) {
		if (!has_kind(i, k))
			continue;
		e = nftnl_expr_alloc("exthdr");
		if (!e)
			out_of_memory();
		nftnl_expr_set_u8(e, NFTNL_EXPR_EXTHDR_TYPE, (uint8_t)k);
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OP, NFT_EXTHDR_OP_TCPOPT);
		lin_add(c, e);
	}
}

/* "exthdr reset tcpopt K": no register either way */
static bool is_strip(const struct item *it, uint8_t *kind)
{
	const struct nftnl_expr *e = it ? it->expr : NULL;

	if (!tg_stmt(it, "exthdr") || nftnl_expr_is_set(e, NFTNL_EXPR_EXTHDR_DREG) ||
	    nftnl_expr_is_set(e, NFTNL_EXPR_EXTHDR_SREG) ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_EXTHDR_OP) != NFT_EXTHDR_OP_TCPOPT)
		return false;
	*kind = nftnl_expr_get_u8(e, NFTNL_EXPR_EXTHDR_TYPE);
	return true;
}

static bool tcpoptstrip_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_tcpoptstrip_target_info *i = &((struct tcpoptstrip_data *)data)->info;
	const void *p;
	uint8_t k;

	while (is_strip(delin_peek(c), &k)) {
		i->strip_bmap[k >> 5] |= 1u << (k & 31);
		c->pos++;
	}
	if (!tcpoptstrip_empty(i))
		return true;
	p = tg_xt_blob(delin_peek(c), "TCPOPTSTRIP", 0, sizeof(*i));
	if (!p)
		return false;
	memcpy(i, p, sizeof(*i));
	c->pos++;
	return true;
}

static const char *kind_name(unsigned k)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i].kind == k)
			return kinds[i].name;
	return NULL;
}

/* "K,K,...": names when wanted and known */
static void kinds_text(struct strbuf *out, const struct xt_tcpoptstrip_target_info *i,
		       bool names)
{
	const char *sep = "", *name;
	unsigned k;

	for (k = 0; k < 256; k++) {
		if (!has_kind(i, k))
			continue;
		name = names ? kind_name(k) : NULL;
		if (name)
			sb_printf(out, "%s%s", sep, name);
		else
			sb_printf(out, "%s%u", sep, k);
		sep = ",";
	}
}

static void tcpoptstrip_print(struct strbuf *out, const void *data, const struct rule *r,
			      unsigned fmt)
{
	const struct xt_tcpoptstrip_target_info *i =
		&((const struct tcpoptstrip_data *)data)->info;

	(void)r;
	if (tcpoptstrip_empty(i))
		return;
	sb_add(out, " TCPOPTSTRIP options ");
	kinds_text(out, i, !(fmt & FMT_NUMERIC));
}

static void tcpoptstrip_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_tcpoptstrip_target_info *i =
		&((const struct tcpoptstrip_data *)data)->info;

	(void)r;
	if (tcpoptstrip_empty(i))
		return;
	sb_add(out, " --strip-options ");
	kinds_text(out, i, false);
}

const struct extension ext_TCPOPTSTRIP = {
	.name = "TCPOPTSTRIP",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct tcpoptstrip_data),
	.opts = tcpoptstrip_opts,
	.help = tcpoptstrip_help,
	.parse = tcpoptstrip_parse,
	.linearize = tcpoptstrip_linearize,
	.compat = tcpoptstrip_compat,
	.delinearize = tcpoptstrip_delinearize,
	.print = tcpoptstrip_print,
	.save = tcpoptstrip_save,
};
