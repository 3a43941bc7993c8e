/* The fuzz targets: each takes one input and never talks to a kernel.
 * entry.c makes a libFuzzer binary of one of them; replay.c (the unit
 * test fuzz_replay_test) runs them over the committed corpora. Both call
 * rt_sandbox (rtlib.h) first. */
#ifndef IPTNFT_FUZZ_H
#define IPTNFT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

struct rule;

/* The iptables command line: the input is argv, words separated by NUL
 * bytes; a first word starting with "ip6tables" picks IPv6. Every rule
 * the parser yields goes through fuzz_rule. */
int fuzz_cmdline(const uint8_t *data, size_t size);

/* A whole iptables-restore input, read by the restore front end's own
 * line parser (restore_parse). When the first line is a comment, a '6'
 * in it picks ip6tables-restore and a 'c' its -c; the comment itself
 * is read as any other. Every rule parsed goes through fuzz_rule. */
int fuzz_restore(const uint8_t *data, size_t size);

/* What a parsed rule goes through: cloned (as -C/-D and restore keep
 * it), written in both layouts into a netlink message, read back by
 * libnftnl and delinearized, and printed in every text form. Aborts
 * when the clone prints differently or libnftnl refuses our message.
 * (Whether a rule reads back as it was written is roundtrip_test's
 * question: some rules are written so that the kernel refuses them, as
 * it refuses the reference's, and never come back.) */
void fuzz_rule(const struct rule *r, const char *table, const char *chain);

/* Rules of one command that go through fuzz_rule: "-s" and "-d" lists
 * multiply into thousands of rules alike, all built by code the first
 * ones already ran; more would only make inputs time out. */
#define FUZZ_RULES_PER_COMMAND 16

#endif
