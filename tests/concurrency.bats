#!/usr/bin/env bats
# Concurrent invocations in one namespace: no lock file, the generation id
# check plus re-read and retry must make every command land exactly once.

load helpers

# start_workers N FUNC: run FUNC 1..N in the background (stderr of worker i
# in $BATS_TEST_TMPDIR/err.i), as close to simultaneously as bash allows
start_workers() {
	local n=$1 fn=$2 i
	PIDS=()
	for ((i = 1; i <= n; i++)); do
		"$fn" "$i" 2> "$BATS_TEST_TMPDIR/err.$i" 3>&- &
		PIDS+=($!)
	done
}

# wait_workers: every worker exited 0 with an empty stderr (the tests check
# the final state first, then this result, so both show up on failure)
wait_workers() {
	local i=1 p rc bad=0
	for p in "${PIDS[@]}"; do
		rc=0
		wait "$p" || rc=$?
		if [ "$rc" != 0 ]; then
			echo "worker $i exited $rc" >&2
			bad=1
		fi
		if [ -s "$BATS_TEST_TMPDIR/err.$i" ]; then
			echo "worker $i stderr:" >&2
			cat "$BATS_TEST_TMPDIR/err.$i" >&2
			bad=1
		fi
		i=$((i + 1))
	done
	return $bad
}

# append_worker I: 50 appends of distinct sources to chain $CHAIN
append_worker() {
	local i=$1 j rc=0
	for ((j = 1; j <= ${COUNT:-50}; j++)); do
		ipt -A "$CHAIN" -s "10.$i.0.$j" -j ACCEPT || rc=$?
	done
	return $rc
}

# expected_rules N COUNT: the -S lines of N append_workers, sorted
expected_rules() {
	local i j
	for ((i = 1; i <= $1; i++)); do
		for ((j = 1; j <= $2; j++)); do
			echo "-A $CHAIN -s 10.$i.0.$j/32 -j ACCEPT"
		done
	done | sort
}

# appends_land CHAIN: 8 append_workers put 50 rules each in CHAIN; its -S
# (in $BATS_TEST_TMPDIR/got) holds 400 rules, each address exactly once.
# workers_ok: 1 if a worker failed (wait_workers says how), else 0
appends_land() {
	CHAIN=$1 COUNT=50
	start_workers 8 append_worker
	workers_ok=0
	wait_workers || workers_ok=1
	ipt -S "$CHAIN" > "$BATS_TEST_TMPDIR/got"
	run grep -c "^-A $CHAIN " "$BATS_TEST_TMPDIR/got"
	assert_output 400
	grep '^-A ' "$BATS_TEST_TMPDIR/got" | sort > "$BATS_TEST_TMPDIR/got.sorted"
	expected_rules 8 50 > "$BATS_TEST_TMPDIR/want"
	run diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got.sorted"
	assert_success
}

@test "concurrency: 8 processes x 50 appends to one user chain, none lost" {
	ipt -N LOAD
	local workers_ok
	appends_land LOAD
	run head -n 1 "$BATS_TEST_TMPDIR/got"
	assert_output "-N LOAD"
	# each worker's own rules stay in the order it appended them
	local i
	for i in 1 2 3 4 5 6 7 8; do
		grep -- "-s 10\\.$i\\.0\\." "$BATS_TEST_TMPDIR/got" |
			sed "s/.*-s 10\\.$i\\.0\\.\\([0-9]*\\)\\/.*/\\1/" > "$BATS_TEST_TMPDIR/order.$i"
		run diff <(seq 1 50) "$BATS_TEST_TMPDIR/order.$i"
		assert_success
	done
	# every process exited 0 with nothing on stderr (details above)
	[ "$workers_ok" = 0 ]
}

@test "concurrency: 8 processes x 50 appends to INPUT of a table nobody created yet" {
	local workers_ok
	appends_land INPUT
	# one filter table with its three chains, not several
	run ns nft list tables
	assert_output "table ip filter"
	run ipt -S
	assert_line --index 0 "-P INPUT ACCEPT"
	assert_line --index 1 "-P FORWARD ACCEPT"
	assert_line --index 2 "-P OUTPUT ACCEPT"
	# every process exited 0 with nothing on stderr (details above)
	[ "$workers_ok" = 0 ]
}

# mixed_worker I: 1-4 append to INPUT, 5-8 create and delete chain Ci
mixed_worker() {
	local i=$1 j rc=0
	if [ "$i" -le 4 ]; then
		for ((j = 1; j <= 50; j++)); do
			ipt -A INPUT -s "10.$i.0.$j" -j ACCEPT || rc=$?
		done
	else
		for ((j = 1; j <= 25; j++)); do
			ipt -N "C$i" || rc=$?
			ipt -X "C$i" || rc=$?
		done
		# and leave one behind, with a rule in it
		ipt -N "C$i" || rc=$?
		ipt -A "C$i" -j RETURN || rc=$?
	fi
	return $rc
}

@test "concurrency: appends to INPUT while others -N/-X their own chains" {
	ipt -A INPUT -i lo -j ACCEPT
	start_workers 8 mixed_worker
	local workers_ok=0
	wait_workers || workers_ok=1
	CHAIN=INPUT
	{
		echo "-A INPUT -i lo -j ACCEPT"
		expected_rules 4 50
		local i
		for i in 5 6 7 8; do
			echo "-N C$i"
			echo "-A C$i -j RETURN"
		done
		echo "-P FORWARD ACCEPT"
		echo "-P INPUT ACCEPT"
		echo "-P OUTPUT ACCEPT"
	} | sort > "$BATS_TEST_TMPDIR/want"
	ipt -S | sort > "$BATS_TEST_TMPDIR/got"
	run diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
	# the first rule stayed first
	run ipt -S INPUT 1
	assert_output "-A INPUT -i lo -j ACCEPT"
	# every process exited 0 with nothing on stderr (details above)
	[ "$workers_ok" = 0 ]
}

# restore_worker I: iptables-restore --noflush of chain Ri and a jump to it
restore_worker() {
	ipt_restore --noflush < "$BATS_TEST_TMPDIR/restore.$1"
}

@test "concurrency: iptables-restore --noflush of different chains, all land" {
	local i j
	for i in 1 2 3 4 5 6 7 8; do
		{
			echo "*filter"
			echo ":R$i - [0:0]"
			for ((j = 1; j <= 20; j++)); do
				echo "-A R$i -s 10.$i.1.$j/32 -j ACCEPT"
			done
			echo "-A INPUT -j R$i"
			echo "COMMIT"
		} > "$BATS_TEST_TMPDIR/restore.$i"
	done
	ipt -A INPUT -i lo -j ACCEPT
	start_workers 8 restore_worker
	local workers_ok=0
	wait_workers || workers_ok=1
	for i in 1 2 3 4 5 6 7 8; do
		ipt -S "R$i" > "$BATS_TEST_TMPDIR/got.$i"
		run diff -u <(grep -e '^-A' "$BATS_TEST_TMPDIR/restore.$i" | grep -v INPUT) \
			<(grep '^-A' "$BATS_TEST_TMPDIR/got.$i")
		assert_success
	done
	ipt -S INPUT | sort > "$BATS_TEST_TMPDIR/input"
	run cat "$BATS_TEST_TMPDIR/input"
	assert_output "-A INPUT -i lo -j ACCEPT
-A INPUT -j R1
-A INPUT -j R2
-A INPUT -j R3
-A INPUT -j R4
-A INPUT -j R5
-A INPUT -j R6
-A INPUT -j R7
-A INPUT -j R8
-P INPUT ACCEPT"
	run ipt -S INPUT 1
	assert_output "-A INPUT -i lo -j ACCEPT"
	ipt -S > "$BATS_TEST_TMPDIR/all"
	run grep -c '^-N ' "$BATS_TEST_TMPDIR/all"
	assert_output 8
	# every process exited 0 with nothing on stderr (details above)
	[ "$workers_ok" = 0 ]
}

# chain_worker I: make chain Wi, then 50 times append to it and insert a
# jump to it at the head of INPUT
chain_worker() {
	local i=$1 j rc=0
	ipt -N "W$i" || rc=$?
	for ((j = 1; j <= 50; j++)); do
		ipt -A "W$i" -s "10.$i.0.$j" -j ACCEPT || rc=$?
		ipt -I INPUT -s "10.$i.1.$j" -j "W$i" || rc=$?
	done
	return $rc
}

@test "concurrency: 16 processes make a chain each and interleave 50 -A into it with 50 -I INPUT jumps to it" {
	# with the rule index in play: every commit keeps it, or gives it up
	export IPTNFT_INDEX_DIR=$BATS_TEST_TMPDIR/index
	printf '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n' | ipt_restore
	start_workers 16 chain_worker
	local workers_ok=0
	wait_workers || workers_ok=1
	ipt -S > "$BATS_TEST_TMPDIR/got"
	run grep -c '^-A ' "$BATS_TEST_TMPDIR/got"
	assert_output 1601
	local i
	for ((i = 1; i <= 16; i++)); do
		# each chain holds its 50 rules in order
		run diff <(for ((j = 1; j <= 50; j++)); do echo "-A W$i -s 10.$i.0.$j/32 -j ACCEPT"; done) \
			<(grep "^-A W$i " "$BATS_TEST_TMPDIR/got")
		assert_success
		# and INPUT its 50 jumps, the last inserted first
		run diff <(for ((j = 50; j >= 1; j--)); do echo "-A INPUT -s 10.$i.1.$j/32 -j W$i"; done) \
			<(grep -- "-j W$i\$" "$BATS_TEST_TMPDIR/got")
		assert_success
	done
	run ipt -S INPUT 801
	assert_output "-A INPUT -i lo -j ACCEPT"
	# whatever the index says after all that, it agrees with the chains
	for i in 1 8 16; do
		for j in 1 25 50; do
			ipt -C "W$i" -s "10.$i.0.$j" -j ACCEPT
			ipt -C INPUT -s "10.$i.1.$j" -j "W$i"
			run ipt -C INPUT -s "10.$i.0.$j" -j "W$i"
			assert_failure 1
		done
	done
	# every process exited 0 with nothing on stderr (details above)
	[ "$workers_ok" = 0 ]
}

# churn_worker I: chains made, filled, emptied and deleted, and one chain
# deleted and made again (it moves to the end of the kernel's list), over
# and over, while others list the table
churn_worker() {
	local i j rc=0
	for ((j = 0; j < 15; j++)); do
		ipt -N "Z$1x$j" || rc=$?
		ipt -A "Z$1x$j" -j RETURN || rc=$?
		ipt -F "Z$1x$j" || rc=$?
		ipt -X "Z$1x$j" || rc=$?
		if [ "$1" = 1 ]; then
			ipt -F AGAIN || rc=$?
			ipt -X AGAIN || rc=$?
			ipt -N AGAIN || rc=$?
			for i in 1 2 3; do
				ipt -A AGAIN -s "10.8.0.$i" -j RETURN || rc=$?
			done
		fi
	done
	return $rc
}

# list_worker I: save and -S the table, and -S one chain, 15 times, each
# output to a file
list_worker() {
	local j
	for ((j = 0; j < 15; j++)); do
		ipt_save -t filter > "$BATS_TEST_TMPDIR/list.$1.$j.save" || return 1
		ipt -S > "$BATS_TEST_TMPDIR/list.$1.$j.S" || return 1
		ipt -S S05 > "$BATS_TEST_TMPDIR/one.$1.$j.S" || return 1
	done
}

work_listed() {
	if [ "$1" -le 2 ]; then
		churn_worker "$1"
	else
		list_worker "$1"
	fi
}

@test "concurrency: listings while others make and remake chains show every other chain whole" {
	local i j f
	# chains the kernel holds in the reverse of the order they are shown
	{
		echo "*filter"
		for ((i = 59; i >= 0; i--)); do
			printf ':S%02d - [0:0]\n' "$i"
		done
		echo ":AGAIN - [0:0]"
		for ((i = 59; i >= 0; i--)); do
			for j in 1 2 3; do
				printf -- '-A S%02d -s 10.9.%d.%d/32 -j RETURN\n' "$i" "$i" "$j"
			done
		done
		echo "-A AGAIN -s 10.8.0.1/32 -j RETURN"
		echo "COMMIT"
	} > "$BATS_TEST_TMPDIR/stable.rules"
	ipt_restore < "$BATS_TEST_TMPDIR/stable.rules"
	grep '^-A S' "$BATS_TEST_TMPDIR/stable.rules" | sort > "$BATS_TEST_TMPDIR/want"
	start_workers 5 work_listed
	local workers_ok=0
	wait_workers || workers_ok=1
	for f in "$BATS_TEST_TMPDIR"/list.*; do
		grep '^-A S' "$f" > "$BATS_TEST_TMPDIR/got" || true
		run diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
		assert_success
	done
	[ "$(ls "$BATS_TEST_TMPDIR"/list.* | wc -l)" = 90 ]
	{
		echo "-N S05"
		grep '^-A S05 ' "$BATS_TEST_TMPDIR/want"
	} > "$BATS_TEST_TMPDIR/want.S05"
	for f in "$BATS_TEST_TMPDIR"/one.*; do
		run diff -u "$BATS_TEST_TMPDIR/want.S05" "$f"
		assert_success
	done
	[ "$(ls "$BATS_TEST_TMPDIR"/one.* | wc -l)" = 45 ]
	[ "$workers_ok" = 0 ]
}
