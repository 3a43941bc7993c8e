#!/usr/bin/env bats
# Real packets through a Linux bridge: $NS holds bridge br0 with two
# ports, veth0 (to the peer, 10.99.0.2) and veth2 (to a third namespace,
# 10.99.0.3), and calls iptables for bridged IPv4 (br_netfilter,
# net.bridge.bridge-nf-call-iptables); its FORWARD chain then sees the
# pings the peer sends the third namespace, and -m physdev the ports.

load helpers

setup() {
	traffic_setup
	NS_THIRD=$NS-t
	new_netns "$NS_THIRD"
	ns ip link add br0 type bridge
	ip -n "$NS" link add veth2 type veth peer name veth3 netns "$NS_THIRD"
	ns ip addr flush dev veth0
	ns ip link set veth0 master br0
	ns ip link set veth2 master br0
	ns ip addr add "$A/24" dev br0
	ns ip link set veth2 up
	ns ip link set br0 up
	ip -n "$NS_THIRD" addr add 10.99.0.3/24 dev veth3
	ip -n "$NS_THIRD" link set veth3 up
	ns sysctl -qw net.bridge.bridge-nf-call-iptables=1 ||
		skip "no br_netfilter (net.bridge.bridge-nf-call-iptables) on this kernel"
}
teardown() { traffic_teardown; }

pkts() { rule_counts FORWARD "$1" | awk '{print $1}'; }

@test "traffic: -m physdev sees the bridge ports of bridged packets, and drops by port" {
	ipt -A FORWARD -p icmp -m physdev --physdev-in veth0 --physdev-out veth2 --physdev-is-bridged
	ipt -A FORWARD -p icmp -m physdev --physdev-in veth2 --physdev-out veth+
	ipt -A FORWARD -p icmp -m physdev ! --physdev-is-bridged
	ipt -A FORWARD -p icmp -m physdev --physdev-in veth1
	run peer ping -c 2 -i 0.2 -W 2 10.99.0.3
	assert_success
	# two echo requests one way, two replies the other; nothing routed
	assert_equal "$(pkts 1)" 2
	assert_equal "$(pkts 2)" 2
	assert_equal "$(pkts 3)" 0
	assert_equal "$(pkts 4)" 0
	# stopped by the port it came in on
	ipt -I FORWARD -m physdev --physdev-in veth0 -p icmp -j DROP
	run peer ping -c 1 -W 1 10.99.0.3
	assert_failure
	assert_equal "$(pkts 1)" 1
	# only FORWARD drops: the bridge's own address still answers
	ping_in_ok
}
