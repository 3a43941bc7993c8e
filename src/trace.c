/* iptnft trace [-4|-6] [-c COUNT] [--timeout S] MATCH...: follow the
 * packets that match an iptables rule specification through every hook,
 * table and chain they cross.
 *
 * One transaction makes a table of our own, "iptnft-trace-PID", with a
 * base chain at the earliest priority of PREROUTING and of OUTPUT, each
 * holding the rule MATCH... -j TRACE (meta nftrace set 1): it changes no
 * verdict. The kernel then reports every rule the marked packets match
 * and every policy they meet (NFT_MSG_TRACE); each packet is a block:
 *
 *   [1] IN=veth0 SRC=10.99.0.2 DST=10.99.0.1 LEN=60 ... SYN
 *   [1] PREROUTING nat PREROUTING rule 1: -A PREROUTING ... -j DNAT ...: ACCEPT
 *   [1] INPUT filter INPUT rule 3: -A INPUT -p tcp -j ssh: JUMP ssh
 *   [1] INPUT filter ssh rule 2: -A ssh -j DROP: DROP
 *   [1] dropped at filter ssh rule 2
 *
 * The table goes in one transaction on exit: after COUNT packets, at the
 * timeout, on SIGINT and on SIGTERM (read through a signalfd).
 */
#include <config.h>
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <libnftnl/rule.h>
#include <limits.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "aset.h"
#include "rmsg.h"
#include "cache.h"
#include "cmd.h"
#include "ext.h"
#include "frontends.h"
#include "handle.h"
#include "monitor.h"
#include "nlk.h"
#include "print.h"
#include "rule.h"
#include "table.h"
#include "txn.h"
#include "util.h"

/* packets followed at once (a trace id each) */
#define TRACE_PACKETS 64

struct tpacket {
	uint32_t id;
	unsigned num;
	bool live;
	char hook[16];		/* of the base chain it is in */
	char last[512];		/* its last verdict so far, for the fate */
	bool accepted;
};

struct tracer {
	struct handle *h;
	char table[64];
	struct nlk events;
	unsigned count, seen;
	struct tpacket pk[TRACE_PACKETS];
	unsigned next_slot;
	struct timespec quiet_since;	/* of the last event, once count is reached */
};

static const char *hook_of_chain(const char *chain)
{
	static const char *const hooks[] = { "PREROUTING", "INPUT", "FORWARD", "OUTPUT",
					     "POSTROUTING" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (strcmp(chain, hooks[i]) == 0)
			return hooks[i];
	return NULL;
}

static struct tpacket *packet_of(struct tracer *t, uint32_t id)
{
	unsigned i;

	for (i = 0; i < TRACE_PACKETS; i++)
		if (t->pk[i].live && t->pk[i].id == id)
			return &t->pk[i];
	return NULL;
}

/* The end of a packet's journey we saw: where it was last accepted. */
static void packet_fate(struct tpacket *p)
{
	if (p->accepted)
		printf("[%u] accepted, last by %s\n", p->num, p->last);
	p->live = false;
}

struct rule_pos {
	uint64_t handle;
	unsigned num, at;
	struct strbuf *text;
	struct nlk *nl;
	uint8_t family;
	const char *table, *chain;
};

static int rule_pos_cb(const struct rule_msg *m, void *data)
{
	struct rule_pos *rp = data;
	struct aset_cache sets = { 0 };
	struct rule *r;

	rp->at++;
	if (rule_msg_handle(m) != rp->handle)
		return 0;
	rp->num = rp->at;
	sets.nl = rp->nl;
	sets.family = rp->family;
	sets.table = rp->table;
	r = rule_new(rp->family);
	rule_delinearize_msg(m, r, aset_cache_get, &sets, NULL);
	print_rule_save(rp->text, r, rp->chain, false);
	rule_free(r);
	aset_cache_clear(&sets);
	return 1;
}

/* "rule N: -A CHAIN SPEC" of the rule with that handle; its number, or
 * 0 when it is gone */
static unsigned rule_text(struct tracer *t, const struct trace_event *ev, struct strbuf *out)
{
	struct strbuf spec;
	struct rule_pos rp = { .handle = ev->handle, .nl = &t->h->nl, .family = ev->family,
			       .table = ev->table, .chain = ev->chain };

	sb_init(&spec);
	rp.text = &spec;
	cache_dump_rules(&t->h->nl, ev->family, ev->table, ev->chain, rule_pos_cb, &rp);
	if (rp.num)
		sb_printf(out, "rule %u: %s", rp.num, spec.buf);
	else
		sb_printf(out, "rule (handle %llu, gone)", (unsigned long long)ev->handle);
	sb_free(&spec);
	return rp.num;
}

static void trace_event(struct tracer *t, const struct trace_event *ev)
{
	bool ours = strcmp(ev->table, t->table) == 0;
	struct tpacket *p = packet_of(t, ev->id);
	struct strbuf line;
	const char *hook;

	if (ours && ev->type == NFT_TRACETYPE_RULE && ev->has_handle) {
		/* our mark: a packet starts (again) here */
		if (p)
			packet_fate(p);
		if (t->count && t->seen >= t->count)
			return;
		p = &t->pk[t->next_slot];
		t->next_slot = (t->next_slot + 1) % TRACE_PACKETS;
		if (p->live)
			packet_fate(p);
		memset(p, 0, sizeof(*p));
		p->live = true;
		p->id = ev->id;
		p->num = ++t->seen;
		snprintf(p->hook, sizeof(p->hook), "%s",
			 strcmp(ev->chain, "out") == 0 ? "OUTPUT" : "PREROUTING");
		sb_init(&line);
		trace_packet_text(&line, ev);
		printf("[%u] %.*s\n", p->num, line.len ? (int)line.len - 1 : 0,
		       line.len ? line.buf : "");
		sb_free(&line);
		return;
	}
	if (!p || ours)
		return;
	hook = hook_of_chain(ev->chain);
	if (hook)
		snprintf(p->hook, sizeof(p->hook), "%s", hook);
	if (ev->tb[NFTA_TRACE_NETWORK_HEADER] && hook && strcmp(hook, "PREROUTING") != 0 &&
	    strcmp(hook, "OUTPUT") != 0) {
		/* what the packet looks like at the next hook: NAT shows here */
		sb_init(&line);
		trace_packet_text(&line, ev);
		printf("[%u] %s: %.*s\n", p->num, hook, line.len ? (int)line.len - 1 : 0,
		       line.len ? line.buf : "");
		sb_free(&line);
	}
	sb_init(&line);
	if (ev->type == NFT_TRACETYPE_RULE && ev->has_handle) {
		unsigned num;

		sb_printf(&line, "%s %s ", ev->table, ev->chain);
		num = rule_text(t, ev, &line);
		sb_add(&line, ": ");
		trace_verdict_text(&line, ev);
		printf("[%u] %s %s\n", p->num, p->hook, line.buf);
		if (ev->verdict == NF_DROP) {
			printf("[%u] dropped at %s %s rule %u\n", p->num, ev->table, ev->chain, num);
			p->live = false;
		} else if (ev->verdict == NF_ACCEPT) {
			p->accepted = true;
			snprintf(p->last, sizeof(p->last), "%s %s rule %u at %s", ev->table,
				 ev->chain, num, p->hook);
		}
	} else if (ev->type == NFT_TRACETYPE_POLICY) {
		printf("[%u] %s %s %s: policy %s\n", p->num, p->hook, ev->table, ev->chain,
		       ev->policy == NF_DROP ? "DROP" : "ACCEPT");
		if (ev->policy == NF_DROP) {
			printf("[%u] dropped by the policy of %s %s\n", p->num, ev->table, ev->chain);
			p->live = false;
		} else {
			p->accepted = true;
			snprintf(p->last, sizeof(p->last), "the policy of %s %s at %s", ev->table,
				 ev->chain, p->hook);
		}
	} else if (ev->type == NFT_TRACETYPE_RETURN) {
		printf("[%u] %s %s %s: return\n", p->num, p->hook, ev->table, ev->chain);
	}
	sb_free(&line);
}

static int trace_cb(const struct nlmsghdr *nlh, void *data)
{
	struct tracer *t = data;
	struct trace_event ev;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) == NFNL_SUBSYS_NFTABLES &&
	    NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_TRACE && trace_event_parse(nlh, &ev) &&
	    ev.family == t->h->family) {
		trace_event(t, &ev);
		fflush(stdout);
		clock_gettime(CLOCK_MONOTONIC, &t->quiet_since);
	}
	return MNL_CB_OK;
}

/* One rule of ours (MATCH... -j TRACE) into chain, its sets first. */
static void queue_mark_rule(struct batch *b, struct tracer *t, const struct rule *r,
			    const char *chain, const char *as_chain, uint32_t *next_set_id)
{
	struct lin_where where = { .table = "raw", .chain = as_chain, .feat = &t->h->feat };
	char *scratch = xzalloc(NLK_MSG_MAX);
	struct nlmsghdr *tmp, *nlh;
	struct aset_list sets = { .next_id = *next_set_id };
	unsigned i;
	uint32_t len;

	tmp = mnl_nlmsg_put_header(scratch);
	mnl_nlmsg_put_extra_header(tmp, sizeof(struct nfgenmsg));
	rule_linearize_msg(r, tmp, &sets, &where);
	*next_set_id = sets.next_id;
	for (i = 0; i < sets.n; i++)
		txn_add_aset(b, t->h->family, t->table, &sets.v[i], 0);
	aset_list_clear(&sets);
	nlh = batch_msg(b, NFT_MSG_NEWRULE, t->h->family, NLM_F_CREATE | NLM_F_APPEND, 0);
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, t->table);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, chain);
	len = tmp->nlmsg_len - MNL_NLMSG_HDRLEN - MNL_ALIGN(sizeof(struct nfgenmsg));
	memcpy(mnl_nlmsg_get_payload_tail(nlh),
	       (char *)mnl_nlmsg_get_payload(tmp) + MNL_ALIGN(sizeof(struct nfgenmsg)), len);
	nlh->nlmsg_len += len;
	batch_done(b);
	free(scratch);
}

/* Commit what build queues, on the current generation (again if someone
 * else committed in between); 0 or -errno. */
static int trace_commit(struct tracer *t, const struct command *cmd, bool remove)
{
	static const struct builtin_chain pre = { "pre", "filter", NF_INET_PRE_ROUTING, INT_MIN,
						  INT_MIN };
	static const struct builtin_chain out = { "out", "filter", NF_INET_LOCAL_OUT, INT_MIN,
						  INT_MIN };
	uint32_t genid, next_set_id = 1;
	struct batch b;
	int ret = -EAGAIN, tag, tries;
	unsigned i;

	for (tries = 0; tries < 5 && ret == -EAGAIN; tries++) {
		ret = nlk_genid(&t->h->nl, &genid);
		if (ret < 0)
			return ret;
		batch_init(&b, &t->h->nl);
		if (remove) {
			txn_del_table(&b, t->h->family, t->table, 0);
		} else {
			txn_add_table(&b, t->h->family, t->table, 0);
			txn_add_builtin_chain(&b, t->h->family, t->table, &pre, INT_MIN, NF_ACCEPT,
					      0, 0, 0);
			txn_add_builtin_chain(&b, t->h->family, t->table, &out, INT_MIN, NF_ACCEPT,
					      0, 0, 0);
			for (i = 0; i < cmd->nrules; i++) {
				queue_mark_rule(&b, t, cmd->rules[i], "pre", "PREROUTING",
						&next_set_id);
				queue_mark_rule(&b, t, cmd->rules[i], "out", "OUTPUT",
						&next_set_id);
			}
		}
		ret = batch_commit(&t->h->nl, &b, genid, &tag);
		batch_free(&b);
		if (ret == -ERESTART)
			ret = -EAGAIN;
	}
	return ret;
}

static double since(const struct timespec *a)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - a->tv_sec) + (double)(now.tv_nsec - a->tv_nsec) / 1e9;
}

/* Follow events until a signal, the timeout, or COUNT packets and a
 * quiet second after them. */
static int trace_loop(struct tracer *t, int sfd, double timeout)
{
	struct timespec start;
	struct pollfd pfd[2] = {
		{ .fd = mnl_socket_get_fd(t->events.sock), .events = POLLIN },
		{ .fd = sfd, .events = POLLIN },
	};

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (timeout > 0 && since(&start) >= timeout)
			return 0;
		if (t->count && t->seen >= t->count && since(&t->quiet_since) >= 1.0)
			return 0;
		if (poll(pfd, 2, 100) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pfd[1].revents & POLLIN)
			return 0;
		if (pfd[0].revents & POLLIN) {
			ssize_t n = mnl_socket_recvfrom(t->events.sock, t->events.buf,
							t->events.buflen);

			if (n < 0 && errno != ENOBUFS && errno != EINTR)
				return -errno;
			if (n > 0)
				mnl_cb_run(t->events.buf, (size_t)n, 0, 0, trace_cb, t);
		}
	}
}

static void trace_usage(void)
{
	printf("Usage: iptnft trace [-4|-6] [-c COUNT] [--timeout S] MATCH...\n"
	       "Follow the packets that match MATCH (an iptables rule specification without\n"
	       "-j, such as `-p tcp --dport 22 -s 192.0.2.7') through every hook, table and\n"
	       "chain they cross: each rule they match, with its number and verdict, each\n"
	       "policy, and their fate. A table of its own marks them for tracing while it\n"
	       "runs; it goes on exit, on Ctrl-C and on SIGTERM.\n"
	       "  -4, -6              the iptables (default) or ip6tables ruleset\n"
	       "  -c, --count N       stop after N packets\n"
	       "  -T, --timeout S     stop after S seconds\n");
}

/* Our options, up to the first word of MATCH: the index of that word,
 * or -(status + 1) when the program ends here (help: 0, a bad value: 2). */
static int trace_options(int argc, char **argv, struct handle *h, struct tracer *t,
			 double *timeout)
{
	int argi;

	for (argi = 1; argi < argc; argi++) {
		const char *o = argv[argi], *v = NULL;
		char *end;

		if (!strcmp(o, "-4") || !strcmp(o, "-6")) {
			h->family = o[1] == '6' ? NFPROTO_IPV6 : NFPROTO_IPV4;
			continue;
		}
		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			trace_usage();
			return -1;
		}
		if (!strcmp(o, "-c") || !strcmp(o, "--count") || !strcmp(o, "-T") ||
		    !strcmp(o, "--timeout")) {
			if (argi + 1 >= argc) {
				fprintf(stderr, "iptnft trace: %s needs a value\n", o);
				return -3;
			}
			v = argv[++argi];
		} else if (!strncmp(o, "--count=", 8) || !strncmp(o, "--timeout=", 10)) {
			v = strchr(o, '=') + 1;
		} else {
			break;
		}
		if (o[1] == 'c' || o[2] == 'c') {
			unsigned long n = strtoul(v, &end, 10);

			if (*end || !*v || !n || n > UINT_MAX || *v == '-') {
				fprintf(stderr, "iptnft trace: bad count `%s'\n", v);
				return -3;
			}
			t->count = (unsigned)n;
		} else {
			*timeout = strtod(v, &end);
			if (*end || !*v || !(*timeout > 0)) {
				fprintf(stderr, "iptnft trace: bad timeout `%s'\n", v);
				return -3;
			}
		}
	}
	return argi;
}

/* MATCH (n words) parsed as the rule of a raw user chain, -i and -o both
 * allowed, into cmd; as cmd_parse returns. */
static int trace_parse_match(struct handle *h, int n, char **match, struct command *cmd)
{
	int pargc = n + 7, i, ret;
	char **pargv;

	pargv = xzalloc((size_t)(pargc + 1) * sizeof(*pargv));
	pargv[0] = (char *)h->prog;
	pargv[1] = "-t";
	pargv[2] = "raw";
	pargv[3] = "-A";
	pargv[4] = "iptnft-trace";
	for (i = 0; i < n; i++)
		pargv[5 + i] = match[i];
	pargv[pargc - 2] = "-j";
	pargv[pargc - 1] = "TRACE";
	ret = cmd_parse(h, pargc, pargv, cmd);
	free(pargv);
	return ret;
}

int trace_main(uint8_t family, int argc, char **argv)
{
	struct handle h;
	struct tracer *t = xzalloc(sizeof(*t));
	struct command cmd = { 0 };
	double timeout = 0;
	int c, argi, sfd = -1, ret = 0, group = NFNLGRP_NFTRACE;
	struct strbuf spec;
	sigset_t mask;
	unsigned i;

	handle_init(&h, family);
	argi = trace_options(argc, argv, &h, t, &timeout);
	if (argi < 0) {
		free(t);
		return -argi - 1;
	}
	h.prog = h.family == NFPROTO_IPV6 ? "ip6tables" : "iptables";
	ret = trace_parse_match(&h, argc - argi, argv + argi, &cmd);
	if (ret < 0) {
		ret = err_report(&h.err, h.prog);
		cmd_free(&cmd);
		free(t);
		return ret;
	}
	if (handle_netlink(&h) < 0) {
		ret = err_report(&h.err, h.prog);
		cmd_free(&cmd);
		handle_close(&h);
		free(t);
		return ret;
	}
	t->h = &h;
	snprintf(t->table, sizeof(t->table), "iptnft-trace-%ld", (long)getpid());
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	/* a shell starts a background job with SIGINT ignored, and an
	 * ignored signal never reaches the signalfd: take them back */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0 || nlk_open(&t->events) < 0 ||
	    mnl_socket_setsockopt(t->events.sock, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0) {
		perror("iptnft trace");
		ret = 1;
		goto out;
	}
	ret = trace_commit(t, &cmd, false);
	if (ret < 0) {
		fprintf(stderr, "iptnft trace: cannot make table %s: %s\n", t->table,
			strerror(-ret));
		ret = 4;
		goto out;
	}
	sb_init(&spec);
	print_rule_spec(&spec, cmd.rules[0], false);
	/* the spec ends in " -j TRACE": leave that out */
	if (spec.len >= 9)
		spec.buf[spec.len - 9] = '\0';
	printf("iptnft trace: packets matching `%s', marked by table %s %s; Ctrl-C ends it\n",
	       spec.buf[0] == ' ' ? spec.buf + 1 : spec.buf,
	       h.family == NFPROTO_IPV6 ? "ip6" : "ip", t->table);
	sb_free(&spec);
	fflush(stdout);
	ret = trace_loop(t, sfd, timeout);
	for (i = 0; i < TRACE_PACKETS; i++)
		if (t->pk[i].live)
			packet_fate(&t->pk[i]);
	c = trace_commit(t, &cmd, true);
	if (c < 0) {
		fprintf(stderr, "iptnft trace: cannot remove table %s: %s\n", t->table,
			strerror(-c));
		ret = 4;
	} else {
		printf("iptnft trace: %u packet%s; table %s removed\n", t->seen,
		       t->seen == 1 ? "" : "s", t->table);
		ret = ret < 0 ? 1 : 0;
	}
out:
	if (sfd >= 0)
		close(sfd);
	nlk_close(&t->events);
	cmd_free(&cmd);
	handle_close(&h);
	free(t);
	return ret;
}
