/*
 * bad_abi_major -- refused fixture: a sink whose descriptor claims ABI major TRIB_ABI_MAJOR + 1.
 *
 * Its entry deliberately does not check the host's version, so the host itself must notice the
 * mismatch in the descriptor and refuse the library, naming the file and both versions.
 *
 * Build:
 *   cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -pthread \
 *      -I PluginAPI/CTributary/include bad_abi_major.c -o libbad-abi-major.so
 *
 * Drop-in (plugins.d/90-bad-abi.conf):
 *   plugin = "/path/to/libbad-abi-major.so"
 */
#include "fixture_support.h"

#include <stdlib.h>

static trib_type_status bad_new(const trib_type_host_api *host, trib_type_instance_host_ptr ih,
                                const trib_type_config *config, trib_type_instance_plugin_ptr *out_instance,
                                char *error, size_t error_capacity) {
    (void)host, (void)ih, (void)config, (void)error, (void)error_capacity;
    /* Never reached when the host checks the descriptor; harmless if it does not. */
    *out_instance = NULL;
    return TRIB_OK;
}

static void bad_destroy(trib_type_instance_plugin_ptr instance) { (void)instance; }

static trib_type_status bad_deliver(trib_type_instance_plugin_ptr instance, uint64_t op, const trib_type_batch *batch) {
    (void)instance, (void)op, (void)batch;
    return TRIB_ERR_UNAVAILABLE;
}

static const trib_type_sink_hooks bad_hooks = {
    .struct_size = sizeof(trib_type_sink_hooks),
    .on_sink_deliver = bad_deliver,
    .max_batch = 1,
};

static const trib_type_plugin_descriptor bad_descriptor = {
    .struct_size = sizeof(trib_type_plugin_descriptor),
    .abi_major = TRIB_ABI_MAJOR + 1,
    .abi_minor = TRIB_ABI_MINOR,
    .kind = TRIB_KIND_SINK,
    .name = "bad-abi-major",
    .version = "1.0.0",
    .description = "refused fixture: claims a future ABI major",
    .built_with = TRIB_BUILT_WITH_C,
    .on_instance_new = bad_new,
    .on_instance_destroy = bad_destroy,
    .sink = &bad_hooks,
};

trib_type_status trib_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor,
                                   const trib_type_plugin_descriptor **out_descriptor) {
    (void)host_abi_major, (void)host_abi_minor; /* the point of the fixture: no check here */
    *out_descriptor = &bad_descriptor;
    return TRIB_OK;
}
