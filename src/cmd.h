/* Commands: what the front ends parse into, and their execution. */
#ifndef IPTNFT_CMD_H
#define IPTNFT_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "handle.h"
#include "op.h"
#include "rule.h"


bool compat_from_env(void);


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

#endif
