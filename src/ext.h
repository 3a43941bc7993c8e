/* The extension interface: every match and target lives in one file in
 * extensions/ and is described by one struct extension. */
#ifndef IPTNFT_EXT_H
#define IPTNFT_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "util.h"

struct lin_ctx;
struct delin_ctx;
struct rule;
struct nftnl_obj;

enum ext_kind { EXT_MATCH, EXT_TARGET };

enum compat_res { COMPAT_NATIVE, COMPAT_XT, COMPAT_DONE };

/* Room for what udata_save may keep, NUL included. */
#define UDATA_EXTRA_MAX 32

/* Room for the largest xt info blob an extension writes. */
#define XT_INFO_MAX 1024

/* An xt compat expression as the reference writes it: the match or
 * target name (the extension's own unless changed), its revision and
 * the info blob (struct xt_*_info of linux/netfilter/xt_*.h). */
struct xt_out {
	char name[32];
	uint32_t rev;
	uint32_t len;
	uint8_t info[XT_INFO_MAX] __attribute__((aligned(8)));
};

enum ext_family {
	EXT_IPV4 = 1 << 0,
	EXT_IPV6 = 1 << 1,
	EXT_BOTH = EXT_IPV4 | EXT_IPV6,
};

/*
 * An extension's options are data: a table of struct ext_opt that one
 * walker (src/extopt.c) reads to parse each option, store its value in
 * the instance's data and check the options as a whole, with the
 * reference's messages. Only what no type describes goes to the
 * extension's parse and check functions.
 */
enum opt_type {
	OT_CUSTOM,	/* ext->parse reads it (has_arg: it takes a word) */
	OT_FLAG,	/* no argument: the destination, if any, is set to 1,
			 * or gains the bits of max if max is not 0 */
	OT_UINT,	/* an unsigned number as strtoul base 0 reads it (010 is
			 * octal, 0x10 hex) in [min, max]; max 0: what fits */
	OT_UINT_RANGE,	/* N, N:M, N: or :M: two numbers of size bytes each,
			 * the second right after the first (N alone: M = N) */
	OT_MARKMASK,	/* value[/mask]: two u32, mask all ones by default */
	OT_STRING,	/* char[size]; at most max characters (0: size - 1), at
			 * least min */
	OT_ENUM,	/* a word syms names (OF_NOCASE, OF_LIST, OF_NUM), its
			 * value in size bytes; an unknown word gets the
			 * message bad */
	OT_PROTO,	/* a protocol as -p reads it (name or number) */
	OT_HOSTMASK,	/* host[/mask] of the rule's family as
			 * xt_parse_hostmask reads it: 16 bytes of address,
			 * then 16 of mask */
	OT_PORT_RANGE,	/* port[:port] as xt_parse_port_range reads it
			 * (service names too): two u16, host order */
};

enum opt_flags {
	OF_INV = 1 << 0,	/* may follow a '!' */
	OF_MAND = 1 << 1,	/* must be given */
	OF_MULTI = 1 << 2,	/* may be given again (the last one counts, or
				 * parse decides) */
	OF_TWO_ARGS = 1 << 3,	/* takes the next word too (ctx->arg2) */
	OF_NOINV_XT = 1 << 4,	/* a '!' before it gets "cannot be inverted"
				 * rather than "unexpected ! flag", and only
				 * once a repeat has been refused, as the
				 * reference's xt options do */
	OF_NOEMPTY = 1 << 5,	/* OT_STRING: an empty string is refused */
	OF_TRUNC = 1 << 6,	/* OT_STRING: a longer string is cut to max
				 * characters rather than refused */
	OF_TWO_ARGS_BARE = 1 << 7,	/* with OF_TWO_ARGS: "requires two args"
					 * without the full stop (sctp) */
	OF_NEXT_WORD = 1 << 8,	/* OT_CUSTOM without has_arg: takes the next
				 * word too when there is one that is no
				 * option and no '!' (parse gets NULL
				 * otherwise), as rateest's values */
	OF_INV_HIDDEN = 1 << 9,	/* with OF_INV: -h shows no "[!] " before it,
				 * as the reference's help does not */
	OF_NOCASE = 1 << 10,	/* OT_ENUM: a word in any case */
	OF_LIST = 1 << 11,	/* OT_ENUM: words separated by commas, each
				 * one a symbol, their values OR'ed into the
				 * destination; an unknown word is reported
				 * with the rest of the list */
	OF_LIST_TOK = 1 << 12,	/* with OF_LIST: empty words are skipped, and
				 * an unknown one is reported with the whole
				 * argument (the reference's strtok lists) */
	OF_NUM = 1 << 13,	/* OT_ENUM: a word no symbol names may be a
				 * number in [min, max] */
	OF_PREFIX = 1 << 14,	/* OT_ENUM: a word that starts with a symbol's
				 * name is that symbol, the first such in the
				 * table ("EF123" is EF, as the reference's
				 * DiffServ classes are read) */
};

/* A word an OT_ENUM option takes and the value it stands for. A value
 * may have several names: the first one in the table is printed. */
struct ext_sym {
	const char *name;
	uint32_t value;
};

/* The byte offset + 1 of a field in an extension's data (0: none), and
 * its size, for an ext_opt's destination. */
#define OPT_DST(type, field) \
	.dst = offsetof(type, field) + 1, .size = sizeof(((type *)0)->field)
/* Where a '!' before the option is stored (a bool), likewise. */
#define OPT_INVDST(type, field) .inv_dst = offsetof(type, field) + 1

/* One long option an extension accepts. */
struct ext_opt {
	const char *name;
	uint8_t id;		/* bit of 'seen'; aliases share one, and the
				 * walker's messages name the first of them */
	uint8_t type;		/* enum opt_type */
	uint8_t size;		/* bytes of the destination (of each half) */
	uint16_t flags;		/* enum opt_flags */
	uint16_t dst;		/* offset + 1 of the value in data, 0: none */
	uint16_t inv_dst;	/* offset + 1 of a bool set by '!', 0: none */
	uint32_t excl;		/* ids this option cannot be given with */
	uint32_t also;		/* ids this option needs */
	uint64_t min, max;	/* OT_UINT, OT_UINT_RANGE, OT_STRING (lengths),
				 * OT_ENUM with OF_NUM, OT_FLAG (max: the bits
				 * it sets) */
	/* OT_ENUM: the words (NULL-name terminated), and the message for
	 * one that is none of them, a format with one %s, the word (NULL:
	 * "EXT: Bad value for "--OPT" option: "WORD"") */
	const struct ext_sym *syms;
	const char *bad;
	/* -h text: the argument's name ("value[/mask]"; both words of a
	 * two-word option: "mask comp") and what it does, in a line */
	const char *help_arg;
	const char *help;
	/* OT_CUSTOM: whether the option takes a word (the others know) */
	bool has_arg;
};

/* Whether the option reads a word, may follow '!', may come again, or
 * reads a second word. */
bool ext_opt_has_arg(const struct ext_opt *o);
bool ext_opt_invertible(const struct ext_opt *o);
bool ext_opt_multi(const struct ext_opt *o);
bool ext_opt_two_args(const struct ext_opt *o);

/* What an option parser may look at and how it reports problems. */
struct parse_ctx {
	const struct extension *ext;	/* whose option it is */
	const struct rule *rule;	/* base fields parsed so far */
	struct ipt_error *err;
	const char *table;
	const char *chain;
	const char *arg2;		/* second word of an OF_TWO_ARGS option */
	unsigned seen;			/* ids of the options given before this one */
	int op;				/* enum cmd_op of the command being parsed */
	/* --compat: the rule is written in the reference's layout, so forms
	 * with no native expression but an xt blob are fine. Known for sure
	 * only in check (the option may follow the extension's options). */
	bool compat;
};

/* Formatting flags for -L. */
enum print_fmt {
	FMT_NUMERIC = 1 << 0,
	FMT_VERBOSE = 1 << 1,
	FMT_EXACT = 1 << 2,
	FMT_LINENUM = 1 << 3,
};

struct strbuf;

struct extension {
	const char *name;
	enum ext_kind kind;
	unsigned families;	/* enum ext_family */
	size_t size;		/* bytes of per-instance data */
	const struct ext_opt *opts;	/* NULL-name terminated */
	/* Optional: what tells twins apart (ttl and hl, SNAT and DNAT, ...),
	 * one implementation serving two descriptions; the callbacks find it
	 * through their context's ext. */
	const void *desc;
	/* the reference reads two of these in a row, each with options, back
	 * as one (tcp, udp: their fields are separate payload tests) */
	bool merge_repeats;
	/* Optional, with merge_repeats: fold from into into where every test
	 * both make is the same test (true), or leave into as it is (false):
	 * a repeat that narrows nothing reads as the one match the reference
	 * lists, a repeat with other values stays a match of its own */
	bool (*merge)(void *into, const void *from);
	/* Optional: -h names the extension so (the reference's name where
	 * ours differs: icmp6 is "icmpv6"), and adds what help prints after
	 * the options (the ICMP type names) */
	const char *help_title;
	void (*help)(struct strbuf *out);

	/* Optional: the defaults of an instance the command line is about to
	 * fill (data is zeroed ext->size bytes). Rules read from the kernel
	 * get everything from there. */
	void (*init)(void *data, uint8_t family);
	/* Parse one option; inv says a '!' preceded it. Returns 0 or -1 with
	 * ctx->err set. */
	int (*parse)(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv);
	/* Check the options as a whole once the command line is read;
	 * seen has bit (1 << id) for each option given. */
	int (*check)(struct parse_ctx *ctx, void *data, unsigned seen);

	/* Emit expressions; mirror image of delinearize. */
	void (*linearize)(struct lin_ctx *ctx, const void *data);
	/* Claim items at the cursor; returns true and advances if they are
	 * this extension's. data is zeroed ext->size bytes. */
	bool (*delinearize)(struct delin_ctx *ctx, void *data);

	/* Optional: the reference's own layout for --compat. Either fills
	 * out (name preset to the extension's) and returns COMPAT_XT, when
	 * the reference writes this instance as an xt blob; or emits the
	 * reference's native expressions through c and returns COMPAT_DONE;
	 * or returns COMPAT_NATIVE when linearize writes what the reference
	 * writes. Without it, the reference's layout is the native one. */
	enum compat_res (*compat)(struct lin_ctx *c, const void *data, struct xt_out *out);
	/* Optional: whether this instance (in rule r) has no native form,
	 * nf_tables having no expression that does what the xt extension
	 * does; compat then writes it in native mode too, per rule, where
	 * the reference accepts it and iptnft must not refuse it. */
	bool (*xt_only)(const void *data, const struct rule *r);

	/* Optional: free or deep-copy what data points to. */
	void (*destroy)(void *data);
	void (*clone)(void *dst, const void *src);
	/* Optional: whether two instances are the same rule part to -C and
	 * -D (the reference compares what it would write to the kernel).
	 * Without it, the instances' data are compared byte for byte: parse
	 * and delinearize must then leave equal data for equal rules. */
	bool (*equal)(const void *a, const void *b);
	/* The reference's -C and -D compare none of this match's bytes: any
	 * instance is the same as any other (equal is not called), and a
	 * rule holding one is never looked up by the digest of its bytes. */
	bool equal_any;
	/* Optional: the comment a match keeps in rule userdata, and back. */
	const char *(*comment)(const void *data);
	void (*from_comment)(void *data, const char *comment);

	/* Optional: what a match keeps in rule userdata because no expression
	 * holds it (the kernel ignores it, or cannot hold it whole): at most
	 * size - 1 characters, none of them ',', into buf (left empty when
	 * there is nothing to keep); given back to udata_load after
	 * delinearize. */
	void (*udata_save)(const void *data, char *buf, size_t size);
	void (*udata_load)(void *data, const char *text);

	/* Optional: a kernel object the rule refers to by name (a target's
	 * ct helper), created in the same batch just before the rule.
	 * Returned allocated without table and family, which the caller
	 * sets; the caller frees it. NULL when the rule needs none. */
	struct nftnl_obj *(*object)(const void *data, const struct rule *r);
	/* Optional: the name -L shows in the target column when it is not
	 * the one -S prints after -j (the reference lists NOTRACK as CT). */
	const char *list_name;
	/* The reference asks the kernel for this extension's xt module, at
	 * revision probe_rev, when a command names it, and warns where the
	 * kernel has none (kfeat_xt_warn): set for the modules a kernel may
	 * well lack (LED, CLUSTERIP, ULOG, ipvs), whose rules only the xt
	 * module takes. */
	bool probe_xt;
	uint8_t probe_rev;

	/* -L text (each piece preceded by a blank as the reference prints) */
	void (*print)(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt);
	/* -S / save text, without the leading "-m name" or "-j name" */
	void (*save)(struct strbuf *out, const void *data, const struct rule *r);
};

/* The walker (src/extopt.c). Parse option o of an instance of ctx->ext
 * (data) with its argument arg (NULL for a flag) after a '!' if inv;
 * *seen collects the ids given. 0 or -1 with ctx->err set. */
int ext_opt_parse(struct parse_ctx *ctx, void *data, const struct ext_opt *o, const char *arg,
		  bool inv, unsigned *seen);
/* Once the command line is read: mandatory options, exclusions and
 * requirements in table order, then the extension's own check. */
int ext_opt_check(struct parse_ctx *ctx, void *data, unsigned seen);
/* The option of ext called name, or NULL. */
const struct ext_opt *ext_opt_find(const struct extension *ext, const char *name);
/* -h's section for the extension: a blank line, "NAME match options:"
 * (or "target"), each option with its argument and what it does, then
 * what ext->help adds. */
void ext_help(struct strbuf *out, const struct extension *ext);

/* The value of the word of len characters at word among syms (in any
 * case if nocase); false if no symbol names it. */
bool ext_sym_find(const struct ext_sym *syms, const char *word, size_t len, bool nocase,
		  uint32_t *value);
/* The first name of value among syms, or NULL. */
const char *ext_sym_name(const struct ext_sym *syms, uint32_t value);
/* The name of value, or else the number in decimal. */
void ext_sym_text(struct strbuf *out, const struct ext_sym *syms, uint32_t value);
/* A set of bits by name: in table order, each symbol whose bits are all
 * in bits and not all named yet, sep between them; the name of 0 for no
 * bits. Bits no symbol names are left out. */
void ext_sym_bits(struct strbuf *out, const struct ext_sym *syms, uint32_t bits, char sep);

/* The static table of all extensions (extensions/table.c). */
const struct extension *ext_find(const char *name, enum ext_kind kind, uint8_t family);
/* Whether the reference has a target of this name in this family (its
 * verdicts and standard target included), iptnft's or not. */
bool ext_reference_target(const char *name, uint8_t family);
/* The match that -p NAME loads implicitly, if any. */
const struct extension *ext_find_proto(uint16_t proto, uint8_t family);
/* ext_find("comment", EXT_MATCH, family) without the search: nearly
 * every rule read has a comment */
const struct extension *ext_find_comment(uint8_t family);
extern const struct extension *const ext_all[];
/* ext_all sorted by name, for ext_find (and its test) */
extern const struct extension *const ext_by_name[];

#endif
