// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfdig extcap, interface "bpfdig-ssh": connects with libssh, verifies the
 * host key (strict by default), authenticates, finds or uploads the agent
 * into a private temporary folder (SHA-256 checked), runs it with the chosen
 * privilege escalation under a small sh wrapper, and streams its output into
 * Wireshark's fifo. The wrapper stops the agent when the channel's input ends
 * (our EOF, or the connection is gone) and removes the folder afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "extcap.h"

#define READ_CHUNK   (256 * 1024)
#define READ_POLL_MS 10

/* Stops the agent when stdin ends, relays TERM/HUP/INT, waits, cleans up.
 * Arguments: DIR ESCALATION AGENT ARGS... ($2 may be empty). setsid puts
 * sudo in its own process group: sudo ignores signals sent from its own. */
static const char wrapper_script[] = "d=$1; e=$2; shift 2; exec 3<&0; "
                                     "s=; command -v setsid >/dev/null 2>&1 && s=setsid; "
                                     "$s $e \"$@\" </dev/null 3<&- & p=$!; "
                                     "echo $p >\"$d/pid\"; "
                                     "trap 'kill -TERM $p 2>/dev/null' TERM HUP INT; "
                                     "{ cat <&3; kill -TERM $p; } >/dev/null 2>&1 & w=$!; "
                                     "exec 3<&-; "
                                     "wait $p; r=$?; "
                                     "while kill -0 $p 2>/dev/null; do wait $p; r=$?; done; "
                                     "kill $w 2>/dev/null; rm -rf \"$d\"; exit $r";

struct remote {
    struct bx_options *o;
    ssh_session s;
    char *where; /* "user@host:port" for messages */
    char *dir;   /* private temporary folder on the remote host */
    char *agent; /* remote agent path to run */
};

/* ------------------------------------------------------------ helpers */

static void libssh_log(int priority, const char *function, const char *buffer, void *userdata)
{
    (void)userdata;
    bx_log(priority >= SSH_LOG_PACKET ? BX_LOG_NOISY : BX_LOG_DEBUG, "libssh %s: %s", function,
           buffer);
}

/* The remote command's exit status, or -1 when there is none (it was killed by
 * a signal, or the channel closed without one). libssh 0.11 replaced
 * ssh_channel_get_exit_status, deprecated since, by ssh_channel_get_exit_state. */
static int channel_exit_status(ssh_channel ch)
{
#if defined(LIBSSH_VERSION_INT) && LIBSSH_VERSION_INT >= SSH_VERSION_INT(0, 11, 0)
    uint32_t code = UINT32_MAX;
    char *signal_name = NULL;
    int rc = ssh_channel_get_exit_state(ch, &code, &signal_name, NULL);

    if (signal_name) {
        ssh_string_free_char(signal_name);
        return -1;
    }
    return rc == SSH_OK && code <= INT_MAX ? (int)code : -1;
#else
    return ssh_channel_get_exit_status(ch);
#endif
}

static char *quote(const char *s)
{
    return g_shell_quote(s);
}

/* Runs CMD on the remote host; collects stdout and stderr. Optional input. */
static int run_remote(struct remote *r, const char *script, const void *input, size_t input_len,
                      GString *out, GString *err, int *status)
{
    ssh_channel ch = ssh_channel_new(r->s);
    char *q = quote(script);
    /* one line for any login shell (sh, bash, csh, fish ...): sh runs it */
    char *cmd = g_strconcat("exec sh -c ", q, NULL);
    char buf[16384];
    int rc = -1;

    g_free(q);
    *status = -1;
    bx_log(BX_LOG_DEBUG, "remote command: %s", script);
    if (!ch) {
        g_free(cmd);
        return -1;
    }
    if (ssh_channel_open_session(ch) != SSH_OK || ssh_channel_request_exec(ch, cmd) != SSH_OK) {
        bx_error("bpfdig: cannot run a command on %s: %s", r->where, ssh_get_error(r->s));
        ssh_channel_free(ch);
        g_free(cmd);
        return -1;
    }
    g_free(cmd);
    if (input_len) {
        const uint8_t *p = input;
        size_t left = input_len;
        while (left) {
            int n = ssh_channel_write(ch, p, left > 32768 ? 32768 : (uint32_t)left);
            if (n <= 0) {
                bx_error("bpfdig: sending data to %s failed: %s", r->where, ssh_get_error(r->s));
                goto out;
            }
            p += n;
            left -= (size_t)n;
        }
    }
    ssh_channel_send_eof(ch);
    for (;;) {
        int n = ssh_channel_read_timeout(ch, buf, sizeof(buf), 0, 100);
        int e;
        if (n == SSH_ERROR)
            goto out;
        if (n > 0 && out)
            g_string_append_len(out, buf, n);
        while ((e = ssh_channel_read_nonblocking(ch, buf, sizeof(buf), 1)) > 0) {
            if (err)
                g_string_append_len(err, buf, e);
        }
        if (e == SSH_ERROR)
            goto out;
        if (n == 0 && ssh_channel_is_eof(ch))
            break;
    }
    /* stderr may still hold bytes after stdout's EOF */
    {
        int e;
        while ((e = ssh_channel_read_timeout(ch, buf, sizeof(buf), 1, 50)) > 0) {
            if (err)
                g_string_append_len(err, buf, e);
        }
    }
    ssh_channel_close(ch);
    *status = channel_exit_status(ch);
    rc = 0;
out:
    if (rc)
        bx_error("bpfdig: the command on %s failed: %s", r->where, ssh_get_error(r->s));
    ssh_channel_free(ch);
    return rc;
}

/* ------------------------------------------------------------ connect */

static char *key_fingerprint(ssh_session s, char **type)
{
    ssh_key key = NULL;
    unsigned char *hash = NULL;
    size_t hlen = 0;
    char *fp = NULL, *res;

    *type = NULL;
    if (ssh_get_server_publickey(s, &key) != SSH_OK)
        return g_strdup("(no key)");
    *type = g_strdup(ssh_key_type_to_char(ssh_key_type(key)));
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) == 0)
        fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
    res = g_strdup(fp ? fp : "(unknown)");
    ssh_string_free_char(fp);
    ssh_clean_pubkey_hash(&hash);
    ssh_key_free(key);
    return res;
}

static int verify_host_key(struct remote *r)
{
    struct bx_options *o = r->o;
    enum ssh_known_hosts_e st = ssh_session_is_known_server(r->s);
    char *type = NULL, *fp = key_fingerprint(r->s, &type);
    const char *kh = o->known_hosts ? o->known_hosts : "~/.ssh/known_hosts";
    char *hostspec =
        o->port == 22 ? g_strdup(o->host) : g_strdup_printf("[%s]:%u", o->host, o->port);
    char *port = o->port == 22 ? g_strdup("") : g_strdup_printf(" -p %u", o->port);
    char *sshcmd =
        g_strdup_printf("ssh%s%s%s %s@%s", port, o->known_hosts ? " -o UserKnownHostsFile=" : "",
                        o->known_hosts ? o->known_hosts : "", o->user, o->host);
    int rc = -1;

    g_free(port);
    switch (st) {
    case SSH_KNOWN_HOSTS_OK:
        bx_log(BX_LOG_INFO, "host key of %s is known: %s %s", hostspec, type, fp);
        rc = 0;
        break;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
        bx_error("bpfdig: the host key of %s has CHANGED (or is of another type) since it was "
                 "recorded in %s; connection refused. Its key now: %s %s. Someone may be "
                 "intercepting the connection. If the host was reinstalled or its key replaced "
                 "on purpose, check the new fingerprint with its administrator, remove the old "
                 "entry (ssh-keygen -R '%s'%s%s) and accept the new key.",
                 hostspec, kh, type ? type : "", fp, hostspec, o->known_hosts ? " -f " : "",
                 o->known_hosts ? o->known_hosts : "");
        break;
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
        if (o->hostkey_policy == BX_HOSTKEY_ACCEPT_NEW) {
            if (o->known_hosts) {
                char *dir = g_path_get_dirname(o->known_hosts);
                g_mkdir_with_parents(dir, 0700);
                g_free(dir);
            } else {
                char *dir = g_build_filename(g_get_home_dir(), ".ssh", NULL);
                g_mkdir_with_parents(dir, 0700);
                g_free(dir);
            }
            if (ssh_session_update_known_hosts(r->s) != SSH_OK) {
                bx_error("bpfdig: cannot add the host key of %s to %s: %s", hostspec, kh,
                         ssh_get_error(r->s));
                break;
            }
            bx_log(BX_LOG_WARNING, "accepted the new host key of %s (%s %s) into %s", hostspec,
                   type ? type : "", fp, kh);
            rc = 0;
            break;
        }
        bx_error("bpfdig: the host key of %s is unknown (not in %s); connection refused. Its "
                 "key: %s %s. Check this fingerprint with the host's administrator (on the host: "
                 "ssh-keygen -lf /etc/ssh/ssh_host_%s_key.pub), then accept it: run '%s' once "
                 "and answer yes, or capture once with Host key policy 'accept new keys' "
                 "(--host-key-policy accept-new).",
                 hostspec, kh, type ? type : "", fp,
                 type && g_str_has_prefix(type, "ssh-")    ? type + 4
                 : type && g_str_has_prefix(type, "ecdsa") ? "ecdsa"
                                                           : "*",
                 sshcmd);
        break;
    case SSH_KNOWN_HOSTS_ERROR:
    default:
        bx_error("bpfdig: cannot check the host key of %s against %s: %s", hostspec, kh,
                 ssh_get_error(r->s));
        break;
    }
    g_free(sshcmd);
    g_free(hostspec);
    g_free(type);
    g_free(fp);
    return rc;
}

static int kbdint_password(ssh_session s, const char *password)
{
    int rc = ssh_userauth_kbdint(s, NULL, NULL);

    while (rc == SSH_AUTH_INFO) {
        int n = ssh_userauth_kbdint_getnprompts(s);
        for (int i = 0; i < n; i++) {
            char echo = 0;
            ssh_userauth_kbdint_getprompt(s, (unsigned)i, &echo);
            if (!echo && ssh_userauth_kbdint_setanswer(s, (unsigned)i, password) < 0)
                return SSH_AUTH_ERROR;
        }
        rc = ssh_userauth_kbdint(s, NULL, NULL);
    }
    return rc;
}

static int authenticate(struct remote *r)
{
    struct bx_options *o = r->o;
    GString *tried = g_string_new(NULL);
    GString *offered = g_string_new(NULL);
    int methods, rc = ssh_userauth_none(r->s, NULL);

    if (rc == SSH_AUTH_SUCCESS)
        goto ok;
    if (rc == SSH_AUTH_ERROR)
        goto lost;
    methods = ssh_userauth_list(r->s, NULL);
    if (methods & SSH_AUTH_METHOD_PUBLICKEY)
        g_string_append(offered, " publickey");
    if (methods & SSH_AUTH_METHOD_PASSWORD)
        g_string_append(offered, " password");
    if (methods & SSH_AUTH_METHOD_INTERACTIVE)
        g_string_append(offered, " keyboard-interactive");

    if ((methods & SSH_AUTH_METHOD_PUBLICKEY) && o->use_agent && getenv("SSH_AUTH_SOCK")) {
        rc = ssh_userauth_agent(r->s, NULL);
        bx_log(BX_LOG_INFO, "ssh-agent authentication: %d", rc);
        if (rc == SSH_AUTH_SUCCESS)
            goto ok;
        if (rc == SSH_AUTH_ERROR && !ssh_is_connected(r->s))
            goto lost;
        g_string_append(tried, ", ssh-agent (no accepted key)");
    }
    if ((methods & SSH_AUTH_METHOD_PUBLICKEY) && o->sshkey) {
        ssh_key key = NULL;
        if (ssh_pki_import_privkey_file(o->sshkey, o->sshkey_passphrase, NULL, NULL, &key) !=
            SSH_OK) {
            bx_error("bpfdig: cannot load the SSH key %s: %s", o->sshkey,
                     access(o->sshkey, R_OK) ? g_strerror(errno)
                     : o->sshkey_passphrase  ? "wrong passphrase, or not a private key"
                                             : "not a private key, or it needs a passphrase "
                                               "(SSH key passphrase, --sshkey-passphrase)");
            g_string_append_printf(tried, ", key %s (unreadable)", o->sshkey);
        } else {
            rc = ssh_userauth_publickey(r->s, NULL, key);
            ssh_key_free(key);
            if (rc == SSH_AUTH_SUCCESS)
                goto ok;
            if (rc == SSH_AUTH_ERROR && !ssh_is_connected(r->s))
                goto lost;
            g_string_append_printf(tried, ", key %s (refused)", o->sshkey);
        }
    } else if ((methods & SSH_AUTH_METHOD_PUBLICKEY) && !o->password) {
        rc = ssh_userauth_publickey_auto(r->s, NULL, o->sshkey_passphrase);
        if (rc == SSH_AUTH_SUCCESS)
            goto ok;
        if (rc == SSH_AUTH_ERROR && !ssh_is_connected(r->s))
            goto lost;
        g_string_append(tried, ", default keys ~/.ssh/id_* (none accepted)");
    }
    if (o->password && (methods & SSH_AUTH_METHOD_PASSWORD)) {
        rc = ssh_userauth_password(r->s, NULL, o->password);
        if (rc == SSH_AUTH_SUCCESS)
            goto ok;
        g_string_append(tried, ", password (refused)");
    } else if (o->password && (methods & SSH_AUTH_METHOD_INTERACTIVE)) {
        rc = kbdint_password(r->s, o->password);
        if (rc == SSH_AUTH_SUCCESS)
            goto ok;
        g_string_append(tried, ", password by keyboard-interactive (refused)");
    } else if (!o->password) {
        g_string_append(tried, ", password (none given)");
    }
    bx_error("bpfdig: authentication as '%s' on %s:%u failed: wrong user name or credentials. "
             "The server accepts:%s; tried: %s.",
             o->user, o->host, o->port, offered->len ? offered->str : " (nothing)",
             tried->len ? tried->str + 2 : "nothing");
    g_string_free(tried, TRUE);
    g_string_free(offered, TRUE);
    return -1;
lost:
    bx_error("bpfdig: the connection to %s:%u failed during authentication: %s", o->host, o->port,
             ssh_get_error(r->s));
    g_string_free(tried, TRUE);
    g_string_free(offered, TRUE);
    return -1;
ok:
    bx_log(BX_LOG_INFO, "authenticated as %s on %s", o->user, r->where);
    g_string_free(tried, TRUE);
    g_string_free(offered, TRUE);
    return 0;
}

#define FAST_CIPHERS                                                                               \
    "aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-ctr,"      \
    "aes192-ctr,aes128-ctr"

static bool cpu_has_aes(void)
{
    char *info = NULL;
    bool aes = false;

    if (g_file_get_contents("/proc/cpuinfo", &info, NULL, NULL)) {
        char *flags = strstr(info, "\nflags");
        char *eol = flags ? strchr(flags + 1, '\n') : NULL;
        if (eol)
            *eol = '\0';
        aes = flags && strstr(flags, " aes ");
    }
    g_free(info);
    return aes;
}

static int connect_remote(struct remote *r)
{
    struct bx_options *o = r->o;
    long timeout = (long)o->connect_timeout;
    int64_t deadline;
    int rc;
    int verbosity = o->log_level >= BX_LOG_NOISY   ? SSH_LOG_PACKET
                    : o->log_level >= BX_LOG_DEBUG ? SSH_LOG_PROTOCOL
                                                   : SSH_LOG_NOLOG;

    ssh_set_log_callback(libssh_log);
    r->s = ssh_new();
    if (!r->s)
        return -1;
    ssh_options_set(r->s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
    ssh_options_set(r->s, SSH_OPTIONS_HOST, o->host);
    /* The stream is bulk data: with AES instructions AES-GCM is the fastest of
     * the strong ciphers (chacha20 first otherwise, libssh's default). */
    if (cpu_has_aes()) {
        ssh_options_set(r->s, SSH_OPTIONS_CIPHERS_S_C, FAST_CIPHERS);
        ssh_options_set(r->s, SSH_OPTIONS_CIPHERS_C_S, FAST_CIPHERS);
    }
    /* ~/.ssh/config (Hostname, IdentityFile, ProxyCommand ...); options given here win. */
    ssh_options_parse_config(r->s, NULL);
    ssh_options_set(r->s, SSH_OPTIONS_PORT, &o->port);
    ssh_options_set(r->s, SSH_OPTIONS_USER, o->user);
    ssh_options_set(r->s, SSH_OPTIONS_TIMEOUT, &timeout);
    if (o->known_hosts)
        ssh_options_set(r->s, SSH_OPTIONS_KNOWNHOSTS, o->known_hosts);
    if (o->proxycommand)
        ssh_options_set(r->s, SSH_OPTIONS_PROXYCOMMAND, o->proxycommand);
    /* Non-blocking, so that Wireshark's stop (SIGTERM) ends a slow connect. */
    ssh_set_blocking(r->s, 0);
    deadline = g_get_monotonic_time() + (int64_t)o->connect_timeout * G_USEC_PER_SEC;
    while ((rc = ssh_connect(r->s)) == SSH_AGAIN) {
        if (bx_stop_requested) {
            bx_log(BX_LOG_INFO, "stopped while connecting");
            return 1;
        }
        if (g_get_monotonic_time() > deadline) {
            bx_error("bpfdig: cannot connect to %s:%u%s%s: no answer within %u s", o->host, o->port,
                     o->proxycommand ? " through " : "", o->proxycommand ? o->proxycommand : "",
                     o->connect_timeout);
            return -1;
        }
        g_usleep(5 * 1000);
    }
    ssh_set_blocking(r->s, 1);
    if (rc != SSH_OK) {
        bx_error("bpfdig: cannot connect to %s:%u%s%s: %s", o->host, o->port,
                 o->proxycommand ? " through " : "", o->proxycommand ? o->proxycommand : "",
                 ssh_get_error(r->s));
        return -1;
    }
    if (verify_host_key(r) || authenticate(r))
        return -1;
    return 0;
}

/* ------------------------------------------------------------ the agent */

static bool elf_is_static(const char *path)
{
    /* A static executable has no PT_INTERP program header. */
    FILE *f = fopen(path, "rb");
    unsigned char eh[64];
    bool is_static = false;

    if (!f)
        return false;
    if (fread(eh, 1, 64, f) == 64 && !memcmp(eh, "\177ELF", 4) && eh[4] == 2) {
        uint64_t phoff;
        uint16_t phentsize, phnum;
        memcpy(&phoff, eh + 32, 8);
        memcpy(&phentsize, eh + 54, 2);
        memcpy(&phnum, eh + 56, 2);
        is_static = true;
        for (unsigned i = 0; i < phnum && phentsize >= 4; i++) {
            uint32_t type;
            if (fseek(f, (long)(phoff + (uint64_t)i * phentsize), SEEK_SET) ||
                fread(&type, 4, 1, f) != 1) {
                is_static = false;
                break;
            }
            if (type == 3 /* PT_INTERP */) {
                is_static = false;
                break;
            }
        }
    }
    fclose(f);
    return is_static;
}

static char *find_upload_binary(const struct bx_options *o)
{
    char *dir, *cand;

    if (o->agent_binary)
        return g_strdup(o->agent_binary);
    dir = bx_self_dir();
    cand = g_build_filename(dir, "bpfdig-agent-static", NULL);
    g_free(dir);
    if (g_file_test(cand, G_FILE_TEST_IS_REGULAR))
        return cand;
    g_free(cand);
    return bx_find_local_agent(o);
}

/* Looks for an installed agent of our version; fills r->agent. */
static int probe_remote(struct remote *r, char **arch)
{
    const char *name = r->o->remote_agent ? r->o->remote_agent : "bpfdig-agent";
    char *q = quote(name);
    char *cmd =
        g_strdup_printf("a=%s; p=$(command -v \"$a\" 2>/dev/null) && v=$(\"$p\" -V 2>/dev/null) && "
                        "echo \"agent=$p\" && echo \"version=$v\"; echo \"arch=$(uname -m)\"",
                        q);
    GString *out = g_string_new(NULL);
    char *path = NULL, *version = NULL;
    int status, rc;

    rc = run_remote(r, cmd, NULL, 0, out, NULL, &status);
    g_free(cmd);
    g_free(q);
    *arch = NULL;
    if (rc == 0) {
        char **lines = g_strsplit(out->str, "\n", -1);
        for (char **l = lines; *l; l++) {
            if (g_str_has_prefix(*l, "agent="))
                path = g_strdup(*l + 6);
            else if (g_str_has_prefix(*l, "version="))
                version = g_strdup(*l + 8);
            else if (g_str_has_prefix(*l, "arch="))
                *arch = g_strdup(*l + 5);
        }
        g_strfreev(lines);
    }
    g_string_free(out, TRUE);
    if (path && version && !strcmp(version, "bpfdig-agent " BPFDIG_VERSION)) {
        bx_log(BX_LOG_INFO, "remote agent %s (%s)", path, version);
        r->agent = path;
        path = NULL;
    } else if (path) {
        bx_log(BX_LOG_INFO, "remote agent %s is '%s', not bpfdig-agent " BPFDIG_VERSION, path,
               version ? version : "?");
    }
    g_free(path);
    g_free(version);
    return rc;
}

static int make_remote_dir(struct remote *r)
{
    GString *out = g_string_new(NULL), *err = g_string_new(NULL);
    int status, rc;

    rc = run_remote(r,
                    "umask 077; for b in \"${TMPDIR:-/tmp}\" /var/tmp \"$HOME\"; do "
                    "d=$(mktemp -d \"$b/bpfdig.XXXXXXXX\" 2>/dev/null) && { echo \"$d\"; "
                    "exit 0; }; done; exit 1",
                    NULL, 0, out, err, &status);
    g_strstrip(out->str);
    if (rc == 0 && status == 0 && out->str[0] == '/') {
        r->dir = g_strdup(out->str);
        bx_log(BX_LOG_INFO, "remote folder %s", r->dir);
    } else if (rc == 0) {
        bx_error("bpfdig: cannot create a private temporary folder on %s (mktemp -d): %s", r->where,
                 err->str);
        rc = -1;
    }
    g_string_free(out, TRUE);
    g_string_free(err, TRUE);
    return rc;
}

static int sftp_upload(struct remote *r, const char *dest, const uint8_t *data, size_t len)
{
    sftp_session sftp = sftp_new(r->s);
    sftp_file f;
    size_t off = 0;
    int rc = -1;

    if (!sftp)
        return -1;
    if (sftp_init(sftp) != SSH_OK) {
        bx_log(BX_LOG_INFO, "no SFTP on %s: %s", r->where, ssh_get_error(r->s));
        sftp_free(sftp);
        return -1;
    }
    f = sftp_open(sftp, dest, O_WRONLY | O_CREAT | O_EXCL, 0700);
    if (f) {
        while (off < len) {
            size_t n = len - off > 65536 ? 65536 : len - off;
            ssize_t w = sftp_write(f, data + off, n);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        if (sftp_close(f) == SSH_OK && off == len)
            rc = 0;
    }
    if (rc)
        bx_log(BX_LOG_INFO, "SFTP upload failed: %s", ssh_get_error(r->s));
    sftp_free(sftp);
    return rc;
}

static int upload_agent(struct remote *r, const char *arch)
{
    char *local = find_upload_binary(r->o);
    char *dest, *qdest, *cmd, *sum;
    gchar *data = NULL;
    gsize len = 0;
    GError *gerr = NULL;
    GString *out, *err;
    struct utsname un;
    int status, rc = -1;

    if (!local || !g_file_get_contents(local, &data, &len, &gerr)) {
        bx_error("bpfdig: no agent to upload to %s: %s. Build it with -DBPFDIG_STATIC_AGENT=ON "
                 "and install it, set 'Agent to upload' (--agent-binary), or install "
                 "bpfdig-agent " BPFDIG_VERSION " on the remote host",
                 r->where, gerr ? gerr->message : "bpfdig-agent not found");
        g_clear_error(&gerr);
        g_free(local);
        return -1;
    }
    if (uname(&un) == 0 && arch && strcmp(arch, un.machine)) {
        bx_error("bpfdig: %s is %s, but the agent to upload (%s) is built for %s: install "
                 "bpfdig-agent " BPFDIG_VERSION " on the remote host",
                 r->where, arch, local, un.machine);
        goto out;
    }
    if (!elf_is_static(local))
        bx_log(BX_LOG_MESSAGE,
               "uploading %s, which is dynamically linked: it runs only where its libraries "
               "(libbpf, libelf, zlib) are installed; build with -DBPFDIG_STATIC_AGENT=ON",
               local);
    sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
    dest = g_build_filename(r->dir, "bpfdig-agent", NULL);
    qdest = quote(dest);
    bx_log(BX_LOG_INFO, "uploading %s (%zu bytes, sha256 %s) to %s:%s", local, (size_t)len, sum,
           r->where, dest);
    if (sftp_upload(r, dest, (const uint8_t *)data, len)) {
        cmd = g_strdup_printf("umask 077; cat >%s && chmod 700 %s", qdest, qdest);
        rc = run_remote(r, cmd, data, len, NULL, NULL, &status);
        g_free(cmd);
        if (rc || status) {
            bx_error("bpfdig: cannot upload the agent to %s:%s (SFTP and cat both failed)",
                     r->where, dest);
            rc = -1;
            goto out2;
        }
    }
    out = g_string_new(NULL);
    err = g_string_new(NULL);
    cmd = g_strdup_printf("sha256sum %s 2>/dev/null || openssl dgst -sha256 -r %s", qdest, qdest);
    rc = run_remote(r, cmd, NULL, 0, out, err, &status);
    g_free(cmd);
    if (rc == 0 && status == 0 && out->len >= 64 && !strncmp(out->str, sum, 64)) {
        bx_log(BX_LOG_INFO, "uploaded agent verified (sha256 %s)", sum);
        r->agent = g_strdup(dest);
    } else {
        bx_error("bpfdig: the agent uploaded to %s:%s does not have the expected SHA-256 %s "
                 "(remote: %.64s%s): not run",
                 r->where, dest, sum, out->len ? out->str : "no sha256sum or openssl",
                 err->len ? "" : "");
        rc = -1;
    }
    g_string_free(out, TRUE);
    g_string_free(err, TRUE);
out2:
    g_free(qdest);
    g_free(dest);
    g_free(sum);
out:
    g_free(data);
    g_free(local);
    return rc;
}

static void remove_remote_dir(struct remote *r)
{
    char *q, *cmd;
    int status;

    if (!r->dir || !ssh_is_connected(r->s))
        return;
    q = quote(r->dir);
    cmd = g_strdup_printf("rm -rf %s", q);
    run_remote(r, cmd, NULL, 0, NULL, NULL, &status);
    g_free(cmd);
    g_free(q);
}

/* Stops the agent from a fresh session (another process group, so sudo
 * relays the signal) when the channel's EOF did not do it. */
static void kill_by_pidfile(struct remote *r)
{
    char *q = quote(r->dir);
    char *cmd = g_strdup_printf("p=$(cat %s/pid 2>/dev/null) && kill -TERM \"$p\"", q);
    int status;

    bx_log(BX_LOG_INFO, "stopping the remote agent by its pid file");
    run_remote(r, cmd, NULL, 0, NULL, NULL, &status);
    g_free(cmd);
    g_free(q);
}

/* ------------------------------------------------------------ streaming */

struct stderr_state {
    GString *partial;
    bool saw_escalation_error;
    bool saw_error;
    char *first_error;
    char *escalation_line; /* first "sudo: ..." or "doas: ..." line */
};

static void handle_stderr(struct stderr_state *st, const char *data, size_t n, bool flush)
{
    char *nl;

    g_string_append_len(st->partial, data, (gssize)n);
    while ((nl = memchr(st->partial->str, '\n', st->partial->len)) || (flush && st->partial->len)) {
        size_t len = nl ? (size_t)(nl - st->partial->str) : st->partial->len;
        char *line = g_strndup(st->partial->str, len);
        g_strchomp(line);
        if (g_str_has_prefix(line, "sudo:") || g_str_has_prefix(line, "doas:")) {
            st->saw_escalation_error = true;
            if (!st->escalation_line)
                st->escalation_line = g_strdup(line);
        }
        if (bx_agent_stderr_line("remote: ", line)) {
            st->saw_error = true;
            if (!st->first_error)
                st->first_error = g_strdup(line);
        }
        g_free(line);
        g_string_erase(st->partial, 0, (gssize)(nl ? len + 1 : len));
    }
}

static int stream_capture(struct remote *r, struct bx_out *out)
{
    struct bx_options *o = r->o;
    const char *esc = o->escalation ? o->escalation : "sudo";
    const char *esc_cmd = !strcmp(esc, "sudo") ? "sudo -n" : !strcmp(esc, "doas") ? "doas -n" : "";
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    GString *cmd = g_string_new(NULL);
    struct stderr_state st = {.partial = g_string_new(NULL)};
    ssh_channel ch;
    char *buf = g_malloc(READ_CHUNK), *q;
    bool stopping = false, lost = false, killed_by_pidfile = false, eof = false;
    int64_t stop_start = 0;
    uint64_t received = 0;
    int status = -1, rc = BX_EXIT_OK;

    /* sh -c SCRIPT bpfdig DIR ESC AGENT ARGS... */
    q = quote(wrapper_script);
    g_string_append_printf(cmd, "exec sh -c %s bpfdig-wrap", q);
    g_free(q);
    g_ptr_array_add(argv, g_strdup(r->dir));
    g_ptr_array_add(argv, g_strdup(esc_cmd));
    g_ptr_array_add(argv, g_strdup(r->agent));
    bx_agent_args(o, argv);
    for (guint i = 0; i < argv->len; i++) {
        q = quote(g_ptr_array_index(argv, i));
        g_string_append_printf(cmd, " %s", q);
        g_free(q);
    }
    bx_log(BX_LOG_INFO, "running on %s: %s %s ...", r->where, esc_cmd, r->agent);

    ch = ssh_channel_new(r->s);
    if (!ch || ssh_channel_open_session(ch) != SSH_OK ||
        ssh_channel_request_exec(ch, cmd->str) != SSH_OK) {
        bx_error("bpfdig: cannot start the agent on %s: %s", r->where, ssh_get_error(r->s));
        if (ch)
            ssh_channel_free(ch);
        rc = BX_EXIT_FAIL;
        goto done;
    }

    for (;;) {
        int n, e;

        if (!stopping && (bx_stop_requested || bx_out_reader_gone(out))) {
            stopping = true;
            stop_start = g_get_monotonic_time();
            bx_log(BX_LOG_INFO, "stopping the remote agent (%s)",
                   bx_stop_requested ? "signal" : "fifo closed");
            bx_out_flush(out, true);
            ssh_channel_send_eof(ch); /* the wrapper's watcher sends TERM */
            ssh_channel_request_send_signal(ch, "TERM");
        }
        n = ssh_channel_read_timeout(ch, buf, READ_CHUNK, 0, READ_POLL_MS);
        if (n == SSH_ERROR) {
            lost = true;
            break;
        }
        if (n > 0) {
            received += (uint64_t)n;
            bx_out_put(out, buf, (size_t)n);
        }
        while ((e = ssh_channel_read_nonblocking(ch, buf, 65536, 1)) > 0)
            handle_stderr(&st, buf, (size_t)e, false);
        if (e == SSH_ERROR) {
            lost = true;
            break;
        }
        bx_out_flush(out, false);
        if (n == 0 && (ssh_channel_is_eof(ch) || ssh_channel_is_closed(ch))) {
            eof = true;
            break;
        }
        if (!ssh_is_connected(r->s)) {
            lost = true;
            break;
        }
        if (stopping) {
            int64_t waited = (g_get_monotonic_time() - stop_start) / 1000;
            if (!killed_by_pidfile && waited > 700) {
                killed_by_pidfile = true;
                kill_by_pidfile(r);
            }
            if (waited > BX_STOP_GRACE_MS) {
                bx_error("bpfdig: the agent on %s did not stop within %d ms", r->where,
                         BX_STOP_GRACE_MS);
                rc = BX_EXIT_FAIL;
                break;
            }
        }
    }
    bx_out_flush(out, true);
    handle_stderr(&st, "", 0, true);
    if (lost) {
        bx_error("bpfdig: the SSH connection to %s was lost%s after %" G_GUINT64_FORMAT
                 " bytes: %s. What arrived is kept in the capture",
                 r->where, stopping ? " while stopping" : "", received, ssh_get_error(r->s));
        rc = BX_EXIT_FAIL;
    } else if (eof) {
        ssh_channel_close(ch);
        status = channel_exit_status(ch);
        bx_log(BX_LOG_INFO, "remote agent exit status %d, %" G_GUINT64_FORMAT " bytes", status,
               received);
        if (status == 3) {
            bx_error("bpfdig: the agent on %s lacks privileges or kernel support%s%s. Choose "
                     "privilege escalation sudo or doas, or log in as root; see "
                     "docs/remote-capture.md",
                     r->where, st.first_error ? ": " : "", st.first_error ? st.first_error : "");
            rc = BX_EXIT_PRIVILEGES;
        } else if (st.saw_escalation_error && status != 0) {
            bx_error("bpfdig: %s refused to run the agent on %s for '%s'%s%s. Allow it without a "
                     "password (sudoers: %s ALL=(root) NOPASSWD: %s), or choose another "
                     "privilege escalation",
                     esc_cmd, r->where, o->user, st.escalation_line ? ": " : "",
                     st.escalation_line ? st.escalation_line : "", o->user,
                     g_str_has_prefix(r->agent, r->dir) ? "/tmp/bpfdig.*/bpfdig-agent" : r->agent);
            rc = BX_EXIT_PRIVILEGES;
        } else if (status == 127 || status == 126) {
            bx_error("bpfdig: cannot run '%s%s%s' on %s (exit status %d)%s", esc_cmd,
                     *esc_cmd ? " " : "", r->agent, r->where, status,
                     status == 126 ? ": is the temporary folder on a noexec mount?" : "");
            rc = BX_EXIT_FAIL;
        } else if (status != 0 && !stopping) {
            if (!st.saw_error)
                bx_error("bpfdig: the agent on %s failed (exit status %d)", r->where, status);
            rc = status == 2 ? BX_EXIT_USAGE : BX_EXIT_FAIL;
        }
    }
    if (!lost) {
        ssh_channel_close(ch);
    }
    ssh_channel_free(ch);
done:
    g_free(st.first_error);
    g_free(st.escalation_line);
    g_string_free(st.partial, TRUE);
    g_string_free(cmd, TRUE);
    g_ptr_array_free(argv, TRUE);
    g_free(buf);
    return rc;
}

/* ------------------------------------------------------------ entry */

int bx_capture_ssh(struct bx_options *o)
{
    struct remote r = {.o = o};
    struct bx_out out;
    char *arch = NULL;
    int rc = BX_EXIT_FAIL;

    if (!o->host) {
        bx_error("bpfdig: no remote host: set 'Remote SSH server address' (--remote-host)");
        return BX_EXIT_USAGE;
    }
    if (!o->user)
        o->user = g_strdup(g_get_user_name());
    if (!strcmp(o->escalation ? o->escalation : "sudo", "pkexec")) {
        bx_error("bpfdig: pkexec needs a desktop session: use sudo, doas or none over SSH");
        return BX_EXIT_USAGE;
    }
    r.where = g_strdup_printf("%s@%s:%u", o->user, o->host, o->port);
    if (bx_out_open(&out, o->fifo)) {
        g_free(r.where);
        return BX_EXIT_FAIL;
    }
    bx_out_frame_blocks(&out);
    ssh_init();
    switch (connect_remote(&r)) {
    case 0:
        break;
    case 1:
        goto out_ok; /* stopped by Wireshark before the connection was up */
    default:
        goto out;
    }
    if (bx_stop_requested)
        goto out_ok;
    if (o->upload != BX_UPLOAD_ALWAYS && probe_remote(&r, &arch))
        goto out;
    if (o->upload == BX_UPLOAD_ALWAYS) {
        struct utsname un;
        arch = uname(&un) == 0 ? g_strdup(un.machine) : NULL;
    }
    if (!r.agent && o->upload == BX_UPLOAD_NEVER) {
        bx_error("bpfdig: %s has no bpfdig-agent " BPFDIG_VERSION " ('%s' not found in PATH or "
                 "another version) and uploading is off (--upload-agent never). Install it "
                 "there or allow the upload",
                 r.where, o->remote_agent ? o->remote_agent : "bpfdig-agent");
        goto out;
    }
    if (make_remote_dir(&r))
        goto out;
    if (!r.agent && upload_agent(&r, arch)) {
        remove_remote_dir(&r);
        goto out;
    }
    if (bx_stop_requested) {
        remove_remote_dir(&r);
        goto out_ok;
    }
    rc = stream_capture(&r, &out);
    /* The wrapper removes the folder itself; this covers a wrapper that never
     * got that far (nothing to do when the connection is gone). */
    remove_remote_dir(&r);
    goto out;
out_ok:
    rc = BX_EXIT_OK;
out:
    bx_log(BX_LOG_INFO, "SSH capture ended (exit %d, %" G_GUINT64_FORMAT " bytes to Wireshark)", rc,
           out.total);
    bx_out_close(&out);
    if (r.s) {
        ssh_disconnect(r.s);
        ssh_free(r.s);
    }
    g_free(arch);
    g_free(r.agent);
    g_free(r.dir);
    g_free(r.where);
    return rc;
}

/* ------------------------------------------------------------ container list */

/* An agent of our version on the remote host, found or uploaded (r->agent). */
static int list_agent(struct remote *r)
{
    struct bx_options *o = r->o;
    char *arch = NULL;
    int rc = 0;

    if (o->upload != BX_UPLOAD_ALWAYS && probe_remote(r, &arch))
        rc = -1;
    else if (!r->agent && o->upload == BX_UPLOAD_NEVER) {
        bx_error("bpfdig: %s has no bpfdig-agent " BPFDIG_VERSION " and uploading is off "
                 "(--upload-agent never)",
                 r->where);
        rc = -1;
    } else if (!r->agent) {
        if (!arch) {
            struct utsname un;
            arch = uname(&un) == 0 ? g_strdup(un.machine) : NULL;
        }
        rc = make_remote_dir(r) || upload_agent(r, arch) ? -1 : 0;
    }
    g_free(arch);
    return rc;
}

/* Runs "[ESC] AGENT --list-containers" on the remote host; its output into out. */
static int list_remote(struct remote *r, GString *out)
{
    struct bx_options *o = r->o;
    const char *esc = o->escalation ? o->escalation : "sudo";
    const char *esc_cmd = !strcmp(esc, "sudo")   ? "sudo -n "
                          : !strcmp(esc, "doas") ? "doas -n "
                                                 : "";
    char *qa = quote(r->agent), *qs = o->container_socket ? quote(o->container_socket) : NULL;
    char *cmd = g_strdup_printf("cd / && %s%s --list-containers%s%s", esc_cmd, qa,
                                qs ? " --container-socket " : "", qs ? qs : "");
    GString *err = g_string_new(NULL);
    int status = -1, rc;

    rc = run_remote(r, cmd, NULL, 0, out, err, &status);
    if (rc == 0 && status != 0) {
        char *first = g_strndup(err->str, strcspn(err->str, "\n"));
        if (g_str_has_prefix(first, "sudo:") || g_str_has_prefix(first, "doas:"))
            bx_error("bpfdig: %srefused to run the agent on %s for '%s': %s. Allow it without a "
                     "password, or choose another privilege escalation",
                     esc_cmd, r->where, o->user, first);
        else if (status == 2 && strstr(first, "list-containers"))
            bx_error("bpfdig: the agent on %s cannot list containers (an older bpfdig-agent?): %s",
                     r->where, first);
        else
            bx_error("bpfdig: listing the containers on %s failed (exit status %d)%s%s", r->where,
                     status, *first ? ": " : "", first);
        g_free(first);
        rc = -1;
    }
    g_string_free(err, TRUE);
    g_free(cmd);
    g_free(qs);
    g_free(qa);
    return rc;
}

int bx_list_containers_ssh(struct bx_options *o, GString *out, char **err)
{
    struct remote r = {.o = o};
    int rc = -1;

    *err = NULL;
    if (!o->host) {
        *err = g_strdup("set the remote SSH server address (Server tab), then reload");
        return -1;
    }
    if (!o->user)
        o->user = g_strdup(g_get_user_name());
    r.where = g_strdup_printf("%s@%s:%u", o->user, o->host, o->port);
    ssh_init();
    if (connect_remote(&r) == 0 && list_agent(&r) == 0)
        rc = list_remote(&r, out);
    if (r.dir)
        remove_remote_dir(&r);
    if (rc)
        *err = g_strdup(bx_last_error() ? bx_last_error() : "the SSH listing failed");
    if (r.s) {
        ssh_disconnect(r.s);
        ssh_free(r.s);
    }
    g_free(r.agent);
    g_free(r.dir);
    g_free(r.where);
    return rc;
}
