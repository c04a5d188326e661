/*
 * foreign_toolchain -- refused fixture: a valid sink whose descriptor says it was built by a
 * Swift toolchain other than the host's. Swift has no ABI stability on Linux, so the host must
 * refuse any `built_with` that starts with "swift" and is not exactly its own toolchain id.
 * Apart from that string it is a correct sink (it accepts every batch), so nothing else can be
 * the reason for the refusal.
 *
 * Build:
 *   cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -pthread \
 *      -I PluginAPI/CTributary/include foreign_toolchain.c -o libforeign-toolchain.so
 *
 * Drop-in (plugins.d/90-foreign.conf):
 *   plugin = "/path/to/libforeign-toolchain.so"
 */
#include "fixture_support.h"

#include <stdlib.h>

struct foreign_sink {
    const trib_type_host_api *host;
    trib_type_instance_host_ptr ih;
};

static trib_type_status foreign_new(const trib_type_host_api *host, trib_type_instance_host_ptr ih,
                                    const trib_type_config *config, trib_type_instance_plugin_ptr *out_instance,
                                    char *error, size_t error_capacity) {
    if (config->item_count > 0)
        return refuse_unknown_key(error, error_capacity, config->items[0]);
    struct foreign_sink *sink = malloc(sizeof *sink);
    if (sink == NULL)
        return TRIB_ERR_NOMEM;
    sink->host = host;
    sink->ih = ih;
    *out_instance = sink;
    return TRIB_OK;
}

static void foreign_destroy(trib_type_instance_plugin_ptr instance) { free(instance); }

static trib_type_status foreign_deliver(trib_type_instance_plugin_ptr instance, uint64_t op,
                                        const trib_type_batch *batch) {
    struct foreign_sink *sink = instance;
    (void)batch;
    sink->host->complete_delivery(sink->ih, op, TRIB_OK);
    return TRIB_PENDING;
}

static const trib_type_sink_hooks foreign_hooks = {
    .struct_size = sizeof(trib_type_sink_hooks),
    .on_sink_deliver = foreign_deliver,
    .max_batch = 1,
};

static const trib_type_plugin_descriptor foreign_descriptor = {
    .struct_size = sizeof(trib_type_plugin_descriptor),
    .abi_major = TRIB_ABI_MAJOR,
    .abi_minor = TRIB_ABI_MINOR,
    .kind = TRIB_KIND_SINK,
    .name = "foreign-toolchain",
    .version = "1.0.0",
    .description = "refused fixture: claims another Swift toolchain",
    .built_with = "swift clang 15.0.0 (https://github.com/apple/llvm-project.git 0000000)",
    .on_instance_new = foreign_new,
    .on_instance_destroy = foreign_destroy,
    .sink = &foreign_hooks,
};

FIXTURE_ENTRY(foreign_descriptor)
