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
 * temporary name and swapped in (renamed over where the file system
 * cannot swap), so readers never see half of one;
 * found only through directories no other user can change (rdir.h),
 * and used only if its header names the family, table and namespace its
 * name and place say.
 *
 * The interface: a transaction opens the table's index (or starts one for
 * a table its batch makes anew), which from then on reads every message
 * the batch closes (batch_observe) and follows what the kernel will do
 * with it, marking the messages whose handles the kernel must echo; it
 * asks the index for rules; and it hands it the committed batch, whose
 * echoes complete it before it is stored. The index knows nothing of
 * the view or the command: only messages. The map and its file are
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

/* The table's index if the file is valid at genid (else NULL), following
 * batch b from here on. */
struct rindex *rindex_open(struct rindex_home *home, struct batch *b, uint8_t family,
			   const char *table, uint32_t genid);
/* The index of a table batch b makes anew, out of chains and about
 * nrules appended rules: the kernel's handles are then known in advance
 * (it numbers chains, sets, objects and rules 1, 2, 3... in the batch's
 * order), and the first and last rule are echoed to prove it. */
struct rindex *rindex_new(const struct rindex_home *home, struct batch *b, uint8_t family,
			  const char *table, uint32_t nrules);
void rindex_free(struct rindex *ri);

/* Which rule of chain has the content of probe, a rule message as the
 * batch would carry it (its expressions and userdata), given the batch
 * so far. The digest leaves counters out (their values are state, not
 * content) and the comment (it only narrows a match, which the check by
 * handle sees); a jump is hashed by the index's id of its chain, so that
 * it survives the chain's renaming. */
enum ri_answer rindex_find(struct rindex *ri, const char *chain, const struct nlmsghdr *probe,
			   uint64_t *handle);

/* After our commit took the ruleset from generation base to now: ri
 * (NULL: none was kept) learns its handles from b's echoes and is stored
 * if it followed the batch (and now is base + 1); the namespace's other
 * indexes stamped base are carried to now. */
void rindex_committed(struct rindex *ri, struct rindex_home *home, const struct batch *b,
		      uint8_t family, const char *table, uint32_t base, uint32_t now);

#else /* built without the rule index: there is never one to follow */

static inline struct rindex_home *rindex_home_new(int fd) { (void)fd; return 0; }
static inline bool rindex_home_usable(const struct rindex_home *home) { (void)home; return 0; }
static inline void rindex_home_free(struct rindex_home *home) { (void)home; }
static inline struct rindex *rindex_open(struct rindex_home *home, struct batch *b,
					 uint8_t family, const char *table, uint32_t genid)
{ (void)home; (void)b; (void)family; (void)table; (void)genid; return 0; }
static inline struct rindex *rindex_new(const struct rindex_home *home, struct batch *b,
					uint8_t family, const char *table, uint32_t nrules)
{ (void)home; (void)b; (void)family; (void)table; (void)nrules; return 0; }
static inline void rindex_free(struct rindex *ri) { (void)ri; }
static inline enum ri_answer rindex_find(struct rindex *ri, const char *chain,
					 const struct nlmsghdr *probe, uint64_t *handle)
{ (void)ri; (void)chain; (void)probe; (void)handle; return RI_UNKNOWN; }
static inline void rindex_committed(struct rindex *ri, struct rindex_home *home,
				    const struct batch *b, uint8_t family, const char *table,
				    uint32_t base, uint32_t now)
{ (void)ri; (void)home; (void)b; (void)family; (void)table; (void)base; (void)now; }

#endif

#endif
