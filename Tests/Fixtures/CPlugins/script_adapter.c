/*
 * script-adapter -- test fixture: an adapter that publishes a scripted run of `count` messages
 * and writes a JSON summary of how the host answered.
 *
 * on_instance_start starts one publisher thread. It publishes seq = 0 .. count-1, keeping at most
 * `window` messages in flight (waiting for completions) and at most `rate` per second; each
 * message carries the CloudEvent extension "seq" = seq in decimal. Every completion is tallied by
 * status, and a second completion of the same message is counted in "duplicates". This adapter
 * also drives a 500k events/s benchmark, so the publish path allocates nothing (the payload is
 * formatted into a buffer made once) and the completion path only touches counters under one
 * mutex.
 *
 * The summary `record` is written atomically (temp file + rename) as soon as every message has an
 * answer (a completion, or a refusal from trib_host_publish), so a test can wait for the file while
 * the host still runs, and again, final, in on_instance_destroy:
 *   {"published":N,"ok":..,"busy":..,"unavailable":..,"cancelled":..,"other_error":..,
 *    "sync_rejected":..,"sync_other":..,"duplicates":..,"pending":..,"elapsed_ns":..}
 * published  = publish returned TRIB_PENDING; sync_rejected / sync_other = it returned
 * TRIB_ERR_REJECTED / anything else; ok, busy, unavailable, cancelled, other_error = first
 * completions by status; pending = published - completed; elapsed_ns = last completion - first
 * publish (CLOCK_MONOTONIC). With fire_and_forget no completion exists: a message counts as
 * completed when publish returns TRIB_PENDING (so pending is 0 and the status counters stay 0),
 * and elapsed_ns ends at the last publish.
 *
 * Build:
 *   cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -pthread \
 *      -I PluginAPI/CTributary/include script_adapter.c -o libscript-adapter.so
 *
 * Drop-in (plugins.d/20-script.conf):
 *   plugin = "/path/to/libscript-adapter.so"
 *   record = "/tmp/t/summary.json"   # required
 *   count = 1000                     # required, >= 0
 *   application = "app"
 *   device = "device1"
 *   sender = ""                      # empty = the device itself
 *   channel = "telemetry"
 *   content_type = ""
 *   payload = "{\"seq\":{seq}}"      # every {seq} becomes the sequence number
 *   payload_size = 0                 # > 0: send that many bytes of 'x' instead of `payload`
 *   window = 64                      # publishes in flight at most
 *   fire_and_forget = false          # true: publish with done = NULL
 *   acked = ""                       # a path: with each summary, the seq of every message
 *                                    # completed with TRIB_OK, one per line (what the device
 *                                    # saw acknowledged)
 *   acked_log = ""                   # a path: each seq appended (one write per line) the moment
 *                                    # its message is completed with TRIB_OK, so the file is
 *                                    # right even when the process is killed (kill -9 tests)
 *   rate = 0                         # messages per second; 0 = as fast as possible
 */
#include "fixture_support.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct text {
    char *ptr; /* NUL-terminated copy, for the file names */
    size_t len;
};

enum slot_state { SLOT_UNANSWERED = 0, SLOT_PUBLISHED, SLOT_REFUSED };

/* One per message, made once in on_instance_new: it is the done_ctx, so the completion finds both
 * its instance and its message without a per-message allocation. */
struct slot {
    struct script *sc;
    uint32_t completions;
    int32_t status;  /* of the first completion */
    uint8_t state; /* what trib_host_publish returned; a completion may arrive before that */
};

struct script {
    const trib_type_host_api *host;
    trib_type_instance_host_ptr ih;

    struct text record, record_tmp, application, device, sender, channel, content_type, payload, acked, acked_log;
    int acked_log_fd;
    int64_t count, payload_size, window, rate;
    int fire_and_forget;

    struct text *segments; /* `payload` split at each "{seq}" */
    size_t segment_count;
    uint8_t *payload_buffer; /* the formatted payload, or payload_size bytes of 'x' */
    struct slot *slots;      /* count of them; NULL with fire_and_forget */

    pthread_t publisher;
    int publisher_started;

    pthread_mutex_t lock;    /* guards everything below */
    pthread_cond_t wake;     /* CLOCK_MONOTONIC: window room, rate pacing, stop */
    pthread_cond_t drained;  /* CLOCK_REALTIME: on_instance_drain's deadline is wall-clock */
    int stop, publisher_waiting, drain_waiting, summary_written;
    int64_t inflight;
    uint64_t published, completed, finished;
    uint64_t ok, busy, unavailable, cancelled, other_error, sync_rejected, sync_other, duplicates;
    int have_first;
    int64_t first_publish_ns, last_done_ns;
};

/* ---- helpers ------------------------------------------------------------------------------ */

static int set_text(struct text *t, const void *bytes, size_t len) {
    char *copy = copy_text(bytes, len);
    if (copy == NULL)
        return -1;
    free(t->ptr);
    t->ptr = copy;
    t->len = len;
    return 0;
}

static trib_type_plugin_buffer lend(const struct text *t) {
    return (trib_type_plugin_buffer){(const uint8_t *)t->ptr, t->len};
}

static size_t format_decimal(uint64_t value, char out[20]) {
    char reversed[20];
    size_t n = 0;
    do {
        reversed[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    for (size_t i = 0; i < n; i++)
        out[i] = reversed[n - 1 - i];
    return n;
}

/* ---- summary ------------------------------------------------------------------------------ */

/* Written before the summary is renamed into place, so a test that sees the summary finds it. */
static void write_acked_locked(struct script *sc) {
    int fd = open(sc->acked.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        log_line(sc->host, sc->ih, TRIB_LOG_ERROR, "cannot write '%s' (errno %d)", sc->acked.ptr, errno);
        return;
    }
    char line[24];
    for (int64_t seq = 0; seq < sc->count; seq++) {
        if (sc->slots[seq].completions == 0 || sc->slots[seq].status != TRIB_OK)
            continue;
        size_t n = format_decimal((uint64_t)seq, line);
        line[n++] = '\n';
        if (write_all(fd, line, n) != 0)
            break;
    }
    close(fd);
}

/* Temp file + rename: a test polling for the file never reads half of it. */
static void write_summary_locked(struct script *sc) {
    char json[640];
    int64_t elapsed = sc->have_first && sc->last_done_ns > sc->first_publish_ns
                          ? sc->last_done_ns - sc->first_publish_ns
                          : 0;
    int n = snprintf(json, sizeof json,
                     "{\"published\":%" PRIu64 ",\"ok\":%" PRIu64 ",\"busy\":%" PRIu64 ",\"unavailable\":%" PRIu64
                     ",\"cancelled\":%" PRIu64 ",\"other_error\":%" PRIu64 ",\"sync_rejected\":%" PRIu64
                     ",\"sync_other\":%" PRIu64 ",\"duplicates\":%" PRIu64 ",\"pending\":%" PRId64
                     ",\"elapsed_ns\":%" PRId64 "}\n",
                     sc->published, sc->ok, sc->busy, sc->unavailable, sc->cancelled, sc->other_error,
                     sc->sync_rejected, sc->sync_other, sc->duplicates,
                     (int64_t)sc->published - (int64_t)sc->completed, elapsed);
    if (sc->acked.len > 0 && sc->slots != NULL)
        write_acked_locked(sc);
    int fd = open(sc->record_tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int err = fd < 0 ? errno : write_all(fd, json, (size_t)n);
    if (fd >= 0 && close(fd) != 0 && err == 0)
        err = errno;
    if (err == 0 && rename(sc->record_tmp.ptr, sc->record.ptr) != 0)
        err = errno;
    if (err != 0)
        log_line(sc->host, sc->ih, TRIB_LOG_ERROR, "cannot write the summary '%s' (errno %d)", sc->record.ptr, err);
}

static void maybe_write_summary_locked(struct script *sc) {
    if (!sc->summary_written && sc->finished == (uint64_t)sc->count) {
        sc->summary_written = 1;
        write_summary_locked(sc);
    }
}

/* ---- publishing --------------------------------------------------------------------------- */

static void on_published(void *done_ctx, trib_type_status status) {
    struct slot *slot = done_ctx;
    struct script *sc = slot->sc;
    int64_t now = monotonic_ns();

    pthread_mutex_lock(&sc->lock);
    if (slot->completions < UINT32_MAX)
        slot->completions++;
    if (slot->completions > 1 || slot->state == SLOT_REFUSED) {
        /* Exactly once is the contract under test; a refused publish must never complete. */
        sc->duplicates++;
    } else {
        sc->completed++;
        sc->inflight--;
        slot->status = status;
        switch (status) {
        case TRIB_OK:
            sc->ok++;
            if (sc->acked_log_fd >= 0) {
                char line[24];
                size_t n = format_decimal((uint64_t)(slot - sc->slots), line);
                line[n++] = '\n';
                (void)write_all(sc->acked_log_fd, line, n);
            }
            break;
        case TRIB_BUSY: sc->busy++; break;
        case TRIB_ERR_UNAVAILABLE: sc->unavailable++; break;
        case TRIB_ERR_CANCELLED: sc->cancelled++; break;
        default: sc->other_error++; break;
        }
        if (now > sc->last_done_ns)
            sc->last_done_ns = now;
        if (slot->state == SLOT_PUBLISHED)
            sc->finished++; /* else the publisher counts it when publish returns */
        /* Wake the publisher once a quarter of the window is free, not for every completion:
         * at high rates a wake-up per message costs more than the message. */
        if (sc->publisher_waiting && sc->inflight <= sc->window - (sc->window + 3) / 4)
            pthread_cond_signal(&sc->wake);
        if (sc->drain_waiting && sc->inflight == 0)
            pthread_cond_signal(&sc->drained);
        maybe_write_summary_locked(sc);
    }
    pthread_mutex_unlock(&sc->lock);
}

/* Exact without 128-bit arithmetic: seq / rate seconds, then the remainder. */
static int64_t pace_offset_ns(int64_t seq, int64_t rate) {
    return (seq / rate) * 1000000000 + (seq % rate) * 1000000000 / rate;
}

static void *publisher_main(void *arg) {
    struct script *sc = arg;
    char digits[20];
    trib_type_plugin_attribute seq_extension = {.name = plugin_text("seq")};
    trib_type_message message;
    memset(&message, 0, sizeof message);
    message.struct_size = sizeof message;
    message.application = lend(&sc->application);
    message.device = lend(&sc->device);
    message.sender = lend(&sc->sender);
    message.channel = lend(&sc->channel);
    message.content_type = lend(&sc->content_type);
    message.extensions = &seq_extension;
    message.extension_count = 1;
    trib_type_publish_done_fn done = sc->fire_and_forget ? NULL : on_published;
    int64_t paced_from = 0;

    pthread_mutex_lock(&sc->lock);
    for (int64_t seq = 0; seq < sc->count && !sc->stop; seq++) {
        while (done != NULL && !sc->stop && sc->inflight >= sc->window) {
            sc->publisher_waiting = 1;
            pthread_cond_wait(&sc->wake, &sc->lock);
            sc->publisher_waiting = 0;
        }
        if (sc->rate > 0) {
            if (seq == 0)
                paced_from = monotonic_ns();
            int64_t due_ns = paced_from + pace_offset_ns(seq, sc->rate);
            struct timespec due = timespec_of_ns(due_ns);
            /* Wake-ups may be spurious, so the clock decides, not the wait. */
            while (!sc->stop && monotonic_ns() < due_ns)
                pthread_cond_timedwait(&sc->wake, &sc->lock, &due);
        }
        if (sc->stop)
            break;
        if (!sc->have_first) {
            sc->have_first = 1;
            sc->first_publish_ns = monotonic_ns();
        }
        struct slot *slot = done != NULL ? &sc->slots[seq] : NULL;
        if (slot != NULL)
            sc->inflight++; /* before publishing: the completion may come first */
        pthread_mutex_unlock(&sc->lock);

        /* Never hold the lock across publish: a sink completing inline calls on_published here. */
        size_t digit_count = format_decimal((uint64_t)seq, digits);
        seq_extension.value = (trib_type_plugin_buffer){(const uint8_t *)digits, digit_count};
        if (sc->payload_size > 0 || sc->segment_count == 1) {
            message.payload = (trib_type_plugin_buffer){sc->payload_buffer, sc->payload_size > 0
                                                                                 ? (size_t)sc->payload_size
                                                                                 : sc->payload.len};
        } else {
            size_t len = 0;
            for (size_t i = 0; i < sc->segment_count; i++) {
                memcpy(sc->payload_buffer + len, sc->segments[i].ptr, sc->segments[i].len);
                len += sc->segments[i].len;
                if (i + 1 < sc->segment_count) {
                    memcpy(sc->payload_buffer + len, digits, digit_count);
                    len += digit_count;
                }
            }
            message.payload = (trib_type_plugin_buffer){sc->payload_buffer, len};
        }
        trib_type_status status = sc->host->publish(sc->ih, &message, done, slot);

        pthread_mutex_lock(&sc->lock);
        if (status == TRIB_PENDING) {
            sc->published++;
            if (slot == NULL) {
                sc->completed++;
                sc->finished++;
                sc->last_done_ns = monotonic_ns();
            } else {
                slot->state = SLOT_PUBLISHED;
                if (slot->completions > 0)
                    sc->finished++;
            }
        } else {
            if (status == TRIB_ERR_REJECTED)
                sc->sync_rejected++;
            else
                sc->sync_other++;
            sc->finished++;
            if (slot != NULL) {
                slot->state = SLOT_REFUSED;
                if (slot->completions > 0) {
                    sc->duplicates++; /* completed although refused: already left the window */
                } else {
                    sc->inflight--;
                    if (sc->drain_waiting && sc->inflight == 0)
                        pthread_cond_signal(&sc->drained);
                }
            }
        }
        maybe_write_summary_locked(sc);
    }
    maybe_write_summary_locked(sc); /* count == 0 */
    pthread_mutex_unlock(&sc->lock);
    return NULL;
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

static void free_script(struct script *sc) {
    struct text *texts[] = {&sc->record,  &sc->record_tmp,   &sc->application, &sc->device,
                            &sc->sender,  &sc->channel,      &sc->content_type, &sc->payload,
                            &sc->acked, &sc->acked_log};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        free(texts[i]->ptr);
    if (sc->acked_log_fd >= 0)
        close(sc->acked_log_fd);
    free(sc->segments);
    free(sc->payload_buffer);
    free(sc->slots);
    free(sc);
}

static trib_type_status parse_config(struct script *sc, const trib_type_config *config, char *error,
                                     size_t capacity) {
    static const char *const string_keys[] = {"record", "application", "device", "sender",
                                              "channel", "content_type", "payload", "acked", "acked_log"};
    struct text *string_fields[] = {&sc->record,  &sc->application,  &sc->device, &sc->sender,
                                    &sc->channel, &sc->content_type, &sc->payload, &sc->acked, &sc->acked_log};
    static const char *const integer_keys[] = {"count", "payload_size", "window", "rate"};
    int64_t *integer_fields[] = {&sc->count, &sc->payload_size, &sc->window, &sc->rate};
    static const int64_t integer_min[] = {0, 0, 1, 0};
    static const int64_t integer_max[] = {INT32_MAX, 64 << 20, 1 << 24, 1000000000};
    int have_count = 0;

    for (size_t i = 0; i < config->item_count; i++) {
        const trib_type_config_item *item = config->items[i];
        size_t k;
        for (k = 0; k < sizeof string_keys / sizeof string_keys[0]; k++) {
            if (!key_is(item->key, string_keys[k]))
                continue;
            if (item->type != TRIB_CONFIG_STRING)
                return refuse(error, capacity, "line %u: '%s' must be a string", item->line, string_keys[k]);
            if (set_text(string_fields[k], item->text.ptr, item->text.len) != 0)
                return TRIB_ERR_NOMEM;
            goto next;
        }
        for (k = 0; k < sizeof integer_keys / sizeof integer_keys[0]; k++) {
            if (!key_is(item->key, integer_keys[k]))
                continue;
            if (item->type != TRIB_CONFIG_INTEGER || item->integer < integer_min[k] || item->integer > integer_max[k])
                return refuse(error, capacity, "line %u: '%s' must be an integer from %" PRId64 " to %" PRId64,
                              item->line, integer_keys[k], integer_min[k], integer_max[k]);
            *integer_fields[k] = item->integer;
            have_count |= k == 0;
            goto next;
        }
        if (key_is(item->key, "fire_and_forget")) {
            if (item->type != TRIB_CONFIG_BOOLEAN)
                return refuse(error, capacity, "line %u: 'fire_and_forget' must be true or false", item->line);
            sc->fire_and_forget = item->integer != 0;
            continue;
        }
        return refuse_unknown_key(error, capacity, item);
    next:;
    }
    if (sc->record.ptr == NULL || sc->record.len == 0 || strlen(sc->record.ptr) != sc->record.len)
        return refuse(error, capacity, "'record' is required (a file path)");
    if (!have_count)
        return refuse(error, capacity, "'count' is required");
    return TRIB_OK;
}

static trib_type_status sa_new(const trib_type_host_api *host, trib_type_instance_host_ptr ih,
                               const trib_type_config *config, trib_type_instance_plugin_ptr *out_instance,
                               char *error, size_t capacity) {
    struct script *sc = calloc(1, sizeof *sc);
    if (sc == NULL)
        return TRIB_ERR_NOMEM;
    sc->host = host;
    sc->ih = ih;
    sc->window = 64;
    sc->acked_log_fd = -1;
    trib_type_status status = parse_config(sc, config, error, capacity);
    if (status != TRIB_OK) {
        free_script(sc);
        return status;
    }

    static const char default_payload[] = "{\"seq\":{seq}}";
    if ((sc->application.ptr == NULL && set_text(&sc->application, "app", 3) != 0) ||
        (sc->device.ptr == NULL && set_text(&sc->device, "device1", 7) != 0) ||
        (sc->sender.ptr == NULL && set_text(&sc->sender, "", 0) != 0) ||
        (sc->channel.ptr == NULL && set_text(&sc->channel, "telemetry", 9) != 0) ||
        (sc->content_type.ptr == NULL && set_text(&sc->content_type, "", 0) != 0) ||
        (sc->payload.ptr == NULL && set_text(&sc->payload, default_payload, sizeof default_payload - 1) != 0) ||
        set_text(&sc->record_tmp, sc->record.ptr, sc->record.len) != 0)
        goto nomem;
    char *tmp = realloc(sc->record_tmp.ptr, sc->record.len + 5);
    if (tmp == NULL)
        goto nomem;
    memcpy(tmp + sc->record.len, ".tmp", 5);
    sc->record_tmp.ptr = tmp;
    sc->record_tmp.len = sc->record.len + 4;

    /* Split the payload template once, so that formatting a message is a few memcpy()s. */
    static const char marker[] = "{seq}";
    size_t markers = 0;
    for (const char *p = sc->payload.ptr; (p = strstr(p, marker)) != NULL; p += sizeof marker - 1)
        markers++;
    if (strlen(sc->payload.ptr) != sc->payload.len)
        markers = 0; /* a NUL byte inside: send the bytes as they are */
    sc->segment_count = markers + 1;
    sc->segments = calloc(sc->segment_count, sizeof *sc->segments);
    if (sc->segments == NULL)
        goto nomem;
    const char *start = sc->payload.ptr;
    for (size_t i = 0; i < markers; i++) {
        const char *at = strstr(start, marker);
        sc->segments[i] = (struct text){(char *)start, (size_t)(at - start)};
        start = at + sizeof marker - 1;
    }
    sc->segments[markers] = (struct text){(char *)start, sc->payload.len - (size_t)(start - sc->payload.ptr)};

    if (sc->payload_size > 0) {
        sc->payload_buffer = malloc((size_t)sc->payload_size);
        if (sc->payload_buffer == NULL)
            goto nomem;
        memset(sc->payload_buffer, 'x', (size_t)sc->payload_size);
    } else if (markers == 0) {
        sc->payload_buffer = malloc(sc->payload.len + 1);
        if (sc->payload_buffer == NULL)
            goto nomem;
        memcpy(sc->payload_buffer, sc->payload.ptr, sc->payload.len);
    } else {
        sc->payload_buffer = malloc(sc->payload.len + markers * 20);
        if (sc->payload_buffer == NULL)
            goto nomem;
    }

    if (sc->acked_log.len > 0) {
        sc->acked_log_fd = open(sc->acked_log.ptr, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (sc->acked_log_fd < 0) {
            int err = errno;
            free_script(sc);
            return refuse(error, capacity, "cannot open 'acked_log' (errno %d)", err);
        }
    }

    if (!sc->fire_and_forget && sc->count > 0) {
        sc->slots = calloc((size_t)sc->count, sizeof *sc->slots);
        if (sc->slots == NULL)
            goto nomem;
        for (int64_t i = 0; i < sc->count; i++)
            sc->slots[i].sc = sc;
    }

    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&sc->wake, &attr);
    pthread_condattr_destroy(&attr);
    pthread_cond_init(&sc->drained, NULL);
    pthread_mutex_init(&sc->lock, NULL);
    *out_instance = sc;
    return TRIB_OK;

nomem:
    free_script(sc);
    refuse(error, capacity, "out of memory");
    return TRIB_ERR_NOMEM;
}

static trib_type_status sa_start(trib_type_instance_plugin_ptr instance, char *error, size_t capacity) {
    struct script *sc = instance;
    int err = pthread_create(&sc->publisher, NULL, publisher_main, sc);
    if (err != 0) {
        refuse(error, capacity, "cannot start the publisher thread (error %d)", err);
        return TRIB_ERR_INTERNAL;
    }
    sc->publisher_started = 1;
    return TRIB_OK;
}

static void stop_publisher(struct script *sc) {
    pthread_mutex_lock(&sc->lock);
    sc->stop = 1;
    pthread_cond_broadcast(&sc->wake);
    pthread_mutex_unlock(&sc->lock);
    if (sc->publisher_started) {
        pthread_join(sc->publisher, NULL);
        sc->publisher_started = 0;
    }
}

static void sa_drain(trib_type_instance_plugin_ptr instance, int64_t deadline_unix_ms) {
    struct script *sc = instance;
    stop_publisher(sc);
    if (deadline_unix_ms < 0)
        deadline_unix_ms = 0;
    struct timespec deadline = timespec_of_unix_ms(deadline_unix_ms);
    pthread_mutex_lock(&sc->lock);
    while (sc->inflight > 0) {
        sc->drain_waiting = 1;
        int rc = pthread_cond_timedwait(&sc->drained, &sc->lock, &deadline);
        sc->drain_waiting = 0;
        if (rc == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&sc->lock);
}

static void sa_destroy(trib_type_instance_plugin_ptr instance) {
    struct script *sc = instance;
    stop_publisher(sc); /* the host skips drain when start failed */
    pthread_mutex_lock(&sc->lock);
    write_summary_locked(sc);
    int64_t outstanding = sc->inflight;
    pthread_mutex_unlock(&sc->lock);
    if (outstanding > 0) {
        /* A completion still owed would write into freed memory: keep the instance alive. */
        log_line(sc->host, sc->ih, TRIB_LOG_WARN, "%" PRId64 " publishes never completed; leaking the instance",
                 outstanding);
        return;
    }
    pthread_cond_destroy(&sc->wake);
    pthread_cond_destroy(&sc->drained);
    pthread_mutex_destroy(&sc->lock);
    free_script(sc);
}

static const trib_type_plugin_descriptor sa_descriptor = {
    .struct_size = sizeof(trib_type_plugin_descriptor),
    .abi_major = TRIB_ABI_MAJOR,
    .abi_minor = TRIB_ABI_MINOR,
    .kind = TRIB_KIND_ADAPTER,
    .flags = 0,
    .name = "script-adapter",
    .version = "1.0.0",
    .description = "test adapter: publishes a scripted run of messages and records the outcome",
    .built_with = TRIB_BUILT_WITH_C,
    .on_instance_new = sa_new,
    .on_instance_start = sa_start,
    .on_instance_drain = sa_drain,
    .on_instance_destroy = sa_destroy,
};

FIXTURE_ENTRY(sa_descriptor)
