/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctr_api.c: the Docker-compatible container API (docker.sock, podman.sock)
 * as bpfdig-agent uses it: list, inspect and events, container ids of cgroup
 * paths, and the CONTAINER_JSON_2_E event that carries the metadata.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <scapkit/format.h>
#include <scapkit/state.h>

#include "containers.h"

#define EV_CONTAINER_JSON_2_E 324

/* ------------------------------------------------------------- sockets */

int bd_ctr_default_sockets(char out[][256], int max)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    int n = 0;

    if (n < max)
        snprintf(out[n++], 256, "%s", "/var/run/docker.sock");
    if (n < max)
        snprintf(out[n++], 256, "%s", "/run/podman/podman.sock");
    if (xdg && xdg[0] == '/' && n < max &&
        snprintf(out[n], 256, "%s/podman/podman.sock", xdg) < 256)
        n++;
    return n;
}

/* ----------------------------------------------------------------- ids */

const char *bd_ctr_id_of_cgroups(const char *cgroups, size_t len, char full[65])
{
    char shortid[13];

    return sk_container_id_from_cgroups(cgroups, len, shortid, full);
}

const char *bd_ctr_id_of_path(const char *path, char full[65])
{
    char buf[1024];
    int n = snprintf(buf, sizeof(buf), "x=%s", path);

    full[0] = '\0';
    if (n < 0 || (size_t)n >= sizeof(buf))
        return NULL;
    return bd_ctr_id_of_cgroups(buf, (size_t)n + 1, full);
}

int bd_ctr_type_code(const char *runtime)
{
    static const struct {
        const char *name;
        int code;
    } types[] = {
        {"docker", 0},     {"lxc", 1},   {"libvirt-lxc", 2}, {"cri", 6},
        {"containerd", 7}, {"cri-o", 8}, {"podman", 11},
    };

    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(runtime, types[i].name) == 0)
            return types[i].code;
    }
    return 0;
}

/* ----------------------------------------------------------- selection */

static bool is_id_prefix(const char *s)
{
    size_t n = strlen(s);

    return n >= 3 && n <= 64 && strspn(s, "0123456789abcdef") == n;
}

bool bd_ctr_selected(char sel[][256], int nsel, const char *id, const char *name)
{
    for (int i = 0; i < nsel; i++) {
        if (is_id_prefix(sel[i]) && strncmp(id, sel[i], strlen(sel[i])) == 0)
            return true;
        if (name && name[0] && strcmp(sel[i], name) == 0)
            return true;
    }
    return false;
}

/* ------------------------------------------------------------- parsing */

static void str_at(struct bd_jv v, const char *path, char *buf, size_t size)
{
    struct bd_jv x;

    buf[0] = '\0';
    if (bd_json_path(v, path, &x) && !bd_json_str(x, buf, size))
        buf[0] = '\0';
}

static bool is_hex64(const char *s)
{
    size_t n = strspn(s, "0123456789abcdef");

    return n == 64 && s[64] == '\0';
}

/* "sha256:abc..." -> "abc..." (sinsp keeps the part after the colon). */
static void strip_digest_algo(char *s)
{
    char *colon = strchr(s, ':');

    if (colon)
        memmove(s, colon + 1, strlen(colon + 1) + 1);
}

static void strip_slash(char *s)
{
    if (s[0] == '/')
        memmove(s, s + 1, strlen(s));
}

/* Appends "key\0value\0" when both fit; labels that do not fit are left out. */
static void add_label(struct bd_ctr_info *ci, const char *key, const char *val)
{
    size_t kl = strlen(key) + 1, vl = strlen(val) + 1;

    if (ci->labels_len + kl + vl > sizeof(ci->labels))
        return;
    memcpy(ci->labels + ci->labels_len, key, kl);
    memcpy(ci->labels + ci->labels_len + kl, val, vl);
    ci->labels_len += kl + vl;
    ci->nlabels++;
}

static void parse_labels(struct bd_jv labels, struct bd_ctr_info *ci)
{
    enum { KEY_MAX = 1024, VAL_MAX = 8192 };
    char *key = malloc(KEY_MAX + VAL_MAX), *val = key + KEY_MAX;
    struct bd_jit it;
    struct bd_jv k, v;

    if (key && bd_json_iter(labels, &it) && it.close == '}') {
        while (bd_json_next(&it, &k, &v)) {
            if (bd_json_str(k, key, KEY_MAX) && bd_json_str(v, val, VAL_MAX))
                add_label(ci, key, val);
        }
    }
    free(key);
}

/* "2026-11-23T11:19:44.103114451Z" (UTC) -> seconds since the epoch, 0 if not that. */
static long long parse_rfc3339(const char *s)
{
    struct tm tm;
    int y, mo, d, h, mi, sec;

    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6 || y < 1971)
        return 0;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    return (long long)timegm(&tm);
}

int bd_ctr_parse_inspect(const char *json, size_t len, struct bd_ctr_info *ci)
{
    struct bd_jv root, v;
    char created[64];
    long long n;

    memset(ci, 0, sizeof(*ci));
    ci->privileged = -1;
    if (!bd_json_root(json, len, &root) || bd_json_kind(root) != '{')
        return -EPROTO;
    str_at(root, "Id", ci->id, sizeof(ci->id));
    if (!is_hex64(ci->id))
        return -EPROTO;
    str_at(root, "Name", ci->name, sizeof(ci->name));
    strip_slash(ci->name);
    str_at(root, "Config.Image", ci->image, sizeof(ci->image));
    str_at(root, "Image", ci->imageid, sizeof(ci->imageid));
    strip_digest_algo(ci->imageid);
    if (bd_json_path(root, "HostConfig.Privileged", &v))
        ci->privileged = bd_json_bool(v);
    if (bd_json_path(root, "State.Pid", &v) && bd_json_int(v, &n) && n > 0 && n < (1 << 30))
        ci->pid = (int)n;
    if (bd_json_path(root, "State.Running", &v))
        ci->running = bd_json_bool(v) == 1;
    if (bd_json_path(root, "Config.Labels", &v))
        parse_labels(v, ci);
    str_at(root, "Created", created, sizeof(created));
    ci->created = parse_rfc3339(created);
    return 0;
}

static void parse_summary(struct bd_jv c, struct bd_ctr_summary *s)
{
    struct bd_jv names, first;
    struct bd_jit it;
    char state[32];

    memset(s, 0, sizeof(*s));
    str_at(c, "Id", s->id, sizeof(s->id));
    if (bd_json_get(c, "Names", &names) && bd_json_iter(names, &it) &&
        bd_json_next(&it, NULL, &first) && bd_json_str(first, s->name, sizeof(s->name)))
        strip_slash(s->name);
    str_at(c, "Image", s->image, sizeof(s->image));
    str_at(c, "State", state, sizeof(state));
    s->running = strcmp(state, "running") == 0;
}

int bd_ctr_parse_list(const char *json, size_t len, bd_ctr_list_fn fn, void *ud)
{
    struct bd_jv root, c;
    struct bd_jit it;
    int r;

    if (!bd_json_root(json, len, &root) || !bd_json_iter(root, &it) || it.close != ']')
        return -EPROTO;
    while (bd_json_next(&it, NULL, &c)) {
        struct bd_ctr_summary s;

        if (bd_json_kind(c) != '{')
            continue;
        parse_summary(c, &s);
        if (!is_hex64(s.id))
            continue;
        r = fn(ud, &s);
        if (r)
            return r;
    }
    return 0;
}

bool bd_ctr_parse_event(const char *json, size_t len, struct bd_ctr_event *ev)
{
    struct bd_jv root;
    char type[32];

    memset(ev, 0, sizeof(*ev));
    if (!bd_json_root(json, len, &root) || bd_json_kind(root) != '{')
        return false;
    str_at(root, "Type", type, sizeof(type));
    if (type[0] && strcmp(type, "container") != 0)
        return false;
    str_at(root, "Action", ev->action, sizeof(ev->action));
    if (!ev->action[0])
        str_at(root, "status", ev->action, sizeof(ev->action));
    str_at(root, "Actor.ID", ev->id, sizeof(ev->id));
    if (!ev->id[0])
        str_at(root, "id", ev->id, sizeof(ev->id));
    str_at(root, "Actor.Attributes.name", ev->name, sizeof(ev->name));
    strip_slash(ev->name);
    return is_hex64(ev->id) && ev->action[0];
}

/* ------------------------------------------------------ names on disk */

bool bd_ctr_storage_name(const char *json, size_t len, const char *id, char *name, size_t size)
{
    struct bd_jv root, c, names, first;
    struct bd_jit it, nit;
    char cid[72];

    if (!bd_json_root(json, len, &root) || !bd_json_iter(root, &it) || it.close != ']')
        return false;
    while (bd_json_next(&it, NULL, &c)) {
        str_at(c, "id", cid, sizeof(cid));
        if (strcmp(cid, id) != 0)
            continue;
        return bd_json_get(c, "names", &names) && bd_json_iter(names, &nit) &&
               bd_json_next(&nit, NULL, &first) && bd_json_str(first, name, size);
    }
    return false;
}

/* A whole small file into a malloc'ed buffer (NULL if absent or too big). */
static char *read_small_file(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "re");
    char *buf = NULL;
    size_t n = 0, cap = 0;

    if (!f)
        return NULL;
    for (;;) {
        size_t r;
        if (n == cap) {
            char *nb;
            cap = cap ? cap * 2 : 65536;
            if (cap > max || !(nb = realloc(buf, cap + 1)))
                break;
            buf = nb;
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            fclose(f);
            *len = n;
            buf[n] = '\0';
            return buf;
        }
    }
    fclose(f);
    free(buf);
    return NULL;
}

/* containers/storage (podman, CRI-O): <graphroot>/<driver>-containers/containers.json */
static bool storage_name(const char *id, char *name, size_t size)
{
    static const char *const files[] = {
        "/var/lib/containers/storage/overlay-containers/containers.json",
        "/var/lib/containers/storage/vfs-containers/containers.json",
        "/var/lib/containers/storage/btrfs-containers/containers.json",
    };
    bool found = false;

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && !found; i++) {
        size_t len;
        char *json = read_small_file(files[i], 64u << 20, &len);

        if (json)
            found = bd_ctr_storage_name(json, len, id, name, size);
        free(json);
    }
    return found;
}

/* docker: /var/lib/docker/containers/<id>/config.v2.json, "Name":"/x" */
static bool docker_name(const char *id, char *name, size_t size)
{
    char path[256];
    struct bd_jv root;
    size_t len;
    char *json;
    bool found = false;

    snprintf(path, sizeof(path), "/var/lib/docker/containers/%s/config.v2.json", id);
    json = read_small_file(path, 16u << 20, &len);
    if (json && bd_json_root(json, len, &root)) {
        str_at(root, "Name", name, size);
        strip_slash(name);
        found = name[0] != '\0';
    }
    free(json);
    return found;
}

bool bd_ctr_local_name(const char *id, char *name, size_t size)
{
    if (!is_hex64(id))
        return false;
    return storage_name(id, name, size) || docker_name(id, name, size);
}

/* ---------------------------------------------------------- event JSON */

/* repo, tag and digest of "registry/repo:tag@sha256:..." as sinsp splits them. */
static void split_image(const char *image, char *repo, size_t rsize, char *tag, size_t tsize,
                        char *digest, size_t dsize)
{
    char buf[512];
    char *at, *slash, *colon;

    snprintf(buf, sizeof(buf), "%s", image);
    digest[0] = tag[0] = '\0';
    at = strchr(buf, '@');
    if (at) {
        *at = '\0';
        snprintf(digest, dsize, "%s", at + 1);
    }
    slash = strrchr(buf, '/');
    colon = strrchr(slash ? slash : buf, ':');
    if (colon) {
        *colon = '\0';
        snprintf(tag, tsize, "%s", colon + 1);
    }
    snprintf(repo, rsize, "%s", buf);
}

static void write_labels(struct bd_jw *w, const struct bd_ctr_info *ci)
{
    const char *p = ci->labels, *end = ci->labels + ci->labels_len;
    bool first = true;

    bd_jw_key(w, "labels", false);
    bd_jw_raw(w, "{");
    while (p < end) {
        const char *k = p, *v = p + strlen(p) + 1;

        if (v >= end)
            break;
        bd_jw_kv_str(w, k, v, first);
        first = false;
        p = v + strlen(v) + 1;
    }
    bd_jw_raw(w, "}");
}

static void write_image(struct bd_jw *w, const struct bd_ctr_info *ci)
{
    char repo[512], tag[128], digest[160];

    split_image(ci->image, repo, sizeof(repo), tag, sizeof(tag), digest, sizeof(digest));
    bd_jw_kv_str(w, "image", ci->image, false);
    bd_jw_kv_str(w, "imageid", ci->imageid, false);
    bd_jw_kv_str(w, "imagerepo", repo, false);
    bd_jw_kv_str(w, "imagetag", tag, false);
    bd_jw_kv_str(w, "imagedigest", digest, false);
}

/* The resource keys sinsp always writes, with "unknown/unlimited" values. */
static void write_fixed(struct bd_jw *w)
{
    bd_jw_raw(w, ",\"Mounts\":[],\"ip\":\"0.0.0.0\",\"port_mappings\":[],\"env\":[]");
    bd_jw_kv_int(w, "memory_limit", 0, false);
    bd_jw_kv_int(w, "swap_limit", 0, false);
    bd_jw_kv_int(w, "cpu_shares", 1024, false);
    bd_jw_kv_int(w, "cpu_quota", 0, false);
    bd_jw_kv_int(w, "cpu_period", 100000, false);
    bd_jw_kv_int(w, "cpuset_cpu_count", 0, false);
    bd_jw_kv_int(w, "metadata_deadline", 0, false);
}

size_t bd_ctr_event_json(const struct bd_ctr_info *ci, char *buf, size_t cap)
{
    struct bd_jw w;
    char shortid[13];

    snprintf(shortid, sizeof(shortid), "%.12s", ci->id);
    bd_jw_init(&w, buf, cap);
    bd_jw_raw(&w, "{\"container\":{");
    bd_jw_kv_str(&w, "id", shortid, true);
    bd_jw_kv_str(&w, "full_id", ci->id, false);
    bd_jw_kv_int(&w, "type", bd_ctr_type_code(ci->runtime), false);
    bd_jw_kv_str(&w, "name", ci->name, false);
    write_image(&w, ci);
    bd_jw_kv_bool(&w, "privileged", ci->privileged == 1, false);
    bd_jw_kv_bool(&w, "is_pod_sandbox", false, false);
    bd_jw_kv_int(&w, "lookup_state", 1, false); /* SUCCESSFUL */
    bd_jw_kv_int(&w, "created_time", ci->created, false);
    write_fixed(&w);
    write_labels(&w, ci);
    bd_jw_raw(&w, "}}");
    return w.overflow ? 0 : w.len;
}

int bd_ctr_event_block(uint8_t *buf, size_t cap, uint64_t ts, const char *json, size_t json_len,
                       uint32_t *block_type, size_t *body_len)
{
    struct sk_event_builder b;

    if (json_len + 1 > UINT32_MAX)
        return -EMSGSIZE;
    /* meta events carry tid -1 and cpu 0, as sinsp's dumper writes them */
    sk_evb_begin(&b, buf, cap, 0, ts, -1, EV_CONTAINER_JSON_2_E);
    sk_evb_add(&b, json, (uint32_t)json_len + 1); /* with its NUL */
    return sk_evb_finish(&b, block_type, body_len);
}

/* ---------------------------------------------------------------- calls */

static bool is_url_safe(const char *s)
{
    return s[0] && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
                       strlen(s);
}

int bd_ctr_inspect(const char *sock, const char *id, int timeout_ms, struct bd_ctr_info *ci)
{
    struct bd_http_result res;
    char path[128];
    int r;

    if (!is_url_safe(id) || strlen(id) > 64)
        return -EINVAL;
    snprintf(path, sizeof(path), "/containers/%s/json", id);
    r = bd_http_get(sock, path, timeout_ms, BD_HTTP_MAX_BODY, &res);
    if (r)
        return r;
    if (res.status == 404)
        r = -ENOENT;
    else if (res.status != 200)
        r = -EPROTO;
    else
        r = bd_ctr_parse_inspect(res.body, res.body_len, ci);
    bd_http_free(&res);
    return r;
}

int bd_ctr_list(const char *sock, bool all, int timeout_ms, bd_ctr_list_fn fn, void *ud)
{
    struct bd_http_result res;
    int r;

    r = bd_http_get(sock, all ? "/containers/json?all=1" : "/containers/json", timeout_ms,
                    BD_HTTP_MAX_BODY, &res);
    if (r)
        return r;
    r = res.status == 200 ? bd_ctr_parse_list(res.body, res.body_len, fn, ud) : -EPROTO;
    bd_http_free(&res);
    return r;
}

/* ------------------------------------------------------ arrays */

int bd_grow(void **items, int *cap, int n, size_t elem, int first)
{
    int want = *cap ? *cap * 2 : first;
    void *p;

    if (n < *cap)
        return 0;
    p = realloc(*items, (size_t)want * elem);
    if (!p)
        return -ENOMEM;
    *items = p;
    *cap = want;
    return 0;
}

/* ------------------------------------------------------ --list-containers */

struct print_ctx {
    char (*seen)[13];
    int nseen, cap;
};

static int print_one(void *ud, const struct bd_ctr_summary *s)
{
    struct print_ctx *pc = ud;
    char id[13];

    snprintf(id, sizeof(id), "%.12s", s->id);
    for (int i = 0; i < pc->nseen; i++) {
        if (strcmp(pc->seen[i], id) == 0)
            return 0; /* docker.sock may be podman's too */
    }
    if (bd_grow((void **)&pc->seen, &pc->cap, pc->nseen, sizeof(*pc->seen), 64))
        return -ENOMEM;
    memcpy(pc->seen[pc->nseen++], id, sizeof(id));
    if (s->running)
        printf("%s\t%s\t%s\n", id, s->name, s->image);
    return 0;
}

int bd_ctr_print_list(char sockets[][256], int nsockets, bool verbose)
{
    struct print_ctx pc = {0};
    int present = 0, answered = 0;

    for (int i = 0; i < nsockets; i++) {
        struct stat st;
        int r;

        if (stat(sockets[i], &st) != 0 || !S_ISSOCK(st.st_mode)) {
            if (verbose)
                fprintf(stderr, "bpfdig-agent: %s: no container runtime socket\n", sockets[i]);
            continue;
        }
        present++;
        r = bd_ctr_list(sockets[i], false, BD_CTR_TIMEOUT_MS, print_one, &pc);
        if (r)
            fprintf(stderr, "bpfdig-agent: %s: listing the containers failed: %s%s\n", sockets[i],
                    strerror(-r),
                    r == -EACCES ? " (run as root or as a member of the socket's group)" : "");
        answered += r == 0;
    }
    free(pc.seen);
    fflush(stdout);
    /* No runtime at all is an empty list; runtimes that all fail are an error. */
    if (present && !answered) {
        fprintf(stderr, "bpfdig-agent: no container runtime answered\n");
        return -1;
    }
    if (verbose && !present)
        fprintf(stderr, "bpfdig-agent: no container runtime socket found\n");
    return 0;
}
