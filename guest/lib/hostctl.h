/* SPDX-License-Identifier: GPL-2.0-only */
/* The hvcheck VMM's host-control channel (HV_HOSTCTL_*): probe and access. */
#ifndef GUEST_HOSTCTL_H
#define GUEST_HOSTCTL_H

#include "types.h"

/*
 * NULL when the host-control channel answers with its magic and offers
 * every bit of features (HV_HOSTCTL_F_*); else why not, in one line
 * written to why[size], for the SKIP of a paired check.  what names the
 * features in that line, e.g. "drive SPIs".  Safe anywhere: under other
 * VMMs the channel is simply absent.
 */
const char *hostctl_probe(u32 features, const char *what, char *why,
			  size_t size);

/* 32-bit register reg (HV_HOSTCTL_*) of a channel hostctl_probe() found. */
u32 hostctl_read(u32 reg);
void hostctl_write(u32 reg, u32 value);

/*
 * The architecture's part of hostctl_probe(): reads HV_HOSTCTL_MAGIC
 * where the channel would be.  False, with why[size] saying so, when
 * that read cannot be done (arm64: nothing mapped there).
 */
bool hostctl_read_magic(u32 *magic, char *why, size_t size);

#endif /* GUEST_HOSTCTL_H */
