/* -m cluster: share the traffic of a group of nodes that all see every
 * packet (a multicast MAC), each node taking its part.
 *
 * xt_cluster hashes the connection's original source address with the
 * seed, scales the hash to the number of nodes and matches when that
 * node's bit is in the local mask; on a match it also turns a
 * multicast packet into one for this host. nf_tables has the hash but
 * not the packet-type change, so the rule holds the reference's xt
 * match in both write modes: revision 0, struct xt_cluster_match_info
 * (u32 total_nodes, node_mask, hash_seed, flags).
 */
#include <linux/netfilter/xt_cluster.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

enum { O_TOTAL, O_NODE, O_MASK, O_SEED };

struct cluster_data {
	struct xt_cluster_match_info info;
	/* --cluster-local-node as given, checked against the total and
	 * then cleared (the kernel keeps the mask only) */
	uint32_t node;
	bool node_inv, mask_inv;
};

static const struct ext_opt cluster_opts[] = {
	{ .name = "cluster-total-nodes", .id = O_TOTAL, .type = OT_UINT, .flags = OF_NOINV_XT,
	  .min = 1, .max = XT_CLUSTER_NODES_MAX, OPT_DST(struct cluster_data, info.total_nodes),
	  .help_arg = "n", .help = "how many nodes share the traffic" },
	{ .name = "cluster-local-node", .id = O_NODE, .type = OT_UINT, .flags = OF_INV,
	  .min = 1, .max = XT_CLUSTER_NODES_MAX,
	  OPT_DST(struct cluster_data, node), OPT_INVDST(struct cluster_data, node_inv),
	  .help_arg = "n", .help = "this node's number (1 to the total)" },
	/* the reference takes a mask only in 1-32 too */
	{ .name = "cluster-local-nodemask", .id = O_MASK, .type = OT_UINT, .flags = OF_INV,
	  .min = 1, .max = XT_CLUSTER_NODES_MAX,
	  OPT_DST(struct cluster_data, info.node_mask), OPT_INVDST(struct cluster_data, mask_inv),
	  .help_arg = "mask", .help = "the nodes this one answers for, a bit each" },
	{ .name = "cluster-hash-seed", .id = O_SEED, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct cluster_data, info.hash_seed),
	  .help_arg = "n", .help = "the seed of the hash (the same on every node)" },
	{ .name = NULL },
};

static int cluster_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct cluster_data *d = data;
	struct xt_cluster_match_info *info = &d->info;

	/* the reference asks for a node first, then goes through its
	 * options in order (mandatory, exclusive), then checks the node
	 * against the total */
	if (!(seen & (1u << O_NODE | 1u << O_MASK)))
		return err_param(ctx->err, "cluster match: `--cluster-local-node' or"
				 "`--cluster-local-nodemask' is missing");
	if (!(seen & (1u << O_TOTAL)))
		return xt_err_mandatory(ctx->err, "cluster", "cluster-total-nodes");
	if ((seen & (1u << O_NODE)) && (seen & (1u << O_MASK)))
		return xt_err_conflict(ctx->err, "cluster", "cluster-local-node",
				       "cluster-local-nodemask");
	if (!(seen & (1u << O_SEED)))
		return xt_err_mandatory(ctx->err, "cluster", "cluster-hash-seed");
	if (seen & (1u << O_NODE)) {
		if (d->node > info->total_nodes)
			return err_param(ctx->err, "cluster match: `--cluster-local-node' "
					 "must be <= `--cluster-total-nodes'");
		info->node_mask = 1u << (d->node - 1);
	} else if (info->node_mask >= 1ull << info->total_nodes) {
		return err_param(ctx->err, "cluster match: `--cluster-local-nodemask' too big "
				 "for `--cluster-total-nodes'");
	}
	if (d->node_inv || d->mask_inv)
		info->flags |= XT_CLUSTER_F_INV;
	d->node = 0;
	d->node_inv = d->mask_inv = false;
	return 0;
}

static void cluster_linearize(struct lin_ctx *c, const void *data)
{
	const struct cluster_data *d = data;

	lin_xt(c, false, "cluster", 0, &d->info, sizeof(d->info));
}

static bool cluster_delinearize(struct delin_ctx *c, void *data)
{
	struct cluster_data *d = data;
	const void *blob = xt_blob(delin_peek(c), false, "cluster", 0, sizeof(d->info));

	if (!blob)
		return false;
	memcpy(&d->info, blob, sizeof(d->info));
	if (d->info.flags & ~(uint32_t)XT_CLUSTER_F_INV)
		return false;
	c->pos++;
	return true;
}

static void cluster_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct xt_cluster_match_info *info = &((const struct cluster_data *)data)->info;

	(void)r;
	(void)fmt;
	sb_printf(out, " cluster %snode_mask=0x%08x total_nodes=%u hash_seed=0x%08x",
		  info->flags & XT_CLUSTER_F_INV ? "!" : "", info->node_mask,
		  info->total_nodes, info->hash_seed);
}

static void cluster_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_cluster_match_info *info = &((const struct cluster_data *)data)->info;

	(void)r;
	sb_printf(out, "%s --cluster-local-nodemask 0x%08x --cluster-total-nodes %u "
		  "--cluster-hash-seed 0x%08x", info->flags & XT_CLUSTER_F_INV ? " !" : "",
		  info->node_mask, info->total_nodes, info->hash_seed);
}

const struct extension ext_cluster = {
	.name = "cluster",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct cluster_data),
	.opts = cluster_opts,
	.check = cluster_check,
	.linearize = cluster_linearize,
	.delinearize = cluster_delinearize,
	.print = cluster_print,
	.save = cluster_save,
};
