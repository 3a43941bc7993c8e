#!/usr/bin/env bats
# The rule index is exact or unused: a randomized model test
# (tests/model.py) of thousands of steps drawn from every command, writes
# by the reference and by nft, refused batches and killed restores; after
# each step -C through the index must give the model's answer, and -D
# through it must leave the chain the model says.
#
# MODEL_STEPS (default 2000, about two minutes and a half here) and
# MODEL_SEED (default: a new one, printed) replay or lengthen a run:
#   MODEL_SEED=1234 MODEL_STEPS=300 tests/run tests/model.bats

load helpers

setup() {
	iptnft_setup
	command -v python3 > /dev/null || skip "python3 not installed"
	command -v nft > /dev/null || skip "nft not installed"
}

@test "model: -C and -D through the index agree with the chain, step after step" {
	run ns env IPTNFT_INDEX_DIR="$BATS_TEST_TMPDIR/index" python3 "$TOP/tests/model.py" \
		--bin "$IPT_BIN" --ref "$REF_DIR" --steps "${MODEL_STEPS:-2000}" \
		${MODEL_SEED:+--seed "$MODEL_SEED"} --tmp "$BATS_TEST_TMPDIR"
	printf '# %s\n' "${lines[0]}" "${lines[${#lines[@]} - 1]}" >&3
	assert_success
}
