#!/usr/bin/env bats
# Real IPv6 packets over a veth pair: side A ($NS, 2001:db8:99::1 on veth0)
# runs our ip6tables, the peer ($NS_PEER, 2001:db8:99::2 on veth1) sends
# and answers. Every test gets fresh namespaces. "Blocked" means a ping or
# connect that gets no answer within its (short) timeout.

load helpers

setup() { traffic_setup 6; }
teardown() { traffic_teardown; }

# ---------------------------------------------------------------- helpers

# forget what each side knows of the other's link address, so that the
# next packet needs neighbour discovery again
forget_neighbours() {
	ip -n "$NS" -6 neigh flush dev veth0
	ip -n "$NS_PEER" -6 neigh flush dev veth1
}

# ---------------------------------------------------------------- ICMPv6

@test "traffic-ip6: --icmpv6-type echo-request -j DROP blocks ping -6; -D lets it through" {
	ping_in_ok
	run ipt6 -A INPUT -p ipv6-icmp --icmpv6-type echo-request -j DROP
	assert_success
	ping_in_blocked
	# A's own pings still get their echo replies
	ping_out_ok
	run rule_counts INPUT 1
	assert_output "1 104"
	run ipt6 -D INPUT -p icmpv6 -m icmp6 --icmpv6-type ping -j DROP
	assert_success
	ping_in_ok
}

@test "traffic-ip6: -s and ! --icmpv6-type" {
	run ipt6 -A INPUT -s 2001:db8:99::/64 -p icmpv6 ! --icmpv6-type echo-request -j ACCEPT
	assert_success
	run ipt6 -A INPUT -s 2001:db8:99::2 -p icmpv6 -j DROP
	assert_success
	# the echo request falls through to the DROP rule
	ping_in_blocked
	run rule_counts INPUT 2
	assert_output "1 104"
	# neighbour discovery and echo replies match the first rule
	forget_neighbours
	ping_out_ok
	run rule_counts INPUT 1
	assert_output --regexp '^[1-9][0-9]* [1-9][0-9]*$'
}

# ---------------------------------------------------------------- policy DROP

@test "traffic-ip6: policy DROP breaks neighbour discovery; the usual ICMPv6 rules restore it" {
	run ipt6 -P INPUT DROP
	assert_success
	run ipt6 -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT
	assert_success
	forget_neighbours
	# A's echo request would be a tracked connection, but A never learns
	# the peer's link address: the neighbour advertisement is dropped
	ping_out_blocked
	run ipt6 -A INPUT -p ipv6-icmp --icmpv6-type neighbour-solicitation -j ACCEPT
	assert_success
	run ipt6 -A INPUT -p ipv6-icmp --icmpv6-type neighbour-advertisement -j ACCEPT
	assert_success
	forget_neighbours
	ping_out_ok
	ping_out_ok
	# the echo replies came in as ESTABLISHED (and, when it comes in time,
	# the "address unreachable" for the first ping as RELATED), the
	# advertisement by its type
	run rule_counts INPUT 1
	assert_output --regexp '^[23] '
	run rule_counts INPUT 3
	assert_output --regexp '^[1-9][0-9]* [1-9][0-9]*$'
	# nothing lets the peer's own echo requests in
	ping_in_blocked
}

@test "traffic-ip6: policy DROP + -m state ESTABLISHED,RELATED: TCP out ok, TCP in blocked" {
	ip netns exec "$NS_PEER" nc -6 -d -l -k "$B" 9091 > /dev/null 2>&1 3>&- &
	track_pid $!
	wait_sock t 9091 "$NS_PEER"
	tcp_listen 8081
	ipt6 -P INPUT DROP
	ipt6 -A INPUT -p icmpv6 --icmpv6-type neighbor-solicitation -j ACCEPT
	ipt6 -A INPUT -p icmpv6 --icmpv6-type neighbor-advertisement -j ACCEPT
	# without the state rule the peer's SYN-ACK is dropped
	run ns nc -6 -z -w 1 "$B" 9091
	assert_failure
	run ipt6 -I INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT
	assert_success
	run ns nc -6 -z -w 2 "$B" 9091
	assert_success
	# a connection the peer opens is NEW: dropped by the policy
	tcp_blocked 8081
	run ipt6 -A INPUT -p tcp --dport 8081 -m state --state NEW -j ACCEPT
	assert_success
	tcp_ok 8081
}

# ---------------------------------------------------------------- ports

@test "traffic-ip6: -p tcp --dport blocks one port and not another" {
	tcp_listen 8081 8082
	tcp_ok 8081
	tcp_ok 8082
	run ipt6 -A INPUT -s "$B" -p tcp --dport 8081 -j DROP
	assert_success
	tcp_blocked 8081
	tcp_ok 8082
	run rule_counts INPUT 1
	assert_output --regexp '^[1-9][0-9]* [1-9][0-9]*$'
	run ipt6 -R INPUT 1 -p tcp --dport 8082 -j DROP
	assert_success
	tcp_ok 8081
	tcp_blocked 8082
}

# ---------------------------------------------------------------- hop limit

@test "traffic-ip6: -m hl matches the hop limit the sender chose" {
	run ipt6 -A INPUT -p icmpv6 --icmpv6-type echo-request -m hl --hl-eq 64 -j DROP
	assert_success
	ping_in_blocked -t 64
	ping_in_ok -t 63
	run ipt6 -R INPUT 1 -p icmpv6 --icmpv6-type echo-request -m hl --hl-lt 10 -j DROP
	assert_success
	ping_in_ok -t 10
	ping_in_blocked -t 9
}

@test "traffic-ip6: -j HL --hl-set rewrites the hop limit of outgoing packets" {
	# the peer drops echo replies that arrive with hop limit 7
	run ip netns exec "$NS_PEER" "$IPT_BIN/ip6tables" -A INPUT -p icmpv6 --icmpv6-type echo-reply -m hl --hl-eq 7 -j DROP
	assert_success
	run peer ping -6 -c 1 -W 2 "$A"
	assert_success
	run ipt6 -t mangle -A OUTPUT -p icmpv6 --icmpv6-type echo-reply -j HL --hl-set 7
	assert_success
	run peer ping -6 -c 1 -W 1 "$A"
	assert_failure
	run rule_counts -t mangle OUTPUT 1
	assert_output "1 104"
	run ipt6 -t mangle -R OUTPUT 1 -p icmpv6 --icmpv6-type echo-reply -j HL --hl-set 8
	assert_success
	run peer ping -6 -c 1 -W 2 "$A"
	assert_success
}

# ---------------------------------------------------------------- fragments

@test "traffic-ip6: -m frag drops fragments, not whole packets" {
	# raw PREROUTING sees fragments as they come (nothing reassembles
	# them earlier without connection tracking)
	run ipt6 -t raw -A PREROUTING -m frag --fragmore -j DROP
	assert_success
	ping_in_ok
	run rule_counts -t raw PREROUTING 1
	assert_output "0 0"
	# a 3000-byte echo request leaves in three fragments: the first two
	# have more-fragments set and are dropped, so no answer comes
	ping_in_blocked -s 3000
	run rule_counts -t raw PREROUTING 1
	assert_output --regexp '^2 [1-9][0-9]*$'
	run ipt6 -t raw -R PREROUTING 1 -m frag --fraglast -j DROP
	assert_success
	ping_in_blocked -s 3000
	run ipt6 -t raw -R PREROUTING 1 -m frag --fragid 0:1 -j DROP
	assert_success
	ping_in_ok -s 3000
}

@test "traffic-ip6: -m ipv6header --soft and -m hbh see the router alert of MLD reports" {
	# bringing veth0 up again makes A send MLD reports (ICMPv6 type 143)
	# for its multicast groups, behind a hop-by-hop header that carries a
	# router alert (option 5, 2 bytes); the peer counts them as they
	# arrive (raw PREROUTING: they are not for a group the peer joined)
	local p6=(ip netns exec "$NS_PEER" "$IPT_BIN/ip6tables" -t raw)
	run "${p6[@]}" -A PREROUTING -m ipv6header --header hop --soft
	assert_success
	run "${p6[@]}" -A PREROUTING -m hbh --hbh-opts 5:2 -p icmpv6 --icmpv6-type 143
	assert_success
	run "${p6[@]}" -A PREROUTING -m ipv6header --header frag --soft
	assert_success
	run "${p6[@]}" -A PREROUTING -m hbh ! --hbh-len 8
	assert_success
	ip -n "$NS" link set veth0 down
	ip -n "$NS" link set veth0 up
	local i
	for ((i = 0; i < 60; i++)); do
		[ "$("${p6[@]}" -L PREROUTING -v -x -n | awk 'NR == 4 { print $1 }')" != 0 ] && break
		sleep 0.1
	done
	run "${p6[@]}" -L PREROUTING -v -x -n
	assert_line --index 2 --regexp '^ +[1-9][0-9]* '
	assert_line --index 3 --regexp '^ +[1-9][0-9]* '
	assert_line --index 4 --regexp '^ +0 +0 '
	assert_line --index 5 --regexp '^ +0 +0 '
}

# ---------------------------------------------------------------- DNAT

@test "traffic-ip6: DNAT sends a connection to another port of A" {
	tcp_listen 8081
	tcp_blocked 8080
	run ipt6 -t nat -A PREROUTING -d "$A" -p tcp --dport 8080 -j DNAT --to-destination "[$A]:8081"
	assert_success
	tcp_ok 8080
	run rule_counts -t nat PREROUTING 1
	assert_output --regexp '^1 [1-9][0-9]*$'
}

# ---------------------------------------------------------------- mh

# send_mh TYPE PROTO: the peer sends A one Mobility Header of that type
# whose payload proto field is PROTO (59, no next header, in a valid one)
send_mh() {
	peer python3 -c '
import socket, struct, sys
mh_type, proto = int(sys.argv[1]), int(sys.argv[2])
hdr = struct.pack(">BBBBH", proto, 0, mh_type, 0, 0) + bytes(2)
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 135)
s.sendto(hdr, (sys.argv[3], 0))
' "$1" "$2" "$A"
}

@test "traffic-ip6: -m mh counts its types, and drops a header whose proto field is not 59" {
	run ipt6 -A INPUT -p mh -m mh --mh-type binding-update
	assert_success
	ipt6 -A INPUT -p mh -m mh ! --mh-type bu
	ipt6 -A INPUT -p mh
	send_mh 5 59
	send_mh 6 59
	send_mh 7 59
	# the xt match drops this one at the first rule, so none counts it
	send_mh 5 6
	sleep 0.2
	packets_are INPUT 1 2 3
}

# ---------------------------------------------------------------- srh

# send_srh TAG SEGS_LEFT: the peer sends A an IPv6 packet with a Segment
# Routing Header (type 4, one segment: A, no next header) carrying TAG (in
# the byte order of this host: the kernel's match compares the packet's
# bytes with the host-order number of --srh-tag) and SEGS_LEFT, built
# whole on a raw socket
send_srh() {
	peer python3 -c '
import socket, struct, sys
tag, left, a, b = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
src, dst = socket.inet_pton(socket.AF_INET6, b), socket.inet_pton(socket.AF_INET6, a)
srh = struct.pack(">BBBBBB", 59, 2, 4, left, 0, 0) + struct.pack("=H", tag) + dst
ip6 = struct.pack(">IHBB", 6 << 28, len(srh), 43, 64) + src + dst
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(ip6 + srh, (a, 0))
' "$1" "$2" "$A" "$B"
}

@test "traffic-ip6: -m srh counts its tag and last segment, and refuses more segments left than entries" {
	run ipt6 -A INPUT -m srh --srh-tag 7 --srh-lsid "$A"
	assert_success
	ipt6 -A INPUT -m srh ! --srh-tag 7
	ipt6 -A INPUT -m srh --srh-lsid 2001:db8:98::/48
	send_srh 7 0
	send_srh 7 0
	send_srh 8 0
	# segments left 1 with one segment only: no srh rule takes it
	send_srh 8 1
	sleep 0.2
	packets_are INPUT 2 1 0
}

@test "traffic-ip6: -m ah finds the Authentication Header and tests its SPI and length" {
	# the peer sends A an AH (next header: none, 24 bytes: its length
	# field says 4) with that SPI from a raw IPv6 socket
	send_ah6() {
		peer python3 -c '
import socket, struct, sys
hdr = struct.pack(">BBHII", 59, 4, 0, int(sys.argv[1]), 1) + bytes(12)
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 51)
s.sendto(hdr, (sys.argv[2], 0))
' "$1" "$A"
	}
	ipt6 -A INPUT -m ah --ahspi 7 --ahlen 24
	ipt6 -A INPUT -m ah ! --ahspi 7
	ipt6 -A INPUT -m ah --ahlen 16
	send_ah6 7
	send_ah6 8
	send_ah6 9
	sleep 0.2
	run rule_counts INPUT 1
	assert_output --regexp '^1 '
	run rule_counts INPUT 2
	assert_output --regexp '^2 '
	run rule_counts INPUT 3
	assert_output '0 0'
}
