/*
 * ext2_format.h: the ext2 (revision 1) structures exactly as they lie on the
 * disk, with the constants that give their fields meaning. No code: the rest
 * of src/fs/ext2*.c reads and writes these. docs/ext2.md draws the layout.
 *
 * ext2 stores every field little-endian, which is also the byte order of
 * RISC-V and of the x86-64 host that runs the tests, so the structures are
 * read in place. A big-endian port would convert each field here.
 */
#ifndef FS_EXT2_FORMAT_H
#define FS_EXT2_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define EXT2_SUPER_MAGIC 0xEF53
#define EXT2_SUPERBLOCK_OFFSET                                                                     \
    1024 /* bytes from the start of the disk, whatever the block size                              \
          */
#define EXT2_SUPERBLOCK_SIZE     1024
#define EXT2_DYNAMIC_REV         1  /* revision 1: variable inode size, feature flags */
#define EXT2_ROOT_INO            2  /* inode 1 lists bad blocks; 2 is "/" */
#define EXT2_GOOD_OLD_FIRST_INO  11 /* inodes below s_first_ino are reserved (2 excepted) */
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_NAME_MAX            255
#define EXT2_LINK_MAX            32000 /* Linux's limit on i_links_count */
#define EXT2_MIN_BLOCK_SIZE      1024
#define EXT2_MAX_BLOCK_SIZE      4096 /* the largest this kernel mounts (the format allows 64 KiB) */

/* s_state */
#define EXT2_VALID_FS 0x0001 /* cleanly unmounted */
#define EXT2_ERROR_FS 0x0002 /* errors were detected */

/* Feature flags: "compat" may be ignored, "ro_compat" may be read but not written, "incompat" may
 * not be mounted. */
#define EXT2_FEATURE_COMPAT_DIR_INDEX 0x0020 /* hashed directories (htree) */
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER                                                        \
    0x0001 /* superblock backups only in groups 0, 1, 3^n, 5^n, 7^n */
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE                                                          \
    0x0002 /* i_size_high holds the top 32 bits of a file's size */
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002 /* directory entries carry the file type */

/* What this implementation understands; anything else is refused or forces read-only. */
#define EXT2_SUPPORTED_INCOMPAT EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_SUPPORTED_RO_COMPAT                                                                   \
    (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

/* The superblock: 1024 bytes at byte 1024. Only the fields this code uses are named. */
struct ext2_superblock {
    uint32_t s_inodes_count;
    uint32_t s_blocks_count;
    uint32_t s_r_blocks_count; /* reserved for the superuser */
    uint32_t s_free_blocks_count;
    uint32_t s_free_inodes_count;
    uint32_t s_first_data_block; /* the block holding the superblock: 1 for 1 KiB blocks, else 0 */
    uint32_t s_log_block_size;   /* block size = 1024 << s_log_block_size */
    uint32_t s_log_frag_size;    /* fragments were never implemented: equal to the block size */
    uint32_t s_blocks_per_group;
    uint32_t s_frags_per_group;
    uint32_t s_inodes_per_group;
    uint32_t s_mtime; /* last mount, seconds since 1970 */
    uint32_t s_wtime; /* last write */
    uint16_t s_mnt_count;
    int16_t s_max_mnt_count;
    uint16_t s_magic;
    uint16_t s_state;
    uint16_t s_errors;
    uint16_t s_minor_rev_level;
    uint32_t s_lastcheck;
    uint32_t s_checkinterval;
    uint32_t s_creator_os;
    uint32_t s_rev_level;
    uint16_t s_def_resuid;
    uint16_t s_def_resgid;
    /* Revision 1 only from here. */
    uint32_t s_first_ino; /* the first inode a file may use */
    uint16_t s_inode_size;
    uint16_t s_block_group_nr; /* the group this copy of the superblock is in */
    uint32_t s_feature_compat;
    uint32_t s_feature_incompat;
    uint32_t s_feature_ro_compat;
    uint8_t s_uuid[16];
    char s_volume_name[16];
    char s_last_mounted[64];
    uint32_t s_algorithm_usage_bitmap;
    uint8_t s_prealloc_blocks;
    uint8_t s_prealloc_dir_blocks;
    uint16_t s_reserved_gdt_blocks; /* blocks after the descriptor table kept for online resize */
    uint8_t s_unused_journal_and_hash[128]; /* journal, hash seed, mount options, mkfs time */
    uint32_t s_blocks_count_hi;             /* 64bit feature only */
    uint32_t s_r_blocks_count_hi;
    uint32_t s_free_blocks_hi;
    uint16_t s_min_extra_isize; /* every inode's i_extra_isize is at least this */
    uint16_t s_want_extra_isize;
    uint8_t s_rest[672];
};

/* One per block group, in the table that follows the superblock. */
struct ext2_group_desc {
    uint32_t bg_block_bitmap; /* block number of the group's block bitmap */
    uint32_t bg_inode_bitmap;
    uint32_t bg_inode_table; /* first block of the group's inode table */
    uint16_t bg_free_blocks_count;
    uint16_t bg_free_inodes_count;
    uint16_t bg_used_dirs_count;
    uint16_t bg_flags; /* ext4's uninit flags; 0 on ext2 */
    uint32_t bg_reserved[3];
};

/* i_block[]: 12 direct block numbers, then one single, one double and one triple indirect. */
#define EXT2_NDIR_BLOCKS      12
#define EXT2_IND_BLOCK        12
#define EXT2_DIND_BLOCK       13
#define EXT2_TIND_BLOCK       14
#define EXT2_N_BLOCKS         15
#define EXT2_FAST_SYMLINK_MAX 59 /* a target up to this long is stored in i_block itself */

/* i_mode: the file type in the top four bits (the values Linux uses), permissions below. */
#define EXT2_S_IFMT   0xF000
#define EXT2_S_IFSOCK 0xC000
#define EXT2_S_IFLNK  0xA000
#define EXT2_S_IFREG  0x8000
#define EXT2_S_IFBLK  0x6000
#define EXT2_S_IFDIR  0x4000
#define EXT2_S_IFCHR  0x2000
#define EXT2_S_IFIFO  0x1000

/* i_flags */
#define EXT2_INDEX_FL                                                                              \
    0x00001000 /* the directory has an htree index (a linear writer clears it)                     \
                */

/*
 * An inode: 128 bytes, then (when s_inode_size is larger) i_extra_isize more
 * that this code keeps and zeroes for a new inode. Whatever follows those
 * (in-inode extended attributes) is left untouched on disk.
 */
struct ext2_disk_inode {
    uint16_t i_mode;
    uint16_t i_uid;
    uint32_t i_size; /* low 32 bits of the size */
    uint32_t i_atime;
    uint32_t i_ctime;
    uint32_t i_mtime;
    uint32_t i_dtime; /* deletion time; 0 while the inode is in use */
    uint16_t i_gid;
    uint16_t i_links_count;
    uint32_t i_blocks; /* 512-byte units held: data, indirect and extended-attribute blocks */
    uint32_t i_flags;
    uint32_t i_osd1;
    uint32_t i_block[EXT2_N_BLOCKS];
    uint32_t i_generation;
    uint32_t i_file_acl;  /* block of extended attributes, or 0 */
    uint32_t i_size_high; /* high 32 bits of a regular file's size (large_file) */
    uint32_t i_faddr;
    uint16_t i_blocks_hi; /* huge_file only */
    uint16_t i_file_acl_high;
    uint16_t i_uid_high;
    uint16_t i_gid_high;
    uint16_t i_checksum_lo;
    uint16_t i_reserved;
    /* The large-inode part (s_inode_size > 128). */
    uint16_t i_extra_isize; /* bytes used from here on */
    uint16_t i_checksum_hi;
    uint32_t i_ctime_extra;
    uint32_t i_mtime_extra;
    uint32_t i_atime_extra;
    uint32_t i_crtime; /* creation time */
    uint32_t i_crtime_extra;
    uint32_t i_version_hi;
    uint32_t i_projid;
};

#define EXT2_INODE_EXTRA_SIZE 32 /* i_extra_isize for a new inode: up to i_crtime_extra */

/* A directory entry. Entries never cross a block; rec_len reaches the next one. */
struct ext2_dir_entry {
    uint32_t inode; /* 0: an unused record */
    uint16_t rec_len;
    uint8_t name_len;
    uint8_t file_type; /* EXT2_FT_* with the filetype feature; else the high byte of name_len */
    char name[];       /* not NUL-terminated */
};

#define EXT2_DIR_ENTRY_HEADER 8
/* The smallest record that holds a name of `len` bytes: header plus name, rounded up to 4. */
#define EXT2_DIR_REC_LEN(len) (((len) + EXT2_DIR_ENTRY_HEADER + 3) & ~3u)

/* file_type values */
#define EXT2_FT_UNKNOWN  0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR      2
#define EXT2_FT_CHRDEV   3
#define EXT2_FT_BLKDEV   4
#define EXT2_FT_FIFO     5
#define EXT2_FT_SOCK     6
#define EXT2_FT_SYMLINK  7

/* The extended-attribute block header: only the reference count matters here. */
#define EXT2_XATTR_MAGIC 0xEA020000
struct ext2_xattr_header {
    uint32_t h_magic;
    uint32_t h_refcount; /* inodes sharing this block */
    uint32_t h_blocks;
    uint32_t h_hash;
};

/* The offsets the ext2 specification gives, checked by the compiler. */
_Static_assert(sizeof(struct ext2_superblock) == EXT2_SUPERBLOCK_SIZE, "superblock layout");
_Static_assert(offsetof(struct ext2_superblock, s_magic) == 56, "s_magic offset");
_Static_assert(offsetof(struct ext2_superblock, s_feature_compat) == 92, "s_feature_compat");
_Static_assert(offsetof(struct ext2_superblock, s_reserved_gdt_blocks) == 206, "reserved gdt");
_Static_assert(offsetof(struct ext2_superblock, s_min_extra_isize) == 348, "s_min_extra_isize");
_Static_assert(offsetof(struct ext2_disk_inode, i_block) == 40, "i_block offset");
_Static_assert(offsetof(struct ext2_disk_inode, i_file_acl) == 104, "i_file_acl offset");
_Static_assert(offsetof(struct ext2_disk_inode, i_extra_isize) == 128, "i_extra_isize offset");
_Static_assert(sizeof(struct ext2_group_desc) == 32, "group descriptor layout");
_Static_assert(sizeof(struct ext2_disk_inode) == 128 + EXT2_INODE_EXTRA_SIZE, "inode layout");
_Static_assert(sizeof(struct ext2_dir_entry) == EXT2_DIR_ENTRY_HEADER, "directory entry layout");

#endif
