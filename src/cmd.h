/* Commands: what the front ends parse into, and their execution. */
#ifndef IPTNFT_CMD_H
#define IPTNFT_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "nlk.h"
#include "rindex.h"
#include "rule.h"

enum cmd_op {
	OP_NONE,
	OP_APPEND,
	OP_INSERT,
	OP_DELETE,
	OP_DELETE_NUM,
	OP_REPLACE,
	OP_CHECK,
	OP_LIST,
	OP_LIST_RULES,
	OP_FLUSH,
	OP_ZERO,
	OP_NEW_CHAIN,
	OP_DELETE_CHAIN,
	OP_RENAME_CHAIN,
	OP_POLICY,
	OP_VERSION,
	OP_HELP,
};

/* The one handle passed down: family, program name, netlink, error. */
struct handle {
	uint8_t family;		/* NFPROTO_IPV4 / NFPROTO_IPV6 */
	const char *prog;	/* "iptables" or "ip6tables" */
	struct nlk nl;
	bool nl_open;
	struct ipt_error err;
	bool debug_netlink;	/* IPTNFT_DEBUG=netlink: report message counts */
	bool debug_index;	/* IPTNFT_DEBUG=index: say what the rule index answered */
	bool debug_rcvbuf;	/* IPTNFT_DEBUG=rcvbuf: the smallest receive buffer */
	const char *restore_prog;	/* set while parsing restore lines */
	const char *restore_table;	/* the table of the restore block */
	/* --compat or IPTNFT_COMPAT: write rules in the reference's own
	 * layout (xt compat blobs where it uses them, no iptnft userdata)
	 * so that an older iptables-nft can read them */
	bool compat;
	/* the rule index's directory (NULL: no index) and the namespace it
	 * is kept for; looked up once the socket is open */
	const char *ri_dir;
	struct rindex_ns ri_ns;
	bool ri_ns_known;
};

/* The directory of this namespace's rule indexes, or NULL. */
const char *handle_index_dir(struct handle *h);

/* IPTNFT_COMPAT set to anything but "" or "0". */
bool compat_from_env(void);

struct command {
	enum cmd_op op;
	bool zero_after_list;	/* -L -Z */
	char *table;
	char *chain;
	char *arg;		/* -E new name, -P policy */
	unsigned rulenum;	/* -I/-R/-D/-L/-S/-Z n; 0 when not given */
	unsigned fmt;		/* enum print_fmt */
	bool counters_given;	/* -c */
	uint64_t pkts, bytes;
	struct rule **rules;	/* one per -s/-d combination */
	unsigned nrules;
	char *help;		/* -h: the extensions' sections */
};

/* Parse an iptables command line (argv[0] is the program). 0 or -1. */
int cmd_parse(struct handle *h, int argc, char **argv, struct command *cmd);
void cmd_free(struct command *cmd);
/* Run it against the kernel; prints listings to stdout. 0 or -1. */
int cmd_run(struct handle *h, struct command *cmd);
/* Full main for the iptables/ip6tables personality. */
int iptables_main(uint8_t family, int argc, char **argv);

struct view;
/* Apply one parsed command to a transaction's view (queues messages). */
int cmd_build(struct view *v, struct command *cmd);
/* Set a built-in chain's policy (target NULL keeps it) and its counters
 * to pkts and bytes, as the reference's -P and restore's chain lines do. */
int cmd_set_policy(struct view *v, const char *chain, const char *target, uint64_t pkts,
		   uint64_t bytes);
/* Turn a refused batch into the reference's message: op is what the
 * command (or restore line) did, msg the NFT_MSG_* type of the message
 * the kernel refused (0 if unknown). */
int cmd_batch_error(struct handle *h, enum cmd_op op, uint8_t msg, const char *chain, int err);
/* The reference reads the kernel's answers into MNL_SOCKET_BUFFER_SIZE
 * bytes and asks for the whole of a refused message back, so the refusal
 * of one larger than that is cut short there, and it reports the short
 * read's ENOSPC instead of the kernel's error. Is a refused message of
 * msg_len bytes one of those? */
bool cmd_refusal_cut(uint32_t msg_len);
/* The reference's error then, and for a rule no message can carry:
 * "No space left on device.", status 1. */
int cmd_no_space(struct handle *h);
struct batch;
/* The chain a refused batch message made or deleted when its command
 * (or restore line) names none itself, or NULL. */
const char *cmd_failed_chain(const struct view *v, const struct batch *b);

/* Open netlink on demand; 0 or -1 with h->err set. */
int handle_netlink(struct handle *h);

#endif
