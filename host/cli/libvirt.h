/* SPDX-License-Identifier: GPL-2.0-only */
/* hvcheck libvirt: one manifest entry's domain XML, or one run of it. */
#ifndef CLI_LIBVIRT_H
#define CLI_LIBVIRT_H

/* `hvcheck libvirt xml|boot ...`: argv[0] is "libvirt"; the exit status. */
int libvirt_main(int argc, char **argv);

#endif /* CLI_LIBVIRT_H */
