/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpfdig-fields.c - proc.*, thread.*, user.*, group.*, fd.*, container.*
 * and k8s.* fields of an event, with libsinsp's semantics (see
 * docs/fields.md for each field and where bpfdig differs from sysdig).
 */
#define WS_LOG_DOMAIN "bpfdig"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <wireshark.h>
#include <epan/packet.h>

#include "ws_compat.h"

#include "bpfdig-fields.h"
#include "scapkit/format.h"
#include "scapkit/state.h"

/* Ancestors listed (a guard against cycles in damaged state). */
#define MAX_ANCESTORS 64
/* user.loginuid of "no login uid". */
#define NO_LOGINUID 0xFFFFFFFFu

static int hf_thread_tid = -1;
static int hf_thread_vtid = -1;
static int hf_proc_name = -1;
static int hf_proc_exe = -1;
static int hf_proc_exepath = -1;
static int hf_proc_cmdline = -1;
static int hf_proc_args = -1;
static int hf_proc_pid = -1;
static int hf_proc_ppid = -1;
static int hf_proc_pname = -1;
static int hf_proc_pcmdline = -1;
static int hf_proc_cwd = -1;
static int hf_proc_tty = -1;
static int hf_proc_sid = -1;
static int hf_proc_vpid = -1;
static int hf_proc_aname = -1;
static int hf_proc_apid = -1;
static int hf_user_uid = -1;
static int hf_user_name = -1;
static int hf_user_homedir = -1;
static int hf_user_shell = -1;
static int hf_user_loginuid = -1;
static int hf_group_gid = -1;
static int hf_group_name = -1;
static int hf_fd_num = -1;
static int hf_fd_type = -1;
static int hf_fd_typechar = -1;
static int hf_fd_name = -1;
static int hf_fd_directory = -1;
static int hf_fd_filename = -1;
static int hf_fd_cip = -1;
static int hf_fd_sip = -1;
static int hf_fd_lip = -1;
static int hf_fd_rip = -1;
static int hf_fd_cip6 = -1;
static int hf_fd_sip6 = -1;
static int hf_fd_lip6 = -1;
static int hf_fd_rip6 = -1;
static int hf_fd_cport = -1;
static int hf_fd_sport = -1;
static int hf_fd_lport = -1;
static int hf_fd_rport = -1;
static int hf_fd_l4proto = -1;
static int hf_fd_sockfamily = -1;
static int hf_fd_is_server = -1;
static int hf_container_id = -1;
static int hf_container_name = -1;
static int hf_container_image = -1;
static int hf_container_image_id = -1;
static int hf_container_type = -1;
static int hf_container_privileged = -1;
static int hf_container_labels = -1;
static int hf_container_label = -1;
static int hf_k8s_pod_name = -1;
static int hf_k8s_ns_name = -1;
static int hf_k8s_pod_uid = -1;

/*
 * Address fields. Wireshark 4.0 filters one name with one type, so fd.sip is
 * the IPv4 address (fd.sip == 127.0.0.1) and fd.sip.v6 the IPv6 one. From
 * 4.6 the falco bridge (Stratoshark, tshark 4.6) registers fd.sip as raw bytes
 * with typed fd.sip.v4 / fd.sip.v6 subfields; a second type under its names
 * breaks (and crashes) its filters, so bpfdig follows the bridge's model there.
 */
#if BPFDIG_WS_AT_LEAST(4, 6)
#define BPFDIG_ADDR_BYTES 1
#define V4_ABBREV(x)      x ".v4"
#else
#define V4_ABBREV(x) x
#endif
static int hf_fd_cip_bytes = -1;
static int hf_fd_sip_bytes = -1;
static int hf_fd_lip_bytes = -1;
static int hf_fd_rip_bytes = -1;

/* Experiment (not built by default): register the IPv6 fields under the IPv4 names. */
#ifdef BPFDIG_EXPERIMENT_SAME_ABBREV
#define V6_ABBREV(x) x
#else
#define V6_ABBREV(x) x ".v6"
#endif

static int ett_proc = -1;
static int ett_ancestors = -1;
static int ett_user = -1;
static int ett_fd = -1;
static int ett_container = -1;

/* ------------------------------------------------------------ helpers */

/* A value sysdig would print: present and not its "<NA>" marker. */
static bool has_text(const char *s)
{
    return s && strcmp(s, "<NA>") != 0;
}

static bool has_nonempty_text(const char *s)
{
    return has_text(s) && s[0] != '\0';
}

static void add_str(proto_tree *t, int hf, tvbuff_t *tvb, const char *s)
{
    if (has_text(s) && bpfdig_want(t, hf))
        proto_item_set_generated(proto_tree_add_string(t, hf, tvb, 0, 0, s));
}

static void add_i64(proto_tree *t, int hf, tvbuff_t *tvb, int64_t v)
{
    if (bpfdig_want(t, hf))
        proto_item_set_generated(proto_tree_add_int64(t, hf, tvb, 0, 0, v));
}

static void add_u32(proto_tree *t, int hf, tvbuff_t *tvb, uint32_t v)
{
    if (bpfdig_want(t, hf))
        proto_item_set_generated(proto_tree_add_uint(t, hf, tvb, 0, 0, v));
}

static void add_bool(proto_tree *t, int hf, tvbuff_t *tvb, bool v)
{
    if (bpfdig_want(t, hf))
        proto_item_set_generated(proto_tree_add_boolean(t, hf, tvb, 0, 0, v));
}

/* A text subtree (its label built only when it is added), else t itself. */
static proto_tree *add_subtree(proto_tree *t, tvbuff_t *tvb, int ett, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static proto_tree *add_subtree(proto_tree *t, tvbuff_t *tvb, int ett, const char *fmt, ...)
{
    /* Longer than a label: Wireshark truncates (and marks) it, as with _format(). */
    char buf[2 * ITEM_LABEL_LENGTH];
    char *text = buf;
    proto_tree *st;
    va_list ap;
    int n;

    if (!bpfdig_want(t, hf_text_only))
        return t;
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        buf[0] = '\0';
    else if ((size_t)n >= sizeof(buf)) {
        va_start(ap, fmt);
        text = g_strdup_vprintf(fmt, ap);
        va_end(ap);
    }
    st = proto_tree_add_subtree(t, tvb, 0, 0, ett, NULL, text);
    if (text != buf)
        g_free(text);
    return st;
}

/* An address as its typed field, and as raw bytes where that name is bytes (4.6). */
static void add_ip(proto_tree *t, int hf4, int hf6, int hf_bytes, tvbuff_t *tvb, bool ipv6,
                   const uint8_t *ip)
{
    proto_item *ti;

    if (hf_bytes >= 0 && bpfdig_want(t, hf_bytes)) {
        ti = proto_tree_add_bytes_with_length(t, hf_bytes, tvb, 0, 0, ip, ipv6 ? 16 : 4);
        proto_item_set_generated(ti);
    }
    if (!bpfdig_want(t, ipv6 ? hf6 : hf4))
        return;
    if (ipv6) {
        ws_in6_addr a;
        memcpy(a.bytes, ip, sizeof(a.bytes));
        ti = proto_tree_add_ipv6(t, hf6, tvb, 0, 0, &a);
    } else {
        ws_in4_addr a;
        memcpy(&a, ip, sizeof(a));
        ti = proto_tree_add_ipv4(t, hf4, tvb, 0, 0, a);
    }
    proto_item_set_generated(ti);
}

static void add_port(proto_tree *t, int hf, tvbuff_t *tvb, uint16_t port)
{
    add_u32(t, hf, tvb, port);
}

/* proc.cmdline: "comm arg1 arg2" (scapkit's definition, shared with skfields). */
static const char *cmdline(packet_info *pinfo, const struct sk_thread *t)
{
    size_t n = sk_thread_cmdline(t, NULL, 0);
    char *buf = wmem_alloc(BPFDIG_PACKET_POOL(pinfo), n + 1);

    sk_thread_cmdline(t, buf, n + 1);
    return buf;
}

/* ------------------------------------------------------------ process */

static void add_ancestors(proto_tree *t, tvbuff_t *tvb, const struct sk_thread *th)
{
    proto_tree *at = NULL;

    if (!bpfdig_want(t, hf_proc_aname) && !bpfdig_want(t, hf_proc_apid))
        return;
    for (unsigned n = 1; n <= MAX_ANCESTORS; n++) {
        const struct sk_thread *a = sk_thread_ancestor(th, n);
        if (!a)
            break;
        if (!at)
            at = add_subtree(t, tvb, ett_ancestors, "Ancestors");
        add_str(at, hf_proc_aname, tvb, a->comm);
        add_i64(at, hf_proc_apid, tvb, a->pid);
    }
}

/*
 * proc.* of a thread. A placeholder (a tid the capture never described) has
 * only what sysdig shows for it: proc.pid -1, proc.cwd "./", tty and sid.
 */
static void add_proc_fields(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo,
                            const struct sk_fields *v)
{
    const struct sk_thread *th = v->thread;
    const struct sk_thread *parent = v->parent;

    if (v->proc_known) {
        add_str(t, hf_proc_name, tvb, th->comm);
        add_str(t, hf_proc_exe, tvb, th->exe);
        add_str(t, hf_proc_exepath, tvb, th->exepath);
        if (bpfdig_want(t, hf_proc_cmdline))
            add_str(t, hf_proc_cmdline, tvb, cmdline(pinfo, th));
        add_str(t, hf_proc_args, tvb, th->args ? th->args : "");
    }
    add_i64(t, hf_proc_pid, tvb, th->pid);
    if (parent) {
        add_i64(t, hf_proc_ppid, tvb, parent->pid);
        add_str(t, hf_proc_pname, tvb, parent->comm);
        if (bpfdig_want(t, hf_proc_pcmdline))
            add_str(t, hf_proc_pcmdline, tvb, cmdline(pinfo, parent));
    }
    add_str(t, hf_proc_cwd, tvb, th->cwd);
    add_u32(t, hf_proc_tty, tvb, th->tty);
    add_i64(t, hf_proc_sid, tvb, th->sid);
    if (v->proc_known && th->vpid >= 0)
        add_i64(t, hf_proc_vpid, tvb, th->vpid);
    if (v->proc_known && th->vtid >= 0)
        add_i64(t, hf_thread_vtid, tvb, th->vtid);
    add_ancestors(t, tvb, th);
}

static void add_user_fields(proto_tree *tree, tvbuff_t *tvb, const struct sk_fields *v)
{
    const struct sk_thread *th = v->thread;
    proto_tree *t = add_subtree(tree, tvb, ett_user, "User: %s (uid %" PRIu32 ")",
                                v->user_name ? v->user_name : "<NA>", th->uid);

    add_u32(t, hf_user_uid, tvb, th->uid);
    add_str(t, hf_user_name, tvb, v->user_name);
    add_u32(t, hf_group_gid, tvb, th->gid);
    add_str(t, hf_group_name, tvb, v->group_name);
    if (!v->proc_known)
        return;
    add_str(t, hf_user_homedir, tvb, th->user_home);
    add_str(t, hf_user_shell, tvb, th->user_shell);
    add_i64(t, hf_user_loginuid, tvb, th->loginuid == NO_LOGINUID ? -1 : (int64_t)th->loginuid);
}

/*
 * container.label.<key>: one field per label key of the label_keys
 * preference (a field name is fixed when it is registered, so the keys are
 * chosen up front). label_key_hfs maps a key as the runtime spells it to its
 * field id; label_proto is the protocol the fields belong to.
 */
#define LABEL_KEY_MAX 255
static GHashTable *label_key_hfs;
static int label_proto = -1;

/*
 * The field name of a label key: container.label.<key> with every character
 * a field name cannot hold ('/', ' ', ...) as '_'; NULL for a key that
 * cannot be a name (empty, too long, a dot at either end or two in a row).
 */
static char *label_abbrev(const char *key)
{
    size_t n = strlen(key);
    char *abbrev, *p;

    if (n == 0 || n > LABEL_KEY_MAX || key[0] == '.' || key[n - 1] == '.' || strstr(key, ".."))
        return NULL;
    abbrev = g_strdup_printf("container.label.%s", key);
    for (p = abbrev + strlen("container.label."); *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-' && *p != '.')
            *p = '_';
    }
    return abbrev;
}

static void register_label_field(const char *key)
{
    hf_register_info *hf;
    int *id;
    char *abbrev = label_abbrev(key);

    if (!abbrev)
        return;
    /* hf and id stay allocated: Wireshark keeps pointers into them. */
    hf = g_new0(hf_register_info, 1);
    id = g_new(int, 1);
    *id = -1;
    hf->p_id = id;
    hf->hfinfo.name = g_strdup_printf("Container label %s", key);
    hf->hfinfo.abbrev = abbrev;
    hf->hfinfo.type = FT_STRING;
    hf->hfinfo.display = BASE_NONE;
    hf->hfinfo.blurb = g_strdup_printf("The value of the container label \"%s\"", key);
    hf->hfinfo.id = -1;
    hf->hfinfo.ref_type = HF_REF_TYPE_NONE;
    hf->hfinfo.same_name_prev_id = -1;
    proto_register_field_array(label_proto, hf, 1);
    g_hash_table_insert(label_key_hfs, g_strdup(key), id);
}

void bpfdig_register_label_fields(const char *keys)
{
    char **list;

    if (label_proto < 0 || !keys)
        return;
    if (!label_key_hfs)
        label_key_hfs = g_hash_table_new(g_str_hash, g_str_equal);
    list = g_strsplit_set(keys, ", ", -1);
    for (char **k = list; *k; k++) {
        if (**k && !g_hash_table_contains(label_key_hfs, *k))
            register_label_field(*k);
    }
    g_strfreev(list);
}

/* The container.label.<key> field of the label "key=value", or -1. */
static int label_key_hf(const char *label, size_t len)
{
    char key[LABEL_KEY_MAX + 1];
    const char *eq = memchr(label, '=', len);
    const int *id;

    if (!label_key_hfs || !eq || (size_t)(eq - label) > LABEL_KEY_MAX)
        return -1;
    memcpy(key, label, (size_t)(eq - label));
    key[eq - label] = '\0';
    id = g_hash_table_lookup(label_key_hfs, key);
    return id ? *id : -1;
}

/*
 * container.labels: all labels as sysdig shows them ("k1:v1, k2:v2");
 * container.label: one "key=value" occurrence per label, the filterable form
 * of falco's container.label.<key> for any key; container.label.<key>: the
 * value, for the keys of the label_keys preference.
 */
static void add_label_fields(proto_tree *t, tvbuff_t *tvb, const struct sk_container *c)
{
    const char *p = c->label_list, *end = p ? p + c->label_list_len : p;
    bool want_label = bpfdig_want(t, hf_container_label);

    if (has_nonempty_text(c->labels))
        add_str(t, hf_container_labels, tvb, c->labels);
    while (p && p < end) {
        size_t n = strnlen(p, (size_t)(end - p));
        int hf = n ? label_key_hf(p, n) : -1;

        if (n && want_label)
            add_str(t, hf_container_label, tvb, p);
        if (hf >= 0 && bpfdig_want(t, hf))
            add_str(t, hf, tvb, strchr(p, '=') + 1);
        p += n + 1;
    }
}

static void add_container_fields(proto_tree *tree, tvbuff_t *tvb, const struct sk_container *c)
{
    proto_tree *t = add_subtree(tree, tvb, ett_container, "Container: %s", c ? c->id : "host");

    if (!c) {
        add_str(t, hf_container_id, tvb, "host");
        return;
    }
    add_str(t, hf_container_id, tvb, c->id);
    if (has_nonempty_text(c->name))
        add_str(t, hf_container_name, tvb, c->name);
    if (has_nonempty_text(c->image))
        add_str(t, hf_container_image, tvb, c->image);
    if (has_nonempty_text(c->image_id))
        add_str(t, hf_container_image_id, tvb, c->image_id);
    if (has_nonempty_text(c->type))
        add_str(t, hf_container_type, tvb, c->type);
    if (c->privileged >= 0)
        add_bool(t, hf_container_privileged, tvb, c->privileged != 0);
    add_label_fields(t, tvb, c);
    if (has_nonempty_text(c->k8s_pod_name))
        add_str(t, hf_k8s_pod_name, tvb, c->k8s_pod_name);
    if (has_nonempty_text(c->k8s_ns_name))
        add_str(t, hf_k8s_ns_name, tvb, c->k8s_ns_name);
    if (has_nonempty_text(c->k8s_pod_uid))
        add_str(t, hf_k8s_pod_uid, tvb, c->k8s_pod_uid);
}

/* ------------------------------------------------------------ fd */

static bool fd_ipv6(const struct sk_fd *fd)
{
    return fd->type == SK_FD_IPV6_SOCK || fd->type == SK_FD_IPV6_SERVSOCK;
}

/*
 * Is an address one of the machine's own? Like libsinsp: the capture's
 * interface list decides (IPv4: same address; IPv6: same /64 prefix, and
 * never for a process in a container). Without an interface list, the
 * socket's role decides (a client's own address is the client one).
 */
static bool addr_is_local(const struct sk_fd *fd, const uint8_t *ip, bool client_side,
                          bool in_container)
{
    bool v6 = fd_ipv6(fd);

    if (bpfdig_store_have_ifaddrs())
        return !(v6 && in_container) && bpfdig_store_is_local_addr(v6, ip);
    return client_side ? !fd->is_server : fd->is_server;
}

static bool fd_is_server(const struct sk_fd *fd, bool in_container)
{
    if (sk_fd_is_server_socket(fd))
        return true;
    if (fd->type == SK_FD_IPV4_SOCK || fd->type == SK_FD_IPV6_SOCK)
        return addr_is_local(fd, fd->sip, false, in_container);
    return false;
}

/* Presence of l4proto, sip/sport, cip/cport: scapkit's rules (shared with skfields). */
static void add_socket_fields(proto_tree *t, tvbuff_t *tvb, const struct sk_fields *v,
                              bool in_container)
{
    const struct sk_fd *fd = v->fd;
    bool local;

    if (v->has_l4proto)
        add_str(t, hf_fd_l4proto, tvb, sk_l4proto_name(fd->l4proto));
    add_str(t, hf_fd_sockfamily, tvb, "ip");
    if (v->has_client)
        add_ip(t, hf_fd_cip, hf_fd_cip6, hf_fd_cip_bytes, tvb, v->ipv6, fd->cip);
    if (v->has_server)
        add_ip(t, hf_fd_sip, hf_fd_sip6, hf_fd_sip_bytes, tvb, v->ipv6, fd->sip);
    if (v->has_client)
        add_port(t, hf_fd_cport, tvb, fd->cport);
    if (v->has_server)
        add_port(t, hf_fd_sport, tvb, fd->sport);
    if (!v->has_client)
        return; /* no local/remote view of a server socket */
    local = addr_is_local(fd, fd->cip, true, in_container);
    add_ip(t, hf_fd_lip, hf_fd_lip6, hf_fd_lip_bytes, tvb, v->ipv6, local ? fd->cip : fd->sip);
    add_ip(t, hf_fd_rip, hf_fd_rip6, hf_fd_rip_bytes, tvb, v->ipv6, local ? fd->sip : fd->cip);
    add_port(t, hf_fd_lport, tvb, local ? fd->cport : fd->sport);
    add_port(t, hf_fd_rport, tvb, local ? fd->sport : fd->cport);
}

static bool is_file(const struct sk_fd *fd)
{
    return fd->type == SK_FD_FILE || fd->type == SK_FD_FILE_V2;
}

/* fd.directory / fd.filename of a file, split at the last '/' as sysdig does. */
static void add_path_fields(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo,
                            const struct sk_fd *fd)
{
    const char *name = fd->name ? fd->name : "";
    const char *slash = strrchr(name, '/');
    size_t len = strlen(name);

    if (fd->type == SK_FD_DIRECTORY) {
        add_str(t, hf_fd_directory, tvb, name);
        return;
    }
    if (!slash) {
        add_str(t, hf_fd_directory, tvb, "/");
        add_str(t, hf_fd_filename, tvb, "/");
        return;
    }
    if (slash == name)
        add_str(t, hf_fd_directory, tvb, "/");
    else if ((size_t)(slash - name) < len - 1)
        add_str(t, hf_fd_directory, tvb,
                wmem_strndup(BPFDIG_PACKET_POOL(pinfo), name, (size_t)(slash - name)));
    else
        add_str(t, hf_fd_directory, tvb, name);
    add_str(t, hf_fd_filename, tvb, (size_t)(slash - name) < len - 1 ? slash + 1 : name);
}

static void add_fd_fields(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                          const struct sk_fields *v, bool in_container)
{
    const struct sk_fd *fd = v->fd;
    bool known = fd->type != SK_FD_UNINITIALIZED;
    proto_tree *t =
        add_subtree(tree, tvb, ett_fd, "File descriptor: %" PRId64 " (%s) %s", fd->num,
                    v->fd_type ? v->fd_type : "not in the fd table", v->fd_name ? v->fd_name : "");
    char typechar[2] = {fd->typechar, '\0'};

    add_i64(t, hf_fd_num, tvb, fd->num);
    /* a failed open shows the requested path, a failed accept "NULL" */
    add_str(t, hf_fd_name, tvb, v->fd_name);
    if (!known)
        return;
    add_str(t, hf_fd_type, tvb, v->fd_type);
    if (fd->typechar)
        add_str(t, hf_fd_typechar, tvb, typechar);
    if (is_file(fd) || fd->type == SK_FD_DIRECTORY)
        add_path_fields(t, tvb, pinfo, fd);
    if (v->ip_socket)
        add_socket_fields(t, tvb, v, in_container);
    else if (fd->type == SK_FD_UNIX_SOCK)
        add_str(t, hf_fd_sockfamily, tvb, "unix");
    add_bool(t, hf_fd_is_server, tvb, fd_is_server(fd, in_container));
}

/* ------------------------------------------------------------ entry points */

static bool in_container(const struct sk_thread *th)
{
    return th && !th->invalid && th->container && strcmp(th->container->id, "host") != 0;
}

void bpfdig_add_state_fields(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                             const struct sk_fields *v, int64_t tid)
{
    const struct sk_thread *th = v ? v->thread : NULL;
    proto_tree *pt;

    if (!tree)
        return;
    if (!th) {
        /* meta events, unknown threads of lookup-only events, no stored state */
        add_i64(tree, hf_thread_tid, tvb, tid);
    } else {
        if (v->proc_known)
            pt = add_subtree(tree, tvb, ett_proc, "Process: %s (pid %" PRId64 ", tid %" PRId64 ")",
                             th->comm ? th->comm : "", th->pid, tid);
        else
            pt = add_subtree(tree, tvb, ett_proc, "Thread %" PRId64 " (not in the state)", tid);
        add_i64(pt, hf_thread_tid, tvb, tid);
        add_proc_fields(pt, tvb, pinfo, v);
        add_user_fields(tree, tvb, v);
    }
    if (v && v->fd)
        add_fd_fields(tree, tvb, pinfo, v, in_container(th));
    if (th && v->proc_known)
        add_container_fields(tree, tvb, th->container);
}

void bpfdig_register_state_fields(int proto)
{
    static hf_register_info hf[] = {
        {&hf_thread_tid,
         {"Thread ID", "thread.tid", FT_INT64, BASE_DEC, NULL, 0, "Thread id (host namespace)",
          HFILL}},
        {&hf_thread_vtid,
         {"Thread virtual ID", "thread.vtid", FT_INT64, BASE_DEC, NULL, 0,
          "Thread id in its pid namespace", HFILL}},
        {&hf_proc_name,
         {"Process name", "proc.name", FT_STRING, BASE_NONE, NULL, 0,
          "Name of the process (comm, at most 15 characters)", HFILL}},
        {&hf_proc_exe,
         {"Executable", "proc.exe", FT_STRING, BASE_NONE, NULL, 0, "argv[0] of the process",
          HFILL}},
        {&hf_proc_exepath,
         {"Executable path", "proc.exepath", FT_STRING, BASE_NONE, NULL, 0,
          "Full path of the executable (kernel-resolved)", HFILL}},
        {&hf_proc_cmdline,
         {"Command line", "proc.cmdline", FT_STRING, BASE_NONE, NULL, 0,
          "Process name followed by its arguments", HFILL}},
        {&hf_proc_args,
         {"Arguments", "proc.args", FT_STRING, BASE_NONE, NULL, 0, "argv[1..] joined with spaces",
          HFILL}},
        {&hf_proc_pid,
         {"Process ID", "proc.pid", FT_INT64, BASE_DEC, NULL, 0, "Process (thread group) id",
          HFILL}},
        {&hf_proc_ppid,
         {"Parent process ID", "proc.ppid", FT_INT64, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_proc_pname,
         {"Parent name", "proc.pname", FT_STRING, BASE_NONE, NULL, 0, "Name of the parent process",
          HFILL}},
        {&hf_proc_pcmdline,
         {"Parent command line", "proc.pcmdline", FT_STRING, BASE_NONE, NULL, 0,
          "Command line of the parent process", HFILL}},
        {&hf_proc_cwd,
         {"Working directory", "proc.cwd", FT_STRING, BASE_NONE, NULL, 0,
          "Current working directory (with a trailing /)", HFILL}},
        {&hf_proc_tty,
         {"TTY", "proc.tty", FT_UINT32, BASE_DEC, NULL, 0, "Controlling terminal (0: none)",
          HFILL}},
        {&hf_proc_sid, {"Session ID", "proc.sid", FT_INT64, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_proc_vpid,
         {"Virtual process ID", "proc.vpid", FT_INT64, BASE_DEC, NULL, 0,
          "Process id in its pid namespace", HFILL}},
        {&hf_proc_aname,
         {"Ancestor name", "proc.aname", FT_STRING, BASE_NONE, NULL, 0,
          "Name of an ancestor (one occurrence per ancestor, parent first)", HFILL}},
        {&hf_proc_apid,
         {"Ancestor process ID", "proc.apid", FT_INT64, BASE_DEC, NULL, 0,
          "Pid of an ancestor (one occurrence per ancestor, parent first)", HFILL}},
        {&hf_user_uid,
         {"User ID", "user.uid", FT_UINT32, BASE_DEC, NULL, 0, "Effective user id", HFILL}},
        {&hf_user_name, {"User name", "user.name", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_user_homedir,
         {"Home directory", "user.homedir", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_user_shell, {"Shell", "user.shell", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_user_loginuid,
         {"Login user ID", "user.loginuid", FT_INT64, BASE_DEC, NULL, 0,
          "Audit login uid (-1: none)", HFILL}},
        {&hf_group_gid,
         {"Group ID", "group.gid", FT_UINT32, BASE_DEC, NULL, 0, "Effective group id", HFILL}},
        {&hf_group_name, {"Group name", "group.name", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_fd_num,
         {"FD number", "fd.num", FT_INT64, BASE_DEC, NULL, 0, "File descriptor of the event",
          HFILL}},
        {&hf_fd_type,
         {"FD type", "fd.type", FT_STRING, BASE_NONE, NULL, 0,
          "file, directory, ipv4, ipv6, unix, pipe, event, signalfd, ...", HFILL}},
        {&hf_fd_typechar,
         {"FD type char", "fd.typechar", FT_STRING, BASE_NONE, NULL, 0,
          "f d 4 6 u p e s l i t n b r m P o", HFILL}},
        {&hf_fd_name,
         {"FD name", "fd.name", FT_STRING, BASE_NONE, NULL, 0,
          "Path of a file, tuple of a connection, ...", HFILL}},
        {&hf_fd_directory,
         {"FD directory", "fd.directory", FT_STRING, BASE_NONE, NULL, 0,
          "Directory part of a file's path", HFILL}},
        {&hf_fd_filename,
         {"FD file name", "fd.filename", FT_STRING, BASE_NONE, NULL, 0,
          "File name part of a file's path", HFILL}},
        {&hf_fd_cip,
         {"Client IP", V4_ABBREV("fd.cip"), FT_IPv4, BASE_NONE, NULL, 0,
          "Client address of an IPv4 connection (IPv6: fd.cip.v6)", HFILL}},
        {&hf_fd_sip,
         {"Server IP", V4_ABBREV("fd.sip"), FT_IPv4, BASE_NONE, NULL, 0,
          "Server address of an IPv4 connection or listening socket (IPv6: fd.sip.v6)", HFILL}},
        {&hf_fd_lip,
         {"Local IP", V4_ABBREV("fd.lip"), FT_IPv4, BASE_NONE, NULL, 0,
          "Local address of an IPv4 connection (IPv6: fd.lip.v6)", HFILL}},
        {&hf_fd_rip,
         {"Remote IP", V4_ABBREV("fd.rip"), FT_IPv4, BASE_NONE, NULL, 0,
          "Remote address of an IPv4 connection (IPv6: fd.rip.v6)", HFILL}},
#ifdef BPFDIG_ADDR_BYTES
        {&hf_fd_cip_bytes,
         {"Client IP (bytes)", "fd.cip", FT_BYTES, SEP_COLON, NULL, 0,
          "Client address, 4 or 16 bytes (typed: fd.cip.v4, fd.cip.v6)", HFILL}},
        {&hf_fd_sip_bytes,
         {"Server IP (bytes)", "fd.sip", FT_BYTES, SEP_COLON, NULL, 0,
          "Server address, 4 or 16 bytes (typed: fd.sip.v4, fd.sip.v6)", HFILL}},
        {&hf_fd_lip_bytes,
         {"Local IP (bytes)", "fd.lip", FT_BYTES, SEP_COLON, NULL, 0,
          "Local address, 4 or 16 bytes (typed: fd.lip.v4, fd.lip.v6)", HFILL}},
        {&hf_fd_rip_bytes,
         {"Remote IP (bytes)", "fd.rip", FT_BYTES, SEP_COLON, NULL, 0,
          "Remote address, 4 or 16 bytes (typed: fd.rip.v4, fd.rip.v6)", HFILL}},
#endif
        {&hf_fd_cip6,
         {"Client IPv6", V6_ABBREV("fd.cip"), FT_IPv6, BASE_NONE, NULL, 0,
          "Client address of an IPv6 connection", HFILL}},
        {&hf_fd_sip6,
         {"Server IPv6", V6_ABBREV("fd.sip"), FT_IPv6, BASE_NONE, NULL, 0,
          "Server address of an IPv6 connection or listening socket", HFILL}},
        {&hf_fd_lip6,
         {"Local IPv6", V6_ABBREV("fd.lip"), FT_IPv6, BASE_NONE, NULL, 0,
          "Local address of an IPv6 connection", HFILL}},
        {&hf_fd_rip6,
         {"Remote IPv6", V6_ABBREV("fd.rip"), FT_IPv6, BASE_NONE, NULL, 0,
          "Remote address of an IPv6 connection", HFILL}},
        {&hf_fd_cport, {"Client port", "fd.cport", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_fd_sport, {"Server port", "fd.sport", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_fd_lport, {"Local port", "fd.lport", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_fd_rport, {"Remote port", "fd.rport", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL}},
        {&hf_fd_l4proto,
         {"L4 protocol", "fd.l4proto", FT_STRING, BASE_NONE, NULL, 0, "tcp, udp, icmp, raw",
          HFILL}},
        {&hf_fd_sockfamily,
         {"Socket family", "fd.sockfamily", FT_STRING, BASE_NONE, NULL, 0, "ip or unix", HFILL}},
        {&hf_fd_is_server,
         {"Is server", "fd.is_server", FT_BOOLEAN, BASE_NONE, NULL, 0,
          "The process is the server side of the socket", HFILL}},
        {&hf_container_id,
         {"Container ID", "container.id", FT_STRING, BASE_NONE, NULL, 0,
          "12-character container id, \"host\" outside containers", HFILL}},
        {&hf_container_name,
         {"Container name", "container.name", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_container_image,
         {"Container image", "container.image", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_container_image_id,
         {"Container image ID", "container.image.id", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL}},
        {&hf_container_type,
         {"Container type", "container.type", FT_STRING, BASE_NONE, NULL, 0,
          "docker, podman, cri, containerd, lxc, ...", HFILL}},
        {&hf_container_privileged,
         {"Privileged", "container.privileged", FT_BOOLEAN, BASE_NONE, NULL, 0,
          "The container runs privileged", HFILL}},
        {&hf_container_labels,
         {"Container labels", "container.labels", FT_STRING, BASE_NONE, NULL, 0,
          "All labels of the container, \"key:value, key:value\" (as sysdig shows them)", HFILL}},
        {&hf_container_label,
         {"Container label", "container.label", FT_STRING, BASE_NONE, NULL, 0,
          "One label as \"key=value\", one occurrence per label (falco's "
          "container.label.<key>: container.label == \"key=value\")",
          HFILL}},
        {&hf_k8s_pod_name,
         {"Pod name", "k8s.pod.name", FT_STRING, BASE_NONE, NULL, 0, "Kubernetes pod name", HFILL}},
        {&hf_k8s_ns_name,
         {"Namespace", "k8s.ns.name", FT_STRING, BASE_NONE, NULL, 0, "Kubernetes namespace",
          HFILL}},
        {&hf_k8s_pod_uid,
         {"Pod UID", "k8s.pod.uid", FT_STRING, BASE_NONE, NULL, 0,
          "Kubernetes pod UID (label io.kubernetes.pod.uid)", HFILL}},
    };
    static int *ett[] = {&ett_proc, &ett_ancestors, &ett_user, &ett_fd, &ett_container};

    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    label_proto = proto;
}
