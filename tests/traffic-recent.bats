#!/usr/bin/env bats
# Real packets for the recent and hashlimit matches, the two iptnft writes
# as the kernel's xt_recent and xt_hashlimit blobs: side A ($NS, 10.99.0.1
# on veth0) runs our iptables, the peer ($NS_PEER, 10.99.0.2 on veth1)
# connects and pings.

load helpers

setup() { traffic_setup; }
teardown() { traffic_teardown; }

# ---------------------------------------------------------------- recent

@test "traffic: recent --update --seconds 60 --hitcount 4 blocks the fourth new connection" {
	tcp_listen 2222
	run ipt -A INPUT -p tcp --dport 2222 -m state --state NEW -m recent --set --name ssh
	assert_success
	run ipt -A INPUT -p tcp --dport 2222 -m state --state NEW \
		-m recent --update --seconds 60 --hitcount 4 --name ssh -j DROP
	assert_success
	tcp_ok 2222
	tcp_ok 2222
	tcp_ok 2222
	tcp_blocked 2222
	# the list, in A's namespace, holds the peer's address
	run ns cat /proc/net/xt_recent/ssh
	assert_success
	assert_output --regexp "^src=$B ttl: 64 "
	# nothing else was stopped: pings still pass
	ping_in_ok
	run rule_counts INPUT 1
	assert_output --regexp '^[4-9] '
}

@test "traffic: recent --rcheck drops what /proc/net/xt_recent lists; '/' flushes the list" {
	run ipt -A INPUT -p icmp -m recent --rcheck --name bad -j DROP
	assert_success
	ping_in_ok
	run ns cat /proc/net/xt_recent/bad
	assert_output ""
	ns sh -c "echo +$B > /proc/net/xt_recent/bad"
	ping_in_blocked
	ns sh -c "echo / > /proc/net/xt_recent/bad"
	ping_in_ok
}

@test "traffic: recent --set --rdest records A, ! --rcheck inverts, --remove takes it out" {
	# every ping to A puts A (the destination) on the list
	ipt -A INPUT -p icmp -m recent --set --rdest --name seen
	ping_in_ok
	run ns cat /proc/net/xt_recent/seen
	assert_output --regexp "^src=$A "
	# a list without the peer: ! --rcheck matches, the ping is dropped
	ipt -A INPUT -p icmp -m recent ! --rcheck --rsource --name seen -j DROP
	ping_in_blocked
	ipt -D INPUT 2
	# --remove of the destination address empties the list
	ipt -I INPUT 1 -p icmp -m recent --remove --rdest --name seen
	ipt -D INPUT 2
	ping_in_ok
	run ns cat /proc/net/xt_recent/seen
	assert_output ""
}

@test "traffic: recent --mask groups the peer's /24 under one entry" {
	ipt -A INPUT -p icmp -m recent --set --mask 255.255.255.0 --name net
	ping_in_ok
	run ns cat /proc/net/xt_recent/net
	assert_output --regexp "^src=10\.99\.0\.0 "
}

# ---------------------------------------------------------------- hashlimit

@test "traffic: hashlimit --hashlimit-upto 1/min --hashlimit-burst 3 lets exactly 3 of 8 pings through" {
	run ipt -A INPUT -p icmp -m hashlimit --hashlimit-upto 1/min --hashlimit-burst 3 \
		--hashlimit-mode srcip --hashlimit-name ping -j ACCEPT
	assert_success
	ipt -A INPUT -p icmp -j DROP
	three_of_eight
	# the kernel's table for the name lists the peer
	run ns cat /proc/net/ipt_hashlimit/ping
	assert_success
	assert_output --partial "$B"
}

@test "traffic: hashlimit --hashlimit-above drops after the burst, default burst 5" {
	ipt -A INPUT -p icmp -m hashlimit --hashlimit-above 2/hour --hashlimit-name flood -j DROP
	run replies 8
	assert_output 5
}

# big N: how many of N 1028-byte echo requests, 0.1 s apart, A answers
big() {
	peer ping -n -q -i 0.1 -c "$1" -W 1 -s 1000 "$A" |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

@test "traffic: hashlimit byte rate 1kb/s passes one 1 KiB ping a second, a 2kb burst two more" {
	ipt -A INPUT -p icmp -m hashlimit --hashlimit-upto 1kb/s --hashlimit-name bytes -j ACCEPT
	ipt -A INPUT -p icmp -j DROP
	# ten in about a second: the first, and at most one more as the
	# bucket refills
	run big 10
	[ "$output" -ge 1 ] && [ "$output" -le 2 ]
	ipt -F INPUT
	ipt -A INPUT -p icmp -m hashlimit --hashlimit-above 1kb/s --hashlimit-burst 2kb \
		--hashlimit-mode srcip --hashlimit-name bytes2 -j DROP
	run big 10
	[ "$output" -ge 2 ] && [ "$output" -le 4 ]
	# the drops are whole 1028-byte packets
	read -r pkts bytes < <(rule_counts INPUT 1)
	[ "$pkts" -ge 6 ] && [ "$pkts" -le 8 ] && [ "$bytes" = $((pkts * 1028)) ]
}

@test "traffic: the reference lists and finds the rules iptnft wrote" {
	need_ref
	ipt -A INPUT -p tcp --dport 22 -m recent --update --seconds 60 --hitcount 4 --name ssh -j DROP
	ipt -A INPUT -m hashlimit --hashlimit-upto 1kb/s --hashlimit-burst 1500b --hashlimit-name x
	run ns "$REF_IPTABLES" -S INPUT
	assert_output "-P INPUT ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -m recent --update --seconds 60 --hitcount 4 --name ssh --mask 255.255.255.255 --rsource -j DROP
-A INPUT -m hashlimit --hashlimit-upto 1kb/s --hashlimit-burst 2kb --hashlimit-name x"
	run ns "$REF_IPTABLES" -D INPUT -m hashlimit --hashlimit-upto 1kb/s --hashlimit-burst 2kb --hashlimit-name x
	assert_success
	run ns "$REF_IPTABLES" -C INPUT -p tcp --dport 22 -m recent --update --seconds 60 --hitcount 4 --name ssh -j DROP
	assert_success
}
