/* Errors: callers record what went wrong and return -1; one function
 * prints it in the reference's words and picks the exit code. */
#ifndef IPTNFT_ERROR_H
#define IPTNFT_ERROR_H

enum exit_code {
	EXIT_OTHER = 1,		/* command failed */
	EXIT_PARAM = 2,		/* bad command line */
	EXIT_RESOURCE = 4,	/* kernel or resource problem */
};

enum err_style {
	ERR_NONE,
	ERR_PARAM,	/* "prog vX (nf_tables): msg" + "Try `prog -h' ..." */
	ERR_VERSIONED,	/* "prog vX (nf_tables): msg" */
	ERR_PLAIN,	/* "prog: msg" */
	ERR_RAW,	/* msg exactly as given */
	ERR_PARAM_BARE,	/* "msg" + "Try `prog -h' ..." */
	ERR_VERSIONED_NOLINE,	/* as ERR_VERSIONED, in restore too: the
				 * reference stops there and then */
};

struct ipt_error {
	enum err_style style;
	int code;
	/* the reference quotes a word of the command whole, and one
	 * argument may be 32 pages long (MAX_ARG_STRLEN) */
	char msg[32 * 4096 + 1024];
};

/* Each returns -1 so callers can write: return err_param(e, "..."); */
int err_param(struct ipt_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int err_versioned(struct ipt_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The err_versioned error just set is one the reference reports as it
 * finds it, with no line number in restore (a file an extension reads).
 * Returns -1. */
int err_no_line(struct ipt_error *e);
int err_plain(struct ipt_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int err_param_bare(struct ipt_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int err_raw(struct ipt_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The message for a kernel errno on a rule or chain command, as the
 * reference words it ("No chain/target/match by that name."). */
const char *err_kernel_text(int errnum, int op);

/* Print e to stderr for program prog ("iptables") and return its exit code. */
int err_report(const struct ipt_error *e, const char *prog);
/* The same for a restore input line: prog is the restore program. */
int err_report_line(const struct ipt_error *e, const char *prog, unsigned line);

#endif
