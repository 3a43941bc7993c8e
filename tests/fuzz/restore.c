/* Fuzz target: the iptables-restore input parser (fuzz.h). */
#include <config.h>

#include <linux/netfilter.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "frontends.h"
#include "fuzz.h"

#define MAX_INPUT (1 << 22)

static void visit(void *opaque, const char *table, unsigned lineno, const char *text,
		  const struct command *cmd)
{
	unsigned i;

	(void)opaque;
	(void)lineno;
	(void)text;
	for (i = 0; i < cmd->nrules && i < FUZZ_RULES_PER_COMMAND; i++)
		fuzz_rule(cmd->rules[i], table, cmd->chain ? cmd->chain : "INPUT");
}

int fuzz_restore(const uint8_t *data, size_t size)
{
	bool ip6 = false, counters = false;
	FILE *in;
	size_t i;

	if (size == 0 || size > MAX_INPUT)
		return 0;
	for (i = 0; data[0] == '#' && i < size && data[i] != '\n'; i++) {
		ip6 |= data[i] == '6';
		counters |= data[i] == 'c';
	}
	in = fmemopen((void *)data, size, "r");
	if (!in)
		return 0;
	restore_parse(ip6 ? NFPROTO_IPV6 : NFPROTO_IPV4, in, counters, visit, NULL);
	fclose(in);
	return 0;
}
