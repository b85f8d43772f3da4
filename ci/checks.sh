# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Shared by the ci/ check scripts that count checks: sourced, not run.
#
# check NAME DETAIL COMMAND... prints PASS or FAIL (with DETAIL, when not
# empty) for COMMAND's status, counts it and returns that status;
# checks_done prints the closing "N passed, N failed" that ci/check adds
# up, and returns 1 when one failed; exits_with STATUS OUT
# COMMAND... runs COMMAND into the file OUT and succeeds when it exits
# STATUS, else shows OUT.
pass=0
fail=0

check() { # check NAME DETAIL COMMAND...
	local name=$1 detail=$2

	shift 2
	if "$@"; then
		echo "PASS: $name"
		pass=$((pass + 1))
	else
		echo "FAIL: $name${detail:+: $detail}"
		fail=$((fail + 1))
		return 1
	fi
}

checks_done() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}

exits_with() { # exits_with STATUS OUT COMMAND...
	local want=$1 out=$2 rc

	shift 2
	"$@" >"$out" 2>&1
	rc=$?
	[ $rc = "$want" ] || {
		cat "$out"
		echo "exit status $rc, not $want"
		return 1
	}
}
