#!/usr/bin/env python3
"""gen-ruleset.py - generate a large iptables-restore input for the
save/restore tests (tests/saverestore.bats).

Usage: gen-ruleset.py [-n RULES] [-s SEED] [-c] [--nat-share F]

Writes to stdout a ruleset of RULES rules (default 10000) over the filter
and nat tables: policies, user chains (jumps and gotos only go to chains
of a deeper level, at most 8 levels, so there are no loops and no jump
deeper than the kernel allows), addresses with
masks, interfaces with wildcards, tcp/udp ports and ranges, tcp flags,
icmp types, state and conntrack --ctstate, negations, and with -c a
"[packets:bytes]" counter on every rule and built-in chain.

The output is in the canonical form and order iptables-save prints
(built-in chains first, user chains sorted by name, rules grouped by
chain), so that iptables-save after restoring it prints the same lines
apart from the "#" header and trailer comments.  The same SEED always
gives the same output.  Only extensions iptnft has are used (tcp, udp,
icmp, state, conntrack; targets ACCEPT, DROP, RETURN and chain jumps).
"""
import argparse
import random
import sys

TABLES = {
    "filter": ["INPUT", "FORWARD", "OUTPUT"],
    "nat": ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
}
# chains where an input / output interface makes sense
IN_OK = {"INPUT", "FORWARD", "PREROUTING"}
OUT_OK = {"OUTPUT", "FORWARD", "POSTROUTING"}
LEVELS = 8
STATES = ["INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED"]
TCP_FLAGS = ["FIN", "SYN", "RST", "PSH", "ACK", "URG"]
IFACES = ["eth0", "eth1", "eth+", "veth+", "lo", "br-1234", "wg0", "bond0.100"]


def addr(r):
    """a random network address with a mask, already masked"""
    plen = r.choice([32, 32, 32, 24, 16, 8, 28, 30])
    a = r.getrandbits(32)
    first = r.choice([10, 172, 192, 198, 203])
    a = (first << 24) | (a & 0xFFFFFF)
    if plen < 32:
        a &= (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF
    return "%d.%d.%d.%d/%d" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, plen)


def port(r):
    if r.random() < 0.2:
        lo = r.randint(1, 60000)
        return "%d:%d" % (lo, r.randint(lo + 1, 65535))
    return str(r.randint(1, 65535))


def neg(r, p=0.15):
    return "! " if r.random() < p else ""


def flags(r, among, k):
    pick = set(r.sample(among, k))
    return ",".join(f for f in TCP_FLAGS if f in pick)


def states(r):
    pick = set(r.sample(STATES, r.randint(1, 3)))
    return ",".join(s for s in STATES if s in pick)


def port_match(r, proto, dport_odds):
    """-p PROTO -m PROTO, a source port 40% of the time, a destination
    port DPORT_ODDS of the time"""
    words = ["-p %s -m %s" % (proto, proto)]
    if r.random() < 0.4:
        words.append(neg(r) + "--sport " + port(r))
    if r.random() < dport_odds:
        words.append(neg(r) + "--dport " + port(r))
    return words


def rule(r, table, chain, users, idx):
    """one rule of CHAIN; USERS are the user chains it may jump to"""
    words = ["-A", chain]
    if r.random() < 0.5:
        words.append(neg(r) + "-s " + addr(r))
    if r.random() < 0.4:
        words.append(neg(r) + "-d " + addr(r))
    user = chain not in TABLES[table]
    if (user or chain in IN_OK) and r.random() < 0.3:
        words.append(neg(r) + "-i " + r.choice(IFACES))
    if (user or chain in OUT_OK) and r.random() < 0.3:
        words.append(neg(r) + "-o " + r.choice(IFACES))
    kind = r.choice(["tcp", "tcp", "udp", "icmp", "none", "none", "frag"])
    if kind == "tcp":
        words += port_match(r, "tcp", 0.7)
        x = r.random()
        if x < 0.15:
            words.append("--tcp-flags FIN,SYN,RST,ACK SYN")
        elif x < 0.3:
            mask = flags(r, TCP_FLAGS, r.randint(2, 4))
            words.append(neg(r) + "--tcp-flags %s %s" % (mask, flags(r, mask.split(","), 1)))
    elif kind == "udp":
        words += port_match(r, "udp", 0.8)
    elif kind == "icmp":
        words.append("-p icmp -m icmp")
        t = r.choice(["0", "3", "3/1", "3/4", "5/1", "8", "11", "11/0", "13", "any"])
        words.append(neg(r, 0.1) + "--icmp-type " + t)
    elif kind == "frag":
        words.append(neg(r, 0.3) + "-f")
    if r.random() < 0.25:
        if r.random() < 0.5:
            words.append("-m state " + neg(r, 0.1) + "--state " + states(r))
        else:
            words.append("-m conntrack " + neg(r, 0.1) + "--ctstate " + states(r))
    x = r.random()
    if users and x < 0.25:
        words.append("-j " + r.choice(users))
    elif users and x < 0.32:
        words.append("-g " + r.choice(users))
    elif x < 0.55:
        words.append("-j ACCEPT")
    elif x < 0.7 and table == "filter":
        words.append("-j DROP")
    elif x < 0.8:
        words.append("-j RETURN")
    # else: no target (a counting rule)
    return " ".join(words)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=10000, help="number of rules")
    ap.add_argument("-s", type=int, default=1, help="random seed")
    ap.add_argument("-c", action="store_true", help="counters on rules and chains")
    ap.add_argument("--nat-share", type=float, default=0.3)
    a = ap.parse_args()
    r = random.Random(a.s)
    out = sys.stdout
    counts = {"nat": int(a.n * a.nat_share)}
    counts["filter"] = a.n - counts["nat"]

    def ctr():
        if not a.c:
            return ""
        return "[%d:%d] " % (r.randint(0, 10**6), r.randint(0, 10**9))

    for table in ("filter", "nat"):
        n = counts[table]
        nusers = max(2, n // 120)
        # names that sort differently from their creation order
        users = sorted("%s-%04d" % (r.choice(["SVC", "SEP", "FW", "chain", "Z"]), i)
                       for i in range(nusers))
        users = sorted(set(users))
        out.write("*%s\n" % table)
        for c in TABLES[table]:
            pol = "ACCEPT"
            if table == "filter" and c != "OUTPUT" and r.random() < 0.7:
                pol = "DROP"
            pc = "[%d:%d]" % (r.randint(0, 10**6), r.randint(0, 10**9)) if a.c else "[0:0]"
            out.write(":%s %s %s\n" % (c, pol, pc))
        for u in users:
            out.write(":%s - [0:0]\n" % u)
        chains = TABLES[table] + users
        # the kernel allows 16 nested jumps: spread the user chains over
        # LEVELS levels (randomly, so names do not give the level away)
        # and jump only to a deeper level
        level = {u: r.randrange(LEVELS) for u in users}
        # deal the rules: a third to the built-in chains, the rest to users
        per = {c: 0 for c in chains}
        for i in range(n):
            if r.random() < 0.33:
                per[r.choice(TABLES[table])] += 1
            else:
                per[r.choice(users)] += 1
        for c in chains:
            # jump targets: for a built-in chain any user chain, for a
            # user chain only the ones after it (no loops)
            if c in TABLES[table]:
                targets = users
            else:
                lvl = level[c]
                targets = [u for u in users if level[u] > lvl]
            for i in range(per[c]):
                out.write(ctr() + rule(r, table, c, targets, i) + "\n")
        out.write("COMMIT\n")


if __name__ == "__main__":
    main()
