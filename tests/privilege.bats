#!/usr/bin/env bats
# Unprivileged callers: every command that talks to the kernel fails the
# way the reference's does (message and exit status 4) and changes nothing.
# The caller is uid/gid 65534 without groups or capabilities, inside the
# test's namespace (setpriv). -V needs no privilege.

load helpers

MSG="v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)"

setup() {
	iptnft_setup
	# $BATS_TEST_TMPDIR is private to root: the unprivileged caller gets
	# its own world-readable directory with the personality links
	PRIV=$(mktemp -d "${TMPDIR:-/tmp}/iptnft-priv.XXXXXX")
	chmod 755 "$PRIV"
	make_bin "$PRIV/ours"
	chmod 755 "$PRIV/ours"
	if [ -x "$REF_IPTABLES" ]; then
		# the reference names itself after argv[0]: call it iptables,
		# iptables-save, ... as a distribution's alternatives link does
		local multi p
		multi=$(readlink -f "$REF_IPTABLES")
		mkdir -p "$PRIV/ref"
		chmod 755 "$PRIV/ref"
		for p in iptables iptables-save iptables-restore \
			ip6tables ip6tables-save ip6tables-restore; do
			ln -sfn "$multi" "$PRIV/ref/$p"
		done
	fi
	printf '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 198.51.100.1/32 -j DROP\nCOMMIT\n' \
		> "$PRIV/rules"
	chmod 644 "$PRIV/rules"
}

teardown() {
	[ -n "${PRIV:-}" ] && rm -rf "$PRIV"
	iptnft_teardown
}

have_ref() { [ -x "$REF_IPTABLES" ]; }

# as_nobody NAMESPACE PROG ARGS...: PROG (iptables, iptables-save, ...) of
# ours ($NS) or of the reference ($NS_REF), as uid/gid 65534
as_nobody() {
	local where=$1 prog=$2 netns dir
	shift 2
	if [ "$where" = ours ]; then
		netns=$NS dir=$PRIV/ours
	else
		_ref_ns || return 1
		netns=$NS_REF dir=$PRIV/ref
	fi
	ip netns exec "$netns" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$dir/$prog" "$@"
}

# populate: the same small ruleset, as root, in $NS (and $NS_REF)
populate() {
	local cmds=(
		"-N X"
		"-A X -j RETURN"
		"-A INPUT -s 192.0.2.1 -j DROP"
		"-A INPUT -p tcp --dport 22 -j X"
		"-P FORWARD DROP"
	) c
	for c in "${cmds[@]}"; do
		# shellcheck disable=SC2086
		ipt $c
		# shellcheck disable=SC2086
		if have_ref; then ref $c; fi
	done
	ns nft list ruleset > "$BATS_TEST_TMPDIR/before"
	if have_ref; then ip netns exec "$NS_REF" nft list ruleset > "$BATS_TEST_TMPDIR/before.ref"; fi
}

unchanged() {
	ns nft list ruleset > "$BATS_TEST_TMPDIR/after"
	diff -u "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	if have_ref; then
		ip netns exec "$NS_REF" nft list ruleset > "$BATS_TEST_TMPDIR/after.ref"
		diff -u "$BATS_TEST_TMPDIR/before.ref" "$BATS_TEST_TMPDIR/after.ref"
	fi
}

# check PROG ARGS...: ours fails with status 4 and exactly "PROG $MSG";
# the reference (when installed) prints and returns the same
check() {
	local prog=$1
	run as_nobody ours "$@"
	assert_failure 4
	assert_output "$prog $MSG"
	if have_ref; then
		local ours=$output
		run as_nobody ref "$@"
		assert_failure 4
		assert_output "$ours"
	fi
}

@test "privilege: -L as an unprivileged user" {
	populate
	check iptables -L
	check iptables -L -n -v --line-numbers
	check iptables -L INPUT
	check iptables -t nat -L
	check iptables -S
	check iptables -S INPUT 1
	unchanged
}

@test "privilege: -A and the other writing commands as an unprivileged user" {
	populate
	check iptables -A INPUT -j ACCEPT
	check iptables -I INPUT 1 -s 203.0.113.1 -j DROP
	check iptables -R INPUT 1 -j ACCEPT
	check iptables -D INPUT 1
	check iptables -D INPUT -s 192.0.2.1 -j DROP
	check iptables -C INPUT -s 192.0.2.1 -j DROP
	check iptables -F
	check iptables -Z
	check iptables -N Y
	check iptables -X X
	check iptables -E X Y
	check iptables -P INPUT DROP
	check iptables -t nat -A POSTROUTING -j ACCEPT
	unchanged
	# in a namespace without a filter table nothing gets created either
	ip netns add "$NS-e" && echo "$NS-e" >> "$BATS_TEST_TMPDIR/.netns"
	run ip netns exec "$NS-e" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PRIV/ours/iptables" -A INPUT -j ACCEPT
	assert_failure 4
	assert_output "iptables $MSG"
	run ip netns exec "$NS-e" nft list ruleset
	assert_success
	assert_output ""
}

@test "privilege: ip6tables as an unprivileged user" {
	check ip6tables -L
	check ip6tables -A INPUT -j ACCEPT
	check ip6tables-save
	run ns nft list ruleset
	assert_output ""
}

@test "privilege: iptables-save as an unprivileged user" {
	populate
	check iptables-save
	check iptables-save -t filter
	check iptables-save -c
	unchanged
}

@test "privilege: iptables-restore as an unprivileged user" {
	populate
	check iptables-restore < "$PRIV/rules"
	check iptables-restore "$PRIV/rules"
	check iptables-restore --noflush < "$PRIV/rules"
	check iptables-restore -n "$PRIV/rules"
	unchanged
}

@test "privilege: iptables-restore --test as an unprivileged user" {
	populate
	# the reference reads the rule set only when the COMMIT line is run
	run as_nobody ours iptables-restore --test "$PRIV/rules"
	if have_ref; then
		local ours_status=$status ours_output=$output
		run as_nobody ref iptables-restore --test "$PRIV/rules"
		assert_failure 1
		assert_output "iptables-restore: line 4 failed: Permission denied (you must be root)."
		# status and message, ours first, the reference's expected
		assert_equal "$ours_status $ours_output" "$status $output"
	else
		assert_failure
	fi
	unchanged
}

@test "privilege: -V needs no privilege; line 1 is the reference's, line 2 names iptnft" {
	local version
	version=$(sed -n 's/^AC_INIT(\[iptnft\], *\[\([^]]*\)\].*/\1/p' "$TOP/configure.ac")
	[ -n "$version" ]
	run ipt -V
	assert_success
	assert_line --index 0 "iptables v1.8.9 (nf_tables)"
	assert_line --index 1 --regexp "^iptnft ${version//./\\.}([^0-9.]|$)"
	[ "${#lines[@]}" = 2 ]
	local root_output=$output
	run as_nobody ours iptables -V
	assert_success
	assert_output "$root_output"
	run as_nobody ours ip6tables -V
	assert_success
	assert_line --index 0 "ip6tables v1.8.9 (nf_tables)"
	assert_line --index 1 --regexp "^iptnft ${version//./\\.}([^0-9.]|$)"
	if have_ref; then
		run as_nobody ref iptables -V
		assert_success
		assert_output "iptables v1.8.9 (nf_tables)"
	fi
}
