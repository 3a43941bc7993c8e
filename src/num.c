/* Numbers as the reference reads them (see num.h). */
#include "num.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

bool num_uint_prefix(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		     const char **end)
{
	const char *p = s;
	unsigned long long v;
	char *e;

	/* strtoull would take "-1" as 2^64-1; a sign after blanks counts */
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-')
		return false;
	errno = 0;
	v = strtoull(s, &e, 0);
	if (e == s || errno || v < min || v > max)
		return false;
	*out = v;
	*end = e;
	return true;
}

bool num_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	const char *end;
	uint64_t v;

	if (!num_uint_prefix(s, min, max, &v, &end) || *end)
		return false;
	*out = v;
	return true;
}

bool num_scan_u64(const char *s, uint64_t *out)
{
	const char *p = s;
	char *end;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		p++;
	/* strtoull itself would skip blanks after the sign */
	if (!isdigit((unsigned char)*p))
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return true;
}

bool num_service_port(const char *s, uint16_t *port)
{
	struct addrinfo hints = { 0 }, *res;

	/* getaddrinfo itself: its reading of numbers is the one to follow */
	hints.ai_family = AF_INET;
	if (getaddrinfo(NULL, s, &hints, &res) != 0)
		return false;
	*port = ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port);
	freeaddrinfo(res);
	return true;
}

/* Only digits: no service is named so (Debian's /etc/services has no
 * such name or alias), so the name lookup, which reads the whole file
 * each time, is left out. */
static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

bool num_port(const char *s, const char *proto, uint16_t *port)
{
	struct servent *se = all_digits(s) ? NULL : getservbyname(s, proto);
	uint64_t v;

	if (se) {
		*port = ntohs((uint16_t)se->s_port);
		return true;
	}
	if (!num_uint(s, 0, UINT16_MAX, &v))
		return false;
	*port = (uint16_t)v;
	return true;
}
