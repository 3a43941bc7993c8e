/* -m connlabel [!] --label name [--set]: whether the packet's connection
 * carries a conntrack label (a bit of 128), and with --set, give it the
 * label first.
 *
 * nft's `ct label` reads the same bits, but differs in the kernel: the
 * xt match asks conntrack to keep labels for every new connection when
 * the rule is added (so that conntrack(8) or ctnetlink may set them),
 * which a `ct label` test never does, and it answers "!" for a packet
 * without a connection, where `ct label` never matches. So the rule holds
 * the reference's xt match in both write modes: revision 0, struct
 * xt_connlabel_mtinfo, 4 bytes (8 with the kernel's padding):
 *
 *   0     2         4
 *   +-----+---------+
 *   | bit | options |
 *   +-----+---------+
 *   options: XT_CONNLABEL_OP_INVERT, XT_CONNLABEL_OP_SET
 *
 * The kernel refuses a bit past 127 (ERANGE), as for the reference.
 *
 * Names come from /etc/xtables/connlabel.conf, lines "bit name" (Debian
 * ships none). A name is read only when the label is not a number; -L
 * and -S look every label up, warning on stderr when the file cannot be
 * opened, as the reference does.
 */
#include <ctype.h>
#include <errno.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_connlabel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

#define CONNLABEL_CONF "/etc/xtables/connlabel.conf"

struct connlabel_data {
	struct xt_connlabel_mtinfo info;
};

enum { O_LABEL, O_SET };

static const struct ext_opt connlabel_opts[] = {
	{ .name = "label", .id = O_LABEL, .type = OT_CUSTOM, .has_arg = true,
	  .flags = OF_INV | OF_MAND, .help_arg = "name",
	  .help = "the connection has this label (or bit)" },
	{ .name = "set", .id = O_SET, .type = OT_FLAG, .flags = OF_NOINV_XT,
	  OPT_DST(struct connlabel_data, info.options), .max = XT_CONNLABEL_OP_SET,
	  .help = "give the connection the label first" },
	{ .name = NULL },
};

/* The names of the label file, in its order: the first line naming a
 * bit counts, and a name means the first bit it names. */
struct label_map {
	struct label_entry {
		uint16_t bit;
		char *name;
	} *v;
	size_t n;
};

/* A name of the file: letters, digits, '-' and blanks. */
static bool label_name_ok(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != ' ')
			return false;
	return true;
}

static const char *label_of_bit(const struct label_map *m, uint16_t bit)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->v[i].bit == bit)
			return m->v[i].name;
	return NULL;
}

/* One line "bit name" into m, unless it is none or names a bit again. */
static void label_line(struct label_map *m, char *line)
{
	char *name;
	unsigned long bit = strtoul(line, &name, 0);
	size_t len;

	if (name == line || !isspace((unsigned char)*name))
		return;
	while (isspace((unsigned char)*name))
		name++;
	len = strlen(name);
	while (len && isspace((unsigned char)name[len - 1]))
		name[--len] = '\0';
	if (!len || !label_name_ok(name) || label_of_bit(m, (uint16_t)bit))
		return;
	m->v = xrealloc(m->v, (m->n + 1) * sizeof(m->v[0]));
	m->v[m->n].bit = (uint16_t)bit;
	m->v[m->n++].name = xstrdup(name);
}

static void label_map_free(struct label_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i].name);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/* The file's names into m (none, after a warning on stderr, when it
 * cannot be opened); -1 with err set when it holds none. */
static int label_map_load(struct ipt_error *err, struct label_map *m)
{
	char line[1024];
	FILE *f = fopen(CONNLABEL_CONF, "re");

	m->v = NULL;
	m->n = 0;
	if (!f) {
		fprintf(stderr, "Warning: cannot open %s: %s\n", CONNLABEL_CONF, strerror(errno));
		return 0;
	}
	while (fgets(line, sizeof(line), f))
		label_line(m, line);
	fclose(f);
	if (m->n == 0) {
		err_versioned(err, EXIT_RESOURCE, "cannot parse %s: no labels found",
			      CONNLABEL_CONF);
		return err_no_line(err);
	}
	return 0;
}

/* A number as the reference takes it: any strtoul form whose low 32
 * bits are a non-negative int, cut to 16 bits. */
static bool label_number(const char *s, uint16_t *bit)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*end || (int32_t)(uint32_t)v < 0)
		return false;
	*bit = (uint16_t)v;
	return true;
}

static int connlabel_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_connlabel_mtinfo *info = &((struct connlabel_data *)data)->info;
	struct label_map m;
	size_t i;

	(void)id;
	if (!*arg)
		return err_param(ctx->err, "Argument must have a minimum length of 1 characters\n");
	if (inv)
		info->options |= XT_CONNLABEL_OP_INVERT;
	if (label_number(arg, &info->bit))
		return 0;
	if (label_map_load(ctx->err, &m) < 0)
		return -1;
	for (i = 0; i < m.n; i++) {
		if (!strcmp(m.v[i].name, arg)) {
			info->bit = m.v[i].bit;
			label_map_free(&m);
			return 0;
		}
	}
	label_map_free(&m);
	return err_param(ctx->err, "label '%s' not found or invalid value", arg);
}

static void connlabel_linearize(struct lin_ctx *c, const void *data)
{
	lin_xt_match(c, "connlabel", 0, &((const struct connlabel_data *)data)->info,
		     sizeof(struct xt_connlabel_mtinfo));
}

static bool connlabel_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_connlabel_mtinfo *i = &((struct connlabel_data *)data)->info;

	if (!delin_xt_match(c, "connlabel", 0, i, sizeof(*i)) ||
	    (i->options & ~(XT_CONNLABEL_OP_INVERT | XT_CONNLABEL_OP_SET)))
		return false;
	c->pos++;
	return true;
}

/* The label's name, into buf; false (after the reference's warning) when
 * the file has none for it. A file without names counts as none here:
 * the reference stops listing with an error then. */
static bool label_name(uint16_t bit, char *buf, size_t size)
{
	struct ipt_error *err = xzalloc(sizeof(*err));
	struct label_map m;
	const char *name;
	bool found = false;

	if (label_map_load(err, &m) == 0 && (name = label_of_bit(&m, bit))) {
		snprintf(buf, size, "%s", name);
		found = true;
	}
	label_map_free(&m);
	free(err);
	return found;
}

static void connlabel_print(struct strbuf *out, const void *data, const struct rule *r,
			    unsigned fmt)
{
	const struct xt_connlabel_mtinfo *info = &((const struct connlabel_data *)data)->info;
	char name[1024];
	bool named = label_name(info->bit, name, sizeof(name));

	(void)r;
	sb_add(out, " connlabel");
	if (info->options & XT_CONNLABEL_OP_INVERT)
		sb_add(out, " !");
	if (named && !(fmt & FMT_NUMERIC))
		sb_printf(out, " '%s'", name);
	else
		sb_printf(out, " %u", info->bit);
	if (info->options & XT_CONNLABEL_OP_SET)
		sb_add(out, " set");
}

static void connlabel_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_connlabel_mtinfo *info = &((const struct connlabel_data *)data)->info;
	char name[1024];

	(void)r;
	if (info->options & XT_CONNLABEL_OP_INVERT)
		sb_add(out, " !");
	if (label_name(info->bit, name, sizeof(name)))
		sb_printf(out, " --label \"%s\"", name);
	else
		sb_printf(out, " --label \"%u\"", info->bit);
	if (info->options & XT_CONNLABEL_OP_SET)
		sb_add(out, " --set");
}

const struct extension ext_connlabel = {
	.name = "connlabel",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct connlabel_data),
	.opts = connlabel_opts,
	.parse = connlabel_parse,
	.linearize = connlabel_linearize,
	.delinearize = connlabel_delinearize,
	/* the reference's -C and -D compare none of the blob's bytes */
	.equal_any = true,
	.print = connlabel_print,
	.save = connlabel_save,
};
