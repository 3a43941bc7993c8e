/* -h's text for every extension option (the help_arg and help fields of
 * struct ext_opt, src/ext.h): each option says what it does, names its
 * argument exactly when it takes one (both words when it takes two),
 * and has a line in the extension's -h section. Output is TAP.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "ext.h"
#include "util.h"

/* what ext_help may print after the option's column without the line
 * growing past 80 characters */
#define HELP_MAX 50

static unsigned test_num, failures;

static void ok(bool cond, const struct extension *ext, const struct ext_opt *o, const char *what)
{
	test_num++;
	if (!cond)
		failures++;
	printf("%sok %u - %s %s --%s %s\n", cond ? "" : "not ", test_num,
	       ext->kind == EXT_MATCH ? "-m" : "-j", ext->name, o->name, what);
}

/* Whether ext_help's section for ext has a line for option o. */
static bool section_names(const struct extension *ext, const struct ext_opt *o)
{
	struct strbuf sb;
	char want[64];
	bool found;

	sb_init(&sb);
	ext_help(&sb, ext);
	snprintf(want, sizeof(want), "--%s%s", o->name, ext_opt_has_arg(o) ? " " : "");
	found = strstr(sb.buf, want) != NULL;
	sb_free(&sb);
	return found;
}

int main(void)
{
	const struct extension *const *e;
	unsigned exts = 0;

	for (e = ext_all; *e; e++) {
		const struct extension *ext = *e;
		const struct ext_opt *o;

		exts++;
		for (o = ext->opts; o && o->name; o++) {
			bool arg = ext_opt_has_arg(o) || (o->flags & OF_NEXT_WORD);

			ok(o->help && *o->help, ext, o, "says what it does");
			ok(o->help && strlen(o->help) <= HELP_MAX, ext, o, "help fits the line");
			ok(arg ? o->help_arg && *o->help_arg : !o->help_arg, ext, o,
			   arg ? "names its argument" : "names no argument");
			ok(!ext_opt_two_args(o) || (o->help_arg && strchr(o->help_arg, ' ')), ext,
			   o, "names both words when it takes two");
			ok(section_names(ext, o), ext, o, "is in the -h section");
		}
	}
	test_num++;
	if (exts < 40)
		failures++;
	printf("%sok %u - ext_all holds %u extensions\n", exts < 40 ? "not " : "", test_num, exts);

	printf("1..%u\n", test_num);
	return failures ? 1 : 0;
}
