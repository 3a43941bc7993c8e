#!/usr/bin/env python3
"""Write mangled restore inputs, derived from tests/diff/data/*.rules.

Usage: gen-mangled.py OUTDIR [KIND...]

Every input is a file OUTDIR/KIND/NAME.v4 or NAME.v6 (the family its
source is for: ip6-*.rules and docker6.rules are IPv6). KIND is one of

  trunc     the file cut short, at every few bytes
  dup       a block, a line or the whole file twice
  binary    bytes overwritten with, or runs inserted of, random bytes
  long      lines longer than any buffer: words, comments, names, blanks
  numbers   huge, negative and malformed numbers in counters and options
  quotes    unbalanced, doubled and escaped quotes
  nul       NUL bytes at the start, in the middle and at the end of lines
  nocommit  COMMIT lines taken out
  crlf      CR LF line ends, on every line or some

The output is the same on every run (a fixed seed): tests/mangled.bats
compares the reference's iptables-restore with iptnft's on each input.
"""

import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "diff", "data")

# the larger files only lend a few lines; kube50 is left to restore.cases
SOURCES = [
    "basic.rules", "commands.rules", "comments.rules", "counters.rules",
    "docker.rules", "docker6.rules", "ip6-basic.rules", "ip6-exthdr.rules",
    "kube.rules", "kube50-resync.rules", "multi.rules", "multiport.rules",
    "nocommit.rules",
]


def family(src):
    return "v6" if src.startswith("ip6-") or src == "docker6.rules" else "v4"


def read(src):
    with open(os.path.join(DATA, src), "rb") as f:
        return f.read()


def blocks(text):
    """(start, end) byte ranges of each *table ... COMMIT block."""
    out, start, pos = [], None, 0
    for line in text.splitlines(keepends=True):
        if line.startswith(b"*"):
            start = pos
        pos += len(line)
        if line.startswith(b"COMMIT") and start is not None:
            out.append((start, pos))
            start = None
    return out


def rule_lines(text):
    return [i for i, l in enumerate(text.split(b"\n")) if l.startswith((b"-A", b"["))]


def gen_trunc(rng, src, text):
    # every 3 bytes of one file, 10 places spread over each other one
    step = 3 if src == "basic.rules" else max(1, len(text) // 10)
    for cut in range(0, len(text), step):
        yield "at%d" % cut, text[:cut]


def gen_dup(rng, src, text):
    yield "whole", text + text
    for i, (a, b) in enumerate(blocks(text)):
        yield "block%d" % i, text[:b] + text[a:b] + text[b:]
    lines = text.split(b"\n")
    for n, i in enumerate(rule_lines(text)[:2]):
        yield "line%d" % n, b"\n".join(lines[:i + 1] + [lines[i]] + lines[i + 1:])
    # a block's header twice, and a COMMIT twice
    if blocks(text):
        a, b = blocks(text)[0]
        head = text[a:text.index(b"\n", a) + 1]
        yield "header", text[:a] + head + text[a:]
        yield "commit", text[:b] + b"COMMIT\n" + text[b:]


def gen_binary(rng, src, text):
    for n in range(5):
        b = bytearray(text)
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        yield "flip%d" % n, bytes(b)
    for n in range(3):
        at = rng.randrange(len(text))
        junk = bytes(rng.randrange(256) for _ in range(rng.randint(8, 64)))
        yield "insert%d" % n, text[:at] + junk + text[at:]
    if src == "basic.rules":
        for n in range(4):
            yield "only%d" % n, bytes(rng.randrange(256) for _ in range(512))


def insert_line(text, line):
    """line put in just before the first block's COMMIT."""
    bl = blocks(text)
    at = bl[0][1] - len(b"COMMIT\n") if bl else len(text)
    return text[:at] + line + b"\n" + text[at:]


def gen_long(rng, src, text):
    if src not in ("basic.rules", "ip6-basic.rules", "nocommit.rules"):
        return
    big = b"a" * 100000
    yield "word", insert_line(text, b"-A INPUT -j " + big)
    yield "comment", insert_line(text, b'-A INPUT -m comment --comment "' + big + b'" -j ACCEPT')
    yield "chainname", insert_line(text, b":" + b"C" * 5000 + b" - [0:0]")
    yield "blanks", insert_line(text, b"-A INPUT" + b" " * 100000 + b"-j ACCEPT")
    yield "manywords", insert_line(text, b"-A INPUT " + b"-v " * 30000 + b"-j ACCEPT")
    yield "comment-line", b"#" + big + b"\n" + text
    yield "table-line", b"*" + big + b"\n" + text
    yield "policy", insert_line(text, b":INPUT ACCEPT [" + b"9" * 5000 + b":0]")


NUMBERS = [
    b"[99999999999999999999999:1] -A INPUT -j ACCEPT",
    b"[18446744073709551616:0] -A INPUT -j ACCEPT",
    b"[-1:5] -A INPUT -j ACCEPT",
    b"[1:2:3] -A INPUT -j ACCEPT",
    b"[1:] -A INPUT -j ACCEPT",
    b"[:1] -A INPUT -j ACCEPT",
    b"[0x10:010] -A INPUT -j ACCEPT",
    b"[1:2 -A INPUT -j ACCEPT",
    b"-A INPUT -p tcp --dport 99999999999999999999 -j ACCEPT",
    b"-A INPUT -p tcp --dport 65536 -j ACCEPT",
    b"-A INPUT -p tcp --dport -1 -j ACCEPT",
    b"-A INPUT -s 1.2.3.4/99999999999 -j ACCEPT",
    b"-A INPUT -m limit --limit 99999999999999999999/sec -j ACCEPT",
    b"-A INPUT -m mark --mark 0xfffffffffffffffffffff -j ACCEPT",
    b"-A INPUT -m length --length 1:99999999999 -j ACCEPT",
    b"-A INPUT -c 99999999999999999999999 1 -j ACCEPT",
    b"-A INPUT -c 18446744073709551615 18446744073709551615 -j ACCEPT",
    b"-I INPUT 99999999999999999999 -j ACCEPT",
    b"-I INPUT 4294967297 -j ACCEPT",
    b"-D INPUT 99999999999999999999",
    b"-R INPUT 0 -j ACCEPT",
    b":INPUT ACCEPT [99999999999999999999999:1]",
    b":INPUT ACCEPT [-5:-5]",
]


def gen_numbers(rng, src, text):
    if src not in ("basic.rules", "counters.rules", "ip6-basic.rules"):
        return
    for n, line in enumerate(NUMBERS):
        # ip6tables-nft drops a rule's counters (tests/known-differences.bats)
        if family(src) == "v6" and b" -c " in line:
            continue
        yield "n%d" % n, insert_line(text, line)


QUOTES = [
    b'-A INPUT -m comment --comment "no end -j ACCEPT',
    b'-A INPUT -m comment --comment "a""b" -j ACCEPT',
    b'-A INPUT -m comment --comment "a\\"b" -j ACCEPT',
    b'-A INPUT -m comment --comment "ends in a backslash\\',
    b'-A INPUT -m comment --comment x"y"z -j ACCEPT',
    b"-A INPUT -m comment --comment 'single' -j ACCEPT",
    b'-A INPUT -m comment --comment "" -j ACCEPT',
    b'-A "INPUT" -j ACCEPT',
    b'"-A" INPUT -j "ACCEPT"',
    b'-A INPUT -j ACCEPT "',
    b'"',
]


def gen_quotes(rng, src, text):
    if src not in ("basic.rules", "comments.rules"):
        return
    for n, line in enumerate(QUOTES):
        yield "q%d" % n, insert_line(text, line)
    if b'"' in text:
        at = text.rindex(b'"')
        yield "dropped", text[:at] + text[at + 1:]


def gen_nul(rng, src, text):
    lines = text.split(b"\n")
    for n, i in enumerate(rule_lines(text)[:2]):
        l = lines[i]
        for where, pos in (("start", 0), ("mid", len(l) // 2), ("end", len(l))):
            m = lines[:]
            m[i] = l[:pos] + b"\0" + l[pos:]
            yield "%s%d" % (where, n), b"\n".join(m)
    at = text.find(b"COMMIT")
    if at >= 0:
        yield "commit", text[:at + 3] + b"\0" + text[at + 3:]
        yield "header", text.replace(b"*", b"*\0", 1)


def gen_nocommit(rng, src, text):
    n = text.count(b"COMMIT\n")
    if n == 0:
        return
    yield "all", text.replace(b"COMMIT\n", b"")
    last = text.rindex(b"COMMIT\n")
    yield "last", text[:last] + text[last + 7:]
    first = text.index(b"COMMIT\n")
    yield "first", text[:first] + text[first + 7:]


def gen_crlf(rng, src, text):
    yield "all", text.replace(b"\n", b"\r\n")
    lines = text.split(b"\n")
    for n in range(2):
        m = [l + b"\r" if rng.random() < 0.3 else l for l in lines]
        yield "some%d" % n, b"\n".join(m)
    yield "commit", text.replace(b"COMMIT\n", b"COMMIT\r\n")
    yield "header", text.replace(b"filter\n", b"filter\r\n")
    yield "cr-only", text.replace(b"\n", b"\r")


KINDS = {
    "trunc": gen_trunc, "dup": gen_dup, "binary": gen_binary, "long": gen_long,
    "numbers": gen_numbers, "quotes": gen_quotes, "nul": gen_nul,
    "nocommit": gen_nocommit, "crlf": gen_crlf,
}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    kinds = sys.argv[2:] or list(KINDS)
    for kind in kinds:
        rng = random.Random("iptnft-" + kind)
        os.makedirs(os.path.join(out, kind), exist_ok=True)
        for src in SOURCES:
            text = read(src)
            for name, data in KINDS[kind](rng, src, text):
                path = os.path.join(out, kind, "%s.%s.%s" % (src[:-6], name, family(src)))
                with open(path, "wb") as f:
                    f.write(data)


if __name__ == "__main__":
    main()
