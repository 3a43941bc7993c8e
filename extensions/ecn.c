/* -m ecn: the Explicit Congestion Notification bits.
 *
 *   [!] --ecn-tcp-cwr       payload load 1b @ transport header + 13;
 *   [!] --ecn-tcp-ece         bitwise & 0x80 (CWR) or 0x40 (ECE);
 *                             cmp eq the bit (or 0 after '!')
 *   [!] --ecn-ip-ect 0..3   payload load 1b @ network header + 1;
 *                             bitwise & 0x03 (IPv4) or 0x30 (IPv6);
 *                             cmp eq|neq the codepoint (<< 4 in IPv6)
 *
 * as nft writes `tcp flags & cwr == cwr` and `ip ecn ect1`. The kernel
 * takes the xt match's TCP bits only in a rule with -p tcp; a rule
 * without is written as the reference's blob (revision 0, struct
 * xt_ecn_info) for the kernel to refuse it alike, and --compat writes
 * the blob always.
 */
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_ecn.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "util.h"
#include "xtopt.h"

#define TCP_FLAGS_OFF 13
#define TCP_ECE 0x40
#define TCP_CWR 0x80

struct ecn_data {
	struct xt_ecn_info info;
};

enum { O_CWR, O_ECE, O_ECT };

static const struct ext_opt ecn_opts[] = {
	{ .name = "ecn-tcp-cwr", .id = O_CWR, .type = OT_CUSTOM, .flags = OF_INV,
	  .help = "the TCP header's CWR bit is set" },
	{ .name = "ecn-tcp-ece", .id = O_ECE, .type = OT_CUSTOM, .flags = OF_INV,
	  .help = "the TCP header's ECE bit is set" },
	{ .name = "ecn-ip-ect", .id = O_ECT, .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV,
	  .help_arg = "0..3", .help = "the IP header's ECN codepoint" },
	{ .name = NULL },
};

static int ecn_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_ecn_info *i = &((struct ecn_data *)data)->info;
	uint8_t op = id == O_CWR ? XT_ECN_OP_MATCH_CWR :
		     id == O_ECE ? XT_ECN_OP_MATCH_ECE : XT_ECN_OP_MATCH_IP;
	uint64_t v;

	if (id == O_ECT) {
		if (xt_parse_uint(ctx->err, "ecn", "ecn-ip-ect", arg, 0, 3, &v) < 0)
			return -1;
		i->ip_ect = (uint8_t)v;
	}
	i->operation |= op;
	if (inv)
		i->invert |= op;
	return 0;
}

static int ecn_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!seen)
		return err_param(ctx->err, "ECN match: some option required");
	return 0;
}

static enum compat_res ecn_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	(void)c;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(struct xt_ecn_info));
	memcpy(out->info, data, sizeof(struct xt_ecn_info));
	return COMPAT_XT;
}

/* One bit of the TCP flags, set (or clear after '!'). */
static void lin_tcp_bit(struct lin_ctx *c, uint8_t bit, bool inv)
{
	uint8_t want = inv ? 0 : bit;

	lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, TCP_FLAGS_OFF, 1);
	lin_bitwise(c, &bit, NULL, 1);
	lin_cmp(c, REL_EQ, &want, 1);
}

static void ecn_linearize(struct lin_ctx *c, const void *data)
{
	const struct xt_ecn_info *i = &((const struct ecn_data *)data)->info;
	const struct rule *r = c->rule;
	bool v6 = c->family == NFPROTO_IPV6;
	uint8_t mask = v6 ? 0x30 : 0x03, ect = (uint8_t)(v6 ? i->ip_ect << 4 : i->ip_ect);
	struct xt_out out = { .rev = 0 };

	if ((i->operation & (XT_ECN_OP_MATCH_ECE | XT_ECN_OP_MATCH_CWR)) &&
	    (!r || !r->has_proto || r->proto != IPPROTO_TCP || (r->inv & INV_PROTO))) {
		ecn_compat(c, data, &out);
		lin_xt(c, false, "ecn", out.rev, out.info, out.len);
		return;
	}
	if (i->operation & XT_ECN_OP_MATCH_IP) {
		lin_payload(c, NFT_PAYLOAD_NETWORK_HEADER, 1, 1);
		lin_bitwise(c, &mask, NULL, 1);
		lin_cmp(c, i->invert & XT_ECN_OP_MATCH_IP ? REL_NEQ : REL_EQ, &ect, 1);
	}
	if (i->operation & XT_ECN_OP_MATCH_ECE)
		lin_tcp_bit(c, TCP_ECE, i->invert & XT_ECN_OP_MATCH_ECE);
	if (i->operation & XT_ECN_OP_MATCH_CWR)
		lin_tcp_bit(c, TCP_CWR, i->invert & XT_ECN_OP_MATCH_CWR);
}

/* A one-byte masked test of the field at base/off whose mask is one of
 * masks; returns the mask, 0 if it is none. */
static uint8_t masked_byte(const struct item *it, uint32_t base, uint32_t off)
{
	static const uint8_t zero[1];

	if (!item_is_payload(it, base, off, 1) || !it->masked || it->len != 1 ||
	    memcmp(it->xor, zero, 1) != 0 || (it->op != REL_EQ && it->op != REL_NEQ))
		return 0;
	return it->mask[0];
}

static bool delin_tcp_bit(struct delin_ctx *c, struct xt_ecn_info *i, uint8_t bit, uint8_t op)
{
	struct item *it = delin_peek(c);

	if (masked_byte(it, NFT_PAYLOAD_TRANSPORT_HEADER, TCP_FLAGS_OFF) != bit ||
	    it->op != REL_EQ || (it->val[0] != bit && it->val[0] != 0))
		return false;
	i->operation |= op;
	if (it->val[0] == 0)
		i->invert |= op;
	c->pos++;
	return true;
}

static bool ecn_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_ecn_info *i = &((struct ecn_data *)data)->info;
	bool v6 = c->family == NFPROTO_IPV6;
	struct item *it = delin_peek(c);
	const void *p;

	if (masked_byte(it, NFT_PAYLOAD_NETWORK_HEADER, 1) == (v6 ? 0x30 : 0x03) &&
	    !(it->val[0] & ~it->mask[0])) {
		i->operation |= XT_ECN_OP_MATCH_IP;
		i->ip_ect = (uint8_t)(v6 ? it->val[0] >> 4 : it->val[0]);
		if (it->op == REL_NEQ)
			i->invert |= XT_ECN_OP_MATCH_IP;
		c->pos++;
	}
	delin_tcp_bit(c, i, TCP_ECE, XT_ECN_OP_MATCH_ECE);
	delin_tcp_bit(c, i, TCP_CWR, XT_ECN_OP_MATCH_CWR);
	if (i->operation)
		return true;
	p = xt_blob(delin_peek(c), false, "ecn", 0, sizeof(*i));
	if (!p)
		return false;
	memcpy(i, p, sizeof(*i));
	c->pos++;
	return true;
}

/* The tests in the order both outputs give them: their word in -L and
 * their option in save; the ECT value follows either. */
static const struct {
	uint8_t op;
	const char *list, *save;
} ecn_tests[] = {
	{ XT_ECN_OP_MATCH_ECE, "ECE", "--ecn-tcp-ece" },
	{ XT_ECN_OP_MATCH_CWR, "CWR", "--ecn-tcp-cwr" },
	{ XT_ECN_OP_MATCH_IP, "ECT=", "--ecn-ip-ect " },
};

/* " !ECE ECT=1" (-L) or " ! --ecn-tcp-ece --ecn-ip-ect 1" (save) */
static void ecn_text(struct strbuf *out, const struct xt_ecn_info *i, bool save)
{
	bool inv;
	size_t k;

	for (k = 0; k < ARRAY_SIZE(ecn_tests); k++) {
		if (!(i->operation & ecn_tests[k].op))
			continue;
		inv = i->invert & ecn_tests[k].op;
		if (save)
			sb_printf(out, "%s %s", inv ? " !" : "", ecn_tests[k].save);
		else
			sb_printf(out, " %s%s", inv ? "!" : "", ecn_tests[k].list);
		if (ecn_tests[k].op == XT_ECN_OP_MATCH_IP)
			sb_printf(out, "%u", i->ip_ect);
	}
}

static void ecn_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	(void)r;
	(void)fmt;
	sb_add(out, " ECN match");
	ecn_text(out, &((const struct ecn_data *)data)->info, false);
}

static void ecn_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	ecn_text(out, &((const struct ecn_data *)data)->info, true);
}

const struct extension ext_ecn = {
	.name = "ecn",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct ecn_data),
	.opts = ecn_opts,
	.parse = ecn_parse,
	.check = ecn_check,
	.linearize = ecn_linearize,
	.compat = ecn_compat,
	.delinearize = ecn_delinearize,
	.print = ecn_print,
	.save = ecn_save,
};
