/* xtables-monitor: what its event and trace printers share. */
#ifndef IPTNFT_MONITOR_H
#define IPTNFT_MONITOR_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/netfilter/nf_tables.h>

#include "aset.h"
#include "nlk.h"

/* An anonymous set seen made while monitoring: a rule's delete event
 * comes after its sets are gone, so their contents are kept from the
 * event that made them. */
struct mon_set {
	uint8_t family;
	char table[256];
	struct aset set;
	bool gone;		/* deleted: forgotten at the next generation */
};

struct monitor {
	bool events, trace, counters;
	struct mon_set *sets;
	unsigned nsets;
	uint8_t family;		/* NFPROTO_IPV4/IPV6 with -4/-6, else 0: all */
	struct nlk events_nl;	/* subscribed to the multicast groups */
	struct nlk query;	/* asks the kernel for a traced rule */
};

/* One NFT_MSG_TRACE message, parsed: its attributes point into the
 * message. */
struct trace_event {
	uint8_t family;		/* the message's: NFPROTO_IPV4 or _IPV6 */
	uint32_t id;		/* the packet's trace id */
	uint32_t type;		/* NFT_TRACETYPE_* */
	const char *table, *chain;
	bool has_handle;	/* a rule event names its rule */
	uint64_t handle;
	int32_t verdict;	/* NF_ACCEPT, NFT_JUMP, ... (rule events) */
	const char *target_chain;	/* of a jump or goto */
	uint32_t policy;	/* of a policy event */
	const struct nlattr *tb[NFTA_TRACE_MAX + 1];
};

/* Parse nlh; false if it is no trace event of a table and chain. */
bool trace_event_parse(const struct nlmsghdr *nlh, struct trace_event *t);
/* The packet as the reference's PACKET line shows it, after the family
 * and id: "IN=.. OUT=.. MACSRC=.. SRC=.. ...", each field followed by a
 * blank (needs NFTA_TRACE_NETWORK_HEADER). */
struct strbuf;
void trace_packet_text(struct strbuf *out, const struct trace_event *t);
/* "ACCEPT", "DROP", "CONTINUE", "JUMP:chain", "GOTO:chain" or 0xN */
void trace_verdict_text(struct strbuf *out, const struct trace_event *t);

/* Whether -4/-6 let events of this family through. */
bool monitor_family_wanted(const struct monitor *m, uint8_t family);
/* Print one NFT_MSG_TRACE message: a PACKET line when it carries the
 * packet's headers, then a TRACE line for a rule or a policy. */
int monitor_trace(const struct nlmsghdr *nlh, struct monitor *m);

#endif
