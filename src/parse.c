/* Parsers for the base fields of a rule. */
#include "parse.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <ctype.h>
#include <linux/netfilter.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "num.h"
#include "util.h"

/* Protocols iptables knows by name without /etc/protocols. */
static const struct {
	const char *name;
	uint8_t num;
} known_protos[] = {
	{ "tcp", 6 }, { "sctp", 132 }, { "udp", 17 }, { "udplite", 136 },
	{ "icmp", 1 }, { "icmpv6", 58 }, { "ipv6-icmp", 58 }, { "esp", 50 },
	{ "ah", 51 }, { "ipv6-mh", 135 }, { "mh", 135 }, { "all", 0 },
};

int parse_protocol_word(const char *s, uint16_t *proto, struct ipt_error *err)
{
	struct protoent *pe;
	uint64_t n;
	size_t i;

	if (num_uint(s, 0, UINT8_MAX, &n)) {
		*proto = (uint16_t)n;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(known_protos); i++) {
		if (strcmp(s, known_protos[i].name) == 0) {
			*proto = known_protos[i].num;
			return 0;
		}
	}
	pe = getprotobyname(s);
	if (!pe)
		return err_param(err, "unknown protocol \"%s\" specified", s);
	*proto = (uint16_t)pe->p_proto;
	return 0;
}

int parse_protocol(const char *s, uint16_t *proto, struct ipt_error *err)
{
	char *lower = xstrdup(s);
	size_t i;
	int ret;

	for (i = 0; lower[i]; i++)
		lower[i] = (char)tolower((unsigned char)lower[i]);
	/* named as the reference names it, in lower case */
	ret = parse_protocol_word(lower, proto, err);
	free(lower);
	return ret;
}

const char *proto_name(uint16_t proto, uint8_t family)
{
	struct protoent *pe;
	size_t i;

	if (proto == 58 && family == NFPROTO_IPV6)
		return "ipv6-icmp";
	for (i = 0; i < ARRAY_SIZE(known_protos); i++)
		if (known_protos[i].num == proto && proto != 58 && proto != 135)
			return known_protos[i].name;
	pe = getprotobynumber(proto);
	return pe ? pe->p_name : NULL;
}

/* ---- addresses ---- */

static void list_add(struct addr_list *l, const struct addr_mask *am)
{
	/* the same address twice makes two rules, as with the reference */
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = *am;
}

void addr_list_free(struct addr_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* "a.b.c.d", each part a number of any base the reference reads; an
 * address may have fewer parts, the missing ones zero ("10.1" is
 * 10.1.0.0 as the reference reads it), a mask must have all four. */
static bool parse_dotted(const char *s, uint8_t *out, bool need4)
{
	char *copy = xstrdup(s), *p = copy, *dot;
	unsigned part = 0;
	bool ok = true;
	uint64_t v;

	memset(out, 0, 4);
	for (;;) {
		dot = strchr(p, '.');
		if (dot)
			*dot = '\0';
		if (part == 4 || !num_uint(p, 0, UINT8_MAX, &v)) {
			ok = false;
			break;
		}
		out[part++] = (uint8_t)v;
		if (!dot)
			break;
		p = dot + 1;
	}
	free(copy);
	return ok && (!need4 || part == 4);
}

static int parse_mask(const char *m, uint8_t family, uint8_t *mask, struct ipt_error *err)
{
	unsigned alen = family_addr_len(family);
	uint64_t bits;
	unsigned i;

	memset(mask, 0, 16);
	if (!m) {
		memset(mask, 0xff, alen);
		return 0;
	}
	if (family == NFPROTO_IPV4 && strchr(m, '.')) {
		if (!parse_dotted(m, mask, true))
			return err_param(err, "invalid mask `%s' specified", m);
		return 0;
	}
	if (family == NFPROTO_IPV6 && strchr(m, ':')) {
		struct in6_addr a;

		if (inet_pton(AF_INET6, m, &a) != 1)
			return err_param(err, "invalid mask `%s' specified", m);
		memcpy(mask, &a, 16);
		return 0;
	}
	if (!num_uint(m, 0, alen * 8, &bits))
		return err_param(err, "invalid mask `%s' specified", m);
	for (i = 0; i < bits; i++)
		mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	return 0;
}

static int resolve_host(const char *host, uint8_t family, const uint8_t *mask,
			struct addr_list *out, struct ipt_error *err)
{
	unsigned alen = family_addr_len(family);
	int af = family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	struct addrinfo hints = { 0 }, *res, *ai;
	struct addr_mask am;
	unsigned i;

	memset(&am, 0, sizeof(am));
	memcpy(am.mask, mask, 16);
	if ((af == AF_INET && parse_dotted(host, am.addr, false)) ||
	    (af == AF_INET6 && inet_pton(af, host, am.addr) == 1)) {
		for (i = 0; i < alen; i++)
			am.addr[i] &= am.mask[i];
		list_add(out, &am);
		return 0;
	}
	hints.ai_family = af;
	hints.ai_socktype = SOCK_RAW;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return err_param(err, "host/network `%s' not found", host);
	for (ai = res; ai; ai = ai->ai_next) {
		memset(am.addr, 0, sizeof(am.addr));
		if (af == AF_INET)
			memcpy(am.addr, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
		else
			memcpy(am.addr, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
		for (i = 0; i < alen; i++)
			am.addr[i] &= am.mask[i];
		list_add(out, &am);
	}
	freeaddrinfo(res);
	return 0;
}

/* One item of an address list: "host[/mask]", blanks before it skipped
 * as the reference skips them. A zero mask matches any address, so the
 * host is never looked up: "somename/0" works without DNS. */
static int parse_address(char *item, uint8_t family, struct addr_list *out,
			 struct ipt_error *err)
{
	char *slash = strrchr(item, '/');
	struct addr_mask any;
	uint8_t mask[16];
	unsigned i;

	if (slash)
		*slash++ = '\0';
	while (isspace((unsigned char)*item))
		item++;
	if (parse_mask(slash, family, mask, err) < 0)
		return -1;
	for (i = 0; i < 16 && !mask[i]; i++)
		;
	if (i < 16)
		return resolve_host(item, family, mask, out, err);
	memset(&any, 0, sizeof(any));
	list_add(out, &any);
	return 0;
}

int parse_addresses(const char *s, uint8_t family, struct addr_list *out,
		    struct ipt_error *err)
{
	char *copy = xstrdup(s), *item = copy, *comma;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	/* empty items count: "a,,b" names a host called "" */
	for (;;) {
		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		ret = parse_address(item, family, out, err);
		if (ret < 0 || !comma)
			break;
		item = comma + 1;
	}
	free(copy);
	if (ret < 0)
		addr_list_free(out);
	return ret;
}
/* ---- interfaces ---- */

int parse_interface(const char *s, char *out, struct ipt_error *err)
{
	size_t n = strlen(s), i;

	if (n == 0)
		return err_param(err, "Empty interface is likely to be undesired");
	if (n >= IFNAMSIZ)
		return err_param(err, "interface name `%s' must be shorter than IFNAMSIZ (%d)",
				 s, IFNAMSIZ - 1);
	for (i = 0; i < n; i++) {
		if (s[i] == '/' || s[i] == ' ') {
			/* accepted, with the reference's warning */
			fprintf(stderr, "Warning: weird character in interface `%s' ('/' and ' ' are not allowed by the kernel).\n",
				s);
			break;
		}
	}
	memset(out, 0, IFNAMSIZ);
	memcpy(out, s, n);
	return 0;
}

/* ---- ports ---- */

int parse_port(const char *s, const char *proto, uint16_t *port, struct ipt_error *err)
{
	if (!num_port(s, proto, port))
		return err_param(err, "invalid port/service `%s' specified", s);
	return 0;
}

int parse_port_range(const char *s, const char *proto, uint16_t *lo, uint16_t *hi,
		     struct ipt_error *err)
{
	const char *colon = strchr(s, ':');
	char *first;
	int ret = 0;

	if (!colon) {
		if (parse_port(s, proto, lo, err) < 0)
			return -1;
		*hi = *lo;
		return 0;
	}
	first = xstrdup(s);
	first[colon - s] = '\0';
	*lo = 0;
	*hi = 65535;
	if (first[0])
		ret = parse_port(first, proto, lo, err);
	free(first);
	if (ret < 0)
		return -1;
	if (colon[1] && parse_port(colon + 1, proto, hi, err) < 0)
		return -1;
	if (*lo > *hi)
		return err_param(err, "invalid portrange (min > max)");
	return 0;
}
