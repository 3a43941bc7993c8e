#include "xtopt.h"
#include "cmd.h"
#include "ext.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <libnftnl/expr.h>
#include <stdlib.h>
#include <string.h>

/* strtoull over s; false unless it read at least one digit without
 * overflow and the value fits max. *end is where it stopped. */
static bool read_number(const char *s, uint64_t max, uint64_t *out, char **end)
{
	unsigned long long v;

	errno = 0;
	v = strtoull(s, end, 0);
	if (*end == s || errno || v > max)
		return false;
	*out = v;
	return true;
}

bool xt_negative(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return *s == '-';
}

int xt_parse_uint(struct ipt_error *err, const char *ext, const char *opt, const char *arg,
		  uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;

	/* strtoull would take "-0" as 0; the reference refuses any sign */
	if (xt_negative(arg) || !read_number(arg, max, out, &end) || *end || *out < min)
		return err_param(err, "%s: bad value for option \"--%s\", or out of range (%llu-%llu).\n",
				 ext, opt, (unsigned long long)min, (unsigned long long)max);
	return 0;
}

int xt_parse_markmask(struct ipt_error *err, const char *ext, const char *opt,
		      const char *arg, uint32_t *value, uint32_t *mask)
{
	uint64_t v, m = UINT32_MAX;
	char *end;

	if (!read_number(arg, UINT32_MAX, &v, &end))
		goto bad;
	if (*end == '/') {
		const char *start = end + 1;

		if (!read_number(start, UINT32_MAX, &m, &end))
			goto bad;
	}
	if (*end)
		return err_param(err, "%s: trailing garbage after value for option \"--%s\".\n",
				 ext, opt);
	*value = (uint32_t)v;
	*mask = (uint32_t)m;
	return 0;
bad:
	return err_param(err, "%s: bad integer value for option \"--%s\", or out of range.\n",
			 ext, opt);
}

int xt_err_noinv(struct ipt_error *err, const char *ext, const char *opt)
{
	return err_param(err, "%s: option \"--%s\" cannot be inverted.\n", ext, opt);
}

int xt_err_conflict(struct ipt_error *err, const char *ext, const char *a, const char *b)
{
	return err_param(err, "%s: option \"--%s\" cannot be used together with \"--%s\".\n",
			 ext, a, b);
}

int xt_err_mandatory(struct ipt_error *err, const char *ext, const char *opt)
{
	return err_param(err, "%s: option \"--%s\" must be specified\n", ext, opt);
}

int xt_err_table(const struct parse_ctx *ctx, const char *chain)
{
	/* what the reference's kernel says for each command: a rule that
	 * cannot exist is never found by -C or -D */
	switch (ctx->op) {
	case OP_DELETE:
	case OP_CHECK:
		return err_plain(ctx->err, EXIT_OTHER,
				 "Bad rule (does a matching rule exist in that chain?).");
	case OP_INSERT:
	case OP_REPLACE:
		return err_versioned(ctx->err, EXIT_RESOURCE,
				     " %s failed (Invalid argument): rule in chain %s",
				     ctx->op == OP_INSERT ? "RULE_INSERT" : "RULE_REPLACE",
				     chain ? chain : "");
	default:
		return err_versioned(ctx->err, EXIT_RESOURCE,
				     " RULE_APPEND failed (Invalid argument): rule in chain %s",
				     chain ? chain : "");
	}
}

int xt_check_excl(struct ipt_error *err, const char *ext, const struct xt_excl *tab,
		  unsigned n, unsigned seen)
{
	unsigned i, j;

	for (i = 0; i < n; i++) {
		if (!(seen & (1u << tab[i].id)) || !(tab[i].excl & seen))
			continue;
		for (j = 0; j < n; j++)
			if ((tab[i].excl & (1u << tab[j].id)) && (seen & (1u << tab[j].id)))
				return xt_err_conflict(err, ext, tab[i].name, tab[j].name);
	}
	return 0;
}

void xt_xmark_text(struct strbuf *out, uint32_t value, uint32_t mask)
{
	if (value == 0)
		sb_printf(out, " and 0x%x", ~mask);
	else if (value == mask)
		sb_printf(out, " or 0x%x", value);
	else if (mask == 0)
		sb_printf(out, " xor 0x%x", value);
	else if (mask == UINT32_MAX)
		sb_printf(out, " set 0x%x", value);
	else
		sb_printf(out, " xset 0x%x/0x%x", value, mask);
}

const void *xt_blob(const struct item *it, bool target, const char *name, uint32_t rev,
		    uint32_t len)
{
	uint16_t a_name = target ? NFTNL_EXPR_TG_NAME : NFTNL_EXPR_MT_NAME;
	uint16_t a_rev = target ? NFTNL_EXPR_TG_REV : NFTNL_EXPR_MT_REV;
	uint16_t a_info = target ? NFTNL_EXPR_TG_INFO : NFTNL_EXPR_MT_INFO;
	const char *n;
	const void *info;
	uint32_t got = 0;

	if (!it || it->kind != ITEM_STMT || !it->expr || !it->name ||
	    strcmp(it->name, target ? "target" : "match") != 0)
		return NULL;
	n = nftnl_expr_get_str(it->expr, a_name);
	if (!n || strcmp(n, name) != 0 || nftnl_expr_get_u32(it->expr, a_rev) != rev)
		return NULL;
	info = nftnl_expr_get(it->expr, a_info, &got);
	if (!info || got < len)
		return NULL;
	return info;
}
