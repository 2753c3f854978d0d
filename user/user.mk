# user.mk: the user programs, included from the root Makefile.
#
# Every user/prog/NAME.c becomes $(BUILD)/user/NAME.elf: crt0, the program,
# and the user library (user/lib, an archive). Then every ELF is packed into
# the kernel image: $(BUILD)/user/programs.S .incbin's each file into .rodata
# with a table of names (src/exec/user_program.h), and its object joins every
# kernel image. To add a program, add one file to user/prog/ and rebuild.
#
# Outputs:
#   USER_PROGS          the program names (sorted)
#   USER_ELFS           $(BUILD)/user/NAME.elf for each (with debugging information)
#   USER_PACKED_ELFS    $(BUILD)/user/packed/NAME.elf: the same, stripped, as packed
#   USER_PROGRAMS_OBJ   the packed table, to link into the kernel

USER_PROGS := $(sort $(basename $(notdir $(wildcard user/prog/*.c))))
USER_ELFS  := $(patsubst %,$(BUILD)/user/%.elf,$(USER_PROGS))
USER_PACKED_ELFS := $(patsubst %,$(BUILD)/user/packed/%.elf,$(USER_PROGS))
USER_PROGRAMS_OBJ := $(BUILD)/user/programs.o

# Freestanding: no newlib. -nostdinc keeps the cross compiler's C library
# headers out, and -isystem brings back only the compiler's own (stddef.h,
# stdint.h, stdarg.h, stdbool.h). Every other header comes from user/include,
# or from what the kernel shares with user space: the ABI (include/abi/) and
# the string functions and printf engine (src/lib/string.c, src/lib/format.c,
# compiled into the library below). scripts/check_layers.py makes sure user
# code includes nothing else of the kernel.
# The compiler is asked where its headers are only when a recipe first needs
# them (then remembered), because on a fresh machine `make qemu` installs the
# compiler after this file is read.
USER_GCC_INCLUDE = $(eval USER_GCC_INCLUDE := $$(shell $$(CC) -print-file-name=include))$(USER_GCC_INCLUDE)
USER_CFLAGS = -march=rv64gc -mabi=lp64d -mcmodel=medany -ffreestanding -nostdlib -nostdinc \
               -isystem $(USER_GCC_INCLUDE) -Iuser/include -Isrc -Iinclude \
               -fno-stack-protector -fno-pie -fno-omit-frame-pointer \
               -fno-tree-loop-distribute-patterns -ffunction-sections -fdata-sections \
               -std=gnu11 -O2 -g -Wall -Wextra -Werror -MMD -MP
USER_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,user/user.ld -Wl,--gc-sections \
                -Wl,-z,max-page-size=4096

USER_LIB_SRCS := $(sort $(wildcard user/lib/*.c) $(filter-out user/lib/crt0.S,$(wildcard user/lib/*.S)))
# One copy of what both sides need: the kernel's own string functions and printf engine.
USER_SHARED_SRCS := src/lib/string.c src/lib/format.c
USER_LIB_OBJS := $(patsubst user/%,$(BUILD)/user/obj/%.o,$(basename $(USER_LIB_SRCS))) \
                 $(patsubst src/lib/%,$(BUILD)/user/obj/shared/%.o,$(basename $(USER_SHARED_SRCS)))
USER_CRT0     := $(BUILD)/user/obj/lib/crt0.o
USER_LIBC     := $(BUILD)/user/libc.a

# As with $(BUILD)/flags: changed flags rebuild every user object.
$(BUILD)/user/flags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(USER_CFLAGS)' | cmp -s - $@ || echo '$(USER_CFLAGS)' > $@

$(BUILD)/user/obj/%.o: user/%.c $(BUILD)/user/flags
	@mkdir -p $(dir $@)
	@echo "  UCC     $<"
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@

$(BUILD)/user/obj/shared/%.o: src/lib/%.c $(BUILD)/user/flags
	@mkdir -p $(dir $@)
	@echo "  UCC     $<"
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@

$(BUILD)/user/obj/%.o: user/%.S $(BUILD)/user/flags
	@mkdir -p $(dir $@)
	@echo "  UAS     $<"
	$(Q)$(CC) $(USER_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(USER_LIBC): $(USER_LIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(CROSS)ar rcs $@ $^

# A program: crt0 first, its own objects, then the library for what they use.
$(BUILD)/user/%.elf: $(BUILD)/user/obj/prog/%.o $(USER_CRT0) $(USER_LIBC) user/user.ld
	@echo "  ULD     $@"
	$(Q)$(CC) $(USER_CFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $(filter-out $(USER_CRT0),$(filter %.o,$^)) \
		$(USER_LIBC) -lgcc

# The shell lists the programs (its `help`), from the same list the kernel's table is made of.
$(BUILD)/user/program_names.c: FORCE
	@mkdir -p $(dir $@)
	@sh user/pack_programs.sh names $(USER_PROGS) | cmp -s - $@ || \
		sh user/pack_programs.sh names $(USER_PROGS) > $@
$(BUILD)/user/obj/program_names.o: $(BUILD)/user/program_names.c $(BUILD)/user/flags
	@mkdir -p $(dir $@)
	@echo "  UCC     $<"
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@
$(BUILD)/user/sh.elf: $(BUILD)/user/obj/program_names.o

# The kernel carries each program without its debugging sections: they are
# most of the file, and only the loader reads the packed copy. GDB reads
# the full $(BUILD)/user/NAME.elf.
$(BUILD)/user/packed/%.elf: $(BUILD)/user/%.elf
	@mkdir -p $(dir $@)
	$(Q)$(OBJCOPY) --strip-debug $< $@

# The table for the kernel. It is rewritten only when the list of programs
# changes; the object is rebuilt whenever any ELF it .incbin's changes.
$(BUILD)/user/programs.S: FORCE
	@mkdir -p $(dir $@)
	@sh user/pack_programs.sh table $(BUILD)/user/packed $(USER_PROGS) | cmp -s - $@ || \
		sh user/pack_programs.sh table $(BUILD)/user/packed $(USER_PROGS) > $@
$(USER_PROGRAMS_OBJ): $(BUILD)/user/programs.S $(USER_PACKED_ELFS) $(BUILD)/flags
	@echo "  PACK    $@ ($(words $(USER_PROGS)) programs)"
	$(Q)$(CC) $(ASFLAGS) -c $< -o $@

.PHONY: user
user: $(USER_ELFS)

# Keep the objects: make would otherwise delete the intermediate ones.
.SECONDARY: $(patsubst %,$(BUILD)/user/obj/prog/%.o,$(USER_PROGS)) $(USER_CRT0) \
            $(patsubst %,$(BUILD)/user/packed/%.elf,$(USER_PROGS))
