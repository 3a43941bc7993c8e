#include "commit.h"

#include <errno.h>

#include "nlk.h"
#include "rindex.h"
#include "view.h"

/* Someone committing a thousand times while one batch is built is not
 * contention but a loop: give up then with the kernel's answer. */
#define MAX_RETRIES 1000

/* One attempt: build, send, keep the index in step. 0, or -1 with
 * *kerr as commit_run says. */
static int attempt_once(struct handle *h, const char *table, bool check,
			const struct commit_ops *ops, void *arg, unsigned attempt, int *kerr)
{
	struct batch b;
	struct view v;
	uint32_t genid;
	int ret, tag = -1;

	*kerr = 0;
	/* the first commit builds on the generation the handle was opened
	 * at: one question less for a single command */
	if (h->open_genid_unused) {
		h->open_genid_unused = false;
		genid = h->open_genid;
		ret = 0;
	} else {
		ret = nlk_genid(&h->nl, &genid);
	}
	if (ret < 0) {
		if (ops->genid_failed)
			ops->genid_failed(arg, ret);
		else
			handle_genid_error(h, ret);
		return -1;
	}
	batch_init(&b, &h->nl);
	view_init(&v, h, &b, table);
	ret = ops->build(&v, arg, attempt, genid) < 0 ? -1 : 0;
	if (ret == 0) {
		if (check) {
			ret = batch_check(&h->nl, &b, genid, &tag);
		} else {
			ret = batch_commit(&h->nl, &b, genid, &tag);
			if (ret == 0 && batch_count(&b))
				view_index_commit(&v, genid);
		}
		if (ret < 0 && ret != -ERESTART && ops->refused)
			ops->refused(&v, &b, ret, tag, arg);
		*kerr = ret;
		ret = ret < 0 ? -1 : 0;
	}
	rindex_free(v.ri);
	view_free(&v);
	batch_free(&b);
	return ret;
}

int commit_run(struct handle *h, const char *table, bool check, const struct commit_ops *ops,
	       void *arg, int *kerr)
{
	unsigned attempt;
	int ret = 0;

	for (attempt = 0; attempt < MAX_RETRIES; attempt++) {
		ret = attempt_once(h, table, check, ops, arg, attempt, kerr);
		if (ret == 0 || *kerr != -ERESTART)
			break;
	}
	return ret;
}
