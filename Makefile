# Makefile for the RISC-V Sv39 teaching kernel.
#
#   make qemu     boot the kernel in QEMU (-nographic; leave with Ctrl-A then X)
#   make test     every test layer: host unit tests, then the system tests (pytest)
#   make debug    QEMU waiting for GDB, and GDB attached, stopped at kmain
#   make ktest    the in-kernel unit tests (KTEST='format*' picks a subset)
#   make bench    instruction counts under qemu -icount, into build/bench.json
#
# Options: MEM=128M SMP=1 LOG=INFO HZ=100 OPT=-O2 BOOTARGS="..." COLOR=1 HEAP=buddy
#          SCHED=fifo|stride SLICE=2 LOCKDEP=1

# ---- Tools -----------------------------------------------------------------
CROSS   ?= riscv64-unknown-elf-
CC      := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
OBJDUMP := $(CROSS)objdump
NM      := $(CROSS)nm
QEMU    ?= qemu-system-riscv64
GDB     ?= gdb-multiarch
PYTHON  ?= /usr/bin/python3
HOST_CC ?= gcc

# ---- Options -----------------------------------------------------------------
MEM      ?= 128M
SMP      ?= 1
LOG      ?= INFO
HZ       ?= 100
OPT      ?= -O2
COLOR    ?= 1
BOOTARGS ?=
KTEST    ?=
GDBPORT  ?= 1234
# Seconds before a run that does not end is killed (make ktest and test images).
TIMEOUT  ?= 120
# The kernel heap's design: buddy, bump, list or fixed (docs/heap.md).
HEAP     ?= buddy
ifeq ($(filter $(HEAP),buddy bump list fixed),)
$(error HEAP=$(HEAP) is not a heap design: use buddy, bump, list or fixed)
endif
# The scheduling policy, fifo or stride, and the time slice in ticks (docs/threads.md).
SCHED    ?= fifo
SLICE    ?= 2
ifeq ($(filter $(SCHED),fifo stride),)
$(error SCHED=$(SCHED) is not a scheduling policy: use fifo or stride)
endif
# LOCKDEP=1 builds the lock-order checker in (docs/smp.md); off, it costs nothing.
LOCKDEP  ?= 0

BUILD ?= build

# Quiet by default: one short line per step. V=1 shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---- Kernel flags ------------------------------------------------------------
CFLAGS := -march=rv64gc -mabi=lp64d -mcmodel=medany -ffreestanding -nostdlib \
          -fno-builtin -fno-stack-protector -fno-pie \
          -fno-omit-frame-pointer -fno-optimize-sibling-calls \
          -fno-tree-loop-distribute-patterns \
          -std=gnu11 $(OPT) -g -Wall -Wextra -Wno-unused-parameter -Werror -MMD -MP -Isrc -Iinclude \
          -DLOG_LEVEL=LOG_LEVEL_$(LOG) -DHZ=$(HZ) -DCONSOLE_COLOR=$(COLOR) \
          -DHEAP_DESIGN=\"$(HEAP)\" -DSCHED_POLICY=sched_policy_$(SCHED) -DSCHED_SLICE_TICKS=$(SLICE) \
          $(if $(filter 1,$(LOCKDEP)),-DLOCKDEP=1)
ASFLAGS := $(CFLAGS) -D__ASSEMBLER__
LDFLAGS := -nostdlib -static -no-pie -Wl,--gc-sections -Wl,-T,kernel.ld -Wl,--no-warn-rwx-segments

# ---- Sources -------------------------------------------------------------------
# Every .c and .S under src/ is kernel code, except *_test.c (in-kernel unit
# tests, only in the ktest image) and *_bench.c (only in the bench image).
KERNEL_SRCS := $(sort $(shell find src -name '*.c' ! -name '*_test.c' ! -name '*_bench.c') \
                      $(shell find src -name '*.S'))
KTEST_SRCS  := $(sort $(shell find src -name '*_test.c')) tests/ktest_main.c
BENCH_SRCS  := $(sort $(shell find src -name '*_bench.c')) tests/bench_main.c
TEST_KERNELS := $(sort $(basename $(notdir $(wildcard tests/kernel/*.c))))

obj = $(patsubst %,$(BUILD)/obj/%.o,$(basename $(1)))
KERNEL_OBJS := $(call obj,$(KERNEL_SRCS))
KTEST_OBJS  := $(call obj,$(KTEST_SRCS))
BENCH_OBJS  := $(call obj,$(BENCH_SRCS))

IMAGES := $(BUILD)/kernel.elf $(BUILD)/ktest.elf $(BUILD)/bench.elf \
          $(patsubst %,$(BUILD)/tests/%.elf,$(TEST_KERNELS))

.PHONY: all images deps qemu qemu-gdb gdb debug test host-test system-test ktest bench \
        clean format lint
all: $(BUILD)/kernel.elf $(BUILD)/kernel.bin

images: $(IMAGES)

# ---- User programs -------------------------------------------------------------
# user/user.mk builds every user/prog/*.c into $(BUILD)/user/NAME.elf and packs
# them all into $(USER_PROGRAMS_OBJ), which every kernel image links
# (src/proc/programs.h). It comes after `all`, which stays the default goal.
include user/user.mk
KERNEL_OBJS += $(USER_PROGRAMS_OBJ)

# The flags are part of the build: a changed LOG= or HZ= must rebuild everything.
$(BUILD)/flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CFLAGS)' | cmp -s - $@ || echo '$(CFLAGS)' > $@
FORCE:

$(BUILD)/obj/%.o: %.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.S $(BUILD)/flags
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(ASFLAGS) -c $< -o $@

$(BUILD)/ksyms_empty.S: scripts/gen_ksyms.py
	@mkdir -p $(BUILD)
	$(PYTHON) scripts/gen_ksyms.py --empty > $@

$(BUILD)/%.ksyms.o: $(BUILD)/%.ksyms.S
	$(CC) $(ASFLAGS) -c $< -o $@

# link_image NAME, OBJECTS: two passes, so the image carries its own symbol
# table for backtraces (see scripts/gen_ksyms.py).
define link_image
$(BUILD)/$(1).elf: $(2) $(BUILD)/obj/ksyms_empty.o kernel.ld scripts/gen_ksyms.py
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	$$(Q)$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $(BUILD)/$(1).pass1.elf $(2) $(BUILD)/obj/ksyms_empty.o -lgcc
	$$(Q)$$(NM) -n $(BUILD)/$(1).pass1.elf | $$(PYTHON) scripts/gen_ksyms.py kernel.ld > $(BUILD)/$(1).ksyms.S
	$$(Q)$$(CC) $$(ASFLAGS) -c $(BUILD)/$(1).ksyms.S -o $(BUILD)/$(1).ksyms.o
	$$(Q)$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $(2) $(BUILD)/$(1).ksyms.o -lgcc
endef

$(BUILD)/obj/ksyms_empty.o: $(BUILD)/ksyms_empty.S
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) -c $< -o $@

$(eval $(call link_image,kernel,$(KERNEL_OBJS)))
$(eval $(call link_image,ktest,$(KERNEL_OBJS) $(KTEST_OBJS)))
$(eval $(call link_image,bench,$(KERNEL_OBJS) $(BENCH_OBJS)))
$(foreach t,$(TEST_KERNELS),$(eval $(call link_image,tests/$(t),$(KERNEL_OBJS) $(call obj,tests/kernel/$(t).c))))

$(BUILD)/kernel.bin: $(BUILD)/kernel.elf
	$(OBJCOPY) -O binary $< $@

# ---- Running -------------------------------------------------------------------
QEMU_MACHINE = -machine virt -bios default -m $(MEM) -smp $(SMP) -nographic -no-reboot

deps:
	@sh scripts/install-deps.sh

qemu: deps $(BUILD)/kernel.elf
	$(QEMU) $(QEMU_MACHINE) -kernel $(BUILD)/kernel.elf -append "$(BOOTARGS)"

# Two terminals: `make qemu-gdb` in one, `make gdb` in the other.
qemu-gdb: deps $(BUILD)/kernel.elf
	@echo "QEMU is waiting for GDB on port $(GDBPORT): run 'make gdb' in another terminal."
	$(QEMU) $(QEMU_MACHINE) -kernel $(BUILD)/kernel.elf -append "$(BOOTARGS)" \
		-S -gdb tcp::$(GDBPORT)

GDB_ARGS = -q $(BUILD)/kernel.elf -ex 'set confirm off' -ex 'target remote :$(GDBPORT)' \
           -x scripts/gdbinit -ex 'break kmain' -ex 'continue'

gdb: $(BUILD)/kernel.elf
	$(GDB) $(GDB_ARGS)

# One terminal: QEMU in the background (its console goes to build/qemu-debug.log),
# GDB in the foreground. Quitting GDB ends QEMU.
debug: deps $(BUILD)/kernel.elf
	@echo "QEMU console output goes to $(BUILD)/qemu-debug.log"
	$(QEMU) $(QEMU_MACHINE) -kernel $(BUILD)/kernel.elf -append "$(BOOTARGS)" \
		-S -gdb tcp::$(GDBPORT) -serial file:$(BUILD)/qemu-debug.log -monitor none \
		-display none & echo $$! > $(BUILD)/qemu-debug.pid
	-$(GDB) $(GDB_ARGS)
	-kill $$(cat $(BUILD)/qemu-debug.pid) 2>/dev/null

# Under -icount, in virtual time: the cases that race an interrupt against wfi give
# the same answer on every run, however busy the host is.
ktest: deps $(BUILD)/ktest.elf
	@sh scripts/run-image.sh $(BUILD)/ktest.elf $(TIMEOUT) "ktest.filter=$(KTEST) $(BOOTARGS)" \
		$(QEMU_MACHINE) -icount shift=0,sleep=off

bench: deps $(BUILD)/bench.elf
	@$(PYTHON) scripts/bench.py $(BUILD)/bench.elf $(BUILD)/bench.json

# ---- Tests ---------------------------------------------------------------------
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer -Isrc -Iinclude -Itests/host -DHOST_TEST
HOST_TESTS :=
include tests/host/host.mk

$(BUILD)/host/%: tests/host/%.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -o $@ $< $(HOST_SRCS_$*) -lcriterion $(HOST_LIBS_$*)

host-test: $(patsubst %,$(BUILD)/host/%,$(HOST_TESTS))
	@set -e; for t in $(HOST_TESTS); do \
		echo "== host test $$t"; ASAN_OPTIONS=detect_leaks=1 $(BUILD)/host/$$t; done

system-test: deps
	$(Q)$(MAKE) --no-print-directory images
	BUILD=$(BUILD) $(PYTHON) -m pytest -o cache_dir=$(BUILD)/.pytest_cache

# The installer runs first (a recursive make keeps that order under -j); then
# the images, the host tests, and pytest, whose summary is the last line.
test: deps
	$(Q)$(MAKE) --no-print-directory images host-test
	BUILD=$(BUILD) $(PYTHON) -m pytest -o cache_dir=$(BUILD)/.pytest_cache

# ---- Housekeeping --------------------------------------------------------------
FORMAT_FILES = $(shell find src include tests user -name '*.[ch]' 2>/dev/null)
# Walking a linker section compares two symbols' addresses (start <= p < end),
# which cppcheck takes for pointers into different objects.
CPPCHECK_SUPPRESS = --suppress=comparePointers

format:
	clang-format -i $(FORMAT_FILES)

lint:
	$(PYTHON) scripts/check_layers.py
	clang-format --dry-run --Werror $(FORMAT_FILES)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--suppress=missingIncludeSystem $(CPPCHECK_SUPPRESS) -U__ASSEMBLER__ -D__CPPCHECK__ -Isrc -Iinclude $(shell find src -name '*.c')

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
