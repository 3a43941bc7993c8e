#!/usr/bin/env bats
# Policy counters (issue 12): a built-in chain counts the packets its
# policy decides, however it came to be (-P, -A, -I, -F, -L -Z, restore,
# a chain nft made and -P or -Z touched). Traffic: one UDP datagram from
# $NS to its own loopback. It carries two bytes ("x\n"): 30 bytes over
# IPv4, 50 over IPv6. Where OUTPUT accepts it, the port-unreachable error
# that comes back passes OUTPUT too (58 bytes, 98 over IPv6; the kernel
# never rate-limits ICMP errors on loopback).

load helpers

setup() {
	iptnft_setup
}

# one datagram to 127.0.0.1 (or ::1), port 9 (nobody listens)
udp4() { ns bash -c 'echo x > /dev/udp/127.0.0.1/9' 2> /dev/null || true; }
udp6() { ns bash -c 'echo x > /dev/udp/::1/9' 2> /dev/null || true; }

# policy_line [ipt|ipt6] [ARGS...]: the title of OUTPUT in -L -v
policy_line() {
	local cmd=${1:-ipt}
	shift || true
	"$cmd" "$@" -L OUTPUT -v -n | head -1
}

@test "policy counters: -P OUTPUT DROP counts the dropped datagram (-L -v, -S -v, save -c)" {
	run ipt -P OUTPUT DROP
	assert_success
	udp4
	run policy_line
	assert_output "Chain OUTPUT (policy DROP 1 packets, 30 bytes)"
	run ipt -S OUTPUT -v
	assert_output "-P OUTPUT DROP -c 1 30"
	run ipt_save -c
	assert_line ":OUTPUT DROP [1:30]"
}

@test "policy counters: the reference counts -P OUTPUT DROP alike" {
	need_ref
	_ref_ns
	ref -P OUTPUT DROP
	ip netns exec "$NS_REF" bash -c 'echo x > /dev/udp/127.0.0.1/9' 2> /dev/null || true
	ipt -P OUTPUT DROP
	udp4
	[ "$(ref -L OUTPUT -v -n)" = "$(ipt -L OUTPUT -v -n)" ]
	[ "$(ref_save -c | grep '^:')" = "$(ipt_save -c | grep '^:')" ]
}

@test "policy counters: -P again zeroes them, and -c on -P is ignored as the reference does" {
	ipt -P OUTPUT DROP
	udp4
	run ipt -P OUTPUT DROP -c 5 6
	assert_success
	run policy_line
	assert_output "Chain OUTPUT (policy DROP 0 packets, 0 bytes)"
	udp4
	run policy_line
	assert_output "Chain OUTPUT (policy DROP 1 packets, 30 bytes)"
}

@test "policy counters: a chain made by -A counts its policy" {
	ipt -A OUTPUT -d 192.0.2.1 -j ACCEPT
	udp4
	run policy_line
	assert_output "Chain OUTPUT (policy ACCEPT 2 packets, 88 bytes)"
}

@test "policy counters: a chain made by -I counts its policy" {
	ipt -I OUTPUT -d 192.0.2.1 -j ACCEPT
	udp4
	run policy_line
	assert_output "Chain OUTPUT (policy ACCEPT 2 packets, 88 bytes)"
}

@test "policy counters: chains made by -F OUTPUT, -v -F and -L -Z count their policy" {
	local how
	for how in "-F OUTPUT" "-v -F" "-L -Z"; do
		ns nft flush ruleset
		# -L -Z makes the chains of a table that exists
		[ "$how" = "-L -Z" ] && ipt -P INPUT ACCEPT
		# shellcheck disable=SC2086 # the words of the command
		ipt $how > /dev/null
		udp4
		run policy_line
		assert_output "Chain OUTPUT (policy ACCEPT 2 packets, 88 bytes)"
	done
}

@test "policy counters: a chain made by ip6tables -P counts its policy" {
	ipt6 -P OUTPUT DROP
	udp6
	run policy_line ipt6
	assert_output "Chain OUTPUT (policy DROP 1 packets, 50 bytes)"
	run ipt6_save -c
	assert_line ":OUTPUT DROP [1:50]"
}

@test "policy counters: a chain made by ip6tables -A counts its policy" {
	ipt6 -A OUTPUT -d 2001:db8::1 -j ACCEPT
	udp6
	run policy_line ipt6
	assert_output "Chain OUTPUT (policy ACCEPT 2 packets, 148 bytes)"
}

@test "policy counters: a chain made by iptables-restore counts its policy" {
	printf '*filter\n:OUTPUT DROP [0:0]\nCOMMIT\n' | ipt_restore
	udp4
	run policy_line
	assert_output "Chain OUTPUT (policy DROP 1 packets, 30 bytes)"
}

@test "policy counters: restore -c starts them at the saved values" {
	printf '*filter\n:OUTPUT DROP [3:4]\nCOMMIT\n' | ipt_restore -c
	udp4
	run policy_line
	assert_output "Chain OUTPUT (policy DROP 4 packets, 34 bytes)"
}

@test "policy counters: a chain that only a restored rule names counts its policy" {
	printf '*filter\n-A OUTPUT -d 192.0.2.1 -j ACCEPT\nCOMMIT\n' | ipt_restore
	udp4
	run policy_line
	assert_output "Chain OUTPUT (policy ACCEPT 2 packets, 88 bytes)"
	ns nft flush ruleset
	printf '*filter\n-A OUTPUT -d 192.0.2.1 -j ACCEPT\nCOMMIT\n' | ipt_restore --noflush
	udp4
	run policy_line
	assert_output "Chain OUTPUT (policy ACCEPT 2 packets, 88 bytes)"
}

@test "policy counters: a chain nft made counts once -P, -Z or a restore chain line set them" {
	local how
	for how in "-P OUTPUT ACCEPT" "-Z OUTPUT" "-Z" "restore"; do
		ns nft flush ruleset
		ns nft add table ip filter
		ns nft add chain ip filter OUTPUT '{ type filter hook output priority 0; }'
		if [ "$how" = restore ]; then
			printf '*filter\n:OUTPUT - [0:0]\nCOMMIT\n' | ipt_restore --noflush
		else
			# shellcheck disable=SC2086 # the words of the command
			ipt $how
		fi
		udp4
		run policy_line
		assert_output "Chain OUTPUT (policy ACCEPT 2 packets, 88 bytes)"
	done
}

@test "policy counters: --compat chains count their policy too" {
	IPTNFT_COMPAT=1 ipt -P OUTPUT DROP
	udp4
	run policy_line
	assert_output "Chain OUTPUT (policy DROP 1 packets, 30 bytes)"
}
