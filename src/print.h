/* Text forms of rules and chains: -L columns and -S / save lines. */
#ifndef IPTNFT_PRINT_H
#define IPTNFT_PRINT_H

#include <stdbool.h>
#include <stdint.h>

#include "rule.h"
#include "util.h"

/* "-A CHAIN <spec>" (without newline); with counters " -c p b" before
 * the target as -S -v prints it. */
void print_rule_save(struct strbuf *out, const struct rule *r, const char *chain,
		     bool counters);
/* The rule spec alone (what follows "-A CHAIN"); for comparisons too. */
void print_rule_spec(struct strbuf *out, const struct rule *r, bool counters);

void print_list_header(struct strbuf *out, unsigned fmt);
void print_list_rule(struct strbuf *out, const struct rule *r, unsigned num, unsigned fmt);
void print_chain_title(struct strbuf *out, const char *name, const char *policy,
		       uint64_t pkts, uint64_t bytes, int refs, unsigned fmt);

/* The one-line form -v prints for a rule being added or deleted. */
void print_rule_verbose(struct strbuf *out, const struct rule *r);

/* Address forms used by extensions too. */
void print_addr_save(struct strbuf *out, const struct addr_mask *am, uint8_t family);
void print_addr_list(struct strbuf *out, const struct addr_mask *am, uint8_t family,
		     bool numeric);
/* A counter as -L prints it: exact, or scaled with K/M/G/T. */
void print_count(struct strbuf *out, uint64_t n, unsigned fmt, int width);

#endif
