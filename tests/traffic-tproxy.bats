#!/usr/bin/env bats
# Real packets for transparent proxying: side A ($NS, 10.99.0.1 on veth0)
# runs our iptables and the listeners, the peer ($NS_PEER, 10.99.0.2 on
# veth1) connects. -m socket looks the packet's socket up in PREROUTING.

load helpers

setup() { traffic_setup; }
teardown() { traffic_teardown; }

pkts() { rule_counts -t mangle PREROUTING "$1" | awk '{print $1}'; }

@test "traffic: -m socket sees listeners, ignores wildcard ones unless --nowildcard" {
	tcp_listen 8080
	# a second listener, bound to the any address
	ip netns exec "$NS" nc -4 -d -l -k 8081 > /dev/null 2>&1 3>&- &
	track_pid $!
	wait_sock t 8081
	ipt -t mangle -A PREROUTING -p tcp --dport 8080 -m socket
	ipt -t mangle -A PREROUTING -p tcp --dport 8080 -m socket --transparent
	ipt -t mangle -A PREROUTING -p tcp --dport 8081 -m socket
	ipt -t mangle -A PREROUTING -p tcp --dport 8081 -m socket --nowildcard
	tcp_ok 8080
	tcp_ok 8081
	# the listener on A's address matches from the SYN on; nc's socket
	# is not transparent
	[ "$(pkts 1)" -ge 3 ]
	assert_equal "$(pkts 2)" 0
	# the SYN finds only the wildcard listener: --nowildcard counts it,
	# the plain match does not; the rest find the connection's socket
	[ "$(pkts 3)" -ge 2 ]
	assert_equal "$(pkts 4)" "$(($(pkts 3) + 1))"
}

# tproxy_listen PORT OUT: a transparent listener on every address, port
# PORT, that writes the local address and port of each connection it
# accepts to OUT and says hello
tproxy_listen() {
	ip netns exec "$NS" python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_IP, 19, 1)  # IP_TRANSPARENT
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(5)
while True:
    c, _ = s.accept()
    with open(sys.argv[2], "a") as f:
        f.write("%s %d\n" % c.getsockname())
    c.sendall(b"hello\n")
    c.close()
' "$1" "$2" > /dev/null 2>&1 3>&- &
	track_pid $!
	wait_sock t "$1"
}

# peer_fetch ADDR PORT: the peer connects and prints what it is sent
peer_fetch() {
	peer python3 -c '
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
sys.stdout.write(c.recv(100).decode())
' "$1" "$2"
}

@test "traffic: TPROXY hands a connection to a non-local address to a transparent listener" {
	# the peer sends 198.51.100.0/24 through A, which has no such address
	peer ip route add 198.51.100.0/24 via "$A"
	ns ip rule add fwmark 1 lookup 100
	ns ip route add local 0.0.0.0/0 dev lo table 100
	ipt -t mangle -N DIVERT
	ipt -t mangle -A PREROUTING -p tcp -m socket --transparent -j DIVERT
	ipt -t mangle -A PREROUTING -p tcp --dport 80 -j TPROXY --on-port 15001 --tproxy-mark 0x1/0x1
	ipt -t mangle -A PREROUTING -p tcp --dport 80
	ipt -t mangle -A DIVERT -j MARK --set-mark 1
	ipt -t mangle -A DIVERT -j ACCEPT
	tproxy_listen 15001 "$BATS_TEST_TMPDIR/accepted"
	run peer_fetch 198.51.100.7 80
	assert_success
	assert_output hello
	# the listener got the connection with the address the peer asked for
	wait_line "$BATS_TEST_TMPDIR/accepted" "198.51.100.7 80"
	# the SYN went to TPROXY, the rest found the proxy's socket
	[ "$(pkts 2)" -ge 1 ]
	[ "$(pkts 1)" -ge 2 ]
	assert_equal "$(pkts 3)" 0
}

@test "traffic: TPROXY drops what finds no transparent listener" {
	peer ip route add 198.51.100.0/24 via "$A"
	ipt -t mangle -A PREROUTING -p tcp --dport 80 -j TPROXY --on-port 15001 --tproxy-mark 0x1/0x1
	ipt -t mangle -A PREROUTING -p tcp --dport 80
	# a listener without IP_TRANSPARENT is not one TPROXY may use
	tcp_listen 15001
	run peer_fetch 198.51.100.7 80
	assert_failure
	[ "$(pkts 1)" -ge 1 ]
	# xt_TPROXY drops: nothing reaches the next rule
	assert_equal "$(pkts 2)" 0
}
