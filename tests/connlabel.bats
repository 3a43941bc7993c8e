#!/usr/bin/env bats
# -m connlabel's label names, from /etc/xtables/connlabel.conf, which
# Debian does not ship: each test runs iptnft and the reference in new
# mount and network namespaces whose /etc is an overlay of the host's
# holding the label file the test writes, and compares what both print.
# The host's /etc is never written.

load helpers

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root (namespaces)"
	need_iptnft
	need_ref
	IPT_BIN=$BATS_TEST_TMPDIR/bin
	make_bin "$IPT_BIN"
}

# labels_run FILE WHO COMMAND...: in new mount and network namespaces
# with /etc/xtables/connlabel.conf holding FILE (a printf format; NONE:
# no file), each COMMAND (bash, $IPT $SAVE $RESTORE being WHO's programs:
# ours or ref), stderr merged, each followed by its exit status; the
# reference's "iptables-nft" names read as "iptables", save's header
# comments left out
labels_run() {
	local file=$1 who=$2 dir=$BATS_TEST_TMPDIR/$2 ipt save restore
	shift 2
	if [ "$who" = ours ]; then
		ipt=$IPT_BIN/iptables save=$IPT_BIN/iptables-save restore=$IPT_BIN/iptables-restore
	else
		ipt=$REF_IPTABLES save=$REF_SAVE restore=$REF_RESTORE
	fi
	rm -rf "$dir"
	mkdir -p "$dir/up" "$dir/work"
	unshare -m -n bash -c '
		dir=$1 file=$2 IPT=$3 SAVE=$4 RESTORE=$5
		shift 5
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$dir/up,workdir=$dir/work" /etc || exit 99
		mkdir -p /etc/xtables
		if [ "$file" = NONE ]; then rm -f /etc/xtables/connlabel.conf
		else printf "$file" > /etc/xtables/connlabel.conf; fi
		for c in "$@"; do eval "$c" 2>&1; echo "status $?"; done
	' _ "$dir" "$file" "$ipt" "$save" "$restore" "$@" | sed -e 's/iptables-nft/iptables/g' -e '/^# /d'
}

# same_with_labels FILE COMMAND...: ours prints what the reference prints
same_with_labels() {
	local want got
	want=$(labels_run "$@" 2>&1)
	got=$(labels_run "$1" ours "${@:3}" 2>&1)
	[ "$want" = "$got" ] || { show_diff "$want" "$got"; return 1; }
}

ref_with() { local f=$1; shift; same_with_labels "$f" ref "$@"; }

LABELS='# conntrack labels\n0 zero\n1\tone two\n  2 two\n3 three  \n127 last\n128 big\nx bad\n5\n0x6 hex\n7 one\n9 5\n10 dup\n11 dup\n12 a\n12 b\n13 #hash\n14 x#y\n15  sp  ace \n20 p\r\n21 a_b\n22 a-b\n'

@test "connlabel: names from the label file, as the reference reads it" {
	ref_with "$LABELS" \
		'$IPT -A INPUT -m connlabel --label zero' \
		'$IPT -A INPUT -m connlabel --label "one two" --set' \
		'$IPT -A INPUT -m connlabel ! --label one' \
		'$IPT -A INPUT -m connlabel --label two' \
		'$IPT -A INPUT -m connlabel --label three' \
		'$IPT -A INPUT -m connlabel --label "three  "' \
		'$IPT -A INPUT -m connlabel --label last' \
		'$IPT -A INPUT -m connlabel --label big' \
		'$IPT -A INPUT -m connlabel --label bad' \
		'$IPT -A INPUT -m connlabel --label 5' \
		'$IPT -A INPUT -m connlabel --label hex' \
		'$IPT -A INPUT -m connlabel --label dup' \
		'$IPT -A INPUT -m connlabel --label a' \
		'$IPT -A INPUT -m connlabel --label b' \
		'$IPT -A INPUT -m connlabel --label x' \
		'$IPT -A INPUT -m connlabel --label "#hash"' \
		'$IPT -A INPUT -m connlabel --label "sp  ace"' \
		'$IPT -A INPUT -m connlabel --label p' \
		'$IPT -A INPUT -m connlabel --label a_b' \
		'$IPT -A INPUT -m connlabel --label a-b' \
		'$IPT -A INPUT -m connlabel --label 9' \
		'$IPT -S' \
		'$IPT -L INPUT' \
		'$IPT -L INPUT -n -v' \
		'$SAVE'
}

@test "connlabel: names in restore, -C and -D" {
	ref_with '4 web\n5 mail\n' \
		'printf "*filter\n-A INPUT -m connlabel --label web --set\n-A INPUT -m connlabel ! --label mail\nCOMMIT\n" | $RESTORE' \
		'$IPT -C INPUT -m connlabel --label mail' \
		'$IPT -D INPUT -m connlabel --label 100' \
		'$SAVE' \
		'printf "*filter\n-A INPUT -m connlabel --label news\nCOMMIT\n" | $RESTORE' \
		'$IPT -S INPUT'
}

@test "connlabel: a label file without labels refuses a name, not a number" {
	ref_with '# nothing yet\n\n' \
		'$IPT -A INPUT -m connlabel --label web' \
		'$IPT -A INPUT -m connlabel --label 3' \
		'printf "*filter\n-A INPUT -m connlabel --label web\nCOMMIT\n" | $RESTORE'
}

@test "connlabel: without a label file, the reference's warnings" {
	ref_with NONE \
		'$IPT -A INPUT -m connlabel --label web' \
		'$IPT -A INPUT -m connlabel --label 3' \
		'$IPT -A INPUT -m connlabel ! --label 4 --set' \
		'$IPT -S' \
		'$IPT -L -n' \
		'$SAVE'
}
