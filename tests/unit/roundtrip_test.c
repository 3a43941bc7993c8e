/* Round trips without a kernel.
 *
 * Each case is an iptables command line and the -S line(s) the reference
 * (Debian iptables 1.8.9, iptables-nft) prints for it. The rule goes
 *
 *   cmd_parse -> rule_linearize -> NFT_MSG_NEWRULE message
 *             -> nftnl_rule_nlmsg_parse (as a kernel dump hands it back)
 *             -> rule_delinearize -> print_rule_save
 *
 * and the text must equal the reference's. A command that expands into
 * several rules (-s a,b) expects their lines joined with '\n'.
 *
 * The expected column comes from running the reference in a throwaway
 * network namespace: tests/unit/roundtrip_expected.sh prints it for a list
 * of command lines. Output is TAP; the exit status is non-zero on any
 * failure.
 */
#include <config.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "expr.h"
#include "print.h"
#include "rule.h"
#include "util.h"

struct rt_case {
	const char *input;	/* arguments after "iptables"; "..." groups */
	const char *expected;	/* iptables-nft -S output, -A lines only */
};

static const struct rt_case cases[] = {
	/* base: targets */
	{ "-A INPUT",
	  "-A INPUT" },
	{ "-A INPUT -j ACCEPT",
	  "-A INPUT -j ACCEPT" },
	{ "-A INPUT -j DROP",
	  "-A INPUT -j DROP" },
	{ "-A INPUT -j RETURN",
	  "-A INPUT -j RETURN" },
	{ "-A INPUT -j FOO",
	  "-A INPUT -j FOO" },
	{ "-A INPUT -g FOO",
	  "-A INPUT -g FOO" },
	{ "-A FORWARD -g BAR",
	  "-A FORWARD -g BAR" },
	{ "-A FOO -j RETURN",
	  "-A FOO -j RETURN" },
	{ "-A FOO -j BAR",
	  "-A FOO -j BAR" },
	{ "-A OUTPUT -j DROP",
	  "-A OUTPUT -j DROP" },
	{ "-I INPUT -j ACCEPT",
	  "-A INPUT -j ACCEPT" },
	{ "-I INPUT 1 -p tcp -j DROP",
	  "-A INPUT -p tcp -j DROP" },
	{ "--append INPUT --jump ACCEPT",
	  "-A INPUT -j ACCEPT" },
	{ "-A INPUT --goto FOO",
	  "-A INPUT -g FOO" },
	/* base: protocols */
	{ "-A INPUT -p tcp",
	  "-A INPUT -p tcp" },
	{ "-A INPUT -p udp -j ACCEPT",
	  "-A INPUT -p udp -j ACCEPT" },
	{ "-A INPUT -p icmp",
	  "-A INPUT -p icmp" },
	{ "-A INPUT -p all",
	  "-A INPUT" },
	{ "-A INPUT -p 0",
	  "-A INPUT" },
	{ "-A INPUT -p 6",
	  "-A INPUT -p tcp" },
	{ "-A INPUT -p 17",
	  "-A INPUT -p udp" },
	{ "-A INPUT -p 1",
	  "-A INPUT -p icmp" },
	{ "-A INPUT -p 47",
	  "-A INPUT -p gre" },
	{ "-A INPUT -p gre",
	  "-A INPUT -p gre" },
	{ "-A INPUT -p esp",
	  "-A INPUT -p esp" },
	{ "-A INPUT -p ah",
	  "-A INPUT -p ah" },
	{ "-A INPUT -p sctp",
	  "-A INPUT -p sctp" },
	{ "-A INPUT -p udplite",
	  "-A INPUT -p udplite" },
	{ "-A INPUT -p icmpv6",
	  "-A INPUT -p ipv6-icmp" },
	{ "-A INPUT -p 132",
	  "-A INPUT -p sctp" },
	{ "-A INPUT -p 200",
	  "-A INPUT -p 200" },
	{ "-A INPUT -p 255",
	  "-A INPUT -p 255" },
	{ "-A INPUT -p TCP",
	  "-A INPUT -p tcp" },
	{ "-A INPUT -p Udp",
	  "-A INPUT -p udp" },
	{ "-A INPUT --protocol tcp",
	  "-A INPUT -p tcp" },
	{ "-A INPUT ! -p tcp",
	  "-A INPUT ! -p tcp" },
	{ "-A INPUT ! -p udp -j DROP",
	  "-A INPUT ! -p udp -j DROP" },
	{ "-A INPUT ! -p 47",
	  "-A INPUT ! -p gre" },
	{ "-A INPUT ! -p icmp",
	  "-A INPUT ! -p icmp" },
	{ "-A INPUT ! -p sctp",
	  "-A INPUT ! -p sctp" },
	/* base: addresses */
	{ "-A INPUT -s 192.0.2.1",
	  "-A INPUT -s 192.0.2.1/32" },
	{ "-A INPUT -s 192.0.2.0/24",
	  "-A INPUT -s 192.0.2.0/24" },
	{ "-A INPUT -s 192.0.2.0/25",
	  "-A INPUT -s 192.0.2.0/25" },
	{ "-A INPUT -s 192.0.2.1/32",
	  "-A INPUT -s 192.0.2.1/32" },
	{ "-A INPUT -s 10.0.0.0/8",
	  "-A INPUT -s 10.0.0.0/8" },
	{ "-A INPUT -s 172.16.0.0/12",
	  "-A INPUT -s 172.16.0.0/12" },
	{ "-A INPUT -s 0.0.0.0/0",
	  "-A INPUT" },
	{ "-A INPUT -s 192.0.2.77/24",
	  "-A INPUT -s 192.0.2.0/24" },
	{ "-A INPUT -s 192.0.2.0/31",
	  "-A INPUT -s 192.0.2.0/31" },
	{ "-A INPUT -s 192.0.2.0/1",
	  "-A INPUT -s 128.0.0.0/1" },
	{ "-A INPUT -d 203.0.113.0/20",
	  "-A INPUT -d 203.0.112.0/20" },
	{ "-A INPUT -d 198.51.100.7",
	  "-A INPUT -d 198.51.100.7/32" },
	{ "-A INPUT -d 198.51.100.0/16",
	  "-A INPUT -d 198.51.0.0/16" },
	{ "-A INPUT -s 192.0.2.0/255.255.255.0",
	  "-A INPUT -s 192.0.2.0/24" },
	{ "-A INPUT -s 192.0.2.0/255.255.255.128",
	  "-A INPUT -s 192.0.2.0/25" },
	{ "-A INPUT -s 192.0.2.0/255.255.255.255",
	  "-A INPUT -s 192.0.2.0/32" },
	{ "-A INPUT -s 192.0.2.0/255.255.0.255",
	  "-A INPUT -s 192.0.0.0/255.255.0.255" },
	{ "-A INPUT -s 10.0.0.1/255.0.255.0",
	  "-A INPUT -s 10.0.0.0/255.0.255.0" },
	{ "-A INPUT -d 198.51.100.0/255.255.255.240",
	  "-A INPUT -d 198.51.100.0/28" },
	{ "-A INPUT -d 198.51.100.1/0.0.0.255",
	  "-A INPUT -d 0.0.0.1/0.0.0.255" },
	{ "-A INPUT -s 192.0.2.1/255.255.255.254",
	  "-A INPUT -s 192.0.2.0/31" },
	{ "-A INPUT ! -s 192.0.2.1",
	  "-A INPUT ! -s 192.0.2.1/32" },
	{ "-A INPUT ! -s 192.0.2.0/24",
	  "-A INPUT ! -s 192.0.2.0/24" },
	{ "-A INPUT ! -d 198.51.100.0/23",
	  "-A INPUT ! -d 198.51.100.0/23" },
	{ "-A INPUT ! -d 198.51.100.0/255.255.0.255",
	  "-A INPUT ! -d 198.51.0.0/255.255.0.255" },
	{ "-A INPUT ! -s 10.0.0.0/255.0.0.0",
	  "-A INPUT ! -s 10.0.0.0/8" },
	{ "-A INPUT -s 192.0.2.1 -d 198.51.100.2 -j ACCEPT",
	  "-A INPUT -s 192.0.2.1/32 -d 198.51.100.2/32 -j ACCEPT" },
	{ "-A INPUT --source 192.0.2.9 --destination 198.51.100.9",
	  "-A INPUT -s 192.0.2.9/32 -d 198.51.100.9/32" },
	{ "-A INPUT --src 192.0.2.10 --dst 198.51.100.10",
	  "-A INPUT -s 192.0.2.10/32 -d 198.51.100.10/32" },
	{ "-A INPUT -s 192.0.2.1,192.0.2.2 -j DROP",
	  "-A INPUT -s 192.0.2.1/32 -j DROP\n-A INPUT -s 192.0.2.2/32 -j DROP" },
	{ "-A INPUT -s 192.0.2.1 -d 198.51.100.1,198.51.100.2",
	  "-A INPUT -s 192.0.2.1/32 -d 198.51.100.1/32\n-A INPUT -s 192.0.2.1/32 -d 198.51.100.2/32" },
	{ "-A INPUT -s 192.0.2.0/24,198.51.100.0/25 -j ACCEPT",
	  "-A INPUT -s 192.0.2.0/24 -j ACCEPT\n-A INPUT -s 198.51.100.0/25 -j ACCEPT" },
	/* base: interfaces */
	{ "-A INPUT -i eth0",
	  "-A INPUT -i eth0" },
	{ "-A INPUT -i eth+",
	  "-A INPUT -i eth+" },
	{ "-A INPUT -i +",
	  "-A INPUT" },
	{ "-A INPUT ! -i eth0",
	  "-A INPUT ! -i eth0" },
	{ "-A INPUT ! -i eth+",
	  "-A INPUT ! -i eth+" },
	{ "-A INPUT -i lo -j ACCEPT",
	  "-A INPUT -i lo -j ACCEPT" },
	{ "-A OUTPUT -o eth1",
	  "-A OUTPUT -o eth1" },
	{ "-A OUTPUT -o veth+",
	  "-A OUTPUT -o veth+" },
	{ "-A OUTPUT ! -o lo",
	  "-A OUTPUT ! -o lo" },
	{ "-A OUTPUT ! -o ppp+",
	  "-A OUTPUT ! -o ppp+" },
	{ "-A FORWARD -i eth0 -o eth1 -j ACCEPT",
	  "-A FORWARD -i eth0 -o eth1 -j ACCEPT" },
	{ "-A FORWARD -i abcdefghijklmno",
	  "-A FORWARD -i abcdefghijklmno" },
	{ "-A FORWARD -o abcdefghijklmn+",
	  "-A FORWARD -o abcdefghijklmn+" },
	{ "-A FORWARD -i eth0.100 -o br-lan",
	  "-A FORWARD -i eth0.100 -o br-lan" },
	{ "-A FORWARD --in-interface wlan0 --out-interface eth0",
	  "-A FORWARD -i wlan0 -o eth0" },
	{ "-A FORWARD ! -i eth0 ! -o eth1",
	  "-A FORWARD ! -i eth0 ! -o eth1" },
	/* base: fragments */
	{ "-A INPUT -f",
	  "-A INPUT -f" },
	{ "-A INPUT ! -f",
	  "-A INPUT ! -f" },
	{ "-A INPUT -f -j DROP",
	  "-A INPUT -f -j DROP" },
	{ "-A INPUT -p udp -f",
	  "-A INPUT -p udp -f" },
	{ "-A INPUT --fragment -j ACCEPT",
	  "-A INPUT -f -j ACCEPT" },
	{ "-A INPUT -s 192.0.2.0/24 ! -f -j ACCEPT",
	  "-A INPUT -s 192.0.2.0/24 ! -f -j ACCEPT" },
	/* base: combinations */
	{ "-A INPUT -p tcp -s 192.0.2.1",
	  "-A INPUT -s 192.0.2.1/32 -p tcp" },
	{ "-A INPUT -p tcp -s 192.0.2.1 -d 198.51.100.1 -i eth0 -j DROP",
	  "-A INPUT -s 192.0.2.1/32 -d 198.51.100.1/32 -i eth0 -p tcp -j DROP" },
	{ "-A FORWARD ! -s 192.0.2.0/24 ! -d 198.51.100.0/24 ! -i eth0 ! -o eth1 ! -p tcp -j DROP",
	  "-A FORWARD ! -s 192.0.2.0/24 ! -d 198.51.100.0/24 ! -i eth0 ! -o eth1 ! -p tcp -j DROP" },
	{ "-A FORWARD -s 10.1.2.3/255.255.0.0 -d 10.0.0.0/255.0.255.0 -p udp -o eth2 -g FOO",
	  "-A FORWARD -s 10.1.0.0/16 -d 10.0.0.0/255.0.255.0 -o eth2 -p udp -g FOO" },
	/* tcp */
	{ "-A INPUT -p tcp --dport 22",
	  "-A INPUT -p tcp -m tcp --dport 22" },
	{ "-A INPUT -p tcp --dport 22 -j ACCEPT",
	  "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT" },
	{ "-A INPUT -p tcp --sport 1024",
	  "-A INPUT -p tcp -m tcp --sport 1024" },
	{ "-A INPUT -p tcp --dport ssh",
	  "-A INPUT -p tcp -m tcp --dport 22" },
	{ "-A INPUT -p tcp --dport http",
	  "-A INPUT -p tcp -m tcp --dport 80" },
	{ "-A INPUT -p tcp --dport https",
	  "-A INPUT -p tcp -m tcp --dport 443" },
	{ "-A INPUT -p tcp --sport domain",
	  "-A INPUT -p tcp -m tcp --sport 53" },
	{ "-A INPUT -p tcp --dport 1024:65535",
	  "-A INPUT -p tcp -m tcp --dport 1024:65535" },
	{ "-A INPUT -p tcp --dport 1024:",
	  "-A INPUT -p tcp -m tcp --dport 1024:65535" },
	{ "-A INPUT -p tcp --dport :1023",
	  "-A INPUT -p tcp -m tcp --dport 0:1023" },
	{ "-A INPUT -p tcp --dport 0:1023",
	  "-A INPUT -p tcp -m tcp --dport 0:1023" },
	{ "-A INPUT -p tcp --dport 0:65535",
	  "-A INPUT -p tcp -m tcp" },
	{ "-A INPUT -p tcp --dport 80:80",
	  "-A INPUT -p tcp -m tcp --dport 80" },
	{ "-A INPUT -p tcp --dport 0",
	  "-A INPUT -p tcp -m tcp --dport 0" },
	{ "-A INPUT -p tcp --dport 65535",
	  "-A INPUT -p tcp -m tcp --dport 65535" },
	{ "-A INPUT -p tcp --dport ssh:http",
	  "-A INPUT -p tcp -m tcp --dport 22:80" },
	{ "-A INPUT -p tcp --sport 1000:2000 --dport 3000:4000",
	  "-A INPUT -p tcp -m tcp --sport 1000:2000 --dport 3000:4000" },
	{ "-A INPUT -p tcp ! --dport 22",
	  "-A INPUT -p tcp -m tcp ! --dport 22" },
	{ "-A INPUT -p tcp ! --sport 1024:65535",
	  "-A INPUT -p tcp -m tcp ! --sport 1024:65535" },
	{ "-A INPUT -p tcp ! --dport 1024:",
	  "-A INPUT -p tcp -m tcp ! --dport 1024:65535" },
	{ "-A INPUT -p tcp ! --dport :1023",
	  "-A INPUT -p tcp -m tcp --dport 1024:65535" },
	{ "-A INPUT -p tcp --destination-port 443",
	  "-A INPUT -p tcp -m tcp --dport 443" },
	{ "-A INPUT -p tcp --source-port 53",
	  "-A INPUT -p tcp -m tcp --sport 53" },
	{ "-A INPUT -p tcp -m tcp --dport 22",
	  "-A INPUT -p tcp -m tcp --dport 22" },
	{ "-A INPUT -p 6 --dport 25",
	  "-A INPUT -p tcp -m tcp --dport 25" },
	{ "-A INPUT -p tcp --syn",
	  "-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN" },
	{ "-A INPUT -p tcp ! --syn",
	  "-A INPUT -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN" },
	{ "-A INPUT -p tcp --syn -j ACCEPT",
	  "-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT" },
	{ "-A INPUT -p tcp --tcp-flags SYN,ACK SYN",
	  "-A INPUT -p tcp -m tcp --tcp-flags SYN,ACK SYN" },
	{ "-A INPUT -p tcp --tcp-flags ALL NONE",
	  "-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE" },
	{ "-A INPUT -p tcp --tcp-flags ALL ALL",
	  "-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG FIN,SYN,RST,PSH,ACK,URG" },
	{ "-A INPUT -p tcp --tcp-flags ALL FIN,URG,PSH",
	  "-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG FIN,PSH,URG" },
	{ "-A INPUT -p tcp --tcp-flags FIN,SYN,RST,ACK SYN",
	  "-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN" },
	{ "-A INPUT -p tcp ! --tcp-flags SYN,RST SYN,RST",
	  "-A INPUT -p tcp -m tcp ! --tcp-flags SYN,RST SYN,RST" },
	{ "-A INPUT -p tcp --tcp-flags RST RST",
	  "-A INPUT -p tcp -m tcp --tcp-flags RST RST" },
	{ "-A INPUT -p tcp --tcp-flags syn,ack syn",
	  "-A INPUT -p tcp -m tcp --tcp-flags SYN,ACK SYN" },
	{ "-A INPUT -p tcp --tcp-flags ACK,FIN FIN",
	  "-A INPUT -p tcp -m tcp --tcp-flags FIN,ACK FIN" },
	{ "-A INPUT -p tcp --tcp-flags URG URG",
	  "-A INPUT -p tcp -m tcp --tcp-flags URG URG" },
	{ "-A INPUT -p tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE",
	  "-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE" },
	{ "-A INPUT -p tcp --tcp-option 2",
	  "-A INPUT -p tcp -m tcp --tcp-option 2" },
	{ "-A INPUT -p tcp ! --tcp-option 8",
	  "-A INPUT -p tcp -m tcp ! --tcp-option 8" },
	{ "-A INPUT -p tcp --tcp-option 255",
	  "-A INPUT -p tcp -m tcp --tcp-option 255" },
	{ "-A INPUT -p tcp --dport 22 --tcp-flags SYN,ACK SYN",
	  "-A INPUT -p tcp -m tcp --dport 22 --tcp-flags SYN,ACK SYN" },
	{ "-A INPUT -p tcp --sport 1024: --dport 80 --syn -j ACCEPT",
	  "-A INPUT -p tcp -m tcp --sport 1024:65535 --dport 80 --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT" },
	{ "-A INPUT -p tcp --dport 80 --tcp-option 2",
	  "-A INPUT -p tcp -m tcp --dport 80 --tcp-option 2" },
	{ "-A INPUT -p tcp --tcp-option 2 --dport 80",
	  "-A INPUT -p tcp -m tcp --dport 80 --tcp-option 2" },
	{ "-A INPUT -p tcp --syn --dport 22",
	  "-A INPUT -p tcp -m tcp --dport 22 --tcp-flags FIN,SYN,RST,ACK SYN" },
	{ "-A INPUT -p tcp ! --dport 22 ! --sport 80",
	  "-A INPUT -p tcp -m tcp ! --sport 80 ! --dport 22" },
	{ "-A INPUT -p tcp --dport 22 --sport 1024:65535",
	  "-A INPUT -p tcp -m tcp --sport 1024:65535 --dport 22" },
	{ "-A INPUT -s 192.0.2.0/24 -p tcp --dport 22 -j ACCEPT",
	  "-A INPUT -s 192.0.2.0/24 -p tcp -m tcp --dport 22 -j ACCEPT" },
	{ "-A INPUT -p tcp -m tcp --dport 22 -m tcp --sport 1024",
	  "-A INPUT -p tcp -m tcp --sport 1024 --dport 22" },
	/* udp */
	{ "-A INPUT -p udp --dport 53",
	  "-A INPUT -p udp -m udp --dport 53" },
	{ "-A INPUT -p udp --sport 53",
	  "-A INPUT -p udp -m udp --sport 53" },
	{ "-A INPUT -p udp --dport domain",
	  "-A INPUT -p udp -m udp --dport 53" },
	{ "-A INPUT -p udp --dport ntp",
	  "-A INPUT -p udp -m udp --dport 123" },
	{ "-A INPUT -p udp --dport snmp",
	  "-A INPUT -p udp -m udp --dport 161" },
	{ "-A INPUT -p udp --dport 67:68",
	  "-A INPUT -p udp -m udp --dport 67:68" },
	{ "-A INPUT -p udp --sport 1024:",
	  "-A INPUT -p udp -m udp --sport 1024:65535" },
	{ "-A INPUT -p udp --dport :1023",
	  "-A INPUT -p udp -m udp --dport 0:1023" },
	{ "-A INPUT -p udp ! --dport 53",
	  "-A INPUT -p udp -m udp ! --dport 53" },
	{ "-A INPUT -p udp ! --sport 1024:65535",
	  "-A INPUT -p udp -m udp ! --sport 1024:65535" },
	{ "-A INPUT -p udp --sport 53 --dport 1024:65535 -j ACCEPT",
	  "-A INPUT -p udp -m udp --sport 53 --dport 1024:65535 -j ACCEPT" },
	{ "-A INPUT -p udp -m udp --dport 500",
	  "-A INPUT -p udp -m udp --dport 500" },
	{ "-A INPUT -p udp --destination-port 4500",
	  "-A INPUT -p udp -m udp --dport 4500" },
	{ "-A INPUT -p udp --source-port 68 --destination-port 67",
	  "-A INPUT -p udp -m udp --sport 68 --dport 67" },
	{ "-A INPUT -p udp --dport 0:65535",
	  "-A INPUT -p udp -m udp" },
	{ "-A INPUT -p 17 --dport 53",
	  "-A INPUT -p udp -m udp --dport 53" },
	{ "-A OUTPUT -o eth0 -p udp --dport 53 -j ACCEPT",
	  "-A OUTPUT -o eth0 -p udp -m udp --dport 53 -j ACCEPT" },
	/* icmp */
	{ "-A INPUT -p icmp --icmp-type echo-request",
	  "-A INPUT -p icmp -m icmp --icmp-type 8" },
	{ "-A INPUT -p icmp --icmp-type echo-reply",
	  "-A INPUT -p icmp -m icmp --icmp-type 0" },
	{ "-A INPUT -p icmp --icmp-type 8",
	  "-A INPUT -p icmp -m icmp --icmp-type 8" },
	{ "-A INPUT -p icmp --icmp-type 0",
	  "-A INPUT -p icmp -m icmp --icmp-type 0" },
	{ "-A INPUT -p icmp --icmp-type 3",
	  "-A INPUT -p icmp -m icmp --icmp-type 3" },
	{ "-A INPUT -p icmp --icmp-type 3/4",
	  "-A INPUT -p icmp -m icmp --icmp-type 3/4" },
	{ "-A INPUT -p icmp --icmp-type 3/0",
	  "-A INPUT -p icmp -m icmp --icmp-type 3/0" },
	{ "-A INPUT -p icmp --icmp-type 11/1",
	  "-A INPUT -p icmp -m icmp --icmp-type 11/1" },
	{ "-A INPUT -p icmp --icmp-type 42",
	  "-A INPUT -p icmp -m icmp --icmp-type 42" },
	{ "-A INPUT -p icmp --icmp-type 42/7",
	  "-A INPUT -p icmp -m icmp --icmp-type 42/7" },
	{ "-A INPUT -p icmp --icmp-type 255",
	  "-A INPUT -p icmp -m icmp --icmp-type any" },
	{ "-A INPUT -p icmp --icmp-type fragmentation-needed",
	  "-A INPUT -p icmp -m icmp --icmp-type 3/4" },
	{ "-A INPUT -p icmp --icmp-type port-unreachable",
	  "-A INPUT -p icmp -m icmp --icmp-type 3/3" },
	{ "-A INPUT -p icmp --icmp-type host-unreachable",
	  "-A INPUT -p icmp -m icmp --icmp-type 3/1" },
	{ "-A INPUT -p icmp --icmp-type network-unreachable",
	  "-A INPUT -p icmp -m icmp --icmp-type 3/0" },
	{ "-A INPUT -p icmp --icmp-type destination-unreachable",
	  "-A INPUT -p icmp -m icmp --icmp-type 3" },
	{ "-A INPUT -p icmp --icmp-type communication-prohibited",
	  "-A INPUT -p icmp -m icmp --icmp-type 3/13" },
	{ "-A INPUT -p icmp --icmp-type time-exceeded",
	  "-A INPUT -p icmp -m icmp --icmp-type 11" },
	{ "-A INPUT -p icmp --icmp-type ttl-zero-during-transit",
	  "-A INPUT -p icmp -m icmp --icmp-type 11/0" },
	{ "-A INPUT -p icmp --icmp-type ttl-zero-during-reassembly",
	  "-A INPUT -p icmp -m icmp --icmp-type 11/1" },
	{ "-A INPUT -p icmp --icmp-type parameter-problem",
	  "-A INPUT -p icmp -m icmp --icmp-type 12" },
	{ "-A INPUT -p icmp --icmp-type required-option-missing",
	  "-A INPUT -p icmp -m icmp --icmp-type 12/1" },
	{ "-A INPUT -p icmp --icmp-type redirect",
	  "-A INPUT -p icmp -m icmp --icmp-type 5" },
	{ "-A INPUT -p icmp --icmp-type host-redirect",
	  "-A INPUT -p icmp -m icmp --icmp-type 5/1" },
	{ "-A INPUT -p icmp --icmp-type source-quench",
	  "-A INPUT -p icmp -m icmp --icmp-type 4" },
	{ "-A INPUT -p icmp --icmp-type timestamp-request",
	  "-A INPUT -p icmp -m icmp --icmp-type 13" },
	{ "-A INPUT -p icmp --icmp-type timestamp-reply",
	  "-A INPUT -p icmp -m icmp --icmp-type 14" },
	{ "-A INPUT -p icmp --icmp-type address-mask-request",
	  "-A INPUT -p icmp -m icmp --icmp-type 17" },
	{ "-A INPUT -p icmp --icmp-type address-mask-reply",
	  "-A INPUT -p icmp -m icmp --icmp-type 18" },
	{ "-A INPUT -p icmp --icmp-type router-advertisement",
	  "-A INPUT -p icmp -m icmp --icmp-type 9" },
	{ "-A INPUT -p icmp --icmp-type router-solicitation",
	  "-A INPUT -p icmp -m icmp --icmp-type 10" },
	{ "-A INPUT -p icmp --icmp-type ping",
	  "-A INPUT -p icmp -m icmp --icmp-type 8" },
	{ "-A INPUT -p icmp --icmp-type pong",
	  "-A INPUT -p icmp -m icmp --icmp-type 0" },
	{ "-A INPUT -p icmp --icmp-type ttl-exceeded",
	  "-A INPUT -p icmp -m icmp --icmp-type 11" },
	{ "-A INPUT -p icmp --icmp-type echo-req",
	  "-A INPUT -p icmp -m icmp --icmp-type 8" },
	{ "-A INPUT -p icmp --icmp-type any",
	  "-A INPUT -p icmp -m icmp --icmp-type any" },
	{ "-A INPUT -p icmp ! --icmp-type any",
	  "-A INPUT -p icmp -m icmp ! --icmp-type any" },
	{ "-A INPUT -p icmp ! --icmp-type echo-request",
	  "-A INPUT -p icmp -m icmp ! --icmp-type 8" },
	{ "-A INPUT -p icmp ! --icmp-type 3/3",
	  "-A INPUT -p icmp -m icmp ! --icmp-type 3/3" },
	{ "-A INPUT -p icmp ! --icmp-type 8",
	  "-A INPUT -p icmp -m icmp ! --icmp-type 8" },
	{ "-A INPUT -p icmp --icmp-type 8 -j ACCEPT",
	  "-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT" },
	{ "-A INPUT -p icmp -m icmp --icmp-type 8",
	  "-A INPUT -p icmp -m icmp --icmp-type 8" },
	{ "-A INPUT -p 1 --icmp-type 0",
	  "-A INPUT -p icmp -m icmp --icmp-type 0" },
	{ "-A INPUT -s 192.0.2.0/24 -p icmp --icmp-type echo-request -j ACCEPT",
	  "-A INPUT -s 192.0.2.0/24 -p icmp -m icmp --icmp-type 8 -j ACCEPT" },
	/* state */
	{ "-A INPUT -m state --state NEW",
	  "-A INPUT -m state --state NEW" },
	{ "-A INPUT -m state --state ESTABLISHED",
	  "-A INPUT -m state --state ESTABLISHED" },
	{ "-A INPUT -m state --state RELATED",
	  "-A INPUT -m state --state RELATED" },
	{ "-A INPUT -m state --state INVALID",
	  "-A INPUT -m state --state INVALID" },
	{ "-A INPUT -m state --state UNTRACKED",
	  "-A INPUT -m state --state UNTRACKED" },
	{ "-A INPUT -m state --state ESTABLISHED,RELATED",
	  "-A INPUT -m state --state RELATED,ESTABLISHED" },
	{ "-A INPUT -m state --state RELATED,ESTABLISHED",
	  "-A INPUT -m state --state RELATED,ESTABLISHED" },
	{ "-A INPUT -m state --state NEW,ESTABLISHED,RELATED,INVALID,UNTRACKED",
	  "-A INPUT -m state --state INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED" },
	{ "-A INPUT -m state --state new,established",
	  "-A INPUT -m state --state NEW,ESTABLISHED" },
	{ "-A INPUT -m state ! --state NEW",
	  "-A INPUT -m state ! --state NEW" },
	{ "-A INPUT -m state ! --state INVALID,UNTRACKED",
	  "-A INPUT -m state ! --state INVALID,UNTRACKED" },
	{ "-A INPUT -m state --state ESTABLISHED -j ACCEPT",
	  "-A INPUT -m state --state ESTABLISHED -j ACCEPT" },
	{ "-A INPUT -m state --state INVALID -j DROP",
	  "-A INPUT -m state --state INVALID -j DROP" },
	/* numbers as the reference reads them, and values past what the
	 * kernel's expressions hold, kept in userdata */
	{ "-A INPUT -p tcp --dport 010 -s 1.2.3.4/010",
	  "-A INPUT -s 1.0.0.0/8 -p tcp -m tcp --dport 8" },
	{ "-A INPUT -p 0x11 -m udp --sport 65536:70000",
	  "-A INPUT -p udp -m udp --sport 0:4464" },
	{ "-A INPUT -m conntrack --ctexpire 5000000",
	  "-A INPUT -m conntrack --ctexpire 5000000" },
	{ "-A INPUT -m conntrack ! --ctexpire 4294967:4294968",
	  "-A INPUT -m conntrack ! --ctexpire 4294967:4294968" },
	/* conntrack */
	{ "-A INPUT -m conntrack --ctstate NEW",
	  "-A INPUT -m conntrack --ctstate NEW" },
	{ "-A INPUT -m conntrack --ctstate ESTABLISHED",
	  "-A INPUT -m conntrack --ctstate ESTABLISHED" },
	{ "-A INPUT -m conntrack --ctstate RELATED",
	  "-A INPUT -m conntrack --ctstate RELATED" },
	{ "-A INPUT -m conntrack --ctstate INVALID",
	  "-A INPUT -m conntrack --ctstate INVALID" },
	{ "-A INPUT -m conntrack --ctstate UNTRACKED",
	  "-A INPUT -m conntrack --ctstate UNTRACKED" },
	{ "-A INPUT -m conntrack --ctstate SNAT",
	  "-A INPUT -m conntrack --ctstate SNAT" },
	{ "-A INPUT -m conntrack --ctstate DNAT",
	  "-A INPUT -m conntrack --ctstate DNAT" },
	{ "-A INPUT -m conntrack --ctstate SNAT,DNAT",
	  "-A INPUT -m conntrack --ctstate SNAT,DNAT" },
	{ "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED",
	  "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED" },
	{ "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED",
	  "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED" },
	{ "-A INPUT -m conntrack --ctstate INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED",
	  "-A INPUT -m conntrack --ctstate INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED" },
	{ "-A INPUT -m conntrack --ctstate established",
	  "-A INPUT -m conntrack --ctstate ESTABLISHED" },
	{ "-A INPUT -m conntrack ! --ctstate NEW",
	  "-A INPUT -m conntrack ! --ctstate NEW" },
	{ "-A INPUT -m conntrack ! --ctstate ESTABLISHED,RELATED",
	  "-A INPUT -m conntrack ! --ctstate RELATED,ESTABLISHED" },
	{ "-A INPUT -m conntrack ! --ctstate SNAT",
	  "-A INPUT -m conntrack ! --ctstate SNAT" },
	{ "-A INPUT -m conntrack ! --ctstate DNAT",
	  "-A INPUT -m conntrack ! --ctstate DNAT" },
	{ "-A INPUT -m conntrack --ctstate NEW,SNAT",
	  "-A INPUT -m conntrack --ctstate NEW,SNAT" },
	{ "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
	  "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT" },
	{ "-A INPUT -m conntrack --ctstate INVALID -j DROP",
	  "-A INPUT -m conntrack --ctstate INVALID -j DROP" },
	/* combinations */
	{ "-A INPUT -p tcp -m state --state NEW --dport 22 -j ACCEPT",
	  "-A INPUT -p tcp -m state --state NEW -m tcp --dport 22 -j ACCEPT" },
	{ "-A INPUT -p tcp --dport 22 -m state --state NEW -j ACCEPT",
	  "-A INPUT -p tcp -m tcp --dport 22 -m state --state NEW -j ACCEPT" },
	{ "-A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT",
	  "-A INPUT -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT" },
	{ "-A INPUT -p udp -m conntrack --ctstate NEW --dport 53 -j ACCEPT",
	  "-A INPUT -p udp -m conntrack --ctstate NEW -m udp --dport 53 -j ACCEPT" },
	{ "-A INPUT -s 192.0.2.0/24 -i eth0 -p tcp -m tcp --sport 1024:65535 --dport 443 --syn -m conntrack --ctstate NEW -j FOO",
	  "-A INPUT -s 192.0.2.0/24 -i eth0 -p tcp -m tcp --sport 1024:65535 --dport 443 --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack --ctstate NEW -j FOO" },
	{ "-A FORWARD -i eth0 -o eth1 -p tcp --dport 80 -m state --state NEW,ESTABLISHED -j ACCEPT",
	  "-A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport 80 -m state --state NEW,ESTABLISHED -j ACCEPT" },
	{ "-A INPUT -p icmp --icmp-type echo-request -m state --state NEW -j ACCEPT",
	  "-A INPUT -p icmp -m icmp --icmp-type 8 -m state --state NEW -j ACCEPT" },
	{ "-A INPUT -m state --state ESTABLISHED -m conntrack --ctstate DNAT",
	  "-A INPUT -m state --state ESTABLISHED -m conntrack --ctstate DNAT" },
	{ "-A INPUT -m conntrack --ctstate NEW -m state --state NEW",
	  "-A INPUT -m conntrack --ctstate NEW -m state --state NEW" },
	{ "-A INPUT -p tcp ! --syn -m state --state NEW -j DROP",
	  "-A INPUT -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -m state --state NEW -j DROP" },
	{ "-A INPUT ! -f -p tcp --dport 22",
	  "-A INPUT -p tcp ! -f -m tcp --dport 22" },
	{ "-A FORWARD -d 198.51.100.10 -o eth1 -p tcp --dport 8080 -m conntrack --ctstate DNAT -j ACCEPT",
	  "-A FORWARD -d 198.51.100.10/32 -o eth1 -p tcp -m tcp --dport 8080 -m conntrack --ctstate DNAT -j ACCEPT" },
	{ "-A INPUT -m conntrack --ctstate ESTABLISHED -p tcp --sport 80",
	  "-A INPUT -p tcp -m conntrack --ctstate ESTABLISHED -m tcp --sport 80" },
	{ "-A OUTPUT -p udp --sport 123 -m state --state ESTABLISHED -o eth0 -d 192.0.2.123 -j ACCEPT",
	  "-A OUTPUT -d 192.0.2.123/32 -o eth0 -p udp -m udp --sport 123 -m state --state ESTABLISHED -j ACCEPT" },
	{ "-A FOO -s 192.0.2.0/24 -p icmp ! --icmp-type 8 -m conntrack ! --ctstate INVALID -g BAR",
	  "-A FOO -s 192.0.2.0/24 -p icmp -m icmp ! --icmp-type 8 -m conntrack ! --ctstate INVALID -g BAR" },
	/* recent and hashlimit: the reference's xt blobs */
	{ "-A INPUT -m recent --set",
	  "-A INPUT -m recent --set --name DEFAULT --mask 255.255.255.255 --rsource" },
	{ "-A INPUT -p tcp --dport 22 -m recent --update --seconds 60 --hitcount 4 --rttl --name ssh -j DROP",
	  "-A INPUT -p tcp -m tcp --dport 22 -m recent --update --seconds 60 --hitcount 4 --rttl --name ssh --mask 255.255.255.255 --rsource -j DROP" },
	{ "-A INPUT -m recent ! --rcheck --reap --seconds 9 --rdest --mask 255.255.0.0 --name ab",
	  "-A INPUT -m recent ! --rcheck --seconds 9 --reap --name ab --mask 255.255.0.0 --rdest" },
	{ "-A INPUT -m hashlimit --hashlimit-upto 5 --hashlimit-name a",
	  "-A INPUT -m hashlimit --hashlimit-upto 5/sec --hashlimit-burst 5 --hashlimit-name a" },
	{ "-A INPUT -m hashlimit --hashlimit-above 512kb/s --hashlimit-burst 1mb --hashlimit-mode dstip,srcip --hashlimit-name f -j DROP",
	  "-A INPUT -m hashlimit --hashlimit-above 512kb/s --hashlimit-burst 1mb --hashlimit-mode srcip,dstip --hashlimit-name f -j DROP" },
	{ "-A INPUT -m hashlimit --hashlimit-upto 60/min --hashlimit-rate-match --hashlimit-srcmask 24 --hashlimit-name r",
	  "-A INPUT -m hashlimit --hashlimit-upto 60/sec --hashlimit-burst 5 --hashlimit-name r --hashlimit-htable-expire 60000 --hashlimit-srcmask 24 --hashlimit-rate-match --hashlimit-rate-interval 60" },
	{ "-A INPUT -m hashlimit --hashlimit-upto 100b/s --hashlimit-htable-size 64 --hashlimit-htable-max 128 --hashlimit-htable-gcinterval 500 --hashlimit-htable-expire 2000 --hashlimit-name b -m recent --set --name s",
	  "-A INPUT -m hashlimit --hashlimit-upto 96b/s --hashlimit-name b --hashlimit-htable-size 64 --hashlimit-htable-max 128 --hashlimit-htable-gcinterval 500 --hashlimit-htable-expire 2000 -m recent --set --name s --mask 255.255.255.255 --rsource" },
	/* quoting (the test splits on blanks, double quotes group) */
	{ "-A INPUT -p \"tcp\" --dport \"22\" -j \"ACCEPT\"",
	  "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT" },
	{ "-A FORWARD -i \"eth0\" ! -o \"eth+\"",
	  "-A FORWARD -i eth0 ! -o eth+" },
};

#define MAX_ARGS 64
#define TABLE "filter"

/* ---- argv from one line ---- */

struct args {
	int argc;
	char *argv[MAX_ARGS + 1];
};

static void args_free(struct args *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		free(a->argv[i]);
	a->argc = 0;
}

/* Split s on blanks into a->argv after prog; "..." groups blanks, and \"
 * or \\ inside quotes stand for the character. false if too many words or
 * an unterminated quote. */
static bool args_split(struct args *a, const char *prog, const char *s)
{
	struct strbuf w;

	a->argc = 0;
	a->argv[a->argc++] = xstrdup(prog);
	sb_init(&w);
	while (*s) {
		bool quoted = false;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		sb_reset(&w);
		sb_add(&w, "");
		while (*s && (quoted || (*s != ' ' && *s != '\t'))) {
			if (*s == '"') {
				quoted = !quoted;
			} else if (quoted && *s == '\\' && (s[1] == '"' || s[1] == '\\')) {
				sb_addc(&w, *++s);
			} else {
				sb_addc(&w, *s);
			}
			s++;
		}
		if (quoted || a->argc == MAX_ARGS) {
			sb_free(&w);
			args_free(a);
			return false;
		}
		a->argv[a->argc++] = xstrdup(w.buf);
	}
	a->argv[a->argc] = NULL;
	sb_free(&w);
	return true;
}

/* ---- the netlink leg ---- */

static struct nftnl_rule *nftnl_rule_for(const char *chain)
{
	struct nftnl_rule *nr = nftnl_rule_alloc();

	if (!nr)
		abort();
	nftnl_rule_set_str(nr, NFTNL_RULE_TABLE, TABLE);
	nftnl_rule_set_str(nr, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(nr, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	return nr;
}

/* Build the NEWRULE message for nr into buf; returns its header. */
static struct nlmsghdr *rule_message(void *buf, struct nftnl_rule *nr)
{
	struct nlmsghdr *nlh;

	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, NFPROTO_IPV4, 0, 1);
	nftnl_rule_nlmsg_build_payload(nlh, nr);
	return nlh;
}

/* The message buffer: far more than any rule here needs. */
static union {
	struct nlmsghdr align;
	char buf[1 << 16];
} msgbuf, msgbuf2;

/* Serialize nr and parse the message into a fresh nftnl_rule, the way a
 * dump hands rules to us. NULL if libnftnl refuses the message. */
static struct nftnl_rule *through_netlink(struct nftnl_rule *nr)
{
	struct nftnl_rule *back = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	if (!back)
		abort();
	memset(msgbuf.buf, 0, sizeof(msgbuf.buf));
	nlh = rule_message(msgbuf.buf, nr);
	if (nftnl_rule_nlmsg_parse(nlh, back) < 0) {
		nftnl_rule_free(back);
		return NULL;
	}
	return back;
}

/* Delinearize nr and append its -S line to out; false (with diag) if it
 * came back undecodable. */
static bool read_back(struct nftnl_rule *nr, const char *chain, struct strbuf *out,
		      struct strbuf *diag)
{
	struct rule *r = rule_new(NFPROTO_IPV4);
	bool ok = true;

	rule_delinearize(nr, r);
	if (r->unknown) {
		if (!diag->len)
			sb_add(diag, "a rule read back with unclaimed expressions (r->unknown)");
		ok = false;
	}
	print_rule_save(out, r, chain, false);
	rule_free(r);
	return ok;
}

/* ---- one case ---- */

/* Run input through the whole pipeline; the -S text goes to out. */
static bool roundtrip(const char *input, struct strbuf *out, struct strbuf *diag)
{
	struct handle h = { .family = NFPROTO_IPV4, .prog = "iptables" };
	struct command cmd;
	struct args a;
	bool ok = true;
	unsigned i;

	if (!args_split(&a, "iptables", input)) {
		sb_add(diag, "cannot split the input");
		return false;
	}
	if (cmd_parse(&h, a.argc, a.argv, &cmd) < 0) {
		sb_printf(diag, "cmd_parse failed: %s", h.err.msg);
		ok = false;
		goto out;
	}
	if (!cmd.nrules) {
		sb_add(diag, "cmd_parse gave no rule");
		ok = false;
		goto out;
	}
	for (i = 0; i < cmd.nrules; i++) {
		struct nftnl_rule *nr = nftnl_rule_for(cmd.chain), *back;

		rule_linearize(cmd.rules[i], nr);
		back = through_netlink(nr);
		nftnl_rule_free(nr);
		if (!back) {
			sb_add(diag, "nftnl_rule_nlmsg_parse refused our message");
			ok = false;
			break;
		}
		if (i)
			sb_addc(out, '\n');
		if (!read_back(back, cmd.chain, out, diag))
			ok = false;
		nftnl_rule_free(back);
	}
out:
	cmd_free(&cmd);
	args_free(&a);
	return ok;
}

/* ---- TAP ---- */

static unsigned test_num, failures;

static void tap_diag_lines(const char *label, const char *text)
{
	const char *nl;

	do {
		nl = strchr(text, '\n');
		printf("#   %s '%.*s'\n", label, nl ? (int)(nl - text) : (int)strlen(text), text);
		label = "       ";
		text = nl + 1;
	} while (nl);
}

static void tap_result(bool ok, const char *name)
{
	test_num++;
	printf("%s %u - %s\n", ok ? "ok" : "not ok", test_num, name);
	if (!ok)
		failures++;
}

static void run_case(const struct rt_case *c)
{
	struct strbuf got, diag;
	bool ok;

	sb_init(&got);
	sb_init(&diag);
	ok = roundtrip(c->input, &got, &diag);
	ok = ok && strcmp(got.buf ? got.buf : "", c->expected) == 0;
	tap_result(ok, c->input);
	if (!ok) {
		tap_diag_lines("expected:", c->expected);
		tap_diag_lines("     got:", got.buf ? got.buf : "");
		if (diag.len)
			printf("#   %s\n", diag.buf);
	}
	sb_free(&got);
	sb_free(&diag);
}

/* ---- determinism: linearize twice, same bytes ---- */

static unsigned match_count(const struct rule *r)
{
	const struct ext_inst *m;
	unsigned n = 0;

	for (m = r->matches; m; m = m->next)
		n++;
	return n;
}

/* Linearize every rule of input twice (and, when reread is set, once
 * more from the rule read back) and compare the NEWRULE messages.
 * Returns true if all agree; the first difference goes to diag. */
static bool same_bytes(const char *input, bool reread, struct strbuf *diag)
{
	struct handle h = { .family = NFPROTO_IPV4, .prog = "iptables" };
	struct command cmd;
	struct args a;
	bool ok = true;
	unsigned i;

	if (!args_split(&a, "iptables", input))
		return false;
	if (cmd_parse(&h, a.argc, a.argv, &cmd) < 0) {
		/* the case itself reports it */
		cmd_free(&cmd);
		args_free(&a);
		return true;
	}
	for (i = 0; ok && i < cmd.nrules; i++) {
		struct nftnl_rule *n1 = nftnl_rule_for(cmd.chain);
		struct nftnl_rule *n2 = nftnl_rule_for(cmd.chain);
		struct nlmsghdr *h1, *h2;
		struct rule *back = NULL;

		rule_linearize(cmd.rules[i], n1);
		if (reread) {
			struct nftnl_rule *parsed = through_netlink(n1);

			back = rule_new(NFPROTO_IPV4);
			if (parsed)
				rule_delinearize(parsed, back);
			nftnl_rule_free(parsed);
			rule_linearize(back, n2);
		} else {
			rule_linearize(cmd.rules[i], n2);
		}
		if (back && match_count(back) != match_count(cmd.rules[i])) {
			/* two tcp (or udp) matches read back merged, as the
			 * reference reads them: the bytes differ by design, the
			 * rule must still read back the same way again */
			struct nftnl_rule *again = through_netlink(n2);
			struct rule *r2 = rule_new(NFPROTO_IPV4);
			struct strbuf s1, s2;

			if (again)
				rule_delinearize(again, r2);
			sb_init(&s1);
			sb_init(&s2);
			print_rule_save(&s1, back, "X", false);
			print_rule_save(&s2, r2, "X", false);
			if (strcmp(s1.buf, s2.buf) != 0) {
				sb_printf(diag, "%s: merged rule reads back as %s, then %s", input,
					  s1.buf, s2.buf);
				ok = false;
			}
			sb_free(&s1);
			sb_free(&s2);
			rule_free(r2);
			nftnl_rule_free(again);
			rule_free(back);
			nftnl_rule_free(n1);
			nftnl_rule_free(n2);
			continue;
		}
		memset(msgbuf.buf, 0, sizeof(msgbuf.buf));
		memset(msgbuf2.buf, 0, sizeof(msgbuf2.buf));
		h1 = rule_message(msgbuf.buf, n1);
		h2 = rule_message(msgbuf2.buf, n2);
		if (h1->nlmsg_len != h2->nlmsg_len || memcmp(h1, h2, h1->nlmsg_len) != 0) {
			sb_printf(diag, "%s: messages differ (%u vs %u bytes)", input,
				  h1->nlmsg_len, h2->nlmsg_len);
			ok = false;
		}
		rule_free(back);
		nftnl_rule_free(n1);
		nftnl_rule_free(n2);
	}
	cmd_free(&cmd);
	args_free(&a);
	return ok;
}

static void test_deterministic(bool reread)
{
	unsigned i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf one;

		sb_init(&one);
		if (!same_bytes(cases[i].input, reread, &one)) {
			if (bad++ < 10)
				printf("#   %s\n", one.buf ? one.buf : cases[i].input);
		}
		sb_free(&one);
	}
	tap_result(bad == 0, reread ?
		   "linearize(delinearize(x)) gives x's netlink payload, every case" :
		   "the same rule linearized twice gives identical netlink payloads, every case");
	if (bad)
		printf("#   %u of %zu cases differ\n", bad, ARRAY_SIZE(cases));
}

/* ---- an expression nobody claims ---- */

/* -p tcp [log] counter accept, read back through netlink. */
static bool unknown_after(bool with_log, bool *unknown)
{
	static union {
		struct nlmsghdr align;
		char buf[1 << 12];
	} mb;
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(mb.buf, NFT_MSG_NEWRULE, NFPROTO_IPV4, 0, 1);
	struct lin_ctx c = { .nlh = nlh, .family = NFPROTO_IPV4, .limit = sizeof(mb.buf) };
	struct nftnl_rule *back;
	struct nlattr *exprs;
	struct rule *r;
	uint8_t tcp = 6;

	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, TABLE);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, "INPUT");
	exprs = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	lin_meta(&c, NFT_META_L4PROTO);
	lin_cmp(&c, REL_EQ, &tcp, 1);
	if (with_log) {
		struct nftnl_expr *log = nftnl_expr_alloc("log");

		if (!log)
			abort();
		nftnl_expr_set_str(log, NFTNL_EXPR_LOG_PREFIX, "unclaimed: ");
		lin_add(&c, log);
	}
	lin_counter(&c, 0, 0);
	lin_verdict(&c, NF_ACCEPT, NULL);
	mnl_attr_nest_end(nlh, exprs);
	back = nftnl_rule_alloc();
	if (!back)
		abort();
	if (nftnl_rule_nlmsg_parse(nlh, back) < 0) {
		nftnl_rule_free(back);
		return false;
	}
	r = rule_new(NFPROTO_IPV4);
	rule_delinearize(back, r);
	*unknown = r->unknown;
	rule_free(r);
	nftnl_rule_free(back);
	return true;
}

static void test_unknown(void)
{
	bool with = false, without = true;
	bool ok = unknown_after(true, &with) && unknown_after(false, &without);

	tap_result(ok && with && !without, "an unclaimed log expression sets rule->unknown");
	if (!(ok && with && !without))
		printf("#   read back: %s; with log unknown=%d, without unknown=%d\n",
		       ok ? "yes" : "no", with, without);
}

/* ---- port tests as nft writes them ---- */

/* -p tcp and nft's test of the destination port: op1 with v1, then op2
 * with v2 unless op2 < 0; the -S line read back goes to out. */
static bool nft_dport(enum cmp_op_kind op1, uint16_t v1, int op2, uint16_t v2,
		      struct strbuf *out)
{
	static union {
		struct nlmsghdr align;
		char buf[1 << 12];
	} mb;
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(mb.buf, NFT_MSG_NEWRULE, NFPROTO_IPV4, 0, 1);
	struct lin_ctx c = { .nlh = nlh, .family = NFPROTO_IPV4 };
	uint16_t be1 = htons(v1), be2 = htons(v2);
	struct strbuf diag;
	struct nftnl_rule *back;
	struct nlattr *exprs;
	uint8_t tcp = 6;
	bool ok;

	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, TABLE);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, "INPUT");
	exprs = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	lin_meta(&c, NFT_META_L4PROTO);
	lin_cmp(&c, REL_EQ, &tcp, 1);
	lin_payload(&c, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	lin_cmp(&c, op1, &be1, 2);
	if (op2 >= 0)
		lin_cmp(&c, (enum cmp_op_kind)op2, &be2, 2);
	lin_verdict(&c, NF_ACCEPT, NULL);
	mnl_attr_nest_end(nlh, exprs);
	back = nftnl_rule_alloc();
	if (!back)
		abort();
	if (nftnl_rule_nlmsg_parse(nlh, back) < 0) {
		nftnl_rule_free(back);
		return false;
	}
	sb_init(&diag);
	ok = read_back(back, "INPUT", out, &diag);
	sb_free(&diag);
	nftnl_rule_free(back);
	return ok;
}

static const struct {
	enum cmp_op_kind op1;
	uint16_t v1;
	int op2;
	uint16_t v2;
	const char *expected;	/* the reference's -S */
} nft_ports[] = {
	{ REL_GTE, 67, REL_LTE, 69, "-A INPUT -p tcp -m tcp --dport 67:69 -j ACCEPT" },
	{ REL_GT, 1024, REL_LT, 2048, "-A INPUT -p tcp -m tcp --dport 1025:2047 -j ACCEPT" },
	{ REL_GTE, 1024, REL_LTE, 65535, "-A INPUT -p tcp -m tcp --dport 1024:65535 -j ACCEPT" },
	{ REL_LT, 1024, -1, 0, "-A INPUT -p tcp -m tcp --dport 0:1023 -j ACCEPT" },
	{ REL_LTE, 1024, -1, 0, "-A INPUT -p tcp -m tcp --dport 0:1024 -j ACCEPT" },
};

static void test_nft_ports(void)
{
	struct strbuf out;
	size_t i;
	bool ok;

	for (i = 0; i < ARRAY_SIZE(nft_ports); i++) {
		sb_init(&out);
		ok = nft_dport(nft_ports[i].op1, nft_ports[i].v1, nft_ports[i].op2, nft_ports[i].v2,
			       &out) &&
		     out.buf && strcmp(out.buf, nft_ports[i].expected) == 0;
		tap_result(ok, nft_ports[i].expected);
		if (!ok)
			printf("#   got: %s\n", out.buf ? out.buf : "(nothing)");
		sb_free(&out);
	}
}

int main(void)
{
	size_t i;

	/* line-buffered so the TAP lines and ASan reports interleave right */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..%zu\n", ARRAY_SIZE(cases) + 3 + ARRAY_SIZE(nft_ports));
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	test_deterministic(false);
	test_deterministic(true);
	test_unknown();
	test_nft_ports();
	if (failures)
		printf("# %u of %u tests failed\n", failures, test_num);
	return failures ? 1 : 0;
}
