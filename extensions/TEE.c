/* -j TEE --gateway ADDR [--oif DEV]: send a copy of the packet to ADDR,
 * a next hop on a directly connected network; the packet itself goes
 * on to the next rule.
 *
 *   immediate reg 1 = ADDR; dup sreg_addr 1
 *
 * as nft writes `dup to 192.0.2.1`: both are the kernel's nf_dup_ipv4
 * (nf_dup_ipv6) with no output device. --oif names a device the xt
 * target follows by name, appearing and going, where nft's dup holds
 * the index the name had when the rule was added; so a rule with --oif
 * holds the reference's blob (revision 1, struct xt_tee_tginfo), and so
 * does one whose gateway is the zero address, for the kernel to refuse
 * it as it refuses the reference's. --compat writes the blob always.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_TEE.h>
#include <string.h>
#include <sys/socket.h>

#include "expr.h"
#include "ext.h"
#include "print.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define TEE_BLOB_LEN XT_ALIGN(sizeof(struct xt_tee_tginfo))

struct tee_data {
	uint8_t gw[16];
	char oif[16];
};

enum { O_GW, O_OIF };

static const struct ext_opt tee_opts[] = {
	{ .name = "gateway", .id = O_GW, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_MAND | OF_NOINV_XT, .help_arg = "address",
	  .help = "where the copy goes: a directly connected host" },
	{ .name = "oif", .id = O_OIF, .type = OT_STRING, .flags = OF_NOINV_XT | OF_TRUNC,
	  OPT_DST(struct tee_data, oif), .max = 15, .help_arg = "name",
	  .help = "send the copy out of this device" },
	{ .name = NULL },
};

static int tee_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct tee_data *d = data;
	bool v6 = ctx->rule->family == NFPROTO_IPV6;
	struct addrinfo hints = { 0 }, *res;
	int rc;

	(void)id;
	(void)inv;
	hints.ai_family = v6 ? AF_INET6 : AF_INET;
	hints.ai_socktype = SOCK_RAW;
	rc = getaddrinfo(arg, NULL, &hints, &res);
	if (rc)
		return err_param(ctx->err, "getaddrinfo: %s\n", gai_strerror(rc));
	memset(d->gw, 0, sizeof(d->gw));
	if (v6)
		memcpy(d->gw, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, 16);
	else
		memcpy(d->gw, &((struct sockaddr_in *)res->ai_addr)->sin_addr, 4);
	freeaddrinfo(res);
	return 0;
}

static enum compat_res tee_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct tee_data *d = data;
	struct xt_tee_tginfo info;

	(void)c;
	memset(&info, 0, sizeof(info));
	memcpy(&info.gw, d->gw, sizeof(d->gw));
	memcpy(info.oif, d->oif, sizeof(info.oif));
	out->rev = 1;
	out->len = TEE_BLOB_LEN;
	memcpy(out->info, &info, sizeof(info));
	return COMPAT_XT;
}

static void tee_linearize(struct lin_ctx *c, const void *data)
{
	static const uint8_t zero[16];
	const struct tee_data *d = data;
	unsigned alen = family_addr_len(c->family);
	struct xt_out out = { .rev = 1 };
	struct nftnl_expr *e;

	if (d->oif[0] || memcmp(d->gw, zero, alen) == 0) {
		tee_compat(c, data, &out);
		lin_xt(c, true, "TEE", out.rev, out.info, out.len);
		return;
	}
	tg_lin_imm(c, NFT_REG_1, d->gw, alen);
	e = nftnl_expr_alloc("dup");
	if (!e)
		out_of_memory();
	nftnl_expr_set_u32(e, NFTNL_EXPR_DUP_SREG_ADDR, NFT_REG_1);
	lin_add(c, e);
}

static bool tee_delinearize(struct delin_ctx *c, void *data)
{
	struct tee_data *d = data;
	struct item *it = delin_peek(c);
	unsigned alen = family_addr_len(c->family);
	struct xt_tee_tginfo info;
	const void *p;

	if (tg_stmt(it, "dup")) {
		if (nftnl_expr_is_set(it->expr, NFTNL_EXPR_DUP_SREG_DEV) ||
		    !tg_reg_data(it, NFTNL_EXPR_DUP_SREG_ADDR, d->gw, alen))
			return false;
	} else if ((p = tg_xt_blob(it, "TEE", 1, sizeof(info) - sizeof(info.priv)))) {
		memcpy(&info, p, sizeof(info) - sizeof(info.priv));
		memcpy(d->gw, &info.gw, alen);
		memcpy(d->oif, info.oif, sizeof(d->oif));
		d->oif[sizeof(d->oif) - 1] = '\0';
	} else {
		return false;
	}
	c->pos++;
	return true;
}

static void gw_text(struct strbuf *out, const struct tee_data *d, uint8_t family, bool numeric)
{
	struct addr_mask am;

	memset(&am, 0, sizeof(am));
	memcpy(am.addr, d->gw, sizeof(am.addr));
	memset(am.mask, 0xff, sizeof(am.mask));
	print_addr_list(out, &am, family, numeric);
}

static void tee_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct tee_data *d = data;

	sb_add(out, " TEE gw:");
	gw_text(out, d, r->family, fmt & FMT_NUMERIC);
	if (d->oif[0])
		sb_printf(out, " oif=%s", d->oif);
}

static void tee_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct tee_data *d = data;

	sb_add(out, " --gateway ");
	gw_text(out, d, r->family, true);
	if (d->oif[0])
		sb_printf(out, " --oif %s", d->oif);
}

const struct extension ext_TEE = {
	.name = "TEE",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct tee_data),
	.opts = tee_opts,
	.parse = tee_parse,
	.linearize = tee_linearize,
	.compat = tee_compat,
	.delinearize = tee_delinearize,
	.print = tee_print,
	.save = tee_save,
};
