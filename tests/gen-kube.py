#!/usr/bin/env python3
"""gen-kube.py SERVICES [ENDPOINTS]: an iptables-restore input shaped like
kube-proxy's iptables mode (nat table): KUBE-SERVICES jumps to one
KUBE-SVC chain per service, which spreads new connections over one
KUBE-SEP chain per endpoint with -m statistic and DNATs there; marking
for masquerade in KUBE-MARK-MASQ and KUBE-POSTROUTING. Deterministic."""
import sys


def chain_id(kind, n):
    return "KUBE-%s-%012X" % (kind, n * 2654435761 % (1 << 48))


def main():
    services = int(sys.argv[1])
    endpoints = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    chains = ["KUBE-MARK-MASQ", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-SERVICES"]
    rules = [
        "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
        "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
        "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING",
        "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000",
        "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
        "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
        "-A KUBE-POSTROUTING -j MASQUERADE",
    ]
    for s in range(services):
        svc = chain_id("SVC", s + 1)
        ip = "10.%d.%d.%d" % (96 + s // 65536, s // 256 % 256, s % 256)
        name = "ns%d/svc%d:http" % (s % 7, s)
        chains.append(svc)
        rules.append("-A KUBE-SERVICES -d %s/32 -p tcp -m comment --comment \"%s cluster IP\" "
                     "-m tcp --dport 80 -j %s" % (ip, name, svc))
        rules.append("-A %s ! -s 10.244.0.0/16 -d %s/32 -p tcp -m comment --comment \"%s "
                     "cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ" % (svc, ip, name))
        for e in range(endpoints):
            sep = chain_id("SEP", s * endpoints + e + 1)
            chains.append(sep)
            pod = "10.244.%d.%d" % ((s * endpoints + e) // 250 % 256, (s * endpoints + e) % 250 + 2)
            left = endpoints - e
            stat = "" if left == 1 else \
                " -m statistic --mode random --probability %.11f" % (1.0 / left)
            rules.append("-A %s -m comment --comment \"%s -> %s:8080\"%s -j %s"
                         % (svc, name, pod, stat, sep))
            rules.append("-A %s -s %s/32 -m comment --comment \"%s\" -j KUBE-MARK-MASQ"
                         % (sep, pod, name))
            rules.append("-A %s -p tcp -m comment --comment \"%s\" -m tcp -j DNAT "
                         "--to-destination %s:8080" % (sep, name, pod))
    rules.append("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports\" "
                 "-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS")
    out = ["*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]",
           ":POSTROUTING ACCEPT [0:0]"]
    out += [":%s - [0:0]" % c for c in chains]
    out += rules
    out.append("COMMIT")
    sys.stdout.write("\n".join(out) + "\n")


main()
