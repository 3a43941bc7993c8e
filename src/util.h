/* Small helpers every module uses: a growable string and checked allocation. */
#ifndef IPTNFT_UTIL_H
#define IPTNFT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Growable NUL-terminated string; the owner calls sb_free. */
struct strbuf {
	char *buf;
	size_t len, cap;
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
/* Room for extra more bytes and the NUL. */
void sb_grow(struct strbuf *sb, size_t extra);
/* One character: inline, the printers add hundreds of thousands. */
static inline void sb_addc(struct strbuf *sb, char c)
{
	if (sb->len + 2 > sb->cap)
		sb_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}
/* n bytes of s; these three inline too: with a constant string the
 * compiler knows its length */
static inline void sb_addn(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap)
		sb_grow(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}
static inline void sb_add(struct strbuf *sb, const char *s)
{
	sb_addn(sb, s, strlen(s));
}
/* Append v in decimal: sb_printf("%llu") without the formatting cost. */
void sb_addu(struct strbuf *sb, unsigned long long v);
/* Append s, then blanks up to width characters: "%-*s". */
void sb_addpad(struct strbuf *sb, const char *s, size_t width);
/* Blanks after what was added since start, up to width characters. */
void sb_pad_from(struct strbuf *sb, size_t start, size_t width);
/* Append a, then b: "%s%s". */
static inline void sb_add2(struct strbuf *sb, const char *a, const char *b)
{
	sb_add(sb, a);
	sb_add(sb, b);
}
/* The text of an address (AF_INET or AF_INET6) into buf of at least
 * INET6_ADDRSTRLEN bytes, as inet_ntop writes it; IPv4's is written here,
 * without the sprintf glibc's inet_ntop uses. */
void addr_ntop(int af, const void *addr, char *buf, size_t len);
void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* Append s with shell-style double quotes when it holds blanks or quotes,
 * the way save output quotes comments. */
void sb_add_quoted(struct strbuf *sb, const char *s);

/* Say so and exit with status 4: memory ran out (in a library too). */
void out_of_memory(void) __attribute__((noreturn));
void *xmalloc(size_t n);
void *xzalloc(size_t n);
/* n zeroed bytes straight from the kernel, which gives each page on its
 * first touch: for a large buffer a command may use a little of (no
 * malloc'd memory to clear first); freed with zpages_free(p, n). */
void *zpages(size_t n);
void zpages_free(void *p, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* The first len bytes of src (fewer if it ends sooner), cut to fit size
 * bytes with the NUL: snprintf("%.*s") without the formatting cost. */
void str_copy(char *dst, size_t size, const char *src, size_t len);
/* A hash of len bytes of name, eight at a time: chain names run to 28
 * characters, and kube-proxy's share long prefixes. */
uint32_t name_hash(const char *name, size_t len);

/* Parse an unsigned number in [min,max], decimal or 0x-hex; false if not. */
bool parse_uint(const char *s, uint64_t max, uint64_t *out);
bool parse_uint_base10(const char *s, uint64_t max, uint64_t *out);

#endif
