/*
 * subscriber-adapter -- test fixture: a pull consumer of the application-event bus.
 *
 * on_instance_start opens `members` subscriptions, all to the same application / channel /
 * group, and member i appends one line per event it is handed to the file "<record>.<i>":
 *   <event id> <event subject> <event data>\n
 * (the data raw, as the event carries it). With a non-empty `group` the members share the
 * events, so the union of the files is what the group received; without one, every file gets
 * every event. on_instance_drain unsubscribes; on_instance_destroy waits until the host has
 * released every subscription (so no handler can still write) before it closes the files.
 *
 * Build:
 *   cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -pthread \
 *      -I PluginAPI/CTributary/include subscriber_adapter.c -o libsubscriber-adapter.so
 *
 * Drop-in (plugins.d/30-subscriber.conf):
 *   plugin = "/path/to/libsubscriber-adapter.so"
 *   record = "/tmp/t/received"   # required: files /tmp/t/received.0, .1, ...
 *   application = "app"          # required
 *   channel = ""                 # empty = every channel
 *   group = ""                   # empty = each member gets every event
 *   members = 1                  # subscriptions to open
 *   capacity = 0                 # queue_capacity of each subscription; 0 = the host's default
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

struct subscriber;

/* The handler_ctx of one subscription; the host may use it until it calls release. */
struct member {
    struct subscriber *owner;
    size_t index;
    int fd;
    int subscribed;
    uint64_t subscription;
};

struct subscriber {
    const trib_type_host_api *host;
    trib_type_instance_host_ptr ih;
    char *record;
    uint8_t *application, *channel, *group;
    size_t application_len, channel_len, group_len;
    size_t member_count;
    uint32_t capacity;
    struct member *members;

    pthread_mutex_t lock; /* guards the two counters */
    pthread_cond_t released_cv;
    size_t subscriptions_made;
    size_t releases;
};

/* Both on a failed on_instance_new and in on_instance_destroy; free(NULL) is fine. */
static void free_subscriber(struct subscriber *s) {
    free(s->record);
    free(s->application);
    free(s->channel);
    free(s->group);
    free(s->members);
    free(s);
}

/* Calls for one subscription never overlap and each member has its own file: no lock needed. */
static trib_type_status on_event(void *handler_ctx, const trib_type_event *event) {
    struct member *m = handler_ctx;
    size_t len = event->id.len + 1 + event->subject.len + 1 + event->data.len + 1;
    uint8_t stack[4096];
    uint8_t *line = len <= sizeof stack ? stack : malloc(len);
    if (line == NULL)
        return TRIB_ERR_NOMEM;
    uint8_t *p = line;
    const trib_type_host_buffer *parts[] = {&event->id, &event->subject, &event->data};
    for (size_t i = 0; i < 3; i++) {
        if (parts[i]->len > 0)
            memcpy(p, parts[i]->ptr, parts[i]->len);
        p += parts[i]->len;
        *p++ = i < 2 ? ' ' : '\n';
    }
    /* One write() per event: the test reads the file while events still arrive. */
    int err = write_all(m->fd, line, len);
    if (line != stack)
        free(line);
    return err == 0 ? TRIB_OK : TRIB_ERR_INTERNAL;
}

static void on_release(void *handler_ctx) {
    struct member *m = handler_ctx;
    struct subscriber *s = m->owner;
    pthread_mutex_lock(&s->lock);
    s->releases++;
    pthread_cond_broadcast(&s->released_cv);
    pthread_mutex_unlock(&s->lock);
}

static trib_type_status sub_new(const trib_type_host_api *host, trib_type_instance_host_ptr ih,
                                const trib_type_config *config, trib_type_instance_plugin_ptr *out_instance,
                                char *error, size_t capacity) {
    const trib_type_config_item *record = NULL, *application = NULL, *channel = NULL, *group = NULL;
    int64_t members = 1, queue_capacity = 0;

    for (size_t i = 0; i < config->item_count; i++) {
        const trib_type_config_item *item = config->items[i];
        const trib_type_config_item **text_slot = key_is(item->key, "record")        ? &record
                                                  : key_is(item->key, "application") ? &application
                                                  : key_is(item->key, "channel")     ? &channel
                                                  : key_is(item->key, "group")       ? &group
                                                                                     : NULL;
        if (text_slot != NULL) {
            if (item->type != TRIB_CONFIG_STRING)
                return refuse(error, capacity, "line %u: '%.*s' must be a string", item->line, (int)item->key.len,
                              (const char *)item->key.ptr);
            *text_slot = item;
        } else if (key_is(item->key, "members")) {
            if (item->type != TRIB_CONFIG_INTEGER || item->integer < 1 || item->integer > 1024)
                return refuse(error, capacity, "line %u: 'members' must be an integer from 1 to 1024", item->line);
            members = item->integer;
        } else if (key_is(item->key, "capacity")) {
            if (item->type != TRIB_CONFIG_INTEGER || item->integer < 0 || item->integer > UINT32_MAX)
                return refuse(error, capacity, "line %u: 'capacity' must be an integer from 0 to %" PRIu32,
                              item->line, UINT32_MAX);
            queue_capacity = item->integer;
        } else {
            return refuse_unknown_key(error, capacity, item);
        }
    }
    if (record == NULL || record->text.len == 0 || memchr(record->text.ptr, '\0', record->text.len) != NULL)
        return refuse(error, capacity, "'record' is required (a file name prefix)");
    if (record->text.len > 4096)
        return refuse(error, capacity, "line %u: 'record' is too long", record->line);
    if (application == NULL || application->text.len == 0)
        return refuse(error, capacity, "'application' is required");

    struct subscriber *s = calloc(1, sizeof *s);
    if (s == NULL)
        return TRIB_ERR_NOMEM;
    s->host = host;
    s->ih = ih;
    s->application_len = application->text.len;
    s->channel_len = channel != NULL ? channel->text.len : 0;
    s->group_len = group != NULL ? group->text.len : 0;
    s->record = copy_text(record->text.ptr, record->text.len);
    s->application = (uint8_t *)copy_text(application->text.ptr, s->application_len);
    s->channel = (uint8_t *)copy_text(channel != NULL ? channel->text.ptr : NULL, s->channel_len);
    s->group = (uint8_t *)copy_text(group != NULL ? group->text.ptr : NULL, s->group_len);
    s->member_count = (size_t)members;
    s->capacity = (uint32_t)queue_capacity;
    s->members = calloc(s->member_count, sizeof *s->members);
    if (s->record == NULL || s->application == NULL || s->channel == NULL || s->group == NULL || s->members == NULL) {
        free_subscriber(s);
        return TRIB_ERR_NOMEM;
    }
    for (size_t i = 0; i < s->member_count; i++)
        s->members[i] = (struct member){.owner = s, .index = i, .fd = -1};
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->released_cv, NULL);
    *out_instance = s;
    return TRIB_OK;
}

static trib_type_status sub_start(trib_type_instance_plugin_ptr instance, char *error, size_t capacity) {
    struct subscriber *s = instance;
    /* Every file exists before the first subscription, so no event can find its file missing. */
    for (size_t i = 0; i < s->member_count; i++) {
        char name[4200];
        snprintf(name, sizeof name, "%s.%zu", s->record, i);
        s->members[i].fd = open(name, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (s->members[i].fd < 0)
            return refuse(error, capacity, "cannot open '%s': %s", name, strerror(errno));
    }
    trib_type_subscription subscription = {
        .struct_size = sizeof subscription,
        .application = {s->application, s->application_len},
        .channel = {s->channel, s->channel_len},
        .group = {s->group, s->group_len},
        .queue_capacity = s->capacity,
    };
    for (size_t i = 0; i < s->member_count; i++) {
        struct member *m = &s->members[i];
        trib_type_status status = s->host->subscribe(s->ih, &subscription, on_event, m, on_release, &m->subscription);
        if (status != TRIB_OK) {
            refuse(error, capacity, "subscription %zu refused (status %d)", i, (int)status);
            return status < 0 ? status : TRIB_ERR_INTERNAL;
        }
        m->subscribed = 1;
        pthread_mutex_lock(&s->lock);
        s->subscriptions_made++;
        pthread_mutex_unlock(&s->lock);
    }
    return TRIB_OK;
}

static void unsubscribe_all(struct subscriber *s) {
    for (size_t i = 0; i < s->member_count; i++) {
        if (s->members[i].subscribed) {
            s->host->unsubscribe(s->ih, s->members[i].subscription);
            s->members[i].subscribed = 0;
        }
    }
}

/* release may come after unsubscribe returns (a handler call was still running). */
static int wait_for_releases(struct subscriber *s, int64_t deadline_unix_ms) {
    struct timespec deadline = timespec_of_unix_ms(deadline_unix_ms);
    pthread_mutex_lock(&s->lock);
    while (s->releases < s->subscriptions_made)
        if (pthread_cond_timedwait(&s->released_cv, &s->lock, &deadline) == ETIMEDOUT)
            break;
    int all = s->releases >= s->subscriptions_made;
    pthread_mutex_unlock(&s->lock);
    return all;
}

static void sub_drain(trib_type_instance_plugin_ptr instance, int64_t deadline_unix_ms) {
    struct subscriber *s = instance;
    unsubscribe_all(s);
    wait_for_releases(s, deadline_unix_ms < 0 ? 0 : deadline_unix_ms);
}

static void sub_destroy(trib_type_instance_plugin_ptr instance) {
    struct subscriber *s = instance;
    unsubscribe_all(s); /* the host skips drain when start failed */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (!wait_for_releases(s, (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 + 10000)) {
        /* A handler might still write through these members: keep them alive rather than crash. */
        log_line(s->host, s->ih, TRIB_LOG_WARN, "%zu of %zu subscriptions never released; leaking the instance",
                 s->subscriptions_made - s->releases, s->subscriptions_made);
        return;
    }
    for (size_t i = 0; i < s->member_count; i++)
        if (s->members[i].fd >= 0)
            close(s->members[i].fd);
    pthread_cond_destroy(&s->released_cv);
    pthread_mutex_destroy(&s->lock);
    free_subscriber(s);
}

static const trib_type_plugin_descriptor sub_descriptor = {
    .struct_size = sizeof(trib_type_plugin_descriptor),
    .abi_major = TRIB_ABI_MAJOR,
    .abi_minor = TRIB_ABI_MINOR,
    .kind = TRIB_KIND_ADAPTER,
    .flags = 0,
    .name = "subscriber-adapter",
    .version = "1.0.0",
    .description = "test adapter: pull consumer that writes received events to files",
    .built_with = TRIB_BUILT_WITH_C,
    .on_instance_new = sub_new,
    .on_instance_start = sub_start,
    .on_instance_drain = sub_drain,
    .on_instance_destroy = sub_destroy,
};

FIXTURE_ENTRY(sub_descriptor)
