/* The iptables front end: command line -> struct command. */
#include <ctype.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ext.h"
#include "num.h"
#include "parse.h"
#include "table.h"
#include "util.h"

#define CHAIN_NAME_MAX 29	/* the reference's limit, NUL included */

enum core_opt {
	O_APPEND, O_CHECK, O_DELETE, O_INSERT, O_REPLACE, O_LIST, O_LIST_RULES,
	O_FLUSH, O_ZERO, O_NEW, O_DELETE_CHAIN, O_RENAME, O_POLICY, O_VERSION,
	O_HELP,
	/* the rule's own fields, target and matches */
	O_PROTO, O_SOURCE, O_DEST, O_IN, O_OUT, O_FRAG, O_JUMP, O_GOTO, O_MATCH,
	/* how the command runs or prints */
	O_NUMERIC, O_VERBOSE, O_EXACT, O_TABLE, O_COUNTERS,
	O_LINENUM, O_MODPROBE, O_WAIT, O_WAIT_INTERVAL, O_IPV4, O_IPV6, O_COMPAT,
};

struct core_option {
	const char *name;
	char short_name;
	enum core_opt id;
	enum { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL } arg;
};

/* Any blank, CR, vertical tab or form feed: the reference refuses names
 * that hold one. */
static bool has_space(const char *s)
{
	for (; *s; s++)
		if (isspace((unsigned char)*s))
			return true;
	return false;
}

static const struct core_option core_options[] = {
	{ "append", 'A', O_APPEND, ARG_REQUIRED },
	{ "check", 'C', O_CHECK, ARG_REQUIRED },
	{ "delete", 'D', O_DELETE, ARG_REQUIRED },
	{ "insert", 'I', O_INSERT, ARG_REQUIRED },
	{ "replace", 'R', O_REPLACE, ARG_REQUIRED },
	{ "list", 'L', O_LIST, ARG_OPTIONAL },
	{ "list-rules", 'S', O_LIST_RULES, ARG_OPTIONAL },
	{ "flush", 'F', O_FLUSH, ARG_OPTIONAL },
	{ "zero", 'Z', O_ZERO, ARG_OPTIONAL },
	{ "new-chain", 'N', O_NEW, ARG_REQUIRED },
	{ "delete-chain", 'X', O_DELETE_CHAIN, ARG_OPTIONAL },
	{ "rename-chain", 'E', O_RENAME, ARG_REQUIRED },
	{ "policy", 'P', O_POLICY, ARG_REQUIRED },
	{ "version", 'V', O_VERSION, ARG_NONE },
	{ "help", 'h', O_HELP, ARG_NONE },
	{ "protocol", 'p', O_PROTO, ARG_REQUIRED },
	{ "source", 's', O_SOURCE, ARG_REQUIRED },
	{ "src", 0, O_SOURCE, ARG_REQUIRED },
	{ "destination", 'd', O_DEST, ARG_REQUIRED },
	{ "dst", 0, O_DEST, ARG_REQUIRED },
	{ "in-interface", 'i', O_IN, ARG_REQUIRED },
	{ "out-interface", 'o', O_OUT, ARG_REQUIRED },
	{ "jump", 'j', O_JUMP, ARG_REQUIRED },
	{ "goto", 'g', O_GOTO, ARG_REQUIRED },
	{ "match", 'm', O_MATCH, ARG_REQUIRED },
	{ "numeric", 'n', O_NUMERIC, ARG_NONE },
	{ "verbose", 'v', O_VERBOSE, ARG_NONE },
	{ "exact", 'x', O_EXACT, ARG_NONE },
	{ "table", 't', O_TABLE, ARG_REQUIRED },
	{ "set-counters", 'c', O_COUNTERS, ARG_REQUIRED },
	{ "fragment", 'f', O_FRAG, ARG_NONE },
	{ "line-numbers", 0, O_LINENUM, ARG_NONE },
	{ "modprobe", 'M', O_MODPROBE, ARG_REQUIRED },
	{ "wait", 'w', O_WAIT, ARG_OPTIONAL },
	{ "wait-interval", 'W', O_WAIT_INTERVAL, ARG_OPTIONAL },
	{ "ipv4", '4', O_IPV4, ARG_NONE },
	{ "ipv6", '6', O_IPV6, ARG_NONE },
	{ "new", 0, O_NEW, ARG_REQUIRED },
	{ "compat", 0, O_COMPAT, ARG_NONE },
};

/* Options that take part in the per-command legality check, in the
 * reference's order (its error names the first offender). */
enum {
	OPT_NUMERIC, OPT_SOURCE, OPT_DEST, OPT_PROTO, OPT_JUMP, OPT_VERBOSE,
	OPT_EXACT, OPT_VIANAMEIN, OPT_VIANAMEOUT, OPT_LINENUMBERS, OPT_COUNTERS,
	OPT_FRAGMENT, NUMBER_OF_OPT,
};

static const char opt_flag_names[NUMBER_OF_OPT][16] = {
	"-n", "-s", "-d", "-p", "-j", "-v", "-x", "-i", "-o", "-0", "-c", "-f",
};

/* Which options each command forbids ('x'); the rest are allowed. */
static const struct {
	enum cmd_op op;
	char legal[NUMBER_OF_OPT + 1];
} command_options[] = {
	/*                  n s d p j v x i o l c f */
	{ OP_INSERT,       "x     x  x  " },
	{ OP_DELETE,       "x     x  xx " },
	{ OP_DELETE_NUM,   "xxxxx xxxxxx" },
	{ OP_REPLACE,      "x     x  x  " },
	{ OP_APPEND,       "x     x  x  " },
	{ OP_LIST,         " xxxx  xx xx" },
	{ OP_FLUSH,        "xxxxx xxxxxx" },
	{ OP_ZERO,         "xxxxx xxxxxx" },
	{ OP_NEW_CHAIN,    "xxxxx xxxxxx" },
	{ OP_DELETE_CHAIN, "xxxxx xxxxxx" },
	{ OP_POLICY,       "xxxxx xxxx  " },
	{ OP_CHECK,        "x     x  xx " },
	{ OP_RENAME_CHAIN, "xxxxx xxxxxx" },
	{ OP_LIST_RULES,   "xxxxx xxxxxx" },
};

struct parser {
	struct handle *h;
	struct command *cmd;
	int argc;
	char **argv;
	int idx;
	bool invert;
	unsigned opts_seen;		/* OPT_* bits */
	struct rule *rule;
	const char *src_arg, *dst_arg;
	const char *jump;
	bool is_goto;
	/* per match instance: which of its options were seen */
	struct ext_seen {
		struct ext_inst *inst;
		unsigned seen;
	} *seen;
	unsigned nseen;
	unsigned capseen;
	struct ext_seen target_seen;
	bool wait_given, wait_interval_given;
	bool other_family;	/* restore: -4 in ip6tables, -6 in iptables */
	const char *proto_text;	/* -p as given */
};

static const char *cmd_letter(enum cmd_op op)
{
	switch (op) {
	case OP_APPEND: return "A";
	case OP_CHECK: return "C";
	case OP_DELETE: case OP_DELETE_NUM: return "D";
	case OP_INSERT: return "I";
	case OP_REPLACE: return "R";
	case OP_LIST: return "L";
	case OP_LIST_RULES: return "S";
	case OP_FLUSH: return "F";
	case OP_ZERO: return "Z";
	case OP_NEW_CHAIN: return "N";
	case OP_DELETE_CHAIN: return "X";
	case OP_RENAME_CHAIN: return "E";
	case OP_POLICY: return "P";
	case OP_VERSION: return "V";
	case OP_HELP: return "h";
	default: return "?";
	}
}

/* Next argv entry if it is a plain word (not an option), else NULL. */
static const char *optional_word(struct parser *p)
{
	if (p->idx < p->argc && p->argv[p->idx][0] != '-' && p->argv[p->idx][0] != '!')
		return p->argv[p->idx++];
	return NULL;
}

static int parse_rulenum(struct parser *p, const char *s, unsigned *out)
{
	uint64_t n;

	if (!num_uint(s, 1, INT32_MAX, &n))
		return err_param(&p->h->err, "Invalid rule number `%s'", s);
	*out = (unsigned)n;
	return 0;
}

static int set_command(struct parser *p, enum cmd_op op)
{
	struct command *c = p->cmd;

	if ((c->op == OP_LIST || c->op == OP_LIST_RULES) && op == OP_ZERO) {
		c->zero_after_list = true;
		return 0;
	}
	if (c->op == OP_ZERO && (op == OP_LIST || op == OP_LIST_RULES)) {
		c->op = op;
		c->zero_after_list = true;
		return 0;
	}
	if (c->op != OP_NONE)
		return err_param(&p->h->err, "Cannot use -%s with -%s", cmd_letter(op),
				 cmd_letter(c->op));
	c->op = op;
	return 0;
}

static int set_option(struct parser *p, int opt, bool invertible)
{
	if (p->opts_seen & (1u << opt))
		return err_param(&p->h->err, "multiple %s flags not allowed", opt_flag_names[opt]);
	p->opts_seen |= 1u << opt;
	if (p->invert && !invertible)
		return err_param(&p->h->err, "cannot have ! before %s", opt_flag_names[opt]);
	return 0;
}

static const struct core_option *find_long(const char *name, size_t len, bool *ambiguous)
{
	const struct core_option *hit = NULL;
	size_t i;

	*ambiguous = false;
	for (i = 0; i < ARRAY_SIZE(core_options); i++) {
		const char *n = core_options[i].name;

		if (n[0] != name[0] || strncmp(n, name, len) != 0)
			continue;
		if (n[len] == '\0')
			return &core_options[i];
		if (hit && hit->id != core_options[i].id)
			*ambiguous = true;
		hit = &core_options[i];
	}
	return *ambiguous ? NULL : hit;
}

static const struct core_option *find_short(char c)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(core_options); i++)
		if (core_options[i].short_name == c)
			return &core_options[i];
	return NULL;
}

static bool is_standard_target(const char *s)
{
	return strcmp(s, "ACCEPT") == 0 || strcmp(s, "DROP") == 0 ||
	       strcmp(s, "RETURN") == 0 || strcmp(s, "QUEUE") == 0;
}

/* What the reference takes after -j or -g, be it a target or a chain. */
static int check_target_name(struct parser *p, const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0)
		return err_param(&p->h->err, "Invalid target name (too short)");
	if (n >= CHAIN_NAME_MAX)
		return err_param(&p->h->err, "Invalid target name `%s' (%d chars max)", name,
				 CHAIN_NAME_MAX - 1);
	for (i = 0; i < n; i++)
		if (isspace((unsigned char)name[i]))
			return err_param(&p->h->err, "Invalid target name `%s'", name);
	return 0;
}

/* A target the reference has and iptnft has not (NETMAP, TPROXY, ...):
 * refused in the words the reference uses for a target it cannot load,
 * rather than taken for a chain, or its options for unknown ones. */
static bool is_missing_target(const char *name, uint8_t family)
{
	return ext_reference_target(name, family) && !is_standard_target(name) &&
	       strcmp(name, "standard") != 0;
}

/* The reference asks the kernel for an extension's module when it loads
 * it, and says so once when the kernel has none; the rule then fails in
 * the kernel. */
static void ext_probe_kernel(struct parser *p, const struct extension *ext)
{
	if (ext->probe_xt)
		kfeat_xt_warn(&p->h->feat, ext, p->h->family, ext->name, ext->probe_rev,
			      ext->kind == EXT_TARGET);
}

static int load_match(struct parser *p, const char *name)
{
	const struct extension *ext = ext_find(name, EXT_MATCH, p->h->family);
	struct ext_inst *inst;

	if (strlen(name) > XT_EXTENSION_MAXNAMELEN - 1)
		return err_param(&p->h->err, "Invalid match name \"%s\" (%d chars max)", name,
				 XT_EXTENSION_MAXNAMELEN - 1);
	if (!ext)
		return err_param(&p->h->err, "Couldn't load match `%s':No such file or directory\n",
				 name);
	ext_probe_kernel(p, ext);
	inst = rule_add_match(p->rule, ext);
	if (ext->init)
		ext->init(inst->data, p->h->family);
	if (p->nseen == p->capseen) {
		p->capseen = p->capseen ? p->capseen * 2 : 8;
		p->seen = xrealloc(p->seen, p->capseen * sizeof(*p->seen));
	}
	p->seen[p->nseen].inst = inst;
	p->seen[p->nseen].seen = 0;
	p->nseen++;
	return 0;
}

/* Hand option o (of the extension instance es) its argument; typed is
 * the name as given, perhaps abbreviated. */
static int ext_apply(struct parser *p, struct ext_seen *es, const struct ext_opt *o,
		     const char *typed, const char *inline_arg)
{
	struct parse_ctx ctx = { .ext = es->inst->ext, .rule = p->rule, .err = &p->h->err,
				 .table = p->cmd->table, .chain = p->cmd->chain,
				 .op = p->cmd->op, .compat = p->h->compat };
	const char *name = o->name, *arg = NULL;

	/* the reference's getopt table gives the extension's flags no
	 * argument, so "--flag=x" is no option it knows */
	if (!ext_opt_has_arg(o) && inline_arg)
		return err_param(&p->h->err, "unknown option \"--%s=%s\"", typed, inline_arg);
	if (ext_opt_has_arg(o)) {
		if (inline_arg)
			arg = inline_arg;
		else if (p->idx < p->argc)
			arg = p->argv[p->idx++];
		else
			return err_param(&p->h->err, "option \"--%s\" requires an argument", typed);
	}
	if (o->flags & OF_NEXT_WORD)
		arg = optional_word(p);
	if (ext_opt_two_args(o)) {
		if (p->idx >= p->argc || p->argv[p->idx][0] == '-' || p->argv[p->idx][0] == '!')
			return err_param(&p->h->err, "--%s requires two args%s", name,
					 o->flags & OF_TWO_ARGS_BARE ? "" : ".");
		ctx.arg2 = p->argv[p->idx++];
	}
	if (ext_opt_parse(&ctx, es->inst->data, o, arg, p->invert, &es->seen) < 0)
		return -1;
	p->invert = false;
	return 0;
}

/* The match -p loads for an option it does not know: the protocol's,
 * but the Mobility Header's only when -p says "mh" (any case), since the
 * reference finds it by the name given or by the number's name in
 * /etc/protocols, which is another. */
static const struct extension *proto_ext(const struct parser *p)
{
	const struct extension *ext = ext_find_proto(p->rule->proto, p->h->family);

	if (ext && p->rule->proto == IPPROTO_MH &&
	    (!p->proto_text || strcasecmp(p->proto_text, "mh") != 0))
		return NULL;
	return ext;
}

/* Give an extension's option, named in full, to the newest instance
 * that knows it; -p tcp loads the tcp match for one of its options. */
static int ext_option(struct parser *p, const char *name, const char *inline_arg, bool *done)
{
	struct ext_seen *es = NULL;
	const struct ext_opt *o = NULL;
	int i;

	*done = false;
	if (p->target_seen.inst) {
		o = ext_opt_find(p->target_seen.inst->ext, name);
		if (o)
			es = &p->target_seen;
	}
	for (i = (int)p->nseen - 1; !o && i >= 0; i--) {
		o = ext_opt_find(p->seen[i].inst->ext, name);
		if (o)
			es = &p->seen[i];
	}
	if (!o && p->rule->has_proto) {
		const struct extension *ext = proto_ext(p);

		if (ext && ext_opt_find(ext, name)) {
			if (load_match(p, ext->name) < 0)
				return -1;
			es = &p->seen[p->nseen - 1];
			o = ext_opt_find(ext, name);
		}
	}
	if (!o)
		return 0;
	*done = true;
	return ext_apply(p, es, o, name, inline_arg);
}

/*
 * An abbreviated long option, as getopt_long takes it in the reference,
 * whose option table holds the core options and those of every extension
 * loaded so far: a prefix of exactly one option (aliases of one option
 * count once) is that option; of none or of several, it is unknown.
 */
struct abbrev {
	unsigned n;
	const struct core_option *core;
	const struct extension *ext;
	const struct ext_opt *opt;
	struct ext_seen *es;
};

static void abbrev_ext(struct abbrev *ab, const struct extension *ext, struct ext_seen *es,
		       const char *name, size_t len)
{
	const struct ext_opt *o;

	for (o = ext->opts; o && o->name; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (ab->ext == ext && ab->opt && ab->opt->id == o->id)
			continue;	/* an alias of the one found */
		ab->n++;
		ab->ext = ext;
		ab->opt = o;
		ab->es = es;
	}
}

/* Is name (len long) a prefix of an option of -p's match? */
static bool proto_has_prefix(struct parser *p, const char *name, size_t len)
{
	const struct extension *ext;
	struct abbrev ab = { 0 };

	if (!p->rule->has_proto)
		return false;
	ext = proto_ext(p);
	if (ext)
		abbrev_ext(&ab, ext, NULL, name, len);
	return ab.n > 0;
}

static void abbrev_find(struct parser *p, struct abbrev *ab, const char *name, size_t len)
{
	const struct core_option *co = NULL;
	size_t i;
	int k;

	memset(ab, 0, sizeof(*ab));
	for (i = 0; i < ARRAY_SIZE(core_options); i++) {
		if (strncmp(core_options[i].name, name, len) != 0)
			continue;
		if (!co || co->id != core_options[i].id)
			ab->n++;
		co = &core_options[i];
	}
	ab->core = co;
	if (p->target_seen.inst)
		abbrev_ext(ab, p->target_seen.inst->ext, &p->target_seen, name, len);
	for (k = (int)p->nseen - 1; k >= 0; k--) {
		bool newer = false;
		int j;

		/* a match loaded twice offers its options once, newest first */
		for (j = k + 1; j < (int)p->nseen; j++)
			newer |= p->seen[j].inst->ext == p->seen[k].inst->ext;
		if (!newer)
			abbrev_ext(ab, p->seen[k].inst->ext, &p->seen[k], name, len);
	}
}

/* "-c P B" or "-c P,B" (whatever follows a second comma is ignored);
 * each as num_scan_u64 reads it, as the reference reads counters. */
static int parse_counters(struct parser *p, const char *pk)
{
	const char *by = pk[0] ? strchr(pk + 1, ',') : NULL;

	if (by)
		by++;
	else if (p->idx < p->argc && p->argv[p->idx][0] != '-' && p->argv[p->idx][0] != '!')
		by = p->argv[p->idx++];
	else
		return err_param(&p->h->err, "-c requires packet and byte counter");
	if (!num_scan_u64(pk, &p->cmd->pkts))
		return err_param(&p->h->err, "-c packet counter not numeric");
	if (!num_scan_u64(by, &p->cmd->bytes))
		return err_param(&p->h->err, "-c byte counter not numeric");
	p->cmd->counters_given = true;
	return 0;
}

/* -W usecs: read as sscanf's %u reads it (the low 32 bits of what it
 * reads), checked, then ignored as the reference ignores it. */
static int parse_wait_interval(struct parser *p, const char *w)
{
	uint64_t v;

	if (!w)
		return err_param(&p->h->err, "wait interval value required");
	if (!num_scan_u64(w, &v))
		return err_param(&p->h->err, "wait interval not numeric");
	if ((uint32_t)v > 999999)
		return err_param(&p->h->err, "too long usec wait %u > 999999 usec", (uint32_t)v);
	return 0;
}

/* The extension -p names for -h, as the reference finds it: by the name
 * as given (ipv6-icmp and icmpv6 being icmp6's), or by a number's name
 * as -L prints it. */
static const struct extension *help_proto_ext(const struct parser *p)
{
	const char *name = p->proto_text;

	if (!name)
		return NULL;
	if (isdigit((unsigned char)name[0])) {
		name = proto_name((uint16_t)strtoul(name, NULL, 10), p->h->family);
		if (!name)
			return NULL;
	} else if (p->h->family == NFPROTO_IPV6 &&
		   (strcmp(name, "ipv6-icmp") == 0 || strcmp(name, "icmpv6") == 0)) {
		name = "icmp6";
	}
	return ext_find(name, EXT_MATCH, p->h->family);
}

/* -h: the sections of the target and of the matches loaded so far, or
 * of the protocol's match when there are none, after the general help. */
static void help_sections(struct parser *p)
{
	const struct ext_inst *m;
	const struct extension *pe;
	struct strbuf sb;

	sb_init(&sb);
	sb_add(&sb, "");
	if (p->rule->target)
		ext_help(&sb, p->rule->target->ext);
	for (m = p->rule->matches; m; m = m->next)
		ext_help(&sb, m->ext);
	if (!p->rule->matches && (pe = help_proto_ext(p)))
		ext_help(&sb, pe);
	free(p->cmd->help);
	p->cmd->help = sb.buf;
}

/* In IPv6, -p names the header after the extension headers: one that
 * is itself an extension header never matches, and the reference says
 * so (in lower case, as it reads the name). */
static void warn_ext_header_proto(const char *arg, uint16_t proto)
{
	size_t i;

	if (proto != 43 && proto != 44 && proto != 51 && proto != 60)
		return;
	fputs("Warning: never matched protocol: ", stderr);
	for (i = 0; arg[i]; i++)
		fputc(tolower((unsigned char)arg[i]), stderr);
	fputs(". use extension match instead.\n", stderr);
}

/* -j or -g: the verdict, or the target extension that writes it. */
static int set_jump(struct parser *p, const char *arg, bool is_goto)
{
	struct ipt_error *err = &p->h->err;

	if (set_option(p, OPT_JUMP, false) < 0)
		return -1;
	if (check_target_name(p, arg) < 0)
		return -1;
	p->jump = arg;
	p->is_goto = is_goto;
	/* QUEUE is a standard target name, but a target extension
	 * writes it (extensions/QUEUE.c) */
	if (!p->is_goto && (!is_standard_target(arg) || strcmp(arg, "QUEUE") == 0)) {
		const struct extension *ext = ext_find(arg, EXT_TARGET, p->h->family);

		if (ext) {
			ext_probe_kernel(p, ext);
			rule_set_target(p->rule, ext);
			if (ext->init)
				ext->init(p->rule->target->data, p->h->family);
			p->target_seen.inst = p->rule->target;
			p->target_seen.seen = 0;
		} else if (is_missing_target(arg, p->h->family)) {
			return err_param(err, "Couldn't load target `%s':No such file or directory\n",
					 arg);
		}
	}
	return 0;
}

/* The command options: what is done, to which chain. */
static int command_option(struct parser *p, const struct core_option *o, const char *arg)
{
	struct command *c = p->cmd;
	struct ipt_error *err = &p->h->err;
	const char *w;

	switch (o->id) {
	case O_APPEND:
	case O_CHECK:
	case O_NEW:
		if (set_command(p, o->id == O_APPEND ? OP_APPEND :
				   o->id == O_CHECK ? OP_CHECK : OP_NEW_CHAIN) < 0)
			return -1;
		c->chain = xstrdup(arg);
		break;
	case O_DELETE:
		if (set_command(p, OP_DELETE) < 0)
			return -1;
		c->chain = xstrdup(arg);
		w = optional_word(p);
		if (w) {
			if (parse_rulenum(p, w, &c->rulenum) < 0)
				return -1;
			c->op = OP_DELETE_NUM;
		}
		break;
	case O_INSERT:
		if (set_command(p, OP_INSERT) < 0)
			return -1;
		c->chain = xstrdup(arg);
		w = optional_word(p);
		if (w && parse_rulenum(p, w, &c->rulenum) < 0)
			return -1;
		break;
	case O_REPLACE:
		if (set_command(p, OP_REPLACE) < 0)
			return -1;
		c->chain = xstrdup(arg);
		w = optional_word(p);
		if (!w)
			return err_param(err, "-R requires a rule number");
		if (parse_rulenum(p, w, &c->rulenum) < 0)
			return -1;
		break;
	case O_LIST:
	case O_LIST_RULES:
	case O_ZERO:
		if (set_command(p, o->id == O_LIST ? OP_LIST :
				   o->id == O_ZERO ? OP_ZERO : OP_LIST_RULES) < 0)
			return -1;
		w = arg ? arg : optional_word(p);
		if (w) {
			free(c->chain);
			c->chain = xstrdup(w);
			w = optional_word(p);
			if (w && parse_rulenum(p, w, &c->rulenum) < 0)
				return -1;
		}
		break;
	case O_FLUSH:
	case O_DELETE_CHAIN:
		if (set_command(p, o->id == O_FLUSH ? OP_FLUSH : OP_DELETE_CHAIN) < 0)
			return -1;
		w = arg ? arg : optional_word(p);
		if (w)
			c->chain = xstrdup(w);
		break;
	case O_RENAME:
		if (set_command(p, OP_RENAME_CHAIN) < 0)
			return -1;
		c->chain = xstrdup(arg);
		w = optional_word(p);
		if (!w)
			return err_param(err, "-E requires old-chain-name and new-chain-name");
		c->arg = xstrdup(w);
		break;
	case O_POLICY:
		if (set_command(p, OP_POLICY) < 0)
			return -1;
		c->chain = xstrdup(arg);
		w = optional_word(p);
		if (!w)
			return err_param(err, "-P requires a chain and a policy");
		c->arg = xstrdup(w);
		break;
	case O_VERSION:
		if (set_command(p, OP_VERSION) < 0)
			return -1;
		break;
	case O_HELP:
		/* the reference prints its help there and then: what follows
		 * is not read */
		c->op = OP_HELP;
		help_sections(p);
		break;
	default:
		break;
	}
	return 0;
}

/* The rule's own fields, its target and its matches. */
static int rule_option(struct parser *p, const struct core_option *o, const char *arg)
{
	struct ipt_error *err = &p->h->err;

	switch (o->id) {
	case O_PROTO:
		if (set_option(p, OPT_PROTO, true) < 0)
			return -1;
		p->proto_text = arg;
		if (parse_protocol(arg, &p->rule->proto, err) < 0)
			return -1;
		if (p->h->family == NFPROTO_IPV6 && !p->invert)
			warn_ext_header_proto(arg, p->rule->proto);
		p->rule->has_proto = true;
		if (p->invert)
			p->rule->inv |= INV_PROTO;
		if (p->rule->proto == 0 && (p->rule->inv & INV_PROTO))
			return err_param(err, "rule would never match protocol");
		break;
	case O_SOURCE:
		if (set_option(p, OPT_SOURCE, true) < 0)
			return -1;
		p->src_arg = arg;
		if (p->invert)
			p->rule->inv |= INV_SRC;
		break;
	case O_DEST:
		if (set_option(p, OPT_DEST, true) < 0)
			return -1;
		p->dst_arg = arg;
		if (p->invert)
			p->rule->inv |= INV_DST;
		break;
	case O_IN:
		if (set_option(p, OPT_VIANAMEIN, true) < 0)
			return -1;
		if (parse_interface(arg, p->rule->iniface, err) < 0)
			return -1;
		if (p->invert)
			p->rule->inv |= INV_IN;
		break;
	case O_OUT:
		if (set_option(p, OPT_VIANAMEOUT, true) < 0)
			return -1;
		if (parse_interface(arg, p->rule->outiface, err) < 0)
			return -1;
		if (p->invert)
			p->rule->inv |= INV_OUT;
		break;
	case O_FRAG:
		if (set_option(p, OPT_FRAGMENT, true) < 0)
			return -1;
		if (p->h->family == NFPROTO_IPV6)
			return err_param(err, "`-f' is not supported in IPv6, use -m frag instead");
		p->rule->frag = true;
		if (p->invert)
			p->rule->inv |= INV_FRAG;
		break;
	case O_JUMP:
	case O_GOTO:
		return set_jump(p, arg, o->id == O_GOTO);
	case O_MATCH:
		if (p->invert)
			return err_param(err, "unexpected ! flag before --match");
		if (load_match(p, arg) < 0)
			return -1;
		break;
	default:
		break;
	}
	return 0;
}

/* How the command runs or prints what it lists. */
static int run_option(struct parser *p, const struct core_option *o, const char *arg)
{
	struct command *c = p->cmd;
	struct ipt_error *err = &p->h->err;
	const char *w;

	switch (o->id) {
	case O_NUMERIC:
		if (set_option(p, OPT_NUMERIC, false) < 0)
			return -1;
		c->fmt |= FMT_NUMERIC;
		break;
	case O_VERBOSE:
		p->opts_seen |= 1u << OPT_VERBOSE;
		c->fmt |= FMT_VERBOSE;
		break;
	case O_EXACT:
		if (set_option(p, OPT_EXACT, false) < 0)
			return -1;
		c->fmt |= FMT_EXACT;
		break;
	case O_LINENUM:
		if (set_option(p, OPT_LINENUMBERS, false) < 0)
			return -1;
		c->fmt |= FMT_LINENUM;
		break;
	case O_TABLE:
		if (p->h->restore_prog)
			return err_param(err, "The -t option cannot be used in %s.\n",
					 p->h->restore_prog);
		if (p->invert)
			return err_param(err, "unexpected ! flag before --table");
		free(c->table);
		c->table = xstrdup(arg);
		break;
	case O_COUNTERS:
		if (set_option(p, OPT_COUNTERS, false) < 0)
			return -1;
		if (parse_counters(p, arg) < 0)
			return -1;
		break;
	case O_WAIT:
		w = arg ? arg : optional_word(p);
		if (w && !num_scan_u64(w, &(uint64_t){ 0 }))
			return err_param(err, "wait seconds not numeric");
		p->wait_given = true;
		break;
	case O_WAIT_INTERVAL:
		if (parse_wait_interval(p, arg ? arg : optional_word(p)) < 0)
			return -1;
		fprintf(stderr, "Ignoring deprecated --wait-interval option.\n");
		p->wait_interval_given = true;
		break;
	case O_MODPROBE:
		break;
	case O_COMPAT:
		p->h->compat = true;
		break;
	case O_IPV4:
	case O_IPV6:
		if ((o->id == O_IPV4) == (p->h->family == NFPROTO_IPV4))
			break;
		/* the other family's flag: a restore input line for the other
		 * program, skipped; on the command line only the usage hint */
		if (p->h->restore_prog) {
			p->other_family = true;
			break;
		}
		return err_raw(err, EXIT_PARAM, "Try `%s -h' or '%s --help' for more information.\n",
			       p->h->prog, p->h->prog);
	default:
		break;
	}
	return 0;
}

static int core_option(struct parser *p, const struct core_option *o, const char *arg)
{
	if (o->id < O_PROTO)
		return command_option(p, o, arg);
	if (o->id < O_NUMERIC)
		return rule_option(p, o, arg);
	return run_option(p, o, arg);
}

/* a: an argument after its "--"; name: its name, as given (before any
 * "="), len long. */
static int parse_long_named(struct parser *p, const char *a, const char *name, size_t len)
{
	const char *eq = strchr(a, '=');
	const struct core_option *o;
	const char *arg = NULL;
	struct abbrev ab;
	bool ambiguous, done;

	if (ext_option(p, name, eq ? eq + 1 : NULL, &done) < 0)
		return -1;
	if (done)
		return 0;
	o = find_long(a, len, &ambiguous);
	if (!o || o->name[len] != '\0') {
		/* not a full name: a prefix of one option the command line
		 * knows now; or, failing any, of one of -p's match */
		abbrev_find(p, &ab, name, len);
		if (ab.n == 0 && p->rule->has_proto) {
			const struct extension *ext = proto_ext(p);

			if (ext)
				abbrev_ext(&ab, ext, NULL, name, len);
			if (ab.n == 1) {
				if (load_match(p, ext->name) < 0)
					return -1;
				ab.es = &p->seen[p->nseen - 1];
			}
		} else if (ab.n == 1 && ab.opt && ab.opt->has_arg && !eq && p->idx >= p->argc &&
			   proto_has_prefix(p, name, len)) {
			/* without its argument the reference reads the option
			 * again with -p's match added, which makes it
			 * ambiguous */
			ab.n = 2;
		}
		if (ab.n != 1)
			return err_param(&p->h->err, "unknown option \"--%s\"", a);
		if (ab.opt)
			return ext_apply(p, ab.es, ab.opt, name, eq ? eq + 1 : NULL);
		o = ab.core;
	}
	if (o->arg == ARG_REQUIRED) {
		if (eq)
			arg = eq + 1;
		else if (p->idx < p->argc)
			arg = p->argv[p->idx++];
		else
			return err_param(&p->h->err, "option \"--%s\" requires an argument",
					 name);
	} else if (eq) {
		if (o->arg == ARG_NONE)
			return err_param(&p->h->err, "option \"--%s\" doesn't allow an argument",
					 o->name);
		arg = eq + 1;
	}
	if (core_option(p, o, arg) < 0)
		return -1;
	p->invert = false;
	return 0;
}

static int parse_long(struct parser *p, const char *a)
{
	const char *eq = strchr(a, '=');
	size_t len = eq ? (size_t)(eq - a) : strlen(a);
	char *name = xmalloc(len + 1);
	int ret;

	str_copy(name, len + 1, a, len);
	ret = parse_long_named(p, a, name, len);
	free(name);
	return ret;
}

static int parse_shorts(struct parser *p, const char *a)
{
	/* after the other family's -4 or -6 nothing more of the line counts,
	 * not even the rest of its group */
	for (; *a && !p->other_family; a++) {
		const struct core_option *o = find_short(*a);
		const char *arg = NULL;

		if (!o)
			return err_param(&p->h->err, "unknown option \"-%c\"", *a);
		if (o->arg == ARG_REQUIRED) {
			if (a[1])
				arg = a + 1;
			else if (p->idx < p->argc)
				arg = p->argv[p->idx++];
			else
				return err_param(&p->h->err, "option \"-%c\" requires an argument",
						 *a);
		} else if (o->arg == ARG_OPTIONAL && a[1]) {
			arg = a + 1;
		}
		if (core_option(p, o, arg) < 0)
			return -1;
		p->invert = false;
		if (arg)
			break;
	}
	return 0;
}

static int check_options(struct parser *p)
{
	size_t i;
	int j;

	for (i = 0; i < ARRAY_SIZE(command_options); i++) {
		if (command_options[i].op != p->cmd->op)
			continue;
		for (j = 0; j < NUMBER_OF_OPT; j++)
			if ((p->opts_seen & (1u << j)) && command_options[i].legal[j] == 'x')
				return err_param(&p->h->err,
						 "Illegal option `%s' with this command",
						 opt_flag_names[j]);
	}
	return 0;
}

static int check_interfaces(struct parser *p)
{
	const char *chain = p->cmd->chain;

	if (!chain)
		return 0;
	if (p->rule->iniface[0] &&
	    (strcmp(chain, "OUTPUT") == 0 || strcmp(chain, "POSTROUTING") == 0))
		return err_param(&p->h->err, "Can't use -i with %s\n", chain);
	if (p->rule->outiface[0] &&
	    (strcmp(chain, "INPUT") == 0 || strcmp(chain, "PREROUTING") == 0))
		return err_param(&p->h->err, "Can't use -o with %s\n", chain);
	return 0;
}

static int check_one(struct parser *p, const struct ext_seen *es)
{
	struct parse_ctx ctx = { .ext = es->inst->ext, .rule = p->rule, .err = &p->h->err,
				 .table = p->cmd->table, .chain = p->cmd->chain,
				 .op = p->cmd->op, .compat = p->h->compat };

	return ext_opt_check(&ctx, es->inst->data, es->seen);
}

static int check_extensions(struct parser *p)
{
	unsigned i;

	for (i = 0; i < p->nseen; i++)
		if (check_one(p, &p->seen[i]) < 0)
			return -1;
	return p->target_seen.inst ? check_one(p, &p->target_seen) : 0;
}

static int finish_target(struct parser *p)
{
	struct rule *r = p->rule;

	if (!p->jump)
		return 0;
	if (p->is_goto) {
		r->verdict = VERDICT_GOTO;
		r->chain = xstrdup(p->jump);
		return 0;
	}
	if (r->verdict == VERDICT_TARGET)
		return 0;
	if (strcmp(p->jump, "ACCEPT") == 0)
		r->verdict = VERDICT_ACCEPT;
	else if (strcmp(p->jump, "DROP") == 0)
		r->verdict = VERDICT_DROP;
	else if (strcmp(p->jump, "RETURN") == 0)
		r->verdict = VERDICT_RETURN;
	else {
		r->verdict = VERDICT_JUMP;
		r->chain = xstrdup(p->jump);
	}
	return 0;
}

static struct rule *take_rule(struct parser *p)
{
	struct rule *r = p->rule;

	p->rule = rule_new(r->family);
	return r;
}

/* Expand -s/-d lists into one rule per combination. */
static int expand_rules(struct parser *p)
{
	struct addr_list srcs = { 0 }, dsts = { 0 };
	struct addr_mask any = { { 0 }, { 0 } };
	unsigned i, j, ns, nd;
	struct command *c = p->cmd;

	if (p->src_arg && parse_addresses(p->src_arg, p->h->family, &srcs, &p->h->err) < 0)
		return -1;
	if (p->dst_arg && parse_addresses(p->dst_arg, p->h->family, &dsts, &p->h->err) < 0) {
		addr_list_free(&srcs);
		return -1;
	}
	ns = srcs.n ? srcs.n : 1;
	nd = dsts.n ? dsts.n : 1;
	if ((ns > 1 && (p->rule->inv & INV_SRC)) || (nd > 1 && (p->rule->inv & INV_DST))) {
		addr_list_free(&srcs);
		addr_list_free(&dsts);
		return err_param(&p->h->err,
				 "! not allowed with multiple source or destination IP addresses");
	}
	if (c->op == OP_REPLACE && ns * nd > 1) {
		addr_list_free(&srcs);
		addr_list_free(&dsts);
		return err_param(&p->h->err, "Replacement rule does not specify a unique address");
	}
	c->rules = xzalloc(ns * nd * sizeof(*c->rules));
	for (i = 0; i < ns; i++) {
		for (j = 0; j < nd; j++) {
			/* the last combination takes the parsed rule itself */
			struct rule *r = i == ns - 1 && j == nd - 1 ? take_rule(p) : rule_clone(p->rule);

			r->src = srcs.n ? srcs.v[i] : any;
			r->dst = dsts.n ? dsts.v[j] : any;
			if (c->counters_given) {
				r->has_counters = true;
				r->pkts = c->pkts;
				r->bytes = c->bytes;
			}
			c->rules[c->nrules++] = r;
		}
	}
	addr_list_free(&srcs);
	addr_list_free(&dsts);
	return 0;
}

static bool op_takes_rule(enum cmd_op op)
{
	return op == OP_APPEND || op == OP_INSERT || op == OP_DELETE || op == OP_REPLACE ||
	       op == OP_CHECK;
}

static int validate_chain_name(struct parser *p)
{
	const char *name = p->cmd->chain;
	const struct extension *ext = ext_find(name, EXT_TARGET, p->h->family);

	if (strlen(name) >= CHAIN_NAME_MAX)
		return err_param(&p->h->err, "chain name `%s' too long (must be under %d chars)",
				 name, CHAIN_NAME_MAX);
	if (ext && ext->probe_xt)
		kfeat_xt_warn(&p->h->feat, ext, p->h->family, ext->name, ext->probe_rev, true);
	if (ext || ext_reference_target(name, p->h->family))
		return err_param(&p->h->err, "chain name may not clash with target name");
	if (name[0] == '-' || name[0] == '!')
		return err_param(&p->h->err, "chain name not allowed to start with `%c'",
				 name[0]);
	if (has_space(name))
		return err_param(&p->h->err, "Invalid chain name `%s'", name);
	return 0;
}

/* The reference refuses DROP anywhere in the nat table. */
static bool is_nat_drop(const struct parser *p)
{
	if (strcmp(p->cmd->table, "nat") != 0)
		return false;
	if (p->cmd->op == OP_POLICY)
		return p->cmd->arg && strcmp(p->cmd->arg, "DROP") == 0;
	return p->jump && !p->is_goto && strcmp(p->jump, "DROP") == 0;
}

static int parse_argv(struct parser *p)
{
	while (p->idx < p->argc && !p->other_family && p->cmd->op != OP_HELP) {
		const char *a = p->argv[p->idx++];

		if (strcmp(a, "!") == 0) {
			if (p->invert)
				return err_param(&p->h->err, "multiple consecutive ! not allowed");
			p->invert = true;
			continue;
		}
		/* getopt's end of options: the reference takes nothing after */
		if (strcmp(a, "--") == 0) {
			if (p->idx < p->argc)
				return err_param(&p->h->err, "unknown arguments found on commandline");
			break;
		}
		if (p->invert && a[0] == '-' && a[1] && a[1] != '-' && strchr("ACDIRLSFZNXEPVh", a[1]))
			return err_param(&p->h->err, "unexpected '!' flag");
		if (a[0] == '-' && a[1] == '-' && a[2]) {
			if (parse_long(p, a + 2) < 0)
				return -1;
			continue;
		}
		if (a[0] == '-' && a[1] && a[1] != '-') {
			if (parse_shorts(p, a + 1) < 0)
				return -1;
			continue;
		}
		return err_param_bare(&p->h->err, "Bad argument `%s'", a);
	}
	if (p->wait_interval_given && !p->wait_given)
		return err_param(&p->h->err, "--wait-interval only makes sense with --wait\n");
	return 0;
}

int cmd_parse(struct handle *h, int argc, char **argv, struct command *cmd)
{
	struct parser p = { .h = h, .cmd = cmd, .argc = argc, .argv = argv, .idx = 1 };
	int ret = -1;

	memset(cmd, 0, sizeof(*cmd));
	p.rule = rule_new(h->family);
	if (parse_argv(&p) < 0)
		goto out;
	if (p.other_family) {
		/* nothing to do: the line is the other family's */
		cmd->op = OP_NONE;
		ret = 0;
		goto out;
	}
	if (!cmd->table)
		cmd->table = xstrdup(h->restore_table ? h->restore_table : "filter");
	if (cmd->op == OP_HELP || cmd->op == OP_VERSION) {
		ret = 0;
		goto out;
	}
	if (cmd->op == OP_NONE) {
		err_param(&h->err, "no command specified");
		goto out;
	}
	/* a "!" that ends the line: after the matches' and target's own
	 * checks in a rule, as in the reference */
	if (p.invert && !op_takes_rule(cmd->op)) {
		err_param(&h->err, "nothing appropriate following !");
		goto out;
	}
	if (check_options(&p) < 0)
		goto out;
	if (cmd->chain && strlen(cmd->chain) >= CHAIN_NAME_MAX) {
		err_param(&h->err, "chain name `%s' too long (must be under %d chars)",
			  cmd->chain, CHAIN_NAME_MAX);
		goto out;
	}
	if (cmd->op == OP_NEW_CHAIN && validate_chain_name(&p) < 0)
		goto out;
	if (is_nat_drop(&p)) {
		err_param(&h->err, "\nThe \"nat\" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n");
		goto out;
	}
	/* accepted, and ignored as the reference does: by -P, which zeroes
	 * the policy counters, and by every command of ip6tables, whose
	 * rules the reference writes without the counters given */
	if (cmd->op == OP_POLICY || h->family == NFPROTO_IPV6) {
		cmd->counters_given = false;
		cmd->pkts = cmd->bytes = 0;
	}
	if (op_takes_rule(cmd->op)) {
		if (check_extensions(&p) < 0)
			goto out;
		if (p.invert) {
			err_param(&h->err, "nothing appropriate following !");
			goto out;
		}
		if (check_interfaces(&p) < 0)
			goto out;
		if (finish_target(&p) < 0)
			goto out;
		if (expand_rules(&p) < 0)
			goto out;
	}
	ret = 0;
out:
	free(p.seen);
	rule_free(p.rule);
	return ret;
}

void cmd_free(struct command *cmd)
{
	unsigned i;

	for (i = 0; i < cmd->nrules; i++)
		rule_free(cmd->rules[i]);
	free(cmd->rules);
	free(cmd->table);
	free(cmd->chain);
	free(cmd->arg);
	free(cmd->help);
	memset(cmd, 0, sizeof(*cmd));
}
