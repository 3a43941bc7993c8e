/* -m owner: the local socket a packet was sent from.
 *
 *   --socket-exists      meta skuid >= 0 (the load itself fails without one)
 *   --uid-owner U[-U]    meta skuid U, or byteorder + range
 *   --gid-owner G[-G]    meta skgid ...
 *
 * Both loads fail for a packet without a full socket, so a negated
 * --uid-owner does not match such a packet, where the xt match would.
 * "! --socket-exists" and --suppl-groups have no native form: such a
 * rule holds the reference's blob (revision 1).
 */
#include <grp.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_owner.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "expr.h"
#include "num.h"
#include "u32rel.h"
#include "xtopt.h"

#define ID_MAX 4294967294ULL	/* (uid_t)-1 is no uid */

struct id_range {
	bool set, inv;
	uint32_t lo, hi;
};

struct owner_data {
	struct id_range uid, gid;
	bool socket, inv_socket;
	bool suppl;
};

enum { O_UID, O_GID, O_SOCKET, O_SUPPL };

static const struct ext_opt owner_opts[] = {
	{ .name = "uid-owner", .id = O_UID, .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV,
	  OPT_INVDST(struct owner_data, uid.inv), .help_arg = "user[-user]",
	  .help = "local socket of this user (name, id or range)" },
	{ .name = "gid-owner", .id = O_GID, .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV,
	  OPT_INVDST(struct owner_data, gid.inv), .help_arg = "group[-group]",
	  .help = "local socket of this group (name, id or range)" },
	{ .name = "socket-exists", .id = O_SOCKET, .type = OT_FLAG, .flags = OF_INV,
	  OPT_DST(struct owner_data, socket), OPT_INVDST(struct owner_data, inv_socket),
	  .help = "the packet belongs to a local socket" },
	/* custom: it needs --gid-owner before it, in its own words */
	{ .name = "suppl-groups", .id = O_SUPPL, .type = OT_CUSTOM, .flags = OF_NOINV_XT,
	  .help = "let --gid-owner count supplementary groups" },
	{ .name = NULL },
};

static bool read_id(const char *s, uint64_t *v, const char **end)
{
	return num_uint_prefix(s, 0, ID_MAX, v, end);
}

/* "N", "N-M" or "N:M" (numbers as num_uint_prefix reads them), or a name. */
static int parse_ids(struct parse_ctx *ctx, const char *opt, const char *arg, bool uid,
		     struct id_range *r)
{
	uint64_t lo, hi;
	const char *end;

	if (read_id(arg, &lo, &end)) {
		hi = lo;
		if ((*end == '-' || *end == ':') && !read_id(end + 1, &hi, &end))
			goto bad;
		if (*end)
			goto bad;
	} else if (uid && getpwnam(arg)) {
		lo = hi = getpwnam(arg)->pw_uid;
	} else if (!uid && getgrnam(arg)) {
		lo = hi = getgrnam(arg)->gr_gid;
	} else {
		goto bad;
	}
	r->set = true;
	r->lo = (uint32_t)lo;
	r->hi = (uint32_t)hi;
	return 0;
bad:
	return err_param(ctx->err, "owner: Bad value for \"--%s\" option: \"%s\"", opt, arg);
}

static int owner_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct owner_data *d = data;

	(void)inv;
	switch (id) {
	case O_UID:
		return parse_ids(ctx, "uid-owner", arg, true, &d->uid);
	case O_GID:
		return parse_ids(ctx, "gid-owner", arg, false, &d->gid);
	case O_SUPPL:
		if (!d->gid.set)
			return err_param(ctx->err, "owner: Bad value for \"--suppl-groups\" option: \"you need to use --gid-owner first\"");
		d->suppl = true;
		return 0;
	}
	return 0;
}

static int owner_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct owner_data *d = data;
	const char *chain = ctx->chain;

	(void)seen;
	if (!d->uid.set && !d->gid.set && !d->socket)
		return err_param(ctx->err, "owner: At least one of --uid-owner, --gid-owner or --socket-exists is required");
	/* what the kernel's owner match refuses: a packet has a local
	 * socket only on output, and a range must not run backwards */
	if ((chain && (strcmp(chain, "INPUT") == 0 || strcmp(chain, "FORWARD") == 0 ||
		       strcmp(chain, "PREROUTING") == 0)) ||
	    (d->uid.set && d->uid.lo > d->uid.hi) || (d->gid.set && d->gid.lo > d->gid.hi))
		return xt_err_table(ctx, chain);
	return 0;
}

static void lin_ids(struct lin_ctx *c, uint32_t key, const struct id_range *r)
{
	lin_meta(c, key);
	if (r->lo == r->hi)
		u32_lin_eq(c, r->lo, r->inv);
	else
		u32_lin_range(c, r->lo, r->hi, r->inv);
}

static void owner_linearize(struct lin_ctx *c, const void *data)
{
	const struct owner_data *d = data;
	uint32_t zero = 0;

	if (d->socket) {
		lin_meta(c, NFT_META_SKUID);
		lin_cmp(c, REL_GTE, &zero, 4);
	}
	if (d->uid.set)
		lin_ids(c, NFT_META_SKUID, &d->uid);
	if (d->gid.set)
		lin_ids(c, NFT_META_SKGID, &d->gid);
}

static bool meta_sel(const struct selector *s, const void *arg)
{
	return s->kind == SEL_META && s->key == *(const uint32_t *)arg;
}

static bool read_ids(struct delin_ctx *c, uint32_t key, struct id_range *r)
{
	struct u32_rel rel;
	unsigned start = c->pos;

	if (r->set || !u32_delin(c, meta_sel, &key, &rel))
		return false;
	switch (rel.op) {
	case REL_EQ:
	case REL_NEQ:
	case REL_RANGE:
	case REL_NRANGE:
		r->set = true;
		r->lo = rel.lo;
		r->hi = rel.hi;
		r->inv = rel.op == REL_NEQ || rel.op == REL_NRANGE;
		return true;
	default:
		c->pos = start;
		return false;
	}
}

/*
 * The reference's blob, struct xt_owner_match_info (revision 1):
 *
 *   0         4         8         12        16    17     18  20
 *   +---------+---------+---------+---------+-----+------+---+
 *   | uid_min | uid_max | gid_min | gid_max |match|invert|pad|
 *   +---------+---------+---------+---------+-----+------+---+
 *   match, invert: XT_OWNER_UID, _GID, _SOCKET, _SUPPL_GROUPS
 */
static bool owner_blob(const struct item *it, struct owner_data *d)
{
	const struct xt_owner_match_info *info = xt_blob(it, false, "owner", 1, 18);

	if (!info)
		return false;
	d->socket = info->match & XT_OWNER_SOCKET;
	d->inv_socket = info->invert & XT_OWNER_SOCKET;
	d->uid.set = info->match & XT_OWNER_UID;
	d->uid.inv = info->invert & XT_OWNER_UID;
	d->uid.lo = info->uid_min;
	d->uid.hi = info->uid_max;
	d->gid.set = info->match & XT_OWNER_GID;
	d->gid.inv = info->invert & XT_OWNER_GID;
	d->gid.lo = info->gid_min;
	d->gid.hi = info->gid_max;
	d->suppl = info->match & XT_OWNER_SUPPL_GROUPS;
	return true;
}

/* nf_tables has no test for the supplementary groups, nor one that
 * matches a packet without a socket (its socket loads fail instead):
 * the reference's blob says those. */
static bool owner_xt_only(const void *data, const struct rule *r)
{
	const struct owner_data *d = data;

	(void)r;
	return d->suppl || (d->socket && d->inv_socket);
}

/* --compat: the reference always writes the revision 1 blob. */
static enum compat_res owner_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct owner_data *d = data;
	struct xt_owner_match_info info;

	(void)c;
	memset(&info, 0, sizeof(info));
	if (d->uid.set) {
		info.match |= XT_OWNER_UID;
		info.invert |= d->uid.inv ? XT_OWNER_UID : 0;
		info.uid_min = d->uid.lo;
		info.uid_max = d->uid.hi;
	}
	if (d->gid.set) {
		info.match |= XT_OWNER_GID;
		info.invert |= d->gid.inv ? XT_OWNER_GID : 0;
		info.gid_min = d->gid.lo;
		info.gid_max = d->gid.hi;
	}
	if (d->socket) {
		info.match |= XT_OWNER_SOCKET;
		info.invert |= d->inv_socket ? XT_OWNER_SOCKET : 0;
	}
	if (d->suppl)
		info.match |= XT_OWNER_SUPPL_GROUPS;
	out->rev = 1;
	out->len = XT_ALIGN(sizeof(info));
	memcpy(out->info, &info, sizeof(info));
	return COMPAT_XT;
}

static bool owner_delinearize(struct delin_ctx *c, void *data)
{
	struct owner_data *d = data;
	struct item *it = delin_peek(c);
	uint32_t v;
	bool any = false;

	if (owner_blob(it, d)) {
		c->pos++;
		return true;
	}
	/* nft's own "meta skuid >= 0" turns the uid to network order first:
	 * the same test */
	if (item_is_hton(it, 4) && c->pos + 1 < c->items->n) {
		const struct item *next = &c->items->v[c->pos + 1];

		memcpy(&v, next->val, 4);
		if (item_is_meta(next, NFT_META_SKUID) && !next->masked && next->op == REL_GTE &&
		    next->len == 4 && v == 0) {
			d->socket = true;
			c->pos += 2;
			any = true;
			it = delin_peek(c);
		}
	}
	if (!any && item_is_meta(it, NFT_META_SKUID) && !it->masked && it->op == REL_GTE &&
	    it->len == 4) {
		memcpy(&v, it->val, 4);
		if (v == 0) {
			d->socket = true;
			c->pos++;
			any = true;
		}
	}
	if (read_ids(c, NFT_META_SKUID, &d->uid))
		any = true;
	if (read_ids(c, NFT_META_SKGID, &d->gid))
		any = true;
	return any;
}

static void ids_print(struct strbuf *out, const char *what, const struct id_range *r, bool uid,
		      bool numeric)
{
	sb_printf(out, "%s owner %s match ", r->inv ? " !" : "", what);
	if (r->lo != r->hi) {
		sb_printf(out, "%u-%u", r->lo, r->hi);
		return;
	}
	if (!numeric && uid && getpwuid(r->lo))
		sb_add(out, getpwuid(r->lo)->pw_name);
	else if (!numeric && !uid && getgrgid(r->lo))
		sb_add(out, getgrgid(r->lo)->gr_name);
	else
		sb_printf(out, "%u", r->lo);
}

static void owner_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct owner_data *d = data;
	bool numeric = fmt & FMT_NUMERIC;

	(void)r;
	if (d->socket)
		sb_add(out, d->inv_socket ? " ! owner socket exists" : " owner socket exists");
	if (d->uid.set)
		ids_print(out, "UID", &d->uid, true, numeric);
	if (d->gid.set) {
		ids_print(out, "GID", &d->gid, false, numeric);
		if (d->suppl)
			sb_add(out, " incl. suppl. groups");
	}
}

static void ids_save(struct strbuf *out, const char *opt, const struct id_range *r)
{
	sb_printf(out, "%s --%s %u", r->inv ? " !" : "", opt, r->lo);
	if (r->lo != r->hi)
		sb_printf(out, "-%u", r->hi);
}

static void owner_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct owner_data *d = data;

	(void)r;
	if (d->socket)
		sb_add(out, d->inv_socket ? " ! --socket-exists" : " --socket-exists");
	if (d->uid.set)
		ids_save(out, "uid-owner", &d->uid);
	if (d->gid.set)
		ids_save(out, "gid-owner", &d->gid);
	if (d->suppl)
		sb_add(out, " --suppl-groups");
}

const struct extension ext_owner = {
	.name = "owner",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct owner_data),
	.opts = owner_opts,
	.parse = owner_parse,
	.check = owner_check,
	.linearize = owner_linearize,
	.compat = owner_compat,
	.xt_only = owner_xt_only,
	.delinearize = owner_delinearize,
	.print = owner_print,
	.save = owner_save,
};
