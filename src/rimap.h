/* The rule index's map and its file: for one table, (chain, digest of a
 * rule's expressions) -> the rule's kernel handle, stamped with the
 * generation it describes. Used by rindex.c only, which says when it may
 * be trusted and keeps it in step with a transaction. */
#ifndef IPTNFT_RIMAP_H
#define IPTNFT_RIMAP_H

#include <stdbool.h>
#include <stdint.h>

struct nlmsghdr;

/* Which network namespace, in which boot: the index of one never
 * answers for another, even when the kernel reuses the inode number. */
struct rimap_ns {
	uint64_t ino;		/* of /proc/self/ns/net */
	uint64_t cookie;	/* SO_NETNS_COOKIE: never reused in a boot */
	uint8_t boot[16];	/* /proc/sys/kernel/random/boot_id */
	/* and which iptnft: the ELF build id of this program. Another
	 * build may write a rule in other bytes, and its digests would
	 * then call a rule absent that is there. */
	uint8_t build[20];
};

struct rimap;

enum ri_answer {
	RI_ABSENT,		/* no rule of the chain has that content */
	RI_ONE,			/* exactly one rule might: *handle */
	RI_UNKNOWN,		/* ask the kernel */
};

/* The namespace's identity through the netlink socket fd, and this
 * build's; -1 when either cannot be told (then there is no index). */
int rimap_ns_get(struct rimap_ns *ns, int fd);
/* The directory to keep indexes in: IPTNFT_INDEX_DIR or /run/iptnft;
 * NULL when IPTNFT_INDEX is "0" (no index at all). */
const char *rimap_dir(void);

/* The table's index if its file in the namespace's directory dirfd
 * (rdir_open_ns) is valid at genid, else NULL. */
struct rimap *rimap_open(int dirfd, const struct rimap_ns *ns, uint8_t family,
			   const char *table, uint32_t genid);
/* An empty index of a table made anew. */
struct rimap *rimap_new(const struct rimap_ns *ns, uint8_t family, const char *table);
void rimap_free(struct rimap *ri);
/* Room for n rules without growing (a restore knows its line count). */
void rimap_reserve(struct rimap *ri, uint32_t n);

/* The chain's id, or -1 if the index does not know it. */
int rimap_chain(struct rimap *ri, const char *name);
/* Chain changes, as the transaction makes them. */
int rimap_chain_add(struct rimap *ri, const char *name);
void rimap_chain_del(struct rimap *ri, int id);
void rimap_chain_rename(struct rimap *ri, int id, const char *name);
/* The kernel's handle of chain id (a rename names the chain by it), and
 * the chain of a handle, or -1. */
void rimap_chain_set_handle(struct rimap *ri, int id, uint64_t handle);
int rimap_chain_by_handle(const struct rimap *ri, uint64_t handle);
void rimap_chain_flush(struct rimap *ri, int id);
void rimap_flush_all(struct rimap *ri);
/* Rule changes. digest 0: a rule the index cannot describe. */
void rimap_add(struct rimap *ri, int chain, uint64_t digest, uint64_t handle);
void rimap_del(struct rimap *ri, int chain, uint64_t handle);
/* The handle of a rule added with handle 0, once the kernel said it. */
void rimap_set_handle(struct rimap *ri, int chain, uint64_t digest, uint64_t handle);

enum ri_answer rimap_find(struct rimap *ri, int chain, uint64_t digest, uint64_t *handle);

/* Write the index into the namespace's directory dirfd, stamped genid;
 * 0 or -1 (the old file then stays). */
int rimap_store(struct rimap *ri, int dirfd, uint32_t genid);
/* After a commit of ours took the ruleset from base to next and touched
 * only (family, table): every other index of the namespace stamped base
 * is still true at next. */
void rimap_restamp(int dirfd, const struct rimap_ns *ns, uint32_t base, uint32_t next,
		    uint8_t family, const char *table);

/* The index can no longer follow the table: it is never stored. */
void rimap_break(struct rimap *ri);
bool rimap_broken(const struct rimap *ri);

#endif
