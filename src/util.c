#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

void out_of_memory(void)
{
	fputs("iptnft: out of memory\n", stderr);
	exit(4);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xzalloc(size_t n)
{
	/* small: malloc and a memset, as glibc's calloc passes by the
	 * per-thread cache every freed small block goes to (a rule and its
	 * matches, read and freed once a rule); large: calloc, as memory
	 * fresh from the system is known to be zero, and is then not written
	 * over (or even touched) here */
	void *p = n <= 1024 ? malloc(n ? n : 1) : calloc(n, 1);

	if (p && n <= 1024)
		memset(p, 0, n);

	if (!p)
		out_of_memory();
	return p;
}

void *zpages(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		out_of_memory();
	return p;
}

void zpages_free(void *p, size_t n)
{
	if (p)
		munmap(p, n);
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

void str_copy(char *dst, size_t size, const char *src, size_t len)
{
	size_t n = strnlen(src, len);

	if (!size)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

void sb_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb_init(sb);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void sb_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (need <= sb->cap)
		return;
	sb->cap = sb->cap ? sb->cap : 64;
	while (sb->cap < need)
		sb->cap *= 2;
	sb->buf = xrealloc(sb->buf, sb->cap);
}

void sb_pad_from(struct strbuf *sb, size_t start, size_t width)
{
	size_t n = sb->len - start;

	if (n < width) {
		sb_grow(sb, width - n);
		memset(sb->buf + sb->len, ' ', width - n);
		sb->len += width - n;
		sb->buf[sb->len] = '\0';
	}
}

void sb_addpad(struct strbuf *sb, const char *s, size_t width)
{
	size_t n = strlen(s);

	sb_addn(sb, s, n);
	if (n < width) {
		sb_grow(sb, width - n);
		memset(sb->buf + sb->len, ' ', width - n);
		sb->len += width - n;
		sb->buf[sb->len] = '\0';
	}
}

void addr_ntop(int af, const void *addr, char *buf, size_t len)
{
	const uint8_t *a = addr;
	char *p = buf;
	unsigned i;

	if (af != AF_INET || len < INET_ADDRSTRLEN) {
		inet_ntop(af, addr, buf, (socklen_t)len);
		return;
	}
	for (i = 0; i < 4; i++) {
		if (a[i] >= 100)
			*p++ = (char)('0' + a[i] / 100);
		if (a[i] >= 10)
			*p++ = (char)('0' + a[i] / 10 % 10);
		*p++ = (char)('0' + a[i] % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
}

void sb_addu(struct strbuf *sb, unsigned long long v)
{
	char num[24], *p = num + sizeof(num);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_addn(sb, p, (size_t)(num + sizeof(num) - p));
}

void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	size_t room;
	va_list ap2;
	int n;

	/* formatted once where it fits, which is nearly always */
	sb_grow(sb, 32);
	room = sb->cap - sb->len;
	va_copy(ap2, ap);
	n = vsnprintf(sb->buf + sb->len, room, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		sb->buf[sb->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		sb_grow(sb, (size_t)n);
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sb_add_quoted(struct strbuf *sb, const char *s)
{
	bool plain = *s != '\0';
	const char *p;

	for (p = s; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'' || *p == '\\')
			plain = false;
	if (plain) {
		sb_add(sb, s);
		return;
	}
	sb_addc(sb, '"');
	for (p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_addc(sb, '\\');
		sb_addc(sb, *p);
	}
	sb_addc(sb, '"');
}

static bool parse_uint_in(const char *s, int base, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	return parse_uint_in(s, 0, max, out);
}

bool parse_uint_base10(const char *s, uint64_t max, uint64_t *out)
{
	return parse_uint_in(s, 10, max, out);
}

uint32_t name_hash(const char *name, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, name + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	if (i < len) {
		w = 0;
		memcpy(&w, name + i, len - i);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	}
	h ^= h >> 29;
	return (uint32_t)h;
}
