/* Executing commands: read what the command needs, build one batch,
 * commit it under the generation it was read at, retry on a race. */
#include "cmd.h"

#include <config.h>

#include <stdio.h>
#include <errno.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "ext.h"
#include "list.h"
#include "print.h"
#include "table.h"
#include "txn.h"

#define MAX_RETRIES 1000

int handle_netlink(struct handle *h)
{
	int ret;

	if (h->nl_open)
		return 0;
	ret = nlk_open(&h->nl);
	if (ret < 0)
		return err_versioned(&h->err, EXIT_RESOURCE,
				     "Could not fetch rule set generation id: %s",
				     err_kernel_text(-ret, OP_NONE));
	h->nl_open = true;
	return 0;
}

/* ---- reading one chain ---- */

struct chain_rules {
	uint8_t family;
	struct rule **v;
	unsigned n, cap;
	bool keep_nftnl;
	struct nftnl_rule **raw;	/* with keep_nftnl */
};

static int collect_rule(struct nftnl_rule *nr, void *data)
{
	struct chain_rules *cr = data;
	struct rule *r = rule_new(cr->family);

	rule_delinearize(nr, r);
	if (cr->n == cr->cap) {
		cr->cap = cr->cap ? cr->cap * 2 : 32;
		cr->v = xrealloc(cr->v, cr->cap * sizeof(*cr->v));
	}
	cr->v[cr->n++] = r;
	return 0;
}

static void chain_rules_free(struct chain_rules *cr)
{
	unsigned i;

	for (i = 0; i < cr->n; i++)
		rule_free(cr->v[i]);
	free(cr->v);
	memset(cr, 0, sizeof(*cr));
}

static int read_chain(struct handle *h, const char *table, const char *chain,
		      struct chain_rules *cr)
{
	memset(cr, 0, sizeof(*cr));
	cr->family = h->family;
	return cache_dump_rules(&h->nl, h->family, table, chain, collect_rule, cr);
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

static int find_rule(const struct chain_rules *cr, const struct rule *spec)
{
	unsigned i;

	for (i = 0; i < cr->n; i++)
		if (rules_equal(cr->v[i], spec))
			return (int)i;
	return -1;
}

/* ---- the commands ---- */

struct exec {
	struct handle *h;
	struct command *cmd;
	struct batch b;
	const struct builtin_table *bt;
};

static int no_chain(struct exec *x)
{
	return err_plain(&x->h->err, EXIT_OTHER, "No chain/target/match by that name.");
}

/* Look the command's chain up; create a missing built-in one (and its
 * table) in the batch. Returns 0, or -1 with the error set. */
static int need_chain(struct exec *x, const char *chain, struct chain_info *ci, bool create)
{
	const struct builtin_chain *bc = table_find_chain(x->bt, chain);
	int ret = cache_get_chain(&x->h->nl, x->h->family, x->cmd->table, chain, ci);

	if (ret == 0)
		return 0;
	if (ret != -ENOENT)
		return err_versioned(&x->h->err, EXIT_RESOURCE, "%s", err_kernel_text(-ret, OP_NONE));
	if (!bc || !create)
		return no_chain(x);
	txn_add_table(&x->b, x->h->family, x->cmd->table, 0);
	txn_add_builtin_chain(&x->b, x->h->family, x->cmd->table, bc, NF_ACCEPT, false, 0, 0, 0);
	memset(ci, 0, sizeof(*ci));
	return 0;
}

static int check_jump_target(struct exec *x, const struct rule *r)
{
	struct chain_info ci;
	int ret;

	if (r->verdict != VERDICT_JUMP && r->verdict != VERDICT_GOTO)
		return 0;
	ret = cache_get_chain(&x->h->nl, x->h->family, x->cmd->table, r->chain, &ci);
	if (ret == -ENOENT || (ret == 0 && ci.base))
		return err_param(&x->h->err, "Chain '%s' does not exist", r->chain);
	if (ret < 0)
		return err_versioned(&x->h->err, EXIT_RESOURCE, "%s", err_kernel_text(-ret, OP_NONE));
	return 0;
}

static int op_append(struct exec *x)
{
	struct chain_info ci;
	unsigned i;

	for (i = 0; i < x->cmd->nrules; i++)
		if (check_jump_target(x, x->cmd->rules[i]) < 0)
			return -1;
	if (need_chain(x, x->cmd->chain, &ci, true) < 0)
		return -1;
	for (i = 0; i < x->cmd->nrules; i++)
		txn_add_rule(&x->b, x->cmd->rules[i], x->cmd->table, x->cmd->chain, true, 0, 0, 0);
	return 0;
}

static int op_insert(struct exec *x)
{
	struct chain_rules cr = { 0 };
	struct chain_info ci;
	uint64_t pos = 0;
	bool append = false;
	unsigned i;
	int ret;

	for (i = 0; i < x->cmd->nrules; i++)
		if (check_jump_target(x, x->cmd->rules[i]) < 0)
			return -1;
	if (need_chain(x, x->cmd->chain, &ci, true) < 0)
		return -1;
	if (x->cmd->rulenum > 1) {
		ret = read_chain(x->h, x->cmd->table, x->cmd->chain, &cr);
		if (ret < 0 && ret != -ENOENT)
			return err_versioned(&x->h->err, EXIT_RESOURCE, "%s",
					     err_kernel_text(-ret, OP_NONE));
		if (x->cmd->rulenum > cr.n + 1) {
			chain_rules_free(&cr);
			return err_plain(&x->h->err, EXIT_OTHER, "Index of insertion too big.");
		}
		if (x->cmd->rulenum == cr.n + 1) {
			append = true;
			if (cr.n)
				pos = cr.v[cr.n - 1]->handle;
		} else {
			pos = cr.v[x->cmd->rulenum - 1]->handle;
		}
		chain_rules_free(&cr);
	}
	/* the reference inserts each expanded rule at the same number, so
	 * the last one given ends up first */
	for (i = 0; i < x->cmd->nrules; i++)
		txn_add_rule(&x->b, x->cmd->rules[i], x->cmd->table, x->cmd->chain, append,
			     pos, 0, 0);
	return 0;
}

static int read_existing_chain(struct exec *x, struct chain_rules *cr)
{
	struct chain_info ci;
	int ret = cache_get_chain(&x->h->nl, x->h->family, x->cmd->table, x->cmd->chain, &ci);

	if (ret == -ENOENT)
		return no_chain(x);
	if (ret == 0)
		ret = read_chain(x->h, x->cmd->table, x->cmd->chain, cr);
	if (ret < 0)
		return err_versioned(&x->h->err, EXIT_RESOURCE, "%s", err_kernel_text(-ret, OP_NONE));
	return 0;
}

static int op_delete(struct exec *x)
{
	struct chain_rules cr;
	bool *taken;
	unsigned i;
	int idx;

	if (read_existing_chain(x, &cr) < 0)
		return -1;
	taken = xzalloc(cr.n + 1);
	for (i = 0; i < x->cmd->nrules; i++) {
		idx = find_rule(&cr, x->cmd->rules[i]);
		while (idx >= 0 && taken[idx]) {
			unsigned j;

			for (j = (unsigned)idx + 1, idx = -1; j < cr.n; j++)
				if (!taken[j] && rules_equal(cr.v[j], x->cmd->rules[i])) {
					idx = (int)j;
					break;
				}
		}
		if (idx < 0) {
			free(taken);
			chain_rules_free(&cr);
			return err_plain(&x->h->err, EXIT_OTHER,
					 "Bad rule (does a matching rule exist in that chain?).");
		}
		taken[idx] = true;
		txn_del_rule(&x->b, x->h->family, x->cmd->table, x->cmd->chain,
			     cr.v[idx]->handle, 0);
	}
	free(taken);
	chain_rules_free(&cr);
	return 0;
}

static int op_delete_num(struct exec *x)
{
	struct chain_rules cr;

	if (read_existing_chain(x, &cr) < 0)
		return -1;
	if (x->cmd->rulenum > cr.n) {
		chain_rules_free(&cr);
		return err_plain(&x->h->err, EXIT_OTHER, "Index of deletion too big.");
	}
	txn_del_rule(&x->b, x->h->family, x->cmd->table, x->cmd->chain,
		     cr.v[x->cmd->rulenum - 1]->handle, 0);
	chain_rules_free(&cr);
	return 0;
}

static int op_replace(struct exec *x)
{
	struct chain_rules cr;

	if (x->cmd->nrules != 1)
		return err_param(&x->h->err, "-R requires a single source and destination");
	if (check_jump_target(x, x->cmd->rules[0]) < 0)
		return -1;
	if (read_existing_chain(x, &cr) < 0)
		return -1;
	if (x->cmd->rulenum > cr.n) {
		chain_rules_free(&cr);
		return err_plain(&x->h->err, EXIT_OTHER, "Index of replacement too big.");
	}
	txn_add_rule(&x->b, x->cmd->rules[0], x->cmd->table, x->cmd->chain, false, 0,
		     cr.v[x->cmd->rulenum - 1]->handle, 0);
	chain_rules_free(&cr);
	return 0;
}

static int op_check(struct exec *x)
{
	struct chain_rules cr;
	unsigned i;

	if (read_existing_chain(x, &cr) < 0)
		return -1;
	for (i = 0; i < x->cmd->nrules; i++) {
		if (find_rule(&cr, x->cmd->rules[i]) < 0) {
			chain_rules_free(&cr);
			return err_plain(&x->h->err, EXIT_OTHER,
					 "Bad rule (does a matching rule exist in that chain?).");
		}
	}
	chain_rules_free(&cr);
	return 0;
}

static int op_flush(struct exec *x)
{
	struct chain_info ci;
	int ret;

	if (x->cmd->chain) {
		ret = cache_get_chain(&x->h->nl, x->h->family, x->cmd->table, x->cmd->chain, &ci);
		if (ret == -ENOENT) {
			if (table_find_chain(x->bt, x->cmd->chain))
				return 0;
			return no_chain(x);
		}
		if (ret < 0)
			return err_versioned(&x->h->err, EXIT_RESOURCE, "%s",
					     err_kernel_text(-ret, OP_NONE));
	} else if (cache_get_table(&x->h->nl, x->h->family, x->cmd->table) < 0) {
		return 0;
	}
	txn_flush(&x->b, x->h->family, x->cmd->table, x->cmd->chain, 0);
	return 0;
}

struct zero_walk {
	struct batch *b;
	unsigned want;		/* 0: all */
	unsigned seen;
};

static int zero_one(struct nftnl_rule *nr, void *data)
{
	struct zero_walk *z = data;

	z->seen++;
	if (!z->want || z->want == z->seen)
		txn_zero_rule(z->b, nr, 0);
	return 0;
}

static int zero_chain(struct exec *x, const struct chain_info *ci, unsigned rulenum)
{
	struct zero_walk z = { &x->b, rulenum, 0 };
	int ret;

	if (ci->base && !rulenum)
		txn_chain_update(&x->b, x->h->family, x->cmd->table, ci->name, -1, true, 0, 0, 0);
	ret = cache_dump_rules(&x->h->nl, x->h->family, x->cmd->table, ci->name, zero_one, &z);
	if (ret < 0)
		return err_versioned(&x->h->err, EXIT_RESOURCE, "%s", err_kernel_text(-ret, OP_NONE));
	if (rulenum && z.seen < rulenum)
		return err_plain(&x->h->err, EXIT_OTHER, "Index of deletion too big.");
	return 0;
}

static int op_zero(struct exec *x)
{
	struct chain_list cl;
	struct chain_info ci;
	unsigned i;
	int ret;

	if (x->cmd->chain) {
		ret = cache_get_chain(&x->h->nl, x->h->family, x->cmd->table, x->cmd->chain, &ci);
		if (ret == -ENOENT) {
			if (table_find_chain(x->bt, x->cmd->chain) && !x->cmd->rulenum)
				return 0;
			return no_chain(x);
		}
		if (ret < 0)
			return err_versioned(&x->h->err, EXIT_RESOURCE, "%s",
					     err_kernel_text(-ret, OP_NONE));
		return zero_chain(x, &ci, x->cmd->rulenum);
	}
	ret = cache_list_chains(&x->h->nl, x->h->family, x->cmd->table, &cl);
	if (ret == -ENOENT)
		return 0;
	for (i = 0; ret == 0 && i < cl.n; i++)
		ret = zero_chain(x, &cl.v[i], 0);
	chain_list_free(&cl);
	return ret < 0 ? -1 : 0;
}

static int op_new_chain(struct exec *x)
{
	struct chain_info ci;

	if (cache_get_chain(&x->h->nl, x->h->family, x->cmd->table, x->cmd->chain, &ci) == 0 ||
	    table_find_chain(x->bt, x->cmd->chain))
		return err_plain(&x->h->err, EXIT_OTHER, "Chain already exists.");
	txn_add_table(&x->b, x->h->family, x->cmd->table, 0);
	txn_add_user_chain(&x->b, x->h->family, x->cmd->table, x->cmd->chain, true, 0);
	return 0;
}

static int op_delete_chain(struct exec *x)
{
	struct chain_list cl;
	struct chain_info ci;
	unsigned i;
	int ret;

	if (x->cmd->chain) {
		ret = cache_get_chain(&x->h->nl, x->h->family, x->cmd->table, x->cmd->chain, &ci);
		if (ret == -ENOENT)
			return no_chain(x);
		if (ret < 0)
			return err_versioned(&x->h->err, EXIT_RESOURCE, "%s",
					     err_kernel_text(-ret, OP_NONE));
		txn_del_chain(&x->b, x->h->family, x->cmd->table, x->cmd->chain, 0);
		return 0;
	}
	ret = cache_list_chains(&x->h->nl, x->h->family, x->cmd->table, &cl);
	if (ret == -ENOENT)
		return 0;
	for (i = 0; i < cl.n; i++) {
		if (cl.v[i].base)
			continue;
		/* emptied first: -X without a name removes every user chain */
		txn_flush(&x->b, x->h->family, x->cmd->table, cl.v[i].name, 0);
	}
	for (i = 0; i < cl.n; i++)
		if (!cl.v[i].base)
			txn_del_chain(&x->b, x->h->family, x->cmd->table, cl.v[i].name, 0);
	chain_list_free(&cl);
	return 0;
}

static int op_rename(struct exec *x)
{
	struct chain_info ci, other;
	struct nftnl_chain *c;
	struct nlmsghdr *nlh;
	int ret;

	ret = cache_get_chain(&x->h->nl, x->h->family, x->cmd->table, x->cmd->chain, &ci);
	if (ret == -ENOENT)
		return no_chain(x);
	if (ret < 0)
		return err_versioned(&x->h->err, EXIT_RESOURCE, "%s", err_kernel_text(-ret, OP_NONE));
	if (cache_get_chain(&x->h->nl, x->h->family, x->cmd->table, x->cmd->arg, &other) == 0)
		return err_plain(&x->h->err, EXIT_OTHER, "File exists.");
	c = nftnl_chain_alloc();
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, x->cmd->table);
	nftnl_chain_set_u64(c, NFTNL_CHAIN_HANDLE, ci.handle);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, x->cmd->arg);
	nlh = batch_msg(&x->b, NFT_MSG_NEWCHAIN, x->h->family, 0, 0);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	batch_done(&x->b);
	nftnl_chain_free(c);
	return 0;
}

static int op_policy(struct exec *x)
{
	const struct builtin_chain *bc = table_find_chain(x->bt, x->cmd->chain);
	struct chain_info ci;
	uint32_t policy;
	int ret;

	if (strcmp(x->cmd->arg, "ACCEPT") == 0)
		policy = NF_ACCEPT;
	else if (strcmp(x->cmd->arg, "DROP") == 0)
		policy = NF_DROP;
	else
		return err_plain(&x->h->err, EXIT_OTHER, "Bad policy name.");
	if (!bc)
		return err_plain(&x->h->err, EXIT_OTHER, "Bad built-in chain name.");
	ret = cache_get_chain(&x->h->nl, x->h->family, x->cmd->table, x->cmd->chain, &ci);
	if (ret == -ENOENT) {
		txn_add_table(&x->b, x->h->family, x->cmd->table, 0);
		txn_add_builtin_chain(&x->b, x->h->family, x->cmd->table, bc, policy,
				      x->cmd->counters_given, x->cmd->pkts, x->cmd->bytes, 0);
		return 0;
	}
	if (ret < 0)
		return err_versioned(&x->h->err, EXIT_RESOURCE, "%s", err_kernel_text(-ret, OP_NONE));
	txn_chain_update(&x->b, x->h->family, x->cmd->table, x->cmd->chain, (int)policy,
			 x->cmd->counters_given, x->cmd->pkts, x->cmd->bytes, 0);
	return 0;
}

static int build(struct exec *x)
{
	switch (x->cmd->op) {
	case OP_APPEND: return op_append(x);
	case OP_INSERT: return op_insert(x);
	case OP_DELETE: return op_delete(x);
	case OP_DELETE_NUM: return op_delete_num(x);
	case OP_REPLACE: return op_replace(x);
	case OP_CHECK: return op_check(x);
	case OP_FLUSH: return op_flush(x);
	case OP_ZERO: return op_zero(x);
	case OP_NEW_CHAIN: return op_new_chain(x);
	case OP_DELETE_CHAIN: return op_delete_chain(x);
	case OP_RENAME_CHAIN: return op_rename(x);
	case OP_POLICY: return op_policy(x);
	default: return 0;
	}
}

/* What the reference says when the kernel refuses the batch. */
static int batch_error(struct exec *x, int err)
{
	const char *cmd = x->cmd->chain;

	switch (x->cmd->op) {
	case OP_DELETE_CHAIN:
		if (err == -EBUSY || err == -ENOTEMPTY)
			return err_versioned(&x->h->err, EXIT_RESOURCE,
					     " CHAIN_DEL failed (%s): chain %s",
					     strerror(-err), cmd ? cmd : "");
		break;
	case OP_NEW_CHAIN:
		if (err == -EEXIST)
			return err_plain(&x->h->err, EXIT_OTHER, "Chain already exists.");
		break;
	case OP_APPEND:
	case OP_INSERT:
	case OP_REPLACE:
		if (err == -ENOENT)
			return no_chain(x);
		break;
	default:
		break;
	}
	return err_plain(&x->h->err, EXIT_OTHER, "%s", err_kernel_text(-err, x->cmd->op));
}

static int run_modify(struct handle *h, struct command *cmd)
{
	struct exec x = { .h = h, .cmd = cmd };
	int attempt, ret = 0, tag;
	uint32_t genid;

	x.bt = table_find(cmd->table);
	for (attempt = 0; attempt < MAX_RETRIES; attempt++) {
		ret = nlk_genid(&h->nl, &genid);
		if (ret < 0)
			return err_versioned(&h->err, EXIT_RESOURCE,
					     "Could not fetch rule set generation id: %s",
					     err_kernel_text(-ret, OP_NONE));
		batch_init(&x.b, &h->nl);
		if (build(&x) < 0) {
			batch_free(&x.b);
			return -1;
		}
		ret = batch_commit(&h->nl, &x.b, genid, &tag);
		batch_free(&x.b);
		if (ret != -ERESTART)
			break;
	}
	if (ret < 0)
		return batch_error(&x, ret);
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
