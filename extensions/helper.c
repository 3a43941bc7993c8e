/* -m helper --helper NAME: the connection tracking helper.
 *
 *   ct helper "NAME" (ct load helper; cmp against the name, NUL padded
 *   to the kernel's 16 bytes)
 *
 * nft can only name the helper of the connection itself; the xt match
 * looks at the helper of the connection's master (the FTP control
 * connection of a data connection), so the two select different
 * connections. A name longer than the kernel's 15 characters is written
 * unterminated, so that, as with the reference, it never matches.
 */
#include <ctype.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_helper.h>
#include <stdio.h>
#include <string.h>

#include "ext.h"
#include "expr.h"
#include "xtopt.h"

#define CT_HELPER_LEN 16	/* NF_CT_HELPER_NAME_LEN */

struct helper_data {
	char name[30];		/* as the reference keeps it: 29 characters */
	bool inv;
};

enum { O_HELPER };

static const struct ext_opt helper_opts[] = {
	{ .name = "helper", .id = O_HELPER, .type = OT_STRING, .flags = OF_INV | OF_MAND | OF_TRUNC,
	  OPT_DST(struct helper_data, name), OPT_INVDST(struct helper_data, inv),
	  .help_arg = "name", .help = "connection handled by this conntrack helper" },
	{ .name = NULL },
};

static void helper_linearize(struct lin_ctx *c, const void *data)
{
	const struct helper_data *d = data;
	uint8_t buf[CT_HELPER_LEN] = { 0 };
	size_t len = strlen(d->name);

	memcpy(buf, d->name, len < CT_HELPER_LEN ? len : CT_HELPER_LEN);
	lin_ct(c, NFT_CT_HELPER, -1);
	lin_cmp(c, d->inv ? REL_NEQ : REL_EQ, buf, CT_HELPER_LEN);
}

/*
 * The reference's blob, struct xt_helper_info (revision 0):
 *
 *   0               4                                   34    40
 *   +---------------+-----------------------------------+-----+
 *   | invert (int)  | name[30], NUL terminated          | pad |
 *   +---------------+-----------------------------------+-----+
 */
static bool helper_blob(const struct item *it, struct helper_data *d)
{
	const struct xt_helper_info *info = xt_blob(it, false, "helper", 0, sizeof(*info));

	if (!info)
		return false;
	snprintf(d->name, sizeof(d->name), "%.*s", (int)sizeof(info->name), info->name);
	d->inv = info->invert != 0;
	return true;
}

/* --compat: the reference always writes the blob. */
static enum compat_res helper_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct helper_data *d = data;
	struct xt_helper_info info = { .invert = d->inv };

	(void)c;
	memcpy(info.name, d->name, sizeof(info.name));
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(info));
	memcpy(out->info, &info, sizeof(info));
	return COMPAT_XT;
}

static bool helper_delinearize(struct delin_ctx *c, void *data)
{
	struct helper_data *d = data;
	struct item *it = delin_peek(c);

	if (helper_blob(it, d)) {
		c->pos++;
		return true;
	}
	if (!item_is_ct(it, NFT_CT_HELPER) || it->masked || it->len == 0 ||
	    it->len > CT_HELPER_LEN || (it->op != REL_EQ && it->op != REL_NEQ))
		return false;
	snprintf(d->name, sizeof(d->name), "%.*s", (int)it->len, (const char *)it->val);
	d->inv = it->op == REL_NEQ;
	c->pos++;
	return true;
}

static void helper_print(struct strbuf *out, const void *data, const struct rule *r,
			 unsigned fmt)
{
	const struct helper_data *d = data;

	(void)r;
	(void)fmt;
	sb_printf(out, " helper match %s\"%s\"", d->inv ? "! " : "", d->name);
}

/* As the reference saves a string: bare when it is only letters, digits,
 * '-' and '_', else in double quotes with '"' and '\\' escaped. */
static void save_string(struct strbuf *out, const char *s)
{
	const char *p;
	bool bare = *s != '\0';

	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			bare = false;
	if (bare) {
		sb_add(out, s);
		return;
	}
	sb_addc(out, '"');
	for (p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_addc(out, '\\');
		sb_addc(out, *p);
	}
	sb_addc(out, '"');
}

static void helper_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct helper_data *d = data;

	(void)r;
	sb_add(out, d->inv ? " ! --helper " : " --helper ");
	save_string(out, d->name);
}

const struct extension ext_helper = {
	.name = "helper",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct helper_data),
	.opts = helper_opts,
	.linearize = helper_linearize,
	.compat = helper_compat,
	.delinearize = helper_delinearize,
	.print = helper_print,
	.save = helper_save,
};
