#!/usr/bin/env bats
# Real packets for the limit, statistic, iprange, conntrack, addrtype, mac
# and owner matches: side A ($NS, 10.99.0.1 on veth0) runs our iptables,
# the peer ($NS_PEER, 10.99.0.2 on veth1) sends and answers.

load helpers

setup() { traffic_setup; }
teardown() { traffic_teardown; }

# ---------------------------------------------------------------- limit

@test "traffic: -m limit --limit 1/min --limit-burst 3 lets exactly 3 of 8 pings through" {
	run ipt -A INPUT -p icmp -m limit --limit 1/min --limit-burst 3 -j ACCEPT
	assert_success
	ipt -A INPUT -p icmp -j DROP
	three_of_eight
}

@test "traffic: -m limit default burst is 5" {
	ipt -A INPUT -p icmp -m limit --limit 2/hour -j ACCEPT
	ipt -A INPUT -p icmp -j DROP
	run replies 8
	assert_output 5
}

# ---------------------------------------------------------------- statistic

@test "traffic: -m statistic --mode nth --every 2 accepts every other ping" {
	run ipt -A INPUT -p icmp -m statistic --mode nth --every 2 --packet 0 -j ACCEPT
	assert_success
	ipt -A INPUT -p icmp -j DROP
	run replies 8
	assert_output 4
	run rule_counts INPUT 1
	assert_output "4 336"
}

@test "traffic: -m statistic nth --packet picks the phase, ! inverts" {
	ipt -A INPUT -p icmp -m statistic --mode nth --every 4 --packet 1 -j ACCEPT
	ipt -A INPUT -p icmp -m statistic --mode nth ! --every 2 --packet 1 -j DROP
	ipt -A INPUT -p icmp -j ACCEPT
	# packets 1 and 5 hit rule 1; of the other six, every other one is
	# dropped by rule 2 (the counter of rule 2 only sees those six)
	run replies 8
	assert_output 5
	run rule_counts INPUT 1
	assert_output "2 168"
	run rule_counts INPUT 2
	assert_output "3 252"
}

@test "traffic: -m statistic --mode random: probability 1 takes all, 0 none" {
	ipt -A INPUT -p icmp -m statistic --mode random --probability 1 -j ACCEPT
	ipt -A INPUT -p icmp -j DROP
	run replies 5
	assert_output 5
	ipt -F INPUT
	ipt -A INPUT -p icmp -m statistic --mode random --probability 0 -j ACCEPT
	ipt -A INPUT -p icmp -m statistic --mode random ! --probability 0 -j DROP
	ipt -A INPUT -p icmp -j ACCEPT
	run replies 3
	assert_output 0
	run rule_counts INPUT 2
	assert_output "3 252"
}

# ---------------------------------------------------------------- iprange

@test "traffic: -m iprange --src-range blocks a range, not addresses outside it" {
	run ipt -A INPUT -m iprange --src-range 10.99.0.2-10.99.0.9 -j DROP
	assert_success
	ping_in_blocked
	ipt -R INPUT 1 -m iprange --src-range 10.99.0.3-10.99.0.9 -j DROP
	ping_in_ok
	ipt -R INPUT 1 -m iprange ! --src-range 10.99.0.3-10.99.0.9 -j DROP
	ping_in_blocked
	ipt -R INPUT 1 -m iprange --dst-range 10.99.0.1-10.99.0.1 -j DROP
	ping_in_blocked
	ipt -R INPUT 1 -m iprange --dst-range 10.99.0.2-10.99.0.255 -j DROP
	ping_in_ok
	run rule_counts INPUT 1
	assert_output "0 0"
}

# ---------------------------------------------------------------- conntrack

@test "traffic: conntrack tuple, direction, status and expiry on echo replies" {
	ipt -A OUTPUT -p icmp -m conntrack --ctdir REPLY --ctproto icmp --ctorigsrc 10.99.0.2 --ctorigdst 10.99.0.0/24 --ctreplsrc 10.99.0.1 --ctstatus SEEN_REPLY --ctexpire 1:30 -j ACCEPT
	ipt -A OUTPUT -p icmp -j DROP
	ping_in_ok
	run rule_counts OUTPUT 1
	assert_output "1 84"
	# A's own pings are the original direction: dropped
	ping_out_blocked
	ipt -R OUTPUT 1 -p icmp -m conntrack --ctdir REPLY --ctorigsrc 10.99.0.3 -j ACCEPT
	ping_in_blocked
	ipt -R OUTPUT 1 -p icmp -m conntrack --ctexpire 31:100 -j ACCEPT
	ping_in_blocked
	ipt -R OUTPUT 1 -p icmp -m conntrack ! --ctexpire 31:100 ! --ctstatus ASSURED -j ACCEPT
	ping_in_ok
}

@test "traffic: conntrack ports and addresses with real TCP connections" {
	tcp_listen 2222
	tcp_listen 2223
	ipt -A INPUT -p tcp -m conntrack --ctstate NEW --ctorigdst 10.99.0.1 --ctorigdstport 2222 -j ACCEPT
	ipt -A INPUT -p tcp -m conntrack --ctstate ESTABLISHED --ctreplsrcport 2222:2222 --ctorigsrcport 1024:65535 -j ACCEPT
	ipt -A INPUT -p tcp -j DROP
	run peer nc -z -w 2 "$A" 2222
	assert_success
	run peer nc -z -w 2 "$A" 2223
	assert_failure
	ipt -R INPUT 1 -p tcp -m conntrack --ctstate NEW ! --ctorigdstport 2222 -j ACCEPT
	ipt -R INPUT 2 -p tcp -m conntrack --ctstate ESTABLISHED ! --ctreplsrcport 2222 -j ACCEPT
	run peer nc -z -w 2 "$A" 2223
	assert_success
	run peer nc -z -w 2 "$A" 2222
	assert_failure
}

@test "traffic: -m conntrack --ctstate with --ctorigdst lets replies to A's pings in" {
	ipt -P INPUT DROP
	ping_out_blocked
	ipt -A INPUT -m conntrack --ctstate ESTABLISHED --ctorigdst 10.99.0.2 -j ACCEPT
	ping_out_ok
	ping_in_blocked
	ipt -R INPUT 1 -m conntrack --ctstate ESTABLISHED --ctorigdst 10.99.0.3 -j ACCEPT
	ping_out_blocked
}

# ---------------------------------------------------------------- addrtype

@test "traffic: -m addrtype on local and unicast addresses" {
	ipt -A INPUT -p icmp -m addrtype ! --dst-type LOCAL -j DROP
	ping_in_ok
	ipt -A INPUT -p icmp -m addrtype --src-type UNICAST --dst-type LOCAL --limit-iface-in -j DROP
	ping_in_blocked
	ipt -D INPUT 2
	ipt -A INPUT -p icmp -m addrtype --dst-type BROADCAST,LOCAL -j DROP
	ping_in_blocked
	ipt -R INPUT 2 -p icmp -m addrtype ! --src-type LOCAL,UNICAST -j DROP
	ping_in_ok
	run rule_counts INPUT 1
	assert_output "0 0"
}

# ---------------------------------------------------------------- mac

@test "traffic: -m mac --mac-source matches the peer's address" {
	local mac
	mac=$(peer cat /sys/class/net/veth1/address)
	ipt -A INPUT -p icmp -m mac --mac-source "$mac" -j DROP
	ping_in_blocked
	ipt -R INPUT 1 -p icmp -m mac ! --mac-source "$mac" -j DROP
	ping_in_ok
	ipt -R INPUT 1 -p icmp -m mac --mac-source 02:00:00:00:00:01 -j DROP
	ping_in_ok
}

# ---------------------------------------------------------------- owner

@test "traffic: -m owner matches the sending socket's uid and gid" {
	ipt -A OUTPUT -p icmp -m owner --uid-owner 0 -j DROP
	ping_out_blocked
	ipt -R OUTPUT 1 -p icmp -m owner --uid-owner 1-65535 -j DROP
	ping_out_ok
	ipt -R OUTPUT 1 -p icmp -m owner ! --gid-owner 0 -j DROP
	ping_out_ok
	ipt -R OUTPUT 1 -p icmp -m owner --socket-exists --gid-owner 0 -j DROP
	ping_out_blocked
	# the echo replies A sends have no socket
	ipt -R OUTPUT 1 -p icmp -m owner --socket-exists -j DROP
	ping_in_ok
}

@test "traffic: -m connbytes accepts the first two echo requests of a ping, the others are dropped" {
	ipt -A INPUT -p icmp -m connbytes --connbytes 0:2 --connbytes-dir original \
		--connbytes-mode packets -j ACCEPT
	ipt -A INPUT -p icmp -j DROP
	run replies 5
	assert_output 2
	# '!': beyond the first two
	ipt -F INPUT
	ipt -A INPUT -p icmp -m connbytes ! --connbytes 0:2 --connbytes-dir original \
		--connbytes-mode packets -j DROP
	run replies 5
	assert_output 2
}

@test "traffic: SYNPROXY completes the handshake for the listener behind it" {
	tcp_listen 5005
	ns sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
	ipt -t raw -A PREROUTING -i veth0 -p tcp --dport 5005 --syn -j CT --notrack
	ipt -A INPUT -i veth0 -p tcp --dport 5005 -m state --state INVALID,UNTRACKED \
		-j SYNPROXY --sack-perm --timestamp --wscale 7 --mss 1460
	ipt -A INPUT -i veth0 -p tcp --dport 5005 -m state --state INVALID -j DROP
	tcp_ok 5005
	# the SYN and the client's ACK went through the proxy
	run rule_counts INPUT 1
	[ "${output%% *}" -ge 2 ]
	# without a listener the proxied connection is refused after the
	# handshake, so nc still fails
	tcp_blocked 5006
}

@test "traffic: CT --notrack leaves the packet untracked, alone or after other CT rules" {
	ipt -t raw -A PREROUTING -p icmp -j CT --notrack
	ipt -A INPUT -p icmp -m state --state UNTRACKED
	ipt -A INPUT -p icmp -m state --state NEW,ESTABLISHED
	ping_in_ok
	run rule_counts INPUT 1
	assert_output --regexp '^1 '
	run rule_counts INPUT 2
	assert_output --regexp '^0 '
	# with a zone too, which the xt target ignores: still untracked
	ipt -t raw -R PREROUTING 1 -p icmp -j CT --notrack --zone 3
	ipt -Z
	ping_in_ok
	run rule_counts INPUT 1
	assert_output --regexp '^1 '
}

@test "traffic: -m connlimit --connlimit-above 1 resets the second connection while the first stays open" {
	local i
	tcp_listen 5010
	ipt -A INPUT -p tcp --syn --dport 5010 -m connlimit --connlimit-above 1 \
		-j REJECT --reject-with tcp-reset
	# the first connection, kept open by a silent writer
	peer sh -c "sleep 30 | nc -4 $A 5010" > /dev/null 2>&1 3>&- &
	track_pid $!
	for ((i = 0; i < 100; i++)); do
		[ -n "$(ip netns exec "$NS" ss -Htn state established '( sport = :5010 )')" ] && break
		sleep 0.05
	done
	[ "$i" -lt 100 ]
	run rule_counts INPUT 1
	assert_output "0 0"
	# the second one finds one already counted for its source: reset
	tcp_blocked 5010
	run rule_counts INPUT 1
	assert_output --regexp '^[1-9]'
}
