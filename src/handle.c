#include "handle.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "cache.h"

int handle_genid_error(struct handle *h, int err)
{
	return err_versioned(&h->err, EXIT_RESOURCE, "Could not fetch rule set generation id: %s",
			     err == -EPERM || err == -EACCES ?
			     "Permission denied (you must be root)" : strerror(-err));
}

unsigned debug_walk_flags(const char *dbg)
{
	unsigned flags = 0;

	if (dbg && strstr(dbg, "nohold"))
		flags |= WALK_NOHOLD;
	if (dbg && strstr(dbg, "stale"))
		flags |= WALK_STALE;
	if (dbg && strstr(dbg, "short"))
		flags |= WALK_SHORT;
	return flags;
}

void handle_init(struct handle *h, uint8_t family)
{
	size_t err_at = offsetof(struct handle, err) + offsetof(struct ipt_error, msg);
	size_t after = offsetof(struct handle, err) + sizeof(h->err);

	memset(h, 0, err_at);
	h->err.msg[0] = '\0';
	memset((char *)h + after, 0, sizeof(*h) - after);
	h->family = family;
}

int handle_netlink(struct handle *h)
{
	uint32_t genid;
	int ret;

	if (h->nl_open)
		return 0;
	ret = nlk_open(&h->nl);
	if (ret < 0)
		return handle_genid_error(h, ret);
	h->nl_open = true;
	if (h->debug_rcvbuf)
		nlk_tiny_rcvbuf(&h->nl);
	/* the reference asks for the generation first; an unprivileged
	 * caller learns here that it must be root */
	ret = nlk_genid(&h->nl, &genid);
	if (ret < 0)
		return handle_genid_error(h, ret);
	h->open_genid = genid;
	h->open_genid_unused = true;
	return 0;
}

struct rindex_home *handle_index(struct handle *h)
{
	if (!h->ri_home && h->nl.sock)
		h->ri_home = rindex_home_new(mnl_socket_get_fd(h->nl.sock));
	return rindex_home_usable(h->ri_home) ? h->ri_home : NULL;
}

void handle_close(struct handle *h)
{
	if (h->nl.sock)
		nlk_close(&h->nl);
	h->nl_open = false;
	rindex_home_free(h->ri_home);
	h->ri_home = NULL;
}

