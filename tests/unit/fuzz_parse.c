/* Fuzz the command-line parser and the rule round trip.
 *
 * The input is split into words on blanks and NULs and handed to
 * cmd_parse as an iptables command line (argv[0] is "iptables", or the
 * first word when it is "iptables" or "ip6tables"). Every rule it yields
 * goes linearize -> NEWRULE message -> nftnl parse -> delinearize -> -S
 * and -L text, as roundtrip_test.c does. With -DFUZZ_STRICT it also aborts
 * when a rule we wrote reads back undecodable or prints differently.
 *
 * Not part of the default build. From the top of a configured tree (for
 * config.h), compiling the library's sources as Makefile.am lists them:
 *
 *   SRCS=$(sed -n '/^libiptnft_a_SOURCES/,/^$/p' Makefile.am | grep -o '[^[:space:]]*[.]c')
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Isrc -Iextensions \
 *       tests/unit/fuzz_parse.c $SRCS $(pkg-config --cflags --libs libnftnl libmnl) \
 *       -o fuzz_parse
 *   mkdir -p corpus && ./fuzz_parse -max_total_time=60 -max_len=512 corpus
 *
 * Replaying inputs without libFuzzer (any compiler): build the same way
 * with -DFUZZ_STANDALONE instead of -fsanitize=fuzzer and run
 * `./fuzz_parse FILE...` (no FILE: read stdin).
 */
#include <config.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ext.h"
#include "print.h"
#include "rule.h"
#include "util.h"

#define MAX_ARGS 64
#define MAX_INPUT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static union {
	struct nlmsghdr align;
	char buf[1 << 17];
} msgbuf;

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0';
}

/* Split text (len bytes, one spare byte after them, modified in place)
 * into argv; a leading "iptables"/"ip6tables" word becomes argv[0] and
 * picks the family. Returns argc. */
static int split_words(char *text, size_t len, char **argv, struct handle *h)
{
	int argc = 1;
	size_t i = 0;

	argv[0] = "iptables";
	while (i < len && argc <= MAX_ARGS) {
		while (i < len && is_sep(text[i]))
			i++;
		if (i == len)
			break;
		argv[argc++] = &text[i];
		while (i < len && !is_sep(text[i]))
			i++;
		text[i++] = '\0';
	}
	if (argc > 1 && (strcmp(argv[1], "iptables") == 0 || strcmp(argv[1], "ip6tables") == 0)) {
		argv[0] = argv[1];
		memmove(&argv[1], &argv[2], (size_t)(argc - 2) * sizeof(*argv));
		argc--;
	}
	argv[argc] = NULL;
	h->prog = strcmp(argv[0], "ip6tables") == 0 ? "ip6tables" : "iptables";
	h->family = h->prog[2] == '6' ? NFPROTO_IPV6 : NFPROTO_IPV4;
	return argc;
}

static void check(bool cond, const char *what, const char *a, const char *b)
{
#ifdef FUZZ_STRICT
	if (!cond) {
		fprintf(stderr, "fuzz_parse: %s\n  wrote: %s\n  read:  %s\n", what, a, b);
		abort();
	}
#else
	(void)cond;
	(void)what;
	(void)a;
	(void)b;
#endif
}

static void roundtrip_rule(const struct rule *r, const char *chain, uint8_t family)
{
	struct nftnl_rule *nr = nftnl_rule_alloc(), *back = nftnl_rule_alloc();
	struct strbuf before, after;
	struct nlmsghdr *nlh;
	struct rule *r2;

	if (!nr || !back)
		abort();
	nftnl_rule_set_str(nr, NFTNL_RULE_TABLE, "filter");
	nftnl_rule_set_str(nr, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(nr, NFTNL_RULE_FAMILY, family);
	rule_linearize(r, nr);
	nlh = nftnl_nlmsg_build_hdr(msgbuf.buf, NFT_MSG_NEWRULE, family, 0, 1);
	nftnl_rule_nlmsg_build_payload(nlh, nr);
	nftnl_rule_free(nr);

	sb_init(&before);
	sb_init(&after);
	print_rule_save(&before, r, chain, false);
	if (nftnl_rule_nlmsg_parse(nlh, back) < 0) {
		check(false, "libnftnl refused our message", before.buf, "");
		goto out;
	}
	r2 = rule_new(family);
	rule_delinearize(back, r2);
	print_rule_save(&after, r2, chain, false);
	check(!r2->unknown, "rule read back undecodable", before.buf, after.buf);
	check(strcmp(before.buf, after.buf) == 0, "rule prints differently", before.buf,
	      after.buf);
	sb_reset(&after);
	print_list_rule(&after, r2, 1, FMT_NUMERIC | FMT_VERBOSE | FMT_EXACT | FMT_LINENUM);
	rule_free(r2);
out:
	nftnl_rule_free(back);
	sb_free(&before);
	sb_free(&after);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct handle h = { 0 };
	char *argv[MAX_ARGS + 2];
	struct command cmd;
	char *text;
	int argc;
	unsigned i;

	if (size > MAX_INPUT)
		return 0;
	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	argc = split_words(text, size, argv, &h);
	if (cmd_parse(&h, argc, argv, &cmd) == 0) {
		for (i = 0; i < cmd.nrules; i++)
			roundtrip_rule(cmd.rules[i], cmd.chain ? cmd.chain : "INPUT", h.family);
	}
	cmd_free(&cmd);
	free(text);
	return 0;
}

#ifdef FUZZ_STANDALONE
static void run_stream(FILE *f)
{
	struct strbuf in;
	char chunk[4096];
	size_t n;

	sb_init(&in);
	sb_add(&in, "");
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sb_addn(&in, chunk, n);
	LLVMFuzzerTestOneInput((const uint8_t *)in.buf, in.len);
	sb_free(&in);
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		run_stream(stdin);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		run_stream(f);
		fclose(f);
	}
	return 0;
}
#endif
