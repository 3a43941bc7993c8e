/* Expressions in both directions.
 *
 * Writing: small emitters that append nftnl expressions to a rule, all
 * loading into register 1 as the reference does.
 *
 * Reading: the rule's expression list is run as the kernel's register
 * machine would run it. Loads (payload, meta, ct, exthdr) put a selector
 * in a register, bitwise narrows it, and cmp/range/lookup turn it into a
 * relation item (selector, mask, op, value). Counter and verdict become
 * their own items; any other expression becomes a statement item holding
 * the registers it may read. Base fields and extensions then claim items.
 */
#ifndef IPTNFT_EXPR_H
#define IPTNFT_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nftnl_rule;
struct nftnl_expr;
struct rule;

/* ---- writing ---- */

struct aset;
struct aset_list;

struct nlmsghdr;

struct extension;

struct kfeat;

struct lin_ctx {
	const struct extension *ext;	/* whose expressions are being written */
	struct nlmsghdr *nlh;	/* the expressions are written into it */
	/* nlh may grow to this many bytes: an attribute that would pass it
	 * is not written, and overflow says the message is incomplete */
	uint32_t limit;
	bool overflow;
	unsigned nexprs;	/* expressions written */
	const char *table, *chain;	/* where the rule goes, when known */
	const struct rule *rule;
	uint8_t family;
	unsigned items;		/* expressions so far that read back as an item */
	struct aset_list *sets;	/* anonymous sets the rule needs */
	bool compat;		/* --compat: the reference's layout */
	bool xt;		/* an xt compat match or target was written */
	struct kfeat *feat;	/* what the kernel can do (NULL: assume all) */
};

enum cmp_op_kind {
	REL_EQ,
	REL_NEQ,
	REL_LT,
	REL_LTE,
	REL_GT,
	REL_GTE,
	REL_RANGE,	/* lo <= x <= hi */
	REL_NRANGE,
	REL_LOOKUP,
	REL_NLOOKUP,
};

void lin_payload(struct lin_ctx *c, uint32_t base, uint32_t off, uint32_t len);
void lin_meta(struct lin_ctx *c, uint32_t key);
/* A reference to the named object of type (NFT_OBJECT_*): "ct helper set
 * NAME". */
void lin_objref(struct lin_ctx *c, uint32_t type, const char *name);
void lin_ct(struct lin_ctx *c, uint32_t key, int dir);	/* dir < 0: none */
/* Load into a given register (NFT_REG32_*), for tests over two values at
 * once: adjacent 32-bit registers read as one 8-byte value. */
void lin_ct_to(struct lin_ctx *c, uint32_t key, uint32_t reg);
/* ct KEY [of direction dir, if not < 0] set from register 1 */
void lin_ct_set(struct lin_ctx *c, uint32_t key, int dir);
void lin_bitwise_reg(struct lin_ctx *c, uint32_t reg, const void *mask, uint32_t len);
void lin_cmp_reg(struct lin_ctx *c, uint32_t reg, enum cmp_op_kind op, const void *data,
		 uint32_t len);
void lin_exthdr_tcpopt_present(struct lin_ctx *c, uint8_t type);
void lin_bitwise(struct lin_ctx *c, const void *mask, const void *xor, uint32_t len);
/* byteorder reg 1 = hton(reg 1, size, size): a value of size bytes (2
 * or 4) in register 1 turned to network order in place. */
void lin_hton(struct lin_ctx *c, uint32_t size);
void lin_cmp(struct lin_ctx *c, enum cmp_op_kind op, const void *data, uint32_t len);
void lin_range(struct lin_ctx *c, bool inv, const void *lo, const void *hi, uint32_t len);
void lin_counter(struct lin_ctx *c, uint64_t pkts, uint64_t bytes);
void lin_verdict(struct lin_ctx *c, int verdict, const char *chain);
/* Load a value into register reg, for a statement that follows. */
void lin_imm(struct lin_ctx *c, uint32_t reg, const void *value, uint32_t len);
/* Add e (freed here). libnftnl writes it without a bound, so it must
 * be smaller than LIN_ADD_MAX bytes. */
void lin_add(struct lin_ctx *c, struct nftnl_expr *e);
#define LIN_ADD_MAX 1024
/* An exthdr expression of op (NFT_EXTHDR_OP_IPV6, _TCPOPT) that loads
 * (reg_attr NFTNL_EXPR_EXTHDR_DREG) or writes (..._SREG) len bytes at off
 * of header or option type, through register reg; for the caller to
 * complete and lin_add. */
struct nftnl_expr *expr_exthdr(uint32_t op, uint16_t reg_attr, uint32_t reg, uint8_t type,
			       uint32_t off, uint32_t len);
/* An xt compat match (target = false) or target expression carrying a
 * copy of info. */
void lin_xt(struct lin_ctx *c, bool target, const char *name, uint32_t rev, const void *info,
	    uint32_t len);
/* Look register 1 up in a new anonymous set (filled by the caller
 * through the returned pointer); inv: match when absent. */
struct aset *lin_lookup_anon(struct lin_ctx *c, uint32_t key_type, uint32_t key_len,
			     bool interval, bool inv);

/* ---- reading ---- */

enum sel_kind {
	SEL_NONE,
	SEL_PAYLOAD,
	SEL_META,
	SEL_CT,
	SEL_EXTHDR,
	SEL_OTHER,	/* loaded by an expression nobody models */
};

struct selector {
	uint8_t kind;
	uint8_t base;		/* payload base; exthdr op */
	int8_t dir;		/* ct direction, -1 none */
	uint32_t key;		/* meta/ct key; exthdr type */
	uint32_t offset, len;
	uint32_t flags;		/* exthdr flags */
	/* SEL_OTHER: the loading expression (numgen, fib, rt, socket,
	 * hash, ...), for the extension that knows it */
	const char *name;
	const struct nftnl_expr *expr;
};

/* A register's content while reading. */
struct regval {
	bool set;
	bool concat;		/* sel2 continues in the next 4-byte slot */
	struct selector sel2;
	bool is_data;		/* immediate data rather than a selector */
	bool masked;
	struct selector sel;
	uint32_t len;
	uint8_t mask[16], xor[16];
	uint8_t data[16];
};

#define NREGS 20	/* 32-bit register slots; wide regs map onto 4 each */
/* The first 32-bit slot of register reg (NFT_REG_* or NFT_REG32_*), or
 * -1 for the verdict register and anything else. */
int expr_reg_slot(uint32_t reg);

enum item_kind {
	ITEM_REL,
	ITEM_COUNTER,
	ITEM_VERDICT,
	ITEM_STMT,
};

struct item {
	enum item_kind kind;
	bool claimed;
	/* ITEM_REL */
	struct selector sel;
	struct selector sel2;	/* with concat: the value in the next register */
	bool concat;
	bool masked;
	uint8_t mask[16], xor[16];
	enum cmp_op_kind op;
	uint32_t len;
	uint8_t val[16], hi[16];
	const char *set;	/* lookup set name */
	/* ITEM_COUNTER */
	uint64_t pkts, bytes;
	/* ITEM_VERDICT */
	int verdict;
	const char *chain;
	/* ITEM_STMT: the expression and the registers as it saw them */
	const struct nftnl_expr *expr;
	const char *name;
	struct regval *regs;	/* NREGS entries, in the list's regs */
	unsigned regs_ix;	/* while reading: 1 + where regs will be */
};

struct item_list {
	struct item *v;
	unsigned n, cap;
	/* the libnftnl objects of the statements (item.expr), if any */
	struct nftnl_rule *owned;
	/* the statements' register snapshots (item.regs), NREGS each */
	struct regval *regs;
	unsigned nregs, regs_cap;
	/* v and regs start in the caller's room (items_init) and are
	 * allocated only when a rule outgrows it */
	bool v_heap, regs_heap;
};

/* An empty list that uses the caller's arrays until they are full. */
void items_init(struct item_list *l, struct item *few, unsigned nfew, struct regval *regs,
		unsigned nregs);

struct rule_msg;
/* Turn the message's expressions into items; the message must outlive
 * the list. Returns 0, or -1 when an expression cannot be read at all. */
/* The statements of a dump's rules, read through libnftnl once for each
 * distinct expression (see expr.c); bounded. Owned by the reader of the
 * dump, which frees it after the last rule's items. */
struct xcache;
struct xcache *xcache_new(void);
void xcache_free(struct xcache *xc);
/* ext_find(name, EXT_MATCH, family), remembered in xc (if any) for the
 * next rules: a table's rules name few matches, over and over. */
const struct extension *xcache_match(struct xcache *xc, const char *name, uint8_t family);
/* xc: NULL, or the cache the statements' objects come from (they then
 * live as long as it does) */
int items_from_msg(struct item_list *out, const struct rule_msg *m, struct xcache *xc);
/* Does items_from_msg read every expression of m itself, handing none to
 * libnftnl? (libnftnl exits the program on some malformed expressions,
 * which a test of our own reader must not reach.) */
bool items_all_native(const struct rule_msg *m);
void items_free(struct item_list *l);

/* Cursor over items for base fields and extensions. */
struct delin_ctx {
	const struct extension *ext;	/* who is reading the items */
	struct item_list *items;
	unsigned pos;
	const struct rule *rule;
	uint8_t family;
	/* the rule's userdata names this match here: it was written by us,
	 * and may claim expressions it would not claim on a guess */
	bool listed;
	/* where lookup items find their set's elements, if anywhere */
	const struct aset *(*get_set)(void *opaque, const char *name);
	void *set_opaque;
	/* room for one extension's data while it tries the items */
	void *scratch;
	size_t scratch_len;
	bool scratch_heap;	/* scratch was allocated (else the caller's room) */
	struct xcache *xc;	/* what earlier rules' reading left, or NULL */
};

/* The elements of the set a lookup item refers to, or NULL. */
const struct aset *delin_set(struct delin_ctx *c, const struct item *it);

/* The item at the cursor, or NULL at the end. */
struct item *delin_peek(struct delin_ctx *c);
/* Does item describe payload [base, off, len] compared without mask? */
bool item_is_payload(const struct item *it, uint32_t base, uint32_t off, uint32_t len);
bool item_is_meta(const struct item *it, uint32_t key);
/* Is the statement at it lin_hton(size)? */
bool item_is_hton(const struct item *it, uint32_t size);
bool item_is_ct(const struct item *it, uint32_t key);
/* For a statement item: what register reg (NFT_REG_* or NFT_REG32_*)
 * held when the statement ran, or NULL if nothing was loaded there. */
const struct regval *item_reg(const struct item *it, uint32_t reg);
/* For a statement item: the register named by attribute attr of its
 * expression (e.g. NFTNL_EXPR_META_SREG), as item_reg. */
const struct regval *item_reg_attr(const struct item *it, uint16_t attr);

#endif
