/* Where rule indexes are kept: directories no other user can redirect.
 *
 * iptnft runs as root and trusts what an index says, so the way to one
 * must be root's alone: every directory from / down is owned by root (or
 * by the caller) and writable by nobody else, or it is a sticky directory
 * of root's (like /tmp), where nobody may rename or remove what another
 * made; no symbolic link is followed, and files are opened relative to
 * the directory that was checked. A check that fails means no index, and
 * commands work as they do without one.
 *
 * Layout: DIR/<netns inode>/<family>-<table>, and <family>-<table>.<pid>
 * while a process writes one. A namespace's directory outlives the
 * namespace; it is removed once no process is in that namespace and no
 * mount holds it (see rdir_clean). */
#ifndef IPTNFT_RDIR_H
#define IPTNFT_RDIR_H

#include <stdbool.h>
#include <stdint.h>

/* The checked directory DIR/<ns_ino>: an fd, or -1. With create, the
 * directories missing on the way are made (0700), and *made tells
 * whether the namespace's own was. */
int rdir_open_ns(const char *dir, uint64_t ns_ino, bool create, bool *made);
/* A file of the checked directory dirfd, opened with flags (O_NOFOLLOW
 * added): a regular file of the caller's with one link, writable by
 * nobody else. An fd, or -1. */
int rdir_open_file(int dirfd, const char *name, int flags);
/* Remove temporary files that processes killed while writing left in
 * dirfd (older than a few minutes: a writer takes well under a second). */
void rdir_clean_temps(int dirfd);
/* Remove DIR's directories of namespaces that no longer exist, but
 * ns_ino's. Reads /proc: call it rarely (when a namespace's directory is
 * made, which is once per namespace). */
void rdir_clean(const char *dir, uint64_t ns_ino);

#endif
