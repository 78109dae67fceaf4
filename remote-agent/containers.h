/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container metadata for bpfdig-agent: a bounded JSON reader/writer, a small
 * HTTP/1.1 client over unix sockets, the Docker-compatible API (docker,
 * podman), the metadata worker that turns new container ids into
 * CONTAINER_JSON_2_E events, and the watcher that keeps the in-kernel
 * container filter up to date. See docs/containers.md.
 *
 *   ctr_json.c    JSON reading (no allocation, depth- and size-bounded), writing
 *   ctr_http.c    HTTP response parsing (incl. chunked), GET over a unix socket
 *   ctr_api.c     API requests and responses, container ids of cgroup paths,
 *                 the event JSON and block
 *   ctr_meta.c    worker thread: lookups for the event path (never blocks it)
 *   ctr_filter.c  --container: names/ids -> cgroup ids in the probe's map,
 *                 at start and for containers created later (inotify + /events)
 */
#ifndef BPFDIG_CONTAINERS_H
#define BPFDIG_CONTAINERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ------------------------------------------------------------------ JSON */

/* A JSON value: p points at its first byte, end bounds the whole document. */
struct bd_jv {
    const char *p, *end;
};

struct bd_jit {
    const char *p, *end;
    char close; /* '}' or ']' */
    bool started;
};

#define BD_JSON_MAX_DEPTH 64

/* The value of one hex digit, or -1. */
int bd_hex_digit(char c);

/* The document's top value (after leading white space); false if not a whole valid value. */
bool bd_json_root(const char *s, size_t len, struct bd_jv *out);
/* Member of an object by key; false if v is not an object or has no such key. */
bool bd_json_get(struct bd_jv obj, const char *key, struct bd_jv *out);
/* Nested members by a dotted path ("Config.Labels"). */
bool bd_json_path(struct bd_jv v, const char *path, struct bd_jv *out);
/* Iterate an object's members (key is set) or an array's elements (key untouched). */
bool bd_json_iter(struct bd_jv v, struct bd_jit *it);
bool bd_json_next(struct bd_jit *it, struct bd_jv *key, struct bd_jv *val);
/* Decoded string into buf (UTF-8, truncated to fit, always terminated); false if not a string. */
bool bd_json_str(struct bd_jv v, char *buf, size_t size);
/* true/false -> 1/0; anything else -1. */
int bd_json_bool(struct bd_jv v);
bool bd_json_int(struct bd_jv v, long long *out);
/* '{', '[', '"', 't', 'f', 'n', '0' (number), or 0 when empty. */
char bd_json_kind(struct bd_jv v);

/* Writer into a fixed buffer; overflow is sticky and leaves a terminated prefix. */
struct bd_jw {
    char *buf;
    size_t cap, len;
    bool overflow;
};
void bd_jw_init(struct bd_jw *w, char *buf, size_t cap);
void bd_jw_raw(struct bd_jw *w, const char *s);
void bd_jw_str(struct bd_jw *w, const char *s); /* quoted and escaped */
void bd_jw_key(struct bd_jw *w, const char *key, bool first);
void bd_jw_kv_str(struct bd_jw *w, const char *key, const char *val, bool first);
void bd_jw_kv_int(struct bd_jw *w, const char *key, long long val, bool first);
void bd_jw_kv_bool(struct bd_jw *w, const char *key, bool val, bool first);

/* ------------------------------------------------------------------ HTTP */

#define BD_HTTP_MAX_HEAD 16384
#define BD_HTTP_MAX_BODY (4u << 20) /* an inspect or list response */

struct bd_http_head {
    int status;
    long long content_length; /* -1 when absent */
    bool chunked;
    size_t head_len; /* bytes up to and including the blank line */
};

/* >0: head complete (its length); 0: need more bytes; <0: not HTTP/1.x or malformed. */
int bd_http_parse_head(const char *buf, size_t len, struct bd_http_head *h);

/* Incremental chunked-transfer decoder, in place. */
struct bd_dechunk {
    int state;
    uint64_t remain; /* bytes left in the current chunk */
    unsigned digits;
    bool done; /* the last (0-size) chunk was seen */
};
/* Decodes buf[0..len) in place; returns the payload bytes now at buf[0..ret), or -1. */
long bd_dechunk(struct bd_dechunk *d, char *buf, size_t len);

/* Incremental response reader: feed the whole buffer read so far after every read. */
struct bd_http_rx {
    struct bd_http_head h;
    bool have_head;
    struct bd_dechunk d;
    size_t body_len; /* decoded body bytes, at buf + h.head_len */
};
/*
 * Chunked bodies are decoded in place, so *len may shrink. Returns 1 when
 * the response is complete, 0 when more bytes are needed, <0 when malformed
 * (or truncated at eof).
 */
int bd_http_rx_feed(struct bd_http_rx *rx, char *buf, size_t *len, bool eof);
/* A whole response (read to EOF) in buf: the body decoded in place. 0 or <0. */
int bd_http_complete(char *buf, size_t len, struct bd_http_head *h, char **body, size_t *body_len);

struct bd_http_result {
    int status;
    char *data; /* malloc'ed; the body starts at body */
    char *body;
    size_t body_len;
};
/* Non-blocking connect with a deadline; returns the fd or -errno. */
int bd_unix_connect(const char *path, int timeout_ms);
/* GET path over the unix socket sock. 0 with res filled (free with bd_http_free), or -errno. */
int bd_http_get(const char *sock, const char *path, int timeout_ms, size_t max_body,
                struct bd_http_result *res);
void bd_http_free(struct bd_http_result *res);

/* ------------------------------------------------------------ containers */

#define BD_CTR_MAX_SOCKETS 8
#define BD_CTR_LABELS_MAX  16384 /* "key\0value\0" pairs */
#define BD_CTR_JSON_MAX    65536 /* one event's JSON */
#define BD_CTR_TIMEOUT_MS  2000  /* one API request, connect to last byte */

struct bd_ctr_info {
    char id[65]; /* full id */
    char name[256];
    char image[512];   /* as the user named it: "localhost/x:latest" */
    char imageid[160]; /* hex, without "sha256:" */
    char runtime[16];  /* "docker", "podman", "cri", "cri-o", ... ("" = unknown) */
    int privileged;    /* 1, 0, -1 unknown */
    long long created; /* seconds since the epoch, 0 unknown */
    int pid;           /* host pid of the main process, 0 unknown */
    bool running;
    char labels[BD_CTR_LABELS_MAX];
    size_t labels_len;
    unsigned nlabels;
};

/* The socket paths to try by default (docker, rootful podman, $XDG_RUNTIME_DIR podman). */
int bd_ctr_default_sockets(char out[][256], int max);

/*
 * --container matching: a selection is a name (exact) or an id prefix (3 to
 * 64 lowercase hex digits). name may be NULL (then only ids match).
 */
bool bd_ctr_selected(char sel[][256], int nsel, const char *id, const char *name);

/* Full (64 hex) id and runtime of one cgroup path ("/libpod_parent/libpod-<id>"). */
const char *bd_ctr_id_of_path(const char *path, char full[65]);
/* The same over a "subsys=path\0..." list. */
const char *bd_ctr_id_of_cgroups(const char *cgroups, size_t len, char full[65]);

int bd_ctr_parse_inspect(const char *json, size_t len, struct bd_ctr_info *ci);
/* One entry of GET /containers/json. */
struct bd_ctr_summary {
    char id[65];
    char name[256];
    char image[512];
    bool running;
};
typedef int (*bd_ctr_list_fn)(void *ud, const struct bd_ctr_summary *s);
int bd_ctr_parse_list(const char *json, size_t len, bd_ctr_list_fn fn, void *ud);

/* One line of GET /events (Docker-compatible). */
struct bd_ctr_event {
    char action[32]; /* "create", "start", "rename", "destroy" ... */
    char id[65];
    char name[256];
};
bool bd_ctr_parse_event(const char *json, size_t len, struct bd_ctr_event *ev);

/*
 * The name of a container from the runtimes' files, readable as soon as the
 * container is created (before its cgroup): containers/storage's
 * containers.json (podman, CRI-O), docker's config.v2.json.
 */
bool bd_ctr_local_name(const char *full_id, char *name, size_t size);
/* The first of "names" of the entry with "id" in a containers.json array. */
bool bd_ctr_storage_name(const char *json, size_t len, const char *id, char *name, size_t size);

/* sinsp's {"container":{...}} for one container; returns the length (0 on overflow). */
size_t bd_ctr_event_json(const struct bd_ctr_info *ci, char *buf, size_t cap);
/* A CONTAINER_JSON_2_E block body (EV_V2_LARGE) into buf. 0 or <0. */
int bd_ctr_event_block(uint8_t *buf, size_t cap, uint64_t ts, const char *json, size_t json_len,
                       uint32_t *block_type, size_t *body_len);
/* sinsp container type number of a runtime name. */
int bd_ctr_type_code(const char *runtime);

/* API calls on one socket (0, -ENOENT when the runtime does not know the id, or -errno). */
int bd_ctr_inspect(const char *sock, const char *id, int timeout_ms, struct bd_ctr_info *ci);
/* all: also the containers that are created but not running */
int bd_ctr_list(const char *sock, bool all, int timeout_ms, bd_ctr_list_fn fn, void *ud);

/*
 * Room for one more element of size elem in the array *items of *cap
 * elements holding n: doubles it (first: the first size) when full.
 * 0, or -ENOMEM with the array unchanged.
 */
int bd_grow(void **items, int *cap, int n, size_t elem, int first);

/*
 * --list-containers: "ID12\tNAME\tIMAGE" lines for the running containers of every socket.
 * No socket at all is an empty list (0); -1 when sockets exist but none answers
 * (each failure is on stderr).
 */
int bd_ctr_print_list(char sockets[][256], int nsockets, bool verbose);

/* ------------------------------------------------------- metadata worker */

struct bd_cmeta;
struct bd_cmeta_ready {
    struct bd_cmeta_ready *next;
    uint64_t ts; /* first event of the container (0: running at start) */
    char id[13];
    size_t json_len;
    char json[]; /* NUL-terminated */
};

/*
 * Starts the worker; it first looks up every running container (only those
 * bd_ctr_selected() keeps when nselect > 0: the --container selection).
 */
int bd_cmeta_start(struct bd_cmeta **out, char sockets[][256], int nsockets, char select[][256],
                   int nselect, bool verbose);
/* Event path: a container id seen in a cgroup list (cheap, never blocks on I/O). */
void bd_cmeta_seen(struct bd_cmeta *m, const char *full_id, const char *runtime, uint64_t ts);
/*
 * Oldest event time the writer must hold back while a lookup is under way
 * (UINT64_MAX when none); each lookup is waited for at most a few seconds.
 */
uint64_t bd_cmeta_hold(struct bd_cmeta *m);
/* Finished lookups, oldest first; the caller frees each with free(). */
struct bd_cmeta_ready *bd_cmeta_take(struct bd_cmeta *m);
void bd_cmeta_stop(struct bd_cmeta *m);

/* ------------------------------------------------- container filter */

#define BD_CTR_MAX_SELECT 16

struct bd_cfilter_opts {
    char select[BD_CTR_MAX_SELECT][256]; /* names or id prefixes */
    int nselect;
    char (*sockets)[256];
    int nsockets;
    char root[256]; /* the cgroup hierarchy the probe's map is keyed on */
    bool verbose;
};
struct bd_cfilter;
/*
 * Resolves the selection at start: fills ids[] with the cgroup ids (inode
 * numbers under opts->root) of the running matching containers.
 */
int bd_cfilter_prepare(struct bd_cfilter **out, const struct bd_cfilter_opts *o, uint64_t *ids,
                       int max_ids, int *nids);
/* Starts watching for new matching containers; their cgroup ids go into map_fd. */
int bd_cfilter_run(struct bd_cfilter *f, int map_fd);
void bd_cfilter_stop(struct bd_cfilter *f);

#endif /* BPFDIG_CONTAINERS_H */
