#!/usr/bin/env bats
# Mangled restore input (issue 11): the save files of tests/diff/data cut
# short, doubled, overwritten with random bytes, given lines longer than
# any buffer, huge numbers, unbalanced quotes, NUL bytes, no COMMIT and
# CR LF line ends (tests/gen-mangled.py writes them, the same on every
# run). Each goes through the reference's iptables-restore and iptnft's,
# each in a fresh network namespace (tests/run-mangled): both must print
# the same, exit the same and leave the same ruleset, and neither may
# crash or hang.
#
# The known list names the inputs where only the message differs, on
# purpose (README, "Differences from iptables-nft", and
# tests/known-differences.bats): the reference's names the wrong word for
# an unknown option letter inside a group (-QX), or takes a whole word as
# the value of a letter given its value in the same word (-jX). Status and
# ruleset must still match.

load helpers

setup_file() {
	[ "$(id -u)" = 0 ] || return 0
	python3 "$BATS_TEST_DIRNAME/gen-mangled.py" "$BATS_FILE_TMPDIR/m"
	cat > "$BATS_FILE_TMPDIR/known" <<-EOF
		message ip6-basic.insert1.v6	# -jx...: a whole word as the value
		message ip6-exthdr.insert0.v6	# a letter inside a group
		message ip6-exthdr.insert2.v6	# a letter inside a group
		message multi.insert1.v4	# -j...: a whole word as the value
	EOF
}

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
	need_iptnft
	[ -x "$REF_RESTORE" ] || skip "reference iptables-nft-restore not installed"
}

teardown() { :; }

# mangled GLOB [-- RESTORE-OPTION...]: every input GLOB names (under the
# generated directory, KIND/FILE) agrees
mangled() {
	local glob=$1
	shift
	# shellcheck disable=SC2086 # the glob is meant to expand
	run "$TOP/tests/run-mangled" -v -k "$BATS_FILE_TMPDIR/known" "$@" \
		"$BATS_FILE_TMPDIR"/m/$glob
	[ "$status" != 77 ] || skip "reference not installed"
	if [ "$status" != 0 ]; then
		printf '%s\n' "$output"
		return 1
	fi
}

@test "mangled: cut short at every few bytes" {
	mangled 'trunc/*'
}

@test "mangled: cut short, with counters (-c)" {
	mangled 'trunc/counters.*' -- -c
}

@test "mangled: a block, a line or the whole input twice" {
	mangled 'dup/*'
}

@test "mangled: random bytes" {
	mangled 'binary/*'
}

@test "mangled: lines longer than any buffer" {
	mangled 'long/*'
}

@test "mangled: huge and malformed numbers" {
	mangled 'numbers/*'
}

@test "mangled: huge and malformed numbers, with counters (-c)" {
	# IPv4 only: ip6tables drops a rule's counters, as ip6tables-nft does
	mangled 'numbers/*.v4' -- -c
}

@test "mangled: unbalanced and escaped quotes" {
	mangled 'quotes/*'
}

@test "mangled: NUL bytes" {
	mangled 'nul/*'
}

@test "mangled: no COMMIT" {
	mangled 'nocommit/*'
}

@test "mangled: CR LF line ends" {
	mangled 'crlf/*'
}
