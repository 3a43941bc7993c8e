#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* dl_iterate_phdr */
#endif
#include "rimap.h"

#include <dirent.h>
#include <elf.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "rdir.h"
#include "util.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

#define RI_MAGIC "iptnftX3"
#define RI_DUP 0x80000000u
#define RI_CHAIN_MASK 0x7fffffffu
#define RI_PARTIAL 1u		/* the chain holds rules the index lacks */
#define RI_GONE 2u		/* the chain was deleted */

/* The file: this header, chains[nchains], the names blob (NUL-ended
 * names, padded to 8 bytes), slots[nslots]. Host byte order: the file
 * never leaves the machine and dies with the boot. */
struct ri_hdr {
	char magic[8];
	uint8_t boot[16];
	uint8_t build[20];
	uint32_t pad;
	uint64_t cookie;
	uint64_t ino;
	uint32_t genid;
	uint32_t family;
	char table[32];
	uint32_t nchains;
	uint32_t names_len;
	uint32_t nslots;
	uint32_t nentries;
};

struct ri_chain {
	uint32_t off;		/* name's offset in the names blob */
	uint32_t flags;		/* RI_PARTIAL, RI_GONE */
	uint64_t handle;	/* the kernel's, 0: not known */
};

struct ri_slot {
	uint64_t digest;	/* 0: empty slot */
	uint32_t handle;
	uint32_t chain;		/* chain id, RI_DUP in the top bit */
};

struct rimap {
	char file[48];		/* the file's name in the namespace's */
	uint8_t family;
	char table[32];
	struct rimap_ns ns;
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

#define PAD8(x) (((x) + 7u) & ~7u)

static void slots_rebuild(struct rimap *ri, uint32_t n,
			  bool (*keep)(const struct ri_slot *, int), int arg);
static void settle(struct rimap *ri);

struct build_id {
	uint8_t *out;
	bool found;
};

/* The GNU build id note of the main program (the first object). */
static int build_id_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct build_id *b = data;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum && !b->found; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		const char *end = p + ph->p_memsz;

		if (ph->p_type != PT_NOTE)
			continue;
		while (end - p >= (long)sizeof(ElfW(Nhdr))) {
			const ElfW(Nhdr) *n = (const void *)p;
			const char *name = p + sizeof(*n);
			const char *desc = name + ((n->n_namesz + 3u) & ~3u);

			if (desc + n->n_descsz > end)
				break;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    memcmp(name, "GNU", 4) == 0 && n->n_descsz >= 8) {
				memcpy(b->out, desc, n->n_descsz < 20 ? n->n_descsz : 20);
				b->found = true;
				break;
			}
			p = desc + ((n->n_descsz + 3u) & ~3u);
		}
	}
	return 1;	/* the main program only */
}

int rimap_ns_get(struct rimap_ns *ns, int fd)
{
	struct build_id b;
	socklen_t len = sizeof(ns->cookie);
	struct stat st;
	char buf[64];
	unsigned i, j;
	ssize_t n;
	int bfd;

	memset(ns, 0, sizeof(*ns));
	b.out = ns->build;
	b.found = false;
	dl_iterate_phdr(build_id_cb, &b);
	if (!b.found)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &ns->cookie, &len) < 0 ||
	    len != sizeof(ns->cookie))
		return -1;
	if (stat("/proc/self/ns/net", &st) < 0)
		return -1;
	ns->ino = st.st_ino;
	bfd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (bfd < 0)
		return -1;
	n = read(bfd, buf, sizeof(buf) - 1);
	close(bfd);
	if (n < 32)
		return -1;
	/* 36 characters of hex and dashes: keep the 16 bytes */
	for (i = 0, j = 0; i < (unsigned)n && j < 32; i++) {
		char c = buf[i];
		unsigned v;

		if (c >= '0' && c <= '9')
			v = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = (unsigned)(c - 'a' + 10);
		else
			continue;
		ns->boot[j / 2] = (uint8_t)(ns->boot[j / 2] | (v << (j % 2 ? 0 : 4)));
		j++;
	}
	return j == 32 ? 0 : -1;
}

const char *rimap_dir(void)
{
	const char *on = getenv("IPTNFT_INDEX"), *dir = getenv("IPTNFT_INDEX_DIR");

	if (on && strcmp(on, "0") == 0)
		return NULL;
	return dir && *dir ? dir : "/run/iptnft";
}

static struct rimap *ri_alloc(const struct rimap_ns *ns, uint8_t family, const char *table)
{
	struct rimap *ri;

	if (strlen(table) >= sizeof(ri->table))
		return NULL;
	ri = xzalloc(sizeof(*ri));
	snprintf(ri->file, sizeof(ri->file), "%u-%s", family, table);
	ri->family = family;
	snprintf(ri->table, sizeof(ri->table), "%s", table);
	ri->ns = *ns;
	return ri;
}

struct rimap *rimap_new(const struct rimap_ns *ns, uint8_t family, const char *table)
{
	struct rimap *ri = ri_alloc(ns, family, table);

	if (!ri)
		return NULL;
	ri->nslots = 64;
	ri->slots = xzalloc(ri->nslots * sizeof(*ri->slots));
	ri->own_chains = ri->own_names = ri->own_slots = true;
	return ri;
}

static bool hdr_matches(const struct ri_hdr *h, const struct rimap *ri)
{
	return memcmp(h->magic, RI_MAGIC, 8) == 0 && memcmp(h->boot, ri->ns.boot, 16) == 0 &&
	       memcmp(h->build, ri->ns.build, 20) == 0 &&
	       h->cookie == ri->ns.cookie && h->ino == ri->ns.ino && h->family == ri->family &&
	       strncmp(h->table, ri->table, sizeof(h->table)) == 0;
}

struct rimap *rimap_open(int dirfd, const struct rimap_ns *ns, uint8_t family,
			   const char *table, uint32_t genid)
{
	struct rimap *ri = dirfd < 0 ? NULL : ri_alloc(ns, family, table);
	const struct ri_hdr *h;
	struct stat st;
	uint64_t need;
	char *base;
	uint32_t i;
	int fd;

	if (!ri)
		return NULL;
	fd = rdir_open_file(dirfd, ri->file, O_RDONLY);
	if (fd < 0)
		goto fail;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size < sizeof(struct ri_hdr)) {
		close(fd);
		goto fail;
	}
	ri->maplen = (uint64_t)st.st_size;
	ri->map = mmap(NULL, ri->maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (ri->map == MAP_FAILED) {
		ri->map = NULL;
		goto fail;
	}
	base = ri->map;
	h = ri->map;
	if (!hdr_matches(h, ri) || h->genid != genid || h->nslots == 0 ||
	    (h->nslots & (h->nslots - 1)) != 0 || h->nentries >= h->nslots)
		goto fail;
	need = sizeof(*h) + (uint64_t)h->nchains * sizeof(struct ri_chain) +
	       PAD8((uint64_t)h->names_len) + (uint64_t)h->nslots * sizeof(struct ri_slot);
	if (need != ri->maplen)
		goto fail;
	ri->nchains = ri->capchains = h->nchains;
	ri->chains = (struct ri_chain *)(base + sizeof(*h));
	ri->names_len = ri->names_cap = h->names_len;
	ri->names = base + sizeof(*h) + (uint64_t)h->nchains * sizeof(struct ri_chain);
	ri->nslots = h->nslots;
	ri->nentries = h->nentries;
	ri->slots = (struct ri_slot *)(ri->names + PAD8(h->names_len));
	/* names must lie inside the blob and end there */
	if (ri->names_len && ri->names[ri->names_len - 1] != '\0')
		goto fail;
	for (i = 0; i < ri->nchains; i++)
		if (ri->chains[i].off >= ri->names_len)
			goto fail;
	return ri;
fail:
	rimap_free(ri);
	return NULL;
}

void rimap_reserve(struct rimap *ri, uint32_t n)
{
	uint32_t size = ri->nslots;

	settle(ri);

	while (size < (1u << 30) && (uint64_t)n * 10 > (uint64_t)size * 7)
		size *= 2;
	if (size != ri->nslots)
		slots_rebuild(ri, size, NULL, 0);
}

void rimap_free(struct rimap *ri)
{
	if (!ri)
		return;
	if (ri->own_chains)
		free(ri->chains);
	if (ri->own_names)
		free(ri->names);
	if (ri->own_slots)
		free(ri->slots);
	free(ri->chash);
	if (ri->map)
		munmap(ri->map, ri->maplen);
	free(ri);
}

/* ---- chains ---- */

/* The chains by name, hashed (name_hash): a restore looks up the chain
 * of every jump. */
static void chash_put(struct rimap *ri, uint32_t id)
{
	const char *name = ri->names + ri->chains[id].off;
	uint32_t i = name_hash(name, strlen(name)) & (ri->chash_size - 1);

	while (ri->chash[i])
		i = (i + 1) & (ri->chash_size - 1);
	ri->chash[i] = id + 1;
	ri->chash_used++;
}

/* A chain's name may change (-E); the table then holds its id under both
 * names, and a lookup checks the name the id has now. */
static void chash_rebuild(struct rimap *ri)
{
	uint32_t i;

	free(ri->chash);
	ri->chash_size = 64;
	while (ri->chash_size < ri->nchains * 2 + 2)
		ri->chash_size *= 2;
	ri->chash = xzalloc(ri->chash_size * sizeof(*ri->chash));
	ri->chash_used = 0;
	for (i = 0; i < ri->nchains; i++)
		if (!(ri->chains[i].flags & RI_GONE))
			chash_put(ri, i);
}

/* Is chain id + 1 (0: none) there and named name, len bytes with the
 * NUL? */
static bool chain_is(const struct rimap *ri, uint32_t id1, const char *name, size_t len)
{
	const struct ri_chain *c;

	if (!id1 || id1 > ri->nchains)
		return false;
	c = &ri->chains[id1 - 1];
	return !(c->flags & RI_GONE) && ri->names_len - c->off >= len &&
	       memcmp(ri->names + c->off, name, len) == 0;
}

static int chain_found(struct rimap *ri, uint32_t id)
{
	if (ri->last != id + 1) {
		ri->last2 = ri->last;
		ri->last = id + 1;
	}
	return (int)id;
}

int rimap_chain(struct rimap *ri, const char *name)
{
	size_t len = strlen(name) + 1;
	uint32_t i;

	/* the chain a command is about, and the one its rules jump to */
	if (chain_is(ri, ri->last, name, len))
		return (int)ri->last - 1;
	if (chain_is(ri, ri->last2, name, len))
		return chain_found(ri, ri->last2 - 1);
	if (!ri->chash && ri->lookups++ < 8) {
		/* a command asks for a chain or two: a scan is cheaper than
		 * hashing 100,000 names */
		for (i = 0; i < ri->nchains; i++)
			if (chain_is(ri, i + 1, name, len))
				return chain_found(ri, i);
		return -1;
	}
	if (!ri->chash)
		chash_rebuild(ri);
	for (i = name_hash(name, len - 1) & (ri->chash_size - 1); ri->chash[i];
	     i = (i + 1) & (ri->chash_size - 1))
		if (chain_is(ri, ri->chash[i], name, len))
			return chain_found(ri, ri->chash[i] - 1);
	return -1;
}

static void chash_add(struct rimap *ri, uint32_t id)
{
	if (!ri->chash)
		return;		/* made when first needed */
	if ((ri->chash_used + 1) * 2 > ri->chash_size)
		chash_rebuild(ri);
	else
		chash_put(ri, id);
}

static uint32_t names_put(struct rimap *ri, const char *name)
{
	uint32_t len = (uint32_t)strlen(name) + 1, off;

	if (!ri->own_names || ri->names_len + len > ri->names_cap) {
		uint32_t cap = ri->names_cap * 2 + len + 4096;
		char *n = xmalloc(cap);

		if (ri->names_len)
			memcpy(n, ri->names, ri->names_len);
		if (ri->own_names)
			free(ri->names);
		ri->names = n;
		ri->names_cap = cap;
		ri->own_names = true;
	}
	off = ri->names_len;
	memcpy(ri->names + off, name, len);
	ri->names_len += len;
	return off;
}

int rimap_chain_add(struct rimap *ri, const char *name)
{
	int id = rimap_chain(ri, name);

	if (id >= 0)
		return id;
	if (ri->nchains >= RI_CHAIN_MASK) {
		ri->broken = true;
		return -1;
	}
	if (!ri->own_chains || ri->nchains == ri->capchains) {
		uint32_t cap = ri->capchains * 2 + 64;
		struct ri_chain *c = xmalloc(cap * sizeof(*c));

		if (ri->nchains)
			memcpy(c, ri->chains, ri->nchains * sizeof(*c));
		if (ri->own_chains)
			free(ri->chains);
		ri->chains = c;
		ri->capchains = cap;
		ri->own_chains = true;
	}
	ri->chains[ri->nchains].off = names_put(ri, name);
	ri->chains[ri->nchains].flags = 0;
	ri->chains[ri->nchains].handle = 0;
	ri->last2 = ri->last;
	ri->last = ri->nchains + 1;
	ri->nchains++;
	chash_add(ri, ri->nchains - 1);
	return (int)ri->nchains - 1;
}

/* ---- slots: open addressing, linear probing ---- */

static uint32_t slot_home(const struct rimap *ri, uint64_t digest, uint32_t chain)
{
	uint64_t k = digest ^ ((uint64_t)chain * 0x9e3779b97f4a7c15ull);

	k ^= k >> 31;
	return (uint32_t)k & (ri->nslots - 1);
}

static void slot_put(struct rimap *ri, const struct ri_slot *e)
{
	uint32_t i = slot_home(ri, e->digest, e->chain & RI_CHAIN_MASK);

	while (ri->slots[i].digest)
		i = (i + 1) & (ri->nslots - 1);
	ri->slots[i] = *e;
	ri->nentries++;
}

/* Rebuild into n slots, keeping the entries keep() accepts. */
static void slots_rebuild(struct rimap *ri, uint32_t n, bool (*keep)(const struct ri_slot *, int),
			  int arg)
{
	struct ri_slot *old = ri->slots;
	uint32_t oldn = ri->nslots, i;
	bool owned = ri->own_slots;

	ri->slots = xzalloc((size_t)n * sizeof(*ri->slots));
	ri->nslots = n;
	ri->nentries = 0;
	ri->own_slots = true;
	for (i = 0; i < oldn; i++)
		if (old[i].digest && (!keep || keep(&old[i], arg)))
			slot_put(ri, &old[i]);
	if (owned)
		free(old);
}

static int slot_find(const struct rimap *ri, uint64_t digest, uint32_t chain)
{
	uint32_t i = slot_home(ri, digest, chain);

	while (ri->slots[i].digest) {
		if (ri->slots[i].digest == digest && (ri->slots[i].chain & RI_CHAIN_MASK) == chain)
			return (int)i;
		i = (i + 1) & (ri->nslots - 1);
	}
	return -1;
}

/* Empty slot i and close the gap as linear probing needs. */
static void slot_remove(struct rimap *ri, uint32_t i)
{
	uint32_t mask = ri->nslots - 1, j = i, k;

	for (;;) {
		j = (j + 1) & mask;
		if (!ri->slots[j].digest)
			break;
		k = slot_home(ri, ri->slots[j].digest, ri->slots[j].chain & RI_CHAIN_MASK);
		/* the entry at j may move to i unless its home lies
		 * cyclically in (i, j] */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		ri->slots[i] = ri->slots[j];
		i = j;
	}
	memset(&ri->slots[i], 0, sizeof(ri->slots[i]));
	ri->nentries--;
}

static bool other_chain(const struct ri_slot *s, int chain)
{
	return (s->chain & RI_CHAIN_MASK) != (uint32_t)chain;
}

void rimap_chain_flush(struct rimap *ri, int id)
{
	settle(ri);
	if (id < 0 || (uint32_t)id >= ri->nchains) {
		ri->broken = true;
		return;
	}
	slots_rebuild(ri, ri->nslots, other_chain, id);
	ri->chains[id].flags &= ~RI_PARTIAL;
}

void rimap_chain_del(struct rimap *ri, int id)
{
	rimap_chain_flush(ri, id);
	if (ri->broken)
		return;
	ri->chains[id].flags = RI_GONE;
	ri->last = ri->last2 = 0;
}

void rimap_chain_set_handle(struct rimap *ri, int id, uint64_t handle)
{
	if (id >= 0 && (uint32_t)id < ri->nchains)
		ri->chains[id].handle = handle;
}

int rimap_chain_by_handle(const struct rimap *ri, uint64_t handle)
{
	uint32_t i;

	/* a rename asks, and renames are rare: a scan */
	for (i = 0; handle && i < ri->nchains; i++)
		if (ri->chains[i].handle == handle && !(ri->chains[i].flags & RI_GONE))
			return (int)i;
	return -1;
}

void rimap_chain_rename(struct rimap *ri, int id, const char *name)
{
	if (id < 0 || (uint32_t)id >= ri->nchains || rimap_chain(ri, name) >= 0) {
		ri->broken = true;
		return;
	}
	ri->chains[id].off = names_put(ri, name);
	ri->last = ri->last2 = 0;
	chash_add(ri, (uint32_t)id);
}

void rimap_flush_all(struct rimap *ri)
{
	uint32_t i;

	settle(ri);

	if (ri->own_slots)
		free(ri->slots);
	ri->nslots = 64;
	ri->nentries = 0;
	ri->slots = xzalloc(ri->nslots * sizeof(*ri->slots));
	ri->own_slots = true;
	for (i = 0; i < ri->nchains; i++)
		ri->chains[i].flags &= ~RI_PARTIAL;
}

static void mark_partial(struct rimap *ri, int chain)
{
	ri->chains[chain].flags |= RI_PARTIAL;
}

static void slot_insert(struct rimap *ri, const struct ri_slot *e)
{
	int i = slot_find(ri, e->digest, e->chain);

	if (i >= 0) {
		/* a second rule of the same content: the index cannot
		 * say which one -D takes, the kernel's order can */
		ri->slots[i].chain |= RI_DUP;
		return;
	}
	if ((uint64_t)(ri->nentries + 1) * 10 > (uint64_t)ri->nslots * 7) {
		if (ri->nslots >= (1u << 30)) {
			ri->broken = true;
			return;
		}
		slots_rebuild(ri, ri->nslots * 2, NULL, 0);
	}
	slot_put(ri, e);
}

static void settle(struct rimap *ri)
{
	if (ri->has_staged) {
		ri->has_staged = false;
		slot_insert(ri, &ri->staged);
	}
}

void rimap_add(struct rimap *ri, int chain, uint64_t digest, uint64_t handle)
{
	if (chain < 0 || (uint32_t)chain >= ri->nchains || handle > UINT32_MAX) {
		ri->broken = true;
		return;
	}
	if (!digest) {
		mark_partial(ri, chain);
		return;
	}
	settle(ri);
	ri->staged.digest = digest;
	ri->staged.handle = (uint32_t)handle;
	ri->staged.chain = (uint32_t)chain;
	ri->has_staged = true;
	__builtin_prefetch(&ri->slots[slot_home(ri, digest, (uint32_t)chain)], 1);
}

void rimap_del(struct rimap *ri, int chain, uint64_t handle)
{
	uint32_t i;

	settle(ri);

	if (chain < 0 || (uint32_t)chain >= ri->nchains) {
		ri->broken = true;
		return;
	}
	if (ri->chains[chain].flags & RI_PARTIAL)
		return;
	for (i = 0; i < ri->nslots; i++) {
		const struct ri_slot *s = &ri->slots[i];

		if (!s->digest || (s->chain & RI_CHAIN_MASK) != (uint32_t)chain ||
		    s->handle != handle)
			continue;
		if (s->chain & RI_DUP)
			break;	/* the others of its content stay */
		slot_remove(ri, i);
		return;
	}
	/* a rule the index does not hold by that handle (one of several of
	 * the same content): the chain can no longer be answered for */
	mark_partial(ri, chain);
}

void rimap_set_handle(struct rimap *ri, int chain, uint64_t digest, uint64_t handle)
{
	int i;

	settle(ri);

	if (chain < 0 || !digest || (ri->chains[chain].flags & RI_PARTIAL))
		return;
	i = slot_find(ri, digest, (uint32_t)chain);
	if (i < 0 || handle > UINT32_MAX) {
		ri->broken = true;
		return;
	}
	ri->slots[i].handle = (uint32_t)handle;
}

enum ri_answer rimap_find(struct rimap *ri, int chain, uint64_t digest, uint64_t *handle)
{
	int i;

	settle(ri);

	if (chain < 0 || (uint32_t)chain >= ri->nchains || !digest ||
	    (ri->chains[chain].flags & (RI_PARTIAL | RI_GONE)))
		return RI_UNKNOWN;
	i = slot_find(ri, digest, (uint32_t)chain);
	if (i < 0)
		return RI_ABSENT;
	if (ri->slots[i].chain & RI_DUP || !ri->slots[i].handle)
		return RI_UNKNOWN;
	*handle = ri->slots[i].handle;
	return RI_ONE;
}

/* ---- files ---- */

static bool write_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return true;
}

/* A new file name in dirfd, open for writing: an fd, or -1. A file of
 * that name was left by a killed process whose pid this one has now. */
static int create_temp(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 && errno == EEXIST && unlinkat(dirfd, name, 0) == 0)
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	return fd;
}

/* The new file tmp takes name's place in one step, so a reader finds
 * either the old file or the whole new one. Swapped with the old file,
 * which then goes: renaming over it would make ext4 (/run is not a tmpfs
 * everywhere) start writing the new file out to the disk at once, in
 * this process, as it does for a file saved by rename; a file that the
 * next command replaces never needs to reach the disk. */
static bool put_in_place(int dirfd, const char *tmp, const char *name)
{
	if (renameat2(dirfd, tmp, dirfd, name, RENAME_EXCHANGE) == 0) {
		unlinkat(dirfd, tmp, 0);
		return true;
	}
	/* none there yet (ENOENT), or a file system that cannot swap */
	return renameat(dirfd, tmp, dirfd, name) == 0;
}

int rimap_store(struct rimap *ri, int dirfd, uint32_t genid)
{
	static const char zero[8];
	struct ri_hdr h;
	struct iovec iov[5];
	char tmp[sizeof(ri->file) + 24];
	bool ok;
	int fd;

	settle(ri);

	if (ri->broken || dirfd < 0)
		return -1;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, RI_MAGIC, 8);
	memcpy(h.boot, ri->ns.boot, 16);
	memcpy(h.build, ri->ns.build, 20);
	h.cookie = ri->ns.cookie;
	h.ino = ri->ns.ino;
	h.genid = genid;
	h.family = ri->family;
	memcpy(h.table, ri->table, sizeof(h.table));
	h.nchains = ri->nchains;
	h.names_len = ri->names_len;
	h.nslots = ri->nslots;
	h.nentries = ri->nentries;
	snprintf(tmp, sizeof(tmp), "%s.%ld", ri->file, (long)getpid());
	fd = create_temp(dirfd, tmp);
	if (fd < 0)
		return -1;
	iov[0] = (struct iovec){ &h, sizeof(h) };
	iov[1] = (struct iovec){ ri->chains, ri->nchains * sizeof(*ri->chains) };
	iov[2] = (struct iovec){ ri->names, ri->names_len };
	iov[3] = (struct iovec){ (void *)zero, PAD8(ri->names_len) - ri->names_len };
	iov[4] = (struct iovec){ ri->slots, (size_t)ri->nslots * sizeof(*ri->slots) };
	ok = write_all(fd, iov, 5);
	if (close(fd) < 0)
		ok = false;
	if (!ok || !put_in_place(dirfd, tmp, ri->file)) {
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	return 0;
}

/* The family and table a file's name stands for ("2-filter"). */
static bool parse_file_name(const char *name, uint32_t *family, char *table, size_t size)
{
	char *end;
	unsigned long f = strtoul(name, &end, 10);

	if (end == name || *end != '-' || f > 255 || strlen(end + 1) >= size || !end[1])
		return false;
	*family = (uint32_t)f;
	snprintf(table, size, "%s", end + 1);
	return true;
}

/* Carry one file's stamp from base to next, if it is an index of this
 * namespace stamped base, of the family and table its name says. A file
 * of another namespace (one that is gone and whose inode number this one
 * has now) or boot is removed. */
static void restamp_file(int dirfd, const char *name, const struct rimap_ns *ns,
			 uint32_t base, uint32_t next)
{
	char table[sizeof(((struct ri_hdr *)0)->table)];
	struct ri_hdr h;
	uint32_t family;
	int fd;

	if (!parse_file_name(name, &family, table, sizeof(table)))
		return;
	fd = rdir_open_file(dirfd, name, O_RDWR);
	if (fd < 0)
		return;
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h.magic, RI_MAGIC, 8) != 0) {
		close(fd);
		return;
	}
	if (memcmp(h.boot, ns->boot, 16) != 0 || h.cookie != ns->cookie || h.ino != ns->ino) {
		unlinkat(dirfd, name, 0);
	} else if (memcmp(h.build, ns->build, 20) == 0 && h.family == family &&
		   strncmp(h.table, table, sizeof(h.table)) == 0 && h.genid == base) {
		h.genid = next;
		if (pwrite(fd, &h.genid, sizeof(h.genid), offsetof(struct ri_hdr, genid)) !=
		    (ssize_t)sizeof(h.genid))
			unlinkat(dirfd, name, 0);
	}
	close(fd);
}

void rimap_restamp(int dirfd, const struct rimap_ns *ns, uint32_t base, uint32_t next,
		    uint8_t family, const char *table)
{
	char self[64];
	struct dirent *de;
	int fd;
	DIR *d;

	if (dirfd < 0)
		return;
	fd = dup(dirfd);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	rewinddir(d);	/* the dup shares the offset of the last walk */
	snprintf(self, sizeof(self), "%u-%s", family, table);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && !strchr(de->d_name, '.') && strcmp(de->d_name, self) != 0)
			restamp_file(dirfd, de->d_name, ns, base, next);
	closedir(d);
	rdir_clean_temps(dirfd);
}

void rimap_break(struct rimap *ri)
{
	ri->broken = true;
}

bool rimap_broken(const struct rimap *ri)
{
	return ri->broken;
}
