/// The console's two pages and their style sheet, served by the admin endpoint as they are: no
/// build step, nothing fetched from anywhere else. The scripts are `ConsoleScripts`.
enum ConsolePages {
    static let status = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Tributary</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="stylesheet" href="/console/style.css"></head>
        <body>
        <header><h1>Tributary</h1><nav><a href="/console" class="here">Status</a> <a href="/console/live">Live events</a></nav>
        <span id="health" class="badge">…</span></header>
        <main>
        <section><h2>Instances <small>from plugins.d</small></h2>
        <table id="instances"><thead><tr><th>instance</th><th>plugin</th><th>kind</th><th>state</th><th>file</th><th>last error</th></tr></thead><tbody></tbody></table></section>
        <section><h2>Listeners</h2>
        <table id="listeners"><thead><tr><th>instance</th><th>listener</th><th>bound address</th></tr></thead><tbody></tbody></table></section>
        <section><h2>Events per second <small>over the last minute, from /metrics</small></h2>
        <canvas id="chart" width="900" height="220"></canvas><div id="legend"></div></section>
        <section><h2>Last reload</h2><pre id="reload">none since the start</pre></section>
        </main>
        <script src="/console/status.js"></script>
        </body></html>
        """

    static let live = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Tributary · live events</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="stylesheet" href="/console/style.css"></head>
        <body>
        <header><h1>Tributary</h1><nav><a href="/console">Status</a> <a href="/console/live" class="here">Live events</a></nav>
        <span id="state" class="badge">not connected</span></header>
        <main>
        <form id="connect">
        <label>application <input id="application" required></label>
        <label>user <input id="username" autocomplete="username"></label>
        <label>API key <input id="apikey" type="password" autocomplete="current-password"></label>
        <label>or bearer token <input id="token" type="password"></label>
        <label>endpoint <select id="endpoint"></select></label>
        <button type="submit">Connect</button>
        </form>
        <div id="controls"><button id="pause" type="button">Pause</button>
        <label>channel <input id="channel" placeholder="all"></label>
        <span id="counts">0 received</span></div>
        <div id="events"></div>
        </main>
        <script src="/console/live.js"></script>
        </body></html>
        """

    static let style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2733; background: #f6f7f9; }
        header { display: flex; gap: 2em; align-items: center; padding: .6em 1.2em; background: #1d2733; color: #fff; }
        header h1 { font-size: 1.2em; margin: 0; } header a { color: #cfe3ff; margin-right: 1em; } header a.here { color: #fff; font-weight: 600; }
        main { padding: 1em 1.2em; } section { margin-bottom: 1.5em; } h2 { font-size: 1.05em; } h2 small { color: #68717d; font-weight: normal; }
        table { border-collapse: collapse; background: #fff; width: 100%; } th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid #e3e6ea; }
        td.running { color: #137333; } td.failed { color: #b3261e; font-weight: 600; } td.disabled { color: #68717d; }
        .badge { padding: .15em .6em; border-radius: 1em; background: #68717d; } .badge.ok { background: #137333; } .badge.degraded { background: #b3261e; }
        canvas { background: #fff; max-width: 100%; } #legend span { margin-right: 1.2em; } pre { background: #fff; padding: .6em; overflow: auto; }
        form#connect, #controls { display: flex; flex-wrap: wrap; gap: .8em; align-items: end; margin-bottom: .8em; }
        label { display: flex; flex-direction: column; font-size: .85em; color: #3c4650; }
        .event { background: #fff; margin: 0 0 .5em; padding: .4em .6em; border-left: 3px solid #3b7ddd; }
        .event .head { font-size: .85em; color: #3c4650; } .event pre { margin: .3em 0 0; padding: 0; }
        """
}
