/* Numbers as the reference reads them. The reference reads numbers in a
 * few distinct ways, and a script may rely on any of their quirks (octal
 * "010", blanks before a number, a port number past 65535 that is cut
 * to 16 bits); each reader here is one of those ways, named by what it
 * reads, so that an option reads its argument the way the reference
 * reads that option. */
#ifndef IPTNFT_NUM_H
#define IPTNFT_NUM_H

#include <stdbool.h>
#include <stdint.h>

/* An unsigned number as the reference's integer options read it:
 * optional blanks, an optional '+' but never a '-', then strtoull in
 * base 0 (0x.. hex, 0.. octal); no overflow, value in [min, max]. The
 * whole of s must be the number. */
bool num_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* The same number at the start of s; *end is where it stops. */
bool num_uint_prefix(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		     const char **end);

/* A decimal number as sscanf("%llu") reads it, the way the reference
 * reads -c counters: optional blanks and sign (a '-' wraps modulo 2^64),
 * at least one digit, saturating at 2^64-1; what follows is ignored. */
bool num_scan_u64(const char *s, uint64_t *out);

/* A port as getaddrinfo() reads a service, the way the reference's
 * port options of the newer kind (udp, conntrack, ...) read one: a
 * decimal number (blanks and a sign allowed) whose low 32 bits are not
 * negative as an int, cut to its low 16 bits (so 65536 is 0); or a
 * service name. */
bool num_service_port(const char *s, uint16_t *port);

/* A port as the reference's older port options (tcp, multiport, ...)
 * read one: a service name for proto, else num_uint in [0, 65535]. */
bool num_port(const char *s, const char *proto, uint16_t *port);

#endif
