/* -m hashlimit: token buckets per group of packets (xt_hashlimit).
 *
 *   --hashlimit-upto R | --hashlimit-above R    R is N[/unit] or Nb/s, Nkb/s, Nmb/s
 *   --hashlimit-burst B --hashlimit-mode srcip,srcport,dstip,dstport
 *   --hashlimit-srcmask --hashlimit-dstmask --hashlimit-name
 *   --hashlimit-htable-{size,max,gcinterval,expire}
 *   --hashlimit-rate-match --hashlimit-rate-interval
 *
 * nf_tables' meters could group and limit, but not with the kernel's
 * hash table, its /proc/net/ipt_hashlimit files and its byte accounting,
 * so iptnft writes the reference's own xt blob, revision 3, in both write
 * modes.
 *
 * A packet rate is kept as the kernel keeps it: microseconds per packet.
 * A byte rate is kept as the kernel's cost of
 * one 16-byte unit, UINT32_MAX / (bytes/16 + 1), and printed back from
 * that, so 100b/s lists as 96b/s; the burst of a byte rate is kept as a
 * number of whole rates, rounded up. The reference computes and prints
 * these with some 32-bit truncations that are reproduced below.
 */
#include <errno.h>
#include <stdio.h>
#include <libnftnl/expr.h>
#include <netdb.h>
#include <linux/netfilter.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "xtopt.h"

#define HASHLIMIT_REV 3
#define BURST_DEFAULT 5
#define BURST_MAX 1000000		/* for a packet rate */
#define GC_DEFAULT 1000			/* ms */
#define BYTE_EXPIRE 15			/* s: default expiry with a byte rate */
#define BYTE_EXPIRE_BURST 60		/* s: the same with a byte burst */
#define SCALE 1000000ULL		/* a packet rate's period is in 1/SCALE s */

/*
 * The blob, the kernel's struct xt_hashlimit_mtinfo3 (revision 3), 312 bytes:
 *
 *   0                    255 256       264       272    276    280    284
 *   +--------//----------+---+---------+---------+------+------+------+
 *   | name[255]          |pad| avg u64 | burst   | mode | size | max  |
 *   +--------//----------+---+---------+---------+------+------+------+
 *   284        288      292        296     297     298   304      312
 *   +----------+--------+----------+-------+-------+-----+--------+
 *   | gc (ms)  | expire | interval |srcmask|dstmask| pad | hinfo  |
 *   +----------+--------+----------+-------+-------+-----+--------+
 *   hinfo is the kernel's; written as zero.
 *
 * Declared here: the UAPI header pulls in linux/if.h, which clashes
 * with net/if.h.
 */
enum {
	HL_HASH_DIP = 1 << 0,
	HL_HASH_DPT = 1 << 1,
	HL_HASH_SIP = 1 << 2,
	HL_HASH_SPT = 1 << 3,
	HL_INVERT = 1 << 4,
	HL_BYTES = 1 << 5,
	HL_RATE_MATCH = 1 << 6,
};
#define HL_BYTE_SHIFT 4			/* bytes are counted in 16-byte units */

struct hl_cfg3 {
	uint64_t avg, burst;
	uint32_t mode, size, max, gc_interval, expire, interval;
	uint8_t srcmask, dstmask;
};

struct hl_info3 {
	char name[255];
	struct hl_cfg3 cfg __attribute__((aligned(8)));
	uint64_t hinfo;
};

_Static_assert(sizeof(struct hl_info3) == 312 && offsetof(struct hl_info3, hinfo) == 304,
	       "hashlimit revision 3 layout");
/* what userspace owns: all but the kernel's pointer */
#define HL_INFO_LEN offsetof(struct hl_info3, hinfo)

struct hashlimit_data {
	struct hl_info3 info;
	/* parse state */
	uint32_t unit;		/* seconds of the last packet rate's unit, else 1 */
	uint32_t interval;	/* --hashlimit-rate-interval as given */
};

enum {
	O_UPTO, O_ABOVE, O_BURST, O_MODE, O_SRCMASK, O_DSTMASK, O_NAME, O_SIZE, O_MAX,
	O_GC, O_EXPIRE, O_RATEMATCH, O_RATEINTERVAL,
};

#define HASH_BITS (HL_HASH_SIP | HL_HASH_SPT | HL_HASH_DIP | HL_HASH_DPT)

/* In the order they print. */
static const struct ext_sym mode_names[] = {
	{ "srcip", HL_HASH_SIP },
	{ "srcport", HL_HASH_SPT },
	{ "dstip", HL_HASH_DIP },
	{ "dstport", HL_HASH_DPT },
	{ NULL, 0 },
};

#define HL_RATE_ARG "rate[/second|/minute|/hour|/day]"
/* A '!' is refused in the reference's words but before a limit, where
 * the reference's help does not mention it. */
#define HL_OPT(n, i, t, a, h) \
	{ .name = n, .id = i, .type = t, .flags = OF_NOINV_XT, .help_arg = a, .help = h, \
	  .has_arg = true }
#define HL_UINT(n, i, field, a, h) \
	{ .name = n, .id = i, .type = OT_UINT, .flags = OF_NOINV_XT, \
	  OPT_DST(struct hashlimit_data, info.cfg.field), .help_arg = a, .help = h }

static const struct ext_opt hashlimit_opts[] = {
	{ .name = "hashlimit-upto", .id = O_UPTO, .has_arg = true, .flags = OF_INV | OF_INV_HIDDEN,
	  .help_arg = HL_RATE_ARG, .help = "each bucket matches up to this rate" },
	{ .name = "hashlimit-above", .id = O_ABOVE, .has_arg = true,
	  .flags = OF_INV | OF_INV_HIDDEN,
	  .help_arg = HL_RATE_ARG, .help = "each bucket matches beyond this rate" },
	/* the name revision 0 used for --hashlimit-upto */
	{ .name = "hashlimit", .id = O_UPTO, .has_arg = true, .flags = OF_INV | OF_INV_HIDDEN,
	  .help_arg = HL_RATE_ARG, .help = "each bucket matches up to this rate" },
	HL_OPT("hashlimit-burst", O_BURST, OT_CUSTOM, "number",
	       "how many a bucket passes back to back (default 5)"),
	{ .name = "hashlimit-mode", .id = O_MODE, .type = OT_ENUM,
	  .flags = OF_NOINV_XT | OF_LIST | OF_LIST_TOK, .syms = mode_names,
	  OPT_DST(struct hashlimit_data, info.cfg.mode),
	  .help_arg = "mode[,mode...]", .help = "bucket key: srcip, dstip, srcport, dstport" },
	HL_OPT("hashlimit-srcmask", O_SRCMASK, OT_CUSTOM, "length",
	       "keep this many source address bits in the key"),
	HL_OPT("hashlimit-dstmask", O_DSTMASK, OT_CUSTOM, "length",
	       "keep this many destination address bits in the key"),
	{ .name = "hashlimit-name", .id = O_NAME, .type = OT_STRING,
	  .flags = OF_NOINV_XT | OF_TRUNC, .min = 1, OPT_DST(struct hashlimit_data, info.name),
	  .help_arg = "name", .help = "the hash table's name (required)" },
	HL_UINT("hashlimit-htable-size", O_SIZE, size, "number", "buckets in the hash table"),
	HL_UINT("hashlimit-htable-max", O_MAX, max, "number", "most entries the hash table holds"),
	HL_UINT("hashlimit-htable-gcinterval", O_GC, gc_interval, "ms",
		"how often idle entries are swept, in ms"),
	HL_UINT("hashlimit-htable-expire", O_EXPIRE, expire, "ms",
		"idle time in ms before an entry is dropped"),
	{ .name = "hashlimit-rate-match", .id = O_RATEMATCH, .type = OT_FLAG,
	  .flags = OF_NOINV_XT, OPT_DST(struct hashlimit_data, info.cfg.mode),
	  .max = HL_RATE_MATCH, .help = "match on the measured rate, limiting nothing" },
	HL_OPT("hashlimit-rate-interval", O_RATEINTERVAL, OT_CUSTOM, "seconds",
	       "seconds over which the rate is measured"),
	{ .name = NULL },
};

/* Packet rate units from the coarsest; what a prefix of is accepted. */
static const struct {
	const char *name;
	const char *word;
	uint32_t seconds;
} rate_units[] = {
	{ "day", "day", 86400 },
	{ "hour", "hour", 3600 },
	{ "min", "minute", 60 },
	{ "sec", "second", 1 },
};

/* Byte units from the largest, as printed. */
static const struct {
	const char *name;
	uint64_t size;
} byte_units[] = {
	{ "m", 1 << 20 },
	{ "k", 1 << 10 },
	{ "", 1 },
};

/* ---- byte rates ---- */

/* The kernel's cost of a 16-byte unit at a rate of bytes per second.
 * The unit count is taken as 32 bits, as by the reference. */
static uint64_t bytes_to_cost(uint64_t bytes)
{
	uint32_t units = (uint32_t)(bytes >> HL_BYTE_SHIFT);

	return UINT32_MAX / ((uint64_t)units + 1);
}

/* The rate in bytes per second a cost stands for (0 for no cost). */
static uint64_t cost_to_bytes(uint64_t avg)
{
	if (!avg)
		return 0;
	return ((UINT32_MAX / avg) - 1) << HL_BYTE_SHIFT;
}

/* ---- parsing ---- */

static int bad_value(struct parse_ctx *ctx, const char *opt, const char *arg)
{
	return err_param(ctx->err, "hashlimit: Bad value for \"--%s\" option: \"%s\"", opt, arg);
}

static int burst_error(struct parse_ctx *ctx)
{
	return err_param(ctx->err, "bad value for option \"--hashlimit-burst\", or out of range (1-%u).",
			 BURST_MAX);
}

/* "N[k|m]b/s" anywhere in arg, N read as atoll reads it. 1 when it is
 * one (avg set), 0 when not, -1 when N is so large that the kernel's
 * unit count would overflow (the reference divides by zero there). */
static int parse_bytes(const char *arg, uint64_t *avg)
{
	const char *bs = strstr(arg, "b/s");
	uint64_t factor = 1, n;

	if (!bs || bs == arg)
		return 0;
	if (bs[-1] == 'k')
		factor = 1 << 10;
	else if (bs[-1] == 'm')
		factor = 1 << 20;
	n = (uint64_t)strtoll(arg, NULL, 10);
	if (!n)
		return 0;
	if ((uint32_t)((n * factor) >> HL_BYTE_SHIFT) == UINT32_MAX)
		return -1;
	*avg = bytes_to_cost(n * factor);
	return 1;
}

/* "N[/unit]", unit a prefix of second, minute, hour or day in any
 * case; N as atoll reads it. */
static int parse_packets(struct parse_ctx *ctx, struct hashlimit_data *d, const char *opt,
			 const char *arg)
{
	const char *slash = strchr(arg, '/');
	uint32_t seconds = 1;
	uint64_t n;
	size_t i;

	if (slash) {
		size_t len = strlen(slash + 1);

		for (i = 0; i < ARRAY_SIZE(rate_units); i++)
			if (len && len <= strlen(rate_units[i].word) &&
			    strncasecmp(slash + 1, rate_units[i].word, len) == 0)
				break;
		if (i == ARRAY_SIZE(rate_units))
			return bad_value(ctx, opt, arg);
		seconds = rate_units[i].seconds;
	}
	n = (uint64_t)strtoll(arg, NULL, 10);
	if (!n)
		return bad_value(ctx, opt, arg);
	d->info.cfg.avg = SCALE * seconds / n;
	if (!d->info.cfg.avg)
		return err_param(ctx->err, "Rate too fast \"%s\"", arg);
	d->unit = seconds;
	return 0;
}

static int parse_rate(struct parse_ctx *ctx, struct hashlimit_data *d, const char *opt,
		      const char *arg)
{
	int b = parse_bytes(arg, &d->info.cfg.avg);

	if (b < 0)
		return bad_value(ctx, opt, arg);
	if (b == 0)
		return parse_packets(ctx, d, opt, arg);
	d->info.cfg.mode |= HL_BYTES;
	d->unit = 1;
	return 0;
}

/* A number (base 0) of packets, or of bytes when followed by k or m;
 * a bare number over the packet maximum is refused at once. */
static int parse_burst(struct parse_ctx *ctx, struct hashlimit_data *d, const char *arg)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (xt_negative(arg) || end == arg || errno == ERANGE || v < 1 ||
	    (!*end && v > BURST_MAX))
		return burst_error(ctx);
	if (*end == 'k')
		v <<= 10;
	else if (*end == 'm')
		v <<= 20;
	d->info.cfg.burst = v;
	return 0;
}

/* A prefix length 0..32 (0..128), or else a network mask; a mask that
 * is not a prefix is kept as 255, which the kernel refuses. */
static int parse_plen(struct parse_ctx *ctx, const char *opt, const char *arg, uint8_t *out)
{
	bool v6 = ctx->rule->family == NFPROTO_IPV6;
	struct addrinfo hints = { 0 }, *res;
	unsigned alen = v6 ? 16 : 4;
	uint8_t a[16] = { 0 };
	unsigned long long v;
	char *end;
	int n;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (!xt_negative(arg) && end != arg && !*end && !errno && v <= alen * 8) {
		*out = (uint8_t)v;
		return 0;
	}
	/* a numeric address in any form the resolver takes ("1.2.3" is
	 * 1.2.0.3), nothing after it */
	hints.ai_family = v6 ? AF_INET6 : AF_INET;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(arg, NULL, &hints, &res) == 0) {
		if (v6)
			memcpy(a, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, 16);
		else
			memcpy(a, &((struct sockaddr_in *)res->ai_addr)->sin_addr, 4);
		freeaddrinfo(res);
		n = mask_prefix_len(a, alen);
		*out = n < 0 ? 255 : (uint8_t)n;
		return 0;
	}
	return err_param(ctx->err, "hashlimit: bad value for option \"--%s\", neither a valid network mask nor valid CIDR (0-%u).\n",
			 opt, alen * 8);
}

/* What no type reads: the rates, the burst, the address bits kept and
 * the interval. */
static int hashlimit_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct hashlimit_data *d = data;
	struct hl_cfg3 *cfg = &d->info.cfg;
	long v;

	switch (id) {
	case O_UPTO:
	case O_ABOVE:
		/* above is the inverse of up to, and both may be inverted */
		if (inv != (id == O_ABOVE))
			cfg->mode |= HL_INVERT;
		return parse_rate(ctx, d, id == O_UPTO ? "hashlimit-upto" : "hashlimit-above", arg);
	case O_BURST:
		return parse_burst(ctx, d, arg);
	case O_SRCMASK:
		return parse_plen(ctx, "hashlimit-srcmask", arg, &cfg->srcmask);
	case O_DSTMASK:
		return parse_plen(ctx, "hashlimit-dstmask", arg, &cfg->dstmask);
	default:	/* O_RATEINTERVAL */
		/* read as an int, as atoi does: 2^32 + 1 is 1 */
		v = strtol(arg, NULL, 10);
		if ((int)v <= 0)
			return bad_value(ctx, "hashlimit-rate-interval", arg);
		d->interval = (uint32_t)(int)v;
		return 0;
	}
}

/* The burst of a byte rate, given in bytes, as a count of whole rates
 * (rounded up). The reference divides a 32-bit copy of it. */
static int byte_burst(struct parse_ctx *ctx, struct hl_cfg3 *cfg)
{
	uint64_t rate = cost_to_bytes(cfg->avg);
	uint32_t b;

	if (cfg->burst < rate)
		return err_param(ctx->err, "burst cannot be smaller than %llub",
				 (unsigned long long)rate);
	if (!rate)
		/* the reference divides by zero here */
		return err_param(ctx->err, "burst cannot be given with a rate under 16b/s");
	b = (uint32_t)cfg->burst;
	cfg->burst = b / rate + (b % rate != 0);
	return 0;
}

/* The reference's own checks first, then its generic ones: the limits
 * exclude each other, the name is mandatory. */
static int hashlimit_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct hashlimit_data *d = data;
	struct hl_cfg3 *cfg = &d->info.cfg;
	uint8_t plen = ctx->rule->family == NFPROTO_IPV6 ? 128 : 32;

	if (!(seen & (1u << O_UPTO | 1u << O_ABOVE)))
		return err_param(ctx->err, "You have to specify --hashlimit");
	if (!(seen & (1u << O_EXPIRE)))
		cfg->expire = (cfg->mode & HL_BYTES ? BYTE_EXPIRE : d->unit) * 1000;
	if (cfg->mode & HL_BYTES) {
		if (seen & (1u << O_BURST)) {
			if (byte_burst(ctx, cfg) < 0)
				return -1;
			if (!(seen & (1u << O_EXPIRE)))
				cfg->expire = BYTE_EXPIRE_BURST * 1000;
		} else {
			cfg->burst = 0;
		}
	} else if (!(seen & (1u << O_BURST))) {
		cfg->burst = BURST_DEFAULT;
	} else if (cfg->burst > BURST_MAX) {
		return burst_error(ctx);
	}
	if ((seen & (1u << O_UPTO)) && (seen & (1u << O_ABOVE)))
		return xt_err_conflict(ctx->err, "hashlimit", "hashlimit-upto", "hashlimit-above");
	if (!(seen & (1u << O_NAME)))
		return xt_err_mandatory(ctx->err, "hashlimit", "hashlimit-name");
	if (!(seen & (1u << O_GC)))
		cfg->gc_interval = GC_DEFAULT;
	if (!(seen & (1u << O_SRCMASK)))
		cfg->srcmask = plen;
	if (!(seen & (1u << O_DSTMASK)))
		cfg->dstmask = plen;
	if (seen & (1u << O_RATEINTERVAL))
		cfg->interval = d->interval;
	if (cfg->mode & HL_RATE_MATCH) {
		/* a rate to match is kept per second of the unit it was
		 * given in, sampled over that unit unless told otherwise */
		cfg->avg /= d->unit;
		if (!cfg->interval)
			cfg->interval = d->unit;
	}
	return 0;
}

static void hashlimit_linearize(struct lin_ctx *c, const void *data)
{
	const struct hashlimit_data *d = data;
	struct hl_info3 info;

	/* padding and the kernel's pointer zero */
	memset(&info, 0, sizeof(info));
	memcpy(info.name, d->info.name, sizeof(info.name));
	info.cfg = d->info.cfg;
	lin_xt(c, false, "hashlimit", HASHLIMIT_REV, &info, sizeof(info));
}

/* ---- reading ---- */

/* Any revision of the match, read as the reference reads it: through
 * the revision 3 layout, what a shorter blob does not cover as zero. An
 * older revision thus lists as nonsense (a revision 1 rule as "up to inf
 * burst 0 ..."), as with the reference. */
static bool hashlimit_delinearize(struct delin_ctx *c, void *data)
{
	struct hashlimit_data *d = data;
	struct item *it = delin_peek(c);
	const void *p = NULL;
	uint32_t rev, len = 0;

	for (rev = 0; !p && rev <= HASHLIMIT_REV; rev++)
		p = xt_blob(it, false, "hashlimit", rev, 1);
	if (!p)
		return false;
	nftnl_expr_get(it->expr, NFTNL_EXPR_MT_INFO, &len);
	memcpy(&d->info, p, len < HL_INFO_LEN ? len : HL_INFO_LEN);
	d->info.name[sizeof(d->info.name) - 1] = '\0';
	c->pos++;
	return true;
}

/* The reference's -C and -D compare the blob, which holds a sampling
 * interval that is not listed without --hashlimit-rate-match. */
static bool hashlimit_equal(const void *a, const void *b)
{
	const struct hashlimit_data *x = a, *y = b;

	return memcmp(x->info.name, y->info.name, sizeof(x->info.name)) == 0 &&
	       memcmp(&x->info.cfg, &y->info.cfg, sizeof(x->info.cfg)) == 0;
}

/* ---- printing ---- */

/* " N/unit" for a period per packet; returns the unit in ms, which is
 * the expiry the reference leaves unsaid. The unit is the coarsest that
 * still states the period nearly exactly. */
static uint64_t packet_rate_text(struct strbuf *out, uint64_t period)
{
	size_t i;

	if (!period) {
		sb_add(out, " inf");
		return 0;
	}
	for (i = 1; i < ARRAY_SIZE(rate_units); i++) {
		uint64_t mult = rate_units[i].seconds * SCALE;

		if (period > mult || mult / period < mult % period)
			break;
	}
	i--;
	sb_printf(out, " %llu/%s",
		  (unsigned long long)(rate_units[i].seconds * SCALE / period), rate_units[i].name);
	return rate_units[i].seconds * 1000ULL;
}

/* " Nkb/s" and, with a burst, " PREFIXburst Nkb"; returns the expiry
 * the reference leaves unsaid. A rate takes the largest unit that,
 * cutting the rate down to whole units of the low 32 bits, still costs
 * the same; a burst the largest unit it reaches, cut down. */
static uint64_t byte_rate_text(struct strbuf *out, uint64_t avg, uint64_t burst,
			       const char *prefix)
{
	uint64_t r = cost_to_bytes(avg);
	size_t i;

	for (i = 0; i + 1 < ARRAY_SIZE(byte_units); i++) {
		uint32_t low = (uint32_t)r & (uint32_t)~(byte_units[i].size - 1);

		if (r >= byte_units[i].size && bytes_to_cost(low) == avg)
			break;
	}
	sb_printf(out, " %llu%sb/s", (unsigned long long)(r / byte_units[i].size),
		  byte_units[i].name);
	if (!burst)
		return BYTE_EXPIRE * 1000;
	r *= burst;
	for (i = 0; i + 1 < ARRAY_SIZE(byte_units); i++)
		if (r >= byte_units[i].size)
			break;
	sb_printf(out, " %sburst %llu%sb", prefix, (unsigned long long)(r / byte_units[i].size),
		  byte_units[i].name);
	return BYTE_EXPIRE_BURST * 1000;
}

static void hashlimit_print(struct strbuf *out, const void *data, const struct rule *r,
			    unsigned fmt)
{
	const struct hashlimit_data *d = data;
	const struct hl_cfg3 *cfg = &d->info.cfg;
	unsigned plen = r->family == NFPROTO_IPV6 ? 128 : 32;
	uint64_t quantum;

	(void)fmt;
	sb_add(out, cfg->mode & HL_INVERT ? " limit: above" : " limit: up to");
	if (cfg->mode & HL_BYTES) {
		quantum = byte_rate_text(out, cfg->avg, cfg->burst, "");
	} else {
		/* the listing states the rate per sampling interval */
		uint64_t period = cfg->avg;

		if (cfg->interval)
			period *= cfg->interval;
		quantum = packet_rate_text(out, period);
		sb_printf(out, " burst %llu", (unsigned long long)cfg->burst);
	}
	if (cfg->mode & HASH_BITS) {
		sb_add(out, " mode ");
		ext_sym_bits(out, mode_names, cfg->mode, '-');
	}
	if (cfg->size)
		sb_printf(out, " htable-size %u", cfg->size);
	if (cfg->max)
		sb_printf(out, " htable-max %u", cfg->max);
	if (cfg->gc_interval != GC_DEFAULT)
		sb_printf(out, " htable-gcinterval %u", cfg->gc_interval);
	if (cfg->expire != quantum)
		sb_printf(out, " htable-expire %u", cfg->expire);
	if (cfg->srcmask != plen)
		sb_printf(out, " srcmask %u", cfg->srcmask);
	if (cfg->dstmask != plen)
		sb_printf(out, " dstmask %u", cfg->dstmask);
	if (cfg->mode & HL_RATE_MATCH) {
		sb_add(out, " rate-match");
		if (cfg->interval != 1)
			sb_printf(out, " rate-interval %u", cfg->interval);
	}
}

static void hashlimit_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct hashlimit_data *d = data;
	const struct hl_cfg3 *cfg = &d->info.cfg;
	unsigned plen = r->family == NFPROTO_IPV6 ? 128 : 32;
	uint64_t quantum;

	sb_add(out, cfg->mode & HL_INVERT ? " --hashlimit-above" : " --hashlimit-upto");
	if (cfg->mode & HL_BYTES) {
		quantum = byte_rate_text(out, cfg->avg, cfg->burst, "--hashlimit-");
	} else {
		quantum = packet_rate_text(out, cfg->avg);
		sb_printf(out, " --hashlimit-burst %llu", (unsigned long long)cfg->burst);
	}
	if (cfg->mode & HASH_BITS) {
		sb_add(out, " --hashlimit-mode ");
		ext_sym_bits(out, mode_names, cfg->mode, ',');
	}
	sb_printf(out, " --hashlimit-name %s", d->info.name);
	if (cfg->size)
		sb_printf(out, " --hashlimit-htable-size %u", cfg->size);
	if (cfg->max)
		sb_printf(out, " --hashlimit-htable-max %u", cfg->max);
	if (cfg->gc_interval != GC_DEFAULT)
		sb_printf(out, " --hashlimit-htable-gcinterval %u", cfg->gc_interval);
	if (cfg->expire != quantum)
		sb_printf(out, " --hashlimit-htable-expire %u", cfg->expire);
	if (cfg->srcmask != plen)
		sb_printf(out, " --hashlimit-srcmask %u", cfg->srcmask);
	if (cfg->dstmask != plen)
		sb_printf(out, " --hashlimit-dstmask %u", cfg->dstmask);
	if (cfg->mode & HL_RATE_MATCH) {
		sb_add(out, " --hashlimit-rate-match");
		if (cfg->interval != 1)
			sb_printf(out, " --hashlimit-rate-interval %u", cfg->interval);
	}
}

const struct extension ext_hashlimit = {
	.name = "hashlimit",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct hashlimit_data),
	.opts = hashlimit_opts,
	.parse = hashlimit_parse,
	.check = hashlimit_check,
	.linearize = hashlimit_linearize,
	/* the reference writes the same blob: no compat of its own */
	.delinearize = hashlimit_delinearize,
	.equal = hashlimit_equal,
	.print = hashlimit_print,
	.save = hashlimit_save,
};
