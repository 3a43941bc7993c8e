#!/usr/bin/env bats
# Real packets over a veth pair: side A ($NS, 10.99.0.1 on veth0) runs our
# iptables, the peer ($NS_PEER, 10.99.0.2 on veth1) sends and answers.
# Every test gets fresh namespaces. "Blocked" means a ping or connect that
# gets no answer within its (short) timeout; nothing asserts on timing.

load helpers

setup() { traffic_setup; }
teardown() { traffic_teardown; }

# ---------------------------------------------------------------- helpers

# udp_listen PORT: datagrams to A:PORT are appended to $BATS_TEST_TMPDIR/udp.PORT
udp_listen() {
	: > "$BATS_TEST_TMPDIR/udp.$1"
	ip netns exec "$NS" nc -d -u -l -k "$A" "$1" > "$BATS_TEST_TMPDIR/udp.$1" 2> /dev/null 3>&- &
	track_pid $!
	wait_sock u "$1"
}

# udp_send PORT WORD: one datagram from the peer to A:PORT
udp_send() {
	peer bash -c "echo $2 > /dev/udp/$A/$1"
}

# ---------------------------------------------------------------- ICMP

# udp_wait PORT WORD: until WORD has arrived on PORT
udp_wait() { wait_line "$BATS_TEST_TMPDIR/udp.$1" "$2"; }

@test "traffic: -p icmp -j DROP blocks ping; -D INPUT 1 lets it through" {
	ping_in_ok
	run ipt -A INPUT -p icmp -j DROP
	assert_success
	ping_in_blocked
	run ipt -D INPUT 1
	assert_success
	ping_in_ok
}

@test "traffic: -p icmp -j DROP blocks ping; -D by specification lets it through" {
	ipt -A INPUT -p tcp -j DROP
	ipt -A INPUT -p icmp -j DROP
	ping_in_blocked
	run ipt -D INPUT -p icmp -j DROP
	assert_success
	ping_in_ok
	run ipt -S INPUT
	assert_output "-P INPUT ACCEPT
-A INPUT -p tcp -j DROP"
}

@test "traffic: --icmp-type echo-request drops pings in, not echo replies to A's pings" {
	ipt -A INPUT -p icmp --icmp-type echo-request -j DROP
	ping_in_blocked
	ping_out_ok
	ping_out_ok
	# only the one echo request from the peer was counted
	run rule_counts INPUT 1
	assert_output "1 84"
}

@test "traffic: -f does not match unfragmented pings, drops later fragments" {
	run ipt -A INPUT -f -j DROP
	assert_success
	ping_in_ok
	run peer ping -c 2 -i 0.2 -W 2 "$A"
	assert_success
	run rule_counts INPUT 1
	assert_output "0 0"
	# INPUT only sees reassembled packets; raw PREROUTING sees fragments
	# (no conntrack here, so nothing reassembles them earlier)
	run ipt -t raw -A PREROUTING -f -j DROP
	assert_success
	ping_in_ok
	# a 3000-byte echo request leaves veth1 (mtu 1500) in three
	# fragments of 1500, 1500 and 68 bytes; the second and third are
	# dropped, so it is never reassembled and never answered
	run peer ping -c 1 -W 1 -s 3000 "$A"
	assert_failure
	run ipt -t raw -L PREROUTING -v -x -n
	assert_line --index 2 --regexp '^ +2 +1568 DROP +0 +-f +\* +\* +0\.0\.0\.0/0 +0\.0\.0\.0/0 *$'
	ipt -t raw -D PREROUTING 1
	run peer ping -c 1 -W 2 -s 3000 "$A"
	assert_success
	run rule_counts INPUT 1
	assert_output "0 0"
}

# ---------------------------------------------------------------- state

# replies_only MATCH...: under policy DROP, a rule "MATCH -j ACCEPT" lets
# in the replies to A's pings, and not the peer's pings
replies_only() {
	ipt -P INPUT DROP
	# without the state rule even the replies to A's pings are dropped
	ping_out_blocked
	run ipt -A INPUT "$@" -j ACCEPT
	assert_success
	ping_out_ok
	ping_in_blocked
	ping_out_ok
	run rule_counts INPUT 1
	assert_output "2 168"
}

@test "traffic: policy DROP + -m state ESTABLISHED,RELATED: outgoing ok, incoming blocked" {
	replies_only -m state --state ESTABLISHED,RELATED
}

@test "traffic: policy DROP + -m conntrack --ctstate ESTABLISHED,RELATED: outgoing ok, incoming blocked" {
	replies_only -m conntrack --ctstate ESTABLISHED,RELATED
}

@test "traffic: state NEW/ESTABLISHED over TCP: only A's own connections get in" {
	tcp_listen 8081
	ip netns exec "$NS_PEER" nc -d -l -k "$B" 9091 > /dev/null 2>&1 3>&- &
	track_pid $!
	wait_sock t 9091 "$NS_PEER"
	ipt -P INPUT DROP
	ipt -A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT
	run ns nc -z -w 2 "$B" 9091
	assert_success
	tcp_blocked 8081
	ipt -A INPUT -p tcp --dport 8081 -m state --state NEW -j ACCEPT
	tcp_ok 8081
}

# ---------------------------------------------------------------- chains

@test "traffic: user chain: -j WEB with -A WEB -j DROP blocks, RETURN falls back to INPUT" {
	run ipt -N WEB
	assert_success
	ipt -A INPUT -p icmp -j WEB
	ipt -A WEB -j DROP
	ping_in_blocked
	ipt -D WEB 1
	ipt -A WEB -j RETURN
	ipt -P INPUT DROP
	# RETURN resumes INPUT after the jump; nothing there yet: policy DROP
	ping_in_blocked
	ipt -A INPUT -p icmp -j ACCEPT
	ping_in_ok
	run rule_counts WEB 1
	assert_output "2 168"
	run rule_counts INPUT 2
	assert_output "1 84"
}

@test "traffic: -g to a chain that RETURNs ends in the policy, -j continues in INPUT" {
	ipt -N WEB
	ipt -A WEB -j RETURN
	ipt -P INPUT DROP
	ipt -A INPUT -p icmp -j WEB
	ipt -A INPUT -p icmp -j ACCEPT
	ping_in_ok
	# goto: RETURN from WEB ends INPUT, so the policy (DROP) decides
	run ipt -R INPUT 1 -p icmp -g WEB
	assert_success
	ping_in_blocked
	run rule_counts INPUT 2
	assert_output "1 84"
	run rule_counts WEB 1
	assert_output "2 168"
	# and the other way round: policy ACCEPT, a DROP after the goto
	ipt -P INPUT ACCEPT
	ipt -R INPUT 2 -p icmp -j DROP
	ping_in_ok
	ipt -R INPUT 1 -p icmp -j WEB
	ping_in_blocked
	run rule_counts INPUT 2
	assert_output "1 84"
}

# ---------------------------------------------------------------- TCP

@test "traffic: tcp --dport 8081 --syn -j DROP blocks 8081, not 8082" {
	tcp_listen 8081 8082
	tcp_ok 8081
	tcp_ok 8082
	run ipt -A INPUT -p tcp --dport 8081 --syn -j DROP
	assert_success
	tcp_blocked 8081
	tcp_ok 8082
	ipt -D INPUT -p tcp --dport 8081 --syn -j DROP
	tcp_ok 8081
}

@test "traffic: tcp --sport matches the peer's source port" {
	tcp_listen 8081
	run ipt -A INPUT -p tcp --sport 40001 -j DROP
	assert_success
	tcp_blocked 8081 -p 40001
	tcp_ok 8081 -p 40002
	ipt -R INPUT 1 -p tcp ! --sport 40001 -j DROP
	tcp_blocked 8081 -p 40003
	tcp_ok 8081 -p 40001
}

@test "traffic: tcp ! --dport 8082 -j DROP blocks 8081, not 8082" {
	tcp_listen 8081 8082
	run ipt -A INPUT -p tcp ! --dport 8082 -j DROP
	assert_success
	tcp_blocked 8081
	tcp_ok 8082
}

@test "traffic: tcp --dport range" {
	tcp_listen 8081 8082
	run ipt -A INPUT -p tcp --dport 8070:8081 -j DROP
	assert_success
	tcp_blocked 8081
	tcp_ok 8082
	run ipt -R INPUT 1 -p tcp --dport 8082:8090 -j DROP
	assert_success
	tcp_ok 8081
	tcp_blocked 8082
	run ipt -R INPUT 1 -p tcp ! --dport 8082:8090 -j DROP
	assert_success
	tcp_blocked 8081
	tcp_ok 8082
}

# ---------------------------------------------------------------- UDP

@test "traffic: udp --dport -j DROP drops datagrams to that port only" {
	udp_listen 5353
	udp_listen 5354
	run ipt -A INPUT -p udp --dport 5353 -j DROP
	assert_success
	udp_send 5353 one
	udp_send 5354 two
	udp_wait 5354 two
	ipt -D INPUT 1
	udp_send 5353 three
	udp_wait 5353 three
	# same path, sent in order: had "one" passed it would be there already
	run cat "$BATS_TEST_TMPDIR/udp.5353"
	assert_output "three"
	run cat "$BATS_TEST_TMPDIR/udp.5354"
	assert_output "two"
}

# ---------------------------------------------------------------- addresses

# drops CHAIN WORDS PING [WORDS PING]...: "WORDS -j DROP" as CHAIN's first
# rule, each in turn (appended, then replacing it), and after each
# ping_PING (in_ok, in_blocked, out_ok, out_blocked) passes
drops() {
	local chain=$1 at=(-A "$1")
	shift
	while [ $# -gt 0 ]; do
		# shellcheck disable=SC2086 # WORDS are the rule's words
		ipt "${at[@]}" $1 -j DROP
		"ping_$2"
		at=(-R "$chain" 1)
		shift 2
	done
}

@test "traffic: -s with CIDR and !" {
	drops INPUT "-s 10.99.0.0/30" in_blocked "-s 10.99.0.4/30" in_ok \
		"! -s 10.99.0.4/30" in_blocked "! -s 10.99.0.2" in_ok "-s 10.99.0.3/31" in_blocked
}

@test "traffic: -d with CIDR and !, in INPUT and OUTPUT" {
	drops INPUT "-d 10.99.0.0/24" in_blocked "-d 10.99.0.128/25" in_ok \
		"! -d 10.99.0.1/32" in_ok "! -d 10.99.0.2" in_blocked
	ipt -F INPUT
	drops OUTPUT "-d 10.99.0.2/31" out_blocked "! -d 10.99.0.2/31" out_ok
}

# ---------------------------------------------------------------- interfaces

@test "traffic: -i veth0, -i veth+, ! -i lo" {
	drops INPUT "-i veth0" in_blocked "-i veth1" in_ok "-i veth+" in_blocked \
		"-i eth+" in_ok "! -i lo" in_blocked
	run ns ping -c 1 -W 2 127.0.0.1
	assert_success
	ipt -R INPUT 1 -i lo -j DROP
	ping_in_ok
	run ns ping -c 1 -W 1 127.0.0.1
	assert_failure
	ipt -R INPUT 1 ! -i veth+ -j DROP
	ping_in_ok
}

@test "traffic: -o in OUTPUT" {
	ipt -A OUTPUT -o veth0 -j DROP
	ping_out_blocked
	# the reply to the peer's ping leaves through veth0 too
	ping_in_blocked
	ipt -R OUTPUT 1 -o lo -j DROP
	ping_out_ok
	run ns ping -c 1 -W 1 127.0.0.1
	assert_failure
	ipt -R OUTPUT 1 -o veth+ -j DROP
	ping_out_blocked
	ipt -R OUTPUT 1 ! -o veth0 -j DROP
	ping_out_ok
	ipt -R OUTPUT 1 ! -o lo -j DROP
	ping_out_blocked
}

# ---------------------------------------------------------------- counters

@test "traffic: counters count exactly the packets and bytes; -Z zeroes them" {
	ipt -A INPUT -p tcp -j ACCEPT
	ipt -A INPUT -s 10.99.0.2 -p icmp -j ACCEPT
	run peer ping -c 3 -i 0.2 -W 2 "$A"
	assert_success
	run ipt -L INPUT -v -x -n
	assert_success
	assert_line --index 2 --regexp '^ +0 +0 ACCEPT +6 +-- +\* +\* +0\.0\.0\.0/0 +0\.0\.0\.0/0 *$'
	assert_line --index 3 --regexp '^ +3 +252 ACCEPT +1 +-- +\* +\* +10\.99\.0\.2 +0\.0\.0\.0/0 *$'
	run ipt -Z
	assert_success
	assert_output ""
	run rule_counts INPUT 2
	assert_output "0 0"
	run peer ping -c 2 -i 0.2 -W 2 "$A"
	assert_success
	run rule_counts INPUT 2
	assert_output "2 168"
	# -Z on one rule
	run ipt -Z INPUT 2
	assert_success
	run rule_counts INPUT 2
	assert_output "0 0"
}

@test "traffic: -L -Z prints the old counts, then zeroes them" {
	ipt -A INPUT -s 10.99.0.2 -p icmp -j ACCEPT
	run peer ping -c 4 -i 0.2 -W 2 "$A"
	assert_success
	run ipt -L INPUT -Z -v -x -n
	assert_success
	assert_line --index 0 "Chain INPUT (policy ACCEPT 0 packets, 0 bytes)"
	assert_line --index 2 --regexp '^ +4 +336 ACCEPT +1 +-- +\* +\* +10\.99\.0\.2 +0\.0\.0\.0/0 *$'
	assert_line --index 3 "Zeroing chain \`INPUT'"
	run ipt -L INPUT -v -x -n
	assert_line --index 2 --regexp '^ +0 +0 ACCEPT +1 +-- +\* +\* +10\.99\.0\.2 +0\.0\.0\.0/0 *$'
}

@test "traffic: -c on -A sets the counters, -S -v shows them, packets add up" {
	run ipt -A INPUT -s 10.99.0.2 -p icmp -c 7 700 -j ACCEPT
	assert_success
	run ipt -S INPUT -v
	assert_success
	assert_output "-P INPUT ACCEPT -c 0 0
-A INPUT -s 10.99.0.2/32 -p icmp -c 7 700 -j ACCEPT"
	ping_in_ok
	run ipt -S INPUT -v
	assert_output "-P INPUT ACCEPT -c 0 0
-A INPUT -s 10.99.0.2/32 -p icmp -c 8 784 -j ACCEPT"
	run ipt -L INPUT -v -x -n
	assert_line --index 2 --regexp '^ +8 +784 ACCEPT +1 +-- +\* +\* +10\.99\.0\.2 +0\.0\.0\.0/0 *$'
}

# send_ipsec PROTO SPI: the peer sends A one ESP (50), AH (51) or IPComp
# (108, SPI: the CPI) packet with that SPI from a raw socket
send_ipsec() {
	peer python3 -c '
import socket, struct, sys
proto, spi = int(sys.argv[1], 0), int(sys.argv[2], 0)
if proto == 50:
    hdr = struct.pack(">II", spi, 1)
elif proto == 108:
    hdr = struct.pack(">BBH", 4, 0, spi)
else:
    hdr = struct.pack(">BBHII", 59, 4, 0, spi, 1) + bytes(12)
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
s.sendto(hdr + bytes(16), (sys.argv[3], 0))
' "$1" "$2" "$A"
}

@test "traffic: -m esp and -m ah count the packets of their SPI only" {
	ipt -A INPUT -p esp -m esp --espspi 0x100:0x1ff
	ipt -A INPUT -p esp -m esp ! --espspi 0x100:0x1ff
	ipt -A INPUT -p ah -m ah --ahspi 7
	ipt -A INPUT -p ah -m ah ! --ahspi 7
	send_ipsec 50 0x180
	send_ipsec 50 0x180
	send_ipsec 50 0x200
	send_ipsec 51 7
	send_ipsec 51 8
	send_ipsec 51 9
	sleep 0.2
	packets_are INPUT 2 1 1 2
}

@test "traffic: -m ipcomp counts the packets of its CPI only, 16 bits of it" {
	ipt -A INPUT -p 108 -m ipcomp --ipcompspi 0x100:0x1ff --compres
	ipt -A INPUT -p 108 -m ipcomp ! --ipcompspi 0x100:0x1ff
	ipt -A INPUT -p 108 -m ipcomp --ipcompspi 0x10100
	ipt -A INPUT -p 108 -m ipcomp ! --ipcompspi 0x10100
	send_ipsec 108 0x180
	send_ipsec 108 0x100
	send_ipsec 108 0x200
	sleep 0.2
	# the xt match compares the 16-bit CPI with 32-bit numbers (3 and 4)
	packets_are INPUT 2 1 0 3
}

@test "traffic: -m tcpmss drops the SYN announcing MSS 1460; ! counts the segments without the option" {
	tcp_listen 5001 5002
	ipt -A INPUT -p tcp --dport 5001 -m tcpmss --mss 1400:1500 -j DROP
	tcp_blocked 5001
	ipt -A INPUT -p tcp --dport 5002 -m tcpmss --mss 1000:1400 -j DROP
	tcp_ok 5002
	# the xt match takes a segment without the option for "!": of the
	# connection's segments only the SYN carries it
	ipt -F INPUT
	ipt -A INPUT -p tcp --dport 5002 -m tcpmss ! --mss 1460
	ipt -A INPUT -p tcp --dport 5002 --syn
	tcp_ok 5002
	run rule_counts INPUT 2
	assert_output --regexp '^1 '
	run rule_counts INPUT 1
	[ "${output%% *}" -ge 2 ]
}

@test "traffic: -m ecn sees the codepoint a socket sets and the ECE and CWR of an ECN SYN" {
	tcp_listen 5003
	ipt -A INPUT -p udp --dport 5004 -m ecn --ecn-ip-ect 1
	ipt -A INPUT -p udp --dport 5004 -m ecn ! --ecn-ip-ect 1
	ipt -A INPUT -p tcp --dport 5003 --syn -m ecn --ecn-tcp-ece --ecn-tcp-cwr
	ipt -A INPUT -p tcp --dport 5003 --syn -m ecn ! --ecn-tcp-ece
	peer python3 -c '
import socket, sys
for tos in (1, 1, 2):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, tos)
    s.sendto(b"x", (sys.argv[1], 5004))
' "$A"
	# an ECN-setup SYN carries ECE and CWR; one without, neither
	peer sysctl -qw net.ipv4.tcp_ecn=1
	tcp_ok 5003
	peer sysctl -qw net.ipv4.tcp_ecn=0
	tcp_ok 5003
	sleep 0.2
	packets_are INPUT 2 1 1 1
}

@test "traffic: -m rpfilter fails a source routed back through another interface, --loose passes it" {
	ip -n "$NS_PEER" addr add 192.0.2.77/32 dev veth1
	ip -n "$NS" route add 192.0.2.0/24 dev veth0
	ipt -t raw -A PREROUTING -s 192.0.2.77 -p icmp -m rpfilter --invert
	ipt -t raw -A PREROUTING -s 192.0.2.77 -p icmp -m rpfilter --loose --invert
	ipt -t raw -A PREROUTING -s 192.0.2.77 -p icmp -m rpfilter
	# the way back is veth0, where it came in: passes
	ping_in_ok -I 192.0.2.77
	run rule_counts -t raw PREROUTING 1
	assert_output --regexp '^0 '
	run rule_counts -t raw PREROUTING 3
	assert_output --regexp '^[1-9]'
	# the way back is veth8: the strict test fails, the loose one passes
	ip -n "$NS" link add veth8 type veth peer name veth9
	ip -n "$NS" link set veth8 up
	ip -n "$NS" link set veth9 up
	ip -n "$NS" route replace 192.0.2.0/24 dev veth8
	ipt -t raw -Z
	peer ping -n -q -c 1 -W 1 -I 192.0.2.77 "$A" || true
	run rule_counts -t raw PREROUTING 1
	assert_output --regexp '^1 '
	run rule_counts -t raw PREROUTING 2
	assert_output --regexp '^0 '
	# no way back at all: both fail
	ip -n "$NS" route del 192.0.2.0/24
	ipt -t raw -Z
	peer ping -n -q -c 1 -W 1 -I 192.0.2.77 "$A" || true
	run rule_counts -t raw PREROUTING 2
	assert_output --regexp '^1 '
}

# ---------------------------------------------------------------- connlabel


@test "traffic: -m connlabel --set labels the connection; its next packet matches --label" {
	ipt -A INPUT -p icmp -m connlabel --label 5
	ipt -A INPUT -p icmp -m connlabel --label 5 --set
	ipt -A INPUT -p icmp -m connlabel --label 6
	peer ping -c 2 -i 0.2 -W 2 "$A"
	# the first echo request set the label: only the second finds it
	packets_are INPUT 1 2 0
}

@test "traffic: -m connlabel ! --label matches a packet without a connection" {
	ipt -t raw -A PREROUTING -p icmp -j NOTRACK
	ipt -A INPUT -p icmp -m connlabel ! --label 5
	ipt -A INPUT -p icmp -m connlabel --label 5
	ping_in_ok
	packets_are INPUT 1 0
}

# ---------------------------------------------------------------- cgroup

@test "traffic: -m cgroup sees A's own sockets under the cgroup2 root, never a SYN-ACK's request socket" {
	tcp_listen 5003
	ipt -A OUTPUT -p icmp -m cgroup --path /
	ipt -A OUTPUT -p icmp -m cgroup ! --path /
	ipt -A OUTPUT -p icmp -m cgroup --cgroup 0
	ipt -A OUTPUT -p tcp --tcp-flags SYN,ACK SYN,ACK
	ipt -A OUTPUT -p tcp --tcp-flags SYN,ACK SYN,ACK -m cgroup --path /
	ipt -A OUTPUT -p tcp --tcp-flags SYN,ACK SYN,ACK -m cgroup ! --path /
	ping_out_ok
	tcp_ok 5003
	# no net_cls class: class id 0 (3); the listener answers the SYN (4)
	# from a request socket, which the xt match passes over, inverted or
	# not (nft's meta cgroup would take the listener's)
	packets_are OUTPUT 1 0 1 1 0 0
}

# ---------------------------------------------------------------- policy

# xfrm_esp NS LOCAL REMOTE: ESP in transport mode between LOCAL and REMOTE
# in NS (fixed keys; SPI 0x100 from A, 0x200 from B; request id 7)
xfrm_esp() {
	local n=$1 l=$2 r=$3 out_spi=0x200 in_spi=0x100
	[ "$l" = "$A" ] && { out_spi=0x100; in_spi=0x200; }
	ip -n "$n" xfrm state add src "$l" dst "$r" proto esp spi "$out_spi" reqid 7 mode transport \
		aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128 || return 1
	ip -n "$n" xfrm state add src "$r" dst "$l" proto esp spi "$in_spi" reqid 7 mode transport \
		aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128 || return 1
	ip -n "$n" xfrm policy add src "$l" dst "$r" dir out \
		tmpl src "$l" dst "$r" proto esp reqid 7 mode transport || return 1
	ip -n "$n" xfrm policy add src "$r" dst "$l" dir in \
		tmpl src "$r" dst "$l" proto esp reqid 7 mode transport
}

@test "traffic: -m policy --pol none takes plain packets, --pol ipsec none of them" {
	ipt -A INPUT -p icmp -m policy --dir in --pol none
	ipt -A INPUT -p icmp -m policy --dir in --pol ipsec
	ipt -A OUTPUT -p icmp -m policy --dir out --pol none
	ipt -A OUTPUT -p icmp -m policy --dir out --pol ipsec
	ping_in_ok
	packets_are INPUT 1 0
	packets_are OUTPUT 1 0
}

@test "traffic: -m policy tells packets of an IPsec policy from others" {
	ipt -A INPUT -p icmp -m policy --dir in --pol ipsec --strict --reqid 7 --proto esp --mode transport
	ipt -A INPUT -p icmp -m policy --dir in --pol none
	ipt -A INPUT -p icmp -m policy --dir in --pol ipsec --reqid 8
	ipt -A OUTPUT -p icmp -m policy --dir out --pol ipsec --proto esp
	ping_in_ok
	xfrm_esp "$NS" "$A" "$B" || skip "no ESP in this kernel"
	xfrm_esp "$NS_PEER" "$B" "$A"
	ping_in_ok
	packets_are INPUT 1 1 0
	packets_are OUTPUT 1
}
