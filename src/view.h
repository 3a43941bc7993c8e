/* A transaction's view of one table: the chains and rules as they will be
 * once the batch built so far commits. Reads from the kernel happen on
 * demand (one chain at a time) and are remembered, so a restore of many
 * lines asks the kernel only for what its lines need. */
#ifndef IPTNFT_VIEW_H
#define IPTNFT_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "aset.h"
#include "rindex.h"
#include "cache.h"
#include "handle.h"
#include "nlk.h"
#include "rule.h"
#include "table.h"

struct vrule {
	uint64_t handle;	/* kernel handle, or 0 for a rule of this batch */
	uint32_t id;		/* NFTA_RULE_ID of a rule of this batch */
	struct rule *r;		/* decoded rule, owned */
};

/* chain_info's fields, the name kept in the view's arena: a restore may
 * hold 100,000 chains, and chain_info keeps room for 255 characters. */
struct vchain_info {
	char *name;
	char type[16];
	uint64_t handle;
	bool base;
	uint32_t hook;
	int32_t prio;
	uint32_t policy;
	uint64_t pkts, bytes;
	uint32_t use;
};

struct vchain {
	struct vchain_info ci;
	bool exists;
	bool rules_known;	/* rules[] mirrors the chain */
	bool fresh;		/* created in this batch: no kernel rules */
	/* the chain as read from the kernel, not made anew by this batch:
	 * its policy then is what -X of a built-in chain looks at */
	bool in_kernel;
	uint32_t kernel_policy;
	unsigned added;		/* rules this batch added since it made or flushed it */
	/* a base chain iptables did not make (table_base_compatible): the
	 * reference acts as if it were not there, and so does the view */
	bool hidden;
	struct vrule *rules;
	unsigned n, cap;
};

struct view {
	struct handle *h;
	struct batch *b;
	uint8_t family;
	const char *table;
	const struct builtin_table *bt;
	int table_state;	/* 0 unknown, 1 exists, -1 missing */
	bool table_added;	/* NEWTABLE queued */
	bool all_chains_known;	/* chains[] holds every chain of the table */
	struct vchain *chains;
	unsigned nchains, capchains;
	struct {
		unsigned idx;	/* index + 1, 0 = empty */
		unsigned h;	/* the name's hash */
	} *hash;		/* open addressing over chains[] */
	unsigned hashsize;
	uint32_t next_id;
	uint32_t next_set_id;	/* anonymous sets of this batch */
	struct aset_cache sets;	/* sets read back with rules */
	int tag;		/* tag of the messages being added (restore line) */
	bool verbose;		/* -v: say what is done, as the reference does */
	/* a restore block of appends and chain lines never looks at rules
	 * again, so their copies are not kept (memory for large restores) */
	bool forget_rules;
	/* a restore block that refers to rules by number or content: every
	 * chain it touches is read first so numbers count this batch's rules */
	bool track_rules;
	/* the error just set is one the reference finds only at COMMIT */
	bool error_at_commit;
	/* the first built-in chain this batch makes where the kernel holds a
	 * chain of that name in another shape: the kernel will refuse it */
	const char *refused_chain;
	/* the chains this batch deletes, by message, to name the one the
	 * kernel refuses to delete */
	struct {
		uint32_t seq;
		const char *name;	/* in the arena */
	} *dels;
	unsigned ndels, capdels;
	char *scratch;		/* RULE_MSG_MAX bytes to build a rule message in */
	/* a rule too large for any message was left out: the batch must
	 * not be sent (the reference's kernel refuses it: ENOSPC) */
	bool too_big;
	/* index + 1 of the chain found last, and of the one before: a rule's
	 * chain and the chain it jumps to */
	unsigned last, last2;
	char **names;		/* the arena of chain names: chunks */
	unsigned nnames;
	size_t names_used;	/* in the last chunk */
	/* The table's rule index, kept in step with the batch (NULL: none;
	 * freed by the transaction, commit.c) */
	struct rindex *ri;
};

void view_init(struct view *v, struct handle *h, struct batch *b, const char *table);
void view_free(struct view *v);

/* The chain by name, read from the kernel if not seen yet; NULL if it
 * does not exist or is hidden (*err < 0 on a kernel error). */
struct vchain *view_chain(struct view *v, const char *name, int *err);
/* Is name taken by a hidden chain (one view_chain has looked at)? */
bool view_chain_hidden(struct view *v, const char *name);
/* Make sure the chain's rules are known; 0 or -errno. */
int view_load_rules(struct view *v, struct vchain *c);
/* Read only as far as a single command needs: the first limit rules, or
 * up to the first rule stop() accepts (the dump is then abandoned and the
 * kernel never builds the rest). rules_known is set only if the whole
 * chain was read. In a restore block every touched chain is read whole. */
int view_load_rules_until(struct view *v, struct vchain *c, unsigned limit,
			  bool (*stop)(const struct rule *r, void *arg), void *arg);
/* Read every chain of the table (names and properties only). */
int view_load_all_chains(struct view *v);

/* Changes: each queues the batch message and updates the view. */
void view_ensure_table(struct view *v);
/* Delete the whole table; the view then starts from nothing. */
void view_delete_table(struct view *v);
/* A built-in chain, counting its policy's verdicts from pkts and bytes. */
struct vchain *view_create_builtin(struct view *v, const struct builtin_chain *bc,
				   uint32_t policy, uint64_t pkts, uint64_t bytes);
struct vchain *view_create_user(struct view *v, const char *name);
void view_delete_chain(struct view *v, struct vchain *c);
/* The chain whose deletion was message seq, or NULL. */
const char *view_deleted_chain(const struct view *v, uint32_t seq);
void view_flush_chain(struct view *v, struct vchain *c);
/* Every rule of the table (the chains' copies are the caller's). */
void view_flush_table(struct view *v);
void view_rename_chain(struct view *v, struct vchain *c, const char *newname);
/* Insert r at index pos (0-based; pos == n appends). r is copied. */
void view_add_rule(struct view *v, struct vchain *c, const struct rule *r, unsigned pos,
		   bool append_cmd);
void view_replace_rule(struct view *v, struct vchain *c, unsigned idx, const struct rule *r);
void view_delete_rule(struct view *v, struct vchain *c, unsigned idx);
/* Delete the rule with that kernel handle (found through the index). */
void view_delete_handle(struct view *v, struct vchain *c, uint64_t handle);

/* The index's answer for a rule of chain c: the digest of r as this
 * view would write it. */
enum ri_answer view_index_find(struct view *v, struct vchain *c, const struct rule *r,
			       uint64_t *handle);
/* One rule of chain c by its handle, decoded; NULL if it is not there. */
struct rule *view_fetch_rule(struct view *v, struct vchain *c, uint64_t handle);
/* After the batch committed on generation base: store the index if the
 * kernel's generation is base + 1 and the echoes agree, and carry every
 * other index of the namespace forward. */
void view_index_commit(struct view *v, uint32_t base);

#endif
