#!/usr/bin/env python3
"""index-spellings.py NS IPT_BIN CASE_FILE...

Every rule the differential corpus appends (iptables/ip6tables -A lines),
restored in network namespace NS so that the table's rule index is built,
then checked with -C twice: as the corpus spells it and as -S prints it.
The index answers most of these with "found"; wherever it answers
"absent", reading the chain (IPTNFT_INDEX=0) must answer the same, for an
"absent" the index gets wrong is a rule -C and -D would miss.

Prints one summary line per table and exits non-zero on any disagreement.
"""
import os
import re
import shlex
import subprocess
import sys

BUILTIN = {
    "filter": ["INPUT", "FORWARD", "OUTPUT"],
    "nat": ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
    "mangle": ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
    "raw": ["PREROUTING", "OUTPUT"],
    "security": ["INPUT", "FORWARD", "OUTPUT"],
}


def corpus(files):
    """(prog, table) -> ordered unique [(chain, args)], and user chains."""
    rules, chains = {}, {}
    for f in files:
        for line in open(f):
            m = re.match(r"^(ip6?tables) (.*)$", line.rstrip("\n"))
            if not m:
                continue
            try:
                argv = shlex.split(m.group(2))
            except ValueError:
                continue
            table, chain, rest, op = "filter", None, [], None
            i = 0
            while i < len(argv):
                a = argv[i]
                if a in ("-t", "--table") and i + 1 < len(argv):
                    table = argv[i + 1]
                    i += 2
                    continue
                if a in ("-A", "--append", "-N", "--new-chain") and op is None and i + 1 < len(argv):
                    op, chain = a, argv[i + 1]
                    i += 2
                    continue
                rest.append(a)
                i += 1
            if table not in BUILTIN or chain is None:
                continue
            key = (m.group(1), table)
            chains.setdefault(key, set())
            if op in ("-N", "--new-chain"):
                chains[key].add(chain)
                continue
            if chain not in BUILTIN[table]:
                chains[key].add(chain)
            lst = rules.setdefault(key, [])
            if tuple(rest) not in lst:
                lst.append(tuple(rest))
    return rules, chains


def run(ns, argv, env=None, stdin=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(["ip", "netns", "exec", ns] + argv, input=stdin, capture_output=True,
                       text=True, env=e)
    return p.returncode, p.stdout, p.stderr


def restore_text(table, chains, rules):
    """Each rule in a chain of its own, R<n>: a rule the index cannot
    describe (an anonymous set's) then leaves only its own chain to be
    read."""
    out = ["*" + table]
    out += [":%s ACCEPT [0:0]" % c for c in BUILTIN[table]]
    out += [":%s - [0:0]" % c for c in sorted(chains)]
    out += [":%s - [0:0]" % c for c, _ in rules]
    out += ["-A %s %s" % (c, shlex.join(a)) for c, a in rules]
    out.append("COMMIT")
    return "\n".join(out) + "\n"


def words(line):
    """A listed rule's words; one the shell could not split (a comment
    that ends in a backslash is printed as the reference prints it,
    unescaped) is only checked as written."""
    try:
        return shlex.split(line)
    except ValueError:
        return []


def main():
    ns, bindir = sys.argv[1], sys.argv[2]
    rules, chains = corpus(sys.argv[3:])
    bad = 0
    for (prog, table), lst in sorted(rules.items()):
        restore = os.path.join(bindir, prog + "-restore")
        ipt = os.path.join(bindir, prog)
        user = chains.get((prog, table), set())
        lst = [("R%d" % i, a) for i, a in enumerate(lst)]
        first = 2 + len(BUILTIN[table]) + len(user) + len(lst)
        # drop the lines the grammar or the kernel refuse (a refused
        # restore changes nothing)
        while lst:
            rc, _, err = run(ns, [restore], stdin=restore_text(table, user, lst))
            if rc == 0:
                break
            # rules the kernel refuses only beside others (two RATEEST
            # estimators of one name): the error names their chains
            refused = set(re.findall(r"rule in chain (R\d+)", err))
            if refused & {c for c, _ in lst}:
                kept = [r for r in lst if r[0] not in refused]
                first -= len(lst) - len(kept)
                lst = kept
                continue
            m = re.search(r"line:? (\d+)", err)
            n = int(m.group(1)) - first if m else -1
            if 0 <= n < len(lst):
                del lst[n]
                first -= 1
                continue
            lines = restore_text(table, user, lst).splitlines()
            if m and 0 < int(m.group(1)) <= len(lines) and lines[int(m.group(1)) - 1].startswith(":"):
                # a chain the grammar refuses (too long a name, ...)
                user = {u for u in user if ":%s - [0:0]" % u != lines[int(m.group(1)) - 1]}
                first -= 1
                continue
            # found at COMMIT: try the rules one by one
            before = len(lst)
            lst = [r for r in lst
                   if run(ns, [restore, "--test"], stdin=restore_text(table, user, [r]))[0] == 0]
            if len(lst) == before:
                print("%s %s: restore fails: %s" % (prog, table, err.strip()))
                bad += 1
                lst = []
            elif not lst:
                print("%s %s: no rule restores" % (prog, table))
                bad += 1
        if not lst:
            continue
        # the k-th rule of a chain is its k-th -A line in -S
        printed = {}
        for c in set(c for c, _ in lst):
            _, out, _ = run(ns, [ipt, "-t", table, "-S", c])
            printed[c] = [words(l)[2:] for l in out.splitlines() if l.startswith("-A ")]
        seen = {}
        tally = {}
        for chain, args in lst:
            k = seen.get(chain, 0)
            seen[chain] = k + 1
            spellings = [list(args)]
            if k < len(printed[chain]) and printed[chain][k] and printed[chain][k] != list(args):
                spellings.append(printed[chain][k])
            for sp in spellings:
                argv = [ipt, "-t", table, "-C", chain] + sp
                rc, _, err = run(ns, argv, env={"IPTNFT_DEBUG": "index"})
                m = re.search(r"^iptnft: index: (.*)$", err, re.M)
                said = m.group(1) if m else "?"
                tally[said] = tally.get(said, 0) + 1
                if said == "found" and rc == 0:
                    continue
                want, _, _ = run(ns, argv, env={"IPTNFT_INDEX": "0"})
                if os.environ.get("SPELL_VERBOSE") and said == "absent":
                    print("  absent (reading agrees: %d): -C %s %s" % (want, chain, shlex.join(sp)))
                if rc != want:
                    print("%s %s: -C %s %s: index said %s, status %d; reading the chain: %d"
                          % (prog, table, chain, shlex.join(sp), said, rc, want))
                    bad += 1
        print("%s %s: %d rules, index answers %s" % (prog, table, len(lst),
              ", ".join("%s %d" % kv for kv in sorted(tally.items()))))
        if tally.get("found", 0) * 2 < sum(tally.values()):
            print("%s %s: the index answered too few" % (prog, table))
            bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
