/*
 * line-adapter -- an example Tributary protocol adapter for third-party authors.
 *
 * Devices connect over TCP and send one message per line:
 *
 *     <application> <device> <password> <channel> <payload>\n
 *
 * Fields are separated by single spaces; the payload is the rest of the line (it may contain
 * spaces; a trailing "\r" is dropped). For each line the adapter asks the host to authenticate
 * the device (trib_host_authenticate_device, TRIB_CREDENTIAL_PASSWORD), publishes the payload
 * under the canonical names the authenticator answered (trib_host_publish, no content type, so
 * the host makes it JSON when it parses), and answers, after the publish completed, one line:
 * "OK" when every matching sink took the event, else "ERR <reason>" (unauthenticated, denied,
 * busy, unavailable, ...). Lines of one connection are handled one after the other, so answers
 * come in the order of the lines.
 *
 * What it shows, beyond the sink example:
 *   - on_instance_new validates (unknown keys are refused with the reason in `error`) and
 *     acquires nothing: `tributary check` and every reload's validation call new, then destroy,
 *     without start, possibly while another instance holds the port;
 *   - on_instance_start binds the listener and starts the accept thread;
 *   - completions arrive on other threads, sometimes before the call that started them returns:
 *     each waits in a reference-counted `struct completion`, and no lock is held across a host
 *     call;
 *   - on_instance_drain stops accepting, lets each connection finish the line in flight (its
 *     publish) until the deadline, and closes the connections;
 *   - on_instance_destroy joins every thread it started;
 *   - bounded resources: a line longer than max_line_bytes is answered "ERR line too long" and the
 *     connection is closed; past max_connections a new connection is answered
 *     "ERR too many connections" and closed;
 *   - metrics (metric_register, metric_add, metric_set) and logging through trib_host_log;
 *   - a callback newer than the minor it asks for: it reports its bound address (port 0 works)
 *     with trib_host_listening (ABI 1.1) when the host's table has it, and only logs it on a
 *     1.0 host.
 *
 * Threads: one accept thread, plus one thread per connection (at most max_connections). A thread
 * per connection keeps the example short and its flow linear; a production adapter serving many
 * devices would multiplex them on a few event loops instead.
 *
 * Build (the Makefile's `examples` target does this):
 *   cc -std=c11 -O2 -Wall -Wextra -Werror -shared -fPIC -pthread \
 *      -I PluginAPI/CTributary/include line_adapter.c -o libtributary-line-adapter.so
 *
 * Enable (plugins.d/40-line.conf):
 *   plugin = "line-adapter"          # libtributary-line-adapter.so on the plugin search path
 *   address = "127.0.0.1:7070"       # optional; IPv4 address and port to listen on (0: any free)
 *   max_line_bytes = 4096            # optional; longest line, newline not counted (16 .. 1048576)
 *   max_connections = 64             # optional; connections served at once (1 .. 4096)
 *
 * Try it: copy example.conf to plugins.d/40-line.conf and `make run` (plugins.d/registry.json
 * holds this device), then:
 *   printf 'example-app device1 hey-rodney telemetry {"temp":21}\n' | nc -q1 127.0.0.1 7070
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tributary.h"

#define DEFAULT_PORT 7070
#define DEFAULT_MAX_LINE 4096
#define DEFAULT_MAX_CONNECTIONS 64
/* A client that stops reading must not hold a connection thread (and so drain) for long. */
#define SEND_TIMEOUT_SECONDS 1

/* ---- completions -------------------------------------------------------------------------- */

/* One asynchronous host operation (an authentication or a publish) that a connection thread
 * waits for. OWNERSHIP: shared by the waiting thread and the host's completion, one reference
 * each; whoever lets go last frees it. That is what makes a completion safe when it arrives
 * after its waiter gave up at the drain deadline, or even after on_instance_destroy (the host
 * does not hold an adapter's destroy back for its publishes): it touches nothing but this. */
struct completion {
    pthread_mutex_t lock;
    pthread_cond_t cond;   /* signalled when `done` is set */
    int refs;
    int done;
    trib_type_status status;
    char *application;     /* authentication: the canonical names on TRIB_OK, NUL-terminated */
    char *device;
};

/* A completion with both references taken: the caller's, and the one the host call will hand
 * to `done`. NULL when out of memory. */
static struct completion *completion_new(void) {
    struct completion *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    c->refs = 2;
    return c;
}

/* Drops one reference; the last one frees. THREAD: any. */
static void completion_release(struct completion *c) {
    pthread_mutex_lock(&c->lock);
    int last = --c->refs == 0;
    pthread_mutex_unlock(&c->lock);
    if (!last)
        return;
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->cond);
    free(c->application);
    free(c->device);
    free(c);
}

/* Records the outcome and wakes the waiter. THREAD: any (the host's, or the caller's own when
 * the host answers before its call returns). */
static void completion_finish(struct completion *c, trib_type_status status, char *application, char *device) {
    pthread_mutex_lock(&c->lock);
    c->status = status;
    c->application = application;
    c->device = device;
    c->done = 1;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->lock);
    completion_release(c);
}

/* A NUL-terminated heap copy of a lent buffer, or NULL when out of memory. */
static char *copy_buffer(trib_type_host_buffer b) {
    char *copy = malloc(b.len + 1);
    if (copy == NULL)
        return NULL;
    if (b.len > 0)
        memcpy(copy, b.ptr, b.len);
    copy[b.len] = '\0';
    return copy;
}

/* trib_type_device_auth_done_fn. `result` is lent until this returns: keep copies. Must not
 * block, and must not take a lock that the thread which called trib_host_authenticate_device
 * may hold (it can run inside that call). */
static void auth_done(void *done_ctx, const trib_type_device_auth_result *result) {
    char *application = NULL, *device = NULL;
    trib_type_status status = result->status;
    if (status == TRIB_OK) {
        application = copy_buffer(result->application);
        device = copy_buffer(result->device);
        if (application == NULL || device == NULL)
            status = TRIB_ERR_NOMEM;
    }
    completion_finish(done_ctx, status, application, device);
}

/* trib_type_publish_done_fn; the same rules as auth_done. */
static void publish_done(void *done_ctx, trib_type_status status) {
    completion_finish(done_ctx, status, NULL, NULL);
}

/* ---- the instance ------------------------------------------------------------------------- */

/* One accepted device connection and its thread. OWNERSHIP: the instance's list; created by the
 * accept thread, freed by whoever reaps it (reap_connections) after joining its thread. Only
 * its own thread touches fd, used and buffer. */
struct connection {
    struct line_adapter *adapter;
    pthread_t thread;
    int fd;
    int finished;                 /* under adapter->lock: the thread is about to return */
    struct completion *waiting;   /* under adapter->lock: what the thread waits for, or NULL */
    struct connection *next;
    size_t used;                  /* bytes in `buffer` */
    char buffer[];                /* max_line_bytes + 1: a longest line and its newline */
};

/* The instance (trib_type_instance_plugin_ptr). OWNERSHIP: plugin; from on_instance_new until
 * on_instance_destroy, which outlives every thread that reads it. */
struct line_adapter {
    const trib_type_host_api *host;
    trib_type_instance_host_ptr ih;
    /* From the configuration; fixed after on_instance_new. */
    struct sockaddr_in address;
    char address_text[64];
    size_t max_line;
    int max_connections;
    /* From on_instance_start. */
    int listener;                 /* -1 when not listening */
    int stop_pipe[2];             /* one byte written = stop: readable for every poller at once */
    pthread_t accept_thread;
    int accept_running;
    uint64_t metric_lines_ok, metric_connections;
    /* The give-up time for completions, wall-clock ms: INT64_MAX while running, the drain
     * deadline once draining, 0 when destroyed without drain. Atomic because waiters read it
     * under their completion's lock, not under `lock`. */
    _Atomic int64_t give_up_unix_ms;
    atomic_int stopping;          /* set once: take no new connection, no new line */
    pthread_mutex_t lock;         /* guards `connections` and `connection_count` */
    struct connection *connections;
    int connection_count;
};

/* trib_host_log with printf formatting; the level is checked first so that a disabled level
 * costs no formatting. The message is copied by the host. */
static void log_line(struct line_adapter *a, trib_type_log_level level, const char *format, ...) {
    if (!a->host->log_enabled(a->ih, level))
        return;
    char message[256];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(message, sizeof message, format, args);
    va_end(args);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof message ? (size_t)n : sizeof message - 1;
    a->host->log(a->ih, level, (trib_type_plugin_buffer){(const uint8_t *)message, len});
}

/* Wall-clock milliseconds: the clock of on_instance_drain's deadline. */
static int64_t now_unix_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until `c` completes or the adapter's give-up time passes; returns 1 when completed.
 * The condition variable uses CLOCK_REALTIME (the default), the clock of the drain deadline. */
static int completion_wait(struct line_adapter *a, struct completion *c) {
    pthread_mutex_lock(&c->lock);
    while (!c->done) {
        int64_t give_up = atomic_load(&a->give_up_unix_ms);
        if (give_up == INT64_MAX) {
            pthread_cond_wait(&c->cond, &c->lock);
            continue;
        }
        if (now_unix_ms() >= give_up)
            break;
        struct timespec until = {.tv_sec = give_up / 1000, .tv_nsec = (give_up % 1000) * 1000000};
        pthread_cond_timedwait(&c->cond, &c->lock, &until);
    }
    int done = c->done;
    pthread_mutex_unlock(&c->lock);
    return done;
}

/* Publishes `c` as what `conn` waits for, so that drain can wake it when the give-up time
 * changes. */
static void set_waiting(struct connection *conn, struct completion *c) {
    pthread_mutex_lock(&conn->adapter->lock);
    conn->waiting = c;
    pthread_mutex_unlock(&conn->adapter->lock);
}

/* After a host call that started `c`: waits for its outcome and lets go of the waiter's
 * reference. `started` is what the host call returned: TRIB_PENDING means the completion will
 * come (or already came); anything else means it never will, so its reference is dropped here.
 * Returns the operation's status (TRIB_ERR_UNAVAILABLE when given up at the deadline) and, for
 * an authentication, moves the canonical names to *application and *device. */
static trib_type_status finish_operation(struct connection *conn, struct completion *c, trib_type_status started,
                                         char **application, char **device) {
    if (started != TRIB_PENDING) {
        set_waiting(conn, NULL);
        completion_release(c); /* the completion's reference: it will not come */
        completion_release(c);
        /* Both calls answer TRIB_PENDING or an error; a TRIB_OK without completion would carry
         * no canonical names, so it is not taken for a success. */
        return started == TRIB_OK ? TRIB_ERR_INTERNAL : started;
    }
    int done = completion_wait(conn->adapter, c);
    set_waiting(conn, NULL);
    trib_type_status status = done ? c->status : TRIB_ERR_UNAVAILABLE;
    if (done && application != NULL) {
        /* Safe without the lock: the completion writes nothing after `done`, and the lock in
         * completion_release orders this before whichever side frees. */
        *application = c->application;
        *device = c->device;
        c->application = c->device = NULL;
    }
    completion_release(c);
    return status;
}

/* ---- one line ----------------------------------------------------------------------------- */

/* The word after "ERR" for a status: what a device can act on, not the ABI's number. */
static const char *reason_of(trib_type_status status) {
    switch (status) {
    case TRIB_ERR_UNAUTHENTICATED: return "unauthenticated";
    case TRIB_ERR_DENIED: return "denied";
    case TRIB_BUSY: return "busy";
    case TRIB_ERR_UNAVAILABLE: return "unavailable";
    case TRIB_ERR_REJECTED: return "rejected";
    case TRIB_ERR_INVALID: return "invalid";
    case TRIB_ERR_NOMEM: return "out of memory";
    case TRIB_ERR_CANCELLED: return "cancelled";
    default: return "failed";
    }
}

/* Writes one answer line. Returns 0, or -1 when the client is gone (or stopped reading for
 * SEND_TIMEOUT_SECONDS); the connection then closes. */
static int answer(struct connection *conn, const char *text) {
    char line[128];
    int n = snprintf(line, sizeof line, "%s\n", text);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    const char *p = line;
    while (len > 0) {
        ssize_t w = send(conn->fd, p, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* "OK" for TRIB_OK, else "ERR <reason>"; returns as answer(). */
static int answer_status(struct connection *conn, trib_type_status status) {
    if (status == TRIB_OK)
        return answer(conn, "OK");
    char text[64];
    snprintf(text, sizeof text, "ERR %s", reason_of(status));
    return answer(conn, text);
}

/* Lends `len` bytes at `s` to the host for one call (it copies them). */
static trib_type_plugin_buffer plugin_text(const char *s, size_t len) {
    return (trib_type_plugin_buffer){(const uint8_t *)s, len};
}

/* Authenticates and publishes one line (without its newline), then answers it. Returns 0 to go
 * on with the next line, -1 to close the connection. No lock is held here: both host calls may
 * run their completion on this thread before they return. */
static int handle_line(struct connection *conn, const char *line, size_t len) {
    struct line_adapter *a = conn->adapter;
    const char *field[5];
    size_t field_len[5];
    const char *p = line, *end = line + len;
    for (int i = 0; i < 4; i++) {
        const char *space = memchr(p, ' ', (size_t)(end - p));
        if (space == NULL || space == p)
            return answer(conn, "ERR malformed line: want <application> <device> <password> <channel> <payload>");
        field[i] = p;
        field_len[i] = (size_t)(space - p);
        p = space + 1;
    }
    field[4] = p;
    field_len[4] = (size_t)(end - p);

    struct completion *auth = completion_new();
    if (auth == NULL)
        return answer_status(conn, TRIB_ERR_NOMEM);
    /* Lent to the host for the call only; it copies what it keeps. */
    trib_type_plugin_device_auth_request request = {
        .struct_size = sizeof request,
        .credential_kind = TRIB_CREDENTIAL_PASSWORD,
        .application = {(const uint8_t *)field[0], field_len[0]},
        .device = {(const uint8_t *)field[1], field_len[1]},
        .password = {(const uint8_t *)field[2], field_len[2]},
    };
    set_waiting(conn, auth);
    trib_type_status started = a->host->authenticate_device(a->ih, &request, auth_done, auth);
    char *application = NULL, *device = NULL;
    trib_type_status status = finish_operation(conn, auth, started, &application, &device);
    if (status != TRIB_OK)
        return answer_status(conn, status);

    struct completion *published = completion_new();
    if (published == NULL) {
        free(application);
        free(device);
        return answer_status(conn, TRIB_ERR_NOMEM);
    }
    /* Copied by the host before trib_host_publish returns. */
    trib_type_message message = {
        .struct_size = sizeof message,
        .application = plugin_text(application, strlen(application)),
        .device = plugin_text(device, strlen(device)),
        .channel = plugin_text(field[3], field_len[3]),
        .payload = plugin_text(field[4], field_len[4]),
    };
    set_waiting(conn, published);
    started = a->host->publish(a->ih, &message, publish_done, published);
    free(application);
    free(device);
    status = finish_operation(conn, published, started, NULL, NULL);
    if (status == TRIB_OK)
        a->host->metric_add(a->ih, a->metric_lines_ok, 1);
    return answer_status(conn, status);
}

/* ---- connection threads ------------------------------------------------------------------- */

/* Reads lines until the client leaves, a line is too long, or the adapter stops; the line in
 * progress is always finished (authenticated, published, answered) before the thread stops. */
static void *connection_main(void *arg) {
    struct connection *conn = arg;
    struct line_adapter *a = conn->adapter;
    const size_t capacity = a->max_line + 1;
    for (;;) {
        char *newline;
        while ((newline = memchr(conn->buffer, '\n', conn->used)) != NULL) {
            size_t len = (size_t)(newline - conn->buffer);
            int closing = handle_line(conn, conn->buffer, len > 0 && newline[-1] == '\r' ? len - 1 : len);
            conn->used -= len + 1;
            memmove(conn->buffer, newline + 1, conn->used);
            if (closing != 0 || atomic_load(&a->stopping))
                goto out;
        }
        if (conn->used == capacity) {
            answer(conn, "ERR line too long");
            goto out;
        }
        struct pollfd fds[2] = {{.fd = conn->fd, .events = POLLIN}, {.fd = a->stop_pipe[0], .events = POLLIN}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            goto out;
        }
        if (fds[1].revents != 0)
            goto out;
        ssize_t n = read(conn->fd, conn->buffer + conn->used, capacity - conn->used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto out;
        conn->used += (size_t)n;
    }
out:
    close(conn->fd);
    pthread_mutex_lock(&a->lock);
    conn->finished = 1;
    int count = --a->connection_count;
    pthread_mutex_unlock(&a->lock);
    a->host->metric_set(a->ih, a->metric_connections, count);
    return NULL;
}

/* Joins and frees the connections whose threads have finished (all of them with `all`, which
 * waits for the others to finish first). THREAD: the accept thread, or control once the accept
 * thread is joined -- one at a time. */
static void reap_connections(struct line_adapter *a, int all) {
    pthread_mutex_lock(&a->lock);
    struct connection *done = NULL, **link = &a->connections;
    while (*link != NULL) {
        struct connection *conn = *link;
        if (all || conn->finished) {
            *link = conn->next;
            conn->next = done;
            done = conn;
        } else {
            link = &conn->next;
        }
    }
    pthread_mutex_unlock(&a->lock);
    /* Joined outside the lock: a finishing thread takes it on its way out. */
    while (done != NULL) {
        struct connection *next = done->next;
        pthread_join(done->thread, NULL);
        free(done);
        done = next;
    }
}

/* Serves one accepted socket on its own thread, or refuses it when max_connections are served. */
static void serve(struct line_adapter *a, int fd) {
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    struct timeval timeout = {.tv_sec = SEND_TIMEOUT_SECONDS};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    struct connection *conn = malloc(sizeof *conn + a->max_line + 1);
    if (conn == NULL) {
        close(fd);
        return;
    }
    *conn = (struct connection){.adapter = a, .fd = fd};
    pthread_mutex_lock(&a->lock);
    int full = a->connection_count >= a->max_connections;
    int started = !full && pthread_create(&conn->thread, NULL, connection_main, conn) == 0;
    if (started) {
        conn->next = a->connections;
        a->connections = conn;
        a->connection_count++;
    }
    int count = a->connection_count;
    pthread_mutex_unlock(&a->lock);
    if (started) {
        a->host->metric_set(a->ih, a->metric_connections, count);
        return;
    }
    answer(conn, full ? "ERR too many connections" : "ERR unavailable");
    if (full)
        log_line(a, TRIB_LOG_WARN, "refused a connection: %d served (max_connections)", count);
    else
        log_line(a, TRIB_LOG_ERROR, "refused a connection: cannot start its thread");
    close(fd);
    free(conn);
}

/* The accept thread: runs from on_instance_start until drain (or destroy) writes the stop byte. */
static void *accept_main(void *arg) {
    struct line_adapter *a = arg;
    for (;;) {
        struct pollfd fds[2] = {{.fd = a->listener, .events = POLLIN}, {.fd = a->stop_pipe[0], .events = POLLIN}};
        if (poll(fds, 2, -1) < 0 && errno != EINTR)
            break;
        if (fds[1].revents != 0)
            break;
        reap_connections(a, 0);
        if ((fds[0].revents & POLLIN) == 0)
            continue;
        int fd = accept(a->listener, NULL, NULL);
        if (fd >= 0) {
            serve(a, fd);
        } else if (errno == EMFILE || errno == ENFILE) {
            /* Out of descriptors: wait a little (or for stop) instead of spinning on the backlog. */
            log_line(a, TRIB_LOG_WARN, "cannot accept: out of file descriptors");
            poll(&fds[1], 1, 100);
        }
    }
    return NULL;
}

/* Stops taking connections and lines; safe to call twice (drain, then destroy). THREAD: control. */
static void stop_accepting(struct line_adapter *a) {
    if (atomic_exchange(&a->stopping, 1))
        return;
    if (a->stop_pipe[1] >= 0) {
        ssize_t ignored = write(a->stop_pipe[1], "x", 1);
        (void)ignored; /* a full pipe is already readable, which is all the byte is for */
    }
    if (a->accept_running) {
        pthread_join(a->accept_thread, NULL);
        a->accept_running = 0;
    }
    if (a->listener >= 0) {
        close(a->listener); /* frees the port for the instance that replaces this one */
        a->listener = -1;
    }
}

/* Moves the give-up time to `unix_ms` and wakes every waiter so that it sees it. */
static void give_up_at(struct line_adapter *a, int64_t unix_ms) {
    atomic_store(&a->give_up_unix_ms, unix_ms);
    pthread_mutex_lock(&a->lock);
    for (struct connection *conn = a->connections; conn != NULL; conn = conn->next) {
        if (conn->waiting != NULL) {
            /* Taking the completion's lock orders this after a waiter's check of the give-up
             * time, so the wake-up cannot fall between its check and its wait. */
            pthread_mutex_lock(&conn->waiting->lock);
            pthread_cond_broadcast(&conn->waiting->cond);
            pthread_mutex_unlock(&conn->waiting->lock);
        }
    }
    pthread_mutex_unlock(&a->lock);
}

/* ---- hooks -------------------------------------------------------------------------------- */

/* Keys arrive as counted bytes, not C strings: compare against a literal. */
static int key_is(trib_type_host_buffer key, const char *name) {
    size_t n = strlen(name);
    return key.len == n && memcmp(key.ptr, name, n) == 0;
}

/* Writes the one-line reason the host prints next to the drop-in file name. */
static trib_type_status refuse(char *error, size_t capacity, const char *format, ...) {
    va_list args;
    va_start(args, format);
    if (error != NULL && capacity > 0)
        vsnprintf(error, capacity, format, args);
    va_end(args);
    return TRIB_ERR_CONFIG;
}

/* Parses "a.b.c.d:port" into `out` (port 0: the kernel picks one at bind). Returns 0, or -1
 * when it is not that. */
static int parse_address(trib_type_host_buffer text, struct sockaddr_in *out) {
    char copy[64];
    if (text.len == 0 || text.len >= sizeof copy)
        return -1;
    memcpy(copy, text.ptr, text.len);
    copy[text.len] = '\0';
    char *colon = strrchr(copy, ':');
    if (colon == NULL || colon[1] == '\0')
        return -1;
    *colon = '\0';
    char *port_end;
    long port = strtol(colon + 1, &port_end, 10);
    if (*port_end != '\0' || port < 0 || port > 65535)
        return -1;
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    out->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, copy, &out->sin_addr) == 1 ? 0 : -1;
}

/* on_instance_new: validates the keys and keeps the values; binds, starts and opens nothing
 * (check and reload validation destroy this instance without starting it, and during a reload
 * the running instance still holds the port). THREAD: control. */
static trib_type_status line_new(const trib_type_host_api *host, trib_type_instance_host_ptr ih,
                                 const trib_type_config *config, trib_type_instance_plugin_ptr *out_instance,
                                 char *error, size_t error_capacity) {
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(DEFAULT_PORT),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int64_t max_line = DEFAULT_MAX_LINE, max_connections = DEFAULT_MAX_CONNECTIONS;
    for (size_t i = 0; i < config->item_count; i++) {
        const trib_type_config_item *item = config->items[i];
        if (key_is(item->key, "address")) {
            if (item->type != TRIB_CONFIG_STRING || parse_address(item->text, &address) != 0)
                return refuse(error, error_capacity, "line %u: 'address' must be \"a.b.c.d:port\"", item->line);
        } else if (key_is(item->key, "max_line_bytes")) {
            if (item->type != TRIB_CONFIG_INTEGER || item->integer < 16 || item->integer > 1048576)
                return refuse(error, error_capacity, "line %u: 'max_line_bytes' must be 16 .. 1048576", item->line);
            max_line = item->integer;
        } else if (key_is(item->key, "max_connections")) {
            if (item->type != TRIB_CONFIG_INTEGER || item->integer < 1 || item->integer > 4096)
                return refuse(error, error_capacity, "line %u: 'max_connections' must be 1 .. 4096", item->line);
            max_connections = item->integer;
        } else {
            /* A typo must not silently fall back to a default. */
            int len = item->key.len > 100 ? 100 : (int)item->key.len;
            return refuse(error, error_capacity, "line %u: unknown key '%.*s'", item->line, len,
                          len > 0 ? (const char *)item->key.ptr : "");
        }
    }
    struct line_adapter *a = calloc(1, sizeof *a);
    if (a == NULL)
        return TRIB_ERR_NOMEM;
    a->host = host;
    a->ih = ih;
    a->address = address;
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &address.sin_addr, ip, sizeof ip);
    snprintf(a->address_text, sizeof a->address_text, "%s:%u", ip, (unsigned)ntohs(address.sin_port));
    a->max_line = (size_t)max_line;
    a->max_connections = (int)max_connections;
    a->listener = -1;
    a->stop_pipe[0] = a->stop_pipe[1] = -1;
    atomic_init(&a->give_up_unix_ms, INT64_MAX);
    atomic_init(&a->stopping, 0);
    pthread_mutex_init(&a->lock, NULL);
    *out_instance = a;
    return TRIB_OK;
}

/* Tells the host the address really bound (the kernel's port when the configuration said 0):
 * through trib_host_listening when the host is 1.1 or newer, else in a log line. */
static void report_listening(struct line_adapter *a) {
    struct sockaddr_in bound;
    socklen_t length = sizeof bound;
    char host[INET_ADDRSTRLEN], address[INET_ADDRSTRLEN + 8];
    if (getsockname(a->listener, (struct sockaddr *)&bound, &length) != 0 ||
        inet_ntop(AF_INET, &bound.sin_addr, host, sizeof host) == NULL) {
        log_line(a, TRIB_LOG_INFO, "listening on %s", a->address_text);
        return;
    }
    int n = snprintf(address, sizeof address, "%s:%u", host, (unsigned)ntohs(bound.sin_port));
    if (!TRIB_HAS_FIELD(a->host, trib_type_host_api, listening) || a->host->listening == NULL) {
        log_line(a, TRIB_LOG_INFO, "listening on %s", address);
        return;
    }
    static const char label[] = "lines";
    a->host->listening(a->ih, plugin_text(label, sizeof label - 1), plugin_text(address, (size_t)n));
}

/* on_instance_start: registers the metrics, binds the listener and starts the accept thread.
 * On failure it releases what it took (the host then calls destroy without drain). THREAD:
 * control. */
static trib_type_status line_start(trib_type_instance_plugin_ptr instance, char *error, size_t error_capacity) {
    struct line_adapter *a = instance;
    static const char ok_name[] = "line_adapter_lines_ok_total", ok_help[] = "Lines published and answered OK.";
    static const char conn_name[] = "line_adapter_connections", conn_help[] = "Connections being served.";
    a->host->metric_register(a->ih, TRIB_METRIC_COUNTER, plugin_text(ok_name, sizeof ok_name - 1),
                             plugin_text(ok_help, sizeof ok_help - 1), &a->metric_lines_ok);
    a->host->metric_register(a->ih, TRIB_METRIC_GAUGE, plugin_text(conn_name, sizeof conn_name - 1),
                             plugin_text(conn_help, sizeof conn_help - 1), &a->metric_connections);

    if (pipe(a->stop_pipe) != 0)
        return refuse(error, error_capacity, "cannot create a pipe: %s", strerror(errno));
    fcntl(a->stop_pipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(a->stop_pipe[1], F_SETFD, FD_CLOEXEC);
    a->listener = socket(AF_INET, SOCK_STREAM, 0);
    if (a->listener < 0)
        return refuse(error, error_capacity, "cannot create a socket: %s", strerror(errno));
    fcntl(a->listener, F_SETFD, FD_CLOEXEC);
    int one = 1;
    setsockopt(a->listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(a->listener, (const struct sockaddr *)&a->address, sizeof a->address) != 0 || listen(a->listener, 64) != 0) {
        trib_type_status status = refuse(error, error_capacity, "cannot listen on %s: %s", a->address_text, strerror(errno));
        close(a->listener);
        a->listener = -1;
        return status;
    }
    if (pthread_create(&a->accept_thread, NULL, accept_main, a) != 0) {
        close(a->listener);
        a->listener = -1;
        return refuse(error, error_capacity, "cannot start the accept thread");
    }
    a->accept_running = 1;
    report_listening(a);
    return TRIB_OK;
}

/* on_instance_drain: no new connection or line from now on; each connection finishes the line
 * in flight, waiting for its publish until `deadline_unix_ms` at most, then closes. Returns when
 * every connection thread has ended, so no publish of this instance is still waited for.
 * THREAD: control; blocks until the deadline at most (plus SEND_TIMEOUT_SECONDS for an answer
 * to a client that stopped reading). */
static void line_drain(trib_type_instance_plugin_ptr instance, int64_t deadline_unix_ms) {
    struct line_adapter *a = instance;
    stop_accepting(a);
    give_up_at(a, deadline_unix_ms);
    reap_connections(a, 1);
}

/* on_instance_destroy: joins every thread this instance started and frees it. Without a drain
 * before (start failed, or check) nothing is waited for. THREAD: control. */
static void line_destroy(trib_type_instance_plugin_ptr instance) {
    struct line_adapter *a = instance;
    stop_accepting(a);
    give_up_at(a, 0);
    reap_connections(a, 1);
    if (a->stop_pipe[0] >= 0) {
        close(a->stop_pipe[0]);
        close(a->stop_pipe[1]);
    }
    pthread_mutex_destroy(&a->lock);
    free(a);
}

static const trib_type_plugin_descriptor line_descriptor = {
    .struct_size = sizeof(trib_type_plugin_descriptor),
    .abi_major = TRIB_ABI_MAJOR,
    .abi_minor = 0, /* the oldest minor it needs: it works on every 1.x host (VERSIONS) */
    .kind = TRIB_KIND_ADAPTER,
    .flags = 0,
    .name = "line-adapter",
    .version = "1.0.0",
    .description = "publishes one authenticated message per line of TCP",
    .built_with = TRIB_BUILT_WITH_C,
    .on_instance_new = line_new,
    .on_instance_start = line_start,
    .on_instance_drain = line_drain,
    .on_instance_destroy = line_destroy,
};

/* The entry symbol: refuses a host of another major (or older than abi_minor, here 0). */
TRIB_PLUGIN_ENTRY(line_descriptor)
