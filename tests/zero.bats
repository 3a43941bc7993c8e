#!/usr/bin/env bats
# -Z on rules that look values up in anonymous sets (-m multiport, -m
# addrtype with a list of types; issue 11, item 4). -Z writes each rule
# again with zero counters; the kernel binds an anonymous set to one rule,
# so the new copy gets new sets with the same elements, in the same batch.
# Counters come from real packets over lo in the test's namespace.

load helpers

setup() {
	iptnft_setup
	ip -n "$NS" link set lo up
	# every rule counts and lets the packet go on to the next
	ipt -A INPUT -p udp -m multiport --dports 7,9 -m comment --comment "two ports"
	ipt -A INPUT -p udp -m multiport --dports 1:5,7,100:200
	ipt -A INPUT -m addrtype --dst-type LOCAL,BROADCAST
	ipt -A INPUT -p icmp
	ipt -N OTHER
	ipt -A OTHER -p udp -m multiport --sports 1:65535
	ipt -A INPUT -j OTHER
	ipt -t mangle -A PREROUTING -p udp -m multiport --dports 7
}

# traffic: one UDP datagram to port 7 and one ping, over lo
traffic() {
	ns bash -c 'echo x > /dev/udp/127.0.0.1/7' || true
	ns ping -c 1 -W 1 127.0.0.1 > /dev/null
}

# counts [IPT-ARGS]: the packet counts of every rule of filter, one a line
counts() {
	ipt -S "$@" -v | sed -n 's/^-A .* -c \([0-9]*\) [0-9]*.*/\1/p'
}

# shape: the ruleset with its counters left out
shape() {
	ns nft list ruleset | sed 's/counter packets [0-9]* bytes [0-9]*/counter/'
}

# all_zero [IPT-ARGS]: every rule of the listing has 0 packets
all_zero() {
	run counts "$@"
	assert_success
	[ -n "$output" ]
	refute_output --regexp '[1-9]'
}

setup_traffic() {
	SHAPE=$(shape)
	traffic
	run counts
	# the multiport rules, addrtype, icmp, the jump and OTHER's rule count
	[ "$(grep -c '^[1-9]' <<<"$output")" -ge 5 ]
}

check_intact() {
	assert_equal "$(shape)" "$SHAPE"
	run ipt -S
	assert_success
	assert_line -- '-A INPUT -p udp -m multiport --dports 7,9 -m comment --comment "two ports"'
	assert_line -- '-A INPUT -p udp -m multiport --dports 1:5,7,100:200'
	assert_line -- '-A INPUT -m addrtype --dst-type LOCAL,BROADCAST'
	# the new sets hold what the old ones held: the rules still count
	traffic
	run counts
	[ "$(grep -c '^[1-9]' <<<"$output")" -ge 5 ]
}

@test "zero: -Z of a table with anonymous sets" {
	setup_traffic
	run ipt -Z
	assert_success
	assert_output ""
	all_zero
	check_intact
}

@test "zero: -Z INPUT, and of a user chain" {
	setup_traffic
	run ipt -Z INPUT
	assert_success
	all_zero INPUT
	run counts OTHER
	assert_output --regexp '^[1-9]'
	run ipt -Z OTHER
	assert_success
	all_zero OTHER
	check_intact
}

@test "zero: -Z INPUT 1 zeroes that rule only" {
	setup_traffic
	run ipt -Z INPUT 1
	assert_success
	run counts INPUT
	assert_line --index 0 0
	assert_line --index 1 --regexp '^[1-9]'
	assert_line --index 2 --regexp '^[1-9]'
	run ipt -Z INPUT 3
	assert_success
	run counts INPUT
	assert_line --index 2 0
	check_intact
}

@test "zero: -L -Z and -L -Z INPUT print the counts, then zero them" {
	# -L -Z of the table makes its missing built-in chains, as the
	# reference's does (create.cases): have them from the start
	ipt -P FORWARD ACCEPT
	ipt -P OUTPUT ACCEPT
	setup_traffic
	run ipt -L INPUT -Z -v -x -n
	assert_success
	assert_line --index 2 --regexp '^ +[1-9][0-9]* +[1-9][0-9]* +17 +-- '
	all_zero INPUT
	traffic
	run ipt -L -Z -n
	assert_success
	all_zero
	check_intact
}

@test "zero: -Z of the mangle table and of ip6tables" {
	setup_traffic
	ns bash -c 'echo x > /dev/udp/127.0.0.1/7' || true
	run ipt -t mangle -S -v
	assert_output --regexp '-c [1-9]'
	run ipt -t mangle -Z
	assert_success
	run ipt -t mangle -S PREROUTING -v
	assert_line -- '-A PREROUTING -p udp -m multiport --dports 7 -c 0 0'
	ipt6 -A INPUT -p udp -m multiport --dports 7,9
	ipt6 -A INPUT -m addrtype --dst-type LOCAL,UNICAST
	ns bash -c 'echo x > /dev/udp/::1/7' || true
	run ipt6 -S INPUT -v
	assert_line -- '-A INPUT -p udp -m multiport --dports 7,9 -c 1 50'
	assert_line --regexp '^-A INPUT -m addrtype --dst-type UNICAST,LOCAL -c [1-9]'
	run ipt6 -Z INPUT
	assert_success
	run ipt6 -S INPUT -v
	assert_line -- '-A INPUT -p udp -m multiport --dports 7,9 -c 0 0'
	assert_line -- '-A INPUT -m addrtype --dst-type UNICAST,LOCAL -c 0 0'
}

@test "zero: -Z inside a restore block" {
	setup_traffic
	run ipt_restore --noflush <<-EOF
		*filter
		-Z INPUT
		-A OTHER -p tcp
		COMMIT
	EOF
	assert_success
	all_zero INPUT
	run ipt -S OTHER
	assert_line -- '-A OTHER -p tcp'
}

# zero_forms N COMPAT: restore one rule of every form the corpus writes
# (tests/diff/data/zero-formsN.rules) with counters (which ip6tables-restore
# drops, as the reference's does), -Z each of its tables, and check that
# every rule is still there as it was, at zero.
# -Z writes each rule again; the kernel dumps some expressions with
# attributes their init refuses (an exthdr write's flags), and keeps no
# record of the protocol an xt match or target was declared for: each
# had -Z fail with "Invalid argument." and change nothing.
zero_forms() {
	local n=$1 prog=iptables file tables t before
	[ "$n" = 6 ] && prog=ip6tables
	file=$TOP/tests/diff/data/zero-forms$n.rules
	sed 's/^-A /[3:300] -A /' "$file" > "$BATS_TEST_TMPDIR/z.rules"
	run env IPTNFT_COMPAT="$2" ip netns exec "$NS" "$IPT_BIN/$prog-restore" -c \
		"$BATS_TEST_TMPDIR/z.rules"
	assert_success
	if [ "$n" = 4 ]; then
		run ns "$IPT_BIN/$prog-save" -c
		assert_output --partial '[3:300] -A '
	fi
	before=$(ns "$IPT_BIN/$prog-save" | grep -v '^#')
	[ "$(grep -c '^-A ' <<<"$before")" -ge 300 ]
	tables=$(sed -n 's/^\*//p' "$file")
	for t in $tables; do
		run ns "$IPT_BIN/$prog" -t "$t" -Z
		assert_success
		assert_output ""
	done
	assert_equal "$(ns "$IPT_BIN/$prog-save" | grep -v '^#')" "$before"
	run ns "$IPT_BIN/$prog-save" -c
	refute_output --partial '[3:300]'
	assert_output --partial '[0:0] -A '
}

@test "zero: -Z of every form of rule the corpus writes, iptables" {
	zero_forms 4 0
}

@test "zero: -Z of every form of rule the corpus writes, iptables --compat" {
	zero_forms 4 1
}

@test "zero: -Z of every form of rule the corpus writes, ip6tables" {
	zero_forms 6 0
}

@test "zero: -Z of every form of rule the corpus writes, ip6tables --compat" {
	zero_forms 6 1
}
