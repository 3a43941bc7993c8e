#include "nlk.h"

#include <stdio.h>
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <libnftnl/batch.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "util.h"

#define RXBUF_SIZE (256 * 1024)
#define BATCH_PAGE (256 * 1024)
/* what libnftnl allocates for a page: its size and the overrun area */
#define BATCH_PAGE_BYTES (BATCH_PAGE + NLK_MSG_MAX)

/* The receive buffer: 4 MiB, and for a batch room for a reply to every
 * message. What one queued reply costs at most: an error (with
 * NETLINK_CAP_ACK the refused message's header only) takes about 830
 * bytes of the buffer; an echo its own bytes, and on a kernel that does
 * not gather notifications into one buffer, a page besides. */
#define RCVBUF_BASE (4u * 1024 * 1024)
#define ERR_COST 1024u
#define ECHO_COST 4096u

/* Raise the socket's receive buffer to want bytes (the kernel doubles
 * what it is told). */
static void set_rcvbuf(struct nlk *nl, uint64_t want)
{
	int fd = mnl_socket_get_fd(nl->sock), size;

	if (nl->tiny_rcvbuf)
		want = 0;	/* the kernel makes it its minimum */
	else if (want <= nl->rcvbuf)
		return;
	if (want > INT_MAX / 2)
		want = INT_MAX / 2;
	size = (int)want;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	nl->rcvbuf = want;
}

int nlk_open(struct nlk *nl)
{
	int on = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return err;
	}
	/* Tell the kernel to report errors with the failed message only. */
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &on, sizeof(on));
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &on, sizeof(on));
	set_rcvbuf(nl, RCVBUF_BASE);
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	nl->buflen = RXBUF_SIZE;
	nl->buf = xmalloc(nl->buflen);
	return 0;
}

void nlk_tiny_rcvbuf(struct nlk *nl)
{
	nl->tiny_rcvbuf = true;
	if (nl->sock)
		set_rcvbuf(nl, 0);
}

void nlk_close(struct nlk *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->buf);
	nl->sock = NULL;
	nl->buf = NULL;
}

struct nlmsghdr *nlk_request(struct nlk *nl, char *buf, uint16_t type, uint16_t family,
			     uint16_t flags)
{
	/* libmnl 1.0.4 leaves attribute padding as it finds it, and the
	 * kernel should not get stack garbage; not the whole buffer: that
	 * was most of the user time of a save of many small chains */
	memset(buf, 0, NLK_REQUEST_MAX);
	return nftnl_nlmsg_build_hdr(buf, type, family, flags, ++nl->seq);
}

struct counted_cb {
	struct nlk *nl;
	mnl_cb_t cb;
	void *data;
};

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct counted_cb *c = data;
	int ret;

	ret = c->cb ? c->cb(nlh, c->data) : MNL_CB_OK;
	if (ret == MNL_CB_STOP)
		c->nl->abandoned = true;
	return ret;
}

/* After an abandoned dump the old socket still holds its remainder. */
static int nlk_fresh(struct nlk *nl)
{
	unsigned long rx = nl->rx_msgs;
	bool tiny = nl->tiny_rcvbuf, intr_ok = nl->dump_intr_ok;
	int ret;

	if (!nl->abandoned)
		return 0;
	nlk_close(nl);
	ret = nlk_open(nl);
	nl->rx_msgs = rx;
	nl->dump_intr_ok = intr_ok;
	if (ret == 0 && tiny)
		nlk_tiny_rcvbuf(nl);
	return ret;
}

/* Run cb on the replies to seq in buf, up to the one that ends them;
 * a message of an earlier request that nobody read is passed over. */
static int run_replies(struct nlk *nl, char *buf, size_t len, uint32_t seq,
		       struct counted_cb *c)
{
	struct nlmsghdr *nlh = (void *)buf;
	int left = (int)len, ret = MNL_CB_OK;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_seq != seq)
			continue;
		nl->rx_msgs++;	/* the dump's end and acknowledgements too */
		if ((nlh->nlmsg_flags & NLM_F_DUMP_INTR) && nl->dump_intr_ok) {
			nl->dump_intr = true;
			nlh->nlmsg_flags &= ~NLM_F_DUMP_INTR;
		}
		ret = mnl_cb_run(nlh, nlh->nlmsg_len, seq, nl->portid, count_cb, c);
		if (ret <= MNL_CB_STOP)
			return ret;
	}
	return ret;
}

static int query_once(struct nlk *nl, struct nlmsghdr *req, struct counted_cb *c)
{
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, nl->buf, nl->buflen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		ret = run_replies(nl, nl->buf, (size_t)n, req->nlmsg_seq, c);
		if (ret < 0)
			return -errno;
		if (ret == MNL_CB_STOP)
			return 0;	/* done, or ended early by cb */
	}
}

int nlk_query(struct nlk *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	struct counted_cb c = { nl, cb, data };
	unsigned long seen;
	int attempt, ret;

	if (req->nlmsg_len > NLK_REQUEST_MAX)
		return -EMSGSIZE;
	for (attempt = 0;; attempt++) {
		ret = nlk_fresh(nl);
		if (ret < 0)
			return ret;
		seen = nl->rx_msgs;
		ret = query_once(nl, req, &c);
		/* ENOBUFS: the socket dropped replies, perhaps the answer.
		 * Nothing was read yet, so a question asked again on a new
		 * socket is answered whole. */
		if (ret != -ENOBUFS || nl->rx_msgs != seen || attempt == 2)
			return ret;
		nl->abandoned = true;
	}
}

static int genid_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_gen *gen = nftnl_gen_alloc();

	if (!gen)
		return MNL_CB_ERROR;
	if (nftnl_gen_nlmsg_parse(nlh, gen) == 0)
		*(uint32_t *)data = nftnl_gen_get_u32(gen, NFTNL_GEN_ID);
	nftnl_gen_free(gen);
	return MNL_CB_OK;
}

int nlk_genid(struct nlk *nl, uint32_t *genid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nlk_request(nl, buf, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_ACK);

	*genid = 0;
	return nlk_query(nl, nlh, genid_cb, genid);
}

/* ---- batches ---- */

void batch_init(struct batch *b, struct nlk *nl)
{
	memset(b, 0, sizeof(*b));
	b->b = nftnl_batch_alloc(BATCH_PAGE, NLK_MSG_MAX);
	if (!b->b)
		out_of_memory();
	/* zeroed as messages are started (batch_room) */
	b->zeroed = nftnl_batch_buffer(b->b);
	/* seq of the begin message; commands follow it */
	b->first_seq = ++nl->seq;
	b->next_seq = b->first_seq + 1;
	/* leave room for BATCH_BEGIN, written at commit time with the genid */
	nl->seq += 1u << 24;
}

void batch_free(struct batch *b)
{
	if (b->b)
		nftnl_batch_free(b->b);
	free(b->tags);
	free(b->echo);
	free(b->errs);
	memset(b, 0, sizeof(*b));
}

static void batch_put_begin(char *buf, uint32_t seq, uint32_t genid, bool with_genid)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = NFNL_MSG_BATCH_BEGIN;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(NFNL_SUBSYS_NFTABLES);
	if (with_genid)
		mnl_attr_put_u32(nlh, NFNL_BATCH_GENID, htonl(genid));
}

/* libmnl 1.0.4 leaves attribute padding as it finds it, and the kernel
 * must get no heap garbage: the room of the message about to be written
 * at the buffer's position is zeroed first. A page is zeroed as far as
 * its messages reach, not whole: a single command's batch touches
 * kilobytes, not the page's 324 KiB. */
static void batch_room(struct batch *b, size_t room)
{
	char *at = nftnl_batch_buffer(b->b);
	char *page_end = at - nftnl_batch_buffer_len(b->b) + BATCH_PAGE_BYTES;
	char *want = room < (size_t)(page_end - at) ? at + room : page_end;

	/* what lies before the position is written: never zeroed again */
	if (b->zeroed < at)
		b->zeroed = at;
	if (want > b->zeroed) {
		memset(b->zeroed, 0, (size_t)(want - b->zeroed));
		b->zeroed = want;
	}
}

struct nlmsghdr *batch_msg_sized(struct batch *b, uint16_t type, uint16_t family,
				 uint16_t flags, int tag, size_t room)
{
	unsigned idx;

	if (b->ntags == 0 && nftnl_batch_buffer_len(b->b) == 0) {
		/* reserve the begin message's place: it is rewritten at commit
		 * (and every byte of it written here) */
		batch_put_begin(nftnl_batch_buffer(b->b), b->first_seq, 0, true);
		nftnl_batch_update(b->b);
	}
	batch_room(b, room < NLK_MSG_MAX ? room : NLK_MSG_MAX);
	idx = b->next_seq - b->first_seq;
	if (idx >= b->captags) {
		b->captags = b->captags ? b->captags * 2 : 64;
		b->tags = xrealloc(b->tags, b->captags * sizeof(*b->tags));
	}
	b->tags[idx] = tag;
	b->ntags = idx + 1;
	return nftnl_nlmsg_build_hdr(nftnl_batch_buffer(b->b), type, family, flags,
				     b->next_seq++);
}

struct nlmsghdr *batch_msg(struct batch *b, uint16_t type, uint16_t family, uint16_t flags,
			   int tag)
{
	return batch_msg_sized(b, type, family, flags, tag, NLK_MSG_MAX);
}

void batch_done(struct batch *b)
{
	char *msg = nftnl_batch_buffer(b->b), *end;
	uint32_t len = ((struct nlmsghdr *)msg)->nlmsg_len;

	/* a message that overflows its page is copied to the next one: in
	 * either case it ends where the buffer now goes on */
	if (nftnl_batch_update(b->b) < 0)
		out_of_memory();
	end = nftnl_batch_buffer(b->b);
	b->last = (struct nlmsghdr *)(end - len);
	if ((char *)b->last != msg)	/* a new page, zeroed from here on */
		b->zeroed = end;
	if (b->last->nlmsg_flags & NLM_F_ECHO) {
		b->echo_asked++;
		b->echo_bytes += len;
	}
	if (b->observer)
		b->observer(b->observer_arg, b, b->last);
}

void batch_observe(struct batch *b, batch_observer_fn fn, void *arg)
{
	b->observer = fn;
	b->observer_arg = arg;
}

void batch_set_echo(struct batch *b, struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_flags & NLM_F_ECHO)
		return;
	nlh->nlmsg_flags |= NLM_F_ECHO;
	b->echo_asked++;
	b->echo_bytes += nlh->nlmsg_len;
}

static void batch_note_echo(struct batch *b, const struct nlmsghdr *nlh)
{
	const struct nlattr *a;
	uint16_t attr;

	if (nlh->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN)) {
		mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
			if (mnl_attr_get_type(a) == NFTA_GEN_ID &&
			    mnl_attr_get_payload_len(a) == sizeof(uint32_t))
				b->new_genid = ntohl(mnl_attr_get_u32(a));
		return;
	}
	/* a rule's handle, or a chain's (NFTA_RULE_HANDLE is 3,
	 * NFTA_CHAIN_HANDLE 2) */
	if (nlh->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE))
		attr = NFTA_RULE_HANDLE;
	else if (nlh->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWCHAIN))
		attr = NFTA_CHAIN_HANDLE;
	else
		return;
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) != attr ||
		    mnl_attr_get_payload_len(a) != sizeof(uint64_t))
			continue;
		if (b->necho == b->capecho) {
			b->capecho = b->capecho ? b->capecho * 2 : 8;
			b->echo = xrealloc(b->echo, b->capecho * sizeof(*b->echo));
		}
		b->echo[b->necho].seq = nlh->nlmsg_seq;
		b->echo[b->necho].handle = be64toh(mnl_attr_get_u64(a));
		b->necho++;
	}
}

uint64_t batch_echo_handle(const struct batch *b, uint32_t seq)
{
	unsigned i;

	for (i = 0; i < b->necho; i++)
		if (b->echo[i].seq == seq)
			return b->echo[i].handle;
	return 0;
}

unsigned batch_count(const struct batch *b)
{
	return b->ntags ? b->ntags - 1 : 0;
}

static void batch_add_err(struct batch *b, uint32_t seq, int err, uint8_t type)
{
	if (b->nerrs == b->caperrs) {
		b->caperrs = b->caperrs ? b->caperrs * 2 : 8;
		b->errs = xrealloc(b->errs, b->caperrs * sizeof(*b->errs));
	}
	b->errs[b->nerrs].tag =
		seq > b->first_seq && seq - b->first_seq < b->ntags ? b->tags[seq - b->first_seq] : -1;
	b->errs[b->nerrs].type = type;
	b->errs[b->nerrs++].err = err;
}

/* The replies in buf: echoes and errors about this batch's messages
 * (BEGIN's seq to END's); anything else is passed over. */
static void batch_note_replies(struct nlk *nl, struct batch *b, const char *buf, size_t len,
			       bool check)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		const struct nlmsgerr *e;

		nl->rx_msgs++;
		if (nlh->nlmsg_seq - b->first_seq > b->next_seq - b->first_seq)
			continue;
		if (nlh->nlmsg_type != NLMSG_ERROR) {
			if (!check)
				batch_note_echo(b, nlh);
			continue;
		}
		e = mnl_nlmsg_get_payload(nlh);
		if (e->error == 0)
			continue;
		/* the error carries the refused message's header */
		if (!b->nerrs) {
			b->fail_len = e->msg.nlmsg_len;
			b->fail_type = (uint8_t)(e->msg.nlmsg_type & 0xff);
			b->fail_seq = e->msg.nlmsg_seq;
		}
		batch_add_err(b, nlh->nlmsg_seq, e->error, (uint8_t)(e->msg.nlmsg_type & 0xff));
	}
}

/* Read every reply the batch left queued: the kernel handles a batch
 * inside sendmsg, so all of them are there by now. 0, or -errno when the
 * socket failed otherwise than by overflowing. */
static int batch_read_replies(struct nlk *nl, struct batch *b, bool check)
{
	int fd = mnl_socket_get_fd(nl->sock);
	unsigned overflows = 0;
	ssize_t n;

	for (;;) {
		n = recv(fd, nl->buf, nl->buflen, MSG_DONTWAIT);
		if (n >= 0) {
			batch_note_replies(nl, b, nl->buf, (size_t)n, check);
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		/* The buffer overflowed: the replies after some point were
		 * dropped, those before it are still queued behind this
		 * report. A failed batch is never dropped whole: its first
		 * error reaches an empty queue, and a failed batch sends
		 * nothing but errors. What can be lost is echoes, later
		 * errors, never the result. */
		if (errno == ENOBUFS && ++overflows < 1000)
			continue;
		return -errno;
	}
}

static int batch_send(struct nlk *nl, struct batch *b, uint32_t genid, bool check,
		      int *fail_tag)
{
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
	struct msghdr msg = { 0 };
	struct iovec *iov;
	int fd, iovlen, sndbuf, ret;
	uint32_t end_seq;
	size_t total = 0;
	char *first;
	ssize_t n;
	int i;

	*fail_tag = -1;
	if (b->observer)
		b->observer(b->observer_arg, b, NULL);
	b->nerrs = 0;
	b->necho = 0;
	b->new_genid = 0;
	b->fail_len = 0;
	b->fail_type = 0;
	b->fail_seq = 0;
	if (batch_count(b) == 0)
		return 0;
	if (nlk_fresh(nl) < 0)
		return -EIO;
	fd = mnl_socket_get_fd(nl->sock);
	/* rewrite BEGIN with the generation the caller's view was read at */
	/* Without BATCH_END the kernel validates every message and then
	 * aborts the transaction: that is the check mode. */
	end_seq = b->next_seq;
	if (!check) {
		batch_room(b, NLK_HEAD_MAX);
		nftnl_batch_end(nftnl_batch_buffer(b->b), end_seq);
		nftnl_batch_update(b->b);
	}

	iovlen = nftnl_batch_iovec_len(b->b);
	iov = xmalloc((size_t)iovlen * sizeof(*iov));
	nftnl_batch_iovec(b->b, iov, (uint32_t)iovlen);
	first = iov[0].iov_base;
	batch_put_begin(first, b->first_seq, genid, true);
	for (i = 0; i < iovlen; i++)
		total += iov[i].iov_len;
	sndbuf = total > 64 * 1024 ? (int)(total + 65536) : 0;
	if (sndbuf && setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	set_rcvbuf(nl, RCVBUF_BASE + (uint64_t)batch_count(b) * ERR_COST +
			       (uint64_t)b->echo_asked * ECHO_COST + b->echo_bytes * 2);

	msg.msg_name = &snl;
	msg.msg_namelen = sizeof(snl);
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)iovlen;
	n = sendmsg(fd, &msg, 0);
	free(iov);
	if (n < 0)
		return -errno;

	ret = batch_read_replies(nl, b, check);
	if (b->nerrs) {
		*fail_tag = b->errs[0].tag;
		return b->errs[0].err;
	}
	return ret;
}

int batch_commit(struct nlk *nl, struct batch *b, uint32_t genid, int *fail_tag)
{
	return batch_send(nl, b, genid, false, fail_tag);
}

int batch_check(struct nlk *nl, struct batch *b, uint32_t genid, int *fail_tag)
{
	return batch_send(nl, b, genid, true, fail_tag);
}
