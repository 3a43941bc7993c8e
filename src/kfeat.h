/* What the running kernel can do, where nf_tables expressions are
 * optional modules: each feature is probed once, when a rule first needs
 * it, by asking the kernel to check (never commit) a throwaway batch. */
#ifndef IPTNFT_KFEAT_H
#define IPTNFT_KFEAT_H

#include <stdbool.h>
#include <stdint.h>

enum kfeat_id {
	KF_QUEUE,	/* the queue expression (nft_queue) */
	KF_MAX,
};

/* xt modules asked about (kfeat_xt), at most this many remembered */
#define KFEAT_XT_MAX 8

/* Zeroed: nothing known yet. Owned by the handle. */
struct kfeat {
	int8_t known[KF_MAX];	/* 0: not asked, 1: yes, -1: no */
	struct kfeat_xt {
		char name[29];	/* XT_EXTENSION_MAXNAMELEN */
		bool target;
		bool has;
	} xt[KFEAT_XT_MAX];
	unsigned nxt;
};

/* Whether the kernel has the feature. Without a record (f NULL), or
 * when the kernel gives no answer (no privilege), it is assumed there:
 * the command then fails on its own with the kernel's own error. */
bool kfeat_has(struct kfeat *f, enum kfeat_id id, uint8_t family);

/* Whether the kernel has revision 0 of the xt match (or target) name,
 * asked through nft_compat as the reference asks when it loads an
 * extension. *first says this is the first time the handle asks (the
 * reference warns once a process). No answer counts as yes. */
bool kfeat_xt(struct kfeat *f, const char *name, bool target, uint8_t family, bool *first);

#endif
