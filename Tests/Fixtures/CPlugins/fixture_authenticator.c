/*
 * fixture-authenticator -- test fixture: an authenticator answering from tables in its drop-in.
 *
 * Devices (credential PASSWORD, application + device named in the request):
 *   application not in `devices`       -> TRIB_DEFER if defer_unknown, else TRIB_ERR_UNAUTHENTICATED
 *   unknown device or wrong password   -> TRIB_ERR_UNAUTHENTICATED
 *   as_device set                      -> TRIB_ERR_DENIED unless "app/<as_device>/..." exists and
 *                                         the authenticated device's name starts with "gw"
 *                                         (fixture rule: gateways are named gw*)
 *   otherwise                          -> TRIB_OK, canonical names = the names requested
 *   any other credential kind          -> TRIB_DEFER
 * Users (credential API_KEY: username + key):
 *   unknown user                       -> the defer_unknown rule
 *   wrong key                          -> TRIB_ERR_UNAUTHENTICATED
 *   otherwise                          -> TRIB_OK with the user's name and no roles
 *   any other credential kind          -> TRIB_DEFER
 * PSK lookups (ABI 1.1): identity "device@application" of a device in `devices` -> TRIB_OK
 * with that device's password as the key; an unknown application -> the defer_unknown rule;
 * an unknown device -> TRIB_ERR_UNAUTHENTICATED.
 * Authorization: TRIB_OK when a grant for (user, application) is at least the permission asked
 * for (read < write < admin < owner), else TRIB_ERR_DENIED.
 * With `inline_answers`, device, user and authorization answers are the hook's return value (no
 * completion; the host then takes the request's names as canonical); PSK answers, whose key can
 * only travel in a completion, still complete.
 * Otherwise every answer goes through trib_host_complete_*: inside the hook, or with `async` from the
 * instance's worker thread; the hook returns TRIB_PENDING either way. The result buffers point
 * at the instance's copies of its tables, which outlive every operation.
 *
 * Build:
 *   cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -pthread \
 *      -I PluginAPI/CTributary/include fixture_authenticator.c -o libfixture-authenticator.so
 *
 * Drop-in (plugins.d/10-fixture-auth.conf):
 *   plugin = "/path/to/libfixture-authenticator.so"
 *   devices = ["app/device1/secret", "app/gw1/gwsecret"]   # "application/device/password"
 *   users = ["alice/alice-key"]                           # "user/apikey"
 *   grants = ["alice/app/write"]                          # "user/application/read|write|admin|owner"
 *   defer_unknown = true
 *   async = false
 *   inline_answers = false
 */
#include "fixture_support.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct device_entry {
    char *text; /* owns the bytes the buffers below point into */
    trib_type_plugin_buffer application, device, password;
};

struct user_entry {
    char *text;
    trib_type_plugin_buffer user, key;
};

struct grant_entry {
    char *text;
    trib_type_plugin_buffer user, application;
    uint32_t permission;
};

enum job_kind { JOB_DEVICE, JOB_USER, JOB_AUTHORIZE, JOB_PSK };

/* One answer: the result structs' buffers point at instance tables, so a copy of the struct is
 * all a deferred completion needs. */
struct job {
    struct job *next;
    enum job_kind kind;
    uint64_t op;
    trib_type_plugin_device_auth_result device;
    trib_type_plugin_user_auth_result user;
    trib_type_plugin_psk_result psk;
    trib_type_status status; /* JOB_AUTHORIZE */
};

struct authenticator {
    const trib_type_host_api *host;
    trib_type_instance_host_ptr ih;
    struct device_entry *devices;
    size_t device_count;
    struct user_entry *users;
    size_t user_count;
    struct grant_entry *grants;
    size_t grant_count;
    int defer_unknown;
    int async;
    int inline_answers;

    pthread_mutex_t lock; /* guards the queue and the flags below */
    pthread_cond_t wake;
    struct job *head, *tail;
    int accepting; /* the worker runs and takes jobs */
    int stopping;
    int worker_started;
    pthread_t worker;
};

/* ---- helpers ------------------------------------------------------------------------------ */

static int same(trib_type_plugin_buffer a, trib_type_host_buffer b) {
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* Splits `text` at its first `parts - 1` slashes; the last part keeps any further slash, so a
 * password may contain one. Returns 0 when a part other than the last is empty or missing. */
static int split(char *text, size_t len, trib_type_plugin_buffer *out, size_t parts) {
    size_t start = 0;
    for (size_t p = 0; p + 1 < parts; p++) {
        char *slash = memchr(text + start, '/', len - start);
        if (slash == NULL || slash == text + start)
            return 0;
        out[p] = (trib_type_plugin_buffer){(const uint8_t *)text + start, (size_t)(slash - (text + start))};
        start = (size_t)(slash - text) + 1;
    }
    out[parts - 1] = (trib_type_plugin_buffer){(const uint8_t *)text + start, len - start};
    return 1;
}

/* ---- configuration ------------------------------------------------------------------------ */

static void free_authenticator(struct authenticator *a) {
    for (size_t i = 0; i < a->device_count; i++)
        free(a->devices[i].text);
    for (size_t i = 0; i < a->user_count; i++)
        free(a->users[i].text);
    for (size_t i = 0; i < a->grant_count; i++)
        free(a->grants[i].text);
    free(a->devices);
    free(a->users);
    free(a->grants);
    free(a);
}

static int parse_permission(trib_type_plugin_buffer text, uint32_t *out) {
    static const char *const names[] = {"read", "write", "admin", "owner"};
    static const uint32_t values[] = {TRIB_PERMISSION_READ, TRIB_PERMISSION_WRITE, TRIB_PERMISSION_ADMIN,
                                      TRIB_PERMISSION_OWNER};
    for (size_t i = 0; i < 4; i++) {
        if (text.len == strlen(names[i]) && memcmp(text.ptr, names[i], text.len) == 0) {
            *out = values[i];
            return 1;
        }
    }
    return 0;
}

/* Parses element `index` of array `name`; `text` is already a NUL-terminated copy it keeps. */
static trib_type_status add_entry(struct authenticator *a, const char *name, size_t index, char *text, size_t len,
                                  uint32_t line, char *error, size_t capacity) {
    trib_type_plugin_buffer parts[3];
    if (strcmp(name, "devices") == 0) {
        if (!split(text, len, parts, 3))
            return refuse(error, capacity, "line %u: devices[%zu] must be \"application/device/password\"", line, index);
        a->devices[a->device_count++] = (struct device_entry){text, parts[0], parts[1], parts[2]};
    } else if (strcmp(name, "users") == 0) {
        if (!split(text, len, parts, 2))
            return refuse(error, capacity, "line %u: users[%zu] must be \"user/apikey\"", line, index);
        a->users[a->user_count++] = (struct user_entry){text, parts[0], parts[1]};
    } else {
        uint32_t permission;
        if (!split(text, len, parts, 3) || !parse_permission(parts[2], &permission))
            return refuse(error, capacity,
                          "line %u: grants[%zu] must be \"user/application/read|write|admin|owner\"", line, index);
        a->grants[a->grant_count++] = (struct grant_entry){text, parts[0], parts[1], permission};
    }
    return TRIB_OK;
}

static trib_type_status parse_config(struct authenticator *a, const trib_type_config *config, char *error,
                                     size_t capacity) {
    const trib_type_config_item *const *items = config->items;
    for (size_t i = 0; i < config->item_count; i++) {
        const trib_type_config_item *item = items[i];
        const char *array = key_is(item->key, "devices") ? "devices"
                            : key_is(item->key, "users") ? "users"
                            : key_is(item->key, "grants") ? "grants"
                                                          : NULL;
        if (array != NULL) {
            if (item->type != TRIB_CONFIG_ARRAY)
                return refuse(error, capacity, "line %u: '%s' must be an array of strings", item->line, array);
            if (item->count > config->item_count - i - 1)
                return refuse(error, capacity, "line %u: '%s' has fewer elements than announced", item->line, array);
            size_t slots = item->count > 0 ? item->count : 1;
            int given_twice = 0, allocated = 0;
            switch (array[0]) {
            case 'd':
                given_twice = a->devices != NULL;
                allocated = !given_twice && (a->devices = calloc(slots, sizeof *a->devices)) != NULL;
                break;
            case 'u':
                given_twice = a->users != NULL;
                allocated = !given_twice && (a->users = calloc(slots, sizeof *a->users)) != NULL;
                break;
            default:
                given_twice = a->grants != NULL;
                allocated = !given_twice && (a->grants = calloc(slots, sizeof *a->grants)) != NULL;
                break;
            }
            if (given_twice)
                return refuse(error, capacity, "line %u: '%s' given twice", item->line, array);
            if (!allocated)
                return TRIB_ERR_NOMEM;
            for (size_t j = 0; j < item->count; j++) {
                const trib_type_config_item *element = items[i + 1 + j];
                if (element->type != TRIB_CONFIG_STRING)
                    return refuse(error, capacity, "line %u: %s[%zu] must be a string", element->line, array, j);
                char *text = copy_text(element->text.ptr, element->text.len);
                if (text == NULL)
                    return TRIB_ERR_NOMEM;
                trib_type_status status =
                    add_entry(a, array, j, text, element->text.len, element->line, error, capacity);
                if (status != TRIB_OK) {
                    free(text);
                    return status;
                }
            }
            i += item->count;
        } else if (key_is(item->key, "defer_unknown") || key_is(item->key, "async") || key_is(item->key, "inline_answers")) {
            int *flag = key_is(item->key, "async") ? &a->async : key_is(item->key, "defer_unknown") ? &a->defer_unknown : &a->inline_answers;
            if (item->type != TRIB_CONFIG_BOOLEAN)
                return refuse(error, capacity, "line %u: '%.*s' must be true or false", item->line, (int)item->key.len,
                              (const char *)item->key.ptr);
            *flag = item->integer != 0;
        } else {
            return refuse_unknown_key(error, capacity, item);
        }
    }
    return TRIB_OK;
}

/* ---- completing --------------------------------------------------------------------------- */

static void complete(struct authenticator *a, const struct job *job) {
    switch (job->kind) {
    case JOB_DEVICE: a->host->complete_device_auth(a->ih, job->op, &job->device); break;
    case JOB_USER: a->host->complete_user_auth(a->ih, job->op, &job->user); break;
    case JOB_AUTHORIZE: a->host->complete_authorize(a->ih, job->op, job->status); break;
    case JOB_PSK: a->host->complete_psk(a->ih, job->op, &job->psk); break;
    }
}

/* Completes `job` exactly once: on the worker with `async`, else (or once draining) right here. */
static trib_type_status submit(struct authenticator *a, const struct job *job) {
    if (a->inline_answers && job->kind != JOB_PSK) {
        switch (job->kind) {
        case JOB_DEVICE: return job->device.status;
        case JOB_USER: return job->user.status;
        default: return job->status;
        }
    }
    if (a->async) {
        struct job *queued = malloc(sizeof *queued);
        pthread_mutex_lock(&a->lock);
        if (queued != NULL && a->accepting) {
            *queued = *job;
            queued->next = NULL;
            if (a->tail != NULL)
                a->tail->next = queued;
            else
                a->head = queued;
            a->tail = queued;
            pthread_cond_signal(&a->wake);
            pthread_mutex_unlock(&a->lock);
            return TRIB_PENDING;
        }
        pthread_mutex_unlock(&a->lock);
        free(queued);
    }
    complete(a, job);
    return TRIB_PENDING;
}

static void *worker_main(void *arg) {
    struct authenticator *a = arg;
    pthread_mutex_lock(&a->lock);
    for (;;) {
        while (a->head == NULL && !a->stopping)
            pthread_cond_wait(&a->wake, &a->lock);
        struct job *job = a->head;
        if (job == NULL)
            break; /* stopping, and everything queued has been answered */
        a->head = job->next;
        if (a->head == NULL)
            a->tail = NULL;
        pthread_mutex_unlock(&a->lock);
        complete(a, job);
        free(job);
        pthread_mutex_lock(&a->lock);
    }
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

/* ---- decisions ---------------------------------------------------------------------------- */

static const struct device_entry *find_device(const struct authenticator *a, trib_type_host_buffer application,
                                              trib_type_host_buffer device) {
    for (size_t i = 0; i < a->device_count; i++)
        if (same(a->devices[i].application, application) && same(a->devices[i].device, device))
            return &a->devices[i];
    return NULL;
}

static int application_known(const struct authenticator *a, trib_type_host_buffer application) {
    for (size_t i = 0; i < a->device_count; i++)
        if (same(a->devices[i].application, application))
            return 1;
    return 0;
}

static trib_type_status decide_device(const struct authenticator *a, const trib_type_device_auth_request *request,
                                      trib_type_plugin_device_auth_result *result) {
    if (request->credential_kind != TRIB_CREDENTIAL_PASSWORD)
        return TRIB_DEFER;
    if (!application_known(a, request->application))
        return a->defer_unknown ? TRIB_DEFER : TRIB_ERR_UNAUTHENTICATED;
    const struct device_entry *device = find_device(a, request->application, request->device);
    if (device == NULL || !same(device->password, request->password))
        return TRIB_ERR_UNAUTHENTICATED;
    if (request->as_device.len > 0) {
        const struct device_entry *target = find_device(a, request->application, request->as_device);
        int gateway = device->device.len >= 2 && memcmp(device->device.ptr, "gw", 2) == 0;
        if (target == NULL || !gateway)
            return TRIB_ERR_DENIED;
        result->as_device = target->device;
    }
    result->application = device->application;
    result->device = device->device;
    return TRIB_OK;
}

static trib_type_status fa_authenticate_device(trib_type_instance_plugin_ptr instance, uint64_t op,
                                               const trib_type_device_auth_request *request) {
    struct authenticator *a = instance;
    if (request->struct_size < sizeof *request)
        return TRIB_ERR_INVALID;
    struct job job = {.kind = JOB_DEVICE, .op = op};
    job.device.struct_size = sizeof job.device;
    job.device.status = decide_device(a, request, &job.device);
    return submit(a, &job);
}

static trib_type_status fa_authenticate_user(trib_type_instance_plugin_ptr instance, uint64_t op,
                                             const trib_type_user_auth_request *request) {
    struct authenticator *a = instance;
    if (request->struct_size < sizeof *request)
        return TRIB_ERR_INVALID;
    struct job job = {.kind = JOB_USER, .op = op};
    job.user.struct_size = sizeof job.user;
    job.user.status = TRIB_DEFER;
    if (request->credential_kind == TRIB_CREDENTIAL_API_KEY) {
        job.user.status = a->defer_unknown ? TRIB_DEFER : TRIB_ERR_UNAUTHENTICATED;
        for (size_t i = 0; i < a->user_count; i++) {
            if (same(a->users[i].user, request->username)) {
                int match = same(a->users[i].key, request->password);
                job.user.status = match ? TRIB_OK : TRIB_ERR_UNAUTHENTICATED;
                if (match)
                    job.user.user = a->users[i].user;
                break;
            }
        }
    }
    return submit(a, &job);
}

static trib_type_status fa_authorize(trib_type_instance_plugin_ptr instance, uint64_t op,
                                     const trib_type_authorize_request *request) {
    struct authenticator *a = instance;
    if (request->struct_size < sizeof *request)
        return TRIB_ERR_INVALID;
    struct job job = {.kind = JOB_AUTHORIZE, .op = op, .status = TRIB_ERR_DENIED};
    for (size_t i = 0; i < a->grant_count; i++) {
        const struct grant_entry *g = &a->grants[i];
        if (same(g->user, request->user) && same(g->application, request->application) &&
            request->permission >= TRIB_PERMISSION_READ && g->permission >= request->permission) {
            job.status = TRIB_OK;
            break;
        }
    }
    return submit(a, &job);
}

static trib_type_status fa_lookup_psk(trib_type_instance_plugin_ptr instance, uint64_t op,
                                      const trib_type_psk_request *request) {
    struct authenticator *a = instance;
    if (request->struct_size < sizeof *request)
        return TRIB_ERR_INVALID;
    const uint8_t *at = request->identity.len > 0 ? memchr(request->identity.ptr, '@', request->identity.len) : NULL;
    if (at == NULL)
        return TRIB_ERR_UNAUTHENTICATED;
    trib_type_host_buffer device = {request->identity.ptr, (size_t)(at - request->identity.ptr)};
    trib_type_host_buffer application = {at + 1, request->identity.len - device.len - 1};
    if (!application_known(a, application))
        return a->defer_unknown ? TRIB_DEFER : TRIB_ERR_UNAUTHENTICATED;
    struct job job = {.kind = JOB_PSK, .op = op};
    job.psk.struct_size = sizeof job.psk;
    const struct device_entry *entry = find_device(a, application, device);
    job.psk.status = entry == NULL ? TRIB_ERR_UNAUTHENTICATED : TRIB_OK;
    if (entry != NULL) {
        job.psk.application = entry->application;
        job.psk.device = entry->device;
        job.psk.key = entry->password;
    }
    return submit(a, &job);
}

/* ---- lifecycle ---------------------------------------------------------------------------- */

static trib_type_status fa_new(const trib_type_host_api *host, trib_type_instance_host_ptr ih,
                               const trib_type_config *config, trib_type_instance_plugin_ptr *out_instance,
                               char *error, size_t capacity) {
    struct authenticator *a = calloc(1, sizeof *a);
    if (a == NULL)
        return TRIB_ERR_NOMEM;
    a->host = host;
    a->ih = ih;
    a->defer_unknown = 1;
    trib_type_status status = parse_config(a, config, error, capacity);
    if (status != TRIB_OK) {
        if (status == TRIB_ERR_NOMEM)
            refuse(error, capacity, "out of memory");
        free_authenticator(a);
        return status;
    }
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->wake, NULL);
    *out_instance = a;
    return TRIB_OK;
}

static trib_type_status fa_start(trib_type_instance_plugin_ptr instance, char *error, size_t capacity) {
    struct authenticator *a = instance;
    if (!a->async)
        return TRIB_OK;
    int err = pthread_create(&a->worker, NULL, worker_main, a);
    if (err != 0) {
        refuse(error, capacity, "cannot start the worker thread (error %d)", err);
        return TRIB_ERR_INTERNAL;
    }
    pthread_mutex_lock(&a->lock);
    a->worker_started = 1;
    a->accepting = 1;
    pthread_mutex_unlock(&a->lock);
    return TRIB_OK;
}

/* Answers everything queued, then stops the worker; later requests are answered inline. */
static void stop_worker(struct authenticator *a) {
    pthread_mutex_lock(&a->lock);
    a->accepting = 0;
    a->stopping = 1;
    int join = a->worker_started;
    a->worker_started = 0;
    pthread_cond_broadcast(&a->wake);
    pthread_mutex_unlock(&a->lock);
    if (join)
        pthread_join(a->worker, NULL);
}

static void fa_drain(trib_type_instance_plugin_ptr instance, int64_t deadline_unix_ms) {
    (void)deadline_unix_ms; /* answers are immediate; the queue empties long before any deadline */
    stop_worker(instance);
}

static void fa_destroy(trib_type_instance_plugin_ptr instance) {
    struct authenticator *a = instance;
    stop_worker(a); /* the host skips drain when start failed */
    pthread_cond_destroy(&a->wake);
    pthread_mutex_destroy(&a->lock);
    free_authenticator(a);
}

static const trib_type_authenticator_hooks fa_hooks = {
    .struct_size = sizeof(trib_type_authenticator_hooks),
    .on_authenticate_device = fa_authenticate_device,
    .on_authenticate_user = fa_authenticate_user,
    .on_authorize = fa_authorize,
    .on_lookup_psk = fa_lookup_psk,
};

static const trib_type_plugin_descriptor fa_descriptor = {
    .struct_size = sizeof(trib_type_plugin_descriptor),
    .abi_major = TRIB_ABI_MAJOR,
    .abi_minor = TRIB_ABI_MINOR,
    .kind = TRIB_KIND_AUTHENTICATOR,
    .flags = 0,
    .name = "fixture-authenticator",
    .version = "1.0.0",
    .description = "test authenticator: devices, users and grants from its drop-in file",
    .built_with = TRIB_BUILT_WITH_C,
    .on_instance_new = fa_new,
    .on_instance_start = fa_start,
    .on_instance_drain = fa_drain,
    .on_instance_destroy = fa_destroy,
    .authenticator = &fa_hooks,
};

FIXTURE_ENTRY(fa_descriptor)
