#!/usr/bin/env bats
# Cross-reading for the core matches: rules the reference writes for tcp,
# udp, icmp, multiport, state and conntrack --ctstate (natively or as xt
# blobs) are listed, saved, checked and deleted by iptnft as the
# reference does it.

load helpers

setup() { ref_setup; }

ours() { ip netns exec "$NS_REF" "$IPT_BIN/iptables" "$@"; }

RULES=(
	"-A INPUT -p tcp --dport 22 -m state --state NEW -j ACCEPT"
	"-A INPUT -p udp --sport 53 --dport 1024:65535 -j ACCEPT"
	"-A INPUT -p icmp --icmp-type echo-request -j ACCEPT"
	"-A INPUT -p icmp ! --icmp-type 3/1 -j DROP"
	"-A INPUT -p icmp --icmp-type any"
	"-A INPUT -p tcp -m multiport --dports 80,22,1000:2000 -j ACCEPT"
	"-A INPUT -p tcp -m multiport ! --ports 5,6"
	"-A INPUT -p udp -m multiport --sports 1:2,3"
	"-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
	"-A INPUT -p tcp --tcp-flags SYN,RST SYN --tcp-option 2 -j DROP"
	"-A INPUT -s 192.0.2.0/24 ! -i lo -f -j DROP"
)

@test "rules the reference wrote list and save the same through iptnft" {
	local r args
	for r in "${RULES[@]}"; do
		# shellcheck disable=SC2086
		ref $r
	done
	for args in "-S" "-L" "-L -n -v -x --line-numbers"; do
		# shellcheck disable=SC2086
		run ip netns exec "$NS_REF" "$REF_IPTABLES" $args
		assert_success
		local want=$output
		# shellcheck disable=SC2086
		run ours $args
		assert_success
		assert_output "$want"
	done
	run ip netns exec "$NS_REF" "$IPT_BIN/iptables-save"
	assert_success
	local got
	got=$(printf '%s\n' "$output" | grep -v '^#')
	run ip netns exec "$NS_REF" iptables-nft-save
	assert_equal "$got" "$(printf '%s\n' "$output" | grep -v '^#')"
}

@test "rules the reference wrote are found by -C and removed by -D" {
	local r
	for r in "${RULES[@]}"; do
		# shellcheck disable=SC2086
		ref $r
	done
	for r in "${RULES[@]}"; do
		# shellcheck disable=SC2086
		run ours -C INPUT ${r#-A INPUT }
		assert_success
	done
	for r in "${RULES[@]}"; do
		# shellcheck disable=SC2086
		run ours -D INPUT ${r#-A INPUT }
		assert_success
	done
	run ours -S INPUT
	assert_output "-P INPUT ACCEPT"
}
