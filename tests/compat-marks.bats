#!/usr/bin/env bats
# --compat for the comment, mark, connmark, length, ttl, dscp and tos
# matches and the MARK, CONNMARK, TTL, DSCP, TOS and CLASSIFY targets:
# rules iptnft writes with --compat (or IPTNFT_COMPAT=1) are what the
# reference writes for the same command line. The reference lists them
# (-S, -L -n -v) as it lists its own, iptnft reads them back alike, and
# nft shows the same expressions (xt blobs where the reference uses them).
# Also the forms only --compat can write: comments over 238 characters,
# two comments in one rule, CONNMARK partial masks, TTL --ttl-inc/--ttl-dec.

load helpers

setup() { ref_setup; }

# both [-6] TABLE RULE...: each RULE (a string of arguments, evaluated)
# is written by the reference in $NS_REF and by iptnft --compat in $NS
both() {
	local fam=iptables t r
	if [ "$1" = -6 ]; then
		fam=ip6tables
		shift
	fi
	t=$1
	shift
	for r in "$@"; do
		rules_by reference "ip netns exec \"\$NS_REF\" \"\$REF_DIR/$fam-nft\" -t $t" "$r"
		rules_by "iptnft --compat" "ip netns exec \"\$NS\" \"\$IPT_BIN/$fam\" --compat -t $t" "$r"
	done
}

# same_as_ref [-6] TABLE: the reference's -S and -L -n -v of TABLE are
# the same in $NS (iptnft's rules) as in $NS_REF (its own); iptnft lists
# its rules the same way too
same_as_ref() {
	local fam=iptables
	if [ "$1" = -6 ]; then
		fam=ip6tables
		shift
	fi
	lists_agree "ip netns exec $NS_REF $REF_DIR/$fam-nft" \
		"ip netns exec $NS $REF_DIR/$fam-nft" "$1" "-S" "-L -n -v"
	lists_agree "ip netns exec $NS_REF $REF_DIR/$fam-nft" \
		"ip netns exec $NS $IPT_BIN/$fam" "$1" "-S" "-L -n -v"
}

@test "compat: comment is an xt comment match" {
	both filter "-A INPUT -m comment --comment hello -j ACCEPT" \
		"-A INPUT -p tcp -m comment --comment 'with blanks' --dport 22" \
		"-A INPUT -m comment --comment 'q\"uo\\te' -m mark --mark 1" \
		"-A INPUT -m comment --comment ''"
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ match name comment rev 0 ]"
	same_as_ref filter
	same_layout
}

@test "compat: comments of 255 characters and two comments in one rule" {
	local long
	long=$(printf 'y%.0s' $(seq 255))
	both filter "-A INPUT -m comment --comment $long -j ACCEPT" \
		"-A INPUT -i eth0 -p udp --dport 53 -m comment --comment $long" \
		"-A INPUT -m comment --comment one -m mark --mark 2 -m comment --comment 'and two'" \
		"-A INPUT -m comment --comment ${long}zzz"
	same_as_ref filter
	same_layout
	# check and delete by specification
	run ipt --compat -D INPUT -m comment --comment "$long" -j ACCEPT
	assert_success
	run ipt --compat -C INPUT -m comment --comment one -m mark --mark 2 -m comment --comment "and two"
	assert_success
	# without --compat: the comment that does not fit in userdata, and
	# the second one, are blobs; the first that fits is userdata's
	ipt -F INPUT
	run ipt -A INPUT -m comment --comment "$long"
	assert_success
	run ipt -A INPUT -m comment --comment a -m comment --comment b
	assert_success
	run ns nft --debug=netlink list ruleset
	assert_equal "$(grep -c '\[ match name comment rev 0 \]' <<< "$output")" 2
	run ipt -S INPUT
	assert_line -- "-A INPUT -m comment --comment $long"
	assert_line -- "-A INPUT -m comment --comment a -m comment --comment b"
	run ipt -D INPUT -m comment --comment a -m comment --comment b
	assert_success
}

@test "compat: mark match stays native, as the reference writes it" {
	both filter "-A INPUT -m mark --mark 5 -j ACCEPT" \
		"-A INPUT -m mark ! --mark 0x10/0xf0" "-A INPUT -m mark --mark 0/0"
	both -6 filter "-A INPUT -m mark --mark 3/0xf"
	run ns nft --debug=netlink list ruleset
	refute_output --partial "[ match name"
	same_as_ref filter
	same_as_ref -6 filter
	same_layout
}

@test "compat: connmark is an xt connmark match, revision 1" {
	both filter "-A INPUT -m connmark --mark 5 -j ACCEPT" \
		"-A INPUT -m connmark ! --mark 0x7/0xf0" \
		"-A FORWARD -p tcp --dport 22 -m connmark ! --mark 1/1 -j DROP"
	both -6 filter "-A OUTPUT -m connmark ! --mark 7 -j DROP"
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ match name connmark rev 1 ]"
	same_as_ref filter
	same_as_ref -6 filter
	same_layout
}

@test "compat: length is an xt length match" {
	both filter "-A INPUT -m length --length 100 -j ACCEPT" \
		"-A INPUT -m length ! --length 100:200" "-A INPUT -m length --length :200" \
		"-A INPUT -m length --length 300:" "-A INPUT -m length --length 200:100"
	both -6 filter "-A INPUT -m length --length 1280:1500"
	same_as_ref filter
	same_as_ref -6 filter
	same_layout
}

@test "compat: ttl is an xt ttl match" {
	both filter "-A INPUT -m ttl --ttl-eq 64 -j ACCEPT" "-A INPUT -m ttl ! --ttl-eq 5" \
		"-A INPUT -m ttl --ttl-gt 10" "-A INPUT -m ttl --ttl-lt 2 -j DROP"
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ match name ttl rev 0 ]"
	same_as_ref filter
	same_layout
}

@test "compat: dscp and tos are xt matches" {
	both filter "-A INPUT -m dscp --dscp 10 -j ACCEPT" "-A INPUT -m dscp ! --dscp-class AF41" \
		"-A INPUT -m tos --tos 0x10" "-A INPUT -m tos ! --tos Minimize-Delay" \
		"-A INPUT -m tos --tos 0x28/0xfc -m dscp --dscp 0"
	both -6 filter "-A INPUT -m dscp --dscp-class EF" "-A INPUT -m tos ! --tos 0x11/0x3f"
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ match name dscp rev 0 ]"
	assert_output --partial "[ match name tos rev 1 ]"
	same_as_ref filter
	same_as_ref -6 filter
	same_layout
}

@test "compat: MARK is an xt MARK target, revision 2" {
	both mangle "-A PREROUTING -j MARK --set-mark 5" "-A PREROUTING -j MARK --set-xmark 0x10/0xf0" \
		"-A PREROUTING -j MARK --and-mark 0xff" "-A OUTPUT -j MARK --or-mark 4" \
		"-A OUTPUT -j MARK --xor-mark 1"
	both -6 mangle "-A PREROUTING -j MARK --set-mark 3/7"
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ target name MARK rev 2 ]"
	same_as_ref mangle
	same_as_ref -6 mangle
	same_layout
}

@test "compat: CONNMARK is an xt CONNMARK target, revision 2" {
	both mangle "-A PREROUTING -j CONNMARK --set-mark 5" \
		"-A PREROUTING -j CONNMARK --set-xmark 0x1/0x3 --nfmask 0xf" \
		"-A PREROUTING -j CONNMARK --and-mark 0xff" "-A OUTPUT -j CONNMARK --save-mark" \
		"-A OUTPUT -j CONNMARK --restore-mark"
	both -6 mangle "-A PREROUTING -j CONNMARK --restore-mark"
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ target name CONNMARK rev 2 ]"
	same_as_ref mangle
	same_as_ref -6 mangle
	same_layout
}

@test "compat: CONNMARK --save-mark and --restore-mark with partial masks" {
	both mangle "-A POSTROUTING -j CONNMARK --save-mark --nfmask 0xf --ctmask 0xff" \
		"-A PREROUTING -j CONNMARK --restore-mark --mask 0xff" \
		"-A PREROUTING -j CONNMARK --restore-mark --ctmask 0x3 --nfmask 0x30" \
		"-A OUTPUT -j CONNMARK --save-mark --mask 0x1"
	same_as_ref mangle
	same_layout
	run ipt --compat -t mangle -D PREROUTING -j CONNMARK --restore-mark --mask 0xff
	assert_success
	# without --compat too, as the reference's blob
	ipt -t mangle -F PREROUTING
	run ipt -t mangle -A PREROUTING -j CONNMARK --restore-mark --mask 0xff
	assert_success
	run ns nft --debug=netlink list table ip mangle
	assert_output --partial "[ target name CONNMARK rev 2 ]"
}

@test "compat: TTL --ttl-set is an xt TTL target" {
	both mangle "-A PREROUTING -j TTL --ttl-set 64" "-A OUTPUT -p tcp -j TTL --ttl-set 0" \
		"-A FORWARD -j TTL --ttl-set 255"
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ target name TTL rev 0 ]"
	same_as_ref mangle
	same_layout
}

@test "compat: TTL --ttl-inc and --ttl-dec" {
	both mangle "-A PREROUTING -j TTL --ttl-inc 2" "-A OUTPUT -p tcp -j TTL --ttl-dec 1" \
		"-A FORWARD -j TTL --ttl-dec 255" "-A POSTROUTING -j TTL --ttl-inc 1"
	same_as_ref mangle
	same_layout
	run ipt --compat -t mangle -C PREROUTING -j TTL --ttl-inc 2
	assert_success
	# without --compat too, as the reference's blob
	ipt -t mangle -F PREROUTING
	run ipt -t mangle -A PREROUTING -j TTL --ttl-inc 2
	assert_success
	run ns nft --debug=netlink list table ip mangle
	assert_output --partial "[ target name TTL rev 0 ]"
}

@test "compat: DSCP and TOS are xt targets" {
	both mangle "-A PREROUTING -j DSCP --set-dscp 10" "-A PREROUTING -j DSCP --set-dscp-class EF" \
		"-A OUTPUT -j TOS --set-tos 0x10" "-A OUTPUT -j TOS --set-tos Minimize-Cost" \
		"-A OUTPUT -j TOS --and-tos 0x1f" "-A OUTPUT -j TOS --or-tos 0x4" \
		"-A OUTPUT -j TOS --xor-tos 0x2" "-A OUTPUT -j TOS --set-tos 0x5/0x17"
	both -6 mangle "-A POSTROUTING -j DSCP --set-dscp 1" "-A POSTROUTING -j TOS --set-tos 0x8/0xfc"
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ target name DSCP rev 0 ]"
	assert_output --partial "[ target name TOS rev 1 ]"
	same_as_ref mangle
	same_as_ref -6 mangle
	same_layout
}

@test "compat: CLASSIFY is an xt CLASSIFY target" {
	both mangle "-A POSTROUTING -j CLASSIFY --set-class 1:2" \
		"-A OUTPUT -o eth0 -j CLASSIFY --set-class ffff:ffff"
	both filter "-A FORWARD -j CLASSIFY --set-class 10:0"
	both -6 mangle "-A POSTROUTING -j CLASSIFY --set-class 0:1"
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ target name CLASSIFY rev 0 ]"
	same_as_ref mangle
	same_as_ref filter
	same_as_ref -6 mangle
	same_layout
}

@test "compat: IPTNFT_COMPAT=1 iptables-restore and iptables-restore --compat" {
	local rules
	rules="*mangle
-A PREROUTING -m connmark --mark 1/1 -m comment --comment \"a b\" -j CONNMARK --save-mark
-A PREROUTING -m length --length 40:60 -m comment --comment a -j TTL --ttl-set 1
-A POSTROUTING -m dscp --dscp 1 -m tos --tos 4 -m ttl --ttl-gt 3 -j TOS --set-tos 0x10/0x3f
-A POSTROUTING -m mark --mark 7 -j CLASSIFY --set-class 1:1
-A OUTPUT -j DSCP --set-dscp 3
-A OUTPUT -j MARK --set-mark 9
COMMIT
"
	run ip netns exec "$NS_REF" "$REF_RESTORE" <<<"$rules"
	assert_success
	run ip netns exec "$NS" env IPTNFT_COMPAT=1 "$IPT_BIN/iptables-restore" <<<"$rules"
	assert_success
	same_as_ref mangle
	same_layout
	# the option does the same
	ns nft flush ruleset
	run ip netns exec "$NS" "$IPT_BIN/iptables-restore" --compat <<<"$rules"
	assert_success
	same_as_ref mangle
	same_layout
}

@test "compat: iptables-restore --compat takes the forms with no native expression" {
	local long rules
	long=$(printf 'w%.0s' $(seq 250))
	rules="*mangle
-A PREROUTING -m connmark --mark 1/1 -m comment --comment \"$long\" -j CONNMARK --save-mark --mask 0xff
-A PREROUTING -m length --length 40:60 -m comment --comment a -m comment --comment b -j TTL --ttl-inc 1
-A OUTPUT -j TTL --ttl-dec 3
COMMIT
"
	run ip netns exec "$NS_REF" "$REF_RESTORE" <<<"$rules"
	assert_success
	run ip netns exec "$NS" "$IPT_BIN/iptables-restore" --compat <<<"$rules"
	assert_success
	same_as_ref mangle
	same_layout
	# without it too: the forms with no native expression are blobs, the
	# others native, and the reference lists them alike
	ns nft flush ruleset
	run ip netns exec "$NS" "$IPT_BIN/iptables-restore" <<<"$rules"
	assert_success
	lists_agree "ip netns exec $NS_REF $REF_DIR/iptables-nft" "ip netns exec $NS $IPT_BIN/iptables" \
		mangle "-S" "-L -n -v"
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ target name TTL rev 0 ]"
	assert_output --partial "[ ct load mark => reg 1 ]"
}

@test "devgroup: native where the test is the same, the reference's blob where the group has bits its mask clears" {
	# the xt match compares masked bits only, so 0x12/0xf matches group 2
	ip netns exec "$NS_REF" "$REF_DIR/iptables-nft" -A FORWARD -m devgroup --src-group 0x12/0xf
	ipt -A FORWARD -m devgroup --src-group 0x12/0xf
	run ns nft --debug=netlink list ruleset
	assert_output --partial "[ match name devgroup rev 0 ]"
	same_as_ref filter
	ipt -F FORWARD
	ipt -A FORWARD -m devgroup --src-group 2/0xf ! --dst-group 7
	native_layout
	assert_output --partial "[ meta load iifgroup => reg 1 ]"
	assert_output --partial "[ meta load oifgroup => reg 1 ]"
	run ipt -S FORWARD
	assert_line -- "-A FORWARD -m devgroup --src-group 0x2/0xf ! --dst-group 0x7"
}
