/* -m dccp: [!] --sport/--source-port port[:port], [!] --dport/
 * --destination-port port[:port], [!] --dccp-types TYPE[,...],
 * [!] --dccp-option NUMBER.
 *
 * The ports are payload tests of the transport header, as nft writes
 * `dccp sport 1-5 dccp dport 80` (a reversed range never matches, as in
 * the xt match). One packet type is the 4 bits above the lowest of the
 * header's ninth byte, as nft writes `dccp type ack`:
 *
 *   payload load 1b @ transport header + 8; bitwise & 0x1e;
 *   cmp eq|neq TYPE << 1
 *
 * Several types, INVALID (types 10 to 15) and --dccp-option (nf_tables
 * has no test of DCCP options) are written as the reference's blob
 * (revision 0, struct xt_dccp_info), and so is a rule without -p dccp,
 * for the kernel to refuse it alike. --compat writes the blob always,
 * as the reference does.
 *
 * The instance's data is the blob itself: ports not given hold 0:65535.
 */
#include <arpa/inet.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_dccp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "ext.h"
#include "ports.h"
#include "rule.h"
#include "util.h"
#include "xtopt.h"

#define DCCP_PROTO 33
_Static_assert(XT_DCCP_SRC_PORTS == PAIR_SRC && XT_DCCP_DEST_PORTS == PAIR_DST,
	       "the blob's port bits are the ones ports.c reads and writes");
#define TYPE_MASK 0x1e		/* the type's bits in the header's byte 8 */

enum { O_SPORT, O_DPORT, O_TYPES, O_OPTION };

static const struct ext_opt dccp_opts[] = {
	PORT_OPT("source-port", O_SPORT, 0, "source port, or a range of ports"),
	PORT_OPT("sport", O_SPORT, 0, "source port, or a range of ports"),
	PORT_OPT("destination-port", O_DPORT, 0, "destination port, or a range of ports"),
	PORT_OPT("dport", O_DPORT, 0, "destination port, or a range of ports"),
	{ .name = "dccp-types", .id = O_TYPES, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV, .help_arg = "type[,type...]",
	  .help = "the packet is of one of these types" },
	{ .name = "dccp-option", .id = O_OPTION, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV, .help_arg = "number",
	  .help = "the packet carries this option (1-255)" },
	{ .name = NULL },
};

/* types 0 to 9 by name; INVALID stands for 10 to 15 */
static const char *const type_names[] = {
	"REQUEST", "RESPONSE", "DATA", "ACK", "DATAACK", "CLOSEREQ", "CLOSE", "RESET", "SYNC",
	"SYNCACK",
};
#define INVALID_TYPES 0xfc00

static void dccp_init(void *data, uint8_t family)
{
	struct xt_dccp_info *d = data;

	(void)family;
	d->spts[1] = d->dpts[1] = 65535;
}

static int types_parse(struct parse_ctx *ctx, struct xt_dccp_info *d, const char *arg)
{
	char buf[512], *tok, *save = NULL;
	size_t i;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcasecmp(tok, "INVALID") == 0) {
			d->typemask |= INVALID_TYPES;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(type_names); i++)
			if (strcasecmp(tok, type_names[i]) == 0)
				break;
		if (i == ARRAY_SIZE(type_names))
			return err_param(ctx->err, "Unknown DCCP type `%s'", tok);
		d->typemask |= 1u << i;
	}
	return 0;
}

static int dccp_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	static const uint16_t bits[] = { XT_DCCP_SRC_PORTS, XT_DCCP_DEST_PORTS, XT_DCCP_TYPE,
					 XT_DCCP_OPTION };
	static const char *const names[] = { "source-port", "destination-port" };
	struct xt_dccp_info *d = data;
	uint64_t n;
	int ret;

	if (id == O_TYPES) {
		ret = types_parse(ctx, d, arg);
	} else if (id == O_OPTION) {
		ret = xt_parse_uint(ctx->err, "dccp", "dccp-option", arg, 1, 255, &n);
		d->option = (uint8_t)n;
	} else {
		ret = xt_parse_port_range(ctx->err, "dccp", names[id], arg,
					  id == O_SPORT ? &d->spts[0] : &d->dpts[0],
					  id == O_SPORT ? &d->spts[1] : &d->dpts[1]);
	}
	if (ret < 0)
		return -1;
	d->flags |= bits[id];
	if (inv)
		d->invflags |= bits[id];
	return 0;
}

static bool not_dccp(const struct rule *r)
{
	return !r || !r->has_proto || r->proto != DCCP_PROTO || (r->inv & INV_PROTO);
}

/* the type of a mask of one type 0 to 9, or -1 */
static int one_type(uint16_t mask)
{
	int t;

	for (t = 0; t < 10; t++)
		if (mask == 1u << t)
			return t;
	return -1;
}

static bool dccp_xt_only(const void *data, const struct rule *r)
{
	const struct xt_dccp_info *d = data;

	return (d->flags & XT_DCCP_OPTION) ||
	       ((d->flags & XT_DCCP_TYPE) && one_type(d->typemask) < 0) || not_dccp(r);
}

static enum compat_res dccp_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	(void)c;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(struct xt_dccp_info));
	memcpy(out->info, data, sizeof(struct xt_dccp_info));
	return COMPAT_XT;
}

/* Only ports and one type in a rule of -p dccp come here. */
static void dccp_linearize(struct lin_ctx *c, const void *data)
{
	const struct xt_dccp_info *d = data;
	uint8_t mask = TYPE_MASK, zero = 0, type;

	pairs_linearize(c, d->spts, d->dpts, d->flags, d->invflags);
	if (d->flags & XT_DCCP_TYPE) {
		type = (uint8_t)(one_type(d->typemask) << 1);
		lin_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 8, 1);
		lin_bitwise(c, &mask, &zero, 1);
		lin_cmp(c, d->invflags & XT_DCCP_TYPE ? REL_NEQ : REL_EQ, &type, 1);
	}
}

static bool type_delinearize(const struct item *it, uint16_t *typemask)
{
	if (!item_is_payload(it, NFT_PAYLOAD_TRANSPORT_HEADER, 8, 1) || !it->masked ||
	    it->mask[0] != TYPE_MASK || it->xor[0] != 0 || it->len != 1 || it->concat ||
	    (it->op != REL_EQ && it->op != REL_NEQ) || (it->val[0] & ~TYPE_MASK) ||
	    it->val[0] >> 1 >= 10)
		return false;
	*typemask = (uint16_t)(1u << (it->val[0] >> 1));
	return true;
}

static bool dccp_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_dccp_info *d = data;
	struct item *it = delin_peek(c);
	const struct xt_dccp_info *b;
	uint32_t flags, invflags;

	if ((b = xt_blob(it, false, "dccp", 0, sizeof(*b)))) {
		if ((b->flags & ~XT_DCCP_VALID_FLAGS) || (b->invflags & ~XT_DCCP_VALID_FLAGS))
			return false;
		memcpy(d, b, sizeof(*d));
		c->pos++;
		return true;
	}
	if (not_dccp(c->rule))
		return false;
	dccp_init(d, 0);
	/* sport, dport, type: in the order one instance writes them */
	pairs_delinearize(c, d->spts, d->dpts, &flags, &invflags);
	d->flags = (uint16_t)flags;
	d->invflags = (uint16_t)invflags;
	if ((it = delin_peek(c)) && type_delinearize(it, &d->typemask)) {
		d->flags |= XT_DCCP_TYPE;
		if (it->op == REL_NEQ || it->op == REL_NRANGE)
			d->invflags |= XT_DCCP_TYPE;
		c->pos++;
	}
	return d->flags != 0;
}

static void types_text(struct strbuf *out, uint16_t mask, bool numeric)
{
	const char *sep = "";
	unsigned t;

	for (t = 0; t < 16; t++) {
		if (!(mask & (1u << t)))
			continue;
		if (numeric)
			sb_printf(out, "%s%u", sep, t);
		else if (t < 10)
			sb_printf(out, "%s%s", sep, type_names[t]);
		else if (t == 10 || !(mask & (1u << 10)))
			sb_printf(out, "%sINVALID", sep);
		else
			continue;
		sep = ",";
	}
}

static void dccp_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct xt_dccp_info *d = data;
	bool numeric = fmt & FMT_NUMERIC;

	(void)r;
	sb_add(out, " dccp");
	pairs_print(out, d->spts, d->dpts, d->flags, d->invflags, "dccp", numeric);
	if (d->flags & XT_DCCP_TYPE) {
		sb_add(out, d->invflags & XT_DCCP_TYPE ? " ! " : " ");
		types_text(out, d->typemask, numeric);
	}
	if (d->flags & XT_DCCP_OPTION)
		sb_printf(out, " option=%s%u", d->invflags & XT_DCCP_OPTION ? "!" : "", d->option);
}

static void dccp_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_dccp_info *d = data;

	(void)r;
	pairs_save(out, d->spts, d->dpts, d->flags, d->invflags);
	if (d->flags & XT_DCCP_TYPE) {
		sb_add(out, d->invflags & XT_DCCP_TYPE ? " ! --dccp-types " : " --dccp-types ");
		types_text(out, d->typemask, false);
	}
	if (d->flags & XT_DCCP_OPTION)
		sb_printf(out, "%s --dccp-option %u", d->invflags & XT_DCCP_OPTION ? " !" : "",
			  d->option);
}

const struct extension ext_dccp = {
	.name = "dccp",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct xt_dccp_info),
	.opts = dccp_opts,
	.init = dccp_init,
	.parse = dccp_parse,
	.linearize = dccp_linearize,
	.compat = dccp_compat,
	.xt_only = dccp_xt_only,
	.delinearize = dccp_delinearize,
	.print = dccp_print,
	.save = dccp_save,
};
