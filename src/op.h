/* What a command does and what it was given: the parsers fill it, the
 * commands (cmd.c, list.c) run it, and the error texts and the extensions
 * word some messages after its op. */
#ifndef IPTNFT_OP_H
#define IPTNFT_OP_H

enum cmd_op {
	OP_NONE,
	OP_APPEND,
	OP_INSERT,
	OP_DELETE,
	OP_DELETE_NUM,
	OP_REPLACE,
	OP_CHECK,
	OP_LIST,
	OP_LIST_RULES,
	OP_FLUSH,
	OP_ZERO,
	OP_NEW_CHAIN,
	OP_DELETE_CHAIN,
	OP_RENAME_CHAIN,
	OP_POLICY,
	OP_VERSION,
	OP_HELP,
};

#include <stdbool.h>
#include <stdint.h>

struct rule;

struct command {
	enum cmd_op op;
	bool zero_after_list;	/* -L -Z */
	char *table;
	char *chain;
	char *arg;		/* -E new name, -P policy */
	unsigned rulenum;	/* -I/-R/-D/-L/-S/-Z n; 0 when not given */
	unsigned fmt;		/* enum print_fmt */
	bool counters_given;	/* -c */
	uint64_t pkts, bytes;
	struct rule **rules;	/* one per -s/-d combination */
	unsigned nrules;
	char *help;		/* -h: the extensions' sections */
};

#endif
