#!/usr/bin/env bats
# Real packets for the matches that look into the payload, which iptnft
# writes as the kernel's xt blobs: string and u32. Side A ($NS, 10.99.0.1)
# runs our iptables; the peer (10.99.0.2) sends UDP datagrams to port 5000
# (nothing listens: the rules' counters tell what got through).

load helpers

setup() { traffic_setup; }
teardown() {
	if [ -n "${BPF_DIR:-}" ]; then umount "$BPF_DIR" 2> /dev/null || true; fi
	traffic_teardown
}

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

# ------------------------------------------------------------------- bpf

# bpf_pin: a bpf file system in the test's directory ($BPF_DIR, taken
# down by teardown) holding two eBPF socket filters: "one" returns 1
# (match), "zero" returns 0
bpf_pin() {
	BPF_DIR=$BATS_TEST_TMPDIR/bpf
	mkdir -p "$BPF_DIR"
	mount -t bpf bpf "$BPF_DIR" || skip "no bpf file system"
	python3 "$TOP/tests/bpf-pin.py" "$BPF_DIR/one" 1
	python3 "$TOP/tests/bpf-pin.py" "$BPF_DIR/zero" 0
}

@test "traffic: -m bpf runs a pinned eBPF program and classic bytecode over the packet" {
	bpf_pin
	ipt -A INPUT -p icmp -m bpf --object-pinned "$BPF_DIR/one"
	ipt -A INPUT -p icmp -m bpf --object-pinned "$BPF_DIR/zero" -j DROP
	# classic BPF from the network header: protocol byte (9) is 1, ICMP
	ipt -A INPUT -m bpf --bytecode "4,48 0 0 9,21 0 1 1,6 0 0 1,6 0 0 0"
	ipt -A INPUT -m bpf --bytecode "4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0" -j DROP
	run replies 3
	assert_output 3
	assert_equal "$(rule_counts INPUT 1)" "3 252"
	assert_equal "$(rule_counts INPUT 2)" "0 0"
	assert_equal "$(rule_counts INPUT 3)" "3 252"
	assert_equal "$(rule_counts INPUT 4)" "0 0"
}

@test "-m bpf --object-pinned: listed and saved as the reference does; iptnft checks and deletes its rules, it lists iptnft's" {
	need_ref
	bpf_pin
	local one=$BPF_DIR/one zero=$BPF_DIR/zero
	ref -A INPUT -m bpf --object-pinned "$one" -j ACCEPT
	ref -A INPUT -m bpf --object-pinned "$zero" -m bpf --bytecode "1,6 0 0 1"
	same_listing filter
	same_save
	# iptnft finds the reference's rules (whose fd differs from its own)
	run ip netns exec "$NS_REF" "$IPT_BIN/iptables" -C INPUT -m bpf --object-pinned "$one" -j ACCEPT
	assert_success
	run ip netns exec "$NS_REF" "$IPT_BIN/iptables" -C INPUT -m bpf --object-pinned "$zero" -j ACCEPT
	assert_failure 1
	run ip netns exec "$NS_REF" "$IPT_BIN/iptables" -D INPUT -m bpf --object-pinned "$zero" -m bpf --bytecode "1,6 0 0 1"
	assert_success
	# and the reference lists iptnft's
	ipt -A INPUT -m bpf --object-pinned "$zero"
	ipt -A INPUT -m bpf --object-pinned "$one" -j ACCEPT
	run ip netns exec "$NS" "$REF_IPTABLES" -S INPUT
	assert_output "$(printf -- '-P INPUT ACCEPT\n-A INPUT -m bpf --object-pinned %s\n-A INPUT -m bpf --object-pinned %s -j ACCEPT' "$zero" "$one")"
	# (the reference's own -D compares the fd its process got with the
	# one in the kernel's blob, so it finds a pinned rule only when the
	# numbers happen to agree: not tested)
	# the same words for both options, a repeat, or a path that is no
	# bpf object
	same_error -A INPUT -m bpf --bytecode "1,6 0 0 1" --object-pinned "$one"
	same_error -A INPUT -m bpf --object-pinned "$one" --object-pinned "$one"
	same_error -A INPUT -m bpf --object-pinned "$BPF_DIR"
}

# same_error ARGS...: iptnft and the reference print the same and exit
# alike (with a failure) for iptables ARGS
same_error() {
	run ref "$@"
	assert_failure
	local want=$output want_status=$status
	run ipt "$@"
	assert_equal "$status" "$want_status"
	assert_equal "$output" "$want"
}
