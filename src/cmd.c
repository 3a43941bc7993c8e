/* Executing commands. Each command is applied to a view of its table
 * (view.c), which queues the batch messages and reads from the kernel
 * only what the command needs. iptables runs one command per batch;
 * restore runs many. */
#include "cmd.h"

#include <config.h>
#include <errno.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "ext.h"
#include "list.h"
#include "print.h"
#include "table.h"
#include "txn.h"
#include "view.h"

#define MAX_RETRIES 1000

static int genid_error(struct handle *h, int err)
{
	return err_versioned(&h->err, EXIT_RESOURCE, "Could not fetch rule set generation id: %s",
			     err == -EPERM || err == -EACCES ?
			     "Permission denied (you must be root)" : strerror(-err));
}

int handle_netlink(struct handle *h)
{
	uint32_t genid;
	int ret;

	if (h->nl_open)
		return 0;
	ret = nlk_open(&h->nl);
	if (ret < 0)
		return genid_error(h, ret);
	h->nl_open = true;
	/* the reference asks for the generation first; an unprivileged
	 * caller learns here that it must be root */
	ret = nlk_genid(&h->nl, &genid);
	if (ret < 0)
		return genid_error(h, ret);
	return 0;
}

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

static bool rules_equal(const struct rule *a, const struct rule *b)
{
	struct strbuf sa, sb;
	bool eq;

	if (a->unknown || b->unknown)
		return false;
	sb_init(&sa);
	sb_init(&sb);
	print_rule_spec(&sa, a, false);
	print_rule_spec(&sb, b, false);
	eq = strcmp(sa.buf ? sa.buf : "", sb.buf ? sb.buf : "") == 0;
	sb_free(&sa);
	sb_free(&sb);
	return eq;
}

static int find_rule(const struct vchain *c, const struct rule *spec)
{
	unsigned i;

	for (i = 0; i < c->n; i++)
		if (rules_equal(c->rules[i].r, spec))
			return (int)i;
	return -1;
}

/* The command's chain, existing; a missing built-in chain is created
 * when create is set. NULL with the error set otherwise. */
static struct vchain *need_chain(struct view *v, const char *name, bool create)
{
	const struct builtin_chain *bc = table_find_chain(v->bt, name);
	struct vchain *c;
	int err;

	c = view_chain(v, name, &err);
	if (c)
		return c;
	if (err < 0) {
		kernel_error(v->h, err);
		return NULL;
	}
	if (!bc || !create) {
		no_chain(v->h);
		return NULL;
	}
	return view_create_builtin(v, bc, NF_ACCEPT, false, 0, 0);
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
	c = view_chain(v, r->chain, &err);
	if (err < 0)
		return kernel_error(v->h, err);
	if (!c || c->ci.base)
		return err_param(&v->h->err, "Chain '%s' does not exist", r->chain);
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
	struct vchain *c;
	int err;

	if (check_targets(v, cmd) < 0)
		return -1;
	c = need_chain(v, cmd->chain, true);
	if (!c)
		return -1;
	if (pos > 0) {
		err = view_load_rules(v, c);
		if (err < 0)
			return kernel_error(v->h, err);
		if (pos > c->n)
			return err_plain(&v->h->err, EXIT_OTHER, "Index of insertion too big.");
	}
	for (i = 0; i < cmd->nrules; i++)
		view_add_rule(v, c, cmd->rules[i], pos, false);
	return 0;
}

static int op_delete(struct view *v, struct command *cmd)
{
	struct vchain *c = need_chain_rules(v, cmd->chain);
	unsigned i;
	int idx;

	if (!c)
		return -1;
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
	struct vchain *c = need_chain_rules(v, cmd->chain);

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
	c = need_chain_rules(v, cmd->chain);
	if (!c)
		return -1;
	if (cmd->rulenum > c->n)
		return err_plain(&v->h->err, EXIT_OTHER, "Index of replacement too big.");
	view_replace_rule(v, c, cmd->rulenum - 1, cmd->rules[0]);
	return 0;
}

static int op_check(struct view *v, struct command *cmd)
{
	struct vchain *c = need_chain_rules(v, cmd->chain);
	unsigned i;

	if (!c)
		return -1;
	for (i = 0; i < cmd->nrules; i++)
		if (find_rule(c, cmd->rules[i]) < 0)
			return bad_rule(v->h);
	return 0;
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
		if (!c)
			return table_find_chain(v->bt, cmd->chain) ? 0 : no_chain(v->h);
		view_flush_chain(v, c);
		return 0;
	}
	err = view_load_all_chains(v);
	if (err < 0)
		return kernel_error(v->h, err);
	if (v->table_state < 0)
		return 0;
	txn_flush(v->b, v->family, v->table, NULL, v->tag);
	for (i = 0; i < v->nchains; i++) {
		if (!v->chains[i].exists)
			continue;
		v->chains[i].n = 0;
		v->chains[i].rules_known = true;
		v->chains[i].fresh = true;
	}
	return 0;
}

struct zero_walk {
	struct batch *b;
	unsigned want;		/* 0: all */
	unsigned seen;
	int tag;
};

static int zero_one(struct nftnl_rule *nr, void *data)
{
	struct zero_walk *z = data;

	z->seen++;
	if (!z->want || z->want == z->seen)
		txn_zero_rule(z->b, nr, z->tag);
	return 0;
}

static int zero_chain(struct view *v, const struct vchain *c, unsigned rulenum)
{
	struct zero_walk z = { v->b, rulenum, 0, v->tag };
	int ret;

	if (c->ci.base && !rulenum)
		txn_chain_update(v->b, v->family, v->table, c->ci.name, -1, true, 0, 0, v->tag);
	if (c->fresh)
		return 0;
	ret = cache_dump_rules(&v->h->nl, v->family, v->table, c->ci.name, zero_one, &z);
	if (ret < 0 && ret != -ENOENT)
		return kernel_error(v->h, ret);
	if (rulenum && z.seen < rulenum)
		return err_plain(&v->h->err, EXIT_OTHER, "Index of deletion too big.");
	return 0;
}

static int op_zero(struct view *v, struct command *cmd)
{
	struct vchain *c;
	unsigned i;
	int err;

	if (cmd->chain) {
		c = view_chain(v, cmd->chain, &err);
		if (err < 0)
			return kernel_error(v->h, err);
		if (!c)
			return table_find_chain(v->bt, cmd->chain) && !cmd->rulenum ?
			       0 : no_chain(v->h);
		return zero_chain(v, c, cmd->rulenum);
	}
	err = view_load_all_chains(v);
	if (err < 0)
		return kernel_error(v->h, err);
	for (i = 0; i < v->nchains; i++)
		if (v->chains[i].exists && zero_chain(v, &v->chains[i], 0) < 0)
			return -1;
	return 0;
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

static int op_delete_chain(struct view *v, struct command *cmd)
{
	struct vchain *c;
	unsigned i;
	int err;

	if (cmd->chain) {
		c = view_chain(v, cmd->chain, &err);
		if (err < 0)
			return kernel_error(v->h, err);
		if (!c || c->ci.base)
			return no_chain(v->h);
		view_delete_chain(v, c);
		return 0;
	}
	err = view_load_all_chains(v);
	if (err < 0)
		return kernel_error(v->h, err);
	for (i = 0; i < v->nchains; i++)
		if (v->chains[i].exists && !v->chains[i].ci.base)
			view_delete_chain(v, &v->chains[i]);
	return 0;
}

static int op_rename(struct view *v, struct command *cmd)
{
	struct vchain *c;
	int err;

	if (view_chain(v, cmd->arg, &err))
		return err_plain(&v->h->err, EXIT_OTHER, "File exists.");
	if (err < 0)
		return kernel_error(v->h, err);
	c = view_chain(v, cmd->chain, &err);
	if (err < 0)
		return kernel_error(v->h, err);
	if (!c || c->ci.base)
		return no_chain(v->h);
	view_rename_chain(v, c, cmd->arg);
	return 0;
}

int cmd_set_policy(struct view *v, const char *chain, const char *target, bool counters,
		   uint64_t pkts, uint64_t bytes)
{
	const struct builtin_chain *bc = table_find_chain(v->bt, chain);
	struct vchain *c;
	uint32_t policy;
	int err;

	if (strcmp(target, "ACCEPT") == 0)
		policy = NF_ACCEPT;
	else if (strcmp(target, "DROP") == 0)
		policy = NF_DROP;
	else
		return err_plain(&v->h->err, EXIT_OTHER, "Bad policy name.");
	if (!bc)
		return err_plain(&v->h->err, EXIT_OTHER, "Bad built-in chain name.");
	c = view_chain(v, chain, &err);
	if (err < 0)
		return kernel_error(v->h, err);
	if (!c) {
		view_create_builtin(v, bc, policy, counters, pkts, bytes);
		return 0;
	}
	txn_chain_update(v->b, v->family, v->table, chain, (int)policy, counters, pkts, bytes,
			 v->tag);
	c->ci.policy = policy;
	return 0;
}

int cmd_build(struct view *v, struct command *cmd)
{
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
		return cmd_set_policy(v, cmd->chain, cmd->arg, cmd->counters_given, cmd->pkts,
				      cmd->bytes);
	default: return 0;
	}
}

/* The name of the chain a failed message was about, for the reference's
 * " CHAIN_DEL failed (...): chain X" wording. */
int cmd_batch_error(struct handle *h, enum cmd_op op, const char *chain, int err)
{
	switch (op) {
	case OP_DELETE_CHAIN:
		if (err == -EBUSY || err == -ENOTEMPTY)
			return err_versioned(&h->err, EXIT_RESOURCE,
					     " CHAIN_DEL failed (%s): chain %s",
					     strerror(-err), chain ? chain : "");
		break;
	case OP_NEW_CHAIN:
		if (err == -EEXIST)
			return err_plain(&h->err, EXIT_OTHER, "Chain already exists.");
		break;
	case OP_APPEND:
	case OP_INSERT:
	case OP_REPLACE:
		if (err == -ENOENT)
			return no_chain(h);
		break;
	default:
		break;
	}
	return err_plain(&h->err, EXIT_OTHER, "%s", err_kernel_text(-err, op));
}

/* Which chain message number tag refers to when -X without a name fails. */
static const char *failed_chain(struct view *v, struct command *cmd, int tag)
{
	(void)v;
	(void)tag;
	return cmd->chain;
}

static int run_modify(struct handle *h, struct command *cmd)
{
	struct batch b;
	struct view v;
	int attempt, ret = 0, tag;
	const char *chain = NULL;
	uint32_t genid;

	for (attempt = 0; attempt < MAX_RETRIES; attempt++) {
		ret = nlk_genid(&h->nl, &genid);
		if (ret < 0)
			return genid_error(h, ret);
		batch_init(&b, &h->nl);
		view_init(&v, h, &b, cmd->table);
		if (cmd_build(&v, cmd) < 0) {
			view_free(&v);
			batch_free(&b);
			return -1;
		}
		ret = batch_commit(&h->nl, &b, genid, &tag);
		if (ret < 0 && ret != -ERESTART)
			chain = failed_chain(&v, cmd, tag);
		view_free(&v);
		batch_free(&b);
		if (ret != -ERESTART)
			break;
	}
	if (ret < 0)
		return cmd_batch_error(h, cmd->op, chain, ret);
	return 0;
}

static int check_table(struct handle *h, struct command *cmd)
{
	if (table_find(cmd->table))
		return 0;
	return err_raw(&h->err, 3,
		       "%s v%s (nf_tables): can't initialize %s table `%s': Table does not exist (do you need to insmod?)\n"
		       "Perhaps %s or your kernel needs to be upgraded.\n",
		       h->prog, IPTABLES_COMPAT_VERSION, h->prog, cmd->table, h->prog);
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
			cmd->op = OP_ZERO;
			ret = run_modify(h, cmd);
		}
		return ret;
	default:
		return run_modify(h, cmd);
	}
}
