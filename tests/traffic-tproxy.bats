#!/usr/bin/env bats
# Real packets for transparent proxying: side A ($NS, 10.99.0.1 on veth0)
# runs our iptables and the listeners, the peer ($NS_PEER, 10.99.0.2 on
# veth1) connects. -m socket looks the packet's socket up in PREROUTING.

load helpers

setup() { traffic_setup; }
teardown() { traffic_teardown; }

pkts() { rule_counts -t mangle PREROUTING "$1" | awk '{print $1}'; }

@test "traffic: -m socket sees listeners, ignores wildcard ones unless --nowildcard" {
	tcp_listen 8080
	# a second listener, bound to the any address
	ip netns exec "$NS" nc -4 -d -l -k 8081 > /dev/null 2>&1 3>&- &
	track_pid $!
	wait_sock t 8081
	ipt -t mangle -A PREROUTING -p tcp --dport 8080 -m socket
	ipt -t mangle -A PREROUTING -p tcp --dport 8080 -m socket --transparent
	ipt -t mangle -A PREROUTING -p tcp --dport 8081 -m socket
	ipt -t mangle -A PREROUTING -p tcp --dport 8081 -m socket --nowildcard
	tcp_ok 8080
	tcp_ok 8081
	# the listener on A's address matches from the SYN on; nc's socket
	# is not transparent
	[ "$(pkts 1)" -ge 3 ]
	assert_equal "$(pkts 2)" 0
	# the SYN finds only the wildcard listener: --nowildcard counts it,
	# the plain match does not; the rest find the connection's socket
	[ "$(pkts 3)" -ge 2 ]
	assert_equal "$(pkts 4)" "$(($(pkts 3) + 1))"
}
