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

@test "shape: -C and -D of a rule not there read its chain once, not the other" {
	local op
	for op in -C -D; do
		run ns env IPTNFT_DEBUG=netlink "$IPT_BIN/iptables" $op BIG -s 198.51.100.77 -j ACCEPT
		assert_failure 1
		assert_line "iptables: Bad rule (does a matching rule exist in that chain?)."
		N=$(printf '%s\n' "$output" | sed -n 's/^iptnft: netlink messages received: \([0-9][0-9]*\)$/\1/p')
		printf '# %6s messages: iptables %s (absent rule)\n' "$N" "$op" >&3
		[ "$N" -ge "$BIG_RULES" ] && [ "$N" -lt $((BIG_RULES + 100)) ]
	done
}

@test "shape: -I n, -R n, -D n and -C/-D of an early rule stop reading where they can" {
	# the dump is abandoned once the command has its rule: the kernel
	# never builds the rest of the 2000-rule chain
	expect_below 100 -I BIG 5 -s 192.0.2.5 -j ACCEPT
	run ipt -S BIG 5
	assert_output "-A BIG -s 192.0.2.5/32 -j ACCEPT"
	expect_below 100 -R BIG 1 -s 192.0.2.1 -j DROP
	run ipt -S BIG 1
	assert_output "-A BIG -s 192.0.2.1/32 -j DROP"
	expect_below 100 -C BIG -s 192.0.2.5 -j ACCEPT
	expect_below 100 -D BIG -s 192.0.2.5 -j ACCEPT
	run ipt -C BIG -s 192.0.2.5 -j ACCEPT
	assert_failure 1
	expect_below 100 -D BIG 2
	run ipt -S BIG
	# 2000, +1 inserted, -1 deleted by spec, -1 by number; plus the -N line
	[ "${#lines[@]}" = $((BIG_RULES - 1 + 1)) ]
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

# peak_rss N: restore a chain of N rules in a fresh table, print the peak
# resident memory (KiB) of iptables-save over it
peak_rss() {
	local n=$1 i f=$BATS_TEST_TMPDIR/flat.rules
	{
		echo "*filter"
		echo ":FLAT - [0:0]"
		for ((i = 0; i < n; i++)); do
			echo "-A FLAT -s 10.$((i >> 16 & 255)).$((i >> 8 & 255)).$((i & 255))/32 -p tcp -m tcp --dport $((i % 60000 + 1)) -j ACCEPT"
		done
		echo "COMMIT"
	} > "$f"
	ns "$IPT_BIN/iptables-restore" "$f" || return 1
	# no quarantine: a sanitizer build would otherwise keep freed memory
	ns env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" \
		/usr/bin/time -f "%M" -o "$BATS_TEST_TMPDIR/rss" "$IPT_BIN/iptables-save" > /dev/null || return 1
	tail -n 1 "$BATS_TEST_TMPDIR/rss"
}

@test "shape: save's peak memory stays flat when the ruleset doubles" {
	[ -x /usr/bin/time ] || skip "GNU time (package time) not installed"
	local small big
	small=$(peak_rss 10000)
	big=$(peak_rss 20000)
	printf '# iptables-save peak RSS: %s KiB for 10000 rules, %s KiB for 20000\n' "$small" "$big" >&3
	# streaming: twice the rules may not cost more than a few percent
	[ "$big" -lt $((small + small / 10)) ]
}

# made_backwards N: a nat table of N chains made in reverse order of their
# names, one rule each
made_backwards() {
	local n=$1 i
	{
		echo "*nat"
		for ((i = n; i > 0; i--)); do
			printf ':C%04d - [0:0]\n' "$i"
		done
		for ((i = n; i > 0; i--)); do
			printf -- '-A C%04d -s 10.3.%d.%d/32 -j RETURN\n' "$i" $((i / 250)) $((i % 250))
		done
		echo "COMMIT"
	} > "$BATS_TEST_TMPDIR/backwards.rules"
	ipt_restore --noflush < "$BATS_TEST_TMPDIR/backwards.rules"
}

@test "shape: a listing of many chains reads the table in one dump" {
	made_backwards 300
	# a message per chain and per rule, and the two dumps' ends: a dump
	# per chain would end each with a message of its own, 900 and more
	expect_below 700 -t nat -S
	cp "$BATS_TEST_TMPDIR/nl.out" "$BATS_TEST_TMPDIR/held.out"
	expect_below 700 -t nat -L -n -v
	# the chains the dump reached first, kept until their turn, are shown
	# in order
	run grep -c '^-A C' "$BATS_TEST_TMPDIR/held.out"
	assert_output 300
	grep '^-A C' "$BATS_TEST_TMPDIR/held.out" | sort -c
	run ns env IPTNFT_DEBUG=netlink "$IPT_BIN/iptables-save" -t nat
	assert_success
	assert_line --regexp '^iptnft: netlink messages received: [0-9]{3}$'
	[ "$(printf '%s\n' "$output" | sed -n 's/^iptnft: netlink messages received: //p')" -lt 700 ]
}

@test "shape: with nothing kept back, each chain the dump reaches early is read alone" {
	made_backwards 300
	ns env IPTNFT_DEBUG=netlink,nohold "$IPT_BIN/iptables" -t nat -S \
		> "$BATS_TEST_TMPDIR/alone.out" 2> "$BATS_TEST_TMPDIR/alone.err"
	run cat "$BATS_TEST_TMPDIR/alone.err"
	assert_output --regexp '^iptnft: netlink messages received: [0-9]+$'
	# the table's dump, and a dump of its own for each chain but the last
	[ "${output##* }" -ge 1190 ]
	nl_count -t nat -S
	cmp "$BATS_TEST_TMPDIR/nl.out" "$BATS_TEST_TMPDIR/alone.out"
}

@test "shape: a ruleset changed since its chains were read is read chain by chain" {
	made_backwards 300
	# IPTNFT_DEBUG=stale: the listing takes the table's dump for one of
	# another ruleset from its second chain on, as when someone committed
	# between the two reads; the chains after it are read on their own
	ns env IPTNFT_DEBUG=netlink,stale "$IPT_BIN/iptables" -t nat -S \
		> "$BATS_TEST_TMPDIR/stale.out" 2> "$BATS_TEST_TMPDIR/stale.err"
	run cat "$BATS_TEST_TMPDIR/stale.err"
	assert_output --regexp '^iptnft: netlink messages received: [0-9]+$'
	[ "${output##* }" -ge 890 ]
	nl_count -t nat -S
	cmp "$BATS_TEST_TMPDIR/nl.out" "$BATS_TEST_TMPDIR/stale.out"
	ns env IPTNFT_DEBUG=stale "$IPT_BIN/iptables-save" -t nat | grep -v '^#' \
		> "$BATS_TEST_TMPDIR/stale.save"
	ns "$IPT_BIN/iptables-save" -t nat | grep -v '^#' > "$BATS_TEST_TMPDIR/held.save"
	cmp "$BATS_TEST_TMPDIR/held.save" "$BATS_TEST_TMPDIR/stale.save"
}

@test "shape: past a few MiB kept back, a chain the dump reached early is read alone" {
	local c i pad
	pad=$(printf '%0100d' 0)
	# Z1..Z8, 12000 rules of some 420 bytes, come first in the kernel's
	# list and last in the listing: more than the 4 MiB the listing
	# keeps back, each chain shorter than the 2048 rules that would
	# make it leave the dump
	{
		echo "*raw"
		for c in 1 2 3 4 5 6 7 8; do
			echo ":Z$c - [0:0]"
		done
		echo ":A - [0:0]"
		for c in 1 2 3 4 5 6 7 8; do
			for ((i = 0; i < 1500; i++)); do
				echo "-A Z$c -s 10.$c.$((i / 250)).$((i % 250 + 1))/32 -p tcp -m tcp --dport $((i + 1)) -m comment --comment \"$pad\" -j ACCEPT"
			done
		done
		echo "-A A -j RETURN"
		echo "COMMIT"
	} > "$BATS_TEST_TMPDIR/early.rules"
	ipt_restore --noflush < "$BATS_TEST_TMPDIR/early.rules"
	ns env IPTNFT_DEBUG=netlink "$IPT_BIN/iptables-save" -t raw \
		> "$BATS_TEST_TMPDIR/kept.save" 2> "$BATS_TEST_TMPDIR/kept.err"
	run cat "$BATS_TEST_TMPDIR/kept.err"
	assert_output --regexp '^iptnft: netlink messages received: [0-9]+$'
	# the table's dump, and a dump of its own for a chain it could not
	# keep
	[ "${output##* }" -ge 13500 ]
	ns env IPTNFT_DEBUG=nohold "$IPT_BIN/iptables-save" -t raw > "$BATS_TEST_TMPDIR/alone.save"
	diff <(grep -v '^#' "$BATS_TEST_TMPDIR/kept.save") <(grep -v '^#' "$BATS_TEST_TMPDIR/alone.save")
	[ "$(grep -c '^-A' "$BATS_TEST_TMPDIR/kept.save")" = 12001 ]
	[ "$(grep '^-A' "$BATS_TEST_TMPDIR/kept.save" | head -1)" = "-A A -j RETURN" ]
}

@test "shape: a long chain the dump reaches before its turn makes it read chain by chain" {
	local i
	# Z, 3000 rules, first in the kernel's list and last in the listing:
	# past 2048 of its rules the dump is left, and Z read on its own
	{
		echo "*raw"
		echo ":Z - [0:0]"
		echo ":A - [0:0]"
		for ((i = 0; i < 3000; i++)); do
			echo "-A Z -s 10.4.$((i / 250)).$((i % 250 + 1))/32 -j ACCEPT"
		done
		echo "-A A -j RETURN"
		echo "COMMIT"
	} > "$BATS_TEST_TMPDIR/long.rules"
	ipt_restore --noflush < "$BATS_TEST_TMPDIR/long.rules"
	ns env IPTNFT_DEBUG=netlink "$IPT_BIN/iptables-save" -t raw \
		> "$BATS_TEST_TMPDIR/long.save" 2> "$BATS_TEST_TMPDIR/long.err"
	run cat "$BATS_TEST_TMPDIR/long.err"
	assert_output --regexp '^iptnft: netlink messages received: [0-9]+$'
	# 2049 rules of the table's dump, then Z's 3000 again
	[ "${output##* }" -ge 5049 ]
	[ "${output##* }" -lt 5200 ]
	ns env IPTNFT_DEBUG=nohold "$IPT_BIN/iptables-save" -t raw > "$BATS_TEST_TMPDIR/alone.save"
	diff <(grep -v '^#' "$BATS_TEST_TMPDIR/long.save") <(grep -v '^#' "$BATS_TEST_TMPDIR/alone.save")
	[ "$(grep -c '^-A' "$BATS_TEST_TMPDIR/long.save")" = 3001 ]
}

@test "shape: past some 16000 rules, the table's dump is left for a dump per chain" {
	made_backwards 300
	# IPTNFT_DEBUG=short leaves the dump after its first rule, as it is
	# left after 16384: the kernel resumes a dump by walking the table
	# from its start, a cost that grows with the square of its length
	ns env IPTNFT_DEBUG=netlink,short "$IPT_BIN/iptables" -t nat -S \
		> "$BATS_TEST_TMPDIR/short.out" 2> "$BATS_TEST_TMPDIR/short.err"
	run cat "$BATS_TEST_TMPDIR/short.err"
	assert_output --regexp '^iptnft: netlink messages received: [0-9]+$'
	[ "${output##* }" -ge 890 ]
	nl_count -t nat -S
	cmp "$BATS_TEST_TMPDIR/nl.out" "$BATS_TEST_TMPDIR/short.out"
}

@test "shape: save asks for the tables once and for the chains once" {
	[ -x "$(command -v strace)" ] || skip "strace not installed"
	ipt -t nat -N NATCHAIN
	ipt -t mangle -N MANGLECHAIN
	# the kernel gives every table's chains to a dump asked for one
	# table's: one dump serves filter, mangle and nat (a sanitizer
	# build's leak check cannot run under ptrace)
	ns env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=sendto -o "$BATS_TEST_TMPDIR/trace" \
		"$IPT_BIN/iptables-save" > "$BATS_TEST_TMPDIR/save.out"
	run grep -c 'NFT_MSG_GETTABLE' "$BATS_TEST_TMPDIR/trace"
	assert_output 1
	run grep -c 'NFT_MSG_GETCHAIN' "$BATS_TEST_TMPDIR/trace"
	assert_output 1
	# and each table has its own chains, and only those: as each table
	# saved on its own (a dump of the chains for each) says
	run grep -c '^\*' "$BATS_TEST_TMPDIR/save.out"
	assert_output 3
	local t
	for t in mangle filter nat; do
		ns "$IPT_BIN/iptables-save" -t "$t"
	done | grep -v '^#' > "$BATS_TEST_TMPDIR/each.out"
	grep -q '^:NATCHAIN - ' "$BATS_TEST_TMPDIR/each.out"
	grep -q '^:MANGLECHAIN - ' "$BATS_TEST_TMPDIR/each.out"
	run diff "$BATS_TEST_TMPDIR/each.out" <(grep -v '^#' "$BATS_TEST_TMPDIR/save.out")
	assert_success
}
