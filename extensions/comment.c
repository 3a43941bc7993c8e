/* -m comment --comment TEXT: a note on the rule, with no expression of
 * its own. The text is the rule's userdata comment, the one nft shows as
 * comment "TEXT"; the core writes it from comment() and gives it back
 * through from_comment(). The reference writes an xt comment blob
 * instead, read below, and so does --compat.
 *
 * The kernel allows 256 bytes of userdata per rule, shared with the list
 * of matches iptnft keeps there, so a comment near the reference's 255
 * characters may not fit, nor a second comment: those are written as the
 * reference's blob, whole. Under --compat each comment is its own blob.
 */
#include <ctype.h>
#include <linux/netfilter/x_tables.h>
#include <stdio.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "rule.h"
#include "xtopt.h"

#define COMMENT_MAX 255		/* the reference keeps at most this much */
#define USERDATA_MAX 256	/* NFT_USERDATA_MAXLEN */
#define TLV_OVERHEAD 3		/* type, length, terminating NUL */

struct comment_data {
	char text[COMMENT_MAX + 1];
};

enum { O_COMMENT };

static const struct ext_opt comment_opts[] = {
	{ .name = "comment", .id = O_COMMENT, .type = OT_STRING,
	  .flags = OF_NOINV_XT | OF_MAND | OF_TRUNC, .max = COMMENT_MAX,
	  /* 256 bytes do not fit .size: max says how much it takes */
	  .dst = offsetof(struct comment_data, text) + 1,
	  .help_arg = "text", .help = "a note kept with the rule, never matched on" },
	{ .name = NULL },
};

extern const struct extension ext_comment;

static void set_text(struct comment_data *d, const char *s)
{
	str_copy(d->text, sizeof(d->text), s, sizeof(d->text));
}

/* What the core's list of matches may take in userdata: each name with
 * ':' and an item count of up to three digits, and what the match keeps
 * beside it, comma separated. */
static size_t match_list_room(const struct rule *r)
{
	const struct ext_inst *m;
	size_t n = 0;

	for (m = r->matches; m; m = m->next) {
		char extra[UDATA_EXTRA_MAX] = "";

		n += strlen(m->ext->name) + 5;
		if (m->ext->udata_save)
			m->ext->udata_save(m->data, extra, sizeof(extra));
		n += extra[0] ? strlen(extra) + 1 : 0;
	}
	return n + TLV_OVERHEAD;
}

/* Too long for the userdata the rule leaves it. */
static bool comment_too_long(const struct comment_data *d, const struct rule *r)
{
	return strlen(d->text) > USERDATA_MAX - TLV_OVERHEAD - match_list_room(r);
}

/* Userdata holds one comment that fits: the first one; any other is a
 * blob. */
static bool comment_xt_only(const void *data, const struct rule *r)
{
	const struct ext_inst *m;

	for (m = r->matches; m && m->data != data; m = m->next)
		if (m->ext == &ext_comment && !comment_too_long(m->data, r))
			return true;
	return comment_too_long(data, r);
}

static const char *comment_comment(const void *data)
{
	const struct comment_data *d = data;

	return d->text;
}

static void comment_from_comment(void *data, const char *comment)
{
	set_text(data, comment);
}

/*
 * The reference's blob, revision 0 (struct xt_comment_info):
 *
 *   0                                                   256
 *   +---------------------------------------------------+
 *   | comment: NUL-terminated text, 255 characters max   |
 *   +---------------------------------------------------+
 */
static enum compat_res comment_compat(struct lin_ctx *c, const void *data, struct xt_out *out)
{
	const struct comment_data *d = data;

	(void)c;
	out->rev = 0;
	out->len = XT_ALIGN(COMMENT_MAX + 1);
	memcpy(out->info, d->text, strlen(d->text));
	return COMPAT_XT;
}

static bool comment_delinearize(struct delin_ctx *c, void *data)
{
	const char *blob = xt_blob(delin_peek(c), false, "comment", 0, COMMENT_MAX + 1);
	struct comment_data *d = data;

	if (!blob)
		return false;
	memcpy(d->text, blob, COMMENT_MAX);
	d->text[COMMENT_MAX] = '\0';
	c->pos++;
	return true;
}

static void comment_print(struct strbuf *out, const void *data, const struct rule *r,
			  unsigned fmt)
{
	const struct comment_data *d = data;

	(void)r;
	(void)fmt;
	sb_add2(out, " /* ", d->text);
	sb_add(out, " */");
}

/* The reference quotes every comment that is not all letters, digits,
 * '-' and '_', and escapes quotes and backslashes inside. */
static void comment_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct comment_data *d = data;
	bool plain = d->text[0] != '\0';
	const char *p;

	(void)r;
	for (p = d->text; *p && plain; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			plain = false;
	sb_add(out, " --comment ");
	if (plain) {
		sb_add(out, d->text);
		return;
	}
	sb_addc(out, '"');
	for (p = d->text; *p;) {
		size_t run = strcspn(p, "\"\\'");

		sb_addn(out, p, run);
		p += run;
		if (*p) {
			sb_addc(out, '\\');
			sb_addc(out, *p++);
		}
	}
	sb_addc(out, '"');
}

const struct extension ext_comment = {
	.name = "comment",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct comment_data),
	.opts = comment_opts,
	.compat = comment_compat,
	.xt_only = comment_xt_only,
	.delinearize = comment_delinearize,
	.comment = comment_comment,
	.from_comment = comment_from_comment,
	.print = comment_print,
	.save = comment_save,
};
