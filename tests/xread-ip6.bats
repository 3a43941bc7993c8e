#!/usr/bin/env bats
# Cross-reading for ip6tables: rules the reference's ip6tables-nft writes
# (natively, or as xt blobs for icmp6, hl, HL, frag, hbh, dst, rt,
# ipv6header and eui64) are listed and saved by our ip6tables exactly as
# the reference lists them; and what iptnft writes holds no xt compat
# expression.

load helpers

setup() { ref_setup; }

REF6=$REF_DIR/ip6tables-nft

# ref6 ARGS...: the reference's ip6tables in $NS_REF; ours6: ours there
ref6() { _ref_ns && ip netns exec "$NS_REF" "$REF6" "$@"; }
ours6() { ip netns exec "$NS_REF" "$IPT_BIN/ip6tables" "$@"; }

@test "xread-ip6: addresses, masks, interfaces, protocols, tcp, udp" {
	ref6 -A INPUT -s 2001:db8::1 -d 2001:db8::/32 -j ACCEPT
	ref6 -A INPUT ! -s 2001:db8:1::/48 -i eth+ -p tcp --dport 22 -j DROP
	ref6 -A INPUT -s 2001:db8::1/ffff:0:ffff:: -p udp --sport 53
	ref6 -A FORWARD -i br0 ! -o br1 -p icmpv6 -j ACCEPT
	ref6 -A OUTPUT -d 2001:db8:1234:5678:9abc:def0:1234:5678/127 -p sctp
	ref6 -N ICMP6
	ref6 -A INPUT -p ipv6-icmp -g ICMP6
	same_listing -6 filter
	same_save -6
}

@test "xread-ip6: icmp6 written by the reference" {
	ref6 -A INPUT -p ipv6-icmp --icmpv6-type echo-request -j ACCEPT
	ref6 -A INPUT -p icmpv6 -m icmp6 ! --icmpv6-type 1/3 -j DROP
	ref6 -A INPUT -p icmpv6 --icmpv6-type destination-unreachable
	ref6 -A INPUT -p icmpv6 --icmpv6-type neighbor-solicitation
	ref6 -A INPUT -p icmpv6 --icmpv6-type 200/7
	ref6 -A INPUT -p icmpv6 ! --icmpv6-type 200
	ref6 -A INPUT -p icmpv6 --icmpv6-type ttl-zero-during-reassembly
	same_listing -6 filter
	same_save -6
}

@test "xread-ip6: hl and HL written by the reference" {
	ref6 -A INPUT -m hl --hl-eq 5
	ref6 -A INPUT -m hl ! --hl-eq 5 -j DROP
	ref6 -A INPUT -m hl --hl-lt 2
	ref6 -A INPUT -p tcp -m hl --hl-gt 254 -m hl --hl-lt 255
	ref6 -t mangle -A PREROUTING -j HL --hl-set 64
	ref6 -t mangle -A FORWARD -i eth0 -j HL --hl-dec 1
	ref6 -t mangle -A POSTROUTING -j HL --hl-inc 5
	same_listing -6 filter
	same_listing -6 mangle
	same_save -6
}

@test "xread-ip6: frag written by the reference" {
	ref6 -A INPUT -m frag --fragid 5
	ref6 -A INPUT -m frag ! --fragid 5:10 --fraglen 8 --fragres --fragfirst
	ref6 -A INPUT -m frag --fragmore -j DROP
	ref6 -A INPUT -m frag --fraglast
	ref6 -A INPUT -m frag ! --fragid 0:4294967295
	ref6 -A INPUT -m frag
	same_listing -6 filter
	same_save -6
}

@test "xread-ip6: hbh and dst written by the reference" {
	ref6 -A INPUT -m hbh --hbh-len 8
	ref6 -A INPUT -m hbh ! --hbh-len 8 --hbh-opts 1:2,5
	ref6 -A INPUT -m hbh --hbh-opts 1:256,0,256
	ref6 -A INPUT -m hbh
	ref6 -A INPUT -m dst --dst-len 7 --dst-opts 1:2 -j DROP
	ref6 -A INPUT -m dst ! --dst-len 16
	ref6 -A INPUT -m hbh -m dst
	same_listing -6 filter
	same_save -6
}

@test "xread-ip6: rt written by the reference" {
	ref6 -A INPUT -m rt --rt-type 0
	ref6 -A INPUT -m rt --rt-type 2 ! --rt-segsleft 1:3 --rt-len 4
	ref6 -A INPUT -m rt --rt-type 0 --rt-0-res --rt-0-addrs 2001:db8::1,2001:db8::2 --rt-0-not-strict
	ref6 -A INPUT -m rt --rt-segsleft 5:
	ref6 -A INPUT -m rt ! --rt-segsleft 0:4294967295
	ref6 -A INPUT -m rt --rt-type 256 -j DROP
	ref6 -A INPUT -m rt
	same_listing -6 filter
	same_save -6
}

@test "xread-ip6: ipv6header and eui64 written by the reference" {
	ref6 -A INPUT -m ipv6header --header hop,dst
	ref6 -A INPUT -m ipv6header ! --header frag --soft
	ref6 -A INPUT -m ipv6header --header 0,60,43,44,51,50,59
	ref6 -A INPUT -m ipv6header --header prot
	ref6 -A INPUT -m eui64
	ref6 -A INPUT -s 2001:db8::/64 -m eui64 -m hbh -j DROP
	same_listing -6 filter
	same_save -6
}

@test "xread-ip6: iptnft writes icmp6, hl, HL natively" {
	run ipt6 -A INPUT -p ipv6-icmp --icmpv6-type echo-request -j ACCEPT
	assert_success
	ipt6 -A INPUT -p icmpv6 ! --icmpv6-type 1/3 -j DROP
	ipt6 -A INPUT -p icmpv6 --icmpv6-type 200
	ipt6 -A INPUT -m hl --hl-eq 5
	ipt6 -A INPUT -m hl ! --hl-eq 5
	ipt6 -A INPUT -m hl --hl-lt 5
	ipt6 -A INPUT -m hl --hl-gt 5
	ipt6 -t mangle -A PREROUTING -j HL --hl-set 64
	native_layout
	run ns nft list ruleset
	assert_output --partial 'icmpv6 type echo-request'
	assert_output --partial 'ip6 hoplimit < 5'
	assert_output --partial 'ip6 hoplimit set 64'
}

@test "xread-ip6: iptnft writes frag, hbh, dst, rt, ipv6header natively" {
	ipt6 -A INPUT -m frag ! --fragid 5:10 --fragres --fragfirst --fraglast
	ipt6 -A INPUT -m frag --fragmore
	ipt6 -A INPUT -m frag
	ipt6 -A INPUT -m hbh ! --hbh-len 8 --hbh-opts 1:2,5
	ipt6 -A INPUT -m hbh --hbh-opts 1:10,194
	ipt6 -A INPUT -m dst --dst-len 16
	ipt6 -A INPUT -m rt --rt-type 2 ! --rt-segsleft 1:3 --rt-len 16
	ipt6 -A INPUT -m rt --rt-type 0 --rt-0-res --rt-0-addrs 2001:db8::1,2001:db8::2
	ipt6 -A INPUT -m ipv6header --header frag --soft
	ipt6 -A INPUT -m ipv6header --header hop,dst,prot
	native_layout
	run ns nft list ruleset
	assert_output --partial 'frag id != 5-10 frag reserved 0 frag reserved2 0 frag frag-off 0 frag more-fragments 0'
	assert_output --partial 'frag more-fragments 1'
	assert_output --partial 'exthdr frag exists'
	assert_output --partial 'hbh hdrlength != 0'
	assert_output --partial 'dst hdrlength 1'
	assert_output --partial 'rt type 2 rt seg-left != 1-3 rt hdrlength 1'
	assert_output --partial 'exthdr hbh exists exthdr dst exists exthdr rt missing exthdr frag missing'
	# and reads all of it back
	run ipt6 -S INPUT
	assert_success
	assert_output "-P INPUT ACCEPT
-A INPUT -m frag ! --fragid 5:10 --fragres --fragfirst --fraglast
-A INPUT -m frag --fragmore
-A INPUT -m frag
-A INPUT -m hbh ! --hbh-len 8 --hbh-opts 1:2,5
-A INPUT -m hbh --hbh-opts 1:10,194
-A INPUT -m dst --dst-len 16
-A INPUT -m rt --rt-type 2 ! --rt-segsleft 1:3 --rt-len 16
-A INPUT -m rt --rt-type 0 --rt-0-res --rt-0-addrs 2001:db8::1,2001:db8::2
-A INPUT -m ipv6header --header ipv6-frag --soft
-A INPUT -m ipv6header --header hop-by-hop,ipv6-opts,protocol"
}

@test "xread-ip6: exthdr rules written by nft read as the matching ip6tables rules" {
	ns nft add table ip6 filter
	ns nft add chain ip6 filter INPUT '{ type filter hook input priority 0; }'
	ns nft add rule ip6 filter INPUT frag id 7 counter
	ns nft add rule ip6 filter INPUT frag more-fragments 0 counter drop
	ns nft add rule ip6 filter INPUT rt type 2 counter
	ns nft add rule ip6 filter INPUT exthdr dst exists counter
	ns nft add rule ip6 filter INPUT exthdr hbh missing counter
	ns nft add rule ip6 filter INPUT ip6 hoplimit 255 counter
	ns nft add rule ip6 filter INPUT meta l4proto ipv6-icmp icmpv6 type nd-neighbor-solicit counter accept
	run ipt6 -S INPUT
	assert_success
	assert_output "-P INPUT ACCEPT
-A INPUT -m frag --fragid 7
-A INPUT -m frag --fraglast -j DROP
-A INPUT -m rt --rt-type 2
-A INPUT -m dst
-A INPUT -m ipv6header ! --header hop-by-hop --soft
-A INPUT -m hl --hl-eq 255
-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT"
}

@test "xread-ip6: forms with no native expression are written as the reference's blobs" {
	# eui64, HL --hl-dec/--hl-inc, rt --rt-0-not-strict, a header length
	# no packet has: each the reference's xt blob, read back
	run ipt6 -A INPUT -m eui64
	assert_success
	run ipt6 -t mangle -A PREROUTING -j HL --hl-dec 1
	assert_success
	run ipt6 -A INPUT -m rt --rt-type 0 --rt-0-addrs ::1 --rt-0-not-strict
	assert_success
	run ipt6 -A INPUT -m hbh --hbh-len 7
	assert_success
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ match name eui64 rev 0 ]"
	assert_output --partial "[ target name HL rev 0 ]"
	assert_output --partial "[ match name rt rev 0 ]"
	assert_output --partial "[ match name hbh rev 0 ]"
	run ipt6 -S INPUT
	assert_output "-P INPUT ACCEPT
-A INPUT -m eui64
-A INPUT -m rt --rt-type 0 --rt-0-addrs ::1 --rt-0-not-strict
-A INPUT -m hbh --hbh-len 7"
	ipt6 -F INPUT
	ipt6 -t mangle -F PREROUTING
	# --fraglen has no effect in the kernel; it is kept in the rule's
	# userdata and listed, as the reference lists it
	run ipt6 -A INPUT -m frag --fragid 1 --fraglen 8
	assert_success
	run ipt6 -S INPUT
	assert_output "-P INPUT ACCEPT
-A INPUT -m frag --fragid 1 --fraglen 8"
	native_layout
}
