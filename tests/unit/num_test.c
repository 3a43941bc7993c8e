/* The number readers (src/num.c, extensions/xtopt.c) on their own: each
 * spelling and what the reference makes of it (tests/diff/numbers.cases
 * compares the same against the reference itself). Output is TAP.
 */
#include <config.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "num.h"
#include "util.h"
#include "xtopt.h"

static unsigned test_num, failures;

static void ok(bool cond, const char *what, const char *arg)
{
	test_num++;
	if (!cond)
		failures++;
	printf("%sok %u - %s \"%s\"\n", cond ? "" : "not ", test_num, what, arg);
}

/* s read by num_uint in [0, max]: -1 when refused, else the value */
static void uint_case(const char *s, uint64_t max, long long want)
{
	uint64_t v = 0;
	bool got = num_uint(s, 0, max, &v);

	ok(want < 0 ? !got : got && v == (uint64_t)want, "num_uint", s);
}

static void scan_case(const char *s, bool want_ok, uint64_t want)
{
	uint64_t v = 0;
	bool got = num_scan_u64(s, &v);

	ok(got == want_ok && (!got || v == want), "num_scan_u64", s);
}

static void service_case(const char *s, long want)
{
	uint16_t p = 0;
	bool got = num_service_port(s, &p);

	ok(want < 0 ? !got : got && p == want, "num_service_port", s);
}

static void port_case(const char *s, long want)
{
	uint16_t p = 0;
	bool got = num_port(s, "tcp", &p);

	ok(want < 0 ? !got : got && p == want, "num_port", s);
}

/* range read by xt_parse_uint_range: the message, or "lo:hi/n" */
static void range_case(const char *s, uint64_t max, const char *want)
{
	struct ipt_error err = { 0 };
	uint64_t lo = 0, hi = 0;
	unsigned n = 0;
	char got[sizeof(err.msg)];

	if (xt_parse_uint_range(&err, "x", "opt", s, max, &lo, &hi, &n) < 0)
		snprintf(got, sizeof(got), "%s", err.msg);
	else
		snprintf(got, sizeof(got), "%llu:%llu/%u", (unsigned long long)lo,
			 (unsigned long long)hi, n);
	ok(strcmp(got, want) == 0, "xt_parse_uint_range", s);
	if (strcmp(got, want) != 0)
		printf("#   got \"%s\"\n#  want \"%s\"\n", got, want);
}

static void port_range_case(const char *s, const char *want)
{
	struct ipt_error err = { 0 };
	uint16_t lo = 0, hi = 0;
	char got[sizeof(err.msg)];

	if (xt_parse_port_range(&err, "x", "opt", s, &lo, &hi) < 0)
		snprintf(got, sizeof(got), "%s", err.msg);
	else
		snprintf(got, sizeof(got), "%u:%u", lo, hi);
	ok(strcmp(got, want) == 0, "xt_parse_port_range", s);
	if (strcmp(got, want) != 0)
		printf("#   got \"%s\"\n#  want \"%s\"\n", got, want);
}

/* addr_ntop writes IPv4 itself: the same text as inet_ntop for every
 * value of each byte, in each position */
static void ntop_cases(void)
{
	char want[INET6_ADDRSTRLEN], got[INET6_ADDRSTRLEN];
	uint8_t a[16] = { 0 };
	unsigned pos, v, bad = 0;

	for (pos = 0; pos < 4; pos++) {
		for (v = 0; v < 256; v++) {
			memset(a, (int)(v * 7 % 256), 4);
			a[pos] = (uint8_t)v;
			inet_ntop(AF_INET, a, want, sizeof(want));
			addr_ntop(AF_INET, a, got, sizeof(got));
			bad += strcmp(want, got) != 0;
		}
	}
	ok(bad == 0, "addr_ntop", "IPv4, 1024 addresses");
	memset(a, 0, sizeof(a));
	a[15] = 1;
	addr_ntop(AF_INET6, a, got, sizeof(got));
	ok(strcmp(got, "::1") == 0, "addr_ntop", "::1");
}

int main(void)
{
	/* base 0, blanks and '+' first, never '-', no overflow */
	uint_case("16", 255, 16);
	uint_case("010", 255, 8);
	uint_case("0x10", 255, 16);
	uint_case("0X1f", 255, 31);
	uint_case("+16", 255, 16);
	uint_case(" 16", 255, 16);
	uint_case("\t16", 255, 16);
	uint_case("16 ", 255, -1);
	uint_case("-0", 255, -1);
	uint_case(" -1", 255, -1);
	uint_case("", 255, -1);
	uint_case("08", 255, -1);
	uint_case("0x", 255, -1);
	uint_case("255", 255, 255);
	uint_case("256", 255, -1);
	uint_case("4294967295", UINT32_MAX, UINT32_MAX);
	uint_case("4294967296", UINT32_MAX, -1);
	uint_case("18446744073709551616", UINT32_MAX, -1);

	/* sscanf's %llu: wraps, saturates, stops at the first non-digit */
	scan_case("16", true, 16);
	scan_case(" +16", true, 16);
	scan_case("-1", true, UINT64_MAX);
	scan_case("0x10", true, 0);
	scan_case("16x", true, 16);
	scan_case("18446744073709551616", true, UINT64_MAX);
	scan_case("", false, 0);
	scan_case("x", false, 0);
	scan_case("- 1", false, 0);

	/* getaddrinfo's service: decimal, an int's sign bit refused, 16 bits */
	service_case("22", 22);
	service_case("010", 10);
	service_case("+16", 16);
	service_case(" 16", 16);
	service_case("-0", 0);
	service_case("65536", 0);
	service_case("4294967297", 1);
	service_case("2147483648", -1);
	service_case("-1", -1);
	service_case("0x10", -1);
	service_case("16 ", -1);
	service_case("ssh", 22);
	service_case("SSH", -1);

	/* the older ports: a name for the protocol, else num_uint */
	port_case("ssh", 22);
	port_case("0x10", 16);
	port_case("010", 8);
	port_case("65536", -1);
	port_case("08", -1);

	range_case("1:2", 65535, "1:2/2");
	range_case("5", 65535, "5:5/1");
	range_case("", 65535, "0:0/1");
	range_case(":", 65535, "0:65535/2");
	range_case(":5", 65535, "0:5/2");
	range_case("5:", 65535, "5:65535/2");
	range_case("0x10:010", 65535, "16:8/2");
	range_case("1: 2", 65535, "1:2/2");
	range_case("1:2:3", 65535, "x: Too many components for option \"--opt\" (max: 2)\n");
	range_case("::", 65535, "x: Too many components for option \"--opt\" (max: 2)\n");
	range_case("1 :2", 65535,
		   "x: Argument to \"--opt\" has unexpected characters near \" :2\".\n");
	range_case("-1:5", 65535,
		   "x: bad value for option \"--opt\" near \"-1:5\", or out of range (0-65535).\n");
	range_case("1:65536", 65535,
		   "x: bad value for option \"--opt\" near \"65536\", or out of range (0-65535).\n");

	port_range_case("1:2", "1:2");
	port_range_case("ssh:", "22:65535");
	port_range_case(":http", "0:80");
	port_range_case("5:1", "5:1");
	port_range_case("", "0:0");
	port_range_case("1:65536", "1:0");
	port_range_case("1:2:3", "x: Too many components for option \"--opt\" (max: 2)\n");
	port_range_case("0x10", "Port \"0x10\" does not resolve to anything.\n");

	ntop_cases();
	printf("1..%u\n", test_num);
	return failures ? 1 : 0;
}
