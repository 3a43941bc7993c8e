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
 * name and place say. */
#ifndef IPTNFT_RINDEX_H
#define IPTNFT_RINDEX_H

#include <stdbool.h>
#include <stdint.h>

struct nlmsghdr;

/* Which network namespace, in which boot: the index of one never
 * answers for another, even when the kernel reuses the inode number. */
struct rindex_ns {
	uint64_t ino;		/* of /proc/self/ns/net */
	uint64_t cookie;	/* SO_NETNS_COOKIE: never reused in a boot */
	uint8_t boot[16];	/* /proc/sys/kernel/random/boot_id */
	/* and which iptnft: the ELF build id of this program. Another
	 * build may write a rule in other bytes, and its digests would
	 * then call a rule absent that is there. */
	uint8_t build[20];
};

struct ri_chain {
	uint32_t off;		/* name's offset in the names blob */
	uint32_t flags;		/* RI_PARTIAL, RI_GONE */
};

struct ri_slot {
	uint64_t digest;	/* 0: empty slot */
	uint32_t handle;
	uint32_t chain;		/* chain id, RI_DUP in the top bit */
};

struct rindex {
	const char *dir;	/* the indexes' directory (not owned) */
	char file[48];		/* the file's name in the namespace's */
	uint8_t family;
	char table[32];
	struct rindex_ns ns;
	struct ri_chain *chains;
	uint32_t nchains, capchains;
	char *names;
	uint32_t names_len, names_cap;
	struct ri_slot *slots;
	uint32_t nslots, nentries;
	void *map;		/* the file, mapped private, when read */
	uint64_t maplen;
	bool own_chains, own_names, own_slots;
	bool broken;		/* a change it could not follow: never store */
	uint32_t last, last2;	/* chain id + 1 found last, and before */
	/* an added rule whose slot is being fetched into the cache while
	 * the caller works on the next one (a restore adds 100,000) */
	struct ri_slot staged;
	bool has_staged;
	uint32_t *chash;	/* chain id + 1 by name hash, in memory only */
	uint32_t chash_size, chash_used;
	uint32_t lookups;	/* chains looked up without chash */
};

enum ri_answer {
	RI_ABSENT,		/* no rule of the chain has that content */
	RI_ONE,			/* exactly one rule might: *handle */
	RI_UNKNOWN,		/* ask the kernel */
};

/* The namespace's identity through the netlink socket fd, and this
 * build's; -1 when either cannot be told (then there is no index). */
int rindex_ns_get(struct rindex_ns *ns, int fd);
/* The directory to keep indexes in: IPTNFT_INDEX_DIR or /run/iptnft;
 * NULL when IPTNFT_INDEX is "0" (no index at all). */
const char *rindex_dir(void);

/* The table's index if it is valid at genid, else NULL. */
struct rindex *rindex_open(const char *dir, const struct rindex_ns *ns, uint8_t family,
			   const char *table, uint32_t genid);
/* An empty index of a table made anew. */
struct rindex *rindex_new(const char *dir, const struct rindex_ns *ns, uint8_t family,
			  const char *table);
void rindex_free(struct rindex *ri);
/* Room for n rules without growing (a restore knows its line count). */
void rindex_reserve(struct rindex *ri, uint32_t n);

/* The chain's id, or -1 if the index does not know it. */
int rindex_chain(struct rindex *ri, const char *name);
/* Chain changes, as the transaction makes them. */
int rindex_chain_add(struct rindex *ri, const char *name);
void rindex_chain_del(struct rindex *ri, int id);
void rindex_chain_rename(struct rindex *ri, int id, const char *name);
void rindex_chain_flush(struct rindex *ri, int id);
void rindex_flush_all(struct rindex *ri);
/* Rule changes. digest 0: a rule the index cannot describe. */
void rindex_add(struct rindex *ri, int chain, uint64_t digest, uint64_t handle);
void rindex_del(struct rindex *ri, int chain, uint64_t handle);
/* The handle of a rule added with handle 0, once the kernel said it. */
void rindex_set_handle(struct rindex *ri, int chain, uint64_t digest, uint64_t handle);

enum ri_answer rindex_find(struct rindex *ri, int chain, uint64_t digest, uint64_t *handle);

/* Write the index, stamped genid; 0 or -1 (the old file then stays). */
int rindex_store(struct rindex *ri, uint32_t genid);
/* After a commit of ours took the ruleset from base to next and touched
 * only (family, table): every other index of the namespace stamped base
 * is still true at next. */
void rindex_restamp(const char *dir, const struct rindex_ns *ns, uint32_t base, uint32_t next,
		    uint8_t family, const char *table);

/* The digest of a rule message's expressions, counters left out (their
 * values are state, not content) and userdata left out (what it holds
 * only narrows a match, which the check by handle sees). A rule that
 * jumps or goes to a chain is digested with target, that chain's id in
 * the index, in place of its name, so that the digest survives the
 * chain's renaming; target is -1 for a rule that names no chain. Never 0
 * but when target is given and the message names no chain. */
uint64_t rindex_digest(const struct nlmsghdr *nlh, int target);

#endif
