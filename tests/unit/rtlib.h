/* A rule through netlink and back, without a kernel: shared by the unit
 * tests and the fuzzers. */
#ifndef IPTNFT_TESTS_RTLIB_H
#define IPTNFT_TESTS_RTLIB_H

#include <stdbool.h>

#include "rule.h"

/* r linearized (compat: in the reference's layout) into the NEWRULE
 * message a command would send to table and chain, turned into what a
 * dump of that rule would hand over, parsed by libnftnl and read back,
 * anonymous sets included.
 * NULL if libnftnl refuses the message; the caller frees the rule. */
/* Does r fit in one rule message? (One that does not is never sent: the
 * command fails as the reference's does, which tests/bounds.bats checks.) */
bool rt_fits(const struct rule *r, const char *table, const char *chain, bool compat);
struct rule *rt_through_netlink(const struct rule *r, const char *table, const char *chain,
				bool compat);

/* r's message as a dump hands it over, then that message spoiled every
 * way a byte pair can spoil it (each 16-bit word set to 0, 4 and 0xffff:
 * lengths, types, values) and cut short at every 4 bytes, each read back
 * and printed (-S and -L -v -n) where all its expressions are read by
 * iptnft's own reader. A fault is the failure (the sanitizers report
 * it); returns how many spoiled messages were read. */
unsigned rt_mangled(const struct rule *r, const char *table, const char *chain);

/* Call once, first: from then on the process may open no socket but
 * AF_UNIX ones, so that no test input reaches a kernel's ruleset
 * (NFQUEUE's nft_queue probe, say) or the network (name lookups). */
void rt_sandbox(void);

#endif
