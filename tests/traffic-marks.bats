#!/usr/bin/env bats
# Real packets for the mark family: side A ($NS, 10.99.0.1 on veth0) runs
# our iptables, the peer ($NS_PEER, 10.99.0.2 on veth1) pings it or is
# pinged, and where a test needs it runs our iptables too. "Blocked" means
# a ping that gets no answer within its (short) timeout.

load helpers

setup() { traffic_setup; }
teardown() { traffic_teardown; }

# our iptables in the peer's namespace
ipt_peer() { ip netns exec "$NS_PEER" "$IPT_BIN/iptables" "$@"; }

# pkts [-p] [-t TABLE] CHAIN N: packets counted by rule N of CHAIN (on A,
# or with -p on the peer)
pkts() {
	local cmd=ipt table=filter
	if [ "$1" = -p ]; then cmd=ipt_peer; shift; fi
	if [ "$1" = -t ]; then table=$2; shift 2; fi
	"$cmd" -t "$table" -L "$1" "$2" -n -v -x | awk '{print $1}'
}

@test "traffic: MARK in mangle PREROUTING, -m mark in filter INPUT drops" {
	ipt -t mangle -A PREROUTING -p icmp -s "$B" -j MARK --set-mark 0x1
	ipt -A INPUT -m mark --mark 0x1 -j DROP
	run peer ping -c 1 -W 1 "$A"
	assert_failure
	assert_equal "$(pkts INPUT 1)" 1
	assert_equal "$(pkts -t mangle PREROUTING 1)" 1
}

@test "traffic: a different mark is not matched and the ping passes" {
	ipt -t mangle -A PREROUTING -p icmp -s "$B" -j MARK --set-mark 0x2
	ipt -A INPUT -m mark --mark 0x1 -j DROP
	ipt -A INPUT -m mark --mark 0x2/0x2 -j ACCEPT
	run peer ping -c 2 -W 2 "$A"
	assert_success
	assert_equal "$(pkts INPUT 1)" 0
	assert_equal "$(pkts INPUT 2)" 2
}

@test "traffic: MARK --or-mark / --and-mark combine as in the kernel target" {
	ipt -t mangle -A PREROUTING -p icmp -j MARK --set-mark 0xf0
	ipt -t mangle -A PREROUTING -p icmp -j MARK --and-mark 0x30
	ipt -t mangle -A PREROUTING -p icmp -j MARK --or-mark 0x1
	ipt -t mangle -A PREROUTING -p icmp -j MARK --xor-mark 0x10
	# 0xf0 & 0x30 = 0x30; | 0x1 = 0x31; ^ 0x10 = 0x21
	ipt -A INPUT -m mark ! --mark 0x21 -j DROP
	run peer ping -c 1 -W 2 "$A"
	assert_success
	assert_equal "$(pkts INPUT 1)" 0
}

@test "traffic: MARK in mangle OUTPUT, matched in filter OUTPUT" {
	ipt -t mangle -A OUTPUT -p icmp -d "$B" -j MARK --set-xmark 0x5/0xff
	ipt -A OUTPUT -m mark --mark 0x5/0xff -j DROP
	run ns ping -c 1 -W 1 "$B"
	assert_failure
	assert_equal "$(pkts OUTPUT 1)" 1
	ipt -R OUTPUT 1 -m mark --mark 0x6/0xff -j DROP
	run ns ping -c 1 -W 2 "$B"
	assert_success
	assert_equal "$(pkts OUTPUT 1)" 0
}

@test "traffic: CONNMARK --save-mark / --restore-mark keep the mark of a connection" {
	# only the first packet of the ping's connection gets the mark set;
	# the others have to get it back from the connection
	ipt -t mangle -A PREROUTING -p icmp -j CONNMARK --restore-mark
	ipt -t mangle -A PREROUTING -p icmp -m mark --mark 0 -m state --state NEW -j MARK --set-mark 0x7
	ipt -t mangle -A PREROUTING -p icmp -j CONNMARK --save-mark
	ipt -A INPUT -p icmp -m mark --mark 0x7 -m connmark --mark 0x7 -j ACCEPT
	ipt -A INPUT -p icmp -j DROP
	run peer ping -c 3 -i 0.2 -W 2 "$A"
	assert_success
	assert_equal "$(pkts -t mangle PREROUTING 2)" 1
	assert_equal "$(pkts INPUT 1)" 3
	assert_equal "$(pkts INPUT 2)" 0
}

@test "traffic: without --restore-mark the later packets lose the mark" {
	ipt -t mangle -A PREROUTING -p icmp -m mark --mark 0 -m state --state NEW -j MARK --set-mark 0x7
	ipt -t mangle -A PREROUTING -p icmp -m state --state NEW -j CONNMARK --save-mark
	ipt -A INPUT -p icmp -m mark --mark 0x7 -j ACCEPT
	ipt -A INPUT -p icmp -m connmark --mark 0x7 -j ACCEPT
	ipt -A INPUT -p icmp -j DROP
	run peer ping -c 3 -i 0.2 -W 1 "$A"
	assert_equal "$(pkts INPUT 1)" 1
	# the connection kept it: the later packets match -m connmark
	assert_equal "$(pkts INPUT 2)" 2
	assert_equal "$(pkts INPUT 3)" 0
}

@test "traffic: CONNMARK --set-mark marks the connection for the replies" {
	ipt -A OUTPUT -p icmp -d "$B" -j CONNMARK --set-xmark 0x100/0xf00
	ipt -A INPUT -p icmp -s "$B" -m connmark --mark 0x100/0xf00 -j ACCEPT
	ipt -A INPUT -p icmp -s "$B" -j DROP
	run ns ping -c 2 -i 0.2 -W 2 "$B"
	assert_success
	assert_equal "$(pkts INPUT 1)" 2
}

# tos_arrives TOS SENT: a ping A sends with the TOS byte SENT reaches the
# peer with TOS, which a rule the peer puts first counts
tos_arrives() {
	ipt_peer -I INPUT -p icmp -m tos --tos "$1" -j ACCEPT
	run ns ping -c 1 -Q "$2" -W 2 "$B"
	assert_success
	assert_equal "$(pkts -p INPUT 1)" 1
}

@test "traffic: TTL --ttl-set rewrites the TTL with a valid checksum" {
	ipt -t mangle -A POSTROUTING -p icmp -d "$B" -j TTL --ttl-set 33
	ipt_peer -A INPUT -p icmp -m ttl --ttl-eq 33 -j ACCEPT
	ipt_peer -A INPUT -p icmp -j DROP
	run ns ping -c 2 -i 0.2 -W 2 "$B"
	assert_success
	assert_equal "$(pkts -p INPUT 1)" 2
	assert_equal "$(pkts -p INPUT 2)" 0
}

@test "traffic: DSCP --set-dscp rewrites the DSCP with a valid checksum" {
	ipt -t mangle -A POSTROUTING -p icmp -d "$B" -j DSCP --set-dscp-class EF
	ipt_peer -A INPUT -p icmp -m dscp --dscp 0x2e -j ACCEPT
	ipt_peer -A INPUT -p icmp -j DROP
	run ns ping -c 2 -i 0.2 -Q 0x01 -W 2 "$B"
	assert_success
	assert_equal "$(pkts -p INPUT 1)" 2
	assert_equal "$(pkts -p INPUT 2)" 0
	# the ECN bits the sender set are kept
	tos_arrives 0xb9 0x01
}

@test "traffic: TOS --set-tos rewrites the TOS byte under its mask" {
	ipt -t mangle -A POSTROUTING -p icmp -d "$B" -j TOS --set-tos 0x10/0x3f
	ipt_peer -A INPUT -p icmp -m tos --tos Minimize-Delay -j ACCEPT
	ipt_peer -A INPUT -p icmp -j DROP
	run ns ping -c 1 -Q 0xc0 -W 2 "$B"
	assert_success
	assert_equal "$(pkts -p INPUT 1)" 1
	tos_arrives 0xd0 0xc0
}

@test "traffic: -m ttl, -m length and -m pkttype see the packets" {
	ipt -A INPUT -p icmp -m ttl --ttl-eq 64 -m pkttype --pkt-type unicast -m length --length 128 -j ACCEPT
	ipt -A INPUT -p icmp -m length ! --length 128 -j ACCEPT
	ipt -A INPUT -p icmp -j DROP
	# 100 bytes of data + 8 ICMP + 20 IP = 128
	run peer ping -c 2 -i 0.2 -s 100 -W 2 "$A"
	assert_success
	run peer ping -c 1 -s 50 -W 2 "$A"
	assert_success
	assert_equal "$(pkts INPUT 1)" 2
	assert_equal "$(pkts INPUT 2)" 1
	assert_equal "$(pkts INPUT 3)" 0
}

@test "traffic: CLASSIFY sets the priority tc sees" {
	# htb puts a packet whose priority names one of its classes there
	ns tc qdisc add dev veth0 root handle 1: htb default 1
	ns tc class add dev veth0 parent 1: classid 1:1 htb rate 100mbit
	ns tc class add dev veth0 parent 1: classid 1:3 htb rate 100mbit
	ns ping -c 1 -W 2 "$B"
	run ns tc -s class show dev veth0 classid 1:3
	assert_output --partial "Sent 0 bytes 0 pkt"
	ipt -t mangle -A POSTROUTING -p icmp -o veth0 -j CLASSIFY --set-class 1:3
	run ns ping -c 2 -i 0.2 -W 2 "$B"
	assert_success
	run ns tc -s class show dev veth0 classid 1:3
	assert_success
	printf '%s\n' "$output"
	local sent
	sent=$(printf '%s\n' "$output" | awk '/Sent/ {print $4; exit}')
	[ "$sent" -ge 2 ]
}

@test "traffic: -m cpu counts the packets a process pinned to CPU 0 sends" {
	command -v taskset > /dev/null || skip "taskset not installed"
	ipt -A OUTPUT -p icmp -m cpu --cpu 0
	ipt -A OUTPUT -p icmp -m cpu ! --cpu 0
	# OUTPUT runs on the sending process's CPU
	run ns taskset -c 0 ping -c 3 -i 0.2 -W 2 "$B"
	assert_success
	run rule_counts OUTPUT 1
	assert_output "3 252"
	run rule_counts OUTPUT 2
	assert_output "0 0"
}

@test "traffic: -m quota lets 168 bytes of pings through, the packet that would pass it is dropped" {
	# an echo request is 84 bytes: two fit exactly, the third finds none
	# left (nf_tables' own quota would match one only: its sum reaches
	# the limit with the second)
	ipt -A INPUT -p icmp -m quota --quota 168 -j ACCEPT
	ipt -A INPUT -p icmp -j DROP
	run replies 5
	assert_output 2
	run rule_counts INPUT 1
	assert_output "2 168"
	run rule_counts INPUT 2
	assert_output "3 252"
}

@test "traffic: -m time counts and drops pings inside a window that holds now, not outside it" {
	local before after
	before=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%S)
	after=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%S)
	# a window around now (UTC), on today's week and month day
	ipt -A INPUT -p icmp -m time --utc --datestart "$before" --datestop "$after" \
		--weekdays "$(LC_ALL=C date -u +%a)" --monthdays "$(date -u +%-d)" -j DROP
	ping_in_blocked
	run rule_counts INPUT 1
	assert_output "1 84"
	# windows that end before now, start after it, or leave today out
	ipt -R INPUT 1 -p icmp -m time --utc --datestop "$before" -j DROP
	ipt -A INPUT -p icmp -m time --utc --datestart "$after" -j DROP
	ipt -A INPUT -p icmp -m time ! --monthdays "$(date -u +%-d)" -j DROP
	ping_in_ok
	run rule_counts INPUT 1
	assert_output "0 0"
	run rule_counts INPUT 2
	assert_output "0 0"
	run rule_counts INPUT 3
	assert_output "0 0"
}

@test "traffic: -m devgroup drops pings that came in on a device of group 5, not of group 6" {
	ip -n "$NS" link set veth0 group 5
	ipt -A INPUT -p icmp -m devgroup --src-group 5 -j DROP
	ping_in_blocked
	ip -n "$NS" link set veth0 group 6
	ping_in_ok
	# a mask: 6 & 0x4 == 0x4
	ipt -R INPUT 1 -p icmp -m devgroup --src-group 0x4/0x4 -j DROP
	ping_in_blocked
	# outgoing: the replies leave through veth0, group 6
	ipt -F INPUT
	ipt -A OUTPUT -p icmp -m devgroup ! --dst-group 6 -j DROP
	ping_in_ok
	ip -n "$NS" link set veth0 group 7
	ping_in_blocked
}

@test "traffic: -m realm drops the replies routed through a route of realm 5" {
	ip -n "$NS" route replace 10.99.0.0/24 dev veth0 src "$A" realm 5
	ipt -A OUTPUT -p icmp -m realm --realm 5 -j DROP
	ping_in_blocked
	ip -n "$NS" route replace 10.99.0.0/24 dev veth0 src "$A" realm 6
	ping_in_ok
	ipt -R OUTPUT 1 -p icmp -m realm --realm 0x4/0x4 -j DROP
	ping_in_blocked
	run rule_counts OUTPUT 1
	[ "${output%% *}" -ge 1 ]
}

@test "traffic: -m cluster gives the connection to exactly one of two nodes, and all of it to a lone node" {
	# one source address: its hash falls to node 1 or to node 2, never
	# to both; a cluster of one node takes everything
	ipt -A INPUT -p icmp -m cluster --cluster-total-nodes 2 --cluster-local-node 1 --cluster-hash-seed 0x1234
	ipt -A INPUT -p icmp -m cluster --cluster-total-nodes 2 --cluster-local-node 2 --cluster-hash-seed 0x1234
	ipt -A INPUT -p icmp -m cluster --cluster-total-nodes 1 --cluster-local-node 1 --cluster-hash-seed 0x1234
	ipt -A INPUT -p icmp -m cluster --cluster-total-nodes 1 ! --cluster-local-node 1 --cluster-hash-seed 0x1234 -j DROP
	run replies 3
	assert_output 3
	local n1 n2
	n1=$(pkts INPUT 1) n2=$(pkts INPUT 2)
	[ $((n1 + n2)) -eq 3 ] && [ $((n1 * n2)) -eq 0 ]
	assert_equal "$(pkts INPUT 3)" 3
	assert_equal "$(pkts INPUT 4)" 0
}

@test "traffic: -m nfacct counts the pings in the nfacct object, and only those its rule sees" {
	command -v nfacct > /dev/null || skip "nfacct not installed"
	ns nfacct add pings
	ns nfacct add other
	ipt -A INPUT -p icmp -m nfacct --nfacct-name pings
	ipt -A INPUT -p tcp -m nfacct --nfacct-name other
	run replies 3
	assert_output 3
	run ns nfacct get pings
	assert_output "{ pkts = 00000000000000000003, bytes = 00000000000000000252 } = pings;"
	run ns nfacct get other
	assert_output "{ pkts = 00000000000000000000, bytes = 00000000000000000000 } = other;"
}
