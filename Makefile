# Tributary: `make run` starts the host with plugins.d/, `make test` runs every test.
# Both install the Debian packages they need when missing (as root), so a fresh machine works.

SWIFT ?= swift
CC ?= cc
# What the build, the tests and the benchmarks use from Debian.
PACKAGES := gcc libc6-dev curl jq openssl libssl-dev libcrypt-dev pkg-config python3 python3-prometheus-client python3-websocket \
	util-linux python3-pip wrk nginx-light mosquitto mosquitto-clients python3-paho-mqtt libcoap3-bin \
	python3-jwt python3-cryptography librdkafka-dev kcat python3-confluent-kafka patchelf chromium
PLUGIN_BUILD := .build/plugins
CFLAGS_PLUGIN := -std=c11 -O2 -Wall -Wextra -Werror -shared -fPIC -pthread -I PluginAPI/CTributary/include

.PHONY: all deps build release examples run test bench check clean fuzz tsan install deb

all: build

deps:
	@missing=""; \
	for p in $(PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "missing Debian packages:$$missing (run as root, or install them)"; exit 1; \
		fi; \
	fi
	@# The webhook-push tests' receiver decodes with the CloudEvents Python SDK (PyPI: cloudevents).
	@# Without it those tests are skipped, loudly.
	@/usr/bin/python3 -c 'import cloudevents.core.bindings.http' 2>/dev/null || \
		/usr/bin/python3 -m pip install --quiet --break-system-packages 'cloudevents>=2,<3' || \
		echo "warning: cannot install the cloudevents package; the webhook-push end-to-end tests will be skipped"

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The C example plugins, built from the header alone (as a third party would).
examples: deps
	@mkdir -p $(PLUGIN_BUILD)
	$(CC) $(CFLAGS_PLUGIN) PluginAPI/Examples/jsonl-sink/jsonl_sink.c -o $(PLUGIN_BUILD)/libtributary-jsonl-sink.so
	$(CC) $(CFLAGS_PLUGIN) PluginAPI/Examples/line-adapter/line_adapter.c -o $(PLUGIN_BUILD)/libtributary-line-adapter.so

run: release examples
	.build/release/tributary run --config-dir plugins.d --plugin-path .build/release:$(PLUGIN_BUILD)

check: release examples
	.build/release/tributary check --config-dir plugins.d --plugin-path .build/release:$(PLUGIN_BUILD)

# The installed layout (packaging/stage.sh): /usr/bin, /usr/lib/tributary (with the Swift
# runtime), /etc/tributary/plugins.d, /var/lib/tributary and the systemd unit. As root on the
# machine itself (DESTDIR empty) it also makes the `tributary` user, as the package does.
install: release
	bash packaging/stage.sh "$(or $(DESTDIR),/)"
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then sh packaging/postinst configure; fi

# The Debian package, built with dpkg-deb into .build/deb/.
deb: release
	bash packaging/build-deb.sh .build/deb

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: release
	bash Tests/Benchmarks/host-pipeline.sh
	bash Tests/Benchmarks/http-device.sh
	bash Tests/Benchmarks/mqtt.sh
	bash Tests/Benchmarks/mqtt-websocket.sh
	bash Tests/Benchmarks/coap.sh
	bash Tests/Benchmarks/ttn.sh
	$(SWIFT) build -c release --product registry-bench
	taskset -c 0 .build/release/registry-bench .build/release/libtributary-registry-file.so
	bash Tests/Benchmarks/oidc.sh
	bash Tests/Benchmarks/kafka.sh
	bash Tests/Benchmarks/webhook-push.sh

# libFuzzer with AddressSanitizer over every parser (HTTP/1.1, WebSocket, MQTT, CoAP, drop-in TOML, JSON)
# and the event normalizer, FUZZ_SECONDS (default 30) per target; fails on a crash and keeps the input.
fuzz:
	bash Tests/Fuzz/run.sh
	bash Tests/Fuzz/run-mqtt.sh
	bash Tests/Fuzz/fuzz-host.sh

# ThreadSanitizer over the in-process suites; see Tests/ThreadSanitizer/run.sh for what it can
# and cannot cover on this toolchain.
tsan: deps
	bash Tests/ThreadSanitizer/run.sh

clean:
	rm -rf .build

# libFuzzer on the MQTT decoder for FUZZ_SECONDS (default 30); fails on the first crash.
.PHONY: fuzz-mqtt
fuzz-mqtt:
	bash Tests/Fuzz/run-mqtt.sh
