/*
 * fdt.c: the device-tree reader. See fdt.h for the format.
 *
 * Token offsets are relative to the structure block and always multiples of
 * 4. read_token() is the single place that interprets a token and checks it
 * lies inside the block; everything else walks with it. Every walk moves
 * forward, one token of at least 4 bytes at a time, so a corrupt blob can end
 * a walk early but can never make it loop.
 */
#include "lib/fdt.h"

#include "lib/string.h"

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

/* Header layout: ten big-endian u32 fields (version 17); version 16 lacks the last one. */
#define FDT_HEADER_SIZE_V16 36
#define FDT_HEADER_SIZE_V17 40

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
    case FDT_ERR_BADVALUE: return "property has the wrong length";
    default: return "unknown error";
    }
}

/* Is [offset, offset + length) inside a block of `size` bytes? Written to avoid overflow. */
static bool in_block(uint32_t size, uint64_t offset, uint64_t length)
{
    return offset <= size && length <= size - offset;
}

/* The header's checks, before any field is trusted. */
static int check_header(const uint8_t *b, size_t max_size, struct fdt *out)
{
    if (max_size < FDT_HEADER_SIZE_V17)
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

    /* Version 17 is current; 16 has the same layout but no size_dt_struct field. */
    if (version < 16 || last_compatible > 17)
        return -FDT_ERR_BADVERSION;
    uint32_t header_size = version >= 17 ? FDT_HEADER_SIZE_V17 : FDT_HEADER_SIZE_V16;
    /* Offsets are ints to the callers, so the blob must stay below 2 GiB. */
    if (total > max_size || total < header_size || total > 0x7fffffffu)
        return -FDT_ERR_TRUNCATED;
    uint32_t size_struct = version >= 17 ? fdt_read_be32(b + 36) : total - off_struct;
    if (off_struct < header_size || off_strings < header_size || off_reserve < header_size)
        return -FDT_ERR_BADSTRUCTURE;
    if (!in_block(total, off_struct, size_struct) || !in_block(total, off_strings, size_strings))
        return -FDT_ERR_TRUNCATED;
    if ((off_struct & 3) != 0 || (size_struct & 3) != 0 || (off_reserve & 7) != 0)
        return -FDT_ERR_BADSTRUCTURE;
    if (!in_block(total, off_reserve, 16))
        return -FDT_ERR_TRUNCATED;

    out->blob = b;
    out->total_size = total;
    out->struct_offset = off_struct;
    out->struct_size = size_struct;
    out->strings_offset = off_strings;
    out->strings_size = size_strings;
    out->reserve_offset = off_reserve;
    return 0;
}

int fdt_init(struct fdt *fdt, const void *blob, size_t max_size)
{
    struct fdt checked;
    int error = check_header(blob, max_size, &checked);
    if (error != 0)
        return error;
    /* The structure block must open with the root node. */
    if (checked.struct_size < 8 ||
        fdt_read_be32(checked.blob + checked.struct_offset) != FDT_BEGIN_NODE)
        return -FDT_ERR_BADSTRUCTURE;
    *fdt = checked;
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

/* A property's name: an offset into the strings block, NUL-terminated inside it. */
static const char *string_at(const struct fdt *fdt, uint32_t name_offset)
{
    if (name_offset >= fdt->strings_size)
        return NULL;
    const char *name = (const char *)fdt->blob + fdt->strings_offset + name_offset;
    size_t room = fdt->strings_size - name_offset;
    return strnlen(name, room) < room ? name : NULL;
}

static int read_begin_node(const struct fdt *fdt, uint32_t offset, struct fdt_token *token)
{
    const char *name = (const char *)struct_at(fdt, offset);
    size_t room = fdt->struct_size - offset;
    size_t length = strnlen(name, room);
    if (length == room)
        return -FDT_ERR_BADSTRING;
    token->name = name;
    /* The name is padded with zeros to the next 4-byte boundary. */
    token->next = (offset + (uint32_t)length + 1 + 3) & ~3u;
    return 0;
}

static int read_prop(const struct fdt *fdt, uint32_t offset, struct fdt_token *token)
{
    if (!in_block(fdt->struct_size, offset, 8))
        return -FDT_ERR_TRUNCATED;
    uint32_t length = fdt_read_be32(struct_at(fdt, offset));
    uint32_t name_offset = fdt_read_be32(struct_at(fdt, offset + 4));
    offset += 8;
    if (!in_block(fdt->struct_size, offset, length))
        return -FDT_ERR_TRUNCATED;
    token->name = string_at(fdt, name_offset);
    if (token->name == NULL)
        return -FDT_ERR_BADSTRING;
    token->value = struct_at(fdt, offset);
    token->value_length = length;
    token->next = (uint32_t)((offset + (uint64_t)length + 3) & ~3ull);
    return 0;
}

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
    case FDT_BEGIN_NODE: return read_begin_node(fdt, offset, token);
    case FDT_PROP: return read_prop(fdt, offset, token);
    case FDT_END_NODE:
    case FDT_NOP:
    case FDT_END: token->next = offset; return 0;
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

/* One step of fdt_check: the token at *offset, with the nesting state it changes. */
struct check_state {
    int depth;       /* nodes open */
    bool child_seen; /* the innermost open node already has a child */
    bool ended;      /* END was read */
};

static int check_token(const struct fdt_token *token, struct check_state *state)
{
    switch (token->kind) {
    case FDT_BEGIN_NODE:
        if (++state->depth > FDT_MAX_DEPTH + 1)
            return -FDT_ERR_BADSTRUCTURE;
        state->child_seen = false;
        return 0;
    case FDT_END_NODE:
        if (--state->depth < 0)
            return -FDT_ERR_BADSTRUCTURE;
        /* The node just closed was a child of the one now innermost. */
        state->child_seen = true;
        return 0;
    case FDT_PROP:
        /* Properties come before a node's children, so fdt_property() can stop there. */
        return state->depth == 0 || state->child_seen ? -FDT_ERR_BADSTRUCTURE : 0;
    case FDT_END: state->ended = true; return state->depth == 0 ? 0 : -FDT_ERR_BADSTRUCTURE;
    default: return 0;
    }
}

int fdt_check(const struct fdt *fdt)
{
    struct check_state state = {0, false, false};
    struct fdt_token token;
    uint32_t offset = 0;
    bool root_closed = false;
    while (!state.ended) {
        int error = read_token(fdt, offset, &token);
        if (error != 0)
            return error;
        /* Exactly one root: after it closes, only NOPs and END may follow. */
        if (root_closed && token.kind != FDT_NOP && token.kind != FDT_END)
            return -FDT_ERR_BADSTRUCTURE;
        if (offset == 0 && token.kind != FDT_BEGIN_NODE)
            return -FDT_ERR_BADSTRUCTURE;
        error = check_token(&token, &state);
        if (error != 0)
            return error;
        if (token.kind == FDT_END_NODE && state.depth == 0)
            root_closed = true;
        offset = token.next;
    }
    /* The reservation block must end with its (0, 0) entry inside the blob. */
    uint64_t address;
    uint64_t size;
    int index = 0;
    int error;
    while ((error = fdt_reserve_entry(fdt, index, &address, &size)) == 0)
        index++;
    return error == -FDT_ERR_NOTFOUND ? 0 : error;
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
 * for a child and down for each node closed on the way.
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
    int open[FDT_MAX_DEPTH + 1];
    int depth = 0;
    open[0] = 0;
    int current = 0;
    for (;;) {
        current = fdt_next_node(fdt, current, &depth);
        if (current < 0)
            break;
        if (depth <= 0 || depth > FDT_MAX_DEPTH)
            return -FDT_ERR_BADSTRUCTURE;
        open[depth] = current;
        if (current == node)
            return open[depth - 1];
        if (current > node)
            break;
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

int fdt_subnode(const struct fdt *fdt, int parent, const char *name, size_t length)
{
    int child = fdt_first_child(fdt, parent);
    while (child >= 0) {
        const char *child_name = fdt_node_name(fdt, child);
        if (child_name != NULL && name_matches(child_name, name, length))
            return child;
        child = fdt_next_sibling(fdt, child);
    }
    return child;
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
        node = fdt_subnode(fdt, node, p, length);
        if (node < 0)
            return node;
        p += length;
    }
    return node;
}

/* ---- Properties ---- */

/* The first PROP at or after `offset`, skipping NOPs; NOTFOUND at a node boundary. */
static int property_from(const struct fdt *fdt, uint32_t offset, struct fdt_token *token)
{
    for (;;) {
        int error = read_token(fdt, offset, token);
        if (error != 0)
            return error;
        if (token->kind == FDT_PROP)
            return (int)offset;
        if (token->kind != FDT_NOP)
            return -FDT_ERR_NOTFOUND;
        offset = token->next;
    }
}

int fdt_first_property(const struct fdt *fdt, int node)
{
    struct fdt_token token;
    int error = check_node(fdt, node, &token);
    if (error != 0)
        return error;
    return property_from(fdt, token.next, &token);
}

/* Check that `property` is the offset of a PROP token. */
static int check_property(const struct fdt *fdt, int property, struct fdt_token *token)
{
    if (property < 0)
        return -FDT_ERR_BADOFFSET;
    int error = read_token(fdt, (uint32_t)property, token);
    if (error != 0)
        return error == -FDT_ERR_TRUNCATED ? -FDT_ERR_BADOFFSET : error;
    return token->kind == FDT_PROP ? 0 : -FDT_ERR_BADOFFSET;
}

int fdt_next_property(const struct fdt *fdt, int property)
{
    struct fdt_token token;
    int error = check_property(fdt, property, &token);
    if (error != 0)
        return error;
    return property_from(fdt, token.next, &token);
}

const void *fdt_property_at(const struct fdt *fdt, int property, const char **name, int *length)
{
    struct fdt_token token;
    if (check_property(fdt, property, &token) != 0)
        return NULL;
    if (name != NULL)
        *name = token.name;
    if (length != NULL)
        *length = (int)token.value_length;
    return token.value;
}

/* Find a property by name; returns 0 and fills *token, or a negated error. */
static int find_property(const struct fdt *fdt, int node, const char *name, struct fdt_token *token)
{
    int property = fdt_first_property(fdt, node);
    while (property >= 0) {
        /* fdt_first/next_property checked the token; decoding it again cannot fail. */
        read_token(fdt, (uint32_t)property, token);
        if (strcmp(token->name, name) == 0)
            return 0;
        property = property_from(fdt, token->next, token);
    }
    return property;
}

const void *fdt_property(const struct fdt *fdt, int node, const char *name, int *length)
{
    struct fdt_token token;
    if (find_property(fdt, node, name, &token) != 0)
        return NULL;
    if (length != NULL)
        *length = (int)token.value_length;
    return token.value;
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

bool fdt_property_u64(const struct fdt *fdt, int node, const char *name, uint64_t *value)
{
    int length = 0;
    const void *p = fdt_property(fdt, node, name, &length);
    if (p == NULL || (length != 4 && length != 8))
        return false;
    *value = length == 4 ? fdt_read_be32(p) : fdt_read_be64(p);
    return true;
}

/*
 * A string list is NUL-terminated strings back to back ("a\0b\0"). Returns
 * the list and its length, or NULL when missing or when the last string is
 * not terminated inside the property. An empty property is an empty list.
 */
static const char *stringlist(const struct fdt *fdt, int node, const char *name, int *length)
{
    const char *list = fdt_property(fdt, node, name, length);
    if (list == NULL || (*length > 0 && list[*length - 1] != '\0'))
        return NULL;
    return list;
}

/* The string after the one at `position`, as a position in the list. */
static int stringlist_next(const char *list, int length, int position)
{
    return position + (int)strnlen(list + position, (size_t)(length - position)) + 1;
}

bool fdt_stringlist_contains(const struct fdt *fdt, int node, const char *name, const char *string)
{
    int length = 0;
    const char *list = stringlist(fdt, node, name, &length);
    if (list == NULL)
        return false;
    for (int position = 0; position < length; position = stringlist_next(list, length, position)) {
        if (strcmp(list + position, string) == 0)
            return true;
    }
    return false;
}

int fdt_stringlist_count(const struct fdt *fdt, int node, const char *name)
{
    int length = 0;
    if (fdt_property(fdt, node, name, &length) == NULL)
        return -FDT_ERR_NOTFOUND;
    const char *list = stringlist(fdt, node, name, &length);
    if (list == NULL)
        return -FDT_ERR_BADVALUE;
    int count = 0;
    for (int position = 0; position < length; position = stringlist_next(list, length, position))
        count++;
    return count;
}

const char *fdt_stringlist_get(const struct fdt *fdt, int node, const char *name, int index)
{
    int length = 0;
    const char *list = stringlist(fdt, node, name, &length);
    if (list == NULL || index < 0)
        return NULL;
    int position = 0;
    for (int i = 0; i < index && position < length; i++)
        position = stringlist_next(list, length, position);
    return position < length ? list + position : NULL;
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

/* ---- Addresses ---- */

/* A cell-count property: one u32 of at most FDT_MAX_CELLS, or `fallback` when absent. */
static int cells_property(const struct fdt *fdt, int node, const char *name, int fallback)
{
    struct fdt_token token;
    int error = find_property(fdt, node, name, &token);
    if (error == -FDT_ERR_NOTFOUND)
        return fallback;
    if (error != 0)
        return error;
    if (token.value_length != 4)
        return -FDT_ERR_BADCELLS;
    uint32_t cells = fdt_read_be32(token.value);
    return cells <= FDT_MAX_CELLS ? (int)cells : -FDT_ERR_BADCELLS;
}

/* The devicetree specification's defaults: 2 address cells, 1 size cell. */
int fdt_address_cells(const struct fdt *fdt, int parent)
{
    int cells = cells_property(fdt, parent, "#address-cells", 2);
    /* A "reg" with no address is meaningless, so 0 address cells is an error (as in libfdt). */
    return cells == 0 ? -FDT_ERR_BADCELLS : cells;
}

int fdt_size_cells(const struct fdt *fdt, int parent)
{
    return cells_property(fdt, parent, "#size-cells", 1);
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
    /* A 64-bit result holds at most two cells (a PCI address has three). */
    if (address_cells > 2 || size_cells > 2)
        return -FDT_ERR_BADCELLS;
    uint64_t entry = (uint64_t)(address_cells + size_cells) * 4;
    int length = 0;
    const uint8_t *reg = fdt_property(fdt, node, "reg", &length);
    if (reg == NULL || index < 0)
        return -FDT_ERR_NOTFOUND;
    if (((uint64_t)index + 1) * entry > (uint64_t)length)
        return -FDT_ERR_NOTFOUND;
    reg += (uint64_t)index * entry;
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

/* ---- Standard nodes ---- */

/* A node is in use unless its "status" says otherwise ("disabled", "fail"...). */
static bool node_enabled(const struct fdt *fdt, int node)
{
    const char *status = fdt_property_string(fdt, node, "status");
    return status == NULL || strcmp(status, "okay") == 0 || strcmp(status, "ok") == 0;
}

static bool is_memory_node(const struct fdt *fdt, int node)
{
    const char *type = fdt_property_string(fdt, node, "device_type");
    return type != NULL && strcmp(type, "memory") == 0 && node_enabled(fdt, node);
}

int fdt_memory_range(const struct fdt *fdt, int index, uint64_t *base, uint64_t *size)
{
    int seen = 0;
    if (index < 0)
        return -FDT_ERR_NOTFOUND;
    for (int node = 0; node >= 0; node = fdt_next_node(fdt, node, NULL)) {
        if (!is_memory_node(fdt, node))
            continue;
        for (int i = 0; fdt_reg(fdt, node, i, base, size) == 0; i++) {
            if (seen++ == index)
                return 0;
        }
    }
    return -FDT_ERR_NOTFOUND;
}

/* Entry `index` over the "reg" of /reserved-memory's enabled children. */
static int reserved_memory_node_range(const struct fdt *fdt, int index, uint64_t *base,
                                      uint64_t *size)
{
    int parent = fdt_path_offset(fdt, "/reserved-memory");
    if (parent < 0)
        return parent;
    int seen = 0;
    for (int child = fdt_first_child(fdt, parent); child >= 0;
         child = fdt_next_sibling(fdt, child)) {
        /* A child with "size" but no "reg" asks the OS to choose a place: nothing fixed. */
        if (!node_enabled(fdt, child))
            continue;
        for (int i = 0; fdt_reg(fdt, child, i, base, size) == 0; i++) {
            if (seen++ == index)
                return 0;
        }
    }
    return -FDT_ERR_NOTFOUND;
}

int fdt_reserved_range(const struct fdt *fdt, int index, uint64_t *base, uint64_t *size)
{
    int entries = 0;
    if (index < 0)
        return -FDT_ERR_NOTFOUND;
    while (fdt_reserve_entry(fdt, entries, base, size) == 0) {
        if (entries == index)
            return 0;
        entries++;
    }
    return reserved_memory_node_range(fdt, index - entries, base, size);
}

const char *fdt_chosen_string(const struct fdt *fdt, const char *name)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen < 0)
        return NULL;
    return fdt_property_string(fdt, chosen, name);
}

int fdt_initrd(const struct fdt *fdt, uint64_t *start, uint64_t *end)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen < 0)
        return chosen;
    /* Loaders write these as one cell or two, so both sizes are accepted. */
    if (!fdt_property_u64(fdt, chosen, "linux,initrd-start", start) ||
        !fdt_property_u64(fdt, chosen, "linux,initrd-end", end))
        return -FDT_ERR_NOTFOUND;
    return *end >= *start ? 0 : -FDT_ERR_BADVALUE;
}

static bool is_cpu_node(const struct fdt *fdt, int node)
{
    const char *type = fdt_property_string(fdt, node, "device_type");
    return type != NULL && strcmp(type, "cpu") == 0;
}

int fdt_cpu(const struct fdt *fdt, int index, struct fdt_cpu *cpu)
{
    int cpus = fdt_path_offset(fdt, "/cpus");
    if (cpus < 0)
        return cpus;
    int seen = 0;
    for (int node = fdt_first_child(fdt, cpus); node >= 0; node = fdt_next_sibling(fdt, node)) {
        if (!is_cpu_node(fdt, node) || seen++ != index)
            continue;
        uint64_t ignored_size;
        cpu->node = node;
        if (fdt_reg(fdt, node, 0, &cpu->hartid, &ignored_size) != 0)
            return -FDT_ERR_BADVALUE;
        cpu->isa = fdt_property_string(fdt, node, "riscv,isa");
        cpu->enabled = node_enabled(fdt, node);
        /* The binding lets each cpu carry its own timebase, or /cpus carry one for all. */
        cpu->timebase_hz = 0;
        if (!fdt_property_u64(fdt, node, "timebase-frequency", &cpu->timebase_hz))
            fdt_property_u64(fdt, cpus, "timebase-frequency", &cpu->timebase_hz);
        return 0;
    }
    return -FDT_ERR_NOTFOUND;
}
