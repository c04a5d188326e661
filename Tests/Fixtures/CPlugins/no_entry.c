/*
 * no_entry -- refused fixture: a shared library that loads fine but exports no
 * trib_plugin_entry, only an unrelated symbol. The host must refuse it, naming the missing
 * symbol, instead of crashing or skipping it silently.
 *
 * Build:
 *   cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -pthread \
 *      -I PluginAPI/CTributary/include no_entry.c -o libno-entry.so
 *
 * Drop-in (plugins.d/90-no-entry.conf):
 *   plugin = "/path/to/libno-entry.so"
 */

int some_other_symbol(void);

int some_other_symbol(void) { return 42; }
