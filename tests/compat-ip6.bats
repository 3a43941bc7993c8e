#!/usr/bin/env bats
# --compat for the IPv6 extensions: rules iptnft writes with --compat (or
# IPTNFT_COMPAT=1 ip6tables-restore) hold what the reference's
# ip6tables-nft writes for the same command line: icmp6, hl, HL, frag, hbh,
# dst, rt, ipv6header and eui64 as xt blobs of revision 0. The reference
# lists them in that namespace as it lists its own rules, the kernel holds
# the same expressions, and iptnft reads them back the same way. Forms
# without a native nf_tables form (eui64, HL --hl-inc/--hl-dec, rt
# --rt-0-not-strict, ...) are accepted in this mode only.
#
# The rules keep -p away from -s/-d: the order of those base fields is
# the rule writer's, not the extensions'.

load helpers

setup() { ref_setup; }

REF6=$REF_DIR/ip6tables-nft
REF6_SAVE=$REF_DIR/ip6tables-nft-save
REF6_RESTORE=$REF_DIR/ip6tables-nft-restore

# ref6: the reference in $NS_REF (its own rules); theirs6: the reference
# in $NS (listing what iptnft --compat wrote)
ref6() { ip netns exec "$NS_REF" "$REF6" "$@"; }
theirs6() { ip netns exec "$NS" "$REF6" "$@"; }

# both TABLE RULE...: the reference appends each rule (a string of
# arguments) in $NS_REF, iptnft --compat in $NS
both() {
	local t=$1 r
	shift
	for r in "$@"; do
		rules_by reference "ref6 -t $t" "$r"
		rules_by "iptnft --compat" "ipt6 --compat -t $t" "$r"
	done
}

# same_as_ref TABLE: in $NS the reference lists iptnft's rules (-S, -L -n
# -v, -L, -L -n -x -v --line-numbers) as it lists its own in $NS_REF, and
# so does iptnft; and the kernel holds the same expressions in both
same_as_ref() {
	local lists=("-S" "-L -n -v" "-L" "-L -n -x -v --line-numbers")
	lists_agree ref6 theirs6 "$1" "${lists[@]}"
	lists_agree ref6 ipt6 "$1" "${lists[@]}"
	same_layout
}

# blob NAME: the kernel holds an xt match or target NAME of revision 0
# written by iptnft
blob() {
	run ns nft --debug=netlink list ruleset
	assert_success
	assert_output --regexp "\[ (match|target) name $1 rev 0 \]"
}

@test "compat-ip6: icmp6 types, codes and inversion" {
	both filter \
		"-A INPUT -p ipv6-icmp --icmpv6-type echo-request -j ACCEPT" \
		"-A INPUT -p icmpv6 -m icmp6 --icmpv6-type 1/3" \
		"-A INPUT -p 58 ! --icmpv6-type 1/7 -j DROP" \
		"-A INPUT -p icmpv6 ! --icmpv6-type 200" \
		"-A OUTPUT -o eth1 -p icmpv6 --icmpv6-type neighbour-solicitation"
	both mangle "-A PREROUTING -p icmpv6 --icmpv6-type packet-too-big"
	blob icmp6
	same_as_ref filter
	same_as_ref mangle
}

@test "compat-ip6: icmp6 -C and -D find the rules" {
	both filter \
		"-A INPUT -p icmpv6 --icmpv6-type echo-request -j ACCEPT" \
		"-A INPUT -p icmpv6 --icmpv6-type 1/4 -j DROP"
	run ipt6 --compat -C INPUT -p icmpv6 --icmpv6-type ping -j ACCEPT
	assert_success
	run ipt6 --compat -C INPUT -p icmpv6 --icmpv6-type 1/3 -j DROP
	assert_failure 1
	ref6 -D INPUT -p icmpv6 --icmpv6-type port-unreachable -j DROP
	ipt6 --compat -D INPUT -p icmpv6 --icmpv6-type port-unreachable -j DROP
	same_as_ref filter
}

@test "compat-ip6: hl in every mode" {
	both filter \
		"-A INPUT -m hl --hl-eq 5" \
		"-A INPUT -m hl ! --hl-eq 5" \
		"-A INPUT -m hl --hl-lt 0 -j DROP" \
		"-A INPUT -m hl --hl-gt 255 -j ACCEPT" \
		"-A FORWARD -p udp -m hl --hl-eq 0x10 -m hl --hl-gt 2"
	blob hl
	same_as_ref filter
}

@test "compat-ip6: HL --hl-set, and --hl-inc/--hl-dec, the blob in native mode too" {
	run ipt6 -t mangle -A PREROUTING -j HL --hl-inc 2
	assert_success
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ target name HL rev 0 ]"
	ipt6 -t mangle -F PREROUTING
	both mangle \
		"-A PREROUTING -j HL --hl-set 64" \
		"-A PREROUTING -i eth0 -j HL --hl-inc 2" \
		"-A POSTROUTING -j HL --hl-dec 255" \
		"-N FOO" \
		"-A FOO -j HL --hl-dec 1" \
		"-A FORWARD -j FOO"
	blob HL
	same_as_ref mangle
	ref6 -t mangle -D PREROUTING -i eth0 -j HL --hl-inc 2
	ipt6 --compat -t mangle -D PREROUTING -i eth0 -j HL --hl-inc 2
	same_as_ref mangle
}

@test "compat-ip6: frag ids, flags, and the length the blob keeps" {
	both filter \
		"-A INPUT -m frag --fragid 5" \
		"-A INPUT -m frag ! --fragid 5:10 --fragres --fragfirst --fraglast -j ACCEPT" \
		"-A INPUT -m frag --fragid :5 --fragmore" \
		"-A INPUT -m frag --fragid 10:5" \
		"-A INPUT -m frag --fragid 0:4294967295" \
		"-A INPUT -m frag ! --fragid 0:4294967295" \
		"-A INPUT -m frag ! --fraglen 8" \
		"-A INPUT -m frag"
	blob frag
	same_as_ref filter
}

@test "compat-ip6: hbh and dst, with lengths and lists native mode writes as blobs" {
	run ipt6 -A INPUT -m hbh --hbh-len 5
	assert_success
	run ipt6 -A INPUT -m dst --dst-opts 1,2
	assert_success
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ match name hbh rev 0 ]"
	assert_output --partial "[ match name dst rev 0 ]"
	ipt6 -F INPUT
	both filter \
		"-A INPUT -m hbh --hbh-len 8" \
		"-A INPUT -m hbh ! --hbh-len 16 --hbh-opts 1:2,5" \
		"-A INPUT -m hbh --hbh-opts 0,0,1:0,194:4" \
		"-A INPUT -m hbh --hbh-len 5" \
		"-A INPUT -m hbh --hbh-opts 256,1:256" \
		"-A INPUT -m dst --dst-opts 1,2 --dst-len 4294967295" \
		"-A INPUT -m dst" \
		"-A OUTPUT -m hbh -m dst -j ACCEPT"
	blob hbh
	blob dst
	same_as_ref filter
	ref6 -D INPUT -m hbh --hbh-len 5
	ipt6 --compat -D INPUT -m hbh --hbh-len 5
	same_as_ref filter
}

@test "compat-ip6: rt fields, addresses and --rt-0-not-strict" {
	run ipt6 -A INPUT -m rt --rt-type 0 --rt-0-addrs ::1 --rt-0-not-strict
	assert_success
	run ipt6 -A INPUT -m rt --rt-type 300
	assert_success
	run ns nft --debug=netlink list ruleset
	assert_equal "$(grep -c '\[ match name rt rev 0 \]' <<< "$output")" 2
	ipt6 -F INPUT
	both filter \
		"-A INPUT -m rt --rt-type 0" \
		"-A INPUT -m rt --rt-type 2 ! --rt-segsleft 1:3 --rt-len 16" \
		"-A INPUT -m rt ! --rt-segsleft 5:" \
		"-A INPUT -m rt --rt-segsleft 0:4294967295" \
		"-A INPUT -m rt ! --rt-len 24" \
		"-A INPUT -m rt --rt-type 0 --rt-0-res --rt-0-addrs 2001:db8::1,2001:db8::2 -j DROP" \
		"-A INPUT -m rt --rt-type 0 --rt-0-addrs ::1,::2 --rt-0-not-strict" \
		"-A INPUT -m rt --rt-type 300 --rt-segsleft 300: --rt-len 5" \
		"-A INPUT -m rt"
	blob rt
	same_as_ref filter
	ref6 -D INPUT -m rt --rt-type 0 --rt-0-addrs ::1,::2 --rt-0-not-strict
	ipt6 --compat -D INPUT -m rt --rt-type 0 --rt-0-addrs ::1,::2 --rt-0-not-strict
	same_as_ref filter
}

@test "compat-ip6: ipv6header, inverted exact lists included" {
	run ipt6 -A INPUT -m ipv6header ! --header frag,hop
	assert_success
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ match name ipv6header rev 0 ]"
	ipt6 -F INPUT
	both filter \
		"-A INPUT -m ipv6header --header frag --soft -j DROP" \
		"-A INPUT -m ipv6header ! --header hop-by-hop,ipv6-route --soft" \
		"-A INPUT -m ipv6header --header hop,prot --soft" \
		"-A INPUT -m ipv6header --header hop,dst,prot" \
		"-A INPUT -m ipv6header ! --header frag,hop" \
		"-A INPUT -m ipv6header --header none,prot"
	blob ipv6header
	same_as_ref filter
}

@test "compat-ip6: eui64, the blob in native mode too" {
	run ipt6 -A INPUT -m eui64
	assert_success
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ match name eui64 rev 0 ]"
	ipt6 -F INPUT
	both filter \
		"-A INPUT -m eui64" \
		"-A FORWARD -s 2001:db8::/64 -m eui64 -m hbh -j DROP"
	blob eui64
	same_as_ref filter
	run ipt6 --compat -C INPUT -m eui64
	assert_success
	ref6 -D INPUT -m eui64
	ipt6 --compat -D INPUT -m eui64
	same_as_ref filter
}

@test "compat-ip6: IPTNFT_COMPAT=1 ip6tables-restore writes the reference's layout" {
	local rules='*mangle
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -m hl --hl-lt 5 -j HL --hl-inc 10
-A POSTROUTING -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j HL --hl-set 255
COMMIT
*filter
:INPUT DROP [0:0]
:ICMP6 - [0:0]
-A INPUT -m eui64 -m frag --fragid 7 --fragmore -j ACCEPT
-A INPUT -m rt --rt-type 0 --rt-0-addrs 2001:db8::1 --rt-0-not-strict -j DROP
-A INPUT -m dst --dst-len 12 -m ipv6header ! --header ah,esp
-A INPUT -p ipv6-icmp -j ICMP6
-A ICMP6 -p ipv6-icmp -m icmp6 ! --icmpv6-type 137 -j RETURN
COMMIT
'
	printf '%s' "$rules" | ip netns exec "$NS_REF" "$REF6_RESTORE"
	printf '%s' "$rules" | IPTNFT_COMPAT=1 ipt6_restore
	blob eui64
	same_as_ref mangle
	same_as_ref filter
	run ip netns exec "$NS_REF" "$REF6_SAVE"
	assert_success
	local want
	want=$(printf '%s\n' "$output" | grep -v '^#')
	run ip netns exec "$NS" "$REF6_SAVE"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -v '^#')" "$want"
	run ipt6_save
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -v '^#')" "$want"
}
