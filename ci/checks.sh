# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Shared by the ci/ check scripts that count checks: sourced, not run.
#
# check NAME DETAIL COMMAND... prints PASS or FAIL (with DETAIL, when not
# empty) for COMMAND's status and counts it; checks_done WHO prints the closing
# "WHO: N passed, N failed" that ci/check adds up and returns 1 when one
# failed.
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
	fi
}

checks_done() { # checks_done WHO
	echo "$1: $pass passed, $fail failed"
	[ "$fail" = 0 ]
}
