/* The transaction: one table's changes built into a view (view.c) on a
 * batch, sent as one netlink transaction on the generation they were
 * built on, and built again from scratch when someone else committed in
 * between (the kernel answers ERESTART). iptables' commands and restore's
 * blocks both go through here; the rule index is kept in step. */
#ifndef IPTNFT_COMMIT_H
#define IPTNFT_COMMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "handle.h"

struct view;
struct batch;

struct commit_ops {
	/* Queue the changes into v, a fresh view of the table on a fresh
	 * batch, built on generation genid; attempt counts from 0. May set
	 * v->ri (the rule index to keep in step; freed here). 0, or -1
	 * with the handle's error set: nothing is sent. */
	int (*build)(struct view *v, void *arg, unsigned attempt, uint32_t genid);
	/* Optional: the kernel refused the batch with err (not a restart):
	 * note what reporting it needs while v and b are still there; tag is
	 * the tag of the message it refused (-1: none known). */
	void (*refused)(struct view *v, const struct batch *b, int err, int tag, void *arg);
	/* Optional: the generation could not be read (err: -errno); report
	 * it and return -1. Without it: handle_genid_error. */
	int (*genid_failed)(void *arg, int err);
};

/* Run the transaction on table. check: the kernel only checks the batch
 * (restore --test). Returns 0, or -1 with *kerr the kernel's -errno
 * (after ops->refused), or 0 when build or the generation failed (the
 * handle's error is then set). */
int commit_run(struct handle *h, const char *table, bool check, const struct commit_ops *ops,
	       void *arg, int *kerr);

#endif
