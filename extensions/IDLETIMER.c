/* -j IDLETIMER --timeout SECONDS --label NAME [--alarm]: a timer, one
 * per label, that each packet through the rule restarts; when it runs
 * out the kernel tells user space (sysfs file
 * /sys/class/xt_idletimer/timers/NAME, and a uevent). The packet goes on
 * to the next rule.
 *
 * The timers exist only in the kernel's xt module: the rule holds the
 * reference's blob in both write modes, revision 1 (struct
 * idletimer_tg_info_v1: u32 timeout, char label[28], u8 send_nl_msg,
 * u8 timer_type, then the kernel's pointer).
 */
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_IDLETIMER.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "tgutil.h"
#include "util.h"

struct idletimer_data {
	uint32_t timeout;
	char label[MAX_IDLETIMER_LABEL_SIZE];
	uint8_t timer_type;	/* XT_IDLETIMER_ALARM */
};

enum { O_TIMEOUT, O_LABEL, O_ALARM };

static const struct ext_opt idletimer_opts[] = {
	{ .name = "timeout", .id = O_TIMEOUT, .type = OT_UINT, .flags = OF_MAND | OF_NOINV_XT,
	  OPT_DST(struct idletimer_data, timeout), .help_arg = "seconds",
	  .help = "idle time before user space is told" },
	{ .name = "label", .id = O_LABEL, .type = OT_STRING,
	  .flags = OF_MAND | OF_NOINV_XT | OF_TRUNC, OPT_DST(struct idletimer_data, label),
	  .help_arg = "name", .help = "the timer's name, one timer per name" },
	{ .name = "alarm", .id = O_ALARM, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct idletimer_data, timer_type), .max = XT_IDLETIMER_ALARM,
	  .help = "an alarm timer, which wakes a suspended host" },
	{ .name = NULL },
};

static enum compat_res idletimer_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct idletimer_data *d = data;
	struct idletimer_tg_info_v1 info;

	(void)c;
	memset(&info, 0, sizeof(info));
	info.timeout = d->timeout;
	memcpy(info.label, d->label, sizeof(info.label));
	info.timer_type = d->timer_type;
	out->rev = 1;
	out->len = XT_ALIGN(sizeof(info));
	memcpy(out->info, &info, sizeof(info));
	return COMPAT_XT;
}

static bool idletimer_xt_only(const void *data, const struct rule *r)
{
	(void)data;
	(void)r;
	return true;
}

static bool idletimer_delinearize(struct delin_ctx *c, void *data)
{
	struct idletimer_data *d = data;
	struct idletimer_tg_info_v1 info;
	const void *p = tg_xt_blob(delin_peek(c), "IDLETIMER", 1,
				   offsetof(struct idletimer_tg_info_v1, timer));

	if (!p)
		return false;
	memcpy(&info, p, offsetof(struct idletimer_tg_info_v1, timer));
	d->timeout = info.timeout;
	memcpy(d->label, info.label, sizeof(d->label));
	d->label[sizeof(d->label) - 1] = '\0';
	d->timer_type = info.timer_type;
	c->pos++;
	return true;
}

static void idletimer_print(struct strbuf *out, const void *data, const struct rule *r,
			    unsigned fmt)
{
	const struct idletimer_data *d = data;

	(void)r;
	(void)fmt;
	sb_printf(out, " timeout:%u label:%s", d->timeout, d->label);
	if (d->timer_type & XT_IDLETIMER_ALARM)
		sb_add(out, " alarm");
}

static void idletimer_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct idletimer_data *d = data;

	(void)r;
	sb_printf(out, " --timeout %u --label %s", d->timeout, d->label);
	if (d->timer_type & XT_IDLETIMER_ALARM)
		sb_add(out, " --alarm");
}

const struct extension ext_IDLETIMER = {
	.name = "IDLETIMER",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct idletimer_data),
	.opts = idletimer_opts,
	.compat = idletimer_compat,
	.xt_only = idletimer_xt_only,
	.delinearize = idletimer_delinearize,
	.print = idletimer_print,
	.save = idletimer_save,
};
