/* Target layouts that a test kernel cannot always produce, read without a
 * kernel: the native queue expression (a kernel without nft_queue refuses
 * it, and NFQUEUE then falls back to the xt target), and forms nft users
 * write. Each case builds the expressions after "counter", runs them
 * through a netlink message as a dump would hand them back, reads the
 * rule and compares its -S line; a form nobody should claim must leave
 * the rule undecodable. Output is TAP.
 */
#include <config.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "expr.h"
#include "print.h"
#include "rtlib.h"
#include "rule.h"
#include "util.h"

static unsigned test_num, failures;

static struct nftnl_expr *expr(const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (!e)
		abort();
	return e;
}

static void imm(struct lin_ctx *c, uint32_t reg, const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
	lin_add(c, e);
}

static union {
	struct nlmsghdr align;
	char buf[1 << 16];
} msgbuf;

/* nr through a NEWRULE message and back, then read: its -S line */
static void read_rule(struct nftnl_rule *nr, struct strbuf *out, bool *unknown)
{
	struct nftnl_rule *back = nftnl_rule_alloc();
	struct rule *r = rule_new(NFPROTO_IPV4);
	struct nlmsghdr *nlh;

	if (!back)
		abort();
	memset(msgbuf.buf, 0, sizeof(msgbuf.buf));
	nlh = nftnl_nlmsg_build_hdr(msgbuf.buf, NFT_MSG_NEWRULE, NFPROTO_IPV4, 0, 1);
	nftnl_rule_nlmsg_build_payload(nlh, nr);
	if (nftnl_rule_nlmsg_parse(nlh, back) < 0)
		abort();
	rule_delinearize(back, r);
	*unknown = r->unknown;
	print_rule_save(out, r, "INPUT", false);
	rule_free(r);
	nftnl_rule_free(back);
}

static void check(const char *name, struct nftnl_rule *nr, const char *want)
{
	struct strbuf got;
	bool unknown, ok;

	sb_init(&got);
	read_rule(nr, &got, &unknown);
	ok = want ? !unknown && strcmp(got.buf, want) == 0 : unknown;
	test_num++;
	printf("%s %u - %s\n", ok ? "ok" : "not ok", test_num, name);
	if (!ok) {
		failures++;
		printf("#   expected %s\n#   got      '%s'%s\n", want ? want : "an undecodable rule",
		       got.buf, unknown ? " (undecodable)" : "");
	}
	sb_free(&got);
	nftnl_rule_free(nr);
}

/* The message the rule under construction is written into. */
static struct {
	union {
		struct nlmsghdr align;
		char buf[1 << 12];
	} m;
	struct nlattr *exprs;
} building;

/* A rule "[-p tcp] counter" ready for the target's expressions. */
static void rule_start(struct lin_ctx *c, bool tcp)
{
	struct nlmsghdr *nlh;
	uint8_t six = 6;

	/* zeroed: libmnl leaves attribute padding as it finds it */
	memset(&building, 0, sizeof(building));
	nlh = nftnl_nlmsg_build_hdr(building.m.buf, NFT_MSG_NEWRULE, NFPROTO_IPV4, 0, 1);
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, "filter");
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, "INPUT");
	building.exprs = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	memset(c, 0, sizeof(*c));
	c->nlh = nlh;
	c->limit = sizeof(building.m.buf) - 512;
	c->table = "filter";
	c->chain = "INPUT";
	c->family = NFPROTO_IPV4;
	if (tcp) {
		lin_meta(c, NFT_META_L4PROTO);
		lin_cmp(c, REL_EQ, &six, 1);
	}
	lin_counter(c, 0, 0);
}

/* The rule written since rule_start, as libnftnl reads it. */
static struct nftnl_rule *rule_finish(struct lin_ctx *c)
{
	struct nftnl_rule *nr = nftnl_rule_alloc();

	mnl_attr_nest_end(c->nlh, building.exprs);
	if (!nr || nftnl_rule_nlmsg_parse(c->nlh, nr) < 0)
		abort();
	nftnl_rule_set_u32(nr, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	return nr;
}

/* A rule "counter" then e alone (freed here). */
static struct nftnl_rule *rule_with(struct nftnl_expr *e)
{
	struct lin_ctx c;

	rule_start(&c, false);
	lin_add(&c, e);
	return rule_finish(&c);
}

static struct nftnl_rule *queue_rule(uint16_t num, uint16_t total, uint16_t flags)
{
	struct nftnl_expr *e = expr("queue");

	nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_NUM, num);
	if (total)
		nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_TOTAL, total);
	if (flags)
		nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_FLAGS, flags);
	return rule_with(e);
}

static struct nftnl_rule *reject_rule(uint32_t type, uint8_t code)
{
	struct nftnl_expr *e = expr("reject");

	nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, type);
	nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, code);
	return rule_with(e);
}

static struct nftnl_rule *log_rule(uint32_t level)
{
	struct nftnl_expr *e = expr("log");

	nftnl_expr_set_u32(e, NFTNL_EXPR_LOG_LEVEL, level);
	return rule_with(e);
}

static struct nftnl_rule *nat_rule(uint32_t flags)
{
	struct lin_ctx c;
	struct nftnl_expr *e = expr("nat");
	uint8_t addr[4] = { 192, 0, 2, 1 };

	rule_start(&c, false);
	imm(&c, NFT_REG_1, addr, 4);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_SNAT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MAX, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS, flags);
	lin_add(&c, e);
	return rule_finish(&c);
}

static struct nftnl_rule *helper_rule(const char *name)
{
	struct lin_ctx c;
	struct nftnl_expr *e;
	uint16_t zone = 0;

	rule_start(&c, true);
	imm(&c, NFT_REG_1, &zone, 2);
	e = expr("ct");
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_ZONE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_SREG, NFT_REG_1);
	lin_add(&c, e);
	e = expr("objref");
	nftnl_expr_set_u32(e, NFTNL_EXPR_OBJREF_IMM_TYPE, NFT_OBJECT_CT_HELPER);
	nftnl_expr_set_str(e, NFTNL_EXPR_OBJREF_IMM_NAME, name);
	lin_add(&c, e);
	return rule_finish(&c);
}

static struct nftnl_rule *mss_rule(uint8_t type, uint16_t mss)
{
	struct lin_ctx c;
	uint16_t be = htons(mss);

	rule_start(&c, true);
	imm(&c, NFT_REG_1, &be, 2);
	lin_add(&c, expr_exthdr(NFT_EXTHDR_OP_TCPOPT, NFTNL_EXPR_EXTHDR_SREG, NFT_REG_1, type, 2,
				2));
	return rule_finish(&c);
}

/* -j QUEUE written without a kernel: the native queue 0 it stands for */
static struct nftnl_rule *parsed_rule(const char *arg)
{
	struct handle h = { .family = NFPROTO_IPV4, .prog = "iptables" };
	char *argv[] = { "iptables", "-A", "INPUT", "-j", (char *)arg, NULL };
	struct nftnl_rule *nr = nftnl_rule_alloc();
	struct command cmd;

	if (!nr || cmd_parse(&h, 5, argv, &cmd) < 0 || cmd.nrules != 1)
		abort();
	nftnl_rule_set_str(nr, NFTNL_RULE_TABLE, "filter");
	nftnl_rule_set_str(nr, NFTNL_RULE_CHAIN, "INPUT");
	nftnl_rule_set_u32(nr, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	rule_linearize(cmd.rules[0], nr);
	cmd_free(&cmd);
	return nr;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	rt_sandbox();
	printf("1..11\n");
	check("native queue: one queue", queue_rule(7, 0, 0), "-A INPUT -j NFQUEUE --queue-num 7");
	check("native queue: balance, bypass, fanout", queue_rule(2, 4, 3),
	      "-A INPUT -j NFQUEUE --queue-balance 2:5 --queue-bypass --queue-cpu-fanout");
	check("native queue: unknown flag is not NFQUEUE's", queue_rule(1, 0, 4), NULL);
	check("-j QUEUE writes queue 0, read as NFQUEUE", parsed_rule("QUEUE"),
	      "-A INPUT -j NFQUEUE --queue-num 0");
	check("reject with icmpx port-unreachable (inet tables)",
	      reject_rule(NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_ICMPX_PORT_UNREACH),
	      "-A INPUT -j REJECT --reject-with icmp-port-unreachable");
	check("reject with an ICMP code iptables has no name for",
	      reject_rule(NFT_REJECT_ICMP_UNREACH, 4), NULL);
	check("log level audit is not LOG's", log_rule(8), NULL);
	/* the kernel takes snat in POSTROUTING and INPUT only, where NETMAP
	 * maps sources too */
	check("snat with the netmap flag is NETMAP's, not SNAT's", nat_rule(0x41),
	      "-A INPUT -j NETMAP --to 192.0.2.1/32");
	check("netmap with random is neither NETMAP's nor SNAT's", nat_rule(0x45), NULL);
	check("a ct helper object named by someone else is not CT's", helper_rule("ftp-standard"),
	      NULL);
	check("a ct helper object named helper-protocol is CT's", helper_rule("ftp-tcp"),
	      "-A INPUT -p tcp -j CT --helper ftp");
	check("a write to another TCP option is not TCPMSS's", mss_rule(3, 7), NULL);
	if (failures)
		printf("# %u of %u tests failed\n", failures, test_num);
	return failures ? 1 : 0;
}
