/*
 * counting-sink -- benchmark fixture: a sink that accepts every batch at once and only counts, so
 * a benchmark of adapter -> host -> sink measures the host and nothing else.
 *
 * Build:
 *   cc -std=c11 -O2 -shared -fPIC -pthread -I PluginAPI/CTributary/include counting_sink.c \
 *      -o libcounting-sink.so
 *
 * Drop-in (plugins.d/50-count.conf):
 *   plugin = "/path/to/libcounting-sink.so"
 *
 * Metric: tributary_plugin_counting_sink_events_total.
 */
#include "fixture_support.h"

#include <stdlib.h>

struct counting_sink {
    const trib_type_host_api *host;
    trib_type_instance_host_ptr ih;
    uint64_t metric;
};

static trib_type_status cs_new(const trib_type_host_api *host, trib_type_instance_host_ptr ih,
                               const trib_type_config *config, trib_type_instance_plugin_ptr *out,
                               char *error, size_t capacity) {
    if (config->item_count > 0)
        return refuse(error, capacity, "line %u: counting-sink takes no keys", config->items[0]->line);
    struct counting_sink *s = calloc(1, sizeof *s);
    if (s == NULL)
        return TRIB_ERR_NOMEM;
    s->host = host;
    s->ih = ih;
    host->metric_register(ih, TRIB_METRIC_COUNTER, plugin_text("counting_sink_events_total"),
                          plugin_text("Events the counting sink accepted."), &s->metric);
    *out = s;
    return TRIB_OK;
}

/* Delivered synchronously: TRIB_OK from the hook means durably accepted, no completion. */
static trib_type_status cs_deliver(trib_type_instance_plugin_ptr instance, uint64_t op, const trib_type_batch *batch) {
    (void)op;
    struct counting_sink *s = instance;
    s->host->metric_add(s->ih, s->metric, (int64_t)batch->count);
    return TRIB_OK;
}

static void cs_destroy(trib_type_instance_plugin_ptr instance) { free(instance); }

static const trib_type_sink_hooks cs_hooks = {
    .struct_size = sizeof(trib_type_sink_hooks),
    .on_sink_deliver = cs_deliver,
    .max_batch = 1,
};

static const trib_type_plugin_descriptor cs_descriptor = {
    .struct_size = sizeof(trib_type_plugin_descriptor),
    .abi_major = TRIB_ABI_MAJOR,
    .abi_minor = TRIB_ABI_MINOR,
    .kind = TRIB_KIND_SINK,
    .name = "counting-sink",
    .version = "1.0.0",
    .description = "benchmark sink: accepts and counts",
    .built_with = TRIB_BUILT_WITH_C,
    .on_instance_new = cs_new,
    .on_instance_destroy = cs_destroy,
    .sink = &cs_hooks,
};

FIXTURE_ENTRY(cs_descriptor)
