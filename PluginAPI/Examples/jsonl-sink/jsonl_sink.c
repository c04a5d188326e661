/*
 * jsonl-sink -- an example Tributary sink for third-party authors.
 *
 * It appends every event it is given to a file, one structured-mode CloudEvent (JSON) per line.
 * It shows the parts every plugin needs: the handshake, a static descriptor, strict
 * configuration parsing, and a delivery that is accepted (TRIB_PENDING) and completed exactly
 * once -- here from inside the hook, with TRIB_RETRY when the file cannot be written.
 *
 * Build:
 *   cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -pthread \
 *      -I PluginAPI/CTributary/include jsonl_sink.c -o libjsonl-sink.so
 *
 * Enable (plugins.d/70-jsonl.conf):
 *   plugin = "/usr/local/lib/tributary/libjsonl-sink.so"
 *   path = "/var/lib/tributary/events.jsonl"   # required; created 0644, always appended to
 *   fsync = false                              # optional; true = fsync after every batch
 *   [filter]
 *   applications = ["example-app"]
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tributary.h"

struct jsonl_sink {
    const trib_type_host_api *host;
    trib_type_instance_host_ptr ih;
    int fd;
    int fsync_each_batch;
    /* Deliveries may run concurrently; the lock keeps each batch's lines together and in order. */
    pthread_mutex_t lock;
};

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

/* write() may take fewer bytes than asked, or be interrupted by a signal; neither is an error. */
static int write_all(int fd, const uint8_t *bytes, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, bytes, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : EIO;
        bytes += n;
        len -= (size_t)n;
    }
    return 0;
}

static trib_type_status jsonl_deliver(trib_type_instance_plugin_ptr instance, uint64_t op,
                                      const trib_type_batch *batch) {
    struct jsonl_sink *sink = instance;
    int err = 0;

    pthread_mutex_lock(&sink->lock);
    for (size_t i = 0; i < batch->count && err == 0; i++) {
        uint8_t stack[4096];
        uint8_t *line = stack;
        /* One byte stays free for the newline, so that each line leaves in a single write. */
        size_t len = sink->host->event_to_json(batch->events[i], stack, sizeof stack - 1);
        if (len > sizeof stack - 1) {
            line = malloc(len + 1);
            if (line == NULL) {
                err = ENOMEM;
                break;
            }
            sink->host->event_to_json(batch->events[i], line, len);
        }
        line[len] = '\n';
        err = write_all(sink->fd, line, len + 1);
        if (line != stack)
            free(line);
    }
    if (err == 0 && sink->fsync_each_batch && fsync(sink->fd) != 0)
        err = errno;
    pthread_mutex_unlock(&sink->lock);

    trib_type_status status = TRIB_OK;
    if (err != 0) {
        /* A failed batch may be partly written; the retry appends it again (at-least-once). */
        char reason[96], message[160];
        if (strerror_r(err, reason, sizeof reason) != 0) /* strerror() is not thread-safe */
            snprintf(reason, sizeof reason, "errno %d", err);
        int n = snprintf(message, sizeof message, "cannot append to the file: %s", reason);
        size_t message_len = n < 0 ? 0 : (size_t)n < sizeof message ? (size_t)n : sizeof message - 1;
        sink->host->log(sink->ih, TRIB_LOG_ERROR,
                        (trib_type_plugin_buffer){(const uint8_t *)message, message_len});
        status = TRIB_RETRY;
    }
    /* The batch must not be touched once this returns. */
    sink->host->complete_delivery(sink->ih, op, status);
    return TRIB_PENDING;
}

static trib_type_status jsonl_new(const trib_type_host_api *host, trib_type_instance_host_ptr ih,
                                  const trib_type_config *config, trib_type_instance_plugin_ptr *out_instance,
                                  char *error, size_t error_capacity) {
    const trib_type_config_item *path = NULL;
    int fsync_each_batch = 0;

    for (size_t i = 0; i < config->item_count; i++) {
        const trib_type_config_item *item = config->items[i];
        if (key_is(item->key, "path")) {
            if (item->type != TRIB_CONFIG_STRING)
                return refuse(error, error_capacity, "line %u: 'path' must be a string", item->line);
            path = item;
        } else if (key_is(item->key, "fsync")) {
            if (item->type != TRIB_CONFIG_BOOLEAN)
                return refuse(error, error_capacity, "line %u: 'fsync' must be true or false", item->line);
            fsync_each_batch = item->integer != 0;
        } else {
            /* A typo must not silently fall back to a default. */
            int len = item->key.len > 100 ? 100 : (int)item->key.len;
            return refuse(error, error_capacity, "line %u: unknown key '%.*s'", item->line, len,
                          len > 0 ? (const char *)item->key.ptr : "");
        }
    }
    if (path == NULL || path->text.len == 0)
        return refuse(error, error_capacity, "'path' is required");
    if (memchr(path->text.ptr, '\0', path->text.len) != NULL)
        return refuse(error, error_capacity, "line %u: 'path' contains a NUL byte", path->line);

    /* The configuration is lent until this hook returns, and open() wants a NUL-terminated name. */
    char *file_name = malloc(path->text.len + 1);
    struct jsonl_sink *sink = calloc(1, sizeof *sink);
    if (file_name == NULL || sink == NULL) {
        free(file_name);
        free(sink);
        return TRIB_ERR_NOMEM;
    }
    memcpy(file_name, path->text.ptr, path->text.len);
    file_name[path->text.len] = '\0';

    /* O_APPEND keeps lines whole when another process (or a reloaded instance) appends too. */
    sink->fd = open(file_name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (sink->fd < 0) {
        trib_type_status status = refuse(error, error_capacity, "cannot open '%s': %s", file_name, strerror(errno));
        free(file_name);
        free(sink);
        return status;
    }
    free(file_name);
    sink->host = host;
    sink->ih = ih;
    sink->fsync_each_batch = fsync_each_batch;
    pthread_mutex_init(&sink->lock, NULL);
    *out_instance = sink;
    return TRIB_OK;
}

/* Every delivery was completed inside its hook, so there is nothing left in flight to wait for. */
static void jsonl_destroy(trib_type_instance_plugin_ptr instance) {
    struct jsonl_sink *sink = instance;
    close(sink->fd);
    pthread_mutex_destroy(&sink->lock);
    free(sink);
}

static const trib_type_sink_hooks jsonl_sink_hooks = {
    .struct_size = sizeof(trib_type_sink_hooks),
    .on_sink_deliver = jsonl_deliver,
    .max_batch = 256, /* larger batches mean fewer fsyncs */
};

static const trib_type_plugin_descriptor jsonl_descriptor = {
    .struct_size = sizeof(trib_type_plugin_descriptor),
    .abi_major = TRIB_ABI_MAJOR,
    .abi_minor = TRIB_ABI_MINOR,
    .kind = TRIB_KIND_SINK,
    .flags = 0,
    .name = "jsonl-sink",
    .version = "1.0.0",
    .description = "appends events to a file as JSON lines",
    .built_with = TRIB_BUILT_WITH_C,
    .on_instance_new = jsonl_new,
    .on_instance_destroy = jsonl_destroy,
    .sink = &jsonl_sink_hooks,
};

trib_type_status trib_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor,
                                   const trib_type_plugin_descriptor **out_descriptor);

/* The compiler checks that the entry point has exactly the ABI's type. */
_Static_assert(_Generic(&trib_plugin_entry, trib_on_plugin_entry_fn: 1, default: 0),
               "trib_plugin_entry must be a trib_on_plugin_entry_fn");

trib_type_status trib_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor,
                                   const trib_type_plugin_descriptor **out_descriptor) {
    /* Built against minor 0, which every host of this major provides. */
    (void)host_abi_minor;
    if (host_abi_major != TRIB_ABI_MAJOR)
        return TRIB_ERR_ABI;
    *out_descriptor = &jsonl_descriptor;
    return TRIB_OK;
}
