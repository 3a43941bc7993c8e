#!/usr/bin/env bats
# Rules at the sizes the kernel takes (issue 11, item 3). The kernel takes at
# most 128 expressions in a rule; iptnft's native layout needs more of them
# than the reference's xt blobs for a few matches (-m hbh with option lists,
# -m conntrack, -m state), and a rule that fits only in the reference's
# layout is written in that layout rather than refused. Every netlink write
# is bounded: rules far past any size the kernel takes fail cleanly (the
# sanitizer build would stop on an overflow). The differential side of this
# is tests/diff/bounds.cases.

load helpers

REF6=${REF_DIR}/ip6tables-nft
ref6() { _ref_ns && ip netns exec "$NS_REF" "$REF6" "$@"; }
ref6_save() { _ref_ns && ip netns exec "$NS_REF" "${REF_DIR}/ip6tables-nft-save" -c; }
ref6_restore() { _ref_ns && ip netns exec "$NS_REF" "${REF_DIR}/ip6tables-nft-restore" "$@"; }

OPTS15=1:2,1:2,1:2,1:2,1:2,1:2,1:2,1:2,1:2,1:2,1:2,1:2,1:2,1:2,1:2

# hbh N: N matches of 15 options each, 30 and more expressions each natively
hbh() {
	local i
	for ((i = 0; i < $1; i++)); do
		printf -- '-m hbh --hbh-opts %s ' "$OPTS15"
	done
}

# rule_lines FAMILY: the -S lines of the rules (no policies)
rule_lines() {
	if [ "$1" = 6 ]; then ipt6 -S; else ipt -S; fi | grep -v '^-P'
}

@test "bounds: hbh option lists past 128 native expressions take the reference's layout" {
	local n
	for n in 3 5 30; do
		# shellcheck disable=SC2046 # word splitting wanted
		run ipt6 -A INPUT $(hbh "$n") -j ACCEPT
		assert_success
	done
	# 3 lists fit natively; 5 and 30 are the reference's xt hbh blobs
	[ "$(ns nft --debug=netlink list ruleset 2>/dev/null | grep -c 'match name hbh')" = 35 ]
	run ipt6 -S INPUT
	assert_success
	[ "$(grep -c -- "--hbh-opts $OPTS15" <<<"$output")" = 3 ]
	# shellcheck disable=SC2046
	run ipt6 -C INPUT $(hbh 5) -j ACCEPT
	assert_success
	# shellcheck disable=SC2046
	run ipt6 -C INPUT $(hbh 4) -j ACCEPT
	assert_failure 1
	# shellcheck disable=SC2046
	run ipt6 -D INPUT $(hbh 30) -j ACCEPT
	assert_success
	# shellcheck disable=SC2046
	run ipt6 -D INPUT $(hbh 5) -j ACCEPT
	assert_success
	[ "$(rule_lines 6 | wc -l)" = 1 ]
	ns nft --debug=netlink list ruleset 2>/dev/null | grep -q 'exthdr'
}

@test "bounds: a rule in the reference's layout lists as the reference lists it" {
	need_ref
	[ -x "$REF6" ] || skip "ip6tables-nft not installed"
	# shellcheck disable=SC2046
	ipt6 -A INPUT -p tcp $(hbh 6) -m comment --comment "six lists" -j ACCEPT
	# shellcheck disable=SC2046
	ref6 -A INPUT -p tcp $(hbh 6) -m comment --comment "six lists" -j ACCEPT
	assert_equal "$(ipt6 -S)" "$(ref6 -S)"
	assert_equal "$(ipt6 -L -n -v)" "$(ref6 -L -n -v)"
	# and the reference reads iptnft's rule as its own
	assert_equal "$(ns "$REF6" -S)" "$(ref6 -S)"
}

@test "bounds: restore line of 60 -m hbh lists (issue 11) ends as the reference's" {
	need_ref
	[ -x "$REF6" ] || skip "ip6tables-nft not installed"
	local f=$BATS_TEST_TMPDIR/hbh.rules
	{
		echo '*filter'
		echo '-A INPUT -j DROP'
		echo "-A INPUT $(hbh 60)-j ACCEPT"
		echo "-A INPUT $(printf -- '-m hbh --hbh-opts 1 %.0s' $(seq 60))-j ACCEPT"
		echo 'COMMIT'
	} > "$f"
	run ipt6_restore < "$f"
	local ours=$status out=$output
	run ref6_restore < "$f"
	assert_equal "$ours" "$status"
	assert_equal "$out" "${output//ip6tables-nft-restore/ip6tables-restore}"
	assert_equal "$(ipt6_save -c | grep -v '^#')" "$(ref6_save | grep -v '^#')"
}

@test "bounds: past the kernel's limit in both layouts: no space, nothing changed" {
	ipt -A INPUT -j DROP
	local before
	before=$(ns nft list ruleset)
	# 43 conntrack matches: 131 native expressions, too many for the
	# kernel's dlen limit as xt blobs
	# shellcheck disable=SC2046
	run ipt -A INPUT $(printf -- '-m conntrack --ctstate NEW %.0s' $(seq 43)) -j ACCEPT
	assert_failure 1
	assert_output "iptables: No space left on device."
	# shellcheck disable=SC2046
	run ipt6 -I INPUT $(hbh 1000) -j ACCEPT
	assert_failure 1
	assert_output "ip6tables: No space left on device."
	# shellcheck disable=SC2046
	run ipt -R INPUT 1 $(printf -- '-m mark --mark 1/1 %.0s' $(seq 20000)) -j ACCEPT
	assert_failure 1
	assert_output "iptables: No space left on device."
	[ "$(ns nft list ruleset)" = "$before" ]
}

@test "bounds: a restored table with a rule in the reference's layout: the index never answers for it" {
	export IPTNFT_INDEX_DIR=$BATS_TEST_TMPDIR/index
	local f=$BATS_TEST_TMPDIR/t.rules
	{
		echo '*filter'
		echo ':INPUT ACCEPT [0:0]'
		echo '-A INPUT -s 2001:db8::1/128 -j ACCEPT'
		echo "-A INPUT $(hbh 5)-j ACCEPT"
		echo '-A INPUT -s 2001:db8::2/128 -j ACCEPT'
		echo 'COMMIT'
	} > "$f"
	ipt6_restore < "$f"
	# shellcheck disable=SC2046
	run ns env IPTNFT_DEBUG=index "$IPT_BIN/ip6tables" -C INPUT $(hbh 5) -j ACCEPT
	assert_success
	refute_output --partial "index: absent"
	# shellcheck disable=SC2046
	run ns env IPTNFT_DEBUG=index "$IPT_BIN/ip6tables" -D INPUT $(hbh 5) -j ACCEPT
	assert_success
	run ipt6 -C INPUT -s 2001:db8::2/128 -j ACCEPT
	assert_success
	[ "$(rule_lines 6 | wc -l)" = 2 ]
}

@test "bounds: many matches keep their names in userdata (runs of one match)" {
	need_ref
	# shellcheck disable=SC2046
	ipt -A INPUT -p tcp $(printf -- '-m mark --mark 1 %.0s' $(seq 50)) -m state --state NEW -m tcp -j ACCEPT
	# shellcheck disable=SC2046
	ref -A INPUT -p tcp $(printf -- '-m mark --mark 1 %.0s' $(seq 50)) -m state --state NEW -m tcp -j ACCEPT
	assert_equal "$(ipt -S)" "$(ref -S)"
	# shellcheck disable=SC2046
	run ipt -C INPUT -p tcp $(printf -- '-m mark --mark 1 %.0s' $(seq 50)) -m state --state NEW -m tcp -j ACCEPT
	assert_success
}
