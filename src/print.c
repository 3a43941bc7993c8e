#include "print.h"

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ext.h"
#include "parse.h"

static void addr_text(char *buf, size_t len, const uint8_t *a, uint8_t family)
{
	addr_ntop(family == NFPROTO_IPV6 ? AF_INET6 : AF_INET, a, buf, len);
}

static void mask_text(struct strbuf *out, const uint8_t *mask, uint8_t family)
{
	unsigned alen = family_addr_len(family);
	int plen = mask_prefix_len(mask, alen);
	char buf[INET6_ADDRSTRLEN];

	if (plen >= 0) {
		sb_addc(out, '/');
		sb_addu(out, (unsigned)plen);
		return;
	}
	addr_text(buf, sizeof(buf), mask, family);
	sb_printf(out, "/%s", buf);
}

void print_addr_save(struct strbuf *out, const struct addr_mask *am, uint8_t family)
{
	char buf[INET6_ADDRSTRLEN];

	addr_text(buf, sizeof(buf), am->addr, family);
	sb_add(out, buf);
	mask_text(out, am->mask, family);
}

static bool host_name(const uint8_t *a, uint8_t family, char *buf, size_t len)
{
	struct hostent *he;

	he = gethostbyaddr(a, family == NFPROTO_IPV6 ? 16 : 4,
			   family == NFPROTO_IPV6 ? AF_INET6 : AF_INET);
	if (!he || !he->h_name)
		return false;
	snprintf(buf, len, "%s", he->h_name);
	return true;
}

static bool net_name(const uint8_t *a, uint8_t family, char *buf, size_t len)
{
	struct netent *ne;
	uint32_t net;

	if (family != NFPROTO_IPV4)
		return false;
	memcpy(&net, a, 4);
	ne = getnetbyaddr(ntohl(net), AF_INET);
	if (!ne || !ne->n_name)
		return false;
	snprintf(buf, len, "%s", ne->n_name);
	return true;
}

void print_addr_list(struct strbuf *out, const struct addr_mask *am, uint8_t family,
		     bool numeric)
{
	static const uint8_t zero_addr[16];
	unsigned alen = family_addr_len(family);
	int plen = mask_prefix_len(am->mask, alen);
	char buf[1025];

	if (plen == 0 && !numeric) {
		sb_add(out, "anywhere");
		return;
	}
	/* any address with -n, the most common by far */
	if (plen == 0 && memcmp(am->addr, zero_addr, alen) == 0) {
		sb_add(out, family == NFPROTO_IPV6 ? "::/0" : "0.0.0.0/0");
		return;
	}
	if (!numeric) {
		if (plen == (int)alen * 8 && host_name(am->addr, family, buf, sizeof(buf))) {
			sb_add(out, buf);
			return;
		}
		if (plen != (int)alen * 8 && net_name(am->addr, family, buf, sizeof(buf))) {
			sb_add(out, buf);
			mask_text(out, am->mask, family);
			return;
		}
	}
	addr_text(buf, sizeof(buf), am->addr, family);
	sb_add(out, buf);
	if (plen != (int)alen * 8)
		mask_text(out, am->mask, family);
}

/* ---- -S ---- */

static void save_proto(struct strbuf *out, const struct rule *r)
{
	const char *name = proto_name(r->proto, r->family);

	if (r->inv & INV_PROTO)
		sb_add(out, " !");
	if (name)
		sb_add2(out, " -p ", name);
	else
		sb_printf(out, " -p %u", r->proto);
}

static void save_target(struct strbuf *out, const struct rule *r)
{
	switch (r->verdict) {
	case VERDICT_NONE:
		break;
	case VERDICT_ACCEPT:
		sb_add(out, " -j ACCEPT");
		break;
	case VERDICT_DROP:
		sb_add(out, " -j DROP");
		break;
	case VERDICT_RETURN:
		sb_add(out, " -j RETURN");
		break;
	case VERDICT_JUMP:
		sb_add2(out, " -j ", r->chain);
		break;
	case VERDICT_GOTO:
		sb_printf(out, " -g %s", r->chain);
		break;
	case VERDICT_TARGET:
		sb_add2(out, " -j ", r->target->ext->name);
		if (r->target->ext->save)
			r->target->ext->save(out, r->target->data, r);
		break;
	}
}

void print_rule_spec(struct strbuf *out, const struct rule *r, bool counters)
{
	unsigned alen = family_addr_len(r->family);
	const struct ext_inst *m;

	if (mask_prefix_len(r->src.mask, alen) != 0 || (r->inv & INV_SRC)) {
		sb_add(out, r->inv & INV_SRC ? " ! -s " : " -s ");
		print_addr_save(out, &r->src, r->family);
	}
	if (mask_prefix_len(r->dst.mask, alen) != 0 || (r->inv & INV_DST)) {
		sb_add(out, r->inv & INV_DST ? " ! -d " : " -d ");
		print_addr_save(out, &r->dst, r->family);
	}
	if (rule_iface_tested(r->iniface, r->inv & INV_IN))
		sb_printf(out, "%s -i %s", r->inv & INV_IN ? " !" : "", r->iniface);
	if (rule_iface_tested(r->outiface, r->inv & INV_OUT))
		sb_printf(out, "%s -o %s", r->inv & INV_OUT ? " !" : "", r->outiface);
	if (r->has_proto && r->proto)
		save_proto(out, r);
	if (r->frag)
		sb_add(out, r->inv & INV_FRAG ? " ! -f" : " -f");
	for (m = r->matches; m; m = m->next) {
		sb_add2(out, " -m ", m->ext->name);
		if (m->ext->save)
			m->ext->save(out, m->data, r);
	}
	if (counters)
		sb_printf(out, " -c %llu %llu", (unsigned long long)r->pkts,
			  (unsigned long long)r->bytes);
	save_target(out, r);
}

void print_rule_save(struct strbuf *out, const struct rule *r, const char *chain,
		     bool counters)
{
	sb_add2(out, "-A ", chain);
	print_rule_spec(out, r, counters);
}

/* ---- -L ---- */

void print_count(struct strbuf *out, uint64_t n, unsigned fmt, int width)
{
	static const char units[] = "KMGTPE";
	unsigned u = 0;

	if (fmt & FMT_EXACT) {
		sb_printf(out, "%*llu ", width, (unsigned long long)n);
		return;
	}
	if (n <= 99999) {
		char num[8] = "      ";	/* "%5llu " */
		unsigned i = 4;

		do {
			num[i--] = (char)('0' + n % 10);
			n /= 10;
		} while (n);
		sb_addn(out, num, 6);
		return;
	}
	n = (n + 500) / 1000;
	while (n > 9999 && u + 1 < sizeof(units) - 1) {
		n = (n + 500) / 1000;
		u++;
	}
	sb_printf(out, "%4llu%c ", (unsigned long long)n, units[u]);
}

void print_list_header(struct strbuf *out, unsigned fmt)
{
	if (fmt & FMT_LINENUM)
		sb_add(out, "num  ");
	if (fmt & FMT_VERBOSE) {
		if (fmt & FMT_EXACT)
			sb_add(out, "    pkts      bytes ");
		else
			sb_add(out, " pkts bytes ");
	}
	sb_add(out, "target     prot opt ");
	if (fmt & FMT_VERBOSE)
		sb_add(out, "in     out     ");
	sb_add(out, "source               destination         \n");
}

void print_chain_title(struct strbuf *out, const char *name, const char *policy,
		       uint64_t pkts, uint64_t bytes, int refs, unsigned fmt)
{
	sb_add2(out, "Chain ", name);
	if (policy) {
		sb_printf(out, " (policy %s", policy);
		if (fmt & FMT_VERBOSE) {
			sb_add(out, " ");
			if (fmt & FMT_EXACT)
				sb_printf(out, "%llu", (unsigned long long)pkts);
			else {
				struct strbuf t;

				sb_init(&t);
				print_count(&t, pkts, fmt, 0);
				/* trim the column padding */
				sb_add(out, t.buf + strspn(t.buf, " "));
				out->len--;
				out->buf[out->len] = '\0';
				sb_free(&t);
			}
			sb_add(out, " packets, ");
			if (fmt & FMT_EXACT)
				sb_printf(out, "%llu", (unsigned long long)bytes);
			else {
				struct strbuf t;

				sb_init(&t);
				print_count(&t, bytes, fmt, 0);
				sb_add(out, t.buf + strspn(t.buf, " "));
				out->len--;
				out->buf[out->len] = '\0';
				sb_free(&t);
			}
			sb_add(out, " bytes");
		}
		sb_add(out, ")\n");
	} else {
		sb_add(out, " (");
		if (refs < 0) {
			sb_addc(out, '-');
			refs = -refs;
		}
		sb_addu(out, (unsigned)refs);
		sb_add(out, " references)\n");
	}
}

static const char *target_name(const struct rule *r)
{
	switch (r->verdict) {
	case VERDICT_ACCEPT: return "ACCEPT";
	case VERDICT_DROP: return "DROP";
	case VERDICT_RETURN: return "RETURN";
	case VERDICT_JUMP:
	case VERDICT_GOTO: return r->chain;
	case VERDICT_TARGET:
		return r->target->ext->list_name ? r->target->ext->list_name :
						   r->target->ext->name;
	default: return "";
	}
}

static void list_iface(struct strbuf *out, const char *name, bool inv, unsigned fmt)
{
	size_t start = out->len;

	if (rule_iface_tested(name, inv))
		sb_add2(out, inv ? "!" : "", name);
	else
		sb_add(out, fmt & FMT_NUMERIC ? "*" : "any");
	while (out->len - start < 6)
		sb_addc(out, ' ');
	sb_addc(out, ' ');
}

void print_list_rule(struct strbuf *out, const struct rule *r, unsigned num, unsigned fmt)
{
	const struct ext_inst *m;
	char protobuf[16];
	size_t start;
	const char *pname = NULL;

	if (fmt & FMT_LINENUM)
		sb_printf(out, "%-4u ", num);
	if (fmt & FMT_VERBOSE) {
		print_count(out, r->pkts, fmt, 8);
		print_count(out, r->bytes, fmt, 8);
	}
	sb_addpad(out, target_name(r), 9);
	sb_addc(out, ' ');

	sb_addc(out, r->inv & INV_PROTO ? '!' : ' ');
	if (!(fmt & FMT_NUMERIC))
		pname = r->proto ? proto_name(r->proto, r->family) : "all";
	if (!pname) {
		/* "%u", without snprintf: with -n, every rule comes here */
		char *p = protobuf + sizeof(protobuf) - 1;
		unsigned v = r->proto;

		*p = '\0';
		do {
			*--p = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		pname = p;
	}
	sb_addpad(out, pname, 4);
	sb_addc(out, ' ');

	sb_addc(out, r->inv & INV_FRAG ? '!' : '-');
	sb_addc(out, r->frag ? 'f' : '-');
	sb_addc(out, ' ');
	if (fmt & FMT_VERBOSE) {
		sb_addc(out, ' ');
		list_iface(out, r->iniface, r->inv & INV_IN, fmt);
		list_iface(out, r->outiface, r->inv & INV_OUT, fmt);
	}
	sb_addc(out, r->inv & INV_SRC ? '!' : ' ');
	start = out->len;
	print_addr_list(out, &r->src, r->family, fmt & FMT_NUMERIC);
	sb_pad_from(out, start, 19);
	sb_addc(out, ' ');
	sb_addc(out, r->inv & INV_DST ? '!' : ' ');
	start = out->len;
	print_addr_list(out, &r->dst, r->family, fmt & FMT_NUMERIC);
	sb_pad_from(out, start, 19);
	sb_addc(out, ' ');

	if (r->verdict == VERDICT_GOTO)
		sb_add(out, "[goto] ");
	for (m = r->matches; m; m = m->next)
		if (m->ext->print)
			m->ext->print(out, m->data, r, fmt);
	if (r->verdict == VERDICT_TARGET && r->target->ext->print)
		r->target->ext->print(out, r->target->data, r, fmt);
	sb_addc(out, '\n');
}

void print_rule_verbose(struct strbuf *out, const struct rule *r)
{
	const struct ext_inst *m;
	const char *pname = r->proto ? proto_name(r->proto, r->family) : "all";

	sb_printf(out, "%s  ", target_name(r));
	if (r->inv & INV_PROTO)
		sb_addc(out, '!');
	if (pname)
		sb_add(out, pname);
	else
		sb_printf(out, "%u", r->proto);
	sb_printf(out, " opt %c%c in %s%s out %s%s  ", r->inv & INV_FRAG ? '!' : '-',
		  r->frag ? 'f' : '-', r->inv & INV_IN ? "!" : "",
		  rule_iface_tested(r->iniface, r->inv & INV_IN) ? r->iniface : "*",
		  r->inv & INV_OUT ? "!" : "",
		  rule_iface_tested(r->outiface, r->inv & INV_OUT) ? r->outiface : "*");
	if (r->inv & INV_SRC)
		sb_addc(out, '!');
	print_addr_list(out, &r->src, r->family, true);
	sb_add(out, "  -> ");
	if (r->inv & INV_DST)
		sb_addc(out, '!');
	print_addr_list(out, &r->dst, r->family, true);
	sb_add(out, "  ");
	for (m = r->matches; m; m = m->next)
		if (m->ext->print)
			m->ext->print(out, m->data, r, FMT_NUMERIC);
	if (r->verdict == VERDICT_TARGET && r->target->ext->print)
		r->target->ext->print(out, r->target->data, r, FMT_NUMERIC);
	sb_addc(out, '\n');
}
