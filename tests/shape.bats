#!/usr/bin/env bats
# "Read only what the command needs", measured: with IPTNFT_DEBUG=netlink
# iptnft prints "iptnft: netlink messages received: N" to stderr at exit.
# A filter table holds BIG (2000 rules) and OTHER (5000 rules): commands on
# BIG must not read OTHER, and -A, -N, -P must read no rules at all.

load helpers

BIG_RULES=2000
OTHER_RULES=5000

setup() {
	iptnft_setup
	need_iptnft
	{
		echo "*filter"
		echo ":BIG - [0:0]"
		echo ":OTHER - [0:0]"
		local i
		for ((i = 0; i < BIG_RULES; i++)); do
			echo "-A BIG -s 10.1.$((i / 250)).$((i % 250 + 1))/32 -j ACCEPT"
		done
		for ((i = 0; i < OTHER_RULES; i++)); do
			echo "-A OTHER -s 10.2.$((i / 250)).$((i % 250 + 1))/32 -j DROP"
		done
		echo "COMMIT"
	} > "$BATS_TEST_TMPDIR/big.rules"
	ipt_restore --noflush < "$BATS_TEST_TMPDIR/big.rules"
}

# nl_count ARGS...: run our iptables ARGS with IPTNFT_DEBUG=netlink; it must
# succeed with nothing but the count on stderr; the count goes to $N and,
# for the record, to the TAP output
nl_count() {
	local rc=0 err
	ns env IPTNFT_DEBUG=netlink "$IPT_BIN/iptables" "$@" \
		> "$BATS_TEST_TMPDIR/nl.out" 2> "$BATS_TEST_TMPDIR/nl.err" || rc=$?
	err=$(cat "$BATS_TEST_TMPDIR/nl.err")
	if [ "$rc" != 0 ]; then
		echo "iptables $* exited $rc: $err" >&2
		return 1
	fi
	N=$(sed -n 's/^iptnft: netlink messages received: \([0-9][0-9]*\)$/\1/p' \
		"$BATS_TEST_TMPDIR/nl.err")
	if [ -z "$N" ] || [ "$(wc -l < "$BATS_TEST_TMPDIR/nl.err")" != 1 ]; then
		echo "iptables $*: unexpected stderr: $err" >&2
		return 1
	fi
	printf '# %6s messages: iptables %s\n' "$N" "$*" >&3
}

# expect_below MAX ARGS...
expect_below() {
	local max=$1
	shift
	nl_count "$@"
	[ "$N" -lt "$max" ] || fail "iptables $*: received $N netlink messages, expected < $max"
}

# expect_one_chain CHAIN_RULES ARGS...: at least one message per rule of
# the chain, and not the other chain's 5000 (a little slack for the
# generation id, table and chain messages and the dump's end)
expect_one_chain() {
	local n=$1
	shift
	nl_count "$@"
	[ "$N" -ge "$n" ] || fail "iptables $*: received $N netlink messages, expected >= $n"
	[ "$N" -lt $((n + 100)) ] || fail "iptables $*: received $N netlink messages, expected < $((n + 100))"
}

@test "shape: the ruleset is in place" {
	run ipt -S BIG
	assert_success
	[ "${#lines[@]}" = $((BIG_RULES + 1)) ]
	run ipt -S OTHER
	assert_success
	[ "${#lines[@]}" = $((OTHER_RULES + 1)) ]
}

@test "shape: -A reads no rules" {
	expect_below 20 -A BIG -s 192.0.2.1 -j ACCEPT
	expect_below 20 -A BIG -p tcp --dport 80 -j OTHER
	expect_below 20 -A INPUT -s 192.0.2.2 -j BIG
	run ipt -S BIG $((BIG_RULES + 2))
	assert_output "-A BIG -p tcp -m tcp --dport 80 -j OTHER"
}

@test "shape: -C, -I n, -D by spec and -R read one chain, not the other" {
	expect_one_chain "$BIG_RULES" -C BIG -s 10.1.4.1 -j ACCEPT
	expect_one_chain "$BIG_RULES" -I BIG 5 -s 192.0.2.5 -j ACCEPT
	run ipt -S BIG 5
	assert_output "-A BIG -s 192.0.2.5/32 -j ACCEPT"
	expect_one_chain "$BIG_RULES" -D BIG -s 10.1.4.1 -j ACCEPT
	run ipt -C BIG -s 10.1.4.1 -j ACCEPT
	assert_failure 1
	expect_one_chain "$BIG_RULES" -R BIG 1 -s 192.0.2.1 -j DROP
	run ipt -S BIG 1
	assert_output "-A BIG -s 192.0.2.1/32 -j DROP"
	run ipt -S BIG
	[ "${#lines[@]}" = $((BIG_RULES + 1)) ]
}

@test "shape: -N and -P read no rules" {
	expect_below 20 -N NEWCHAIN
	expect_below 20 -P INPUT DROP
	expect_below 20 -P FORWARD ACCEPT
	run ipt -S INPUT
	assert_output "-P INPUT DROP"
	run ipt -S NEWCHAIN
	assert_output "-N NEWCHAIN"
}
