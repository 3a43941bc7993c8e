/* -m eui64: the interface identifier of the IPv6 source address (its last
 * 8 bytes) is the EUI-64 built from the Ethernet source address.
 *
 * No native form: the test compares one packet field with another one
 * transformed (the MAC address split around ff:fe, bit 0x02 of its first
 * byte set), and nf_tables only compares a field with constants or set
 * elements; its expressions cannot compare two fields nor compute one
 * from the other. So iptnft writes the reference's xt eui64 blob in both
 * modes, and reads it back.
 */
#include <linux/netfilter/x_tables.h>

#include "expr.h"
#include "ext.h"
#include "xtopt.h"

struct eui64_data {
	bool unused;
};

/*
 * The reference's blob, revision 0: one int the kernel never reads.
 *
 *   0          4
 *   +----------+
 *   | (unused) |
 *   +----------+
 */
struct eui64_blob {
	int32_t unused;
};

static enum compat_res eui64_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	(void)c;
	(void)data;
	/* out->info is zeroed already, as the reference leaves the int */
	out->rev = 0;
	out->len = XT_ALIGN(sizeof(struct eui64_blob));
	return COMPAT_XT;
}

static bool eui64_xt_only(const void *data, const struct rule *r)
{
	(void)data;
	(void)r;
	return true;
}

static bool eui64_delinearize(struct delin_ctx *c, void *data)
{
	(void)data;
	if (!xt_blob(delin_peek(c), false, "eui64", 0, 0))
		return false;
	c->pos++;
	return true;
}

const struct extension ext_eui64 = {
	.name = "eui64",
	.kind = EXT_MATCH,
	.families = EXT_IPV6,
	.size = sizeof(struct eui64_data),
	.compat = eui64_compat,
	.xt_only = eui64_xt_only,
	.delinearize = eui64_delinearize,
};
