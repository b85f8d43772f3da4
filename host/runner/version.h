/* SPDX-License-Identifier: GPL-2.0-only */
/* hvcheck's version and the commit it was built from. */
#ifndef RUNNER_VERSION_H
#define RUNNER_VERSION_H

const char *hvcheck_version(void); /* the VERSION file: "0.1.0" */

/* git describe --always --dirty at build time; "unknown" outside git. */
const char *hvcheck_commit(void);

#endif
