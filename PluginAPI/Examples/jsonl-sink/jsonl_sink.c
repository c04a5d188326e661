/*
 * jsonl-sink -- an example Tributary sink for third-party authors.
 *
 * It appends every event it is given to a file, one structured-mode CloudEvent (JSON) per line,
 * and rotates the file by size. It shows the parts every plugin needs: the handshake, a static
 * descriptor, strict configuration parsing in on_instance_new (which only validates), resources
 * acquired in on_instance_start, and a delivery that is accepted (TRIB_PENDING) and completed
 * exactly once -- here from inside the hook, with TRIB_RETRY when the file cannot be written.
 *
 * Build (the Makefile's `examples` target does this):
 *   cc -std=c11 -O2 -Wall -Wextra -Werror -shared -fPIC -pthread \
 *      -I PluginAPI/CTributary/include jsonl_sink.c -o libtributary-jsonl-sink.so
 *
 * Enable (plugins.d/70-jsonl.conf):
 *   plugin = "jsonl-sink"        # libtributary-jsonl-sink.so on the plugin search path,
 *                                # or a path to the .so (any value with a '/')
 *   path = "/var/lib/tributary/events.jsonl"   # required; created 0644, always appended to
 *   fsync = false                # optional; true = fsync after every batch
 *   max_bytes = 67108864         # optional, default 64 MiB; 0 = never rotate
 *   [filter]
 *   applications = ["example-app"]
 *
 * Rotation: when the next line would make the file larger than `max_bytes`, the file is renamed
 * to `<path>.1` (replacing the previous one) and a new, empty `<path>` is opened, so the two files
 * together hold at most about 2 x max_bytes. A line is never split between the files; a single
 * line longer than `max_bytes` is written alone into a fresh file. Each file ends after a whole
 * line. The size counts every writer of the file (it is read with fstat before each batch), and
 * a file renamed away by someone else (logrotate, or another instance of this sink during a
 * reload) is noticed before the next batch and reopened at `path`.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tributary.h"

#define DEFAULT_MAX_BYTES (64 * 1024 * 1024)

struct jsonl_sink {
    const trib_type_host_api *host;
    trib_type_instance_host_ptr ih;
    char *path;          /* NUL-terminated copy of `path`: the configuration is only lent */
    char *rotated_path;  /* `path` + ".1" */
    int64_t max_bytes;   /* 0 = no rotation */
    int fsync_each_batch;
    /* Deliveries may run concurrently; the lock keeps each batch's lines together and in order,
     * and guards fd and size. */
    pthread_mutex_t lock;
    int fd;              /* -1 until on_instance_start */
    int64_t size;        /* bytes in the open file, as far as this instance knows */
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

/* Opens (creating) `path` for appending and learns its size. Returns 0 or an errno value.
 * O_APPEND keeps lines whole when another process (or a reloaded instance) appends too. */
static int open_file(struct jsonl_sink *sink) {
    int fd = open(sink->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return errno;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int err = errno;
        close(fd);
        return err;
    }
    if (sink->fd >= 0)
        close(sink->fd);
    sink->fd = fd;
    sink->size = (int64_t)st.st_size;
    return 0;
}

/* Called with the lock held, before each batch: reopens `path` when the open file is no longer
 * the one at that name (renamed away by another writer), and refreshes the size so that other
 * writers' lines count towards max_bytes. Returns 0 or an errno value. */
static int refresh_file(struct jsonl_sink *sink) {
    struct stat open_st, path_st;
    if (fstat(sink->fd, &open_st) != 0)
        return errno;
    if (stat(sink->path, &path_st) != 0 || path_st.st_ino != open_st.st_ino || path_st.st_dev != open_st.st_dev)
        return open_file(sink);
    sink->size = (int64_t)open_st.st_size;
    return 0;
}

/* Called with the lock held: makes room for a line of `len` bytes (newline included). */
static int rotate_if_needed(struct jsonl_sink *sink, size_t len) {
    if (sink->max_bytes == 0 || sink->size == 0 || sink->size + (int64_t)len <= sink->max_bytes)
        return 0;
    /* fsync first when asked, so the rotated file is as durable as the lines were promised. */
    if (sink->fsync_each_batch && fsync(sink->fd) != 0)
        return errno;
    if (rename(sink->path, sink->rotated_path) != 0)
        return errno;
    return open_file(sink);
}

/* Called with the lock held: appends every event of the batch. Returns 0 or an errno value. */
static int append_batch(struct jsonl_sink *sink, const trib_type_batch *batch) {
    int err = refresh_file(sink);
    for (size_t i = 0; i < batch->count && err == 0; i++) {
        uint8_t stack[4096];
        uint8_t *line = stack;
        /* One byte stays free for the newline, so that each line leaves in a single write. */
        size_t len = sink->host->event_to_json(batch->events[i], stack, sizeof stack - 1);
        if (len > sizeof stack - 1) {
            line = malloc(len + 1);
            if (line == NULL)
                return ENOMEM;
            sink->host->event_to_json(batch->events[i], line, len);
        }
        line[len] = '\n';
        err = rotate_if_needed(sink, len + 1);
        if (err == 0)
            err = write_all(sink->fd, line, len + 1);
        if (err == 0)
            sink->size += (int64_t)(len + 1);
        if (line != stack)
            free(line);
    }
    if (err == 0 && sink->fsync_each_batch && fsync(sink->fd) != 0)
        err = errno;
    return err;
}

/* on_sink_deliver. THREAD: any, concurrently; the lock serializes the writes. */
static trib_type_status jsonl_deliver(trib_type_instance_plugin_ptr instance, uint64_t op,
                                      const trib_type_batch *batch) {
    struct jsonl_sink *sink = instance;

    pthread_mutex_lock(&sink->lock);
    int err = append_batch(sink, batch);
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
    /* Completed only after the lock is released: the completion runs the adapter's publish
     * callback on this thread, and an adapter that publishes again from there re-enters this
     * hook, which would wait forever for a lock this thread still held. The batch must not be
     * touched once this returns. */
    sink->host->complete_delivery(sink->ih, op, status);
    return TRIB_PENDING;
}

/* A NUL-terminated heap copy of `len` bytes followed by `suffix`, or NULL when out of memory. */
static char *copy_with_suffix(const uint8_t *bytes, size_t len, const char *suffix) {
    size_t extra = strlen(suffix);
    char *copy = malloc(len + extra + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, bytes, len);
    memcpy(copy + len, suffix, extra + 1);
    return copy;
}

/* on_instance_new: validates and copies the configuration, and touches nothing outside this
 * process: `tributary check` and every reload's validation create instances that are destroyed
 * without ever being started. The file is opened in on_instance_start. */
static trib_type_status jsonl_new(const trib_type_host_api *host, trib_type_instance_host_ptr ih,
                                  const trib_type_config *config, trib_type_instance_plugin_ptr *out_instance,
                                  char *error, size_t error_capacity) {
    const trib_type_config_item *path = NULL;
    int fsync_each_batch = 0;
    int64_t max_bytes = DEFAULT_MAX_BYTES;

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
        } else if (key_is(item->key, "max_bytes")) {
            if (item->type != TRIB_CONFIG_INTEGER || item->integer < 0)
                return refuse(error, error_capacity, "line %u: 'max_bytes' must be an integer >= 0", item->line);
            max_bytes = item->integer;
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

    struct jsonl_sink *sink = calloc(1, sizeof *sink);
    if (sink == NULL)
        return TRIB_ERR_NOMEM;
    sink->path = copy_with_suffix(path->text.ptr, path->text.len, "");
    sink->rotated_path = copy_with_suffix(path->text.ptr, path->text.len, ".1");
    if (sink->path == NULL || sink->rotated_path == NULL) {
        free(sink->path);
        free(sink->rotated_path);
        free(sink);
        return TRIB_ERR_NOMEM;
    }
    sink->host = host;
    sink->ih = ih;
    sink->fsync_each_batch = fsync_each_batch;
    sink->max_bytes = max_bytes;
    sink->fd = -1;
    pthread_mutex_init(&sink->lock, NULL);
    *out_instance = sink;
    return TRIB_OK;
}

/* on_instance_start: opens the file. Deliveries start only after this returned TRIB_OK, so fd
 * needs no lock here. On failure the host prints the reason and destroys the instance. */
static trib_type_status jsonl_start(trib_type_instance_plugin_ptr instance, char *error, size_t error_capacity) {
    struct jsonl_sink *sink = instance;
    int err = open_file(sink);
    if (err != 0) {
        char reason[96];
        if (strerror_r(err, reason, sizeof reason) != 0)
            snprintf(reason, sizeof reason, "errno %d", err);
        refuse(error, error_capacity, "cannot open '%s': %s", sink->path, reason);
        return TRIB_ERR_UNAVAILABLE;
    }
    return TRIB_OK;
}

/* on_instance_destroy: every delivery was completed inside its hook, so nothing is in flight;
 * fd is still -1 when the instance was never started (check, reload validation). */
static void jsonl_destroy(trib_type_instance_plugin_ptr instance) {
    struct jsonl_sink *sink = instance;
    if (sink->fd >= 0)
        close(sink->fd);
    pthread_mutex_destroy(&sink->lock);
    free(sink->path);
    free(sink->rotated_path);
    free(sink);
}

static const trib_type_sink_hooks jsonl_sink_hooks = {
    .struct_size = sizeof(trib_type_sink_hooks),
    .on_sink_deliver = jsonl_deliver,
    .max_batch = 256, /* larger batches mean fewer writes and fsyncs */
    /* One delivery at a time (ABI 1.1; a 1.0 host ignores it and sends one event per call):
     * what arrives meanwhile waits in the host and comes as the next batch. */
    .max_in_flight = 1,
};

static const trib_type_plugin_descriptor jsonl_descriptor = {
    .struct_size = sizeof(trib_type_plugin_descriptor),
    .abi_major = TRIB_ABI_MAJOR,
    .abi_minor = 0, /* the oldest minor it needs: it works on every 1.x host (VERSIONS) */
    .kind = TRIB_KIND_SINK,
    .flags = 0,
    .name = "jsonl-sink",
    .version = "1.1.0",
    .description = "appends events to a file as JSON lines, rotated by size",
    .built_with = TRIB_BUILT_WITH_C,
    .on_instance_new = jsonl_new,
    .on_instance_start = jsonl_start,
    .on_instance_destroy = jsonl_destroy,
    .sink = &jsonl_sink_hooks,
};

/* The entry symbol: refuses a host of another major (or older than abi_minor, here 0). */
TRIB_PLUGIN_ENTRY(jsonl_descriptor)
