# SPDX-License-Identifier: GPL-2.0-only
# hvcheck build: guest test OS, host VMM, unit tests, suites and CI checks.

ARCH ?= x86_64
TARGET ?= vmm
TESTS ?=
JOBS ?= 2
# TARGET=qemu accelerator: kvm or tcg; empty lets the runner pick (KVM
# when /dev/kvm opens).
QEMU_ACCEL ?=
# TARGET=libvirt: the libvirt URIs to spread the tests over, separated by
# blanks (default qemu:///system, whose virtlogd and libvirtd run-tests
# starts as root when none runs, with ci/libvirtd; docs/libvirt.md).
LIBVIRT_URI ?=

# uname says aarch64 where make and build/ say arm64.
HOST_ARCH := $(patsubst aarch64,arm64,$(shell uname -m))
# `make` with no target builds what `all` says (README).
.DEFAULT_GOAL := all
B := build/$(ARCH)

ifeq ($(filter $(ARCH),x86_64 arm64),)
$(error ARCH must be x86_64 or arm64, not '$(ARCH)')
endif

# ---------------------------------------------------------------- host ----
# The VMM is built for ARCH: natively, or cross-built and static for an
# arm64 KVM host (the nested test bed boots it from a busybox initramfs).
ifeq ($(ARCH)-$(HOST_ARCH),arm64-x86_64)
HOST_CC ?= aarch64-linux-gnu-gcc
else
HOST_CC ?= gcc
endif
HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE \
	-pthread -Iinclude -Ihost -MMD -MP $(EXTRA_HOST_CFLAGS)
HOST_LDFLAGS := -pthread $(if $(filter arm64,$(ARCH)),-static) \
	$(EXTRA_HOST_LDFLAGS)

# --target libvirt and `hvcheck libvirt` use the libvirt C API
# (libvirt-dev): only in the native build, whose hvcheck runs the suites;
# the cross-built static arm64 VMM has neither.
HOST_LIBVIRT_SRCS := host/runner/libvirt.c host/cli/libvirt.c
ifeq ($(ARCH),$(HOST_ARCH))
HOST_SHARED_SRCS_LIBVIRT := $(HOST_LIBVIRT_SRCS)
HOST_CFLAGS += -DHVCHECK_LIBVIRT
HOST_LIBS := -lvirt
endif

# The VMM's generic core, its devices, the pure models, the runner and
# the subcommands; then each machine's folder (README, "Layout").
HOST_SHARED_SRCS := $(filter-out host/cli/main.c $(HOST_LIBVIRT_SRCS), \
	$(wildcard host/vmm/*.c host/vmm/devices/*.c host/vpmu/*.c \
	host/vgic/*.c host/runner/*.c host/cli/*.c))
# Both machines' option tables are in every build, so that each names
# and refuses the other's options (docs/vmm.md).
HOST_MACHINE_OPTIONS_SRCS := host/vmm/x86/options.c host/vmm/arm64/options.c \
	host/vmm/arm64/board.c
HOST_SHARED_SRCS += $(HOST_MACHINE_OPTIONS_SRCS) $(HOST_SHARED_SRCS_LIBVIRT)
HOST_X86_SRCS := $(filter-out $(HOST_MACHINE_OPTIONS_SRCS), \
	$(wildcard host/vmm/x86/*.c))
HOST_ARM64_SRCS := $(filter-out $(HOST_MACHINE_OPTIONS_SRCS), \
	$(wildcard host/vmm/arm64/*.c))
# The arm64 machine is only in the arm64 VMM; these of its parts need no
# arm64 uAPI header, so their unit tests run on any host.
HOST_ARM64_PORTABLE_SRCS := $(addprefix host/vmm/arm64/, boot_info.c \
	fdt.c image.c irqchip.c vpmu_kvm.c)
HOST_ARM64_PORTABLE_OBJS := $(HOST_ARM64_PORTABLE_SRCS:%.c=$(B)/%.o)

ifeq ($(ARCH),x86_64)
HOST_LIB_SRCS := $(HOST_SHARED_SRCS) $(HOST_X86_SRCS)
UNIT_LIBS := $(B)/libhvcheck-arm64.a $(B)/libhvcheck.a
UNIT_ARCH_DIRS := x86 arm64
else
HOST_LIB_SRCS := $(HOST_SHARED_SRCS) $(HOST_ARM64_SRCS)
UNIT_LIBS := $(B)/libhvcheck.a
UNIT_ARCH_DIRS := arm64
endif
HOST_LIB_OBJS := $(HOST_LIB_SRCS:%.c=$(B)/%.o)
HVCHECK := $(B)/hvcheck

UNIT_SRCS := $(wildcard host/tests/test_*.c \
	$(UNIT_ARCH_DIRS:%=host/tests/%/test_*.c))
UNIT_HELPER_SRCS := $(filter-out $(UNIT_SRCS), $(wildcard host/tests/*.c \
	$(UNIT_ARCH_DIRS:%=host/tests/%/*.c)))
UNIT_HELPER_OBJS := $(UNIT_HELPER_SRCS:%.c=$(B)/%.o)
UNIT_BINS := $(UNIT_SRCS:host/tests/%.c=$(B)/unit/%)

# Unit tests in host/tests/ARCH/ share the helpers of host/tests/.
$(B)/host/tests/%.o: HOST_CFLAGS += -Ihost/tests

$(B)/host/%.o: host/%.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -c -o $@ $<

# hvcheck's version (VERSION) and the commit it is built from, for
# `hvcheck --version` and results.json, in a generated header that only
# runner/version.c includes.  It is rewritten only when they change, so
# a new commit rebuilds that one object; "unknown" outside a git tree.
VERSION_HEADER := $(B)/generated/hvcheck_version.h

$(VERSION_HEADER): VERSION FORCE
	@mkdir -p $(@D)
	@commit=$$(test -e .git && git describe --always --dirty --abbrev=12 \
		2>/dev/null || echo unknown); \
	printf '#define HVCHECK_VERSION "%s"\n#define HVCHECK_COMMIT "%s"\n' \
		"$$(cat VERSION)" "$$commit" >$@.tmp; \
	if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

$(B)/host/runner/version.o: $(VERSION_HEADER)
$(B)/host/runner/version.o: HOST_CFLAGS += -I$(B)/generated

$(B)/libhvcheck.a: $(HOST_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(B)/libhvcheck-arm64.a: $(HOST_ARM64_PORTABLE_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(HVCHECK): $(B)/host/cli/main.o $(B)/libhvcheck.a
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^ $(HOST_LIBS)

# Unit tests see ioctl() through a fake (-Wl,--wrap=ioctl) so the KVM glue
# is checked without /dev/kvm.
$(B)/unit/%: $(B)/host/tests/%.o $(UNIT_HELPER_OBJS) $(UNIT_LIBS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_LDFLAGS) -Wl,--wrap=ioctl -o $@ \
		-Wl,--start-group $^ -Wl,--end-group -lcmocka $(HOST_LIBS)

# --------------------------------------------------------------- guest ----
ifeq ($(ARCH),x86_64)
GUEST_CC ?= gcc
GUEST_ARCH_CFLAGS := -m64 -mno-red-zone -mgeneral-regs-only -mcmodel=small \
	-fno-pie -fcf-protection=none
GUEST_LDFLAGS_ARCH := -m elf_x86_64
GUEST_LD ?= ld
else
GUEST_CC ?= aarch64-linux-gnu-gcc
GUEST_ARCH_CFLAGS := -mgeneral-regs-only -fno-pie -mno-outline-atomics
GUEST_LDFLAGS_ARCH := -m aarch64elf
GUEST_LD ?= aarch64-linux-gnu-ld
endif

GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding \
	-fno-stack-protector -fno-builtin -fno-common -nostdinc \
	-isystem $(shell $(GUEST_CC) -print-file-name=include) \
	-Iinclude -Iguest/lib -Iguest/lib/$(ARCH) -MMD -MP $(GUEST_ARCH_CFLAGS)

GUEST_SRCS := $(wildcard guest/boot/$(ARCH)/*.S guest/boot/$(ARCH)/*.c \
	guest/lib/*.c guest/lib/$(ARCH)/*.c guest/lib/$(ARCH)/*.S \
	guest/tests/*/*.c guest/tests/*/$(ARCH)/*.c)
GUEST_OBJS := $(patsubst %,$(B)/%.o,$(basename $(GUEST_SRCS)))
GUEST_ELF := $(B)/guest.elf
GUEST_LDS := guest/boot/$(ARCH)/guest.lds
GUEST_ISO := $(B)/guest.iso

$(B)/guest/%.o: guest/%.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

# The bench drives the pmu tests' PEBS region: their pebs.h.
$(B)/guest/tests/bench/%.o: GUEST_CFLAGS += -Iguest/tests/pmu/$(ARCH)

$(B)/guest/%.o: guest/%.S
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<

$(GUEST_ELF): $(GUEST_OBJS) $(GUEST_LDS)
	$(GUEST_LD) $(GUEST_LDFLAGS_ARCH) -nostdlib -static -T $(GUEST_LDS) \
		-z noexecstack --no-warn-rwx-segments -o $@ $(GUEST_OBJS)

# GRUB boots the same ELF through Multiboot2; the per-test command line
# comes from a small FAT disk the runner makes (see docs/design.md).
$(GUEST_ISO): $(GUEST_ELF) ci/grub.cfg
	@rm -rf $(B)/isodir && mkdir -p $(B)/isodir/boot/grub
	cp $(GUEST_ELF) $(B)/isodir/boot/guest.elf
	cp ci/grub.cfg $(B)/isodir/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(B)/isodir --modules="multiboot2 fat part_msdos smbios" \
		>$(B)/grub-mkrescue.log 2>&1 || \
		{ cat $(B)/grub-mkrescue.log; exit 1; }

# ------------------------------------------------------------- targets ----
# Keep the objects of pattern-built unit tests: they are not throwaway.
.SECONDARY:

.PHONY: all guest host unit iso run-tests check bench deps format \
	format-check clean FORCE

FORCE:

ifeq ($(ARCH),$(HOST_ARCH))
all: guest host unit
else
all: guest
endif

guest: $(GUEST_ELF)
host: $(HVCHECK)
unit: $(UNIT_BINS)
iso: $(GUEST_ISO)

# Where run-tests runs the suite (docs/runner.md, docs/nested.md):
# TARGET=vmm is hvcheck's own VMM, on this host's /dev/kvm when it opens
# for ARCH, else in the nested KVM test bed of ARCH (TARGET=nested),
# which is said in one line; TARGET=qemu only when asked.  The runner is
# a host program, built in the host's tree whatever the guest's ARCH.
KVM_USABLE := $(shell test -r /dev/kvm -a -w /dev/kvm && echo yes)
ifeq ($(TARGET),vmm)
ifneq ($(ARCH)-$(KVM_USABLE),$(HOST_ARCH)-yes)
RUN_TARGET := nested
NO_KVM_WHY := no usable /dev/kvm on this host
FOREIGN_WHY := an $(ARCH) guest needs an $(ARCH) KVM
RUN_TARGET_WHY := $(if $(filter $(ARCH),$(HOST_ARCH)),$(NO_KVM_WHY),$(FOREIGN_WHY))
endif
endif
RUN_TARGET ?= $(TARGET)
RUNNER := build/$(HOST_ARCH)/hvcheck
# TIMEOUT_SCALE=F multiplies every test's timeout by F (hvcheck suite
# --timeout-scale, docs/runner.md): a slow or loaded host, sanitizers.
TIMEOUT_SCALE ?=
SUITE_TIMEOUT_SCALE := $(if $(TIMEOUT_SCALE),--timeout-scale "$(TIMEOUT_SCALE)")
RESULTS ?= $(B)/results

deps:
	@ci/deps $(ARCH) $(RUN_TARGET)

# TARGET=nested: the suite on hvcheck's own VMM inside the nested KVM
# test bed of ARCH (ci/nested).  arm64: the bed's KVM emulates only the
# GIC version of the bed itself, NESTED_GIC: 3 (vGICv3) or 2 (vGICv2);
# every irqchip mode is tried, so the results say why the bed lacks one
# (kvm-gicv2 on 3, kvm-gicv3 on 2); IRQCHIP narrows them.
IRQCHIP ?=
NESTED_GIC ?= 3
NESTED_IRQCHIPS := kvm-gicv3,kvm-gicv2,user-gicv2
# Bounds the whole bed run, boot and results included.
NESTED_TIMEOUT ?= 900
# The bed's kernel: Debian's, or BED_KERNEL (an image the user built)
# with its modules tree BED_MODULES; BED_ACCEL=kvm runs the bed under
# this host's KVM with its CPU (docs/nested.md).
BED_KERNEL ?=
BED_MODULES ?=
BED_ACCEL ?=
BED_DESCRIBE := --arch $(ARCH) $(if $(BED_KERNEL),--kernel "$(BED_KERNEL)") \
	$(if $(BED_ACCEL),--accel $(BED_ACCEL))
BED := $(BED_DESCRIBE) $(if $(BED_MODULES),--modules "$(BED_MODULES)")
# Never a silent run on another kernel than the one asked for.
ifneq ($(BED_KERNEL)$(BED_MODULES)$(BED_ACCEL),)
ifneq ($(RUN_TARGET),nested)
ifneq ($(filter run-tests,$(MAKECMDGOALS)),)
$(error BED_KERNEL, BED_MODULES and BED_ACCEL are for the nested bed: add \
	TARGET=nested (TARGET=$(TARGET) runs on $(RUN_TARGET) here))
endif
endif
endif

ifeq ($(RUN_TARGET),nested)
run-tests: deps
	@$(if $(RUN_TARGET_WHY),echo "make run-tests: $(RUN_TARGET_WHY):" \
		"running on hvcheck's VMM in the nested $(ARCH) KVM test bed" \
		"(TARGET=nested, docs/nested.md)")
	@$(MAKE) --no-print-directory -j$(JOBS) guest host
	@ci/nested prepare $(BED)
	@# what an earlier run left, not the folder: a caller such as
	@# `hvcheck bisect-run` may keep its own files in RESULTS
	@rm -rf $(addprefix $(RESULTS)/,results.json results.tap results.xml \
		logs nested-console.log)
	ci/nested run $(BED) --file $(HVCHECK) --file $(GUEST_ELF) \
		--file guest/tests/$(ARCH).cfg --out $(RESULTS) \
		$(if $(filter arm64,$(ARCH)),--gic $(NESTED_GIC)) \
		--timeout $(NESTED_TIMEOUT) -- \
		./hvcheck suite --arch $(ARCH) --target nested \
		--requested-target $(TARGET) \
		--bed "$$(ci/nested describe $(BED_DESCRIBE))" \
		--manifest $(ARCH).cfg --guest guest.elf --out out \
		$(if $(TESTS),--tests "$(TESTS)") $(SUITE_TIMEOUT_SCALE) \
		$(if $(filter arm64,$(ARCH)),--irqchip $(or $(IRQCHIP),$(NESTED_IRQCHIPS)))
else
run-tests: deps
	@$(MAKE) --no-print-directory -j$(JOBS) guest \
		$(if $(filter x86_64-qemu x86_64-libvirt,$(ARCH)-$(RUN_TARGET)),iso)
	@$(MAKE) --no-print-directory -j$(JOBS) ARCH=$(HOST_ARCH) host
	@# the local daemons, when none runs (left running, local sockets
	@# only, no TCP listener: ci/libvirtd stop)
	@$(if $(filter libvirt,$(RUN_TARGET)),$(if $(LIBVIRT_URI),,\
		test "$$(id -u)" != 0 || ci/libvirtd start >/dev/null))
	$(RUNNER) suite --arch $(ARCH) --target $(RUN_TARGET) \
		--manifest guest/tests/$(ARCH).cfg --guest $(GUEST_ELF) \
		--iso $(GUEST_ISO) --out $(RESULTS) $(if $(TESTS),--tests "$(TESTS)") \
		$(SUITE_TIMEOUT_SCALE) $(if $(QEMU_ACCEL),--qemu-accel $(QEMU_ACCEL)) \
		$(if $(IRQCHIP),--irqchip $(IRQCHIP)) \
		$(foreach u,$(LIBVIRT_URI),--connect $(u))
endif

check:
	@ci/check

# make bench (ci/bench): hvcheck's figures beside those of bare-kvm, a
# bare KVM loop (host/bench/bare_kvm.c), both on this host's /dev/kvm when
# it opens for ARCH, else both in the nested x86_64 KVM test bed, which
# is said in one line.  RUNS boots of each.
RUNS ?= 50
# full: the suite wall times of the default suite and the pmu group;
# smoke: of the selftest group alone (make check).
BENCH_SUITES ?= full
BARE_KVM := $(B)/bare-kvm
BENCH_OUT ?= $(B)/bench

$(BARE_KVM): $(B)/host/bench/bare_kvm.o
	$(HOST_CC) $(HOST_LDFLAGS) -o $@ $^

ifeq ($(ARCH)-$(KVM_USABLE),$(HOST_ARCH)-yes)
bench: host guest $(if $(filter x86_64,$(ARCH)),$(BARE_KVM))
	@echo "make bench: on this host's /dev/kvm"
	@RUNS=$(RUNS) BENCH_SUITES=$(BENCH_SUITES) ci/bench $(ARCH) $(B) \
		guest/tests/$(ARCH).cfg
else ifeq ($(ARCH)-$(HOST_ARCH),x86_64-x86_64)
bench: host guest $(BARE_KVM)
	@echo "make bench: no usable /dev/kvm on this host: measuring in the" \
		"nested x86_64 KVM test bed (ci/nested)"
	@rm -rf $(BENCH_OUT)
	@ci/nested run --arch x86_64 --timeout $(NESTED_TIMEOUT) \
		--out $(BENCH_OUT) --host-binary "$$(command -v bash)" \
		--file $(HVCHECK) --file $(GUEST_ELF) --file $(BARE_KVM) \
		--file guest/tests/x86_64.cfg --file ci/bench -- \
		env RUNS=$(RUNS) BENCH_SUITES=$(BENCH_SUITES) ./bench x86_64 . \
		x86_64.cfg
else
bench:
	@echo "make bench ARCH=$(ARCH): needs an $(ARCH) host whose /dev/kvm" \
		"opens (the bench's nested bed is x86_64 only)" >&2 && exit 1
endif

# ---------------------------------------------------------------- fuzz ----
# make fuzz: libFuzzer with ASan and UBSan (clang-14) on every parser and
# guest-facing model, one binary a target, build/fuzz/fuzz_TARGET, each
# for FUZZ_SECONDS from its seed corpus in the tree (host/fuzz/corpus/)
# into its working corpus (build/fuzz/corpus/); docs/reliability.md.
FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_B ?= build/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
# (clang names the GNU extension struct kvm_signal_mask's users rely on)
FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE \
	-Wno-gnu-variable-sized-type-not-at-end -pthread -Iinclude -Ihost \
	-MMD -MP $(FUZZ_SAN)
# The code under test: the pure models, the loaders, the devices and the
# runner's readers, whatever ARCH says (the archive gives each target
# only the objects it calls).
FUZZ_LIB_SRCS := $(filter-out $(HOST_LIBVIRT_SRCS) host/runner/libvirt_xml.c \
	host/runner/version.c, $(wildcard host/vmm/*.c host/vmm/devices/*.c \
	host/vpmu/*.c host/vgic/*.c host/runner/*.c host/vmm/x86/*.c)) \
	$(HOST_ARM64_PORTABLE_SRCS)
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_B)/%.o)
FUZZ_ALL_TARGETS := $(patsubst host/fuzz/fuzz_%.c,%,$(wildcard host/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_ALL_TARGETS)
FUZZ_BINS := $(FUZZ_ALL_TARGETS:%=$(FUZZ_B)/fuzz_%)
# What the harnesses share (host/fuzz/fuzz.c).
FUZZ_HELPER_OBJS := $(patsubst %.c,$(FUZZ_B)/%.o,$(filter-out \
	host/fuzz/fuzz_%.c,$(wildcard host/fuzz/*.c)))

$(FUZZ_B)/host/%.o: host/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# The harnesses' shared checks are not the code under test: no coverage
# instrumentation, else their loop over every page of guest RAM is most
# of a loader target's time (and noise in its coverage).
$(FUZZ_HELPER_OBJS): $(FUZZ_B)/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_B)/libhvcheck-fuzz.a: $(FUZZ_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_B)/fuzz_%: $(FUZZ_B)/host/fuzz/fuzz_%.o $(FUZZ_HELPER_OBJS) \
		$(FUZZ_B)/libhvcheck-fuzz.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -pthread -o $@ $^

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz_%)

fuzz:
	@ci/deps $(ARCH) fuzz
	@$(MAKE) --no-print-directory -j$(JOBS) fuzz-build
	@ci/fuzz $(FUZZ_B) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

CLANG_FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

format:
	clang-format -i $(CLANG_FORMAT_FILES)

format-check:
	clang-format --dry-run -Werror $(CLANG_FORMAT_FILES)

clean:
	rm -rf build

-include $(HOST_LIB_OBJS:.o=.d) $(HOST_ARM64_PORTABLE_OBJS:.o=.d) \
	$(B)/host/cli/main.d $(B)/host/bench/bare_kvm.d $(GUEST_OBJS:.o=.d) \
	$(UNIT_SRCS:host/tests/%.c=$(B)/host/tests/%.d) $(UNIT_HELPER_OBJS:.o=.d) \
	$(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_HELPER_OBJS:.o=.d) $(FUZZ_BINS:$(FUZZ_B)/%=$(FUZZ_B)/host/fuzz/%.d)
