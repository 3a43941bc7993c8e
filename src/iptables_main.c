/* The iptables / ip6tables personality: parse, run, report. */
#include <config.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "frontends.h"

static void print_version(const struct handle *h)
{
	printf("%s v%s (nf_tables)\n", h->prog, IPTABLES_COMPAT_VERSION);
	printf("iptnft %s: native nf_tables expressions, batched netlink transactions\n",
	       PACKAGE_VERSION);
}

static void print_help(const struct handle *h, const struct command *cmd)
{
	printf("%s v%s (nf_tables) -- iptnft %s\n\n", h->prog, IPTABLES_COMPAT_VERSION,
	       PACKAGE_VERSION);
	printf("Usage: %s -[ACD] chain rule-specification [options]\n"
	       "       %s -I chain [rulenum] rule-specification [options]\n"
	       "       %s -R chain rulenum rule-specification [options]\n"
	       "       %s -D chain rulenum [options]\n"
	       "       %s -[LS] [chain [rulenum]] [options]\n"
	       "       %s -[FZ] [chain] [options]\n"
	       "       %s -[NX] chain\n"
	       "       %s -E old-chain-name new-chain-name\n"
	       "       %s -P chain target [options]\n"
	       "       %s -h (print this help information)\n\n",
	       h->prog, h->prog, h->prog, h->prog, h->prog, h->prog, h->prog, h->prog,
	       h->prog, h->prog);
	fputs("Commands:\n"
	      "  --append  -A chain            append to chain\n"
	      "  --check   -C chain            check for the existence of a rule\n"
	      "  --delete  -D chain            delete matching rule from chain\n"
	      "  --delete  -D chain rulenum    delete rule rulenum (1 = first)\n"
	      "  --insert  -I chain [rulenum]  insert in chain as rulenum (default 1)\n"
	      "  --replace -R chain rulenum    replace rule rulenum (1 = first)\n"
	      "  --list    -L [chain [rulenum]] list the rules in a chain or all chains\n"
	      "  --list-rules -S [chain [rulenum]] print the rules as commands\n"
	      "  --flush   -F [chain]          delete all rules in chain or all chains\n"
	      "  --zero    -Z [chain [rulenum]] zero counters (with -L: after listing)\n"
	      "  --new     -N chain            create a new user-defined chain\n"
	      "  --delete-chain -X [chain]     delete a chain (if none: all user-defined\n"
	      "                                and empty built-in ones)\n"
	      "  --policy  -P chain target     set the policy of a built-in chain\n"
	      "  --rename-chain -E old new     rename a chain\n\n"
	      "Options:\n"
	      "  [!] --protocol -p proto       protocol by number or name, or `all'\n"
	      "  [!] --source -s address[/mask][,...]\n"
	      "  [!] --destination -d address[/mask][,...]\n"
	      "  [!] --in-interface -i name[+] input interface (+ is a wildcard)\n"
	      "  [!] --out-interface -o name[+] output interface\n"
	      "  [!] --fragment -f             second and later fragments only\n"
	      "  --jump -j target              ACCEPT, DROP, RETURN, a chain or a target\n"
	      "  --goto -g chain               continue in chain without return\n"
	      "  --match -m match              load a match (see iptables-extensions(8))\n"
	      "  --table -t table              filter (default), nat, mangle, raw, security\n"
	      "  --numeric -n                  numeric addresses and ports\n"
	      "  --verbose -v                  verbose output\n"
	      "  --exact -x                    exact counter values\n"
	      "  --line-numbers                print rule numbers when listing\n"
	      "  --set-counters -c pkts bytes  set counters of a rule\n"
	      "  --compat                      write rules in iptables-nft's own layout\n"
	      "  --wait -w [s], --wait-interval -W us, --modprobe cmd\n"
	      "                                accepted; iptnft needs no lock\n"
	      "  --version -V                  print the version\n", stdout);
	if (cmd->help)
		fputs(cmd->help, stdout);
}

int iptables_main(uint8_t family, int argc, char **argv)
{
	struct handle h;
	struct command cmd;
	const char *dbg = getenv("IPTNFT_DEBUG");
	int ret = 0;

	handle_init(&h, family);
	h.prog = family == NFPROTO_IPV6 ? "ip6tables" : "iptables";
	h.debug_netlink = dbg && strstr(dbg, "netlink");
	h.debug_index = dbg && strstr(dbg, "index");
	h.debug_rcvbuf = dbg && strstr(dbg, "rcvbuf");
	h.debug_walk = debug_walk_flags(dbg);
	h.compat = compat_from_env();
	if (cmd_parse(&h, argc, argv, &cmd) < 0) {
		ret = err_report(&h.err, h.prog);
		goto out;
	}
	switch (cmd.op) {
	case OP_HELP:
		print_help(&h, &cmd);
		break;
	case OP_VERSION:
		print_version(&h);
		break;
	default:
		if (cmd_run(&h, &cmd) < 0)
			ret = err_report(&h.err, h.prog);
		break;
	}
out:
	if (h.debug_netlink)
		fprintf(stderr, "iptnft: netlink messages received: %lu\n", h.nl.rx_msgs);
	handle_close(&h);
	cmd_free(&cmd);
	return ret;
}
