/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scapkit parameter rendering: the text sysdig prints for evt.args /
 * evt.arg.<name> ("fd=3(<f>/etc/passwd)", "res=-2(ENOENT)",
 * "flags=4097(O_RDONLY|O_CLOEXEC)", "tuple=127.0.0.1:40000->127.0.0.1:80").
 */
#ifndef SCAPKIT_RENDER_H
#define SCAPKIT_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scapkit/format.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Describe an fd for rendering: write "<f>/etc/passwd" style text (type
 * char in angle brackets, then the name) into out and return its length,
 * or return 0 when the fd is unknown (then only the number is printed).
 */
typedef size_t (*sk_fd_describe_fn)(void *ud, int64_t fd, char *out, size_t outlen);

struct sk_render_ctx {
    sk_fd_describe_fn fd_describe; /* may be NULL */
    void *ud;
    /* Largest number of bytes of a BYTEBUF/CHARBUF printed (sysdig: 80 by default in -p). */
    size_t max_buf;
};

/*
 * Render one parameter's value (without "name="). Always NUL-terminates
 * (when outlen > 0) and returns the length written, truncating long values.
 * An empty (length 0) parameter renders as "" (sysdig prints "<NA>" for some
 * types; that is decided by the caller through sk_render_args).
 */
size_t sk_render_param(const struct sk_event *ev, unsigned idx, const struct sk_render_ctx *ctx,
                       char *out, size_t outlen);

/* All parameters as "name=value name=value", as sysdig's %evt.args. */
size_t sk_render_args(const struct sk_event *ev, const struct sk_render_ctx *ctx, char *out,
                      size_t outlen);

/* Helpers also used by the state engine and dissector. */
/* Socket address/tuple to text: "1.2.3.4:80", "::1:80", unix path. */
size_t sk_render_sockaddr(const uint8_t *val, uint32_t len, char *out, size_t outlen);
size_t sk_render_socktuple(const uint8_t *val, uint32_t len, char *out, size_t outlen);
/* An IPv4 (4 bytes) or IPv6 (16 bytes) address as sysdig prints it ("::1", "10.0.0.1"). */
size_t sk_render_ip(bool ipv6, const uint8_t *ip, char *out, size_t outlen);
/* Flags of a FLAGS param: "O_RDONLY|O_CLOEXEC" (no numeric prefix). */
size_t sk_render_flags(const struct sk_name_value *names, uint32_t value, char *out,
                       size_t outlen);

#ifdef __cplusplus
}
#endif

#endif /* SCAPKIT_RENDER_H */
