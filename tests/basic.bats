#!/usr/bin/env bats
# Smoke tests of the iptnft binary: kernel state seen through nft(8),
# and a little real traffic over a veth pair.

load helpers

@test "-V prints the compatibility version" {
	run ipt -V
	assert_success
	assert_line --index 0 "iptables v1.8.9 (nf_tables)"
}

@test "append tcp/state rule shows up natively in nft" {
	run ipt -A INPUT -p tcp --dport 22 -m state --state NEW -j ACCEPT
	assert_success
	assert_output ""
	run ns nft list ruleset
	assert_success
	assert_output --partial "table ip filter {"
	assert_output --partial "type filter hook input priority filter; policy accept;"
	assert_output --partial "tcp dport 22 ct state new counter packets 0 bytes 0 accept"
}

@test "-c sets the rule counter" {
	run ipt -A OUTPUT -d 192.0.2.1 -c 5 300 -j DROP
	assert_success
	run ns nft list chain ip filter OUTPUT
	assert_success
	assert_output --partial "ip daddr 192.0.2.1 counter packets 5 bytes 300 drop"
}

@test "-N creates and -X deletes a user chain" {
	run ipt -N FOO
	assert_success
	run ns nft list chain ip filter FOO
	assert_success
	assert_output --partial "chain FOO {"
	run ipt -X FOO
	assert_success
	run ns nft list chain ip filter FOO
	assert_failure
}

@test "-P DROP sets the base chain policy" {
	run ipt -P FORWARD DROP
	assert_success
	run ns nft list chain ip filter FORWARD
	assert_success
	assert_output --partial "type filter hook forward priority filter; policy drop;"
	run ipt -S FORWARD
	assert_output "-P FORWARD DROP"
}

@test "-F empties the chains but keeps them" {
	ipt -A INPUT -s 192.0.2.1 -j DROP
	ipt -A INPUT -s 192.0.2.2 -j DROP
	run ns nft list chain ip filter INPUT
	assert_output --partial "ip saddr 192.0.2.2 counter"
	run ipt -F
	assert_success
	run ns nft list chain ip filter INPUT
	assert_success
	refute_output --partial "counter"
	run ipt -S INPUT
	assert_output "-P INPUT ACCEPT"
}

@test "-S prints what -A was given, normalised" {
	ipt -A INPUT -s 192.0.2.1 -p udp --dport 53 -j ACCEPT
	run ipt -S INPUT
	assert_success
	assert_output "-P INPUT ACCEPT
-A INPUT -s 192.0.2.1/32 -p udp -m udp --dport 53 -j ACCEPT"
}

@test "errors: missing chain gives status 1 and the iptables message" {
	run ipt -X NOPE
	assert_failure 1
	assert_output "iptables: No chain/target/match by that name."
	run ipt -A INPUT -j NOPE
	assert_failure 2
	assert_line --index 0 "iptables v1.8.9 (nf_tables): Chain 'NOPE' does not exist"
}

@test "traffic: DROP rule blocks ping from the peer and counts it" {
	veth_setup
	run peer ping -c 1 -W 2 10.99.0.1
	assert_success
	ipt -A INPUT -s 10.99.0.2 -p icmp --icmp-type echo-request -j DROP
	run peer ping -c 1 -W 1 10.99.0.1
	assert_failure
	run ipt -L INPUT -v -x -n
	assert_success
	assert_line --regexp '^ +1 +84 DROP +1 +-- +\* +\* +10\.99\.0\.2 +0\.0\.0\.0/0 +icmptype 8$'
	ipt -D INPUT 1
	run peer ping -c 1 -W 2 10.99.0.1
	assert_success
}

@test "traffic: '! -i +' matches no packet, '-i +' every packet" {
	veth_setup
	ipt -A INPUT ! -i + -j DROP
	run peer ping -c 1 -W 2 10.99.0.1
	assert_success
	ipt -I INPUT -i + -p icmp -j DROP
	run peer ping -c 1 -W 1 10.99.0.1
	assert_failure
	run ipt -S INPUT
	assert_output "$(printf -- '-P INPUT ACCEPT\n-A INPUT -p icmp -j DROP\n-A INPUT ! -i + -j DROP')"
}

@test "a sample ruleset lands as the native rules an nft user would write" {
	local rules=(
		"-P FORWARD DROP"
		"-N LOGDROP"
		"-A LOGDROP -j DROP"
		"-A INPUT -i lo -j ACCEPT"
		"-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"
		"-A INPUT -p tcp --dport 22 -m state --state NEW -j ACCEPT"
		"-A INPUT -p udp --sport 1024:65535 --dport 53 -j ACCEPT"
		"-A INPUT -p icmp --icmp-type echo-request -j ACCEPT"
		"-A INPUT -s 192.0.2.0/24 ! -d 198.51.100.1 -j LOGDROP"
		"-A INPUT -p tcp ! --syn -f -j DROP"
		"-A FORWARD -i eth+ ! -o eth1 -g LOGDROP"
	)
	local r
	for r in "${rules[@]}"; do
		# shellcheck disable=SC2086
		ipt $r
	done
	run ns nft list chain ip filter INPUT
	assert_success
	assert_output - <<'EOF'
table ip filter {
	chain INPUT {
		type filter hook input priority filter; policy accept;
		iifname "lo" counter packets 0 bytes 0 accept
		ct state established,related counter packets 0 bytes 0 accept
		tcp dport 22 ct state new counter packets 0 bytes 0 accept
		udp sport 1024-65535 udp dport 53 counter packets 0 bytes 0 accept
		icmp type echo-request counter packets 0 bytes 0 accept
		ip saddr 192.0.2.0/24 ip daddr != 198.51.100.1 counter packets 0 bytes 0 jump LOGDROP
		ip frag-off & 8191 != 0 tcp flags != syn / fin,syn,rst,ack counter packets 0 bytes 0 drop
	}
}
EOF
	run ns nft list chain ip filter FORWARD
	assert_output --partial 'iifname "eth*" oifname != "eth1" counter packets 0 bytes 0 goto LOGDROP'
	# native expressions only: no xt compat match or target anywhere
	run ns nft --debug=netlink list ruleset
	assert_success
	refute_output --partial '[ match name'
	refute_output --partial '[ target name'
}
