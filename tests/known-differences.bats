#!/usr/bin/env bats
# Where iptnft deliberately differs from iptables-nft 1.8.9: forms that have
# no native nf_tables expression on this kernel and libnftnl (iptnft writes
# native expressions unless told --compat, see DESIGN.md; tests/compat-*.bats
# show them accepted with --compat), and one restore corner. Each test
# pins iptnft's behaviour (a clear error, nothing changed) and, where the
# reference is installed, shows that the reference does accept the input,
# so the difference stays visible. The README lists the same items.

load helpers

setup() {
	iptnft_setup
	need_iptnft
}

teardown() {
	iptnft_teardown
}

# refused CMD...: our iptables refuses with exit 2, the message names the
# reason, and the ruleset is as before
refused() {
	local before
	before=$(ns nft list ruleset)
	run ipt "$@"
	assert_equal "$status" 2
	[ "$(ns nft list ruleset)" = "$before" ]
}

@test "a comment longer than fits in rule userdata is refused (the reference truncates at 255)" {
	local long
	long=$(printf 'y%.0s' $(seq 255))
	refused -A INPUT -m comment --comment "$long"
	assert_output --partial "comment too long, 238 characters maximum allowed for this rule"
	if command -v iptables-nft >/dev/null; then
		run ref -A INPUT -m comment --comment "$long"
		assert_success
	fi
}

@test "two -m comment in one rule are refused (one userdata comment per rule)" {
	refused -A INPUT -m comment --comment a -m comment --comment b
	assert_output --partial "only one comment per rule is supported"
}

@test "CONNMARK --save-mark/--restore-mark with partial masks are refused" {
	refused -t mangle -A POSTROUTING -j CONNMARK --save-mark --nfmask 0xf --ctmask 0xff
	assert_output --partial "--save-mark with a --ctmask or --mask other than 0xffffffff has no native nf_tables form"
	refused -t mangle -A PREROUTING -j CONNMARK --restore-mark --mask 0xff
	assert_output --partial "--restore-mark with an --nfmask or --mask other than 0xffffffff has no native nf_tables form"
	# the full-mask forms are native and work
	run ipt -t mangle -A PREROUTING -j CONNMARK --restore-mark
	assert_success
}

# refused6 CMD...: the same for our ip6tables
refused6() {
	local before
	before=$(ns nft list ruleset)
	run ipt6 "$@"
	assert_equal "$status" 2
	[ "$(ns nft list ruleset)" = "$before" ]
}

@test "TTL --ttl-inc/--ttl-dec are refused (no arithmetic in nf_tables); --ttl-set works" {
	refused -t mangle -A PREROUTING -j TTL --ttl-inc 2
	assert_output --partial "--ttl-dec and --ttl-inc have no native nf_tables form; use --ttl-set"
	refused -t mangle -A PREROUTING -j TTL --ttl-dec 1
	run ipt -t mangle -A PREROUTING -j TTL --ttl-set 64
	assert_success
}

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

@test "targets the reference has and iptnft does not are refused as targets it cannot load" {
	refused -t nat -A POSTROUTING -j NETMAP --to 192.0.2.0/24
	assert_output --partial "Couldn't load target \`NETMAP':No such file or directory"
	refused -A INPUT -j TPROXY
	assert_output --partial "Couldn't load target \`TPROXY'"
	# such a name is still no chain's; a jump to an unknown name still is
	refused -N NETMAP
	assert_output --partial "chain name may not clash with target name"
	run ipt -A INPUT -j NOSUCH --to 1
	assert_equal "$status" 2
	assert_output --partial 'unknown option "--to"'
	if command -v iptables-nft >/dev/null; then
		run ref -t nat -A POSTROUTING -j NETMAP --to 192.0.2.0/24
		assert_success
	fi
}

@test "header lengths and one-byte fields past what the kernel can match are refused" {
	refused6 -A INPUT -m hbh --hbh-len 31
	assert_output --partial "no header is that long"
	refused6 -A INPUT -m rt --rt-type 256
	assert_output --partial "the routing type is one byte (0-255)"
	refused6 -A INPUT -m rt --rt-segsleft 256
	assert_output --partial "segments left is one byte (0-255)"
	# an upper end past a byte is kept, and tests as 255
	run ipt6 -A INPUT -m rt --rt-segsleft 1:300
	assert_success
	run ipt6 -S INPUT
	assert_output --partial "-A INPUT -m rt --rt-segsleft 1:300"
}
