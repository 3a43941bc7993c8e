/* Times and rates in tc's units (see rateunit.h). */
#include <math.h>
#include <stdlib.h>
#include <strings.h>

#include "rateunit.h"

/* A double cut to 32 bits as x86-64 converts it through a 64-bit
 * integer: what does not fit 64 bits (and NaN) is the lowest one. */
static uint32_t cut32(double v)
{
	if (isnan(v) || v >= 0x1p63 || v < -0x1p63)
		return 0;
	return (uint32_t)(uint64_t)(int64_t)v;
}

struct unit {
	const char *suffix;
	double scale;
};

/* A number as strtod reads it, scaled by the unit that follows it (in
 * any case; none: 1); false if there is no number or no such unit. */
static bool scaled_number(const char *s, const struct unit *units, size_t n, double *out)
{
	char *end;
	double v = strtod(s, &end);
	size_t i;

	if (end == s)
		return false;
	if (*end) {
		for (i = 0; i < n && strcasecmp(end, units[i].suffix) != 0; i++)
			;
		if (i == n)
			return false;
		v *= units[i].scale;
	}
	*out = v;
	return true;
}

bool rateunit_parse_time(const char *s, uint32_t *usec)
{
	static const struct unit units[] = {
		{ "s", 1e6 }, { "sec", 1e6 }, { "secs", 1e6 },
		{ "ms", 1e3 }, { "msec", 1e3 }, { "msecs", 1e3 },
		{ "us", 1 }, { "usec", 1 }, { "usecs", 1 },
	};
	double t;

	if (!scaled_number(s, units, ARRAY_SIZE(units), &t))
		return false;
	*usec = cut32(t);
	return true;
}

void rateunit_time_text(struct strbuf *out, double usec)
{
	if (usec >= 1e6)
		sb_printf(out, "%.1fs", usec / 1e6);
	else if (usec >= 1e3)
		sb_printf(out, "%.1fms", usec / 1e3);
	else
		sb_printf(out, "%uus", (unsigned)usec);
}

bool rateunit_parse_rate(const char *s, uint32_t *bytes)
{
	/* bits per unit */
	static const struct unit units[] = {
		{ "bit", 1 }, { "kibit", 0x1p10 }, { "kbit", 1e3 }, { "mibit", 0x1p20 },
		{ "mbit", 1e6 }, { "gibit", 0x1p30 }, { "gbit", 1e9 }, { "tibit", 0x1p40 },
		{ "tbit", 1e12 }, { "bps", 8 }, { "kibps", 0x1p13 }, { "kbps", 8e3 },
		{ "mibps", 0x1p23 }, { "mbps", 8e6 }, { "gibps", 0x1p33 }, { "gbps", 8e9 },
		{ "tibps", 0x1p43 }, { "tbps", 8e12 },
	};
	double bits;

	if (!scaled_number(s, units, ARRAY_SIZE(units), &bits))
		return false;
	*bytes = cut32(bits / 8);
	return true;
}

void rateunit_rate_text(struct strbuf *out, uint32_t bytes)
{
	double bits = (double)bytes * 8;

	if (bits >= 1e9)
		sb_printf(out, " %.0fMbit", bits / 1e6);
	else if (bits >= 1e6)
		sb_printf(out, " %.0fKbit", bits / 1e3);
	else
		sb_printf(out, " %.0fbit", bits);
}
