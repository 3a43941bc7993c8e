/* -m u32: tests on 32-bit words read from the packet at computed
 * offsets (xt_u32).
 *
 *   [!] --u32 "LOCATION=VALUES&&..."   e.g. "0>>22&0x3C@12>>26&0x3F=0x10"
 *
 * A location reads a word at an offset and narrows it (&, <<, >>), or
 * moves on by the value so far (@); values are numbers and ranges.
 * nf_tables has no loads at offsets computed from the packet, so iptnft
 * writes the reference's own xt blob, revision 0, in both write modes.
 */
#include <ctype.h>
#include <errno.h>
#include <linux/netfilter/xt_u32.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "xtopt.h"

#define U32_REV 0
#define U32_MAX_ITEMS XT_U32_MAXSIZE	/* numbers, values, tests: 10 each */

/*
 * The blob, struct xt_u32 (1984 bytes):
 *
 *   0                        180                 1800      1980   1981   1984
 *   +------------------------+------//-----------+----------+------+------+-----+
 *   | tests[0]               | tests[1..9]       | tests[10]|ntests|invert| pad |
 *   +------------------------+------//-----------+----------+------+------+-----+
 *   a test (180 bytes):
 *   0                         88                      176    177     178  180
 *   +-------------------------+-----------------------+------+-------+----+
 *   | location[11]: u32 number| value[11]: u32 min,   |nnums |nvalues|pad |
 *   |  u8 nextop, 3 pad       |  u32 max              |      |       |    |
 *   +-------------------------+-----------------------+------+-------+----+
 *   location[0] is the first offset; location[i] is the operator before
 *   the i-th number after it (XT_U32_AND, _LEFTSH, _RIGHTSH, _AT) and
 *   that number
 */
struct u32_data {
	struct xt_u32 info;
};

static const struct ext_opt u32_opts[] = {
	/* the test language: parse's */
	{ .name = "u32", .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV | OF_MAND,
	  OPT_INVDST(struct u32_data, info.invert), .help_arg = "tests",
	  .help = "LOC=VAL[&&LOC=VAL]: LOC: n[&n|<<n|>>n|@n]..." },
	{ .name = NULL },
};

/* A reader of the test text, and where it stands. */
struct u32_reader {
	struct parse_ctx *ctx;
	const char *s;
	size_t pos;
};

static int u32_err_at(struct u32_reader *r, size_t pos, const char *what)
{
	return err_param(r->ctx->err, "u32: at char %zu: %s", pos, what);
}

static void skip_blanks(struct u32_reader *r)
{
	while (isspace((unsigned char)r->s[r->pos]))
		r->pos++;
}

/* A number as strtoul reads it (blanks first allowed, no sign but '+'),
 * at most 32 bits. */
static int read_number(struct u32_reader *r, uint32_t *out)
{
	const char *start = r->s + r->pos;
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(start, &end, 0);
	if (end == start || xt_negative(start) || errno || v > UINT32_MAX)
		return u32_err_at(r, r->pos, "not a number or out of range");
	*out = (uint32_t)v;
	r->pos = (size_t)(end - r->s);
	return 0;
}

/* location := number | location operator number */
static int read_location(struct u32_reader *r, struct xt_u32_test *t)
{
	uint8_t op = XT_U32_AND;
	char c;

	skip_blanks(r);
	if (r->s[r->pos] == '\0')
		return err_param(r->ctx->err, "u32: abrupt end of input after location specifier");
	if (r->s[r->pos] == '=')
		return u32_err_at(r, r->pos, "location spec missing");
	for (;;) {
		/* the eleventh fits the blob, and is refused after it is read */
		if (read_number(r, &t->location[t->nnums].number) < 0)
			return -1;
		t->location[t->nnums++].nextop = op;
		if (t->nnums > U32_MAX_ITEMS)
			return u32_err_at(r, r->pos, "too many operators");
		skip_blanks(r);
		c = r->s[r->pos];
		if (c == '\0')
			return err_param(r->ctx->err,
					 "u32: abrupt end of input after location specifier");
		if (c == '=') {
			r->pos++;
			return 0;
		}
		if (c == '&' || c == '@') {
			op = c == '&' ? XT_U32_AND : XT_U32_AT;
			r->pos++;
		} else if (c == '<' || c == '>') {
			if (r->s[r->pos + 1] != c)
				return err_param(r->ctx->err, "u32: at char %zu: a second '%c' was expected",
						 r->pos + 1, c);
			op = c == '<' ? XT_U32_LEFTSH : XT_U32_RIGHTSH;
			r->pos += 2;
		} else {
			return u32_err_at(r, r->pos, "operator expected");
		}
	}
}

/* value := range | value "," range; range := number | number ":" number.
 * Stops at the end or at a '&', which the caller checks. */
static int read_values(struct u32_reader *r, struct xt_u32_test *t)
{
	struct xt_u32_value_element *v;

	skip_blanks(r);
	if (r->s[r->pos] == '\0')
		return err_param(r->ctx->err, "u32: test ended with no value specified");
	if (r->s[r->pos] == '&') {
		if (r->s[r->pos + 1] != '&')
			return err_param(r->ctx->err, "u32: at char %zu: a second '&' was expected",
					 r->pos + 1);
		return u32_err_at(r, r->pos + 1, "value spec missing");
	}
	for (;;) {
		/* the eleventh fits the blob, and is refused after it is read */
		v = &t->value[t->nvalues];
		if (read_number(r, &v->min) < 0)
			return -1;
		skip_blanks(r);
		v->max = v->min;
		if (r->s[r->pos] == ':') {
			r->pos++;
			if (read_number(r, &v->max) < 0)
				return -1;
		}
		if (++t->nvalues > U32_MAX_ITEMS)
			return u32_err_at(r, r->pos, "too many \",\"s");
		skip_blanks(r);
		if (r->s[r->pos] == '\0' || r->s[r->pos] == '&')
			return 0;
		if (r->s[r->pos] != ',')
			return u32_err_at(r, r->pos, "expected \",\" or \"&&\"");
		r->pos++;
	}
}

/* tests := location "=" value | tests "&&" location "=" value */
static int u32_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_u32 *info = &((struct u32_data *)data)->info;
	struct u32_reader r = { .ctx = ctx, .s = arg };

	(void)id;
	(void)inv;
	for (;;) {
		struct xt_u32_test *t = &info->tests[info->ntests];

		if (read_location(&r, t) < 0 || read_values(&r, t) < 0)
			return -1;
		if (arg[r.pos] == '&') {
			if (arg[r.pos + 1] != '&')
				return err_param(ctx->err, "u32: at char %zu: a second '&' was expected",
						 r.pos + 1);
			r.pos++;
		}
		if (++info->ntests > U32_MAX_ITEMS)
			return u32_err_at(&r, r.pos, "too many \"&&\"s");
		if (arg[r.pos] == '\0')
			return 0;
		r.pos++;
	}
}

static void u32_linearize(struct lin_ctx *c, const void *data)
{
	const struct u32_data *d = data;

	lin_xt(c, false, "u32", U32_REV, &d->info, sizeof(d->info));
}

static bool u32_delinearize(struct delin_ctx *c, void *data)
{
	struct u32_data *d = data;
	const void *p = xt_blob(delin_peek(c), false, "u32", U32_REV, sizeof(d->info));
	unsigned i;

	if (!p)
		return false;
	memcpy(&d->info, p, sizeof(d->info));
	/* the counts index the arrays when listed: keep them inside */
	if (d->info.ntests > U32_MAX_ITEMS + 1)
		d->info.ntests = U32_MAX_ITEMS + 1;
	for (i = 0; i < d->info.ntests; i++) {
		if (d->info.tests[i].nnums > U32_MAX_ITEMS + 1)
			d->info.tests[i].nnums = U32_MAX_ITEMS + 1;
		if (d->info.tests[i].nvalues > U32_MAX_ITEMS + 1)
			d->info.tests[i].nvalues = U32_MAX_ITEMS + 1;
	}
	c->pos++;
	return true;
}

/* The tests as the reference lists them: every number in hex. */
static void u32_text(struct strbuf *out, const struct xt_u32 *info)
{
	static const char *const ops[] = { [XT_U32_AND] = "&", [XT_U32_LEFTSH] = "<<",
					   [XT_U32_RIGHTSH] = ">>", [XT_U32_AT] = "@" };
	unsigned i, k;

	sb_add(out, "\"");
	for (i = 0; i < info->ntests; i++) {
		const struct xt_u32_test *t = &info->tests[i];

		if (i)
			sb_add(out, "&&");
		for (k = 0; k < t->nnums; k++)
			sb_printf(out, "%s0x%x",
				  k == 0 ? "" : t->location[k].nextop <= XT_U32_AT ?
				  ops[t->location[k].nextop] : "?",
				  t->location[k].number);
		sb_add(out, "=");
		for (k = 0; k < t->nvalues; k++) {
			sb_printf(out, "%s0x%x", k ? "," : "", t->value[k].min);
			if (t->value[k].max != t->value[k].min)
				sb_printf(out, ":0x%x", t->value[k].max);
		}
	}
	sb_add(out, "\"");
}

static void u32_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct xt_u32 *info = &((const struct u32_data *)data)->info;

	(void)r;
	(void)fmt;
	sb_add(out, info->invert ? " u32 ! " : " u32 ");
	u32_text(out, info);
}

static void u32_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_u32 *info = &((const struct u32_data *)data)->info;

	(void)r;
	sb_add(out, info->invert ? " ! --u32 " : " --u32 ");
	u32_text(out, info);
}

const struct extension ext_u32 = {
	.name = "u32",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct u32_data),
	.opts = u32_opts,
	.parse = u32_parse,
	.linearize = u32_linearize,
	/* the reference writes the same blob: no compat of its own */
	.delinearize = u32_delinearize,
	.print = u32_print,
	.save = u32_save,
};
