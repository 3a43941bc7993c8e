/* -j CT: set up the connection tracking of a packet before conntrack
 * sees it (raw table).
 *
 *   immediate reg 1 = zone | meta load mark => reg 1
 *   ct [original|reply] zone set reg 1           (always, 0 by default)
 *   [immediate reg 1 = events; ct event set reg 1]          --ctevents
 *   [objref ct helper "HELPER-PROTO"]                        --helper
 *
 * --notrack alone is two notrack statements: the xt target then leaves
 * the packet untracked whatever else it was given, and a zone set before
 * notrack would give conntrack a template and so undo it. The second
 * statement does nothing (the packet is already untracked) but tells the
 * rule from NOTRACK's lone one.
 *
 * The helper is a named ct helper object made in the same batch just
 * before the rule (see the object hook in ext.h); its name says which
 * helper and protocol, which is how it reads back. The zone statement
 * starts every other CT rule so that a lone `notrack` stays NOTRACK's.
 *
 * --timeout (a cttimeout policy) and --expevents have no native form,
 * nor has --notrack with other options (which the xt target ignores),
 * nor have --zone-orig with --zone-reply, or a zone number with a zone
 * from the mark (the statements would hold what the target does, but
 * not what -C compares): such a rule holds the reference's blob
 * (revision 2), which --compat writes for every CT rule.
 *
 * Read back as well: the reference's blob, revisions 0 to 2; with the
 * NOTRACK alias flag it is NOTRACK's (NOTRACK.c).
 */
#include <stdio.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ext.h"
#include "expr.h"
#include "num.h"
#include "parse.h"
#include "tgutil.h"
#include "util.h"

/* XT_CT_* of xt_CT.h */
#define CTF_NOTRACK 0x01
#define CTF_ALIAS 0x02		/* written as -j NOTRACK */
#define CTF_ZONE_ORIG 0x04
#define CTF_ZONE_REPLY 0x08
#define CTF_ZONE_MARK 0x10
#define CTF_KNOWN 0x1f

#define CT_HELPER_MAX 15	/* NF_CT_HELPER_NAME_LEN - 1 */

struct ct_data {
	uint16_t flags;		/* CTF_* */
	uint16_t zone;
	uint32_t ct_events, exp_events;
	char helper[CT_HELPER_MAX + 1];
	char timeout[32];	/* a cttimeout policy's name, --compat only */
};

enum { O_NOTRACK, O_HELPER, O_TIMEOUT, O_CTEVENTS, O_EXPEVENTS, O_ZONE_ORIG, O_ZONE_REPLY,
       O_ZONE };

#define CT_OPT(opt, id_, arg, what)                                                          \
	{ .name = opt, .id = id_, .type = OT_CUSTOM, .has_arg = true, .flags = OF_NOINV_XT,   \
	  .help_arg = arg, .help = what }

/* The names are cut to what fits, silently (OT_STRING refuses them), the
 * events are lists and a zone is a number or "mark": parse's. */
static const struct ext_opt ct_opts[] = {
	{ .name = "notrack", .id = O_NOTRACK, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct ct_data, flags), .max = CTF_NOTRACK,
	  .help = "leave the connection untracked" },
	CT_OPT("helper", O_HELPER, "name", "let this conntrack helper handle the connection"),
	CT_OPT("timeout", O_TIMEOUT, "name", "timeout policy the connection follows"),
	CT_OPT("ctevents", O_CTEVENTS, "event[,event...]", "which conntrack events get reported"),
	CT_OPT("expevents", O_EXPEVENTS, "event[,event...]",
	       "which expectation events get reported"),
	CT_OPT("zone-orig", O_ZONE_ORIG, "id|mark", "like --zone, original direction only"),
	CT_OPT("zone-reply", O_ZONE_REPLY, "id|mark", "like --zone, reply direction only"),
	CT_OPT("zone", O_ZONE, "id|mark", "conntrack zone: a number, or the packet's mark"),
	{ .name = NULL },
};

/* Event names, bit = position (IPCT_* of nf_conntrack_common.h). */
static const char *const ct_event_names[] = {
	"new", "related", "destroy", "reply", "assured", "protoinfo", "helper", "mark",
	"natseqinfo", "secmark",
};
static const char *const exp_event_names[] = { "new" };

static int parse_events(struct parse_ctx *ctx, const char *arg, const char *const *names,
			unsigned n, uint32_t *mask)
{
	char *copy = xstrdup(arg), *p = copy, *comma;
	unsigned i;

	*mask = 0;
	for (;;) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		for (i = 0; i < n && strcmp(p, names[i]) != 0; i++)
			;
		if (i == n) {
			err_param(ctx->err, "Unknown event type \"%s\"", p);
			free(copy);
			return -1;
		}
		*mask |= 1u << i;
		if (!comma)
			break;
		p = comma + 1;
	}
	free(copy);
	return 0;
}

static int parse_zone(struct parse_ctx *ctx, const char *arg, struct ct_data *d)
{
	uint64_t n;

	if (strcasecmp(arg, "mark") == 0) {
		d->flags |= CTF_ZONE_MARK;
		return 0;
	}
	if (!num_uint(arg, 0, UINT16_MAX, &n))
		return err_param(ctx->err, "Cannot parse %s as a zone ID", arg);
	d->zone = (uint16_t)n;
	return 0;
}

static int ct_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct ct_data *d = data;

	(void)inv;
	switch (id) {
	case O_HELPER:
		snprintf(d->helper, sizeof(d->helper), "%s", arg);
		return 0;
	case O_TIMEOUT:
		/* the reference keeps what fits its 32 bytes */
		snprintf(d->timeout, sizeof(d->timeout), "%s", arg);
		return 0;
	case O_CTEVENTS:
		return parse_events(ctx, arg, ct_event_names, ARRAY_SIZE(ct_event_names),
				    &d->ct_events);
	case O_EXPEVENTS:
		return parse_events(ctx, arg, exp_event_names, ARRAY_SIZE(exp_event_names),
				    &d->exp_events);
	case O_ZONE_ORIG:
		d->flags |= CTF_ZONE_ORIG;
		return parse_zone(ctx, arg, d);
	case O_ZONE_REPLY:
		d->flags |= CTF_ZONE_REPLY;
		return parse_zone(ctx, arg, d);
	case O_ZONE:
		return parse_zone(ctx, arg, d);
	}
	return 0;
}

/* ---- the helper object ---- */

/* A helper is looked up for the rule's protocol, which the rule must
 * name: the reference's kernel finds none otherwise. */
static bool helper_missing(const struct rule *r)
{
	return !r->has_proto || !r->proto || (r->inv & INV_PROTO);
}

static void helper_obj_name(char *buf, size_t len, const char *helper, const struct rule *r)
{
	const char *p = proto_name(r->proto, r->family);

	if (p)
		snprintf(buf, len, "%s-%s", helper, p);
	else
		snprintf(buf, len, "%s-%u", helper, r->proto);
}

static struct nftnl_obj *ct_object(const void *data, const struct rule *r)
{
	const struct ct_data *d = data;
	struct nftnl_obj *o;
	char name[64];

	if (!d->helper[0] || helper_missing(r))
		return NULL;
	o = nftnl_obj_alloc();
	if (!o)
		out_of_memory();
	helper_obj_name(name, sizeof(name), d->helper, r);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, name);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_CT_HELPER);
	nftnl_obj_set_str(o, NFTNL_OBJ_CT_HELPER_NAME, d->helper);
	nftnl_obj_set_u8(o, NFTNL_OBJ_CT_HELPER_L4PROTO, (uint8_t)r->proto);
	return o;
}

/* ---- writing ---- */

static int zone_dir(uint16_t flags)
{
	switch (flags & (CTF_ZONE_ORIG | CTF_ZONE_REPLY)) {
	case CTF_ZONE_ORIG: return 0;	/* IP_CT_DIR_ORIGINAL */
	case CTF_ZONE_REPLY: return 1;	/* IP_CT_DIR_REPLY */
	}
	return -1;
}

static enum compat_res ct_compat(struct lin_ctx *c, const void *data, struct xt_out *out);

/* The rules the native statements cannot say (see the top). */
static bool ct_needs_blob(const struct ct_data *d)
{
	uint16_t both = CTF_ZONE_ORIG | CTF_ZONE_REPLY;

	if (d->timeout[0] || d->exp_events)
		return true;
	/* a zone for both directions, or a number the mark overrides:
	 * what the statements would keep is the same zone, but the
	 * reference's -C tells these words from the plainer ones */
	if ((d->flags & both) == both || ((d->flags & CTF_ZONE_MARK) && d->zone))
		return true;
	return (d->flags & CTF_NOTRACK) &&
	       (d->zone || d->ct_events || d->helper[0] || (d->flags & ~(uint16_t)CTF_NOTRACK));
}

static void lin_notrack(struct lin_ctx *c)
{
	struct nftnl_expr *e = nftnl_expr_alloc("notrack");

	if (!e)
		out_of_memory();
	lin_add(c, e);
}

static void ct_linearize(struct lin_ctx *c, const void *data)
{
	const struct ct_data *d = data;
	struct xt_out *out;

	if (tg_misplaced(c, "raw", TG_ANY_HOOK)) {
		tg_lin_refuse(c);
		return;
	}
	if (ct_needs_blob(d)) {
		out = xzalloc(sizeof(*out));
		ct_compat(c, data, out);
		lin_xt(c, true, "CT", out->rev, out->info, out->len);
		free(out);
		return;
	}
	if (d->flags & CTF_NOTRACK) {
		lin_notrack(c);
		lin_notrack(c);
		return;
	}
	if (d->flags & CTF_ZONE_MARK)
		lin_meta(c, NFT_META_MARK);
	else
		tg_lin_imm(c, NFT_REG_1, &d->zone, 2);
	lin_ct_set(c, NFT_CT_ZONE, zone_dir(d->flags));
	if (d->ct_events) {
		tg_lin_imm(c, NFT_REG_1, &d->ct_events, 4);
		lin_ct_set(c, NFT_CT_EVENTMASK, -1);
	}
	if (d->helper[0]) {
		/* no object has this name: the kernel says ENOENT, as the
		 * reference's kernel does for a helper without a protocol */
		char name[64] = "iptnft: no helper";

		if (!helper_missing(c->rule))
			helper_obj_name(name, sizeof(name), d->helper, c->rule);
		lin_objref(c, NFT_OBJECT_CT_HELPER, name);
	}
}

/* ---- reading ---- */

static bool claim_ct_set(const struct item *it, struct ct_data *d, unsigned *seen)
{
	const struct nftnl_expr *e = it->expr;
	const struct regval *v = item_reg_attr(it, NFTNL_EXPR_CT_SREG);
	uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY);

	if (!v)
		return false;
	if (key == NFT_CT_ZONE && !(*seen & 1)) {
		if (nftnl_expr_is_set(e, NFTNL_EXPR_CT_DIR))
			d->flags |= nftnl_expr_get_u8(e, NFTNL_EXPR_CT_DIR) ? CTF_ZONE_REPLY :
									      CTF_ZONE_ORIG;
		if (v->is_data && v->len == 2)
			memcpy(&d->zone, v->data, 2);
		else if (!v->is_data && v->sel.kind == SEL_META && v->sel.key == NFT_META_MARK &&
			 !v->masked)
			d->flags |= CTF_ZONE_MARK;
		else
			return false;
		*seen |= 1;
		return true;
	}
	if (key == NFT_CT_EVENTMASK && !(*seen & 2) && v->is_data && v->len == 4) {
		memcpy(&d->ct_events, v->data, 4);
		*seen |= 2;
		return true;
	}
	return false;
}

static bool claim_helper(const struct item *it, const struct rule *r, struct ct_data *d)
{
	const char *name = nftnl_expr_get_str(it->expr, NFTNL_EXPR_OBJREF_IMM_NAME);
	const char *dash;
	char want[64];

	if (!nftnl_expr_is_set(it->expr, NFTNL_EXPR_OBJREF_IMM_TYPE) ||
	    nftnl_expr_get_u32(it->expr, NFTNL_EXPR_OBJREF_IMM_TYPE) != NFT_OBJECT_CT_HELPER ||
	    !name || !(dash = strrchr(name, '-')) || (size_t)(dash - name) > CT_HELPER_MAX ||
	    dash == name)
		return false;
	snprintf(d->helper, sizeof(d->helper), "%.*s", (int)(dash - name), name);
	helper_obj_name(want, sizeof(want), d->helper, r);
	if (strcmp(want, name) != 0) {
		d->helper[0] = '\0';
		return false;
	}
	return true;
}

/* The reference's blob, target CT (xt_CT.h); revisions 1 and 2 add the
 * timeout name, all end in a kernel pointer (8-aligned):
 *
 *   0       2      4           8           12          28         60    64    72
 *   +-------+------+-----------+-----------+-----------+----------+-----+-----+
 *   | flags | zone | ct_events | exp_events| helper[16]| timeout  | pad | ct  |
 *   +-------+------+-----------+-----------+-----------+----------+-----+-----+
 *   (u16, u16, u32, u32 in host order)      rev 0: ct at 32, 40 bytes in all
 */
static bool ct_blob(const struct item *it, struct ct_data *d)
{
	const uint8_t *b = tg_xt_blob(it, "CT", 2, 60);
	bool has_timeout = true;

	if (!b)
		b = tg_xt_blob(it, "CT", 1, 60);
	if (!b) {
		b = tg_xt_blob(it, "CT", 0, 28);
		has_timeout = false;
	}
	if (!b)
		return false;
	memcpy(&d->flags, b, 2);
	memcpy(&d->zone, b + 2, 2);
	memcpy(&d->ct_events, b + 4, 4);
	memcpy(&d->exp_events, b + 8, 4);
	snprintf(d->helper, sizeof(d->helper), "%.*s", CT_HELPER_MAX, (const char *)b + 12);
	if (has_timeout)
		snprintf(d->timeout, sizeof(d->timeout), "%.*s", 31, (const char *)b + 28);
	return !(d->flags & ~CTF_KNOWN);
}

#define CT_BLOB_LEN 72	/* revision 2, with the pointer */

/* Revision 2, whatever the options: the kernel makes the helper and
 * finds the timeout policy itself, and checks the table. */
static enum compat_res ct_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct ct_data *d = data;
	uint8_t b[CT_BLOB_LEN] = { 0 };

	(void)c;
	memcpy(b, &d->flags, 2);
	memcpy(b + 2, &d->zone, 2);
	memcpy(b + 4, &d->ct_events, 4);
	memcpy(b + 8, &d->exp_events, 4);
	memcpy(b + 12, d->helper, strnlen(d->helper, CT_HELPER_MAX));
	memcpy(b + 28, d->timeout, strnlen(d->timeout, sizeof(d->timeout) - 1));
	return tg_compat_blob(out, 2, b, sizeof(b));
}

static bool ct_delinearize(struct delin_ctx *c, void *data)
{
	struct ct_data *d = data;
	struct item *it = delin_peek(c);
	unsigned seen = 0;
	bool notrack = false;

	if (ct_blob(it, d)) {
		if (d->flags & CTF_ALIAS)
			return false;
		c->pos++;
		return true;
	}
	memset(d, 0, sizeof(*d));
	/* --notrack alone: two notrack statements */
	if (tg_stmt(it, "notrack") && c->pos + 1 < c->items->n &&
	    tg_stmt(&c->items->v[c->pos + 1], "notrack")) {
		d->flags = CTF_NOTRACK;
		c->pos += 2;
		return true;
	}
	while ((it = delin_peek(c))) {
		if (tg_stmt(it, "ct") && claim_ct_set(it, d, &seen))
			;
		else if (tg_stmt(it, "objref") && !(seen & 4) && claim_helper(it, c->rule, d))
			seen |= 4;
		else if (tg_stmt(it, "notrack") && !notrack && seen)
			notrack = true;
		else
			break;
		c->pos++;
	}
	if (notrack)
		d->flags |= CTF_NOTRACK;
	return seen != 0;
}

/* ---- text ---- */

static void events_text(struct strbuf *out, uint32_t mask, const char *const *names, unsigned n)
{
	bool first = true;
	unsigned i;

	for (i = 0; i < n; i++) {
		if (!(mask & (1u << i)))
			continue;
		sb_printf(out, "%s%s", first ? "" : ",", names[i]);
		first = false;
	}
}

static void ct_text(struct strbuf *out, const struct ct_data *d, const char *dash)
{
	if (d->flags & CTF_NOTRACK)
		sb_printf(out, " %snotrack", dash);
	if (d->helper[0])
		sb_printf(out, " %shelper %s", dash, d->helper);
	if (d->timeout[0])
		sb_printf(out, " %stimeout %s", dash, d->timeout);
	if (d->ct_events) {
		sb_printf(out, " %sctevents ", dash);
		events_text(out, d->ct_events, ct_event_names, ARRAY_SIZE(ct_event_names));
	}
	if (d->exp_events) {
		sb_printf(out, " %sexpevents ", dash);
		events_text(out, d->exp_events, exp_event_names, ARRAY_SIZE(exp_event_names));
	}
	if (d->zone || (d->flags & CTF_ZONE_MARK)) {
		const char *which = zone_dir(d->flags) == 0 ? "zone-orig" :
				    zone_dir(d->flags) == 1 ? "zone-reply" : "zone";

		if (d->flags & CTF_ZONE_MARK)
			sb_printf(out, " %s%s mark", dash, which);
		else
			sb_printf(out, " %s%s %u", dash, which, d->zone);
	}
}

static void ct_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	(void)r;
	(void)fmt;
	sb_add(out, " CT");
	ct_text(out, data, "");
}

static void ct_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	ct_text(out, data, "--");
}

/* -j CT --zone-orig 0 prints as plain -j CT, yet the reference tells
 * them apart (its blobs differ), and so do -C and -D. */
static bool ct_equal(const void *a, const void *b)
{
	const struct ct_data *x = a, *y = b;

	return x->flags == y->flags && x->zone == y->zone && x->ct_events == y->ct_events &&
	       x->exp_events == y->exp_events && strcmp(x->helper, y->helper) == 0 &&
	       strcmp(x->timeout, y->timeout) == 0;
}

const struct extension ext_CT = {
	.name = "CT",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct ct_data),
	.opts = ct_opts,
	.parse = ct_parse,
	.linearize = ct_linearize,
	.compat = ct_compat,
	.delinearize = ct_delinearize,
	.object = ct_object,
	.equal = ct_equal,
	.print = ct_print,
	.save = ct_save,
};
