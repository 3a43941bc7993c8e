/* -m mac --mac-source: the Ethernet source address of a received frame.
 *
 *   meta iiftype ether; ether saddr ADDR (payload link header + 6, 6 bytes)
 *
 * as nft writes "ether saddr"; the device type test keeps the payload
 * load to Ethernet devices, as the xt match does.
 */
#include <net/if_arp.h>
#include <linux/if_ether.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_mac.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "expr.h"
#include "xtopt.h"

struct mac_data {
	uint8_t addr[ETH_ALEN];
	bool inv;
};

enum { O_SOURCE };

static const struct ext_opt mac_opts[] = {
	{ .name = "mac-source", .id = O_SOURCE, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV | OF_MAND, OPT_INVDST(struct mac_data, inv), .help_arg = "address",
	  .help = "Ethernet source address of the packet" },
	{ .name = NULL },
};

/* Six fields of at most two characters between colons, each as strtol
 * reads it in base 16: "0:1:2:3:4:5" and "00:11:22:33:44:" are fine. */
static bool parse_mac(const char *s, uint8_t *out)
{
	unsigned i;

	for (i = 0; i < ETH_ALEN; i++) {
		char field[3], *end;
		const char *colon = strchr(s, ':');
		size_t len = colon ? (size_t)(colon - s) : strlen(s);
		long v;

		if ((i < ETH_ALEN - 1) != (colon != NULL) || len > 2)
			return false;
		memcpy(field, s, len);
		field[len] = '\0';
		v = strtol(field, &end, 16);
		if (*end || v > 255)
			return false;
		out[i] = (uint8_t)v;
		s += len + 1;
	}
	return true;
}

static int mac_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct mac_data *d = data;

	(void)id;
	(void)inv;
	if (!parse_mac(arg, d->addr))
		return err_param(ctx->err, "Invalid MAC address specified.");
	return 0;
}

/* The kernel's mac match serves the hooks a frame is received on. */
static int mac_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	const char *chain = ctx->chain;

	(void)data;
	(void)seen;
	if (chain && (strcmp(chain, "OUTPUT") == 0 || strcmp(chain, "POSTROUTING") == 0))
		return xt_err_table(ctx, chain);
	return 0;
}

static void mac_linearize(struct lin_ctx *c, const void *data)
{
	const struct mac_data *d = data;
	uint16_t ether = ARPHRD_ETHER;

	lin_meta(c, NFT_META_IIFTYPE);
	lin_cmp(c, REL_EQ, &ether, 2);
	lin_payload(c, NFT_PAYLOAD_LL_HEADER, 6, ETH_ALEN);
	lin_cmp(c, d->inv ? REL_NEQ : REL_EQ, d->addr, ETH_ALEN);
}

/*
 * The reference's blob, struct xt_mac_info (revision 0):
 *
 *   0                       6       8               12
 *   +-----------------------+-------+---------------+
 *   | srcaddr               | (pad) | invert (int)  |
 *   +-----------------------+-------+---------------+
 */
static bool mac_blob(const struct item *it, struct mac_data *d)
{
	const struct xt_mac_info *info = xt_blob(it, false, "mac", 0, sizeof(*info));

	if (!info)
		return false;
	memcpy(d->addr, info->srcaddr, ETH_ALEN);
	d->inv = info->invert != 0;
	return true;
}

/* --compat: the reference always writes the blob. */
static enum compat_res mac_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct mac_data *d = data;
	struct xt_mac_info info = { .invert = d->inv };

	(void)c;
	memcpy(info.srcaddr, d->addr, ETH_ALEN);
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(info));
	memcpy(out->info, &info, sizeof(info));
	return COMPAT_XT;
}

static bool mac_delinearize(struct delin_ctx *c, void *data)
{
	struct mac_data *d = data;
	struct item *it = delin_peek(c);
	unsigned start = c->pos;
	uint16_t type;

	if (mac_blob(it, d)) {
		c->pos++;
		return true;
	}
	if (item_is_meta(it, NFT_META_IIFTYPE) && !it->masked && it->op == REL_EQ && it->len == 2) {
		memcpy(&type, it->val, 2);
		if (type != ARPHRD_ETHER)
			return false;
		c->pos++;
		it = delin_peek(c);
	}
	if (item_is_payload(it, NFT_PAYLOAD_LL_HEADER, 6, ETH_ALEN) && !it->masked &&
	    it->len == ETH_ALEN && (it->op == REL_EQ || it->op == REL_NEQ)) {
		memcpy(d->addr, it->val, ETH_ALEN);
		d->inv = it->op == REL_NEQ;
		c->pos++;
		return true;
	}
	c->pos = start;
	return false;
}

static void mac_text(struct strbuf *out, const uint8_t *a)
{
	sb_printf(out, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
}

static void mac_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct mac_data *d = data;

	(void)r;
	(void)fmt;
	sb_add(out, d->inv ? " MAC ! " : " MAC ");
	mac_text(out, d->addr);
}

static void mac_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct mac_data *d = data;

	(void)r;
	sb_add(out, d->inv ? " ! --mac-source " : " --mac-source ");
	mac_text(out, d->addr);
}

const struct extension ext_mac = {
	.name = "mac",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct mac_data),
	.opts = mac_opts,
	.parse = mac_parse,
	.check = mac_check,
	.linearize = mac_linearize,
	.compat = mac_compat,
	.delinearize = mac_delinearize,
	.print = mac_print,
	.save = mac_save,
};
