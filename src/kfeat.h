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

#define KFEAT_XT_ASKED_MAX 8

/* Zeroed: nothing known yet. Owned by the handle. */
struct kfeat {
	int8_t known[KF_MAX];	/* 0: not asked, 1: yes, -1: no */
	/* the xt extensions whose module was asked for (kfeat_xt_warn) */
	const void *xt_asked[KFEAT_XT_ASKED_MAX];
	unsigned n_xt_asked;
};

/* Whether the kernel has the feature. Without a record (f NULL), or
 * when the kernel gives no answer (no privilege), it is assumed there:
 * the command then fails on its own with the kernel's own error. */
bool kfeat_has(struct kfeat *f, enum kfeat_id id, uint8_t family);

/* The reference asks the kernel (nft_compat) for the xt module of an
 * extension it loads, and warns on stderr where there is none: "Warning:
 * Extension NAME revision REV not supported, missing kernel module?".
 * Once for each extension (key) in the life of f; nothing where the
 * kernel gives no answer (no privilege). */
void kfeat_xt_warn(struct kfeat *f, const void *key, uint8_t family, const char *name,
		   uint32_t rev, bool target);

#endif
