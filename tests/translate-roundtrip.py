#!/usr/bin/env python3
"""translate-roundtrip: what iptables-translate prints, nft loads back into
the rules iptables wrote.

For each case of the differential corpora whose lines are all plain
iptables/ip6tables commands (no pipes, files or other programs):
  1. run the commands with iptnft; iptables-save (both families) is the
     expected ruleset;
  2. flush the ruleset; make the tables and chains that save shows with
     iptables-restore-translate of its chain lines, then load what
     iptables-translate prints for each command, with nft -f;
  3. iptables-save again: it must equal the expected one, byte for byte.
It passes when iptables-save prints the same, or when the kernel holds
the same expressions and only the iptables spelling that iptables keeps
in the rule's userdata differs (-m state and -m conntrack --ctstate are
one nft expression). A case whose command iptnft refuses, or that has a command with no nft
form or a rule with no complete translation (an xt blob: the exit status
says so), is counted and left out; every other case must pass.

With --restore IPTNFT FILE...: iptables-restore each file, and load
iptables-restore-translate of it with nft -f instead: the same rules.

Runs in the network namespace it is started in: start it under
`unshare -n`. Usage: translate-roundtrip.py [-v] [-k] IPTNFT FILE.cases...
(-k: go on after a failure; -v: name each case). Prints counts and exits
1 if a case failed.
"""
import atexit
import os
import re
import shutil
import shlex
import subprocess
import sys
import tempfile

FAMILIES = {"iptables": "ip", "ip6tables": "ip6"}


def cases(path):
    """(name, [command line]) of each case of a case file."""
    name, lines, cont = None, [], ""
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if cont:
                line = cont + line
                cont = ""
            if line.endswith("\\"):
                cont = line[:-1]
                continue
            if line.startswith("### "):
                if name:
                    yield name, lines
                name, lines = line[4:].strip(), []
            elif not line.strip() or line.startswith("#"):
                continue
            elif name:
                lines.append(line)
    if name:
        yield name, lines


def plain(line):
    """argv of a plain iptables/ip6tables command line, or None."""
    if re.search(r"[|<>;&`$]", line):
        return None
    try:
        argv = shlex.split(line)
    except ValueError:
        return None
    if not argv or argv[0] not in FAMILIES:
        return None
    return argv


def words_bytes(words):
    """The bytes of register words as nft --debug=netlink shows them."""
    out = b""
    for w in words:
        out += int(w, 16).to_bytes(4, "little")
    return out


def bytes_words(data):
    data += b"\0" * (-len(data) % 4)
    return ["0x%08x" % int.from_bytes(data[i:i + 4], "little") for i in range(0, len(data), 4)]


LOAD = re.compile(r"^  \[ payload load (\d+)b @ (\w+) header \+ (\d+) => reg 1 \]$")
CMP_EQ = re.compile(r"^  \[ cmp eq reg 1 ((?:0x[0-9a-f]{8} ?)+) \]$")


def merge_payloads(block):
    """nft writes equality tests of adjacent header fields, one after the
    other, as one test of the bytes they span ("udp sport 68 udp dport 67"
    is one 4-byte compare): merge such pairs the same way."""
    i = 1
    while i + 3 < len(block):
        a, ca, b, cb = (LOAD.match(block[i]), CMP_EQ.match(block[i + 1]),
                        LOAD.match(block[i + 2]), CMP_EQ.match(block[i + 3]))
        if a and ca and b and cb and a.group(2) == b.group(2):
            la, oa, lb, ob = int(a.group(1)), int(a.group(3)), int(b.group(1)), int(b.group(3))
            va = words_bytes(ca.group(1).split())[:la]
            vb = words_bytes(cb.group(1).split())[:lb]
            if ob == oa + la or oa == ob + lb:
                first, lo = (va + vb, oa) if ob == oa + la else (vb + va, ob)
                if len(first) <= 16:
                    block[i:i + 4] = ["  [ payload load %db @ %s header + %d => reg 1 ]"
                                      % (la + lb, a.group(2), lo),
                                      "  [ cmp eq reg 1 %s ]" % " ".join(bytes_words(first))]
                    continue
        i += 1


class Runner:
    def __init__(self, binary, verbose, keep_going):
        self.bin = binary
        self.verbose = verbose
        self.keep_going = keep_going
        self.tmp = tempfile.mkdtemp(prefix="xlate-rt.")
        atexit.register(shutil.rmtree, self.tmp, True)
        self.links = {}
        for n in ("iptables", "ip6tables", "iptables-save", "ip6tables-save",
                  "iptables-restore",
                  "iptables-translate", "ip6tables-translate",
                  "iptables-restore-translate", "ip6tables-restore-translate"):
            p = os.path.join(self.tmp, n)
            os.symlink(os.path.abspath(binary), p)
            self.links[n] = p
        self.queue_ok = self.kernel_has_queue()
        self.counts = {"passed": 0, "spelling": 0, "no-queue": 0, "incomplete-native": 0, "failed": 0, "refused": 0, "no-nft-form": 0,
                       "incomplete": 0, "not-plain": 0, "nft-refused": 0}

    def kernel_has_queue(self):
        """Does this kernel have nft_queue (some have only the xt one)?"""
        r = subprocess.run(["nft", "-f", "-"], input="add table ip xq\nadd chain ip xq c\n"
                           "add rule ip xq c queue num 0\ndelete table ip xq\n",
                           capture_output=True, text=True)
        subprocess.run(["nft", "delete", "table", "ip", "xq"], capture_output=True)
        return r.returncode == 0

    def run(self, argv, stdin=None):
        return subprocess.run(argv, input=stdin, capture_output=True, text=True,
                              timeout=60)

    def flush(self):
        self.run(["nft", "flush", "ruleset"])

    def save(self):
        out = []
        for fam in ("iptables-save", "ip6tables-save"):
            r = self.run([self.links[fam]])
            out += [l for l in r.stdout.splitlines() if not l.startswith("#")]
        return "\n".join(out) + "\n"

    @staticmethod
    def save_rules(text):
        """(rules by "family table chain", the other lines) of save text."""
        rules, other, fam, table = {}, [], "ip", None
        for l in text.splitlines():
            if l.startswith("*"):
                table = l[1:]
                if (fam, table) in [tuple(k.split()[:2]) for k in rules]:
                    fam = "ip6"
            if l.startswith("-A "):
                key = "%s %s %s" % (fam, table, l.split()[1])
                rules.setdefault(key, []).append(l)
            else:
                other.append(l)
            if l == "COMMIT" and table == "security":
                fam = "ip6"
        return rules, other

    @staticmethod
    def code_rules(text):
        """Rule blocks by "family table chain", and the set blocks."""
        rules, sets, key = {}, [], None
        for l in text.splitlines():
            if re.match(r"^(ip|ip6) \S+ ", l):
                key = l
                if "@" in l:
                    sets.append([l])
                else:
                    rules.setdefault(key, []).append([])
            elif "@" in key:
                sets[-1].append(l)
            else:
                rules[key][-1].append(l)
        return rules, sorted(sets)

    def same(self, expected, got, expected_code, got_code):
        """Each rule reads back as it was, or is the same expressions."""
        er, eo = self.save_rules(expected)
        gr, go = self.save_rules(got)
        ec, es = self.code_rules(expected_code)
        gc, gs = self.code_rules(got_code)
        if eo != go or set(er) != set(gr):
            return False
        for k in er:
            if len(er[k]) != len(gr[k]):
                return False
            for i, (a, b) in enumerate(zip(er[k], gr[k])):
                if a == b:
                    continue
                if ec.get(k) and gc.get(k) and len(ec[k]) == len(er[k]) and \
                   len(gc[k]) == len(gr[k]) and ec[k][i] == gc[k][i]:
                    continue
                return False
        return True

    def bytecode(self):
        """The rules' expressions as nft --debug=netlink shows them, with
        handles, set names and userdata (where iptables keeps spelling
        hints nft syntax cannot carry) left out."""
        r = self.run(["nft", "--debug=netlink", "list", "ruleset"])
        blocks, ifname = [], False
        for l in r.stdout.splitlines():
            if re.match(r"^(ip|ip6) \S+ ", l):
                blocks.append([re.sub(r"__set\d+", "__set", " ".join(l.split()[:3]))])
            elif blocks and (l.startswith("  [") or l.startswith("\telement")):
                l = re.sub(r"__set\d+", "__set", l)
                # a name compared with its NUL: iptables writes the bytes
                # up to it, nft all 16 (the rest of a name is zeros)
                if ifname and re.match(r"^  \[ cmp (eq|neq) ", l):
                    l = re.sub(r"( 0x00000000)+ \]$", " ]", l)
                ifname = re.search(r"meta load (iif|oif)name", l) is not None
                # nft writes lo <= x <= hi as two compares
                m = re.match(r"^  \[ range eq reg (\d+) (0x\S+) (0x\S+) \]$", l)
                if m:
                    blocks[-1].append("  [ cmp gte reg %s %s ]" % (m.group(1), m.group(2)))
                    l = "  [ cmp lte reg %s %s ]" % (m.group(1), m.group(3))
                blocks[-1].append(l)
        for b in blocks:
            merge_payloads(b)
        # tables and chains in name order, rules in chain order
        blocks.sort(key=lambda b: b[0])
        return "\n".join("\n".join(b) for b in blocks) + "\n"

    def translate(self, argv):
        """nft commands for one command line: (status, [commands])."""
        r = self.run([self.links[argv[0] + "-translate"]] + argv[1:])
        if "Translation not implemented" in r.stderr or \
           not any(l.startswith("nft ") for l in r.stdout.splitlines()):
            return "no-nft-form", []
        if r.returncode != 0:
            return "incomplete", []
        cmds = []
        for line in r.stdout.splitlines():
            if not line.startswith("nft "):
                return "incomplete", []
            words = shlex.split(line[4:])
            cmds.append(" ".join(words) if len(words) > 1 else words[0])
        return "ok", cmds

    def skeleton(self):
        """nft commands making the tables and built-in chains that
        iptables-save shows (the commands make the user's chains)."""
        script = []
        for fam in ("iptables", "ip6tables"):
            block, text = [], []
            r = self.run([self.links[fam + "-save"]])
            for l in r.stdout.splitlines():
                if l.startswith("-A") or l.startswith("#"):
                    continue
                if l.startswith(":") and l.split()[1] == "-":
                    continue
                text.append(l)
            if not text:
                continue
            r = self.run([self.links[fam + "-restore-translate"], "--noflush"],
                         stdin="\n".join(text) + "\n")
            if r.returncode != 0:
                raise RuntimeError("restore-translate failed: " + r.stderr)
            script += [l for l in r.stdout.splitlines() if l and not l.startswith("#")]
        return script

    def case(self, path, name, lines):
        argvs = [plain(l) for l in lines]
        if not argvs or any(a is None for a in argvs):
            self.counts["not-plain"] += 1
            return True
        self.flush()
        for a in argvs:
            r = self.run([self.links[a[0]]] + a[1:])
            if r.returncode != 0:
                self.counts["refused"] += 1
                return True
        expected = self.save()
        expected_code = self.bytecode()
        cmds = []
        for a in argvs:
            status, c = self.translate(a)
            if status == "incomplete" and not re.search(r"\[ (match|target) ", expected_code):
                # a native rule with no nft text: say which
                self.counts["incomplete-native"] += 1
                if self.verbose or os.environ.get("XLATE_SHOW_NATIVE"):
                    print("# no nft text for native %s:%s: %s" % (path, name, " ".join(a)))
                return True
            if status != "ok":
                self.counts[status] += 1
                return True
            # listings change nothing
            cmds += [x for x in c if not x.startswith("list ")]
        if not self.queue_ok and any(re.search(r"\bqueue\b", c) for c in cmds):
            self.counts["no-queue"] += 1
            return True
        skel = self.skeleton()
        script = skel + cmds
        self.flush()
        sf = os.path.join(self.tmp, "script.nft")
        with open(sf, "w") as f:
            f.write("\n".join(skel) + "\n")
        r = self.run(["nft", "-f", sf])
        # each line iptables-translate prints is one nft command of its own
        for c in cmds:
            if r.returncode != 0:
                break
            # flushing a table nobody made changes nothing
            m = re.match(r"^flush table (\S+) (\S+)$", c)
            if m and "add table %s %s" % (m.group(1), m.group(2)) not in skel:
                continue
            with open(sf, "w") as f:
                f.write(c + "\n")
            r = self.run(["nft", "-f", sf])
        got = self.save() if r.returncode == 0 else None
        got_code = self.bytecode() if r.returncode == 0 else None
        if got is not None and (got == expected or got_code == expected_code or
                                self.same(expected, got, expected_code, got_code)):
            if got == expected:
                self.counts["passed"] += 1
            else:
                # the same expressions: only the iptables spelling the
                # rule's userdata kept (-m state or -m conntrack, an
                # option-less -m tcp) is gone
                self.counts["spelling"] += 1
                if self.verbose:
                    print("# %s:%s: same expressions, iptables spelling differs" % (path, name))
            if self.verbose:
                print("ok %s:%s" % (path, name))
            return True
        self.counts["failed"] += 1
        print("FAIL %s:%s" % (path, name))
        for l in lines:
            print("#   command: " + l)
        for l in script:
            print("#   nft: " + l)
        if got is None:
            print("#   nft -f refused it: " + r.stderr.strip().replace("\n", "\n#   "))
        else:
            import difflib
            for l in difflib.unified_diff(expected.splitlines(), got.splitlines(),
                                          "expected", "after nft -f", lineterm=""):
                print("#   " + l)
            for l in difflib.unified_diff(expected_code.splitlines(), got_code.splitlines(),
                                          "expected", "after nft -f", lineterm=""):
                print("#   " + l)
        return self.keep_going


COMMENT = re.compile(r' -m comment --comment ("(?:[^"\\\\]|\\\\.)*"|\S+)')


def comment_last(text):
    """Save text as iptables lists rules nft wrote: each rule's -m comment
    after its matches, and no -m tcp (udp) that tests nothing."""
    out = []
    for l in text.splitlines():
        l = re.sub(r" -m (tcp|udp)(?= -[mjg] |$)", "", l)
        m = COMMENT.search(l) if l.startswith("-A ") else None
        if m:
            rest = l[:m.start()] + l[m.end():]
            t = re.search(r" -[jg] ", rest)
            at = t.start() if t else len(rest)
            l = rest[:at] + m.group(0) + rest[at:]
        out.append(l)
    return "\n".join(out) + "\n"


def restore_case(rn, path):
    """iptables-restore PATH, against nft -f of iptables-restore-translate
    PATH: the same rules, by the case's criteria."""
    rn.flush()
    with open(path) as f:
        text = f.read()
    r = rn.run([rn.links["iptables-restore"]], stdin=text)
    if r.returncode != 0:
        print("FAIL %s: iptables-restore refused it" % path)
        return False
    expected, expected_code = rn.save(), rn.bytecode()
    rn.flush()
    r = rn.run([rn.links["iptables-restore-translate"], "-f", path])
    if r.returncode != 0:
        print("FAIL %s: iptables-restore-translate: status %d\n%s" % (path, r.returncode, r.stderr))
        return False
    sf = os.path.join(rn.tmp, "restore.nft")
    with open(sf, "w") as f:
        f.write(r.stdout)
    r = rn.run(["nft", "-f", sf])
    if r.returncode != 0:
        print("FAIL %s: nft -f refused the translation: %s" % (path, r.stderr[:2000]))
        return False
    got, got_code = rn.save(), rn.bytecode()
    nrules = expected.count("\n-A ")
    if got == expected:
        print("# %s: %d rules, iptables-save the same" % (path, nrules))
        return True
    if comment_last(expected) == got:
        print("# %s: %d rules, iptables-save the same but for what nft syntax cannot "
              "carry: where -m comment stands, an -m tcp that tests nothing" % (path, nrules))
        return True
    if got_code == expected_code or rn.same(expected, got, expected_code, got_code):
        print("# %s: %d rules, the same expressions; iptables-save spells some "
              "differently" % (path, nrules))
        return True
    print("FAIL %s: the rules differ" % path)
    import difflib
    for l in list(difflib.unified_diff(expected.splitlines(), got.splitlines(), "expected",
                                       "after nft -f", lineterm=""))[:40]:
        print("#   " + l)
    return False


def main():
    args = sys.argv[1:]
    if args and args[0] == "--restore":
        rn = Runner(args[1], False, False)
        ok = all([restore_case(rn, p) for p in args[2:]])
        return 0 if ok else 1
    verbose = "-v" in args
    keep = "-k" in args
    args = [a for a in args if a not in ("-v", "-k")]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    rn = Runner(args[0], verbose, keep)
    for path in args[1:]:
        for name, lines in cases(path):
            if not rn.case(path, name, lines):
                break
    c = rn.counts
    print("# translate round trip: %d passed (%d of them listed by iptables -S in "
          "another spelling of the same expressions), %d failed; left out: %d refused "
          "by iptables, %d with a command nft has no form for, %d with a rule that "
          "holds an xt blob, %d with a native rule nft syntax cannot say, %d not plain "
          "commands, %d queueing on a kernel without nft_queue"
          % (c["passed"] + c["spelling"], c["spelling"], c["failed"], c["refused"],
             c["no-nft-form"], c["incomplete"], c["incomplete-native"], c["not-plain"],
             c["no-queue"]))
    return 1 if c["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
