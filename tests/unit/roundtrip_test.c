/* Round trips without a kernel, over the whole differential corpus.
 *
 * Every rule the corpus holds and the parser accepts — each iptables and
 * ip6tables command line of tests/diff/NAME.cases (their words as the shell
 * hands them over, read by tests/unit/case-rules) and each command of
 * tests/diff/data/NAME.rules (read by iptables-restore's own line parser,
 * restore_parse) — goes
 *
 *   cmd_parse -> rule_linearize_msg -> NFT_MSG_NEWRULE message
 *             -> nftnl_rule_nlmsg_parse (as a dump hands it back)
 *             -> rule_delinearize -> print_rule_save
 *
 * and must print the same -S line as the rule the parser gave, and read
 * back with no expression left unclaimed; the same again in the
 * reference's layout (--compat). The differential suite checks those
 * lines against the reference; this test checks that nothing is lost on
 * the way to the kernel and back, quickly and without one. Rules that
 * cannot round trip without a kernel are listed in `exceptions`, each
 * with its reason; an exception that no longer fails, or that matches no
 * rule, fails the test too.
 *
 * Two more properties over the same rules: a rule linearized twice gives
 * identical bytes, and linearize(delinearize(x)) gives x's bytes.
 *
 * Output is TAP: one test per corpus file and property. The corpus is
 * found under $IPTNFT_SRCDIR, by default the configured source tree.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aset.h"
#include "cmd.h"
#include "expr.h"
#include "frontends.h"
#include "print.h"
#include "rtlib.h"
#include "rule.h"
#include "util.h"

/* Why a rule does not print back as it was parsed. */
#define KERNEL_REFUSES \
	"the kernel refuses this target in this table, chain or rule; iptnft " \
	"writes in its place an expression the kernel refuses too, so that the " \
	"command fails as the reference's does (the differential suite checks " \
	"the message)"
#define QUEUE_READS_NFQUEUE \
	"QUEUE is written as the native queue 0 and reads back as its equal, " \
	"NFQUEUE --queue-num 0"
#define TCP_MERGED \
	"two tcp matches read back as one, as the reference reads them"

/* The rules that do not print back as they were parsed. Matched against
 * the rule's words after the program name, joined by blanks (for a
 * restore file, the line). */
static const struct exception {
	const char *args;
	const char *reason;
} exceptions[] = {
	{ "-A INPUT -j REJECT --reject-with tcp-reset", KERNEL_REFUSES },
	{ "-A INPUT -p udp -j REJECT --reject-with tcp-reset", KERNEL_REFUSES },
	{ "-A INPUT ! -p tcp -j REJECT --reject-with tcp-reset", KERNEL_REFUSES },
	{ "-I INPUT -j REJECT --reject-with tcp-reset", KERNEL_REFUSES },
	{ "-t mangle -A INPUT -j REJECT", KERNEL_REFUSES },
	{ "-t nat -A PREROUTING -j REJECT", KERNEL_REFUSES },
	{ "-t raw -A PREROUTING -j REJECT", KERNEL_REFUSES },
	{ "-t security -A INPUT -j REJECT", KERNEL_REFUSES },
	{ "-t mangle -A X -j REJECT", KERNEL_REFUSES },
	{ "-t mangle -I INPUT -j REJECT", KERNEL_REFUSES },
	{ "-t mangle -C INPUT -j REJECT", KERNEL_REFUSES },
	{ "-t mangle -D INPUT -j REJECT", KERNEL_REFUSES },
	{ "-R INPUT 1 -s 192.0.2.1 -j REJECT --reject-with tcp-reset", KERNEL_REFUSES },
	{ "-A INPUT -j QUEUE", QUEUE_READS_NFQUEUE },
	{ "-A INPUT -j NFQUEUE --queue-balance 0:65535", KERNEL_REFUSES },
	{ "-C INPUT -p tcp -m tcp --dport 22 -m tcp --sport 1024 -j ACCEPT", TCP_MERGED },
	{ "-D INPUT -p tcp -m tcp --dport 22 -m tcp --sport 1024 -j ACCEPT", TCP_MERGED },
	{ "-A INPUT -j NFQUEUE --queue-balance :", KERNEL_REFUSES },
	{ "-A INPUT -p tcp -j QUEUE", QUEUE_READS_NFQUEUE },
	{ "-t nat -A PREROUTING -j MASQUERADE", KERNEL_REFUSES },
	{ "-t nat -A OUTPUT -j MASQUERADE", KERNEL_REFUSES },
	{ "-t nat -A INPUT -j MASQUERADE", KERNEL_REFUSES },
	{ "-A INPUT -j MASQUERADE", KERNEL_REFUSES },
	{ "-t mangle -A POSTROUTING -j MASQUERADE", KERNEL_REFUSES },
	{ "-t nat -A OUTPUT -j SNAT --to-source 192.0.2.5", KERNEL_REFUSES },
	{ "-t nat -A PREROUTING -j SNAT --to-source 192.0.2.5", KERNEL_REFUSES },
	{ "-A INPUT -j SNAT --to-source 192.0.2.5", KERNEL_REFUSES },
	{ "-t nat -A POSTROUTING -j DNAT --to-destination 192.0.2.1", KERNEL_REFUSES },
	{ "-t nat -A INPUT -j DNAT --to-destination 192.0.2.1", KERNEL_REFUSES },
	{ "-A OUTPUT -j DNAT --to-destination 192.0.2.1", KERNEL_REFUSES },
	{ "-t nat -A POSTROUTING -p tcp -j REDIRECT --to-ports 80", KERNEL_REFUSES },
	{ "-t nat -A INPUT -p tcp -j REDIRECT", KERNEL_REFUSES },
	{ "-A INPUT -p tcp -j REDIRECT", KERNEL_REFUSES },
	{ "-t mangle -A PREROUTING -p tcp -j REDIRECT", KERNEL_REFUSES },
	{ "-t raw -A PREROUTING -j CT --helper ftp", KERNEL_REFUSES },
	{ "-t raw -A PREROUTING ! -p tcp -j CT --helper ftp", KERNEL_REFUSES },
	{ "-A INPUT -j CT --notrack", KERNEL_REFUSES },
	{ "-t mangle -A PREROUTING -j CT --zone 1", KERNEL_REFUSES },
	{ "-t nat -A OUTPUT -j CT", KERNEL_REFUSES },
	{ "-A INPUT -j NOTRACK", KERNEL_REFUSES },
	{ "-t mangle -A PREROUTING -j NOTRACK", KERNEL_REFUSES },
	{ "-t nat -A PREROUTING -j NOTRACK", KERNEL_REFUSES },
	{ "-A FORWARD -j TCPMSS --set-mss 1400", KERNEL_REFUSES },
	{ "-A FORWARD -p udp -j TCPMSS --set-mss 1400", KERNEL_REFUSES },
	{ "-A FORWARD ! -p tcp -j TCPMSS --clamp-mss-to-pmtu", KERNEL_REFUSES },
	{ "-A INPUT -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu", KERNEL_REFUSES },
	{ "-t mangle -A PREROUTING -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu",
	  KERNEL_REFUSES },
	{ "-t mangle -A INPUT -p tcp -j TCPMSS --clamp-mss-to-pmtu", KERNEL_REFUSES },
	{ "-t mangle -A PREROUTING -j QUEUE", QUEUE_READS_NFQUEUE },
	{ "-t raw -A OUTPUT -j QUEUE", QUEUE_READS_NFQUEUE },
	{ "-t nat -A OUTPUT -j QUEUE", QUEUE_READS_NFQUEUE },
	{ "-I INPUT -j QUEUE", QUEUE_READS_NFQUEUE },
	{ "-R INPUT 1 -j QUEUE", QUEUE_READS_NFQUEUE },
	{ "-C INPUT -j QUEUE", QUEUE_READS_NFQUEUE },
	{ "-D INPUT -j QUEUE", QUEUE_READS_NFQUEUE },
	{ "-A INPUT -j QUEUE -v", QUEUE_READS_NFQUEUE },
	{ "-A x -p udp -j QUEUE", QUEUE_READS_NFQUEUE },
	{ "-A INPUT -s 192.0.2.0/24 -p tcp --dport 80 -j QUEUE", QUEUE_READS_NFQUEUE },
	{ "-A INPUT -c 1 2 -j QUEUE", QUEUE_READS_NFQUEUE },
	{ "-t nat -A POSTROUTING -p tcp -j REDIRECT", KERNEL_REFUSES },
	{ "-t nat -A PREROUTING -j SNAT --to-source 2001:db8::1", KERNEL_REFUSES },
	{ "-t nat -A POSTROUTING -j DNAT --to-destination 2001:db8::1", KERNEL_REFUSES },
	{ "-A FORWARD -j TCPMSS --set-mss 1000", KERNEL_REFUSES },
	{ "-A INPUT -p tcp -j TCPMSS --clamp-mss-to-pmtu", KERNEL_REFUSES },
	{ "-A INPUT -p tcp -m tcp --dport 22 -m tcp --sport 1024", TCP_MERGED },
	{ "-A INPUT -p tcp -m tcp --dport 443 -m tcp --dport 443", TCP_MERGED },
	{ "-C INPUT -p tcp -m tcp --dport 443 -m tcp --dport 443", TCP_MERGED },
	{ "-D INPUT -p tcp -m tcp --dport 443 -m tcp --dport 443", TCP_MERGED },
	{ "-A INPUT -p udp -m udp --dport 53 -m udp --dport 53 --sport 5", TCP_MERGED },
	{ "-C INPUT -p udp -m udp --dport 53 -m udp --dport 53 --sport 5", TCP_MERGED },
	{ "-A INPUT -p tcp -m tcp --syn -m tcp --syn --dport 5", TCP_MERGED },
	{ "-C INPUT -p tcp -m tcp --syn -m tcp --syn --dport 5", TCP_MERGED },
	{ "-A INPUT -p tcp -m tcp --dport 443 -m tcp --dport 443 -m tcp --sport 9", TCP_MERGED },
	{ "-C INPUT -p tcp -m tcp --dport 443 -m tcp --dport 443 -m tcp --sport 9", TCP_MERGED },
	{ "-A INPUT -j NETMAP --to 1.2.3.4", KERNEL_REFUSES },
	{ "-t mangle -A PREROUTING -j NETMAP --to 1.2.3.4", KERNEL_REFUSES },
	{ "-A OUTPUT -j NETMAP --to 2001:db8::/64", KERNEL_REFUSES },
	{ NULL, NULL },
};

/* ---- TAP ---- */

struct tap {
	unsigned num, failures;
};

static void tap_result(struct tap *t, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void tap_result(struct tap *t, bool ok, const char *fmt, ...)
{
	va_list ap;

	t->num++;
	t->failures += !ok;
	printf("%s %u - ", ok ? "ok" : "not ok", t->num);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* ---- one rule ---- */

/* What one corpus file did; bad rules are reported as TAP comments, the
 * first few of each kind in full. */
struct tally {
	unsigned rules, bad, excepted, nondet, reread, too_large;
	unsigned unequal;	/* read back, not the rule -C and -D look for */
	unsigned mangled_rules, mangled;	/* read back from spoiled messages */
	bool *used;		/* per exception: it matched a rule */
	bool *still;		/* per exception: and that rule still failed */
};

static const struct exception *find_exception(const char *args)
{
	size_t i;

	for (i = 0; exceptions[i].args; i++)
		if (strcmp(exceptions[i].args, args) == 0)
			return &exceptions[i];
	return NULL;
}

/* The NEWRULE message r becomes (native layout), as bytes in out. */
static void rule_bytes(const struct rule *r, const char *table, const char *chain,
		       struct strbuf *out)
{
	char *buf = xzalloc(RULE_MSG_MAX);
	struct aset_list sets = { 0 };
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, r->family, 0, 1);

	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, table);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, chain);
	rule_linearize_msg(r, nlh, &sets, &(struct lin_where){ table, chain, false, NULL });
	sb_reset(out);
	sb_addn(out, buf, nlh->nlmsg_len);
	aset_list_clear(&sets);
	free(buf);
}

static bool same_bytes(const struct strbuf *a, const struct strbuf *b)
{
	return a->len == b->len && memcmp(a->buf, b->buf, a->len) == 0;
}

static unsigned match_count(const struct rule *r)
{
	const struct ext_inst *m;
	unsigned n = 0;

	for (m = r->matches; m; m = m->next)
		n++;
	return n;
}

/* r through netlink and back in one layout; false (and why, in diag) if
 * it prints differently or reads back with unclaimed expressions. */
static bool round_trip(const struct rule *r, const char *table, const char *chain, bool compat,
		       const char *want, struct strbuf *diag)
{
	struct rule *back = rt_through_netlink(r, table, chain, compat);
	const char *layout = compat ? " (--compat)" : "";
	struct strbuf got;
	bool ok;

	if (!back) {
		sb_printf(diag, "libnftnl refused the message%s", layout);
		return false;
	}
	sb_init(&got);
	print_rule_save(&got, back, chain, false);
	ok = !back->unknown && strcmp(got.buf, want) == 0;
	if (!ok)
		sb_printf(diag, "read back%s%s: %s", layout,
			  back->unknown ? " with unclaimed expressions" : "", got.buf);
	sb_free(&got);
	rule_free(back);
	return ok;
}

/* Linearize r twice, and once more from what it reads back as (unless
 * it is an exception): the bytes must agree. Rules with two tcp (or udp)
 * matches read back merged, as the reference reads them, and are exempt
 * from the second check. */
static void check_bytes(const struct rule *r, const char *table, const char *chain,
			struct tally *t, const char *where, const char *args, bool excepted)
{
	struct strbuf one, two;
	struct rule *back;

	sb_init(&one);
	sb_init(&two);
	rule_bytes(r, table, chain, &one);
	rule_bytes(r, table, chain, &two);
	if (!same_bytes(&one, &two) && t->nondet++ < 5)
		printf("#   %s: %s: linearized twice, the bytes differ\n", where, args);
	back = excepted ? NULL : rt_through_netlink(r, table, chain, false);
	if (back && !back->unknown && match_count(back) == match_count(r)) {
		rule_bytes(back, table, chain, &two);
		if (!same_bytes(&one, &two) && t->reread++ < 5)
			printf("#   %s: %s: linearize(delinearize(x)) differs from x\n", where,
			       args);
		/* -C and -D of the command that wrote a rule find it */
		if (!rule_equal(r, back) && t->unequal++ < 5)
			printf("#   %s: %s: read back, not equal to the rule parsed\n", where,
			       args);
	}
	rule_free(back);
	back = excepted ? NULL : rt_through_netlink(r, table, chain, true);
	if (back && !back->unknown && match_count(back) == match_count(r) &&
	    !rule_equal(r, back) && t->unequal++ < 5)
		printf("#   %s: %s: read back (--compat), not equal to the rule parsed\n", where,
		       args);
	rule_free(back);
	sb_free(&one);
	sb_free(&two);
}

static void check_rule(const struct rule *r, const char *table, const char *chain,
		       struct tally *t, const char *where, const char *args)
{
	const struct exception *e = find_exception(args);
	struct strbuf want, diag;
	bool ok;

	if (!e && !rt_fits(r, table, chain, false) && !rt_fits(r, table, chain, true)) {
		t->too_large++;
		return;
	}
	sb_init(&want);
	sb_init(&diag);
	print_rule_save(&want, r, chain, false);
	ok = round_trip(r, table, chain, false, want.buf, &diag) &&
	     round_trip(r, table, chain, true, want.buf, &diag);
	t->rules++;
	if (e) {
		t->excepted++;
		t->used[e - exceptions] = true;
		t->still[e - exceptions] |= !ok;
	} else if (!ok && t->bad++ < 100) {
		printf("#   %s: %s\n#     parsed:  %s\n#     %s\n", where, args, want.buf,
		       diag.buf);
	}
	check_bytes(r, table, chain, t, where, args, e != NULL);
	/* one rule in 48 is also read back from spoiled messages (more
	 * costs minutes under valgrind, tests/memcheck) */
	if (t->rules % 48 == 1) {
		t->mangled_rules++;
		t->mangled += rt_mangled(r, table, chain);
	}
	sb_free(&want);
	sb_free(&diag);
}

/* argv[1..] joined by blanks */
static char *join_args(int argc, char **argv)
{
	struct strbuf s;
	int i;

	sb_init(&s);
	sb_add(&s, "");
	for (i = 1; i < argc; i++) {
		if (i > 1)
			sb_addc(&s, ' ');
		sb_add(&s, argv[i]);
	}
	return s.buf;
}

/* One command line of a case file: every rule it yields. */
static void check_args(int argc, char **argv, struct tally *t, const char *where)
{
	struct handle h = { 0 };
	struct command cmd;
	char *args = join_args(argc, argv);
	unsigned i;

	h.family = strcmp(argv[0], "ip6tables") == 0 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	h.prog = argv[0];
	if (cmd_parse(&h, argc, argv, &cmd) == 0)
		for (i = 0; i < cmd.nrules; i++)
			check_rule(cmd.rules[i], cmd.table, cmd.chain, t, where, args);
	cmd_free(&cmd);
	free(args);
}

/* ---- the corpus files ---- */

static bool read_all(FILE *f, struct strbuf *out)
{
	char chunk[65536];
	size_t n;

	sb_add(out, "");
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sb_addn(out, chunk, n);
	return !ferror(f);
}

/* The command lines of a case file, through case-rules: fields
 * "FILE:LINE", N, then N words, each NUL-terminated. */
static bool check_case_file(const char *top, const char *path, struct tally *t)
{
	struct strbuf cmd, out;
	const char *p, *end;
	FILE *f;
	bool ok;

	sb_init(&cmd);
	sb_init(&out);
	sb_printf(&cmd, "bash '%s/tests/unit/case-rules' '%s'", top, path);
	f = popen(cmd.buf, "r");
	ok = f && read_all(f, &out);
	if (f)
		ok = pclose(f) == 0 && ok;
	for (p = out.buf, end = out.buf + out.len; ok && p < end;) {
		const char *where = p;
		char **argv;
		int argc, i;

		p += strlen(p) + 1;
		argc = atoi(p);
		p += strlen(p) + 1;
		if (argc < 1 || argc > 100000) {
			ok = false;
			break;
		}
		argv = xmalloc(((size_t)argc + 1) * sizeof(*argv));
		for (i = 0; i < argc && p < end; i++) {
			argv[i] = (char *)p;
			p += strlen(p) + 1;
		}
		argv[argc] = NULL;
		if (i == argc)
			check_args(argc, argv, t, where);
		else
			ok = false;
		free(argv);
	}
	if (!ok)
		printf("#   %s: case-rules failed or wrote something else\n", path);
	sb_free(&cmd);
	sb_free(&out);
	return ok;
}

/* A restore file's lines, to name a rule by its text. */
struct restore_file {
	const char *path;
	char **lines;
	unsigned n;
	struct tally *t;
};

static void visit_restore(void *opaque, const char *table, unsigned lineno,
			  const char *line, const struct command *cmd)
{
	struct restore_file *rf = opaque;
	const char *text = lineno && lineno <= rf->n ? rf->lines[lineno - 1] : "";
	struct strbuf where;
	unsigned i;

	(void)line;	/* the file's own line, with its counters, is quoted */

	sb_init(&where);
	sb_printf(&where, "%s:%u", rf->path, lineno);
	for (i = 0; i < cmd->nrules; i++)
		check_rule(cmd->rules[i], table, cmd->chain, rf->t, where.buf, text);
	sb_free(&where);
}

static bool check_restore_file(const char *path, struct tally *t)
{
	struct restore_file rf = { .path = path, .t = t };
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	bool ip6 = strncmp(base, "ip6", 3) == 0 || strstr(base, "6.rules");
	struct strbuf text;
	char *save = NULL, *line;
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		printf("#   %s: %s\n", path, strerror(errno));
		return false;
	}
	sb_init(&text);
	read_all(f, &text);
	for (line = strtok_r(text.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		rf.lines = xrealloc(rf.lines, (rf.n + 1) * sizeof(*rf.lines));
		rf.lines[rf.n++] = line;
	}
	rewind(f);
	/* with -c, so that "[p:b]" prefixes are read too */
	ret = restore_parse(ip6 ? NFPROTO_IPV6 : NFPROTO_IPV4, f, true, visit_restore, &rf);
	fclose(f);
	free(rf.lines);
	sb_free(&text);
	/* a file the reference refuses too (nocommit.rules) still has its
	 * rules read up to the error */
	if (ret)
		printf("#   %s: iptables-restore would refuse it (status %d)\n", path, ret);
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files in dir whose names end in suffix, sorted; caller frees. */
static char **list_files(const char *dir, const char *suffix, unsigned *n)
{
	size_t slen = strlen(suffix);
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;

	*n = 0;
	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct strbuf p;

		if (len <= slen || strcmp(de->d_name + len - slen, suffix) != 0)
			continue;
		sb_init(&p);
		sb_printf(&p, "%s/%s", dir, de->d_name);
		v = xrealloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = p.buf;
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), by_name);
	return v;
}

/* ---- an expression nobody claims ---- */

/* -p tcp [log] counter accept, read back through netlink. */
static bool unknown_after(bool with_log, bool *unknown)
{
	char *buf = xzalloc(4096);
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, NFPROTO_IPV4, 0, 1);
	struct lin_ctx c = { .nlh = nlh, .family = NFPROTO_IPV4, .limit = 4096 };
	struct nftnl_rule *back = nftnl_rule_alloc();
	struct nlattr *exprs;
	struct rule *r;
	uint8_t tcp = 6;
	bool ok;

	if (!back)
		abort();
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, "filter");
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, "INPUT");
	exprs = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	lin_meta(&c, NFT_META_L4PROTO);
	lin_cmp(&c, REL_EQ, &tcp, 1);
	if (with_log) {
		struct nftnl_expr *log = nftnl_expr_alloc("log");

		if (!log)
			abort();
		nftnl_expr_set_str(log, NFTNL_EXPR_LOG_PREFIX, "unclaimed: ");
		lin_add(&c, log);
	}
	lin_counter(&c, 0, 0);
	lin_verdict(&c, NF_ACCEPT, NULL);
	mnl_attr_nest_end(nlh, exprs);
	ok = nftnl_rule_nlmsg_parse(nlh, back) == 0;
	if (ok) {
		r = rule_new(NFPROTO_IPV4);
		rule_delinearize(back, r);
		*unknown = r->unknown;
		rule_free(r);
	}
	nftnl_rule_free(back);
	free(buf);
	return ok;
}

static void test_unknown(struct tap *tap)
{
	bool with = false, without = true;
	bool ok = unknown_after(true, &with) && unknown_after(false, &without);

	tap_result(tap, ok && with && !without, "an unclaimed log expression sets rule->unknown");
	if (!(ok && with && !without))
		printf("#   read back: %s; with log unknown=%d, without unknown=%d\n",
		       ok ? "yes" : "no", with, without);
}

/* ---- main ---- */

static void test_file(struct tap *tap, const char *top, const char *path, bool restore,
		      struct tally *all)
{
	struct tally t = { .used = all->used, .still = all->still };
	bool ok = restore ? check_restore_file(path, &t) : check_case_file(top, path, &t);

	tap_result(tap, ok && !t.bad,
		   "every rule of %s round trips (%u rules, %u excepted, %u too large to send)",
		   path + strlen(top) + 1, t.rules, t.excepted, t.too_large);
	if (t.bad)
		printf("#   %u rules do not\n", t.bad);
	all->rules += t.rules;
	all->mangled_rules += t.mangled_rules;
	all->mangled += t.mangled;
	all->nondet += t.nondet;
	all->reread += t.reread;
	all->unequal += t.unequal;
}

int main(void)
{
	const char *top = getenv("IPTNFT_SRCDIR");
	size_t nexc = ARRAY_SIZE(exceptions) - 1, i;
	struct tally all = { .used = xzalloc(nexc + 1), .still = xzalloc(nexc + 1) };
	struct tap tap = { 0 };
	unsigned ncases, nrules, k, stale = 0;
	char **cases, **rules;
	struct strbuf dir;

	/* line-buffered so the TAP lines and ASan reports interleave right */
	setvbuf(stdout, NULL, _IOLBF, 0);
	rt_sandbox();
	if (!top || !*top)
		top = IPTNFT_SRCDIR;
	sb_init(&dir);
	sb_printf(&dir, "%s/tests/diff", top);
	cases = list_files(dir.buf, ".cases", &ncases);
	sb_add(&dir, "/data");
	rules = list_files(dir.buf, ".rules", &nrules);
	printf("1..%u\n", ncases + nrules + 6);
	for (k = 0; k < ncases; k++)
		test_file(&tap, top, cases[k], false, &all);
	for (k = 0; k < nrules; k++)
		test_file(&tap, top, rules[k], true, &all);
	tap_result(&tap, all.rules > 0 && !all.nondet,
		   "the same rule linearized twice gives identical bytes (%u rules)", all.rules);
	tap_result(&tap, all.rules > 0 && !all.reread,
		   "linearize(delinearize(x)) gives x's bytes (%u rules)", all.rules);
	tap_result(&tap, all.rules > 0 && !all.unequal,
		   "what a rule reads back as is the rule -C and -D look for (%u rules)",
		   all.rules);
	for (i = 0; i < nexc; i++) {
		if (all.used[i] && all.still[i])
			continue;
		printf("#   exception '%s': %s\n", exceptions[i].args,
		       all.used[i] ? "round trips now" : "matches no rule of the corpus");
		stale++;
	}
	tap_result(&tap, !stale, "every listed exception is in the corpus and still needed (%zu)",
		   nexc);
	test_unknown(&tap);
	/* reaching here is the test: a fault would have ended the program */
	tap_result(&tap, all.mangled_rules > 0 && all.mangled > 0,
		   "spoiled dumps of %u rules read back and print without a fault (%u messages)",
		   all.mangled_rules, all.mangled);
	for (k = 0; k < ncases; k++)
		free(cases[k]);
	for (k = 0; k < nrules; k++)
		free(rules[k]);
	free(cases);
	free(rules);
	free(all.used);
	free(all.still);
	sb_free(&dir);
	return tap.failures ? 1 : 0;
}
