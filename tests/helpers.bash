# helpers.bash - common setup for the iptnft bats suites.
#
#   load helpers            (from a tests/*.bats file)
#
# Provides:
#   TOP          repository root
#   IPTNFT       our multi-call binary (env override; default $TOP/src/iptnft)
#   IPT_BIN      private dir with symlinks iptables, iptables-save,
#                iptables-restore, ip6tables, ip6tables-save,
#                ip6tables-restore -> $IPTNFT
#   NS           this test's network namespace (iptnft-$$-$BATS_TEST_NUMBER)
#   NS_REF       its twin for the reference ($NS-r), created on first use
#   ns CMD...            run CMD in $NS
#   ipt ARGS...          our iptables in $NS   (also ipt_save, ipt_restore,
#                        ipt6, ipt6_save, ipt6_restore)
#   ref ARGS...          iptables-nft in $NS_REF (also ref_save, ref_restore)
#   need_ref             skip the test unless iptables-nft is installed
#   need_iptnft          fail the test unless our binary exists (the
#                        default setup(), iptnft_setup, checks it)
#   ref_setup            setup() of a suite comparing with the reference:
#                        iptnft_setup, need_ref, and $NS_REF made
#   lists_agree WANT GOT TABLE ARGS...   GOT -t TABLE ARGS prints what
#                        WANT prints, for each ARGS (a string of words)
#   nft_layout NETNS, same_layout        the kernel's expressions, and that
#                        $NS holds those of $NS_REF
#   native_layout        no xt compat expression in $NS
#   same_listing [-6] TABLE, same_save [-6]   -S, -L (three ways) and
#                        iptables-save of $NS_REF by both agree
#   show_diff WANT GOT   a unified diff of two texts
#   veth_setup           connect $NS (10.99.0.1/24, veth0) with a new peer
#                        namespace $NS_PEER (10.99.0.2/24, veth1); lo up in both
#   peer CMD...          run CMD in $NS_PEER
#   veth6_setup          veth_setup, plus 2001:db8:99::1/64 on veth0 and
#                        2001:db8:99::2/64 on veth1 (nodad: usable at once)
#   router_setup         veth_setup, plus a client namespace $NS_CLIENT
#                        (10.98.0.2, veth3) routed through $NS (10.98.0.1)
#   client CMD...        run CMD in $NS_CLIENT
#   new_netns NAME       create a namespace (lo up) that teardown deletes
#
# For suites that send real packets (traffic-*.bats):
#   traffic_setup [4|6|router|none]   setup() of such a suite: iptnft_setup
#                        and veth_setup (4, the default),
#                        veth6_setup (6), router_setup, or no link yet
#                        (none; the test calls one of them). Sets A and B,
#                        the addresses of $NS and $NS_PEER (IPv6 with 6),
#                        and C, the client's of router_setup
#   traffic_teardown     its teardown(): kills what track_pid recorded
#   track_pid PID        kill PID at teardown (a listener started with &;
#                        start it with ip netns exec, not through a shell
#                        function, so that $! is the program itself)
#   ping_in_ok, ping_in_blocked [PING-OPTIONS]    the peer pings A
#   ping_out_ok, ping_out_blocked [PING-OPTIONS]  A pings the peer
#   replies N            how many of N pings (0.2 s apart) from the peer A
#                        answers; three_of_eight: 3 of 8 pass rule 1 of
#                        INPUT, rule 2 counts the other 5
#   wait_line FILE LINE  until FILE holds LINE (5 s at most)
#   wait_sock t|u PORT [NSNAME]   until a TCP (t) or UDP (u) socket is
#                        bound to PORT in NSNAME (default $NS)
#   tcp_listen PORT...   netcat listeners on A:PORT, accepting forever
#   tcp_ok, tcp_blocked PORT [NC-OPTIONS]   the peer connects to A:PORT
#   rule_counts [-t TABLE] CHAIN NUM   "PKTS BYTES" of rule NUM of CHAIN
#                        in $NS (ip6tables after traffic_setup 6)
#
# setup()/teardown() are defined here and call iptnft_setup/iptnft_teardown;
# a suite that needs its own can redefine them and call those.
# Nothing here touches the netfilter state of the caller's namespace.

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IPTNFT=${IPTNFT:-$TOP/src/iptnft}
export LC_ALL=C

REF_DIR=${IPTNFT_REF:-}
if [ -z "$REF_DIR" ]; then
	REF_DIR=$(PATH="$PATH:/usr/sbin:/sbin" command -v iptables-nft 2>/dev/null)
	REF_DIR=${REF_DIR%/*}
fi
REF_IPTABLES=$REF_DIR/iptables-nft
REF_SAVE=$REF_DIR/iptables-nft-save
REF_RESTORE=$REF_DIR/iptables-nft-restore

# make_bin DIR: symlink bin dir for the personalities of $IPTNFT
make_bin() {
	local dir=$1 p
	mkdir -p "$dir"
	for p in iptables iptables-save iptables-restore \
		ip6tables ip6tables-save ip6tables-restore; do
		ln -sfn "$IPTNFT" "$dir/$p"
	done
}

new_netns() {
	ip netns add "$1" || return 1
	echo "$1" >> "$BATS_TEST_TMPDIR/.netns"
	ip -n "$1" link set lo up
}

iptnft_setup() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
	need_iptnft
	IPT_BIN=$BATS_TEST_TMPDIR/bin
	make_bin "$IPT_BIN"
	NS=iptnft-$$-$BATS_TEST_NUMBER
	NS_REF=$NS-r
	NS_PEER=$NS-p
	: > "$BATS_TEST_TMPDIR/.netns"
	new_netns "$NS"
}

iptnft_teardown() {
	local n
	[ -f "$BATS_TEST_TMPDIR/.netns" ] || return 0
	while read -r n; do
		[ -n "$n" ] && ip netns del "$n" 2>/dev/null
	done < "$BATS_TEST_TMPDIR/.netns"
	rm -f "$BATS_TEST_TMPDIR/.netns"
	return 0
}

setup() { iptnft_setup; }
teardown() { iptnft_teardown; }

# ref_setup: iptnft_setup, and the reference's own namespace $NS_REF
ref_setup() {
	iptnft_setup
	need_ref
	_ref_ns
}

# show_diff WANT GOT: a unified diff of two texts, for a failing test
show_diff() {
	diff -u <(printf '%s\n' "$1") <(printf '%s\n' "$2") || true
}

# rules_by WHO CMD RULE...: CMD (words, evaluated) runs with each RULE (a
# string of arguments, evaluated) after it; one refused fails the test as
# "WHO refused: RULE"
rules_by() {
	local who=$1 cmd=$2 r
	shift 2
	for r in "$@"; do
		eval "$cmd $r" || fail "$who refused: $r"
	done
}

# lists_agree WANT GOT TABLE ARGS...: for each ARGS (a string of words),
# GOT -t TABLE ARGS succeeds and prints exactly what WANT -t TABLE ARGS
# prints; WANT and GOT are commands (a function, or words to split)
lists_agree() {
	local want_cmd=$1 got_cmd=$2 t=$3 args want
	shift 3
	for args in "$@"; do
		# shellcheck disable=SC2086 # commands and args are word lists
		run $want_cmd -t "$t" $args
		assert_success
		want=$output
		# shellcheck disable=SC2086
		run $got_cmd -t "$t" $args
		assert_success
		if [ "$output" != "$want" ]; then
			echo "$got_cmd -t $t $args differs from $want_cmd"
			show_diff "$want" "$output"
			return 1
		fi
	done
}

# nft_layout NETNS: the kernel's rules as nft --debug=netlink shows them,
# rule handles left out (nft's warnings, on stderr, too)
nft_layout() {
	ip netns exec "$1" nft --debug=netlink list ruleset 2>/dev/null |
		sed -E 's/^(ip6? [a-z]+ [^ ]+)( [0-9]+)+$/\1/'
}

# same_layout: $NS and $NS_REF hold the same expressions
same_layout() {
	local want
	want=$(nft_layout "$NS_REF")
	run nft_layout "$NS"
	assert_success
	if [ "$output" != "$want" ]; then
		echo "the kernel's expressions differ from the reference's"
		show_diff "$want" "$output"
		return 1
	fi
}

# native_layout: nothing in $NS is an xt compat match or target
native_layout() {
	run ns nft --debug=netlink list ruleset
	assert_success
	refute_output --partial "[ match name"
	refute_output --partial "[ target name"
}

# same_listing [-6] TABLE: -S, -L -n -v, -L and -L -n -x -v --line-numbers
# of TABLE in $NS_REF by the reference and by iptnft agree (ip6tables with
# -6 or FAM=ip6tables)
same_listing() {
	local fam=${FAM:-iptables}
	if [ "$1" = -6 ]; then
		fam=ip6tables
		shift
	fi
	lists_agree "ip netns exec $NS_REF $REF_DIR/$fam-nft" "ip netns exec $NS_REF $IPT_BIN/$fam" \
		"$1" "-S" "-L -n -v" "-L" "-L -n -x -v --line-numbers"
}

# same_save [-6]: iptables-save in $NS_REF by the reference and by iptnft
# agree, the header comments aside
same_save() {
	local fam=iptables want
	if [ "$1" = -6 ]; then
		fam=ip6tables
	fi
	run ip netns exec "$NS_REF" "$REF_DIR/$fam-nft-save"
	assert_success
	want=$(printf '%s\n' "$output" | grep -v '^#')
	run ip netns exec "$NS_REF" "$IPT_BIN/$fam-save"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | grep -v '^#')" "$want"
}

need_ref() {
	[ -x "$REF_IPTABLES" ] || skip "reference iptables-nft not installed"
}

need_iptnft() {
	[ -x "$IPTNFT" ] || fail "iptnft binary not found at $IPTNFT (build it, or set IPTNFT)"
}

ns() { ip netns exec "$NS" "$@"; }
ipt() { ip netns exec "$NS" "$IPT_BIN/iptables" "$@"; }
ipt_save() { ip netns exec "$NS" "$IPT_BIN/iptables-save" "$@"; }
ipt_restore() { ip netns exec "$NS" "$IPT_BIN/iptables-restore" "$@"; }
ipt6() { ip netns exec "$NS" "$IPT_BIN/ip6tables" "$@"; }
ipt6_save() { ip netns exec "$NS" "$IPT_BIN/ip6tables-save" "$@"; }
ipt6_restore() { ip netns exec "$NS" "$IPT_BIN/ip6tables-restore" "$@"; }

_ref_ns() {
	[ -e "/run/netns/$NS_REF" ] || new_netns "$NS_REF"
}
ref() { _ref_ns && ip netns exec "$NS_REF" "$REF_IPTABLES" "$@"; }
ref_save() { _ref_ns && ip netns exec "$NS_REF" "$REF_SAVE" "$@"; }
ref_restore() { _ref_ns && ip netns exec "$NS_REF" "$REF_RESTORE" "$@"; }

# veth_link NETNS OURS THEIRS NET: a new namespace NETNS, linked to $NS by
# a veth pair: OURS in $NS with NET.1/24, THEIRS in NETNS with NET.2/24
veth_link() {
	new_netns "$1" || return 1
	ip -n "$NS" link add "$2" type veth peer name "$3" netns "$1" || return 1
	ip -n "$NS" addr add "$4.1/24" dev "$2"
	ip -n "$1" addr add "$4.2/24" dev "$3"
	ip -n "$NS" link set "$2" up
	ip -n "$1" link set "$3" up
}

veth_setup() { veth_link "$NS_PEER" veth0 veth1 10.99.0; }
peer() { ip netns exec "$NS_PEER" "$@"; }

veth6_setup() {
	veth_setup || return 1
	ip -n "$NS" -6 addr add 2001:db8:99::1/64 dev veth0 nodad || return 1
	ip -n "$NS_PEER" -6 addr add 2001:db8:99::2/64 dev veth1 nodad
}

# router_setup: veth_setup, plus a client namespace $NS_CLIENT
# (10.98.0.2/24 on veth3, default route via $NS) linked to $NS (10.98.0.1
# on veth2); $NS forwards between the two, so it is the router between
# the client and the peer. The peer has no route back to 10.98.0.0/24.
router_setup() {
	NS_CLIENT=$NS-c
	veth_setup || return 1
	veth_link "$NS_CLIENT" veth2 veth3 10.98.0 || return 1
	ip -n "$NS_CLIENT" route add default via 10.98.0.1
	ip netns exec "$NS" sysctl -qw net.ipv4.ip_forward=1
}
client() { ip netns exec "$NS_CLIENT" "$@"; }

# ------------------------------------------------------------ traffic

traffic_setup() {
	iptnft_setup
	: > "$BATS_TEST_TMPDIR/.pids"
	TRAFFIC_FAMILY=4
	A=10.99.0.1 B=10.99.0.2 C=10.98.0.2
	case ${1:-4} in
	4) veth_setup ;;
	6)
		TRAFFIC_FAMILY=6
		A=2001:db8:99::1 B=2001:db8:99::2
		veth6_setup ;;
	router) router_setup ;;
	none) ;;
	*) fail "traffic_setup: unknown argument $1" ;;
	esac
}

traffic_teardown() {
	local p
	if [ -f "$BATS_TEST_TMPDIR/.pids" ]; then
		while read -r p; do
			[ -n "$p" ] || continue
			kill "$p" 2>/dev/null
			wait "$p" 2>/dev/null
		done < "$BATS_TEST_TMPDIR/.pids"
		rm -f "$BATS_TEST_TMPDIR/.pids"
	fi
	iptnft_teardown
}

track_pid() { echo "$1" >> "$BATS_TEST_TMPDIR/.pids"; }

# ping_expect ok|blocked FROM ADDR [PING-OPTIONS]: one ping, run by FROM
# (peer or ns), answered or not
ping_expect() {
	local want=$1 from=$2 addr=$3
	shift 3
	if [ "$want" = ok ]; then
		run "$from" ping -c 1 -W 2 "$@" "$addr"
		assert_success
	else
		run "$from" ping -c 1 -W 1 "$@" "$addr"
		assert_failure
	fi
}
ping_in_ok() { ping_expect ok peer "$A" "$@"; }
ping_in_blocked() { ping_expect blocked peer "$A" "$@"; }
ping_out_ok() { ping_expect ok ns "$B" "$@"; }
ping_out_blocked() { ping_expect blocked ns "$B" "$@"; }

# wait_line FILE LINE: until FILE holds LINE (5 s at most)
wait_line() {
	local i
	for ((i = 0; i < 100; i++)); do
		grep -qx "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "$2 never arrived in $1" >&2
	return 1
}

# three_of_eight: of 8 pings from the peer, rule 1 of INPUT accepts
# exactly 3 (a burst of 3) and rule 2 counts the 5 others
three_of_eight() {
	run replies 8
	assert_output 3
	run rule_counts INPUT 1
	assert_output "3 252"
	run rule_counts INPUT 2
	assert_output "5 420"
}

replies() {
	peer ping -n -q -i 0.2 -c "$1" -W 1 "$A" |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

wait_sock() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -n "$(ip netns exec "${3:-$NS}" ss -Hln"$1" "sport = :$2")" ] && return 0
		sleep 0.05
	done
	echo "no listener on $1 port $2 in ${3:-$NS}" >&2
	return 1
}

tcp_listen() {
	local p
	for p in "$@"; do
		ip netns exec "$NS" nc -"$TRAFFIC_FAMILY" -d -l -k "$A" "$p" > /dev/null 2>&1 3>&- &
		track_pid $!
	done
	for p in "$@"; do
		wait_sock t "$p" || return 1
	done
}

tcp_ok() {
	local port=$1
	shift
	run peer nc -"$TRAFFIC_FAMILY" -z -w 2 "$@" "$A" "$port"
	assert_success
}
tcp_blocked() {
	local port=$1
	shift
	run peer nc -"$TRAFFIC_FAMILY" -z -w 2 "$@" "$A" "$port"
	assert_failure
}

rule_counts() {
	local table=filter cmd=ipt
	[ "$TRAFFIC_FAMILY" = 6 ] && cmd=ipt6
	if [ "$1" = -t ]; then
		table=$2
		shift 2
	fi
	"$cmd" -t "$table" -L "$1" -v -x -n --line-numbers |
		awk -v n="$2" '$1 == n { print $2, $3 }'
}

# packets_are [-t TABLE] CHAIN N...: rule 1 of CHAIN counted N1 packets,
# rule 2 N2, and so on (what -L says on stderr left out)
packets_are() {
	local table=() chain i=1 n got
	if [ "$1" = -t ]; then
		table=(-t "$2")
		shift 2
	fi
	chain=$1
	shift
	for n in "$@"; do
		got=$(rule_counts "${table[@]}" "$chain" "$i" 2> /dev/null)
		if [ "${got%% *}" != "$n" ]; then
			echo "rule $i of $chain counted '$got' (packets bytes), not $n packets"
			return 1
		fi
		i=$((i + 1))
	done
}

# diff_case FILE NAME: one differential case (see tests/diff/run-case)
# shellcheck disable=SC2154 # status, output: set by bats run
diff_case() {
	[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
	run "$TOP/tests/diff/run-case" "$1" "$2"
	[ "$status" != 77 ] || skip "reference iptables-nft not installed"
	if [ "$status" != 0 ]; then
		printf '%s\n' "$output"
		return 1
	fi
}
