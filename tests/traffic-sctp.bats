#!/usr/bin/env bats
# Real packets for -m sctp: the peer (10.99.0.2, or 2001:db8:99::2) sends
# SCTP-looking packets over a raw socket, one chunk each with the ports,
# chunk type and flags chosen; nothing answers them, and the rules'
# counters on side A tell which rule saw which packet. The ports are
# native payload tests, --chunk-types the kernel's xt match. The last
# test does the same with DCCP headers for -m dccp.

load helpers

# each test sets up its own family
setup() { :; }
teardown() { traffic_teardown; }

# send SPORT DPORT CHUNK_TYPE CHUNK_FLAGS: one packet from the peer to A
send() {
	peer python3 - "$A" "$@" <<'PY'
import socket, struct, sys
dst, sport, dport, ctype, cflags = sys.argv[1], *map(int, sys.argv[2:6])
fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
chunk = struct.pack("!BBH", ctype, cflags, 8) + b"\0" * 4
pkt = struct.pack("!HHII", sport, dport, 1, 0) + chunk
s = socket.socket(fam, socket.SOCK_RAW, 132)
s.sendto(pkt, (dst, 0))
PY
}

# each_once N...: rules N... of INPUT each saw exactly one packet
each_once() {
	local n
	for n in "$@"; do
		run rule_counts INPUT "$n"
		assert_output --regexp '^1 '
	done
}


@test "traffic: -m sctp ports and chunk types count the packets they describe" {
	traffic_setup
	run ipt -A INPUT -p sctp ! --sport 1000:2000 --dport 80
	assert_success
	ipt -A INPUT -p sctp -m sctp --chunk-types any INIT
	ipt -A INPUT -p sctp -m sctp --chunk-types only DATA:Be
	ipt -A INPUT -p sctp -m sctp ! --chunk-types all DATA
	send 5000 80 1 0	# INIT to port 80
	send 1500 80 0 2	# DATA B, from a port in 1000:2000
	send 5000 81 0 3	# DATA B E
	# each rule saw one: ports, INIT, DATA B alone, not a DATA
	each_once 1 2 3 4
}

@test "traffic: ip6tables -m sctp --dport and --chunk-types on IPv6" {
	traffic_setup 6
	ipt6 -A INPUT -p sctp --dport 7:9
	ipt6 -A INPUT -p sctp -m sctp --chunk-types any ABORT:T
	send 1 8 6 1	# ABORT T to port 8
	send 1 10 6 0	# ABORT to port 10
	each_once 1 2
}

# send_dccp SPORT DPORT TYPE: one DCCP header (extended sequence numbers)
# from the peer to A
send_dccp() {
	peer python3 - "$A" "$@" <<'PY'
import socket, struct, sys
dst, sport, dport, ptype = sys.argv[1], *map(int, sys.argv[2:5])
pkt = struct.pack("!HHBBHB", sport, dport, 4, 0, 0, ptype << 1 | 1) + b"\0" * 7
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 33)
s.sendto(pkt, (dst, 0))
PY
}

@test "traffic: -m dccp ports and types, one type native and two as the xt match" {
	traffic_setup
	ipt -A INPUT -p dccp --dport 80
	ipt -A INPUT -p dccp --dccp-types ACK
	ipt -A INPUT -p dccp ! --dccp-types REQUEST,RESET
	send_dccp 5 80 0	# REQUEST to port 80
	send_dccp 5 81 3	# ACK to port 81
	each_once 1 2 3
}
