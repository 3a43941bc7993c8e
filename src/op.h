/* What a command does: the parsers, the error texts and the extensions
 * word some messages after it. */
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

#endif
