#include "ports.h"

#include <arpa/inet.h>
#include <linux/netfilter/nf_tables.h>
#include <netdb.h>
#include <string.h>

#include "parse.h"

void ports_set(struct port_range *pr, uint16_t lo, uint16_t hi, bool inv)
{
	pr->lo = lo;
	pr->hi = hi;
	pr->inv = inv;
	pr->set = !(pr->lo == 0 && pr->hi == 65535 && !inv);
	if (inv && pr->lo == 0 && pr->hi != 65535) {
		pr->lo = pr->hi + 1;
		pr->hi = 65535;
		pr->inv = false;
		pr->from_zero = true;
	}
}

bool ports_equal(const struct port_range *a, const struct port_range *b)
{
	if (!a->set || !b->set)
		return a->set == b->set;
	return a->inv == b->inv && a->lo == b->lo && a->hi == b->hi;
}

void ports_linearize(struct lin_ctx *c, uint32_t off, const struct port_range *pr)
{
	uint16_t lo = htons(pr->lo), hi = htons(pr->hi);

	if (!pr->set)
		return;
	lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, off, 2);
	if (pr->lo == pr->hi)
		lin_cmp(c, pr->inv ? REL_NEQ : REL_EQ, &lo, 2);
	else
		lin_range(c, pr->inv, &lo, &hi, 2);
}

bool ports_to_blob(const struct port_range *pr, uint16_t *two_u16)
{
	two_u16[0] = 0;
	two_u16[1] = 65535;
	if (!pr->set)
		return false;
	if (pr->from_zero) {
		two_u16[1] = pr->lo - 1;
		return true;
	}
	two_u16[0] = pr->lo;
	two_u16[1] = pr->hi;
	return pr->inv;
}

static void port_compat(struct lin_ctx *c, uint32_t off, const struct port_range *pr)
{
	uint16_t typed[2], lo, hi;
	bool inv = ports_to_blob(pr, typed);

	if (typed[0] == 0 && typed[1] == 65535)
		return;		/* either way round: no test */
	lo = htons(typed[0]);
	hi = htons(typed[1]);
	lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, off, 2);
	if (typed[0] == typed[1])
		lin_cmp(c, inv ? REL_NEQ : REL_EQ, &lo, 2);
	else if (typed[0] == 0)
		lin_cmp(c, inv ? REL_GT : REL_LTE, &hi, 2);
	else
		lin_range(c, inv, &lo, &hi, 2);
}

void ports_compat_linearize(struct lin_ctx *c, const struct port_range *sport,
			    const struct port_range *dport)
{
	uint16_t sp[2], dp[2], both[2];
	bool sinv = ports_to_blob(sport, sp), dinv = ports_to_blob(dport, dp);

	if (sp[0] == sp[1] && dp[0] == dp[1] && sp[0] && dp[0] && sinv == dinv) {
		/* one port each way, neither 0, alike negated: one compare */
		both[0] = htons(sp[0]);
		both[1] = htons(dp[0]);
		lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 4);
		lin_cmp(c, sinv ? REL_NEQ : REL_EQ, both, 4);
		return;
	}
	port_compat(c, 0, sport);
	port_compat(c, 2, dport);
}

bool ports_pair_delinearize(const struct item *it, struct port_range *sport,
			    struct port_range *dport)
{
	uint16_t v[2];

	if (sport->set || dport->set || !item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 4) ||
	    it->masked || it->len != 4 || (it->op != REL_EQ && it->op != REL_NEQ))
		return false;
	memcpy(v, it->val, 4);
	sport->lo = sport->hi = ntohs(v[0]);
	dport->lo = dport->hi = ntohs(v[1]);
	sport->inv = dport->inv = it->op == REL_NEQ;
	sport->set = dport->set = true;
	return true;
}

/* The other bound of a range read from one compare: nft writes
 * "dport 67-69" as ">= 67" and "<= 69", and the reference reads the two
 * as one range. */
static bool ports_narrow(struct port_range *pr, enum cmp_op_kind op, uint16_t v)
{
	if (pr->open_hi && (op == REL_LTE || (op == REL_LT && v > 0))) {
		v = op == REL_LTE ? v : (uint16_t)(v - 1);
		if (v < pr->lo)
			return false;
		pr->hi = v;
	} else if (pr->open_lo && (op == REL_GTE || (op == REL_GT && v < 65535))) {
		v = op == REL_GTE ? v : (uint16_t)(v + 1);
		if (v > pr->hi)
			return false;
		pr->lo = v;
	} else {
		return false;
	}
	pr->open_lo = pr->open_hi = false;
	return true;
}

bool ports_delinearize(const struct item *it, uint32_t off, struct port_range *pr)
{
	uint16_t lo, hi;

	if (!item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, off, 2) || it->masked ||
	    it->len != 2)
		return false;
	memcpy(&lo, it->val, 2);
	memcpy(&hi, it->hi, 2);
	lo = ntohs(lo);
	hi = ntohs(hi);
	if (pr->set)
		return ports_narrow(pr, it->op, lo);
	switch (it->op) {
	case REL_EQ:
	case REL_NEQ:
		pr->lo = pr->hi = lo;
		pr->inv = it->op == REL_NEQ;
		break;
	case REL_RANGE:
	case REL_NRANGE:
		pr->lo = lo;
		pr->hi = hi;
		pr->inv = it->op == REL_NRANGE;
		break;
	case REL_GTE:
		pr->lo = lo;
		pr->hi = 65535;
		pr->open_hi = true;
		break;
	case REL_LTE:
		pr->lo = 0;
		pr->hi = lo;
		pr->open_lo = true;
		break;
	case REL_GT:
		/* the reference's "! 0:N", listed as N+1:65535 */
		if (lo == 65535)
			return false;
		pr->lo = lo + 1;
		pr->hi = 65535;
		pr->open_hi = true;
		break;
	case REL_LT:
		if (lo == 0)
			return false;
		pr->lo = 0;
		pr->hi = lo - 1;
		pr->open_lo = true;
		break;
	default:
		return false;
	}
	pr->set = true;
	return true;
}

void port_text(struct strbuf *out, uint16_t port, const char *proto, bool numeric)
{
	struct servent *se = numeric ? NULL : getservbyport(htons(port), proto);

	if (se)
		sb_add(out, se->s_name);
	else
		sb_addu(out, port);
}

void ports_print(struct strbuf *out, const char *one, const char *many,
		 const struct port_range *pr, const char *proto, bool numeric)
{
	if (!pr->set)
		return;
	if (pr->lo == pr->hi) {
		sb_add2(out, " ", one);
		sb_add(out, pr->inv ? ":!" : ":");
		port_text(out, pr->lo, proto, numeric);
		return;
	}
	sb_add2(out, " ", many);
	sb_add(out, pr->inv ? ":!" : ":");
	port_text(out, pr->lo, proto, numeric);
	sb_addc(out, ':');
	port_text(out, pr->hi, proto, numeric);
}

void ports_save(struct strbuf *out, const char *opt, const struct port_range *pr)
{
	if (!pr->set)
		return;
	sb_add2(out, pr->inv ? " ! --" : " --", opt);
	sb_addc(out, ' ');
	sb_addu(out, pr->lo);
	if (pr->lo != pr->hi) {
		sb_addc(out, ':');
		sb_addu(out, pr->hi);
	}
}

void ports_from_blob(struct port_range *pr, const uint8_t *two_u16, bool inv)
{
	memcpy(&pr->lo, two_u16, 2);
	memcpy(&pr->hi, two_u16 + 2, 2);
	pr->inv = inv;
	pr->set = !(pr->lo == 0 && pr->hi == 65535 && !inv);
}

/* payload th+off (2 bytes) == pts[0], or in [pts[0], pts[1]] */
static void pair_linearize(struct lin_ctx *c, uint32_t off, const uint16_t *pts, bool inv)
{
	uint16_t lo = htons(pts[0]), hi = htons(pts[1]);

	lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, off, 2);
	if (pts[0] == pts[1])
		lin_cmp(c, inv ? REL_NEQ : REL_EQ, &lo, 2);
	else
		lin_range(c, inv, &lo, &hi, 2);
}

static bool pair_item(const struct item *it, uint32_t off)
{
	return it && item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, off, 2) && !it->masked &&
	       it->len == 2 && !it->concat;
}

/* Read one ==, != or range (either way) at th+off at c's cursor, or
 * nft's form of a range (>= then <=); inv says "!". How many items that
 * took (0: not one), for the caller to move past. */
static unsigned pair_delinearize(struct delin_ctx *c, uint32_t off, uint16_t *pts, bool *inv)
{
	const struct item *it = delin_peek(c), *next;
	uint16_t lo, hi;

	if (!pair_item(it, off))
		return 0;
	memcpy(&lo, it->val, 2);
	memcpy(&hi, it->hi, 2);
	*inv = it->op == REL_NEQ || it->op == REL_NRANGE;
	if (it->op == REL_GTE && c->pos + 1 < c->items->n) {
		/* nft's "sport 1-5": ">= 1" then "<= 5" on the same load */
		next = &c->items->v[c->pos + 1];
		if (!pair_item(next, off) || next->op != REL_LTE)
			return 0;
		memcpy(&hi, next->val, 2);
		if (ntohs(hi) < ntohs(lo))
			return 0;
		pts[0] = ntohs(lo);
		pts[1] = ntohs(hi);
		return 2;
	}
	if (it->op == REL_EQ || it->op == REL_NEQ)
		hi = lo;
	else if (it->op != REL_RANGE && it->op != REL_NRANGE)
		return 0;
	pts[0] = ntohs(lo);
	pts[1] = ntohs(hi);
	return 1;
}

/* " spt:!5", " dpts:1:9"; nothing for an uninverted 0:65535 */
static void pair_print(struct strbuf *out, const char *one, const char *many,
		       const uint16_t *pts, bool inv, const char *proto, bool numeric)
{
	if (pts[0] == 0 && pts[1] == 65535 && !inv)
		return;
	sb_printf(out, " %s:%s", pts[0] == pts[1] ? one : many, inv ? "!" : "");
	port_text(out, pts[0], proto, numeric);
	if (pts[0] != pts[1]) {
		sb_addc(out, ':');
		port_text(out, pts[1], proto, numeric);
	}
}

/* " ! --sport 5", " --dport 1:9" */
static void pair_save(struct strbuf *out, const char *opt, const uint16_t *pts, bool inv)
{
	sb_printf(out, "%s --%s %u", inv ? " !" : "", opt, pts[0]);
	if (pts[0] != pts[1])
		sb_printf(out, ":%u", pts[1]);
}

void pairs_linearize(struct lin_ctx *c, const uint16_t *spts, const uint16_t *dpts,
		     uint32_t flags, uint32_t invflags)
{
	if (flags & PAIR_SRC)
		pair_linearize(c, 0, spts, invflags & PAIR_SRC);
	if (flags & PAIR_DST)
		pair_linearize(c, 2, dpts, invflags & PAIR_DST);
}

void pairs_delinearize(struct delin_ctx *c, uint16_t *spts, uint16_t *dpts, uint32_t *flags,
		       uint32_t *invflags)
{
	static const uint32_t bits[] = { PAIR_SRC, PAIR_DST };
	uint16_t *pts[] = { spts, dpts };
	struct port_range sp = { 0 }, dp = { 0 };
	const struct item *it;
	unsigned i, n;
	bool inv;

	*flags = *invflags = 0;
	it = delin_peek(c);
	/* nft's own "dccp sport 5 dccp dport 80" compares both in one 4-byte
	 * load; only "equal" is both ports' test (!= is "not both") */
	if (it && it->op == REL_EQ && ports_pair_delinearize(it, &sp, &dp)) {
		spts[0] = spts[1] = sp.lo;
		dpts[0] = dpts[1] = dp.lo;
		*flags = PAIR_SRC | PAIR_DST;
		c->pos++;
		return;
	}
	for (i = 0; i < 2; i++) {
		inv = false;
		n = pair_delinearize(c, 2 * i, pts[i], &inv);
		if (!n)
			continue;
		*flags |= bits[i];
		if (inv)
			*invflags |= bits[i];
		c->pos += n;
	}
}

void pairs_print(struct strbuf *out, const uint16_t *spts, const uint16_t *dpts, uint32_t flags,
		 uint32_t invflags, const char *proto, bool numeric)
{
	if (flags & PAIR_SRC)
		pair_print(out, "spt", "spts", spts, invflags & PAIR_SRC, proto, numeric);
	if (flags & PAIR_DST)
		pair_print(out, "dpt", "dpts", dpts, invflags & PAIR_DST, proto, numeric);
}

void pairs_save(struct strbuf *out, const uint16_t *spts, const uint16_t *dpts, uint32_t flags,
		uint32_t invflags)
{
	if (flags & PAIR_SRC)
		pair_save(out, "sport", spts, invflags & PAIR_SRC);
	if (flags & PAIR_DST)
		pair_save(out, "dport", dpts, invflags & PAIR_DST);
}

bool ports_mergeable(const struct port_range *into, const struct port_range *from)
{
	return !into->set || !from->set || ports_equal(into, from);
}

void ports_merge(struct port_range *into, const struct port_range *from)
{
	if (!into->set)
		*into = *from;
}
