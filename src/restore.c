/* iptables-restore: read a save file, one transaction per COMMIT.
 *
 * A table block is kept as lines until its COMMIT; then every line is
 * applied to a view of the table and the whole block goes to the kernel
 * as one batch. If someone else commits meanwhile (ERESTART) the block is
 * applied again from the start against the new state. */
#include <config.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "commit.h"
#include "frontends.h"
#include "list.h"
#include "num.h"
#include "table.h"
#include "txn.h"
#include "view.h"

/* The reference hands a line on in an argv of 255 entries, the last left
 * empty, that holds its own name and "-t TABLE" too (and "--set-counters
 * P B" for a counted line under -c); it copies each word into 1024 bytes. */
#define MAX_ARGS 251
#define COUNTER_ARGS 3
#define MAX_WORD 1023
/* the reference tells a refused block in 1024 bytes, NUL included */
#define REFUSED_MSG_MAX 1024

struct block_line {
	unsigned lineno;
	bool newline;		/* the line ended with one (a piece may not) */
	char *text;		/* in the block's text chunks, without it */
	enum cmd_op op;		/* what the line did, for kernel errors */
};

/* The block's lines are kept back to back in chunks, freed at once. */
struct text_chunk {
	struct text_chunk *next;
	size_t used, cap;
	char data[];
};

#define TEXT_CHUNK (64 * 1024)

struct restore {
	struct handle h;
	const char *prog;
	bool counters, noflush, test, verbose;
	const char *only_table;
	char table[64];
	bool in_table;
	bool skip_table;
	struct block_line *lines;
	unsigned nlines, caplines;
	struct text_chunk *chunks;	/* newest first */
	char *work;			/* a line's copy, split into words */
	size_t workcap;
	/* restore_parse: parse only, each command to visit, no kernel */
	restore_visit_fn *visit;
	unsigned table_lineno;	/* where the block's "*table" line is */
	void *visit_opaque;
};

static void block_clear(struct restore *rs)
{
	struct text_chunk *c, *next;

	for (c = rs->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	rs->chunks = NULL;
	rs->nlines = 0;
}

static char *chunk_strdup(struct restore *rs, const char *s)
{
	size_t len = strlen(s) + 1;
	struct text_chunk *c = rs->chunks;
	char *p;

	if (!c || c->cap - c->used < len) {
		size_t cap = len > TEXT_CHUNK ? len : TEXT_CHUNK;

		c = xmalloc(sizeof(*c) + cap);
		c->used = 0;
		c->cap = cap;
		c->next = rs->chunks;
		rs->chunks = c;
	}
	p = c->data + c->used;
	memcpy(p, s, len);
	c->used += len;
	return p;
}

/* A copy of a line to cut into words, its newline back if it had one
 * (the reference's words see it), valid until the next call. */
static char *work_copy(struct restore *rs, const struct block_line *l)
{
	size_t len = strlen(l->text);

	if (len + 2 > rs->workcap) {
		rs->workcap = len + 2 > 4096 ? len + 2 : 4096;
		free(rs->work);
		rs->work = xmalloc(rs->workcap);
	}
	memcpy(rs->work, l->text, len);
	if (l->newline)
		rs->work[len++] = '\n';
	rs->work[len] = '\0';
	return rs->work;
}

static void block_add(struct restore *rs, unsigned lineno, const char *text, bool newline)
{
	struct block_line *l;

	if (rs->nlines == rs->caplines) {
		rs->caplines = rs->caplines ? rs->caplines * 2 : 256;
		rs->lines = xrealloc(rs->lines, rs->caplines * sizeof(*rs->lines));
	}
	l = &rs->lines[rs->nlines++];
	l->lineno = lineno;
	l->newline = newline;
	l->text = chunk_strdup(rs, text);
	l->op = OP_NONE;
}

/* What separates words in a line: a CR, or a vertical tab, is part of a
 * word to the reference. */
static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Split a line into words in place, as the reference does. Blanks
 * separate words. A double quote opens a quoted part, inside which blanks
 * are kept and a backslash takes the next character as it is; the quote
 * that closes it ends the word there, even an empty one ("" is a word;
 * x"y"z is "xy" and "z"). Outside quotes a backslash is an ordinary
 * character, and so is a single quote. A quoted part still open at the
 * end of the line takes the line's newline, so line ends with it if the
 * line had one. Returns the number of words, -1 when there are more than max, -2 when
 * one is longer than MAX_WORD. */
static int split_words(char *line, char **argv, int max)
{
	char *in = line, *out = line, *word = NULL;
	bool quoted = false;
	int argc = 0;

	for (;; in++) {
		char c = *in;

		if (!c) {
			break;
		} else if (quoted && c == '\\') {
			if (!in[1])
				continue;	/* at the very end: nothing to take */
			c = *++in;
		} else if (c == '"') {
			if (!word)
				word = out;
			if (quoted) {
				/* the closing quote ends the word */
				*out++ = '\0';
				if (argc == max)
					return -1;
				argv[argc++] = word;
				word = NULL;
			}
			quoted = !quoted;
			continue;
		} else if (!quoted && is_blank(c)) {
			if (word) {
				*out++ = '\0';
				if (argc == max)
					return -1;
				argv[argc++] = word;
				word = NULL;
			}
			continue;
		}
		if (!word)
			word = out;
		if (out - word >= MAX_WORD)
			return -2;
		*out++ = c;
	}
	/* a quote opened at the very end of the input makes no word */
	if (word && out > word) {
		*out = '\0';
		if (argc == max)
			return -1;
		argv[argc++] = word;
	}
	return argc;
}

/* "[pkts:bytes" at s, each as num_scan_u64 reads it and the rest
 * ignored: how the reference reads the counters of a chain line. */
static bool parse_chain_counters(const char *s, uint64_t *pkts, uint64_t *bytes)
{
	char *end;

	if (!s || s[0] != '[' || !num_scan_u64(s + 1, pkts))
		return false;
	strtoull(s + 1, &end, 10);
	return *end == ':' && num_scan_u64(end + 1, bytes);
}

/* The name of a chain line as the reference checks it: it never names
 * a standard verdict, nor starts like an option. */
static int check_chain_name(struct restore *rs, const char *name)
{
	if (strlen(name) >= 29)
		return err_param(&rs->h.err, "chain name `%s' too long (must be under 29 chars)",
				 name);
	if (strcmp(name, "ACCEPT") == 0 || strcmp(name, "DROP") == 0 ||
	    strcmp(name, "RETURN") == 0 || strcmp(name, "QUEUE") == 0)
		return err_param(&rs->h.err, "chain name may not clash with target name");
	if (name[0] == '-' || name[0] == '!')
		return err_param(&rs->h.err, "chain name not allowed to start with `%c'", name[0]);
	return 0;
}

/* A chain declaration ":NAME POLICY [p:b]" as the reference reads it
 * when it reads the line; its words cut out of copy. 0, or -1 with the
 * error set. */
struct chain_decl {
	char *name, *policy;
	uint64_t pkts, bytes;
};

static int parse_chain_line(struct restore *rs, const struct block_line *l, char *copy,
			    struct chain_decl *d)
{
	char *ctrs, *save = NULL;

	d->name = strtok_r(copy, " \t", &save);
	d->policy = strtok_r(NULL, " \t", &save);
	d->pkts = d->bytes = 0;
	if (!d->name)
		return err_param(&rs->h.err, "%s: line %u chain name invalid", rs->prog, l->lineno);
	if (check_chain_name(rs, d->name) < 0)
		return -1;
	for (ctrs = d->name; *ctrs; ctrs++)
		if (isspace((unsigned char)*ctrs))	/* a CR, say: only blanks split */
			return err_param(&rs->h.err, "Invalid chain name `%s'", d->name);
	if (!d->policy)
		return err_param(&rs->h.err, "%s: line %u policy invalid", rs->prog, l->lineno);
	ctrs = strtok_r(NULL, " \t", &save);
	/* the reference reads them only under -c, and only a built-in
	 * chain's, which must have them */
	if (rs->counters && table_find_chain(table_find(rs->table), d->name) &&
	    !parse_chain_counters(ctrs, &d->pkts, &d->bytes))
		return err_param(&rs->h.err, "invalid policy counters for chain '%s'", d->name);
	return 0;
}

/* A chain declaration ":NAME POLICY [p:b]": the counters are read only
 * with -c, and only for a built-in chain, as the reference does. */
static int apply_chain_line(struct restore *rs, struct view *v, struct block_line *l)
{
	char *copy = xstrdup(l->text + 1);
	const struct builtin_chain *bc;
	struct chain_decl d;
	int ret;

	l->op = OP_NEW_CHAIN;
	ret = parse_chain_line(rs, l, copy, &d);
	if (ret < 0)
		goto out;
	bc = table_find_chain(v->bt, d.name);
	if (bc) {
		l->op = OP_POLICY;
		/* "-" keeps the policy; counters are set from the line with -c
		 * and zeroed without it, as the reference does */
		if (!rs->counters)
			d.pkts = d.bytes = 0;
		ret = cmd_set_policy(v, d.name, strcmp(d.policy, "-") == 0 ? NULL : d.policy, d.pkts,
				     d.bytes);
	} else {
		struct vchain *c;
		int err;

		c = view_chain(v, d.name, &err);
		if (err < 0)
			ret = err_versioned(&rs->h.err, EXIT_RESOURCE, "%s",
					    err_kernel_text(-err, OP_NONE));
		else if (c)
			view_flush_chain(v, c);
		else
			view_create_user(v, d.name);
	}
out:
	free(copy);
	return ret;
}

/* A command line read into cmd as the reference reads it when it reads
 * the line. A line that starts with "[" opens with counters: the text
 * goes on after the first "]", and under -c "[P:B]" is "-c P B" to the
 * command, P and B cut at the first ":" and the "]" after it, in place
 * (what they leave out of the text is lost to it too). 0, or -1 with the
 * error set (cmd then needs no cmd_free). */
static int parse_command_line(struct restore *rs, const struct block_line *l,
			      struct command *cmd)
{
	char *argv[MAX_ARGS + 5], *p = work_copy(rs, l), *close, *pk, *by, *save = NULL;
	char *counters[2] = { NULL, NULL };
	int argc = 1, n, ret = -1;

	argv[0] = (char *)rs->h.prog;
	if (*p == '[') {
		close = strchr(p, ']');
		pk = close ? strtok_r(p + 1, ":", &save) : NULL;
		by = pk ? strtok_r(NULL, "]", &save) : NULL;
		if (!by)
			return err_param(&rs->h.err, "Bad line %u: need ]", l->lineno);
		if (rs->counters) {
			/* copied: B may run on into the text, split in place */
			argv[argc++] = (char *)"-c";
			argv[argc++] = counters[0] = xstrdup(pk);
			argv[argc++] = counters[1] = xstrdup(by);
		}
		p = close + 1;
	}
	n = split_words(p, argv + argc, argc > 1 ? MAX_ARGS - COUNTER_ARGS : MAX_ARGS);
	if (n == -2) {
		err_param(&rs->h.err, "Parameter too long!");
		goto out;
	}
	if (n < 0) {
		err_param(&rs->h.err, "Parser cannot handle more arguments");
		goto out;
	}
	argc += n;
	argv[argc] = NULL;
	rs->h.restore_table = rs->table;
	if (cmd_parse(&rs->h, argc, argv, cmd) < 0) {
		cmd_free(cmd);
		goto out;
	}
	if (!cmd->table || strcmp(cmd->table, rs->table) != 0) {
		free(cmd->table);
		cmd->table = xstrdup(rs->table);
	}
	ret = 0;
out:
	free(counters[0]);
	free(counters[1]);
	return ret;
}

/* A rule or command line into v; *unparsed says the line itself was
 * refused as it was read. */
static int apply_command_line(struct restore *rs, struct view *v, struct block_line *l,
			      bool *unparsed)
{
	struct command cmd;
	int ret;

	*unparsed = parse_command_line(rs, l, &cmd) < 0;
	if (*unparsed)
		return -1;
	l->op = cmd.op;
	if (cmd.op == OP_LIST || cmd.op == OP_LIST_RULES) {
		/* lists what the kernel holds now, before this block */
		ret = list_run(&rs->h, &cmd);
	} else if (cmd.op == OP_VERSION || cmd.op == OP_HELP) {
		ret = err_raw(&rs->h.err, EXIT_OTHER, "%s: line %u failed\n", rs->prog, l->lineno);
	} else {
		/* the reference tells what it does only when it rebuilds
		 * the table */
		v->verbose = rs->verbose && !rs->noflush && !rs->test;
		ret = cmd_build(v, &cmd);
		v->verbose = false;
	}
	cmd_free(&cmd);
	return ret;
}

/* The reference reads and parses each line as it comes, and reaches the
 * kernel only at COMMIT: the first line of the block, from line first on,
 * that it refuses as it reads it. Its index, or -1 with the error as it
 * was. */
static int first_parse_error(struct restore *rs, unsigned first)
{
	struct ipt_error *kept = xmalloc(sizeof(*kept));
	struct command cmd;
	struct chain_decl d;
	unsigned i;
	int found = -1;

	*kept = rs->h.err;
	for (i = first; i < rs->nlines && found < 0; i++) {
		const struct block_line *l = &rs->lines[i];

		if (l->text[0] == ':') {
			char *copy = xstrdup(l->text + 1);

			if (parse_chain_line(rs, l, copy, &d) < 0)
				found = (int)i;
			free(copy);
		} else if (parse_command_line(rs, l, &cmd) < 0) {
			found = (int)i;
		} else {
			cmd_free(&cmd);
		}
	}
	if (found < 0)
		rs->h.err = *kept;
	free(kept);
	return found;
}

/* Replace the table as the reference does: the table goes as a whole
 * (rules, chains, policies, counters) and what the block declares or uses
 * is made anew in the same transaction. */
static int flush_table(struct restore *rs, struct view *v)
{
	struct chain_list cl;
	unsigned i;
	int ret;

	ret = list_chains_ordered(&rs->h, rs->table, v->bt, &cl);
	if (ret < 0)
		return err_versioned(&rs->h.err, EXIT_RESOURCE, "%s", err_kernel_text(-ret, OP_NONE));
	ret = view_load_all_chains(v);
	if (ret < 0) {
		chain_list_free(&cl);
		return err_versioned(&rs->h.err, EXIT_RESOURCE, "%s", err_kernel_text(-ret, OP_NONE));
	}
	if (rs->verbose && !rs->test) {
		for (i = 0; i < cl.n; i++)
			printf("Flushing chain `%s'\n", cl.v[i].name);
		for (i = 0; i < cl.n; i++)
			if (!cl.v[i].base)
				printf("Deleting chain `%s'\n", cl.v[i].name);
	}
	if (v->table_state > 0)
		view_delete_table(v);
	chain_list_free(&cl);
	return 0;
}

/* The chain a line names, found again only when the kernel refused the
 * line: keeping it for every line would cost memory on large inputs. */
static char *line_chain(struct restore *rs, const struct block_line *l)
{
	char *copy, *argv[MAX_ARGS + 2], *p, *name = NULL;
	struct command cmd;
	int argc;

	if (l->text[0] == ':') {
		size_t len = strcspn(l->text + 1, " \t");

		name = xmalloc(len + 1);
		memcpy(name, l->text + 1, len);
		name[len] = '\0';
		return name;
	}
	copy = xstrdup(l->text);
	p = copy;
	if (*p == '[' && strchr(p, ']'))
		p = strchr(p, ']') + 1;
	argv[0] = (char *)rs->h.prog;
	argc = split_words(p, argv + 1, MAX_ARGS);
	if (argc >= 0) {
		argv[argc + 1] = NULL;
		if (cmd_parse(&rs->h, argc + 1, argv, &cmd) == 0 && cmd.chain)
			name = xstrdup(cmd.chain);
		cmd_free(&cmd);
	}
	free(copy);
	return name;
}

/* The block's line numbered tag (lines are kept in order), or -1. */
static int block_error_line(struct restore *rs, int tag)
{
	unsigned lo = 0, hi = rs->nlines;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if ((int)rs->lines[mid].lineno < tag)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rs->nlines && (int)rs->lines[lo].lineno == tag ? (int)lo : -1;
}

/* The reference's words for line idx refused with err: set in rs->h.err. */
/* The reference's message for a line the kernel refused: chain, when
 * not empty, is the one the refused message made or deleted. */
static void line_error(struct restore *rs, int idx, const struct batch_err *be, const char *chain)
{
	char *name = chain && chain[0] ? xstrdup(chain) : line_chain(rs, &rs->lines[idx]);

	cmd_batch_error(&rs->h, rs->lines[idx].op, be->type, name, be->err);
	free(name);
}

/* The kernel refused the block. The reference tells every refused line
 * of it, "line N: X failed (...)" after one another in one message of at
 * most 1023 characters: a line's report that does not fit whole is left
 * out, the next written where it would have gone, so the last one shows
 * as far as the room left takes it. */
static int report_refused(struct restore *rs, const struct batch_err *errs, unsigned nerrs,
			  const char *first_chain)
{
	struct ipt_error *e = &rs->h.err;
	char msg[REFUSED_MSG_MAX] = "";
	size_t len = 0;
	unsigned i;
	int idx = block_error_line(rs, errs[0].tag);

	if (idx < 0) {
		fprintf(stderr, "%s: line %u failed: %s\n", rs->prog,
			rs->nlines ? rs->lines[rs->nlines - 1].lineno + 1 : 0,
			err_kernel_text(-errs[0].err, OP_NONE));
		e->code = EXIT_OTHER;
		return -1;
	}
	line_error(rs, idx, &errs[0], first_chain);
	if (e->style != ERR_VERSIONED) {
		err_report_line(e, rs->prog, rs->lines[idx].lineno);
		return -1;
	}
	for (i = 0; i < nerrs; i++) {
		int n;

		idx = block_error_line(rs, errs[i].tag);
		if (idx < 0)
			continue;
		if (i > 0)
			line_error(rs, idx, &errs[i], NULL);
		if (e->style != ERR_VERSIONED)
			continue;
		n = snprintf(msg + len, sizeof(msg) - len, "\nline %u:%s%s", rs->lines[idx].lineno,
			     e->msg[0] == ' ' ? "" : " ", e->msg);
		if (n > 0 && (size_t)n < sizeof(msg) - len)
			len += (size_t)n;
	}
	fprintf(stderr, "%s v%s (nf_tables): %s\n", rs->prog, IPTABLES_COMPAT_VERSION, msg);
	e->code = EXIT_RESOURCE;
	return -1;
}

/* Does every line of the block only append rules or handle chains? Then
 * nothing in it refers to a rule by position or content. */
static bool block_appends_only(const struct restore *rs)
{
	static const char *const safe[] = {
		"-A", "--append", "-N", "--new-chain", "--new", "-F", "--flush",
		"-P", "--policy", "-X", "--delete-chain",
	};
	unsigned i;
	size_t k;

	for (i = 0; i < rs->nlines; i++) {
		const char *t = rs->lines[i].text;
		size_t len;
		bool ok = false;

		if (t[0] == ':')
			continue;
		if (t[0] == '[')
			t = strchr(t, ']') ? strchr(t, ']') + 1 : t;
		t += strspn(t, " \t");
		len = strcspn(t, " \t");
		for (k = 0; k < ARRAY_SIZE(safe); k++)
			if (strlen(safe[k]) == len && strncmp(t, safe[k], len) == 0)
				ok = true;
		if (!ok)
			return false;
	}
	return true;
}

/* What run_block's transaction needs, and what a refusal leaves. */
struct block_run {
	struct restore *rs;
	unsigned commit_line;
	bool appends_only;
	struct batch_err *errs;		/* the kernel's refusals, owned */
	unsigned nerrs;
	int tag;			/* the refused message's tag */
	uint32_t fail_len;
	char fail_chain[NFT_CHAIN_MAXNAMELEN];
};

static int block_genid_failed(void *arg, int err)
{
	struct block_run *br = arg;
	struct restore *rs = br->rs;

	if (rs->test && (err == -EPERM || err == -EACCES)) {
		/* --test reads the whole input first, as the reference does,
		 * and then finds it may not ask the kernel */
		fprintf(stderr, "%s: line %u failed: Permission denied (you must be root).\n",
			rs->prog, br->commit_line);
		rs->h.err.code = EXIT_OTHER;
		return -1;
	}
	return err_versioned(&rs->h.err, EXIT_RESOURCE, "Could not fetch rule set generation id: %s",
			     err_kernel_text(-err, OP_NONE));
}

/* The block's lines into v; the line a failure is reported at. */
static int block_lines(struct block_run *br, struct view *v)
{
	struct restore *rs = br->rs;
	int ret = 0, tag = -1, first;
	bool unparsed = false;
	unsigned i;

	if (!rs->noflush)
		ret = flush_table(rs, v);
	for (i = 0; ret == 0 && i < rs->nlines; i++) {
		struct block_line *l = &rs->lines[i];

		v->tag = (int)l->lineno;
		if (l->text[0] == ':')
			ret = apply_chain_line(rs, v, l);
		else
			ret = apply_command_line(rs, v, l, &unparsed);
		if (ret < 0)
			tag = v->error_at_commit ? (int)br->commit_line : (int)l->lineno;
	}
	if (ret == 0 && !v->too_big)
		return 0;
	if (ret < 0) {
		/* a line the reference refuses as it reads it comes before
		 * what it finds when it applies the block; each line is read
		 * once (reading may warn, as -m connlabel and a reversed
		 * -m iprange do): the lines after the one that failed */
		first = unparsed ? -1 : first_parse_error(rs, i);
		if (first >= 0)
			tag = (int)rs->lines[first].lineno;
	} else {
		/* too big: the reference learns it at COMMIT, as below */
		cmd_no_space(&rs->h);
		tag = (int)rs->lines[rs->nlines - 1].lineno;
	}
	err_report_line(&rs->h.err, rs->prog, (unsigned)tag);
	return -1;
}

static int block_build(struct view *v, void *arg, unsigned attempt, uint32_t genid)
{
	struct block_run *br = arg;
	struct restore *rs = br->rs;

	(void)attempt;
	(void)genid;
	br->fail_chain[0] = '\0';
	v->forget_rules = br->appends_only;
	v->track_rules = !br->appends_only;
	/* a block that makes the table anew out of chains and appends
	 * leaves behind the table's rule index, built as it goes */
	if (!rs->noflush && !rs->test && br->appends_only && !rs->h.compat)
		v->ri = rindex_new(handle_index(&rs->h), v->b, rs->h.family, rs->table,
				   rs->nlines);
	return block_lines(br, v);
}

static void block_refused(struct view *v, const struct batch *b, int err, int tag, void *arg)
{
	struct block_run *br = arg;
	const char *chain = cmd_failed_chain(v, b);

	(void)err;
	br->tag = tag;
	if (b->nerrs) {
		free(br->errs);
		br->nerrs = b->nerrs;
		br->errs = xmalloc(br->nerrs * sizeof(*br->errs));
		memcpy(br->errs, b->errs, br->nerrs * sizeof(*br->errs));
	}
	br->fail_len = b->fail_len;
	if (chain)
		snprintf(br->fail_chain, sizeof(br->fail_chain), "%s", chain);
}

static int run_block(struct restore *rs, unsigned commit_line)
{
	static const struct commit_ops ops = { .build = block_build, .refused = block_refused,
					       .genid_failed = block_genid_failed };
	struct block_run br = { .rs = rs, .commit_line = commit_line, .tag = -1,
				.appends_only = block_appends_only(rs) };
	struct batch_err one;
	int kerr, ret;

	if (commit_run(&rs->h, rs->table, rs->test, &ops, &br, &kerr) == 0)
		return 0;
	if (!kerr)
		return -1;
	if (cmd_refusal_cut(br.fail_len) && rs->nlines) {
		/* the reference then names the block's last line */
		free(br.errs);
		cmd_no_space(&rs->h);
		err_report_line(&rs->h.err, rs->prog, rs->lines[rs->nlines - 1].lineno);
		return -1;
	}
	one = (struct batch_err){ br.tag, kerr, 0 };
	ret = report_refused(rs, br.errs ? br.errs : &one, br.errs ? br.nerrs : 1, br.fail_chain);
	free(br.errs);
	return ret;
}

/* Parse only: every line of the block through the parsers run_block
 * uses, each command handed to rs->visit; no view, no kernel. */
static int parse_block(struct restore *rs)
{
	struct command begin = { .op = OP_NONE, .table = rs->table };
	unsigned i;
	int ret = 0;

	rs->visit(rs->visit_opaque, rs->table, rs->table_lineno, "", &begin);
	for (i = 0; ret == 0 && i < rs->nlines; i++) {
		struct block_line *l = &rs->lines[i];

		if (l->text[0] == ':') {
			char *copy = xstrdup(l->text + 1);
			struct chain_decl d;

			ret = parse_chain_line(rs, l, copy, &d);
			if (ret == 0) {
				bool builtin = table_find_chain(table_find(rs->table), d.name);
				struct command cmd = { .op = builtin ? OP_POLICY : OP_NEW_CHAIN,
						       .table = rs->table, .chain = d.name,
						       .arg = builtin ? d.policy : NULL };

				rs->visit(rs->visit_opaque, rs->table, l->lineno, l->text, &cmd);
			}
			free(copy);
		} else {
			struct command cmd;

			ret = parse_command_line(rs, l, &cmd);
			if (ret == 0) {
				if (cmd.op == OP_VERSION || cmd.op == OP_HELP)
					ret = err_raw(&rs->h.err, EXIT_OTHER, "%s: line %u failed\n",
						      rs->prog, l->lineno);
				else
					rs->visit(rs->visit_opaque, rs->table, l->lineno, l->text, &cmd);
				cmd_free(&cmd);
			}
		}
		if (ret < 0)
			err_report_line(&rs->h.err, rs->prog, l->lineno);
	}
	return ret;
}

static void restore_usage(const char *prog)
{
	printf("Usage: %s [-c] [-v] [-V] [-t] [-h] [-n] [-w secs] [-W usecs] [-T table] [-M command] [--compat] [file]\n"
	       "  -c, --counters        restore counters\n"
	       "  -v, --verbose         say what is done\n"
	       "  -V, --version         print the version\n"
	       "  -t, --test            check the input with the kernel, change nothing\n"
	       "  -h, --help            this text\n"
	       "  -n, --noflush         keep what is there; a chain line flushes that chain\n"
	       "  -T, --table TABLE     restore only this table\n"
	       "      --compat          write rules in iptables-nft's own layout\n"
	       "  -w, --wait [secs], -W, --wait-interval usecs, -M, --modprobe command\n"
	       "                        accepted; iptnft needs no lock\n", prog);
}

static int fail_line(struct restore *rs, unsigned lineno)
{
	fprintf(stderr, "%s: line %u failed\n", rs->prog, lineno);
	return 1;
}

/* A "*TABLE" line outside a block: the block starts. 0, or the status. */
static int table_line(struct restore *rs, char *p, unsigned lineno)
{
	char *save = NULL, *name = strtok_r(p + 1, " \t\n", &save);
	struct ipt_error e = { 0 };

	/* what follows the name is ignored, as the reference ignores it */
	if (!name) {
		err_param(&e, "%s: line %u table name invalid", rs->prog, lineno);
		return err_report_line(&e, rs->prog, lineno);
	}
	if (strlen(name) >= sizeof(rs->table) || !table_find(name)) {
		err_param(&e, "%s: line %u table name '%s' invalid", rs->prog, lineno, name);
		return err_report_line(&e, rs->prog, lineno);
	}
	snprintf(rs->table, sizeof(rs->table), "%s", name);
	rs->table_lineno = lineno;
	rs->in_table = true;
	rs->skip_table = rs->only_table && strcmp(rs->only_table, rs->table) != 0;
	return 0;
}

/* The input ends inside a block: the reference has read, and so parsed,
 * each of its lines. */
static int unfinished_block(struct restore *rs, unsigned lineno)
{
	int first = first_parse_error(rs, 0);

	if (first >= 0)
		return err_report_line(&rs->h.err, rs->prog, rs->lines[first].lineno);
	fprintf(stderr, "%s: COMMIT expected at line %u\n", rs->prog, lineno + 1);
	return 1;
}

/* The reference reads its input with fgets into 10240 bytes: a longer
 * line comes in pieces, each a line of its own (and counted so), and
 * what follows a NUL in a piece is never seen. */
#define LINE_PIECE 10240

static int restore_stream(struct restore *rs, FILE *in)
{
	char *line = xmalloc(LINE_PIECE);
	unsigned lineno = 0;
	bool newline;
	size_t n;
	int ret = 0;

	while (fgets(line, LINE_PIECE, in)) {
		char *p = line;

		lineno++;
		/* an empty line is skipped; one that starts with a NUL is not */
		if (line[0] == '\n')
			continue;
		/* only the newline goes: a CR stays part of the line and
		 * leading blanks make a line a command */
		n = strlen(line);
		newline = n > 0 && line[n - 1] == '\n';
		if (newline)
			line[--n] = '\0';
		if (*p == '#') {
			if (rs->verbose)
				printf("%s\n", p);
			continue;
		}
		if (strcmp(p, "COMMIT") == 0) {
			if (!rs->in_table) {
				ret = fail_line(rs, lineno);
				break;
			}
			if (!rs->skip_table &&
			    (rs->visit ? parse_block(rs) : run_block(rs, lineno)) < 0) {
				ret = rs->h.err.code ? rs->h.err.code : 1;
				break;
			}
			block_clear(rs);
			rs->in_table = false;
			continue;
		}
		if (*p == '*' && !rs->in_table) {
			ret = table_line(rs, p, lineno);
			if (ret)
				break;
			continue;
		}
		if (!rs->in_table) {
			ret = fail_line(rs, lineno);
			break;
		}
		/* in a block, "*nat" is a command line too, refused as one */
		if (!rs->skip_table)
			block_add(rs, lineno, p, newline);
	}
	if (ret == 0 && rs->in_table)
		ret = unfinished_block(rs, lineno);
	free(line);
	block_clear(rs);
	return ret;
}

int restore_parse(uint8_t family, FILE *in, bool counters, restore_visit_fn *visit,
		  void *opaque)
{
	struct restore rs;
	int ret;

	memset(&rs, 0, sizeof(rs));
	rs.h.family = family;
	rs.h.prog = family == NFPROTO_IPV6 ? "ip6tables" : "iptables";
	rs.prog = family == NFPROTO_IPV6 ? "ip6tables-restore" : "iptables-restore";
	rs.h.restore_prog = rs.prog;
	rs.counters = counters;
	rs.visit = visit;
	rs.visit_opaque = opaque;
	ret = restore_stream(&rs, in);
	free(rs.lines);
	free(rs.work);
	return ret;
}

int restore_main(uint8_t family, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "counters", no_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "test", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "noflush", no_argument, NULL, 'n' },
		{ "table", required_argument, NULL, 'T' },
		{ "modprobe", required_argument, NULL, 'M' },
		{ "wait", optional_argument, NULL, 'w' },
		{ "wait-interval", required_argument, NULL, 'W' },
		{ "compat", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct restore rs;
	const char *slash = strrchr(argv[0], '/');
	FILE *in = stdin;
	int c, ret;

	memset(&rs, 0, sizeof(rs));
	rs.h.family = family;
	rs.h.prog = family == NFPROTO_IPV6 ? "ip6tables" : "iptables";
	rs.prog = slash ? slash + 1 : argv[0];
	rs.h.restore_prog = rs.prog;
	rs.h.compat = compat_from_env();
	rs.h.debug_rcvbuf = getenv("IPTNFT_DEBUG") && strstr(getenv("IPTNFT_DEBUG"), "rcvbuf");
	while ((c = getopt_long(argc, argv, "bcvVthnT:M:w::W:", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			break;
		case 'c':
			rs.counters = true;
			break;
		case 'v':
			rs.verbose = true;
			break;
		case 'V':
			printf("%s v%s (nf_tables)\niptnft %s\n", rs.prog, IPTABLES_COMPAT_VERSION,
			       PACKAGE_VERSION);
			return 0;
		case 't':
			rs.test = true;
			break;
		case 'h':
			restore_usage(rs.prog);
			return 0;
		case 'n':
			rs.noflush = true;
			break;
		case 'T':
			rs.only_table = optarg;
			break;
		case 'w':
			if (!optarg && optind < argc && argv[optind][0] != '-' &&
			    isdigit((unsigned char)argv[optind][0]))
				optind++;
			break;
		case 'C':
			rs.h.compat = true;
			break;
		case 'M':
		case 'W':
			break;
		default:
			fprintf(stderr, "Try `%s -h' for more information.\n", rs.prog);
			return 1;
		}
	}
	if (optind == argc - 1) {
		in = fopen(argv[optind], "re");
		if (!in) {
			fprintf(stderr, "Can't open %s: %s\n", argv[optind], strerror(errno));
			return 1;
		}
	} else if (optind < argc) {
		fprintf(stderr, "Unknown arguments found on commandline\n");
		return 1;
	}
	if (rs.test) {
		/* checked at the first COMMIT instead */
		if (nlk_open(&rs.h.nl) < 0) {
			fprintf(stderr, "%s: cannot open netlink\n", rs.prog);
			ret = EXIT_RESOURCE;
			goto out;
		}
		rs.h.nl_open = true;
		if (rs.h.debug_rcvbuf)
			nlk_tiny_rcvbuf(&rs.h.nl);
	} else if (handle_netlink(&rs.h) < 0) {
		ret = err_report(&rs.h.err, rs.prog);
		handle_close(&rs.h);
		goto out;
	}
	/* input may take its time to arrive: each COMMIT asks for the
	 * generation when it builds, not the one of the start */
	rs.h.open_genid_unused = false;
	ret = restore_stream(&rs, in);
	handle_close(&rs.h);
out:
	if (in != stdin)
		fclose(in);
	free(rs.lines);
	free(rs.work);
	return ret;
}
