/* -m string: a byte string somewhere in the packet (xt_string), found
 * by the kernel's text search (Boyer-Moore or Knuth-Morris-Pratt).
 *
 *   [!] --string TEXT | [!] --hex-string TEXT    what to look for
 *   --algo bm|kmp   --from N   --to N   --icase
 *
 * nf_tables has no expression that searches a packet, so iptnft writes
 * the reference's own xt blob, revision 1, in both write modes.
 */
#include <ctype.h>
#include <linux/netfilter/xt_string.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "xtopt.h"

#define STRING_REV 1
#define TO_DEFAULT UINT16_MAX

/*
 * The blob, struct xt_string_info (revision 1, 160 bytes):
 *
 *   0      2      4            20               148      149     150  152       160
 *   +------+------+------------+------//--------+--------+-------+----+---------+
 *   | from | to   | algo[16]   | pattern[128]   | patlen | flags |pad | config  |
 *   +------+------+------------+------//--------+--------+-------+----+---------+
 *   flags: XT_STRING_FLAG_INVERT, XT_STRING_FLAG_IGNORECASE; config is
 *   the kernel's own pointer, zero from user space
 */
struct string_data {
	struct xt_string_info info;
};

enum { O_FROM, O_TO, O_ALGO, O_ICASE, O_STRING, O_HEX_STRING };

static const struct ext_opt string_opts[] = {
	{ .name = "from", .id = O_FROM, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct string_data, info.from_offset), .help_arg = "offset",
	  .help = "search from this packet offset on" },
	{ .name = "to", .id = O_TO, .type = OT_UINT, .flags = OF_NOINV_XT,
	  OPT_DST(struct string_data, info.to_offset), .help_arg = "offset",
	  .help = "search up to this packet offset" },
	/* mandatory, but checked after the pattern's presence: check's */
	{ .name = "algo", .id = O_ALGO, .type = OT_STRING, .flags = OF_NOINV_XT | OF_TRUNC,
	  OPT_DST(struct string_data, info.algo), .help_arg = "bm|kmp",
	  .help = "the search: Boyer-Moore or Knuth-Morris-Pratt" },
	{ .name = "icase", .id = O_ICASE, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct string_data, info.u.v1.flags), .max = XT_STRING_FLAG_IGNORECASE,
	  .help = "ignore the case of letters" },
	/* the pattern's own grammar and limits; their conflict is check's */
	{ .name = "string", .id = O_STRING, .type = OT_CUSTOM, .has_arg = true, .flags = OF_INV,
	  .help_arg = "text", .help = "the bytes to look for, as given" },
	{ .name = "hex-string", .id = O_HEX_STRING, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV, .help_arg = "text",
	  .help = "same, with |hex pairs| and \\ escapes" },
	{ .name = NULL },
};

static void string_init(void *data, uint8_t family)
{
	(void)family;
	((struct string_data *)data)->info.to_offset = TO_DEFAULT;
}

static int too_long(struct parse_ctx *ctx, const char *arg)
{
	return err_param(ctx->err, "STRING too long \"%s\"", arg);
}

static int hex_digit(char c)
{
	return isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
}

/* One |..| pair at s[i] (n bytes in all) into *byte. */
static int hex_pair(struct parse_ctx *ctx, const char *s, size_t i, size_t n, uint8_t *byte)
{
	if (i + 1 >= n)
		return err_param(ctx->err, "Odd number of hex digits");
	if (i + 2 >= n)
		return err_param(ctx->err, "Invalid hex block");
	if (!isxdigit((unsigned char)s[i]))
		return err_param(ctx->err, "Invalid hex char '%c'", s[i]);
	if (!isxdigit((unsigned char)s[i + 1]))
		return err_param(ctx->err, "Invalid hex char '%c'", s[i + 1]);
	*byte = (uint8_t)(hex_digit(s[i]) << 4 | hex_digit(s[i + 1]));
	return 0;
}

/*
 * The reference's grammar for --hex-string: bytes as given, '\' takes
 * the next one as it is, and between two '|' pairs of hex digits, a
 * blank after each pair and any blanks after the opening '|'. A '|'
 * at the very end is dropped (closing or not); the byte right after a
 * '|' is taken in the new mode without a second look, so "|41||" is
 * "A|". Each pair needs a byte after it (the closing '|').
 */
static int parse_hex_string(struct parse_ctx *ctx, const char *s, struct xt_string_info *info)
{
	size_t n = strlen(s), i = 0, len = 0;
	bool hex = false;

	while (i < n) {
		if (len >= XT_STRING_MAX_PATTERN_SIZE)
			return too_long(ctx, s);
		if (s[i] == '\\') {
			if (hex)
				return err_param(ctx->err, "Cannot include literals in hex data");
			if (i + 1 >= n)
				return err_param(ctx->err, "Bad literal placement at end of string");
			info->pattern[len++] = s[i + 1];
			i += 2;
			continue;
		}
		if (s[i] == '|') {
			if (i + 1 >= n)
				break;
			hex = !hex;
			i++;
			while (hex && i < n && s[i] == ' ')
				i++;
			if (i >= n)
				break;
		}
		if (!hex) {
			info->pattern[len++] = s[i++];
			continue;
		}
		if (hex_pair(ctx, s, i, n, (uint8_t *)&info->pattern[len]) < 0)
			return -1;
		len++;
		i += 2;
		if (i < n && s[i] == ' ')
			i++;
	}
	info->patlen = (uint8_t)len;
	return 0;
}

static int string_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_string_info *info = &((struct string_data *)data)->info;
	size_t len = strlen(arg);

	if (inv)
		info->u.v1.flags |= XT_STRING_FLAG_INVERT;
	if (id == O_HEX_STRING) {
		if (len == 0)
			return err_param(ctx->err, "STRING must contain at least one char");
		return parse_hex_string(ctx, arg, info);
	}
	if (len > XT_STRING_MAX_PATTERN_SIZE)
		return too_long(ctx, arg);
	memcpy(info->pattern, arg, len);
	info->patlen = (uint8_t)len;
	return 0;
}

/* The reference's order: a pattern at all, --algo, then the two
 * patterns' conflict. */
static int string_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	if (!(seen & (1u << O_STRING | 1u << O_HEX_STRING)))
		return err_param(ctx->err, "STRING match: You must specify `--string' or `--hex-string'");
	if (!(seen & (1u << O_ALGO)))
		return xt_err_mandatory(ctx->err, "string", "algo");
	if ((seen & (1u << O_STRING)) && (seen & (1u << O_HEX_STRING)))
		return xt_err_conflict(ctx->err, "string", "string", "hex-string");
	return 0;
}

static void string_linearize(struct lin_ctx *c, const void *data)
{
	const struct string_data *d = data;

	lin_xt(c, false, "string", STRING_REV, &d->info, sizeof(d->info));
}

static bool string_delinearize(struct delin_ctx *c, void *data)
{
	struct string_data *d = data;
	const void *p = xt_blob(delin_peek(c), false, "string", STRING_REV, sizeof(d->info));

	if (!p)
		return false;
	memcpy(&d->info, p, sizeof(d->info));
	d->info.config = NULL;
	if (d->info.patlen > XT_STRING_MAX_PATTERN_SIZE)
		d->info.patlen = XT_STRING_MAX_PATTERN_SIZE;
	c->pos++;
	return true;
}

/* Printable bytes (not ending in '\') go in quotes with '"' and '\'
 * escaped, as --string; anything else as one |hex| block. */
static bool pattern_is_text(const struct xt_string_info *info)
{
	unsigned i;

	for (i = 0; i < info->patlen; i++)
		if (!isprint((unsigned char)info->pattern[i]))
			return false;
	return info->patlen == 0 || info->pattern[info->patlen - 1] != '\\';
}

static void pattern_text(struct strbuf *out, const struct xt_string_info *info, bool text)
{
	unsigned i;

	sb_add(out, text ? "\"" : "\"|");
	for (i = 0; i < info->patlen; i++) {
		char c = info->pattern[i];

		if (!text)
			sb_printf(out, "%02x", (uint8_t)c);
		else if (c == '"' || c == '\\')
			sb_printf(out, "\\%c", c);
		else
			sb_printf(out, "%c", c);
	}
	sb_add(out, text ? "\"" : "|\"");
}

/* -L's text, or with save -S's. */
static void string_text(struct strbuf *out, const struct xt_string_info *info, bool save)
{
	bool text = pattern_is_text(info), inv = info->u.v1.flags & XT_STRING_FLAG_INVERT;

	if (save)
		sb_printf(out, "%s --%s ", inv ? " !" : "", text ? "string" : "hex-string");
	else
		sb_printf(out, " STRING match %s ", inv ? "!" : "");
	pattern_text(out, info, text);
	sb_printf(out, save ? " --algo %.*s" : " ALGO name %.*s", XT_STRING_MAX_ALGO_NAME_SIZE,
		  info->algo);
	if (info->from_offset)
		sb_printf(out, save ? " --from %u" : " FROM %u", info->from_offset);
	if (info->to_offset != TO_DEFAULT)
		sb_printf(out, save ? " --to %u" : " TO %u", info->to_offset);
	if (info->u.v1.flags & XT_STRING_FLAG_IGNORECASE)
		sb_add(out, save ? " --icase" : " ICASE");
}

static void string_print(struct strbuf *out, const void *data, const struct rule *r,
			 unsigned fmt)
{
	(void)r;
	(void)fmt;
	string_text(out, &((const struct string_data *)data)->info, false);
}

static void string_save(struct strbuf *out, const void *data, const struct rule *r)
{
	(void)r;
	string_text(out, &((const struct string_data *)data)->info, true);
}

const struct extension ext_string = {
	.name = "string",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct string_data),
	.opts = string_opts,
	.init = string_init,
	.parse = string_parse,
	.check = string_check,
	.linearize = string_linearize,
	/* the reference writes the same blob: no compat of its own */
	.delinearize = string_delinearize,
	.print = string_print,
	.save = string_save,
};
