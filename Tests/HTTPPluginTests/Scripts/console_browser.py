"""Drives headless Chromium through its DevTools protocol (python3-websocket) against the
console: loads the status page and the live event view, publishes through the device API, and
reports what the pages showed as one JSON line. Usage:
    console_browser.py ADMIN_PORT DEVICE_PORT OUT_DIR
"""
import base64, http.client, json, os, shutil, subprocess, sys, tempfile, time, urllib.request
import websocket

admin, device, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
profile = tempfile.mkdtemp(prefix="chromium-")
browser = subprocess.Popen(
    [shutil.which("chromium"), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
     "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=1280,900", "about:blank"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
result = {}
try:
    active = os.path.join(profile, "DevToolsActivePort")
    for _ in range(300):
        if os.path.exists(active) and open(active).read().count("\n") >= 1:
            break
        time.sleep(0.1)
    port = int(open(active).read().split("\n")[0])
    pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
    page = next(p for p in pages if p["type"] == "page")
    ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
    counter = [0]

    def call(method, **params):
        counter[0] += 1
        ws.send(json.dumps({"id": counter[0], "method": method, "params": params}))
        while True:
            message = json.loads(ws.recv())
            if message.get("id") == counter[0]:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(expression):
        return call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def wait(expression, seconds=10):
        deadline = time.time() + seconds
        while time.time() < deadline:
            value = evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        return None

    def screenshot(name):
        data = call("Page.captureScreenshot", format="png")["data"]
        path = os.path.join(out, name)
        open(path, "wb").write(base64.b64decode(data))
        return os.path.getsize(path)

    call("Page.enable")
    call("Runtime.enable")

    # The status page: instances, listeners, health, the chart's series from /metrics.
    call("Page.navigate", url=f"http://127.0.0.1:{admin}/console")
    result["instances"] = wait("""(() => { const rows = [...document.querySelectorAll('#instances tbody tr')];
        return rows.length ? rows.map(r => [...r.children].map(c => c.textContent)) : null; })()""")
    result["listeners"] = wait("document.querySelectorAll('#listeners tbody tr').length || null")
    result["health"] = wait("document.getElementById('health').textContent !== '…' && document.getElementById('health').textContent")
    result["series"] = wait("""(() => { const s = [...document.querySelectorAll('#legend span')].map(e => e.dataset.series);
        return s.length ? s : null; })()""", seconds=10)
    result["status_screenshot_bytes"] = screenshot("console-status.png")

    # The live view, connected with the owner's API key (fields from the fragment).
    call("Page.navigate", url=f"http://127.0.0.1:{admin}/console/live#application=app&username=owner&api_key=owner-key&connect=1")
    result["connected"] = wait("document.getElementById('state').textContent.startsWith('live') && document.getElementById('state').textContent")
    credentials = "Basic " + base64.b64encode(b"device-1@app:secret").decode()
    connection = http.client.HTTPConnection("127.0.0.1", device, timeout=10)

    def publish(channel, body):
        connection.request("POST", f"/v1/{channel}", body=body, headers={"Authorization": credentials, "Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status

    start = time.time()
    result["publish_status"] = publish("first", json.dumps({"temperature": 21.5}))
    seen = wait("document.querySelector('#events .event') && document.querySelector('#events .event').textContent", seconds=5)
    result["first_event_seconds"] = round(time.time() - start, 3) if seen else None
    result["first_event_text"] = seen
    result["live_screenshot_bytes"] = screenshot("console-live.png")

    # A burst at about 1,000 events/s: the page keeps the newest 300 and stays responsive.
    count, begun = 3000, time.time()
    for i in range(count):
        publish("burst", json.dumps({"seq": i}))
        ahead = (i + 1) / 1000 - (time.time() - begun)
        if ahead > 0:
            time.sleep(ahead)
    result["burst_rate"] = round(count / (time.time() - begun))
    wait(f"document.getElementById('counts').textContent.startsWith('{count + 1} received')", seconds=15)
    probe = time.time()
    result["counts"] = evaluate("document.getElementById('counts').textContent")
    result["evaluate_ms"] = round((time.time() - probe) * 1000)
    result["kept"] = evaluate("document.querySelectorAll('#events .event').length")
    result["newest"] = wait("document.querySelector('#events .event pre').textContent.includes('\"seq\": 2999') && 'seq 2999'", seconds=5)

    # The channel filter and pause.
    evaluate("document.getElementById('channel').value = 'only-this'; document.getElementById('pause').click(); true")
    publish("only-this", "{}")
    time.sleep(0.6)
    result["paused_kept_newest"] = evaluate("document.querySelector('#events .event').dataset.channel")
    evaluate("document.getElementById('pause').click(); true")
    result["filtered"] = wait("document.querySelector('#events .event').dataset.channel === 'only-this' && 'only-this'", seconds=5)
    ws.close()
finally:
    browser.terminate()
    browser.wait(timeout=10)
    shutil.rmtree(profile, ignore_errors=True)
print(json.dumps(result))
