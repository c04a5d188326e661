/*
 * minor-probe -- test fixture: an adapter built against this header (ABI 1.1) that asks only for
 * 1.0 (descriptor abi_minor = PROBE_MINOR, 0 unless defined) and uses the 1.1 PSK lookup only when
 * the host's table has it, as VERSIONS in tributary.h tells plugin authors to.
 *
 * on_instance_start writes one line to `record`: "psk lookups: available" when
 * TRIB_HAS_FIELD(host, trib_type_host_api, lookup_psk) holds and the pointer is set, else
 * "psk lookups: unavailable (1.0 host)". Its entry refuses a host older than PROBE_ENTRY_MINOR.
 *
 * Build:
 *   cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -pthread \
 *      -I PluginAPI/CTributary/include minor_probe.c -o libminor-probe.so
 *
 * Drop-in:
 *   plugin = "/path/to/libminor-probe.so"
 *   record = "/tmp/t/probe.txt"   # required
 */
#include "fixture_support.h"

#ifndef PROBE_MINOR
#define PROBE_MINOR 0u
#endif
/* The minor its entry insists on; future_minor.c skips that check so the host's must catch it. */
#ifndef PROBE_ENTRY_MINOR
#define PROBE_ENTRY_MINOR PROBE_MINOR
#endif

struct probe {
    const trib_type_host_api *host;
    char path[512];
};

static trib_type_status probe_new(const trib_type_host_api *host, trib_type_instance_host_ptr ih,
                                  const trib_type_config *config, trib_type_instance_plugin_ptr *out_instance,
                                  char *error, size_t error_capacity) {
    (void)ih;
    struct probe *p = calloc(1, sizeof *p);
    if (p == NULL)
        return TRIB_ERR_NOMEM;
    p->host = host;
    for (size_t i = 0; i < config->item_count; i++) {
        const trib_type_config_item *item = config->items[i];
        if (item->key.len == 6 && memcmp(item->key.ptr, "record", 6) == 0 && item->text.len < sizeof p->path) {
            memcpy(p->path, item->text.ptr, item->text.len);
            continue;
        }
        free(p);
        return refuse(error, error_capacity, "unknown key '%.*s'", (int)item->key.len, (const char *)item->key.ptr);
    }
    if (p->path[0] == '\0') {
        free(p);
        return refuse(error, error_capacity, "'record' is required");
    }
    *out_instance = p;
    return TRIB_OK;
}

static trib_type_status probe_start(trib_type_instance_plugin_ptr instance, char *error, size_t error_capacity) {
    struct probe *p = instance;
    int available = TRIB_HAS_FIELD(p->host, trib_type_host_api, lookup_psk) && p->host->lookup_psk != NULL;
    FILE *file = fopen(p->path, "w");
    if (file == NULL)
        return refuse(error, error_capacity, "cannot write '%s'", p->path);
    fputs(available ? "psk lookups: available\n" : "psk lookups: unavailable (1.0 host)\n", file);
    fclose(file);
    return TRIB_OK;
}

static void probe_destroy(trib_type_instance_plugin_ptr instance) { free(instance); }

/* Compact on purpose: only abi_minor and the start hook matter to the tests. */
static const trib_type_plugin_descriptor probe_descriptor = {
    .struct_size = sizeof(trib_type_plugin_descriptor), .abi_major = TRIB_ABI_MAJOR, .abi_minor = PROBE_MINOR,
    .kind = TRIB_KIND_ADAPTER, .name = "minor-probe", .version = "1.0.0", .built_with = TRIB_BUILT_WITH_C,
    .description = "test adapter: asks for ABI 1.0, uses 1.1 when present",
    .on_instance_new = probe_new, .on_instance_start = probe_start, .on_instance_destroy = probe_destroy,
};

/* A variable, not the macro, so a minimum of 0 does not read as an always-false comparison. */
static const uint32_t entry_minor = PROBE_ENTRY_MINOR;

trib_type_status trib_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor,
                                   const trib_type_plugin_descriptor **out_descriptor) {
    if (host_abi_major != TRIB_ABI_MAJOR || host_abi_minor < entry_minor)
        return TRIB_ERR_ABI;
    *out_descriptor = &probe_descriptor;
    return TRIB_OK;
}
