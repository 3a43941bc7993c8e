/* What every fuzz target does with a parsed rule. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "fuzz.h"
#include "nfttext.h"
#include "print.h"
#include "rtlib.h"
#include "rule.h"
#include "util.h"

static void fuzz_fail(const char *what, const char *a, const char *b)
{
	fprintf(stderr, "fuzz: %s\n  first:  %s\n  second: %s\n", what, a, b);
	abort();
}

/* Every text form of r, appended to out: -S, -S -v, -L in both widths,
 * and the -v line of -A. */
static void print_all(struct strbuf *out, const struct rule *r, const char *chain)
{
	print_rule_save(out, r, chain, false);
	sb_addc(out, '\n');
	print_rule_save(out, r, chain, true);
	sb_addc(out, '\n');
	print_list_rule(out, r, 1, FMT_NUMERIC | FMT_VERBOSE | FMT_EXACT | FMT_LINENUM);
	print_list_rule(out, r, 2, 0);
	print_rule_verbose(out, r);
}

void fuzz_rule(const struct rule *r, const char *table, const char *chain)
{
	struct rule *copy = rule_clone(r), *back;
	struct nft_xlate x;
	struct strbuf a, b;
	int compat;

	sb_init(&a);
	sb_init(&b);
	print_all(&a, r, chain);
	print_all(&b, copy, chain);
	if (strcmp(a.buf, b.buf) != 0)
		fuzz_fail("a cloned rule prints differently", a.buf, b.buf);
	rule_free(copy);
	/* the translator reads whatever iptables writes */
	sb_reset(&b);
	nft_xlate_init(&x);
	nft_rule_text_of(&x, &b, &b, "", r, table, chain);
	nft_xlate_free(&x);
	for (compat = 0; compat < 2; compat++) {
		back = rt_through_netlink(r, table, chain, compat);
		if (!back)
			fuzz_fail("libnftnl refused the rule's message", a.buf, compat ? "compat" : "");
		sb_reset(&b);
		print_all(&b, back, chain);
		rule_free(back);
	}
	sb_free(&a);
	sb_free(&b);
}
