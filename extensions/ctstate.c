#include <stdio.h>
#include "ctstate.h"

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/xt_conntrack.h>
#include <string.h>
#include <strings.h>

#include "xtopt.h"

#define STATUS_SRC_NAT 0x10	/* IPS_SRC_NAT */
#define STATUS_DST_NAT 0x20	/* IPS_DST_NAT */

static const struct {
	const char *name;
	uint32_t bit;
} ct_names[] = {
	{ "INVALID", CTS_INVALID },
	{ "NEW", CTS_NEW },
	{ "RELATED", CTS_RELATED },
	{ "ESTABLISHED", CTS_ESTABLISHED },
	{ "UNTRACKED", CTS_UNTRACKED },
	{ "SNAT", CTS_SNAT },
	{ "DNAT", CTS_DNAT },
};

int ctstate_parse(const char *s, bool allow_nat, uint32_t *bits, struct ipt_error *err,
		  const char *what)
{
	char buf[256], *tok, *save = NULL;
	size_t i;

	const char *p = s, *comma;

	*bits = 0;
	/* every element must name a state: "NEW," and "" are refused */
	do {
		size_t len;

		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		snprintf(buf, sizeof(buf), "%.*s", (int)len, p);
		tok = buf;
		if (!*tok && !comma && !allow_nat)
			return err_param(err, "\"--%s\" requires a list of states with no spaces, e.g. ESTABLISHED,RELATED",
					 what);
		/* the reference takes any leading part of a name, in any
		 * case: "e,rel" is ESTABLISHED,RELATED */
		for (i = 0; i < ARRAY_SIZE(ct_names); i++)
			if (*tok && strlen(tok) <= strlen(ct_names[i].name) &&
			    strncasecmp(tok, ct_names[i].name, strlen(tok)) == 0 &&
			    (allow_nat || !(ct_names[i].bit & CTS_NAT_BITS)))
				break;
		if (i == ARRAY_SIZE(ct_names))
			return err_param(err, "Bad %s \"%s\"", what, p);	/* the rest of the list */
		*bits |= ct_names[i].bit;
		p = comma ? comma + 1 : NULL;
	} while (p);
	(void)save;
	return 0;
}

void ctstate_text(struct strbuf *out, uint32_t bits)
{
	bool first = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ct_names); i++) {
		if (!(bits & ct_names[i].bit))
			continue;
		if (!first)
			sb_addc(out, ',');
		sb_add(out, ct_names[i].name);
		first = false;
	}
}

static void lin_ct_bits(struct lin_ctx *c, uint32_t key, uint32_t mask, bool inv)
{
	uint32_t zero = 0;

	lin_ct(c, key, -1);
	lin_bitwise(c, &mask, NULL, 4);
	lin_cmp(c, inv ? REL_EQ : REL_NEQ, &zero, 4);
}

void ctstate_linearize(struct lin_ctx *c, uint32_t bits, bool inv)
{
	uint32_t status = 0;

	if (bits & CTS_SNAT)
		status |= STATUS_SRC_NAT;
	if (bits & CTS_DNAT)
		status |= STATUS_DST_NAT;
	if ((bits & CTS_STATE_BITS) && status) {
		/* either a state or a NAT status: load both into adjacent
		 * registers and test the 8 bytes at once, so one compare
		 * against zero is the OR of the two */
		uint32_t mask[2] = { bits & CTS_STATE_BITS, status }, zero[2] = { 0, 0 };

		lin_ct_to(c, NFT_CT_STATE, NFT_REG32_00);
		lin_ct_to(c, NFT_CT_STATUS, NFT_REG32_01);
		lin_bitwise_reg(c, NFT_REG32_00, mask, 8);
		lin_cmp_reg(c, NFT_REG32_00, inv ? REL_EQ : REL_NEQ, zero, 8);
		return;
	}
	if (bits & CTS_STATE_BITS)
		lin_ct_bits(c, NFT_CT_STATE, bits & CTS_STATE_BITS, inv);
	if (status)
		lin_ct_bits(c, NFT_CT_STATUS, status, inv);
}

static bool ct_bits_item(const struct item *it, uint32_t key, uint32_t *mask, bool *inv)
{
	uint32_t v;

	if (!item_is_ct(it, key) || !it->masked || it->len != 4)
		return false;
	memcpy(&v, it->val, 4);
	if (v != 0 || (it->op != REL_EQ && it->op != REL_NEQ))
		return false;
	memcpy(mask, it->mask, 4);
	*inv = it->op == REL_EQ;
	return true;
}

bool ctstate_delinearize(struct delin_ctx *c, uint32_t *bits, bool *inv)
{
	struct item *it = delin_peek(c);
	uint32_t mask;
	bool any = false, i2;

	*bits = 0;
	if (it && item_is_ct(it, NFT_CT_STATE) && it->concat && it->sel2.kind == SEL_CT &&
	    it->sel2.key == NFT_CT_STATUS && it->masked && it->len == 8 &&
	    (it->op == REL_EQ || it->op == REL_NEQ)) {
		uint32_t m[2], v[2];

		memcpy(m, it->mask, 8);
		memcpy(v, it->val, 8);
		if (v[0] || v[1] || (m[0] & ~CTS_STATE_BITS) ||
		    (m[1] & ~(uint32_t)(STATUS_SRC_NAT | STATUS_DST_NAT)))
			return false;
		*bits = m[0];
		if (m[1] & STATUS_SRC_NAT)
			*bits |= CTS_SNAT;
		if (m[1] & STATUS_DST_NAT)
			*bits |= CTS_DNAT;
		*inv = it->op == REL_EQ;
		c->pos++;
		return true;
	}
	if (it && !it->concat && ct_bits_item(it, NFT_CT_STATE, &mask, inv) &&
	    !(mask & ~CTS_STATE_BITS)) {
		*bits |= mask;
		c->pos++;
		any = true;
		it = delin_peek(c);
	}
	/* a status test without a NAT bit is conntrack's --ctstatus */
	if (it && !it->concat && ct_bits_item(it, NFT_CT_STATUS, &mask, &i2) && mask &&
	    !(mask & ~(uint32_t)(STATUS_SRC_NAT | STATUS_DST_NAT)) && (!any || i2 == *inv)) {
		if (mask & STATUS_SRC_NAT)
			*bits |= CTS_SNAT;
		if (mask & STATUS_DST_NAT)
			*bits |= CTS_DNAT;
		*inv = i2;
		c->pos++;
		any = true;
	}
	return any;
}

uint32_t ctstate_from_xt(uint16_t m)
{
	uint32_t bits = m & (CTS_INVALID | CTS_ESTABLISHED | CTS_RELATED | CTS_NEW);

	if (m & XT_CONNTRACK_STATE_SNAT)
		bits |= CTS_SNAT;
	if (m & XT_CONNTRACK_STATE_DNAT)
		bits |= CTS_DNAT;
	if (m & XT_CONNTRACK_STATE_UNTRACKED)
		bits |= CTS_UNTRACKED;
	return bits;
}

uint16_t ctstate_to_xt(uint32_t bits)
{
	uint16_t m = bits & (CTS_INVALID | CTS_ESTABLISHED | CTS_RELATED | CTS_NEW);

	if (bits & CTS_SNAT)
		m |= XT_CONNTRACK_STATE_SNAT;
	if (bits & CTS_DNAT)
		m |= XT_CONNTRACK_STATE_DNAT;
	if (bits & CTS_UNTRACKED)
		m |= XT_CONNTRACK_STATE_UNTRACKED;
	return m;
}

/* Revisions 2 and 3 put match_flags, invert_flags and a 16-bit
 * state_mask at the same offsets; revision 1 has an 8-bit state_mask
 * there (see conntrack.c for the whole layout). */
bool ctstate_alias_blob(const struct item *it, uint32_t *bits, bool *inv)
{
	const struct xt_conntrack_mtinfo3 *i3;
	const struct xt_conntrack_mtinfo2 *i2;
	const struct xt_conntrack_mtinfo1 *i1;
	uint16_t flags, invert, state;

	if ((i3 = xt_blob(it, false, "conntrack", 3, sizeof(*i3)))) {
		flags = i3->match_flags, invert = i3->invert_flags, state = i3->state_mask;
	} else if ((i2 = xt_blob(it, false, "conntrack", 2, sizeof(*i2)))) {
		flags = i2->match_flags, invert = i2->invert_flags, state = i2->state_mask;
	} else if ((i1 = xt_blob(it, false, "conntrack", 1, sizeof(*i1)))) {
		flags = i1->match_flags, invert = i1->invert_flags, state = i1->state_mask;
	} else {
		return false;
	}
	if (flags != (XT_CONNTRACK_STATE | XT_CONNTRACK_STATE_ALIAS))
		return false;
	*bits = ctstate_from_xt(state);
	*inv = invert & XT_CONNTRACK_STATE;
	return true;
}
