/* Fuzz target: the iptables command-line parser (fuzz.h). */
#include <config.h>

#include <linux/netfilter.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fuzz.h"
#include "util.h"

/* More than any real command line; longer inputs say nothing new. */
#define MAX_INPUT (1 << 20)

/* Cut text (len bytes and a NUL after them) into words at its NULs;
 * argv gets room for them all and a final NULL. Returns argc. */
static int split_nul(char *text, size_t len, char ***argvp)
{
	size_t i, n = 1;
	char **argv;
	int argc = 0;

	for (i = 0; i < len; i++)
		n += text[i] == '\0';
	argv = xmalloc((n + 2) * sizeof(*argv));
	for (i = 0; i <= len; i += strlen(text + i) + 1)
		argv[argc++] = text + i;
	argv[argc] = NULL;
	*argvp = argv;
	return argc;
}

int fuzz_cmdline(const uint8_t *data, size_t size)
{
	struct handle h = { 0 };
	struct command cmd;
	char *text, **argv;
	unsigned i;
	int argc;

	if (size == 0 || size > MAX_INPUT)
		return 0;
	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	argc = split_nul(text, size, &argv);
	if (strncmp(argv[0], "ip6tables", 9) == 0) {
		h.family = NFPROTO_IPV6;
		h.prog = "ip6tables";
	} else {
		h.family = NFPROTO_IPV4;
		h.prog = "iptables";
	}
	if (cmd_parse(&h, argc, argv, &cmd) == 0) {
		for (i = 0; i < cmd.nrules && i < FUZZ_RULES_PER_COMMAND; i++)
			fuzz_rule(cmd.rules[i], cmd.table ? cmd.table : "filter",
				  cmd.chain ? cmd.chain : "INPUT");
	}
	cmd_free(&cmd);
	free(argv);
	free(text);
	return 0;
}
