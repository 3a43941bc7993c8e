#!/usr/bin/env bats
# --compat for the base fields and the core extensions: iptnft writes
# each rule in the reference's own kernel layout (xt blobs or the
# reference's native expressions), so that the reference (iptables-nft
# 1.8.9) lists it exactly as a rule it wrote itself, and nft shows the
# very expressions the reference writes.
# Extensions: tcp, udp, icmp, multiport, state, conntrack, statistic,
# addrtype, limit, iprange, mac, owner, helper.

load helpers

setup() { ref_setup; }

# the reference run in our namespace, reading what iptnft wrote
theirs_ours() { ip netns exec "$NS" "$REF_DIR/${FAM:-iptables}-nft" "$@"; }
# the reference in its own namespace
theirs() { ip netns exec "$NS_REF" "$REF_DIR/${FAM:-iptables}-nft" "$@"; }
# iptnft in our namespace
ours() { ip netns exec "$NS" "$IPT_BIN/${FAM:-iptables}" "$@"; }

# same TABLE: the reference lists iptnft's rules (-S, -L -n -v, -L) as
# it lists its own, iptnft lists them alike, and the kernel holds the
# same expressions in both namespaces
same() {
	lists_agree theirs theirs_ours "$1" "-S" "-L -n -v" "-L"
	lists_agree theirs ours "$1" "-S" "-L -n -v" "-L"
	same_layout
}

# both RULE...: iptnft --compat writes each rule (a string of arguments)
# in our namespace, the reference in its own
both() {
	local r
	for r in "$@"; do
		rules_by "iptnft --compat" "ours --compat" "$r"
		rules_by reference theirs "$r"
	done
}

@test "compat: base fields in the reference's order and layout" {
	both "-A FORWARD -s 192.0.2.1 -d 198.51.100.0/24 -i eth0 -o veth+ -p tcp -f -j ACCEPT" \
		"-A FORWARD ! -s 192.0.2.0/25 ! -i eth+ ! -p udp ! -f" \
		"-A FORWARD -s 192.0.2.4/255.0.255.0 -p 47" \
		"-A INPUT -i + -j ACCEPT" \
		"-A FORWARD ! -i + ! -o + -j DROP"
	same filter
	# and the rule the reference reads back as "! -i +" is found again
	run ours -C FORWARD ! -i + ! -o + -j DROP
	assert_success
	FAM=ip6tables both "-A FORWARD -s 2001:db8::1 -d 2001:db8:1::/48 -i eth1 -p tcp" \
		"-A FORWARD ! -p icmpv6 -d 2001:db8::/33"
	FAM=ip6tables same filter
}

@test "compat: -i + and ! -i + as the reference has them, also natively" {
	# the native layout of "! -i +" is the reference's too
	run ours -A FORWARD ! -i + -j DROP
	assert_success
	run theirs_ours -S FORWARD
	assert_output --partial "-A FORWARD ! -i + -j DROP"
	run ours -L FORWARD -n -v
	assert_output --partial " DROP       0    --  !+     *  "
	run ours -A OUTPUT -i + -j ACCEPT
	assert_failure 2
	assert_output --partial "Can't use -i with OUTPUT"
	run theirs -A OUTPUT -i + -j ACCEPT
	assert_failure 2
	assert_output --partial "Can't use -i with OUTPUT"
}

@test "compat: tcp, native ports and flags or the blob" {
	both "-A INPUT -p tcp --dport 22 -j ACCEPT" \
		"-A INPUT -p tcp --sport 1024 --dport 80" \
		"-A INPUT -p tcp ! --sport 1024 ! --dport 80" \
		"-A INPUT -p tcp --sport 1:1023 ! --dport 80 --syn" \
		"-A INPUT -p tcp ! --dport 0:1023" \
		"-A INPUT -p tcp --dport 0:1023 --sport 1024:65535" \
		"-A INPUT -p tcp -m tcp" \
		"-A INPUT -p tcp --dport 0:65535" \
		"-A INPUT -p tcp ! --dport 0:65535" \
		"-A INPUT -p tcp ! --tcp-flags NONE NONE" \
		"-A INPUT -p tcp --tcp-flags NONE SYN" \
		"-A INPUT -p tcp ! --tcp-option 2 ! --dport 0:5 --tcp-flags SYN,ACK ACK" \
		"-A INPUT -p tcp -m tcp --dport 5 -m tcp --sport 7"
	same filter
}

@test "compat: udp" {
	both "-A INPUT -p udp --dport 53 -j ACCEPT" \
		"-A INPUT -p udp --sport 67 --dport 68" \
		"-A INPUT -p udp ! --sport 0:7 --dport 9:12" \
		"-A INPUT -p udp -m udp" \
		"-A INPUT -p udp ! --sport 0:65535"
	same filter
}

@test "compat: icmp" {
	both "-A INPUT -p icmp --icmp-type echo-request -j ACCEPT" \
		"-A INPUT -p icmp ! --icmp-type 3/1" \
		"-A INPUT -p icmp --icmp-type any" \
		"-A INPUT -p icmp -m icmp --icmp-type 11"
	same filter
}

@test "compat: multiport, --ports included" {
	both "-A INPUT -p tcp -m multiport --dports 22,80,443 -j ACCEPT" \
		"-A INPUT -p udp -m multiport ! --sports 53,67:68" \
		"-A INPUT -p tcp -m multiport --ports 443,80:90,8080" \
		"-A INPUT -p tcp -m multiport ! --ports 5"
	same filter
	run ours -D INPUT -p tcp -m multiport --ports 443,80:90,8080
	assert_success
	run theirs_ours -S INPUT
	refute_output --partial "443,80:90"
}

@test "compat: state is written as the reference's conntrack blob" {
	both "-A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT" \
		"-A INPUT -m state ! --state INVALID,UNTRACKED" \
		"-A INPUT -m conntrack --ctstate NEW -m state --state NEW"
	same filter
	run nft_layout "$NS"
	assert_output --partial "[ match name conntrack rev 3 ]"
}

@test "compat: conntrack" {
	both "-A INPUT -m conntrack --ctstate NEW,SNAT,UNTRACKED --ctproto tcp --ctorigsrc 192.0.2.4/24 --ctorigdst 192.0.2.0/255.0.255.0 ! --ctreplsrc 198.51.100.8 --ctrepldst 198.51.100.9/32 --ctorigsrcport 10 --ctorigdstport 20:30 ! --ctrepldstport 50:60 --ctreplsrcport :5 --ctstatus ASSURED,EXPECTED ! --ctexpire 10:20 --ctdir REPLY -j ACCEPT" \
		"-A INPUT -m conntrack --ctstatus NONE --ctdir ORIGINAL" \
		"-A INPUT -m conntrack ! --ctstate DNAT ! --ctproto 17 --ctexpire 7:"
	same filter
	FAM=ip6tables both "-A INPUT -m conntrack --ctorigsrc 2001:db8::1/64 ! --ctrepldst ::1 --ctstate ESTABLISHED"
	FAM=ip6tables same filter
}

@test "compat: statistic" {
	both "-t nat -N SEP" \
		"-t nat -A PREROUTING -m statistic --mode random --probability 0.33333333349 -j SEP" \
		"-t nat -A PREROUTING -m statistic --mode random ! --probability 0.5" \
		"-t nat -A PREROUTING -m statistic --mode nth --every 5 --packet 2 -j SEP" \
		"-t nat -A PREROUTING -m statistic --mode nth ! --every 3 --packet 0"
	same nat
}

@test "compat: addrtype" {
	both "-A INPUT -m addrtype --dst-type LOCAL -j ACCEPT" \
		"-A INPUT -m addrtype ! --src-type LOCAL,UNICAST --dst-type BLACKHOLE --limit-iface-in" \
		"-A OUTPUT -m addrtype --src-type MULTICAST --limit-iface-out"
	same filter
}

@test "compat: limit stays native, as the reference writes it" {
	both "-A INPUT -m limit --limit 5/s --limit-burst 3 -j ACCEPT" \
		"-A INPUT -m limit" \
		"-A INPUT -m limit --limit 1000000/day --limit-burst 10000"
	same filter
	run nft_layout "$NS"
	refute_output --partial "[ match name"
}

@test "compat: iprange" {
	both "-A INPUT -m iprange --src-range 192.0.2.4-192.0.2.9 -j ACCEPT" \
		"-A INPUT -m iprange ! --dst-range 198.51.100.1-198.51.100.2 --src-range 192.0.2.1"
	same filter
	FAM=ip6tables both "-A INPUT -m iprange --src-range 2001:db8::1-2001:db8::3"
	FAM=ip6tables same filter
}

@test "compat: mac" {
	both "-A INPUT -m mac --mac-source 00:11:22:33:44:55 -j ACCEPT" \
		"-A FORWARD -m mac ! --mac-source 0:a:b:c:d:e"
	same filter
}

@test "compat: owner, --suppl-groups and ! --socket-exists included" {
	both "-A OUTPUT -m owner --uid-owner 0 -j ACCEPT" \
		"-A OUTPUT -m owner --uid-owner 5-7 ! --gid-owner 3 --suppl-groups ! --socket-exists" \
		"-A OUTPUT -m owner --socket-exists" \
		"-A OUTPUT -m owner ! --socket-exists"
	same filter
}

@test "compat: helper" {
	both "-A INPUT -m helper --helper ftp -j ACCEPT" \
		"-A INPUT -m helper ! --helper ftp-21" \
		"-A INPUT -m helper --helper abcdefghijklmnopqrstuvwxyz0123456789"
	same filter
}

@test "forms with no native expression are the reference's blobs without --compat too" {
	run ours -A INPUT -p tcp -m multiport --ports 22,80
	assert_success
	run ours -A OUTPUT -m owner --gid-owner 5 --suppl-groups
	assert_success
	run ours -A OUTPUT -m owner ! --socket-exists
	assert_success
	# native where there is a native form, in the same rule set
	run ours -A OUTPUT -m owner --gid-owner 5
	assert_success
	run ns nft --debug=netlink list ruleset
	assert_equal "$(grep -c '\[ match name multiport rev 1 \]' <<< "$output")" 1
	assert_equal "$(grep -c '\[ match name owner rev 1 \]' <<< "$output")" 2
	assert_output --partial "[ meta load skgid => reg 1 ]"
	run theirs_ours -S
	assert_output --partial "-A INPUT -p tcp -m multiport --ports 22,80"
	assert_output --partial "-A OUTPUT -m owner --gid-owner 5 --suppl-groups"
	assert_output --partial "-A OUTPUT -m owner ! --socket-exists"
	run ours -D OUTPUT -m owner ! --socket-exists
	assert_success
	run ours -C INPUT -p tcp -m multiport --ports 22,80
	assert_success
}

@test "compat: --tcp-option 0 is refused as the reference refuses it" {
	run ours -A INPUT -p tcp --tcp-option 0
	assert_failure 2
	assert_output --partial 'Bad TCP option "0"'
}

@test "compat: iptables-restore under IPTNFT_COMPAT=1 and with --compat" {
	local rules='*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -m state --state NEW -j ACCEPT
-A INPUT -p tcp -m multiport --ports 80,443 -j ACCEPT
-A INPUT -p udp -m udp --sport 53 -m conntrack --ctstate ESTABLISHED -j ACCEPT
-A INPUT -p icmp -m icmp --icmp-type 8 -m limit --limit 1/sec -j ACCEPT
-A INPUT -m addrtype --dst-type BROADCAST -m statistic --mode nth --every 2 --packet 1 -j DROP
-A FORWARD -m iprange --src-range 192.0.2.1-192.0.2.5 -m mac --mac-source 00:11:22:33:44:55 -m helper --helper ftp
-A OUTPUT -m owner --uid-owner 0 --gid-owner 0 --suppl-groups -j ACCEPT
COMMIT'
	run ip netns exec "$NS" env IPTNFT_COMPAT=1 "$IPT_BIN/iptables-restore" <<< "$rules"
	assert_success
	ip netns exec "$NS_REF" "$REF_RESTORE" <<< "$rules" || fail "reference restore failed"
	same filter
	# save, less its dated comment lines
	run bash -c "ip netns exec $NS $REF_SAVE | grep -v '^#'"
	assert_success
	local got=$output
	run bash -c "ip netns exec $NS_REF $REF_SAVE | grep -v '^#'"
	assert_output "$got"
	# the same again through the option, the table replaced whole
	run ip netns exec "$NS" "$IPT_BIN/iptables-restore" --compat <<< "$rules"
	assert_success
	same filter
}
