#include "error.h"

#include <config.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "op.h"

static int err_set(struct ipt_error *e, enum err_style style, int code,
		   const char *fmt, va_list ap)
{
	e->style = style;
	e->code = code;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return -1;
}

int err_param(struct ipt_error *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_set(e, ERR_PARAM, EXIT_PARAM, fmt, ap);
	va_end(ap);
	return -1;
}

int err_versioned(struct ipt_error *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_set(e, ERR_VERSIONED, code, fmt, ap);
	va_end(ap);
	return -1;
}

int err_no_line(struct ipt_error *e)
{
	if (e->style == ERR_VERSIONED)
		e->style = ERR_VERSIONED_NOLINE;
	return -1;
}

int err_plain(struct ipt_error *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_set(e, ERR_PLAIN, code, fmt, ap);
	va_end(ap);
	return -1;
}

int err_param_bare(struct ipt_error *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_set(e, ERR_PARAM_BARE, EXIT_PARAM, fmt, ap);
	va_end(ap);
	return -1;
}

int err_raw(struct ipt_error *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_set(e, ERR_RAW, code, fmt, ap);
	va_end(ap);
	return -1;
}

const char *err_kernel_text(int errnum, int op)
{
	switch (errnum) {
	case ENOENT:
		if (op == OP_DELETE_NUM || op == OP_CHECK || op == OP_DELETE)
			return "Bad rule (does a matching rule exist in that chain?).";
		return "No chain/target/match by that name.";
	case EEXIST:
		return "Chain already exists.";
	case ENOTEMPTY:
		return "Directory not empty.";
	case EBUSY:
		return "Device or resource busy.";
	case ELOOP:
		return "Too many levels of symbolic links.";
	case EPERM:
	case EACCES:
		return "Permission denied (you must be root).";
	case E2BIG:
		return "Index of deletion too big.";
	case EINVAL:
		return "Invalid argument.";
	case ERANGE:
		return "Index of insertion too big.";
	}
	return strerror(errnum);
}

int err_report(const struct ipt_error *e, const char *prog)
{
	switch (e->style) {
	case ERR_NONE:
		return 0;
	case ERR_PARAM:
		fprintf(stderr, "%s v%s (nf_tables): %s\n", prog, IPTABLES_COMPAT_VERSION, e->msg);
		fprintf(stderr, "Try `%s -h' or '%s --help' for more information.\n", prog, prog);
		break;
	case ERR_VERSIONED:
	case ERR_VERSIONED_NOLINE:
		fprintf(stderr, "%s v%s (nf_tables): %s\n", prog, IPTABLES_COMPAT_VERSION, e->msg);
		break;
	case ERR_PLAIN:
		fprintf(stderr, "%s: %s\n", prog, e->msg);
		break;
	case ERR_RAW:
		fputs(e->msg, stderr);
		break;
	case ERR_PARAM_BARE:
		fprintf(stderr, "%s\n", e->msg);
		fprintf(stderr, "Try `%s -h' or '%s --help' for more information.\n", prog, prog);
		break;
	}
	return e->code;
}

int err_report_line(const struct ipt_error *e, const char *prog, unsigned line)
{
	switch (e->style) {
	case ERR_NONE:
		return 0;
	case ERR_PARAM:
		fprintf(stderr, "%s v%s (nf_tables): %s\n", prog, IPTABLES_COMPAT_VERSION, e->msg);
		fprintf(stderr, "Error occurred at line: %u\n", line);
		fprintf(stderr, "Try `%s -h' or '%s --help' for more information.\n", prog, prog);
		break;
	case ERR_PARAM_BARE:
		fprintf(stderr, "%s\n", e->msg);
		fprintf(stderr, "Error occurred at line: %u\n", line);
		fprintf(stderr, "Try `%s -h' or '%s --help' for more information.\n", prog, prog);
		break;
	case ERR_VERSIONED:
		fprintf(stderr, "%s v%s (nf_tables): \nline %u:%s%s\n", prog,
			IPTABLES_COMPAT_VERSION, line, e->msg[0] == ' ' ? "" : " ", e->msg);
		break;
	case ERR_VERSIONED_NOLINE:
		fprintf(stderr, "%s v%s (nf_tables): %s\n", prog, IPTABLES_COMPAT_VERSION, e->msg);
		break;
	case ERR_PLAIN:
		fprintf(stderr, "%s: line %u failed: %s\n", prog, line, e->msg);
		break;
	case ERR_RAW:
		fputs(e->msg, stderr);
		break;
	}
	return e->code;
}
