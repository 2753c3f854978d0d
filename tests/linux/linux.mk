# linux.mk: unmodified static Linux programs (tests/linux/), a make fragment.
#
# The root Makefile includes it (BUILD set there); it also works alone:
#     make -f tests/linux/linux.mk BUILD=build linux-progs
#
#   linux-progs      Tier 0: tests/linux/src/NAME.c -> $(BUILD)/linux/NAME,
#                    built static with Debian's riscv64-linux-gnu-gcc
#   linux-busybox    Tier 1: static BusyBox 1.35, built once and cached outside
#                    the tree (scripts/busybox-build.sh; the root Makefile's
#                    `make busybox` copies it to $(BUILD)/linux/busybox)
#   linux-ref        run every case under qemu-riscv64, twice, and compare it
#                    with tests/linux/expected/ (the reference oracle)
#   linux-ref-record write tests/linux/expected/ anew from qemu-riscv64
#   linux-syscalls   $(BUILD)/linux/syscalls.txt: each case's system calls
#
# Nothing here touches the kernel's flags: these programs are built with
# Debian's Linux toolchain and glibc, as any RISC-V Linux user would build them.

# This file's folder, taken now, before any later include changes MAKEFILE_LIST.
LINUX_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
# Alone (make -f tests/linux/linux.mk) this file is the whole makefile.
LINUX_STANDALONE := $(if $(filter 1,$(words $(MAKEFILE_LIST))),1,)
LINUX_PREV_GOAL := $(.DEFAULT_GOAL)

BUILD      ?= build
PYTHON     ?= /usr/bin/python3
LINUX_CC   ?= riscv64-linux-gnu-gcc
Q          ?= @
# -static: no dynamic loader on our kernel. -O2 as the issue asks. No -Werror:
# a newer compiler's warning must not stop the kernel's build.
LINUX_CFLAGS ?= -static -O2 -g -Wall -Wextra -pthread

LINUX_SRCS  := $(sort $(wildcard $(LINUX_DIR)/src/*.c))
LINUX_NAMES := $(notdir $(basename $(LINUX_SRCS)))
LINUX_PROGS := $(addprefix $(BUILD)/linux/,$(LINUX_NAMES))

.PHONY: linux-progs linux-busybox linux-ref linux-ref-record linux-syscalls

linux-progs: $(LINUX_PROGS)

# Written under another name, then renamed: a reader (another test worker's disk)
# sees the whole program or none of it.
$(LINUX_PROGS): $(BUILD)/linux/%: $(LINUX_DIR)/src/%.c $(LINUX_DIR)/src/linuxtest.h
	@mkdir -p $(@D)
	@echo "  LINUXCC $@"
	$(Q)$(LINUX_CC) $(LINUX_CFLAGS) -o $@.tmp $< && mv $@.tmp $@

linux-busybox:
	$(Q)sh scripts/busybox-build.sh

linux-ref: linux-progs linux-busybox
	$(Q)$(PYTHON) scripts/linux_ref.py --build $(BUILD) check

linux-ref-record: linux-progs linux-busybox
	$(Q)$(PYTHON) scripts/linux_ref.py --build $(BUILD) record

linux-syscalls: linux-progs linux-busybox
	$(Q)$(PYTHON) scripts/linux_ref.py --build $(BUILD) syscalls

# Alone, linux-progs is the default goal; included, the includer's stays.
ifeq ($(LINUX_STANDALONE),1)
.DEFAULT_GOAL := linux-progs
else
.DEFAULT_GOAL := $(LINUX_PREV_GOAL)
endif
