/* Shared parsers for addresses, protocols, interfaces and names. */
#ifndef IPTNFT_PARSE_H
#define IPTNFT_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "rule.h"

/* Protocol by name (in any case) or number ("all" is 0); -1 with err set
 * if unknown. */
int parse_protocol(const char *s, uint16_t *proto, struct ipt_error *err);
/* The same for the name exactly as given, as the reference's extensions
 * read theirs (policy's --proto). */
int parse_protocol_word(const char *s, uint16_t *proto, struct ipt_error *err);
/* Name for a protocol number as -L and -S print it, or NULL. */
const char *proto_name(uint16_t proto, uint8_t family);

/* A list of address/mask pairs from "a[/m][,b[/m]...]", names resolved. */
struct addr_list {
	struct addr_mask *v;
	unsigned n;
};
int parse_addresses(const char *s, uint8_t family, struct addr_list *out,
		    struct ipt_error *err);
void addr_list_free(struct addr_list *l);

int parse_interface(const char *s, char *out, struct ipt_error *err);

/* A port or service name for proto ("tcp", "udp"); -1 with err set. */
int parse_port(const char *s, const char *proto, uint16_t *port, struct ipt_error *err);
/* "a", "a:b", ":b", "a:" into [lo, hi]. */
int parse_port_range(const char *s, const char *proto, uint16_t *lo, uint16_t *hi,
		     struct ipt_error *err);

#endif
