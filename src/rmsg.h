/* A rule as the kernel sent it: the message's attributes, checked but not
 * copied. Reading rules this way builds no libnftnl objects for the
 * expressions the reader models itself (see expr.c); everything in it
 * points into the message, which must outlive it. */
#ifndef IPTNFT_RMSG_H
#define IPTNFT_RMSG_H

#include <linux/netfilter/nf_tables.h>
#include <stdbool.h>
#include <stdint.h>

struct nlattr;
struct nlmsghdr;
struct nftnl_rule;

struct rule_msg {
	const struct nlmsghdr *nlh;
	uint8_t family;
	const struct nlattr *tb[NFTA_RULE_MAX + 1];
};

/* Take nlh apart: 0, or -1 when an attribute is not of its type. */
int rule_msg_parse(struct rule_msg *m, const struct nlmsghdr *nlh);
/* The string attribute (NFTA_RULE_TABLE, NFTA_RULE_CHAIN), or NULL. */
const char *rule_msg_str(const struct rule_msg *m, int attr);
/* The rule's handle, 0 if the message has none. */
uint64_t rule_msg_handle(const struct rule_msg *m);
/* The userdata bytes and their length, or NULL. */
const void *rule_msg_udata(const struct rule_msg *m, uint32_t *len);

/* A libnftnl rule made from the message, or NULL; the caller frees it. */
struct nftnl_rule *rule_msg_nftnl(const struct rule_msg *m);

#endif
