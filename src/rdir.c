#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* O_DIRECTORY, O_NOFOLLOW, fdopendir */
#endif
#include "rdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* A leftover younger than this may belong to a process at work. */
#define GRACE_SECONDS 600

static bool owner_ok(const struct stat *st)
{
	return st->st_uid == 0 || st->st_uid == geteuid();
}

/* A directory nobody else can change. Unless strict, also a sticky one
 * of root's (/tmp): there nobody may rename or remove an entry another
 * made, so a checked entry stays the one that was checked. */
static bool dir_ok(const struct stat *st, bool strict)
{
	if (!S_ISDIR(st->st_mode) || !owner_ok(st))
		return false;
	if (!(st->st_mode & (S_IWGRP | S_IWOTH)))
		return true;
	return !strict && (st->st_mode & S_ISVTX) && st->st_uid == 0;
}

/* The directory name in the checked directory at (closed here), made
 * 0700 if missing and create, and checked: an fd, or -1. */
static int step(int at, const char *name, bool create, bool strict, bool *made)
{
	struct stat st;
	int fd;

	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(at, name, 0700) == 0 && made)
			*made = true;
		fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	close(at);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !dir_ok(&st, strict)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The directory at path, each directory from / down to it checked (and
 * made, with create): an fd, or -1. */
static int dir_open_checked(const char *path, bool create)
{
	char cwd[PATH_MAX], *copy, *comp, *save = NULL;
	struct stat st;
	int fd;

	if (path[0] == '/') {
		copy = xstrdup(path);
	} else {
		/* the kernel's name for the working directory has no links */
		if (!getcwd(cwd, sizeof(cwd)))
			return -1;
		copy = xmalloc(strlen(cwd) + strlen(path) + 2);
		sprintf(copy, "%s/%s", cwd, path);
	}
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !dir_ok(&st, false))) {
		close(fd);
		fd = -1;
	}
	for (comp = strtok_r(copy, "/", &save); comp && fd >= 0; comp = strtok_r(NULL, "/", &save)) {
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			close(fd);
			fd = -1;
			break;
		}
		fd = step(fd, comp, create, false, NULL);
	}
	free(copy);
	return fd;
}

int rdir_open_ns(const char *dir, uint64_t ns_ino, bool create, bool *made)
{
	char name[24];
	int fd = dir_open_checked(dir, create);

	if (made)
		*made = false;
	if (fd < 0)
		return -1;
	snprintf(name, sizeof(name), "%llu", (unsigned long long)ns_ino);
	return step(fd, name, create, true, made);
}

int rdir_open_file(int dirfd, const char *name, int flags)
{
	struct stat st;
	int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) || st.st_nlink != 1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A directory stream of dirfd from its start (fdopendir shares the
 * offset of a dup), or NULL. */
static DIR *dir_stream(int dirfd)
{
	int fd = dup(dirfd);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return NULL;
	}
	rewinddir(d);
	return d;
}

void rdir_clean_temps(int dirfd)
{
	time_t old = time(NULL) - GRACE_SECONDS;
	struct dirent *de;
	struct stat st;
	DIR *d = dir_stream(dirfd);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strchr(de->d_name, '.'))
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_mtime < old)
			unlinkat(dirfd, de->d_name, 0);
	}
	closedir(d);
}

struct ino_set {
	uint64_t *v;
	size_t n, cap;
};

static void ino_add(struct ino_set *s, uint64_t ino)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = ino;
}

static int ino_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Is ino in s, sorted? */
static bool ino_has(const struct ino_set *s, uint64_t ino)
{
	return s->n && bsearch(&ino, s->v, s->n, sizeof(*s->v), ino_cmp);
}

/* The network namespaces that exist as far as this process can tell:
 * those of every process it sees, and those held by a mount
 * (ip netns add). One held only by an open file, or by processes of a
 * PID namespace it does not see, is missed: its directory then goes,
 * which costs that namespace its indexes, never a wrong answer. */
static void live_namespaces(struct ino_set *live)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	struct dirent *de;
	struct stat st;
	FILE *f;
	DIR *d = opendir("/proc");

	if (d) {
		while ((de = readdir(d))) {
			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%.20s/ns/net", de->d_name);
			if (stat(path, &st) == 0)
				ino_add(live, st.st_ino);
		}
		closedir(d);
	}
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return;
	while (getline(&line, &cap, f) >= 0) {
		const char *p = strstr(line, " net:[");
		unsigned long long ino;

		if (p && strstr(line, " - nsfs ") && sscanf(p, " net:[%llu]", &ino) == 1)
			ino_add(live, ino);
	}
	free(line);
	fclose(f);
}

/* Empty dir's directory name (files only) and remove it. */
static void remove_ns_dir(int dirfd, const char *name)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !dir_ok(&st, true)) {
		close(fd);
		return;
	}
	d = dir_stream(fd);
	if (d) {
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
			    fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    !S_ISDIR(st.st_mode))
				unlinkat(fd, de->d_name, 0);
		closedir(d);
	}
	close(fd);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

static bool all_digits(const char *s)
{
	return *s && s[strspn(s, "0123456789")] == '\0';
}

void rdir_clean(const char *dir, uint64_t ns_ino)
{
	struct ino_set gone = { 0 }, live = { 0 };
	time_t old = time(NULL) - GRACE_SECONDS;
	struct dirent *de;
	struct stat st;
	char name[24];
	size_t i;
	int fd = dir_open_checked(dir, false);
	DIR *d;

	if (fd < 0)
		return;
	d = dir_stream(fd);
	if (!d) {
		close(fd);
		return;
	}
	/* namespace directories nobody wrote into for a while: only they
	 * are worth reading /proc for */
	while ((de = readdir(d))) {
		uint64_t ino;

		if (!all_digits(de->d_name))
			continue;
		ino = strtoull(de->d_name, NULL, 10);
		if (ino != ns_ino && fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode) && st.st_mtime < old)
			ino_add(&gone, ino);
	}
	closedir(d);
	if (gone.n) {
		live_namespaces(&live);
		if (live.n)
			qsort(live.v, live.n, sizeof(*live.v), ino_cmp);
	}
	for (i = 0; i < gone.n; i++) {
		if (ino_has(&live, gone.v[i]))
			continue;
		snprintf(name, sizeof(name), "%llu", (unsigned long long)gone.v[i]);
		remove_ns_dir(fd, name);
	}
	free(gone.v);
	free(live.v);
	close(fd);
}
