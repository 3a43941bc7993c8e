/* Executing commands. Each command is applied to a view of its table
 * (view.c), which queues the batch messages and reads from the kernel
 * only what the command needs. iptables runs one command per batch;
 * restore runs many. */
#include "cmd.h"

#include <config.h>
#include <errno.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "commit.h"
#include "rmsg.h"
#include "ext.h"
#include "list.h"
#include "print.h"
#include "table.h"
#include "txn.h"
#include "view.h"

static int kernel_error(struct handle *h, int err)
{
	return err_versioned(&h->err, EXIT_RESOURCE, "%s", err_kernel_text(-err, OP_NONE));
}

static int no_chain(struct handle *h)
{
	return err_plain(&h->err, EXIT_OTHER, "No chain/target/match by that name.");
}

static int bad_rule(struct handle *h)
{
	return err_plain(&h->err, EXIT_OTHER,
			 "Bad rule (does a matching rule exist in that chain?).");
}

static int find_rule(const struct vchain *c, const struct rule *spec)
{
	unsigned i;

	for (i = 0; i < c->n; i++)
		if (rule_equal(spec, c->rules[i].r))
			return (int)i;
	return -1;
}

/* A regular chain nft made with a built-in chain's name: a command that
 * makes the built-in chain tries to, as the reference does (and the
 * kernel refuses). */
static bool not_builtin(const struct builtin_chain *bc, const struct vchain *c)
{
	return bc && c && !c->ci.base;
}

/* The command's chain, existing; a missing built-in chain is created
 * when create is set. NULL with the error set otherwise. */
static struct vchain *need_chain(struct view *v, const char *name, bool create)
{
	const struct builtin_chain *bc = table_find_chain(v->bt, name);
	struct vchain *c;
	int err;

	c = view_chain(v, name, &err);
	if (c && !(create && not_builtin(bc, c)))
		return c;
	if (err < 0) {
		kernel_error(v->h, err);
		return NULL;
	}
	if (!bc || !create) {
		no_chain(v->h);
		return NULL;
	}
	return view_create_builtin(v, bc, NF_ACCEPT, 0, 0);
}

/* One command alone may read a chain only as far as it needs. */
static bool single_command(const struct view *v)
{
	return !v->track_rules && !v->h->restore_prog;
}

static bool stop_at_equal(const struct rule *r, void *spec)
{
	return rule_equal(spec, r);
}

/* The chain's rules: the first limit of them, or up to the first equal
 * to spec, or all. */
static struct vchain *need_chain_rules_until(struct view *v, const char *name, unsigned limit,
					     const struct rule *spec)
{
	struct vchain *c = need_chain(v, name, false);
	int err;

	if (!c)
		return NULL;
	if (single_command(v)) {
		err = view_load_rules_until(v, c, limit, spec ? stop_at_equal : NULL,
					    (void *)spec);
	} else {
		err = view_load_rules(v, c);
	}
	if (err < 0) {
		kernel_error(v->h, err);
		return NULL;
	}
	return c;
}

static struct vchain *need_chain_rules(struct view *v, const char *name)
{
	struct vchain *c = need_chain(v, name, false);
	int err;

	if (!c)
		return NULL;
	err = view_load_rules(v, c);
	if (err < 0) {
		kernel_error(v->h, err);
		return NULL;
	}
	return c;
}

static int check_jump_target(struct view *v, const struct rule *r)
{
	struct vchain *c;
	int err;

	if (r->verdict != VERDICT_JUMP && r->verdict != VERDICT_GOTO)
		return 0;
	/* a jump to a built-in chain is the kernel's to refuse */
	if (table_find_chain(v->bt, r->chain))
		return 0;
	c = view_chain(v, r->chain, &err);
	if (err < 0)
		return kernel_error(v->h, err);
	if (!c || c->ci.base) {
		v->error_at_commit = true;
		return err_param(&v->h->err, "Chain '%s' does not exist", r->chain);
	}
	return 0;
}

static int check_targets(struct view *v, const struct command *cmd)
{
	unsigned i;

	for (i = 0; i < cmd->nrules; i++)
		if (check_jump_target(v, cmd->rules[i]) < 0)
			return -1;
	return 0;
}

static int op_append(struct view *v, struct command *cmd)
{
	struct vchain *c;
	unsigned i;

	if (check_targets(v, cmd) < 0)
		return -1;
	c = need_chain(v, cmd->chain, true);
	if (!c)
		return -1;
	for (i = 0; i < cmd->nrules; i++)
		view_add_rule(v, c, cmd->rules[i], c->n, true);
	return 0;
}

static int op_insert(struct view *v, struct command *cmd)
{
	unsigned pos = cmd->rulenum ? cmd->rulenum - 1 : 0, i;
	bool before_fixed;
	struct vchain *c;
	int err;

	if (check_targets(v, cmd) < 0)
		return -1;
	c = need_chain(v, cmd->chain, true);
	if (!c)
		return -1;
	if (pos > 0) {
		/* rule pos (0-based) is the one to insert before */
		err = single_command(v) ? view_load_rules_until(v, c, pos + 1, NULL, NULL) :
					  view_load_rules(v, c);
		if (err < 0)
			return kernel_error(v->h, err);
		if (pos > c->n)
			return err_plain(&v->h->err, EXIT_OTHER, "Index of insertion too big.");
	}
	/* the rules of several addresses go in last first, as the
	 * reference inserts them: each before the one inserted before it,
	 * or, where the view knows only the rule they go before (a chain
	 * read up to there), in reverse order before that one */
	before_fixed = pos > 0 && !c->rules_known && !v->track_rules;
	for (i = 0; i < cmd->nrules; i++)
		view_add_rule(v, c, cmd->rules[before_fixed ? cmd->nrules - 1 - i : i], pos, false);
	return 0;
}

/* -C and -D of one rule through the rule index: 1 with *handle when
 * the chain holds it (the kernel's copy compared as find_rule compares),
 * 0 when it does not, -1 when the chain must be read to tell. */
static int index_answer(struct view *v, const struct command *cmd, struct vchain **cp,
			uint64_t *handle)
{
	struct vchain *c;
	struct rule *r;
	bool eq;

	c = need_chain(v, cmd->chain, false);
	if (!c)
		return -2;
	*cp = c;
	switch (view_index_find(v, c, cmd->rules[0], handle)) {
	case RI_ABSENT:
		return 0;
	case RI_UNKNOWN:
		return -1;
	case RI_ONE:
		break;
	}
	r = view_fetch_rule(v, c, *handle);
	if (!r)
		return -3;
	eq = rule_equal(cmd->rules[0], r);
	rule_free(r);
	return eq ? 1 : -3;
}

/* -C and -D of one rule through the rule index: 1 with *handle when
 * the chain holds it (the kernel's copy compared as find_rule compares),
 * 0 when it does not, -1 when the chain must be read to tell, -2 when
 * the chain is missing (the error is set). */
static int index_lookup(struct view *v, const struct command *cmd, struct vchain **cp,
			uint64_t *handle)
{
	static const char *const said[] = { "differs", "missing chain", "unknown", "absent",
					    "found" };
	int ret;

	if (cmd->nrules != 1 || !single_command(v))
		return -1;
	if (!v->ri) {
		if (v->h->debug_index)
			fprintf(stderr, "iptnft: index: none\n");
		return -1;
	}
	ret = index_answer(v, cmd, cp, handle);
	if (v->h->debug_index)
		fprintf(stderr, "iptnft: index: %s\n", said[ret + 3]);
	return ret == -3 ? -1 : ret;
}

/* -C and -D compare the rules as they read back (rule_canonical). */
static void canonical_rules(struct command *cmd)
{
	unsigned i;

	for (i = 0; i < cmd->nrules; i++) {
		struct rule *c = rule_canonical(cmd->rules[i]);

		if (c) {
			rule_free(cmd->rules[i]);
			cmd->rules[i] = c;
		}
	}
}

/* -C and -D: find the command's rules, through the rule index or in
 * the chain read from the kernel. 1: the index found the one rule
 * (*handle, in *c); 0: *c is the chain read, to be searched; -1: error
 * set (the reference's "Bad rule" when the rule is surely absent). */
static int rule_lookup(struct view *v, struct command *cmd, struct vchain **c, uint64_t *handle)
{
	/* the reference looks for the jump's chain before the rule's */
	if (check_targets(v, cmd) < 0)
		return -1;
	canonical_rules(cmd);
	switch (index_lookup(v, cmd, c, handle)) {
	case 1:
		return 1;
	case 0:
		return bad_rule(v->h);
	case -2:
		return v->h->err.code == EXIT_OTHER ? bad_rule(v->h) : -1;
	}
	*c = cmd->nrules == 1 ? need_chain_rules_until(v, cmd->chain, 0, cmd->rules[0]) :
				need_chain_rules(v, cmd->chain);
	if (!*c)
		return v->h->err.code == EXIT_OTHER ? bad_rule(v->h) : -1;
	return 0;
}

static int op_delete(struct view *v, struct command *cmd)
{
	struct vchain *c = NULL;
	uint64_t handle;
	unsigned i;
	int idx, ret = rule_lookup(v, cmd, &c, &handle);

	if (ret == 1)
		view_delete_handle(v, c, handle);
	if (ret != 0)
		return ret < 0 ? -1 : 0;
	for (i = 0; i < cmd->nrules; i++) {
		idx = find_rule(c, cmd->rules[i]);
		if (idx < 0)
			return bad_rule(v->h);
		view_delete_rule(v, c, (unsigned)idx);
	}
	return 0;
}

static int op_delete_num(struct view *v, struct command *cmd)
{
	struct vchain *c = need_chain_rules_until(v, cmd->chain, cmd->rulenum, NULL);

	if (!c)
		return -1;
	if (cmd->rulenum > c->n)
		return err_plain(&v->h->err, EXIT_OTHER, "Index of deletion too big.");
	view_delete_rule(v, c, cmd->rulenum - 1);
	return 0;
}

static int op_replace(struct view *v, struct command *cmd)
{
	struct vchain *c;

	if (cmd->nrules != 1)
		return err_param(&v->h->err, "-R requires a single source and destination");
	if (check_targets(v, cmd) < 0)
		return -1;
	c = need_chain_rules_until(v, cmd->chain, cmd->rulenum, NULL);
	if (!c)
		return -1;
	if (cmd->rulenum > c->n)
		return err_plain(&v->h->err, EXIT_OTHER, "Index of replacement too big.");
	view_replace_rule(v, c, cmd->rulenum - 1, cmd->rules[0]);
	return 0;
}

static int op_check(struct view *v, struct command *cmd)
{
	struct vchain *c = NULL;
	uint64_t handle;
	unsigned i;
	int ret = rule_lookup(v, cmd, &c, &handle);

	if (ret != 0)
		return ret < 0 ? -1 : 0;
	for (i = 0; i < cmd->nrules; i++)
		if (find_rule(c, cmd->rules[i]) < 0)
			return bad_rule(v->h);
	return 0;
}

/* "Flushing chain `X'" for every chain -L would show. */
static void verbose_chains(struct view *v, const char *what)
{
	struct chain_list cl;
	unsigned i;

	if (list_chains_ordered(v->h, v->table, v->bt, &cl) < 0)
		return;
	for (i = 0; i < cl.n; i++)
		printf("%s chain `%s'\n", what, cl.v[i].name);
	chain_list_free(&cl);
}

static const struct builtin_chain *builtin_nth(const struct view *v, unsigned i,
					       bool make_order)
{
	return &v->bt->chains[make_order ? v->bt->make_order[i] : i];
}

/* The built-in chains the reference makes as it goes through a whole
 * table: -v -F in the order of its own table definition, -L -Z in
 * listing order. */
static void make_builtins(struct view *v, bool make_order)
{
	const struct builtin_chain *bc;
	struct vchain *c;
	unsigned i;
	int err;

	for (i = 0; i < v->bt->nchains; i++) {
		bc = builtin_nth(v, i, make_order);
		c = view_chain(v, bc->name, &err);
		/* -L -Z goes for the built-in chain even where a regular
		 * chain has its name; -v -F passes over it */
		if (err == 0 && (!c || (!make_order && not_builtin(bc, c))))
			view_create_builtin(v, bc, NF_ACCEPT, 0, 0);
	}
}

static int op_flush(struct view *v, struct command *cmd)
{
	struct vchain *c;
	unsigned i;
	int err;

	if (cmd->chain) {
		c = view_chain(v, cmd->chain, &err);
		if (err < 0)
			return kernel_error(v->h, err);
		if (v->verbose)
			printf("Flushing chain `%s'\n", cmd->chain);
		if (!c || not_builtin(table_find_chain(v->bt, cmd->chain), c)) {
			const struct builtin_chain *bc = table_find_chain(v->bt, cmd->chain);

			if (!bc)
				return no_chain(v->h);
			/* the reference makes the built-in chain it flushes */
			view_create_builtin(v, bc, NF_ACCEPT, 0, 0);
			return 0;
		}
		view_flush_chain(v, c);
		return 0;
	}
	err = view_load_all_chains(v);
	if (err < 0)
		return kernel_error(v->h, err);
	if (v->verbose) {
		verbose_chains(v, "Flushing");
		make_builtins(v, true);
	}
	if (v->table_state < 0)
		return 0;
	view_flush_table(v);
	for (i = 0; i < v->nchains; i++) {
		if (!v->chains[i].exists)
			continue;
		v->chains[i].n = 0;
		v->chains[i].rules_known = true;
		v->chains[i].fresh = true;
		v->chains[i].added = 0;
	}
	return 0;
}

struct zero_walk {
	struct view *v;
	unsigned want;		/* 0: all */
	unsigned seen;
	struct txn_renewed *renew;	/* the rule's lookups given new sets */
	unsigned nrenew, caprenew;
};

/* The copy of a rule that -Z writes looks its values up in sets of its
 * own: the kernel binds an anonymous set to the one rule that uses it
 * and refuses a second (EBUSY), so each such set gets a twin, made in
 * the same batch with the same elements. A set not of the kind iptnft
 * writes is left as it is. */
static int zero_renew_set(struct nftnl_expr *e, void *data)
{
	struct zero_walk *z = data;
	const struct aset *s;
	struct aset twin;
	const char *name;

	if (strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "lookup") != 0 ||
	    nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG))
		return 0;
	name = nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET);
	s = name ? aset_cache_get(&z->v->sets, name) : NULL;
	if (!s || !s->plain)
		return 0;
	twin = *s;
	twin.id = ++z->v->next_set_id;
	snprintf(twin.name, sizeof(twin.name), "__set%%d");
	txn_add_aset(z->v->b, z->v->family, z->v->table, &twin, z->v->tag);
	if (z->nrenew == z->caprenew) {
		z->caprenew = z->caprenew ? z->caprenew * 2 : 4;
		z->renew = xrealloc(z->renew, z->caprenew * sizeof(*z->renew));
	}
	z->renew[z->nrenew].lookup = e;
	z->renew[z->nrenew++].set_id = twin.id;
	return 0;
}

static int find_xt_expr(struct nftnl_expr *e, void *data)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	*(bool *)data |= strcmp(name, "match") == 0 || strcmp(name, "target") == 0;
	return 0;
}

/* An xt match or target checks the protocol the rule declares in
 * NFTA_RULE_COMPAT (tcp for TCPMSS, ...), which the kernel keeps in no
 * dump: the copy declares the protocol the rule tests, as it was
 * written. */
static void zero_declare_proto(struct zero_walk *z, const struct rule_msg *m,
			       struct nftnl_rule *nr)
{
	bool xt = false;
	struct rule *r;

	nftnl_expr_foreach(nr, find_xt_expr, &xt);
	if (!xt)
		return;
	r = rule_new(z->v->family);
	rule_delinearize_msg(m, r, aset_cache_get, &z->v->sets, NULL);
	nftnl_rule_set_u32(nr, NFTNL_RULE_COMPAT_PROTO, r->has_proto ? r->proto : 0);
	nftnl_rule_set_u32(nr, NFTNL_RULE_COMPAT_FLAGS,
			   r->inv & INV_PROTO ? NFT_RULE_COMPAT_F_INV : 0);
	rule_free(r);
}

static int zero_one(const struct rule_msg *m, void *data)
{
	struct zero_walk *z = data;
	struct nftnl_rule *nr;

	z->seen++;
	if (z->want && z->want != z->seen)
		return 0;
	nr = rule_msg_nftnl(m);
	if (!nr)
		return 0;
	zero_declare_proto(z, m, nr);
	z->nrenew = 0;
	nftnl_expr_foreach(nr, zero_renew_set, z);
	txn_zero_rule(z->v->b, nr, z->renew, z->nrenew, z->v->tag);
	nftnl_rule_free(nr);
	return 0;
}

static int zero_chain(struct view *v, const struct vchain *c, unsigned rulenum)
{
	struct zero_walk z = { .v = v, .want = rulenum };
	int ret;

	if (v->verbose && !rulenum)
		printf("Zeroing chain `%s'\n", c->ci.name);
	if (c->ci.base && !rulenum)
		txn_chain_update(v->b, v->family, v->table, c->ci.name, -1, true, 0, 0, v->tag);
	if (c->fresh)
		return 0;
	ret = cache_dump_rules(&v->h->nl, v->family, v->table, c->ci.name, zero_one, &z);
	free(z.renew);
	if (ret < 0 && ret != -ENOENT)
		return kernel_error(v->h, ret);
	return 0;
}

/* Listing order: built-in chains by hook, then the others by name. */
static int cmp_listing(const void *a, const void *b)
{
	const struct vchain *x = *(const struct vchain *const *)a;
	const struct vchain *y = *(const struct vchain *const *)b;

	if (x->ci.base != y->ci.base)
		return x->ci.base ? -1 : 1;
	if (x->ci.base)
		return hook_order(x->ci.hook) - hook_order(y->ci.hook);
	return strcmp(x->ci.name, y->ci.name);
}

/* Every chain of the table that exists, in listing order (the caller
 * frees the array). */
static struct vchain **chains_in_listing_order(struct view *v, unsigned *n)
{
	struct vchain **out = xmalloc((v->nchains + 1) * sizeof(*out));
	unsigned i;

	*n = 0;
	for (i = 0; i < v->nchains; i++)
		if (v->chains[i].exists && !v->chains[i].hidden)
			out[(*n)++] = &v->chains[i];
	qsort(out, *n, sizeof(*out), cmp_listing);
	return out;
}

static int op_zero(struct view *v, struct command *cmd)
{
	struct vchain *c, **all;
	unsigned i, n;
	int err, ret = 0;

	if (cmd->chain) {
		c = view_chain(v, cmd->chain, &err);
		if (err < 0)
			return kernel_error(v->h, err);
		if (!c) {
			const struct builtin_chain *bc = table_find_chain(v->bt, cmd->chain);

			/* one rule of a chain that is not there is a rule not found */
			if (cmd->rulenum)
				return bad_rule(v->h);
			/* only -L -Z takes a built-in chain that is not there,
			 * and makes it as the reference does */
			if (!bc || !cmd->zero_after_list)
				return no_chain(v->h);
			view_create_builtin(v, bc, NF_ACCEPT, 0, 0);
			return 0;
		}
		return zero_chain(v, c, cmd->rulenum);
	}
	err = view_load_all_chains(v);
	if (err < 0)
		return kernel_error(v->h, err);
	/* -L -Z comes here only when the table exists (cmd_run): the
	 * reference makes the built-in chains it listed */
	if (cmd->zero_after_list)
		make_builtins(v, false);
	all = chains_in_listing_order(v, &n);
	for (i = 0; i < n && ret == 0; i++)
		ret = zero_chain(v, all[i], 0);
	free(all);
	return ret;
}

static int op_new_chain(struct view *v, struct command *cmd)
{
	int err;

	if (view_chain(v, cmd->chain, &err) || table_find_chain(v->bt, cmd->chain))
		return err_plain(&v->h->err, EXIT_OTHER, "Chain already exists.");
	if (err < 0)
		return kernel_error(v->h, err);
	view_create_user(v, cmd->chain);
	return 0;
}

/* May -X take this built-in chain? The reference refuses ("Directory not
 * empty") one whose policy, as it read it from the kernel, is not
 * ACCEPT, or that holds rules as far as it knows; if it does not know,
 * the kernel refuses a chain with rules. With read set (-X without a
 * chain, which passes over such chains) it finds out. 1: busy, 0: free,
 * -1: error set. */
static int builtin_busy(struct view *v, struct vchain *c, bool read)
{
	int err;

	if (c->in_kernel && c->kernel_policy != NF_ACCEPT)
		return 1;
	if (c->rules_known)
		return c->n > 0;
	if (c->added || !read)
		return c->added > 0;
	err = view_load_rules_until(v, c, 1, NULL, NULL);
	if (err < 0)
		return kernel_error(v->h, err);
	return c->n > 0;
}

static int op_delete_chain(struct view *v, struct command *cmd)
{
	struct vchain *c;
	unsigned i;
	int err, busy;

	if (cmd->chain) {
		c = view_chain(v, cmd->chain, &err);
		if (err < 0)
			return kernel_error(v->h, err);
		if (!c)
			return no_chain(v->h);
		if (c->ci.base) {
			/* a built-in chain goes without a word, as it came */
			if (builtin_busy(v, c, false))
				return err_plain(&v->h->err, EXIT_OTHER, "Directory not empty.");
			view_delete_chain(v, c);
			return 0;
		}
		if (v->verbose)
			printf("Deleting chain `%s'\n", c->ci.name);
		view_delete_chain(v, c);
		return 0;
	}
	err = view_load_all_chains(v);
	if (err < 0)
		return kernel_error(v->h, err);
	for (i = 0; i < v->nchains; i++) {
		c = &v->chains[i];
		if (!c->exists || c->hidden)
			continue;
		if (c->ci.base) {
			/* empty built-in chains with an ACCEPT policy go too */
			busy = builtin_busy(v, c, true);
			if (busy < 0)
				return -1;
			if (busy)
				continue;
		} else if (v->verbose) {
			printf("Deleting chain `%s'\n", c->ci.name);
		}
		view_delete_chain(v, c);
	}
	return 0;
}

static int op_rename(struct view *v, struct command *cmd)
{
	struct vchain *c;
	int err;

	if (view_chain(v, cmd->arg, &err) || table_find_chain(v->bt, cmd->arg))
		return err_plain(&v->h->err, EXIT_OTHER, "File exists.");
	if (err < 0)
		return kernel_error(v->h, err);
	c = view_chain(v, cmd->chain, &err);
	if (err < 0)
		return kernel_error(v->h, err);
	/* a built-in chain too: the reference renames it (and then no
	 * longer takes it for one) */
	if (!c)
		return no_chain(v->h);
	view_rename_chain(v, c, cmd->arg);
	return 0;
}

int cmd_set_policy(struct view *v, const char *chain, const char *target, uint64_t pkts,
		   uint64_t bytes)
{
	const struct builtin_chain *bc = table_find_chain(v->bt, chain);
	struct vchain *c;
	int policy = -1;
	int err;

	if (!target)
		policy = -1;	/* keep the policy, as restore's "-" does */
	else if (strcmp(target, "ACCEPT") == 0)
		policy = NF_ACCEPT;
	else if (strcmp(target, "DROP") == 0)
		policy = NF_DROP;
	else if (v->h->restore_prog)
		return err_plain(&v->h->err, EXIT_OTHER, "Bad policy name.");
	else
		return err_plain(&v->h->err, EXIT_OTHER,
				 "Bad policy name. Run `dmesg' for more information.");
	if (!bc)
		return err_plain(&v->h->err, EXIT_OTHER, "Bad built-in chain name.");
	c = view_chain(v, chain, &err);
	if (err < 0)
		return kernel_error(v->h, err);
	if (!c || not_builtin(bc, c)) {
		view_create_builtin(v, bc, policy < 0 ? NF_ACCEPT : (uint32_t)policy, pkts, bytes);
		return 0;
	}
	/* the reference's -P sets the counters too (to 0: its -c is ignored),
	 * which makes a chain that nft made count its policy's verdicts */
	txn_chain_update(v->b, v->family, v->table, chain, policy, true, pkts, bytes, v->tag);
	if (policy >= 0)
		c->ci.policy = (uint32_t)policy;
	return 0;
}

int cmd_build(struct view *v, struct command *cmd)
{
	unsigned i;

	if (v->verbose && (cmd->op == OP_APPEND || cmd->op == OP_INSERT ||
			   cmd->op == OP_DELETE || cmd->op == OP_REPLACE || cmd->op == OP_CHECK)) {
		struct strbuf sb;

		sb_init(&sb);
		for (i = 0; i < cmd->nrules; i++)
			print_rule_verbose(&sb, cmd->rules[i]);
		if (sb.len)
			fwrite(sb.buf, 1, sb.len, stdout);
		sb_free(&sb);
	}
	switch (cmd->op) {
	case OP_APPEND: return op_append(v, cmd);
	case OP_INSERT: return op_insert(v, cmd);
	case OP_DELETE: return op_delete(v, cmd);
	case OP_DELETE_NUM: return op_delete_num(v, cmd);
	case OP_REPLACE: return op_replace(v, cmd);
	case OP_CHECK: return op_check(v, cmd);
	case OP_FLUSH: return op_flush(v, cmd);
	case OP_ZERO: return op_zero(v, cmd);
	case OP_NEW_CHAIN: return op_new_chain(v, cmd);
	case OP_DELETE_CHAIN: return op_delete_chain(v, cmd);
	case OP_RENAME_CHAIN: return op_rename(v, cmd);
	case OP_POLICY:
		return cmd_set_policy(v, cmd->chain, cmd->arg, cmd->pkts, cmd->bytes);
	default: return 0;
	}
}

/* The name of the chain a failed message was about, for the reference's
 * " CHAIN_DEL failed (...): chain X" wording. */
int cmd_batch_error(struct handle *h, enum cmd_op op, uint8_t msg, const char *chain, int err)
{
	/* a built-in chain that a command makes as it goes, refused where a
	 * base chain of that name in another shape is in the way */
	if (msg == NFT_MSG_NEWCHAIN && op != OP_NEW_CHAIN && op != OP_RENAME_CHAIN)
		return err_versioned(&h->err, EXIT_RESOURCE, " %s failed (%s): chain %s",
				     op == OP_ZERO ? "CHAIN_ZERO" : "CHAIN_ADD", strerror(-err),
				     chain ? chain : "");
	switch (op) {
	case OP_DELETE_CHAIN:
		if (err == -EBUSY || err == -ENOTEMPTY)
			return err_versioned(&h->err, EXIT_RESOURCE,
					     " CHAIN_DEL failed (%s): chain %s",
					     strerror(-err), chain ? chain : "");
		break;
	case OP_NEW_CHAIN:
	case OP_RENAME_CHAIN:
		/* a chain the view saw is refused before: this one is a base
		 * chain iptables did not make */
		if (err == -EEXIST)
			return err_versioned(&h->err, EXIT_RESOURCE, " %s failed (%s): chain %s",
					     op == OP_NEW_CHAIN ? "CHAIN_USER_ADD" : "CHAIN_RENAME",
					     strerror(-err), chain ? chain : "");
		break;
	case OP_APPEND:
	case OP_INSERT:
	case OP_REPLACE:
	case OP_DELETE:
	case OP_DELETE_NUM:
		return err_versioned(&h->err, EXIT_RESOURCE, " %s failed (%s): rule in chain %s",
				     op == OP_APPEND ? "RULE_APPEND" :
				     op == OP_INSERT ? "RULE_INSERT" :
				     op == OP_REPLACE ? "RULE_REPLACE" : "RULE_DELETE",
				     strerror(-err), chain ? chain : "");
	default:
		break;
	}
	return err_plain(&h->err, EXIT_OTHER, "%s", err_kernel_text(-err, op));
}

bool cmd_refusal_cut(uint32_t msg_len)
{
	return (long)(msg_len + sizeof(struct nlmsghdr) + sizeof(int)) > MNL_SOCKET_BUFFER_SIZE;
}

int cmd_no_space(struct handle *h)
{
	return err_plain(&h->err, EXIT_OTHER, "%s.", strerror(ENOSPC));
}

const char *cmd_failed_chain(const struct view *v, const struct batch *b)
{
	if (b->fail_type == NFT_MSG_NEWCHAIN && v->refused_chain)
		return v->refused_chain;
	if (b->fail_type == NFT_MSG_DELCHAIN)
		return view_deleted_chain(v, b->fail_seq);
	return NULL;
}

/* Which chain a refused message was about: the command's, or the one a
 * command without a chain (-X, -v -F, -L -Z) made or deleted. */
static const char *failed_chain(struct view *v, struct command *cmd, const struct batch *b)
{
	if (cmd->op == OP_RENAME_CHAIN)
		return cmd->arg;	/* the kernel had a (hidden) chain of that name */
	if (cmd->chain)
		return cmd->chain;
	return cmd_failed_chain(v, b);
}

/* What run_modify's transaction needs, and what a refusal leaves. */
struct modify {
	struct command *cmd;
	bool too_big;
	char chain[NFT_CHAIN_MAXNAMELEN];	/* the refused chain, if known */
	uint32_t fail_len;
	uint8_t msg;
};

static int modify_build(struct view *v, void *arg, unsigned attempt, uint32_t genid)
{
	struct modify *m = arg;
	struct handle *h = v->h;
	v->verbose = (m->cmd->fmt & FMT_VERBOSE) && attempt == 0;
	if (!h->compat)
		v->ri = rindex_open(handle_index(h), v->b, h->family, m->cmd->table, genid);
	m->too_big = false;
	if (cmd_build(v, m->cmd) < 0)
		return -1;
	if (v->too_big) {
		m->too_big = true;
		return cmd_no_space(h);
	}
	return 0;
}

static void modify_refused(struct view *v, const struct batch *b, int err, int tag, void *arg)
{
	struct modify *m = arg;
	const char *failed = failed_chain(v, m->cmd, b);

	(void)err;
	(void)tag;
	snprintf(m->chain, sizeof(m->chain), "%s", failed ? failed : "");
	m->fail_len = b->fail_len;
	m->msg = b->fail_type;
}

static int run_modify(struct handle *h, struct command *cmd)
{
	static const struct commit_ops ops = { .build = modify_build, .refused = modify_refused };
	struct modify m = { .cmd = cmd };
	int kerr;

	if (commit_run(h, cmd->table, false, &ops, &m, &kerr) == 0)
		return 0;
	if (!kerr)
		return -1;
	if (cmd_refusal_cut(m.fail_len))
		return cmd_no_space(h);
	return cmd_batch_error(h, cmd->op, m.msg, kerr == -ERESTART ? NULL : m.chain, kerr);
}

static int check_table(struct handle *h, struct command *cmd)
{
	if (table_find(cmd->table))
		return 0;
	return err_raw(&h->err, 3,
		       "%s v%s (nf_tables): table '%s' does not exist\n"
		       "Perhaps %s or your kernel needs to be upgraded.\n",
		       h->prog, IPTABLES_COMPAT_VERSION, cmd->table, h->prog);
}

bool compat_from_env(void)
{
	const char *e = getenv("IPTNFT_COMPAT");

	return e && *e && strcmp(e, "0") != 0;
}

int cmd_run(struct handle *h, struct command *cmd)
{
	int ret;

	if (check_table(h, cmd) < 0)
		return -1;
	if (handle_netlink(h) < 0)
		return -1;
	switch (cmd->op) {
	case OP_LIST:
	case OP_LIST_RULES:
		ret = list_run(h, cmd);
		if (ret == 0 && cmd->zero_after_list) {
			const struct builtin_table *bt = table_find(cmd->table);
			int t = cache_get_table(&h->nl, h->family, cmd->table);

			/* with -v the reference names each chain as it zeroes
			 * it */
			if (cmd->chain && (cmd->fmt & FMT_VERBOSE)) {
				printf("Zeroing chain `%s'\n", cmd->chain);
			} else if (cmd->fmt & FMT_VERBOSE) {
				struct chain_list cl;
				unsigned i;

				if (list_chains_ordered(h, cmd->table, bt, &cl) == 0) {
					for (i = 0; i < cl.n; i++)
						printf("Zeroing chain `%s'\n", cl.v[i].name);
					chain_list_free(&cl);
				}
			}
			/* and of a table that is not there, the first fails */
			if (t == -ENOENT)
				return err_versioned(&h->err, EXIT_RESOURCE,
						     " CHAIN_ZERO failed (No such file or directory): chain %s",
						     cmd->chain ? cmd->chain :
						     bt ? bt->chains[0].name : "");
			fflush(stdout);
			cmd->op = OP_ZERO;
			cmd->fmt &= ~(unsigned)FMT_VERBOSE;
			cmd->rulenum = 0;
			ret = run_modify(h, cmd);
		}
		return ret;
	default:
		return run_modify(h, cmd);
	}
}
