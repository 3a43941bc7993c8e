/* xtables-monitor: what its event and trace printers share. */
#ifndef IPTNFT_MONITOR_H
#define IPTNFT_MONITOR_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>

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

/* Whether -4/-6 let events of this family through. */
bool monitor_family_wanted(const struct monitor *m, uint8_t family);
/* Print one NFT_MSG_TRACE message: a PACKET line when it carries the
 * packet's headers, then a TRACE line for a rule or a policy. */
int monitor_trace(const struct nlmsghdr *nlh, struct monitor *m);

#endif
