#!/usr/bin/env bats
# Real packets through the targets that stay the reference's xt blob in
# both write modes (ECN, HMARK, DNPT/SNPT, RATEEST, ...). Side A ($NS,
# 10.99.0.1 on veth0) runs our iptables; the peer ($NS_PEER, 10.99.0.2)
# sends, answers, and counts what arrives with iptnft rules of its own.

load helpers

setup() { traffic_setup none; }
teardown() { traffic_teardown; }

# ---------------------------------------------------------------- helpers

# pipt ARGS...: our iptables in the peer's namespace
pipt() { peer "$IPT_BIN/iptables" "$@"; }

# pkts CMD TABLE CHAIN NUM: the packet count of rule NUM, CMD (ipt, pipt)
# listing it
pkts() {
	"$1" -t "$2" -L "$3" -v -x -n --line-numbers | awk -v n="$4" '$1 == n { print $2 }'
}

# listen NSNAME ADDR PORT: a netcat listener accepting forever
listen() {
	ip netns exec "$1" nc -n -d -l -k "$2" "$3" > /dev/null 2>&1 3>&- &
	track_pid $!
	wait_sock t "$3" "$1"
}

# connect NSNAME ADDR PORT: one TCP connection
connect() { ip netns exec "$1" nc -n -z -w 3 "$2" "$3"; }

# replies_fast N: of N pings from the peer 50 ms apart, how many came back
replies_fast() {
	peer ping -n -q -i 0.05 -c "$1" -W 1 "$A" | sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

# ---------------------------------------------------------------- ECN

@test "traffic: ECN --ecn-tcp-remove clears ECE and CWR of the SYNs A sends" {
	veth_setup
	ns sysctl -qw net.ipv4.tcp_ecn=1
	listen "$NS_PEER" "$B" 7100
	pipt -A INPUT -p tcp --dport 7100 --syn -m ecn --ecn-tcp-ece --ecn-tcp-cwr
	pipt -A INPUT -p tcp --dport 7100 --syn
	connect "$NS" "$B" 7100
	[ "$(pkts pipt filter INPUT 1)" = 1 ]
	run ipt -t mangle -A POSTROUTING -p tcp --dport 7100 --syn -j ECN --ecn-tcp-remove
	assert_success
	connect "$NS" "$B" 7100
	# the second SYN arrived without the flags
	[ "$(pkts pipt filter INPUT 1)" = 1 ]
	[ "$(pkts pipt filter INPUT 2)" = 2 ]
	[ "$(pkts ipt mangle POSTROUTING 1)" = 1 ]
}

@test "traffic: ECN --ecn-ip-ect sets the ECN field the peer's ecn match sees" {
	veth_setup
	pipt -A INPUT -p icmp -m ecn --ecn-ip-ect 2
	pipt -A INPUT -p icmp
	run ipt -t mangle -A OUTPUT -p icmp -j ECN --ecn-ip-ect 2
	assert_success
	ping_out_ok
	[ "$(pkts pipt filter INPUT 1)" = 1 ]
	ipt -t mangle -D OUTPUT 1
	ping_out_ok
	[ "$(pkts pipt filter INPUT 1)" = 1 ]
	[ "$(pkts pipt filter INPUT 2)" = 2 ]
}

# ---------------------------------------------------------------- HMARK

@test "traffic: HMARK sets the hash mark, modulo and offset, that a mark rule counts" {
	veth_setup
	# modulo 1: the mark is the offset whatever the hash
	run ipt -t mangle -A PREROUTING -p icmp -j HMARK --hmark-tuple src,dst,proto --hmark-mod 1 --hmark-offset 5 --hmark-rnd 0x1234
	assert_success
	run ipt -t mangle -A PREROUTING -p tcp -j HMARK --hmark-tuple src,dst,sport,dport --hmark-mod 2 --hmark-offset 0x100 --hmark-rnd 7
	assert_success
	ipt -A INPUT -p icmp -m mark --mark 5
	ipt -A INPUT -p icmp -m mark --mark 0
	ipt -A INPUT -p tcp --dport 7200 --syn -m mark --mark 0x100/0xfffffffe
	ping_in_ok
	[ "$(pkts ipt filter INPUT 1)" = 1 ]
	[ "$(pkts ipt filter INPUT 2)" = 0 ]
	listen "$NS" "$A" 7200
	connect "$NS_PEER" "$A" 7200
	[ "$(pkts ipt filter INPUT 3)" = 1 ]
}

# ---------------------------------------------------------------- DNPT, SNPT

@test "traffic: SNPT and DNPT show A to the peer under another prefix, both ways" {
	TRAFFIC_FAMILY=6 A=2001:db8:99::1 B=2001:db8:99::2
	veth6_setup
	peer ip -6 route add fd00:99::/48 via "$A"
	peer "$IPT_BIN/ip6tables" -A INPUT -s fd00:99::/48 -p icmpv6 --icmpv6-type echo-request
	peer "$IPT_BIN/ip6tables" -A INPUT -s "$A" -p icmpv6 --icmpv6-type echo-request
	# neighbours found first, with A's own address
	ping_out_ok
	run ipt6 -t mangle -A POSTROUTING -o veth0 -p icmpv6 --icmpv6-type echo-request -j SNPT --src-pfx 2001:db8:99::/48 --dst-pfx fd00:99::/48
	assert_success
	run ipt6 -t mangle -A PREROUTING -i veth0 -d fd00:99::/48 -j DNPT --src-pfx fd00:99::/48 --dst-pfx 2001:db8:99::/48
	assert_success
	# the request leaves with the new prefix, the answer comes back to it
	# and is turned into A's own address again
	ping_out_ok
	[ "$(peer "$IPT_BIN/ip6tables" -L INPUT -v -x -n | awk 'NR == 3 { print $1 }')" = 1 ]
	[ "$(peer "$IPT_BIN/ip6tables" -L INPUT -v -x -n | awk 'NR == 4 { print $1 }')" = 1 ]
	[ "$(ipt6 -t mangle -L PREROUTING -v -x -n | awk 'NR == 3 { print $1 }')" = 1 ]
	# without DNPT the answer goes to an address A does not have
	ipt6 -t mangle -D PREROUTING 1
	ping_out_blocked
}

# ---------------------------------------------------------------- RATEEST, rateest

@test "traffic: RATEEST measures the pings, and rateest drops them once they pass 5 a second" {
	veth_setup
	run ipt -A INPUT -p icmp -j RATEEST --rateest-name "iptnft-$$" --rateest-interval 250ms --rateest-ewmalog 500ms
	assert_success
	run ipt -A INPUT -p icmp -m rateest --rateest "iptnft-$$" --rateest-gt --rateest-pps 5 -j DROP
	assert_success
	ipt -A INPUT -p icmp -m rateest --rateest "iptnft-$$" --rateest-lt --rateest-bps 1gbit
	# 30 pings in 1.5 s: the first pass before the estimate rises
	run replies_fast 30
	[ "$output" -ge 1 ] && [ "$output" -lt 30 ]
	[ "$(pkts ipt filter INPUT 1)" = 30 ]
	[ "$(pkts ipt filter INPUT 2)" -ge 1 ]
	[ "$(( $(pkts ipt filter INPUT 2) + $(pkts ipt filter INPUT 3) ))" = 30 ]
}

# ---------------------------------------------------------------- CONNSECMARK

@test "traffic: CONNSECMARK copies marks and lets the packets go on to the next rule" {
	veth_setup
	run ipt -t mangle -A INPUT -p icmp -j CONNSECMARK --restore
	assert_success
	run ipt -t mangle -A OUTPUT -p icmp -j CONNSECMARK --save
	assert_success
	ipt -A INPUT -p icmp
	ping_in_ok
	[ "$(pkts ipt mangle INPUT 1)" = 1 ]
	[ "$(pkts ipt mangle OUTPUT 1)" = 1 ]
	[ "$(pkts ipt filter INPUT 1)" = 1 ]
}
