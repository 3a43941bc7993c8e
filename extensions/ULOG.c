/* -j ULOG (iptables): send the packet to user space over the old
 * NETLINK_NFLOG socket (ulogd's first way in); the packet goes on to the
 * next rule.
 *
 *   --ulog-nlgroup N (1-32)  --ulog-cprange BYTES  --ulog-qthreshold N (1-50)
 *   --ulog-prefix TEXT
 *
 * The logging exists only in the kernel's ipt_ULOG module, which kernels
 * dropped long ago (NFLOG replaced it), so the rule holds the reference's
 * xt target in both write modes, and names it to the kernel first as the
 * reference does (a warning where the module is missing; the kernel then
 * refuses the rule). Revision 0, struct ipt_ulog_info of the old UAPI
 * header (no longer installed), 56 bytes on 64-bit hosts:
 *
 *   0          4     8            16           24            56
 *   +----------+-----+------------+------------+-------------+
 *   | nl_group | pad | copy_range | qthreshold | prefix[32]  |
 *   +----------+-----+------------+------------+-------------+
 *   nl_group: the group's bit (1 << (N - 1)); copy_range and qthreshold
 *   are size_t.
 */
#include <stddef.h>
#include <stdint.h>
#include <strings.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define ULOG_PREFIX_LEN 32
#define ULOG_DEFAULT_NLGROUP 1
#define ULOG_DEFAULT_QTHRESHOLD 1

struct ipt_ulog_info {
	unsigned int nl_group;
	size_t copy_range;
	size_t qthreshold;
	char prefix[ULOG_PREFIX_LEN];
};

struct ulog_data {
	uint32_t group;		/* 1-32, as given */
	uint64_t cprange;
	uint64_t qthreshold;
	char prefix[ULOG_PREFIX_LEN];
};

enum { O_NLGROUP, O_CPRANGE, O_QTHRESHOLD, O_PREFIX };

static const struct ext_opt ulog_opts[] = {
	{ .name = "ulog-nlgroup", .id = O_NLGROUP, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct ulog_data, group), .min = 1, .max = 32, .help_arg = "group",
	  .help = "netlink group the packets go to" },
	{ .name = "ulog-cprange", .id = O_CPRANGE, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct ulog_data, cprange), .help_arg = "bytes",
	  .help = "how much of each packet is sent" },
	{ .name = "ulog-qthreshold", .id = O_QTHRESHOLD, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct ulog_data, qthreshold), .min = 1, .max = 50, .help_arg = "n",
	  .help = "packets queued before a message" },
	{ .name = "ulog-prefix", .id = O_PREFIX, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "text", .help = "what the messages begin with" },
	{ .name = NULL },
};

static void ulog_init(void *data, uint8_t family)
{
	struct ulog_data *d = data;

	(void)family;
	d->group = ULOG_DEFAULT_NLGROUP;
	d->qthreshold = ULOG_DEFAULT_QTHRESHOLD;
}

static int ulog_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct ulog_data *d = data;

	(void)id;
	(void)inv;
	return tg_parse_log_prefix(ctx->err, "ulog-prefix", arg, d->prefix,
				   ULOG_PREFIX_LEN - 1);
}

static enum compat_res ulog_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct ulog_data *d = data;
	struct ipt_ulog_info info;

	(void)c;
	memset(&info, 0, sizeof(info));
	info.nl_group = 1u << (d->group - 1);
	info.copy_range = d->cprange;
	info.qthreshold = d->qthreshold;
	memcpy(info.prefix, d->prefix, sizeof(info.prefix));
	return tg_compat_blob(out, 0, &info, sizeof(info));
}

static bool ulog_delinearize(struct delin_ctx *c, void *data)
{
	struct ulog_data *d = data;
	struct ipt_ulog_info info;
	const void *p = tg_xt_blob(delin_peek(c), "ULOG", 0, sizeof(info));

	if (!p)
		return false;
	memcpy(&info, p, sizeof(info));
	d->group = (uint32_t)ffs((int)info.nl_group);
	d->cprange = info.copy_range;
	d->qthreshold = info.qthreshold;
	memcpy(d->prefix, info.prefix, sizeof(d->prefix));
	d->prefix[sizeof(d->prefix) - 1] = '\0';
	c->pos++;
	return true;
}

static void ulog_print(struct strbuf *out, const void *data, const struct rule *r,
		       unsigned fmt)
{
	const struct ulog_data *d = data;

	(void)r;
	(void)fmt;
	sb_printf(out, " ULOG copy_range %llu nlgroup %u", (unsigned long long)d->cprange,
		  d->group);
	if (d->prefix[0])
		sb_printf(out, " prefix \"%s\"", d->prefix);
	sb_printf(out, " queue_threshold %llu", (unsigned long long)d->qthreshold);
}

static void ulog_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct ulog_data *d = data;

	(void)r;
	if (d->prefix[0]) {
		sb_add(out, " --ulog-prefix");
		tg_save_string(out, d->prefix);
	}
	if (d->group != ULOG_DEFAULT_NLGROUP)
		sb_printf(out, " --ulog-nlgroup %u", d->group);
	if (d->cprange)
		sb_printf(out, " --ulog-cprange %llu", (unsigned long long)d->cprange);
	if (d->qthreshold != ULOG_DEFAULT_QTHRESHOLD)
		sb_printf(out, " --ulog-qthreshold %llu", (unsigned long long)d->qthreshold);
}

const struct extension ext_ULOG = {
	.name = "ULOG",
	.kind = EXT_TARGET,
	.families = EXT_IPV4,
	.size = sizeof(struct ulog_data),
	.opts = ulog_opts,
	.init = ulog_init,
	.parse = ulog_parse,
	.compat = ulog_compat,
	.xt_only = xt_always,
	.delinearize = ulog_delinearize,
	.probe_xt = true,
	.probe_rev = 0,
	.print = ulog_print,
	.save = ulog_save,
};
