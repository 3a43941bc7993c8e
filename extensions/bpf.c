/* -m bpf: match when a BPF program run over the packet (from its
 * network header) returns non-zero. Either classic BPF given inline,
 *
 *   --bytecode "N,code jt jf k,code jt jf k,..."
 *
 * (the form nfbpf_compile and tcpdump -ddd print, commas for new
 * lines), or an eBPF socket filter pinned in a bpf file system:
 *
 *   --object-pinned PATH
 *
 * nf_tables runs no BPF, so the rule holds the reference's xt match in
 * both write modes: revision 1, struct xt_bpf_info_v1 (528 bytes):
 * u16 mode, u16 number of instructions, s32 fd, then 512 bytes holding
 * the instructions (struct sock_filter, 8 bytes each) or the path, then
 * the kernel's program pointer. For a pinned object the kernel opens
 * the path itself; the fd (ours, checked and closed) only shows that
 * the object was there when the rule was parsed, and is no part of
 * what -C and -D compare.
 */
#include <linux/bpf.h>
#include <linux/netfilter/xt_bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "expr.h"
#include "ext.h"
#include "util.h"
#include "xtopt.h"

enum { O_BYTECODE, O_PINNED };

struct bpf_data {
	struct xt_bpf_info_v1 info;
};

static const struct ext_opt bpf_opts[] = {
	{ .name = "bytecode", .id = O_BYTECODE, .type = OT_CUSTOM, .flags = OF_NOINV_XT,
	  .has_arg = true, .help_arg = "program",
	  .help = "classic BPF: \"N,code jt jf k,...\"" },
	{ .name = "object-pinned", .id = O_PINNED, .type = OT_CUSTOM, .flags = OF_NOINV_XT,
	  .has_arg = true, .help_arg = "path",
	  .help = "an eBPF socket filter pinned in bpffs" },
	{ .name = NULL },
};

/* "N,ins,ins,...": N first, then instructions of four numbers each up
 * to the next comma. Like the reference, each number is read the way
 * scanf's %hu/%hhu/%u read it (blanks before, a sign, the value cut to
 * the field), and a comma with nothing after it ends the program. */
static int bpf_parse_bytecode(struct ipt_error *err, struct xt_bpf_info_v1 *info,
			      const char *arg)
{
	unsigned short len;
	const char *p;
	unsigned i = 0;
	char sep;

	if (sscanf(arg, "%hu%c", &len, &sep) != 2 || sep != ',')
		return err_param(err, "bpf: error parsing program length");
	if (len > XT_BPF_MAX_NUM_INSTR)
		return err_param(err, "bpf: number of instructions exceeds maximum");
	if (len == 0)
		return err_param(err, "bpf: illegal zero length program");
	for (p = strchr(arg, ',') + 1; *p; p++) {
		struct sock_filter *ins = &info->bpf_program[i];

		if (i >= len)
			return err_param(err, "bpf: real program length exceeds the "
					 "encoded length parameter");
		if (sscanf(p, "%hu %hhu %hhu %u", &ins->code, &ins->jt, &ins->jf, &ins->k) != 4)
			return err_param(err, "bpf: error at instr %u", i);
		i++;
		p = strchr(p, ',');
		if (!p)
			break;
	}
	if (i < len)
		return err_param(err, "bpf: parsed program length is less than the encoded "
				 "length parameter");
	info->mode = XT_BPF_MODE_BYTECODE;
	info->bpf_program_num_elem = len;
	return 0;
}

/* The object must be there now: get it read-only and let it go. */
static int bpf_parse_pinned(struct ipt_error *err, struct xt_bpf_info_v1 *info,
			    const char *arg)
{
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uint64_t)(uintptr_t)arg;
	attr.file_flags = BPF_F_RDONLY;
	fd = syscall(__NR_bpf, BPF_OBJ_GET, &attr, sizeof(attr));
	if (fd < 0)
		return err_param(err, "bpf: failed to get bpf object");
	close((int)fd);
	info->mode = XT_BPF_MODE_FD_PINNED;
	info->fd = (int32_t)fd;
	snprintf(info->path, sizeof(info->path), "%s", arg);
	return 0;
}

static int bpf_parse(struct parse_ctx *ctx, void *data, int id, const char *arg, bool inv)
{
	struct xt_bpf_info_v1 *info = &((struct bpf_data *)data)->info;

	(void)inv;
	if (id == O_BYTECODE)
		return bpf_parse_bytecode(ctx->err, info, arg);
	return bpf_parse_pinned(ctx->err, info, arg);
}

static int bpf_check(struct parse_ctx *ctx, void *data, unsigned seen)
{
	(void)data;
	/* one of the two, not both */
	if (seen != 1u << O_BYTECODE && seen != 1u << O_PINNED)
		return err_param(ctx->err, "bpf: one of --bytecode or --pinned is required");
	return 0;
}

static void bpf_linearize(struct lin_ctx *c, const void *data)
{
	const struct bpf_data *d = data;

	lin_xt(c, false, "bpf", 1, &d->info, sizeof(d->info));
}

static bool bpf_delinearize(struct delin_ctx *c, void *data)
{
	struct xt_bpf_info_v1 *info = &((struct bpf_data *)data)->info;
	const void *blob = xt_blob(delin_peek(c), false, "bpf", 1, sizeof(*info));
	size_t used;

	if (!blob)
		return false;
	memcpy(info, blob, sizeof(*info));
	if (info->mode == XT_BPF_MODE_BYTECODE) {
		if (info->bpf_program_num_elem > XT_BPF_MAX_NUM_INSTR)
			return false;
		used = info->bpf_program_num_elem * sizeof(struct sock_filter);
	} else if (info->mode == XT_BPF_MODE_FD_PINNED) {
		if (!memchr(info->path, '\0', sizeof(info->path)))
			return false;
		used = strlen(info->path);
	} else {
		return false;
	}
	/* what parse leaves: nothing after the program or the path */
	memset((char *)info->bpf_program + used, 0, sizeof(info->path) - used);
	info->filter = NULL;
	c->pos++;
	return true;
}

/* The same program or path, whatever the fds. */
static bool bpf_equal(const void *a, const void *b)
{
	const struct xt_bpf_info_v1 *x = &((const struct bpf_data *)a)->info;
	const struct xt_bpf_info_v1 *y = &((const struct bpf_data *)b)->info;

	return x->mode == y->mode && x->bpf_program_num_elem == y->bpf_program_num_elem &&
	       memcmp(x->path, y->path, sizeof(x->path)) == 0;
}

static void bpf_program_text(struct strbuf *out, const struct xt_bpf_info_v1 *info)
{
	unsigned i;

	for (i = 0; i < info->bpf_program_num_elem; i++) {
		const struct sock_filter *ins = &info->bpf_program[i];

		sb_printf(out, "%s%u %u %u %u", i ? "," : "", ins->code, ins->jt, ins->jf,
			  ins->k);
	}
}

/* -L ends a program with a NUL byte, as the reference's listing does */
static void bpf_print(struct strbuf *out, const void *data, const struct rule *r, unsigned fmt)
{
	const struct xt_bpf_info_v1 *info = &((const struct bpf_data *)data)->info;

	(void)r;
	(void)fmt;
	if (info->mode == XT_BPF_MODE_FD_PINNED) {
		sb_printf(out, "match bpf pinned %s", info->path);
		return;
	}
	sb_add(out, "match bpf ");
	bpf_program_text(out, info);
	sb_addn(out, "", 1);
}

static void bpf_save(struct strbuf *out, const void *data, const struct rule *r)
{
	const struct xt_bpf_info_v1 *info = &((const struct bpf_data *)data)->info;

	(void)r;
	if (info->mode == XT_BPF_MODE_FD_PINNED) {
		sb_printf(out, " --object-pinned %s", info->path);
		return;
	}
	sb_printf(out, " --bytecode \"%u,", info->bpf_program_num_elem);
	bpf_program_text(out, info);
	sb_addc(out, '"');
}

const struct extension ext_bpf = {
	.name = "bpf",
	.kind = EXT_MATCH,
	.families = EXT_BOTH,
	.size = sizeof(struct bpf_data),
	.opts = bpf_opts,
	.parse = bpf_parse,
	.check = bpf_check,
	.linearize = bpf_linearize,
	.delinearize = bpf_delinearize,
	.equal = bpf_equal,
	.print = bpf_print,
	.save = bpf_save,
};
