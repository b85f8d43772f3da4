// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvcheck's version and commit: the only object that includes the header
 * the Makefile generates, so a new commit rebuilds this file alone.
 */
#include "hvcheck_version.h"
#include "runner/version.h"

const char *hvcheck_version(void)
{
	return HVCHECK_VERSION;
}

const char *hvcheck_commit(void)
{
	return HVCHECK_COMMIT;
}
