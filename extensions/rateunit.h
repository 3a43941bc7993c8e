/* Times and rates as tc writes them, which the RATEEST target and the
 * rateest match read and print as the reference does. */
#ifndef IPTNFT_EXT_RATEUNIT_H
#define IPTNFT_EXT_RATEUNIT_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

#define RATEUNIT_USEC_PER_SEC 1000000u

/* A time: a number (strtod) of microseconds, or followed by "s", "sec",
 * "secs", "ms", "msec", "msecs", "us", "usec" or "usecs" (any case);
 * the product cut to 32 bits as a C conversion through a 64-bit integer
 * cuts it (NaN and huge values give 0). false if it is none. */
bool rateunit_parse_time(const char *s, uint32_t *usec);
/* "1.5s", "250.0ms" or "40us" */
void rateunit_time_text(struct strbuf *out, double usec);

/* A rate: a number of bits per second, or followed by a unit ("kbit",
 * "mbit", "gbit", "tbit", their "kibit" forms, "bps" and the like for
 * bytes); into bytes per second. false if it is none. */
bool rateunit_parse_rate(const char *s, uint32_t *bytes);
/* bytes per second as " 96bit", " 8Kbit" or " 2Mbit" */
void rateunit_rate_text(struct strbuf *out, uint32_t bytes);

#endif
