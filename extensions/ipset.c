/* The ipset getsockopt interface, used by the set match and the SET
 * target: a name to an index when a rule is parsed, and back when it is
 * listed. One request and one answer per call, on a socket of its own. */
#include <errno.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/ipset/ip_set.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipset.h"
#include "util.h"

/* Send req (len bytes) and read the kernel's answer into it. */
static int ipset_ask(void *req, socklen_t len)
{
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW), rc, saved;
	socklen_t got = len;

	if (fd < 0)
		return -1;
	rc = getsockopt(fd, SOL_IP, SO_IP_SET, req, &got);
	saved = errno;
	close(fd);
	errno = saved;
	return rc < 0 || got != len ? -1 : 0;
}

/* The protocol version the kernel speaks, or 0. */
static unsigned ipset_version(void)
{
	struct ip_set_req_version req = { .op = IP_SET_OP_VERSION };

	return ipset_ask(&req, sizeof(req)) < 0 ? 0 : req.version;
}

static const char *family_name(unsigned family)
{
	return family == NFPROTO_IPV6 ? "IPv6" : family == NFPROTO_IPV4 ? "IPv4" : "unknown";
}

int ipset_index(struct ipt_error *err, const char *name, uint8_t family, uint16_t *index)
{
	struct ip_set_req_get_set_family req = { .op = IP_SET_OP_GET_FNAME };
	size_t len = strlen(name);

	if (len > IPSET_MAXNAMELEN - 1)
		return err_param(err, "setname `%s' too long, max %d characters.", name,
				 IPSET_MAXNAMELEN - 1);
	req.version = ipset_version();
	if (!req.version)
		return err_param(err, "Cannot reach the kernel's ipset interface: %s.\n",
				 strerror(errno));
	memcpy(req.set.name, name, len);
	if (ipset_ask(&req, sizeof(req)) < 0) {
		/* a kernel without GET_FNAME: the index alone */
		struct ip_set_req_get_set old = { .op = IP_SET_OP_GET_BYNAME,
						  .version = req.version };

		memcpy(old.set.name, name, len);
		if (ipset_ask(&old, sizeof(old)) < 0)
			return err_param(err, "Cannot look set %s up: %s.\n", name,
					 strerror(errno));
		req.set.index = old.set.index;
		req.family = NFPROTO_UNSPEC;
	}
	if (req.set.index == IPSET_INVALID_ID)
		return err_param(err, "Set %s doesn't exist.\n", name);
	if (req.family != NFPROTO_UNSPEC && req.family != family)
		return err_param(err, "The protocol family of set %s is %s, which is not applicable.\n",
				 name, family_name(req.family));
	*index = req.set.index;
	return 0;
}

bool ipset_name(uint16_t index, char *name)
{
	struct ip_set_req_get_set req = { .op = IP_SET_OP_GET_BYINDEX };

	req.version = ipset_version();
	req.set.index = index;
	if (!req.version || ipset_ask(&req, sizeof(req)) < 0 || req.set.name[0] == '\0')
		return false;
	memcpy(name, req.set.name, IPSET_MAXNAMELEN);
	name[IPSET_MAXNAMELEN - 1] = '\0';
	return true;
}

int ipset_parse_dims(struct ipt_error *err, const char *arg, uint8_t *dim, uint8_t *flags)
{
	const char *p = arg, *end;

	*dim = 0;
	*flags = 0;
	/* words past the sixth are not looked at, only counted */
	for (;;) {
		end = strchr(p, ',');
		if (*dim == IPSET_DIM_MAX)
			return err_param(err, "Can't be more src/dst options than %d.",
					 IPSET_DIM_MAX);
		if (strncmp(p, "src", 3) == 0)
			*flags |= 1u << (*dim + 1);
		else if (strncmp(p, "dst", 3) != 0)
			return err_param(err, "You must spefify (the comma separated list of) 'src' or 'dst'.");
		(*dim)++;
		if (!end)
			return 0;
		p = end + 1;
	}
}

void ipset_dims_text(struct strbuf *out, uint16_t index, uint8_t dim, uint8_t flags)
{
	char name[IPSET_MAXNAMELEN];
	unsigned i;

	if (ipset_name(index, name))
		sb_printf(out, " %s", name);
	else
		sb_printf(out, " <set #%u>", index);
	for (i = 1; i <= dim && i <= IPSET_DIM_MAX; i++)
		sb_printf(out, "%s%s", i == 1 ? " " : ",", flags & (1u << i) ? "src" : "dst");
}
