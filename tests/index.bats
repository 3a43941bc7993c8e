#!/usr/bin/env bats
# The rule index (src/rindex.h): after a restore that makes a table anew,
# -C and -D find a rule of a long chain by asking the kernel for that one
# rule, and every answer stays the one reading the chain would give, through
# our own changes, other tools' changes, failed commits and namespaces.
# IPTNFT_DEBUG=netlink prints how many netlink messages a command received:
# reading BIG costs one per rule, the index a handful.

load helpers

BIG_RULES=2000

setup() {
	iptnft_setup
	export IPTNFT_INDEX_DIR=$BATS_TEST_TMPDIR/index
	{
		echo "*filter"
		echo ":INPUT ACCEPT [0:0]"
		echo ":BIG - [0:0]"
		echo ":SMALL - [0:0]"
		local i
		for ((i = 0; i < BIG_RULES; i++)); do
			echo "-A BIG -s 10.1.$((i / 250)).$((i % 250 + 1))/32 -p tcp -m tcp --dport $((i + 1)) -m comment --comment \"rule $i\" -j ACCEPT"
		done
		echo "-A SMALL -s 192.0.2.1/32 -j DROP"
		echo "-A INPUT -j BIG"
		echo "COMMIT"
	} > "$BATS_TEST_TMPDIR/big.rules"
	ipt_restore < "$BATS_TEST_TMPDIR/big.rules"
}

LAST=(-s 10.1.7.250/32 -p tcp -m tcp --dport 2000 -m comment --comment "rule 1999" -j ACCEPT)

# count ARGS...: our iptables ARGS with IPTNFT_DEBUG=netlink; sets RC and N
count() {
	RC=0
	ns env IPTNFT_DEBUG=netlink,index "$IPT_BIN/iptables" "$@" \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" || RC=$?
	N=$(sed -n 's/^iptnft: netlink messages received: \([0-9][0-9]*\)$/\1/p' "$BATS_TEST_TMPDIR/err")
	SAID=$(sed -n 's/^iptnft: index: //p' "$BATS_TEST_TMPDIR/err")
	[ -n "$N" ] || fail "no message count from iptables $*: $(cat "$BATS_TEST_TMPDIR/err")"
	printf '# %6s messages, status %s, index %s: iptables %s\n' "$N" "$RC" "${SAID:--}" "$*" >&3
}

# ended RC ARGS...: count ARGS, a command that must end with status RC
ended() {
	local rc=$1
	shift
	count "$@"
	[ "$RC" = "$rc" ] || fail "iptables $*: status $RC, expected $rc: $(cat "$BATS_TEST_TMPDIR/err")"
}

# indexed RC ARGS...: the command ends with status RC and reads no chain
indexed() {
	ended "$@"
	shift
	[ "$N" -lt 20 ] || fail "iptables $*: received $N messages: the chain was read"
	case $1 in
	-C|-D) [ "$SAID" = found ] || [ "$SAID" = absent ] ||
		fail "iptables $*: the index said $SAID" ;;
	esac
}

# read_chain RC ARGS...: -C or -D ends with status RC, and the index said
# it does not know (so the chain, however short, was read)
read_chain() {
	ended "$@"
	shift
	[ "$SAID" = unknown ] || fail "iptables $*: the index said ${SAID:-nothing}"
}

# unindexed RC ARGS...: the command ends with status RC and reads the chain
unindexed() {
	ended "$@"
	shift
	[ "$N" -ge 20 ] || fail "iptables $*: received only $N messages"
}

@test "index: -C and -D at the end of a 2000-rule chain read one rule" {
	indexed 0 -C BIG "${LAST[@]}"
	indexed 1 -C BIG -s 10.1.7.250/32 -p tcp -m tcp --dport 2001 -m comment --comment "rule 1999" -j ACCEPT
	grep -qxF "iptables: Bad rule (does a matching rule exist in that chain?)." \
		"$BATS_TEST_TMPDIR/err"
	indexed 0 -D BIG "${LAST[@]}"
	run ipt -S BIG
	[ "${#lines[@]}" = "$BIG_RULES" ]
	refute_output --partial "rule 1999"
	indexed 1 -C BIG "${LAST[@]}"
	indexed 1 -D BIG "${LAST[@]}"
	# and without the index the same questions read the chain
	IPTNFT_INDEX=0 unindexed 1 -C BIG "${LAST[@]}"
}

@test "index: without it, or with IPTNFT_INDEX=0, the chain is read" {
	IPTNFT_INDEX=0 unindexed 0 -C BIG "${LAST[@]}"
	rm -rf "$IPTNFT_INDEX_DIR"
	unindexed 0 -C BIG "${LAST[@]}"
	# IPTNFT_INDEX=0 writes none either
	IPTNFT_INDEX=0 ipt_restore < "$BATS_TEST_TMPDIR/big.rules"
	[ ! -e "$IPTNFT_INDEX_DIR" ]
	ipt_restore < "$BATS_TEST_TMPDIR/big.rules"
	indexed 0 -C BIG "${LAST[@]}"
}

@test "index: another tool's change is never answered for" {
	ns nft add rule ip filter BIG ip saddr 203.0.113.9 counter accept
	unindexed 0 -C BIG -s 203.0.113.9 -j ACCEPT
	# the chain's own rules are read too, until iptnft writes a table anew
	unindexed 0 -C BIG "${LAST[@]}"
	ipt_restore < "$BATS_TEST_TMPDIR/big.rules"
	indexed 1 -C BIG -s 203.0.113.9 -j ACCEPT
	# a rule deleted behind the index's back
	local h
	h=$(ns nft -a list chain ip filter BIG | sed -n 's/.*"rule 1999".* handle \([0-9]*\)$/\1/p')
	[ -n "$h" ]
	ns nft delete rule ip filter BIG handle "$h"
	unindexed 1 -C BIG "${LAST[@]}"
}

@test "index: a commit that changes nothing makes no generation, and the index is not stamped ahead" {
	ipt -N EMPTY
	indexed 1 -C EMPTY -s 10.0.0.2 -j DROP
	# flushing an empty chain commits, but the kernel makes no new
	# generation for a batch that changed nothing
	ipt -F EMPTY
	indexed 1 -C EMPTY -s 10.0.0.2 -j DROP
	# another tool's commit then makes the next one: the index must not
	# take it for its own
	ns nft add rule ip filter EMPTY ip saddr 10.0.0.2 counter drop
	run ipt -C EMPTY -s 10.0.0.2 -j DROP
	assert_success
	ipt -D EMPTY -s 10.0.0.2 -j DROP
	run ipt -S EMPTY
	assert_output "-N EMPTY"
}

@test "index: a commit's echoes bring its generation, which is not asked again" {
	[ -x "$(command -v strace)" ] || skip "strace not installed"
	# one generation question, the one every command opens with: the
	# kernel's NEWGEN, which comes with the echoed rule, stamps the index
	# (a sanitizer build's leak check cannot run under ptrace)
	ns env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=sendto -o "$BATS_TEST_TMPDIR/trace" \
		"$IPT_BIN/iptables" -A SMALL -s 192.0.2.9 -j DROP
	run grep -c 'NFT_MSG_GETGEN' "$BATS_TEST_TMPDIR/trace"
	assert_output 1
	# and stamps it right: the index answers for the chain it was told of
	indexed 0 -C SMALL -s 192.0.2.9 -j DROP
	indexed 1 -C BIG -s 192.0.2.9 -j DROP
}

@test "index: the reference's change is never answered for" {
	need_ref
	ns "$REF_IPTABLES" -A BIG -s 203.0.113.10 -j ACCEPT
	unindexed 0 -C BIG -s 203.0.113.10/32 -j ACCEPT
	unindexed 0 -D BIG -s 203.0.113.10/32 -j ACCEPT
	run ipt -S BIG
	refute_output --partial 203.0.113.10
}

@test "index: kept in step by -A, -I, -R, -D n, -F, -N, -E, -X, -P and -Z" {
	indexed 0 -A BIG -s 198.51.100.1 -j DROP
	indexed 0 -C BIG -s 198.51.100.1 -j DROP
	indexed 0 -I BIG 3 -s 198.51.100.2 -j DROP
	indexed 0 -C BIG -s 198.51.100.2 -j DROP
	# -R keeps the handle and changes the content
	ipt -R BIG 3 -s 198.51.100.3 -j DROP
	indexed 1 -C BIG -s 198.51.100.2 -j DROP
	indexed 0 -C BIG -s 198.51.100.3 -j DROP
	# -D by number drops the rule it finds
	run ipt -S BIG 3
	assert_output "-A BIG -s 198.51.100.3/32 -j DROP"
	ipt -D BIG 3
	indexed 1 -C BIG -s 198.51.100.3 -j DROP
	indexed 0 -C BIG "${LAST[@]}"
	# -P and -Z leave the rules as they are
	ipt -P INPUT DROP
	ipt -Z
	indexed 0 -C BIG "${LAST[@]}"
	# -N: a new chain is empty, and known
	ipt -N NEW
	indexed 1 -C NEW -j ACCEPT
	indexed 0 -A NEW -s 198.51.100.4 -j ACCEPT
	indexed 0 -C NEW -s 198.51.100.4 -j ACCEPT
	# -E: the rules go with the chain's new name
	ipt -E NEW RENAMED
	indexed 0 -C RENAMED -s 198.51.100.4 -j ACCEPT
	run ipt -C NEW -s 198.51.100.4 -j ACCEPT
	assert_failure 1
	assert_output "iptables: Bad rule (does a matching rule exist in that chain?)."
	# -F empties a chain; -X removes it, and a new chain of the name is
	# empty again
	ipt -F RENAMED
	indexed 1 -C RENAMED -s 198.51.100.4 -j ACCEPT
	ipt -X RENAMED
	ipt -N RENAMED
	indexed 1 -C RENAMED -s 198.51.100.4 -j ACCEPT
	# -F of the whole table
	ipt -A RENAMED -s 198.51.100.5 -j ACCEPT
	ipt -F
	indexed 1 -C RENAMED -s 198.51.100.5 -j ACCEPT
	indexed 1 -C BIG "${LAST[@]}"
	indexed 0 -A RENAMED -s 198.51.100.5 -j ACCEPT
	indexed 0 -C RENAMED -s 198.51.100.5 -j ACCEPT
	ipt_restore < "$BATS_TEST_TMPDIR/big.rules"
	# changes to another table leave this one's index standing
	ipt -t nat -A POSTROUTING -o lo -j MASQUERADE
	indexed 0 -C BIG "${LAST[@]}"
	# and none of this lost the index its way: what -S shows is what the
	# kernel holds, and -C agrees with a read of the chain for each rule
	local rule
	while IFS= read -r rule; do
		eval "set -- ${rule#-A BIG }"
		IPTNFT_INDEX=0 run ipt -C BIG "$@"
		local want=$status
		run ipt -C BIG "$@"
		[ "$status" = "$want" ] || fail "-C BIG $*: $status with the index, $want without"
	done < <(ipt -S BIG | grep '^-A' | sed -n '1,5p;1995,2010p')
}

@test "index: jumps and gotos to a renamed chain are found by the new name" {
	# issue 11 item 1: the digests of rules that jump to a chain renamed
	# with -E held the old name
	printf '*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n:G - [0:0]\n-A INPUT -s 1.2.3.4/32 -j A\n-A INPUT -s 1.2.3.5/32 -g G\nCOMMIT\n' |
		ipt_restore
	ipt -E A B
	ipt -E G H
	indexed 0 -C INPUT -s 1.2.3.4/32 -j B
	indexed 0 -C INPUT -s 1.2.3.5/32 -g H
	indexed 1 -C INPUT -s 1.2.3.4/32 -g B
	indexed 1 -C INPUT -s 1.2.3.5/32 -j H
	# renamed back, and a chain of the other name made anew
	ipt -E B A
	ipt -N B
	indexed 0 -C INPUT -s 1.2.3.4/32 -j A
	indexed 1 -C INPUT -s 1.2.3.4/32 -j B
	ipt -E A C
	# -D takes the first of two equal rules, not the one added last
	ipt -A INPUT -s 1.2.3.4/32 -j DROP
	ipt -A INPUT -s 1.2.3.4/32 -j C
	ipt -A INPUT -s 1.2.3.5/32 -j DROP
	ipt -A INPUT -s 1.2.3.5/32 -g H
	ipt -D INPUT -s 1.2.3.4/32 -j C
	ipt -D INPUT -s 1.2.3.5/32 -g H
	run ipt -S INPUT
	assert_output "-P INPUT ACCEPT
-A INPUT -s 1.2.3.4/32 -j DROP
-A INPUT -s 1.2.3.4/32 -j C
-A INPUT -s 1.2.3.5/32 -j DROP
-A INPUT -s 1.2.3.5/32 -g H"
}

@test "index: rules of the same content: -D takes the first, -C finds the other" {
	ipt -A SMALL -s 192.0.2.7 -j ACCEPT
	ipt -A SMALL -s 192.0.2.8 -j DROP
	ipt -A SMALL -s 192.0.2.7 -j ACCEPT
	ipt -A SMALL -s 192.0.2.7 -j ACCEPT -m comment --comment other
	ipt -D SMALL -s 192.0.2.7 -j ACCEPT
	run ipt -S SMALL
	assert_output "-N SMALL
-A SMALL -s 192.0.2.1/32 -j DROP
-A SMALL -s 192.0.2.8/32 -j DROP
-A SMALL -s 192.0.2.7/32 -j ACCEPT
-A SMALL -s 192.0.2.7/32 -m comment --comment other -j ACCEPT"
	ipt -C SMALL -s 192.0.2.7 -j ACCEPT
	ipt -D SMALL -s 192.0.2.7 -j ACCEPT
	run ipt -C SMALL -s 192.0.2.7 -j ACCEPT
	assert_failure 1
	ipt -C SMALL -s 192.0.2.7 -j ACCEPT -m comment --comment other
	ipt -D SMALL -s 192.0.2.7 -j ACCEPT -m comment --comment other
	run ipt -S SMALL
	assert_output "-N SMALL
-A SMALL -s 192.0.2.1/32 -j DROP
-A SMALL -s 192.0.2.8/32 -j DROP"
}

@test "index: a rule that lists in another spelling is found by reading its chain" {
	# two tcp matches in a row list as one: the bytes of the rule added
	# are not those of the rule -S shows, so the index has no digest for
	# it and answers neither found nor absent for that chain
	ipt -A SMALL -p tcp -m tcp --dport 22 -m tcp --sport 1024 -j ACCEPT
	run ipt -S SMALL
	assert_line -- "-A SMALL -p tcp -m tcp --sport 1024 --dport 22 -j ACCEPT"
	read_chain 0 -C SMALL -p tcp -m tcp --sport 1024 --dport 22 -j ACCEPT
	read_chain 0 -C SMALL -p tcp -m tcp --dport 22 -m tcp --sport 1024 -j ACCEPT
	read_chain 1 -C SMALL -p tcp -m tcp --sport 1024 --dport 23 -j ACCEPT
	ipt -D SMALL -p tcp -m tcp --sport 1024 --dport 22 -j ACCEPT
	run ipt -S SMALL
	assert_output "-N SMALL
-A SMALL -s 192.0.2.1/32 -j DROP"
	# BIG, which holds no such rule, is still answered by the index
	indexed 0 -C BIG "${LAST[@]}"
}

@test "index: only the comment differs" {
	# a comment is userdata, not an expression: the digest is the same,
	# the rule fetched by handle differs, and the chain is read
	count -C BIG -s 10.1.7.250/32 -p tcp -m tcp --dport 2000 -m comment --comment "rule 1998" -j ACCEPT
	[ "$RC" = 1 ] && [ "$N" -ge 20 ]
	count -C BIG -s 10.1.7.250/32 -p tcp -m tcp --dport 2000 -j ACCEPT
	[ "$RC" = 1 ] && [ "$N" -ge 20 ]
	ipt -A BIG -s 10.1.7.250/32 -p tcp -m tcp --dport 2000 -m comment --comment "twin" -j ACCEPT
	ipt -C BIG -s 10.1.7.250/32 -p tcp -m tcp --dport 2000 -m comment --comment "twin" -j ACCEPT
	ipt -D BIG -s 10.1.7.250/32 -p tcp -m tcp --dport 2000 -m comment --comment "twin" -j ACCEPT
	run ipt -S BIG
	assert_line -- "-A BIG -s 10.1.7.250/32 -p tcp -m tcp --dport 2000 -m comment --comment \"rule 1999\" -j ACCEPT"
	refute_output --partial twin
}

@test "index: spellings of one rule find it" {
	indexed 0 -C BIG -p 6 -s 10.1.7.250 --dport 2000 -m comment --comment "rule 1999" -j ACCEPT
	indexed 0 -C BIG --source 10.1.7.250/255.255.255.255 --protocol tcp -m tcp --destination-port 2000:2000 -m comment --comment "rule 1999" --jump ACCEPT
}

@test "index: failed commits and --test leave it true" {
	run ipt -A BIG -s 198.51.100.9 -j NOPE
	assert_failure
	printf '*filter\n-A BIG -s 198.51.100.10 -j ACCEPT\nCOMMIT\n' | ipt_restore --test --noflush
	run ipt -N BIG
	assert_failure
	indexed 1 -C BIG -s 198.51.100.10 -j ACCEPT
	indexed 0 -A BIG -s 198.51.100.11 -j ACCEPT
	indexed 0 -D BIG -s 198.51.100.11 -j ACCEPT
	run ipt -S BIG
	refute_output --partial 198.51.100.11
	indexed 0 -C BIG "${LAST[@]}"
}

@test "index: --noflush, --compat and anonymous sets are followed or given up" {
	# a --noflush block is not followed: the index is given up
	printf '*filter\n-A BIG -s 198.51.100.12 -j ACCEPT\nCOMMIT\n' | ipt_restore --noflush
	unindexed 0 -C BIG -s 198.51.100.12 -j ACCEPT
	ipt_restore < "$BATS_TEST_TMPDIR/big.rules"
	# a --compat command neither reads nor keeps it
	ns env IPTNFT_COMPAT=1 "$IPT_BIN/iptables" -A BIG -s 198.51.100.13 -j ACCEPT
	unindexed 0 -C BIG -s 198.51.100.13 -j ACCEPT
	ipt_restore < "$BATS_TEST_TMPDIR/big.rules"
	# a rule with an anonymous set leaves its chain to be read
	indexed 0 -A BIG -p tcp -m multiport --dports 1,2,3 -j ACCEPT
	unindexed 0 -C BIG -p tcp -m multiport --dports 1,2,3 -j ACCEPT
	unindexed 0 -C BIG "${LAST[@]}"
	indexed 0 -C SMALL -s 192.0.2.1/32 -j DROP
}

@test "index: one namespace's index never answers for another" {
	new_netns "$NS-b"
	ip netns exec "$NS-b" "$IPT_BIN/iptables-restore" < "$BATS_TEST_TMPDIR/big.rules"
	# the same commits in both: their generations are equal
	ip netns exec "$NS-b" nft add rule ip filter SMALL ip saddr 192.0.2.99 counter accept
	ipt -A SMALL -s 192.0.2.98 -j ACCEPT
	local a b
	a=$(ns stat -L -c %i /proc/self/ns/net)
	b=$(ip netns exec "$NS-b" stat -L -c %i /proc/self/ns/net)
	[ -f "$IPTNFT_INDEX_DIR/$a/2-filter" ]
	# a file that is not this namespace's, where its own would be
	mkdir -p "$IPTNFT_INDEX_DIR/$b"
	cp "$IPTNFT_INDEX_DIR/$a/2-filter" "$IPTNFT_INDEX_DIR/$b/2-filter"
	run ip netns exec "$NS-b" "$IPT_BIN/iptables" -C SMALL -s 192.0.2.99 -j ACCEPT
	assert_success
}

@test "index: ip6tables keeps its own" {
	{
		echo "*filter"
		echo ":BIG6 - [0:0]"
		local i
		for ((i = 1; i <= 500; i++)); do
			echo "-A BIG6 -s 2001:db8::$(printf %x "$i")/128 -j ACCEPT"
		done
		echo "COMMIT"
	} | ns "$IPT_BIN/ip6tables-restore"
	local a
	a=$(ns stat -L -c %i /proc/self/ns/net)
	[ -f "$IPTNFT_INDEX_DIR/$a/10-filter" ]
	run ns env IPTNFT_DEBUG=netlink "$IPT_BIN/ip6tables" -D BIG6 -s 2001:db8::1f4 -j ACCEPT
	assert_success
	N=$(printf '%s\n' "$output" | sed -n 's/^iptnft: netlink messages received: \([0-9]*\)$/\1/p')
	[ "$N" -lt 20 ]
	run ns "$IPT_BIN/ip6tables" -C BIG6 -s 2001:db8::1f4 -j ACCEPT
	assert_failure 1
	# the IPv4 table's index is still good after an IPv6 commit
	indexed 0 -C BIG "${LAST[@]}"
}

@test "index: every rule of the corpus is found as written and as listed" {
	command -v python3 > /dev/null || skip "python3 not installed"
	local f files=()
	for f in "$TOP"/tests/diff/*.cases; do
		# the sweep of number spellings is malformed on purpose, mostly;
		# reading.cases holds its repros
		[ "${f##*/}" = numbers.cases ] || files+=("$f")
	done
	run python3 "$TOP/tests/index-spellings.py" "$NS" "$IPT_BIN" "${files[@]}"
	printf '# %s\n' "${lines[@]}" >&3
	assert_success
}

# flip FILE OFFSET: change one byte of an index file in place
flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %03o $(((b + 1) % 256)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

@test "index: a file another build, boot or generation wrote is not used" {
	local a f
	a=$(ns stat -L -c %i /proc/self/ns/net)
	f=$IPTNFT_INDEX_DIR/$a/2-filter
	indexed 0 -C BIG "${LAST[@]}"
	# the header: magic (8 bytes), boot id (16), build id (20)
	flip "$f" 24
	count -C BIG "${LAST[@]}"
	[ "$RC" = 0 ] && [ "$SAID" = none ]
	ipt_restore < "$BATS_TEST_TMPDIR/big.rules"
	flip "$f" 8
	count -C BIG "${LAST[@]}"
	[ "$RC" = 0 ] && [ "$SAID" = none ]
	ipt_restore < "$BATS_TEST_TMPDIR/big.rules"
	indexed 0 -C BIG "${LAST[@]}"
	# a commit that is not iptnft's leaves the file at its generation
	ns nft add chain ip filter OTHER
	count -C BIG "${LAST[@]}"
	[ "$RC" = 0 ] && [ "$SAID" = none ]
}

@test "index: -Z leaves it true for rules whose dump spells them otherwise" {
	# -Z writes every rule again from the kernel's dump, whose spelling of
	# some expressions (an exthdr load, a range) is not the one iptnft
	# writes and the index keeps digests of: the index must not take
	# those bytes for the rules' content (it answered "absent" for them)
	local t rule want n=0
	ipt6_restore < "$TOP/tests/diff/data/zero-forms6.rules"
	ipt6 -N RT
	ipt6 -A RT -m rt --rt-segsleft 0:5
	for t in filter mangle raw; do
		ns "$IPT_BIN/ip6tables" -t "$t" -Z
	done
	for t in filter mangle raw; do
		while IFS= read -r rule; do
			eval "set -- $rule"
			[ "$1" = -A ] || continue
			IPTNFT_INDEX=0 run ipt6 -t "$t" -C "${@:2}"
			want=$status
			run ipt6 -t "$t" -C "${@:2}"
			[ "$status" = "$want" ] ||
				fail "-t $t -C ${*:2}: $status with the index, $want without"
			[ "$want" != 0 ] || n=$((n + 1))
		done < <(ns "$IPT_BIN/ip6tables" -t "$t" -S)
	done
	[ "$n" -ge 250 ] || fail "only $n rules found"
	run ns env IPTNFT_DEBUG=index "$IPT_BIN/ip6tables" -C RT -m rt --rt-segsleft 0:5
	assert_success
	assert_output "iptnft: index: found"
}
