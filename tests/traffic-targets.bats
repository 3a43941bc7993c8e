#!/usr/bin/env bats
# Real packets through the target extensions. Side A ($NS, 10.99.0.1 on
# veth0) runs our iptables; the peer ($NS_PEER, 10.99.0.2) sends and
# answers. The NAT tests put a client ($NS_CLIENT, 10.98.0.2) behind A,
# which then routes (router_setup in helpers.bash).

load helpers

setup() { traffic_setup none; }
teardown() { traffic_teardown; }

# ---------------------------------------------------------------- helpers

# listen NSNAME ADDR PORT: a netcat-openbsd listener accepting forever;
# what it receives goes to $BATS_TEST_TMPDIR/in.PORT, its -v lines
# ("Connection received on ADDR PORT") to $BATS_TEST_TMPDIR/log.PORT
listen() {
	ip netns exec "$1" nc -n -v -d -l -k "$2" "$3" > "$BATS_TEST_TMPDIR/in.$3" \
		2> "$BATS_TEST_TMPDIR/log.$3" 3>&- &
	track_pid $!
	wait_sock t "$3" "$1"
}

# received PORT WORD: until WORD has arrived at the listener on PORT
received() { wait_line "$BATS_TEST_TMPDIR/in.$1" "$2"; }

# send NSNAME ADDR PORT WORD: one TCP connection carrying WORD
send() {
	echo "$4" | ip netns exec "$1" nc -n -N -w 3 "$2" "$3"
}

# rule_pkts TABLE CHAIN NUM: the packet count of rule NUM
rule_pkts() {
	ipt -t "$1" -L "$2" -v -x -n --line-numbers | awk -v n="$3" '$1 == n { print $2 }'
}

# ---------------------------------------------------------------- DNAT, REDIRECT

@test "traffic: DNAT forwards a connection to A:8080 to the listener on A:80" {
	veth_setup
	listen "$NS" "$A" 80
	run send "$NS_PEER" "$A" 8080 before
	assert_failure
	run ipt -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination "$A:80"
	assert_success
	run send "$NS_PEER" "$A" 8080 forwarded
	assert_success
	received 80 forwarded
	# nat sees the first packet of a connection only
	[ "$(rule_pkts nat PREROUTING 1)" = 1 ]
}

@test "traffic: DNAT to another address: the peer reaches a second address of A" {
	veth_setup
	ip -n "$NS" addr add 10.99.0.11/24 dev veth0
	listen "$NS" 10.99.0.11 80
	ipt -t nat -A PREROUTING -d "$A" -p tcp --dport 8080 -j DNAT --to-destination 10.99.0.11:80
	run send "$NS_PEER" "$A" 8080 moved
	assert_success
	received 80 moved
}

@test "traffic: REDIRECT sends a connection to A:8081 to port 80" {
	veth_setup
	listen "$NS" "$A" 80
	ipt -t nat -A PREROUTING -p tcp --dport 8081 -j REDIRECT --to-ports 80
	run send "$NS_PEER" "$A" 8081 redirected
	assert_success
	received 80 redirected
}

@test "traffic: NETMAP in PREROUTING maps 192.0.2.0/24 onto A's network, host part kept" {
	veth_setup
	ip -n "$NS" addr add 10.99.0.11/24 dev veth0
	ip -n "$NS_PEER" route add 192.0.2.0/24 via "$A"
	listen "$NS" 10.99.0.11 80
	run send "$NS_PEER" 192.0.2.11 80 before
	assert_failure
	run ipt -t nat -A PREROUTING -d 192.0.2.0/24 -j NETMAP --to 10.99.0.0/24
	assert_success
	# a native dnat statement with the netmap flag, not the xt target
	native_layout
	run send "$NS_PEER" 192.0.2.11 80 mapped
	assert_success
	received 80 mapped
	[ "$(rule_pkts nat PREROUTING 1)" = 1 ]
}

# ---------------------------------------------------------------- MASQUERADE, SNAT

@test "traffic: MASQUERADE through a router: the far side sees the router's address" {
	router_setup
	listen "$NS_PEER" "$B" 9000
	# the peer has no route back to the client: without NAT no answer
	run send "$NS_CLIENT" "$B" 9000 unmasked
	assert_failure
	run ipt -t nat -A POSTROUTING -o veth0 -j MASQUERADE
	assert_success
	run send "$NS_CLIENT" "$B" 9000 masked
	assert_success
	received 9000 masked
	run grep "Connection received on" "$BATS_TEST_TMPDIR/log.9000"
	assert_output --partial "Connection received on $A "
	refute_output --partial "$C"
	if command -v conntrack > /dev/null; then
		run ns conntrack -L -p tcp --dport 9000
		assert_success
		assert_output --partial "src=$C dst=$B"
		assert_output --partial "src=$B dst=$A"
	fi
}

@test "traffic: MASQUERADE --to-ports picks the source port from the range" {
	router_setup
	listen "$NS_PEER" "$B" 9000
	ipt -t nat -A POSTROUTING -o veth0 -p tcp -j MASQUERADE --to-ports 40000-40009
	run send "$NS_CLIENT" "$B" 9000 ported
	assert_success
	received 9000 ported
	run grep -o "Connection received on $A [0-9]*" "$BATS_TEST_TMPDIR/log.9000"
	assert_success
	local port=${output##* }
	[ "$port" -ge 40000 ] && [ "$port" -le 40009 ]
}

@test "traffic: SNAT through a router: the far side sees the given address" {
	router_setup
	ip -n "$NS" addr add 10.99.0.21/24 dev veth0
	listen "$NS_PEER" "$B" 9000
	ipt -t nat -A POSTROUTING -o veth0 -j SNAT --to-source 10.99.0.21
	run send "$NS_CLIENT" "$B" 9000 snatted
	assert_success
	received 9000 snatted
	run grep "Connection received on" "$BATS_TEST_TMPDIR/log.9000"
	assert_output --partial "Connection received on 10.99.0.21 "
}

# ---------------------------------------------------------------- REJECT

@test "traffic: REJECT --reject-with tcp-reset: connect fails at once, refused" {
	veth_setup
	listen "$NS" "$A" 81
	run send "$NS_PEER" "$A" 81 open
	assert_success
	ipt -A INPUT -p tcp --dport 81 -j REJECT --reject-with tcp-reset
	local start=$SECONDS
	run peer nc -n -v -z -w 10 "$A" 81
	assert_failure
	assert_output --partial "Connection refused"
	# a reset, not a timeout
	[ $((SECONDS - start)) -lt 5 ]
	[ "$(rule_pkts filter INPUT 1)" -ge 1 ]
}

@test "traffic: REJECT (icmp-port-unreachable) refuses TCP, icmp-host-prohibited says no route" {
	veth_setup
	listen "$NS" "$A" 81
	ipt -A INPUT -p tcp --dport 81 -j REJECT
	run peer nc -n -v -z -w 10 "$A" 81
	assert_failure
	assert_output --partial "Connection refused"
	ipt -R INPUT 1 -p tcp --dport 81 -j REJECT --reject-with icmp-host-prohibited
	local start=$SECONDS
	run peer nc -n -v -z -w 10 "$A" 81
	assert_failure
	assert_output --partial "No route to host"
	[ $((SECONDS - start)) -lt 5 ]
}

# ---------------------------------------------------------------- LOG, NOTRACK, CT

@test "traffic: LOG writes a line to the kernel log" {
	local all
	all=$(cat /proc/sys/net/netfilter/nf_log_all_netns 2> /dev/null || echo 0)
	[ "$all" = 1 ] || skip "the kernel logs only for the initial namespace (net.netfilter.nf_log_all_netns=0)"
	dmesg > /dev/null 2>&1 || skip "the kernel log is not readable here"
	veth_setup
	local prefix="iptnft-$$-$BATS_TEST_NUMBER: "
	ipt -A INPUT -p icmp -j LOG --log-prefix "$prefix" --log-level warning
	run peer ping -c 1 -W 2 "$A"
	assert_success
	local i
	for ((i = 0; i < 40; i++)); do
		dmesg | grep -q "$prefix" && break
		sleep 0.05
	done
	run dmesg
	assert_output --partial "${prefix}IN=veth0"
}

@test "traffic: NOTRACK leaves packets untracked" {
	veth_setup
	ipt -t raw -A PREROUTING -p icmp -j NOTRACK
	ipt -A INPUT -p icmp -m state --state UNTRACKED -j ACCEPT
	run peer ping -c 2 -W 2 "$A"
	assert_success
	[ "$(rule_pkts raw PREROUTING 1)" = 2 ]
	[ "$(rule_pkts filter INPUT 1)" = 2 ]
	if command -v conntrack > /dev/null; then
		run ns conntrack -L -p icmp
		refute_output --partial "src=$B"
	fi
}

@test "traffic: CT --zone puts the connection in that zone" {
	command -v conntrack > /dev/null || skip "conntrack tool not installed"
	veth_setup
	listen "$NS" "$A" 82
	ipt -t raw -A PREROUTING -p tcp --dport 82 -j CT --zone 7
	run send "$NS_PEER" "$A" 82 zoned
	assert_success
	received 82 zoned
	run ns conntrack -L -p tcp --dport 82
	assert_success
	assert_output --partial "zone=7"
}

# ---------------------------------------------------------------- TCPMSS

@test "traffic: TCPMSS --set-mss lowers the MSS the other side uses" {
	veth_setup
	listen "$NS_PEER" "$B" 9001
	ipt -t mangle -A POSTROUTING -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1000
	# a connection that stays open long enough to look at it
	(sleep 2 | ip netns exec "$NS" nc -n -w 3 "$B" 9001 > /dev/null 2>&1) 3>&- &
	track_pid $!
	local i mss=""
	for ((i = 0; i < 40; i++)); do
		mss=$(peer ss -Htni state established "sport = :9001" | grep -o 'mss:[0-9]*' | head -1)
		[ -n "$mss" ] && break
		sleep 0.05
	done
	[ -n "$mss" ]
	[ "${mss#mss:}" -le 1000 ]
	[ "$(rule_pkts mangle POSTROUTING 1)" = 1 ]
}

@test "traffic: -j TRACE marks the ping for nft monitor trace, which shows the rule" {
	veth_setup
	run ipt -t raw -A PREROUTING -p icmp -j TRACE
	assert_success
	# the monitor must not hold bats' fd 3, or bats waits for it
	ns nft monitor trace > "$BATS_TEST_TMPDIR/trace" 2>&1 3>&- &
	track_pid $!
	sleep 0.5
	ping_in_ok
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q "meta nftrace set 1" "$BATS_TEST_TMPDIR/trace" && break
		sleep 0.05
	done
	run cat "$BATS_TEST_TMPDIR/trace"
	assert_output --partial "ip raw PREROUTING"
	assert_output --partial "meta nftrace set 1"
	# and without the rule, no trace
	ipt -t raw -F PREROUTING
	: > "$BATS_TEST_TMPDIR/trace"
	ping_in_ok
	sleep 0.3
	run cat "$BATS_TEST_TMPDIR/trace"
	refute_output --partial "ip raw PREROUTING"
}

# udp_csum: on the peer, the first UDP datagram to port 6868 that veth1
# sees, and whether its checksum is complete ("good") or the partial one
# a device with checksum offload is left to finish ("bad")
udp_csum() {
	peer python3 -c '
import socket, struct
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
s.bind(("veth1", 0))
s.settimeout(5)
while True:
    pkt = s.recv(65535)
    ihl = (pkt[0] & 15) * 4
    udp = pkt[ihl:]
    if pkt[9] != 17 or struct.unpack(">H", udp[2:4])[0] != 6868:
        continue
    ulen = struct.unpack(">H", udp[4:6])[0]
    data = pkt[12:20] + struct.pack(">BBH", 0, 17, ulen) + udp[:ulen]
    data += b"\0" * (len(data) % 2)
    tot = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    while tot >> 16:
        tot = (tot & 0xffff) + (tot >> 16)
    print("good" if tot == 0xffff else "bad")
    break
' > "$BATS_TEST_TMPDIR/csum" 3>&- &
	local pid=$!
	sleep 0.5
	echo hi | ns nc -u -w1 10.99.0.2 6868
	wait "$pid"
	cat "$BATS_TEST_TMPDIR/csum"
}

@test "traffic: CHECKSUM --checksum-fill completes the UDP checksum veth leaves to offload" {
	veth_setup
	# without the rule the peer sees the partial checksum
	run udp_csum
	assert_output bad
	run ipt -t mangle -A POSTROUTING -p udp --dport 6868 -j CHECKSUM --checksum-fill
	assert_success
	run udp_csum
	assert_output good
	[ "$(rule_pkts mangle POSTROUTING 1)" = 1 ]
}

@test "traffic: NETMAP in a user chain called from POSTROUTING maps the client's source" {
	router_setup
	ip -n "$NS_PEER" route add 10.97.0.0/24 via "$A"
	listen "$NS_PEER" "$B" 9000
	ipt -t nat -N map
	ipt -t nat -A map -j NETMAP --to 10.97.0.0/24
	ipt -t nat -A POSTROUTING -o veth0 -j map
	run send "$NS_CLIENT" "$B" 9000 netmapped
	assert_success
	received 9000 netmapped
	# 10.98.0.2 became 10.97.0.2
	run grep "Connection received on" "$BATS_TEST_TMPDIR/log.9000"
	assert_output --partial "Connection received on 10.97.0.2 "
}

@test "traffic: AUDIT sees the ping and lets the next rule decide" {
	veth_setup
	ipt -A INPUT -p icmp -j AUDIT --type drop
	ipt -A INPUT -p icmp -j DROP
	ping_in_blocked
	[ "$(rule_pkts filter INPUT 1)" -ge 1 ]
	[ "$(rule_pkts filter INPUT 2)" = "$(rule_pkts filter INPUT 1)" ]
	ipt -D INPUT 2
	ping_in_ok
}

@test "traffic: TEE sends a copy of the peer's pings to the client, the ping still answered" {
	router_setup
	client python3 -c '
import socket, struct
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
s.bind(("veth3", 0))
s.settimeout(3)
n = 0
try:
    while n < 2:
        p = s.recv(65535)
        if p[9] == 1 and p[16:20] == bytes([10, 99, 0, 1]) and p[(p[0] & 15) * 4] == 8:
            n += 1
except socket.timeout:
    pass
print(n)
' > "$BATS_TEST_TMPDIR/copies" 3>&- &
	local pid=$!
	sleep 0.5
	run ipt -t mangle -A PREROUTING -i veth0 -p icmp -j TEE --gateway 10.98.0.2
	assert_success
	ping_in_ok
	ping_in_ok
	wait "$pid"
	run cat "$BATS_TEST_TMPDIR/copies"
	assert_output 2
}

# ts_server PORT: on A, accept one connection and print whether TCP
# timestamps were negotiated (tcpi_options bit 0)
ts_server() {
	ns python3 -c '
import socket, struct, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.99.0.1", int(sys.argv[1])))
s.listen(1)
s.settimeout(5)
c, _ = s.accept()
info = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
print("ts" if info[5] & 1 else "no-ts")
' "$1" > "$BATS_TEST_TMPDIR/ts.$1" 3>&- &
	track_pid $!
	wait_sock t "$1"
}

@test "traffic: TCPOPTSTRIP takes the timestamp option out of the SYN, so none is negotiated" {
	veth_setup
	ts_server 7001
	peer nc -z -w 2 10.99.0.1 7001
	wait_line "$BATS_TEST_TMPDIR/ts.7001" ts
	run ipt -t mangle -A PREROUTING -p tcp --dport 7002 -j TCPOPTSTRIP --strip-options timestamp
	assert_success
	ts_server 7002
	peer nc -z -w 2 10.99.0.1 7002
	wait_line "$BATS_TEST_TMPDIR/ts.7002" no-ts
	[ "$(rule_pkts mangle PREROUTING 1)" -ge 1 ]
}

@test "traffic: IDLETIMER makes its timer, restarted by each packet, and takes it away with the rule" {
	veth_setup
	local label="iptnft-$$-$BATS_TEST_NUMBER" f
	f=/sys/class/xt_idletimer/timers/$label
	run ipt -A INPUT -p icmp -j IDLETIMER --timeout 100 --label "$label"
	assert_success
	[ -e "$f" ]
	ping_in_ok
	# seconds left, at most the timeout
	run cat "$f"
	[ "$output" -le 100 ] && [ "$output" -ge 90 ]
	[ "$(rule_pkts filter INPUT 1)" = 1 ]
	ipt -D INPUT 1
	[ ! -e "$f" ]
}
