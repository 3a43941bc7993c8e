/* ICMP and ICMPv6 type names, shared by the icmp and icmp6 matches. */
#ifndef IPTNFT_ICMPNAME_H
#define IPTNFT_ICMPNAME_H

#include <stddef.h>
#include <stdint.h>

struct strbuf;

/* A name for a type and a range of its codes (0-255: every code). */
struct icmp_name {
	const char *name;
	uint8_t type, code_min, code_max;
};

/* The list -h ends with, in the reference's layout: the title line, then
 * one type per line in the table's order, a name for one code indented
 * by three blanks, and the later names for the same type and codes
 * after it in parentheses. */
void icmp_names_help(struct strbuf *out, const char *title, const struct icmp_name *names,
		     size_t n);

#endif
