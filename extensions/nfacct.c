/* -m nfacct --nfacct-name NAME: count the packet in an accounting
 * object of nfnetlink_acct (made with the nfacct tool), always
 * matching.
 *
 * The objects belong to nfnetlink_acct, which nf_tables cannot reach
 * (its named counters are objects of a table), so the rule holds the
 * reference's xt match in both write modes: revision 1, struct
 * xt_nfacct_match_info_v1, 40 bytes: char name[32], then the kernel's
 * pointer to the object. A missing object is the kernel's ENOENT.
 */
#include <linux/netfilter/nfnetlink_acct.h>
#include <stdio.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

#define NFACCT_REV 1
#define NFACCT_BLOB_LEN 40

struct nfacct_data {
	char name[NFACCT_NAME_MAX];
};

static const struct ext_opt nfacct_opts[] = {
	{ .name = "nfacct-name", .type = OT_CUSTOM, .flags = OF_MAND | OF_NOINV_XT,
	  .has_arg = true, .help_arg = "name",
	  .help = "the accounting object that counts the packet" },
	{ .name = NULL },
};

static int nfacct_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct nfacct_data *d = data;

	(void)id;
	(void)inv;
	if (!*arg)
		return err_param(ctx->err, "Argument must have a minimum length of 1 characters\n");
	/* a longer name is cut, as the reference cuts it */
	snprintf(d->name, sizeof(d->name), "%s", arg);
	return 0;
}

static void nfacct_linearize(struct lin_ctx *c, const void *data)
{
	const struct nfacct_data *d = data;
	uint8_t blob[NFACCT_BLOB_LEN] = { 0 };

	memcpy(blob, d->name, sizeof(d->name));
	lin_xt(c, false, "nfacct", NFACCT_REV, blob, sizeof(blob));
}

static bool nfacct_delinearize(struct delin_ctx *c, void *data)
{
	struct nfacct_data *d = data;
	const uint8_t *blob = xt_blob(delin_peek(c), false, "nfacct", NFACCT_REV,
				      NFACCT_BLOB_LEN);

	if (!blob || !memchr(blob, '\0', sizeof(d->name)))
		return false;
	/* the bytes after the name stay zero, as parse leaves them */
	memcpy(d->name, blob, strlen((const char *)blob));
	c->pos++;
	return true;
}

/* two blanks before the name, in -L as in save */
static void nfacct_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	(void)r;
	(void)fmt;
	sb_printf(out, " nfacct-name  ");
	sb_add_quoted(out, ((const struct nfacct_data *)data)->name);
}

static void nfacct_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	sb_printf(out, " --nfacct-name  ");
	sb_add_quoted(out, ((const struct nfacct_data *)data)->name);
}

const struct extension ext_nfacct = {
	.name = "nfacct",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct nfacct_data),
	.opts = nfacct_opts,
	.parse = nfacct_parse,
	.linearize = nfacct_linearize,
	.delinearize = nfacct_delinearize,
	.print = nfacct_print,
	.save = nfacct_save,
};
