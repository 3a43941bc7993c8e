/* -m time: match by the wall clock of the packet's arrival.
 *
 *   --datestart --datestop        a span of dates (ISO 8601, UTC)
 *   --timestart --timestop        a span of the day (hh:mm[:ss])
 *   [!] --monthdays [!] --weekdays which days
 *   --kerneltz | --utc            the kernel's time zone, or UTC
 *   --contiguous                  a day span over midnight is one span
 *
 * nft's meta time, day and hour read the time otherwise (hour in the
 * zone of the nft process, no contiguous spans, no month days), so the
 * rule holds the reference's xt match in both write modes: revision 0,
 * struct xt_time_info, 22 bytes padded to 24:
 *
 *   0          4         8           12         16          20   21   22
 *   +----------+---------+-----------+----------+-----------+----+----+--+
 *   |date_start|date_stop|daytime_st.|daytime_sp|monthdays  |wdays|flg|pd|
 *   +----------+---------+-----------+----------+-----------+----+----+--+
 *   dates: seconds since 1970 (UTC); daytimes: seconds since midnight;
 *   monthdays: bit N for day N; weekdays: bit N for day N (Mon = 1);
 *   flags: XT_TIME_LOCAL_TZ, XT_TIME_CONTIGUOUS
 */
#include <linux/netfilter/xt_time.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

#define TIME_BLOB_LEN 24
#define TIME_DATE_MAX 0x7fffffffu

struct time_data {
	struct xt_time_info info;
};

enum {
	O_DATESTART, O_DATESTOP, O_TIMESTART, O_TIMESTOP, O_MONTHDAYS, O_WEEKDAYS,
	O_KERNELTZ, O_UTC, O_CONTIGUOUS,
};

#define TIME_CUSTOM(opt, id_, fl, arg, what)                                                 \
	{ .name = opt, .id = id_, .type = OT_CUSTOM, .has_arg = true, .flags = fl,            \
	  .help_arg = arg, .help = what }

static const struct ext_opt time_opts[] = {
	TIME_CUSTOM("datestart", O_DATESTART, OF_NOINV_XT, "date", "from this date (UTC)"),
	TIME_CUSTOM("datestop", O_DATESTOP, OF_NOINV_XT, "date",
		    "until this date: YYYY[-MM[-DD[Thh[:mm[:ss]]]]]"),
	TIME_CUSTOM("timestart", O_TIMESTART, OF_NOINV_XT, "hh:mm[:ss]",
		    "from this time of the day"),
	TIME_CUSTOM("timestop", O_TIMESTOP, OF_NOINV_XT, "hh:mm[:ss]",
		    "until this time of the day"),
	TIME_CUSTOM("monthdays", O_MONTHDAYS, OF_INV, "days", "on these days (1-31, comma list)"),
	TIME_CUSTOM("weekdays", O_WEEKDAYS, OF_INV, "days", "on these days (Mon-Sun or 1-7)"),
	{ .name = "kerneltz", .id = O_KERNELTZ, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct time_data, info.flags), .max = XT_TIME_LOCAL_TZ,
	  .help = "in the kernel's time zone" },
	{ .name = "utc", .id = O_UTC, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  .help = "in UTC (the default)" },
	{ .name = "contiguous", .id = O_CONTIGUOUS, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct time_data, info.flags), .max = XT_TIME_CONTIGUOUS,
	  .help = "a span past midnight is one span" },
	{ .name = NULL },
};

static const char *const time_wday[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

static void time_init(void *data, uint8_t family)
{
	struct xt_time_info *info = &((struct time_data *)data)->info;

	(void)family;
	info->date_stop = TIME_DATE_MAX;
	info->daytime_stop = XT_TIME_MAX_DAYTIME;
	info->monthdays_match = XT_TIME_ALL_MONTHDAYS;
	info->weekdays_match = XT_TIME_ALL_WEEKDAYS;
}

/* A decimal number that is the whole of s ("" is 0). */
static bool time_num(const char *s, unsigned long *v)
{
	char *end;

	*v = strtoul(s, &end, 10);
	return *end == '\0';
}

/* One part of a date: digits up to the separator sep (or the end), at
 * most max. Moves *s past it; false on anything else. */
static bool date_part(const char **s, char sep, unsigned long max, unsigned long *v)
{
	char *end;

	*v = strtoul(*s, &end, 10);
	if (*v > max || (*end != '\0' && *end != sep))
		return false;
	*s = *end ? end + 1 : end;
	return true;
}

static int parse_date(struct parse_ctx *ctx, const char *arg, uint32_t *out)
{
	unsigned long year, mon = 1, day = 1, h = 0, m = 0, sec = 0;
	const char *s = arg;
	struct tm tm;
	time_t t;

	if (!date_part(&s, '-', 9999, &year) || year < 1970 || year > 2038 ||
	    (*s && !date_part(&s, '-', 12, &mon)) || (*s && !date_part(&s, 'T', 31, &day)) ||
	    (*s && !date_part(&s, ':', 23, &h)) || (*s && !date_part(&s, ':', 59, &m)) ||
	    (*s && !date_part(&s, '\0', 59, &sec)))
		return err_param(ctx->err, "Invalid date \"%s\" specified. Should be "
				 "YYYY[-MM[-DD[Thh[:mm[:ss]]]]]", arg);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)year - 1900;
	tm.tm_mon = (int)mon - 1;
	tm.tm_mday = (int)day;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)m;
	tm.tm_sec = (int)sec;
	t = timegm(&tm);
	*out = (uint32_t)t;
	return 0;
}

/* hh:mm[:ss]; a bad part is quoted from where it starts */
static int parse_daytime(struct parse_ctx *ctx, const char *arg, uint32_t *out)
{
	unsigned long h, m, s = 0;
	const char *bad = arg;
	char *end;

	h = strtoul(arg, &end, 10);
	if (*end != ':' || h > 23)
		goto bad;
	bad = end + 1;
	m = strtoul(bad, &end, 10);
	if (m > 59 || (*end != '\0' && *end != ':'))
		goto bad;
	if (*end == ':') {
		bad = end + 1;
		if (!time_num(bad, &s) || s > 59)
			goto bad;
	}
	*out = (uint32_t)(h * 3600 + m * 60 + s);
	return 0;
bad:
	return err_param(ctx->err, "invalid time \"%s\" specified, should be hh:mm[:ss] format "
			 "and within the boundaries", bad);
}

/* The comma list's items are read from a few bytes each, as the
 * reference reads them: "100" is day 10 of a month, "Monday" Mon. */
static int parse_days(struct parse_ctx *ctx, const char *arg, bool week, uint32_t *out)
{
	size_t keep = week ? 3 : 2;
	const char *p = arg;
	uint32_t bits = 0;

	while (*p) {
		size_t len = strcspn(p, ",");
		char tok[4] = "";
		unsigned long v;
		unsigned i;

		memcpy(tok, p, len < keep ? len : keep);
		if (!week) {
			if (!time_num(tok, &v) || v > 31)
				return err_param(ctx->err, "%s is not a valid day for --monthdays", tok);
			bits |= 1u << v;
		} else if (time_num(tok, &v)) {
			if (v == 0)
				return err_param(ctx->err, "No, the week does NOT begin with Sunday.");
			bits |= 1u << (v & 31);
		} else {
			for (i = 0; i < 7 && strcmp(tok, time_wday[i]) != 0; i++)
				;
			if (i == 7)
				return err_param(ctx->err, "%s is not a valid day specifier", tok);
			bits |= 1u << (i + 1);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	*out = bits;
	return 0;
}

static int time_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_time_info *info = &((struct time_data *)data)->info;
	uint32_t bits;

	switch (id) {
	case O_DATESTART:
		return parse_date(ctx, arg, &info->date_start);
	case O_DATESTOP:
		return parse_date(ctx, arg, &info->date_stop);
	case O_TIMESTART:
		return parse_daytime(ctx, arg, &info->daytime_start);
	case O_TIMESTOP:
		return parse_daytime(ctx, arg, &info->daytime_stop);
	case O_MONTHDAYS:
		if (parse_days(ctx, arg, false, &bits) < 0)
			return -1;
		info->monthdays_match = inv ? ~bits & XT_TIME_ALL_MONTHDAYS : bits;
		return 0;
	case O_WEEKDAYS:
		if (parse_days(ctx, arg, true, &bits) < 0)
			return -1;
		info->weekdays_match = (uint8_t)(inv ? ~bits & XT_TIME_ALL_WEEKDAYS : bits);
		return 0;
	}
	return 0;
}

static int time_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	const struct xt_time_info *info = &((struct time_data *)data)->info;

	if ((seen & (1u << O_UTC)) && (seen & (1u << O_KERNELTZ)))
		return xt_err_conflict(ctx->err, "time", "utc", "kerneltz");
	if ((info->flags & XT_TIME_CONTIGUOUS) && info->daytime_start < info->daytime_stop)
		return err_param(ctx->err, "time: --contiguous only makes sense when stoptime is "
				 "smaller than starttime");
	return 0;
}

static void time_linearize(struct lin_ctx *c, const void *data)
{
	uint8_t blob[TIME_BLOB_LEN] = { 0 };

	memcpy(blob, &((const struct time_data *)data)->info, sizeof(struct xt_time_info));
	lin_xt(c, false, "time", 0, blob, sizeof(blob));
}

static bool time_delinearize(struct delin_ctx *c, void *data)
{
	struct time_data *d = data;
	const uint8_t *blob = xt_blob(delin_peek(c), false, "time", 0, sizeof(struct xt_time_info));

	if (!blob)
		return false;
	memcpy(&d->info, blob, sizeof(d->info));
	memset((uint8_t *)&d->info + offsetof(struct xt_time_info, flags) + 1, 0,
	       sizeof(d->info) - offsetof(struct xt_time_info, flags) - 1);
	c->pos++;
	return true;
}

/* A date as "YYYY-MM-DD" sep "hh:mm:ss" in UTC */
static void time_date(struct strbuf *out, uint32_t when, char sep)
{
	time_t t = when;
	struct tm tm;

	gmtime_r(&t, &tm);
	sb_printf(out, "%04d-%02d-%02d%c%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		  tm.tm_mday, sep, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void time_daytime(struct strbuf *out, uint32_t s)
{
	sb_printf(out, "%02u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
}

/* The span of the day, unless it is the whole day, after the words
 * from and to. */
static void time_span(struct strbuf *out, const struct xt_time_info *info, const char *from,
		      const char *to)
{
	if (info->daytime_start == XT_TIME_MIN_DAYTIME &&
	    info->daytime_stop == XT_TIME_MAX_DAYTIME)
		return;
	sb_add(out, from);
	time_daytime(out, info->daytime_start);
	sb_add(out, to);
	time_daytime(out, info->daytime_stop);
}

/* A day list, unless it holds every day, after the word pre; ordinals
 * (-L's month days) take their suffix from the last digit. */
static void time_days(struct strbuf *out, const struct xt_time_info *info, bool week,
		      const char *pre, bool ordinal)
{
	static const char *const sfx[] = { "th", "st", "nd", "rd" };
	uint32_t bits = week ? info->weekdays_match : info->monthdays_match;
	unsigned n, last = week ? 7 : 31;
	const char *sep = "";

	if (bits == (week ? XT_TIME_ALL_WEEKDAYS : XT_TIME_ALL_MONTHDAYS))
		return;
	sb_add(out, pre);
	for (n = 1; n <= last; n++) {
		if (!(bits & (1u << n)))
			continue;
		if (week)
			sb_printf(out, "%s%s", sep, time_wday[n - 1]);
		else
			sb_printf(out, "%s%u%s", sep, n,
				  !ordinal ? "" : n % 10 <= 3 ? sfx[n % 10] : "th");
		sep = ",";
	}
}

static void time_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct xt_time_info *info = &((const struct time_data *)data)->info;

	(void)r;
	(void)fmt;
	sb_add(out, " TIME");
	time_span(out, info, " from ", " to ");
	time_days(out, info, true, " on ", true);
	time_days(out, info, false, " on ", true);
	if (info->date_start != 0) {
		sb_add(out, " starting from ");
		time_date(out, info->date_start, ' ');
	}
	if (info->date_stop != TIME_DATE_MAX) {
		sb_add(out, " until date ");
		time_date(out, info->date_stop, ' ');
	}
	if (!(info->flags & XT_TIME_LOCAL_TZ))
		sb_add(out, " UTC");
	if (info->flags & XT_TIME_CONTIGUOUS)
		sb_add(out, " contiguous");
}

static void time_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_time_info *info = &((const struct time_data *)data)->info;

	(void)r;
	time_span(out, info, " --timestart ", " --timestop ");
	time_days(out, info, false, " --monthdays ", false);
	time_days(out, info, true, " --weekdays ", false);
	if (info->date_start != 0) {
		sb_add(out, " --datestart ");
		time_date(out, info->date_start, 'T');
	}
	sb_add(out, " --datestop ");
	time_date(out, info->date_stop, 'T');
	if (info->flags & XT_TIME_LOCAL_TZ)
		sb_add(out, " --kerneltz");
	if (info->flags & XT_TIME_CONTIGUOUS)
		sb_add(out, " --contiguous");
}

const struct extension ext_time = {
	.name = "time",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct time_data),
	.opts = time_opts,
	.init = time_init,
	.parse = time_parse,
	.check = time_check,
	.linearize = time_linearize,
	.delinearize = time_delinearize,
	.print = time_print,
	.save = time_save,
};
