/* -j RATEEST --rateest-name NAME --rateest-interval TIME
 * --rateest-ewmalog TIME: feed the packets through the rule into the
 * kernel's rate estimator NAME (bytes and packets per second, averaged
 * over about the ewmalog time), which the rateest match reads. The
 * packet goes on to the next rule.
 *
 * The estimators live in the kernel's xt module only, so the rule holds
 * the reference's xt target in both write modes: revision 0, struct
 * xt_rateest_target_info, 32 bytes:
 *
 *   0       16         17         18    24
 *   +-------+----------+----------+-----+---------------------+
 *   | name  | interval | ewma_log | pad | est (kernel's)      |
 *   +-------+----------+----------+-----+---------------------+
 *   interval: i, the estimator's period being 2^(i+2) quarter seconds
 *   (-2: 250 ms ... 3: 8 s); ewma_log: the average's time constant is
 *   the period times 2^ewma_log.
 *
 * Times are read as tc reads them: a number (strtod) of microseconds, or
 * with "s", "sec(s)", "ms", "msec(s)", "us", "usec(s)" in any case, cut
 * to 32 bits as the reference's conversion does.
 */
#include <net/if.h>
#include <linux/netfilter/xt_RATEEST.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "rateunit.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define RATEEST_INFO_LEN offsetof(struct xt_rateest_target_info, est)

struct rateest_tg_data {
	char name[IFNAMSIZ];
	int8_t interval;
	uint8_t ewma_log;
	/* what the command line gave, in microseconds, until check turns
	 * them into the two fields above (zero after it, and when read) */
	uint32_t interval_us, ewmalog_us;
};

enum { O_NAME, O_INTERVAL, O_EWMALOG };

static const struct ext_opt rateest_tg_opts[] = {
	{ .name = "rateest-name", .id = O_NAME, .type = OT_STRING,
	  .flags = OF_NOINV_XT | OF_TRUNC, OPT_DST(struct rateest_tg_data, name),
	  .help_arg = "name", .help = "the estimator to feed" },
	{ .name = "rateest-interval", .id = O_INTERVAL, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "time", .help = "how often it measures" },
	{ .name = "rateest-ewmalog", .id = O_EWMALOG, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "time", .help = "over how long it averages" },
	{ .name = NULL },
};

static int rateest_tg_parse(struct parse_ctx *ctx, void *data, int id, const char *arg,
			    bool inv)
{
	struct rateest_tg_data *d = data;
	uint32_t *dst = id == O_INTERVAL ? &d->interval_us : &d->ewmalog_us;

	(void)inv;
	if (!rateunit_parse_time(arg, dst))
		return err_param(ctx->err, "RATEEST: bad %s value \"%s\"",
				 id == O_INTERVAL ? "interval" : "ewmalog", arg);
	return 0;
}

/* 2^n, exact (what a rule read back holds is not trusted to be in range) */
static double pow2(int n)
{
	double v = 1.0;

	for (; n > 0; n--)
		v *= 2.0;
	for (; n < 0; n++)
		v /= 2.0;
	return v;
}

/* -ln(1 - 2^-e), e >= 1: the series sum of x^k / k for x = 2^-e, added
 * from its smallest terms up (no libm: one library less to load for
 * every command, for this one option) */
static double neg_log_one_minus_pow2(int e)
{
	double x = pow2(-e), t[64], sum = 0.0;
	int n = 0;

	for (t[0] = x; n < 63 && t[n] / (n + 1) > 1e-20 * x; n++)
		t[n + 1] = t[n] * x;
	while (n-- > 0)
		sum += t[n] / (n + 1);
	return sum;
}

static int rateest_tg_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	struct rateest_tg_data *d = data;
	int i, e;

	/* the shortest period that holds the interval */
	for (i = 0; i <= 5; i++)
		if (d->interval_us <= (1u << i) * (RATEUNIT_USEC_PER_SEC / 4))
			break;
	if (i > 5)
		return err_param(ctx->err, "RATEEST: interval value is too large");
	/* the first weight 1 - 2^-e whose time constant, in intervals,
	 * passes the one asked for; the one before it is taken */
	for (e = 1; e < 32; e++) {
		if ((double)d->interval_us / neg_log_one_minus_pow2(e) > (double)d->ewmalog_us)
			break;
	}
	e--;
	if (e == 0 || e >= 31)
		return err_param(ctx->err, "RATEEST: ewmalog value is out of range");
	if (!(seen & (1u << O_NAME)))
		return xt_err_mandatory(ctx->err, "RATEEST", "rateest-name");
	d->interval = (int8_t)(i - 2);
	d->ewma_log = (uint8_t)e;
	d->interval_us = d->ewmalog_us = 0;
	return 0;
}

static enum compat_res rateest_tg_compat(struct lin_ctx *c, const void *data,
					 struct xt_out *out)
{
	const struct rateest_tg_data *d = data;
	struct xt_rateest_target_info info;

	(void)c;
	memset(&info, 0, sizeof(info));
	memcpy(info.name, d->name, sizeof(info.name));
	info.interval = d->interval;
	info.ewma_log = d->ewma_log;
	return tg_compat_blob(out, 0, &info, sizeof(info));
}

static bool rateest_tg_delinearize(struct delin_ctx *c, void *data)
{
	struct rateest_tg_data *d = data;
	struct xt_rateest_target_info info;
	const void *p = tg_xt_blob(delin_peek(c), "RATEEST", 0, RATEEST_INFO_LEN);

	if (!p)
		return false;
	memcpy(&info, p, RATEEST_INFO_LEN);
	memcpy(d->name, info.name, sizeof(d->name));
	d->name[sizeof(d->name) - 1] = '\0';
	d->interval = info.interval;
	d->ewma_log = info.ewma_log;
	c->pos++;
	return true;
}

/* The estimator's period and time constant, in microseconds. */
static double rateest_period(const struct rateest_tg_data *d)
{
	return (double)(RATEUNIT_USEC_PER_SEC / 4) * pow2(d->interval + 2);
}

static void rateest_tg_print(struct strbuf *out, const void *data, const struct rule *r,
			     unsigned fmt)
{
	const struct rateest_tg_data *d = data;

	(void)r;
	(void)fmt;
	sb_printf(out, " name %s interval ", d->name);
	rateunit_time_text(out, rateest_period(d));
	sb_add(out, " ewmalog ");
	rateunit_time_text(out, rateest_period(d) * pow2(d->ewma_log));
}

static void rateest_tg_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct rateest_tg_data *d = data;

	(void)r;
	sb_printf(out, " --rateest-name %s --rateest-interval ", d->name);
	rateunit_time_text(out, rateest_period(d));
	sb_add(out, " --rateest-ewmalog ");
	rateunit_time_text(out, rateest_period(d) * pow2(d->ewma_log));
}

const struct extension ext_RATEEST = {
	.name = "RATEEST",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct rateest_tg_data),
	.opts = rateest_tg_opts,
	.parse = rateest_tg_parse,
	.check = rateest_tg_check,
	.compat = rateest_tg_compat,
	.xt_only = xt_always,
	.delinearize = rateest_tg_delinearize,
	.print = rateest_tg_print,
	.save = rateest_tg_save,
};
