/* struct rule: one iptables rule as the command line and the kernel see it,
 * independent of how either spells it. */
#ifndef IPTNFT_RULE_H
#define IPTNFT_RULE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* Which base fields carry a '!' */
enum rule_inv {
	INV_IN = 1 << 0,
	INV_OUT = 1 << 1,
	INV_SRC = 1 << 2,
	INV_DST = 1 << 3,
	INV_FRAG = 1 << 4,
	INV_PROTO = 1 << 5,
};

/* What the rule does when it matches. */
enum verdict {
	VERDICT_NONE,		/* no -j: count only */
	VERDICT_ACCEPT,
	VERDICT_DROP,
	VERDICT_RETURN,
	VERDICT_JUMP,		/* -j CHAIN */
	VERDICT_GOTO,		/* -g CHAIN */
	VERDICT_TARGET,		/* an extension target */
};

struct extension;

/* One match or target instance: its extension and its parsed options. */
struct ext_inst {
	const struct extension *ext;
	void *data;		/* ext->size bytes, owned by the instance */
	struct ext_inst *next;
};

struct addr_mask {
	uint8_t addr[16];
	uint8_t mask[16];
};

struct rule {
	uint8_t family;		/* NFPROTO_IPV4 or NFPROTO_IPV6 */
	uint8_t inv;		/* enum rule_inv bits */
	bool has_proto;
	bool frag;		/* -f given (with INV_FRAG: ! -f) */
	uint16_t proto;		/* layer 4 protocol when has_proto; 0 = all */
	struct addr_mask src, dst;
	char iniface[IFNAMSIZ], outiface[IFNAMSIZ];	/* "eth+" keeps its '+' */

	struct ext_inst *matches;	/* in rule order */
	enum verdict verdict;
	char *chain;			/* jump/goto target, owned */
	struct ext_inst *target;	/* when verdict == VERDICT_TARGET */

	bool has_counters;	/* -c given, or read from the kernel */
	uint64_t pkts, bytes;
	uint64_t handle;	/* kernel handle, 0 for a rule not yet added */
	bool unknown;		/* holds expressions no extension claims */
};

/* Does -i/-o name test anything? Not when empty, nor for a plain "+"
 * (any name), which is kept only for --compat's layout of it. */
bool rule_iface_tested(const char *name, bool inv);

struct rule *rule_new(uint8_t family);
void rule_free(struct rule *r);
/* The same for a rule the caller holds (the listings' one per rule, on
 * the stack): an empty rule, and what it owns freed. */
void rule_init(struct rule *r, uint8_t family);
void rule_release(struct rule *r);
struct rule *rule_clone(const struct rule *r);
/* Whether a and b are one rule to -C and -D: the same base fields, the
 * same matches in the same order and the same verdict or target, by
 * structure (counters and kernel handles aside). */
bool rule_equal(const struct rule *a, const struct rule *b);
struct ext_inst *rule_add_match(struct rule *r, const struct extension *ext);
/* Remove the last match of r (and free it). */
void rule_drop_last_match(struct rule *r);
/* The extension of r's match or target whose data is data: how print
 * and save of an implementation serving twins tell which one they are
 * printing. */
const struct extension *rule_ext_of(const struct rule *r, const void *data);
struct ext_inst *rule_find_match(struct rule *r, const struct extension *ext);
void rule_set_target(struct rule *r, const struct extension *ext);

struct nlmsghdr;
/* Whether the rule message, as iptnft writes it, lists in another
 * spelling than the one it was written from (two tcp matches in a row
 * read back as one): its bytes are then not those of the rule -S shows. */
bool rule_msg_respelled(const struct nlmsghdr *nlh);

struct nftnl_rule;
struct aset;
struct xcache;
struct aset_list;
/* Room for one rule's message. Its expressions are one attribute, whose
 * length the kernel reads as 16 bits: no rule message can be larger. */
#define RULE_MSG_MAX 65536
/* The kernel takes at most this many expressions in a rule
 * (NFT_RULE_MAXEXPRS, a kernel constant since 3.13). */
#define RULE_MAX_EXPRS 128
struct nlmsghdr;
struct kfeat;
/* Where a rule goes and how it is written: table and chain, for targets
 * valid only in some (NULL: not known); compat: the reference's layout
 * (--compat); feat: what the kernel can do (NULL: everything). */
struct lin_where {
	const char *table, *chain;
	bool compat;
	struct kfeat *feat;
};
/* The rule's NFTA_RULE_EXPRESSIONS and NFTA_RULE_USERDATA, appended to
 * nlh (which has room for RULE_MSG_MAX bytes); anonymous sets the rule
 * looks up go to sets, to be sent before the rule. Returns the number of
 * expressions written, or -1 when they do not fit in RULE_MSG_MAX (nlh
 * is then incomplete, to be thrown away). */
int rule_linearize_msg(const struct rule *r, struct nlmsghdr *nlh, struct aset_list *sets,
		       const struct lin_where *w);
/* The same into nr (its table and chain, if set, say where the rule
 * goes), for a rule that needs no set (its sets are dropped). 0, or -1
 * when the rule does not fit in one message. */
int rule_linearize(const struct rule *r, struct nftnl_rule *nr);
struct rule_msg;
/* Read the rule message m back into r (family set by the caller);
 * unclaimed expressions set r->unknown. get_set finds the elements of
 * sets the rule looks up. */
int rule_delinearize_msg(const struct rule_msg *m, struct rule *r,
			 const struct aset *(*get_set)(void *opaque, const char *name),
			 void *opaque, struct xcache *xc);
/* The same for a libnftnl rule. */
int rule_delinearize_sets(struct nftnl_rule *nr, struct rule *r,
			  const struct aset *(*get_set)(void *opaque, const char *name),
			  void *opaque);
int rule_delinearize(struct nftnl_rule *nr, struct rule *r);
/* Two option-carrying matches of one extension in a row (tcp, udp) read
 * back as one, as the reference reads them, and a rule is the same as
 * its merged spelling: r as it reads back, or NULL when r reads back as
 * it is (or cannot be read back without its sets). */
struct rule *rule_canonical(const struct rule *r);
void rule_attach_comment(struct rule *r, const char *comment);
struct ipt_error;
/* The error for a rule that holds expressions no extension reads: the
 * reference's words, exit status 3. */
int rule_undecodable_error(struct ipt_error *err, const char *prog, const char *chain,
			   uint64_t handle);

/* Address family facts used by base fields and printing. */
unsigned family_addr_len(uint8_t family);
/* Length of the contiguous prefix of mask, or -1 if it is not one. */
int mask_prefix_len(const uint8_t *mask, unsigned len);

#endif
