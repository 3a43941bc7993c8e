#!/usr/bin/env bats
# iptables-translate and iptables-restore-translate: what they print is
# the rule iptables writes, in nft syntax. Checked three ways: against
# the reference's text where the reference's translation is right,
# through nft -f and back (every native rule of the differential corpora,
# and kube-proxy-shaped restore files), and by their exit status where
# nft syntax cannot say a rule.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	iptnft_setup
	for n in iptables-translate ip6tables-translate iptables-restore-translate \
		 ip6tables-restore-translate; do
		ln -sf "$IPTNFT" "$IPT_BIN/$n"
	done
}

xlate() { "$IPT_BIN/iptables-translate" "$@"; }
xlate6() { "$IPT_BIN/ip6tables-translate" "$@"; }
rxlate() { "$IPT_BIN/iptables-restore-translate" "$@"; }

# Commands whose reference translation is right (nft loads it and it
# means the rule): ours prints the same text.
SAME_AS_REFERENCE=(
	"-A INPUT -p tcp --dport 22 -j ACCEPT"
	"-A INPUT -s 192.0.2.1 -j DROP"
	"-A INPUT -s 192.0.2.0/24 -d 198.51.100.0/24 -j ACCEPT"
	"-A INPUT -i eth0 -j ACCEPT"
	"-A INPUT -i eth+ -j ACCEPT"
	"-A OUTPUT -o lo -j ACCEPT"
	"-A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT"
	"-A INPUT -m state --state INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED"
	"-A INPUT -m conntrack --ctstate NEW -j ACCEPT"
	"-A INPUT -p udp --dport 53 -j ACCEPT"
	"-A INPUT -p icmp --icmp-type echo-request -j ACCEPT"
	"-A INPUT -m comment --comment hello -j ACCEPT"
	"-N FOO"
	"-X FOO"
	"-F INPUT"
	"-F"
	"-A INPUT -j FOO"
	"-A INPUT -g FOO"
	"-A FORWARD -j RETURN"
	"-I INPUT -j ACCEPT"
	"-A INPUT ! -s 192.0.2.1 -j DROP"
	"-A INPUT -p tcp ! --dport 22 -j DROP"
	"-A INPUT -m mark --mark 0x1 -j ACCEPT"
	"-t mangle -A PREROUTING -j MARK --set-mark 0x1"
	"-t mangle -A PREROUTING -j CONNMARK --restore-mark"
	"-t mangle -A PREROUTING -j CONNMARK --save-mark"
	"-t nat -A POSTROUTING -o eth0 -j MASQUERADE"
	"-t nat -A POSTROUTING -j SNAT --to-source 192.0.2.1"
	"-t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports 8080"
	"-A INPUT -m limit --limit 3/min -j ACCEPT"
	"-A INPUT -j LOG --log-prefix dropped: --log-level 4"
	"-A INPUT -j NFLOG --nflog-group 3"
	"-A INPUT -m pkttype --pkt-type broadcast -j DROP"
	"-A INPUT -m addrtype --dst-type LOCAL -j ACCEPT"
	"-A INPUT -m iprange --src-range 192.0.2.1-192.0.2.9 -j ACCEPT"
	"-A INPUT -m length --length 100:200 -j DROP"
	"-A INPUT -m ttl --ttl-gt 5 -j DROP"
	"-A INPUT -p tcp --tcp-flags SYN,ACK SYN -j DROP"
	"-A INPUT -p tcp ! --tcp-flags SYN,ACK SYN"
	"-A INPUT -p tcp --syn -j DROP"
	"-A INPUT -f -j DROP"
	"-A INPUT -m connmark --mark 1 -j ACCEPT"
	"-A INPUT -m helper --helper ftp -j ACCEPT"
	"-A INPUT -m statistic --mode nth --every 3 --packet 1 -j ACCEPT"
	"-A INPUT -m mac --mac-source 00:11:22:33:44:55 -j ACCEPT"
	"-t raw -A PREROUTING -j NOTRACK"
	"-A INPUT -m dscp --dscp 10"
)

@test "translate: the reference's text wherever the reference's translation is right" {
	need_ref
	local c bad=0
	for c in "${SAME_AS_REFERENCE[@]}"; do
		# shellcheck disable=SC2086
		want=$("$REF_DIR/iptables-translate" $c 2>&1) || true
		# shellcheck disable=SC2086
		got=$(xlate $c 2>&1) || true
		if [ "$want" != "$got" ]; then
			echo "iptables-translate $c"
			echo "  reference: $want"
			echo "  iptnft:    $got"
			bad=1
		fi
	done
	[ "$bad" = 0 ]
}

@test "translate: a DNAT with a port keeps the protocol test nft needs (the reference's does not load)" {
	need_ref
	run xlate -t nat -A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination 192.0.2.1:8080
	assert_success
	assert_output "nft 'add rule ip nat PREROUTING tcp dport 80 counter dnat to 192.0.2.1:8080'"
	run xlate -t nat -A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:8080
	assert_success
	assert_output "nft 'add rule ip nat PREROUTING meta l4proto tcp counter dnat to 192.0.2.1:8080'"
	ns nft add table ip nat
	ns nft 'add chain ip nat PREROUTING { type nat hook prerouting priority -100; }'
	ns nft 'add rule ip nat PREROUTING meta l4proto tcp counter dnat to 192.0.2.1:8080'
	# the reference's line for the same rule
	want=$("$REF_DIR/iptables-translate" -t nat -A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:8080)
	[ "$want" = "nft 'add rule ip nat PREROUTING ip protocol tcp counter dnat to 192.0.2.1:8080'" ]
	run ipt -t nat -S PREROUTING
	assert_output "-P PREROUTING ACCEPT
-A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:8080"
}

@test "translate: reversed ranges, ct expiration in time units, and nft's ranges and port pairs read back" {
	# a range whose ends are reversed holds nothing, and nft refuses it
	# as a range: it is two relations on the field
	run xlate -A INPUT -m length --length 200:100
	assert_success
	assert_output "nft 'add rule ip filter INPUT meta length ge 200 meta length le 100 counter'"
	run xlate -A INPUT -p esp -m esp --espspi 5:1
	assert_output "nft 'add rule ip filter INPUT esp spi ge 5 esp spi le 1 counter'"
	# ct expiration is milliseconds; a bare number would be seconds to nft
	run xlate -A INPUT -m conntrack --ctexpire 5
	assert_output "nft 'add rule ip filter INPUT ct expiration 5s-5s999ms counter'"
	run xlate -A INPUT -m conntrack --ctexpire 10:
	assert_output "nft 'add rule ip filter INPUT ct expiration 10s-49d17h2m47s295ms counter'"
	ns nft 'add table ip filter'
	ns nft 'add chain ip filter INPUT { type filter hook input priority 0; }'
	ns nft 'add rule ip filter INPUT meta length ge 200 meta length le 100 counter'
	ns nft 'add rule ip filter INPUT esp spi ge 5 esp spi le 1 counter'
	ns nft 'add rule ip filter INPUT ct expiration 5s-5s999ms counter'
	ns nft 'add rule ip filter INPUT ct expiration 10s-49d17h2m47s295ms counter'
	# nft writes "x 0-5" as >= 0 and <= 0 on one load, and two ports of
	# one protocol as one 4-byte compare
	ns nft 'add rule ip filter INPUT esp spi 0-5 counter'
	ns nft 'add rule ip filter INPUT meta length 7-9 counter'
	ns nft 'add rule ip filter INPUT dccp dport 80 dccp sport 5 counter'
	run ipt -S INPUT
	assert_output "-P INPUT ACCEPT
-A INPUT -m length --length 200:100
-A INPUT -p esp -m esp --espspi 5:1
-A INPUT -m conntrack --ctexpire 5
-A INPUT -m conntrack --ctexpire 10:4294967295
-A INPUT -p esp -m esp --espspi 0:5
-A INPUT -m length --length 7:9
-A INPUT -p dccp -m dccp --sport 5 --dport 80"
}

@test "translate: CT --helper makes its ct helper object first, and loads back" {
	run xlate -t raw -A PREROUTING -p udp --dport 69 -j CT --helper tftp
	assert_success
	assert_output "nft 'add ct helper ip raw tftp-udp { type \"tftp\" protocol udp; }'
nft 'add rule ip raw PREROUTING udp dport 69 counter ct zone set 0 ct helper set \"tftp-udp\"'"
	printf '*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -m tcp --dport 21 -j CT --helper ftp\n-A PREROUTING -p udp -m udp --dport 69 -j CT --helper tftp\nCOMMIT\n' \
		> "$BATS_TEST_TMPDIR/helpers.rules"
	run rxlate "$BATS_TEST_TMPDIR/helpers.rules"
	assert_success
	assert_line "add ct helper ip raw ftp-tcp { type \"ftp\" protocol tcp; }"
	echo "$output" > "$BATS_TEST_TMPDIR/helpers.nft"
	ns nft -f "$BATS_TEST_TMPDIR/helpers.nft"
	run ipt -t raw -S PREROUTING
	assert_output "-P PREROUTING ACCEPT
-A PREROUTING -p tcp -m tcp --dport 21 -j CT --helper ftp
-A PREROUTING -p udp -m udp --dport 69 -j CT --helper tftp"
}

@test "translate: conntrack ports once the rule names the protocol, and not without it" {
	run xlate -A INPUT -m conntrack --ctproto tcp --ctorigdstport 22
	assert_success
	assert_output "nft 'add rule ip filter INPUT ct protocol tcp ct original proto-dst 22 counter'"
	run xlate -A INPUT -p udp -m conntrack --ctreplsrcport 1024:2048
	assert_success
	assert_output "nft 'add rule ip filter INPUT meta l4proto udp ct reply proto-src 1024-2048 counter'"
	# nft cannot type the port without the protocol: a comment, status 1
	run xlate -A INPUT -m conntrack --ctorigdstport 22
	assert_failure 1
	ns nft 'add table ip filter'
	ns nft 'add chain ip filter INPUT { type filter hook input priority 0; }'
	ns nft 'add rule ip filter INPUT ct protocol tcp ct original proto-dst 22 counter'
	ns nft 'add rule ip filter INPUT meta l4proto udp ct reply proto-src 1024-2048 counter'
	run ipt -S INPUT
	assert_output "-P INPUT ACCEPT
-A INPUT -m conntrack --ctproto 6 --ctorigdstport 22
-A INPUT -p udp -m conntrack --ctreplsrcport 1024:2048"
}

@test "translate: probability 1 below numgen's limit, and tcp options nft has no name for" {
	# nft takes no value at numgen's modulus: "< 2^31" is "<= 2^31 - 1"
	run xlate -A INPUT -m statistic --mode random --probability 1
	assert_success
	assert_output "nft 'add rule ip filter INPUT numgen random mod 2147483648 le 2147483647 counter'"
	run xlate -A INPUT -m statistic --mode random ! --probability 1
	assert_output "nft 'add rule ip filter INPUT numgen random mod 2147483648 gt 2147483647 counter'"
	run xlate -A INPUT -p tcp --tcp-option 255
	assert_success
	assert_output "nft 'add rule ip filter INPUT meta l4proto tcp tcp option 255 exists counter'"
	run xlate -A INPUT -p tcp ! --tcp-option 7
	assert_output "nft 'add rule ip filter INPUT meta l4proto tcp tcp option 7 missing counter'"
	ns nft 'add table ip filter'
	ns nft 'add chain ip filter INPUT { type filter hook input priority 0; }'
	ns nft 'add rule ip filter INPUT numgen random mod 2147483648 le 2147483647 counter'
	ns nft 'add rule ip filter INPUT numgen random mod 2147483648 gt 2147483647 counter'
	ns nft 'add rule ip filter INPUT meta l4proto tcp tcp option 255 exists counter'
	ns nft 'add rule ip filter INPUT meta l4proto tcp tcp option 7 missing counter'
	run ipt -S INPUT
	assert_output "-P INPUT ACCEPT
-A INPUT -m statistic --mode random --probability 1.00000000000
-A INPUT -m statistic --mode random ! --probability 1.00000000000
-A INPUT -p tcp -m tcp --tcp-option 255
-A INPUT -p tcp -m tcp ! --tcp-option 7"
}

@test "translate: -s with two addresses is two rules; -I n is an add after rule n-1" {
	run xlate -A INPUT -s 192.0.2.1,192.0.2.2 -j DROP
	assert_success
	assert_output "nft 'add rule ip filter INPUT ip saddr 192.0.2.1 counter drop'
nft 'add rule ip filter INPUT ip saddr 192.0.2.2 counter drop'"
	run xlate -I INPUT 3 -j ACCEPT
	assert_output "nft 'add rule ip filter INPUT index 1 counter accept'"
	# iptables takes one past the last rule; so does the translation
	ipt -A INPUT -s 192.0.2.1
	ipt -A INPUT -s 192.0.2.2
	ns nft 'add rule ip filter INPUT index 1 counter accept'
	run ipt -S INPUT
	assert_output "-P INPUT ACCEPT
-A INPUT -s 192.0.2.1/32
-A INPUT -s 192.0.2.2/32
-A INPUT -j ACCEPT"
}

@test "translate: ip6tables-translate, -P, -E, -L and -S" {
	run xlate6 -A INPUT -p tcp --dport 22 -s 2001:db8::/32 -j ACCEPT
	assert_output "nft 'add rule ip6 filter INPUT meta l4proto tcp ip6 saddr 2001:db8::/32 tcp dport 22 counter accept'"
	run xlate -P FORWARD DROP
	assert_output "nft 'add chain ip filter FORWARD { type filter hook forward priority 0; policy drop; }'"
	run xlate -t nat -P POSTROUTING ACCEPT
	assert_output "nft 'add chain ip nat POSTROUTING { type nat hook postrouting priority 100; policy accept; }'"
	run xlate -E FOO BAR
	assert_output "nft rename chain ip filter FOO BAR"
	run xlate -L INPUT
	assert_output "nft list chain ip filter INPUT"
	run xlate -t nat -S
	assert_output "nft list table ip nat"
}

@test "translate: commands with no nft form say so, as the reference does" {
	for c in "-D INPUT 1" "-D INPUT -j ACCEPT" "-R INPUT 1 -j ACCEPT" "-C INPUT -j ACCEPT" "-Z" "-X"; do
		# shellcheck disable=SC2086
		run --separate-stderr xlate $c
		[ "$status" -eq 1 ]
		[ "$output" = "nft " ]
		[ "$stderr" = "Translation not implemented" ]
	done
}

@test "translate: a rule nft syntax cannot say is a comment line and exit status 1" {
	run --separate-stderr xlate -A INPUT -m string --algo bm --string foo -j DROP
	[ "$status" -eq 1 ]
	[ "$output" = "nft # -A INPUT -m string --algo bm --string foo -j DROP " ]
	# a chain name nft reads as a keyword
	run --separate-stderr xlate -A INPUT -j counter
	[ "$status" -eq 1 ]
	[ "$output" = "nft # -A INPUT -j counter " ]
	# a comment longer than nft keeps
	long=$(printf 'c%.0s' $(seq 129))
	run --separate-stderr xlate -A INPUT -m comment --comment "$long"
	[ "$status" -eq 1 ]
	# the negation of a reversed range (it matches everything): nft has
	# no words for it (the range itself is two relations, see above)
	run --separate-stderr xlate -A INPUT -m length ! --length 200:100
	[ "$status" -eq 1 ]
	[ "$output" = "nft # -A INPUT -m length ! --length 200:100 " ]
	# a bad command: iptables' message and status
	run --separate-stderr xlate -A INPUT -p tcp --dport
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = 'iptables-translate v1.8.9 (nf_tables): option "--dport" requires an argument' ]
}

@test "restore-translate: the script's form, flush unless --noflush, comments for what nft cannot say" {
	cat > "$BATS_TEST_TMPDIR/r" <<-'EOF'
	*filter
	:INPUT DROP [0:0]
	:FORWARD ACCEPT [0:0]
	:OUTPUT ACCEPT [0:0]
	:FOO - [0:0]
	-A INPUT -p tcp --dport 22 -j ACCEPT
	-A INPUT -m string --algo bm --string foo -j DROP
	-A FOO -j RETURN
	COMMIT
	*nat
	:PREROUTING ACCEPT [0:0]
	:POSTROUTING ACCEPT [0:0]
	-A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.4:80
	COMMIT
	EOF
	run --separate-stderr rxlate -f "$BATS_TEST_TMPDIR/r"
	[ "$status" -eq 1 ]
	[ "$stderr" = "iptables-restore-translate: line 7: no nft text for it; kept as a comment" ]
	[[ "${lines[0]}" == "# Translated by iptables-restore-translate v1.8.9 on "* ]]
	[[ "${lines[-1]}" == "# Completed on "* ]]
	body=$(printf '%s\n' "${lines[@]:1:${#lines[@]}-2}")
	[ "$body" = "add table ip filter
flush table ip filter
add chain ip filter INPUT { type filter hook input priority 0; policy drop; }
add chain ip filter FORWARD { type filter hook forward priority 0; policy accept; }
add chain ip filter OUTPUT { type filter hook output priority 0; policy accept; }
add chain ip filter FOO
add rule ip filter INPUT tcp dport 22 counter accept
# -t filter -A INPUT -m string --algo bm --string foo -j DROP 
add rule ip filter FOO counter return
add table ip nat
flush table ip nat
add chain ip nat PREROUTING { type nat hook prerouting priority -100; policy accept; }
add chain ip nat POSTROUTING { type nat hook postrouting priority 100; policy accept; }
add rule ip nat PREROUTING meta l4proto tcp counter dnat to 192.0.2.4:80" ]
	run rxlate --noflush "$BATS_TEST_TMPDIR/r"
	refute_line --partial "flush table"
	# but the chain a line names is emptied, as restore --noflush does
	assert_line "add chain ip filter FOO"
	assert_line "flush chain ip filter FOO"
	refute_line "flush chain ip filter INPUT"
	# the script loads, and iptables lists what it made
	grep -v string "$BATS_TEST_TMPDIR/r" > "$BATS_TEST_TMPDIR/r2"
	rxlate -f "$BATS_TEST_TMPDIR/r2" > "$BATS_TEST_TMPDIR/r2.nft"
	ns nft -f "$BATS_TEST_TMPDIR/r2.nft"
	run ipt_save -t nat
	assert_line "-A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.4:80"
	run ipt -S
	assert_line "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT"
	assert_line "-A FOO -j RETURN"
	assert_line "-P INPUT DROP"
}

# The corpora: every case of plain iptables commands whose every rule has
# a translation, through nft -f and back. Two halves, to run side by side.
corpus_half() {
	local files=("$TOP"/tests/diff/*.cases) half=() i
	for i in "${!files[@]}"; do
		[ $((i % 2)) = "$1" ] && half+=("${files[$i]}")
	done
	run ip netns exec "$NS" python3 "$TOP/tests/translate-roundtrip.py" -k "$IPTNFT" "${half[@]}"
	echo "$output" | grep -v '^#   ' | tail -n 40
	assert_success
	assert_line --regexp '^# translate round trip: [1-9][0-9]* passed .*, 0 failed;'
}

@test "translate round trip: the differential corpora (first half), through nft -f and back" {
	corpus_half 0
}

@test "translate round trip: the differential corpora (second half), through nft -f and back" {
	corpus_half 1
}

@test "restore-translate round trip: kube-proxy-shaped files of 1k and 10k services load with nft -f as the same rules" {
	for n in 1000 10000; do
		python3 "$TOP/bench/gen-kube.py" "$n" > "$BATS_TEST_TMPDIR/kube-$n.rules"
	done
	run ip netns exec "$NS" python3 "$TOP/tests/translate-roundtrip.py" --restore "$IPTNFT" \
		"$BATS_TEST_TMPDIR/kube-1000.rules" "$BATS_TEST_TMPDIR/kube-10000.rules"
	echo "$output"
	assert_success
	assert_line --regexp 'kube-1000.rules: 80[0-9][0-9] rules, iptables-save the same but for what nft syntax cannot carry'
	assert_line --regexp 'kube-10000.rules: 80[0-9][0-9][0-9] rules, iptables-save the same but for what nft syntax cannot carry'
}
