/*
 * tributary.h -- the Tributary plugin ABI, version 1.
 *
 * This header is the whole contract between the `tributary` host and its plugins, and the plugin
 * author's manual. It is pure C99 and includes only <stdint.h> and <stddef.h>, so a plugin can be
 * written in C, Swift, Rust or anything else that exports a C symbol.
 *
 *   Build a C plugin:   cc -std=c11 -shared -fPIC -pthread -I PluginAPI/CTributary/include \
 *                          my_sink.c -o libtributary-my-sink.so
 *   Enable it:          plugins.d/60-my-sink.conf  ->  plugin = "my-sink"
 *                       (libtributary-my-sink.so on the plugin search path, or a path to the .so:
 *                       see LOADING AND HANDSHAKE)
 *   Complete examples:  PluginAPI/Examples/jsonl-sink (a sink), PluginAPI/Examples/line-adapter
 *                       (a TCP adapter with threads, completions and drain).
 *
 * NAMING
 *   trib_type_*       types.
 *   trib_on_*         hooks: implemented by the plugin, called by the host.
 *   trib_host_*       callbacks: implemented by the host, called by the plugin (fields of
 *                     trib_type_host_api).
 *   *_host_ptr        an opaque pointer the host owns; the plugin never frees it.
 *   *_plugin_ptr      an opaque pointer the plugin owns; the host never frees it.
 *   trib_type_host_buffer    bytes the host lends to the plugin (see LIFETIMES).
 *   trib_type_plugin_buffer  bytes the plugin lends to the host; copied before the call returns.
 *
 * KINDS
 *   A library holds exactly one plugin of one kind:
 *   - protocol adapter: accepts devices and applications on some protocol, asks the host to
 *     authenticate them, publishes their messages, routes commands and serves pull consumers;
 *   - authenticator: answers device and user authentication and authorization requests,
 *     (ABI 1.1) pre-shared-key lookups, and (ABI 1.2) registry properties of devices;
 *   - sink: takes batches of normalized CloudEvents and delivers them somewhere durable.
 *
 * LOADING AND HANDSHAKE
 *   A drop-in names its library with `plugin = "NAME"`. A value without '/' is found as
 *   libtributary-NAME.so in the first directory of the plugin search path that has it (host
 *   setting `plugin_path`, flag --plugin-path or TRIBUTARY_PLUGIN_PATH; by default the directory
 *   of the tributary executable, then /usr/local/lib/tributary). A value containing '/' is the
 *   library's own path; a relative one is taken from the drop-in file's directory.
 *   The host copies the library to a private staging path and loads it with
 *   dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE). It then resolves the one entry symbol,
 *   TRIB_ENTRY_SYMBOL, and calls it with its own ABI major and minor. The plugin answers with its
 *   descriptor or refuses (TRIB_ERR_ABI). The host refuses a descriptor whose major differs from
 *   its own, or whose `abi_minor` (the oldest minor the plugin needs, see VERSIONS) is newer
 *   than its own, and names the file and both versions. A plugin
 *   whose `built_with` starts with "swift" must have been built by the host's exact toolchain (no
 *   Swift ABI stability on Linux); the host refuses anything else.
 *
 * LIFECYCLE (per instance; one drop-in file is one instance)
 *   on_instance_new -> on_instance_start -> ... traffic ... -> on_instance_drain -> on_instance_destroy
 *   These four run on the host's control thread, one at a time, never concurrently with each
 *   other for any instance. Traffic hooks (deliver, authenticate, ...) may run on any thread and
 *   concurrently once on_instance_start has returned TRIB_OK. Once on_instance_drain has been
 *   called the host decides on no new traffic hook call, but one it had already decided on
 *   another thread may still begin or be finishing while drain runs, and pending operations may
 *   still be completed; once on_instance_destroy has begun, none runs.
 *   on_instance_new is not always followed by start: `tributary check` and the validation of
 *   every reload call on_instance_new and then on_instance_destroy, with neither start nor drain,
 *   and a reload does so while the instance being replaced still runs. So on_instance_new only
 *   validates and copies its configuration; it must not bind ports, connect, start threads, or
 *   create or open files. All of that belongs in on_instance_start.
 *   A reload replaces a changed instance according to its kind:
 *   - sink: the new instance is started while the old one still runs; traffic moves to the new
 *     one in one step; the old one drains (what it cancels, and what it still holds at the
 *     deadline, goes to the new one) and is destroyed. Both run side by side meanwhile, so they
 *     must tolerate sharing their target (the same file, topic or endpoint);
 *   - adapter: the old instance drains and is destroyed first, then the new one is started (it
 *     needs the same ports); if the new one fails to start, neither runs;
 *   - authenticator: the new one is started, the chain is swapped between requests, then the old
 *     one drains and is destroyed.
 *   Before on_instance_destroy is called, every completion (`done`), handler call and `release`
 *   the host owes this instance has returned, not merely begun, within these limits:
 *   - what a sink or authenticator still holds at the drain deadline is failed by the host (its
 *     late completions are ignored and counted);
 *   - routes and subscriptions still held at destroy are removed, and their `release` is awaited
 *     (until it has returned) for 5 s at most; then the host logs it and destroys anyway;
 *   - an adapter's publishes and authentication requests are not awaited: at a reload a
 *     replaced or removed adapter is destroyed as soon as its on_instance_drain returns, so an
 *     adapter's drain waits for its own completions until the deadline. A completion that comes
 *     later (a sink still retrying, an authenticator still hashing) is dropped by the host,
 *     never called: destroy first closes the instance to every host call from other threads and
 *     waits for those already running.
 *   Nothing of the instance is called once on_instance_destroy has begun. A request still
 *   walking an old authenticator chain after a reload passes a retired authenticator as if it
 *   had deferred.
 *   A failed on_instance_new or on_instance_start stops that instance only; the host prints the
 *   plugin's reason with the drop-in file name.
 *
 * ASYNCHRONOUS OPERATIONS
 *   Every asynchronous operation completes exactly once, through the completion named in its
 *   description, from any thread, possibly before the call that started it has returned. The host
 *   itself never calls a hook of an instance from inside that instance's hook or a completion it
 *   made, on the same thread: when an adapter's `done` running inside such a completion
 *   publishes or authenticates again, and that would reach the same sink or authenticator, the
 *   host hands the call to another thread (the adapter still gets TRIB_PENDING at once). A
 *   completion for an unknown,
 *   already completed or retired operation is ignored and counted in /metrics
 *   (tributary_unknown_completions_total).
 *   The host holds none of its own locks while it runs a `done`, a handler or a `release`, so
 *   every host callback may be called from inside them: publish or command_route_add from a
 *   publish or authentication `done`, command_send, publish or unsubscribe from a command or
 *   event handler. (A TRIB_FLAG_SERIAL_DELIVERY sink's hook runs under the host's per-sink lock;
 *   by the rule above, nothing started from inside it re-enters that sink on this thread.)
 *   The plugin's own locks are its to watch, because a completion runs on whichever thread
 *   finishes the work:
 *   - a `done` may run inside the call that started it, on the caller's thread (publish: when no
 *     sink matches, or a sink finishes inside its hook; authenticate_*: when the chain answers at
 *     once). Never hold a lock that the `done` takes across trib_host_publish or
 *     trib_host_authenticate_* / trib_host_authorize: the thread would wait for itself;
 *   - trib_host_complete_delivery and trib_host_complete_device_auth / _user_auth / _authorize /
 *     _psk run the adapter's `done` before they return, and what that adapter starts from there
 *     may reach other instances' hooks on the same thread. Never hold a lock that another
 *     instance's completion path could need across a trib_host_complete_* call;
 *   - each operation started from a `done` that ran synchronously nests deeper on the stack: a
 *     long run of them belongs in a loop, not in recursion;
 *   - a handler must not wait for its own route's or subscription's `release`: that runs only
 *     after the handler returns.
 *
 * SIGNALS
 *   `tributary run` blocks SIGTERM, SIGINT and SIGHUP before it starts any thread and takes them
 *   on its control thread with sigtimedwait (SIGTERM, SIGINT: drain and exit 0; SIGHUP: reload);
 *   SIGPIPE is ignored in the whole process. A thread inherits the signal mask of the thread that
 *   creates it, so threads a plugin starts from a hook have these three blocked already. Keep
 *   them blocked and install no handler for them: a plugin thread that unblocked SIGTERM could
 *   take it, and the process would die without draining. A write to a closed socket fails with
 *   EPIPE instead of raising SIGPIPE (MSG_NOSIGNAL keeps a plugin right in any host).
 *
 * LIFETIMES
 *   Host data lent to a hook (trib_type_host_buffer and every struct passed by pointer) is valid
 *   until that hook returns, with one exception: the batch passed to on_sink_deliver, and all it
 *   points to, is valid until the plugin completes that operation. Whatever the plugin hands the
 *   host (trib_type_plugin_buffer, structs passed by pointer) is copied before the callback
 *   returns. Neither side frees the other's memory. No C++/Swift/Rust type, exception or unwinding
 *   crosses this boundary: a plugin catches its own errors and turns them into status codes.
 *
 * STRINGS
 *   All strings are UTF-8 byte ranges {ptr, len}; they are not NUL-terminated unless a field says
 *   so. An empty buffer has len == 0 (ptr may then be NULL).
 *
 * VERSIONS
 *   TRIB_ABI_MINOR is the minor this header describes; a newer minor only appends struct fields,
 *   host callbacks, hooks, flags and codes. A plugin puts into its descriptor's `abi_minor` the
 *   OLDEST minor it needs, not the one it was built with: a plugin built against 1.1 that uses
 *   nothing newer than 1.0 says 0 and loads on a 1.0 host; where it can use a 1.1 callback when
 *   present, it checks TRIB_HAS_FIELD(host, trib_type_host_api, lookup_psk) (and that the pointer
 *   is not NULL) before calling it, and falls back otherwise. A plugin that cannot work without a
 *   1.1 feature says 1: a 1.0 host then refuses it with a clear message instead of the plugin
 *   calling past the end of the host's table. Likewise the host reads a hook struct's newer
 *   fields only when its `struct_size` covers them, so a 1.0 plugin's shorter structs are safe.
 *   Added in 1.1: trib_type_sink_hooks.max_in_flight (the delivery window),
 *   trib_type_authenticator_hooks.on_lookup_psk, trib_host_lookup_psk and trib_host_complete_psk
 *   (pre-shared keys for TLS-PSK/DTLS-PSK), trib_type_subscription.queue_bytes and .flags
 *   (TRIB_SUBSCRIPTION_INLINE, TRIB_SUBSCRIPTION_PAUSE_ON_BUSY) with trib_host_resume_subscription,
 *   trib_host_listening (bound listener addresses), and the trib_type_plugin_* twins of the
 *   structs plugins fill (same layout as their 1.0 types).
 *   Added in 1.2: registry properties in device authentication (trib_type_*device_auth_request
 *   .properties, trib_type_*device_auth_result.properties), and commands whose outcome the sender
 *   learns later (trib_type_command.op, trib_host_command_send_async, trib_host_complete_command).
 *   Added in 1.3: when a user's authentication ends (trib_type_*user_auth_result.expires_at), so
 *   live sessions close with it, and trib_host_report_health (a running instance that works
 *   only in part says so in /healthz).
 *   Added in 1.4: trib_type_plugin_descriptor.on_instance_refresh (SIGHUP asks a running instance
 *   whose drop-in did not change to read its files again: certificates, keys, CA bundles).
 *
 * EVOLUTION
 *   Every struct that crosses starts with `struct_size` (sizeof as the writer knew it) and only ever
 *   grows by appending fields (arrays of structs are passed as arrays of pointers, so a grown
 *   struct never changes an array's stride). A reader checks `struct_size` before touching a field that a newer
 *   minor added (TRIB_HAS_FIELD). Status and enum values never change meaning; new ones are
 *   appended. Unknown status codes are treated as TRIB_ERR_INTERNAL.
 */
#ifndef TRIBUTARY_H
#define TRIBUTARY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ============================================================================================ */
/* Versions and the entry symbol                                                                */
/* ============================================================================================ */

/* A different major is incompatible. A newer minor only appends fields, hooks and codes. */
#define TRIB_ABI_MAJOR 1u
#define TRIB_ABI_MINOR 4u

/* The one symbol a plugin exports; its type is trib_on_plugin_entry_fn. */
#define TRIB_ENTRY_SYMBOL "trib_plugin_entry"

/* `built_with` value for plugins written in C (or any language without a runtime to match). */
#define TRIB_BUILT_WITH_C "c"

/* True when a struct written with `struct_size` bytes contains FIELD of TYPE. */
#define TRIB_HAS_FIELD(ptr, TYPE, FIELD) \
    ((ptr)->struct_size >= offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))

/* ============================================================================================ */
/* Status codes                                                                                 */
/* ============================================================================================ */

/* A small closed set. Positive values are not failures; negative values are. */
typedef int32_t trib_type_status;
enum {
    TRIB_OK = 0,                  /* done, or passed */
    TRIB_PENDING = 1,             /* accepted; the named completion will follow exactly once */
    TRIB_DEFER = 2,               /* authenticator: not mine to answer, ask the next one */
    TRIB_RETRY = 3,               /* sink: temporary failure, the host may deliver again */
    TRIB_BUSY = 4,                /* back-pressure: nothing was taken, try later */
    TRIB_ERR_INVALID = -1,        /* a malformed argument (NULL, size too small, bad UTF-8) */
    TRIB_ERR_NOMEM = -2,          /* out of memory */
    TRIB_ERR_ABI = -3,            /* incompatible ABI version */
    TRIB_ERR_CONFIG = -4,         /* configuration refused */
    TRIB_ERR_DENIED = -5,         /* authenticated, but not allowed (HTTP 403, MQTT 0x87) */
    TRIB_ERR_UNAVAILABLE = -6,    /* nobody can answer now: no sink, authenticator down, stopping */
    TRIB_ERR_CANCELLED = -7,      /* the operation was cancelled (drain, shutdown) */
    TRIB_ERR_UNSUPPORTED = -8,    /* the request is of a kind this instance does not handle */
    TRIB_ERR_INTERNAL = -9,       /* a bug or an unexpected failure */
    TRIB_ERR_REJECTED = -10,      /* content refused, e.g. a JSON body that is not JSON (HTTP 406) */
    TRIB_ERR_UNAUTHENTICATED = -11, /* missing or wrong credentials (HTTP 401, MQTT 0x86) */
    TRIB_ERR_NOT_FOUND = -12      /* no such thing, e.g. no live route for a command */
};

/* ============================================================================================ */
/* Common types                                                                                 */
/* ============================================================================================ */

/* Bytes lent by the host. OWNERSHIP: host. LIFETIME: see LIFETIMES above. */
typedef struct trib_type_host_buffer {
    const uint8_t *ptr;
    size_t len;
} trib_type_host_buffer;

/* Bytes lent by the plugin for the duration of one host callback; the host copies them.
 * OWNERSHIP: plugin. */
typedef struct trib_type_plugin_buffer {
    const uint8_t *ptr;
    size_t len;
} trib_type_plugin_buffer;

/* A name/value pair, e.g. a CloudEvent extension. */
typedef struct trib_type_host_attribute {
    trib_type_host_buffer name;
    trib_type_host_buffer value;
} trib_type_host_attribute;

typedef struct trib_type_plugin_attribute {
    trib_type_plugin_buffer name;
    trib_type_plugin_buffer value;
} trib_type_plugin_attribute;

/* The host's record of one plugin instance. OWNERSHIP: host; valid from on_instance_new until
 * on_instance_destroy returns. Pass it back to every trib_host_* callback. */
typedef struct trib_type_instance_host *trib_type_instance_host_ptr;

/* The plugin's instance, returned by on_instance_new. OWNERSHIP: plugin; the host only passes it
 * back to hooks and never dereferences it. */
typedef void *trib_type_instance_plugin_ptr;

/* Log levels, most severe first. */
typedef enum trib_type_log_level {
    TRIB_LOG_ERROR = 0,
    TRIB_LOG_WARN = 1,
    TRIB_LOG_INFO = 2,
    TRIB_LOG_DEBUG = 3,
    TRIB_LOG_TRACE = 4
} trib_type_log_level;

/* The three kinds of plugin. */
typedef enum trib_type_plugin_kind {
    TRIB_KIND_ADAPTER = 1,
    TRIB_KIND_AUTHENTICATOR = 2,
    TRIB_KIND_SINK = 3
} trib_type_plugin_kind;

/* ============================================================================================ */
/* Configuration                                                                                */
/* ============================================================================================ */

/* The value types of the drop-in file's TOML subset. */
typedef enum trib_type_config_value_type {
    TRIB_CONFIG_STRING = 1,
    TRIB_CONFIG_INTEGER = 2,
    TRIB_CONFIG_FLOAT = 3,
    TRIB_CONFIG_BOOLEAN = 4,
    TRIB_CONFIG_ARRAY = 5
} trib_type_config_value_type;

/* One key of the plugin's part of a drop-in file. Tables are flattened into dotted keys
 * ("tls.certificate"). An array is one item of type TRIB_CONFIG_ARRAY whose `count` elements are
 * the items that immediately follow it, each keyed "name[i]"; arrays hold scalars only (the host
 * refuses nested arrays and arrays of tables in plugin keys, naming the file and line).
 * `text` always holds the value as text: the string itself (secret references already resolved,
 * see below), the integer or float in decimal, "true"/"false", or empty for arrays.
 * Secret references: a string value "${env:NAME}" is replaced by that environment variable and
 * "${file:/path}" by that file's content without a trailing newline; a missing one fails the
 * instance before on_instance_new.
 * OWNERSHIP: host; valid until on_instance_new returns. */
typedef struct trib_type_config_item {
    uint32_t struct_size;
    uint32_t type;               /* trib_type_config_value_type */
    trib_type_host_buffer key;
    trib_type_host_buffer text;
    int64_t integer;             /* TRIB_CONFIG_INTEGER; also BOOLEAN as 0/1 */
    double number;               /* TRIB_CONFIG_FLOAT and TRIB_CONFIG_INTEGER */
    size_t count;                /* TRIB_CONFIG_ARRAY: number of element items that follow */
    uint32_t line;               /* 1-based line in the drop-in file, for error messages */
    uint32_t column;             /* 1-based column of the value */
} trib_type_config_item;

/* The plugin's keys from one drop-in file: every key except the host's own (`plugin`, `name`,
 * `enabled`, and the `filter` table). The plugin validates them, rejecting unknown keys.
 * OWNERSHIP: host; valid until on_instance_new returns. Copy what you keep. */
typedef struct trib_type_config {
    uint32_t struct_size;
    const trib_type_config_item *const *items;   /* `item_count` pointers */
    size_t item_count;
    trib_type_host_buffer instance_name;  /* the instance name, e.g. "kafka" or "audit-hook" */
    trib_type_host_buffer file;           /* the drop-in file path, for messages */
    trib_type_host_buffer state_dir;      /* a directory this instance may write (spools, caches) */
} trib_type_config;

/* ============================================================================================ */
/* Events (what sinks and pull consumers receive)                                               */
/* ============================================================================================ */

/* One normalized CloudEvent, built by the host from an adapter's message. All attributes are
 * UTF-8 text; `data` is the payload (compact JSON when datacontenttype is application/json).
 * `extensions` lists every CloudEvent extension attribute in a stable order: application, device,
 * sender, partitionkey, instance, dataschema (when set), then the adapter's own. The named fields
 * below repeat the ones every sink needs, for convenience.
 * pct(x) below is Drogue's NON_ALPHANUMERIC percent-encoding of x's bytes: every byte except the
 * ASCII letters and digits becomes %XX with uppercase hex ("device-1" -> "device%2D1",
 * "\xC3\xA4" -> "%C3%A4").
 * OWNERSHIP: host. LIFETIME: in a sink batch, until that batch is completed; in a subscription
 * handler, until the handler returns. Fields with len 0 are absent (subject, dataschema). */
typedef struct trib_type_event {
    uint32_t struct_size;
    trib_type_host_buffer specversion;      /* "1.0" */
    trib_type_host_buffer id;               /* UUID v4 */
    trib_type_host_buffer type;             /* io.drogue.event.v1 by default */
    trib_type_host_buffer source;           /* drogue://{app}/{pct(device)} by default */
    trib_type_host_buffer subject;          /* the channel */
    trib_type_host_buffer time;             /* RFC 3339, UTC */
    trib_type_host_buffer datacontenttype;
    trib_type_host_buffer data;
    trib_type_host_buffer application;
    trib_type_host_buffer device;
    trib_type_host_buffer sender;
    trib_type_host_buffer partitionkey;     /* {pct(app)}/{pct(sender)}; the Kafka key */
    const trib_type_host_attribute *extensions;
    size_t extension_count;
} trib_type_event;

/* A batch handed to one sink. OWNERSHIP: host. LIFETIME: until the sink completes the operation.
 * `events` is an array of `count` pointers (pointers, so trib_type_event can grow). */
typedef struct trib_type_batch {
    uint32_t struct_size;
    const trib_type_event *const *events;
    size_t count;
} trib_type_batch;

/* ============================================================================================ */
/* Messages (what adapters publish)                                                             */
/* ============================================================================================ */

/* Message flags. */
enum {
    /* A connection event: the host sets type io.drogue.connection.v1 (subject "connection",
     * payload {"connected":true|false} is the adapter's to supply). */
    TRIB_MESSAGE_CONNECTION_EVENT = 1u << 0
};

/* One device message, as an adapter received it. The host validates and normalizes it into a
 * trib_type_event (README.md, "The event"): a JSON content type (application/json*,
 * text/json*, *+json) must parse and is compacted and normalized to application/json; no content
 * type means JSON when the payload parses, else application/octet-stream; anything else passes
 * through.
 * OWNERSHIP: plugin; the host copies everything before trib_host_publish returns. */
typedef struct trib_type_message {
    uint32_t struct_size;
    uint32_t flags;                          /* TRIB_MESSAGE_* */
    trib_type_plugin_buffer application;     /* required */
    trib_type_plugin_buffer device;          /* required: the device the data is about ("as") */
    trib_type_plugin_buffer sender;          /* the authenticated device; empty = same as device */
    trib_type_plugin_buffer channel;         /* required: becomes the subject */
    trib_type_plugin_buffer content_type;    /* may be empty */
    trib_type_plugin_buffer payload;
    trib_type_plugin_buffer data_schema;     /* may be empty; becomes extension "dataschema" */
    int64_t time_unix_ns;                    /* the device's own time; 0 = time of receipt */
    const trib_type_plugin_attribute *extensions; /* adapter extensions, e.g. lorawanport */
    size_t extension_count;
} trib_type_message;

/* Completion of trib_host_publish. `status` is TRIB_OK when every matching sink accepted the
 * event durably, TRIB_BUSY when a sink applied back-pressure, TRIB_ERR_REJECTED never (that is
 * returned synchronously), TRIB_ERR_UNAVAILABLE when a sink failed or the host is stopping, or
 * another error. When no sink matches, the status is TRIB_OK (the event reached only the
 * application-event bus; counted in tributary_events_unrouted_total). THREAD: any (often a sink's
 * thread, inside its trib_host_complete_delivery); it may run before trib_host_publish returns,
 * on the caller's thread (see ASYNCHRONOUS OPERATIONS). Must not block. */
typedef void (*trib_type_publish_done_fn)(void *done_ctx, trib_type_status status);

/* ============================================================================================ */
/* Authentication and authorization                                                             */
/* ============================================================================================ */

/* The forms of device credential an adapter can present. */
typedef enum trib_type_credential_kind {
    TRIB_CREDENTIAL_NONE = 0,
    TRIB_CREDENTIAL_PASSWORD = 1,           /* `password` */
    TRIB_CREDENTIAL_USERNAME_PASSWORD = 2,  /* `username` + `password` */
    TRIB_CREDENTIAL_CERTIFICATE = 3,        /* `certificates`: DER chain, leaf first */
    TRIB_CREDENTIAL_PSK_IDENTITY = 4,       /* `username` holds the PSK identity */
    TRIB_CREDENTIAL_BEARER_TOKEN = 5,       /* user realm: `password` holds the token */
    TRIB_CREDENTIAL_API_KEY = 6             /* user realm: `username` + `password` = API key */
} trib_type_credential_kind;

/* Each request and result below exists twice, with the same fields and layout: as the host
 * lends it (trib_type_*, host buffers: an authenticator's request, an adapter's verdict) and as a
 * plugin fills and lends it to the host (trib_type_plugin_*, plugin buffers: the request an
 * adapter passes to trib_host_authenticate_*, the result an authenticator passes to
 * trib_host_complete_*). The host copies what it receives before the call returns. The twins
 * are ABI 1.1 names for what 1.0 declared with host buffers only: same bytes, so 1.0 plugins
 * keep working; only their source needs the new names when rebuilt. */

/* A device authentication request. `application` or `device` may be empty when the credential
 * names them (a certificate's issuer and subject). `as_device` is set when a gateway publishes for
 * another device.
 * PROPERTIES (ABI 1.2): an adapter that needs registry settings of the device it publishes for
 * names them in `properties`, and an authenticator that can answer returns them, in the same
 * order, in the result. A name is "device:SECTION" or "application:SECTION": the member SECTION
 * of the `spec` of the device acted for (`as_device` when set, else the device) or of its
 * application, e.g. "device:ttn", "application:ttn", "device:lorawan". The value is that
 * member's JSON text; empty when the resource has no such member. Credentials are never a
 * property (an authenticator answers empty for "device:credentials"). At most 16 names of at
 * most 64 bytes each; the host refuses more with TRIB_ERR_INVALID. */
typedef struct trib_type_device_auth_request {
    uint32_t struct_size;
    uint32_t credential_kind;                /* trib_type_credential_kind */
    trib_type_host_buffer application;
    trib_type_host_buffer device;
    trib_type_host_buffer as_device;
    trib_type_host_buffer username;
    trib_type_host_buffer password;
    const trib_type_host_buffer *certificates;
    size_t certificate_count;
    /* ABI 1.2 (a 1.1 struct ends before these: no properties asked): */
    const trib_type_host_buffer *properties; /* `property_count` names, see PROPERTIES */
    size_t property_count;
} trib_type_device_auth_request;

/* trib_type_device_auth_request as an adapter fills it for trib_host_authenticate_device. */
typedef struct trib_type_plugin_device_auth_request {
    uint32_t struct_size;
    uint32_t credential_kind;
    trib_type_plugin_buffer application;
    trib_type_plugin_buffer device;
    trib_type_plugin_buffer as_device;
    trib_type_plugin_buffer username;
    trib_type_plugin_buffer password;
    const trib_type_plugin_buffer *certificates;
    size_t certificate_count;
    /* ABI 1.2: */
    const trib_type_plugin_buffer *properties;
    size_t property_count;
} trib_type_plugin_device_auth_request;

/* The verdict on a device. `status`: TRIB_OK (authenticated and, with `as_device`, allowed to act
 * for it), TRIB_DEFER (authenticator: not mine), TRIB_ERR_UNAUTHENTICATED, TRIB_ERR_DENIED,
 * TRIB_ERR_UNAVAILABLE. On TRIB_OK, `application` and `device` are the canonical names (resolved
 * from an alias or certificate), and `as_device` the canonical name of the device acted for.
 * ABI 1.2: on TRIB_OK, `properties` holds one value per name the request asked for, in its order
 * (see PROPERTIES; empty = no such member, or an authenticator that answers no properties); on
 * any other status `property_count` is 0. The host reads an authenticator's properties only when
 * its result's struct_size covers them, and passes them to an adapter only when the adapter's
 * request asked (a 1.1 adapter's verdict struct ends before them). */
typedef struct trib_type_device_auth_result {
    uint32_t struct_size;
    trib_type_status status;
    trib_type_host_buffer application;
    trib_type_host_buffer device;
    trib_type_host_buffer as_device;
    /* ABI 1.2: */
    const trib_type_host_buffer *properties;
    size_t property_count;
} trib_type_device_auth_result;

/* trib_type_device_auth_result as an authenticator fills it for trib_host_complete_device_auth. */
typedef struct trib_type_plugin_device_auth_result {
    uint32_t struct_size;
    trib_type_status status;
    trib_type_plugin_buffer application;
    trib_type_plugin_buffer device;
    trib_type_plugin_buffer as_device;
    /* ABI 1.2: */
    const trib_type_plugin_buffer *properties;
    size_t property_count;
} trib_type_plugin_device_auth_result;

/* A user (application-side) authentication request: TRIB_CREDENTIAL_BEARER_TOKEN or
 * TRIB_CREDENTIAL_API_KEY. */
typedef struct trib_type_user_auth_request {
    uint32_t struct_size;
    uint32_t credential_kind;
    trib_type_host_buffer username;
    trib_type_host_buffer password;          /* the API key, or the bearer token */
} trib_type_user_auth_request;

/* trib_type_user_auth_request as an adapter fills it for trib_host_authenticate_user. */
typedef struct trib_type_plugin_user_auth_request {
    uint32_t struct_size;
    uint32_t credential_kind;
    trib_type_plugin_buffer username;
    trib_type_plugin_buffer password;
} trib_type_plugin_user_auth_request;

/* The verdict on a user. `status`: TRIB_OK, TRIB_DEFER, TRIB_ERR_UNAUTHENTICATED,
 * TRIB_ERR_UNAVAILABLE. On TRIB_OK, `user` names the user and `roles` its global roles
 * (e.g. "drogue-admin").
 * ABI 1.3: `expires_at` is when the credential stops being valid, in seconds since the Unix
 * epoch (a bearer token's `exp`); 0 means it does not expire (an API key). An adapter that keeps
 * a session open on this verdict (WebSocket, MQTT integration) ends the session then, unless the
 * client presented a newer credential. The host passes the authenticator's value on; it is 0
 * for a result whose struct_size ends before it. */
typedef struct trib_type_user_auth_result {
    uint32_t struct_size;
    trib_type_status status;
    trib_type_host_buffer user;
    const trib_type_host_buffer *roles;
    size_t role_count;
    /* ABI 1.3: */
    int64_t expires_at;
} trib_type_user_auth_result;

/* trib_type_user_auth_result as an authenticator fills it for trib_host_complete_user_auth. */
typedef struct trib_type_plugin_user_auth_result {
    uint32_t struct_size;
    trib_type_status status;
    trib_type_plugin_buffer user;
    const trib_type_plugin_buffer *roles;
    size_t role_count;
    /* ABI 1.3: */
    int64_t expires_at;
} trib_type_plugin_user_auth_result;

/* Permissions on an application, weakest first (Drogue's model). */
typedef enum trib_type_permission {
    TRIB_PERMISSION_READ = 1,
    TRIB_PERMISSION_WRITE = 2,
    TRIB_PERMISSION_ADMIN = 3,
    TRIB_PERMISSION_OWNER = 4
} trib_type_permission;

/* May `user` (with `roles`, as authenticated) act on `application` with `permission`?
 * An empty `user` is the anonymous user. */
typedef struct trib_type_authorize_request {
    uint32_t struct_size;
    uint32_t permission;                     /* trib_type_permission */
    trib_type_host_buffer user;
    const trib_type_host_buffer *roles;
    size_t role_count;
    trib_type_host_buffer application;
} trib_type_authorize_request;

/* trib_type_authorize_request as an adapter fills it for trib_host_authorize. */
typedef struct trib_type_plugin_authorize_request {
    uint32_t struct_size;
    uint32_t permission;
    trib_type_plugin_buffer user;
    const trib_type_plugin_buffer *roles;
    size_t role_count;
    trib_type_plugin_buffer application;
} trib_type_plugin_authorize_request;

/* Completions the host calls back into an adapter. `result` is lent until the function returns.
 * THREAD: any; possibly before the starting call returns. Must not block. */
typedef void (*trib_type_device_auth_done_fn)(void *done_ctx, const trib_type_device_auth_result *result);
typedef void (*trib_type_user_auth_done_fn)(void *done_ctx, const trib_type_user_auth_result *result);
/* `status`: TRIB_OK (allowed), TRIB_ERR_DENIED, TRIB_ERR_NOT_FOUND (no such application),
 * TRIB_ERR_UNAVAILABLE. */
typedef void (*trib_type_authorize_done_fn)(void *done_ctx, trib_type_status status);

/* ABI 1.1: pre-shared keys, for adapters that offer TLS-PSK or DTLS-PSK. During the handshake
 * the adapter has only the identity the client sent; trib_host_lookup_psk asks the authenticator
 * chain for the key. `identity` is Drogue's `device@application` (split at the first '@'; a
 * device name that holds '@' cannot use PSK), as raw bytes from the handshake. The request is
 * copied by the host. */
typedef struct trib_type_psk_request {
    uint32_t struct_size;
    trib_type_host_buffer identity;
} trib_type_psk_request;

/* trib_type_psk_request as an adapter fills it for trib_host_lookup_psk. */
typedef struct trib_type_plugin_psk_request {
    uint32_t struct_size;
    trib_type_plugin_buffer identity;
} trib_type_plugin_psk_request;

/* The answer to a PSK lookup. `status`: TRIB_OK (the device holds a `psk` credential valid now,
 * and `key` is it: when several are valid, the first in the registry's order), TRIB_DEFER
 * (authenticator: not my application), TRIB_ERR_UNAUTHENTICATED (no such device, or no key valid
 * now), TRIB_ERR_DENIED (the device or its application is disabled), TRIB_ERR_UNAVAILABLE.
 * On TRIB_OK, `application` and `device` are the canonical names. `key` is secret: the adapter
 * copies it into the handshake, never logs it, and wipes its copy when the handshake is done;
 * the host keeps no copy once the completion has returned. On any other status `key` is empty. */
typedef struct trib_type_psk_result {
    uint32_t struct_size;
    trib_type_status status;
    trib_type_host_buffer application;
    trib_type_host_buffer device;
    trib_type_host_buffer key;
} trib_type_psk_result;

/* trib_type_psk_result as an authenticator fills it for trib_host_complete_psk. */
typedef struct trib_type_plugin_psk_result {
    uint32_t struct_size;
    trib_type_status status;
    trib_type_plugin_buffer application;
    trib_type_plugin_buffer device;
    trib_type_plugin_buffer key;
} trib_type_plugin_psk_result;

/* Completion of trib_host_lookup_psk. `result` is lent until the function returns.
 * THREAD: any; possibly before trib_host_lookup_psk returns. Must not block. */
typedef void (*trib_type_psk_done_fn)(void *done_ctx, const trib_type_psk_result *result);

/* ============================================================================================ */
/* Commands (application -> device, best effort)                                                */
/* ============================================================================================ */

/* A command for a device, as the host lends it to a command handler. OWNERSHIP: host; lent until
 * the handler returns: copy what you keep. */
typedef struct trib_type_command {
    uint32_t struct_size;
    trib_type_host_buffer application;
    trib_type_host_buffer device;
    trib_type_host_buffer command;           /* the command name */
    trib_type_host_buffer content_type;      /* may be empty */
    trib_type_host_buffer payload;
    /* ABI 1.2 (read only when struct_size covers it): nonzero when the sender waits for the
     * outcome (trib_host_command_send_async). A handler whose delivery takes a round trip (a
     * network server's downlink API) may then return TRIB_PENDING and report the outcome later
     * with trib_host_complete_command(ih, op, status), exactly once. With op 0 nobody waits:
     * such a handler answers TRIB_OK once it has taken the command. */
    uint64_t op;
} trib_type_command;

/* trib_type_command as an application-facing adapter fills it for trib_host_command_send.
 * OWNERSHIP: plugin; lent until trib_host_command_send returns. */
typedef struct trib_type_plugin_command {
    uint32_t struct_size;
    trib_type_plugin_buffer application;
    trib_type_plugin_buffer device;
    trib_type_plugin_buffer command;
    trib_type_plugin_buffer content_type;
    trib_type_plugin_buffer payload;
} trib_type_plugin_command;

/* Called by the host when a command matches a live route. Return TRIB_OK when the command was
 * handed to the live connection, TRIB_ERR_NOT_FOUND to decline it (e.g. a wildcard route of a
 * gateway not responsible for that device), another error when the connection is gone, or
 * (ABI 1.2, only when `command->op` is nonzero) TRIB_PENDING when the outcome follows through
 * trib_host_complete_command; the host then offers the command to no other route.
 * THREAD: the sender's thread (whoever called trib_host_command_send, often another adapter's
 * event loop); calls for one route may overlap. Any host callback may be called from here,
 * command_route_remove of this very route included. Must not block. */
typedef trib_type_status (*trib_type_command_handler_fn)(void *handler_ctx, const trib_type_command *command);

/* Completion of trib_host_command_send_async (ABI 1.2). `status`: TRIB_OK (a route took the
 * command, and when it answered later, its network accepted it), TRIB_ERR_NOT_FOUND (no live route
 * took it), TRIB_ERR_UNAVAILABLE (the route's network could not be reached or did not answer in
 * time, or the routing instance stopped first), TRIB_ERR_REJECTED (the network refused the
 * command), or another error a route reported. THREAD: any; possibly before
 * trib_host_command_send_async returns, on the caller's thread. Must not block. */
typedef void (*trib_type_command_done_fn)(void *done_ctx, trib_type_status status);

/* ============================================================================================ */
/* Application-event subscriptions (pull consumers)                                             */
/* ============================================================================================ */

/* What a pull consumer wants. OWNERSHIP: plugin; copied.
 * QUEUE: events wait for the handler in a queue bounded in bytes (an event costs its normalized
 * size, a few hundred bytes for a small payload) by `queue_bytes`, optionally in count by
 * `queue_capacity`, and by the host-wide `bus_memory_bytes` (host setting, 256 MiB) that all
 * queues share: a burst is absorbed, and only a consumer that stays slower than the publishers
 * loses events, each counted once in tributary_bus_events_dropped_total. */
typedef struct trib_type_subscription {
    uint32_t struct_size;
    trib_type_plugin_buffer application;     /* required */
    trib_type_plugin_buffer channel;         /* empty = every channel */
    trib_type_plugin_buffer group;           /* empty = its own; else one member of the group
                                              * (per application) gets each event */
    uint32_t queue_capacity;                 /* events held for it at most; 0 = no count bound */
    /* ABI 1.1 (a 1.0 struct ends before these: 0 applies): */
    uint64_t queue_bytes;                    /* event bytes held for it; 0 = 16 MiB */
    uint32_t flags;                          /* TRIB_SUBSCRIPTION_* */
} trib_type_subscription;

/* Subscription flags (ABI 1.1). */
enum {
    /* The handler may run on the publishing thread, inside the trib_host_publish (or the sink
     * completion) that made the event deliverable, whenever nothing of this subscription is
     * queued or being handed over; otherwise on a host delivery thread, as without the flag.
     * Order and "calls never overlap" hold either way. It saves a thread hand-off per event;
     * in exchange the handler must never block, and must not take a lock that any thread may
     * hold while it publishes (the MQTT integration sets it: its handler only queues for its
     * connection's loop, or writes at once when already on that loop). */
    TRIB_SUBSCRIPTION_INLINE = 1u << 0,
    /* A handler that returns TRIB_BUSY has not taken the event and is not dropping it: the host
     * keeps it, and what follows, queued (within the queue's bounds; past them new events are
     * dropped and counted) and calls the handler again only after trib_host_resume_subscription.
     * For consumers that fill an output of their own (a socket): the burst waits in the host's
     * byte-bounded queue instead of being dropped at the consumer's door. Without the flag
     * TRIB_BUSY counts as a drop, as every status other than TRIB_OK does. */
    TRIB_SUBSCRIPTION_PAUSE_ON_BUSY = 1u << 1
};

/* Hands one event to a subscriber. Return TRIB_OK when taken; anything else counts the event as
 * dropped for that subscriber. THREAD: a host delivery thread (with TRIB_SUBSCRIPTION_INLINE,
 * possibly the publishing thread); calls for one subscription never
 * overlap and arrive in publish order. Any host callback may be called from here, unsubscribe of
 * this very subscription included. Must not block for long: events queue behind it, and past
 * the queue's bounds (see trib_type_subscription) they are dropped and counted. */
typedef trib_type_status (*trib_type_event_handler_fn)(void *handler_ctx, const trib_type_event *event);

/* Called exactly once, after a route or subscription has been removed and no handler call for it
 * is running any more: the plugin may then free `handler_ctx`. THREAD: any, and where depends on
 * the kind. A command route's runs inside trib_host_command_route_remove when no handler call is
 * running, else right after the last running call returns, on that call's thread (a command
 * sender's). A subscription's never runs inside trib_host_unsubscribe: it follows later on the
 * subscription's host delivery thread. So do not hold a lock across command_route_remove that
 * `release` takes. May be NULL. */
typedef void (*trib_type_release_fn)(void *handler_ctx);

/* ============================================================================================ */
/* Metrics                                                                                      */
/* ============================================================================================ */

typedef enum trib_type_metric_kind {
    TRIB_METRIC_COUNTER = 1,                 /* only grows */
    TRIB_METRIC_GAUGE = 2                    /* set to any value */
} trib_type_metric_kind;

/* ============================================================================================ */
/* Host callbacks                                                                               */
/* ============================================================================================ */

/* The host's services. OWNERSHIP: host. LIFETIME: the whole process; the same table is passed to
 * every instance. Every callback takes the caller's trib_type_instance_host_ptr first and is safe
 * to call from any thread, unless its description says otherwise. (event_to_json needs no
 * instance and takes none.) Check `struct_size` (TRIB_HAS_FIELD) before calling a callback
 * added after the minor the plugin asked for (see VERSIONS). */
typedef struct trib_type_host_api {
    uint32_t struct_size;
    uint32_t abi_major;
    uint32_t abi_minor;

    /* trib_host_log: writes one line tagged with the instance name. `message` has no newline.
     * Cheap to call when the level is disabled; use log_enabled to skip building the message. */
    void (*log)(trib_type_instance_host_ptr ih, trib_type_log_level level, trib_type_plugin_buffer message);

    /* trib_host_log_enabled: 1 when `level` would be written, else 0. */
    int32_t (*log_enabled)(trib_type_instance_host_ptr ih, trib_type_log_level level);

    /* trib_host_publish (adapters): normalizes `message` into an event and routes it to every
     * matching sink and to the application-event bus.
     * RETURNS: TRIB_PENDING: `done` will be called exactly once (if `done` is NULL the message is
     *            fire-and-forget: QoS 0, CoAP NON);
     *          TRIB_ERR_REJECTED: the content type claims JSON and the payload is not JSON;
     *          TRIB_ERR_INVALID: a required field is missing or not UTF-8;
     *          TRIB_ERR_UNAVAILABLE: the host is stopping.
     *          No other value is returned; `done` is not called for a negative return.
     *          `done` may run before this returns, on this thread: when no sink matches, or when
     *          every matching sink finished inside its hook. */
    trib_type_status (*publish)(trib_type_instance_host_ptr ih, const trib_type_message *message,
                                trib_type_publish_done_fn done, void *done_ctx);

    /* trib_host_authenticate_device (adapters): asks the authenticator chain, in drop-in order,
     * until one answers other than TRIB_DEFER; if all defer (or none is loaded), the verdict is
     * TRIB_ERR_UNAUTHENTICATED. `request` is copied. `done` runs before this returns, on this
     * thread, when the chain answers at once (an empty chain, or authenticators that answer from
     * their hooks).
     * While the host stops, requests are answered normally until the authenticators drain (after
     * the adapters and sinks); from then on, and for what an authenticator still holds, the
     * verdict is TRIB_ERR_UNAVAILABLE (nobody can answer now), never a refusal.
     * RETURNS: TRIB_PENDING (`done` follows exactly once) or TRIB_ERR_INVALID (no `done`). */
    trib_type_status (*authenticate_device)(trib_type_instance_host_ptr ih,
                                            const trib_type_plugin_device_auth_request *request,
                                            trib_type_device_auth_done_fn done, void *done_ctx);

    /* trib_host_authenticate_user (adapters): the same for the user realm. */
    trib_type_status (*authenticate_user)(trib_type_instance_host_ptr ih,
                                          const trib_type_plugin_user_auth_request *request,
                                          trib_type_user_auth_done_fn done, void *done_ctx);

    /* trib_host_authorize (adapters): asks the chain whether a user may act on an application;
     * all defer = TRIB_ERR_DENIED. RETURNS as trib_host_authenticate_device. */
    trib_type_status (*authorize)(trib_type_instance_host_ptr ih, const trib_type_plugin_authorize_request *request,
                                  trib_type_authorize_done_fn done, void *done_ctx);

    /* trib_host_complete_device_auth / _user_auth / _authorize (authenticators): completes the
     * operation `op` that on_authenticate_device / on_authenticate_user / on_authorize accepted.
     * `result` is copied. Exactly once per op, from any thread, possibly from inside the hook.
     * The adapter's `done` (after TRIB_DEFER: the next authenticator's hook) runs inside this
     * call; see ASYNCHRONOUS OPERATIONS: hold no lock across it that your hooks take. */
    void (*complete_device_auth)(trib_type_instance_host_ptr ih, uint64_t op,
                                 const trib_type_plugin_device_auth_result *result);
    void (*complete_user_auth)(trib_type_instance_host_ptr ih, uint64_t op,
                               const trib_type_plugin_user_auth_result *result);
    void (*complete_authorize)(trib_type_instance_host_ptr ih, uint64_t op, trib_type_status status);

    /* trib_host_complete_delivery (sinks): completes the delivery `op` that on_sink_deliver
     * accepted with TRIB_PENDING. `status`:
     *   TRIB_OK               every event of the batch is durably accepted;
     *   TRIB_RETRY            temporary failure: the host delivers the batch again after a
     *                         backoff, up to its retry limit, then fails it;
     *   TRIB_BUSY             back-pressure: the batch is failed as busy towards the devices;
     *   TRIB_ERR_CANCELLED    not delivered because the instance is draining: the host hands the
     *                         batch to the instance that replaces this one (reload), or fails it;
     *   any other error       the batch failed.
     * After this call returns, the batch must not be touched. When this sink is the last to
     * finish an event, the adapter's publish `done` runs inside this call; what it publishes
     * again reaches this sink on another thread, never inside this call. */
    void (*complete_delivery)(trib_type_instance_host_ptr ih, uint64_t op, trib_type_status status);

    /* trib_host_command_route_add (adapters): registers a live route for commands to
     * (application, device). An empty `device` is a wildcard for the application; its handler
     * declines with TRIB_ERR_NOT_FOUND what it does not serve. `handler_ctx` is the plugin's until
     * `release` is called. On TRIB_OK, *out_route identifies the route.
     * RETURNS: TRIB_OK, TRIB_ERR_INVALID. */
    trib_type_status (*command_route_add)(trib_type_instance_host_ptr ih, trib_type_plugin_buffer application,
                                          trib_type_plugin_buffer device, trib_type_command_handler_fn handler,
                                          void *handler_ctx, trib_type_release_fn release, uint64_t *out_route);

    /* trib_host_command_route_remove (adapters): removes a route. No handler call starts after
     * this returns; `release` runs once no call is running: inside this call when none is, else on
     * the thread of the last running call (see trib_type_release_fn). Unknown ids are ignored. */
    void (*command_route_remove)(trib_type_instance_host_ptr ih, uint64_t route);

    /* trib_host_command_send (application-facing adapters): offers a command to the live routes
     * of (application, device), exact routes first, then wildcard routes, and stops at the first
     * handler that returns TRIB_OK. The caller authorizes the sender first. `command` is lent
     * until this returns.
     * RETURNS: TRIB_OK (a live route took it), TRIB_ERR_NOT_FOUND (none did), TRIB_ERR_INVALID. */
    trib_type_status (*command_send)(trib_type_instance_host_ptr ih, const trib_type_plugin_command *command);

    /* trib_host_subscribe (application-facing adapters): subscribes to the application-event bus.
     * `handler` gets each matching event in order (see trib_type_event_handler_fn). On TRIB_OK,
     * *out_subscription identifies it. RETURNS: TRIB_OK, TRIB_ERR_INVALID. */
    trib_type_status (*subscribe)(trib_type_instance_host_ptr ih, const trib_type_subscription *subscription,
                                  trib_type_event_handler_fn handler, void *handler_ctx,
                                  trib_type_release_fn release, uint64_t *out_subscription);

    /* trib_host_unsubscribe: ends a subscription; queued events are dropped (not counted as
     * drops); no handler call starts after this returns; `release` runs later, never inside this
     * call, on the subscription's delivery thread once no handler call is running. Unknown ids
     * are ignored. */
    void (*unsubscribe)(trib_type_instance_host_ptr ih, uint64_t subscription);

    /* trib_host_metric_register: declares a metric exported on /metrics as
     * tributary_plugin_<name>{instance="<instance>"} with `help`. `name` must match
     * [a-z_][a-z0-9_]*. Registering the same name twice returns the same id.
     * A metric belongs to the instance name, not to one instance: every generation of a drop-in
     * (old and new instance during a reload, or the file removed and added back) gets the same
     * cell, so its value runs on across reloads; the kind and help of the first registration
     * stay, and the metric stays on /metrics for the life of the process. Register in
     * on_instance_start, not in on_instance_new, which check and reload validation also call.
     * RETURNS: TRIB_OK with *out_metric set, TRIB_ERR_INVALID. */
    trib_type_status (*metric_register)(trib_type_instance_host_ptr ih, trib_type_metric_kind kind,
                                        trib_type_plugin_buffer name, trib_type_plugin_buffer help,
                                        uint64_t *out_metric);

    /* trib_host_metric_add / _set: adds to a counter (delta >= 0) or sets a gauge. Cheap enough
     * for every message (an atomic add after a short lookup).
     * Unknown ids are ignored. */
    void (*metric_add)(trib_type_instance_host_ptr ih, uint64_t metric, int64_t delta);
    void (*metric_set)(trib_type_instance_host_ptr ih, uint64_t metric, int64_t value);

    /* trib_host_event_to_json: writes `event` as a structured-mode CloudEvent (JSON, the
     * CloudEvents JSON format: JSON data inline; data whose content type starts with "text/" as
     * a string when it is valid UTF-8, else as data_base64; other data as data_base64) into
     * `out` (`capacity` bytes, not NUL-terminated).
     * RETURNS: the number of bytes the JSON needs; when larger than `capacity`, nothing useful
     * was written: call again with a buffer that large. `out` may be NULL with `capacity` 0 to
     * ask for the size. */
    size_t (*event_to_json)(const trib_type_event *event, uint8_t *out, size_t capacity);

    /* trib_host_config_get: looks up one key of the instance's configuration by its flattened
     * name. Valid only during on_instance_new. RETURNS: the item (lent until on_instance_new
     * returns) or NULL. */
    const trib_type_config_item *(*config_get)(trib_type_instance_host_ptr ih, trib_type_plugin_buffer key);

    /* ---- ABI 1.1: check TRIB_HAS_FIELD(host, trib_type_host_api, FIELD) before calling. ---- */

    /* trib_host_lookup_psk (adapters): asks the authenticator chain, in drop-in order, for the
     * pre-shared key of a PSK identity (see trib_type_psk_request); all defer (or none can
     * answer PSK lookups) = TRIB_ERR_UNAUTHENTICATED. `request` is copied.
     * RETURNS: TRIB_PENDING (`done` follows exactly once) or TRIB_ERR_INVALID (no `done`). */
    trib_type_status (*lookup_psk)(trib_type_instance_host_ptr ih, const trib_type_plugin_psk_request *request,
                                   trib_type_psk_done_fn done, void *done_ctx);

    /* trib_host_complete_psk (authenticators): completes the lookup `op` that on_lookup_psk
     * accepted. `result` (and the key it holds) is copied. Exactly once per op, from any thread,
     * possibly from inside the hook. */
    void (*complete_psk)(trib_type_instance_host_ptr ih, uint64_t op, const trib_type_plugin_psk_result *result);

    /* trib_host_resume_subscription (application-facing adapters): the consumer of a
     * TRIB_SUBSCRIPTION_PAUSE_ON_BUSY subscription that answered TRIB_BUSY has room again; the
     * host calls the handler again, from the event it refused, on a host delivery thread (never
     * inside this call). A resume that arrives while the handler is still returning its TRIB_BUSY
     * is not lost. Extra resumes are harmless; unknown ids and other instances' are ignored. */
    void (*resume_subscription)(trib_type_instance_host_ptr ih, uint64_t subscription);

    /* trib_host_listening (adapters): tells the host that a listener is bound, so it can report
     * the address (one log line "[<instance>] <label> listening on <address>", and the admin
     * endpoint's GET /listeners) even when the configuration asked for port 0. Call it once per
     * listener, as soon as it is bound (from on_instance_start, or later for a listener opened
     * later). `label` names the listener for people, e.g. "device API (TLS)"; `address` is the
     * bound address (getsockname) as `host:port` or `[v6]:port`. Both are copied. The host
     * forgets an instance's listeners when the instance is destroyed (reload, stop, failed
     * start). From any thread. RETURNS: nothing. */
    void (*listening)(trib_type_instance_host_ptr ih, trib_type_plugin_buffer label,
                      trib_type_plugin_buffer address);

    /* ---- ABI 1.2: check TRIB_HAS_FIELD(host, trib_type_host_api, FIELD) before calling. ---- */

    /* trib_host_command_send_async (application-facing adapters): trib_host_command_send for a
     * sender that waits for the outcome, so that a route reaching its device through another
     * network (The Things Stack's downlink API) can report whether that network took the command.
     * Routes are offered the command in the same order, with a nonzero `op`; the first that
     * answers TRIB_OK or TRIB_PENDING ends the search. `command` is lent until this returns.
     * The host bounds no wait itself: a route that answers TRIB_PENDING owns the deadline and
     * must complete (its instance's destroy completes what it still holds with
     * TRIB_ERR_UNAVAILABLE).
     * RETURNS: TRIB_PENDING (`done` follows exactly once, possibly before this returns) or
     * TRIB_ERR_INVALID (no `done`). */
    trib_type_status (*command_send_async)(trib_type_instance_host_ptr ih, const trib_type_plugin_command *command,
                                           trib_type_command_done_fn done, void *done_ctx);

    /* trib_host_complete_command (adapters holding routes): reports the outcome of a command its
     * handler answered TRIB_PENDING (see trib_type_command.op). `status` as in
     * trib_type_command_done_fn. Exactly once per op, from any thread; the sender's `done` runs
     * inside this call. Unknown or completed ops are ignored and counted. */
    void (*complete_command)(trib_type_instance_host_ptr ih, uint64_t op, trib_type_status status);

    /* ---- ABI 1.3: check TRIB_HAS_FIELD(host, trib_type_host_api, FIELD) before calling. ---- */

    /* trib_host_report_health (any plugin): a running instance says it works only in part
     * (`degraded` nonzero, with a one-line `reason` for operators: what fails and what still
     * works, never a secret) or fully again (`degraded` 0, `reason` ignored). /healthz then reports
     * "degraded" with the instance and its reason; /readyz is not affected (the instance still
     * serves). `reason` is copied. The host forgets the report when the instance is destroyed.
     * From any thread. RETURNS: nothing. */
    void (*report_health)(trib_type_instance_host_ptr ih, int degraded, trib_type_plugin_buffer reason);
} trib_type_host_api;

/* ============================================================================================ */
/* Plugin hooks                                                                                 */
/* ============================================================================================ */

/* on_instance_new: creates an instance from its configuration. `host` and `ih` stay valid until
 * on_instance_destroy returns; keep them. Validate every key and refuse unknown ones.
 * Only validate and copy: `tributary check` and reload validation call this and then
 * on_instance_destroy without on_instance_start, possibly while another instance of the same
 * drop-in runs, so binding a port, starting a thread or creating a file here is wrong (see
 * LIFECYCLE).
 * On failure, write a one-line, human-readable reason (NUL-terminated, at most `error_capacity`
 * bytes including the NUL) into `error` and return TRIB_ERR_CONFIG (or another error).
 * THREAD: control. RETURNS: TRIB_OK with *out_instance set, or an error. */
typedef trib_type_status (*trib_on_instance_new_fn)(const trib_type_host_api *host, trib_type_instance_host_ptr ih,
                                                    const trib_type_config *config,
                                                    trib_type_instance_plugin_ptr *out_instance,
                                                    char *error, size_t error_capacity);

/* on_instance_start: begins work (bind listeners, connect to brokers). Traffic hooks may be called
 * from now on. THREAD: control. RETURNS: TRIB_OK, or an error with a reason in `error`; the host
 * then calls on_instance_destroy without on_instance_drain. May be NULL (nothing to start). */
typedef trib_type_status (*trib_on_instance_start_fn)(trib_type_instance_plugin_ptr instance,
                                                      char *error, size_t error_capacity);

/* on_instance_drain: stop taking new work and finish what is in flight before `deadline_unix_ms`
 * (wall clock, milliseconds). Adapters stop accepting connections and messages; sinks complete
 * every pending delivery (TRIB_OK, or TRIB_ERR_CANCELLED for what they could not finish, so the
 * host can hand it on). The host waits until the instance has no operation pending or the
 * deadline passes; it then fails what is still pending and ignores its late completions.
 * Adapters: the host does not wait for an adapter's own publishes and authentications (see
 * LIFECYCLE); drain waits for their completions until the deadline.
 * THREAD: control; may block until the deadline. May be NULL (nothing to drain). */
typedef void (*trib_on_instance_drain_fn)(trib_type_instance_plugin_ptr instance, int64_t deadline_unix_ms);

/* on_instance_destroy: frees the instance. Every thread and timer the instance started must have
 * stopped before this returns (the image stays mapped but the host forgets the instance).
 * Nothing of the instance (hook, completion, handler or release) is called after this.
 * THREAD: control. Required. */
typedef void (*trib_on_instance_destroy_fn)(trib_type_instance_plugin_ptr instance);

/* on_instance_refresh (ABI 1.4): the operator sent SIGHUP. Read again the files this instance
 * reads (certificates, keys, CA bundles, key sets) and use them for new work if they pass; keep
 * the previous ones and say why (log, trib_host_report_health) if they do not. Called after the
 * reload that SIGHUP also triggers, for every running instance that reload did not create (a
 * new or replaced instance has just read its files), also when the reload was refused.
 * A file watch of the plugin's own may have picked the change up already; reading again is
 * harmless. THREAD: control; must not block for long (it delays the next reload and SIGTERM).
 * May be NULL (nothing to read again). */
typedef void (*trib_on_instance_refresh_fn)(trib_type_instance_plugin_ptr instance);

/* on_sink_deliver: takes a batch. `op` identifies this delivery for trib_host_complete_delivery.
 * RETURNS: TRIB_PENDING: the batch is taken; complete `op` exactly once (possibly from inside
 *            this hook). The batch stays valid until then.
 *          TRIB_OK: delivered durably before returning; no completion follows (one that comes
 *            anyway is ignored and counted).
 *          TRIB_BUSY: nothing taken (back-pressure); no completion.
 *          an error: nothing taken; the batch fails; no completion.
 *          If the plugin completed `op` inside the hook, that completion decides and the return
 *          value is ignored.
 * THREAD: any; concurrent calls unless TRIB_FLAG_SERIAL_DELIVERY. Must not block for long: a
 * local write or fsync is fine, a network round trip is not (keep those asynchronous). */
typedef trib_type_status (*trib_on_sink_deliver_fn)(trib_type_instance_plugin_ptr instance, uint64_t op,
                                                    const trib_type_batch *batch);

/* on_authenticate_device / on_authenticate_user / on_authorize: answer a request. `op` is
 * completed with the matching trib_host_complete_* exactly once, possibly from inside the hook.
 * RETURNS: TRIB_PENDING when `op` is (or will be) completed; any other value answers at once with
 * that status and no completion (TRIB_DEFER: not mine; TRIB_OK: allowed, and the request's names
 * are the canonical ones). `request` is lent until the hook returns.
 * An immediate TRIB_OK carries no result: a device verdict then holds the names the adapter
 * asked with, and a user verdict the `username` asked about (empty for a bearer token) and no
 * roles. To resolve an alias or a certificate, or to name a user and roles, complete `op` with a
 * result (inside the hook is fine) and return TRIB_PENDING; names left empty in a device result
 * also default to the request's.
 * THREAD: any, concurrently. Must not block: slow work (bcrypt, HTTP) goes to the plugin's own
 * threads. */
typedef trib_type_status (*trib_on_authenticate_device_fn)(trib_type_instance_plugin_ptr instance, uint64_t op,
                                                           const trib_type_device_auth_request *request);
typedef trib_type_status (*trib_on_authenticate_user_fn)(trib_type_instance_plugin_ptr instance, uint64_t op,
                                                         const trib_type_user_auth_request *request);
typedef trib_type_status (*trib_on_authorize_fn)(trib_type_instance_plugin_ptr instance, uint64_t op,
                                                 const trib_type_authorize_request *request);

/* on_lookup_psk (ABI 1.1): answers a PSK lookup through trib_host_complete_psk, possibly from
 * inside the hook. A key can only travel in the completion, so the hook RETURNS TRIB_PENDING when
 * `op` is (or will be) completed, or answers at once with TRIB_DEFER or an error (no completion);
 * TRIB_OK without a completion counts as TRIB_ERR_INTERNAL. THREAD and blocking as above. */
typedef trib_type_status (*trib_on_lookup_psk_fn)(trib_type_instance_plugin_ptr instance, uint64_t op,
                                                  const trib_type_psk_request *request);

/* Sink hooks. OWNERSHIP: plugin, static storage (lives as long as the image).
 * BATCHES AND THE DELIVERY WINDOW: with `max_in_flight` 0 (and for every 1.0 plugin) the host
 * calls on_sink_deliver once per event as it is published, and the sink applies its own
 * back-pressure by answering TRIB_BUSY. With `max_in_flight` N > 0 the host keeps at most N
 * deliveries pending in the plugin (accepted with TRIB_PENDING, or waiting for a retry); events
 * published meanwhile wait in the host, at most N x max_batch of them, and go out as soon as a
 * delivery completes, coalesced into batches of up to `max_batch` in publish order. Past that
 * bound a publisher gets TRIB_BUSY at once (HTTP 503, MQTT 0x97), and nothing is taken. */
typedef struct trib_type_sink_hooks {
    uint32_t struct_size;
    trib_on_sink_deliver_fn on_sink_deliver;   /* required */
    uint32_t max_batch;                        /* largest batch wanted; 0 = 1 */
    /* ABI 1.1 (read only when struct_size covers it): */
    uint32_t max_in_flight;                    /* deliveries pending at once; 0 = no bound */
} trib_type_sink_hooks;

/* Authenticator hooks. Any of them may be NULL: the host then treats that request as TRIB_DEFER.
 * OWNERSHIP: plugin, static storage. */
typedef struct trib_type_authenticator_hooks {
    uint32_t struct_size;
    trib_on_authenticate_device_fn on_authenticate_device;
    trib_on_authenticate_user_fn on_authenticate_user;
    trib_on_authorize_fn on_authorize;
    /* ABI 1.1 (read only when struct_size covers it): */
    trib_on_lookup_psk_fn on_lookup_psk;
} trib_type_authenticator_hooks;

/* Descriptor flags. */
enum {
    /* Sinks: the host never calls on_sink_deliver concurrently for one instance (it holds a lock
     * of its own around each call). Completing inside the hook is fine: nothing that completion
     * starts re-enters this sink on the same thread (see ASYNCHRONOUS OPERATIONS). */
    TRIB_FLAG_SERIAL_DELIVERY = 1u << 0
};

/* What a plugin is. OWNERSHIP: plugin, static storage; the host copies the strings it keeps.
 * Exactly one of `sink` and `authenticator` is set for those kinds; adapters set neither (their
 * work starts in on_instance_start). */
typedef struct trib_type_plugin_descriptor {
    uint32_t struct_size;
    uint32_t abi_major;                        /* TRIB_ABI_MAJOR the plugin was built with */
    uint32_t abi_minor;                        /* the oldest minor it needs (see VERSIONS) */
    uint32_t kind;                             /* trib_type_plugin_kind */
    uint32_t flags;                            /* TRIB_FLAG_* */
    const char *name;                          /* NUL-terminated, e.g. "kafka" */
    const char *version;                       /* NUL-terminated, the plugin's own version */
    const char *description;                   /* NUL-terminated, one line */
    const char *built_with;                    /* TRIB_BUILT_WITH_C, or the Swift toolchain id */
    trib_on_instance_new_fn on_instance_new;   /* required */
    trib_on_instance_start_fn on_instance_start;
    trib_on_instance_drain_fn on_instance_drain;
    trib_on_instance_destroy_fn on_instance_destroy; /* required */
    const trib_type_sink_hooks *sink;
    const trib_type_authenticator_hooks *authenticator;
    /* ABI 1.4 (read only when struct_size covers it): */
    trib_on_instance_refresh_fn on_instance_refresh;
} trib_type_plugin_descriptor;

/* The entry symbol, TRIB_ENTRY_SYMBOL. Called once per load, on the control thread, with the
 * host's ABI version. A plugin refuses a host it cannot work with (a different major, or an older
 * minor than it needs) by returning TRIB_ERR_ABI; otherwise it sets *out_descriptor to its static
 * descriptor and returns TRIB_OK. */
typedef trib_type_status (*trib_on_plugin_entry_fn)(uint32_t host_abi_major, uint32_t host_abi_minor,
                                                    const trib_type_plugin_descriptor **out_descriptor);

/* TRIB_PLUGIN_ENTRY(descriptor): defines the entry symbol for a plugin that needs nothing more
 * than the host's major and the oldest minor its static `descriptor` names in `abi_minor`. The
 * compiler checks that the definition has exactly trib_on_plugin_entry_fn's type (the expansion
 * is C11; the header itself stays C99). A plugin with more to decide at load time writes
 * trib_plugin_entry itself. */
#define TRIB_PLUGIN_ENTRY(descriptor)                                                             \
    trib_type_status trib_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor,          \
                                       const trib_type_plugin_descriptor **out_descriptor);       \
    _Static_assert(_Generic(&trib_plugin_entry, trib_on_plugin_entry_fn: 1, default: 0),         \
                   "trib_plugin_entry must be a trib_on_plugin_entry_fn");                        \
    trib_type_status trib_plugin_entry(uint32_t host_abi_major, uint32_t host_abi_minor,          \
                                       const trib_type_plugin_descriptor **out_descriptor) {      \
        if (host_abi_major != TRIB_ABI_MAJOR || host_abi_minor < (descriptor).abi_minor)           \
            return TRIB_ERR_ABI;                                                                  \
        *out_descriptor = &(descriptor);                                                          \
        return TRIB_OK;                                                                           \
    }

#ifdef __cplusplus
}
#endif

#endif /* TRIBUTARY_H */
