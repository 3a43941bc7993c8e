#!/usr/bin/env bats
# --compat for the targets REJECT, LOG, NFLOG, NFQUEUE, QUEUE, SNAT, DNAT,
# MASQUERADE, REDIRECT, CT, NOTRACK and TCPMSS: each rule is written by
# iptnft --compat in $NS and by the reference in $NS_REF; both commands
# end alike, the reference lists iptnft's rules as it lists its own, so
# does iptnft, and the kernel holds the same expressions (xt names and
# revisions included). Plus the forms only --compat writes: DNAT's port
# shift.

load helpers

setup() { ref_setup; }

# FAM=ip6tables selects the family of the helpers below.
# cipt ARGS...: iptnft --compat in $NS
cipt() { ip netns exec "$NS" "$IPT_BIN/${FAM:-iptables}" --compat "$@"; }
# nipt ARGS...: iptnft without --compat in $NS
nipt() { ip netns exec "$NS" "$IPT_BIN/${FAM:-iptables}" "$@"; }
# theirs NETNS ARGS...: the reference in NETNS
theirs() {
	local n=$1
	shift
	ip netns exec "$n" "$REF_DIR/${FAM:-iptables}-nft" "$@"
}

# both TABLE RULE...: iptnft --compat and the reference each run every
# RULE (a string of arguments) in TABLE; status and output are the same
both() {
	local t=$1 r want_status want_output
	shift
	for r in "$@"; do
		eval "run theirs \"\$NS_REF\" -t $t $r"
		want_status=$status
		want_output=$output
		eval "run cipt -t $t $r"
		if [ "$status" != "$want_status" ] || [ "$output" != "$want_output" ]; then
			echo "-t $t $r: status $status, reference $want_status"
			diff -u <(printf '%s\n' "$want_output") <(printf '%s\n' "$output") || true
			return 1
		fi
	done
}

# both6 TABLE RULE...: both and same for ip6tables, in TABLE
both6() {
	FAM=ip6tables both "$@"
	FAM=ip6tables same "$1"
}

# same TABLE...: in each TABLE, the reference's -S, -L -n -v and -L -n
# -v -x --line-numbers of iptnft's rules equal those of its own, and
# iptnft's -S and -L -n -v of its rules too; the whole ruleset holds the
# same expressions on both sides
same() {
	local t
	for t in "$@"; do
		lists_agree "theirs $NS_REF" "theirs $NS" "$t" "-S" "-L -n -v" \
			"-L -n -v -x --line-numbers"
		lists_agree "theirs $NS_REF" nipt "$t" "-S" "-L -n -v"
	done
	same_layout
}

# cttimeout NETNS NAME: a cttimeout policy NAME for UDP over IPv4 in NETNS,
# made through nfnetlink as the nfct tool would
cttimeout() {
	ip netns exec "$1" python3 -c '
import socket, struct, sys
def attr(t, v):
    n = 4 + len(v)
    return struct.pack("<HH", n, t) + v + b"\0" * (-n % 4)
body = struct.pack("<BBH", socket.AF_INET, 0, 0)
body += attr(1, sys.argv[1].encode() + b"\0")            # CTA_TIMEOUT_NAME
body += attr(2, struct.pack(">H", socket.AF_INET))       # CTA_TIMEOUT_L3PROTO
body += attr(3, bytes([socket.IPPROTO_UDP]))             # CTA_TIMEOUT_L4PROTO
body += attr(4 | 0x8000, attr(1, struct.pack(">I", 60))) # CTA_TIMEOUT_DATA
# NFNL_SUBSYS_CTNETLINK_TIMEOUT << 8 | IPCTNL_MSG_TIMEOUT_NEW;
# NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE
hdr = struct.pack("<IHHII", 16 + len(body), 8 << 8, 0x1 | 0x4 | 0x400, 1, 0)
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETLINK_NETFILTER
s.send(hdr + body)
sys.exit(struct.unpack_from("<i", s.recv(4096), 16)[0] != 0)
' "$2"
}

# ---------------------------------------------------------------- REJECT

@test "compat: REJECT is the reference's xt target, refused where its kernel refuses it" {
	both filter \
		"-A INPUT -j REJECT" \
		"-A INPUT -p tcp -s 192.0.2.0/24 -j REJECT --reject-with tcp-reset" \
		"-A FORWARD -i eth0 -p udp -j REJECT --reject-with icmp-admin-prohibited" \
		"-A OUTPUT -j REJECT --reject-with net-prohib" \
		"-A OUTPUT -p udp -j REJECT --reject-with tcp-reset" \
		"-A OUTPUT ! -p tcp -j REJECT --reject-with tcp-reset"
	both mangle "-A INPUT -j REJECT"
	same filter mangle
	run nft_layout "$NS"
	assert_output --partial "[ target name REJECT rev 0 ]"
}

@test "compat: REJECT (IPv6)" {
	FAM=ip6tables
	both filter \
		"-A INPUT -p tcp -j REJECT --reject-with tcp-reset" \
		"-A INPUT -s 2001:db8::/32 -j REJECT --reject-with icmp6-adm-prohibited" \
		"-A FORWARD -j REJECT"
	same filter
}

# ---------------------------------------------------------------- LOG, NFLOG

@test "compat: LOG is the reference's xt target" {
	both filter \
		"-A INPUT -j LOG" \
		"-A INPUT -p tcp -d 192.0.2.1 -j LOG --log-prefix 'in: ' --log-level crit --log-tcp-sequence --log-tcp-options --log-ip-options --log-uid --log-macdecode" \
		"-A OUTPUT -j LOG --log-prefix aaaaaaaaaabbbbbbbbbbccccccccccdddd --log-level 7"
	both nat "-A POSTROUTING -j LOG --log-level warning"
	same filter nat
	both6 filter "-A INPUT -p udp -j LOG --log-prefix six --log-level 1"
}

@test "compat: NFLOG is the reference's native log, after its protocol test" {
	both filter \
		"-A INPUT -j NFLOG" \
		"-A FORWARD -s 192.0.2.0/24 -p tcp --dport 25 -j NFLOG --nflog-group 3 --nflog-prefix 'smtp x' --nflog-size 128 --nflog-threshold 4"
	same filter
	run nft_layout "$NS"
	refute_output --partial "[ target name"
}

# ---------------------------------------------------------------- NFQUEUE, QUEUE

@test "compat: NFQUEUE is the reference's xt target, revision 3" {
	both filter \
		"-A INPUT -j NFQUEUE" \
		"-A INPUT -s 192.0.2.1 -p udp -j NFQUEUE --queue-num 9 --queue-bypass" \
		"-A FORWARD -j NFQUEUE --queue-balance 4:8 --queue-cpu-fanout" \
		"-I FORWARD -j NFQUEUE --queue-balance 0:1 --queue-bypass"
	same filter
	run nft_layout "$NS"
	assert_output --partial "[ target name NFQUEUE rev 3 ]"
	both6 mangle "-A PREROUTING -p tcp -j NFQUEUE --queue-num 65535"
}

@test "compat: QUEUE is the reference's xt target, which the kernel refuses alike" {
	both filter "-A INPUT -j QUEUE" "-A INPUT -p tcp -j QUEUE"
	run cipt -A INPUT -j QUEUE
	assert_failure 4
	assert_output --partial "RULE_APPEND failed (No such file or directory)"
	same filter
}

# ---------------------------------------------------------------- NAT targets

@test "compat: SNAT revision 0 (IPv4) and 1 (IPv6), the port shift read without its base" {
	both nat \
		"-A POSTROUTING -j SNAT --to-source 192.0.2.1" \
		"-A POSTROUTING -p tcp -o eth0 -j SNAT --to-source 192.0.2.1-192.0.2.5:100-200 --random --persistent" \
		"-A POSTROUTING -j SNAT --to-source 192.0.2.1 --random-fully" \
		"-A POSTROUTING -p udp -j SNAT --to-source :53" \
		"-A POSTROUTING -p tcp -j SNAT --to-source 192.0.2.1:1000-2000/100" \
		"-A INPUT -j SNAT --to-source 192.0.2.9" \
		"-A PREROUTING -j SNAT --to-source 192.0.2.9"
	same nat
	run nft_layout "$NS"
	assert_output --partial "[ target name SNAT rev 0 ]"
	both6 nat \
		"-A POSTROUTING -j SNAT --to-source 2001:db8::1" \
		"-A POSTROUTING -p tcp -j SNAT --to-source [2001:db8::1-2001:db8::5]:100-200 --random-fully" \
		"-A POSTROUTING -p tcp -j SNAT --to-source [2001:db8::1]:80-90/5"
	run nft_layout "$NS"
	assert_output --partial "[ target name SNAT rev 1 ]"
}

@test "compat: DNAT revision 2 in both families, port shift included (the blob without --compat too)" {
	run nipt -t nat -A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:1000-2000/100
	assert_success
	run nft_layout "$NS"
	assert_output --partial "[ target name DNAT rev 2 ]"
	nipt -t nat -F PREROUTING
	both nat \
		"-A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 192.0.2.1:80" \
		"-A PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:1000-2000/100" \
		"-A PREROUTING -j DNAT --to-destination 192.0.2.1-192.0.2.3 --random --persistent" \
		"-A OUTPUT -p udp -j DNAT --to-destination :5353" \
		"-A POSTROUTING -j DNAT --to-destination 192.0.2.1"
	same nat
	run nft_layout "$NS"
	assert_output --partial "[ target name DNAT rev 2 ]"
	run cipt -t nat -C PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:1000-2000/100
	assert_success
	run cipt -t nat -D PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:1000-2000/100
	assert_success
	theirs "$NS_REF" -t nat -D PREROUTING -p tcp -j DNAT --to-destination 192.0.2.1:1000-2000/100
	same nat
	both6 nat \
		"-A PREROUTING -p tcp -j DNAT --to-destination [2001:db8::1]:1000-2000/100" \
		"-A OUTPUT -j DNAT --to-destination 2001:db8::1-2001:db8::3"
}

@test "compat: MASQUERADE and REDIRECT, revision 0 in both families" {
	both nat \
		"-A POSTROUTING -o eth0 -s 192.0.2.0/24 -j MASQUERADE" \
		"-A POSTROUTING -p tcp -j MASQUERADE --to-ports 1000-2000 --random" \
		"-A POSTROUTING -j MASQUERADE --random-fully" \
		"-A POSTROUTING -p tcp -j MASQUERADE --to-ports 1000-2000/5" \
		"-A PREROUTING -j MASQUERADE" \
		"-A PREROUTING -p tcp -j REDIRECT" \
		"-A OUTPUT -p tcp -d 192.0.2.1 -j REDIRECT --to-ports 8080 --random" \
		"-A POSTROUTING -p tcp -j REDIRECT --to-ports 8080"
	same nat
	run nft_layout "$NS"
	assert_output --partial "[ target name MASQUERADE rev 0 ]"
	assert_output --partial "[ target name REDIRECT rev 0 ]"
	both6 nat \
		"-A POSTROUTING -p tcp -j MASQUERADE --to-ports 1000-2000 --random" \
		"-A POSTROUTING -j MASQUERADE" \
		"-A PREROUTING -p udp -j REDIRECT --to-ports 53"
}

# ---------------------------------------------------------------- CT, NOTRACK

@test "compat: CT revision 2, the helper made by the kernel and no ct helper object" {
	both raw \
		"-A PREROUTING -j CT --notrack" \
		"-A PREROUTING -p tcp --dport 21 -j CT --helper ftp" \
		"-A PREROUTING -j CT --helper ftp" \
		"-A OUTPUT -j CT --zone 5" \
		"-A OUTPUT -j CT --zone-orig mark" \
		"-A OUTPUT -j CT --zone-reply 7 --ctevents new,related,destroy" \
		"-A OUTPUT -p udp -j CT --notrack --helper sip --ctevents mark" \
		"-A OUTPUT -j CT"
	both filter "-A INPUT -j CT --zone 1"
	same raw filter
	run nft_layout "$NS"
	assert_output --partial "[ target name CT rev 2 ]"
	refute_output --partial "ct helper"
}

@test "CT --expevents, --timeout and --notrack with options: the reference's blob without --compat too" {
	cttimeout "$NS" pol
	cttimeout "$NS_REF" pol
	local r
	for r in "-A OUTPUT -j CT --expevents new" \
		"-A OUTPUT -p udp -j CT --timeout pol --ctevents new" \
		"-A PREROUTING -j CT --timeout pol" \
		"-A PREROUTING -j CT --notrack --zone 4" \
		"-A PREROUTING -p udp -j CT --timeout nope"; do
		eval "run theirs \"\$NS_REF\" -t raw $r"
		local want="$status $output"
		eval "run nipt -t raw $r"
		assert_equal "$status $output" "$want"
	done
	same raw
	run theirs "$NS" -t raw -S OUTPUT
	assert_output --partial "-A OUTPUT -p udp -j CT --timeout pol --ctevents new"
	# plain --notrack stays native: two notrack statements
	nipt -t raw -A OUTPUT -j CT --notrack
	run nft_layout "$NS"
	assert_output --partial "[ notrack ]
  [ notrack ]"
}

@test "compat: NOTRACK is the reference's CT with the alias flag" {
	both raw \
		"-A PREROUTING -j NOTRACK" \
		"-A OUTPUT -s 192.0.2.0/24 -p udp --dport 123 -j NOTRACK"
	both filter "-A INPUT -j NOTRACK"
	same raw filter
	both6 raw "-A PREROUTING -j NOTRACK"
}

# ---------------------------------------------------------------- TCPMSS

@test "compat: TCPMSS is the reference's xt target, with its kernel's checks" {
	both mangle \
		"-A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu" \
		"-A POSTROUTING -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1400" \
		"-A INPUT -p tcp -j TCPMSS --set-mss 536" \
		"-A INPUT -p tcp -j TCPMSS --clamp-mss-to-pmtu" \
		"-A FORWARD -j TCPMSS --set-mss 1400" \
		"-A FORWARD ! -p tcp -j TCPMSS --set-mss 1400"
	same mangle
	run nft_layout "$NS"
	assert_output --partial "[ target name TCPMSS rev 0 ]"
	both6 mangle "-A FORWARD -p tcp -j TCPMSS --set-mss 1220"
}

# ---------------------------------------------------------------- restore

@test "compat: IPTNFT_COMPAT=1 iptables-restore writes the reference's layout" {
	local rules='*nat
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 192.0.2.1:8000-8010/80
-A POSTROUTING -o eth0 -j MASQUERADE
-A POSTROUTING -p udp -j SNAT --to-source 192.0.2.1:1000-2000 --random-fully
COMMIT
*raw
:PREROUTING ACCEPT [0:0]
-A PREROUTING -p udp -j CT --zone 3 --expevents new
-A PREROUTING -j NOTRACK
COMMIT
*filter
:INPUT ACCEPT [0:0]
-A INPUT -j LOG --log-prefix "dropped: "
-A INPUT -j NFLOG --nflog-group 2
-A INPUT -j NFQUEUE --queue-balance 1:3
-A INPUT -p tcp -j REJECT --reject-with tcp-reset
COMMIT
'
	run ip netns exec "$NS" env IPTNFT_COMPAT=1 "$IPT_BIN/iptables-restore" <<< "$rules"
	assert_success
	run ip netns exec "$NS_REF" "$REF_RESTORE" <<< "$rules"
	assert_success
	same nat raw filter
	run ip netns exec "$NS_REF" "$REF_SAVE"
	local want
	want=$(printf '%s\n' "$output" | grep -v '^#')
	run ip netns exec "$NS" "$REF_SAVE"
	assert_equal "$(printf '%s\n' "$output" | grep -v '^#')" "$want"
	# and without --compat the same save, the port shift and
	# --expevents as the reference's blobs
	ns nft flush ruleset
	run ip netns exec "$NS" "$IPT_BIN/iptables-restore" <<< "$rules"
	assert_success
	run ip netns exec "$NS" "$IPT_BIN/iptables-save"
	assert_equal "$(printf '%s\n' "$output" | grep -v '^#')" "$want"
}
