/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The agent's container code that needs neither a probe nor a runtime: the
 * JSON reader/writer, HTTP response parsing (chunked included), the
 * Docker-compatible API's responses, the event JSON (read back with
 * scapkit's reader), container ids of cgroup paths, the --container match.
 * Garbage and truncated inputs must be rejected without reading out of
 * bounds (run under ASan in the sanitizer build).
 */
#include "check.h"

#include <stdint.h>

#include "container_internal.h"
#include "containers.h"
#include "scapkit/format.h"

#define ID64  "3cbe2afdc5e06625c4493ae1f8137ba42a91e06e2afbe23b1e443c08cdd73350"
#define ID64B "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* ------------------------------------------------------------------ JSON */

static struct bd_jv root_of(const char *s)
{
    struct bd_jv v = {0};

    CHECK(bd_json_root(s, strlen(s), &v));
    return v;
}

static void test_json_read(void)
{
    const char *doc = " {\"a\":{\"b\":[1,2,{\"c\":\"x\\u00e9\\ud83d\\ude00\\n\"}]},\"t\":true,"
                      "\"f\":false,\"n\":null,\"i\":-42,\"k\\\"q\":\"v\"} ";
    struct bd_jv r = root_of(doc), v, k, e;
    struct bd_jit it;
    char buf[64];
    long long n;
    int count = 0;

    CHECK(bd_json_kind(r) == '{');
    CHECK(bd_json_path(r, "a.b", &v) && bd_json_kind(v) == '[');
    CHECK(bd_json_iter(v, &it));
    while (bd_json_next(&it, NULL, &e))
        count++;
    CHECK_INT(count, 3);
    CHECK(bd_json_iter(v, &it) && bd_json_next(&it, NULL, &e) && bd_json_next(&it, NULL, &e) &&
          bd_json_next(&it, NULL, &e) && bd_json_get(e, "c", &v) &&
          bd_json_str(v, buf, sizeof(buf)));
    CHECK_STR(buf, "x\xc3\xa9\xf0\x9f\x98\x80\n");
    CHECK(bd_json_get(r, "t", &v) && bd_json_bool(v) == 1);
    CHECK(bd_json_get(r, "f", &v) && bd_json_bool(v) == 0);
    CHECK(bd_json_get(r, "n", &v) && bd_json_bool(v) == -1 && bd_json_kind(v) == 'n');
    CHECK(bd_json_get(r, "i", &v) && bd_json_int(v, &n) && n == -42);
    CHECK(bd_json_get(r, "k\"q", &v) && bd_json_str(v, buf, sizeof(buf)) && !strcmp(buf, "v"));
    CHECK(!bd_json_get(r, "missing", &v));
    CHECK(!bd_json_path(r, "a.b.c", &v)); /* b is an array */
    /* keys of an object */
    CHECK(bd_json_iter(r, &it) && bd_json_next(&it, &k, &v) && bd_json_str(k, buf, sizeof(buf)));
    CHECK_STR(buf, "a");
    /* truncation keeps whole characters and terminates */
    CHECK(bd_json_path(r, "a.b", &v));
    {
        struct bd_jv s = root_of("\"ab\\u00e9cd\"");
        char small[4];
        CHECK(bd_json_str(s, small, sizeof(small)));
        CHECK_STR(small, "ab");
    }
    {
        /* a raw two-byte character that does not fit is left out whole */
        struct bd_jv s = root_of("\"a\xc3\xa9\"");
        char small[3], fits[4];
        CHECK(bd_json_str(s, small, sizeof(small)));
        CHECK_STR(small, "a");
        CHECK(bd_json_str(s, fits, sizeof(fits)));
        CHECK_STR(fits, "a\xc3\xa9");
    }
}

static void test_json_bad(void)
{
    static const char *const bad[] = {
        "",      "{",           "{\"a\"}",    "{\"a\":}",    "[1,]x", "[1 2]", "\"abc",
        "\"a\\", "{\"a\":tru}", "{\"a\":1,}", "[\"\\u12\"]", "nul",   "{1:2}", "\"a\tb\"",
    };
    struct bd_jv v;
    char deep[300];
    char buf[16];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        bool ok = bd_json_root(bad[i], strlen(bad[i]), &v);
        /* "[1,]x": the value is invalid; everything here must be refused */
        if (ok)
            fprintf(stderr, "accepted bad JSON: %s\n", bad[i]);
        CHECK(!ok);
    }
    /* a string whose \u escape is cut is refused when decoded */
    CHECK(bd_json_root("\"\\u12\"", 6, &v) == false || !bd_json_str(v, buf, sizeof(buf)));
    /* nesting deeper than the bound is refused, not recursed into */
    memset(deep, '[', 200);
    memset(deep + 200, ']', 99);
    deep[299] = '\0';
    CHECK(!bd_json_root(deep, strlen(deep), &v));
    memset(deep, '[', 40);
    memset(deep + 40, ']', 40);
    deep[80] = '\0';
    CHECK(bd_json_root(deep, strlen(deep), &v));
}

static void test_json_write(void)
{
    char buf[256], small[8], out[64];
    struct bd_jw w;
    struct bd_jv r, v;

    bd_jw_init(&w, buf, sizeof(buf));
    bd_jw_raw(&w, "{");
    bd_jw_kv_str(&w, "s", "a\"b\\c\n\x01", true);
    bd_jw_kv_int(&w, "i", -7, false);
    bd_jw_kv_bool(&w, "b", true, false);
    bd_jw_raw(&w, "}");
    CHECK(!w.overflow);
    CHECK_STR(buf, "{\"s\":\"a\\\"b\\\\c\\u000a\\u0001\",\"i\":-7,\"b\":true}");
    CHECK(bd_json_root(buf, w.len, &r) && bd_json_get(r, "s", &v) &&
          bd_json_str(v, out, sizeof(out)));
    CHECK_STR(out, "a\"b\\c\n\x01");
    bd_jw_init(&w, small, sizeof(small));
    bd_jw_str(&w, "0123456789");
    CHECK(w.overflow);
    CHECK(strlen(small) < sizeof(small));
}

/* ------------------------------------------------------------------ HTTP */

static void test_http_head(void)
{
    struct bd_http_head h;
    const char *ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     "content-length:  12 \r\n\r\n{\"a\":1}";
    const char *chunked = "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: gzip, chunked\r\n\r\n";

    CHECK_INT(bd_http_parse_head(ok, strlen(ok), &h), (int)(strstr(ok, "{") - ok));
    CHECK_INT(h.status, 200);
    CHECK_INT(h.content_length, 12);
    CHECK(!h.chunked);
    CHECK(bd_http_parse_head(chunked, strlen(chunked), &h) > 0);
    CHECK_INT(h.status, 404);
    CHECK(h.chunked);
    CHECK_INT(h.content_length, -1);
    /* incomplete, then malformed */
    CHECK_INT(bd_http_parse_head(ok, 20, &h), 0);
    CHECK(bd_http_parse_head("HTTX/1.1 200 OK\r\n\r\n", 19, &h) < 0);
    CHECK(bd_http_parse_head("HTTP/1.1 2x0 OK\r\n\r\n", 19, &h) < 0);
    CHECK(bd_http_parse_head("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 40, &h) < 0);
    CHECK(bd_http_parse_head("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999\r\n\r\n", 54,
                             &h) < 0);
    CHECK(bd_http_parse_head("HTTP/1.1 200 OK\r\nX: a\nY: b\r\n\r\n", 30, &h) < 0);
    {
        /* a head that never ends is refused once it passes the bound */
        size_t n = BD_HTTP_MAX_HEAD + 10;
        char *big = malloc(n);
        memcpy(big, "HTTP/1.1 200 OK\r\n", 17);
        memset(big + 17, 'a', n - 17);
        CHECK(bd_http_parse_head(big, n, &h) < 0);
        free(big);
    }
}

static void test_dechunk(void)
{
    const char *wire = "4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\n"
                       "X-Trailer: 1\r\n\r\n";
    const char *want = "Wikipedia in \r\n\r\nchunks.";
    char buf[128];
    struct bd_dechunk d;
    long n;
    size_t total = 0;

    memset(&d, 0, sizeof(d));
    strcpy(buf, wire);
    n = bd_dechunk(&d, buf, strlen(wire));
    CHECK_INT(n, (long)strlen(want));
    CHECK(d.done && memcmp(buf, want, strlen(want)) == 0);

    /* byte by byte: the state survives every split */
    memset(&d, 0, sizeof(d));
    for (size_t i = 0; wire[i]; i++) {
        char c = wire[i];
        n = bd_dechunk(&d, &c, 1);
        CHECK(n >= 0);
        if (n == 1)
            buf[total++] = c;
    }
    CHECK_INT(total, strlen(want));
    CHECK(d.done && memcmp(buf, want, total) == 0);

    static const char *const bad[] = {
        "x\r\n",        "\r\n", "4\r\nWikiX\r\n", "4\nWiki\r\n", "ffffffffffffffffff\r\n",
        "0\r\n\r\nmore"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(&d, 0, sizeof(d));
        strcpy(buf, bad[i]);
        CHECK(bd_dechunk(&d, buf, strlen(bad[i])) < 0);
    }
}

static void test_http_rx(void)
{
    const char *chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5\r\n[1,2,\r\n2\r\n3]\r\n0\r\n\r\n";
    const char *plain = "HTTP/1.0 200 OK\r\n\r\nuntil-eof";
    char buf[256], *body;
    struct bd_http_rx rx;
    struct bd_http_head h;
    size_t len = 0, blen;
    int r = 0;

    /* fed as it arrives, a few bytes at a time */
    memset(&rx, 0, sizeof(rx));
    for (size_t i = 0; chunked[i] && r == 0; i += 3) {
        size_t k = strlen(chunked + i) < 3 ? strlen(chunked + i) : 3;
        memcpy(buf + len, chunked + i, k);
        len += k;
        r = bd_http_rx_feed(&rx, buf, &len, false);
    }
    CHECK_INT(r, 1);
    CHECK_INT(rx.body_len, 7);
    CHECK(memcmp(buf + rx.h.head_len, "[1,2,3]", 7) == 0);

    strcpy(buf, plain);
    CHECK_INT(bd_http_complete(buf, strlen(plain), &h, &body, &blen), 0);
    CHECK(blen == 9 && memcmp(body, "until-eof", 9) == 0);
    /* truncated bodies are errors at EOF */
    strcpy(buf, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    CHECK(bd_http_complete(buf, strlen(buf), &h, &body, &blen) < 0);
    strcpy(buf, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab");
    CHECK(bd_http_complete(buf, strlen(buf), &h, &body, &blen) < 0);
    strcpy(buf, "garbage garbage\r\n\r\n");
    CHECK(bd_http_complete(buf, strlen(buf), &h, &body, &blen) < 0);
    strcpy(buf, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK(bd_http_complete(buf, strlen(buf), &h, &body, &blen) == 0 && blen == 0);
}

/* ------------------------------------------------------------ API replies */

static const char inspect_json[] =
    "{\"Id\":\"" ID64 "\",\"Created\":\"2026-11-23T11:19:44.103114451Z\","
    "\"State\":{\"Status\":\"running\",\"Running\":true,\"Pid\":19287},"
    "\"Image\":\"sha256:a25053de8cfa47bdf45c3c8ce031d1eedc93c3a1d141546f6f5bd5a6578d8d16\","
    "\"Name\":\"/web\",\"HostConfig\":{\"Privileged\":true,\"Binds\":[]},"
    "\"Config\":{\"Hostname\":\"3cbe2afdc5e0\",\"Image\":\"registry.example:5000/team/app:1.2\","
    "\"Labels\":{\"io.kubernetes.pod.name\":\"web-1\",\"io.kubernetes.pod.namespace\":\"prod\","
    "\"io.kubernetes.pod.uid\":\"u-1\",\"quote\\\"d\":\"v\\u00e9\"}}}";

static void test_inspect(void)
{
    struct bd_ctr_info *ci = malloc(sizeof(*ci));

    CHECK_INT(bd_ctr_parse_inspect(inspect_json, strlen(inspect_json), ci), 0);
    CHECK_STR(ci->id, ID64);
    CHECK_STR(ci->name, "web");
    CHECK_STR(ci->image, "registry.example:5000/team/app:1.2");
    CHECK_STR(ci->imageid, "a25053de8cfa47bdf45c3c8ce031d1eedc93c3a1d141546f6f5bd5a6578d8d16");
    CHECK_INT(ci->privileged, 1);
    CHECK_INT(ci->pid, 19287);
    CHECK(ci->running);
    CHECK_INT(ci->nlabels, 4);
    CHECK_INT(ci->created, 1795432784);
    CHECK(bd_ctr_parse_inspect("{\"Id\":\"short\"}", 14, ci) < 0);
    CHECK(bd_ctr_parse_inspect("[]", 2, ci) < 0);
    CHECK(bd_ctr_parse_inspect(inspect_json, strlen(inspect_json) - 1, ci) < 0);
    free(ci);
}

static void test_event_json(void)
{
    struct bd_ctr_info *ci = malloc(sizeof(*ci));
    struct sk_container_meta *m = malloc(sizeof(*m));
    uint8_t block[8192];
    char json[BD_CTR_JSON_MAX];
    struct sk_event ev;
    uint32_t btype;
    size_t n, blen;

    CHECK_INT(bd_ctr_parse_inspect(inspect_json, strlen(inspect_json), ci), 0);
    snprintf(ci->runtime, sizeof(ci->runtime), "podman");
    n = bd_ctr_event_json(ci, json, sizeof(json));
    CHECK(n > 0 && n == strlen(json));
    /* what our dissector's reader makes of it */
    CHECK(sk_container_meta_from_json(json, n, m));
    CHECK_STR(m->id, "3cbe2afdc5e0");
    CHECK_STR(m->full_id, ID64);
    CHECK_STR(m->name, "web");
    CHECK_STR(m->image, "registry.example:5000/team/app:1.2");
    CHECK_STR(m->image_id, ci->imageid);
    CHECK_STR(m->type, "podman");
    CHECK_INT(m->privileged, 1);
    CHECK_STR(m->k8s_pod_name, "web-1");
    CHECK_STR(m->k8s_ns_name, "prod");
    CHECK_STR(m->k8s_pod_uid, "u-1");
    CHECK(strstr(m->labels, "quote\"d:v\xc3\xa9") != NULL);
    /* sinsp's split of the image name */
    CHECK(strstr(json, "\"imagerepo\":\"registry.example:5000/team/app\",\"imagetag\":\"1.2\""));
    CHECK(strstr(json, "\"lookup_state\":1"));
    /* the block: CONTAINER_JSON_2_E, large (u32 lengths), tid -1, JSON with its NUL */
    CHECK_INT(bd_ctr_event_block(block, sizeof(block), 1234, json, n, &btype, &blen), 0);
    CHECK_INT(btype, 0x221);
    CHECK_INT(sk_event_decode_block(btype, block, blen, &ev), 0);
    CHECK_INT(ev.type, 324);
    CHECK_INT(ev.tid, -1);
    CHECK_INT(ev.ts, 1234);
    CHECK_INT(ev.nparams, 1);
    CHECK(ev.param_len[0] == n + 1 && ev.param[0][n] == 0 && !memcmp(ev.param[0], json, n));
    CHECK(bd_ctr_event_block(block, 64, 1, json, n, &btype, &blen) < 0);
    /* labels that would overflow the JSON are refused, not cut */
    CHECK_INT(bd_ctr_event_json(ci, json, 100), 0);
    free(ci);
    free(m);
}

static int count_running(void *ud, const struct bd_ctr_summary *s)
{
    int *n = ud;

    if (s->running && !strcmp(s->name, "web") && !strcmp(s->image, "localhost/x:latest"))
        (*n)++;
    return 0;
}

static void test_list_and_events(void)
{
    const char *list =
        "[{\"Id\":\"" ID64 "\",\"Names\":[\"/web\"],\"Image\":\"localhost/x:latest\","
        "\"State\":\"running\",\"Labels\":{}},"
        "{\"Id\":\"" ID64B "\",\"Names\":[\"/old\"],\"State\":\"exited\"},"
        "{\"Id\":\"nothex\"},7]";
    const char *docker_ev = "{\"status\":\"create\",\"id\":\"" ID64 "\",\"from\":\"busybox\","
                            "\"Type\":\"container\",\"Action\":\"create\",\"Actor\":{\"ID\":\"" ID64
                            "\",\"Attributes\":{\"image\":\"busybox\",\"name\":\"web\"}},"
                            "\"scope\":\"local\",\"time\":1,\"timeNano\":1}";
    const char *image_ev = "{\"Type\":\"image\",\"Action\":\"pull\",\"Actor\":{\"ID\":\"x\"}}";
    struct bd_ctr_event ev;
    int n = 0;

    CHECK_INT(bd_ctr_parse_list(list, strlen(list), count_running, &n), 0);
    CHECK_INT(n, 1);
    CHECK(bd_ctr_parse_list("{}", 2, count_running, &n) < 0);
    CHECK(bd_ctr_parse_event(docker_ev, strlen(docker_ev), &ev));
    CHECK_STR(ev.action, "create");
    CHECK_STR(ev.id, ID64);
    CHECK_STR(ev.name, "web");
    CHECK(!bd_ctr_parse_event(image_ev, strlen(image_ev), &ev));
    CHECK(!bd_ctr_parse_event("{\"Action\":", 10, &ev));
}

static void test_storage_name(void)
{
    const char *json = "[{\"id\":\"" ID64B "\",\"names\":[\"other\"]},"
                       "{\"id\":\"" ID64 "\",\"names\":[\"web\",\"alias\"],\"image\":\"x\"}]";
    char name[64];

    CHECK(bd_ctr_storage_name(json, strlen(json), ID64, name, sizeof(name)));
    CHECK_STR(name, "web");
    CHECK(!bd_ctr_storage_name(json, strlen(json), "ffff", name, sizeof(name)));
    CHECK(!bd_ctr_storage_name("{", 1, ID64, name, sizeof(name)));
}

/* ------------------------------------------------------------- cgroup ids */

static void check_path(const char *path, const char *runtime, const char *id)
{
    char full[65];
    const char *rt = bd_ctr_id_of_path(path, full);

    if (!runtime) {
        if (rt)
            fprintf(stderr, "%s: found %s %s, want host\n", path, rt, full);
        CHECK(rt == NULL);
        return;
    }
    if (!rt || strcmp(rt, runtime) || strcmp(full, id))
        fprintf(stderr, "%s: got %s %s\n", path, rt ? rt : "(host)", full);
    CHECK(rt && !strcmp(rt, runtime));
    CHECK_STR(full, id);
}

static void test_cgroup_ids(void)
{
    char full[65];
    const char *rt;
    /* v1: one "controller=path" entry per hierarchy, v2: "=path" or "0::path" style */
    static const char v1[] = "cpu,cpuacct=/docker/" ID64 "\0memory=/docker/" ID64 "\0";
    static const char v2[] = "=/system.slice/docker-" ID64 ".scope\0";
    static const char host[] = "cpu=/user.slice\0name=systemd=/user.slice/session-1.scope\0";

    /* docker: cgroupfs and systemd drivers */
    check_path("/docker/" ID64, "docker", ID64);
    check_path("/system.slice/docker-" ID64 ".scope", "docker", ID64);
    /* podman: cgroupfs (no systemd), systemd, systemd with a sub-cgroup, rootless */
    check_path("/libpod_parent/libpod-" ID64, "podman", ID64);
    check_path("/machine.slice/libpod-" ID64 ".scope", "podman", ID64);
    check_path("/machine.slice/libpod-" ID64 ".scope/container", "podman", ID64);
    check_path("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID64 ".scope",
               "podman", ID64);
    /* Kubernetes: CRI with containerd and cri-o, cgroupfs and systemd drivers */
    check_path("/kubepods/burstable/pod0b8e-11/" ID64, "cri", ID64);
    check_path("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b8e_11.slice/"
               "cri-containerd-" ID64 ".scope",
               "cri", ID64);
    check_path("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/crio-" ID64
               ".scope",
               "cri", ID64);
    check_path(
        "/system.slice/containerd.service/kubepods-burstable-pod1.slice:cri-containerd:" ID64,
        "cri", ID64);
    check_path("/crio-" ID64, "cri-o", ID64);
    /* containerd without Kubernetes (ctr): namespace/id */
    check_path("/default/" ID64, "docker", ID64);
    /* not containers */
    check_path("/", NULL, NULL);
    check_path("/user.slice/user-0.slice/session-3.scope", NULL, NULL);
    check_path("/system.slice/docker.service", NULL, NULL);
    check_path("/libpod_parent/conmon", NULL, NULL);
    check_path("/docker/" ID64 "0", NULL, NULL);    /* 65 hex digits */
    check_path("/docker/3cbe2afdc5e0", NULL, NULL); /* short ids are not cgroup names */
    /* whole lists, as the probe and /proc give them */
    rt = bd_ctr_id_of_cgroups(v1, sizeof(v1), full);
    CHECK(rt && !strcmp(rt, "docker") && !strcmp(full, ID64));
    rt = bd_ctr_id_of_cgroups(v2, sizeof(v2), full);
    CHECK(rt && !strcmp(rt, "docker") && !strcmp(full, ID64));
    CHECK(bd_ctr_id_of_cgroups(host, sizeof(host), full) == NULL);
    CHECK(bd_ctr_id_of_cgroups("", 0, full) == NULL);
    CHECK(bd_ctr_id_of_cgroups("no-equals-sign", 14, full) == NULL);
}

static void test_selected(void)
{
    char sel[3][256] = {"web", "0123abc", "ab"};

    CHECK(bd_ctr_selected(sel, 3, ID64, "web"));
    CHECK(!bd_ctr_selected(sel, 3, ID64, "web2"));
    CHECK(bd_ctr_selected(sel, 3, "0123abcdef", NULL)); /* id prefix */
    CHECK(!bd_ctr_selected(sel, 3, "ab" ID64, NULL));   /* 2 digits: a name only */
    CHECK(bd_ctr_selected(sel, 3, ID64B, "ab"));
    CHECK(!bd_ctr_selected(sel, 0, ID64, "web"));
}

/* ------------------------------------------------------------- robustness */

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

/* Random prefixes and byte flips of valid inputs through every parser. */
static void test_garbage(void)
{
    const char *http = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "a\r\n{\"Id\":\"x\"}\r\n0\r\n\r\n";
    struct bd_ctr_info *ci = malloc(sizeof(*ci));
    struct bd_ctr_event ev;
    struct bd_http_head h;
    size_t ilen = strlen(inspect_json), hlen = strlen(http);
    char *buf = malloc(ilen + 1), *body;
    size_t blen;
    int n = 0;

    for (int round = 0; round < 20000; round++) {
        size_t len = rnd() % (ilen + 1);

        memcpy(buf, inspect_json, len);
        if (len && (round & 1))
            buf[rnd() % len] = (char)rnd();
        bd_ctr_parse_inspect(buf, len, ci);
        bd_ctr_parse_list(buf, len, count_running, &n);
        bd_ctr_parse_event(buf, len, &ev);
        len = rnd() % (hlen + 1);
        memcpy(buf, http, len);
        if (len && (round & 1))
            buf[rnd() % len] = (char)rnd();
        bd_http_complete(buf, len, &h, &body, &blen);
    }
    CHECK(1);
    free(buf);
    free(ci);
}

int main(void)
{
    test_json_read();
    test_json_bad();
    test_json_write();
    test_http_head();
    test_dechunk();
    test_http_rx();
    test_inspect();
    test_event_json();
    test_list_and_events();
    test_storage_name();
    test_cgroup_ids();
    test_selected();
    test_garbage();
    return check_summary("test_containers");
}
