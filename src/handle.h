/* The one handle every command is run with: the family, the program's
 * name, the netlink socket, the error being reported, and what was
 * learnt of the kernel and the namespace on the way. */
#ifndef IPTNFT_HANDLE_H
#define IPTNFT_HANDLE_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "kfeat.h"
#include "nlk.h"
#include "rindex.h"

struct handle {
	uint8_t family;		/* NFPROTO_IPV4 / NFPROTO_IPV6 */
	const char *prog;	/* "iptables" or "ip6tables" */
	struct nlk nl;
	bool nl_open;
	/* the generation handle_netlink was told, until a commit uses it
	 * (a stale one only makes the kernel refuse and the commit retry) */
	uint32_t open_genid;
	bool open_genid_unused;
	struct ipt_error err;
	bool debug_netlink;	/* IPTNFT_DEBUG=netlink: report message counts */
	bool debug_index;	/* IPTNFT_DEBUG=index: say what the rule index answered */
	bool debug_rcvbuf;	/* IPTNFT_DEBUG=rcvbuf: the smallest receive buffer */
	unsigned debug_walk;	/* IPTNFT_DEBUG=nohold,stale: WALK_ flags for listings */
	const char *restore_prog;	/* set while parsing restore lines */
	const char *restore_table;	/* the table of the restore block */
	/* --compat or IPTNFT_COMPAT: write rules in the reference's own
	 * layout (xt compat blobs where it uses them, no iptnft userdata)
	 * so that an older iptables-nft can read them */
	bool compat;
	/* what the running kernel can do, asked once each when first needed */
	struct kfeat feat;
	/* where the rule indexes of the socket's namespace are kept, and
	 * which namespace that is: looked up when first needed */
	struct rindex_home *ri_home;
};

/* An empty handle for family. The error text's room (132 KiB, written
 * before it is read) is left as it is: zeroing it was a third of what a
 * single command did in user space. */
void handle_init(struct handle *h, uint8_t family);
/* The WALK_ flags (cache.h) IPTNFT_DEBUG's value dbg (or NULL) asks for:
 * nohold, stale, short. */
unsigned debug_walk_flags(const char *dbg);
/* Open netlink on demand and ask for the generation, as the reference
 * does first; 0 or -1 with h->err set ("you must be root"). */
int handle_netlink(struct handle *h);
/* The reference's message for a failed generation query (err: -errno);
 * returns -1. */
int handle_genid_error(struct handle *h, int err);
/* Where this namespace's rule indexes are kept, or NULL (none). */
struct rindex_home *handle_index(struct handle *h);
/* Close netlink and free what the handle holds. */
void handle_close(struct handle *h);

#endif
