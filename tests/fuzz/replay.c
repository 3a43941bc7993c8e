/* Unit test fuzz_replay_test: every input of the committed seed corpora
 * (tests/fuzz/corpus-cmdline and corpus-restore: the differential
 * corpus's rules, and every input a fuzzer once crashed on) through its
 * fuzz target, built with the ordinary compiler and sanitizers instead
 * of libFuzzer. Inputs run in child processes, a batch at a time; when a
 * batch fails (a crash, a sanitizer report, a leak) each of its inputs
 * runs again alone, so that the report names the input, and what it
 * printed is shown as TAP comments. One TAP test per corpus.
 *
 *   fuzz_replay_test [FILE...]   FILEs instead of the corpora (target by
 *                                the name of their directory)
 *
 * The corpora are found under $IPTNFT_SRCDIR, by default the source tree
 * the test was configured from.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"
#include "rtlib.h"
#include "util.h"

struct corpus {
	const char *dir;	/* under tests/fuzz/ */
	int (*target)(const uint8_t *data, size_t size);
};

/* Inputs per child: a fork and a leak check per input would take
 * minutes under the sanitizers. */
#define BATCH 200

static const struct corpus corpora[] = {
	{ "corpus-cmdline", fuzz_cmdline },
	{ "corpus-restore", fuzz_restore },
};

static bool read_file(const char *path, struct strbuf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!f)
		return false;
	sb_reset(out);
	sb_add(out, "");
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sb_addn(out, chunk, n);
	fclose(f);
	return true;
}

/* Empty log for the next child. */
static void clear_log(FILE *log)
{
	rewind(log);
	if (ftruncate(fileno(log), 0) < 0)
		perror("ftruncate");
}

/* Print what the child wrote to log as TAP comments, then empty log. */
static void show_log(FILE *log)
{
	char line[4096];

	rewind(log);
	while (fgets(line, sizeof(line), log))
		printf("#     %s%s", line, strchr(line, '\n') ? "" : "\n");
	clear_log(log);
}

/* Run c's target on each of the n files at paths, in one child whose
 * standard error goes to log; true if the child ended normally. */
static bool replay_batch(const struct corpus *c, char **paths, unsigned n, FILE *log)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		struct strbuf data;
		unsigned i;

		dup2(null, STDOUT_FILENO);
		dup2(fileno(log), STDERR_FILENO);
		sb_init(&data);
		for (i = 0; i < n; i++) {
			if (!read_file(paths[i], &data)) {
				perror(paths[i]);
				exit(1);
			}
			c->target((const uint8_t *)data.buf, data.len);
		}
		sb_free(&data);
		/* exit, not _exit: the leak checkers look at these inputs too */
		exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		perror("fork");
		return false;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		clear_log(log);
		return true;
	}
	if (WIFSIGNALED(status))
		printf("#   %s%s: killed by signal %d\n", paths[0], n > 1 ? " and on" : "",
		       WTERMSIG(status));
	else
		printf("#   %s%s: exit status %d\n", paths[0], n > 1 ? " and on" : "",
		       WEXITSTATUS(status));
	return false;
}

/* One input alone; a failure shows what it printed. */
static bool replay_one(const struct corpus *c, char *path, FILE *log)
{
	bool ok = replay_batch(c, &path, 1, log);

	if (!ok)
		show_log(log);
	return ok;
}

/* A batch, and each of its inputs alone if the batch fails; the number
 * of inputs that failed. */
static unsigned replay_batch_or_each(const struct corpus *c, char **paths, unsigned n, FILE *log)
{
	unsigned i, bad = 0;

	if (replay_batch(c, paths, n, log))
		return 0;
	if (n == 1) {
		show_log(log);
		return 1;
	}
	clear_log(log);
	for (i = 0; i < n; i++)
		bad += !replay_one(c, paths[i], log);
	if (!bad) {
		printf("#   the batch from %s fails only as a whole\n", paths[0]);
		replay_batch(c, paths, n, log);
		show_log(log);
		bad = 1;
	}
	return bad;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir, sorted; NULL-terminated, caller frees. */
static char **list_dir(const char *dir, unsigned *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		struct strbuf p;

		if (de->d_name[0] == '.')
			continue;
		sb_init(&p);
		sb_printf(&p, "%s/%s", dir, de->d_name);
		v = xrealloc(v, (*n + 2) * sizeof(*v));
		v[(*n)++] = p.buf;
	}
	closedir(d);
	if (v) {
		qsort(v, *n, sizeof(*v), by_name);
		v[*n] = NULL;
	}
	return v;
}

static bool replay_corpus(const struct corpus *c, const char *top, FILE *log, unsigned num)
{
	struct strbuf dir;
	unsigned n, i, bad = 0;
	char **files;

	sb_init(&dir);
	sb_printf(&dir, "%s/tests/fuzz/%s", top, c->dir);
	files = list_dir(dir.buf, &n);
	for (i = 0; i < n; i += BATCH)
		bad += replay_batch_or_each(c, files + i, n - i < BATCH ? n - i : BATCH, log);
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	printf("%s %u - every input of %s (%u) parses without a fault\n",
	       n && !bad ? "ok" : "not ok", num, c->dir, n);
	if (!n)
		printf("#   no inputs in %s\n", dir.buf);
	else if (bad)
		printf("#   %u of %u inputs failed\n", bad, n);
	sb_free(&dir);
	return n && !bad;
}

static const struct corpus *corpus_of(const char *path)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(corpora); i++)
		if (strstr(path, corpora[i].dir))
			return &corpora[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const char *top = getenv("IPTNFT_SRCDIR");
	FILE *log = tmpfile();
	unsigned i, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!log) {
		perror("tmpfile");
		return 1;
	}
	rt_sandbox();
	if (!top || !*top)
		top = IPTNFT_SRCDIR;
	if (argc > 1) {
		printf("1..%d\n", argc - 1);
		for (i = 1; i < (unsigned)argc; i++) {
			const struct corpus *c = corpus_of(argv[i]);
			bool ok = c && replay_one(c, argv[i], log);

			printf("%s %u - %s\n", ok ? "ok" : "not ok", i, argv[i]);
			failed += !ok;
		}
	} else {
		printf("1..%zu\n", ARRAY_SIZE(corpora));
		for (i = 0; i < ARRAY_SIZE(corpora); i++)
			failed += !replay_corpus(&corpora[i], top, log, i + 1);
	}
	fclose(log);
	return failed ? 1 : 0;
}
