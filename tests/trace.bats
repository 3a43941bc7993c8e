#!/usr/bin/env bats
# iptnft trace MATCH...: packets that match, followed rule by rule through
# the hooks, tables and chains; the ruleset is left as it was found.

load helpers

setup() { traffic_setup router; }
teardown() { traffic_teardown; }

# trace_bg OUT ARGS...: start iptnft trace ARGS in $NS, its output to
# OUT, and wait until it has made its table (its first line)
trace_bg() {
	local out=$1 i
	shift
	ip netns exec "$NS" "$IPTNFT" trace "$@" > "$out" 2>&1 3>&- &
	TRACE_PID=$!
	track_pid "$TRACE_PID"
	for i in $(seq 50); do
		grep -q '^iptnft trace: packets matching' "$out" && return 0
		sleep 0.1
	done
	cat "$out"
	return 1
}

# trace_wait: until the trace started last has ended (10 s at most)
trace_wait() {
	local i
	for i in $(seq 100); do
		kill -0 "$TRACE_PID" 2> /dev/null || return 0
		sleep 0.1
	done
	return 1
}

ruleset() { ns nft list ruleset; }

@test "trace: a ping accepted, and a TCP SYN sent by -g to a user chain that drops it, rule by rule" {
	ipt -N ssh
	ipt -A INPUT -p tcp --dport 22 -g ssh
	ipt -A ssh -s 10.99.0.9 -j ACCEPT
	ipt -A ssh -j DROP
	ipt -A INPUT -p icmp -j ACCEPT
	local out=$BATS_TEST_TMPDIR/trace.out
	trace_bg "$out" -c 2 --timeout 20 -s "$B"
	run peer ping -c 1 -W 1 "$A"
	assert_success
	run peer nc -z -w 1 "$A" 22
	assert_failure
	trace_wait
	run cat "$out"
	assert_line --regexp '^\[1\] IN=veth0 MACSRC=.* SRC=10.99.0.2 DST=10.99.0.1 LEN=84 '
	assert_line '[1] INPUT filter INPUT rule 2: -A INPUT -p icmp -j ACCEPT: ACCEPT'
	assert_line '[1] accepted, last by filter INPUT rule 2 at INPUT'
	assert_line --regexp '^\[2\] IN=veth0 .* DPORT=22 SYN$'
	assert_line '[2] INPUT filter INPUT rule 1: -A INPUT -p tcp -m tcp --dport 22 -g ssh: GOTO:ssh'
	assert_line '[2] INPUT filter ssh rule 2: -A ssh -j DROP: DROP'
	assert_line '[2] dropped at filter ssh rule 2'
	assert_line --regexp '^iptnft trace: 2 packets; table iptnft-trace-[0-9]+ removed$'
	refute_output --partial 'rule 1: -A ssh'
}

@test "trace: a NATed flow through the router: DNAT in PREROUTING, the new address in FORWARD, MASQUERADE" {
	ipt -t nat -A PREROUTING -i veth2 -p tcp --dport 8080 -j DNAT --to-destination "$B:80"
	ipt -t nat -A POSTROUTING -o veth0 -j MASQUERADE
	ipt -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
	ipt -A FORWARD -p tcp --dport 80 -j ACCEPT
	ipt -P FORWARD DROP
	ip netns exec "$NS_PEER" nc -4 -d -l -k "$B" 80 > /dev/null 2>&1 3>&- &
	track_pid $!
	local i
	for i in $(seq 30); do
		peer ss -Htln | grep -q ':80 ' && break
		sleep 0.1
	done
	local out=$BATS_TEST_TMPDIR/trace.out
	trace_bg "$out" -c 1 --timeout 20 -p tcp --dport 8080
	run client nc -z -w 2 10.98.0.1 8080
	assert_success
	trace_wait
	run cat "$out"
	assert_line --regexp '^\[1\] IN=veth2 .* SRC=10.98.0.2 DST=10.98.0.1 .* DPORT=8080 SYN$'
	assert_line '[1] PREROUTING nat PREROUTING rule 1: -A PREROUTING -i veth2 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.99.0.2:80: ACCEPT'
	assert_line --regexp '^\[1\] FORWARD: IN=veth2 OUT=veth0 .* DST=10.99.0.2 .* DPORT=80 SYN$'
	assert_line '[1] FORWARD filter FORWARD rule 2: -A FORWARD -p tcp -m tcp --dport 80 -j ACCEPT: ACCEPT'
	assert_line '[1] POSTROUTING nat POSTROUTING rule 1: -A POSTROUTING -o veth0 -j MASQUERADE: ACCEPT'
	# the SYN only: the other packets of the flow do not match any more
	refute_line --regexp '^\[2\]'
}

@test "trace: the ruleset is left exactly as it was, after SIGINT and after SIGTERM mid-trace" {
	ipt -A INPUT -p icmp -j ACCEPT
	ipt -t nat -A POSTROUTING -o veth0 -j MASQUERADE
	local before sig out=$BATS_TEST_TMPDIR/trace.out
	before=$(ruleset)
	for sig in INT TERM; do
		trace_bg "$out" -p icmp
		run ns nft list tables
		assert_output --regexp 'table ip iptnft-trace-[0-9]+'
		kill -"$sig" "$TRACE_PID"
		trace_wait
		run wait "$TRACE_PID"
		assert_success
		assert_equal "$(ruleset)" "$before"
		run cat "$out"
		assert_line --regexp '^iptnft trace: 0 packets; table iptnft-trace-[0-9]+ removed$'
	done
	# and at the timeout
	trace_bg "$out" --timeout 0.5 -p icmp
	trace_wait
	assert_equal "$(ruleset)" "$before"
}

@test "trace: two traces at once each follow their own packets" {
	local a=$BATS_TEST_TMPDIR/a.out b=$BATS_TEST_TMPDIR/b.out pa
	trace_bg "$a" -c 1 --timeout 20 -p icmp
	pa=$TRACE_PID
	trace_bg "$b" -c 1 --timeout 20 -p udp --dport 5000
	run peer ping -c 1 -W 1 "$A"
	peer bash -c "echo hi > /dev/udp/$A/5000"
	trace_wait
	TRACE_PID=$pa
	trace_wait
	run cat "$a"
	assert_line --regexp '^\[1\] IN=veth0 .* LEN=84 .*'
	refute_output --partial 'DPORT=5000'
	refute_line --regexp '^\[2\]'
	run cat "$b"
	assert_line --regexp '^\[1\] IN=veth0 .* DPORT=5000 $|^\[1\] IN=veth0 .* DPORT=5000$'
	refute_output --partial 'LEN=84'
	run ns nft list tables
	refute_output --partial iptnft-trace
}

@test "trace: bad arguments change nothing" {
	local before
	before=$(ruleset)
	run ns "$IPTNFT" trace -c 0 -p icmp
	assert_failure 2
	assert_output "iptnft trace: bad count \`0'"
	run ns "$IPTNFT" trace --timeout x -p icmp
	assert_failure 2
	run ns "$IPTNFT" trace -p nosuchproto
	assert_failure 2
	assert_output --partial 'unknown protocol "nosuchproto" specified'
	assert_equal "$(ruleset)" "$before"
}
