/*
 * fdt.c: the device-tree reader. See fdt.h for the format.
 *
 * Token offsets are relative to the structure block and always multiples of
 * 4. read_token() is the single place that interprets a token and checks it
 * lies inside the block; everything else walks with it.
 */
#include "lib/fdt.h"

#include "lib/string.h"

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

#define FDT_MAX_DEPTH 32

uint32_t fdt_read_be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt_read_be64(const void *p)
{
    const uint8_t *b = p;
    return (uint64_t)fdt_read_be32(b) << 32 | fdt_read_be32(b + 4);
}

const char *fdt_strerror(int error)
{
    switch (error < 0 ? -error : error) {
    case 0: return "no error";
    case FDT_ERR_NOTFOUND: return "not found";
    case FDT_ERR_BADMAGIC: return "bad magic (not a device tree)";
    case FDT_ERR_BADVERSION: return "unsupported version";
    case FDT_ERR_TRUNCATED: return "truncated blob";
    case FDT_ERR_BADSTRUCTURE: return "malformed structure block";
    case FDT_ERR_BADOFFSET: return "offset is not a node";
    case FDT_ERR_BADSTRING: return "unterminated string";
    case FDT_ERR_BADCELLS: return "bad #address-cells or #size-cells";
    default: return "unknown error";
    }
}

/* Is [offset, offset + length) inside a block of `size` bytes? Written to avoid overflow. */
static bool in_block(uint32_t size, uint64_t offset, uint64_t length)
{
    return offset <= size && length <= size - offset;
}

int fdt_init(struct fdt *fdt, const void *blob, size_t max_size)
{
    const uint8_t *b = blob;
    if (max_size < 40)
        return -FDT_ERR_TRUNCATED;
    if (fdt_read_be32(b) != FDT_MAGIC)
        return -FDT_ERR_BADMAGIC;
    uint32_t total = fdt_read_be32(b + 4);
    uint32_t off_struct = fdt_read_be32(b + 8);
    uint32_t off_strings = fdt_read_be32(b + 12);
    uint32_t off_reserve = fdt_read_be32(b + 16);
    uint32_t version = fdt_read_be32(b + 20);
    uint32_t last_compatible = fdt_read_be32(b + 24);
    uint32_t size_strings = fdt_read_be32(b + 32);
    uint32_t size_struct = fdt_read_be32(b + 36);

    /* Version 17 is current; 16 is the oldest with the same layout. */
    if (version < 16 || last_compatible > 17)
        return -FDT_ERR_BADVERSION;
    if (total > max_size || total < 40)
        return -FDT_ERR_TRUNCATED;
    if (!in_block(total, off_struct, size_struct) || !in_block(total, off_strings, size_strings))
        return -FDT_ERR_TRUNCATED;
    if ((off_struct & 3) != 0 || (size_struct & 3) != 0 || (off_reserve & 7) != 0)
        return -FDT_ERR_BADSTRUCTURE;
    if (!in_block(total, off_reserve, 16))
        return -FDT_ERR_TRUNCATED;

    fdt->blob = b;
    fdt->total_size = total;
    fdt->struct_offset = off_struct;
    fdt->struct_size = size_struct;
    fdt->strings_offset = off_strings;
    fdt->strings_size = size_strings;
    fdt->reserve_offset = off_reserve;

    /* The structure block must open with the root node. */
    if (size_struct < 8 || fdt_read_be32(b + off_struct) != FDT_BEGIN_NODE)
        return -FDT_ERR_BADSTRUCTURE;
    return 0;
}

static const uint8_t *struct_at(const struct fdt *fdt, uint32_t offset)
{
    return fdt->blob + fdt->struct_offset + offset;
}

/* One decoded token. */
struct fdt_token {
    uint32_t kind;
    uint32_t next;         /* offset of the following token */
    const char *name;      /* BEGIN_NODE: node name; PROP: property name */
    const uint8_t *value;  /* PROP only */
    uint32_t value_length; /* PROP only */
};

/* Decode the token at `offset`, checking that all of it lies in the block. */
static int read_token(const struct fdt *fdt, uint32_t offset, struct fdt_token *token)
{
    if ((offset & 3) != 0 || !in_block(fdt->struct_size, offset, 4))
        return -FDT_ERR_TRUNCATED;
    token->kind = fdt_read_be32(struct_at(fdt, offset));
    token->name = NULL;
    token->value = NULL;
    token->value_length = 0;
    offset += 4;
    switch (token->kind) {
    case FDT_BEGIN_NODE: {
        const char *name = (const char *)struct_at(fdt, offset);
        size_t room = fdt->struct_size - offset;
        size_t length = strnlen(name, room);
        if (length == room)
            return -FDT_ERR_BADSTRING;
        token->name = name;
        token->next = (offset + (uint32_t)length + 1 + 3) & ~3u;
        return 0;
    }
    case FDT_PROP: {
        if (!in_block(fdt->struct_size, offset, 8))
            return -FDT_ERR_TRUNCATED;
        uint32_t length = fdt_read_be32(struct_at(fdt, offset));
        uint32_t name_offset = fdt_read_be32(struct_at(fdt, offset + 4));
        offset += 8;
        if (!in_block(fdt->struct_size, offset, length))
            return -FDT_ERR_TRUNCATED;
        if (name_offset >= fdt->strings_size)
            return -FDT_ERR_BADSTRING;
        const char *name = (const char *)fdt->blob + fdt->strings_offset + name_offset;
        if (strnlen(name, fdt->strings_size - name_offset) == fdt->strings_size - name_offset)
            return -FDT_ERR_BADSTRING;
        token->name = name;
        token->value = struct_at(fdt, offset);
        token->value_length = length;
        token->next = (uint32_t)((offset + (uint64_t)length + 3) & ~3ull);
        return 0;
    }
    case FDT_END_NODE:
    case FDT_NOP:
    case FDT_END:
        token->next = offset;
        return 0;
    default: return -FDT_ERR_BADSTRUCTURE;
    }
}

/* Check that `node` is the offset of a BEGIN_NODE token. */
static int check_node(const struct fdt *fdt, int node, struct fdt_token *token)
{
    if (node < 0)
        return -FDT_ERR_BADOFFSET;
    int error = read_token(fdt, (uint32_t)node, token);
    if (error != 0)
        return error == -FDT_ERR_TRUNCATED ? -FDT_ERR_BADOFFSET : error;
    if (token->kind != FDT_BEGIN_NODE)
        return -FDT_ERR_BADOFFSET;
    return 0;
}

const char *fdt_node_name(const struct fdt *fdt, int node)
{
    struct fdt_token token;
    if (check_node(fdt, node, &token) != 0)
        return NULL;
    return token.name;
}

/*
 * The next BEGIN_NODE after `node`, tracking depth: *depth goes up by one
 * for a child and down for each node closed on the way. The walk is bounded
 * by the block's size, so a loop in a blob cannot happen: offsets only grow.
 */
int fdt_next_node(const struct fdt *fdt, int node, int *depth)
{
    struct fdt_token token;
    int error = check_node(fdt, node, &token);
    if (error != 0)
        return error;
    uint32_t offset = token.next;
    for (;;) {
        error = read_token(fdt, offset, &token);
        if (error != 0)
            return error;
        switch (token.kind) {
        case FDT_BEGIN_NODE:
            if (depth != NULL)
                (*depth)++;
            return (int)offset;
        case FDT_END_NODE:
            if (depth != NULL && --(*depth) < 0)
                return -FDT_ERR_NOTFOUND;
            break;
        case FDT_END: return -FDT_ERR_NOTFOUND;
        default: break;
        }
        offset = token.next;
    }
}

int fdt_first_child(const struct fdt *fdt, int node)
{
    int depth = 0;
    int next = fdt_next_node(fdt, node, &depth);
    if (next < 0)
        return next;
    return depth == 1 ? next : -FDT_ERR_NOTFOUND;
}

int fdt_next_sibling(const struct fdt *fdt, int node)
{
    int depth = 1;
    int next = node;
    do {
        next = fdt_next_node(fdt, next, &depth);
        if (next < 0)
            return next;
    } while (depth > 1);
    return depth == 1 ? next : -FDT_ERR_NOTFOUND;
}

int fdt_parent(const struct fdt *fdt, int node)
{
    struct fdt_token token;
    int error = check_node(fdt, node, &token);
    if (error != 0)
        return error;
    if (node == 0)
        return -FDT_ERR_NOTFOUND;
    /* Walk from the root, remembering the open node at each depth. */
    int open[FDT_MAX_DEPTH];
    int depth = 0;
    open[0] = 0;
    int current = 0;
    while (current >= 0) {
        current = fdt_next_node(fdt, current, &depth);
        if (current < 0)
            break;
        if (depth <= 0 || depth >= FDT_MAX_DEPTH)
            return -FDT_ERR_BADSTRUCTURE;
        open[depth] = current;
        if (current == node)
            return open[depth - 1];
    }
    return -FDT_ERR_BADOFFSET;
}

static bool contains_char(const char *s, char c, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (s[i] == c)
            return true;
    }
    return false;
}

/* Does a node name match one path component? "memory" matches "memory@80000000". */
static bool name_matches(const char *name, const char *component, size_t length)
{
    if (strncmp(name, component, length) != 0)
        return false;
    if (name[length] == '\0')
        return true;
    return name[length] == '@' && !contains_char(component, '@', length);
}

int fdt_path_offset(const struct fdt *fdt, const char *path)
{
    if (path[0] != '/')
        return -FDT_ERR_NOTFOUND;
    int node = 0;
    const char *p = path;
    while (*p != '\0') {
        while (*p == '/')
            p++;
        if (*p == '\0')
            break;
        size_t length = 0;
        while (p[length] != '\0' && p[length] != '/')
            length++;
        int child = fdt_first_child(fdt, node);
        while (child >= 0) {
            const char *name = fdt_node_name(fdt, child);
            if (name != NULL && name_matches(name, p, length))
                break;
            child = fdt_next_sibling(fdt, child);
        }
        if (child < 0)
            return child;
        node = child;
        p += length;
    }
    return node;
}

const void *fdt_property(const struct fdt *fdt, int node, const char *name, int *length)
{
    struct fdt_token token;
    if (check_node(fdt, node, &token) != 0)
        return NULL;
    /* Properties come straight after BEGIN_NODE, before any child. */
    uint32_t offset = token.next;
    for (;;) {
        if (read_token(fdt, offset, &token) != 0)
            return NULL;
        if (token.kind == FDT_PROP) {
            if (strcmp(token.name, name) == 0) {
                if (length != NULL)
                    *length = (int)token.value_length;
                return token.value;
            }
        } else if (token.kind != FDT_NOP) {
            return NULL;
        }
        offset = token.next;
    }
}

const char *fdt_property_string(const struct fdt *fdt, int node, const char *name)
{
    int length = 0;
    const char *value = fdt_property(fdt, node, name, &length);
    if (value == NULL || length <= 0 || value[length - 1] != '\0')
        return NULL;
    return value;
}

bool fdt_property_u32(const struct fdt *fdt, int node, const char *name, uint32_t *value)
{
    int length = 0;
    const void *p = fdt_property(fdt, node, name, &length);
    if (p == NULL || length != 4)
        return false;
    *value = fdt_read_be32(p);
    return true;
}

bool fdt_stringlist_contains(const struct fdt *fdt, int node, const char *name, const char *string)
{
    int length = 0;
    const char *list = fdt_property(fdt, node, name, &length);
    if (list == NULL)
        return false;
    size_t wanted = strlen(string);
    int position = 0;
    while (position < length) {
        size_t item = strnlen(list + position, (size_t)(length - position));
        if (item == wanted && memcmp(list + position, string, wanted) == 0)
            return true;
        position += (int)item + 1;
    }
    return false;
}

int fdt_node_by_compatible(const struct fdt *fdt, int start, const char *compatible)
{
    int node = start < 0 ? 0 : start;
    if (start < 0 && fdt_stringlist_contains(fdt, 0, "compatible", compatible))
        return 0;
    for (;;) {
        node = fdt_next_node(fdt, node, NULL);
        if (node < 0)
            return node;
        if (fdt_stringlist_contains(fdt, node, "compatible", compatible))
            return node;
    }
}

/* The devicetree specification's defaults: 2 address cells, 1 size cell. */
int fdt_address_cells(const struct fdt *fdt, int parent)
{
    uint32_t cells = 2;
    fdt_property_u32(fdt, parent, "#address-cells", &cells);
    return cells <= 2 ? (int)cells : -FDT_ERR_BADCELLS;
}

int fdt_size_cells(const struct fdt *fdt, int parent)
{
    uint32_t cells = 1;
    fdt_property_u32(fdt, parent, "#size-cells", &cells);
    return cells <= 2 ? (int)cells : -FDT_ERR_BADCELLS;
}

static uint64_t read_cells(const uint8_t *p, int cells)
{
    return cells == 2 ? fdt_read_be64(p) : cells == 1 ? fdt_read_be32(p) : 0;
}

int fdt_reg(const struct fdt *fdt, int node, int index, uint64_t *address, uint64_t *size)
{
    int parent = fdt_parent(fdt, node);
    if (parent < 0)
        return parent;
    int address_cells = fdt_address_cells(fdt, parent);
    int size_cells = fdt_size_cells(fdt, parent);
    if (address_cells < 0 || size_cells < 0)
        return -FDT_ERR_BADCELLS;
    int entry = (address_cells + size_cells) * 4;
    int length = 0;
    const uint8_t *reg = fdt_property(fdt, node, "reg", &length);
    if (reg == NULL || entry == 0 || index < 0)
        return -FDT_ERR_NOTFOUND;
    if ((index + 1) * entry > length)
        return -FDT_ERR_NOTFOUND;
    reg += index * entry;
    *address = read_cells(reg, address_cells);
    *size = read_cells(reg + address_cells * 4, size_cells);
    return 0;
}

int fdt_reserve_entry(const struct fdt *fdt, int index, uint64_t *address, uint64_t *size)
{
    /* The block is a list of (address, size) pairs ended by (0, 0). */
    for (int i = 0;; i++) {
        uint64_t offset = fdt->reserve_offset + (uint64_t)i * 16;
        if (!in_block(fdt->total_size, offset, 16))
            return -FDT_ERR_TRUNCATED;
        uint64_t entry_address = fdt_read_be64(fdt->blob + offset);
        uint64_t entry_size = fdt_read_be64(fdt->blob + offset + 8);
        if (entry_address == 0 && entry_size == 0)
            return -FDT_ERR_NOTFOUND;
        if (i == index) {
            *address = entry_address;
            *size = entry_size;
            return 0;
        }
    }
}
