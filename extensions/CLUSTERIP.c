/* -j CLUSTERIP (iptables): share one address among up to 16 hosts; each
 * answers the connections whose hash falls on its node number.
 *
 *   --new --hashmode MODE --clustermac MAC --total-nodes N
 *   --local-node I [--hash-init SEED]     (all of them, or none)
 *
 * The cluster exists only in the kernel's xt module (ipt_CLUSTERIP,
 * which recent kernels no longer have), so the rule holds the
 * reference's xt target in both write modes, and names it to the kernel
 * first as the reference does (a warning where the module is missing;
 * the kernel then refuses the rule). Revision 0, struct
 * ipt_clusterip_tgt_info, 64 bytes:
 *
 *   0       4     10      12            14                  46   48
 *   +-------+-----+-------+-------------+-------------------+----+--
 *   | flags | mac | total | local count | local nodes[16]   | pad|
 *   +-------+-----+-------+-------------+-------------------+----+--
 *   48          52          56
 *   --+---------+-----------+------------------+
 *     | hashmode| hash init | config (kernel's)|
 *   --+---------+-----------+------------------+
 *   flags: CLUSTERIP_FLAG_NEW; one local node, as the reference writes.
 */
#include <linux/netfilter_ipv4/ipt_CLUSTERIP.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define CLUSTERIP_INFO_LEN offsetof(struct ipt_clusterip_tgt_info, config)

struct clusterip_data {
	uint32_t flags;
	uint8_t mac[ETH_ALEN];
	uint16_t total;
	uint16_t local;
	uint32_t hashmode;
	uint32_t hash_init;
	bool has_local;
};

enum { O_NEW, O_HASHMODE, O_MAC, O_TOTAL, O_LOCAL, O_HASH_INIT };

#define CIP_ALL ((1u << O_NEW) | (1u << O_HASHMODE) | (1u << O_MAC) | (1u << O_TOTAL) | \
		 (1u << O_LOCAL))

static const struct ext_opt clusterip_opts[] = {
	{ .name = "new", .id = O_NEW, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct clusterip_data, flags), .max = CLUSTERIP_FLAG_NEW,
	  .help = "make a new cluster address" },
	{ .name = "hashmode", .id = O_HASHMODE, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "mode",
	  .help = "hash sourceip[-sourceport[-destport]]" },
	{ .name = "clustermac", .id = O_MAC, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "mac", .help = "the cluster's multicast MAC" },
	{ .name = "total-nodes", .id = O_TOTAL, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct clusterip_data, total), .max = CLUSTERIP_MAX_NODES,
	  .help_arg = "n", .help = "how many hosts share the address" },
	{ .name = "local-node", .id = O_LOCAL, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct clusterip_data, local), .max = CLUSTERIP_MAX_NODES,
	  .help_arg = "i", .help = "this host's node number" },
	{ .name = "hash-init", .id = O_HASH_INIT, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct clusterip_data, hash_init), .help_arg = "seed",
	  .help = "seed of the hash" },
	{ .name = NULL },
};

static const char *const clusterip_modes[] = {
	[CLUSTERIP_HASHMODE_SIP] = "sourceip",
	[CLUSTERIP_HASHMODE_SIP_SPT] = "sourceip-sourceport",
	[CLUSTERIP_HASHMODE_SIP_SPT_DPT] = "sourceip-sourceport-destport",
};

/* Six fields split by ':', each what strtoul reads in base 16 (blanks
 * and a sign before it allowed) in at most two characters, cut to 8
 * bits, as the reference reads a MAC address. */
static bool clusterip_parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	unsigned i;
	char *end;

	for (i = 0; i < ETH_ALEN; i++) {
		mac[i] = (uint8_t)strtoul(s, &end, 16);
		if (end - s > 2 || *end != (i < ETH_ALEN - 1 ? ':' : '\0'))
			return false;
		s = end + 1;
	}
	return true;
}

static int clusterip_parse(struct parse_ctx *ctx, void *data, int id, const char *arg,
			   bool inv)
{
	struct clusterip_data *d = data;
	size_t i;

	(void)inv;
	if (id == O_MAC) {
		if (!clusterip_parse_mac(arg, d->mac))
			return err_param(ctx->err, "Invalid MAC address specified.");
		if (!(d->mac[0] & 0x01))
			return err_param(ctx->err, "MAC has to be a multicast ethernet address");
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(clusterip_modes); i++)
		if (strcmp(arg, clusterip_modes[i]) == 0) {
			d->hashmode = (uint32_t)i;
			return 0;
		}
	return err_param(ctx->err, "Unknown hashmode \"%s\"", arg);
}

static int clusterip_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct clusterip_data *d = data;

	if (seen && (seen & CIP_ALL) != CIP_ALL)
		return err_param(ctx->err, "CLUSTERIP target: Invalid parameter combination");
	d->has_local = seen & (1u << O_LOCAL);
	return 0;
}

static enum compat_res clusterip_compat(struct lin_ctx *c, const void *data,
					struct xt_out *out)
{
	const struct clusterip_data *d = data;
	struct ipt_clusterip_tgt_info info;

	(void)c;
	memset(&info, 0, sizeof(info));
	info.flags = d->flags;
	memcpy(info.clustermac, d->mac, sizeof(info.clustermac));
	info.num_total_nodes = d->total;
	if (d->has_local) {
		info.num_local_nodes = 1;
		info.local_nodes[0] = d->local;
	}
	info.hash_mode = d->hashmode;
	info.hash_initval = d->hash_init;
	return tg_compat_blob(out, 0, &info, sizeof(info));
}

static bool clusterip_delinearize(struct delin_ctx *c, void *data)
{
	struct clusterip_data *d = data;
	struct ipt_clusterip_tgt_info info;
	const void *p = tg_xt_blob(delin_peek(c), "CLUSTERIP", 0, CLUSTERIP_INFO_LEN);

	if (!p)
		return false;
	memcpy(&info, p, CLUSTERIP_INFO_LEN);
	d->flags = info.flags;
	memcpy(d->mac, info.clustermac, sizeof(d->mac));
	d->total = info.num_total_nodes;
	d->has_local = info.num_local_nodes > 0;
	d->local = d->has_local ? info.local_nodes[0] : 0;
	d->hashmode = info.hash_mode;
	d->hash_init = info.hash_initval;
	c->pos++;
	return true;
}

static const char *clusterip_mode_name(uint32_t mode)
{
	return mode < ARRAY_SIZE(clusterip_modes) ? clusterip_modes[mode] : "unknown";
}

/* -L: " hashmode=sourceip clustermac=01:00:5E:00:00:20 total_nodes=2
 * local_node=1 hash_init=0"; -S: the options */
static void clusterip_text(struct strbuf *out, const struct clusterip_data *d, bool save)
{
	const uint8_t *m = d->mac;

	if (!(d->flags & CLUSTERIP_FLAG_NEW))
		return;
	sb_printf(out, save ? " --new --hashmode %s --clustermac" : " hashmode=%s clustermac=",
		  clusterip_mode_name(d->hashmode));
	sb_printf(out, "%s%02X:%02X:%02X:%02X:%02X:%02X", save ? " " : "", m[0], m[1], m[2],
		  m[3], m[4], m[5]);
	sb_printf(out, save ? " --total-nodes %u --local-node %u --hash-init %u"
			    : " total_nodes=%u local_node=%u hash_init=%u",
		  d->total, d->local, d->hash_init);
}

static void clusterip_print(struct strbuf *out, const void *data, const struct rule *r,
			    unsigned fmt)
{
	(void)r;
	(void)fmt;
	sb_add(out, " CLUSTERIP");
	clusterip_text(out, data, false);
}

static void clusterip_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	clusterip_text(out, data, true);
}

const struct extension ext_CLUSTERIP = {
	.name = "CLUSTERIP",
	.kind = EXT_TARGET,
	.families = EXT_IPV4,
	.size = sizeof(struct clusterip_data),
	.opts = clusterip_opts,
	.parse = clusterip_parse,
	.check = clusterip_check,
	.compat = clusterip_compat,
	.xt_only = xt_always,
	.delinearize = clusterip_delinearize,
	.probe_xt = true,
	.probe_rev = 0,
	.print = clusterip_print,
	.save = clusterip_save,
};
