#!/usr/bin/env bats
# Real packets for the matches that look into the payload, which iptnft
# writes as the kernel's xt blobs: string and u32. Side A ($NS, 10.99.0.1)
# runs our iptables; the peer (10.99.0.2) sends UDP datagrams to port 5000
# (nothing listens: the rules' counters tell what got through).

load helpers

setup() { traffic_setup; }
teardown() { traffic_teardown; }

# send TEXT: one UDP datagram from the peer to A port 5000 (printf's
# escapes work in TEXT)
send() {
	peer bash -c "printf '$1' > /dev/udp/$A/5000"
}

# ---------------------------------------------------------------- string

@test "traffic: -m string drops the datagram holding the word, lets the other pass" {
	run ipt -A INPUT -p udp --dport 5000 -m string --algo bm --string EVIL -j DROP
	assert_success
	ipt -A INPUT -p udp --dport 5000 -m string --algo kmp --hex-string '|de ad|x' --icase -j DROP
	ipt -A INPUT -p udp --dport 5000 -j ACCEPT
	send 'hello world'
	send 'an EVIL plan'
	send 'an evil plan'
	send 'bytes \336\255X here'
	run rule_counts INPUT 1
	assert_output --regexp '^1 '
	run rule_counts INPUT 2
	assert_output --regexp '^1 '
	# what got past both: hello and the lower-case word
	run rule_counts INPUT 3
	assert_output --regexp '^2 '
	run ipt -S INPUT
	assert_line -- "-A INPUT -p udp -m udp --dport 5000 -m string --hex-string \"|dead78|\" --algo kmp --icase -j DROP"
}

@test "traffic: ! --string and --to: only datagrams without the word early on are counted" {
	# the word must lie within the first 40 bytes (IP and UDP headers: 28)
	ipt -A INPUT -p udp --dport 5000 -m string --algo bm ! --string KEY --to 40 -j DROP
	ipt -A INPUT -p udp --dport 5000 -j ACCEPT
	send 'KEY up front'
	send 'no key at all'
	send '................................KEY too late'
	run rule_counts INPUT 1
	assert_output --regexp '^2 '
	run rule_counts INPUT 2
	assert_output --regexp '^1 '
}

# ---------------------------------------------------------------- u32

@test "traffic: -m u32 on the IP TTL stops only the ping sent with TTL 7" {
	# the word at offset 8 holds TTL, protocol and checksum: TTL in the top byte
	run ipt -A INPUT -p icmp -m u32 --u32 "8>>24=7" -j DROP
	assert_success
	ping_in_ok
	ping_in_blocked -t 7
	ping_in_ok -t 8
	run rule_counts INPUT 1
	assert_output --regexp '^1 '
}

@test "traffic: -m u32 follows the IP header length (@) to the ICMP type" {
	# the header length (in words) times 4 is where ICMP starts; its first
	# byte is the type: 8 for an echo request, 0 for a reply
	ipt -A INPUT -p icmp -m u32 --u32 "0>>22&0x3C@0>>24=8"
	ipt -A INPUT -p icmp -m u32 ! --u32 "0>>22&0x3C@0>>24=8" -j DROP
	ping_in_ok
	run rule_counts INPUT 1
	assert_output "1 84"
	# A's own ping gets an echo reply, type 0: dropped
	ping_out_blocked
	run rule_counts INPUT 2
	assert_output --regexp '^1 '
}

# ------------------------------------------------------------------- osf

@test "traffic: -m osf knows the peer's SYN by a fingerprint loaded with nfnl_osf, not by another genre" {
	command -v nfnl_osf > /dev/null || skip "nfnl_osf not installed"
	# the SYN Linux sends on a 1500-byte link: window 44 MSS, TTL 64,
	# DF, 60 bytes, options MSS, SACK permitted, timestamps, NOP,
	# window scale 7. The fingerprint list is the kernel's, not the
	# namespace's: the genre is ours alone and is taken out again.
	local fp=$BATS_TEST_TMPDIR/fp.os
	echo 'S44:64:1:60:M*,S,T,N,W7:IptnftProbe:1.0:syn:iptnft test' > "$fp"
	ns nfnl_osf -f "$fp"
	ipt -A INPUT -p tcp --syn -m osf --genre IptnftProbe
	ipt -A INPUT -p tcp --syn -m osf --genre IptnftProbe --ttl 2 --log 2
	ipt -A INPUT -p tcp --syn -m osf --genre IptnftOther -j DROP
	tcp_listen 5001
	tcp_ok 5001
	run rule_counts INPUT 1
	local one=$output
	run rule_counts INPUT 2
	local two=$output
	run rule_counts INPUT 3
	ns nfnl_osf -d -f "$fp"
	assert_equal "$one" "1 60"
	assert_equal "$two" "1 60"
	assert_output "0 0"
}
