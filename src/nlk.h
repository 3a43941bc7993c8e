/* The netlink layer: one socket, queries, and batches.
 *
 * A batch on the wire (one sendmsg, pages chained by iovec):
 *
 *   +-------------------+-----------+-----------+-----+------------------+
 *   | NFNL_MSG_BATCH_   | NFT_MSG_* | NFT_MSG_* | ... | NFNL_MSG_BATCH_  |
 *   | BEGIN  [GENID u32]| seq s+1   | seq s+2   |     | END              |
 *   +-------------------+-----------+-----------+-----+------------------+
 *
 * The kernel applies all messages or none. With GENID it refuses the
 * whole batch with ERESTART if anyone committed since we read genid.
 * Errors come back as NLMSG_ERROR carrying the failed message's seq, which
 * maps to the tag the caller gave that message.
 *
 * The batch is built in pages; a message that runs past the end of its
 * page is moved to a new one, so every page has NLK_MSG_MAX bytes of room
 * beyond its size, and no message may be larger than that.
 */
#ifndef IPTNFT_NLK_H
#define IPTNFT_NLK_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>

struct nftnl_batch;

struct nlk {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	char *buf;		/* receive buffer */
	size_t buflen;
	unsigned long rx_msgs;	/* netlink messages received, for tests */
	bool abandoned;		/* a dump was left unread: reopen before reuse */
	uint64_t rcvbuf;	/* the socket's receive buffer as last set */
	/* IPTNFT_DEBUG=rcvbuf: keep the kernel's smallest receive buffer,
	 * so that replies overflow it (tests of what then holds) */
	bool tiny_rcvbuf;
	/* a dump the ruleset changed under (NLM_F_DUMP_INTR) is read on
	 * to its end, with dump_intr set, instead of failing with EINTR */
	bool dump_intr_ok, dump_intr;
};

/* Open the socket; returns 0 or -errno. */
int nlk_open(struct nlk *nl);
void nlk_close(struct nlk *nl);
/* From now on (and on every socket that replaces this one) keep the
 * smallest receive buffer the kernel allows. */
void nlk_tiny_rcvbuf(struct nlk *nl);

/* Start a request message of type in buf (MNL_SOCKET_BUFFER_SIZE bytes)
 * with the next seq. Its first NLK_REQUEST_MAX bytes are zeroed here:
 * a request is a table, chain and set name and a handle at most, and
 * nlk_query refuses a longer one (EMSGSIZE). */
#define NLK_REQUEST_MAX 1024
struct nlmsghdr *nlk_request(struct nlk *nl, char *buf, uint16_t type, uint16_t family,
			     uint16_t flags);
/* Send req and run cb on every reply until done; 0 or -errno. A cb that
 * returns MNL_CB_STOP ends a dump early: the kernel then never builds the
 * rest of it, and the socket is replaced before its next use. */
int nlk_query(struct nlk *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data);
/* The ruleset generation id. */
int nlk_genid(struct nlk *nl, uint32_t *genid);

/* The largest message a batch takes: a rule's expressions (64 KiB at
 * most: their attribute's length is 16 bits) and its header. */
#define NLK_MSG_MAX (64 * 1024 + 4096)
/* The most a message's header and its names take: the netlink and
 * nfnetlink headers, a table's and a chain's name (NFT_NAME_MAXLEN each)
 * and a few numbers (handle, position, id). */
#define NLK_HEAD_MAX 1024

struct batch;
/* Told of every message batch_done closes, then (nlh NULL) that the
 * batch is about to be sent. */
typedef void (*batch_observer_fn)(void *arg, struct batch *b, struct nlmsghdr *nlh);

struct batch {
	struct nftnl_batch *b;
	batch_observer_fn observer;	/* the rule index, or NULL */
	void *observer_arg;
	uint32_t first_seq, next_seq;
	int *tags;		/* tag of each message, by seq - first_seq */
	unsigned ntags, captags;
	struct nlmsghdr *last;	/* the message batch_done closed last */
	/* the current page is zeroed up to here: a message about to start
	 * gets the bytes it may take zeroed, not the whole page at once */
	char *zeroed;
	uint8_t fail_type;	/* NFT_MSG_* of the first message refused, or 0 */
	uint32_t fail_seq;	/* and its seq, or 0 */
	/* rules the kernel echoed back (NLM_F_ECHO): their seq and handle */
	struct batch_echo {
		uint32_t seq;
		uint64_t handle;
	} *echo;
	unsigned necho, capecho;
	/* echoes asked for, and the bytes of their messages: the receive
	 * buffer is sized for them */
	unsigned echo_asked;
	uint64_t echo_bytes;
	/* the generation the commit made, as the kernel's NEWGEN said (sent
	 * along with echoes), or 0 */
	uint32_t new_genid;
	/* every message the kernel refused, in the batch's order */
	struct batch_err {
		int tag;
		int err;
		uint8_t type;	/* NFT_MSG_* of the refused message */
	} *errs;
	unsigned nerrs, caperrs;
	/* the length of the first message the kernel refused, as its error
	 * says (0 if none) */
	uint32_t fail_len;
};

void batch_init(struct batch *b, struct nlk *nl);
void batch_free(struct batch *b);
/* Room for one message in the batch, of at most NLK_MSG_MAX bytes; fill
 * its payload, then batch_done. */
struct nlmsghdr *batch_msg(struct batch *b, uint16_t type, uint16_t family, uint16_t flags,
			   int tag);
/* The same for a message known to take at most room bytes (at most
 * NLK_MSG_MAX): only those are zeroed first, which spares a command of
 * one small message the page faults of 68 KiB. */
struct nlmsghdr *batch_msg_sized(struct batch *b, uint16_t type, uint16_t family,
				 uint16_t flags, int tag, size_t room);
void batch_done(struct batch *b);
/* Have fn read the batch's messages from here on (fn NULL: no one). */
void batch_observe(struct batch *b, batch_observer_fn fn, void *arg);
/* Ask the kernel to echo a message already closed with batch_done. */
void batch_set_echo(struct batch *b, struct nlmsghdr *nlh);
unsigned batch_count(const struct batch *b);
/* The handle the kernel gave the rule or chain sent as message seq with
 * NLM_F_ECHO, or 0 if it did not say. */
uint64_t batch_echo_handle(const struct batch *b, uint32_t seq);

/* Send the batch under genid. Returns 0, or -errno with *fail_tag set
 * to the tag of the first message the kernel refused (-1 if none); the
 * others it refused are in b->errs. The result is the kernel's verdict on
 * the batch: a receive buffer that overflows loses echoes (which
 * batch_echo_handle then does not know) and later errors, never the
 * fact that the batch committed or failed. */
int batch_commit(struct nlk *nl, struct batch *b, uint32_t genid, int *fail_tag);
/* Send the batch, let the kernel check it, then abort: the check mode. */
int batch_check(struct nlk *nl, struct batch *b, uint32_t genid, int *fail_tag);

#endif
