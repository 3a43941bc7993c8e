#!/usr/bin/env python3
"""sweep-numbers.py [--check] [OUT]

Generates tests/diff/numbers.cases: every numeric argument of the core
options and of every extension, spelled every way a user or a script
might (decimal, octal, hex, a sign, blanks, empty, the largest value and
one more, 2^32, 2^64, trailing garbage, ranges with an end missing or
reversed), one differential case per option and family. Each spelling is
one command, so the harness compares message and exit status of each,
and its epilogue the listing of what was accepted.

With --check, exits non-zero when OUT (default: the committed file)
differs from what this script generates, so the corpus never drifts from
the sweep that defines it.
"""
import os
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "diff", "numbers.cases")

U8, U16, U32 = 255, 65535, 4294967295
BIG = ["4294967296", "18446744073709551615", "18446744073709551616"]


def dedupe(vals):
    seen, out = set(), []
    for v in vals:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def uint(maxv, extra=()):
    """One number: every spelling, and the edges of [0, maxv]."""
    return dedupe(["16", "010", "0x10", "0X1f", "+16", " 16", "16 ", "\t16",
                   "-0", "-1", "", "0", "08", "0x", "16x", "1.5",
                   str(maxv), str(maxv + 1)] + BIG + list(extra))


def rng(maxv, sep=":", extra=()):
    """A range a<sep>b, as the ends of a range are read."""
    s = sep
    return dedupe(["1%s2" % s, "010%s0x10" % s, "%s5" % s, "5%s" % s,
                   "5%s1" % s, "5%s5" % s, "1%s2%s3" % (s, s), s,
                   "0%s%d" % (s, maxv), "0%s%d" % (s, maxv + 1),
                   "-1%s5" % s, "1%s-5" % s, "+1%s+5" % s, " 1%s 5" % s,
                   "1 %s5" % s, "1%s4294967296" % s, "1%s5x" % s]
                  + list(extra))


def valmask(extra=()):
    """value[/mask] of 32 bits."""
    return dedupe(uint(U32) + ["1/0x10", "1/010", "0x10/0xff", "1/", "/1",
                               "1/2/3", "4294967296/1", "1/4294967296",
                               "1/-1", "-1/1", "1 /1", "1/ 1", "1/+1",
                               "1/0", "1/0xffffffff", "1/x"] + list(extra))


# (name, family, prefix, option, values, suffix)
#   family: "4", "6" or "46"; prefix: what precedes the option (after
#   -t/-A); the command is  PROG PREFIX OPTION VALUE SUFFIX
SPEC = []


class RawWords(str):
    """A value written into the command as it is (several words)."""


def q(v):
    return shlex.quote(v) if v != "" else "''"


def spec(name, family, prefix, opt, vals, suffix=""):
    SPEC.append((name, family, prefix, opt, vals, suffix))


PORTS = uint(U16, ["ssh", "SSH", "ssh2", "0ssh", "domain", "echo"])
PORT_RANGE = rng(U16, ":", ["ssh:http", "ssh:", ":ssh", "10:ssh", "http:ssh"])

# ---- core options
spec("proto", "46", "-A INPUT", "-p", uint(U8, ["TCP", "tcp ", "ipv6-icmp", "icmpv6",
                                                "255", "all", "ALL", "0"]))
spec("src-mask", "4", "-A INPUT", "-s",
     ["192.0.2.1/" + m for m in uint(32, ["33", "32", "255.255.255.0", "255.0.255.0",
                                             "0x8", "255.255.255.256", "0.0.0.0"])])
spec("src-mask", "6", "-A INPUT", "-s",
     ["2001:db8::1/" + m for m in uint(128, ["129", "128", "ffff:ffff::",
                                              "ffff::ffff", "0x40"])])
spec("src-addr", "4", "-A INPUT", "-s",
     ["192.0.2.010", "0300.0.2.1", "0xc0.0.2.1", "192.0.2", "192.0.513",
      "3221225985", "0xc0000201", "192.0.2.1.", ".192.0.2.1", "192.0.2.256",
      "192.0.2.-1", "192.0.2.+1", "192.0.2. 1", "192.0.2.1 ", " 192.0.2.1",
      "192.0.2.08", "192.0..1", "1", "0", "192.0.2.1/", "/24", ""])
spec("src-addr", "6", "-A INPUT", "-s",
     ["2001:db8::010", "2001:db8::1 ", " 2001:db8::1", "2001:db8::/", "/64",
      "::ffff:192.0.2.1", "2001:db8::g", "2001:db8:::1", "::", ""])
spec("counters", "46", "-A INPUT", "-c",
     [RawWords(q(v) + " 2") for v in uint(U32)]
     + [RawWords(v) for v in ("2,3", "2,", ",3", "'2, 3'", "2,3,4", "0x10,010", "-1,-1",
                              "1 -1", "18446744073709551615 18446744073709551615",
                              "18446744073709551616 1", "2 3x", "2x 3", "2 ''", "'' 2",
                              "2", "2,3 4")])
spec("insert-num", "46", "", "-I INPUT", uint(0x7fffffff, ["1", "2", "2147483648"]),
     "-j ACCEPT")
spec("delete-num", "46", "", "-D INPUT", uint(0x7fffffff, ["1", "2"]))
spec("replace-num", "46", "", "-R INPUT", uint(0x7fffffff, ["1", "2"]), "-j DROP")
spec("list-num", "46", "", "-L INPUT", uint(0x7fffffff, ["1", "2"]), "-n --line-numbers")
spec("listrules-num", "46", "", "-S INPUT", uint(0x7fffffff, ["1", "2"]))
spec("zero-num", "46", "", "-Z INPUT", uint(0x7fffffff, ["1", "2"]))
spec("wait", "46", "-A INPUT", "-w", uint(U32), "-j ACCEPT")
spec("wait-interval", "4", "-A INPUT -w 1", "-W", uint(U32), "-j ACCEPT")

# ---- tcp, udp
for proto in ("tcp", "udp"):
    for o in ("--sport", "--dport"):
        spec("%s%s" % (proto, o[1:]), "46", "-A INPUT -p " + proto, o, PORTS + PORT_RANGE)
spec("tcp-option", "46", "-A INPUT -p tcp", "--tcp-option", uint(U8))

# ---- icmp, icmp6
spec("icmp-type", "4", "-A INPUT -p icmp", "--icmp-type",
     uint(U8) + ["3/" + v for v in uint(U8)] + ["3/", "/3", "3/1/2", "echo-request"])
spec("icmpv6-type", "6", "-A INPUT -p icmpv6", "--icmpv6-type",
     uint(U8) + ["1/" + v for v in uint(U8)] + ["1/", "/1", "1/2/3", "echo-request"])

# ---- multiport
# --ports has no native form (README, known differences): its numbers are
# read as --sports' are
for o in ("--sports", "--dports"):
    spec("multiport" + o[1:], "46", "-A INPUT -p tcp -m multiport", o,
         PORTS + PORT_RANGE + ["1,65536", "1,2,", ",1", "1,,2", "010,0x10",
                               "1:2,3", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15",
                               "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16"])
spec("multiport-udp-dports", "46", "-A INPUT -p udp -m multiport", "--dports",
     ["1,65536", "65536", "1,70000", "1:65536", "70000:1"])

# ---- conntrack
for o in ("--ctorigsrcport", "--ctorigdstport", "--ctreplsrcport", "--ctrepldstport"):
    spec("conntrack" + o[1:], "46", "-A INPUT -m conntrack --ctproto tcp", o,
         PORTS + PORT_RANGE)
spec("conntrack-ctexpire", "46", "-A INPUT -m conntrack", "--ctexpire",
     uint(U32, ["5000000", "4294967", "4294968"]) + rng(U32, ":", ["5000000:6000000"]))
spec("conntrack-ctproto", "46", "-A INPUT -m conntrack", "--ctproto", uint(U8, ["TCP"]))
spec("conntrack-ctorigsrc", "4", "-A INPUT -m conntrack", "--ctorigsrc",
     ["192.0.2.1/" + m for m in uint(32, ["33", "255.255.255.0"])])
spec("conntrack-ctorigsrc", "6", "-A INPUT -m conntrack", "--ctorigsrc",
     ["2001:db8::1/" + m for m in uint(128, ["129"])])

# ---- ttl, hl, TTL, HL
for o in ("--ttl-eq", "--ttl-lt", "--ttl-gt"):
    spec("ttl" + o[5:], "4", "-A INPUT -m ttl", o, uint(U8))
# --ttl-dec/--ttl-inc (and HL's) have no native form, only --ttl-set
spec("TTL-set", "4", "-t mangle -A OUTPUT -j TTL", "--ttl-set", uint(U8))
for o in ("--hl-eq", "--hl-lt", "--hl-gt"):
    spec("hl" + o[4:], "6", "-A INPUT -m hl", o, uint(U8))
spec("HL-set", "6", "-t mangle -A OUTPUT -j HL", "--hl-set", uint(U8))

# ---- IPv6 extension headers
# Natively a header length is a multiple of 8 from 8 to 2048 and the
# routing type and segments left are one byte: other values, which can
# never match, are refused (README, known differences); the sweep keeps
# to the values nf_tables can say and to the malformed ones.
HDR_LEN = ["16", "010", "0x10", "0X18", "+16", " 16", "16 ", "\t16", "-0", "-1", "",
           "08", "0x", "16x", "1.5", "2048", "4294967296"] + BIG[1:]
BYTE_FIELD = [v for v in uint(U32) if v not in ("4294967295", "256")]
spec("frag-fragid", "6", "-A INPUT -m frag", "--fragid", uint(U32) + rng(U32))
spec("frag-fraglen", "6", "-A INPUT -m frag", "--fraglen", uint(U32))
for m in ("hbh", "dst"):
    spec("%s-len" % m, "6", "-A INPUT -m " + m, "--%s-len" % m, HDR_LEN)
    spec("%s-opts" % m, "6", "-A INPUT -m " + m, "--%s-opts" % m,
         uint(U8) + ["1:" + v for v in uint(U8)] + ["1:2,3", "1,", ",1", "1:", ":1",
                                                     "1:2:3"])
spec("rt-type", "6", "-A INPUT -m rt", "--rt-type", BYTE_FIELD)
spec("rt-segsleft", "6", "-A INPUT -m rt", "--rt-segsleft",
     BYTE_FIELD + rng(U8)[:-4] + ["1:4294967296", "1:5x"])
spec("rt-len", "6", "-A INPUT -m rt", "--rt-len", HDR_LEN)
spec("ipv6header", "6", "-A INPUT -m ipv6header", "--header",
     uint(U8, ["0,43", "hop", "HOP", "ipv6-frag,0x2c", "256,1", "0,", ",0", "0,,43",
               "043", "+43", " 43", "43", "60", "prot", "none", "IPv6-Route"]))

# ---- packet fields
spec("length", "46", "-A INPUT -m length", "--length", uint(U16) + rng(U16))
spec("dscp", "46", "-A INPUT -m dscp", "--dscp", uint(63, ["63", "64"]))
spec("tos", "4", "-A INPUT -m tos", "--tos", uint(U8) + ["1/" + v for v in uint(U8)]
     + ["Minimize-Delay", "minimize-delay", "0x10/", "/0x10"])
for m in ("mark", "connmark"):
    spec(m, "46", "-A INPUT -m " + m, "--mark", valmask())
spec("statistic-every", "46", "-A INPUT -m statistic --mode nth", "--every", uint(U32))
spec("statistic-packet", "46", "-A INPUT -m statistic --mode nth --every 3", "--packet",
     uint(U32, ["2", "3"]))
spec("statistic-probability", "46", "-A INPUT -m statistic --mode random", "--probability",
     ["0.5", "0", "1", "1.0", "1.5", "-0.5", "0x0.8", "5e-1", ".5", "0.5x", "", " 0.5",
      "1e-10", "0.0000000001", "nan", "inf"])
spec("limit", "46", "-A INPUT -m limit", "--limit",
     ["1", "010", "0x10", "+1", " 1", "", "-1", "0", "1/s", "1/sec", "1/second",
      "1/m", "1/minute", "1/h", "1/hour", "1/d", "1/day", "1/x", "1/", "/s",
      "4294967295/s", "4294967296/s", "10001/s", "10000/s", "1x/s", "1/ss"])
spec("limit-burst", "46", "-A INPUT -m limit", "--limit-burst", uint(10000, ["10000"]))
spec("owner-uid", "46", "-A OUTPUT -m owner", "--uid-owner",
     uint(U32, ["4294967294"]) + rng(U32, "-") + ["1:2", "root", "0-root"])
spec("owner-gid", "46", "-A OUTPUT -m owner", "--gid-owner",
     uint(U32, ["4294967294"]) + rng(U32, "-") + ["1:2", "root"])
spec("recent-seconds", "46", "-A INPUT -m recent --rcheck", "--seconds", uint(U32))
spec("recent-hitcount", "46", "-A INPUT -m recent --rcheck", "--hitcount",
     uint(U32, ["255", "256"]))
for o in ("--hashlimit-burst", "--hashlimit-htable-size", "--hashlimit-htable-max",
          "--hashlimit-htable-expire", "--hashlimit-htable-gcinterval"):
    spec("hashlimit" + o[11:], "46", "-A INPUT -m hashlimit --hashlimit-name n "
         "--hashlimit-upto 1/s", o, uint(U32))
for o in ("--hashlimit-srcmask", "--hashlimit-dstmask"):
    spec("hashlimit" + o[11:], "46", "-A INPUT -m hashlimit --hashlimit-name n "
         "--hashlimit-upto 1/s --hashlimit-mode srcip,dstip", o, uint(128, ["32", "33"]))
spec("hashlimit-upto", "46", "-A INPUT -m hashlimit --hashlimit-name n", "--hashlimit-upto",
     ["1", "010", "0x10", "+1", "", "-1", "0", "1/s", "1/x", "/s", "4294967296/s",
      "1000001/s", "1000000/s", "1kb/s", "1mb/s", "1b/s", "4294967296b/s"])

spec("iprange", "4", "-A INPUT -m iprange", "--src-range",
     ["192.0.2.1-192.0.2.010", "0300.0.2.1-192.0.2.0x10", "192.0.2.1", "192.0.2.1-",
      "-192.0.2.1", "192.0.2.9-192.0.2.1", " 192.0.2.1-192.0.2.2", "192.0.2.1 -192.0.2.2",
      "192.0.2.1- 192.0.2.2", "192.0.2.1-192.0.2.2-192.0.2.3", "192.0.2-192.0.3",
      "192.0.2.256-192.0.2.257", "192.0.2.08-192.0.2.9", ""])
spec("iprange", "6", "-A INPUT -m iprange", "--dst-range",
     ["2001:db8::1-2001:db8::010", "2001:db8::1", "2001:db8::9-2001:db8::1",
      " 2001:db8::1-2001:db8::2", "2001:db8::1-", ""])
spec("mac", "46", "-A INPUT -m mac", "--mac-source",
     ["00:11:22:33:44:55", "0:1:2:3:4:5", "000:11:22:33:44:55", "0x1:1:2:3:4:5",
      "+1:1:2:3:4:5", " 1:1:2:3:4:5", "1:1:2:3:4:5 ", "-1:1:2:3:4:5", "1:1:2:3:4",
      "1:1:2:3:4:5:6", "1:1:2:3:4:", "g:1:2:3:4:5", "100:1:2:3:4:5", "AA:bb:CC:dd:EE:ff",
      ""])
spec("recent-mask", "4", "-A INPUT -m recent --rcheck", "--mask",
     ["255.255.255.0", "255.255.255.010", "0xff.0.0.0", "255.255", "24", "",
      "255.255.255.256"])

# ---- targets
spec("LOG-level", "46", "-A INPUT -j LOG", "--log-level",
     uint(7, ["7", "8", "warning", "WARNING", "warn", "panic"]))
for o, mx in (("--nflog-group", U16), ("--nflog-range", U32), ("--nflog-size", U32),
              ("--nflog-threshold", U16)):
    spec("NFLOG" + o[7:], "46", "-A INPUT -j NFLOG", o, uint(mx))
spec("NFQUEUE-num", "46", "-A INPUT -j NFQUEUE", "--queue-num", uint(U16))
spec("NFQUEUE-balance", "46", "-A INPUT -j NFQUEUE", "--queue-balance",
     rng(U16) + ["0:65535", "0:65534", "1:65535", "5", "1:1"])
spec("TCPMSS", "46", "-t mangle -A POSTROUTING -p tcp --tcp-flags SYN,RST SYN -j TCPMSS",
     "--set-mss", uint(U16, ["65495", "65496"]))
spec("CT-zone", "46", "-t raw -A PREROUTING -j CT", "--zone", uint(U16, ["mark"]))
spec("CT-zone-orig", "46", "-t raw -A PREROUTING -j CT", "--zone-orig", uint(U16, ["mark"]))
spec("MARK-set-mark", "46", "-t mangle -A OUTPUT -j MARK", "--set-mark", valmask())
spec("MARK-set-xmark", "46", "-t mangle -A OUTPUT -j MARK", "--set-xmark", valmask())
for o in ("--and-mark", "--or-mark", "--xor-mark"):
    spec("MARK" + o[1:], "46", "-t mangle -A OUTPUT -j MARK", o, uint(U32))
spec("CONNMARK-set-mark", "46", "-t mangle -A OUTPUT -j CONNMARK", "--set-mark", valmask())
# a partial --mask has no native form: the whole mask, spelled every way,
# and the malformed ones
spec("CONNMARK-mask", "46", "-t mangle -A OUTPUT -j CONNMARK --restore-mark", "--mask",
     ["4294967295", "0xffffffff", "037777777777", "+4294967295", " 0xffffffff",
      "0xffffffff ", "-0", "-1", "", "0x", "4294967296", "0xfffffffff"] + BIG)
spec("DSCP", "46", "-t mangle -A OUTPUT -j DSCP", "--set-dscp", uint(63, ["63", "64"]))
spec("TOS-set", "4", "-t mangle -A OUTPUT -j TOS", "--set-tos",
     uint(U8) + ["1/" + v for v in uint(U8)] + ["Minimize-Cost", "0x10/"])
for o in ("--and-tos", "--or-tos", "--xor-tos"):
    spec("TOS" + o[1:], "4", "-t mangle -A OUTPUT -j TOS", o, uint(U8))
spec("CLASSIFY", "46", "-t mangle -A OUTPUT -j CLASSIFY", "--set-class",
     ["1:2", "010:010", "0x10:0x10", "ffff:ffff", "10000:1", "1:10000", "1:", ":1", "1",
      "", "+1:2", " 1:2", "1:2 ", "-1:2", "1:2:3", "g:1", "1:2x"])
NAT_PORTS = ["1", "010", "0x10", "+1", " 1", "1 ", "", "-1", "0", "65535", "65536",
             "4294967296", "1-2", "2-1", "1-", "-2", "1-65536", "ssh", "10-ssh",
             "ssh-20", "1:2", "1x"]
spec("REDIRECT", "46", "-t nat -A PREROUTING -p tcp -j REDIRECT", "--to-ports", NAT_PORTS)
spec("MASQUERADE", "46", "-t nat -A POSTROUTING -p tcp -j MASQUERADE", "--to-ports",
     NAT_PORTS)
spec("SNAT", "4", "-t nat -A POSTROUTING -p tcp -j SNAT", "--to-source",
     ["192.0.2.1:" + p for p in NAT_PORTS] + ["192.0.2.1-192.0.2.010", "192.0.2.1:"])
spec("SNAT", "6", "-t nat -A POSTROUTING -p tcp -j SNAT", "--to-source",
     ["[2001:db8::1]:" + p for p in NAT_PORTS])
spec("DNAT", "4", "-t nat -A PREROUTING -p tcp -j DNAT", "--to-destination",
     ["192.0.2.1:" + p for p in NAT_PORTS])


def command(fam, prefix, opt, val, suffix):
    prog = "ip6tables" if fam == "6" else "iptables"
    words = [prog]
    if prefix:
        words.append(prefix)
    words.append(opt)
    words.append(val if isinstance(val, RawWords) else q(val))
    if suffix:
        words.append(suffix)
    return " ".join(words)


def generate():
    out = [
        "# Generated by tests/sweep-numbers.py - do not edit; change the script",
        "# and run it.  Every numeric argument of the core options and of every",
        "# extension, spelled every way it might be: one case per option and",
        "# family, one command per spelling (issue 11 item 6).",
        "# What each spelling prints is the point here: the kernel layout of what",
        "# the accepted ones wrote, and the reference reading it, are left to the",
        "# other case files (reading.cases has these options on every side).",
        "#: compat=0 xread=0",
        "",
    ]
    names = set()
    for name, fams, prefix, opt, vals, suffix in SPEC:
        for fam in fams:
            cname = "num%s-%s" % (fam, name)
            assert cname not in names, cname
            names.add(cname)
            out.append("### " + cname)
            if opt.startswith("-I ") or opt.startswith("-D ") or opt.startswith("-R ") \
                    or opt.startswith("-Z ") or opt.startswith("-L ") \
                    or opt.startswith("-S "):
                prog = "ip6tables" if fam == "6" else "iptables"
                out.append("%s -A INPUT -j ACCEPT" % prog)
                out.append("%s -A INPUT -j DROP" % prog)
            for v in vals:
                out.append(command(fam, prefix, opt, v, suffix))
            out.append("")
    return "\n".join(out)


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    path = args[0] if args else DEFAULT_OUT
    text = generate()
    if check:
        try:
            with open(path) as f:
                old = f.read()
        except OSError:
            old = None
        if old != text:
            sys.stderr.write("%s is not what tests/sweep-numbers.py generates\n" % path)
            return 1
        return 0
    with open(path, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
