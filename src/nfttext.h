/* nft syntax for a rule's expressions: the translate tools print what
 * iptnft would put in the kernel, read off the linearized rule, so the
 * text and the rule cannot drift apart. */
#ifndef IPTNFT_NFTTEXT_H
#define IPTNFT_NFTTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct nftnl_rule;
struct aset_list;

/* Append the nft text of nr's expressions (and its comment) to out:
 * "ip saddr 192.0.2.1 counter accept". sets holds the anonymous sets
 * the rule looks up. Returns true when every expression has nft syntax
 * that nft turns back into the same expression; false when one has none
 * (an xt compat blob, say), and out is then incomplete. */
bool nft_rule_text(struct strbuf *out, struct nftnl_rule *nr, uint8_t family,
		   const struct aset_list *sets);

struct rule;
/* Room to linearize rules in, kept from one rule to the next. */
struct nft_xlate {
	char *buf;
};
void nft_xlate_init(struct nft_xlate *x);
void nft_xlate_free(struct nft_xlate *x);
/* The same for rule r as iptables would write it into table and chain
 * (native expressions; no kernel asked); the objects the rule needs made
 * first (a ct helper) go to objs as whole nft commands, a line each,
 * each after lead. */
bool nft_rule_text_of(struct nft_xlate *x, struct strbuf *out, struct strbuf *objs,
		      const char *lead, const struct rule *r, const char *table,
		      const char *chain);

/* Append name, a chain's or a table's, as nft reads one: bare (nft takes
 * no quotes there). false when nft would not read it as that name: a
 * keyword ("counter"), or a character its names cannot hold. */
bool nft_name(struct strbuf *out, const char *name);

#endif
