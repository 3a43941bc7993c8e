#!/usr/bin/env bats
# Where the rule index lives (src/rdir.h): only in directories that no
# other user can change, never through a symbolic link, never from a file
# whose header does not name the family, table and namespace its name and
# place say; and directories of namespaces that are gone are removed.
# Whatever fails a check, commands answer as they do without an index.

load helpers

setup() {
	iptnft_setup
	T=$BATS_TEST_TMPDIR
	chmod 755 "$T"
	RULES="*filter
:INPUT ACCEPT [0:0]
:A - [0:0]
-A A -s 192.0.2.1/32 -j ACCEPT
-A A -s 192.0.2.2/32 -j DROP
-A INPUT -j A
COMMIT"
	INO=$(ns stat -L -c %i /proc/self/ns/net)
}

teardown() {
	[ -z "${SHARED:-}" ] || rm -rf "$SHARED"
	iptnft_teardown
}

# as_nobody CMD...: run CMD as user nobody
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}

# said ARGS...: what the index answered for iptables ARGS (in $SAID), and
# its exit status (in $RC)
said() {
	RC=0
	ns env IPTNFT_DEBUG=index "$IPT_BIN/iptables" "$@" > /dev/null 2> "$T/err" || RC=$?
	SAID=$(sed -n 's/^iptnft: index: //p' "$T/err")
}

# index_says WORD: -C of a rule that is there is answered from the index
# (found), or the index is not used (none)
index_says() {
	said -C A -s 192.0.2.2/32 -j DROP
	[ "$SAID" = "$1" ] || fail "-C: the index said '$SAID', not $1"
}

# answers_right: -C and -D answer as the chain holds, whatever the index
answers_right() {
	said -C A -s 192.0.2.2/32 -j DROP
	[ "$RC" = 0 ] || fail "-C of a rule that is there: $RC ($SAID)"
	said -C A -s 192.0.2.3/32 -j DROP
	[ "$RC" = 1 ] || fail "-C of a rule that is not there: $RC ($SAID)"
	said -D A -s 192.0.2.2/32 -j DROP
	[ "$RC" = 0 ] || fail "-D of a rule that is there: $RC ($SAID)"
	run ipt -S A
	assert_output "-N A
-A A -s 192.0.2.1/32 -j ACCEPT"
	ipt -A A -s 192.0.2.2/32 -j DROP
}

@test "index dir: a safe directory is made 0700 and used" {
	export IPTNFT_INDEX_DIR=$T/safe/index
	ipt_restore <<< "$RULES"
	[ -f "$T/safe/index/$INO/2-filter" ]
	run stat -c %a "$T/safe/index" "$T/safe/index/$INO"
	assert_output "700
700"
	index_says found
	# a relative name is taken from the working directory
	cd "$T/safe"
	export IPTNFT_INDEX_DIR=index
	index_says found
	# a sticky directory of root's on the way (like /tmp) is fine
	mkdir -m 1777 "$T/sticky"
	export IPTNFT_INDEX_DIR=$T/sticky/index
	ipt_restore <<< "$RULES"
	index_says found
}

@test "index dir: one another user can write is not used" {
	# writable by everyone, on the way or at the end
	mkdir -m 777 "$T/open"
	chmod 777 "$T/open"
	local dir
	for dir in "$T/open" "$T/open/index"; do
		export IPTNFT_INDEX_DIR=$dir
		ipt_restore <<< "$RULES"
		[ ! -e "$T/open/$INO" ] && [ ! -e "$T/open/index" ] || fail "made in $dir"
		index_says none
		answers_right
	done
	# owned by another user
	mkdir -m 755 "$T/nobodys"
	chown nobody "$T/nobodys"
	export IPTNFT_INDEX_DIR=$T/nobodys
	ipt_restore <<< "$RULES"
	[ ! -e "$T/nobodys/$INO" ]
	answers_right
	# group-writable, and a namespace directory that is
	mkdir -m 775 "$T/group"
	chmod 775 "$T/group"
	export IPTNFT_INDEX_DIR=$T/group
	ipt_restore <<< "$RULES"
	[ ! -e "$T/group/$INO" ]
	mkdir -p "$T/ns/index"
	export IPTNFT_INDEX_DIR=$T/ns/index
	ipt_restore <<< "$RULES"
	index_says found
	chmod 770 "$T/ns/index/$INO"
	index_says none
	answers_right
}

@test "index dir: no file is made through a planted link" {
	# the issue's attack: a user who can write the index directory links
	# the namespace's name to a place of theirs (in /tmp, which nobody
	# can reach)
	SHARED=$(mktemp -d /tmp/iptnft-shared.XXXXXX)
	chmod 777 "$SHARED"
	as_nobody mkdir "$SHARED/target"
	as_nobody ln -s "$SHARED/target" "$SHARED/$INO"
	export IPTNFT_INDEX_DIR=$SHARED
	ipt_restore <<< "$RULES"
	ipt -A INPUT -s 192.0.2.9 -j ACCEPT
	run ls -A "$SHARED/target"
	assert_output ""
	answers_right
	# or renames root's files, or plants a file of its own
	rm "$SHARED/$INO"
	chmod 755 "$SHARED"
	ipt_restore <<< "$RULES"
	index_says found
	chmod 777 "$SHARED"
	index_says none
	answers_right
	# links root itself left (or that came from elsewhere) are not
	# followed either: the namespace's directory, a file, the directory
	mkdir -p "$T/root/index" "$T/elsewhere"
	ln -s "$T/elsewhere" "$T/root/index/$INO"
	export IPTNFT_INDEX_DIR=$T/root/index
	ipt_restore <<< "$RULES"
	run ls -A "$T/elsewhere"
	assert_output ""
	rm "$T/root/index/$INO"
	ipt_restore <<< "$RULES"
	mv "$T/root/index/$INO/2-filter" "$T/elsewhere/2-filter"
	ln -s "$T/elsewhere/2-filter" "$T/root/index/$INO/2-filter"
	index_says none
	answers_right
	ln -s "$T/root/index" "$T/link"
	rm "$T/root/index/$INO/2-filter"
	export IPTNFT_INDEX_DIR=$T/link
	ipt_restore <<< "$RULES"
	index_says none
	[ ! -e "$T/root/index/$INO/2-filter" ]
	answers_right
}

@test "index dir: a file under another name or in another place is not used" {
	export IPTNFT_INDEX_DIR=$T/index
	ipt_restore <<< "$RULES"
	ipt6 -A INPUT -j ACCEPT
	ipt -t nat -A POSTROUTING -j ACCEPT
	local d=$T/index/$INO
	# the filter table's index under nat's name, ip6's name, and the
	# other way round: each answers for nothing
	cp "$d/2-filter" "$d/2-filter.saved"
	mv "$d/2-filter" "$d/2-nat"
	said -t nat -C POSTROUTING -j ACCEPT
	[ "$RC" = 0 ] && [ "$SAID" = none ]
	said -t nat -C POSTROUTING -s 192.0.2.2/32 -j DROP
	[ "$RC" = 1 ] && [ "$SAID" = none ]
	cp "$d/2-filter.saved" "$d/10-filter"
	run ns env IPTNFT_DEBUG=index "$IPT_BIN/ip6tables" -C INPUT -j ACCEPT
	assert_success
	assert_output "iptnft: index: none"
	# a file of another namespace, in this one's place
	new_netns "$NS-o"
	ip netns exec "$NS-o" "$IPT_BIN/iptables-restore" <<< "$RULES"
	local other
	other=$(ip netns exec "$NS-o" stat -L -c %i /proc/self/ns/net)
	ip netns exec "$NS-o" "$IPT_BIN/iptables" -D A -s 192.0.2.2/32 -j DROP
	cp "$T/index/$other/2-filter" "$d/2-filter"
	said -C A -s 192.0.2.2/32 -j DROP
	[ "$RC" = 0 ] && [ "$SAID" = none ]
	# and, carried forward by another table's commit, none is restamped
	ipt -t nat -A POSTROUTING -s 192.0.2.9 -j ACCEPT
	said -C A -s 192.0.2.2/32 -j DROP
	[ "$RC" = 0 ] && [ "$SAID" = none ]
	answers_right
}

# ns_ino NAME: the inode of namespace NAME
ns_ino() {
	ip netns exec "$1" stat -L -c %i /proc/self/ns/net
}

@test "index dir: directories of namespaces that are gone are removed" {
	export IPTNFT_INDEX_DIR=$T/index
	ipt_restore <<< "$RULES"
	# a namespace that will be gone, one held by a mount (ip netns add),
	# one by a process only; and the one that cleans up, made now: a
	# namespace made after one is gone may get its inode number
	new_netns "$NS-gone"
	new_netns "$NS-held"
	new_netns "$NS-new"
	local gone held proc pid
	gone=$(ns_ino "$NS-gone")
	held=$(ns_ino "$NS-held")
	ip netns exec "$NS-gone" "$IPT_BIN/iptables-restore" <<< "$RULES"
	ip netns exec "$NS-held" "$IPT_BIN/iptables-restore" <<< "$RULES"
	unshare -n sh -c "\"$IPT_BIN/iptables-restore\" <<EOF
$RULES
EOF
exec sleep 600" 3>&- &
	pid=$!
	local i
	for ((i = 0; i < 50; i++)); do
		proc=$(stat -L -c %i "/proc/$pid/ns/net" 2> /dev/null) || true
		[ -n "$proc" ] && [ -e "$T/index/$proc/2-filter" ] && break
		sleep 0.1
	done
	[ -e "$T/index/$proc/2-filter" ]
	[ -e "$T/index/$gone/2-filter" ]
	ip netns del "$NS-gone"
	# and things that are not namespace directories
	mkdir "$T/index/notmine"
	touch "$T/index/12345"
	# all of it written long ago: a directory written into lately may
	# belong to a namespace whose process is just starting
	touch -d '-1 hour' "$T/index"/*
	# a namespace seen for the first time cleans up
	ip netns exec "$NS-new" "$IPT_BIN/iptables-restore" <<< "$RULES"
	kill "$pid"
	run ls "$T/index"
	[ ! -e "$T/index/$gone" ] || fail "the directory of a namespace that is gone stayed"
	[ -e "$T/index/$INO/2-filter" ]
	[ -e "$T/index/$held/2-filter" ]
	[ -e "$T/index/$proc/2-filter" ]
	[ -e "$T/index/$(ns_ino "$NS-new")/2-filter" ]
	[ -d "$T/index/notmine" ] && [ -f "$T/index/12345" ]
	# one written into lately stays until a later clean-up
	new_netns "$NS-gone2"
	new_netns "$NS-new2"
	gone=$(ns_ino "$NS-gone2")
	ip netns exec "$NS-gone2" "$IPT_BIN/iptables-restore" <<< "$RULES"
	ip netns del "$NS-gone2"
	ip netns exec "$NS-new2" "$IPT_BIN/iptables-restore" <<< "$RULES"
	[ -e "$T/index/$gone/2-filter" ]
	# a namespace that gets the inode number of one that is gone takes its
	# directory over, and the other's files go at its first commit
	new_netns "$NS-reuse"
	if [ "$(ns_ino "$NS-reuse")" = "$gone" ]; then
		ip netns exec "$NS-reuse" "$IPT_BIN/iptables" -t nat -A POSTROUTING -j ACCEPT
		[ ! -e "$T/index/$gone/2-filter" ]
	fi
	answers_right
}

@test "index dir: temporary files of killed writers are removed" {
	export IPTNFT_INDEX_DIR=$T/index
	ipt_restore <<< "$RULES"
	local d=$T/index/$INO
	echo junk > "$d/2-filter.99999999"
	echo junk > "$d/2-nat.88888888"
	touch -d '-1 hour' "$d/2-filter.99999999"
	ipt -A A -s 192.0.2.5 -j ACCEPT
	[ ! -e "$d/2-filter.99999999" ]
	# a young one may be a writer at work
	[ -e "$d/2-nat.88888888" ]
	said -C A -s 192.0.2.5/32 -j ACCEPT
	[ "$SAID" = found ]
}

@test "index dir: a command walks to the directory once and swaps its file in" {
	[ -x "$(command -v strace)" ] || skip "strace not installed"
	export IPTNFT_INDEX_DIR=$T/walk/index
	ipt_restore <<< "$RULES
*nat
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -j ACCEPT
COMMIT"
	local d=$T/walk/index/$INO
	[ -f "$d/2-filter" ] && [ -f "$d/2-nat" ]
	# (a sanitizer build's leak check cannot run under ptrace)
	ns env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -o "$T/st" -e trace=openat,rename,renameat,renameat2 \
		"$IPT_BIN/iptables" -A A -s 192.0.2.7/32 -j ACCEPT
	# the index is read, written and the other table's restamped
	# through one walk from / (each name on the way opened once)
	run grep -c 'openat([0-9]*, "walk"' "$T/st"
	assert_output 1
	run grep -c "openat([0-9]*, \"$INO\"" "$T/st"
	assert_output 1
	# the new file takes the old one's place by a swap, not a rename
	# over it (ext4 would write it out to the disk at once), and the
	# old one is gone after
	grep -q 'renameat2(.*"2-filter\.[0-9]*".*"2-filter", RENAME_EXCHANGE) = 0' "$T/st" ||
		fail "no swap: $(grep rename "$T/st")"
	! grep -q 'renameat(' "$T/st" || fail "renamed over: $(grep rename "$T/st")"
	run ls "$d"
	assert_output "2-filter
2-nat"
	said -C A -s 192.0.2.7/32 -j ACCEPT
	[ "$SAID" = found ]
	# the nat table's index was carried to the new generation
	said -t nat -C POSTROUTING -j ACCEPT
	[ "$SAID" = found ]
	ipt -D A -s 192.0.2.7/32 -j ACCEPT
	answers_right
}
