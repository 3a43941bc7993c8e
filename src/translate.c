/* iptables-translate and iptables-restore-translate: iptables syntax in,
 * nft syntax out. A rule is linearized as iptables would write it and its
 * expressions are printed (nfttext.c); nothing here knows an extension.
 * No kernel is asked anything. */
#include <config.h>
#include <errno.h>
#include <getopt.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "frontends.h"
#include "nfttext.h"
#include "table.h"

static const char *family_name(uint8_t family)
{
	return family == NFPROTO_IPV6 ? "ip6" : "ip";
}

/* "ip filter INPUT"; false if nft cannot read a name so */
static bool where_text(struct strbuf *sb, uint8_t family, const char *table, const char *chain)
{
	bool ok;

	sb_printf(sb, "%s ", family_name(family));
	ok = nft_name(sb, table);
	if (chain) {
		sb_addc(sb, ' ');
		ok &= nft_name(sb, chain);
	}
	return ok;
}

/* One parsed command as nft commands, one per line into out, each line
 * starting with lead. The rules of a command nft has no text for go to
 * out as comment, and the result is 1; a command with no nft form at all
 * is 2; else 0. */
static int command_text(struct nft_xlate *x, struct strbuf *out, const struct command *cmd,
			uint8_t family, const char *lead, const char *comment)
{
	const struct builtin_table *bt = table_find(cmd->table);
	struct strbuf where, line, objs;
	int ret = 0;
	unsigned i;

	sb_init(&where);
	sb_init(&line);
	sb_init(&objs);
	if (cmd->table && !where_text(&where, family, cmd->table, cmd->chain)) {
		/* a chain name nft cannot say */
		sb_printf(out, "%s\n", comment);
		ret = 1;
		goto out;
	}
	switch (cmd->op) {
	case OP_APPEND:
	case OP_INSERT:
		for (i = 0; i < cmd->nrules && ret == 0; i++) {
			sb_reset(&line);
			sb_reset(&objs);
			if (!nft_rule_text_of(x, &line, &objs, lead, cmd->rules[i], cmd->table,
					      cmd->chain)) {
				ret = 1;
				break;
			}
			/* the objects it refers to (a ct helper) first */
			if (objs.len)
				sb_add(out, objs.buf);
			if (cmd->op == OP_APPEND)
				sb_printf(out, "%sadd rule %s %s\n", lead, where.buf, line.buf);
			else if (cmd->rulenum > 1)
				/* after the rule before it: also where iptables
				 * takes one past the last */
				sb_printf(out, "%sadd rule %s index %u %s\n", lead, where.buf,
					  cmd->rulenum - 2, line.buf);
			else
				sb_printf(out, "%sinsert rule %s %s\n", lead, where.buf, line.buf);
		}
		if (ret == 1)
			sb_printf(out, "%s\n", comment);
		break;
	case OP_NEW_CHAIN:
		sb_printf(out, "%sadd chain %s\n", lead, where.buf);
		break;
	case OP_DELETE_CHAIN:
		if (!cmd->chain) {
			ret = 2;
			break;
		}
		sb_printf(out, "%sdelete chain %s\n", lead, where.buf);
		break;
	case OP_RENAME_CHAIN:
		sb_reset(&line);
		if (!nft_name(&line, cmd->arg)) {
			sb_printf(out, "%s\n", comment);
			ret = 1;
			break;
		}
		sb_printf(out, "%srename chain %s %s\n", lead, where.buf, line.buf);
		break;
	case OP_FLUSH:
		sb_printf(out, "%sflush %s %s\n", lead, cmd->chain ? "chain" : "table", where.buf);
		break;
	case OP_LIST:
	case OP_LIST_RULES:
		sb_printf(out, "%slist %s %s\n", lead, cmd->chain ? "chain" : "table", where.buf);
		break;
	case OP_POLICY: {
		const struct builtin_chain *bc = bt ? table_find_chain(bt, cmd->chain) : NULL;

		if (!bc) {
			ret = 2;
			break;
		}
		sb_printf(out, "%sadd chain %s { type %s hook %s priority %d; policy %s; }\n", lead,
			  where.buf, bc->type, hook_nft_name(bc->hook), bc->prio,
			  strcmp(cmd->arg, "DROP") == 0 ? "drop" : "accept");
		break;
	}
	default:
		ret = 2;
		break;
	}
out:
	sb_free(&where);
	sb_free(&line);
	sb_free(&objs);
	return ret;
}

/* ---- iptables-translate ---- */

static void shell_quote(struct strbuf *out, const char *s)
{
	sb_addc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_add(out, "'\\''");
		else
			sb_addc(out, *s);
	}
	sb_addc(out, '\'');
}

int translate_main(uint8_t family, int argc, char **argv)
{
	struct handle h;
	struct command cmd;
	struct strbuf out, comment, lines;
	struct nft_xlate x;
	int ret = 0, i;

	handle_init(&h, family);
	h.prog = family == NFPROTO_IPV6 ? "ip6tables-translate" : "iptables-translate";
	if (cmd_parse(&h, argc, argv, &cmd) < 0) {
		ret = err_report(&h.err, h.prog);
		handle_close(&h);
		cmd_free(&cmd);
		return ret;
	}
	if (cmd.op == OP_HELP || cmd.op == OP_VERSION) {
		printf("%s v%s (nf_tables) -- iptnft %s\n", h.prog, IPTABLES_COMPAT_VERSION,
		       PACKAGE_VERSION);
		if (cmd.op == OP_HELP)
			printf("Usage: %s IPTABLES-COMMAND...\n"
			       "Prints the nft command that does what the iptables command does.\n",
			       h.prog);
		cmd_free(&cmd);
		handle_close(&h);
		return 0;
	}
	sb_init(&out);
	sb_init(&comment);
	sb_init(&lines);
	sb_add(&comment, "nft # ");
	for (i = 1; i < argc; i++)
		sb_printf(&comment, "%s ", argv[i]);
	nft_xlate_init(&x);
	ret = command_text(&x, &lines, &cmd, family, "", comment.buf);
	nft_xlate_free(&x);
	if (ret == 2) {
		fputs("nft ", stdout);
		fflush(stdout);
		fputs("Translation not implemented\n", stderr);
		ret = 1;
	} else {
		char *save = NULL, *line;

		/* each nft command as one shell word, as the reference prints
		 * rules (a comment line is printed as it is) */
		for (line = strtok_r(lines.buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (strncmp(line, "nft # ", 6) == 0) {
				sb_printf(&out, "%s\n", line);
				continue;
			}
			sb_add(&out, "nft ");
			if (strncmp(line, "add rule", 8) == 0 || strncmp(line, "insert rule", 11) == 0 ||
			    strchr(line, '{'))
				shell_quote(&out, line);
			else
				sb_add(&out, line);
			sb_addc(&out, '\n');
		}
		fputs(out.buf ? out.buf : "", stdout);
	}
	sb_free(&out);
	sb_free(&comment);
	sb_free(&lines);
	cmd_free(&cmd);
	handle_close(&h);
	return ret;
}

/* ---- iptables-restore-translate ---- */

struct rt_state {
	uint8_t family;
	const char *prog;
	struct strbuf out;
	bool incomplete;
	bool noflush;
	struct nft_xlate x;
};

static void rt_visit(void *opaque, const char *table, unsigned lineno, const char *text,
		     const struct command *cmd)
{
	struct rt_state *st = opaque;
	struct strbuf comment;
	int ret;

	if (cmd->op == OP_NONE) {
		/* a table block begins */
		sb_printf(&st->out, "add table %s %s\n", family_name(st->family), table);
		if (!st->noflush)
			sb_printf(&st->out, "flush table %s %s\n", family_name(st->family), table);
		return;
	}
	if (cmd->op == OP_POLICY && cmd->arg && strcmp(cmd->arg, "-") == 0)
		return;
	sb_init(&comment);
	sb_printf(&comment, "# -t %s %s ", table, text);
	ret = command_text(&st->x, &st->out, cmd, st->family, "", comment.buf);
	/* under --noflush a user chain's line empties the chain it names */
	if (ret == 0 && st->noflush && cmd->op == OP_NEW_CHAIN)
		sb_printf(&st->out, "flush chain %s %s %s\n", family_name(st->family), table,
			  cmd->chain);
	if (ret) {
		if (ret == 2)
			sb_printf(&st->out, "%s\n", comment.buf);
		fprintf(stderr, "%s: line %u: no nft text for it; kept as a comment\n", st->prog,
			lineno);
		st->incomplete = true;
	}
	sb_free(&comment);
}

/* The date as the reference's comment lines give it. */
static void now_text(char *buf, size_t len)
{
	time_t now = time(NULL);

	strftime(buf, len, "%a %b %e %H:%M:%S %Y", localtime(&now));
}

int restore_translate_main(uint8_t family, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "noflush", no_argument, NULL, 'n' },
		{ "counters", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct rt_state st = { .family = family };
	const char *file = NULL;
	bool counters = false;
	char date[64];
	FILE *in = stdin;
	int c, ret;

	st.prog = family == NFPROTO_IPV6 ? "ip6tables-restore-translate" :
					   "iptables-restore-translate";
	while ((c = getopt_long(argc, argv, "f:nchV", opts, NULL)) != -1) {
		switch (c) {
		case 'f': file = optarg; break;
		case 'n': st.noflush = true; break;
		case 'c': counters = true; break;
		case 'V':
			printf("%s v%s (nf_tables) -- iptnft %s\n", st.prog, IPTABLES_COMPAT_VERSION,
			       PACKAGE_VERSION);
			return 0;
		case 'h':
			printf("Usage: %s [-c] [-n] [-f file | < file]\n"
			       "Prints an nft script that does what iptables-restore of the file does.\n"
			       "  -f, --file FILE  read FILE (default: standard input)\n"
			       "  -n, --noflush    keep what the tables hold (no flush table lines)\n"
			       "  -c, --counters   keep the counters the file gives rules\n",
			       st.prog);
			return 0;
		default:
			return 1;
		}
	}
	if (!file && optind < argc)
		file = argv[optind];
	if (file) {
		in = fopen(file, "r");
		if (!in) {
			fprintf(stderr, "Can't open %s: %s\n", file, strerror(errno));
			return 1;
		}
	}
	sb_init(&st.out);
	sb_add(&st.out, "");
	nft_xlate_init(&st.x);
	ret = restore_parse(family, in, counters, rt_visit, &st);
	nft_xlate_free(&st.x);
	if (in != stdin)
		fclose(in);
	if (ret == 0) {
		now_text(date, sizeof(date));
		printf("# Translated by %s v%s on %s\n", st.prog, IPTABLES_COMPAT_VERSION, date);
		fputs(st.out.buf, stdout);
		now_text(date, sizeof(date));
		printf("# Completed on %s\n", date);
		if (st.incomplete)
			ret = 1;
	}
	sb_free(&st.out);
	return ret;
}
