/// The console's scripts, plain browser JavaScript with no library. The status page polls the
/// admin endpoint (`/console/instances`, `/listeners`, `/healthz`, `/metrics`) every 2 s; the
/// live page reads one application's events from the http plugin's WebSocket integration and
/// renders them in batches, four times a second, keeping the newest `keep`, so a stream of
/// 1,000 events/s costs the page a few DOM inserts per frame, not one per event.
enum ConsoleScripts {
    static let status = #"""
        "use strict";
        const windowSeconds = 60;
        const series = new Map();
        const colors = ["#3b7ddd", "#d9822b", "#137333", "#b3261e", "#8e44ad", "#16a085", "#7f8c8d", "#c0392b"];

        async function get(path, asText) {
          const response = await fetch(path, { cache: "no-store" });
          return asText ? response.text() : response.json();
        }

        function row(cells) {
          const tr = document.createElement("tr");
          for (const [text, className] of cells) {
            const td = document.createElement("td");
            td.textContent = text;
            if (className) td.className = className;
            tr.appendChild(td);
          }
          return tr;
        }

        function parseMetrics(text) {
          const samples = [];
          for (const line of text.split("\n")) {
            const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
            if (!match) continue;
            const labels = {};
            for (const pair of (match[2] || "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
            samples.push({ name: match[1], labels, value: Number(match[3]) });
          }
          return samples;
        }

        function record(samples, now) {
          for (const s of samples) {
            let key = null;
            if (s.name === "tributary_events_received_total") key = "adapter " + s.labels.instance + " received";
            if (s.name === "tributary_sink_deliveries_total" && s.labels.outcome === "ok") key = "sink " + s.labels.instance + " delivered";
            if (!key) continue;
            if (!series.has(key)) series.set(key, []);
            const points = series.get(key);
            points.push({ t: now, v: s.value });
            while (points.length && points[0].t < now - windowSeconds * 1000 - 2000) points.shift();
          }
        }

        function rates(points) {
          const out = [];
          for (let i = 1; i < points.length; i++) {
            const dt = (points[i].t - points[i - 1].t) / 1000;
            out.push({ t: points[i].t, r: dt > 0 ? Math.max(0, (points[i].v - points[i - 1].v) / dt) : 0 });
          }
          return out;
        }

        function draw(now) {
          const canvas = document.getElementById("chart");
          const g = canvas.getContext("2d");
          const w = canvas.width, h = canvas.height, left = 60, bottom = 20;
          g.clearRect(0, 0, w, h);
          const all = [...series.entries()].map(([key, points]) => [key, rates(points)]);
          const top = Math.max(1, ...all.flatMap(([, r]) => r.map(p => p.r)));
          g.strokeStyle = "#e3e6ea"; g.fillStyle = "#68717d"; g.font = "11px sans-serif";
          for (let i = 0; i <= 4; i++) {
            const y = (h - bottom) * i / 4;
            g.beginPath(); g.moveTo(left, y); g.lineTo(w, y); g.stroke();
            const value = top * (4 - i) / 4;
            g.fillText(top >= 10 ? Math.round(value).toString() : value.toFixed(2), 4, Math.max(10, y + 4));
          }
          g.fillText("-60 s", left, h - 4); g.fillText("now", w - 24, h - 4);
          const legend = document.getElementById("legend");
          legend.replaceChildren();
          all.forEach(([key, r], index) => {
            const color = colors[index % colors.length];
            g.strokeStyle = color; g.lineWidth = 2; g.beginPath();
            r.forEach((p, i) => {
              const x = left + (w - left) * (1 - (now - p.t) / (windowSeconds * 1000));
              const y = (h - bottom) * (1 - p.r / top);
              if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
            });
            g.stroke();
            const last = r.length ? r[r.length - 1].r : 0;
            const item = document.createElement("span");
            item.style.color = color;
            item.dataset.series = key;
            item.textContent = key + ": " + last.toFixed(1) + "/s";
            legend.appendChild(item);
          });
        }

        async function refresh() {
          const badge = document.getElementById("health");
          try {
            const [overview, listeners, health, metrics] = await Promise.all([
              get("/console/instances"), get("/listeners"), get("/healthz"), get("/metrics", true)]);
            badge.textContent = health.status + (health.reason ? ": " + health.reason : "");
            badge.className = "badge " + health.status;
            document.querySelector("#instances tbody").replaceChildren(...overview.instances.map(i =>
              row([[i.name], [i.plugin], [i.kind], [i.state, i.state], [i.file], [i.error]])));
            document.querySelector("#listeners tbody").replaceChildren(...listeners.map(l => row([[l.instance], [l.label], [l.address]])));
            document.getElementById("reload").textContent = overview.lastReload ? JSON.stringify(overview.lastReload, null, 2) : "none since the start";
            const now = Date.now();
            record(parseMetrics(metrics), now);
            draw(now);
          } catch (error) {
            badge.textContent = "admin endpoint unreachable";
            badge.className = "badge degraded";
          }
        }

        refresh();
        setInterval(refresh, 2000);
        """#

    static let live = #"""
        "use strict";
        const keep = 300;
        let socket = null, paused = false, received = 0, shown = 0, pending = [];
        const $ = id => document.getElementById(id);

        async function endpoints() {
          const listeners = await (await fetch("/listeners", { cache: "no-store" })).json();
          const select = $("endpoint");
          for (const l of listeners.filter(l => l.label.startsWith("application API"))) {
            const colon = l.address.lastIndexOf(":");
            let host = l.address.slice(0, colon);
            if (host === "0.0.0.0" || host === "[::]") host = location.hostname;
            const url = (l.label.includes("TLS") ? "wss://" : "ws://") + host + ":" + l.address.slice(colon + 1);
            const option = document.createElement("option");
            option.value = url;
            option.textContent = l.instance + " " + l.label + " (" + url + ")";
            select.appendChild(option);
          }
        }

        function connect() {
          if (socket) socket.close();
          const application = $("application").value.trim();
          const query = $("token").value
            ? "token=" + encodeURIComponent($("token").value)
            : "username=" + encodeURIComponent($("username").value) + "&api_key=" + encodeURIComponent($("apikey").value);
          socket = new WebSocket($("endpoint").value + "/" + encodeURIComponent(application) + "?" + query);
          $("state").textContent = "connecting";
          socket.onopen = () => { $("state").textContent = "live: " + application; $("state").className = "badge ok"; };
          socket.onclose = e => {
            $("state").textContent = "closed" + (e.code ? " (" + e.code + (e.reason ? ": " + e.reason : "") + ")" : "");
            $("state").className = "badge degraded";
          };
          socket.onmessage = e => {
            received++;
            pending.push(e.data);
            if (pending.length > keep * 4) pending.splice(0, pending.length - keep * 4);
          };
        }

        function element(text) {
          const node = document.createElement("div");
          node.className = "event";
          let event;
          try { event = JSON.parse(text); } catch (error) { event = { data: text }; }
          const head = document.createElement("div");
          head.className = "head";
          head.textContent = [event.time, event.application, event.device, event.subject].filter(Boolean).join(" · ");
          const body = document.createElement("pre");
          body.textContent = JSON.stringify(event, null, 2);
          node.dataset.channel = event.subject || "";
          node.append(head, body);
          return node;
        }

        function counts() {
          $("counts").textContent = received + " received, " + shown + " shown" + (paused ? ", paused" : "");
        }

        function render() {
          if (paused || pending.length === 0) return counts();
          const channel = $("channel").value.trim();
          const batch = pending.slice(-keep);
          pending = [];
          const fragment = document.createDocumentFragment();
          for (let i = batch.length - 1; i >= 0; i--) {
            const node = element(batch[i]);
            if (channel && node.dataset.channel !== channel) continue;
            fragment.appendChild(node);
            shown++;
          }
          const list = $("events");
          list.prepend(fragment);
          while (list.childElementCount > keep) list.lastElementChild.remove();
          counts();
        }

        $("connect").addEventListener("submit", e => { e.preventDefault(); connect(); });
        $("pause").addEventListener("click", () => { paused = !paused; $("pause").textContent = paused ? "Resume" : "Pause"; });
        setInterval(render, 250);

        // Fields may come in the fragment (never sent to a server): #application=a&username=u&api_key=k&connect=1
        const hash = new URLSearchParams(location.hash.slice(1));
        for (const [field, key] of [["application", "application"], ["username", "username"], ["apikey", "api_key"], ["token", "token"], ["channel", "channel"]]) {
          if (hash.has(key)) $(field).value = hash.get(key);
        }
        endpoints().then(() => { if (hash.get("connect") === "1") connect(); });
        """#
}
