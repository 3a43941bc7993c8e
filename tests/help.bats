#!/usr/bin/env bats
# -h with extensions on the line: a section per extension after the
# general help, and the ICMP type lists firewalld reads, byte for byte as
# the reference prints them.

load helpers

@test "help: a section per match and target named before -h, the target's first" {
	run ipt -p tcp -m limit -j DNAT --help
	assert_success
	run bash -c "ip netns exec $NS $IPT_BIN/iptables -p tcp -m limit -j DNAT --help | grep 'options:\$'"
	assert_output "DNAT target options:
limit match options:"
	run ipt -m limit --help
	assert_line --regexp '^    --limit-burst number +[a-z]'
	assert_line -- "    --limit rate[/second|/minute|/hour|/day]"
	# the protocol's match when no match is named, by name or number
	run ipt -p 6 --help
	assert_line "tcp match options:"
	assert_line --regexp '^\[!\] --dport port\[:port\] +[a-z]'
	run ipt -p TCP --help
	refute_line --partial "options:"
	# what follows -h is not read
	run ipt -h -m limit --bogus
	assert_success
	refute_line --partial "options:"
	# an extension without options says so
	run ipt -j TRACE --help
	assert_output --partial "TRACE target options:
    (none)"
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

# -h's section for one extension: our_section FLAG NAME TITLE
our_section() { ipt "$1" "$2" --help | sed -n "/^$3\$/,\$p"; }

# The options of a section (stdin) with nothing said of them: an option's
# line is "[!] " or four blanks, the name and its argument, then what it
# does from column 33 on, or on the next line under that column.
unexplained() {
	awk '/^(\[!\] |    )--/ {
		if (o != "") print o
		o = $1 == "[!]" ? $2 : $1
		if (substr($0, 31, 2) == "  " && substr($0, 33, 1) ~ /[^ ]/) o = ""
		next
	}
	substr($0, 1, 32) ~ /^ *$/ && substr($0, 33, 1) ~ /[^ ]/ { o = "" }
	END { if (o != "") print o }'
}

@test "help: each option of an extension's section says what it does, and the reference's options are all there" {
	local x flag title ours ref
	for x in tcp udp limit multiport conntrack mark LOG DNAT MASQUERADE REJECT; do
		case $x in
		[A-Z]*) flag=-j title="$x target options:" ;;
		*) flag=-m title="$x match options:" ;;
		esac
		run our_section $flag $x "$title"
		assert_success
		assert_line --index 0 "$title"
		assert_equal "$(our_section $flag $x "$title" | unexplained)" ""
		# the names only, from the option column
		ours=$(our_section $flag $x "$title" | grep -oE '^(\[!\] | {4})--[a-z0-9-]+' |
			grep -oE -- '--[a-z0-9-]+' | sort -u)
		[ -n "$ours" ]
		if [ -x "$REF_IPTABLES" ]; then
			ref=$("$REF_IPTABLES" $flag $x --help | sed -n "/^$title\$/,\$p" |
				grep -oE -- '--[a-z0-9-]+' | sort -u)
			[ -n "$ref" ]
			# what the reference names and ours does not
			assert_equal "$(comm -23 <(printf '%s\n' "$ref") <(printf '%s\n' "$ours"))" ""
		fi
	done
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
