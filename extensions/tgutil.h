/* What the target extensions (REJECT, LOG, NAT, CT, ...) share: where a
 * target may stand, how the reference quotes strings in its output, the
 * log prefix, and small readers for the statements a target leaves in a
 * rule. */
#ifndef IPTNFT_EXT_TGUTIL_H
#define IPTNFT_EXT_TGUTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "expr.h"
#include "ext.h"
#include "util.h"

/* Hook bits for tg_misplaced */
#define TG_PRE (1u << 0)	/* NF_INET_PRE_ROUTING */
#define TG_IN (1u << 1)		/* NF_INET_LOCAL_IN */
#define TG_FWD (1u << 2)	/* NF_INET_FORWARD */
#define TG_OUT (1u << 3)	/* NF_INET_LOCAL_OUT */
#define TG_POST (1u << 4)	/* NF_INET_POST_ROUTING */
#define TG_ANY_HOOK 0x1fu

/* Does the reference's kernel refuse the target where the rule being
 * written goes (the table and chain c->nr names)? The target serves only
 * table (NULL: every table) and, in built-in chains, only the hooks in
 * hooks; user chains are checked when a rule jumps to them. Asked when
 * writing, not when parsing: a restore line learns its table late. */
bool tg_misplaced(const struct lin_ctx *c, const char *table, unsigned hooks);

/* The reference's xt targets are refused by the kernel where they do not
 * belong ("RULE_APPEND failed (Invalid argument)", exit 4, for -A, -I,
 * -R and restore alike; nothing for -C and -D, which never send the
 * rule). Native expressions are valid in more places, so a target that
 * tg_misplaced() put in the wrong place writes this instead: an
 * immediate without data, which the kernel refuses with EINVAL at the
 * same point of the same command. */
void tg_lin_refuse(struct lin_ctx *c);

/* " word" or " \"quoted \\\"word\\\"\"": the reference leaves a string
 * bare when it is made of letters, digits, '_' and '-' only, and quotes
 * it otherwise, with a backslash before '"', '\\' and '\''. */
void tg_save_string(struct strbuf *out, const char *s);

/* The prefix of LOG, NFLOG and ULOG as the reference takes it: at least
 * one character, no newline ("Newlines not allowed in --OPT": NFLOG's
 * message names --log-prefix too); at most keep of them are stored in
 * dst (which holds keep + 1 bytes), the rest silently dropped. */
int tg_parse_log_prefix(struct ipt_error *err, const char *opt, const char *arg, char *dst,
			size_t keep);

/* Is it the statement named name (an ITEM_STMT of that expression)? */
bool tg_stmt(const struct item *it, const char *name);
/* The value of immediate data a statement read from the register named
 * by attribute attr, as len bytes; false if the register held none. */
bool tg_reg_data(const struct item *it, uint16_t attr, void *out, uint32_t len);

/* The info blob of the reference's xt compat target name at item it, if
 * its revision is rev and it holds at least len bytes; NULL otherwise. */
const void *tg_xt_blob(const struct item *it, const char *name, uint32_t rev, uint32_t len);

/* --compat: out holds the reference's blob of revision rev, len bytes
 * of info padded with zeros to the 8 bytes xt blobs are aligned to. */
enum compat_res tg_compat_blob(struct xt_out *out, uint32_t rev, const void *info, size_t len);

/* Append a new immediate load of len bytes of data into reg. */
void tg_lin_imm(struct lin_ctx *c, uint32_t reg, const void *data, uint32_t len);

#endif
