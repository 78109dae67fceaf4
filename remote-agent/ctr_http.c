/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctr_http.c: the HTTP/1.1 the container runtimes' unix sockets need: one
 * GET per connection ("Connection: close"), Content-Length or chunked
 * bodies, a deadline on every step and a bound on every size.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "containers.h"

/* ------------------------------------------------------------- parsing */

static const char *find_crlfcrlf(const char *buf, size_t len)
{
    for (size_t i = 0; i + 3 < len; i++) {
        if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n')
            return buf + i;
    }
    return NULL;
}

/* "HTTP/1.x NNN ..." */
static int parse_status_line(const char *line, size_t len)
{
    int status = 0;

    if (len < 12 || memcmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ')
        return -1;
    for (int i = 9; i < 12; i++) {
        if (line[i] < '0' || line[i] > '9')
            return -1;
        status = status * 10 + (line[i] - '0');
    }
    if (len > 12 && line[12] != ' ')
        return -1;
    return status;
}

static bool header_is(const char *line, size_t len, const char *name, const char **value,
                      size_t *vlen)
{
    size_t n = strlen(name);

    if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
        return false;
    line += n + 1;
    len -= n + 1;
    while (len && (*line == ' ' || *line == '\t')) {
        line++;
        len--;
    }
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    *value = line;
    *vlen = len;
    return true;
}

static bool parse_length(const char *v, size_t n, long long *out)
{
    long long r = 0;

    if (n == 0 || n > 15)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return false;
        r = r * 10 + (v[i] - '0');
    }
    *out = r;
    return true;
}

static int parse_header_line(const char *line, size_t len, struct bd_http_head *h)
{
    const char *v;
    size_t vl;

    if (header_is(line, len, "Content-Length", &v, &vl)) {
        if (!parse_length(v, vl, &h->content_length))
            return -1;
    } else if (header_is(line, len, "Transfer-Encoding", &v, &vl)) {
        /* "chunked" is the only coding the runtimes use; it comes last */
        h->chunked = vl >= 7 && strncasecmp(v + vl - 7, "chunked", 7) == 0;
    }
    return 0;
}

int bd_http_parse_head(const char *buf, size_t len, struct bd_http_head *h)
{
    const char *end = find_crlfcrlf(buf, len < BD_HTTP_MAX_HEAD ? len : BD_HTTP_MAX_HEAD);
    const char *line, *eol;

    memset(h, 0, sizeof(*h));
    h->content_length = -1;
    if (!end)
        return len >= BD_HTTP_MAX_HEAD ? -1 : 0;
    eol = memchr(buf, '\r', (size_t)(end - buf) + 1);
    h->status = parse_status_line(buf, (size_t)(eol - buf));
    if (h->status < 100)
        return -1;
    for (line = eol + 2; line < end + 2; line = eol + 2) {
        eol = memchr(line, '\r', (size_t)(end + 2 - line));
        if (!eol || eol[1] != '\n' || memchr(line, '\n', (size_t)(eol - line)))
            return -1; /* header lines end with CRLF, nothing else */
        if (eol > line && parse_header_line(line, (size_t)(eol - line), h))
            return -1;
    }
    h->head_len = (size_t)(end - buf) + 4;
    return (int)h->head_len;
}

enum {
    CH_SIZE,    /* hex digits */
    CH_EXT,     /* ";ext" until CR */
    CH_SIZE_LF, /* LF after the size line */
    CH_DATA,
    CH_DATA_CR, /* CRLF after the data */
    CH_DATA_LF,
    CH_TRAILER, /* after the last chunk: header lines until an empty one */
    CH_TRAILER_LINE,
    CH_TRAILER_LINE_LF,
    CH_END_LF,
    CH_DONE,
};

static bool chunk_size_byte(struct bd_dechunk *d, char c)
{
    int x = bd_hex_digit(c);

    if (x >= 0) {
        if (++d->digits > 15)
            return false;
        d->remain = d->remain << 4 | (unsigned)x;
        return true;
    }
    if (!d->digits)
        return false;
    if (c == '\r')
        d->state = CH_SIZE_LF;
    else if (c == ';' || c == ' ' || c == '\t')
        d->state = CH_EXT;
    else
        return false;
    return true;
}

/* Moves to next when c is expected, else fails. */
static bool expect(struct bd_dechunk *d, char c, char want, int next)
{
    if (c != want)
        return false;
    d->state = next;
    return true;
}

/* One byte of chunk framing; false on a framing error. */
static bool dechunk_byte(struct bd_dechunk *d, char c)
{
    switch (d->state) {
    case CH_SIZE:
        return chunk_size_byte(d, c);
    case CH_EXT:
        if (c == '\r')
            d->state = CH_SIZE_LF;
        return true;
    case CH_SIZE_LF:
        return expect(d, c, '\n', d->remain ? CH_DATA : CH_TRAILER);
    case CH_DATA_CR:
        return expect(d, c, '\r', CH_DATA_LF);
    case CH_DATA_LF:
        d->digits = 0;
        d->remain = 0;
        return expect(d, c, '\n', CH_SIZE);
    case CH_TRAILER:
        d->state = c == '\r' ? CH_END_LF : CH_TRAILER_LINE;
        return true;
    case CH_TRAILER_LINE:
        if (c == '\r')
            d->state = CH_TRAILER_LINE_LF;
        return true;
    case CH_TRAILER_LINE_LF:
        return expect(d, c, '\n', CH_TRAILER);
    case CH_END_LF:
        d->done = c == '\n';
        return expect(d, c, '\n', CH_DONE);
    default:
        return false; /* bytes after the end */
    }
}

long bd_dechunk(struct bd_dechunk *d, char *buf, size_t len)
{
    size_t in = 0, out = 0;

    while (in < len) {
        if (d->state == CH_DATA) {
            size_t n = len - in;
            if (n > d->remain)
                n = (size_t)d->remain;
            memmove(buf + out, buf + in, n);
            in += n;
            out += n;
            d->remain -= n;
            if (!d->remain)
                d->state = CH_DATA_CR;
            continue;
        }
        if (!dechunk_byte(d, buf[in++]))
            return -1;
    }
    return (long)out;
}

static bool no_body(int status)
{
    return status == 204 || status == 304 || (status >= 100 && status < 200);
}

/* Body bytes in buf[head_len..*len): decode chunks in place, decide completeness. */
static int rx_body(struct bd_http_rx *rx, char *buf, size_t *len, bool eof)
{
    size_t start = rx->h.head_len;

    if (rx->h.chunked) {
        long n = bd_dechunk(&rx->d, buf + start + rx->body_len, *len - start - rx->body_len);
        if (n < 0)
            return -1;
        rx->body_len += (size_t)n;
        *len = start + rx->body_len;
        if (rx->d.done)
            return 1;
        return eof ? -1 : 0;
    }
    rx->body_len = *len - start;
    if (rx->h.content_length >= 0) {
        if (rx->body_len >= (size_t)rx->h.content_length) {
            rx->body_len = (size_t)rx->h.content_length;
            return 1;
        }
        return eof ? -1 : 0;
    }
    if (no_body(rx->h.status)) {
        rx->body_len = 0;
        return 1;
    }
    return eof ? 1 : 0; /* no length: the body ends with the connection */
}

int bd_http_rx_feed(struct bd_http_rx *rx, char *buf, size_t *len, bool eof)
{
    if (!rx->have_head) {
        int hl = bd_http_parse_head(buf, *len, &rx->h);
        if (hl < 0)
            return -1;
        if (hl == 0)
            return eof ? -1 : 0;
        rx->have_head = true;
    }
    return rx_body(rx, buf, len, eof);
}

int bd_http_complete(char *buf, size_t len, struct bd_http_head *h, char **body, size_t *body_len)
{
    struct bd_http_rx rx;

    memset(&rx, 0, sizeof(rx));
    if (bd_http_rx_feed(&rx, buf, &len, true) != 1)
        return -1;
    *h = rx.h;
    *body = buf + rx.h.head_len;
    *body_len = rx.body_len;
    return 0;
}

/* -------------------------------------------------------------- client */

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_fd(int fd, short events, long long deadline)
{
    struct pollfd p = {.fd = fd, .events = events};
    long long left = deadline - now_ms();
    int r;

    if (left <= 0)
        return -ETIMEDOUT;
    do {
        r = poll(&p, 1, (int)left);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return -errno;
    return r == 0 ? -ETIMEDOUT : 0;
}

int bd_unix_connect(const char *path, int timeout_ms)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    long long deadline = now_ms() + timeout_ms;
    socklen_t elen = sizeof(int);
    int fd, err = 0;

    if (strlen(path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
        return fd;
    if (errno != EINPROGRESS && errno != EAGAIN) {
        err = -errno;
        close(fd);
        return err;
    }
    err = wait_fd(fd, POLLOUT, deadline);
    if (!err && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err)
        err = -err;
    if (err) {
        close(fd);
        return err;
    }
    return fd;
}

static int send_all(int fd, const char *buf, size_t len, long long deadline)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            int r = wait_fd(fd, POLLOUT, deadline);
            if (r)
                return r;
            continue;
        }
        if (n < 0)
            return -errno;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Grows buf to hold at least one more byte plus a terminator, up to limit. */
static int grow(char **buf, size_t *cap, size_t len, size_t limit)
{
    char *nb;
    size_t ncap;

    if (len < *cap)
        return 0;
    if (*cap >= limit)
        return -EMSGSIZE;
    ncap = *cap * 2 > limit ? limit : *cap * 2;
    nb = realloc(*buf, ncap + 1);
    if (!nb)
        return -ENOMEM;
    *buf = nb;
    *cap = ncap;
    return 0;
}

/* Reads the response until it is complete, EOF, the deadline or the size limit. */
static int read_response(int fd, size_t max, long long deadline, struct bd_http_result *res)
{
    size_t cap = 8192, len = 0, limit = max + BD_HTTP_MAX_HEAD;
    struct bd_http_rx rx;
    char *buf = malloc(cap + 1);
    int r = 0;

    if (!buf)
        return -ENOMEM;
    memset(&rx, 0, sizeof(rx));
    while (r == 0) {
        ssize_t n;

        r = grow(&buf, &cap, len, limit);
        if (r)
            break;
        n = recv(fd, buf + len, cap - len, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            r = wait_fd(fd, POLLIN, deadline);
            continue;
        }
        if (n < 0) {
            r = -errno;
            break;
        }
        len += (size_t)n;
        r = bd_http_rx_feed(&rx, buf, &len, n == 0);
        if (r < 0)
            r = -EPROTO;
    }
    if (r < 0) {
        free(buf);
        return r;
    }
    res->status = rx.h.status;
    res->data = buf;
    res->body = buf + rx.h.head_len;
    res->body_len = rx.body_len;
    res->body[res->body_len] = '\0'; /* room: the +1 of every allocation */
    return 0;
}

int bd_http_get(const char *sock, const char *path, int timeout_ms, size_t max_body,
                struct bd_http_result *res)
{
    long long deadline = now_ms() + timeout_ms;
    char req[1024];
    int fd, r, n;

    memset(res, 0, sizeof(*res));
    n = snprintf(req, sizeof(req),
                 "GET %s HTTP/1.1\r\nHost: docker\r\nUser-Agent: bpfdig-agent\r\n"
                 "Accept: application/json\r\nConnection: close\r\n\r\n",
                 path);
    if (n < 0 || (size_t)n >= sizeof(req))
        return -ENAMETOOLONG;
    fd = bd_unix_connect(sock, timeout_ms);
    if (fd < 0)
        return fd;
    r = send_all(fd, req, (size_t)n, deadline);
    if (r == 0)
        r = read_response(fd, max_body, deadline, res);
    close(fd);
    return r;
}

void bd_http_free(struct bd_http_result *res)
{
    free(res->data);
    memset(res, 0, sizeof(*res));
}
