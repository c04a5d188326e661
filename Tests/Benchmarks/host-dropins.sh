# Sourced by the adapter benchmarks: the drop-ins every one of them runs Tributary with.
#
# write_host_dropins WORK BIN: builds the counting sink into WORK and writes WORK/conf with the host
# settings (admin on port 0, warnings only, plugins from BIN), registry-file reading
# WORK/registry.json, and the counting sink. The benchmark adds its adapter's 20-*.conf.
write_host_dropins() {
    local work=$1 bin=$2 root
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    cc -std=c11 -O2 -shared -fPIC -pthread -I "$root/PluginAPI/CTributary/include" "$root/Tests/Fixtures/CPlugins/counting_sink.c" \
        -o "$work/libcounting.so"
    mkdir -p "$work/conf"
    cat > "$work/conf/00-host.conf" <<CONF
[host]
admin_address = "127.0.0.1:0"
state_dir = "$work/state"
log_level = "warn"
plugin_path = ["$bin"]
CONF
    printf 'plugin = "registry-file"\npath = "%s"\n' "$work/registry.json" > "$work/conf/10-registry.conf"
    printf 'plugin = "%s"\n' "$work/libcounting.so" > "$work/conf/30-count.conf"
}
