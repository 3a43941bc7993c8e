#include "tgutil.h"

#include <stdio.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "util.h"

bool tg_misplaced(const struct lin_ctx *c, const char *table, unsigned hooks)
{
	const struct builtin_chain *bc;
	const char *t, *chain;

	if (!c->table || !c->chain)
		return false;
	t = c->table;
	chain = c->chain;
	if (table && strcmp(t, table) != 0)
		return true;
	bc = table_find_chain(table_find(t), chain);
	if (!bc)
		return false;
	return !(hooks & (1u << bc->hook));
}

void tg_lin_refuse(struct lin_ctx *c)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (!e)
		out_of_memory();
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	lin_add(c, e);
}

void tg_save_string(struct strbuf *out, const char *s)
{
	static const char bare[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_-";
	const char *p;

	sb_addc(out, ' ');
	if (*s && s[strspn(s, bare)] == '\0') {
		sb_add(out, s);
		return;
	}
	sb_addc(out, '"');
	for (p = s; *p; p++) {
		if (*p == '"' || *p == '\\' || *p == '\'')
			sb_addc(out, '\\');
		sb_addc(out, *p);
	}
	sb_addc(out, '"');
}

bool tg_stmt(const struct item *it, const char *name)
{
	/* every target tries every statement: the first letter settles most */
	return it && it->kind == ITEM_STMT && it->name && it->name[0] == name[0] &&
	       strcmp(it->name, name) == 0;
}

bool tg_reg_data(const struct item *it, uint16_t attr, void *out, uint32_t len)
{
	const struct regval *r = item_reg_attr(it, attr);

	if (!r || !r->is_data || r->len < len)
		return false;
	memcpy(out, r->data, len);
	return true;
}

void tg_lin_imm(struct lin_ctx *c, uint32_t reg, const void *data, uint32_t len)
{
	lin_imm(c, reg, data, len);
}

int tg_parse_log_prefix(struct ipt_error *err, const char *opt, const char *arg, char *dst,
			size_t keep)
{
	if (!*arg)
		return err_param(err, "Argument must have a minimum length of 1 characters\n");
	if (strchr(arg, '\n'))
		return err_param(err, "Newlines not allowed in --%s", opt);
	snprintf(dst, keep + 1, "%s", arg);
	return 0;
}

const void *tg_xt_blob(const struct item *it, const char *name, uint32_t rev, uint32_t len)
{
	const char *n;
	const void *info;
	uint32_t got = 0;

	if (!tg_stmt(it, "target") || !it->expr)
		return NULL;
	n = nftnl_expr_get_str(it->expr, NFTNL_EXPR_TG_NAME);
	if (!n || strcmp(n, name) != 0 || nftnl_expr_get_u32(it->expr, NFTNL_EXPR_TG_REV) != rev)
		return NULL;
	info = nftnl_expr_get(it->expr, NFTNL_EXPR_TG_INFO, &got);
	if (!info || got < len)
		return NULL;
	return info;
}

enum compat_res tg_compat_blob(struct xt_out *out, uint32_t rev, const void *info, size_t len)
{
	size_t padded = (len + 7) & ~(size_t)7;

	/* len is the size of an xt_*_info struct, all well below XT_INFO_MAX:
	 * the blob is cut rather than written past out->info */
	if (padded > sizeof(out->info))
		padded = len = sizeof(out->info);
	memset(out->info, 0, padded);
	memcpy(out->info, info, len);
	out->rev = rev;
	out->len = (uint32_t)padded;
	return COMPAT_XT;
}
