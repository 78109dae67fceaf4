/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scapkit field values: which falco fields an event has and their values,
 * as sysdig 0.41 prints them, from the event and the state engine's views.
 * skfields and the Wireshark postdissector both take their values from
 * here, so the library-level and the Wireshark-level reference comparisons
 * agree by construction. "Absent" means sysdig prints <NA> (a dissector adds
 * no field).
 */
#ifndef SCAPKIT_FIELDS_H
#define SCAPKIT_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scapkit/format.h"
#include "scapkit/state.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sk_fields {
    /* evt.type as libs >= 0.22 name it ("accept4" for old accept4 layouts, generic syscalls). */
    const char *evt_type;

    /*
     * thread.*, proc.*, user.*, group.*: the thread, NULL for meta events and
     * lookup-only events (switch ...) of unknown threads: then all are absent.
     */
    const struct sk_thread *thread;
    /*
     * The thread is described (not a placeholder for a tid the capture never
     * described). Placeholders have proc.pid -1, proc.cwd "./", user.uid
     * 4294967295 and everything else absent (proc.name, exe, cmdline, args,
     * exepath, vpid, vtid, user.name, group.name ...).
     */
    bool proc_known;
    /* Parent process (main thread of ptid) when it is in the table, else NULL: proc.ppid,
     * proc.pname are then absent. */
    const struct sk_thread *parent;
    /* user.name / group.name, or NULL when absent (unknown uid/gid, placeholder). */
    const char *user_name, *group_name;

    /* fd.*: the event's fd view, NULL when the event has no fd (all fd.* absent). */
    const struct sk_fd *fd;
    /* fd.name or NULL (absent: fd not in the table and no name from the event). */
    const char *fd_name;
    /* fd.type or NULL (absent: fd not in the table). */
    const char *fd_type;
    /* An IPv4/IPv6 socket (fd.sockfamily "ip"). */
    bool ip_socket;
    bool ipv6;
    /* fd.l4proto is present (an IP socket with a role, or raw). */
    bool has_l4proto;
    /* fd.sip/fd.sport are present (connected or bound IP socket). */
    bool has_server;
    /* fd.cip/fd.cport are present (connected IP socket, not a server socket). */
    bool has_client;
};

/* Fill *out for an event and the state engine's result for it. */
void sk_fields_get(const struct sk_event *ev, const struct sk_evt_state *es, struct sk_fields *out);

/*
 * proc.cmdline: comm, then " " + args when the thread has arguments (empty
 * ones included, so "sshd  " for two empty args). Writes at most outlen-1
 * bytes plus a NUL and returns the full length (like snprintf), so a caller
 * can size a buffer with a first call with outlen 0.
 */
size_t sk_thread_cmdline(const struct sk_thread *t, char *out, size_t outlen);

/* An IPv4/IPv6 socket or server socket. */
bool sk_fd_is_ip_socket(const struct sk_fd *fd);
/*
 * fd.l4proto is present: an IP socket with a role (connected or bound), or a
 * raw socket. sysdig's fd description then shows the protocol too ("<4t>").
 */
bool sk_fd_has_l4proto(const struct sk_fd *fd);
/* A bound/listening IPv4/IPv6 server socket. */
bool sk_fd_is_server_socket(const struct sk_fd *fd);

#ifdef __cplusplus
}
#endif

#endif /* SCAPKIT_FIELDS_H */
