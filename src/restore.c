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
#include "frontends.h"
#include "list.h"
#include "table.h"
#include "txn.h"
#include "view.h"

#define MAX_RETRIES 1000
/* The words of a line the reference's parser takes: it keeps 254
 * arguments, three for its name and "-t TABLE", and with -c three more
 * for a "[p:b]" prefix ("-c p b") */
#define MAX_ARGS 251
#define COUNTER_ARGS 3

struct block_line {
	unsigned lineno;
	char *text;		/* in the block's text chunks */
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

/* A copy of s to cut into words, valid until the next call. */
static char *work_copy(struct restore *rs, const char *s)
{
	size_t len = strlen(s) + 1;

	if (len > rs->workcap) {
		rs->workcap = len > 4096 ? len : 4096;
		free(rs->work);
		rs->work = xmalloc(rs->workcap);
	}
	memcpy(rs->work, s, len);
	return rs->work;
}

static void block_add(struct restore *rs, unsigned lineno, const char *text)
{
	struct block_line *l;

	if (rs->nlines == rs->caplines) {
		rs->caplines = rs->caplines ? rs->caplines * 2 : 256;
		rs->lines = xrealloc(rs->lines, rs->caplines * sizeof(*rs->lines));
	}
	l = &rs->lines[rs->nlines++];
	l->lineno = lineno;
	l->text = chunk_strdup(rs, text);
	l->op = OP_NONE;
}

/* Split a line into words as the reference does: blanks separate; a word
 * that opens with a double quote runs to the closing quote (a backslash
 * takes the next character literally) and ends there; inside other words
 * double quotes are dropped. Single quotes are ordinary characters. */
static int split_words(char *line, char **argv, int max)
{
	int argc = 0;
	char *in = line, *out;

	while (*in) {
		while (*in && isspace((unsigned char)*in))
			in++;
		if (!*in)
			break;
		if (argc == max)
			return -1;
		argv[argc++] = out = in;
		if (*in == '"') {
			for (in++; *in && *in != '"'; in++) {
				if (*in == '\\' && in[1])
					in++;
				*out++ = *in;
			}
			if (*in)
				in++;
		} else {
			for (; *in && !isspace((unsigned char)*in); in++)
				if (*in != '"')
					*out++ = *in;
		}
		if (out == in) {
			/* nothing was dropped: the terminator takes the separator */
			if (*in)
				in++;
			*out = '\0';
		} else {
			*out = '\0';
		}
	}
	return argc;
}

/* "[pkts:bytes]" at s, numbers read as strtoull reads them (what
 * sscanf's %llu does); the length read, or -1. */
static int parse_counter_prefix(const char *s, uint64_t *pkts, uint64_t *bytes)
{
	unsigned long long p, b;
	char *end, *end2;

	if (s[0] != '[')
		return -1;
	p = strtoull(s + 1, &end, 10);
	if (end == s + 1 || *end != ':')
		return -1;
	b = strtoull(end + 1, &end2, 10);
	if (end2 == end + 1 || *end2 != ']')
		return -1;
	*pkts = p;
	*bytes = b;
	return (int)(end2 + 1 - s);
}

/* A chain declaration ":NAME POLICY [p:b]", cut into d->copy. */
struct chain_decl {
	char *copy;
	const char *name, *policy;
	uint64_t pkts, bytes;
};

static int parse_chain_line(struct restore *rs, struct block_line *l, struct chain_decl *d)
{
	char *save = NULL, *ctrs;

	memset(d, 0, sizeof(*d));
	d->copy = xstrdup(l->text + 1);
	d->name = strtok_r(d->copy, " \t", &save);
	d->policy = strtok_r(NULL, " \t", &save);
	ctrs = strtok_r(NULL, " \t", &save);
	l->op = OP_NEW_CHAIN;
	if (!d->name)
		return err_param(&rs->h.err, "%s: line %u chain name invalid", rs->prog, l->lineno);
	if (strlen(d->name) >= 29)
		return err_param(&rs->h.err, "chain name `%s' too long (must be under 29 chars)",
				 d->name);
	if (!d->policy)
		return err_param(&rs->h.err, "%s: line %u policy invalid", rs->prog, l->lineno);
	if (ctrs && parse_counter_prefix(ctrs, &d->pkts, &d->bytes) < 0)
		return err_param(&rs->h.err, "invalid policy counters for chain '%s'", d->name);
	return 0;
}

static int apply_chain_line(struct restore *rs, struct view *v, struct block_line *l)
{
	const struct builtin_chain *bc;
	struct chain_decl d;
	int ret;

	ret = parse_chain_line(rs, l, &d);
	if (ret < 0)
		goto out;
	bc = table_find_chain(v->bt, d.name);
	if (bc) {
		l->op = OP_POLICY;
		/* "-" keeps the policy; counters are set from the line with -c
		 * and zeroed without it, as the reference does */
		if (!rs->counters)
			d.pkts = d.bytes = 0;
		ret = cmd_set_policy(v, d.name, strcmp(d.policy, "-") == 0 ? NULL : d.policy, true,
				     d.pkts, d.bytes);
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
	free(d.copy);
	return ret;
}

/* A command line of the block, parsed into cmd as the reference reads
 * it (a "[p:b]" prefix, then words); 0, or -1 with rs->h.err set. cmd is
 * to be freed either way. */
static int parse_command_line(struct restore *rs, struct block_line *l, struct command *cmd)
{
	char *argv[MAX_ARGS + 2], *p = work_copy(rs, l->text);
	uint64_t pkts = 0, bytes = 0;
	bool have_counters = false;
	unsigned i;
	int argc, n;

	memset(cmd, 0, sizeof(*cmd));
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '[') {
		n = parse_counter_prefix(p, &pkts, &bytes);
		if (n < 0) {
			const char *q = p + 1;
			size_t digits = strspn(q, "0123456789");
			bool packets_bad = digits == 0 || q[digits] != ':';

			return err_param(&rs->h.err, "-c %s counter not numeric",
					 packets_bad ? "packet" : "byte");
		}
		p += n;
		have_counters = rs->counters;
	}
	argv[0] = (char *)rs->h.prog;
	argc = split_words(p, argv + 1, have_counters ? MAX_ARGS - COUNTER_ARGS : MAX_ARGS);
	if (argc < 0)
		return err_param(&rs->h.err, "Parser cannot handle more arguments");
	argc++;
	argv[argc] = NULL;
	rs->h.restore_table = rs->table;
	if (cmd_parse(&rs->h, argc, argv, cmd) < 0)
		return -1;
	if (!cmd->table || strcmp(cmd->table, rs->table) != 0) {
		free(cmd->table);
		cmd->table = xstrdup(rs->table);
	}
	l->op = cmd->op;
	if (have_counters) {
		for (i = 0; i < cmd->nrules; i++) {
			cmd->rules[i]->has_counters = true;
			cmd->rules[i]->pkts = pkts;
			cmd->rules[i]->bytes = bytes;
		}
	}
	if (cmd->op == OP_VERSION || cmd->op == OP_HELP)
		return err_raw(&rs->h.err, EXIT_OTHER, "%s: line %u failed\n", rs->prog,
			       l->lineno);
	return 0;
}

static int apply_command_line(struct restore *rs, struct view *v, struct block_line *l)
{
	struct command cmd;
	int ret;

	ret = parse_command_line(rs, l, &cmd);
	if (ret < 0)
		goto out;
	if (cmd.op == OP_LIST || cmd.op == OP_LIST_RULES) {
		/* lists what the kernel holds now, before this block */
		ret = list_run(&rs->h, &cmd);
	} else {
		/* the reference tells what it does only when it rebuilds the
		 * table */
		v->verbose = rs->verbose && !rs->noflush && !rs->test;
		ret = cmd_build(v, &cmd);
		v->verbose = false;
	}
out:
	cmd_free(&cmd);
	return ret;
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

static int block_error_line(struct restore *rs, int tag)
{
	unsigned i;

	for (i = 0; i < rs->nlines; i++)
		if ((int)rs->lines[i].lineno == tag)
			return (int)i;
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

static int run_block(struct restore *rs, unsigned commit_line)
{
	bool appends_only = block_appends_only(rs);
	struct batch b;
	struct view v;
	unsigned i;
	int attempt, ret = 0, tag = -1;
	uint32_t genid;

	for (attempt = 0; attempt < MAX_RETRIES; attempt++) {
		ret = nlk_genid(&rs->h.nl, &genid);
		if (ret < 0 && rs->test && (ret == -EPERM || ret == -EACCES)) {
			/* --test reads the whole input first, as the reference
			 * does, and then finds it may not ask the kernel */
			fprintf(stderr, "%s: line %u failed: Permission denied (you must be root).\n",
				rs->prog, commit_line);
			rs->h.err.code = EXIT_OTHER;
			return -1;
		}
		if (ret < 0)
			return err_versioned(&rs->h.err, EXIT_RESOURCE,
					     "Could not fetch rule set generation id: %s",
					     err_kernel_text(-ret, OP_NONE));
		batch_init(&b, &rs->h.nl);
		view_init(&v, &rs->h, &b, rs->table);
		v.forget_rules = appends_only;
		v.track_rules = !appends_only;
		/* a block that makes the table anew out of chains and appends
		 * leaves behind the table's rule index, built as it goes */
		if (!rs->noflush && !rs->test && appends_only && !rs->h.compat &&
		    handle_index_dir(&rs->h)) {
			v.ri = rindex_new(handle_index_dir(&rs->h), &rs->h.ri_ns, rs->h.family,
					  rs->table);
			v.ri_fresh = v.ri != NULL;
			if (v.ri)
				rindex_reserve(v.ri, rs->nlines);
		}
		ret = 0;
		if (!rs->noflush)
			ret = flush_table(rs, &v);
		for (i = 0; ret == 0 && i < rs->nlines; i++) {
			struct block_line *l = &rs->lines[i];

			v.tag = (int)l->lineno;
			if (l->text[0] == ':')
				ret = apply_chain_line(rs, &v, l);
			else
				ret = apply_command_line(rs, &v, l);
			if (ret < 0)
				tag = v.error_at_commit ? (int)commit_line : (int)l->lineno;
		}
		if (ret < 0) {
			rindex_free(v.ri);
			view_free(&v);
			batch_free(&b);
			return err_report_line(&rs->h.err, rs->prog, (unsigned)tag) ? -1 : -1;
		}
		view_index_prepare(&v);
		if (rs->test) {
			ret = batch_check(&rs->h.nl, &b, genid, &tag);
		} else {
			ret = batch_commit(&rs->h.nl, &b, genid, &tag);
			if (ret == 0 && batch_count(&b))
				view_index_commit(&v, genid);
		}
		rindex_free(v.ri);
		view_free(&v);
		batch_free(&b);
		if (ret != -ERESTART)
			break;
	}
	if (ret < 0) {
		int idx = block_error_line(rs, tag);
		struct ipt_error *e = &rs->h.err;
		char *chain;

		if (idx < 0) {
			fprintf(stderr, "%s: line %u failed: %s\n", rs->prog,
				rs->nlines ? rs->lines[rs->nlines - 1].lineno + 1 : 0,
				err_kernel_text(-ret, OP_NONE));
			return -1;
		}
		chain = line_chain(rs, &rs->lines[idx]);
		cmd_batch_error(&rs->h, rs->lines[idx].op, chain, ret);
		free(chain);
		err_report_line(e, rs->prog, rs->lines[idx].lineno);
		return -1;
	}
	return 0;
}

/* Parse only: every line of the block through the parsers run_block
 * uses, each command handed to rs->visit; no view, no kernel. */
static int parse_block(struct restore *rs)
{
	unsigned i;
	int ret = 0;

	for (i = 0; ret == 0 && i < rs->nlines; i++) {
		struct block_line *l = &rs->lines[i];

		if (l->text[0] == ':') {
			struct chain_decl d;

			ret = parse_chain_line(rs, l, &d);
			free(d.copy);
		} else {
			struct command cmd;

			ret = parse_command_line(rs, l, &cmd);
			if (ret == 0)
				rs->visit(rs->visit_opaque, rs->table, l->lineno, &cmd);
			cmd_free(&cmd);
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

static int restore_stream(struct restore *rs, FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	ssize_t n;
	int ret = 0;

	while ((n = getline(&line, &cap, in)) >= 0) {
		char *p = line;

		lineno++;
		/* only the newline goes: like the reference, a CR stays part
		 * of the line and leading blanks make a line a command */
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (*p == '\0')
			continue;
		if (*p == '#') {
			if (rs->verbose)
				printf("%s\n", p);
			continue;
		}

		if (strcmp(p, "COMMIT") == 0 || strncmp(p, "COMMIT ", 7) == 0) {
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
		if (*p == '*') {
			if (rs->in_table) {
				struct ipt_error e = { 0 };

				err_param_bare(&e, "Bad argument `%s'", p);
				ret = err_report_line(&e, rs->prog, lineno);
				break;
			}
			snprintf(rs->table, sizeof(rs->table), "%s", p + 1);
			if (!table_find(rs->table)) {
				struct ipt_error e = { 0 };

				err_param(&e, "%s: line %u table name '%s' invalid", rs->prog, lineno,
					  rs->table);
				ret = err_report_line(&e, rs->prog, lineno);
				break;
			}
			rs->in_table = true;
			rs->skip_table = rs->only_table && strcmp(rs->only_table, rs->table) != 0;
			continue;
		}
		if (!rs->in_table) {
			ret = fail_line(rs, lineno);
			break;
		}
		if (!rs->skip_table)
			block_add(rs, lineno, p);
	}
	if (ret == 0 && rs->in_table) {
		fprintf(stderr, "%s: COMMIT expected at line %u\n", rs->prog, lineno + 1);
		ret = 1;
	}
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
	} else if (handle_netlink(&rs.h) < 0) {
		ret = err_report(&rs.h.err, rs.prog);
		nlk_close(&rs.h.nl);
		goto out;
	}
	ret = restore_stream(&rs, in);
	nlk_close(&rs.h.nl);
out:
	if (in != stdin)
		fclose(in);
	free(rs.lines);
	free(rs.work);
	return ret;
}
