#!/usr/bin/env bats
# The source's shape (issue 13): dependencies point one way, and no
# function is too long to read. tests/layout.py does the reading.

load helpers

@test "layout: no module of src/ or extensions/ includes one that includes it back" {
	run python3 "$TOP/tests/layout.py" includes "$TOP"
	echo "$output"
	assert_success
	assert_line --regexp '^# [0-9]+ modules, 0 pairs that include each other$'
}

@test "layout: no function of src/ or extensions/ is longer than 120 lines" {
	run python3 "$TOP/tests/layout.py" functions "$TOP"
	echo "$output"
	assert_success
	assert_line '# functions over 120 lines: 0'
}
