/* -j ECN: rewrite the ECN bits of IPv4 packets (iptables only, mangle
 * table, TCP for the TCP flags):
 *
 *   --ecn-tcp-remove       clear ECE and CWR in the TCP header
 *   --ecn-tcp-ece 0|1      set or clear ECE
 *   --ecn-tcp-cwr 0|1      set or clear CWR
 *   --ecn-ip-ect 0..3      the ECN field of the IPv4 header
 *
 * nf_tables can write the IP header's ECN bits but cannot write TCP
 * flags with the checksum fixed up as the target does, so the rule holds
 * the reference's xt target in both write modes: revision 0, struct
 * ipt_ECN_info padded to 8 bytes:
 *
 *   0           1        2                          3
 *   +-----------+--------+--------------------------+
 *   | operation | ip_ect | bit 0: ece, bit 1: cwr   |
 *   +-----------+--------+--------------------------+
 *   operation: IPT_ECN_OP_SET_IP, _SET_ECE, _SET_CWR
 * --ecn-tcp-remove is SET_ECE | SET_CWR with both bits clear.
 */
#include <linux/netfilter_ipv4/ipt_ECN.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define ECN_TCP_OPS (IPT_ECN_OP_SET_ECE | IPT_ECN_OP_SET_CWR)
#define ECN_BIT_ECE 0x01
#define ECN_BIT_CWR 0x02

struct ecn_tg_data {
	uint8_t operation;
	uint8_t ip_ect;
	uint8_t tcp_bits;	/* ECN_BIT_* */
};

enum { O_REMOVE, O_CWR, O_ECE, O_IP_ECT };

static const struct ext_opt ecn_tg_opts[] = {
	{ .name = "ecn-tcp-remove", .id = O_REMOVE, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  .excl = (1u << O_CWR) | (1u << O_ECE), OPT_DST(struct ecn_tg_data, operation),
	  .max = ECN_TCP_OPS, .help = "clear ECE and CWR in the TCP header" },
	{ .name = "ecn-tcp-cwr", .id = O_CWR, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "0|1", .help = "set (1) or clear (0) CWR" },
	{ .name = "ecn-tcp-ece", .id = O_ECE, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "0|1", .help = "set (1) or clear (0) ECE" },
	{ .name = "ecn-ip-ect", .id = O_IP_ECT, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct ecn_tg_data, ip_ect), .max = 3, .help_arg = "0..3",
	  .help = "the ECN field of the IPv4 header" },
	{ .name = NULL },
};

static int ecn_tg_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct ecn_tg_data *d = data;
	uint8_t bit = id == O_CWR ? ECN_BIT_CWR : ECN_BIT_ECE;
	uint64_t v;

	(void)inv;
	if (xt_parse_uint(ctx->err, "ECN", id == O_CWR ? "ecn-tcp-cwr" : "ecn-tcp-ece", arg, 0,
			  1, &v) < 0)
		return -1;
	d->operation |= id == O_CWR ? IPT_ECN_OP_SET_CWR : IPT_ECN_OP_SET_ECE;
	d->tcp_bits = v ? d->tcp_bits | bit : d->tcp_bits & ~bit;
	return 0;
}

static int ecn_tg_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct ecn_tg_data *d = data;

	if (seen & (1u << O_IP_ECT))
		d->operation |= IPT_ECN_OP_SET_IP;
	if (!seen)
		return err_param(ctx->err, "ECN target: An operation is required");
	return 0;
}

static enum compat_res ecn_tg_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct ecn_tg_data *d = data;
	uint8_t info[3] = { d->operation, d->ip_ect, d->tcp_bits };

	(void)c;
	return tg_compat_blob(out, 0, info, sizeof(info));
}

static bool ecn_tg_delinearize(struct delin_ctx *c, void *data)
{
	struct ecn_tg_data *d = data;
	const uint8_t *p = tg_xt_blob(delin_peek(c), "ECN", 0, 3);

	if (!p)
		return false;
	d->operation = p[0];
	d->ip_ect = p[1];
	d->tcp_bits = p[2] & (ECN_BIT_ECE | ECN_BIT_CWR);
	c->pos++;
	return true;
}

/* Whether the target only clears both TCP flags. */
static bool ecn_tg_removes(const struct ecn_tg_data *d)
{
	return d->operation == ECN_TCP_OPS && !d->tcp_bits;
}

/* " TCP remove", " ECE=1 CWR=0 ECT codepoint=2" (-L) or the options (-S) */
static void ecn_tg_text(struct strbuf *out, const struct ecn_tg_data *d, bool save)
{
	if (ecn_tg_removes(d)) {
		sb_add(out, save ? " --ecn-tcp-remove" : " TCP remove");
		return;
	}
	if (d->operation & IPT_ECN_OP_SET_ECE)
		sb_printf(out, save ? " --ecn-tcp-ece %u" : " ECE=%u",
			  !!(d->tcp_bits & ECN_BIT_ECE));
	if (d->operation & IPT_ECN_OP_SET_CWR)
		sb_printf(out, save ? " --ecn-tcp-cwr %u" : " CWR=%u",
			  !!(d->tcp_bits & ECN_BIT_CWR));
	if (d->operation & IPT_ECN_OP_SET_IP)
		sb_printf(out, save ? " --ecn-ip-ect %u" : " ECT codepoint=%u", d->ip_ect);
}

static void ecn_tg_print(struct strbuf *out, const void *data, const struct rule *r,
			 unsigned fmt)
{
	(void)r;
	(void)fmt;
	sb_add(out, " ECN");
	ecn_tg_text(out, data, false);
}

static void ecn_tg_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	ecn_tg_text(out, data, true);
}

const struct extension ext_ECN = {
	.name = "ECN",
	.kind = EXT_TARGET,
	.families = EXT_IPV4,
	.size = sizeof(struct ecn_tg_data),
	.opts = ecn_tg_opts,
	.parse = ecn_tg_parse,
	.check = ecn_tg_check,
	.compat = ecn_tg_compat,
	.xt_only = xt_always,
	.delinearize = ecn_tg_delinearize,
	.print = ecn_tg_print,
	.save = ecn_tg_save,
};
