/* The static table of extensions. Adding one: a new file and a line here. */
#include <linux/netfilter.h>
#include <string.h>

#include "ext.h"

extern const struct extension ext_tcp, ext_udp, ext_icmp, ext_state, ext_conntrack;
extern const struct extension ext_multiport;

const struct extension *const ext_all[] = {
	&ext_tcp,
	&ext_udp,
	&ext_icmp,
	&ext_state,
	&ext_conntrack,
	&ext_multiport,
	NULL,
};

static unsigned family_bit(uint8_t family)
{
	return family == NFPROTO_IPV6 ? EXT_IPV6 : EXT_IPV4;
}

const struct extension *ext_find(const char *name, enum ext_kind kind, uint8_t family)
{
	const struct extension *const *e;

	for (e = ext_all; *e; e++)
		if ((*e)->kind == kind && ((*e)->families & family_bit(family)) &&
		    strcmp((*e)->name, name) == 0)
			return *e;
	return NULL;
}

const struct extension *ext_find_proto(uint16_t proto, uint8_t family)
{
	switch (proto) {
	case 6: return ext_find("tcp", EXT_MATCH, family);
	case 17: return ext_find("udp", EXT_MATCH, family);
	case 1: return family == NFPROTO_IPV4 ? ext_find("icmp", EXT_MATCH, family) : NULL;
	}
	return NULL;
}
