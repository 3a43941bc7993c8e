/* -j LED --led-trigger-id NAME [--led-delay MS|inf] [--led-always-blink]:
 * light the LED trigger "netfilter-NAME" for each packet through the
 * rule (the packet goes on to the next rule).
 *
 * The trigger exists only in the kernel's xt module (xt_LED, on kernels
 * built with LED support), so the rule holds the reference's xt target in
 * both write modes, and names it to the kernel first as the reference
 * does (a warning where the module is missing; the kernel then refuses
 * the rule). Revision 0, struct xt_led_info, 40 bytes:
 *
 *   0                   27             28      32
 *   +-------------------+--------------+-------+---------------------+
 *   | id[27]            | always_blink | delay | internal (kernel's) |
 *   +-------------------+--------------+-------+---------------------+
 *   id: "netfilter-" and the name; delay: milliseconds, all ones for
 *   "inf" (the LED stays on).
 */
#include <linux/netfilter/xt_LED.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "ext.h"
#include "tgutil.h"
#include "util.h"
#include "xtopt.h"

#define LED_PREFIX "netfilter-"
#define LED_NAME_MAX (sizeof(((struct xt_led_info *)0)->id) - sizeof(LED_PREFIX))
#define LED_INFO_LEN offsetof(struct xt_led_info, internal_data)
#define LED_DELAY_INF UINT32_MAX

struct led_data {
	char id[27];
	uint8_t always_blink;
	uint32_t delay;
};

enum { O_ID, O_DELAY, O_BLINK };

static const struct ext_opt led_opts[] = {
	{ .name = "led-trigger-id", .id = O_ID, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_MAND | OF_NOINV_XT, .help_arg = "name",
	  .help = "the trigger, netfilter-name" },
	{ .name = "led-delay", .id = O_DELAY, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_NOINV_XT, .help_arg = "ms|inf",
	  .help = "how long the LED stays on" },
	{ .name = "led-always-blink", .id = O_BLINK, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct led_data, always_blink),
	  .help = "blink for each packet, even when on" },
	{ .name = NULL },
};

static int led_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct led_data *d = data;
	unsigned long long v;
	char *end;

	(void)inv;
	if (id == O_ID) {
		if (strlen(arg) > LED_NAME_MAX)
			return err_param(ctx->err, "Argument must have a maximum length of %zu "
					 "characters\n", LED_NAME_MAX);
		snprintf(d->id, sizeof(d->id), LED_PREFIX "%s", arg);
		return 0;
	}
	/* "inf" and anything it begins, in any case */
	if (strncasecmp(arg, "inf", 3) == 0) {
		d->delay = LED_DELAY_INF;
		return 0;
	}
	v = strtoull(arg, &end, 0);
	if (end == arg || *end || v > UINT32_MAX || xt_negative(arg))
		return err_param(ctx->err, "Delay value must be within range 0..%u", UINT32_MAX);
	d->delay = (uint32_t)v;
	return 0;
}

static enum compat_res led_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct led_data *d = data;
	struct xt_led_info info;

	(void)c;
	memset(&info, 0, sizeof(info));
	memcpy(info.id, d->id, sizeof(info.id));
	info.always_blink = d->always_blink;
	info.delay = d->delay;
	return tg_compat_blob(out, 0, &info, sizeof(info));
}

static bool led_delinearize(struct delin_ctx *c, void *data)
{
	struct led_data *d = data;
	struct xt_led_info info;
	const void *p = tg_xt_blob(delin_peek(c), "LED", 0, LED_INFO_LEN);

	if (!p)
		return false;
	memcpy(&info, p, LED_INFO_LEN);
	memcpy(d->id, info.id, sizeof(d->id));
	d->id[sizeof(d->id) - 1] = '\0';
	d->always_blink = info.always_blink;
	d->delay = info.delay;
	c->pos++;
	return true;
}

/* The name without the prefix the kernel's trigger has. */
static const char *led_name(const struct led_data *d)
{
	size_t n = strlen(LED_PREFIX);

	return strncmp(d->id, LED_PREFIX, n) == 0 ? d->id + n : d->id;
}

static void led_text(struct strbuf *out, const struct led_data *d, bool save)
{
	sb_printf(out, save ? " --led-trigger-id \"%s\"" : " led-trigger-id:\"%s\"",
		  led_name(d));
	if (d->delay == LED_DELAY_INF)
		sb_add(out, save ? " --led-delay inf" : " led-delay:inf");
	else if (d->delay)
		sb_printf(out, save ? " --led-delay %u" : " led-delay:%ums", d->delay);
	if (d->always_blink)
		sb_add(out, save ? " --led-always-blink" : " led-always-blink");
}

static void led_print(struct strbuf *out, const void *data, const struct rule *r,
		      unsigned fmt)
{
	(void)r;
	(void)fmt;
	led_text(out, data, false);
}

static void led_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	led_text(out, data, true);
}

const struct extension ext_LED = {
	.name = "LED",
	.kind = EXT_TARGET,
	.families = EXT_BOTH,
	.size = sizeof(struct led_data),
	.opts = led_opts,
	.parse = led_parse,
	.compat = led_compat,
	.xt_only = xt_always,
	.delinearize = led_delinearize,
	.probe_xt = true,
	.probe_rev = 0,
	.print = led_print,
	.save = led_save,
};
