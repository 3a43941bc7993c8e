#!/usr/bin/env bats
# xtables-monitor: iptnft's and the reference's monitor watch the same
# namespace while commands run and packets pass; they print the same lines
# (PIDs aside). Each monitor's output is compared from a "go" table both
# have seen being made, to an "end" table both have seen.

load helpers

setup() {
	traffic_setup
	need_ref
	MON_REF=$(dirname "$REF_IPTABLES")/xtables-monitor
	[ -x "$MON_REF" ] || MON_REF=$(command -v xtables-monitor) || skip "no reference xtables-monitor"
}
teardown() { traffic_teardown; }

# marker NAME: a table made and deleted in $NS, seen by every monitor
marker() {
	ns nft add table ip "$1"
	ns nft delete table ip "$1"
}

# wait_both WORD [TRIES]: until both monitors' outputs hold WORD (TRIES
# tenths of a second, 50 by default)
wait_both() {
	local i
	for i in $(seq "${2:-50}"); do
		{ [ "${MON_BOTH:-1}" = 0 ] || grep -q "$1" "$BATS_TEST_TMPDIR/ref.out" 2> /dev/null; } &&
			grep -q "$1" "$BATS_TEST_TMPDIR/our.out" 2> /dev/null && return 0
		sleep 0.1
	done
	[ -n "${2:-}" ] && return 1
	echo "not both monitors printed $1:"
	head -c 3000 "$BATS_TEST_TMPDIR/ref.out" "$BATS_TEST_TMPDIR/our.out"
	return 1
}

# monitors OPTS...: start both monitors in $NS and wait until both hear
# (only iptnft's with MON_BOTH=0: the reference's monitor gives up on
# rules iptnft writes natively, "Parsing nftables rule failed")
monitors() {
	if [ "${MON_BOTH:-1}" != 0 ]; then
		ip netns exec "$NS" stdbuf -oL "$MON_REF" "$@" > "$BATS_TEST_TMPDIR/ref.out" 2>&1 3>&- &
		track_pid $!
	fi
	ip netns exec "$NS" "$IPTNFT" xtables-monitor "$@" > "$BATS_TEST_TMPDIR/our.out" 2>&1 3>&- &
	track_pid $!
	local i
	for i in $(seq 30); do
		marker "sync$i"
		wait_both "table sync$i " 3 && break
	done
	marker go
	wait_both "table go "
}

# same_output: end both, then their lines from "go" to "end" agree
same_output() {
	marker end
	wait_both "table end "
	local f
	for f in ref our; do
		sed -n '/table go /,/table end /p' "$BATS_TEST_TMPDIR/$f.out" |
			sed -E 's/PID=[0-9]+/PID=N/' > "$BATS_TEST_TMPDIR/$f.cmp"
	done
	run diff -u "$BATS_TEST_TMPDIR/ref.cmp" "$BATS_TEST_TMPDIR/our.cmp"
	assert_success
	[ "$(wc -l < "$BATS_TEST_TMPDIR/our.cmp")" -gt 8 ]
}

# event_cmds CMD6 CMD...: the commands of the event tests, CMD being the
# iptables to run them with (and CMD6 its ip6tables)
event_cmds() {
	local v6=$1
	shift
	ns "$@" -A INPUT -p tcp --dport 22 -j ACCEPT
	ns "$@" -N FOO
	ns "$@" -A FOO -s 1.2.3.4 -m comment --comment "hi there" -j DROP
	ns "$@" -I INPUT -j FOO
	ns "$@" -I INPUT 2 -p udp --sport 53 -i eth0 -j FOO
	ns "$@" -D INPUT 2
	ns "$@" -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.1:8080
	ns "$@" -t mangle -A PREROUTING -m conntrack --ctstate NEW,RELATED -j MARK --set-mark 1
	ns "$@" -A OUTPUT -o lo -m state --state ESTABLISHED -j ACCEPT
	ns "$v6" -A INPUT -s 2001:db8::/32 -p udp -j DROP
	ns "$@" -D INPUT -j FOO
	ns "$@" -F FOO
	ns "$@" -X FOO
}

# events_of FILE: the event lines, pids and program names left out, and
# generation ids and table handles counted from the marker's: a fresh
# namespace may have seen a commit or two before it (module probes)
events_of() {
	sed -n '/table go /,/table end /p' "$1" | sed -E 's/PID=[0-9]+ NAME=.*/PID=N NAME=N/' |
		awk '
		match($0, /GENID=[0-9]+/) {
			g = substr($0, RSTART + 6, RLENGTH - 6) + 0
			if (g0 == "") g0 = g
			$0 = substr($0, 1, RSTART + 5) (g - g0) substr($0, RSTART + RLENGTH)
		}
		/EVENT: nft: (NEW|DEL) table: / && match($0, /handle [0-9]+$/) {
			h = substr($0, RSTART + 7) + 0
			if (h0 == "") h0 = h
			$0 = substr($0, 1, RSTART + 6) (h - h0)
		}
		{ print }'
}

@test "xtables-monitor -e: ruleset changes by the reference and by nft, printed alike" {
	monitors -e
	event_cmds "$(dirname "$REF_IPTABLES")/ip6tables-nft" "$REF_IPTABLES"
	ns "$REF_IPTABLES" -P FORWARD DROP
	ns nft add table inet t
	ns nft add chain inet t c
	ns nft add rule inet t c counter
	ns nft add table ip foo
	ns nft add chain ip foo bar
	ns nft add rule ip foo bar ip saddr 10.0.0.1 tcp dport 99 counter drop
	ns nft delete table ip foo
	ns "$(dirname "$REF_IPTABLES")/iptables-nft-restore" < "$TOP/tests/diff/data/docker.rules"
	same_output
}

@test "xtables-monitor -e: iptnft's native rules read as the reference's own do" {
	monitors -e
	event_cmds "$(dirname "$REF_IPTABLES")/ip6tables-nft" "$REF_IPTABLES"
	marker end
	wait_both "table end "
	events_of "$BATS_TEST_TMPDIR/our.out" > "$BATS_TEST_TMPDIR/want"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/want")" -gt 20 ]
	traffic_teardown || true
	traffic_setup
	MON_BOTH=0
	monitors -e
	event_cmds "$IPT_BIN/ip6tables" "$IPT_BIN/iptables"
	marker end
	wait_both "table end "
	events_of "$BATS_TEST_TMPDIR/our.out" > "$BATS_TEST_TMPDIR/got"
	run diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
}

@test "xtables-monitor -e -4 -c: counters, and only the ip family" {
	monitors -e -4 -c
	ipt -A INPUT -s 10.0.0.0/8 -j ACCEPT -c 5 500
	ip netns exec "$NS" "$IPT_BIN/ip6tables" -A INPUT -j ACCEPT
	ipt -Z
	ipt -D INPUT 1
	same_output
	run grep -c -- ' -6 -t\|table filter ip6' "$BATS_TEST_TMPDIR/our.cmp"
	assert_output 0
	run grep -c -- '\[5:500\] -A INPUT' "$BATS_TEST_TMPDIR/our.cmp"
	assert_output 1
}

# trace_rules CMD: the rules of the trace tests, written by CMD
# (iptables or ip6tables by the first word: "ref" or "ipt")
trace_rules() {
	local v4 v6
	if [ "$1" = ref ]; then
		v4=("$REF_IPTABLES") v6=("$(dirname "$REF_IPTABLES")/ip6tables-nft")
	else
		v4=("$IPT_BIN/iptables") v6=("$IPT_BIN/ip6tables")
	fi
	ns "${v4[@]}" -t raw -A PREROUTING -p tcp -j TRACE
	ns "${v4[@]}" -t raw -A PREROUTING -p icmp -j TRACE
	ns "${v6[@]}" -t raw -A PREROUTING -d fd00:99::1 -p ipv6-icmp -j TRACE
	ns "${v4[@]}" -t mangle -A PREROUTING -p tcp -j MARK --set-mark 0x42
	ns "${v4[@]}" -A INPUT -p tcp --dport 5555 -j REJECT --reject-with tcp-reset
	ns "${v4[@]}" -N C
	ns "${v4[@]}" -A INPUT -p icmp -g C
	ns "${v4[@]}" -A C -j ACCEPT
	ns "${v4[@]}" -t raw -A OUTPUT -p icmp -j TRACE
	ns "${v4[@]}" -N D
	ns "${v4[@]}" -A OUTPUT -p icmp -j D
	ns "${v4[@]}" -A D -j RETURN
}

trace_traffic() {
	run peer nc -z -w 1 "$A" 5555
	run peer ping -c 1 -W 1 "$A"
	assert_success
	ip -n "$NS" addr add fd00:99::1/64 dev veth0 nodad
	ip -n "$NS_PEER" addr add fd00:99::2/64 dev veth1 nodad
	run peer ping -6 -c 1 -W 1 fd00:99::1
}

@test "xtables-monitor -t: traced packets, rules and policies printed alike (IPv4, IPv6, TCP, goto, return)" {
	trace_rules ref
	monitors -t -e
	trace_traffic
	same_output
	run grep -c '^ TRACE: 2 .* filter:C:rule:0x[0-9a-f]*:ACCEPT  -4 -t filter -A C -j ACCEPT$' \
		"$BATS_TEST_TMPDIR/our.cmp"
	assert_output 1
	run grep -c '^PACKET: 10 ' "$BATS_TEST_TMPDIR/our.cmp"
	[ "$output" -ge 1 ]
}

@test "xtables-monitor -t: iptnft's native rules trace as the reference's own do" {
	trace_rules ref
	monitors -t -e
	trace_traffic
	marker end
	wait_both "table end "
	# the reference's rules, iptnft's monitor: the trace lines that name a rule
	grep '^ TRACE: .*:rule:' "$BATS_TEST_TMPDIR/our.out" |
		sed -E 's/^ TRACE: ([0-9]+) [0-9a-f]+ /\1 /; s/:rule:0x[0-9a-f]+:/:rule:/' | sort > "$BATS_TEST_TMPDIR/want"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/want")" -gt 8 ]
	traffic_teardown || true
	traffic_setup
	MON_BOTH=0
	# the same rules written natively by iptnft
	trace_rules ipt
	run ns nft --debug=netlink list table ip raw
	assert_output --partial 'meta set nftrace'
	monitors -t -e
	trace_traffic
	marker end
	wait_both "table end "
	grep '^ TRACE: .*:rule:' "$BATS_TEST_TMPDIR/our.out" |
		sed -E 's/^ TRACE: ([0-9]+) [0-9a-f]+ /\1 /; s/:rule:0x[0-9a-f]+:/:rule:/' | sort > "$BATS_TEST_TMPDIR/got"
	run diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
}

@test "xtables-monitor -e: a native multiport rule reads back whole, made and deleted" {
	ip netns exec "$NS" "$IPTNFT" xtables-monitor -e > "$BATS_TEST_TMPDIR/our.out" 2>&1 3>&- &
	track_pid $!
	local i
	for i in $(seq 30); do
		marker "sync$i"
		grep -q "table sync$i " "$BATS_TEST_TMPDIR/our.out" && break
		sleep 0.1
	done
	ipt -A INPUT -p udp -m multiport --dports 1,2:4 -j ACCEPT
	ipt -D INPUT 1
	marker end
	for i in $(seq 50); do
		grep -q "table end " "$BATS_TEST_TMPDIR/our.out" && break
		sleep 0.1
	done
	run grep -- '-t filter' "$BATS_TEST_TMPDIR/our.out"
	assert_output - <<-'EOF'
	 EVENT: -4 -t filter -A INPUT -p udp -m multiport --dports 1,2:4 -j ACCEPT
	 EVENT: -4 -t filter -D INPUT -p udp -m multiport --dports 1,2:4 -j ACCEPT
	EOF
}

@test "xtables-monitor: without -e or -t it prints its usage and fails, as the reference does; a bad option" {
	run ns "$IPTNFT" xtables-monitor
	assert_failure 1
	assert_output --partial "Usage: xtables-monitor"
	run ns "$MON_REF"
	assert_failure 1
	run ns "$IPTNFT" xtables-monitor -x
	assert_failure 2
	local ours=$output
	run ns "$MON_REF" -x
	assert_failure 2
	assert_equal "$ours" "$output"
}
