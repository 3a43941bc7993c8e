/* The two extension tables (extensions/table.c) against each other:
 * ext_by_name holds every extension of ext_all once, in strcmp order of
 * their names, equal names in ext_all's order, so that ext_find's binary
 * search finds what a walk of ext_all in order finds. Output is TAP.
 */
#include <config.h>

#include <linux/netfilter.h>
#include <stdio.h>
#include <string.h>

#include "ext.h"

static unsigned test_num, failures;

static void ok(bool cond, const char *what, const char *arg)
{
	test_num++;
	if (!cond)
		failures++;
	printf("%sok %u - %s %s\n", cond ? "" : "not ", test_num, what, arg);
}

static unsigned index_in_all(const struct extension *ext)
{
	unsigned i;

	for (i = 0; ext_all[i]; i++)
		if (ext_all[i] == ext)
			return i;
	return ~0u;
}

/* what ext_find answered before ext_by_name: ext_all's first taker */
static const struct extension *walk_find(const char *name, enum ext_kind kind, unsigned fam)
{
	unsigned i;

	for (i = 0; ext_all[i]; i++)
		if (ext_all[i]->kind == kind && (ext_all[i]->families & fam) &&
		    strcmp(ext_all[i]->name, name) == 0)
			return ext_all[i];
	return NULL;
}

int main(void)
{
	static const char *const absent[] = { "", "AAA", "zzz", "tcpx", "tc", "Mark", NULL };
	unsigned n_all, n_sorted, i;

	for (n_all = 0; ext_all[n_all]; n_all++)
		;
	for (n_sorted = 0; ext_by_name[n_sorted]; n_sorted++)
		;
	ok(n_all == n_sorted, "both tables hold as many extensions", "");
	for (i = 0; ext_all[i]; i++) {
		const struct extension *e = ext_all[i];
		unsigned j, seen = 0;

		for (j = 0; ext_by_name[j]; j++)
			seen += ext_by_name[j] == e;
		ok(seen == 1, "ext_by_name holds once", e->name);
	}
	for (i = 1; i < n_sorted; i++) {
		const struct extension *a = ext_by_name[i - 1], *b = ext_by_name[i];
		int c = strcmp(a->name, b->name);

		ok(c < 0 || (c == 0 && index_in_all(a) < index_in_all(b)),
		   "ext_by_name in order at", b->name);
	}
	for (i = 0; ext_all[i]; i++) {
		const struct extension *e = ext_all[i];

		ok(ext_find(e->name, e->kind, NFPROTO_IPV4) ==
		   walk_find(e->name, e->kind, EXT_IPV4) &&
		   ext_find(e->name, e->kind, NFPROTO_IPV6) ==
		   walk_find(e->name, e->kind, EXT_IPV6), "ext_find finds", e->name);
	}
	for (i = 0; absent[i]; i++)
		ok(!ext_find(absent[i], EXT_MATCH, NFPROTO_IPV4) &&
		   !ext_find(absent[i], EXT_TARGET, NFPROTO_IPV6), "ext_find misses", absent[i]);
	ok(ext_find_comment(NFPROTO_IPV4) == walk_find("comment", EXT_MATCH, EXT_IPV4) &&
	   ext_find_comment(NFPROTO_IPV6) == walk_find("comment", EXT_MATCH, EXT_IPV6) &&
	   ext_find_comment(NFPROTO_IPV4), "ext_find_comment finds", "comment");
	printf("1..%u\n", test_num);
	return failures ? 1 : 0;
}
