#include "list.h"
#include "rmsg.h"

#include <stdio.h>
#include <endian.h>
#include <errno.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aset.h"
#include "error.h"
#include "expr.h"
#include "handle.h"
#include "rule.h"
#include "ext.h"
#include "print.h"

/* strcmp of two chain names padded with NULs to their arrays' end (as
 * cache.c reads them), eight bytes at a time: a kube-proxy table has
 * thousands of chains named alike for their first ten bytes. */
static int name_cmp(const struct chain_info *x, const struct chain_info *y)
{
	size_t i;

	for (i = 0; i + 8 <= sizeof(x->name); i += 8) {
		uint64_t a, b;

		memcpy(&a, x->name + i, 8);
		memcpy(&b, y->name + i, 8);
		if (a != b) {
			a = be64toh(a);
			b = be64toh(b);
			return a < b ? -1 : 1;
		}
		/* equal words: both names end in it (it has a zero byte), or
		 * neither does */
		if ((a - 0x0101010101010101ull) & ~a & 0x8080808080808080ull)
			return 0;
	}
	return 0;
}

/* The user chains by name: a merge sort of the pointers, the compare
 * inline (qsort's call through a pointer and strcmp cost more than the
 * comparing). tmp has room for n; returns v or tmp, whichever holds the
 * sorted pointers. */
static const struct chain_info **sort_by_name(const struct chain_info **v,
					      const struct chain_info **tmp, unsigned n)
{
	unsigned width, i;

	/* runs of 4 by insertion, then merged pairwise */
	for (i = 0; i < n; i += 4) {
		unsigned end = i + 4 < n ? i + 4 : n, j, k;

		for (j = i + 1; j < end; j++) {
			const struct chain_info *c = v[j];

			for (k = j; k > i && name_cmp(v[k - 1], c) > 0; k--)
				v[k] = v[k - 1];
			v[k] = c;
		}
	}
	for (width = 4; width < n; width *= 2) {
		const struct chain_info **t;

		for (i = 0; i < n; i += 2 * width) {
			unsigned mid = i + width < n ? i + width : n;
			unsigned end = i + 2 * width < n ? i + 2 * width : n;
			unsigned a = i, b = mid, k = i;

			while (a < mid && b < end)
				tmp[k++] = name_cmp(v[b], v[a]) < 0 ? v[b++] : v[a++];
			while (a < mid)
				tmp[k++] = v[a++];
			while (b < end)
				tmp[k++] = v[b++];
		}
		t = v;
		v = tmp;
		tmp = t;
	}
	return v;
}

static bool compatible(const struct builtin_table *bt, const struct chain_info *ci)
{
	return table_base_compatible(bt, ci->name, ci->type, ci->hook, ci->prio);
}

int list_chains_ordered(struct handle *h, const char *table, const struct builtin_table *bt,
			struct chain_list *out)
{
	struct chain_list kernel;
	int ret;

	ret = cache_list_chains(&h->nl, h->family, table, &kernel);
	if (ret == -ENOENT) {
		chain_list_free(&kernel);
		ret = 0;
	}
	if (ret < 0) {
		chain_list_free(&kernel);
		return ret;
	}
	list_chains_order(bt, &kernel, out);
	return 0;
}

void list_chains_order(const struct builtin_table *bt, struct chain_list *kernel,
		       struct chain_list *out)
{
	const struct chain_info **user, **sorted;
	unsigned i, j, nuser = 0;

	memset(out, 0, sizeof(*out));
	out->cap = kernel->n + (bt ? bt->nchains : 0) + 1;
	/* every entry is written whole below: no zeroing of a table's worth */
	out->v = xmalloc(out->cap * sizeof(*out->v));
	out->gen = kernel->gen;
	out->has_gen = kernel->has_gen;
	for (i = 0; bt && i < bt->nchains; i++) {
		struct chain_info *ci = &out->v[out->n++];
		bool found = false;

		for (j = 0; j < kernel->n; j++) {
			if (kernel->v[j].base && strcmp(kernel->v[j].name, bt->chains[i].name) == 0 &&
			    compatible(bt, &kernel->v[j])) {
				*ci = kernel->v[j];
				found = true;
				break;
			}
		}
		if (!found) {
			memset(ci, 0, sizeof(*ci));
			snprintf(ci->name, sizeof(ci->name), "%s", bt->chains[i].name);
			ci->base = true;
			ci->hook = bt->chains[i].hook;
			ci->policy = NF_ACCEPT;
			ci->handle = 0;
		}
	}
	user = xmalloc(2 * (kernel->n + 1) * sizeof(*user));
	for (j = 0; j < kernel->n; j++) {
		if (kernel->v[j].base) {
			/* a built-in chain of another shape stands for nothing:
			 * the built-in chain is listed as if it were missing */
			if (!compatible(bt, &kernel->v[j])) {
				out->incompatible = true;
				if (table_find_chain(bt, kernel->v[j].name))
					out->incompatible_builtin = true;
			}
			continue;
		}
		user[nuser++] = &kernel->v[j];
	}
	/* sorted by pointer: a chain_info is large, and a table can have
	 * tens of thousands of chains; often they were made in order */
	for (j = 1; j < nuser && name_cmp(user[j - 1], user[j]) < 0; j++)
		;
	sorted = j < nuser ? sort_by_name(user, user + kernel->n + 1, nuser) : user;
	for (j = 0; j < nuser; j++)
		out->v[out->n++] = *sorted[j];
	free(user);
	chain_list_free(kernel);
}

void list_incompatible_note(const char *table)
{
	printf("# Table `%s' contains incompatible base-chains, use 'nft' tool to list them.\n",
	       table);
}

struct list_walk {
	struct handle *h;
	struct command *cmd;
	const struct chain_list *cl;
	int only;		/* the one chain listed, or -1 */
	struct strbuf title;	/* one buffer for every chain's title */
	const char *chain;
	unsigned num;
	unsigned want;		/* only this rule number, or 0 */
	bool flushed;		/* some of the chain's rules were written out */
	struct strbuf out;
	bool save;
	struct aset_cache sets;
	struct xcache *xc;	/* the statements read so far */
};

static void flush_out(struct strbuf *sb)
{
	if (sb->len)
		fwrite(sb->buf, 1, sb->len, stdout);
	sb_reset(sb);
}

static int list_one_rule(const struct rule_msg *m, void *data)
{
	struct list_walk *w = data;
	struct rule rule, *r = &rule;

	w->num++;
	if (w->want && w->num != w->want)
		return 0;
	rule_init(r, w->h->family);
	rule_delinearize_msg(m, r, aset_cache_get, &w->sets, w->xc);
	if (r->unknown) {
		/* never print a rule that lost what we could not read; stop as
		 * the reference does */
		rule_undecodable_error(&w->h->err, w->h->prog, w->chain, r->handle);
		rule_release(r);
		return 1;
	}
	if (w->save) {
		print_rule_save(&w->out, r, w->chain, w->cmd->fmt & FMT_VERBOSE);
		sb_addc(&w->out, '\n');
	} else {
		print_list_rule(&w->out, r, w->num, w->cmd->fmt);
	}
	rule_release(r);
	if (w->save && w->out.len > 65536) {
		flush_out(&w->out);
		w->flushed = true;
	}
	return 0;
}

static int walk_chain(struct list_walk *w, const struct chain_info *ci)
{
	size_t start = w->out.len;
	unsigned tries = 0;
	int ret;

	w->chain = ci->name;
	if (!ci->handle)	/* a built-in chain not created yet */
		return 0;
	w->flushed = false;
	do {
		/* a dump the ruleset changed under is read again, as the
		 * reference does, while nothing of it was written out */
		w->num = 0;
		if (w->out.len > start) {
			w->out.len = start;
			w->out.buf[start] = '\0';
		}
		ret = cache_dump_rules(&w->h->nl, w->h->family, w->cmd->table, ci->name,
				       list_one_rule, w);
	} while (ret == -EINTR && !w->flushed && ++tries < 8);
	return ret == -ENOENT ? 0 : ret;
}

static const char *policy_name(const struct chain_info *ci)
{
	return ci->policy == NF_DROP ? "DROP" : "ACCEPT";
}

static void list_begin(void *data, unsigned i)
{
	struct list_walk *w = data;

	w->chain = w->cl->v[i].name;
	w->num = 0;
}

/* Chain i's title, then its rules: the kernel counts a chain's own
 * rules among its users, so the title waits for them to be counted. */
static void list_L_end(void *data, unsigned i)
{
	struct list_walk *w = data;
	const struct chain_info *ci = &w->cl->v[i];

	/* the title buffer takes the title and the rules, and is written
	 * out in blocks of some 64 KiB: a table of thousands of chains is
	 * not thousands of writes */
	if (w->only < 0 && i > 0)
		sb_addc(&w->title, '\n');
	print_chain_title(&w->title, ci->name, ci->base ? policy_name(ci) : NULL, ci->pkts,
			  ci->bytes, ci->use > w->num ? (int)(ci->use - w->num) : 0,
			  w->cmd->fmt);
	print_list_header(&w->title, w->cmd->fmt);
	sb_addn(&w->title, w->out.buf, w->out.len);
	sb_reset(&w->out);
	if (w->title.len > 65536)
		flush_out(&w->title);
}

static void list_S_end(void *data, unsigned i)
{
	struct list_walk *w = data;

	(void)i;
	flush_out(&w->out);
}

static const struct chain_walk_ops list_L_ops = { list_begin, list_one_rule, list_L_end };
static const struct chain_walk_ops list_S_ops = { list_begin, list_one_rule, list_S_end };

static int list_L(struct list_walk *w, const struct chain_list *cl, int only)
{
	unsigned i;
	int ret = 0;

	if (w->want) {
		for (i = 0; i < cl->n; i++) {
			if (only >= 0 && (unsigned)only != i)
				continue;
			ret = walk_chain(w, &cl->v[i]);
			if (ret != 0)
				break;
			flush_out(&w->out);
		}
		return ret;
	}
	sb_init(&w->title);
	if (only >= 0) {
		ret = walk_chain(w, &cl->v[only]);
		if (ret >= 0)
			list_L_end(w, (unsigned)only);
	} else {
		ret = cache_walk_rules(&w->h->nl, w->h->family, w->cmd->table, cl, &list_L_ops, w,
				       w->h->debug_walk);
	}
	if (ret < 0)
		sb_reset(&w->out);
	/* the chains listed whole */
	flush_out(&w->title);
	sb_free(&w->title);
	return ret;
}

static int list_S(struct list_walk *w, const struct chain_list *cl, int only)
{
	unsigned i;
	int ret = 0;

	if (!w->want) {
		for (i = 0; i < cl->n; i++) {
			const struct chain_info *ci = &cl->v[i];

			if (only >= 0 && (unsigned)only != i)
				continue;
			if (ci->base) {
				sb_printf(&w->out, "-P %s %s", ci->name, policy_name(ci));
				if (w->cmd->fmt & FMT_VERBOSE)
					sb_printf(&w->out, " -c %llu %llu",
						  (unsigned long long)ci->pkts,
						  (unsigned long long)ci->bytes);
				sb_addc(&w->out, '\n');
			} else {
				sb_printf(&w->out, "-N %s\n", ci->name);
			}
		}
	}
	if (only < 0 && !w->want)
		return cache_walk_rules(&w->h->nl, w->h->family, w->cmd->table, cl, &list_S_ops,
					w, w->h->debug_walk);
	for (i = 0; i < cl->n; i++) {
		if (only >= 0 && (unsigned)only != i)
			continue;
		ret = walk_chain(w, &cl->v[i]);
		flush_out(&w->out);
		if (ret != 0)
			break;
	}
	return ret;
}

int list_run(struct handle *h, struct command *cmd)
{
	const struct builtin_table *bt = table_find(cmd->table);
	struct list_walk w = { .h = h, .cmd = cmd, .want = cmd->rulenum,
			       .save = cmd->op == OP_LIST_RULES };
	struct chain_list cl;
	int only = -1, ret;
	unsigned i;

	ret = list_chains_ordered(h, cmd->table, bt, &cl);
	if (ret < 0)
		return err_versioned(&h->err, EXIT_RESOURCE, "%s", err_kernel_text(-ret, OP_NONE));
	if (cmd->chain) {
		/* a built-in chain before a regular chain nft gave its name */
		for (i = 0; i < cl.n && only < 0; i++)
			if (strcmp(cl.v[i].name, cmd->chain) == 0)
				only = (int)i;
		if (only < 0) {
			chain_list_free(&cl);
			return err_versioned(&h->err, EXIT_OTHER,
					     "chain `%s' in table `%s' is incompatible, use 'nft' tool.",
					     cmd->chain, cmd->table);
		}
	}
	/* the reference looks at every chain to list them all, and at the
	 * built-in ones (and the one named) to list one */
	if (cmd->chain ? cl.incompatible_builtin : cl.incompatible)
		list_incompatible_note(cmd->table);
	sb_init(&w.out);
	/* room to the flush threshold at once: no copying as it grows */
	sb_grow(&w.out, 65536 + 8192);
	w.sets.nl = &h->nl;
	w.sets.family = h->family;
	w.sets.table = cmd->table;
	w.xc = xcache_new();
	w.cl = &cl;
	w.only = only;
	ret = w.save ? list_S(&w, &cl, only) : list_L(&w, &cl, only);
	aset_cache_clear(&w.sets);
	xcache_free(w.xc);
	flush_out(&w.out);
	sb_free(&w.out);
	chain_list_free(&cl);
	fflush(stdout);
	if (ret > 0)
		return -1;
	if (ret < 0)
		return err_versioned(&h->err, EXIT_RESOURCE, "%s", err_kernel_text(-ret, OP_NONE));
	return 0;
}
