/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container ids from cgroup paths, and container metadata from the JSON
 * payload of container events ({"container":{"id":...,"name":...}}).
 */
#include "container_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scapkit/state.h"

struct cg_pattern {
    const char *prefix;
    const char *suffix; /* "" = to the end of the path */
    const char *runtime;
};

/*
 * Checked in order; the first entry whose id is 64 hex chars wins. The
 * runtime named here is refined by path hints below (kubepods => cri).
 */
static const struct cg_pattern cg_patterns[] = {
    {"/libpod-", ".scope/container", "podman"},
    {"/libpod-", ".scope", "podman"},
    {"/libpod-", "", "podman"},
    {"/docker-", ".scope", "docker"},
    {"/cri-containerd-", ".scope", "cri"},
    {":cri-containerd:", "", "cri"},
    {"/crio-", ".scope", "cri-o"},
    {"/crio-", "", "cri-o"},
    {"/", "", "docker"},
};

static bool is_hex_id(const char *s, size_t len)
{
    if (len != 64)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!isxdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

/* Last occurrence of needle in hay[0..len), or NULL. */
static const char *last_occurrence(const char *hay, size_t len, const char *needle)
{
    size_t nlen = strlen(needle);
    const char *found = NULL;

    if (nlen == 0 || nlen > len)
        return NULL;
    for (size_t i = 0; i + nlen <= len; i++) {
        if (memcmp(hay + i, needle, nlen) == 0)
            found = hay + i;
    }
    return found;
}

static bool match_pattern(const char *path, size_t len, const struct cg_pattern *pat,
                          const char **id, size_t *id_len)
{
    const char *start = last_occurrence(path, len, pat->prefix);
    const char *end;

    if (!start)
        return false;
    start += strlen(pat->prefix);
    if (pat->suffix[0]) {
        end = last_occurrence(path, len, pat->suffix);
        if (!end || end < start)
            return false;
    } else {
        end = path + len;
    }
    if (!is_hex_id(start, (size_t)(end - start)))
        return false;
    *id = start;
    *id_len = (size_t)(end - start);
    return true;
}

static bool path_contains(const char *path, size_t len, const char *word)
{
    return last_occurrence(path, len, word) != NULL;
}

static const char *refine_runtime(const char *path, size_t len, const char *runtime)
{
    if (path_contains(path, len, "kubepods"))
        return "cri";
    if (strcmp(runtime, "docker") == 0 && path_contains(path, len, "/lxc/"))
        return "lxc";
    return runtime;
}

/* lxc: /lxc/<id>/..., /lxc.payload/<id>, /lxc.payload.<id> (any id). */
static bool match_lxc(const char *path, size_t len, const char **id, size_t *id_len)
{
    static const char *const prefixes[] = {"/lxc.payload/", "/lxc.payload.", "/lxc/"};

    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        const char *start = last_occurrence(path, len, prefixes[i]);
        const char *end;

        if (!start)
            continue;
        start += strlen(prefixes[i]);
        end = memchr(start, '/', (size_t)(path + len - start));
        if (!end)
            end = path + len;
        if (end > start) {
            *id = start;
            *id_len = (size_t)(end - start);
            return true;
        }
    }
    return false;
}

static const char *match_cgroup_path(const char *path, size_t len, char out[13], char full[65])
{
    const char *id;
    size_t id_len;

    for (size_t i = 0; i < sizeof(cg_patterns) / sizeof(cg_patterns[0]); i++) {
        if (match_pattern(path, len, &cg_patterns[i], &id, &id_len)) {
            memcpy(full, id, id_len);
            full[id_len] = '\0';
            memcpy(out, id, 12);
            out[12] = '\0';
            return refine_runtime(path, len, cg_patterns[i].runtime);
        }
    }
    if (match_lxc(path, len, &id, &id_len)) {
        size_t short_len = id_len < 12 ? id_len : 12;
        size_t full_len = id_len < 64 ? id_len : 64;
        memcpy(full, id, full_len);
        full[full_len] = '\0';
        memcpy(out, id, short_len);
        out[short_len] = '\0';
        return "lxc";
    }
    return NULL;
}

const char *sk_container_id_from_cgroups(const char *cgroups, size_t len, char out[13],
                                         char full[65])
{
    size_t pos = 0;

    out[0] = '\0';
    full[0] = '\0';
    while (pos < len) {
        const char *entry = cgroups + pos;
        const char *nul = memchr(entry, '\0', len - pos);
        size_t entry_len = nul ? (size_t)(nul - entry) : len - pos;
        const char *eq = memchr(entry, '=', entry_len);
        const char *runtime;

        pos += entry_len + 1;
        if (!eq)
            continue;
        runtime = match_cgroup_path(eq + 1, entry_len - (size_t)(eq + 1 - entry), out, full);
        if (runtime)
            return runtime;
    }
    return NULL;
}

/* ------------------------------------------------------------------ JSON */
/*
 * A small tolerant JSON scanner: enough to pull string/number/bool members
 * of the "container" object and its "labels" object out of container
 * events. It never reads past end and gives up on malformed input.
 */
struct json_cursor {
    const char *p, *end;
};

static void json_ws(struct json_cursor *c)
{
    while (c->p < c->end && isspace((unsigned char)*c->p))
        c->p++;
}

/* Decode a JSON string at c->p (which points at '"') into buf; returns false on error. */
static bool json_string(struct json_cursor *c, char *buf, size_t buflen)
{
    size_t n = 0;

    if (c->p >= c->end || *c->p != '"')
        return false;
    c->p++;
    while (c->p < c->end && *c->p != '"') {
        char ch = *c->p++;
        if (ch == '\\' && c->p < c->end) {
            char esc = *c->p++;
            switch (esc) {
            case 'n': ch = '\n'; break;
            case 't': ch = '\t'; break;
            case 'r': ch = '\r'; break;
            case 'b': ch = '\b'; break;
            case 'f': ch = '\f'; break;
            case 'u':
                /* keep ASCII code points, replace others by '?' */
                if (c->end - c->p >= 4) {
                    char hex[5] = {c->p[0], c->p[1], c->p[2], c->p[3], 0};
                    long v = strtol(hex, NULL, 16);
                    ch = (v > 0 && v < 128) ? (char)v : '?';
                    c->p += 4;
                } else {
                    return false;
                }
                break;
            default: ch = esc; break;
            }
        }
        if (buf && n + 1 < buflen)
            buf[n++] = ch;
    }
    if (c->p >= c->end)
        return false;
    c->p++; /* closing quote */
    if (buf && buflen)
        buf[n] = '\0';
    return true;
}

static bool json_skip_value(struct json_cursor *c, int depth);

static bool json_skip_compound(struct json_cursor *c, char close, int depth)
{
    c->p++;
    json_ws(c);
    if (c->p < c->end && *c->p == close) {
        c->p++;
        return true;
    }
    while (c->p < c->end) {
        if (close == '}') {
            if (!json_string(c, NULL, 0))
                return false;
            json_ws(c);
            if (c->p >= c->end || *c->p != ':')
                return false;
            c->p++;
        }
        if (!json_skip_value(c, depth + 1))
            return false;
        json_ws(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            json_ws(c);
            continue;
        }
        if (c->p < c->end && *c->p == close) {
            c->p++;
            return true;
        }
        return false;
    }
    return false;
}

static bool json_skip_value(struct json_cursor *c, int depth)
{
    if (depth > 64)
        return false;
    json_ws(c);
    if (c->p >= c->end)
        return false;
    switch (*c->p) {
    case '"': return json_string(c, NULL, 0);
    case '{': return json_skip_compound(c, '}', depth);
    case '[': return json_skip_compound(c, ']', depth);
    default:
        while (c->p < c->end && !strchr(",}] \t\r\n", *c->p))
            c->p++;
        return true;
    }
}

/* Scalar value as text (strings decoded, numbers/bools verbatim). */
static bool json_scalar(struct json_cursor *c, char *buf, size_t buflen)
{
    const char *start;
    size_t n;

    json_ws(c);
    if (c->p < c->end && *c->p == '"')
        return json_string(c, buf, buflen);
    start = c->p;
    if (!json_skip_value(c, 0))
        return false;
    n = (size_t)(c->p - start);
    if (n >= buflen)
        n = buflen - 1;
    memcpy(buf, start, n);
    buf[n] = '\0';
    return true;
}

typedef bool (*json_member_fn)(void *ud, const char *key, struct json_cursor *c);

/* Iterate the members of the object at c->p, calling fn for each (fn consumes the value). */
static bool json_object_members(struct json_cursor *c, json_member_fn fn, void *ud)
{
    char key[128];

    json_ws(c);
    if (c->p >= c->end || *c->p != '{')
        return false;
    c->p++;
    json_ws(c);
    if (c->p < c->end && *c->p == '}') {
        c->p++;
        return true;
    }
    while (c->p < c->end) {
        json_ws(c);
        if (!json_string(c, key, sizeof(key)))
            return false;
        json_ws(c);
        if (c->p >= c->end || *c->p != ':')
            return false;
        c->p++;
        json_ws(c);
        if (!fn(ud, key, c))
            return false;
        json_ws(c);
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == '}') {
            c->p++;
            return true;
        }
        return false;
    }
    return false;
}

/* Bounded copy that always terminates (truncation is intended). */
static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

struct labels_ctx {
    struct sk_container_meta *meta;
};

static void labels_append(struct sk_container_meta *m, const char *key, const char *val)
{
    size_t used = strlen(m->labels);
    size_t entry = strlen(key) + 1 + strlen(val) + 1;

    if (used + 1 < sizeof(m->labels))
        snprintf(m->labels + used, sizeof(m->labels) - used, "%s%s:%s", used ? ", " : "", key,
                 val);
    /* whole entries only: a cut "key=value" would name another value */
    if (m->label_list_len + entry <= sizeof(m->label_list)) {
        snprintf(m->label_list + m->label_list_len, entry, "%s=%s", key, val);
        m->label_list_len += entry;
    }
    if (strcmp(key, "io.kubernetes.pod.name") == 0)
        copy_str(m->k8s_pod_name, sizeof(m->k8s_pod_name), val);
    else if (strcmp(key, "io.kubernetes.pod.namespace") == 0)
        copy_str(m->k8s_ns_name, sizeof(m->k8s_ns_name), val);
    else if (strcmp(key, "io.kubernetes.pod.uid") == 0)
        copy_str(m->k8s_pod_uid, sizeof(m->k8s_pod_uid), val);
}

static bool label_member(void *ud, const char *key, struct json_cursor *c)
{
    struct labels_ctx *lc = ud;
    char val[256];

    if (!json_scalar(c, val, sizeof(val)))
        return false;
    labels_append(lc->meta, key, val);
    return true;
}

static const char *container_type_name(long type)
{
    switch (type) {
    case 0: return "docker";
    case 1: return "lxc";
    case 2: return "libvirt-lxc";
    case 3: return "mesos";
    case 4: return "rkt";
    case 5: return "custom";
    case 6: return "cri";
    case 7: return "containerd";
    case 8: return "cri-o";
    case 9: return "bpm";
    case 10: return "static";
    case 11: return "podman";
    default: return "";
    }
}

static bool container_member(void *ud, const char *key, struct json_cursor *c)
{
    struct sk_container_meta *m = ud;
    char val[1024];

    if (strcmp(key, "labels") == 0) {
        struct labels_ctx lc = {m};
        json_ws(c);
        if (c->p < c->end && *c->p == '{')
            return json_object_members(c, label_member, &lc);
        return json_skip_value(c, 0);
    }
    json_ws(c);
    if (c->p < c->end && (*c->p == '{' || *c->p == '['))
        return json_skip_value(c, 0);
    if (!json_scalar(c, val, sizeof(val)))
        return false;
    if (strcmp(key, "id") == 0)
        copy_str(m->id, sizeof(m->id), val);
    else if (strcmp(key, "full_id") == 0)
        copy_str(m->full_id, sizeof(m->full_id), val);
    else if (strcmp(key, "name") == 0)
        copy_str(m->name, sizeof(m->name), val);
    else if (strcmp(key, "image") == 0)
        copy_str(m->image, sizeof(m->image), val);
    else if (strcmp(key, "imageid") == 0)
        copy_str(m->image_id, sizeof(m->image_id), val);
    else if (strcmp(key, "type") == 0)
        copy_str(m->type, sizeof(m->type),
                 isdigit((unsigned char)val[0]) ? container_type_name(strtol(val, NULL, 10))
                                                : val);
    else if (strcmp(key, "privileged") == 0)
        m->privileged = strcmp(val, "true") == 0 ? 1 : (strcmp(val, "false") == 0 ? 0 : -1);
    return true;
}

static bool root_member(void *ud, const char *key, struct json_cursor *c)
{
    if (strcmp(key, "container") == 0) {
        json_ws(c);
        if (c->p < c->end && *c->p == '{')
            return json_object_members(c, container_member, ud);
    }
    return json_skip_value(c, 0);
}

void sk_container_meta_init(struct sk_container_meta *m)
{
    memset(m, 0, sizeof(*m));
    m->privileged = -1;
}

bool sk_container_meta_from_json(const char *json, size_t len, struct sk_container_meta *m)
{
    struct json_cursor c = {json, json + len};

    sk_container_meta_init(m);
    /* Strip a trailing NUL the CHARBUF may carry. */
    while (c.end > c.p && c.end[-1] == '\0')
        c.end--;
    if (!json_object_members(&c, root_member, m))
        return false;
    if (!m->id[0] && m->full_id[0])
        copy_str(m->id, 13, m->full_id);
    if (strlen(m->id) > 12 && !m->full_id[0]) {
        copy_str(m->full_id, sizeof(m->full_id), m->id);
        m->id[12] = '\0';
    }
    return m->id[0] != '\0';
}
