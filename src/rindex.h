/* The rule index: for one table, a map from (chain, digest of a rule's
 * expressions) to the rule's kernel handle, kept in a file under
 * /run/iptnft and valid for exactly one ruleset generation.
 *
 * Why: the kernel can list a chain's rules only by dumping it, and that
 * dump restarts its walk at the chain's head for every 32 KiB it sends,
 * so -C and -D of a rule near the end of a 20,000-rule chain cost the
 * kernel a quadratic walk. With the index they ask for one rule by handle.
 *
 * When it may be trusted: a file is stamped with the generation id it
 * describes. The kernel bumps the generation on every commit, by anyone,
 * so a stamp equal to the current generation proves nothing changed
 * since it was written. iptnft writes a stamp only after its own commit
 * took the generation from the stamped one to exactly the next (the
 * batch carries the generation it was built on, and a read after the
 * commit shows base + 1: nobody committed in between). Anything else
 * (another tool, an older file, another namespace or boot) leaves the
 * file stale and iptnft reads the chain from the kernel as before. A file
 * written by another build of iptnft is not used either: it may write a
 * rule in other bytes.
 *
 * What an answer means: "absent" is trusted; "present" is checked by
 * fetching that one rule and comparing it as -C always compares. Rules
 * whose digests collide, rules with anonymous sets and chains iptnft
 * could not follow answer "unknown", which means: dump the chain.
 *
 * File: /run/iptnft/<netns inode>/<family>-<table>, written to a
 * temporary name and renamed over, so readers never see half of one;
 * found only through directories no other user can change (rdir.h),
 * and used only if its header names the family, table and namespace its
 * name and place say.
 *
 * The interface: a transaction opens the table's index (or starts one for
 * a table it makes anew), tells it each change as it queues the change
 * (it then marks the rule messages whose handles it must learn for an
 * echo), asks it for rules, and hands it the committed batch, whose
 * echoes complete it before it is stored. The map and its file are
 * rimap.c's. */
#ifndef IPTNFT_RINDEX_H
#define IPTNFT_RINDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "rimap.h"

struct batch;
struct nlmsghdr;

#ifdef IPTNFT_RULE_INDEX

/* Where the namespace's indexes are kept, and which namespace and build
 * this is: looked up once per handle through its netlink socket fd.
 * Unusable when there is to be no index (IPTNFT_INDEX=0) or the
 * namespace cannot be told. */
struct rindex_home *rindex_home_new(int fd);
bool rindex_home_usable(const struct rindex_home *home);
void rindex_home_free(struct rindex_home *home);

/* The table's index if the file is valid at genid, else NULL. */
struct rindex *rindex_open(const struct rindex_home *home, uint8_t family, const char *table,
			   uint32_t genid);
/* The index of a table the batch makes anew, out of chains and about
 * nrules appended rules: the kernel's handles are then known in advance
 * (it numbers chains, sets, objects and rules 1, 2, 3... in the batch's
 * order), and the first and last rule are echoed to prove it. */
struct rindex *rindex_new(const struct rindex_home *home, uint8_t family, const char *table,
			  uint32_t nrules);
void rindex_free(struct rindex *ri);

/* The chain's id, or -1 if the index does not know it. */
int rindex_chain(struct rindex *ri, const char *name);

/* The batch, as it is built. */
int rindex_chain_made(struct rindex *ri, const char *name, bool allocates);
void rindex_chain_deleted(struct rindex *ri, int id);
void rindex_chain_renamed(struct rindex *ri, int id, const char *name);
void rindex_chain_flushed(struct rindex *ri, int id);
void rindex_table_flushed(struct rindex *ri);
void rindex_table_deleted(struct rindex *ri);
/* A named object (type NFT_OBJECT_*) or n anonymous sets the batch
 * makes: they take handles too. */
void rindex_object_made(struct rindex *ri, uint32_t type, const char *name);
void rindex_sets_made(struct rindex *ri, unsigned n);
/* A rule message of chain (-1: one the index does not know), of content
 * digest (0: none it can describe), replacing the rule of handle replace
 * (0: added): nlh is still open, and gets NLM_F_ECHO where the kernel
 * must say the handle. Then, once batch_done closed it, as last. */
void rindex_rule_queued(struct rindex *ri, int chain, uint64_t digest, uint64_t replace,
			struct nlmsghdr *nlh);
void rindex_rule_closed(struct rindex *ri, struct nlmsghdr *last);
/* A rule deleted by handle (0: one of this batch, which has none yet). */
void rindex_rule_deleted(struct rindex *ri, int chain, uint64_t handle);
/* A change the index cannot follow: it is not stored. */
void rindex_give_up(struct rindex *ri);

/* Which rule of chain has content digest. */
enum ri_answer rindex_find(struct rindex *ri, int chain, uint64_t digest, uint64_t *handle);

/* Before the batch is sent: the echoes it still needs. */
void rindex_prepare(struct rindex *ri, struct batch *b);
/* After our commit took the ruleset from generation base to now: ri
 * (NULL: none was kept) learns its handles from b's echoes and is stored
 * if it followed the batch (and now is base + 1); the namespace's other
 * indexes stamped base are carried to now. */
void rindex_committed(struct rindex *ri, const struct rindex_home *home, const struct batch *b,
		      uint8_t family, const char *table, uint32_t base, uint32_t now);

/* The digest of a rule message's expressions, counters left out (their
 * values are state, not content) and userdata left out (what it holds
 * only narrows a match, which the check by handle sees). A rule that
 * jumps or goes to a chain is digested with target, that chain's id in
 * the index, in place of its name, so that the digest survives the
 * chain's renaming; target is -1 for a rule that names no chain. Never 0
 * but when target is given and the message names no chain. */
uint64_t rindex_digest(const struct nlmsghdr *nlh, int target);

#else /* built without the rule index: there is never one to follow */

static inline struct rindex_home *rindex_home_new(int fd) { (void)fd; return 0; }
static inline bool rindex_home_usable(const struct rindex_home *home) { (void)home; return 0; }
static inline void rindex_home_free(struct rindex_home *home) { (void)home; }
static inline struct rindex *rindex_open(const struct rindex_home *home, uint8_t family,
					 const char *table, uint32_t genid)
{ (void)home; (void)family; (void)table; (void)genid; return 0; }
static inline struct rindex *rindex_new(const struct rindex_home *home, uint8_t family,
					const char *table, uint32_t nrules)
{ (void)home; (void)family; (void)table; (void)nrules; return 0; }
static inline void rindex_free(struct rindex *ri) { (void)ri; }
static inline int rindex_chain(struct rindex *ri, const char *name)
{ (void)ri; (void)name; return -1; }
static inline int rindex_chain_made(struct rindex *ri, const char *name, bool allocates)
{ (void)ri; (void)name; (void)allocates; return -1; }
static inline void rindex_chain_deleted(struct rindex *ri, int id) { (void)ri; (void)id; }
static inline void rindex_chain_renamed(struct rindex *ri, int id, const char *name)
{ (void)ri; (void)id; (void)name; }
static inline void rindex_chain_flushed(struct rindex *ri, int id) { (void)ri; (void)id; }
static inline void rindex_table_flushed(struct rindex *ri) { (void)ri; }
static inline void rindex_table_deleted(struct rindex *ri) { (void)ri; }
static inline void rindex_object_made(struct rindex *ri, uint32_t type, const char *name)
{ (void)ri; (void)type; (void)name; }
static inline void rindex_sets_made(struct rindex *ri, unsigned n) { (void)ri; (void)n; }
static inline void rindex_rule_queued(struct rindex *ri, int chain, uint64_t digest,
				      uint64_t replace, struct nlmsghdr *nlh)
{ (void)ri; (void)chain; (void)digest; (void)replace; (void)nlh; }
static inline void rindex_rule_closed(struct rindex *ri, struct nlmsghdr *last)
{ (void)ri; (void)last; }
static inline void rindex_rule_deleted(struct rindex *ri, int chain, uint64_t handle)
{ (void)ri; (void)chain; (void)handle; }
static inline void rindex_give_up(struct rindex *ri) { (void)ri; }
static inline enum ri_answer rindex_find(struct rindex *ri, int chain, uint64_t digest,
					 uint64_t *handle)
{ (void)ri; (void)chain; (void)digest; (void)handle; return RI_UNKNOWN; }
static inline void rindex_prepare(struct rindex *ri, struct batch *b) { (void)ri; (void)b; }
static inline void rindex_committed(struct rindex *ri, const struct rindex_home *home,
				    const struct batch *b, uint8_t family, const char *table,
				    uint32_t base, uint32_t now)
{ (void)ri; (void)home; (void)b; (void)family; (void)table; (void)base; (void)now; }
static inline uint64_t rindex_digest(const struct nlmsghdr *nlh, int target)
{ (void)nlh; (void)target; return 0; }

#endif

#endif
