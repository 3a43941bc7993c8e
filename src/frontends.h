/* Entry points of the front ends main() dispatches to. */
#ifndef IPTNFT_FRONTENDS_H
#define IPTNFT_FRONTENDS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

int iptables_main(uint8_t family, int argc, char **argv);
int save_main(uint8_t family, int argc, char **argv);
int restore_main(uint8_t family, int argc, char **argv);
/* iptnft graph: the live ruleset as Graphviz DOT */
int graph_main(uint8_t family, int argc, char **argv);
/* iptnft trace: follow matching packets through the ruleset */
int trace_main(uint8_t family, int argc, char **argv);
/* xtables-monitor: ruleset events and packet traces */
int monitor_main(uint8_t family, int argc, char **argv);
/* iptables-translate: one command as nft commands */
int translate_main(uint8_t family, int argc, char **argv);
/* iptables-restore-translate: a restore file as an nft script */
int restore_translate_main(uint8_t family, int argc, char **argv);

struct command;
/* What restore_parse hands its visitor, line by line: each command of a
 * table block with the line's text (after the line's counters); each
 * chain line as the command it amounts to (OP_NEW_CHAIN for a chain of
 * the user's, OP_POLICY for a built-in one, its policy in arg: "-" keeps
 * it); and the start of each block as OP_NONE, with the "*table" line. */
typedef void restore_visit_fn(void *opaque, const char *table, unsigned lineno,
			      const char *text, const struct command *cmd);
/* Read a restore input as iptables-restore does (with -c: counters),
 * without a kernel: every line of every table block goes through the
 * real line parsers and each parsed command is handed to visit, which
 * keeps nothing of it. Errors are reported as iptables-restore reports
 * them; returns the exit status it would give for them, or 0. For the
 * translator, the fuzzer and the round-trip test. */
int restore_parse(uint8_t family, FILE *in, bool counters, restore_visit_fn *visit,
		  void *opaque);

#endif
