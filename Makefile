# Makefile for the RISC-V Sv39 teaching kernel.
#
#   make qemu     boot the kernel in QEMU (-nographic; leave with Ctrl-A then X)
#   make test     every test layer: host unit tests, then the system tests (pytest)
#   make debug    QEMU waiting for GDB, and GDB attached, stopped at kmain
#   make ktest    the in-kernel unit tests (KTEST='format*' picks a subset)
#   make bench    instruction counts under qemu -icount, into build/bench.json
#   make fuzz     the system-call fuzzer's long round (FUZZ_CALLS=1000000 FUZZ_SEED=n)
#
# Options: MEM=128M SMP=1 LOG=INFO HZ=100 OPT=-O2 BOOTARGS="..." COLOR=1 HEAP=buddy
#          SCHED=fifo|stride SLICE=2 LOCKDEP=1 FS_SIZE=32M EXTRA=dir (files to add to the disk)

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
# -D__KERNEL__: src/lib/ is compiled for the user library too; this tells its
# two builds apart where they must differ.
# -march=rv64imac -mabi=lp64: the kernel has no F or D, so no C code of its own can
# touch an FP register (a float would become a libgcc soft-float call); only
# src/proc/fp.S saves and loads the user's FP registers (docs/threads.md).
CFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -ffreestanding -nostdlib \
          -fno-builtin -fno-stack-protector -fno-pie \
          -fno-omit-frame-pointer -fno-optimize-sibling-calls \
          -fno-tree-loop-distribute-patterns \
          -std=gnu11 $(OPT) -g -Wall -Wextra -Wno-unused-parameter -Werror -MMD -MP -Isrc -Iinclude \
          -D__KERNEL__ -DHZ=$(HZ) -DCONSOLE_COLOR=$(COLOR) \
          -DHEAP_DESIGN=\"$(HEAP)\" -DSCHED_POLICY=sched_policy_$(SCHED) -DSCHED_SLICE_TICKS=$(SLICE) \
          $(if $(filter 1,$(LOCKDEP)),-DLOCKDEP=1)
ASFLAGS := $(CFLAGS) -D__ASSEMBLER__
# At the link, the plain -march=rv64imac picks libgcc's rv64imac/lp64 copy (GCC 12
# matches multilibs by name, and the _zicsr_zifencei spelling matches none).
LDFLAGS := -nostdlib -static -no-pie -Wl,--gc-sections -Wl,-T,kernel.ld -Wl,--no-warn-rwx-segments \
           -march=rv64imac

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

.PHONY: all images image deps qemu qemu-gdb gdb debug test host-test system-test ktest bench fuzz \
        clean format lint
all: $(BUILD)/kernel.elf $(BUILD)/kernel.bin $(BUILD)/fs.img

images: $(IMAGES) $(BUILD)/fs.img

# ---- User programs -------------------------------------------------------------
# user/user.mk builds every user/prog/*.c into $(BUILD)/user/NAME.elf and packs
# them all into $(USER_PROGRAMS_OBJ), which the test images link (ktest, bench,
# tests/kernel/*; src/exec/user_program.h). The kernel proper links no table:
# its programs are files in /bin on the disk. It comes after `all`, which stays
# the default goal.
include user/user.mk

# tests/linux: unmodified static Linux programs (Tier 0) and BusyBox (Tier 1).
include tests/linux/linux.mk

# ---- The disk ------------------------------------------------------------------
# $(BUILD)/fs.img: ext2, made by mke2fs -d from a staging folder ($(BUILD)/fsroot)
# with every program in /bin, /home, /tmp, /etc/motd and the device files in
# /dev (scripts/mkfs_image.sh). `make image EXTRA=dir` adds dir's files on top.
# It is made again whenever a program changes: keep your own files in EXTRA.
FS_SIZE ?= 32M
EXTRA   ?=
$(BUILD)/fs.img: $(USER_PACKED_ELFS) scripts/mkfs_image.sh $(if $(EXTRA),FORCE)
	@echo "  MKE2FS  $@ ($(FS_SIZE)$(if $(EXTRA), + $(EXTRA)))"
	$(Q)sh scripts/mkfs_image.sh $@ $(FS_SIZE) $(BUILD)/fsroot $(BUILD)/user/packed $(EXTRA)
image: $(BUILD)/fs.img

# ---- BusyBox: make busybox, make qemu LINUX=1 (docs/linux-abi.md) ------------------
# `make busybox` builds a static BusyBox 1.35 from Debian's source package, once:
# scripts/busybox-build.sh caches it outside the tree (~/.cache/rvkernel; the first
# build takes one to two minutes, then it is instant) and it is copied to
# $(BUILD)/linux/busybox (through a rename: parallel test workers may both ask). LINUX=1 boots a disk of its own, $(BUILD)/fs-linux.img:
# the daily disk plus /bin/busybox and a link in /bin for every applet (over the
# kernel's own programs of the same name), with BusyBox's ash as init.
LINUX ?= 0
BUSYBOX := $(BUILD)/linux/busybox
.PHONY: busybox
busybox: deps $(BUSYBOX)
$(BUSYBOX): tests/linux/busybox.config scripts/busybox-build.sh
	$(Q)mkdir -p $(BUILD)/linux
	$(Q)bin=$$(sh scripts/busybox-build.sh) && test -x "$$bin" && cp "$$bin" $@.$$$$ && mv $@.$$$$ $@

# The applets' links, from the binary itself (run under qemu-riscv64).
# /bin/linux_hello and /tests/busybox_script.sh are make bench's (src/exec/linux_bench.c).
$(BUILD)/linux-root/.stamp: $(BUSYBOX) $(BUILD)/linux/hello tests/linux/busybox_script.sh
	$(Q)rm -rf $(BUILD)/linux-root && mkdir -p $(BUILD)/linux-root/bin $(BUILD)/linux-root/tests
	$(Q)cp $(BUSYBOX) $(BUILD)/linux-root/bin/busybox
	$(Q)cp $(BUILD)/linux/hello $(BUILD)/linux-root/bin/linux_hello
	$(Q)cp tests/linux/busybox_script.sh $(BUILD)/linux-root/tests/
	$(Q)for applet in $$(qemu-riscv64 $(BUSYBOX) --list); do \
		[ "$$applet" = busybox ] || ln -s busybox $(BUILD)/linux-root/bin/$$applet; done
	$(Q)touch $@

$(BUILD)/fs-linux.img: $(USER_PACKED_ELFS) scripts/mkfs_image.sh $(BUILD)/linux-root/.stamp
	@echo "  MKE2FS  $@ ($(FS_SIZE) + BusyBox)"
	$(Q)sh scripts/mkfs_image.sh $@ $(FS_SIZE) $(BUILD)/fsroot-linux $(BUILD)/user/packed \
		$(BUILD)/linux-root

ifeq ($(LINUX),1)
QEMU_IMAGE := $(BUILD)/fs-linux.img
LINUX_BOOTARGS := init=/bin/busybox init.args=ash
else
QEMU_IMAGE := $(BUILD)/fs.img
LINUX_BOOTARGS :=
endif

# The disk on virtio-mmio, with the modern interface (QEMU 7.2 defaults to legacy).
QEMU_DISK = -drive file=$(QEMU_IMAGE),if=none,format=raw,id=hd0 \
            -device virtio-blk-device,drive=hd0 -global virtio-mmio.force-legacy=false
# Debugging sessions see it as a snapshot: their writes go to a throwaway overlay, so
# a kernel stopped half way through a write cannot damage the daily disk (and the
# image is not locked for writing while other runs read it).
QEMU_DEBUG_DISK = -drive file=$(BUILD)/fs.img,if=none,format=raw,id=hd0,snapshot=on \
                  -device virtio-blk-device,drive=hd0 -global virtio-mmio.force-legacy=false

# The flags are part of the build: a changed HZ= or OPT= must rebuild everything.
$(BUILD)/flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CFLAGS)' | cmp -s - $@ || echo '$(CFLAGS)' > $@
FORCE:

# LOG= is the log level built in; loglevel= at boot overrides it. Only
# console.c sees it, so changing it rebuilds that one file.
ifeq ($(filter $(LOG),ERROR WARN INFO DEBUG TRACE),)
$(error LOG=$(LOG) is not a log level: use ERROR, WARN, INFO, DEBUG or TRACE)
endif
$(BUILD)/log_flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(LOG)' | cmp -s - $@ || echo '$(LOG)' > $@
$(BUILD)/obj/src/console/console.o: CFLAGS += -DLOG_LEVEL_DEFAULT=LOG_LEVEL_$(LOG)
$(BUILD)/obj/src/console/console.o: $(BUILD)/log_flags

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

$(BUILD)/obj/ksyms_empty.o: $(BUILD)/ksyms_empty.S $(BUILD)/flags
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) -c $< -o $@

$(eval $(call link_image,kernel,$(KERNEL_OBJS)))
$(eval $(call link_image,ktest,$(KERNEL_OBJS) $(USER_PROGRAMS_OBJ) $(KTEST_OBJS)))
$(eval $(call link_image,bench,$(KERNEL_OBJS) $(USER_PROGRAMS_OBJ) $(BENCH_OBJS)))
$(foreach t,$(TEST_KERNELS),$(eval $(call link_image,tests/$(t),$(KERNEL_OBJS) $(USER_PROGRAMS_OBJ) $(call obj,tests/kernel/$(t).c))))

$(BUILD)/kernel.bin: $(BUILD)/kernel.elf
	$(OBJCOPY) -O binary $< $@

# ---- Running -------------------------------------------------------------------
QEMU_MACHINE = -machine virt -bios default -m $(MEM) -smp $(SMP) -nographic -no-reboot

deps:
	@sh scripts/install-deps.sh

# The kernel's power-off status is its own business: "kernel exited with status N",
# and make goes on. QEMU killed, stopped by a signal or failing is still an error.
qemu: deps $(BUILD)/kernel.elf $(QEMU_IMAGE)
	$(Q)$(PYTHON) scripts/run_image.py --guest-status $(BUILD)/kernel.elf 0 "$(LINUX_BOOTARGS) $(BOOTARGS)" \
		$(QEMU_MACHINE) $(QEMU_DISK)

# ---- Debugging (docs/debugging.md) -------------------------------------------------
# make debug, qemu-gdb and gdb share a build of their own at -Og: the code as
# written, so GDB shows the variables of the trap, syscall and scheduler paths.
DEBUG_BUILD ?= $(BUILD)/debug
DEBUG_OPT   ?= -Og
DEBUG_ELF   := $(DEBUG_BUILD)/kernel.elf
# make debug's console: a socket to type into (make console) and a log of all it printed.
DEBUG_CONSOLE = $(DEBUG_BUILD)/console-$(GDBPORT)

.PHONY: debug-image console
debug-image: deps
	$(Q)$(MAKE) --no-print-directory BUILD=$(DEBUG_BUILD) OPT=$(DEBUG_OPT) $(DEBUG_ELF)

# Two terminals: `make qemu-gdb` in one (the console is there), `make gdb` in the other.
# Under a debugger a panic parks the hart (panic=halt) instead of ending QEMU.
qemu-gdb: debug-image $(BUILD)/fs.img
	@echo "QEMU is waiting for GDB on port $(GDBPORT): run 'make gdb' in another terminal."
	$(QEMU) $(QEMU_MACHINE) $(QEMU_DEBUG_DISK) -kernel $(DEBUG_ELF) -append "panic=halt $(BOOTARGS)" \
		-S -gdb tcp:127.0.0.1:$(GDBPORT)

GDB_ARGS = -q $(DEBUG_ELF) -x scripts/gdbinit -ex 'kernel-connect :$(GDBPORT)' \
           -ex 'break kmain' -ex 'continue'

gdb: debug-image
	$(GDB) $(GDB_ARGS)

# One terminal: QEMU in the background, GDB in front (scripts/debug.py keeps
# Ctrl-C away from QEMU and ends QEMU with GDB). The console goes to a socket,
# which `make console` in another terminal attaches to, and to a log.
debug: debug-image $(BUILD)/fs.img
	@echo "debug: console log $(DEBUG_CONSOLE).log; type into it with 'make console GDBPORT=$(GDBPORT)'"
	$(Q)$(PYTHON) scripts/debug.py --pid-dir $(DEBUG_CONSOLE).run -- \
		$(QEMU) $(QEMU_MACHINE) $(QEMU_DEBUG_DISK) -kernel $(DEBUG_ELF) -append "panic=halt $(BOOTARGS)" \
		-S -gdb tcp:127.0.0.1:$(GDBPORT) -display none -monitor none \
		-chardev socket,id=console,path=$(DEBUG_CONSOLE).sock,server=on,wait=off,logfile=$(DEBUG_CONSOLE).log \
		-serial chardev:console \
		--gdb-- $(GDB) $(GDB_ARGS)

console:
	$(Q)$(PYTHON) scripts/console.py $(DEBUG_CONSOLE).sock

# Under -icount, in virtual time: the cases that race an interrupt against wfi give
# the same answer on every run, however busy the host is.
ktest: deps $(BUILD)/ktest.elf
	@sh scripts/run-image.sh $(BUILD)/ktest.elf $(TIMEOUT) "ktest.filter=$(KTEST) $(BOOTARGS)" \
		$(QEMU_MACHINE) -icount shift=0,sleep=off

# The scheduler's timeline (docs/debugging.md): boot a workload with timeline=1,
# then turn the TIMELINE block it prints at the end into build/timeline.json
# (Perfetto, chrome://tracing) and build/timeline.svg. TIMELINE_BOOTARGS picks the workload.
TIMELINE_BOOTARGS ?= mode=threads
.PHONY: timeline
timeline: deps $(BUILD)/kernel.elf
	@echo "timeline: booting with 'timeline=1 $(TIMELINE_BOOTARGS)', console in $(BUILD)/timeline.log"
	$(Q)sh scripts/run-image.sh $(BUILD)/kernel.elf $(TIMEOUT) "timeline=1 $(TIMELINE_BOOTARGS)" \
		$(QEMU_MACHINE) < /dev/null > $(BUILD)/timeline.log; \
		status=$$?; [ $$status -eq 0 ] || echo "timeline: the run ended with status $$status"
	$(Q)$(PYTHON) scripts/timeline.py $(BUILD)/timeline.log --json $(BUILD)/timeline.json \
		--svg $(BUILD)/timeline.svg --title "timeline: $(TIMELINE_BOOTARGS)"

# The system-call fuzzer's long round (user/prog/fuzz.c, docs/testing.md): FUZZ_CALLS
# calls in restarted children, FUZZ_SEED to replay a run (0: a new seed, printed first).
FUZZ_CALLS ?= 1000000
FUZZ_SEED  ?= 0
fuzz: deps $(BUILD)/kernel.elf $(BUILD)/fs.img
	$(Q)cp $(BUILD)/fs.img $(BUILD)/fuzz-fs.img
	$(Q)$(PYTHON) scripts/run_image.py --guest-status $(BUILD)/kernel.elf 0 \
		"init=fuzz init.args=$(FUZZ_CALLS),$(FUZZ_SEED) $(BOOTARGS)" $(QEMU_MACHINE) \
		-drive file=$(BUILD)/fuzz-fs.img,if=none,format=raw,id=hd0 \
		-device virtio-blk-device,drive=hd0 -global virtio-mmio.force-legacy=false

# The disk is fs-linux.img (fs.img plus BusyBox): linux_bench.c runs Linux programs from it.
bench: deps $(BUILD)/bench.elf $(BUILD)/fs-linux.img
	@$(PYTHON) scripts/bench.py $(BUILD)/bench.elf $(BUILD)/bench.json --disk $(BUILD)/fs-linux.img

# ---- Tests ---------------------------------------------------------------------
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer -Isrc -Iinclude -Itests/host -DHOST_TEST
HOST_TESTS :=
include tests/host/host.mk
# The generated trees and the damaged images (host.mk makes them) are the
# file-system system tests' disks too (tests/system/test_files.py).
images: $(FS_IMAGES) $(FS_CORRUPT_STAMP)

$(BUILD)/host/%: tests/host/%.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)rm -f $@   # a test that fails to build must not leave an old one to run
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -o $@ $< $(HOST_SRCS_$*) -lcriterion $(HOST_LIBS_$*)

# Every host test runs, even after one fails or does not build; then the status says so.
# Each program is built and run as soon as it can be, beside the others (make -j): its
# verdict goes to $(BUILD)/host/ran/NAME, and its output comes out as one block (-Otarget).
.PHONY: host-py-test
host-test:
	$(Q)rm -rf $(BUILD)/host/ran
	-$(Q)$(MAKE) --no-print-directory -k -Otarget $(patsubst %,$(BUILD)/host/ran/%,$(HOST_TESTS))
	$(Q)failed=""; for t in $(HOST_TESTS); do \
		if [ ! -f $(BUILD)/host/ran/$$t ]; then \
			echo "== host test $$t: NOT BUILT"; failed="$$failed $$t"; \
		elif [ "$$(cat $(BUILD)/host/ran/$$t)" != pass ]; then failed="$$failed $$t"; fi; \
	done; \
	if [ -n "$$failed" ]; then echo "host tests failed:$$failed"; exit 1; fi

$(BUILD)/host/ran/%: $(BUILD)/host/% FORCE
	@mkdir -p $(dir $@)
	@echo "== host test $*"
	$(Q)if ASAN_OPTIONS=detect_leaks=1 $<; then echo pass > $@; else echo fail > $@; fi

# pytest: the host-side tools' tests (tests/host-py) and the system tests.
PYTEST = BUILD=$(BUILD) $(PYTHON) -m pytest
# System tests in parallel (pytest-xdist); --dist loadgroup is in pytest.ini.
SYSTEM_TEST_WORKERS ?= auto

host-py-test:
	$(PYTEST) -o cache_dir=$(BUILD)/.pytest_cache/host-py tests/host-py

# The kernel and ktest images again with SCHED=stride, in their own directory
# (tests/system/test_threads.py builds them the same way if they are missing).
.PHONY: stride-images
stride-images: deps
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/stride SCHED=stride \
		$(BUILD)/stride/kernel.elf $(BUILD)/stride/ktest.elf

# Every system test (make test leaves out the ones marked slow). SYSTEM_TEST_MARK picks
# by marker: SYSTEM_TEST_MARK=slow runs only those, as CI does after make test.
SYSTEM_TEST_MARK ?=
system-test: deps
	$(Q)$(MAKE) --no-print-directory images debug-image stride-images
	$(PYTEST) -o cache_dir=$(BUILD)/.pytest_cache -n $(SYSTEM_TEST_WORKERS) \
		$(if $(SYSTEM_TEST_MARK),-m "$(SYSTEM_TEST_MARK)") tests/system

# make test: every layer runs, whatever another does; then one line per layer
# and a nonzero status if any failed. The images build first (TEST_JOBS jobs),
# beside the tools' tests; then the system tests and the host tests run side
# by side. Each layer's output comes as one block (-Orecurse); all of it is in
# $(BUILD)/test-results/LAYER.log too.
TEST_RESULTS = $(BUILD)/test-results
TEST_LAYERS  = images host host-py system
TEST_JOBS   ?= 2
TEST_LAYER   = $(PYTHON) scripts/test_layer.py run
.PHONY: test-layers $(addprefix test-,$(TEST_LAYERS))

test: deps
	$(Q)rm -rf $(TEST_RESULTS)
	@echo "make test: layers $(TEST_LAYERS); each one's output shows when it ends"
	-$(Q)$(MAKE) --no-print-directory -j$(TEST_JOBS) -Orecurse test-layers
	$(Q)$(PYTHON) scripts/test_layer.py summary $(TEST_RESULTS) $(TEST_LAYERS)

test-layers: $(addprefix test-,$(TEST_LAYERS))

# After the images, beside the system tests: those wait on QEMU often, and the
# host tests' compiles fill the gaps, while the images get both jobs first.
# Its own TEST_JOBS: the system tests' pytest holds a job slot but compiles nothing.
test-host: test-images
	$(Q)$(TEST_LAYER) host $(TEST_RESULTS) -- $(MAKE) --no-print-directory -j$(TEST_JOBS) host-test

test-host-py:
	$(Q)$(TEST_LAYER) host-py $(TEST_RESULTS) -- env BUILD=$(BUILD) $(PYTHON) -m pytest \
		-o cache_dir=$(BUILD)/.pytest_cache/host-py tests/host-py

# (The stride images are built by their test's fixture, beside the other system tests.)
test-images:
	$(Q)$(TEST_LAYER) images $(TEST_RESULTS) -- $(MAKE) --no-print-directory -k images debug-image

# The system tests not marked slow (pytest.ini): the whole of them fits make test's
# budget of 120 s from a clean tree on two cores; CI runs the slow ones after it.
# Three workers on two cores: each waits on its QEMU often enough that a third keeps the
# cores busy (from a clean clone on two idle cores: 103 s in all, against 116 s with two).
TEST_SYSTEM_WORKERS ?= 3
test-system: test-images
	$(Q)$(TEST_LAYER) system $(TEST_RESULTS) -- env BUILD=$(BUILD) $(PYTHON) -m pytest \
		-o cache_dir=$(BUILD)/.pytest_cache -n $(TEST_SYSTEM_WORKERS) --durations=10 \
		-m "not slow" tests/system

# ---- The course: handouts, grading, lab-check, mutations ------------------------
# All of it is scripts/lab.py; docs/labs/instructors.md explains it.
#   make handout LAB=n OUT=dir     a student's tree for lab n (a git repository, one commit)
#   make grade [LAB=n] [T=glob] [JSON=results.json]
#                                  score the lab: one line per test, "Score: X/Y" last
#   make autograder LAB=n          $(BUILD)/autograder-labn.zip for Gradescope
#   make handin                    (in a handout) zip your files and your diff
#   make lab-check [LAB=n]         prove every lab sound (CI runs it after make test)
#   make mutate [ONLY=glob]        run the mutation catalogue, print the score and survivors
LAB  ?=
OUT  ?=
T    ?=
JSON ?=
ONLY ?=

.PHONY: handout grade autograder handin lab-check mutate

handout:
	@test -n "$(LAB)" -a -n "$(OUT)" || (echo "usage: make handout LAB=n OUT=dir" && false)
	$(PYTHON) scripts/lab.py handout --lab $(LAB) --out $(OUT)

grade:
	@$(PYTHON) scripts/lab.py grade --lab "$(LAB)" --tests "$(T)" --json "$(JSON)" --build $(BUILD)

autograder:
	@test -n "$(LAB)" || (echo "usage: make autograder LAB=n" && false)
	$(PYTHON) scripts/lab.py autograder --lab $(LAB) --out $(BUILD)/autograder-lab$(LAB).zip

handin:
	@$(PYTHON) scripts/lab.py handin

lab-check:
	@$(PYTHON) scripts/lab.py check --lab "$(LAB)"

mutate:
	@$(PYTHON) scripts/lab.py mutate --only "$(ONLY)"

# ---- Housekeeping --------------------------------------------------------------
FORMAT_FILES = $(shell find src include tests user -name '*.[ch]' 2>/dev/null)
# Walking a linker section compares two symbols' addresses (start <= p < end),
# which cppcheck takes for pointers into different objects.
CPPCHECK_SUPPRESS = --suppress=comparePointers

format:
	clang-format -i $(FORMAT_FILES)

lint:
	$(Q)$(PYTHON) scripts/check_layers.py
	@echo "  FORMAT  $(words $(FORMAT_FILES)) files (clang-format --dry-run)"
	$(Q)clang-format --dry-run --Werror $(FORMAT_FILES)
	@echo "  CPPCHECK src/"
	$(Q)cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--suppress=missingIncludeSystem $(CPPCHECK_SUPPRESS) -U__ASSEMBLER__ -D__CPPCHECK__ -Isrc -Iinclude $(shell find src -name '*.c')

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
