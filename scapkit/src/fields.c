/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Field values of an event as sysdig 0.41 prints them (see scapkit/fields.h). */
#include <stdio.h>
#include <string.h>

#include "scapkit/fields.h"

bool sk_fd_is_ip_socket(const struct sk_fd *fd)
{
    switch (fd->type) {
    case SK_FD_IPV4_SOCK:
    case SK_FD_IPV6_SOCK:
    case SK_FD_IPV4_SERVSOCK:
    case SK_FD_IPV6_SERVSOCK:
        return true;
    default:
        return false;
    }
}

bool sk_fd_is_server_socket(const struct sk_fd *fd)
{
    return fd->type == SK_FD_IPV4_SERVSOCK || fd->type == SK_FD_IPV6_SERVSOCK;
}

bool sk_fd_has_l4proto(const struct sk_fd *fd)
{
    return sk_fd_is_ip_socket(fd) && (fd->has_tuple || fd->l4proto == SK_L4_RAW);
}

/* A text sysdig would print: present and not its "<NA>" marker. */
static const char *text_or_null(const char *s)
{
    return s && strcmp(s, "<NA>") != 0 ? s : NULL;
}

size_t sk_thread_cmdline(const struct sk_thread *t, char *out, size_t outlen)
{
    const char *comm = t->comm ? t->comm : "";
    const char *args = t->args ? t->args : "";
    int n;

    if (t->nargs > 0)
        n = snprintf(out, outlen, "%s %s", comm, args);
    else
        n = snprintf(out, outlen, "%s", comm);
    return n < 0 ? 0 : (size_t)n;
}

void sk_fields_get(const struct sk_event *ev, const struct sk_evt_state *es, struct sk_fields *out)
{
    const struct sk_thread *t = es->thread;
    const struct sk_fd *f = es->fd;

    memset(out, 0, sizeof(*out));
    out->evt_type = es->type_name ? es->type_name : sk_event_type_name(ev);
    out->thread = t;
    if (t) {
        out->proc_known = !t->invalid;
        out->parent = t->parent;
        if (out->proc_known) {
            out->user_name = text_or_null(t->user_name);
            out->group_name = text_or_null(t->group_name);
        }
    }
    out->fd = f;
    if (!f)
        return;
    /* in the table: its name ("" for nameless fds); else only a name the event gave
     * (failed open: the path, failed accept: "NULL") */
    out->fd_name = f->type != SK_FD_UNINITIALIZED && !f->name ? "" : f->name;
    if (f->type != SK_FD_UNINITIALIZED && f->typechar)
        out->fd_type = sk_fd_typename(f->type);
    out->ip_socket = sk_fd_is_ip_socket(f);
    if (!out->ip_socket)
        return;
    out->ipv6 = f->type == SK_FD_IPV6_SOCK || f->type == SK_FD_IPV6_SERVSOCK;
    out->has_server = f->has_tuple;
    out->has_client = f->has_tuple && !sk_fd_is_server_socket(f);
    out->has_l4proto = sk_fd_has_l4proto(f);
}
