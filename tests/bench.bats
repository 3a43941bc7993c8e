#!/usr/bin/env bats
# bench/run works end to end: its quick mode runs every tool's commands on
# both sizes, every one of them succeeds, and both tables are complete, the
# user/system shares measured precisely enough to be numbers.
# Nothing here looks at a time: the figures are for people, not for tests.

load helpers

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
	need_iptnft
	need_ref
	command -v iptables-legacy > /dev/null || skip "no iptables-legacy"
	command -v nft > /dev/null || skip "no nft"
	[ -x /usr/bin/time ] || skip "no GNU time"
}
teardown() { :; }

@test "bench/run -q: every tool, every operation, both sizes, every run succeeds" {
	run "$TOP/bench/run" -q -r 1 -b "$IPTNFT" -o "$BATS_TEST_TMPDIR/report"
	assert_success
	local report=$BATS_TEST_TMPDIR/report
	# the first table: one line per size, tool and operation, exit status 0
	local size tool op n
	for size in 100 1000; do
		for tool in iptnft reference legacy; do
			for op in restore save list-nat append check delete insert5 replace5 delete5 flush-chain; do
				n=$(awk -v s=$size -v t=$tool -v o=$op '$1 == s && $2 == t && $3 == o && $NF == 0' "$report" | wc -l)
				[ "$n" = 1 ] || { echo "$size $tool $op: $n successful lines"; cat "$report"; return 1; }
			done
		done
		for op in restore append delete insert5 replace5 delete5; do
			n=$(awk -v s=$size -v o=$op '$1 == s && $2 == "nft" && $3 == o && $NF == 0' "$report" | wc -l)
			[ "$n" = 1 ] || { echo "$size nft $op: $n successful lines"; cat "$report"; return 1; }
		done
		# the precise user and system times the shares come from
		for op in restore-floor save-floor list-floor startup-floor; do
			n=$(awk -v s=$size -v o=$op '$1 == s && $2 == "iptnft" && $3 == o && $NF == 0' "$report" | wc -l)
			[ "$n" = 1 ] || { echo "$size iptnft $op: $n successful lines"; cat "$report"; return 1; }
		done
		for tool in iptnft reference; do
			n=$(awk -v s=$size -v t=$tool '$1 == s && $2 == t && $3 == "translate" && $NF == 0' "$report" | wc -l)
			[ "$n" = 1 ] || { echo "$size $tool translate: $n lines"; cat "$report"; return 1; }
		done
		# the second table: a ratio or share in every column
		run awk -v s=$size '/^iptnft against the floor/ { f = 1 } f && $1 == s' "$report"
		[ "${#lines[@]}" = 1 ] || { echo "no floor line for $size"; cat "$report"; return 1; }
		[[ "${lines[0]}" =~ ^$size(\ +(-?[0-9]+\.[0-9]+x?|-)){14}$ ]] ||
			{ echo "floor line: ${lines[0]}"; return 1; }
		# save, list and restore shares are measured, even at 100
		# services, whole and less the process's start and end (which
		# rusage's ticks can make negative: perf's samples cannot)
		[[ "${lines[0]}" =~ ^$size(\ +[0-9]+\.[0-9]{3}){3}(\ +-?[0-9]+\.[0-9]{3}){3}\  ]] ||
			{ echo "no user/system share in: ${lines[0]}"; return 1; }
		if command -v perf > /dev/null; then
			[[ "${lines[0]}" =~ ^$size(\ +[0-9]+\.[0-9]{3}){6}\  ]] ||
				{ echo "a negative share from perf's samples: ${lines[0]}"; return 1; }
		fi
	done
	grep -q '^iptnft against the floor' "$report"
	if command -v perf > /dev/null; then
		grep -q '^(u/s split from perf samples at 20 kHz' "$report"
	fi
}
