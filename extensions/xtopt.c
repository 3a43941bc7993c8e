#include "xtopt.h"
#include "op.h"
#include "ext.h"
#include "num.h"
#include "rule.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <netdb.h>
#include <sys/socket.h>
#include <stdio.h>
#include <sys/socket.h>
#include <libnftnl/expr.h>
#include <stdlib.h>
#include <string.h>

bool xt_negative(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return *s == '-';
}

int xt_parse_uint(struct ipt_error *err, const char *ext, const char *opt, const char *arg,
		  uint64_t min, uint64_t max, uint64_t *out)
{
	if (!num_uint(arg, min, max, out))
		return err_param(err, "%s: bad value for option \"--%s\", or out of range (%llu-%llu).\n",
				 ext, opt, (unsigned long long)min, (unsigned long long)max);
	return 0;
}

/* One end of a range at p: a number, or nothing for dflt. */
static int range_end(struct ipt_error *err, const char *ext, const char *opt, const char *p,
		     uint64_t max, uint64_t dflt, uint64_t *out, const char **end)
{
	if (*p == ':' || *p == '\0') {
		*out = dflt;
		*end = p;
		return 0;
	}
	if (!num_uint_prefix(p, 0, max, out, end))
		return err_param(err, "%s: bad value for option \"--%s\" near \"%s\", or out of range (0-%llu).\n",
				 ext, opt, p, (unsigned long long)max);
	return 0;
}

int xt_parse_uint_range(struct ipt_error *err, const char *ext, const char *opt,
			const char *arg, uint64_t max, uint64_t *lo, uint64_t *hi, unsigned *nvals)
{
	uint64_t v[2];
	const char *p = arg, *end = arg;
	int n = 0;

	for (;;) {
		if (n == 2)
			return err_param(err, "%s: Too many components for option \"--%s\" (max: 2)\n",
					 ext, opt);
		if (range_end(err, ext, opt, p, max, n ? max : 0, &v[n], &end) < 0)
			return -1;
		n++;
		if (*end == '\0')
			break;
		if (*end != ':')
			return err_param(err, "%s: Argument to \"--%s\" has unexpected characters near \"%s\".\n",
					 ext, opt, end);
		p = end + 1;
	}
	*lo = v[0];
	*hi = n == 2 ? v[1] : v[0];
	if (nvals)
		*nvals = (unsigned)n;
	return 0;
}

int xt_parse_port_range(struct ipt_error *err, const char *ext, const char *opt,
			const char *arg, uint16_t *lo, uint16_t *hi)
{
	uint16_t v[2] = { 0, UINT16_MAX };
	char *copy = xstrdup(arg), *rest = copy, *part;
	int n = 0, ret = 0;

	/* each end may be empty, for its default; a third one is too many */
	while ((part = strsep(&rest, ":")) != NULL) {
		if (n == 2) {
			ret = err_param(err, "%s: Too many components for option \"--%s\" (max: 2)\n",
					ext, opt);
			break;
		}
		if (*part && !num_service_port(part, &v[n])) {
			ret = err_param(err, "Port \"%s\" does not resolve to anything.\n", part);
			break;
		}
		n++;
	}
	free(copy);
	if (ret < 0)
		return ret;
	*lo = v[0];
	*hi = n == 2 ? v[1] : v[0];
	return 0;
}

int xt_parse_markmask(struct ipt_error *err, const char *ext, const char *opt,
		      const char *arg, uint32_t *value, uint32_t *mask)
{
	uint64_t v, m = UINT32_MAX;
	const char *end;

	if (!num_uint_prefix(arg, 0, UINT32_MAX, &v, &end))
		goto bad;
	if (*end == '/' && !num_uint_prefix(end + 1, 0, UINT32_MAX, &m, &end))
		goto bad;
	if (*end)
		return err_param(err, "%s: trailing garbage after value for option \"--%s\".\n",
				 ext, opt);
	*value = (uint32_t)v;
	*mask = (uint32_t)m;
	return 0;
bad:
	return err_param(err, "%s: bad integer value for option \"--%s\", or out of range.\n",
			 ext, opt);
}

int xt_parse_host(struct ipt_error *err, uint8_t family, const char *arg,
		  union nf_inet_addr *out)
{
	bool v6 = family == NFPROTO_IPV6;
	struct addrinfo hints = { 0 }, *res;
	int rc;

	hints.ai_family = v6 ? AF_INET6 : AF_INET;
	hints.ai_socktype = SOCK_RAW;
	rc = getaddrinfo(arg, NULL, &hints, &res);
	if (rc)
		return err_param(err, "getaddrinfo: %s\n", gai_strerror(rc));
	memset(out, 0, sizeof(*out));
	if (v6)
		memcpy(out, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, 16);
	else
		memcpy(out, &((struct sockaddr_in *)res->ai_addr)->sin_addr, 4);
	freeaddrinfo(res);
	return 0;
}

void xt_addr_text(struct strbuf *out, const union nf_inet_addr *addr, uint8_t family)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(family == NFPROTO_IPV6 ? AF_INET6 : AF_INET, addr, buf, sizeof(buf));
	sb_add(out, buf);
}

int xt_err_noinv(struct ipt_error *err, const char *ext, const char *opt)
{
	return err_param(err, "%s: option \"--%s\" cannot be inverted.\n", ext, opt);
}

int xt_err_conflict(struct ipt_error *err, const char *ext, const char *a, const char *b)
{
	return err_param(err, "%s: option \"--%s\" cannot be used together with \"--%s\".\n",
			 ext, a, b);
}

int xt_err_mandatory(struct ipt_error *err, const char *ext, const char *opt)
{
	return err_param(err, "%s: option \"--%s\" must be specified\n", ext, opt);
}

int xt_err_table(const struct parse_ctx *ctx, const char *chain)
{
	/* what the reference's kernel says for each command: a rule that
	 * cannot exist is never found by -C or -D */
	switch (ctx->op) {
	case OP_DELETE:
	case OP_CHECK:
		return err_plain(ctx->err, EXIT_OTHER,
				 "Bad rule (does a matching rule exist in that chain?).");
	case OP_INSERT:
	case OP_REPLACE:
		return err_versioned(ctx->err, EXIT_RESOURCE,
				     " %s failed (Invalid argument): rule in chain %s",
				     ctx->op == OP_INSERT ? "RULE_INSERT" : "RULE_REPLACE",
				     chain ? chain : "");
	default:
		return err_versioned(ctx->err, EXIT_RESOURCE,
				     " RULE_APPEND failed (Invalid argument): rule in chain %s",
				     chain ? chain : "");
	}
}

void xt_xmark_text(struct strbuf *out, uint32_t value, uint32_t mask)
{
	if (value == 0)
		sb_printf(out, " and 0x%x", ~mask);
	else if (value == mask)
		sb_printf(out, " or 0x%x", value);
	else if (mask == 0)
		sb_printf(out, " xor 0x%x", value);
	else if (mask == UINT32_MAX)
		sb_printf(out, " set 0x%x", value);
	else
		sb_printf(out, " xset 0x%x/0x%x", value, mask);
}

const void *xt_blob(const struct item *it, bool target, const char *name, uint32_t rev,
		    uint32_t len)
{
	uint16_t a_name = target ? NFTNL_EXPR_TG_NAME : NFTNL_EXPR_MT_NAME;
	uint16_t a_rev = target ? NFTNL_EXPR_TG_REV : NFTNL_EXPR_MT_REV;
	uint16_t a_info = target ? NFTNL_EXPR_TG_INFO : NFTNL_EXPR_MT_INFO;
	const char *n;
	const void *info;
	uint32_t got = 0;

	if (!it || it->kind != ITEM_STMT || !it->expr || !it->name ||
	    strcmp(it->name, target ? "target" : "match") != 0)
		return NULL;
	n = nftnl_expr_get_str(it->expr, a_name);
	if (!n || strcmp(n, name) != 0 || nftnl_expr_get_u32(it->expr, a_rev) != rev)
		return NULL;
	info = nftnl_expr_get(it->expr, a_info, &got);
	if (!info || got < len)
		return NULL;
	return info;
}

void lin_xt_match(struct lin_ctx *c, const char *name, uint32_t rev, const void *info,
		  uint32_t len)
{
	uint8_t blob[XT_INFO_MAX] __attribute__((aligned(8))) = { 0 };

	memcpy(blob, info, len);
	lin_xt(c, false, name, rev, blob, XT_ALIGN(len));
}

bool delin_xt_match(struct delin_ctx *c, const char *name, uint32_t rev, void *out,
		    uint32_t len)
{
	const void *info = xt_blob(delin_peek(c), false, name, rev, len);

	if (info)
		memcpy(out, info, len);
	return info != NULL;
}

/* ---- host[/mask] ---- */

/* A prefix length as the reference reads it: strtoul in any base, no
 * sign; for IPv4 anything above 32 (up to 2^32-1) means the whole
 * address (returned as 33), for IPv6 above 128 is an error. */
static bool parse_plen(const char *s, uint8_t family, unsigned *plen)
{
	unsigned alen = family_addr_len(family);
	unsigned long long v;
	char *end;

	if (strchr(s, '-'))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s || *end || errno || v > UINT32_MAX)
		return false;
	if (family == NFPROTO_IPV6 && v > 128)
		return false;
	*plen = v > alen * 8 ? alen * 8 + 1 : (unsigned)v;
	return true;
}

void xt_prefix_mask(uint8_t *mask, unsigned plen)
{
	unsigned i;

	memset(mask, 0, 16);
	for (i = 0; i < plen && i < 128; i++)
		mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

int xt_parse_mask(struct ipt_error *err, const char *ext, const char *opt, const char *m,
		  uint8_t family, uint8_t *mask)
{
	unsigned alen = family_addr_len(family), plen;
	uint8_t a[16] = { 0 };
	int n;

	if (strchr(m, family == NFPROTO_IPV6 ? ':' : '.')) {
		if (family == NFPROTO_IPV6 ? inet_pton(AF_INET6, m, a) != 1
					   : inet_aton(m, (struct in_addr *)a) == 0)
			goto bad;
		n = mask_prefix_len(a, alen);
		if (n < 0)
			memset(mask, 0xff, 16);
		else
			xt_prefix_mask(mask, (unsigned)n);
		return 0;
	}
	if (!parse_plen(m, family, &plen))
		goto bad;
	if (plen > alen * 8)
		memset(mask, 0xff, 16);
	else
		xt_prefix_mask(mask, plen);
	return 0;
bad:
	return err_param(err, "%s: bad value for option \"--%s\", neither a valid network mask nor valid CIDR (0-%u).\n",
			 ext, opt, alen * 8);
}

int xt_parse_hostmask(struct ipt_error *err, const char *ext, const char *opt, const char *arg,
		      uint8_t family, uint8_t addr[16], uint8_t mask[16])
{
	struct addrinfo hints = { 0 }, *res;
	const char *slash = strchr(arg, '/');
	char host[1024];
	int rc;

	snprintf(host, sizeof(host), "%.*s", slash ? (int)(slash - arg) : (int)strlen(arg), arg);
	hints.ai_family = family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc)
		return err_param(err, "getaddrinfo: %s\n", gai_strerror(rc));
	memset(addr, 0, 16);
	if (family == NFPROTO_IPV6)
		memcpy(addr, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, 16);
	else
		memcpy(addr, &((struct sockaddr_in *)res->ai_addr)->sin_addr, 4);
	freeaddrinfo(res);
	if (slash)
		return xt_parse_mask(err, ext, opt, slash + 1, family, mask);
	memset(mask, 0xff, 16);
	return 0;
}

/* ---- numbers with names (iproute2's tables) ---- */

/* The lines of an iproute2 table: "number name", '#' comments. Calls
 * fn(number, name, arg) for each until it returns true. */
static bool table_walk(const char *file, bool (*fn)(unsigned long, const char *, void *),
		       void *arg)
{
	FILE *f = fopen(file, "re");
	char line[512], word[256];
	unsigned long v;
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (line[strspn(line, " \t")] == '#')
			continue;
		if (sscanf(line, " %lu %255s", &v, word) == 2 && v <= UINT32_MAX)
			found = fn(v, word, arg);
	}
	fclose(f);
	return found;
}

struct name_query {
	const char *name;
	uint32_t value;
	char *buf;
	size_t size;
};

static bool match_name(unsigned long v, const char *word, void *arg)
{
	struct name_query *q = arg;

	if (strcmp(word, q->name) != 0)
		return false;
	q->value = (uint32_t)v;
	return true;
}

static bool match_value(unsigned long v, const char *word, void *arg)
{
	struct name_query *q = arg;

	if (v != q->value)
		return false;
	snprintf(q->buf, q->size, "%s", word);
	return true;
}

bool xt_name_of(const char *file, uint32_t value, char *buf, size_t size)
{
	struct name_query q = { .value = value, .buf = buf, .size = size };

	return table_walk(file, match_value, &q);
}

/* A u32 as strtoul reads it, up to *end. */
static bool read_u32(const char *s, char **end, uint32_t *out)
{
	unsigned long v;

	if (xt_negative(s))
		return false;
	errno = 0;
	v = strtoul(s, end, 0);
	if (*end == s || errno || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

int xt_parse_named_valmask(struct ipt_error *err, const char *ext, const char *opt,
			   const char *arg, const char *file, uint32_t *value, uint32_t *mask)
{
	struct name_query q = { .name = arg };
	char *end, *mend;

	*mask = UINT32_MAX;
	if (read_u32(arg, &end, value) && (*end == '\0' || *end == '/')) {
		if (*end == '/' && (!read_u32(end + 1, &mend, mask) || *mend))
			return err_param(err, "%s: bad integer value for option \"--%s\", or out of range.\n",
					 ext, opt);
		return 0;
	}
	if (table_walk(file, match_name, &q)) {
		*value = q.value;
		return 0;
	}
	return err_param(err, "%s: could not map name %s to an integer value for option \"--%s\".\n",
			 ext, arg, opt);
}

void xt_named_valmask_text(struct strbuf *out, const char *file, uint32_t value, uint32_t mask)
{
	char name[256];

	if (file && mask == UINT32_MAX && xt_name_of(file, value, name, sizeof(name)))
		sb_printf(out, " %s", name);
	else if (mask == UINT32_MAX)
		sb_printf(out, " 0x%x", value);
	else
		sb_printf(out, " 0x%x/0x%x", value, mask);
}

void xt_mask_suffix(struct strbuf *out, const uint8_t *mask, uint8_t family)
{
	unsigned alen = family_addr_len(family);
	int plen = mask_prefix_len(mask, alen);
	char buf[INET6_ADDRSTRLEN];

	if (plen == (int)alen * 8)
		return;
	if (plen >= 0) {
		sb_printf(out, "/%d", plen);
		return;
	}
	inet_ntop(family == NFPROTO_IPV6 ? AF_INET6 : AF_INET, mask, buf, sizeof(buf));
	sb_printf(out, "/%s", buf);
}

void xt_addr_name(struct strbuf *out, const uint8_t *addr, uint8_t family)
{
	int af = family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	char buf[INET6_ADDRSTRLEN];
	struct hostent *he = gethostbyaddr(addr, family_addr_len(family), af);
	struct netent *ne;
	uint32_t net;

	if (he && he->h_name) {
		sb_add(out, he->h_name);
		return;
	}
	if (family == NFPROTO_IPV4) {
		memcpy(&net, addr, 4);
		ne = getnetbyaddr(ntohl(net), AF_INET);
		if (ne && ne->n_name) {
			sb_add(out, ne->n_name);
			return;
		}
	}
	inet_ntop(af, addr, buf, sizeof(buf));
	sb_add(out, buf);
}

bool xt_always(const void *data, const struct rule *r)
{
	(void)data;
	(void)r;
	return true;
}
