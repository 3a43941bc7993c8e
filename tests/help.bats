#!/usr/bin/env bats
# -h with extensions on the line: a section per extension after the
# general help, and the ICMP type lists firewalld reads, byte for byte as
# the reference prints them.

load helpers

setup() {
	iptnft_setup
	need_iptnft
}

@test "help: a section per match and target named before -h, the target's first" {
	run ipt -p tcp -m limit -j DNAT --help
	assert_success
	run bash -c "ip netns exec $NS $IPT_BIN/iptables -p tcp -m limit -j DNAT --help | grep 'options:\$'"
	assert_output "DNAT target options:
limit match options:"
	run ipt -m limit --help
	assert_line -- "    --limit-burst value"
	assert_line -- "    --limit value"
	# the protocol's match when no match is named, by name or number
	run ipt -p 6 --help
	assert_line "tcp match options:"
	assert_line -- "    --dport value"
	run ipt -p TCP --help
	refute_line --partial "options:"
	# what follows -h is not read
	run ipt -h -m limit --bogus
	assert_success
	refute_line --partial "options:"
	run ipt -m comment -m comment --help
	assert_equal "$(printf '%s\n' "${lines[@]}" | grep -c '^comment match options:$')" 2
	if [ -x "$REF_IPTABLES" ]; then
		run bash -c "$REF_IPTABLES -p tcp -m limit -j DNAT --help | grep 'options:\$'"
		assert_output "DNAT target options:
limit match options:"
		run "$REF_IPTABLES" -h -m limit --bogus
		assert_success
		refute_line --partial "options:"
	fi
}

@test "help: iptables -p icmp ends with the reference's list of ICMP types" {
	run bash -c "ip netns exec $NS $IPT_BIN/iptables -p icmp --help | sed -n '/^Valid ICMP Types:\$/,\$p'"
	assert_success
	assert_line --index 0 "Valid ICMP Types:"
	assert_line "echo-reply (pong)"
	assert_line "   port-unreachable"
	assert_line "time-exceeded (ttl-exceeded)"
	assert_line --index 37 "address-mask-reply"
	[ "${#lines[@]}" -eq 38 ]
	if [ -x "$REF_IPTABLES" ]; then
		ours=$output
		run bash -c "$REF_IPTABLES -p icmp --help | sed -n '/^Valid ICMP Types:\$/,\$p'"
		assert_equal "$ours" "$output"
	fi
}

@test "help: ip6tables -p icmpv6 ends with the reference's list of ICMPv6 types" {
	run bash -c "ip netns exec $NS $IPT_BIN/ip6tables -p icmpv6 --help | sed -n '/^icmpv6 match options:\$/,\$p'"
	assert_success
	assert_line "Valid ICMPv6 Types:"
	assert_line "neighbour-solicitation (neighbor-solicitation)"
	assert_line "   no-route"
	assert_line "redirect"
	ours=$(printf '%s\n' "${lines[@]}" | sed -n '/^Valid ICMPv6 Types:$/,$p')
	run bash -c "ip netns exec $NS $IPT_BIN/ip6tables -p ipv6-icmp --help | grep -c '^Valid ICMPv6 Types:\$'"
	assert_output 1
	if [ -x "$REF_DIR/ip6tables-nft" ]; then
		run bash -c "$REF_DIR/ip6tables-nft -p icmpv6 --help | sed -n '/^Valid ICMPv6 Types:\$/,\$p'"
		assert_equal "$ours" "$output"
	fi
}
