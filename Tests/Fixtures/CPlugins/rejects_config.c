/*
 * rejects_config -- refused fixture: a sink whose on_instance_new refuses every configuration.
 *
 * It checks that a failed on_instance_new stops only this instance and that the host prints
 * the plugin's reason ("this fixture rejects every configuration") with the drop-in file name.
 *
 * Build:
 *   cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -pthread \
 *      -I PluginAPI/CTributary/include rejects_config.c -o librejects-config.so
 *
 * Drop-in (plugins.d/90-rejects.conf):
 *   plugin = "/path/to/librejects-config.so"
 */
#include "fixture_support.h"

static trib_type_status rejecting_new(const trib_type_host_api *host, trib_type_instance_host_ptr ih,
                                      const trib_type_config *config, trib_type_instance_plugin_ptr *out_instance,
                                      char *error, size_t error_capacity) {
    (void)host, (void)ih, (void)config, (void)out_instance;
    return refuse(error, error_capacity, "this fixture rejects every configuration");
}

/* Required by the descriptor, never called: no instance is ever created. */
static void rejecting_destroy(trib_type_instance_plugin_ptr instance) { (void)instance; }

static trib_type_status rejecting_deliver(trib_type_instance_plugin_ptr instance, uint64_t op,
                                          const trib_type_batch *batch) {
    (void)instance, (void)op, (void)batch;
    return TRIB_ERR_UNAVAILABLE;
}

static const trib_type_sink_hooks rejecting_hooks = {
    .struct_size = sizeof(trib_type_sink_hooks),
    .on_sink_deliver = rejecting_deliver,
    .max_batch = 1,
};

static const trib_type_plugin_descriptor rejecting_descriptor = {
    .struct_size = sizeof(trib_type_plugin_descriptor),
    .abi_major = TRIB_ABI_MAJOR,
    .abi_minor = TRIB_ABI_MINOR,
    .kind = TRIB_KIND_SINK,
    .name = "rejects-config",
    .version = "1.0.0",
    .description = "refused fixture: on_instance_new always fails",
    .built_with = TRIB_BUILT_WITH_C,
    .on_instance_new = rejecting_new,
    .on_instance_destroy = rejecting_destroy,
    .sink = &rejecting_hooks,
};

FIXTURE_ENTRY(rejecting_descriptor)
