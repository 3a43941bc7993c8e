#!/usr/bin/env bats
# iptnft graph: the live ruleset as Graphviz DOT (hooks in packet order,
# base chains by priority, an edge for every jump and goto).

load helpers

graph() { ip netns exec "$NS" "$IPTNFT" graph "$@"; }

# edges_of < DOT: the jump and goto edges, "FROM -> TO LABEL" a line,
# sorted
edges_of() {
	sed -n -E 's/^  "([^"]+)" -> "([^"]+)" \[label="([^"]+)".*/\1 -> \2 \3/p' | sort
}

# save_edges TABLE: the same list computed from iptables-save: rule
# numbers counted per chain, targets that are chains of the table
save_edges() {
	ipt_save -t "$1" | awk -v t="$1" '
		/^:/ { sub(/^:/, "", $1); chain[$1] = 1 }
		/^-A / {
			n[$2]++
			for (i = 3; i < NF; i++)
				if (($i == "-j" || $i == "-g") && ($(i + 1) in chain))
					printf "%s/%s -> %s/%s %d%s\n", t, $2, t, $(i + 1), n[$2],
						$i == "-g" ? " (goto)" : ""
		}' | sort
}

@test "graph: hooks in packet order, base chains by priority, jumps and gotos with rule numbers and counters" {
	ipt_restore -c <<-'EOF'
	*raw
	:PREROUTING ACCEPT [0:0]
	-A PREROUTING -p udp -j ACCEPT
	COMMIT
	*mangle
	:PREROUTING ACCEPT [0:0]
	:OUTPUT ACCEPT [0:0]
	-A PREROUTING -j ACCEPT
	COMMIT
	*nat
	:PREROUTING ACCEPT [0:0]
	:POSTROUTING ACCEPT [0:0]
	-A POSTROUTING -j ACCEPT
	COMMIT
	*filter
	:INPUT DROP [7:700]
	:FORWARD ACCEPT [0:0]
	:OUTPUT ACCEPT [0:0]
	:web - [0:0]
		-A INPUT -i lo -j ACCEPT
	[3:180] -A INPUT -p tcp -j web
	-A web -p tcp --dport 80 -j ACCEPT
	COMMIT
	EOF
	# a name DOT must quote
	ipt -N 'q"u\o'
	ipt -A web -g 'q"u\o' -c 2 120
	run graph --counters
	assert_success
	# the packet's path: hooks and base chains, in order
	run bash -c "printf '%s\n' \"\$0\" | grep 'style=bold\]' | grep -v label" "$output"
	assert_output - <<-'EOF'
	  "in" -> "PREROUTING" [style=bold];
	  "local process" -> "OUTPUT" [style=bold];
	  "PREROUTING" -> "raw/PREROUTING" [style=bold];
	  "raw/PREROUTING" -> "mangle/PREROUTING" [style=bold];
	  "mangle/PREROUTING" -> "nat/PREROUTING" [style=bold];
	  "nat/PREROUTING" -> "INPUT" [style=bold];
	  "nat/PREROUTING" -> "FORWARD" [style=bold];
	  "INPUT" -> "filter/INPUT" [style=bold];
	  "filter/INPUT" -> "local process" [style=bold];
	  "FORWARD" -> "filter/FORWARD" [style=bold];
	  "filter/FORWARD" -> "POSTROUTING" [style=bold];
	  "OUTPUT" -> "mangle/OUTPUT" [style=bold];
	  "mangle/OUTPUT" -> "filter/OUTPUT" [style=bold];
	  "filter/OUTPUT" -> "POSTROUTING" [style=bold];
	  "POSTROUTING" -> "nat/POSTROUTING" [style=bold];
	  "nat/POSTROUTING" -> "out" [style=bold];
	EOF
	run graph --counters
	assert_line '    "filter/INPUT" [label="filter INPUT\npriority 0, policy DROP\n7 pkts, 700 bytes", style=filled, fillcolor=lightgrey];'
	assert_line '  "filter/q\"u\\o" [label="filter q\"u\\o"];'
	assert_line '  "filter/INPUT" -> "filter/web" [label="2\n3 pkts, 180 bytes"];'
	assert_line '  "filter/web" -> "filter/q\"u\\o" [label="2 (goto)\n2 pkts, 120 bytes", style=dashed];'
	# one table, no counters
	run graph -t filter
	assert_success
	assert_line '  "filter/INPUT" -> "filter/web" [label="2"];'
	refute_output --partial '"nat/'
	refute_output --partial 'pkts'
	if command -v dot > /dev/null; then
		run bash -c 'printf "%s\n" "$0" | dot -Tsvg' "$output"
		assert_success
		assert_output --partial '<svg'
	fi
}

@test "graph: a kube-proxy-shaped ruleset of 1000 services: every chain once, every jump once, dot renders it" {
	local d=$BATS_TEST_TMPDIR
	"$TOP/tests/gen-kube.py" 1000 > "$d/kube.rules"
	ipt_restore < "$d/kube.rules"
	graph > "$d/kube.dot"
	# every chain of the table declared exactly once
	ipt_save -t nat | sed -n 's/^:\([^ ]*\) .*/\1/p' | sort > "$d/chains.want"
	[ "$(wc -l < "$d/chains.want")" -gt 3000 ]
	sed -n -E 's/^ +"nat\/([^"]+)" \[label=.*/\1/p' "$d/kube.dot" | sort > "$d/chains.got"
	run diff -u "$d/chains.want" "$d/chains.got"
	assert_success
	# every jump of the save, once, with its rule number
	save_edges nat > "$d/edges.want"
	[ "$(wc -l < "$d/edges.want")" -gt 6000 ]
	edges_of < "$d/kube.dot" > "$d/edges.got"
	run diff -u "$d/edges.want" "$d/edges.got"
	assert_success
	command -v dot > /dev/null || skip "graphviz not installed"
	run bash -c 'dot -Tsvg < "$0" | tail -1' "$d/kube.dot"
	assert_success
	assert_output '</svg>'
}

@test "graph: ip6tables' ruleset with -6; bad arguments" {
	ip netns exec "$NS" "$IPT_BIN/ip6tables" -N six
	ip netns exec "$NS" "$IPT_BIN/ip6tables" -A INPUT -j six
	run graph -6
	assert_success
	assert_line 'digraph "ip6tables" {'
	assert_line '  "filter/INPUT" -> "filter/six" [label="1"];'
	run graph
	assert_success
	refute_output --partial six
	run graph -t nosuch
	assert_failure 2
	assert_output "iptnft graph: no table \`nosuch'"
	run graph extra
	assert_failure 2
}
