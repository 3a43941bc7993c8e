#!/usr/bin/env bats
# Cross-reading for the comment, mark, connmark, pkttype, length, ttl,
# tos and dscp matches and the MARK, CONNMARK, TTL, DSCP, TOS and
# CLASSIFY targets: rules the reference writes (natively or as xt blobs)
# are listed and saved by iptnft exactly as the reference lists them;
# and what iptnft writes holds no xt compat expression.

load helpers

setup() { ref_setup; }

# ours ARGS...: our iptables in the reference's namespace
ours() { ip netns exec "$NS_REF" "$IPT_BIN/iptables" "$@"; }

@test "xread: comment written by the reference" {
	ref -A INPUT -m comment --comment hello -j ACCEPT
	ref -A INPUT -p tcp -m comment --comment "with blanks" --dport 22
	ref -A INPUT -m comment --comment 'q"uo\te'"'"'s' -m mark --mark 1
	ref -A INPUT -m comment --comment ""
	ref -A INPUT -m comment --comment "$(printf 'y%.0s' $(seq 255))"
	same_listing filter
	same_save
}

@test "xread: comment written by nft is shown too" {
	ref -A INPUT -j ACCEPT
	ip netns exec "$NS_REF" nft add rule ip filter INPUT counter accept comment '"from nft"'
	same_listing filter
}

@test "xread: mark match written by the reference" {
	ref -A INPUT -m mark --mark 5 -j ACCEPT
	ref -A INPUT -m mark ! --mark 0x10/0xf0
	ref -A INPUT -m mark --mark 0/0
	ref -A INPUT -s 192.0.2.1 -m mark --mark 1 -m mark ! --mark 2 -j DROP
	ip netns exec "$NS_REF" "$REF_DIR/ip6tables-nft" -A INPUT -m mark --mark 3/0xf
	same_listing filter
	same_listing -6 filter
	same_save
}

@test "xread: connmark match written by the reference" {
	ref -A INPUT -m connmark --mark 5 -j ACCEPT
	ref -A INPUT -m connmark ! --mark 0x7/0xf0
	ref -A INPUT -m connmark --mark 0xffffffff -m mark --mark 1
	ref -A FORWARD -p tcp --dport 22 -m connmark ! --mark 1/1 -j DROP
	same_listing filter
	same_save
}

@test "xread: pkttype written by the reference" {
	ref -A INPUT -m pkttype --pkt-type unicast -j ACCEPT
	ref -A INPUT -m pkttype ! --pkt-type broadcast
	ref -A INPUT -m pkttype --pkt-type multicast
	ref -A INPUT -m pkttype --pkt-type otherhost -j DROP
	same_listing filter
	same_save
}

@test "xread: length written by the reference" {
	ref -A INPUT -m length --length 100 -j ACCEPT
	ref -A INPUT -m length ! --length 100:200
	ref -A INPUT -m length --length :200
	ref -A INPUT -m length --length 300:
	ref -A INPUT -m length --length 200:100
	same_listing filter
	same_save
}

@test "xread: ttl match written by the reference" {
	ref -A INPUT -m ttl --ttl-eq 64 -j ACCEPT
	ref -A INPUT -m ttl ! --ttl-eq 5
	ref -A INPUT -m ttl --ttl-gt 10
	ref -A INPUT -m ttl --ttl-lt 2 -j DROP
	same_listing filter
	same_save
}

@test "xread: tos match written by the reference" {
	ref -A INPUT -m tos --tos 0x10 -j ACCEPT
	ref -A INPUT -m tos ! --tos Minimize-Delay
	ref -A INPUT -m tos --tos Normal-Service
	ref -A INPUT -m tos --tos 0x11/0x3f
	ref -A INPUT -m tos --tos 0x28/0xfc
	same_listing filter
	same_save
}

@test "xread: dscp match written by the reference" {
	ref -A INPUT -m dscp --dscp 10 -j ACCEPT
	ref -A INPUT -m dscp ! --dscp-class AF41
	ref -A INPUT -m dscp --dscp-class EF
	ref -A INPUT -m dscp --dscp 0
	same_listing filter
	same_save
}

@test "xread: MARK written by the reference" {
	ref -t mangle -A PREROUTING -j MARK --set-mark 5
	ref -t mangle -A PREROUTING -j MARK --set-xmark 5/0xff
	ref -t mangle -A PREROUTING -j MARK --and-mark 0xf
	ref -t mangle -A PREROUTING -j MARK --or-mark 0xf
	ref -t mangle -A PREROUTING -j MARK --xor-mark 0xf
	ref -t mangle -A OUTPUT -j MARK --set-xmark 0/0
	ref -A INPUT -m mark --mark 0 -j MARK --set-mark 1
	same_listing mangle
	same_listing filter
	same_save
}

@test "xread: CONNMARK written by the reference" {
	ref -t mangle -A PREROUTING -j CONNMARK --set-mark 5
	ref -t mangle -A PREROUTING -j CONNMARK --set-xmark 5/0xf
	ref -t mangle -A PREROUTING -j CONNMARK --restore-mark
	ref -t mangle -A PREROUTING -j CONNMARK --restore-mark --mask 0xff
	ref -t mangle -A PREROUTING -j CONNMARK --restore-mark --ctmask 0xf --nfmask 0xff
	ref -t mangle -A POSTROUTING -j CONNMARK --save-mark
	ref -t mangle -A POSTROUTING -j CONNMARK --save-mark --nfmask 0xff
	ref -t mangle -A POSTROUTING -j CONNMARK --save-mark --nfmask 0xf --ctmask 0xff
	ref -t mangle -A FORWARD -j CONNMARK --and-mark 5
	ref -t mangle -A FORWARD -j CONNMARK --or-mark 5
	ref -t mangle -A FORWARD -j CONNMARK --xor-mark 5
	same_listing mangle
	same_save
}

@test "xread: TTL written by the reference" {
	ref -t mangle -A PREROUTING -j TTL --ttl-set 64
	ref -t mangle -A PREROUTING -j TTL --ttl-dec 1
	ref -t mangle -A PREROUTING -j TTL --ttl-inc 2
	ref -t mangle -A OUTPUT -p icmp -m ttl --ttl-lt 5 -j TTL --ttl-set 0
	same_listing mangle
	same_save
}

@test "xread: DSCP written by the reference" {
	ref -t mangle -A OUTPUT -j DSCP --set-dscp 10
	ref -t mangle -A OUTPUT -j DSCP --set-dscp-class EF
	ref -t mangle -A OUTPUT -j DSCP --set-dscp 0
	ref -t mangle -A POSTROUTING -m dscp ! --dscp 0x2e -j DSCP --set-dscp 63
	same_listing mangle
	same_save
}

@test "xread: TOS written by the reference" {
	ref -t mangle -A OUTPUT -j TOS --set-tos 5
	ref -t mangle -A OUTPUT -j TOS --set-tos Minimize-Delay
	ref -t mangle -A OUTPUT -j TOS --set-tos Normal-Service
	ref -t mangle -A OUTPUT -j TOS --and-tos 5
	ref -t mangle -A OUTPUT -j TOS --or-tos 5
	ref -t mangle -A OUTPUT -j TOS --xor-tos 5
	ref -t mangle -A OUTPUT -j TOS --set-tos 0x28/0xfc
	same_listing mangle
	same_save
}

@test "xread: CLASSIFY written by the reference" {
	ref -t mangle -A POSTROUTING -j CLASSIFY --set-class 1:10
	ref -t mangle -A POSTROUTING -j CLASSIFY --set-class ffff:ffff
	ref -t mangle -A FORWARD -j CLASSIFY --set-class 0:0
	ref -A OUTPUT -j CLASSIFY --set-class 10:20
	same_listing mangle
	same_listing filter
	same_save
}

@test "xread: IPv6 rules written by the reference" {
	local r6=$REF_DIR/ip6tables-nft
	_ref_ns
	ip netns exec "$NS_REF" "$r6" -A INPUT -m dscp --dscp 10 -m tos ! --tos Minimize-Delay
	ip netns exec "$NS_REF" "$r6" -A INPUT -m comment --comment v6 -m pkttype --pkt-type multicast
	ip netns exec "$NS_REF" "$r6" -A INPUT -m length --length 1280: -m connmark --mark 1/1
	ip netns exec "$NS_REF" "$r6" -t mangle -A OUTPUT -j DSCP --set-dscp-class EF
	ip netns exec "$NS_REF" "$r6" -t mangle -A OUTPUT -j TOS --set-tos 0x10/0x3f
	ip netns exec "$NS_REF" "$r6" -t mangle -A OUTPUT -j CONNMARK --save-mark
	ip netns exec "$NS_REF" "$r6" -t mangle -A POSTROUTING -j CLASSIFY --set-class 1:2
	ip netns exec "$NS_REF" "$r6" -t mangle -A PREROUTING -j MARK --set-xmark 1/3
	same_listing -6 filter
	same_listing -6 mangle
}

@test "xread: rules the reference wrote can be deleted by specification" {
	ref -A INPUT -m comment --comment "to go" -m connmark --mark 1/1 -m pkttype --pkt-type broadcast -j DROP
	ref -A INPUT -m length --length 10:20 -m ttl --ttl-gt 3 -m tos --tos 0x10/0x3f -m dscp --dscp 8
	ref -t mangle -A PREROUTING -j CONNMARK --restore-mark
	ref -t mangle -A OUTPUT -j TTL --ttl-set 9
	run ours -D INPUT -m comment --comment "to go" -m connmark --mark 1/1 -m pkttype --pkt-type broadcast -j DROP
	assert_success
	run ours -D INPUT -m length --length 10:20 -m ttl --ttl-gt 3 -m tos --tos 0x10/0x3f -m dscp --dscp 8
	assert_success
	run ours -t mangle -D PREROUTING -j CONNMARK --restore-mark
	assert_success
	run ours -t mangle -D OUTPUT -j TTL --ttl-set 9
	assert_success
	run ref -S INPUT
	assert_output "-P INPUT ACCEPT"
}

@test "native: iptnft writes no xt match or target for these extensions" {
	ipt -A INPUT -m comment --comment "a note" -m mark --mark 1/3 -m connmark ! --mark 2 -j ACCEPT
	ipt -A INPUT -m pkttype --pkt-type broadcast -m length ! --length 100:200 -m length --length 64
	ipt -A INPUT -m ttl --ttl-gt 3 -m ttl ! --ttl-eq 9 -m tos --tos Minimize-Delay -m dscp --dscp-class EF
	ipt -A OUTPUT -j MARK --set-mark 1
	ipt -A OUTPUT -j MARK --set-xmark 1/3
	ipt -A OUTPUT -j CONNMARK --set-xmark 1/3
	ipt -A OUTPUT -j CONNMARK --save-mark --nfmask 0xff
	ipt -A OUTPUT -j CONNMARK --restore-mark --ctmask 0xff
	ipt -A OUTPUT -j CLASSIFY --set-class 1:2
	ipt -t mangle -A OUTPUT -j TTL --ttl-set 64
	ipt -t mangle -A OUTPUT -j DSCP --set-dscp 10
	ipt -t mangle -A OUTPUT -j TOS --set-tos 0x10/0x3f
	ipt6 -A INPUT -m mark --mark 1 -m connmark --mark 2 -m pkttype --pkt-type multicast -m length --length 1280: -j MARK --or-mark 4
	run ns nft --debug=netlink list ruleset
	assert_success
	refute_output --partial "[ match name"
	refute_output --partial "[ target name"
	assert_output --partial 'comment "a note"'
	assert_output --partial "meta mark set"
	assert_output --partial "ct mark set"
	assert_output --partial "meta priority set 1:2"
	assert_output --partial "ip ttl set 64"
	assert_output --partial "ip dscp set af11"
	# and it reads all of it back
	run ipt -S
	assert_success
	refute_output --partial "cannot translate"
	run ipt -t mangle -S
	assert_success
	assert_line -- "-A OUTPUT -j TTL --ttl-set 64"
	assert_line -- "-A OUTPUT -j DSCP --set-dscp 0x0a"
	assert_line -- "-A OUTPUT -j TOS --set-tos 0x10/0x3f"
}

@test "native: what iptnft writes, the reference lists the same way" {
	ipt -A INPUT -m mark --mark 1/3 -j ACCEPT
	ipt -A INPUT -m ttl --ttl-gt 3
	ipt -A INPUT -m comment --comment "a note"
	run ns "$REF_IPTABLES" -S INPUT
	assert_success
	local want=$output
	run ipt -S INPUT
	assert_output "$want"
}
