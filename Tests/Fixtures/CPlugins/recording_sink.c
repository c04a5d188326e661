/*
 * recording-sink -- test fixture: a sink whose outcome the test controls, and which records
 * every event it accepted.
 *
 * For each event of a delivery whose final outcome is TRIB_OK it appends the event's JSON
 * (trib_host_event_to_json) as one line to `path`, written before the delivery is completed, so
 * a test that sees a publish completion with TRIB_OK also finds its line. Deliveries completed
 * with any other status, or cancelled by a drain, record nothing.
 * Without delay_ms and complete_from_thread it records and completes inside on_sink_deliver;
 * otherwise a worker thread (one per instance, FIFO) completes each delivery at its due time.
 * on_instance_drain completes what is still queued with TRIB_ERR_CANCELLED, unless `ignore_drain`
 * is set: then it plays a stuck sink that keeps its queue past the drain deadline (the host must
 * fail those deliveries itself, and count the late completions destroy sends).
 * Metrics: tributary_plugin_recording_sink_events_total (counter: events recorded),
 * tributary_plugin_recording_sink_batches_total (counter: deliveries recorded) and
 * tributary_plugin_recording_sink_queue_depth (gauge: deliveries waiting for the worker).
 * Its hooks ask for batches of RS_MAX_BATCH (64) and RS_MAX_IN_FLIGHT (0: no window) pending
 * deliveries and RS_FLAGS (0) as descriptor flags; bounded_sink.c and serial_sink.c build this
 * file with other values, since hooks and descriptors are static.
 *
 * Build:
 *   cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -pthread \
 *      -I PluginAPI/CTributary/include recording_sink.c -o librecording-sink.so
 *
 * Drop-in (plugins.d/50-recording.conf):
 *   plugin = "/path/to/librecording-sink.so"
 *   path = "/tmp/t/recorded.jsonl"   # required
 *   outcome = "ok"                   # ok | busy | retry | error | busy-sync | error-sync
 *   fail_first = 0                   # > 0: only the first N deliveries get `outcome`, then "ok"
 *   delay_ms = 0                     # complete each delivery this long after it arrived
 *   complete_from_thread = false     # true: complete from the worker even without a delay
 *   ignore_drain = false             # true: on_instance_drain does nothing (a stuck sink)
 *
 * Outcomes: busy / retry / error complete with TRIB_BUSY / TRIB_RETRY / TRIB_ERR_INTERNAL;
 * busy-sync returns TRIB_BUSY and error-sync TRIB_ERR_UNAVAILABLE from the hook (no completion).
 * There is no `serial` key: the descriptor is static, so TRIB_FLAG_SERIAL_DELIVERY cannot be a
 * per-instance choice.
 */
#include "fixture_support.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum outcome { OUTCOME_OK, OUTCOME_BUSY, OUTCOME_RETRY, OUTCOME_ERROR, OUTCOME_BUSY_SYNC, OUTCOME_ERROR_SYNC };

static const struct {
    const char *name;
    enum outcome outcome;
} outcome_names[] = {
    {"ok", OUTCOME_OK},         {"busy", OUTCOME_BUSY},           {"retry", OUTCOME_RETRY},
    {"error", OUTCOME_ERROR},   {"busy-sync", OUTCOME_BUSY_SYNC}, {"error-sync", OUTCOME_ERROR_SYNC},
};

struct queued_delivery {
    struct queued_delivery *next;
    uint64_t op;
    const trib_type_batch *batch; /* valid until we complete `op` */
    int64_t due_ns;               /* CLOCK_MONOTONIC */
    trib_type_status status;      /* decided on arrival, so fail_first counts arrivals */
};

struct recording_sink {
    const trib_type_host_api *host;
    trib_type_instance_host_ptr ih;
    int fd;
    enum outcome outcome;
    int64_t fail_first;
    int64_t delay_ms;
    int complete_from_thread;
    int ignore_drain;
    uint64_t events_metric;
    uint64_t batches_metric;
    uint64_t depth_metric;
    atomic_uint_fast64_t deliveries;
    pthread_mutex_t file_lock; /* one delivery's lines stay contiguous */

    pthread_mutex_t lock; /* guards everything below */
    pthread_cond_t wake;  /* CLOCK_MONOTONIC, to sleep until a due time */
    struct queued_delivery *head, *tail;
    int64_t depth;
    int stopping;
    int worker_started;
    pthread_t worker;
};

/* ---- helpers ------------------------------------------------------------------------------ */

/* strerror() is not thread-safe, and finish() runs on delivery and worker threads. */
static const char *reason(int err, char *buffer, size_t capacity) {
    if (strerror_r(err, buffer, capacity) != 0)
        snprintf(buffer, capacity, "errno %d", err);
    return buffer;
}

static int grow(uint8_t **buffer, size_t *capacity, size_t wanted) {
    size_t next = *capacity * 2 > wanted ? *capacity * 2 : wanted;
    uint8_t *bigger = realloc(*buffer, next);
    if (bigger == NULL)
        return ENOMEM;
    *buffer = bigger;
    *capacity = next;
    return 0;
}

/* ---- delivery ----------------------------------------------------------------------------- */

/* Renders the whole batch first so that it reaches the file in one write(). */
static int record_batch(struct recording_sink *s, const trib_type_batch *batch) {
    size_t capacity = 4096, len = 0;
    uint8_t *buffer = malloc(capacity);
    if (buffer == NULL)
        return ENOMEM;
    for (size_t i = 0; i < batch->count; i++) {
        for (;;) {
            size_t room = capacity - len - 1; /* one byte stays free for the newline */
            size_t need = s->host->event_to_json(batch->events[i], buffer + len, room);
            if (need <= room) {
                len += need;
                buffer[len++] = '\n';
                break;
            }
            if (grow(&buffer, &capacity, len + need + 2) != 0) {
                free(buffer);
                return ENOMEM;
            }
        }
        if (capacity - len < 2 && grow(&buffer, &capacity, len + 2) != 0) {
            free(buffer);
            return ENOMEM;
        }
    }
    pthread_mutex_lock(&s->file_lock);
    int err = write_all(s->fd, buffer, len);
    pthread_mutex_unlock(&s->file_lock);
    free(buffer);
    return err;
}

static void finish(struct recording_sink *s, uint64_t op, const trib_type_batch *batch, trib_type_status status) {
    if (status == TRIB_OK) {
        int err = record_batch(s, batch);
        if (err != 0) {
            /* Completing OK without the lines would make the test's file lie. */
            char text[96];
            log_line(s->host, s->ih, TRIB_LOG_ERROR, "cannot record delivery: %s", reason(err, text, sizeof text));
            status = TRIB_ERR_INTERNAL;
        } else {
            s->host->metric_add(s->ih, s->events_metric, (int64_t)batch->count);
            s->host->metric_add(s->ih, s->batches_metric, 1);
        }
    }
    s->host->complete_delivery(s->ih, op, status);
}

static trib_type_status status_of(enum outcome outcome) {
    switch (outcome) {
    case OUTCOME_BUSY: return TRIB_BUSY;
    case OUTCOME_RETRY: return TRIB_RETRY;
    case OUTCOME_ERROR: return TRIB_ERR_INTERNAL;
    default: return TRIB_OK;
    }
}

static trib_type_status rs_deliver(trib_type_instance_plugin_ptr instance, uint64_t op, const trib_type_batch *batch) {
    struct recording_sink *s = instance;
    uint64_t n = atomic_fetch_add(&s->deliveries, 1);
    enum outcome outcome = (s->fail_first == 0 || n < (uint64_t)s->fail_first) ? s->outcome : OUTCOME_OK;

    if (outcome == OUTCOME_BUSY_SYNC)
        return TRIB_BUSY;
    if (outcome == OUTCOME_ERROR_SYNC)
        return TRIB_ERR_UNAVAILABLE;
    trib_type_status status = status_of(outcome);

    if (s->delay_ms == 0 && !s->complete_from_thread) {
        finish(s, op, batch, status);
        return TRIB_PENDING;
    }

    struct queued_delivery *q = malloc(sizeof *q);
    if (q == NULL)
        return TRIB_ERR_NOMEM;
    q->next = NULL;
    q->op = op;
    q->batch = batch;
    q->due_ns = monotonic_ns() + s->delay_ms * 1000000;
    q->status = status;

    pthread_mutex_lock(&s->lock);
    if (s->stopping || !s->worker_started) {
        /* A delivery racing with drain: hand it back so the host can pass it on. */
        pthread_mutex_unlock(&s->lock);
        free(q);
        s->host->complete_delivery(s->ih, op, TRIB_ERR_CANCELLED);
        return TRIB_PENDING;
    }
    if (s->tail != NULL)
        s->tail->next = q;
    else
        s->head = q;
    s->tail = q;
    s->depth++;
    s->host->metric_set(s->ih, s->depth_metric, s->depth);
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->lock);
    return TRIB_PENDING;
}

/* Every delivery waits the same delay, so due times follow arrival order and FIFO is enough. */
static void *rs_worker(void *arg) {
    struct recording_sink *s = arg;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (!s->stopping && s->head == NULL)
            pthread_cond_wait(&s->wake, &s->lock);
        if (s->stopping)
            break; /* drain has taken the queue */
        struct queued_delivery *q = s->head;
        int64_t now = monotonic_ns();
        if (now < q->due_ns) {
            struct timespec due = timespec_of_ns(q->due_ns);
            pthread_cond_timedwait(&s->wake, &s->lock, &due);
            continue; /* re-check: drain may have emptied the queue meanwhile */
        }
        s->head = q->next;
        if (s->head == NULL)
            s->tail = NULL;
        s->depth--;
        s->host->metric_set(s->ih, s->depth_metric, s->depth);
        pthread_mutex_unlock(&s->lock);
        finish(s, q->op, q->batch, q->status);
        free(q);
        pthread_mutex_lock(&s->lock);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

static trib_type_status rs_new(const trib_type_host_api *host, trib_type_instance_host_ptr ih,
                               const trib_type_config *config, trib_type_instance_plugin_ptr *out_instance,
                               char *error, size_t capacity) {
    const trib_type_config_item *path = NULL;
    enum outcome outcome = OUTCOME_OK;
    int64_t fail_first = 0, delay_ms = 0;
    int complete_from_thread = 0, ignore_drain = 0;

    for (size_t i = 0; i < config->item_count; i++) {
        const trib_type_config_item *item = config->items[i];
        if (key_is(item->key, "path")) {
            if (item->type != TRIB_CONFIG_STRING || item->text.len == 0 ||
                memchr(item->text.ptr, '\0', item->text.len) != NULL)
                return refuse(error, capacity, "line %u: 'path' must be a non-empty string", item->line);
            path = item;
        } else if (key_is(item->key, "outcome")) {
            size_t k = 0, count = sizeof outcome_names / sizeof outcome_names[0];
            if (item->type == TRIB_CONFIG_STRING)
                while (k < count && !text_is(item->text, outcome_names[k].name))
                    k++;
            if (item->type != TRIB_CONFIG_STRING || k == count)
                return refuse(error, capacity,
                              "line %u: 'outcome' must be one of ok, busy, retry, error, busy-sync, error-sync",
                              item->line);
            outcome = outcome_names[k].outcome;
        } else if (key_is(item->key, "fail_first") || key_is(item->key, "delay_ms")) {
            int is_delay = key_is(item->key, "delay_ms");
            if (item->type != TRIB_CONFIG_INTEGER || item->integer < 0 || item->integer > 86400000)
                return refuse(error, capacity, "line %u: '%s' must be an integer >= 0", item->line,
                              is_delay ? "delay_ms" : "fail_first");
            *(is_delay ? &delay_ms : &fail_first) = item->integer;
        } else if (key_is(item->key, "complete_from_thread") || key_is(item->key, "ignore_drain")) {
            int is_ignore = key_is(item->key, "ignore_drain");
            if (item->type != TRIB_CONFIG_BOOLEAN)
                return refuse(error, capacity, "line %u: '%s' must be true or false", item->line,
                              is_ignore ? "ignore_drain" : "complete_from_thread");
            *(is_ignore ? &ignore_drain : &complete_from_thread) = item->integer != 0;
        } else {
            return refuse_unknown_key(error, capacity, item);
        }
    }
    if (path == NULL)
        return refuse(error, capacity, "'path' is required");

    char file_name[4096];
    if (path->text.len >= sizeof file_name)
        return refuse(error, capacity, "line %u: 'path' is too long", path->line);
    memcpy(file_name, path->text.ptr, path->text.len);
    file_name[path->text.len] = '\0';

    struct recording_sink *s = calloc(1, sizeof *s);
    if (s == NULL)
        return TRIB_ERR_NOMEM;
    s->host = host;
    s->ih = ih;
    s->outcome = outcome;
    s->fail_first = fail_first;
    s->delay_ms = delay_ms;
    s->complete_from_thread = complete_from_thread;
    s->ignore_drain = ignore_drain;
    atomic_init(&s->deliveries, 0);

    if (host->metric_register(ih, TRIB_METRIC_COUNTER, plugin_text("recording_sink_events_total"),
                              plugin_text("Events the recording sink accepted and recorded."),
                              &s->events_metric) != TRIB_OK ||
        host->metric_register(ih, TRIB_METRIC_COUNTER, plugin_text("recording_sink_batches_total"),
                              plugin_text("Deliveries the recording sink accepted and recorded."),
                              &s->batches_metric) != TRIB_OK ||
        host->metric_register(ih, TRIB_METRIC_GAUGE, plugin_text("recording_sink_queue_depth"),
                              plugin_text("Deliveries waiting for the recording sink's worker."),
                              &s->depth_metric) != TRIB_OK) {
        free(s);
        refuse(error, capacity, "cannot register the metrics");
        return TRIB_ERR_INTERNAL;
    }

    s->fd = open(file_name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (s->fd < 0) {
        trib_type_status status = refuse(error, capacity, "cannot open '%s': %s", file_name, strerror(errno));
        free(s);
        return status;
    }

    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* due times must not jump with the wall clock */
    pthread_cond_init(&s->wake, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->file_lock, NULL);
    *out_instance = s;
    return TRIB_OK;
}

static trib_type_status rs_start(trib_type_instance_plugin_ptr instance, char *error, size_t capacity) {
    struct recording_sink *s = instance;
    if (s->delay_ms == 0 && !s->complete_from_thread)
        return TRIB_OK; /* everything completes inside the hook */
    int err = pthread_create(&s->worker, NULL, rs_worker, s);
    if (err != 0) {
        char text[96];
        refuse(error, capacity, "cannot start the worker thread: %s", reason(err, text, sizeof text));
        return TRIB_ERR_INTERNAL;
    }
    pthread_mutex_lock(&s->lock);
    s->worker_started = 1;
    pthread_mutex_unlock(&s->lock);
    return TRIB_OK;
}

/* Cancels what is queued and stops the worker; safe to call twice. */
static void rs_stop(struct recording_sink *s) {
    pthread_mutex_lock(&s->lock);
    s->stopping = 1;
    struct queued_delivery *queued = s->head;
    s->head = s->tail = NULL;
    s->depth = 0;
    s->host->metric_set(s->ih, s->depth_metric, 0);
    int join = s->worker_started;
    s->worker_started = 0;
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->lock);

    while (queued != NULL) {
        struct queued_delivery *next = queued->next;
        s->host->complete_delivery(s->ih, queued->op, TRIB_ERR_CANCELLED);
        free(queued);
        queued = next;
    }
    if (join)
        pthread_join(s->worker, NULL);
}

static void rs_drain(trib_type_instance_plugin_ptr instance, int64_t deadline_unix_ms) {
    (void)deadline_unix_ms; /* cancelling is immediate, the deadline never matters */
    struct recording_sink *s = instance;
    if (!s->ignore_drain)
        rs_stop(s);
}

static void rs_destroy(trib_type_instance_plugin_ptr instance) {
    struct recording_sink *s = instance;
    rs_stop(s); /* the host skips drain when start failed */
    close(s->fd);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->file_lock);
    free(s);
}

#ifndef RS_MAX_BATCH
#define RS_MAX_BATCH 64
#endif
#ifndef RS_MAX_IN_FLIGHT
#define RS_MAX_IN_FLIGHT 0
#endif
#ifndef RS_FLAGS
#define RS_FLAGS 0
#endif

static const trib_type_sink_hooks rs_hooks = {
    .struct_size = sizeof(trib_type_sink_hooks),
    .on_sink_deliver = rs_deliver,
    .max_batch = RS_MAX_BATCH,
    .max_in_flight = RS_MAX_IN_FLIGHT,
};

static const trib_type_plugin_descriptor rs_descriptor = {
    .struct_size = sizeof(trib_type_plugin_descriptor),
    .abi_major = TRIB_ABI_MAJOR,
    .abi_minor = TRIB_ABI_MINOR,
    .kind = TRIB_KIND_SINK,
    .flags = RS_FLAGS,
    .name = "recording-sink",
    .version = "1.0.0",
    .description = "test sink: records accepted events, outcome under test control",
    .built_with = TRIB_BUILT_WITH_C,
    .on_instance_new = rs_new,
    .on_instance_start = rs_start,
    .on_instance_drain = rs_drain,
    .on_instance_destroy = rs_destroy,
    .sink = &rs_hooks,
};

FIXTURE_ENTRY(rs_descriptor)
