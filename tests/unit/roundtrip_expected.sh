#!/bin/sh
# Print the expected -S lines for round-trip cases, from the reference.
#
# usage: tests/unit/roundtrip_expected.sh < cases.txt
#
# Input: one iptables argument list per line (without the program name);
# blank lines and lines starting with '#' are skipped. Output: for each
# case, "input<TAB>expected", where expected is the reference's -A lines
# joined with "\n" (or "ERROR: ..." when the reference refuses the rule).
# Every case runs in its own fresh network namespace: never the host's.
set -u
REF=${REF:-iptables-nft}

while IFS= read -r line; do
	case $line in ''|'#'*) continue ;; esac
	chain=$(eval "set -- $line"; echo "$2")
	out=$(unshare -n sh -c '
		ref=$1 chain=$2
		eval "set -- $3"
		$ref -N FOO && $ref -N BAR || exit 99
		$ref "$@" 2>&1 || { echo "ERROR"; exit 0; }
		$ref -S "$chain"
	' sh "$REF" "$chain" "$line" 2>&1)
	case $out in
	*ERROR*) printf '%s\tERROR: %s\n' "$line" "$(echo "$out" | head -1)" ;;
	*) printf '%s\t%s\n' "$line" "$(echo "$out" | grep '^-A ' | awk 'NR>1{printf "\\n"} {printf "%s", $0}')" ;;
	esac
done
