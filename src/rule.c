/* struct rule, and its base fields in both directions.
 *
 * Each base field has its writer and its reader next to each other. The
 * kernel layout is the one nft itself writes for the same match:
 *
 *   iifname/oifname   meta load; cmp eq|neq name\0 (exact) or name (prefix, '+');
 *                     "+" nothing, "! +" cmp eq "INVAL/D" (never, as the reference)
 *   saddr/daddr       payload load of the prefix bytes; cmp   (byte prefix)
 *                     payload load; bitwise mask; cmp       (other masks)
 *   protocol          meta load l4proto; cmp eq|neq
 *   fragment          payload load frag-off; bitwise 0x1fff; cmp neq|eq 0
 *
 * then each match, the counter, and the verdict or target. With --compat
 * the reference's order instead (the protocol before the addresses), its
 * "+" (a bare load), and the rule's compat protocol attribute.
 */
#include "rule.h"

#include <stddef.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libmnl/libmnl.h>
#include <libnftnl/udata.h>
#include <linux/netfilter/nfnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <config.h>

#include "aset.h"
#include "error.h"
#include "expr.h"
#include "ext.h"
#include "rmsg.h"

#define UDATA_COMMENT 0		/* the comment nft and the reference show */
/* Our own: the rule's matches by name, in order ("tcp,state"). What the
 * expressions cannot say (-m state or -m conntrack for ct state, a -m tcp
 * without options) is kept here; rules without it are read by guessing. */
#define UDATA_IPTNFT_MATCHES 0xa1

struct rule *rule_new(uint8_t family)
{
	struct rule *r = xmalloc(sizeof(*r));

	rule_init(r, family);
	return r;
}

void rule_init(struct rule *r, uint8_t family)
{
	*r = (struct rule){ .family = family };
}

static void inst_free(struct ext_inst *m)
{
	while (m) {
		struct ext_inst *next = m->next;

		if (m->ext && m->ext->destroy)
			m->ext->destroy(m->data);
		free(m);
		m = next;
	}
}

void rule_release(struct rule *r)
{
	inst_free(r->matches);
	inst_free(r->target);
	free(r->chain);
	r->matches = r->target = NULL;
	r->chain = NULL;
}

void rule_free(struct rule *r)
{
	if (!r)
		return;
	rule_release(r);
	free(r);
}

/* Where an instance's data starts in its allocation: one block holds
 * both, aligned for any type the data may hold. */
#define INST_DATA_OFF \
	((sizeof(struct ext_inst) + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1))

static struct ext_inst *inst_new(const struct extension *ext)
{
	struct ext_inst *m = xzalloc(INST_DATA_OFF + ext->size);

	m->ext = ext;
	m->data = (char *)m + INST_DATA_OFF;
	return m;
}

static struct ext_inst *inst_clone(const struct ext_inst *m)
{
	struct ext_inst *c = inst_new(m->ext);

	memcpy(c->data, m->data, m->ext->size);
	if (m->ext->clone)
		m->ext->clone(c->data, m->data);
	return c;
}

struct rule *rule_clone(const struct rule *r)
{
	struct rule *c = xmalloc(sizeof(*c));
	struct ext_inst **tail = &c->matches;
	const struct ext_inst *m;

	*c = *r;
	c->matches = NULL;
	for (m = r->matches; m; m = m->next) {
		*tail = inst_clone(m);
		tail = &(*tail)->next;
	}
	c->target = r->target ? inst_clone(r->target) : NULL;
	c->chain = r->chain ? xstrdup(r->chain) : NULL;
	return c;
}

const struct extension *rule_ext_of(const struct rule *r, const void *data)
{
	const struct ext_inst *m;

	for (m = r->matches; m; m = m->next)
		if (m->data == data)
			return m->ext;
	if (r->target && r->target->data == data)
		return r->target->ext;
	/* a caller's bug: print and save are given their own data */
	fprintf(stderr, "iptnft: rule_ext_of: data of no instance of the rule\n");
	abort();
}

struct ext_inst *rule_add_match(struct rule *r, const struct extension *ext)
{
	struct ext_inst **tail = &r->matches;

	while (*tail)
		tail = &(*tail)->next;
	*tail = inst_new(ext);
	return *tail;
}

void rule_drop_last_match(struct rule *r)
{
	struct ext_inst **tail = &r->matches;

	if (!*tail)
		return;
	while ((*tail)->next)
		tail = &(*tail)->next;
	inst_free(*tail);
	*tail = NULL;
}

struct ext_inst *rule_find_match(struct rule *r, const struct extension *ext)
{
	struct ext_inst *m;

	for (m = r->matches; m; m = m->next)
		if (m->ext == ext)
			return m;
	return NULL;
}

void rule_set_target(struct rule *r, const struct extension *ext)
{
	inst_free(r->target);
	r->target = inst_new(ext);
	r->verdict = VERDICT_TARGET;
}

unsigned family_addr_len(uint8_t family)
{
	return family == NFPROTO_IPV6 ? 16 : 4;
}

int mask_prefix_len(const uint8_t *mask, unsigned len)
{
	unsigned i = 0, bits;

	/* byte by byte: this runs for both addresses of every rule listed */
	while (i < len && mask[i] == 0xff)
		i++;
	bits = i * 8;
	if (i < len) {
		uint8_t b = mask[i];

		/* a prefix byte is some ones, then zeroes: ~b + 1 is then a
		 * power of two */
		if ((uint8_t)(b | (uint8_t)(b - 1)) != 0xff && b != 0)
			return -1;
		while (b & 0x80) {
			bits++;
			b = (uint8_t)(b << 1);
		}
		for (i++; i < len; i++)
			if (mask[i])
				return -1;
	}
	return (int)bits;
}

static uint32_t saddr_offset(uint8_t family)
{
	return family == NFPROTO_IPV6 ? 8 : 12;
}

static uint32_t daddr_offset(uint8_t family)
{
	return family == NFPROTO_IPV6 ? 24 : 16;
}

/* ---- equality ---- */

static bool inst_equal(const struct ext_inst *a, const struct ext_inst *b)
{
	if (a->ext != b->ext)
		return false;
	if (a->ext->equal_any)
		return true;
	return a->ext->equal ? a->ext->equal(a->data, b->data) :
			       memcmp(a->data, b->data, a->ext->size) == 0;
}

/* An address field: what it tests, if anything (mask 0 tests nothing
 * unless inverted, which never matches). */
static bool addr_equal(const struct addr_mask *a, const struct addr_mask *b, unsigned len,
		       bool inv_a, bool inv_b)
{
	if (inv_a != inv_b)
		return false;
	return memcmp(a->mask, b->mask, len) == 0 && memcmp(a->addr, b->addr, len) == 0;
}

static bool iface_equal(const char *a, const char *b, bool inv_a, bool inv_b)
{
	bool ta = rule_iface_tested(a, inv_a);

	if (ta != rule_iface_tested(b, inv_b))
		return false;
	return !ta || (inv_a == inv_b && strcmp(a, b) == 0);
}

static bool base_equal(const struct rule *a, const struct rule *b)
{
	unsigned len = family_addr_len(a->family);
	bool pa = a->has_proto && a->proto, pb = b->has_proto && b->proto;

	if (a->family != b->family || pa != pb || a->frag != b->frag)
		return false;
	if (pa && (a->proto != b->proto || (a->inv & INV_PROTO) != (b->inv & INV_PROTO)))
		return false;
	if (a->frag && (a->inv & INV_FRAG) != (b->inv & INV_FRAG))
		return false;
	return addr_equal(&a->src, &b->src, len, a->inv & INV_SRC, b->inv & INV_SRC) &&
	       addr_equal(&a->dst, &b->dst, len, a->inv & INV_DST, b->inv & INV_DST) &&
	       iface_equal(a->iniface, b->iniface, a->inv & INV_IN, b->inv & INV_IN) &&
	       iface_equal(a->outiface, b->outiface, a->inv & INV_OUT, b->inv & INV_OUT);
}

bool rule_equal(const struct rule *a, const struct rule *b)
{
	const struct ext_inst *x, *y;

	if (a->unknown || b->unknown || !base_equal(a, b) || a->verdict != b->verdict)
		return false;
	for (x = a->matches, y = b->matches; x && y; x = x->next, y = y->next)
		if (!inst_equal(x, y))
			return false;
	if (x || y)
		return false;
	switch (a->verdict) {
	case VERDICT_JUMP:
	case VERDICT_GOTO:
		return strcmp(a->chain, b->chain) == 0;
	case VERDICT_TARGET:
		return inst_equal(a->target, b->target);
	default:
		return true;
	}
}

/* ---- interfaces ---- */

/* What the reference compares a name with for "! -i +", a name no
 * device can have; it reads the compare back as "! -i +". */
static const char iface_never[8] = "INVAL/D";

bool rule_iface_tested(const char *name, bool inv)
{
	return name[0] && (inv || strcmp(name, "+") != 0);
}

static void lin_iface(struct lin_ctx *c, uint32_t key, const char *name, bool inv)
{
	size_t n = strlen(name);

	if (n == 0)
		return;
	if (strcmp(name, "+") == 0) {
		/* any name: no test, but --compat writes the reference's bare
		 * load; "! +" never matches: the reference's compare */
		if (!inv && !c->compat)
			return;
		lin_meta(c, key);
		if (inv)
			lin_cmp(c, REL_EQ, iface_never, sizeof(iface_never));
		return;
	}
	lin_meta(c, key);
	if (name[n - 1] == '+')
		lin_cmp(c, inv ? REL_NEQ : REL_EQ, name, (uint32_t)(n - 1));
	else
		lin_cmp(c, inv ? REL_NEQ : REL_EQ, name, (uint32_t)(n + 1));
}

static bool delin_iface(const struct item *it, char *name, bool *inv)
{
	unsigned n = it->len, i;

	if (it->op != REL_EQ && it->op != REL_NEQ)
		return false;
	*inv = it->op == REL_NEQ;
	memset(name, 0, IFNAMSIZ);
	if (!it->masked && it->op == REL_EQ && it->len == sizeof(iface_never) &&
	    memcmp(it->val, iface_never, sizeof(iface_never)) == 0) {
		name[0] = '+';
		*inv = true;
		return true;
	}
	if (it->masked) {
		/* older layout: full-width compare under a prefix mask */
		for (n = 0; n < it->len && it->mask[n] == 0xff; n++)
			;
		for (i = n; i < it->len; i++)
			if (it->mask[i])
				return false;
		if (n >= IFNAMSIZ)
			return false;
		memcpy(name, it->val, n);
		if (n == 0 || name[n - 1] != '\0') {
			name[strnlen(name, n)] = '+';
		}
		return true;
	}
	if (n == 0 || n > IFNAMSIZ)
		return false;
	if (memchr(it->val, '\0', n)) {
		memcpy(name, it->val, n);
		return true;
	}
	if (n >= IFNAMSIZ)
		return false;
	memcpy(name, it->val, n);
	name[n] = '+';
	return true;
}

/* "iif lo" (the device's index, as nft writes it): the reference reads
 * it as -i with the name the index has here and now. */
static bool delin_ifindex(const struct item *it, char *name, bool *inv)
{
	char buf[IF_NAMESIZE];
	uint32_t index;

	if (it->masked || it->len != sizeof(index) || (it->op != REL_EQ && it->op != REL_NEQ))
		return false;
	memcpy(&index, it->val, sizeof(index));
	if (!if_indextoname(index, buf))
		return false;
	memset(name, 0, IFNAMSIZ);
	snprintf(name, IFNAMSIZ, "%s", buf);
	*inv = it->op == REL_NEQ;
	return true;
}

/* ---- addresses ---- */

static void lin_addr(struct lin_ctx *c, uint32_t off, const struct addr_mask *am, bool inv)
{
	unsigned alen = family_addr_len(c->family);
	int plen = mask_prefix_len(am->mask, alen);
	uint8_t val[16];
	unsigned i;

	if (plen == 0 && !inv)
		return;
	for (i = 0; i < alen; i++)
		val[i] = am->addr[i] & am->mask[i];
	if (plen >= 0 && plen % 8 == 0) {
		if (plen == 0) {
			/* "! 0.0.0.0/0" never matches; keep a compare nft can show */
			lin_payload(c, NFT_PAYLOAD_NETWORK_HEADER, off, alen);
			lin_bitwise(c, am->mask, NULL, alen);
			lin_cmp(c, REL_NEQ, val, alen);
			return;
		}
		lin_payload(c, NFT_PAYLOAD_NETWORK_HEADER, off, (uint32_t)plen / 8);
		lin_cmp(c, inv ? REL_NEQ : REL_EQ, val, (uint32_t)plen / 8);
		return;
	}
	lin_payload(c, NFT_PAYLOAD_NETWORK_HEADER, off, alen);
	lin_bitwise(c, am->mask, NULL, alen);
	lin_cmp(c, inv ? REL_NEQ : REL_EQ, val, alen);
}

static bool delin_addr(const struct item *it, uint8_t family, struct addr_mask *am, bool *inv)
{
	unsigned alen = family_addr_len(family);

	if (it->op != REL_EQ && it->op != REL_NEQ)
		return false;
	if (it->sel.len > alen || it->len != it->sel.len)
		return false;
	memset(am, 0, sizeof(*am));
	memcpy(am->addr, it->val, it->len);
	if (it->masked)
		memcpy(am->mask, it->mask, it->len);
	else
		memset(am->mask, 0xff, it->len);
	*inv = it->op == REL_NEQ;
	return true;
}

/* ---- protocol and fragments ---- */

static void lin_proto(struct lin_ctx *c, uint16_t proto, bool inv)
{
	uint8_t p = (uint8_t)proto;

	lin_meta(c, NFT_META_L4PROTO);
	lin_cmp(c, inv ? REL_NEQ : REL_EQ, &p, 1);
}

/* --compat: the protocol the kernel hands the xt matches and targets
 * for their checks (tcp needs -p tcp), as the reference sets it on
 * every rule. */

static bool delin_proto(const struct item *it, struct rule *r)
{
	if (it->masked || it->len != 1 || (it->op != REL_EQ && it->op != REL_NEQ))
		return false;
	r->has_proto = true;
	r->proto = it->val[0];
	if (it->op == REL_NEQ)
		r->inv |= INV_PROTO;
	return true;
}

static const uint8_t frag_mask[2] = { 0x1f, 0xff };

static void lin_frag(struct lin_ctx *c, bool inv)
{
	uint8_t zero[2] = { 0, 0 };

	lin_payload(c, NFT_PAYLOAD_NETWORK_HEADER, 6, 2);
	lin_bitwise(c, frag_mask, NULL, 2);
	lin_cmp(c, inv ? REL_EQ : REL_NEQ, zero, 2);
}

static bool delin_frag(const struct item *it, struct rule *r)
{
	if (!it->masked || memcmp(it->mask, frag_mask, 2) != 0 || it->len != 2 ||
	    it->val[0] || it->val[1] || (it->op != REL_EQ && it->op != REL_NEQ))
		return false;
	r->frag = true;
	if (it->op == REL_EQ)
		r->inv |= INV_FRAG;
	return true;
}

/* Claim one base-field item; false if it is not one. */
static bool delin_base(struct rule *r, const struct item *it)
{
	struct addr_mask am;
	bool inv;

	if (it->kind != ITEM_REL)
		return false;
	if (it->sel.kind == SEL_META) {
		switch (it->sel.key) {
		case NFT_META_IIFNAME:
		case NFT_META_IIF:
			if (r->iniface[0] ||
			    !(it->sel.key == NFT_META_IIF ? delin_ifindex(it, r->iniface, &inv) :
							    delin_iface(it, r->iniface, &inv)))
				return false;
			r->inv |= inv ? INV_IN : 0;
			return true;
		case NFT_META_OIFNAME:
		case NFT_META_OIF:
			if (r->outiface[0] ||
			    !(it->sel.key == NFT_META_OIF ? delin_ifindex(it, r->outiface, &inv) :
							    delin_iface(it, r->outiface, &inv)))
				return false;
			r->inv |= inv ? INV_OUT : 0;
			return true;
		case NFT_META_L4PROTO:
			return !r->has_proto && delin_proto(it, r);
		}
		return false;
	}
	if (it->sel.kind != SEL_PAYLOAD || it->sel.base != NFT_PAYLOAD_NETWORK_HEADER)
		return false;
	if (it->sel.offset == saddr_offset(r->family)) {
		if (!delin_addr(it, r->family, &am, &inv))
			return false;
		r->src = am;
		r->inv |= inv ? INV_SRC : 0;
		return true;
	}
	if (it->sel.offset == daddr_offset(r->family)) {
		if (!delin_addr(it, r->family, &am, &inv))
			return false;
		r->dst = am;
		r->inv |= inv ? INV_DST : 0;
		return true;
	}
	if (r->family == NFPROTO_IPV4 && it->sel.offset == 9 && it->sel.len == 1 && !r->has_proto)
		return delin_proto(it, r);
	if (r->family == NFPROTO_IPV4 && it->sel.offset == 6 && it->sel.len == 2 && !r->frag)
		return delin_frag(it, r);
	return false;
}

/* ---- verdicts ---- */

/* --compat, or an instance with no native form: the reference's layout
 * for extension instance m; false when it is the native one linearize
 * writes. */
static bool lin_ext_compat(struct lin_ctx *c, const struct ext_inst *m, bool target)
{
	enum compat_res res;
	struct xt_out *out;

	if (!m->ext->compat)
		return false;
	if (!c->compat && !(m->ext->xt_only && m->ext->xt_only(m->data, c->rule)))
		return false;
	out = xmalloc(sizeof(*out));
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", m->ext->name);
	res = m->ext->compat(c, m->data, out);
	if (res == COMPAT_XT)
		lin_xt(c, target, out->name, out->rev, out->info, out->len);
	free(out);
	return res != COMPAT_NATIVE;
}

static void lin_target(struct lin_ctx *c, const struct rule *r)
{
	switch (r->verdict) {
	case VERDICT_NONE:
		break;
	case VERDICT_ACCEPT:
		lin_verdict(c, NF_ACCEPT, NULL);
		break;
	case VERDICT_DROP:
		lin_verdict(c, NF_DROP, NULL);
		break;
	case VERDICT_RETURN:
		lin_verdict(c, NFT_RETURN, NULL);
		break;
	case VERDICT_JUMP:
		lin_verdict(c, NFT_JUMP, r->chain);
		break;
	case VERDICT_GOTO:
		lin_verdict(c, NFT_GOTO, r->chain);
		break;
	case VERDICT_TARGET:
		c->ext = r->target->ext;
		if (!lin_ext_compat(c, r->target, true))
			r->target->ext->linearize(c, r->target->data);
		break;
	}
}

static bool delin_verdict(struct rule *r, const struct item *it)
{
	if (r->verdict != VERDICT_NONE)
		return false;
	switch (it->verdict) {
	case NF_ACCEPT:
		r->verdict = VERDICT_ACCEPT;
		return true;
	case NF_DROP:
		r->verdict = VERDICT_DROP;
		return true;
	case NFT_RETURN:
		r->verdict = VERDICT_RETURN;
		return true;
	case NFT_JUMP:
	case NFT_GOTO:
		if (!it->chain)
			return false;
		r->verdict = it->verdict == NFT_JUMP ? VERDICT_JUMP : VERDICT_GOTO;
		r->chain = xstrdup(it->chain);
		return true;
	}
	return false;
}

/* ---- userdata ---- */

/* One TLV of rule userdata (type, length, value), if it fits. */
static size_t udata_put(uint8_t *buf, size_t used, uint8_t type, const char *s)
{
	size_t len = strlen(s) + 1;

	if (len > UINT8_MAX || used + 2 + len > NFT_USERDATA_MAXLEN)
		return used;
	buf[used] = type;
	buf[used + 1] = (uint8_t)len;
	memcpy(buf + used + 2, s, len);
	return used + 2 + len;
}

/* Cut a "name:n,name:n" list at a comma so that it has at most max
 * characters. */
static void names_cut(char *names, size_t max)
{
	char *comma;

	if (strlen(names) <= max)
		return;
	names[max] = '\0';
	comma = strrchr(names, ',');
	if (comma)
		*comma = '\0';
	else
		names[0] = '\0';
}

static void lin_udata(struct nlmsghdr *nlh, char *names, const char *comment)
{
	uint8_t buf[NFT_USERDATA_MAXLEN];
	size_t used = 0;

	if (comment)
		used = udata_put(buf, used, UDATA_COMMENT, comment);
	/* the list gets what the comment leaves, cut at a comma: a prefix
	 * still reads back each match it names, and the matches after it
	 * are read as in a rule without a list */
	if (used + 2 + 2 <= NFT_USERDATA_MAXLEN) {
		size_t room = NFT_USERDATA_MAXLEN - used - 2 - 1;

		names_cut(names, room < UINT8_MAX - 1 ? room : UINT8_MAX - 1);
		if (names[0])
			used = udata_put(buf, used, UDATA_IPTNFT_MATCHES, names);
	}
	if (used)
		mnl_attr_put(nlh, NFTA_RULE_USERDATA, used, buf);
}

struct udata_seen {
	const char *matches;
	const char *comment;
};

static int udata_cb(const struct nftnl_udata *attr, void *data)
{
	struct udata_seen *seen = data;
	uint8_t len = nftnl_udata_len(attr);
	const char *v = nftnl_udata_get(attr);

	switch (nftnl_udata_type(attr)) {
	case UDATA_COMMENT:
		if (len > 0 && v[len - 1] == '\0')
			seen->comment = v;
		break;
	case UDATA_IPTNFT_MATCHES:
		if (len > 0 && v[len - 1] == '\0')
			seen->matches = v;
		break;
	}
	return 0;
}

/* Whether the match list names two matches of one kind in a row that
 * read back as one ("tcp:1,tcp:1", "tcp:1*2"): the rule then lists in
 * another spelling than its bytes say. */
static bool names_merge(const char *list, uint8_t family)
{
	char prev[32] = "", name[32];
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ":,");
		const char *end = p + strcspn(p, ",");
		size_t head = strcspn(p, ",/");	/* name:count[*times], no extra */
		const struct extension *ext;

		if (n >= sizeof(name))
			return true;	/* no match has such a name: say so */
		memcpy(name, p, n);
		name[n] = '\0';
		/* the repeat first: it is rare, finding the match is not free */
		if ((strcmp(prev, name) == 0 || memchr(p, '*', head)) &&
		    (ext = ext_find(name, EXT_MATCH, family)) && ext->merge_repeats)
			return true;
		memcpy(prev, name, n + 1);
		p = *end ? end + 1 : end;
	}
	return false;
}

bool rule_msg_respelled(const struct nlmsghdr *nlh)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	struct udata_seen seen = { 0 };
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		if (nla_type(a) != NFTA_RULE_USERDATA)
			continue;
		nftnl_udata_parse(nla_data(a), nla_paylen(a), udata_cb,
				  &seen);
		return seen.matches && names_merge(seen.matches, g->nfgen_family);
	}
	return false;
}

/* A comment lives in rule userdata; the comment match, where present,
 * turns it back into a match instance at the end of the matches. */
void rule_attach_comment(struct rule *r, const char *comment)
{
	const struct extension *ext = ext_find_comment(r->family);
	struct ext_inst *m;

	if (!ext || !ext->from_comment) {
		r->unknown = true;
		return;
	}
	m = rule_add_match(r, ext);
	ext->from_comment(m->data, comment);
}

int rule_undecodable_error(struct ipt_error *err, const char *prog, const char *chain,
			   uint64_t handle)
{
	return err_raw(err, 3,
		       "Error: rule %llu in chain %s holds expressions iptnft cannot translate (see nft list chain)\n"
		       "%s v%s (nf_tables): Parsing nftables rule failed\n"
		       "Perhaps %s or your kernel needs to be upgraded.\n",
		       (unsigned long long)handle, chain, prog, IPTABLES_COMPAT_VERSION, prog);
}

/* The decimal digits of n at the end of num[12]; returns where they start. */
static int decimal(char num[12], unsigned n)
{
	int i = 12;

	do {
		num[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	return i;
}

/* The rule's matches for its userdata: "name:count" each, comma
 * separated, a run of equal ones as "name:count*times", and what a match
 * keeps beside its expressions after a "/" ("name:count/extra", never in
 * a run); built as the rule is written (the hot path of every rule, so
 * no printf). Once an entry does not fit, the list stays the prefix it
 * is: an entry left out would misplace every later one. */
struct match_names {
	char buf[NFT_USERDATA_MAXLEN];
	size_t used;
	bool full;
	const char *name;	/* the run not yet in buf */
	unsigned count, times;
};

static void names_put(struct match_names *l, const char *name, unsigned count, unsigned times,
		      const char *extra)
{
	size_t len = strlen(name), xlen = extra[0] ? strlen(extra) + 1 : 0;
	char num[12], rep[12];
	int i, j;

	if (l->full)
		return;
	i = decimal(num, count);
	j = times > 1 ? decimal(rep, times) : 12;
	if (l->used + 1 + len + 1 + (size_t)(12 - i) + 1 + (size_t)(12 - j) + xlen + 1 >
	    sizeof(l->buf)) {
		l->full = true;
		return;
	}
	if (l->used)
		l->buf[l->used++] = ',';
	memcpy(l->buf + l->used, name, len);
	l->used += len;
	l->buf[l->used++] = ':';
	memcpy(l->buf + l->used, num + i, (size_t)(12 - i));
	l->used += (size_t)(12 - i);
	if (j < 12) {
		l->buf[l->used++] = '*';
		memcpy(l->buf + l->used, rep + j, (size_t)(12 - j));
		l->used += (size_t)(12 - j);
	}
	if (xlen) {
		l->buf[l->used++] = '/';
		memcpy(l->buf + l->used, extra, xlen - 1);
		l->used += xlen - 1;
	}
	l->buf[l->used] = '\0';
}

static void names_flush(struct match_names *l)
{
	if (l->times)
		names_put(l, l->name, l->count, l->times, "");
	l->times = 0;
}

static void names_add(struct match_names *l, const char *name, unsigned count, const char *extra)
{
	if (!extra[0] && l->times && l->name == name && l->count == count) {
		l->times++;
		return;
	}
	names_flush(l);
	if (extra[0]) {
		names_put(l, name, count, 1, extra);
		return;
	}
	l->name = name;
	l->count = count;
	l->times = 1;
}

/* ---- whole rules ---- */

int rule_linearize(const struct rule *r, struct nftnl_rule *nr)
{
	struct aset_list sets = { 0 };
	const char *table = nftnl_rule_is_set(nr, NFTNL_RULE_TABLE) ?
			    nftnl_rule_get_str(nr, NFTNL_RULE_TABLE) : NULL;
	const char *chain = nftnl_rule_is_set(nr, NFTNL_RULE_CHAIN) ?
			    nftnl_rule_get_str(nr, NFTNL_RULE_CHAIN) : NULL;
	/* zeroed: libmnl leaves attribute padding as it finds it */
	char *buf = xzalloc(RULE_MSG_MAX);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	int ret;

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct nfgenmsg));
	ret = rule_linearize_msg(r, nlh, &sets, &(struct lin_where){ table, chain, false, NULL });
	if (ret >= 0 && nftnl_rule_nlmsg_parse(nlh, nr) < 0)
		ret = -1;
	free(buf);
	aset_list_clear(&sets);
	return ret < 0 ? -1 : 0;
}

struct rule *rule_canonical(const struct rule *r)
{
	const struct ext_inst *m;
	struct nftnl_rule *nr;
	struct rule *back = NULL;
	bool repeats = false;

	for (m = r->matches; m && m->next; m = m->next)
		repeats |= m->ext == m->next->ext && m->ext->merge_repeats;
	if (!repeats)
		return NULL;
	nr = nftnl_rule_alloc();
	if (!nr)
		out_of_memory();
	if (rule_linearize(r, nr) == 0) {
		back = rule_new(r->family);
		if (rule_delinearize(nr, back) < 0 || back->unknown) {
			rule_free(back);
			back = NULL;
		}
	}
	nftnl_rule_free(nr);
	return back;
}

/* What the rule's attributes after its expressions may take: the compat
 * nest and the userdata (NFT_USERDATA_MAXLEN). */
#define RULE_TAIL_MAX 512

int rule_linearize_msg(const struct rule *r, struct nlmsghdr *nlh, struct aset_list *sets,
		       const struct lin_where *w)
{
	struct lin_ctx c = { .nlh = nlh, .rule = r, .family = r->family, .sets = sets,
			     .compat = w->compat, .table = w->table, .chain = w->chain,
			     .feat = w->feat,
			     .limit = RULE_MSG_MAX - RULE_TAIL_MAX };
	const struct ext_inst *m;
	const char *comment = NULL;
	struct match_names names = { .used = 0 };
	struct nlattr *exprs = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);

	/* in the reference's order */
	lin_iface(&c, NFT_META_IIFNAME, r->iniface, r->inv & INV_IN);
	lin_iface(&c, NFT_META_OIFNAME, r->outiface, r->inv & INV_OUT);
	if (r->has_proto && r->proto)
		lin_proto(&c, r->proto, r->inv & INV_PROTO);
	lin_addr(&c, saddr_offset(r->family), &r->src, r->inv & INV_SRC);
	lin_addr(&c, daddr_offset(r->family), &r->dst, r->inv & INV_DST);
	if (r->frag)
		lin_frag(&c, r->inv & INV_FRAG);
	for (m = r->matches; m; m = m->next) {
		unsigned before = c.items;
		char extra[UDATA_EXTRA_MAX] = "";

		c.ext = m->ext;
		if (!lin_ext_compat(&c, m, false)) {
			/* a comment written as a blob is not userdata's */
			if (m->ext->comment)
				comment = m->ext->comment(m->data);
			if (m->ext->linearize)
				m->ext->linearize(&c, m->data);
		}
		/* name:items, so each match reads back exactly its own */
		if (m->ext->udata_save)
			m->ext->udata_save(m->data, extra, sizeof(extra));
		names_add(&names, m->ext->name, c.items - before, extra);
	}
	names_flush(&names);
	lin_counter(&c, r->pkts, r->bytes);
	lin_target(&c, r);
	if (c.overflow)
		return -1;
	mnl_attr_nest_end(nlh, exprs);
	/* x_tables matches bound to a protocol (tcp, icmp6, ...) check it
	 * against the one the rule declares; the reference declares it in
	 * every rule */
	if (c.compat || c.xt) {
		struct nlattr *n = mnl_attr_nest_start(nlh, NFTA_RULE_COMPAT);

		mnl_attr_put_u32(nlh, NFTA_RULE_COMPAT_PROTO, htonl(r->has_proto ? r->proto : 0));
		mnl_attr_put_u32(nlh, NFTA_RULE_COMPAT_FLAGS,
				 htonl(r->inv & INV_PROTO ? NFT_RULE_COMPAT_F_INV : 0));
		mnl_attr_nest_end(nlh, n);
	}
	/* the reference keeps no userdata of its own: its blobs say it all */
	if (!c.compat)
		lin_udata(nlh, names.buf, comment);
	return (int)c.nexprs;
}

/* Offer the items at the cursor to every extension of a kind. */
static bool delin_ext(struct rule *r, struct delin_ctx *c, enum ext_kind kind)
{
	const struct extension *const *e;
	unsigned start = c->pos;

	for (e = ext_all; *e; e++) {
		const struct extension *ext = *e;
		void *data;

		if (ext->kind != kind || !ext->delinearize)
			continue;
		if (!(ext->families & (r->family == NFPROTO_IPV6 ? EXT_IPV6 : EXT_IPV4)))
			continue;
		if (kind == EXT_TARGET && r->verdict != VERDICT_NONE)
			continue;
		/* most extensions turn the items down: they try them in the
		 * context's scratch room, and only a taker's data is kept */
		if (ext->size > c->scratch_len || !c->scratch) {
			if (c->scratch_heap)
				free(c->scratch);
			c->scratch_len = ext->size > 64 ? ext->size : 64;
			c->scratch = xmalloc(c->scratch_len);
			c->scratch_heap = true;
		}
		data = c->scratch;
		memset(data, 0, ext->size);
		c->pos = start;
		c->ext = ext;
		if (ext->delinearize(c, data)) {
			struct ext_inst *m;

			if (kind == EXT_MATCH) {
				m = rule_add_match(r, ext);
			} else {
				rule_set_target(r, ext);
				m = r->target;
			}
			/* the taker's data moves into the instance; the
			 * scratch room stays for the next rule part */
			memcpy(m->data, data, ext->size);
			if (c->pos == start)
				c->pos++;
			return true;
		}
		if (ext->destroy)
			ext->destroy(data);
	}
	c->pos = start;
	return false;
}

/* Where delin_listed is in the list: the match read last. */
struct listed_walk {
	const struct extension *prev_ext;
	struct ext_inst *prev;
	unsigned prev_count;
	const char **comment;
};

/* Match m (of ext) reads the items from c->pos to end, and its userdata
 * extra; whether it claimed them all. */
static bool delin_listed_items(struct delin_ctx *c, const struct extension *ext,
			       struct ext_inst *m, unsigned end, const char *extra)
{
	unsigned saved_n = c->items->n;

	/* the match sees only its own items */
	c->items->n = end;
	c->ext = ext;
	if (ext->delinearize && c->pos < end)
		ext->delinearize(c, m->data);
	if (extra && ext->udata_load)
		ext->udata_load(m->data, extra);
	c->items->n = saved_n;
	return c->pos == end;
}

/* One match of the list, which claims the next count items. */
static void delin_one_listed(struct rule *r, struct delin_ctx *c, struct listed_walk *w,
			     const struct extension *ext, unsigned count, const char *extra)
{
	unsigned start = c->pos, end;
	struct ext_inst *m;

	if (!ext) {
		r->unknown = true;
		c->pos += count;
		return;
	}
	end = c->pos + count;
	if (end > c->items->n)
		end = c->items->n;
	/* two option-carrying tcp (or udp) matches in a row read back as
	 * one, as the reference reads its own; where the second tests a
	 * field the first tests too, it stays a match of its own (the
	 * reference lists only the second's value), unless it is the same
	 * test again */
	if (count && w->prev_ext == ext && w->prev_count && ext->merge_repeats) {
		void *before = xmalloc(ext->size);
		struct ext_inst *again;

		memcpy(before, w->prev->data, ext->size);
		if (delin_listed_items(c, ext, w->prev, end, extra)) {
			free(before);
			w->prev_count = count;
			return;
		}
		memcpy(w->prev->data, before, ext->size);
		free(before);
		c->pos = start;
		again = rule_add_match(r, ext);
		if (!delin_listed_items(c, ext, again, end, extra))
			r->unknown = true;
		else
			w->prev = again;
		w->prev_count = count;
		c->pos = end;
		return;
	}
	m = rule_add_match(r, ext);
	w->prev = m;
	w->prev_ext = ext;
	w->prev_count = count;
	if (ext->from_comment && !count) {
		/* the comment lives in userdata; put it where it was */
		if (*w->comment)
			ext->from_comment(m->data, *w->comment);
		*w->comment = NULL;
		return;
	}
	if (!delin_listed_items(c, ext, m, end, extra))
		r->unknown = true;
	/* a match that could read none of its items (a lookup in a set no
	 * longer there) is left out: what is printed of the undecodable
	 * rule then holds nothing false */
	if (c->pos == start && count) {
		rule_drop_last_match(r);
		w->prev = NULL;
		w->prev_ext = NULL;
	}
	c->pos = end;
}

/* A tcp (or udp) match after one of its kind that tests nothing the
 * first tests otherwise is read as part of it, as the reference reads
 * them (it merges the two); a repeat with other values stays. */
static void drop_repeats(struct rule *r)
{
	struct ext_inst *m = r->matches, *next;

	while (m && (next = m->next)) {
		if (next->ext == m->ext && m->ext->merge && m->ext->merge(m->data, next->data)) {
			m->next = next->next;
			next->next = NULL;
			inst_free(next);
			continue;
		}
		m = next;
	}
}

/* A decimal number at *p, which moves past it; no digits read as 0. */
static unsigned long listed_number(const char **p)
{
	unsigned long n = 0;

	while (**p >= '0' && **p <= '9' && n <= RULE_MSG_MAX)
		n = n * 10 + (unsigned long)(*(*p)++ - '0');
	return n;
}

/* Give the cursor to each match the rule's userdata lists, in order; a
 * match that claims nothing was given without options. The list is
 * "name[:count[*times][/extra]]", comma-separated. */
static void delin_listed(struct rule *r, struct delin_ctx *c, const char *list,
			 const char **comment)
{
	/* a userdata value: at most 255 bytes with its NUL */
	char copy[UINT8_MAX + 1], *name, *p;
	struct listed_walk w = { .comment = comment };

	str_copy(copy, sizeof(copy), list, sizeof(copy));
	c->listed = true;
	for (p = copy; *p; ) {
		unsigned long count = 0, times = 1;
		char *extra = NULL;

		if (*p == ',') {
			p++;
			continue;
		}
		name = p;
		p += strcspn(p, ":,");
		if (*p == ':') {
			const char *q = p + 1;

			*p = '\0';
			count = listed_number(&q);
			if (*q == '*') {
				q++;
				times = listed_number(&q);
			}
			p = (char *)q;
			if (*p == '/') {
				/* the extra runs to the next comma */
				extra = ++p;
				p += strcspn(p, ",");
			}
			/* what strtoul left past the number belongs to no field */
			p += strcspn(p, ",");
		}
		if (*p == ',')
			*p++ = '\0';
		/* no rule has more items than this: a larger number is no
		 * list of ours */
		if (count > RULE_MSG_MAX || times > RULE_MSG_MAX) {
			r->unknown = true;
			break;
		}
		while (times--)
			delin_one_listed(r, c, &w, xcache_match(c->xc, name, r->family),
					 (unsigned)count, extra);
	}
	c->listed = false;
}

int rule_delinearize(struct nftnl_rule *nr, struct rule *r)
{
	return rule_delinearize_sets(nr, r, NULL, NULL);
}

int rule_delinearize_sets(struct nftnl_rule *nr, struct rule *r,
			  const struct aset *(*get_set)(void *opaque, const char *name),
			  void *opaque)
{
	char *buf = xzalloc(RULE_MSG_MAX);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;
	struct rule_msg m;
	int ret = 0;

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = r->family;
	nftnl_rule_nlmsg_build_payload(nlh, nr);
	if (nlh->nlmsg_len > RULE_MSG_MAX || rule_msg_parse(&m, nlh) < 0)
		r->unknown = true;
	else
		ret = rule_delinearize_msg(&m, r, get_set, opaque, NULL);
	free(buf);
	return ret;
}

int rule_delinearize_msg(const struct rule_msg *m, struct rule *r,
			 const struct aset *(*get_set)(void *opaque, const char *name),
			 void *opaque, struct xcache *xc)
{
	bool listed_done = false;
	/* room for the items of nearly every rule, so that reading one
	 * allocates nothing for them */
	struct item few_items[24];
	struct regval few_regs[2 * NREGS];
	struct item_list items;
	/* room for the data of nearly every extension while it tries the
	 * items, so that reading a rule allocates nothing for that */
	_Alignas(max_align_t) char scratch[512];
	struct delin_ctx c = { .items = &items, .rule = r, .family = r->family,
			       .get_set = get_set, .set_opaque = opaque,
			       .scratch = scratch, .scratch_len = sizeof(scratch), .xc = xc };
	struct udata_seen seen = { 0 };
	uint32_t ud_len = 0;
	const void *ud = rule_msg_udata(m, &ud_len);

	items_init(&items, few_items, ARRAY_SIZE(few_items), few_regs, ARRAY_SIZE(few_regs));
	if (m->tb[NFTA_RULE_HANDLE])
		r->handle = rule_msg_handle(m);
	if (ud)
		nftnl_udata_parse(ud, ud_len, udata_cb, &seen);
	if (items_from_msg(&items, m, xc) < 0) {
		r->unknown = true;
		items_free(&items);
		return 0;
	}
	while (c.pos < items.n) {
		struct item *it = &items.v[c.pos];

		if (!r->matches && r->verdict == VERDICT_NONE && delin_base(r, it)) {
			c.pos++;
			continue;
		}
		if (seen.matches && !listed_done) {
			listed_done = true;
			delin_listed(r, &c, seen.matches, &seen.comment);
			continue;
		}
		if (it->kind == ITEM_COUNTER) {
			r->has_counters = true;
			r->pkts = it->pkts;
			r->bytes = it->bytes;
			c.pos++;
			continue;
		}
		if (it->kind == ITEM_VERDICT && delin_verdict(r, it)) {
			c.pos++;
			continue;
		}
		/* after the matches the userdata lists, what is left is
		 * nearly always the target's: it is offered to the targets
		 * first, and to matches (of a list cut short) only after */
		if (!listed_done && r->verdict == VERDICT_NONE && delin_ext(r, &c, EXT_MATCH))
			continue;
		if (delin_ext(r, &c, EXT_TARGET))
			continue;
		if (listed_done && r->verdict == VERDICT_NONE && delin_ext(r, &c, EXT_MATCH))
			continue;
		r->unknown = true;
		c.pos++;
	}
	if (seen.comment)
		rule_attach_comment(r, seen.comment);
	drop_repeats(r);
	items_free(&items);
	if (c.scratch_heap)
		free(c.scratch);
	return 0;
}
