/* The option walker: every extension declares its options as a table of
 * struct ext_opt (src/ext.h); this reads an option's argument by its type
 * into the instance's data and checks the options as a whole, in the
 * reference's words. What no type describes is the extension's own
 * parse or check function's to do. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ext.h"
#include "num.h"
#include "parse.h"
#include "util.h"
#include "xtopt.h"

bool ext_opt_has_arg(const struct ext_opt *o)
{
	return o->type == OT_CUSTOM ? o->has_arg : o->type != OT_FLAG;
}

bool ext_opt_invertible(const struct ext_opt *o)
{
	return o->flags & OF_INV;
}

bool ext_opt_multi(const struct ext_opt *o)
{
	return o->flags & OF_MULTI;
}

bool ext_opt_two_args(const struct ext_opt *o)
{
	return o->flags & OF_TWO_ARGS;
}

const struct ext_opt *ext_opt_find(const struct extension *ext, const char *name)
{
	const struct ext_opt *o;

	for (o = ext->opts; o && o->name; o++)
		if (o->name[0] == name[0] && strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/* The largest value a destination of size bytes holds. */
static uint64_t size_max(unsigned size)
{
	return size >= 8 ? UINT64_MAX : (1ull << (size * 8)) - 1;
}

static uint64_t opt_max(const struct ext_opt *o)
{
	return o->max ? o->max : size_max(o->size);
}

static void store_uint(void *dst, unsigned size, uint64_t v)
{
	switch (size) {
	case 1: *(uint8_t *)dst = (uint8_t)v; break;
	case 2: { uint16_t x = (uint16_t)v; memcpy(dst, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(dst, &x, 4); break; }
	default: memcpy(dst, &v, 8); break;
	}
}

static uint64_t load_uint(const void *src, unsigned size)
{
	uint16_t x16;
	uint32_t x32;
	uint64_t x64;

	switch (size) {
	case 1: return *(const uint8_t *)src;
	case 2: memcpy(&x16, src, 2); return x16;
	case 4: memcpy(&x32, src, 4); return x32;
	default: memcpy(&x64, src, 8); return x64;
	}
}

/* "lo[:hi]" as the reference's numbers (xt_parse_uint_range). */
static int parse_range(struct parse_ctx *ctx, const struct ext_opt *o, const char *arg,
		       char *dst)
{
	uint64_t lo, hi;

	if (xt_parse_uint_range(ctx->err, ctx->ext->name, o->name, arg, opt_max(o), &lo, &hi,
				NULL) < 0)
		return -1;
	store_uint(dst, o->size, lo);
	store_uint(dst + o->size, o->size, hi);
	return 0;
}

static int parse_string(struct parse_ctx *ctx, const struct ext_opt *o, const char *arg,
			char *dst)
{
	size_t max = o->max ? o->max : (size_t)o->size - 1, len = strlen(arg);

	if (len < o->min)
		return err_param(ctx->err, "Argument must have a minimum length of %u characters\n",
				 (unsigned)o->min);
	if ((o->flags & OF_NOEMPTY) && len == 0)
		return err_param(ctx->err, "%s: Empty string for option \"--%s\".\n",
				 ctx->ext->name, o->name);
	if (len > max && (o->flags & OF_TRUNC))
		len = max;
	else if (len > max)
		return err_param(ctx->err, "%s: option \"--%s\" is too long (max %zu).\n",
				 ctx->ext->name, o->name, max);
	memcpy(dst, arg, len);
	dst[len] = '\0';
	return 0;
}

bool ext_sym_find(const struct ext_sym *syms, const char *word, size_t len, bool nocase,
		  uint32_t *value)
{
	const struct ext_sym *s;

	for (s = syms; s->name; s++) {
		if (strlen(s->name) != len ||
		    (nocase ? strncasecmp(word, s->name, len) : strncmp(word, s->name, len)) != 0)
			continue;
		*value = s->value;
		return true;
	}
	return false;
}

const char *ext_sym_name(const struct ext_sym *syms, uint32_t value)
{
	const struct ext_sym *s;

	for (s = syms; s->name; s++)
		if (s->value == value)
			return s->name;
	return NULL;
}

void ext_sym_text(struct strbuf *out, const struct ext_sym *syms, uint32_t value)
{
	const char *name = ext_sym_name(syms, value);

	if (name)
		sb_add(out, name);
	else
		sb_printf(out, "%u", value);
}

void ext_sym_bits(struct strbuf *out, const struct ext_sym *syms, uint32_t bits, char sep)
{
	const struct ext_sym *s;
	uint32_t named = 0;

	if (!bits) {
		s = syms;
		while (s->name && s->value)
			s++;
		if (s->name)
			sb_add(out, s->name);
		return;
	}
	for (s = syms; s->name; s++) {
		if (!s->value || (s->value & bits) != s->value || !(s->value & ~named))
			continue;
		if (named)
			sb_addc(out, sep);
		sb_add(out, s->name);
		named |= s->value;
	}
}

/* One word of an OT_ENUM option: a symbol, or with OF_NUM a number. */
static bool enum_word(const struct ext_opt *o, const char *word, size_t len, uint32_t *value)
{
	char num[32];
	uint64_t n;

	if (o->flags & OF_PREFIX) {
		const struct ext_sym *s;

		for (s = o->syms; s->name; s++) {
			size_t n = strlen(s->name);

			if (len >= n && ((o->flags & OF_NOCASE) ? strncasecmp(word, s->name, n) :
						 strncmp(word, s->name, n)) == 0) {
				*value = s->value;
				return true;
			}
		}
	}
	if (ext_sym_find(o->syms, word, len, o->flags & OF_NOCASE, value))
		return true;
	if (!(o->flags & OF_NUM) || len >= sizeof(num))
		return false;
	memcpy(num, word, len);
	num[len] = '\0';
	if (!num_uint(num, o->min, opt_max(o), &n))
		return false;
	*value = (uint32_t)n;
	return true;
}

static int enum_bad(struct parse_ctx *ctx, const struct ext_opt *o, const char *word)
{
	if (o->bad)
		return err_param(ctx->err, o->bad, word);
	return err_param(ctx->err, "%s: Bad value for \"--%s\" option: \"%s\"", ctx->ext->name,
			 o->name, word);
}

/* A word, or a list of them whose values add to the destination's. */
static int parse_enum(struct parse_ctx *ctx, const struct ext_opt *o, const char *arg,
		      char *dst)
{
	bool tok = o->flags & OF_LIST_TOK;
	const char *p = arg;
	uint32_t v, bits = 0;
	size_t len;

	if (!(o->flags & OF_LIST)) {
		if (!enum_word(o, arg, strlen(arg), &v))
			return enum_bad(ctx, o, arg);
		store_uint(dst, o->size, v);
		return 0;
	}
	for (;;) {
		len = strcspn(p, ",");
		if (len || !tok) {
			if (!enum_word(o, p, len, &v))
				return enum_bad(ctx, o, tok ? arg : p);
			bits |= v;
		}
		if (!p[len])
			break;
		p += len + 1;
	}
	store_uint(dst, o->size, load_uint(dst, o->size) | bits);
	return 0;
}

/* Values of a type some library function reads. */
static int parse_lib(struct parse_ctx *ctx, const struct ext_opt *o, const char *arg,
		     char *dst)
{
	const char *ext = ctx->ext->name;
	uint16_t lo, hi;

	switch (o->type) {
	case OT_PROTO:
		if (parse_protocol(arg, &lo, ctx->err) < 0)
			return -1;
		store_uint(dst, o->size, lo);
		return 0;
	case OT_HOSTMASK:
		return xt_parse_hostmask(ctx->err, ext, o->name, arg, ctx->rule->family,
					 (uint8_t *)dst, (uint8_t *)dst + 16);
	default:	/* OT_PORT_RANGE */
		if (xt_parse_port_range(ctx->err, ext, o->name, arg, &lo, &hi) < 0)
			return -1;
		memcpy(dst, &lo, 2);
		memcpy(dst + 2, &hi, 2);
		return 0;
	}
}

/* Read arg by o's type into data. */
static int parse_value(struct parse_ctx *ctx, void *data, const struct ext_opt *o,
		       const char *arg, bool inv)
{
	char *dst = o->dst ? (char *)data + o->dst - 1 : NULL;
	uint64_t v;

	switch (o->type) {
	case OT_FLAG:
		if (dst)
			store_uint(dst, o->size, o->max ? load_uint(dst, o->size) | o->max : 1);
		return 0;
	case OT_UINT:
		if (xt_parse_uint(ctx->err, ctx->ext->name, o->name, arg, o->min, opt_max(o),
				  &v) < 0)
			return -1;
		if (dst)
			store_uint(dst, o->size, v);
		return 0;
	case OT_UINT_RANGE:
		return parse_range(ctx, o, arg, dst);
	case OT_MARKMASK: {
		uint32_t mv, mm;

		if (xt_parse_markmask(ctx->err, ctx->ext->name, o->name, arg, &mv, &mm) < 0)
			return -1;
		memcpy(dst, &mv, 4);
		memcpy(dst + 4, &mm, 4);
		return 0;
	}
	case OT_STRING:
		return parse_string(ctx, o, arg, dst);
	case OT_ENUM:
		return parse_enum(ctx, o, arg, dst);
	case OT_PROTO:
	case OT_HOSTMASK:
	case OT_PORT_RANGE:
		return parse_lib(ctx, o, arg, dst);
	default:
		return ctx->ext->parse(ctx, data, o->id, arg, inv);
	}
}

/* The first option of the table, in its order, with an id in bits. */
static const struct ext_opt *first_of(const struct extension *ext, uint32_t bits)
{
	const struct ext_opt *o;

	for (o = ext->opts; o->name; o++)
		if (bits & (1u << o->id))
			return o;
	return NULL;
}

int ext_opt_parse(struct parse_ctx *ctx, void *data, const struct ext_opt *o, const char *arg,
		  bool inv, unsigned *seen)
{
	const char *ext = ctx->ext->name, *name = first_of(ctx->ext, 1u << o->id)->name;
	bool bad_inv = inv && !ext_opt_invertible(o), xt = o->flags & OF_NOINV_XT;

	if (bad_inv && !xt)
		return err_param(ctx->err, "unexpected ! flag before --%s", o->name);
	if ((*seen & (1u << o->id)) && !ext_opt_multi(o))
		return err_param(ctx->err, "%s: option \"--%s\" can only be used once.\n", ext,
				 name);
	if (bad_inv)
		return xt_err_noinv(ctx->err, ext, name);
	ctx->seen = *seen;
	if (parse_value(ctx, data, o, arg, inv) < 0)
		return -1;
	if (o->inv_dst)
		*((bool *)((char *)data + o->inv_dst - 1)) = inv;
	*seen |= 1u << o->id;
	return 0;
}

int ext_opt_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	const struct extension *ext = ctx->ext;
	const struct ext_opt *o, *other;

	for (o = ext->opts; o && o->name; o++) {
		if ((o->flags & OF_MAND) && !(seen & (1u << o->id)))
			return xt_err_mandatory(ctx->err, ext->name, o->name);
		if (!(seen & (1u << o->id)))
			continue;
		other = first_of(ext, o->excl & seen);
		if (other)
			return xt_err_conflict(ctx->err, ext->name, o->name, other->name);
		other = first_of(ext, o->also & ~seen);
		if (other)
			return err_param(ctx->err, "%s: option \"--%s\" also requires \"--%s\".\n",
					 ext->name, o->name, other->name);
	}
	return ext->check ? ext->check(ctx, data, seen) : 0;
}

void ext_help(struct strbuf *out, const struct extension *ext)
{
	const struct ext_opt *o;

	sb_printf(out, "\n%s %s options:\n", ext->help_title ? ext->help_title : ext->name,
		  ext->kind == EXT_MATCH ? "match" : "target");
	for (o = ext->opts; o && o->name; o++) {
		const char *arg = o->help_arg ? o->help_arg : ext_opt_has_arg(o) ? "value" : "";
		size_t start = out->len;

		/* "[!] " where a '!' may come and the reference's help says
		 * so; help_arg names both words of a two-word option */
		sb_printf(out, "%s--%s%s%s%s",
			  (o->flags & (OF_INV | OF_INV_HIDDEN)) == OF_INV ? "[!] " : "    ", o->name,
			  *arg ? " " : "", arg,
			  ext_opt_two_args(o) && !o->help_arg ? " value" : "");
		if (o->help) {
			size_t col = out->len - start;

			/* in the column, or under it when the option is too wide */
			if (col < 31)
				sb_printf(out, "%*s%s", (int)(32 - col), "", o->help);
			else
				sb_printf(out, "\n%32s%s", "", o->help);
		}
		sb_add(out, "\n");
	}
	if ((!ext->opts || !ext->opts->name) && !ext->help)
		sb_add(out, "    (none)\n");
	if (ext->help)
		ext->help(out);
}
