#!/usr/bin/env bats
# Real packets for ipset's set match and SET target, which iptnft writes
# as the kernel's xt_set blobs: side A ($NS) runs our iptables and holds
# the sets (ipset sets live in a network namespace), the peer ($NS_PEER)
# pings. Addresses as in traffic_setup (A .1, peer B .2).

load helpers

setup() { :; }
teardown() { traffic_teardown; }

need_ipset() {
	command -v ipset > /dev/null || skip "ipset is not installed"
}

# ---------------------------------------------------------------- set match

@test "traffic: -m set --match-set f2b src -j DROP blocks the peer while ipset lists it" {
	need_ipset
	traffic_setup
	ns ipset create f2b hash:ip
	run ipt -A INPUT -m set --match-set f2b src -j DROP
	assert_success
	ping_in_ok
	ns ipset add f2b "$B"
	ping_in_blocked
	run rule_counts INPUT 1
	assert_output --regexp '^[1-9] '
	ns ipset del f2b "$B"
	ping_in_ok
	# the listing names the set, found back from the index in the rule
	run ipt -S INPUT
	assert_line -- "-A INPUT -m set --match-set f2b src -j DROP"
}

@test "traffic: ! --match-set admits only the listed peer; dst looks at A's own address" {
	need_ipset
	traffic_setup
	ns ipset create ok hash:ip
	ns ipset create me hash:ip
	run ipt -A INPUT -p icmp -m set ! --match-set ok src -j DROP
	assert_success
	ping_in_blocked
	ns ipset add ok "$B"
	ping_in_ok
	run ipt -I INPUT -p icmp -m set --match-set me dst -j REJECT
	assert_success
	ns ipset add me "$A"
	ping_in_blocked
}

@test "traffic-ip6: ip6tables -m set with a hash:ip family inet6 set" {
	need_ipset
	traffic_setup 6
	ns ipset create f2b6 hash:ip family inet6
	run ipt6 -A INPUT -p ipv6-icmp --icmpv6-type echo-request -m set --match-set f2b6 src -j DROP
	assert_success
	ping_in_ok
	ns ipset add f2b6 "$B"
	ping_in_blocked
	ns ipset del f2b6 "$B"
	ping_in_ok
	# an IPv4 set does not serve ip6tables
	ns ipset create v4 hash:ip
	run ipt6 -A INPUT -m set --match-set v4 src
	assert_failure
	assert_output --partial "The protocol family of set v4 is IPv4, which is not applicable."
}

# ---------------------------------------------------------------- SET target

@test "traffic: -j SET --add-set puts the peer in the set, --del-set takes it out" {
	need_ipset
	traffic_setup
	ns ipset create seen hash:ip timeout 0
	run ipt -A INPUT -p icmp -j SET --add-set seen src --exist --timeout 300
	assert_success
	run ns ipset test seen "$B"
	assert_failure
	# SET lets the packet go on: the ping is answered
	ping_in_ok
	run ns ipset list seen
	assert_output --regexp "(^|$(printf '\n'))$B timeout [0-9]+"
	run ipt -R INPUT 1 -p icmp -j SET --del-set seen src
	assert_success
	ping_in_ok
	run ns ipset test seen "$B"
	assert_failure
	# SET adds before the next rule looks: the set match drops the ping
	ipt -R INPUT 1 -p icmp -j SET --add-set seen src
	ipt -A INPUT -p icmp -m set --match-set seen src -j DROP
	ping_in_blocked
	run ns ipset test seen "$B"
	assert_success
	run ipt -L INPUT -n
	assert_line --partial "SET        1    --  0.0.0.0/0            0.0.0.0/0            add-set seen src"
}
