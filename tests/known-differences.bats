#!/usr/bin/env bats
# Where iptnft deliberately differs from iptables-nft 1.8.9: the reference's
# crashes and limits it does not copy, nft rules the reference would list
# wrongly, and a few corners. Each test pins iptnft's behaviour and, where
# the reference is installed, shows what the reference does, so the
# difference stays visible. The README lists the same items.

load helpers

# refused_by PROG CMD...: PROG (ipt or ipt6) refuses with exit 2, the
# message names the reason, and the ruleset is as before
refused_by() {
	local prog=$1 before
	shift
	before=$(ns nft list ruleset)
	run "$prog" "$@"
	assert_equal "$status" 2
	[ "$(ns nft list ruleset)" = "$before" ]
}
refused() { refused_by ipt "$@"; }
refused6() { refused_by ipt6 "$@"; }

@test "-L inside a restore block lists what the kernel holds, not the block's pending rules" {
	run bash -c "printf '*filter\n-A INPUT -j ACCEPT\n-L INPUT\nCOMMIT\n' | ip netns exec '$NS' '$IPT_BIN/iptables-restore'"
	assert_success
	refute_output --partial "ACCEPT     all"
	# the block itself was committed
	run ipt -S INPUT
	assert_output --partial "-A INPUT -j ACCEPT"
}

@test "hashlimit byte rates at which the reference divides by zero are refused" {
	# 68719476720 bytes are 2^32 - 1 units of 16 bytes: the reference's
	# 32-bit unit count + 1 is 0
	refused -A INPUT -m hashlimit --hashlimit-upto 68719476720b/s --hashlimit-name a
	assert_output --partial 'hashlimit: Bad value for "--hashlimit-upto" option: "68719476720b/s"'
	# under 16b/s the rate is 0 bytes per second, which a burst divides
	refused -A INPUT -m hashlimit --hashlimit-upto 10b/s --hashlimit-burst 20b --hashlimit-name a
	assert_output --partial "burst cannot be given with a rate under 16b/s"
	# the rates themselves, and bursts with rates of 16b/s and more, work
	run ipt -A INPUT -m hashlimit --hashlimit-upto 10b/s --hashlimit-name a
	assert_success
	run ipt -A INPUT -m hashlimit --hashlimit-upto 16b/s --hashlimit-burst 20b --hashlimit-name b
	assert_success
	if command -v iptables-nft >/dev/null; then
		run ref -A INPUT -m hashlimit --hashlimit-upto 68719476720b/s --hashlimit-name a
		assert_equal "$status" 136
		run ref -A INPUT -m hashlimit --hashlimit-upto 10b/s --hashlimit-burst 20b --hashlimit-name a
		assert_equal "$status" 136
	fi
}

@test "rules the reference's xt layout makes too large for the kernel are taken natively" {
	# 42 conntrack matches: 128 native expressions; as xt blobs past the
	# kernel's room for a rule's data (the reference stops at 22)
	local m
	m=$(printf -- '-m conntrack --ctstate NEW %.0s' $(seq 42))
	# shellcheck disable=SC2086
	run ipt -A INPUT $m -j ACCEPT
	assert_success
	# shellcheck disable=SC2086
	run ipt -C INPUT $m -j ACCEPT
	assert_success
	if command -v iptables-nft >/dev/null; then
		# shellcheck disable=SC2086
		run ref -A INPUT $m -j ACCEPT
		assert_failure 1
		assert_output "iptables: No space left on device."
	fi
}

@test "an option letter with its value in the same word means what getopt says" {
	run ipt -A OUTPUT -ptcp -s192.0.2.1 -d192.0.2.2 -oeth0 -jACCEPT
	assert_success
	run ipt -S OUTPUT
	assert_line -- "-A OUTPUT -s 192.0.2.1/32 -d 192.0.2.2/32 -o eth0 -p tcp -j ACCEPT"
	if command -v iptables-nft >/dev/null; then
		# the reference takes the whole word as the value
		run ref -A OUTPUT -ptcp -j ACCEPT
		assert_failure 2
		assert_output --partial 'unknown protocol "-ptcp" specified'
		run ref -A OUTPUT -oeth0
		assert_success
		run ref -S OUTPUT
		assert_line -- "-A OUTPUT -o -oeth0"
	fi
}

@test "an unknown option letter inside a group is refused, named" {
	refused -A INPUT -p tcp -QX
	assert_output --partial 'unknown option "-Q"'
	refused -A INPUT -QX
	assert_output --partial 'unknown option "-Q"'
	refused -A INPUT -b
	assert_output --partial 'unknown option "-b"'
	if command -v iptables-nft >/dev/null; then
		# the reference skips the letter after -p tcp, names the word
		# before the group otherwise, and has no name for -b
		run ref -A INPUT -p tcp -QX
		assert_output --partial "Cannot use -X with -A"
		run ref -A INPUT -QX
		assert_output --partial 'unknown option "INPUT"'
		run ref -A INPUT -b
		assert_output --partial 'Unknown arg "(null)"'
	fi
}

@test "a built-in chain made for -A counts its policy's packets (the reference's stays at 0)" {
	ns bash -c 'ip link set lo up'
	ipt -A OUTPUT -d 192.0.2.1 -j ACCEPT
	# one datagram to loopback and its port-unreachable error pass OUTPUT
	ns bash -c 'echo x > /dev/udp/127.0.0.1/9' 2> /dev/null || true
	run ipt -L OUTPUT -v -n
	assert_line --index 0 "Chain OUTPUT (policy ACCEPT 2 packets, 88 bytes)"
	if [ -x "$REF_IPTABLES" ]; then
		ref -A OUTPUT -d 192.0.2.1 -j ACCEPT
		ip netns exec "$NS_REF" bash -c 'echo x > /dev/udp/127.0.0.1/9' 2> /dev/null || true
		run ref -L OUTPUT -v -n
		assert_line --index 0 "Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)"
	fi
}

@test "security chains at priority 50 are iptnft's own; the reference calls them incompatible" {
	ns nft add table ip security
	ns nft add chain ip security INPUT '{ type filter hook input priority 50; }'
	run ipt -t security -S
	assert_success
	assert_output "-P INPUT ACCEPT
-P FORWARD ACCEPT
-P OUTPUT ACCEPT"
	if [ -x "$REF_IPTABLES" ]; then
		_ref_ns
		ip netns exec "$NS_REF" nft add table ip security
		ip netns exec "$NS_REF" nft add chain ip security INPUT \
			'{ type filter hook input priority 50; }'
		run ref -t security -S
		assert_line --index 0 "# Table \`security' contains incompatible base-chains, use 'nft' tool to list them."
	fi
}

# nft_both FAMILY TABLE CHAIN RULE: the chain made by iptables -P and one
# rule nft writes into it, in our namespace and (with the reference) in
# its twin
nft_both() {
	local prog=ipt
	[ "$1" = ip6 ] && prog=ipt6
	"$prog" -t "$2" -P "$3" ACCEPT
	ns nft add rule "$@"
	if [ -x "$REF_IPTABLES" ]; then
		_ref_ns
		ip netns exec "$NS_REF" "$REF_DIR/${prog/ipt/ip}tables-nft" -t "$2" -P "$3" ACCEPT
		ip netns exec "$NS_REF" nft add rule "$@"
	fi
}
# ref_S FAMILY TABLE CHAIN: the reference's -S of the chain
ref_S() {
	local p=iptables-nft
	[ "$1" = ip6 ] && p=ip6tables-nft
	ip netns exec "$NS_REF" "$REF_DIR/$p" -t "$2" -S "$3"
}

# undecodable FAMILY TABLE CHAIN: iptnft refuses to list or save the chain
undecodable() {
	local prog=ipt save=ipt_save
	[ "$1" = ip6 ] && prog=ipt6 save=ipt6_save
	run "$prog" -t "$2" -S "$3"
	assert_equal "$status" 3
	assert_output --partial "holds expressions iptnft cannot translate (see nft list chain)"
	run "$save" -t "$2"
	assert_equal "$status" 3
}

@test "nft rules the reference lists without a part are refused: a log statement before a verdict" {
	nft_both ip filter INPUT log group 1 accept
	undecodable ip filter INPUT
	if [ -x "$REF_IPTABLES" ]; then
		run ref_S ip filter INPUT
		assert_line "-A INPUT -j ACCEPT"
	fi
}

@test "nft rules the reference lists without a part are refused: an address set" {
	nft_both ip filter INPUT ip saddr '{ 192.0.2.1, 192.0.2.2 }' accept
	undecodable ip filter INPUT
	if [ -x "$REF_IPTABLES" ]; then
		run ref_S ip filter INPUT
		assert_line "-A INPUT -j ACCEPT"
	fi
}

@test "nft rules the reference lists without a part are refused: a verdict map, a concatenation" {
	nft_both ip filter INPUT tcp dport vmap '{ 22 : accept, 23 : drop }'
	undecodable ip filter INPUT
	nft_both ip filter OUTPUT ip daddr . tcp dport '{ 192.0.2.1 . 22 }' accept
	undecodable ip filter OUTPUT
	if [ -x "$REF_IPTABLES" ]; then
		run ref_S ip filter INPUT
		assert_line "-A INPUT -p tcp"
		run ref_S ip filter OUTPUT
		assert_line "-A OUTPUT -p tcp -j ACCEPT"
	fi
}

@test "nft rules the reference lists without a part are refused: a protocol set, an ICMP type set, udp length, ip6 nexthdr" {
	nft_both ip filter INPUT meta l4proto '{ tcp, udp }' accept
	undecodable ip filter INPUT
	ns nft flush ruleset
	nft_both ip filter OUTPUT icmp type '{ echo-request, echo-reply }' accept
	undecodable ip filter OUTPUT
	ns nft flush ruleset
	nft_both ip filter FORWARD udp length 100 accept
	undecodable ip filter FORWARD
	ns nft flush ruleset
	nft_both ip6 filter INPUT ip6 nexthdr tcp accept
	undecodable ip6 filter INPUT
	if [ -x "$REF_IPTABLES" ]; then
		run ref_S ip filter FORWARD
		assert_line "-A FORWARD -p udp -j ACCEPT"
		run ref_S ip6 filter INPUT
		assert_line "-A INPUT -p tcp -m hl --hl-eq 6 -j ACCEPT"
	fi
}

@test "nft rules the reference lists without a part are listed whole: port sets as multiport" {
	nft_both ip filter INPUT tcp dport '{ 22, 80-90 }' accept
	run ipt -S INPUT
	assert_line "-A INPUT -p tcp -m multiport --dports 22,80:90 -j ACCEPT"
	run ipt -D INPUT -p tcp -m multiport --dports 22,80:90 -j ACCEPT
	assert_success
	if [ -x "$REF_IPTABLES" ]; then
		run ref_S ip filter INPUT
		assert_line "-A INPUT -p tcp -j ACCEPT"
	fi
}

@test "nft rules the reference lists wrongly are listed whole: an address range, ip dscp set, ip ttl set" {
	nft_both ip filter INPUT ip daddr 192.0.2.1-192.0.2.9 drop
	run ipt -S INPUT
	assert_line "-A INPUT -m iprange --dst-range 192.0.2.1-192.0.2.9 -j DROP"
	nft_both ip mangle POSTROUTING ip dscp set 0x2e
	nft_both ip mangle OUTPUT ip ttl set 64
	run ipt -t mangle -S
	assert_line "-A OUTPUT -j TTL --ttl-set 64"
	assert_line "-A POSTROUTING -j DSCP --set-dscp 0x2e"
	if [ -x "$REF_IPTABLES" ]; then
		run ref_S ip filter INPUT
		assert_line "-A INPUT -d 192.0.2.9/32 -j DROP"
		run ref_S ip mangle POSTROUTING
		assert_line "-A POSTROUTING"
	fi
}

@test "-Z of a rule of a missing chain is \"Bad rule\", where the reference's message depends on its last lookup" {
	ipt -t nat -P PREROUTING ACCEPT
	run ipt -t nat -Z POSTROUTING 1
	assert_equal "$status" 1
	assert_output "iptables: Bad rule (does a matching rule exist in that chain?)."
	if [ -x "$REF_IPTABLES" ]; then
		ref -t nat -P PREROUTING ACCEPT
		run ref -t nat -Z POSTROUTING 1
		assert_equal "$status" 1
		assert_output "iptables: Incompatible with this kernel."
	fi
}

@test "every match and target of the reference loads; names it does not know are refused as it refuses them" {
	local t
	# every match of the reference, in both families (some warn of a
	# kernel module the kernel lacks)
	for t in addrtype ah bpf cgroup cluster comment connbytes connlabel connlimit connmark \
		conntrack cpu dccp devgroup dscp ecn esp hashlimit helper icmp iprange ipcomp ipvs \
		length limit mac mark multiport nfacct osf owner physdev pkttype policy quota rateest \
		realm recent rpfilter sctp set socket state statistic string tcp tcpmss time tos ttl \
		u32 udp; do
		run ipt -m "$t" -h
		refute_output --partial "Couldn't load match"
	done
	for t in ah dst eui64 frag hbh hl icmp6 ipv6header mh rt srh; do
		run ipt6 -m "$t" -h
		refute_output --partial "Couldn't load match"
	done
	# every target of the reference
	for t in AUDIT CHECKSUM CLASSIFY CLUSTERIP CONNMARK CONNSECMARK CT DNAT DSCP ECN \
		HMARK IDLETIMER LED LOG MARK MASQUERADE NETMAP NFLOG NFQUEUE NOTRACK RATEEST \
		REDIRECT REJECT SECMARK SET SNAT SYNPROXY TCPMSS TCPOPTSTRIP TEE TOS TPROXY \
		TRACE TTL ULOG; do
		run ipt -j "$t" -h
		refute_output --partial "Couldn't load target"
	done
	for t in DNPT SNPT HL; do
		run ipt6 -j "$t" -h
		refute_output --partial "Couldn't load target"
	done
	# a match nobody has is refused in the reference's words
	refused -A INPUT -m nosuchmatch
	assert_output --partial "Couldn't load match \`nosuchmatch':No such file or directory"
	# such a name is still no chain's; a jump to an unknown name still is
	refused -N ULOG
	assert_output --partial "chain name may not clash with target name"
	run ipt -A INPUT -j NOSUCH --to 1
	assert_equal "$status" 2
	assert_output --partial 'unknown option "--to"'
}

@test "an rt --rt-segsleft upper end past a byte is kept, and tests as 255" {
	run ipt6 -A INPUT -m rt --rt-segsleft 1:300
	assert_success
	run ipt6 -S INPUT
	assert_output --partial "-A INPUT -m rt --rt-segsleft 1:300"
	native_layout
}

@test "CONNMARK --set-mark V --mask M and --set-xmark V/M are one rule to -C (the reference's blobs differ in a mask the target ignores)" {
	# iptnft writes both as the same native expressions: ct mark =
	# (ct mark & ~M) ^ V. --mask also sets the nfmask, which a set never
	# uses; the reference keeps it in its blob and so its -C tells them
	# apart. iptnft's -C finds the rule under either spelling, and the
	# same words always find the rule they wrote.
	run ipt -t mangle -A PREROUTING -j CONNMARK --set-xmark 1/3
	assert_success
	run ipt -t mangle -C PREROUTING -j CONNMARK --set-mark 1 --mask 3
	assert_success
	run ipt -t mangle -C PREROUTING -j CONNMARK --set-xmark 1/3
	assert_success
	run ipt -t mangle -C PREROUTING -j CONNMARK --set-xmark 1/7
	assert_failure 1
	if [ -x "$REF_IPTABLES" ]; then
		ref -t mangle -A PREROUTING -j CONNMARK --set-xmark 1/3
		run ref -t mangle -C PREROUTING -j CONNMARK --set-mark 1 --mask 3
		assert_failure 1
	fi
}

@test "two tcp matches testing one field with other values are listed whole (the reference lists the second's value only)" {
	# iptables-nft reads consecutive tcp (udp) tests back as one match, a
	# later value replacing an earlier: "--dport 443 -m tcp --dport 80"
	# (which no packet matches) lists as "--dport 80". iptnft folds a
	# repeat only where it tests nothing the first tests otherwise.
	run ipt -A INPUT -p tcp -m tcp --dport 443 -m tcp --dport 80
	assert_success
	run ipt -A INPUT -p tcp -m tcp --dport 443 -m tcp --dport 443
	assert_success
	run ipt -S INPUT
	assert_line -- "-A INPUT -p tcp -m tcp --dport 443 -m tcp --dport 80"
	assert_line -- "-A INPUT -p tcp -m tcp --dport 443"
	run ipt -C INPUT -p tcp -m tcp --dport 443 -m tcp --dport 80
	assert_success
	run ipt -C INPUT -p tcp -m tcp --dport 80
	assert_failure 1
	if [ -x "$REF_IPTABLES" ]; then
		ref -A INPUT -p tcp -m tcp --dport 443 -m tcp --dport 80
		run ref -S INPUT
		assert_line -- "-A INPUT -p tcp -m tcp --dport 80"
		# iptnft lists the reference's rule whole too
		run ip netns exec "$NS_REF" "$IPT_BIN/iptables" -S INPUT
		assert_line -- "-A INPUT -p tcp -m tcp --dport 443 -m tcp --dport 80"
	fi
}

@test "-C finds a limit rule written with --limit-burst 0 (the reference's -C misses its own)" {
	run ipt -A INPUT -m limit --limit-burst 0
	assert_success
	run ipt -C INPUT -m limit --limit-burst 0
	assert_success
	if [ -x "$REF_IPTABLES" ]; then
		ref -A INPUT -m limit --limit-burst 0
		run ref -C INPUT -m limit --limit-burst 0
		assert_failure 1
		# iptnft finds the reference's rule too
		run ip netns exec "$NS_REF" "$IPT_BIN/iptables" -C INPUT -m limit --limit-burst 0
		assert_success
	fi
}
