/* -m realm [!] --realm value[/mask]: the routing realm of the packet's
 * route (iptables only). Names come from /etc/iproute2/rt_realms.
 *
 *   meta load rtclassid; [bitwise & mask;] cmp eq|neq value
 *
 * as nft writes `meta rtclassid cosmos`. Like the xt match, the value is
 * compared as given, even with bits the mask clears. The xt match is
 * refused before routing (PREROUTING), where a packet has no route yet;
 * there the rule is written as the reference's blob (revision 0, struct
 * xt_realm_info) for the kernel to refuse it alike, and --compat writes
 * the blob always.
 */
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_realm.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define REALM_FILE "/etc/iproute2/rt_realms"
#define REALM_BLOB_LEN XT_ALIGN(sizeof(struct xt_realm_info))

struct realm_data {
	uint32_t id, mask;
	bool inv;
};

static const struct ext_opt realm_opts[] = {
	{ .name = "realm", .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV | OF_MAND,
	  OPT_INVDST(struct realm_data, inv), .help_arg = "value[/mask]",
	  .help = "realm of the packet's route: number or name" },
	{ .name = NULL },
};

static int realm_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct realm_data *d = data;

	(void)id;
	(void)inv;
	return xt_parse_named_valmask(ctx->err, "realm", "realm", arg, REALM_FILE, &d->id,
				      &d->mask);
}

static enum compat_res realm_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct realm_data *d = data;
	struct xt_realm_info info;

	(void)c;
	/* padding included: the blob's bytes are all defined */
	memset(&info, 0, sizeof(info));
	info.id = d->id;
	info.mask = d->mask;
	info.invert = d->inv;
	out->rev = 0;
	out->len = REALM_BLOB_LEN;
	memset(out->info, 0, REALM_BLOB_LEN);
	memcpy(out->info, &info, sizeof(info));
	return COMPAT_XT;
}

static void realm_linearize(struct lin_ctx *c, const void *data)
{
	const struct realm_data *d = data;
	struct xt_out out = { .name = "realm" };

	if (tg_misplaced(c, NULL, TG_ANY_HOOK & ~TG_PRE)) {
		realm_compat(c, data, &out);
		lin_xt(c, false, "realm", out.rev, out.info, out.len);
		return;
	}
	lin_meta(c, NFT_META_RTCLASSID);
	if (d->mask != UINT32_MAX)
		lin_bitwise(c, &d->mask, NULL, 4);
	lin_cmp(c, d->inv ? REL_NEQ : REL_EQ, &d->id, 4);
}

static bool realm_delinearize(struct delin_ctx *c, void *data)
{
	static const uint8_t zero[4];
	struct realm_data *d = data;
	struct item *it = delin_peek(c);
	struct xt_realm_info info;
	const void *p;

	if (item_is_meta(it, NFT_META_RTCLASSID)) {
		if (it->len != 4 || it->concat || (it->op != REL_EQ && it->op != REL_NEQ) ||
		    (it->masked && memcmp(it->xor, zero, 4) != 0))
			return false;
		memcpy(&d->id, it->val, 4);
		d->mask = UINT32_MAX;
		if (it->masked)
			memcpy(&d->mask, it->mask, 4);
		d->inv = it->op == REL_NEQ;
	} else if ((p = xt_blob(it, false, "realm", 0, sizeof(info)))) {
		memcpy(&info, p, sizeof(info));
		d->id = info.id;
		d->mask = info.mask;
		d->inv = info.invert != 0;
	} else {
		return false;
	}
	c->pos++;
	return true;
}

static void realm_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct realm_data *d = data;

	(void)r;
	sb_add(out, d->inv ? " ! realm" : " realm");
	xt_named_valmask_text(out, fmt & FMT_NUMERIC ? NULL : REALM_FILE, d->id, d->mask);
}

static void realm_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct realm_data *d = data;

	(void)r;
	sb_add(out, d->inv ? " ! --realm" : " --realm");
	xt_named_valmask_text(out, REALM_FILE, d->id, d->mask);
}

const struct extension ext_realm = {
	.name = "realm",
	.kind = EXT_MATCH,
	.families = EXT_IPV4,
	.size = sizeof(struct realm_data),
	.opts = realm_opts,
	.parse = realm_parse,
	.linearize = realm_linearize,
	.compat = realm_compat,
	.delinearize = realm_delinearize,
	.print = realm_print,
	.save = realm_save,
};
