#!/usr/bin/env bats
# What the kernel answers a batch with: echoes of the rules added (the rule
# index asks for them) and an error for every message it refuses. However
# many there are, the batch's result is what the kernel decided: a receive
# buffer that overflows loses echoes (and with them the index), never the
# fact that the batch committed. IPTNFT_DEBUG=rcvbuf keeps the kernel's
# smallest receive buffer, so that everything past the first few replies
# overflows it.

load helpers

setup() {
	iptnft_setup
	export IPTNFT_INDEX_DIR=$BATS_TEST_TMPDIR/index
	# 10,000 sources
	SOURCES=$(for ((i = 0; i < 10000; i++)); do
		printf '10.%d.%d.%d,' $((i >> 16)) $((i >> 8 & 255)) $((i & 255))
	done)
	SOURCES=${SOURCES%,}
}

# refused_block FILE N: a filter block of N rules the kernel refuses
# (MASQUERADE belongs to nat)
refused_block() {
	{
		echo "*filter"
		echo ":INPUT ACCEPT [0:0]"
		local i
		for ((i = 0; i < $2; i++)); do
			echo "-A INPUT -s 10.$((i >> 16)).$((i >> 8 & 255)).$((i & 255))/32 -j MASQUERADE"
		done
		echo "COMMIT"
	} > "$1"
}

# appended_all INDEX: the -A of $SOURCES x 2 just run succeeded silently,
# INPUT holds the 20,000 rules, and the index answers a -C of one of them
# with INDEX (found, or none when it is not used)
appended_all() {
	assert_success
	assert_output ""
	run ns nft list chain ip filter INPUT
	[ "$(grep -c "counter packets 0 bytes 0 accept" <<< "$output")" = 20000 ]
	run ns env IPTNFT_DEBUG=index "$IPT_BIN/iptables" -C INPUT -s 10.0.39.15 -d 192.0.2.2 -j ACCEPT
	assert_success
	assert_output "iptnft: index: $1"
}

@test "replies: -A of 20,000 rules after a restore commits and says so" {
	printf '*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n-A INPUT -s 1.2.3.4/32 -j A\nCOMMIT\n' |
		ipt_restore
	# issue 11 item 2: 20,000 echoes overflowed the socket, and that
	# was taken for the batch's result (exit 4, "No buffer space")
	run ipt -A INPUT -s "$SOURCES" -d 192.0.2.1,192.0.2.2 -j ACCEPT
	# every echo was read: the index holds the new rules
	appended_all found
	run ns env IPTNFT_DEBUG=index "$IPT_BIN/iptables" -D INPUT -s 10.0.0.0 -d 192.0.2.1 -j ACCEPT
	assert_success
	assert_output "iptnft: index: found"
	run ipt -C INPUT -s 10.0.0.0 -d 192.0.2.1 -j ACCEPT
	assert_failure 1
}

@test "replies: echoes that overflow the receive buffer give up the index, not the command" {
	printf '*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n-A INPUT -s 1.2.3.4/32 -j A\nCOMMIT\n' |
		ns env IPTNFT_DEBUG=rcvbuf "$IPT_BIN/iptables-restore"
	run ns env IPTNFT_DEBUG=rcvbuf "$IPT_BIN/iptables" -A INPUT -s "$SOURCES" -d 192.0.2.1,192.0.2.2 -j ACCEPT
	# the echoes were lost: no index, and -C/-D read the chain
	appended_all none
	run ns env IPTNFT_DEBUG=index,rcvbuf "$IPT_BIN/iptables" -D INPUT -s 1.2.3.4/32 -j A
	assert_success
	run ipt -S INPUT 1
	assert_output "-A INPUT -s 10.0.0.0/32 -d 192.0.2.1/32 -j ACCEPT"
	# reading, listing and saving a chain that large through the smallest
	# buffer: the kernel hands a dump out one buffer at a time
	run ns env IPTNFT_DEBUG=rcvbuf "$IPT_BIN/iptables-save"
	assert_success
	[ "$(grep -c '^-A INPUT' <<< "$output")" = 20000 ]
	run ns env IPTNFT_DEBUG=rcvbuf "$IPT_BIN/iptables" -C INPUT -s 10.0.39.15 -d 192.0.2.2 -j ACCEPT
	assert_success
}

@test "replies: a refused batch is refused, however many errors overflow the buffer" {
	refused_block "$BATS_TEST_TMPDIR/refused" 16000
	ipt -A INPUT -j ACCEPT
	run ns env IPTNFT_DEBUG=rcvbuf "$IPT_BIN/iptables-restore" < "$BATS_TEST_TMPDIR/refused"
	assert_failure 4
	assert_line --index 0 "iptables-restore v1.8.9 (nf_tables): "
	assert_line --index 1 "line 3: RULE_APPEND failed (Invalid argument): rule in chain INPUT"
	run ns env IPTNFT_DEBUG=rcvbuf "$IPT_BIN/iptables" -A INPUT -s "$SOURCES" -j MASQUERADE
	assert_failure 4
	assert_output "iptables v1.8.9 (nf_tables):  RULE_APPEND failed (Invalid argument): rule in chain INPUT"
	# and nothing changed
	run ipt -S INPUT
	assert_output "-P INPUT ACCEPT
-A INPUT -j ACCEPT"
}

# same_as_ref ARGS... < input: our iptables-restore and the reference's, in
# twin namespaces, print the same and exit alike
same_as_ref() {
	local input=$1
	shift
	local rc=0 ref_rc=0
	ns "$IPT_BIN/iptables-restore" "$@" < "$input" > "$BATS_TEST_TMPDIR/out" 2>&1 || rc=$?
	ref_restore "$@" < "$input" > "$BATS_TEST_TMPDIR/ref" 2>&1 || ref_rc=$?
	sed -i 's/^iptables-nft-restore /iptables-restore /' "$BATS_TEST_TMPDIR/ref"
	diff -u "$BATS_TEST_TMPDIR/ref" "$BATS_TEST_TMPDIR/out" || fail "the output differs"
	[ "$rc" = "$ref_rc" ] || fail "exit $rc, the reference $ref_rc"
}

@test "replies: every line the kernel refuses is told as the reference tells it" {
	need_ref
	# one line, two, as many as fill the reference's message and more: it
	# keeps 1023 characters and the last line's number
	local n
	for n in 1 2 15 16 20 16000; do
		refused_block "$BATS_TEST_TMPDIR/refused" "$n"
		same_as_ref "$BATS_TEST_TMPDIR/refused"
	done
	# lines of other kinds, among lines the kernel takes
	local cmd
	for cmd in "ipt" "ref"; do
		$cmd -N A
		$cmd -N B
		$cmd -A INPUT -j A
		$cmd -A INPUT -j B
	done
	printf '*filter\n-X A\n-A INPUT -s 10.0.0.1 -j ACCEPT\n-A INPUT -j MASQUERADE\n-X B\nCOMMIT\n' \
		> "$BATS_TEST_TMPDIR/mixed"
	same_as_ref "$BATS_TEST_TMPDIR/mixed" --noflush
	# a refused line among 16,000 good ones
	{
		echo "*filter"
		echo ":INPUT ACCEPT [0:0]"
		echo ":X - [0:0]"
		local i
		for ((i = 0; i < 16000; i++)); do
			echo "-A X -s 10.$((i >> 16)).$((i >> 8 & 255)).$((i & 255))/32 -j ACCEPT"
		done
		echo "-A INPUT -j MASQUERADE"
		echo "COMMIT"
	} > "$BATS_TEST_TMPDIR/one"
	same_as_ref "$BATS_TEST_TMPDIR/one"
}
