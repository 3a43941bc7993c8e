#!/usr/bin/env bats
# Cross-reading for the targets REJECT, LOG, NFLOG, NFQUEUE, SNAT, DNAT,
# MASQUERADE, REDIRECT, CT, NOTRACK and TCPMSS: rules the reference
# writes (as xt blobs, or natively for NFLOG) are listed and saved by
# iptnft exactly as the reference lists them; and what iptnft writes
# holds no xt compat expression (NFQUEUE excepted on a kernel without
# the native queue expression, where it falls back to the xt target).

load helpers

setup() { ref_setup; }

# ours ARGS...: our iptables in the reference's namespace
ours() { ip netns exec "$NS_REF" "$IPT_BIN/iptables" "$@"; }
ref6() { _ref_ns && ip netns exec "$NS_REF" "$REF_DIR/ip6tables-nft" "$@"; }

# kernel_has_queue: can a native queue rule be added here?
kernel_has_queue() {
	ns nft add table ip qprobe &&
		ns nft add chain ip qprobe c &&
		ns nft add rule ip qprobe c queue num 0 2> /dev/null
	local rc=$?
	ns nft delete table ip qprobe 2> /dev/null
	return $rc
}

# ---------------------------------------------------------------- REJECT

@test "xread: REJECT written by the reference" {
	ref -A INPUT -j REJECT
	ref -A INPUT -p tcp -j REJECT --reject-with tcp-reset
	ref -A INPUT -s 192.0.2.0/24 -j REJECT --reject-with icmp-host-prohibited
	ref -A FORWARD -j REJECT --reject-with icmp-net-unreachable
	ref -A FORWARD -j REJECT --reject-with icmp-admin-prohibited
	ref -A OUTPUT -p udp -j REJECT --reject-with icmp-proto-unreachable
	ref -N blocked
	ref -A blocked -j REJECT --reject-with icmp-net-prohibited
	same_listing filter
	same_save
	run ours -C INPUT -p tcp -j REJECT --reject-with tcp-reset
	assert_success
	run ours -D FORWARD -j REJECT --reject-with icmp-admin-prohibited
	assert_success
	same_listing filter
}

@test "native: REJECT written by iptnft" {
	ipt -A INPUT -j REJECT
	ipt -A INPUT -p tcp -j REJECT --reject-with tcp-reset
	ipt -A OUTPUT -j REJECT --reject-with icmp-admin-prohibited
	native_layout
	run ns nft list chain ip filter INPUT
	assert_output --partial "reject with tcp reset"
}

# ---------------------------------------------------------------- LOG

@test "xread: LOG written by the reference" {
	ref -A INPUT -j LOG
	ref -A INPUT -j LOG --log-prefix "in: " --log-level debug
	ref -A INPUT -j LOG --log-level 3 --log-tcp-sequence --log-tcp-options --log-ip-options --log-uid --log-macdecode
	ref -A OUTPUT -j LOG --log-prefix 'q"uo\te'"'"'s' --log-level alert
	ref -A OUTPUT -j LOG --log-prefix 123456789012345678901234567890
	ref -t nat -A POSTROUTING -j LOG --log-level emerg
	ref6 -A INPUT -j LOG --log-prefix six --log-uid
	same_listing filter
	same_listing nat
	same_listing -6 filter
	same_save
}

@test "native: LOG written by iptnft" {
	ipt -A INPUT -j LOG --log-prefix "in: " --log-level 7 --log-uid
	ipt -t nat -A POSTROUTING -j LOG
	ipt6 -A INPUT -j LOG --log-macdecode
	native_layout
	run ns nft list chain ip filter INPUT
	assert_output --partial 'log prefix "in: " level debug flags skuid'
}

# ---------------------------------------------------------------- NFLOG

@test "xread: NFLOG written by the reference" {
	ref -A INPUT -j NFLOG
	ref -A INPUT -j NFLOG --nflog-group 5 --nflog-prefix "hello world" --nflog-threshold 10
	ref -A INPUT -j NFLOG --nflog-size 0
	ref -A INPUT -j NFLOG --nflog-size 200 --nflog-group 65535
	ref -A INPUT -j NFLOG --nflog-prefix "$(printf '0%.0s' $(seq 200))"
	ref6 -A OUTPUT -j NFLOG --nflog-group 6
	same_listing filter
	same_listing -6 filter
	same_save
}

@test "native: NFLOG written by iptnft, and read by the reference" {
	ipt -A INPUT -j NFLOG --nflog-group 5 --nflog-prefix "a b" --nflog-size 64 --nflog-threshold 2
	native_layout
	run ns nft list chain ip filter INPUT
	assert_output --partial 'log prefix "a b" group 5 snaplen 64 queue-threshold 2'
	# the reference writes NFLOG natively too, in the same layout
	run ns "$REF_IPTABLES" -S INPUT
	assert_success
	assert_output --partial "-A INPUT -j NFLOG --nflog-prefix \"a b\" --nflog-group 5 --nflog-size 64 --nflog-threshold 2"
}

# ---------------------------------------------------------------- NFQUEUE

@test "xread: NFQUEUE written by the reference" {
	ref -A INPUT -j NFQUEUE
	ref -A INPUT -j NFQUEUE --queue-num 5
	ref -A INPUT -j NFQUEUE --queue-balance 2:5
	ref -A INPUT -j NFQUEUE --queue-num 4 --queue-bypass
	ref -A INPUT -j NFQUEUE --queue-balance 2:5 --queue-bypass --queue-cpu-fanout
	ref6 -A INPUT -j NFQUEUE --queue-num 7
	same_listing filter
	same_listing -6 filter
	same_save
}

@test "native: NFQUEUE written by iptnft (xt target only without nft_queue)" {
	ipt -A INPUT -j NFQUEUE --queue-balance 2:5 --queue-bypass
	ipt -A INPUT -j NFQUEUE --queue-num 3
	run ipt -S INPUT
	assert_output "-P INPUT ACCEPT
-A INPUT -j NFQUEUE --queue-balance 2:5 --queue-bypass
-A INPUT -j NFQUEUE --queue-num 3"
	if kernel_has_queue; then
		native_layout
		run ns nft list chain ip filter INPUT
		assert_output --partial "queue num 2-5 bypass"
	else
		run ns nft --debug=netlink list ruleset
		assert_output --partial "[ target name NFQUEUE rev 3 ]"
		refute_output --partial "[ match name"
	fi
}

# ---------------------------------------------------------------- NAT

@test "xread: MASQUERADE written by the reference" {
	ref -t nat -A POSTROUTING -j MASQUERADE
	ref -t nat -A POSTROUTING -o eth0 -p tcp -j MASQUERADE --to-ports 1000-2000
	ref -t nat -A POSTROUTING -p udp -j MASQUERADE --to-ports 1000 --random
	ref -t nat -A POSTROUTING -j MASQUERADE --random --random-fully
	ref -t nat -A POSTROUTING -p tcp -j MASQUERADE --to-ports 1000-2000/5
	same_listing nat
	same_save
}

@test "xread: SNAT written by the reference" {
	ref -t nat -A POSTROUTING -j SNAT --to-source 192.0.2.1
	ref -t nat -A POSTROUTING -p tcp -j SNAT --to-source 192.0.2.1-192.0.2.10:1000-2000 --random --random-fully --persistent
	ref -t nat -A POSTROUTING -p udp -j SNAT --to-source 192.0.2.1:1000
	ref -t nat -A POSTROUTING -p tcp -j SNAT --to-source :80
	ref -t nat -A POSTROUTING -p tcp -j SNAT --to-source 192.0.2.1:0
	ref -t nat -A INPUT -j SNAT --to-source 192.0.2.9-192.0.2.1
	same_listing nat
	same_save
}

@test "xread: DNAT written by the reference, port shift included" {
	ref -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 192.0.2.1:80
	ref -t nat -A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:1000-2000/100
	ref -t nat -A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:1000-2000 --random --persistent
	ref -t nat -A OUTPUT -j DNAT --to-destination 192.0.2.1-192.0.2.3
	ref -t nat -A OUTPUT -p tcp -j DNAT --to-destination :8080
	same_listing nat
	same_save
}

@test "xread: REDIRECT written by the reference" {
	ref -t nat -A PREROUTING -j REDIRECT
	ref -t nat -A PREROUTING -j REDIRECT --random
	ref -t nat -A PREROUTING -p tcp -j REDIRECT --to-ports 8080
	ref -t nat -A OUTPUT -p tcp -j REDIRECT --to-ports 8080-8090 --random
	same_listing nat
	same_save
}

@test "native: SNAT, DNAT, MASQUERADE and REDIRECT written by iptnft" {
	ipt -t nat -A POSTROUTING -o eth0 -j MASQUERADE
	ipt -t nat -A POSTROUTING -p tcp -j MASQUERADE --to-ports 1000-2000 --random-fully
	ipt -t nat -A POSTROUTING -p tcp -j SNAT --to-source 192.0.2.1-192.0.2.10:1000-2000 --persistent
	ipt -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 192.0.2.1:80
	ipt -t nat -A OUTPUT -p tcp -j REDIRECT --to-ports 3128 --random
	native_layout
	run ns nft list table ip nat
	assert_output --partial "oifname \"eth0\" counter packets 0 bytes 0 masquerade"
	assert_output --partial "masquerade to :1000-2000 fully-random"
	assert_output --partial "snat to 192.0.2.1-192.0.2.10:1000-2000 persistent"
	assert_output --partial "tcp dport 8080 counter packets 0 bytes 0 dnat to 192.0.2.1:80"
	assert_output --partial "redirect to :3128 random"
}

# ---------------------------------------------------------------- CT, NOTRACK

@test "xread: CT and NOTRACK written by the reference" {
	ref -t raw -A PREROUTING -j CT --notrack
	ref -t raw -A PREROUTING -p tcp --dport 21 -j CT --helper ftp
	ref -t raw -A PREROUTING -j NOTRACK
	ref -t raw -A OUTPUT -j CT --zone 5
	ref -t raw -A OUTPUT -j CT --zone-orig mark
	ref -t raw -A OUTPUT -j CT --zone-reply 7 --ctevents new,related,destroy
	ref -t raw -A OUTPUT -j CT --expevents new
	ref -t raw -A OUTPUT -p udp -j CT --notrack --helper sip --ctevents mark
	ref -t raw -A OUTPUT -j CT
	ref6 -t raw -A PREROUTING -j NOTRACK
	same_listing raw
	same_listing -6 raw
	same_save
}

@test "native: CT and NOTRACK written by iptnft, the helper as a ct helper object" {
	ipt -t raw -A PREROUTING -p tcp --dport 21 -j CT --helper ftp
	ipt -t raw -A PREROUTING -j CT --zone-reply 7 --ctevents new,mark
	ipt -t raw -A PREROUTING -j CT --zone mark
	ipt -t raw -A OUTPUT -j NOTRACK
	ipt -t raw -A OUTPUT -j CT --notrack
	native_layout
	run ns nft list table ip raw
	assert_output --partial 'ct helper ftp-tcp {'
	assert_output --partial 'type "ftp" protocol tcp'
	assert_output --partial 'ct helper set "ftp-tcp"'
	assert_output --partial 'ct reply zone set 7 ct event set new,mark'
	assert_output --partial 'ct zone set meta mark'
	run ipt -t raw -S
	assert_output "-P PREROUTING ACCEPT
-P OUTPUT ACCEPT
-A PREROUTING -p tcp -m tcp --dport 21 -j CT --helper ftp
-A PREROUTING -j CT --ctevents new,mark --zone-reply 7
-A PREROUTING -j CT --zone mark
-A OUTPUT -j NOTRACK
-A OUTPUT -j CT --notrack"
}

# ---------------------------------------------------------------- TCPMSS

@test "xread: TCPMSS written by the reference" {
	ref -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
	ref -t mangle -A POSTROUTING -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1400
	ref -A FORWARD -p tcp -j TCPMSS --set-mss 0
	same_listing mangle
	same_listing filter
	same_save
}

@test "native: TCPMSS written by iptnft" {
	ipt -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu
	ipt -t mangle -A POSTROUTING -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1400
	native_layout
	run ns nft list table ip mangle
	assert_output --partial "tcp option maxseg size set rt mtu"
	assert_output --partial "tcp option maxseg size set 1400"
}

# ---------------------------------------------------------------- nft users

@test "xread: targets nft users write read back as the iptables targets" {
	ns nft add table ip filter
	ns nft add chain ip filter INPUT '{ type filter hook input priority 0; }'
	ns nft add rule ip filter INPUT counter reject
	ns nft add rule ip filter INPUT meta l4proto tcp counter reject with tcp reset
	ns nft add rule ip filter INPUT counter log prefix '"x "' level info
	ns nft add rule ip filter INPUT counter log group 3
	ns nft add table ip nat
	ns nft add chain ip nat POSTROUTING '{ type nat hook postrouting priority 100; }'
	ns nft add rule ip nat POSTROUTING meta l4proto tcp counter snat to 192.0.2.1:80-90
	ns nft add rule ip nat POSTROUTING counter masquerade random
	run ipt -S INPUT
	assert_output "-P INPUT ACCEPT
-A INPUT -j REJECT --reject-with icmp-port-unreachable
-A INPUT -p tcp -j REJECT --reject-with tcp-reset
-A INPUT -j LOG --log-prefix \"x \" --log-level 6
-A INPUT -j NFLOG --nflog-group 3"
	run ipt -t nat -S POSTROUTING
	assert_output "-P POSTROUTING ACCEPT
-A POSTROUTING -p tcp -j SNAT --to-source 192.0.2.1:80-90
-A POSTROUTING -j MASQUERADE --random"
}
