#!/usr/bin/env bats
# Self-tests of the differential harness (tests/diff/run-case, gen-bats).
#
# The differential corpus itself (tests/diff/*.cases) is not listed here:
# bats 1.8.2 only finds @test lines written in the file, so tests/run
# generates one bats test per case with tests/diff/gen-bats at run time.
# To run the corpus by hand:
#   tests/run tests/diff/core.cases            (through bats)
#   tests/diff/run-case tests/diff/core.cases [NAME...]   (directly)

load helpers

RUN_CASE=$TOP/tests/diff/run-case

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
	T=$BATS_TEST_TMPDIR
}

# fake_iptnft NAME BODY: a stand-in for iptnft that dispatches on argv[0]
# like the real one; BODY runs with $prog set to the personality.
fake_iptnft() {
	cat > "$T/$1" <<-EOS
	#!/bin/bash
	prog=\${0##*/}
	$2
	EOS
	chmod +x "$T/$1"
}

# the reference under our personality names: must pass every case
ref_double() {
	need_ref
	fake_iptnft same "exec -a \"\$prog\" \"$REF_DIR/xtables-nft-multi\" \"\$@\""
	[ -x "$REF_DIR/xtables-nft-multi" ] || skip "no xtables-nft-multi"
}

cases() { printf '%s\n' "$@" > "$T/t.cases"; }

@test "every case file parses, with unique names" {
	local f n
	for f in "$TOP"/tests/diff/*.cases; do
		run "$RUN_CASE" --check "$f"
		assert_success
	done
	n=$("$RUN_CASE" --list "$TOP/tests/diff/core.cases" | wc -l)
	[ "$n" -ge 170 ]
}

@test "generated case files are what their generators write" {
	"$TOP/tests/diff/gen-create" "$T/create.cases"
	cmp "$T/create.cases" "$TOP/tests/diff/create.cases"
	"$TOP/tests/diff/gen-nft" "$T/nft.cases"
	cmp "$T/nft.cases" "$TOP/tests/diff/nft.cases"
}

@test "numbers.cases is what tests/sweep-numbers.py generates" {
	command -v python3 > /dev/null || skip "python3 not installed"
	run python3 "$TOP/tests/sweep-numbers.py" --check
	assert_success
	# and the sweep reaches every kind of number
	run grep -c '^### num[46]-' "$TOP/tests/diff/numbers.cases"
	[ "$output" -ge 150 ]
}

@test "malformed case files are harness errors" {
	cases "iptables -L" "### a" "iptables -L"
	run "$RUN_CASE" --check "$T/t.cases"
	assert_failure 2
	assert_output --partial "command before the first"
	cases "### a" "iptables -L" "### a" "iptables -S"
	run "$RUN_CASE" --check "$T/t.cases"
	assert_failure 2
	assert_output --partial "duplicate case name 'a'"
	cases "### a" "### b" "iptables -S"
	run "$RUN_CASE" --check "$T/t.cases"
	assert_failure 2
	assert_output --partial "case 'a' has no commands"
}

@test "identical behaviour passes" {
	ref_double
	cases "### ok" "iptables -N FOO" "iptables -A INPUT -j FOO" "iptables -X FOO" \
		"iptables-save" "iptables -V" "### ok2" "iptables -t nat -L -n"
	IPTNFT=$T/same run "$RUN_CASE" "$T/t.cases"
	assert_success
	assert_output ""
}

@test "a difference is reported with case, command and unified diff" {
	need_ref
	fake_iptnft differ "
	\"$REF_DIR/xtables-nft-multi\" \"\$prog\" \"\$@\"; rc=\$?
	[ \"\$1\" = -N ] && { echo 'iptables: surprise' >&2; exit 3; }
	exit \$rc"
	cases "### d" "iptables -A INPUT -j ACCEPT" "iptables -N FOO"
	IPTNFT=$T/differ run "$RUN_CASE" "$T/t.cases"
	assert_failure 1
	assert_line "MISMATCH in case d ($T/t.cases)"
	assert_line "command 2 (iptnft): iptables -N FOO"
	assert_line "command 2 (iptnft --compat): iptables -N FOO"
	assert_line "--- expected (reference)"
	assert_line "+++ got (iptnft)"
	assert_line "+iptables: surprise"
	assert_line -- "---- exit 0"
	assert_line -- "+--- exit 3"
	refute_line --partial "command 1 "
	# without the --compat side, only iptnft's own run is compared
	DIFF_COMPAT=0 IPTNFT=$T/differ run "$RUN_CASE" "$T/t.cases"
	assert_failure 1
	assert_line "command 2 (iptnft): iptables -N FOO"
	refute_line --partial "(iptnft --compat)"
}

@test "iptnft listing the reference's rules differently is reported" {
	need_ref
	# lists like the reference, except chains it did not make itself
	# (those the reference made carry no comment)
	fake_iptnft xread "
	if [ \"\$1\" = -N ]; then
		nft add table ip filter && nft add chain ip filter \"\$2\" '{ comment \"fake\"; }'
		exit
	fi
	\"$REF_DIR/xtables-nft-multi\" \"\$prog\" \"\$@\"; rc=\$?
	if [ \"\$*\" = '-t filter -S' ] && ! nft list chain ip filter X | grep -q fake; then
		echo '-A X -j NOT-THE-REFERENCE'
	fi
	exit \$rc"
	cases "### x" "iptables -N X"
	IPTNFT=$T/xread run "$RUN_CASE" "$T/t.cases"
	assert_failure 1
	assert_line "epilogue 2 (iptnft listing the reference's rules): iptables -t filter -S"
	assert_line "+-A X -j NOT-THE-REFERENCE"
	refute_line --partial "epilogue 2 (iptnft):"
	# (the --compat side sees the fake's own chains as not the reference's)
	DIFF_XREAD=0 DIFF_COMPAT=0 IPTNFT=$T/xread run "$RUN_CASE" "$T/t.cases"
	assert_success
}

@test "xt compat expressions in iptnft's rules are reported, but recent's" {
	ref_double
	cases "### s" "iptables -A INPUT -m state --state NEW" \
		"### r" "iptables -A INPUT -m recent --set --name x"
	IPTNFT=$T/same run "$RUN_CASE" "$T/t.cases" s
	assert_failure 1
	assert_line "iptnft wrote xt compat expressions (nft --debug=netlink):"
	assert_line --partial "[ match name conntrack rev 3 ]"
	IPTNFT=$T/same run "$RUN_CASE" "$T/t.cases" r
	assert_success
	# a case may allow named ones, and only those
	cases "### s" "#: xt=conntrack" "iptables -A INPUT -m state --state NEW" \
		"### t" "#: xt=state,tcp" "iptables -A INPUT -m state --state NEW"
	IPTNFT=$T/same run "$RUN_CASE" "$T/t.cases" s
	assert_success
	IPTNFT=$T/same run "$RUN_CASE" "$T/t.cases" t
	assert_failure 1
	assert_line --partial "[ match name conntrack rev 3 ]"
	cases "#: xt=conntrack" "### s" "iptables -A INPUT"
	run "$RUN_CASE" --check "$T/t.cases"
	assert_failure 2
	assert_output --partial "xt= outside a case"
}

@test "--compat rules the reference lists alike but holds otherwise are reported" {
	need_ref
	# under IPTNFT_COMPAT the protocol is written as nft's ip protocol
	# payload test, which the reference lists as -p tcp all the same
	fake_iptnft layout "
	if [ -n \"\$IPTNFT_COMPAT\" ] && [ \"\$*\" = '-A INPUT -p tcp' ]; then
		nft add table ip filter &&
		nft add chain ip filter INPUT '{ type filter hook input priority 0; }' &&
		exec nft add rule ip filter INPUT ip protocol tcp counter
	fi
	exec -a \"\$prog\" \"$REF_DIR/xtables-nft-multi\" \"\$@\""
	cases "### p" "iptables -A INPUT -p tcp"
	IPTNFT=$T/layout run "$RUN_CASE" "$T/t.cases"
	assert_failure 1
	assert_line "kernel layout (nft --debug=netlink list ruleset, --compat):"
	assert_line --partial "+  [ payload load 1b @ network header + 9 => reg 1 ]"
}

@test "a case file may leave out the --compat side and cross-reading" {
	need_ref
	# right on its own, wrong only under IPTNFT_COMPAT
	fake_iptnft compatdiff "
	[ -n \"\$IPTNFT_COMPAT\" ] && { echo 'compat side' >&2; exit 3; }
	exec -a \"\$prog\" \"$REF_DIR/xtables-nft-multi\" \"\$@\""
	cases "### c" "iptables -A INPUT -j ACCEPT"
	IPTNFT=$T/compatdiff run "$RUN_CASE" "$T/t.cases"
	assert_failure 1
	assert_line "command 1 (iptnft --compat): iptables -A INPUT -j ACCEPT"
	cases "#: compat=0 xread=0" "### c" "iptables -A INPUT -j ACCEPT"
	IPTNFT=$T/compatdiff run "$RUN_CASE" "$T/t.cases"
	assert_success
	cases "#: compat=1" "### c" "iptables -A INPUT -j ACCEPT"
	run "$RUN_CASE" --check "$T/t.cases"
	assert_failure 2
	assert_output --partial "unknown file option 'compat=1'"
}

@test "the epilogue lists filter and every table named with -t" {
	ref_double
	cases "### t" "iptables -t nat -N X" "iptables --table=raw -L" "iptables -tmangle -S"
	run "$RUN_CASE" --show "$T/t.cases" t
	assert_success
	assert_line '$ iptables -t filter -S'
	assert_line '$ iptables -t filter -L -n -v --line-numbers'
	assert_line '$ iptables -t nat -S'
	assert_line '$ iptables -t raw -L -n -v --line-numbers'
	assert_line '$ iptables -t mangle -S'
	refute_line '$ iptables -t security -S'
}

@test "save headers, -V and the -nft program name are normalised" {
	need_ref
	fake_iptnft norm "
	case \"\$prog \$1\" in
	'iptables -V') echo 'iptables v9.9.9 (nf_tables)'; exit 0 ;;
	iptables-save*)
		\"$REF_DIR/xtables-nft-multi\" \"\$prog\" \"\$@\" |
		sed -e 's/ on .*/ on Thu Jan  1 00:00:00 1970/' \
		    -e 's/^# Completed on .*/# Completed on Thu Jan  1 00:00:00 1970/'
		exit \${PIPESTATUS[0]} ;;
	esac
	exec -a \"\$prog\" \"$REF_DIR/xtables-nft-multi\" \"\$@\""
	cases "### n" "iptables -A INPUT -j DROP" "iptables-save" "iptables -V" \
		"iptables-save --bogus" "printf '*filter\n-A NOPE -j DROP\nCOMMIT\n' | iptables-restore"
	IPTNFT=$T/norm run "$RUN_CASE" "$T/t.cases"
	assert_success
	run "$RUN_CASE" --show "$T/t.cases"
	assert_line "# Generated by iptables-save <VERSION> on <DATE>"
	assert_line "# Completed on <DATE>"
	assert_line "iptables v<VERSION> (nf_tables)"
	assert_line "iptables-restore: line 2 failed: No chain/target/match by that name."
	refute_output --partial "iptables-nft"
}

@test "missing reference skips (77), missing binary is an error (2)" {
	cases "### x" "iptables -L"
	IPTNFT_REF=$T/nowhere run "$RUN_CASE" "$T/t.cases"
	assert_failure 77
	need_ref
	IPTNFT=$T/nowhere run "$RUN_CASE" "$T/t.cases"
	assert_failure 2
	assert_output --partial "iptnft binary not found at $T/nowhere"
}

@test "a broken reference run is a harness error, not a pass" {
	ref_double
	cases "### b" "iptables -L" "no-such-command-xyz"
	IPTNFT=$T/same run "$RUN_CASE" "$T/t.cases"
	assert_failure 2
	assert_output --partial "harness failure"
}

@test "nothing leaks into the host namespace" {
	ref_double
	# (run-case uses anonymous namespaces, gone when their process exits;
	# named ones of parallel tests may come and go, so only the host
	# ruleset is compared)
	local before
	before=$(nft list ruleset 2>&1 | md5sum)
	cases "### l" "iptables -A INPUT -j DROP" "iptables -P OUTPUT DROP" "iptables -t nat -N Z"
	IPTNFT=$T/same run "$RUN_CASE" "$T/t.cases"
	assert_success
	[ "$(nft list ruleset 2>&1 | md5sum)" = "$before" ]
}

@test "gen-bats writes one test per case" {
	cases "### a" "iptables -L" "### b" "iptables -S" "### c" "iptables -V"
	run "$TOP/tests/diff/gen-bats" -n 2 "$T/gen" "$T/t.cases"
	assert_success
	assert_output "$T/gen/diff-t-1.bats
$T/gen/diff-t-2.bats"
	# (no line of this file may start with the at-test keyword)
	run sed -n 's/^@test "\(.*\)" {.*/\1/p' "$T/gen/diff-t-1.bats" "$T/gen/diff-t-2.bats"
	assert_output "diff t: a
diff t: c
diff t: b"
}
