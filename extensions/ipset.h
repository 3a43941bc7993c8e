/* The kernel's ipset sets, as the set match and the SET target name
 * them: the rules hold a set's kernel index, the command line and the
 * listings its name. Both ways go through the ipset getsockopt interface
 * (SOL_IP, SO_IP_SET; linux/netfilter/ipset/ip_set.h). */
#ifndef IPTNFT_EXT_IPSET_H
#define IPTNFT_EXT_IPSET_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* The index of the set called name, which must hold addresses of family
 * (NFPROTO_IPV4 or NFPROTO_IPV6; a set of no family serves both).
 * Returns 0, or -1 with err set in the reference's words. */
int ipset_index(struct ipt_error *err, const char *name, uint8_t family, uint16_t *index);

/* The name of the set at index into name (IPSET_MAXNAMELEN bytes);
 * false when the kernel knows no such set. */
bool ipset_name(uint16_t index, char *name);

/* "src,dst,...": one word per dimension, each starting with "src" or
 * "dst"; src dimension i (from 1) sets bit i of *flags. Returns 0, or
 * -1 with err set. */
int ipset_parse_dims(struct ipt_error *err, const char *arg, uint8_t *dim, uint8_t *flags);

struct strbuf;
/* " NAME src,dst" of a set reference, as -L and -S print it. */
void ipset_dims_text(struct strbuf *out, uint16_t index, uint8_t dim, uint8_t flags);

#endif
