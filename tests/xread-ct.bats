#!/usr/bin/env bats
# Cross-reading: rules the reference (iptables-nft 1.8.9) writes, mostly
# as xt compat blobs, listed and saved by iptnft exactly as the reference
# lists them; and rules iptnft writes hold only native expressions.
# Extensions: conntrack, statistic, addrtype, limit, iprange, mac, owner,
# helper (and -m state, which the reference writes as a conntrack blob).

load helpers

setup() { ref_setup; }

theirs() { ip netns exec "$NS_REF" "$REF_DIR/${FAM:-iptables}-nft" "$@"; }

# ref_rules TABLE RULE...: the reference appends each rule (a string of
# arguments) in TABLE
ref_rules() {
	local t=$1
	shift
	rules_by reference "theirs -t $t" "$@"
}

# native_only RULE...: iptnft writes each rule (in table filter or the
# one -t names) and nft shows no xt compat expression
native_only() {
	rules_by iptnft "ipt${FAM6:-}" "$@"
	native_layout
}

@test "xread: conntrack" {
	local rules=(
		"-A INPUT -m conntrack --ctstate NEW,SNAT --ctproto tcp --ctorigsrc 192.0.2.4/24 --ctorigdst 192.0.2.0/24 ! --ctreplsrc 198.51.100.8 --ctrepldst 198.51.100.9/255.255.0.0 --ctorigsrcport 10 --ctorigdstport 20:30 ! --ctrepldstport 50:60 --ctstatus ASSURED,EXPECTED ! --ctexpire 10:20 --ctdir REPLY -j ACCEPT"
		"-A INPUT -m conntrack --ctstatus NONE"
		"-A INPUT -m conntrack ! --ctstate ESTABLISHED,RELATED,INVALID,UNTRACKED,DNAT --ctdir ORIGINAL"
		"-A INPUT -m conntrack --ctorigsrc 127.0.0.1 --ctreplsrc 0.0.0.0/0 --ctexpire 5: --ctreplsrcport 1:"
		"-A FORWARD -m conntrack ! --ctproto udp ! --ctorigsrcport 53 --ctexpire 7"
		"-A INPUT -m state --state NEW -m conntrack --ctstate INVALID"
		"-A INPUT -m state ! --state ESTABLISHED,RELATED"
	)
	ref_rules filter "${rules[@]}"
	same_listing filter
	native_only "${rules[@]}"
}

@test "xread: conntrack (IPv6)" {
	FAM=ip6tables
	ref_rules filter \
		"-A INPUT -m conntrack --ctorigsrc 2001:db8::1/64 --ctrepldst ::1 --ctorigdst ::/0 --ctreplsrc 2001:db8::/ffff:: --ctorigsrcport 5:6" \
		"-A INPUT -m conntrack ! --ctorigdst 2001:db8::5 --ctstate RELATED"
	same_listing filter
	FAM6=6 native_only "-A INPUT -m conntrack --ctorigsrc 2001:db8::1/64 ! --ctrepldst ::1"
}

@test "xread: statistic" {
	local rules=(
		"-A INPUT -m statistic --mode random --probability 0.33333333333 -j DROP"
		"-A INPUT -m statistic --mode random ! --probability 0.1"
		"-A INPUT -m statistic --mode random --probability 1"
		"-A INPUT -m statistic --mode nth --every 3 --packet 2"
		"-A INPUT -m statistic --mode nth ! --every 3 --packet 0"
	)
	ref_rules filter "${rules[@]}"
	ref_rules nat "-N KUBE-SEP-1" \
		"-A PREROUTING -m comment --comment \"ns/svc -> 10.1.0.1:80\" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-1"
	same_listing filter
	same_listing nat
	native_only "${rules[@]}"
}

@test "xread: addrtype" {
	local rules=(
		"-A INPUT -m addrtype --src-type LOCAL,MULTICAST ! --dst-type UNICAST --limit-iface-in"
		"-A INPUT -m addrtype ! --src-type BROADCAST"
		"-A OUTPUT -m addrtype --dst-type LOCAL --limit-iface-out -j ACCEPT"
		"-A FORWARD -m addrtype --src-type UNSPEC,UNICAST,LOCAL,BROADCAST,ANYCAST,MULTICAST,BLACKHOLE,UNREACHABLE,PROHIBIT,THROW,NAT,XRESOLVE"
	)
	ref_rules filter "${rules[@]}"
	ref_rules nat "-N KUBE-NODEPORTS" \
		"-A PREROUTING -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS"
	same_listing filter
	same_listing nat
	native_only "${rules[@]}"
}

@test "xread: limit" {
	local rules=(
		"-A INPUT -m limit --limit 5000/min --limit-burst 7 -j ACCEPT"
		"-A INPUT -m limit"
		"-A INPUT -m limit --limit 1000000/day --limit-burst 1"
		"-A INPUT -p icmp -m limit --limit 3/hour -j ACCEPT"
	)
	ref_rules filter "${rules[@]}"
	same_listing filter
	native_only "${rules[@]}"
}

@test "xread: limit written by nft" {
	theirs -A INPUT -j ACCEPT
	ip netns exec "$NS_REF" nft add rule ip filter INPUT limit rate 120/minute
	ip netns exec "$NS_REF" nft add rule ip filter INPUT limit rate 7/second burst 1 packets
	same_listing filter
}

@test "xread: iprange" {
	local rules=(
		"-A INPUT -m iprange --src-range 192.0.2.4-192.0.2.9 ! --dst-range 10.0.0.1-10.0.0.2 -j DROP"
		"-A INPUT -m iprange ! --src-range 192.0.2.1"
		"-A INPUT -s 192.0.2.0/24 -m iprange --dst-range 0.0.0.0-255.255.255.255"
	)
	ref_rules filter "${rules[@]}"
	same_listing filter
	native_only "${rules[@]}"
}

@test "xread: mac" {
	local rules=(
		"-A INPUT -m mac ! --mac-source 00:11:22:33:44:55"
		"-A FORWARD -i eth0 -m mac --mac-source AA:bb:cc:dd:ee:ff -j DROP"
	)
	ref_rules filter "${rules[@]}"
	ref_rules nat "-A PREROUTING -m mac --mac-source 02:00:00:00:00:01 -j ACCEPT"
	same_listing filter
	same_listing nat
	native_only "${rules[@]}"
}

@test "xread: owner" {
	local rules=(
		"-A OUTPUT -m owner --socket-exists --uid-owner 0 ! --gid-owner 10-20 -j ACCEPT"
		"-A OUTPUT -m owner ! --uid-owner 1000-2000"
		"-A OUTPUT -m owner --gid-owner daemon"
	)
	ref_rules filter "${rules[@]}"
	# the two forms iptnft does not write itself still list
	ref_rules filter "-A OUTPUT -m owner ! --socket-exists" \
		"-A OUTPUT -m owner --gid-owner 5 --suppl-groups"
	same_listing filter
	native_only "${rules[@]}"
}

@test "xread: helper" {
	local rules=(
		"-A INPUT -m helper --helper ftp -j ACCEPT"
		"-A INPUT -m helper ! --helper \"a b\""
		"-A FORWARD -m conntrack --ctstate RELATED -m helper --helper sip"
	)
	ref_rules filter "${rules[@]}"
	same_listing filter
	native_only "${rules[@]}"
}
