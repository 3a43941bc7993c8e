/* A rule through netlink and back, without a kernel, and the sandbox
 * the tests that do it run in (rtlib.h). */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/filter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "aset.h"
#include "expr.h"
#include "ext.h"
#include "print.h"
#include "rmsg.h"
#include "rtlib.h"
#include "util.h"

/* The sets of one rule, for its lookups. In the batch every anonymous
 * set is "__set%d" and a lookup names its set by id; the kernel gives
 * each set its own name, and a lookup dumps with it. kernel_echo names
 * them "__set<id>", and a lookup's set is found by that id. */
static const struct aset *sets_get(void *opaque, const char *name)
{
	const struct aset_list *sets = opaque;
	unsigned long id;
	char *end;
	unsigned k;

	if (strncmp(name, "__set", 5) != 0)
		return NULL;
	id = strtoul(name + 5, &end, 10);
	if (end == name + 5 || *end)
		return NULL;
	for (k = 0; k < sets->n; k++)
		if (sets->v[k].id == id)
			return &sets->v[k];
	return NULL;
}

static void copy_attr(struct nlmsghdr *dst, const struct nlattr *a)
{
	mnl_attr_put(dst, a->nla_type, mnl_attr_get_payload_len(a), mnl_attr_get_payload(a));
}

/* An expression's NFTA_EXPR_DATA; an objref's names get their NUL, and
 * a lookup of an anonymous set by id the set's own name. */
static void echo_expr_data(struct nlmsghdr *dst, const struct nlattr *data, bool objref,
			   bool lookup)
{
	struct nlattr *nest = mnl_attr_nest_start(dst, mnl_attr_get_type(data));
	const struct nlattr *a, *id = NULL;

	if (lookup)
		mnl_attr_for_each_nested(a, data)
			if (mnl_attr_get_type(a) == NFTA_LOOKUP_SET_ID)
				id = a;
	mnl_attr_for_each_nested(a, data) {
		uint16_t type = mnl_attr_get_type(a);

		if (id && type == NFTA_LOOKUP_SET) {
			char name[32];

			snprintf(name, sizeof(name), "__set%u", ntohl(mnl_attr_get_u32(id)));
			mnl_attr_put_strz(dst, type, name);
		} else if (objref && (type == NFTA_OBJREF_IMM_NAME || type == NFTA_OBJREF_SET_NAME)) {
			char *name = strndup(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));

			if (!name)
				abort();
			mnl_attr_put_strz(dst, type, name);
			free(name);
		} else {
			copy_attr(dst, a);
		}
	}
	mnl_attr_nest_end(dst, nest);
}

/* The NEWRULE message src as the kernel would dump the rule into dst
 * (room for twice src): the kernel takes a string attribute by its
 * length and dumps it with a NUL, where libnftnl writes an objref's
 * names without one (mnl_attr_put_str). Everything else is copied. */
static struct nlmsghdr *kernel_echo(char *dst_buf, const struct nlmsghdr *src)
{
	size_t head = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg));
	struct nlmsghdr *dst = (struct nlmsghdr *)dst_buf;
	const struct nlattr *a, *elem, *f;

	memcpy(dst_buf, src, head);
	dst->nlmsg_len = (uint32_t)head;
	mnl_attr_for_each(a, src, sizeof(struct nfgenmsg)) {
		struct nlattr *exprs;

		if (mnl_attr_get_type(a) != NFTA_RULE_EXPRESSIONS) {
			copy_attr(dst, a);
			continue;
		}
		exprs = mnl_attr_nest_start(dst, NFTA_RULE_EXPRESSIONS);
		mnl_attr_for_each_nested(elem, a) {
			struct nlattr *e = mnl_attr_nest_start(dst, mnl_attr_get_type(elem));
			const char *name = "";

			mnl_attr_for_each_nested(f, elem) {
				if (mnl_attr_get_type(f) == NFTA_EXPR_NAME)
					name = mnl_attr_get_str(f);
				if (mnl_attr_get_type(f) == NFTA_EXPR_DATA)
					echo_expr_data(dst, f, strcmp(name, "objref") == 0,
						       strcmp(name, "lookup") == 0);
				else
					copy_attr(dst, f);
			}
			mnl_attr_nest_end(dst, e);
		}
		mnl_attr_nest_end(dst, exprs);
	}
	return dst;
}

bool rt_fits(const struct rule *r, const char *table, const char *chain, bool compat)
{
	char *buf = xzalloc(RULE_MSG_MAX);
	struct aset_list sets = { 0 };
	struct nlmsghdr *nlh;
	int n;

	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, r->family, 0, 1);
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, table);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, chain);
	n = rule_linearize_msg(r, nlh, &sets, &(struct lin_where){ table, chain, compat, NULL });
	aset_list_clear(&sets);
	free(buf);
	return n >= 0;
}

struct rule *rt_through_netlink(const struct rule *r, const char *table, const char *chain,
				bool compat)
{
	/* zeroed: libmnl leaves attribute padding as it finds it */
	char *buf = xzalloc(RULE_MSG_MAX), *dump = xzalloc(2 * RULE_MSG_MAX);
	struct nftnl_rule *nr = nftnl_rule_alloc();
	struct aset_list sets = { 0 };
	struct rule *back = NULL;
	struct nlmsghdr *nlh;

	if (!nr)
		abort();
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, r->family, 0, 1);
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, table);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, chain);
	rule_linearize_msg(r, nlh, &sets, &(struct lin_where){ table, chain, compat, NULL });
	if (nftnl_rule_nlmsg_parse(kernel_echo(dump, nlh), nr) == 0) {
		back = rule_new(r->family);
		rule_delinearize_sets(nr, back, sets_get, &sets);
	}
	nftnl_rule_free(nr);
	aset_list_clear(&sets);
	free(buf);
	free(dump);
	return back;
}

/* Read msg back as a dump's rule and print it; true if it was read: it
 * parses, and no expression of it goes to libnftnl, whose answer to a
 * malformed one can be to end the program. */
static bool read_spoiled(const struct nlmsghdr *msg, uint8_t family, const char *chain)
{
	struct rule_msg m;
	struct rule *back;
	struct strbuf out;

	if (rule_msg_parse(&m, msg) < 0 || !items_all_native(&m))
		return false;
	back = rule_new(family);
	rule_delinearize_msg(&m, back, NULL, NULL, NULL);
	sb_init(&out);
	print_rule_save(&out, back, chain, false);
	print_list_rule(&out, back, 1, FMT_NUMERIC | FMT_VERBOSE);
	sb_free(&out);
	rule_free(back);
	return true;
}

unsigned rt_mangled(const struct rule *r, const char *table, const char *chain)
{
	static const uint16_t values[] = { 0, 4, 0xffff };
	char *buf = xzalloc(RULE_MSG_MAX), *dump = xzalloc(2 * RULE_MSG_MAX);
	char *spoiled = xzalloc(2 * RULE_MSG_MAX);
	size_t head = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg)), pos, v;
	struct aset_list sets = { 0 };
	struct nlmsghdr *nlh, *echo, *sp = (struct nlmsghdr *)spoiled;
	unsigned read = 0;

	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, r->family, 0, 1);
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, table);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, chain);
	if (rule_linearize_msg(r, nlh, &sets, &(struct lin_where){ table, chain, false, NULL }) < 0)
		goto out;
	echo = kernel_echo(dump, nlh);
	for (pos = head; pos + 2 <= echo->nlmsg_len; pos += 2) {
		for (v = 0; v < ARRAY_SIZE(values); v++) {
			memcpy(spoiled, dump, echo->nlmsg_len);
			memcpy(spoiled + pos, &values[v], 2);
			read += read_spoiled(sp, r->family, chain);
		}
	}
	for (pos = head; pos < echo->nlmsg_len; pos += 4) {
		memcpy(spoiled, dump, echo->nlmsg_len);
		memset(spoiled + pos, 0, echo->nlmsg_len - pos);
		sp->nlmsg_len = (uint32_t)pos;
		read += read_spoiled(sp, r->family, chain);
	}
out:
	aset_list_clear(&sets);
	free(buf);
	free(dump);
	free(spoiled);
	return read;
}

void rt_sandbox(void)
{
	/* socket(family, ...) fails with EACCES for every family but
	 * AF_UNIX (which name services may use to reach nscd). The
	 * architecture is not checked: only libc's own socket() matters */
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(filter), .filter = filter };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("cannot install the socket filter");
		exit(1);
	}
}
