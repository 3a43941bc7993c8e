/* -m sctp: [!] --sport/--source-port port[:port], [!] --dport/
 * --destination-port port[:port], [!] --chunk-types all|any|only
 * CHUNK[:FLAGS][,...] (or the lone words ALL, NONE).
 *
 * The ports are payload tests of the transport header, as nft writes
 * `sctp sport 1-5 sctp dport 80`:
 *
 *   payload load 2b @ transport header + 0 (sport) or + 2 (dport);
 *   cmp eq|neq PORT, or range eq|neq LO HI
 *
 * nft's `sctp chunk X exists` tests one chunk at a time, and has no
 * form for the xt match's "only these chunks" or for its flags tests
 * against every chunk of a kind; an instance with --chunk-types is
 * written as the reference's blob (revision 0, struct xt_sctp_info), and
 * so is a rule without -p sctp, for the kernel to refuse it alike.
 * --compat writes the blob always, as the reference does.
 *
 * The instance's data is the blob itself: ports not given hold 0:65535.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_sctp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "ext.h"
#include "parse.h"
#include "ports.h"
#include "rule.h"
#include "util.h"
#include "xtopt.h"

#define SCTP_PROTO 132
_Static_assert(XT_SCTP_SRC_PORTS == PAIR_SRC && XT_SCTP_DEST_PORTS == PAIR_DST,
	       "the blob's port bits are the ones ports.c reads and writes");
#define MAP_WORDS (sizeof(((struct xt_sctp_info *)0)->chunkmap) / sizeof(uint32_t))

enum { O_SPORT, O_DPORT, O_CHUNKS };

static const struct ext_opt sctp_opts[] = {
	PORT_OPT("source-port", O_SPORT, OF_MULTI, "source port, or a range of ports"),
	PORT_OPT("sport", O_SPORT, OF_MULTI, "source port, or a range of ports"),
	PORT_OPT("destination-port", O_DPORT, OF_MULTI, "destination port, or a range of ports"),
	PORT_OPT("dport", O_DPORT, OF_MULTI, "destination port, or a range of ports"),
	{ .name = "chunk-types", .id = O_CHUNKS, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV | OF_MULTI | OF_TWO_ARGS | OF_TWO_ARGS_BARE,
	  .help_arg = "all|any|only chunk[:flags][,...]",
	  .help = "all, any or only these chunks are present" },
	{ .name = NULL },
};

/* The chunk types the reference names, and the letters of their flags,
 * the first one the highest bit. */
static const struct {
	uint8_t type;
	const char *name;
	const char *flags;
} chunk_names[] = {
	{ 0, "DATA", "IUBE" }, { 1, "INIT", "" }, { 2, "INIT_ACK", "" }, { 3, "SACK", "" },
	{ 4, "HEARTBEAT", "" }, { 5, "HEARTBEAT_ACK", "" }, { 6, "ABORT", "T" },
	{ 7, "SHUTDOWN", "" }, { 8, "SHUTDOWN_ACK", "" }, { 9, "ERROR", "" },
	{ 10, "COOKIE_ECHO", "" }, { 11, "COOKIE_ACK", "" }, { 12, "ECN_ECNE", "" },
	{ 13, "ECN_CWR", "" }, { 14, "SHUTDOWN_COMPLETE", "T" }, { 193, "ASCONF", "" },
	{ 128, "ASCONF_ACK", "" }, { 192, "FORWARD_TSN", "" },
};

static int chunk_index(uint8_t type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(chunk_names); i++)
		if (chunk_names[i].type == type)
			return (int)i;
	return -1;
}

static void sctp_init(void *data, uint8_t family)
{
	struct xt_sctp_info *d = data;

	(void)family;
	d->spts[1] = d->dpts[1] = 65535;
}

static int chunk_flags(struct parse_ctx *ctx, struct xt_sctp_info *d, size_t ci,
		       const char *letters)
{
	const char *all = chunk_names[ci].flags, *p;
	uint8_t flag = 0, mask = 0, bit;
	int i;

	for (; *letters; letters++) {
		p = strchr(all, toupper((unsigned char)*letters));
		if (!*all || !p)
			return err_param(ctx->err, "Invalid flags for chunk type %u",
					 chunk_names[ci].type);
		bit = (uint8_t)(1u << (strlen(all) - 1 - (size_t)(p - all)));
		mask |= bit;
		if (isupper((unsigned char)*letters))
			flag |= bit;
	}
	for (i = 0; i < d->flag_count; i++)
		if (d->flag_info[i].chunktype == chunk_names[ci].type)
			break;
	if (i == d->flag_count) {
		if (d->flag_count == XT_NUM_SCTP_FLAGS)
			return err_param(ctx->err, "Too many chunk types with flags");
		d->flag_info[i].chunktype = chunk_names[ci].type;
		d->flag_count++;
	}
	d->flag_info[i].flag |= flag;
	d->flag_info[i].flag_mask |= mask;
	return 0;
}

static int chunk_list(struct parse_ctx *ctx, struct xt_sctp_info *d, const char *list)
{
	char buf[1024], *tok, *save = NULL, *colon;
	size_t i;

	if (strcasecmp(list, "ALL") == 0) {
		memset(d->chunkmap, 0xff, sizeof(d->chunkmap));
		return 0;
	}
	if (strcasecmp(list, "NONE") == 0)
		return 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		colon = strchr(tok, ':');
		if (colon)
			*colon = '\0';
		for (i = 0; i < ARRAY_SIZE(chunk_names); i++)
			if (strcasecmp(tok, chunk_names[i].name) == 0)
				break;
		if (i == ARRAY_SIZE(chunk_names))
			return err_param(ctx->err, "Unknown sctp chunk `%s'", tok);
		d->chunkmap[chunk_names[i].type / 32] |= 1u << (chunk_names[i].type % 32);
		if (colon && chunk_flags(ctx, d, i, colon + 1) < 0)
			return -1;
	}
	return 0;
}

static int sctp_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	static const char *const words[] = { "any", "all", "only" };
	struct xt_sctp_info *d = data;
	uint16_t *pts = id == O_SPORT ? d->spts : d->dpts;
	uint32_t bit = id == O_SPORT ? XT_SCTP_SRC_PORTS :
		       id == O_DPORT ? XT_SCTP_DEST_PORTS : XT_SCTP_CHUNK_TYPES;
	size_t i;

	if (d->flags & bit)
		return err_param(ctx->err, "Only one `--%s' allowed",
				 id == O_SPORT ? "source-port" :
				 id == O_DPORT ? "destination-port" : "chunk-types");
	if (id == O_CHUNKS) {
		for (i = 0; i < ARRAY_SIZE(words); i++)
			if (strcasecmp(arg, words[i]) == 0)
				break;
		if (i == ARRAY_SIZE(words))
			return err_param(ctx->err,
					 "Match type has to be one of \"ALL\", \"ANY\" or \"ONLY\"");
		d->chunk_match_type = 1u << i;	/* SCTP_CHUNK_MATCH_ANY, _ALL, _ONLY */
		if (chunk_list(ctx, d, ctx->arg2) < 0)
			return -1;
	} else if (parse_port_range(arg, "sctp", &pts[0], &pts[1], ctx->err) < 0) {
		return -1;
	}
	d->flags |= bit;
	if (inv)
		d->invflags |= bit;
	return 0;
}

static bool not_sctp(const struct rule *r)
{
	return !r || !r->has_proto || r->proto != SCTP_PROTO || (r->inv & INV_PROTO);
}

static bool sctp_xt_only(const void *data, const struct rule *r)
{
	const struct xt_sctp_info *d = data;

	return (d->flags & XT_SCTP_CHUNK_TYPES) || not_sctp(r);
}

static enum compat_res sctp_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	(void)c;
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(struct xt_sctp_info));
	memcpy(out->info, data, sizeof(struct xt_sctp_info));
	return COMPAT_XT;
}

/* Only an instance of ports alone in a rule of -p sctp comes here. */
static void sctp_linearize(struct lin_ctx *c, const void *data)
{
	const struct xt_sctp_info *d = data;

	pairs_linearize(c, d->spts, d->dpts, d->flags, d->invflags);
}

static bool sctp_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_sctp_info *d = data;
	struct item *it = delin_peek(c);
	const struct xt_sctp_info *b;

	if ((b = xt_blob(it, false, "sctp", 0, sizeof(*b)))) {
		if ((b->flags & ~XT_SCTP_VALID_FLAGS) || (b->invflags & ~XT_SCTP_VALID_FLAGS) ||
		    b->flag_count < 0 || b->flag_count > XT_NUM_SCTP_FLAGS)
			return false;
		memcpy(d, b, sizeof(*d));
		c->pos++;
		return true;
	}
	if (not_sctp(c->rule))
		return false;
	sctp_init(d, 0);
	/* sport then dport, as one instance writes them */
	pairs_delinearize(c, d->spts, d->dpts, &d->flags, &d->invflags);
	return d->flags != 0;
}

static bool map_all(const struct xt_sctp_info *d, uint32_t word)
{
	size_t i;

	for (i = 0; i < MAP_WORDS; i++)
		if (d->chunkmap[i] != word)
			return false;
	return true;
}

/* " any DATA:Be,INIT", chunk types in their order, flags as I U B E */
static void chunks_text(struct strbuf *out, const struct xt_sctp_info *d, bool numeric)
{
	static const char *const words[] = { "any", "all", "only" };
	const char *sep = "", *letters;
	unsigned t, i;
	int ci, f;

	for (i = 0; i < ARRAY_SIZE(words) && d->chunk_match_type != 1u << i; i++)
		;
	sb_printf(out, " %s ", i < ARRAY_SIZE(words) ? words[i] : "");
	if (map_all(d, 0xffffffff) || map_all(d, 0)) {
		sb_add(out, d->chunkmap[0] ? "ALL" : "NONE");
		return;
	}
	for (t = 0; t < 256; t++) {
		if (!(d->chunkmap[t / 32] & (1u << (t % 32))))
			continue;
		ci = chunk_index((uint8_t)t);
		if (numeric || ci < 0)
			sb_printf(out, "%s0x%04X", sep, t);
		else
			sb_printf(out, "%s%s", sep, chunk_names[ci].name);
		sep = ",";
		for (f = 0; f < d->flag_count && f < XT_NUM_SCTP_FLAGS; f++) {
			if (d->flag_info[f].chunktype != t || !d->flag_info[f].flag_mask)
				continue;
			letters = ci < 0 ? "" : chunk_names[ci].flags;
			sb_addc(out, ':');
			for (i = 0; letters[i]; i++) {
				unsigned bit = 1u << (strlen(letters) - 1 - i);

				if (d->flag_info[f].flag_mask & bit)
					sb_addc(out, d->flag_info[f].flag & bit ?
							     letters[i] : (char)tolower(letters[i]));
			}
		}
	}
}

static void sctp_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct xt_sctp_info *d = data;
	bool numeric = fmt & FMT_NUMERIC;

	(void)r;
	sb_add(out, " sctp");
	pairs_print(out, d->spts, d->dpts, d->flags, d->invflags, "sctp", numeric);
	if (d->flags & XT_SCTP_CHUNK_TYPES) {
		if (d->invflags & XT_SCTP_CHUNK_TYPES)
			sb_add(out, " !");
		chunks_text(out, d, numeric);
	}
}

static void sctp_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_sctp_info *d = data;

	(void)r;
	pairs_save(out, d->spts, d->dpts, d->flags, d->invflags);
	if (d->flags & XT_SCTP_CHUNK_TYPES) {
		sb_add(out, d->invflags & XT_SCTP_CHUNK_TYPES ? " ! --chunk-types" :
								 " --chunk-types");
		chunks_text(out, d, false);
	}
}

static void sctp_help(struct strbuf *out)
{
	size_t i;

	sb_add(out, "chunk names:");
	for (i = 0; i < ARRAY_SIZE(chunk_names); i++)
		sb_printf(out, "%s%s", i % 4 ? " " : "\n ", chunk_names[i].name);
	sb_add(out, "\nflags: DATA:IUBE ABORT:T SHUTDOWN_COMPLETE:T\n"
		    "(capital: set, small: clear)\n");
}

const struct extension ext_sctp = {
	.name = "sctp",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct xt_sctp_info),
	.opts = sctp_opts,
	.help = sctp_help,
	.init = sctp_init,
	.parse = sctp_parse,
	.linearize = sctp_linearize,
	.compat = sctp_compat,
	.xt_only = sctp_xt_only,
	.delinearize = sctp_delinearize,
	.print = sctp_print,
	.save = sctp_save,
};
