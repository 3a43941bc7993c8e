/* One binary, many names: argv[0] picks the family and the front end. */
#include <config.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "frontends.h"

static const struct {
	const char *name;
	uint8_t family;
	int (*main)(uint8_t family, int argc, char **argv);
} personalities[] = {
	{ "iptables", NFPROTO_IPV4, iptables_main },
	{ "iptables-nft", NFPROTO_IPV4, iptables_main },
	{ "ip6tables", NFPROTO_IPV6, iptables_main },
	{ "ip6tables-nft", NFPROTO_IPV6, iptables_main },
	{ "iptables-save", NFPROTO_IPV4, save_main },
	{ "iptables-nft-save", NFPROTO_IPV4, save_main },
	{ "ip6tables-save", NFPROTO_IPV6, save_main },
	{ "ip6tables-nft-save", NFPROTO_IPV6, save_main },
	{ "iptables-restore", NFPROTO_IPV4, restore_main },
	{ "iptables-nft-restore", NFPROTO_IPV4, restore_main },
	{ "ip6tables-restore", NFPROTO_IPV6, restore_main },
	{ "ip6tables-nft-restore", NFPROTO_IPV6, restore_main },
	{ "iptables-translate", NFPROTO_IPV4, translate_main },
	{ "ip6tables-translate", NFPROTO_IPV6, translate_main },
	{ "iptables-restore-translate", NFPROTO_IPV4, restore_translate_main },
	{ "ip6tables-restore-translate", NFPROTO_IPV6, restore_translate_main },
	{ "xtables-monitor", NFPROTO_UNSPEC, monitor_main },
	{ "xtables-nft-monitor", NFPROTO_UNSPEC, monitor_main },
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int usage(void)
{
	size_t i;

	printf("iptnft %s: iptables on native nf_tables\n"
	       "usage: iptnft graph [ARGS...] (the ruleset as Graphviz DOT),\n"
	       "       iptnft trace [ARGS...] MATCH... (follow matching packets),\n"
	       "       iptnft NAME [ARGS...],\n"
	       "or call it as one of:", PACKAGE_VERSION);
	for (i = 0; i < sizeof(personalities) / sizeof(personalities[0]); i++)
		printf(" %s", personalities[i].name);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *name = base_name(argv[0]);
	size_t i;

	if (strcmp(name, "iptnft") == 0) {
		if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
			return usage();
		argv++;
		argc--;
		name = base_name(argv[0]);
		/* iptnft's own commands, under no other name */
		if (strcmp(name, "graph") == 0)
			return graph_main(NFPROTO_IPV4, argc, argv);
		if (strcmp(name, "trace") == 0)
			return trace_main(NFPROTO_IPV4, argc, argv);
	}
	for (i = 0; i < sizeof(personalities) / sizeof(personalities[0]); i++)
		if (strcmp(name, personalities[i].name) == 0)
			return personalities[i].main(personalities[i].family, argc, argv);
	fprintf(stderr, "iptnft: unknown personality `%s'\n", name);
	return 1;
}
