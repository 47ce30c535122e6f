// The desktop UI's figures, measured in Debian's Chromium against
// `trellis-server --listen` on a seeded profile (tests/bench/ui_bench.py
// makes the profile and runs this): process start to the room list drawn,
// room switch to first paint, frame times while scrolling through 5,000
// loaded events, and the server's idle CPU and memory. Prints a report and,
// on the last line, the figures as JSON.
//
// node tests/bench/ui_bench.mjs --server BIN --profile DIR --password PW [--starts 10] [--switches 50] [--idle 60]
import { spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import net from "node:net";
// playwright-core is installed once, for the browser tests, beside this launcher.
import { launchChromium } from "../browser/chromium.mjs";

const opts = { starts: "10", switches: "50", idle: "60", events: "5000", username: "bench", log: "" };
for (let i = 2; i < process.argv.length; i += 2) opts[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
for (const need of ["server", "profile", "password"]) {
  if (!opts[need]) throw new Error(`--${need} is required`);
}
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CLK_TCK = 100; // Linux's USER_HZ, the unit of /proc/PID/stat times

function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const log = opts.log ? openSync(opts.log, "a") : "ignore";

/** Starts the server; resolves once it accepts connections. */
async function startServer() {
  const proc = spawn(opts.server, ["--listen", `127.0.0.1:${port}`, "--profile", opts.profile, "--web-username", opts.username], {
    stdio: ["ignore", log, log],
    env: { ...process.env, TRELLIS_WEB_PASSWORD: opts.password },
  });
  let exited = null;
  proc.on("exit", (code) => (exited = code));
  for (;;) {
    if (exited !== null) throw new Error(`trellis-server exited with ${exited}`);
    const up = await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => (s.destroy(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (up) return proc;
    await sleep(2);
  }
}

async function stopServer(proc) {
  const done = new Promise((r) => proc.on("exit", r));
  proc.kill("SIGTERM");
  await done;
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid) {
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function memoryMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+)`, "m"))[1]);
  return { rss: kib("VmRSS") / 1024, hwm: kib("VmHWM") / 1024 };
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.round((sorted.length - 1) * q)];
}

const stats = (ms) => ({ p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), max: quantile(ms, 1), n: ms.length });
const fmt = (s) => `p50 ${s.p50.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, max ${s.max.toFixed(0)} ms (${s.n} runs)`;

// Runs in every document before the UI: notes when the first room row is
// painted (a task queued from the frame that drew it runs after its paint).
function pageProbe() {
  window.__bench = {};
  const painted = (name) =>
    requestAnimationFrame(() => setTimeout(() => (window.__bench[name] = performance.timeOrigin + performance.now())));
  new MutationObserver((_, observer) => {
    if (document.querySelector(".room-row")) {
      observer.disconnect();
      painted("roomList");
    }
  }).observe(document, { childList: true, subtree: true });
}

const { context, close } = await launchChromium({ viewport: { width: 1280, height: 900 } });
const results = {};
let server = null;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(120_000);
  page.on("pageerror", (err) => console.error(`[pageerror] ${err.message}`));
  // A renderer that dies shows as "page closed" at whatever await comes next; say so where it happens.
  page.on("crash", () => console.error("[crash] the page's renderer process died"));
  await context.addInitScript(pageProbe);

  // The web login once, outside the timed runs: its cookie outlives restarts.
  server = await startServer();
  const auth = await fetch(`${base}/_gomuks/auth?output=json`, {
    method: "POST",
    headers: { Authorization: `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString("base64")}` },
  });
  if (!auth.ok) throw new Error(`web login failed: HTTP ${auth.status}`);
  const { token } = await auth.json();
  await context.addCookies([{ name: "gomuks_auth", value: token, domain: "127.0.0.1", path: "/" }]);
  // A first load, untimed, so every timed one finds the same warm caches.
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.__bench.roomList);
  await stopServer(server);
  server = null;

  // Process start to the room list drawn.
  const startMs = [];
  const listenMs = [];
  for (let run = 0; run < Number(opts.starts); run++) {
    await page.goto("about:blank");
    const t0 = now();
    server = await startServer();
    listenMs.push(now() - t0);
    await page.goto(`${base}/`, { waitUntil: "commit" });
    const drawn = await (await page.waitForFunction(() => window.__bench.roomList, null, { polling: 20 })).jsonValue();
    startMs.push(drawn - t0);
    if (run < Number(opts.starts) - 1) {
      await stopServer(server);
      server = null;
    }
  }
  results.start = { ...stats(startMs), listen_p50: quantile(listenMs, 0.5) };
  console.log(`start to room list drawn: ${fmt(results.start)}; listening after p50 ${results.start.listen_p50.toFixed(0)} ms`);
  const afterStart = memoryMiB(server.pid);

  // Room switches: each to a room not opened before, found by scrolling the
  // room list, clicked, until its timeline rows are painted.
  const switchMs = [];
  for (let i = 0; i < Number(opts.switches); i++) {
    const ms = await page.evaluate(async (step) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
      const list = document.querySelector(".room-list-scroll");
      list.scrollTop = (step * 997) % Math.max(1, list.scrollHeight - list.clientHeight);
      await frame();
      await frame();
      const opened = (window.__opened ??= new Set());
      const box = list.getBoundingClientRect();
      const row = [...list.querySelectorAll(".room-row")].find((r) => {
        const b = r.getBoundingClientRect();
        const name = r.querySelector(".room-row-name").textContent;
        return b.top >= box.top && b.bottom <= box.bottom && !opened.has(name) && !r.classList.contains("selected");
      });
      const name = row.querySelector(".room-row-name").textContent;
      opened.add(name);
      const selector = `section.room-view[aria-label="${CSS.escape(name)}"] .timeline [data-key^="ev-"]`;
      const t0 = performance.now();
      const shown = new Promise((resolve) => {
        const check = () => {
          if (!document.querySelector(selector)) return false;
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0)));
          return true;
        };
        const observer = new MutationObserver(() => check() && observer.disconnect());
        observer.observe(document.body, { childList: true, subtree: true });
        row.click();
        if (check()) observer.disconnect();
      });
      return shown;
    }, i);
    switchMs.push(ms);
  }
  results.switch = stats(switchMs);
  console.log(`room switch to first paint: ${fmt(results.switch)}`);
  const afterSwitches = memoryMiB(server.pid);

  // Scrolling: open the big room, load 5,000 events by scrolling to the top
  // until the paginate answers hold that many, then scroll bottom to top
  // and back, recording every frame.
  let loaded = 0;
  const paginates = new Set();
  page.on("websocket", (ws) => {
    ws.on("framesent", ({ payload }) => {
      const env = JSON.parse(payload);
      if (env.command === "paginate") paginates.add(env.request_id);
    });
    ws.on("framereceived", ({ payload }) => {
      for (const line of String(payload).split("\n")) {
        const env = JSON.parse(line);
        if (env.command === "response" && paginates.delete(env.request_id)) loaded += env.data.events.length;
      }
    });
  });
  // A fresh page, so the websocket is one we listen to and the room starts unopened.
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.__bench.roomList);
  await page.evaluate(() =>
    [...document.querySelectorAll(".room-row")].find((r) => r.querySelector(".room-row-name").textContent === "Room 0").click(),
  );
  await page.waitForSelector('section.room-view[aria-label="Room 0"] .timeline [data-key^="ev-"]');
  const loadStart = now();
  let reported = loadStart;
  while (loaded < Number(opts.events)) {
    await page.evaluate(() => (document.querySelector(".timeline").scrollTop = 0));
    await sleep(50);
    if (now() - reported > 10_000) {
      reported = now();
      console.error(`loading: ${loaded} events after ${((reported - loadStart) / 1000).toFixed(0)} s`);
    }
    if (now() - loadStart > 300_000) throw new Error(`only ${loaded} events loaded after 5 minutes`);
  }
  const loadSecs = (now() - loadStart) / 1000;
  const frames = await page.evaluate(async () => {
    const el = document.querySelector(".timeline");
    const long = [];
    const observer = new PerformanceObserver((list) => long.push(...list.getEntries().map((e) => e.duration)));
    try {
      observer.observe({ type: "long-animation-frame" });
    } catch {
      // Older Chromium: the frame deltas alone.
    }
    const deltas = [];
    let last = null;
    // About a screen per frame: a fast scroll, every frame a new set of rows.
    const step = el.clientHeight * 0.9;
    // Up as far as the loaded events reach: near the top older pages keep
    // arriving (and are part of what is measured) but are not scrolled through.
    const span = el.scrollHeight - el.clientHeight;
    for (const dir of [1, -1, 1]) {
      let moved = 0;
      while (moved < span) {
        const t = await new Promise((r) => requestAnimationFrame(r));
        if (last !== null) deltas.push(t - last);
        last = t;
        const before = el.scrollTop;
        el.scrollTop = before + dir * step;
        if (el.scrollTop === before) break;
        moved += Math.abs(el.scrollTop - before);
        if (deltas.length > 20_000) throw new Error("the scroll never reached an end");
      }
    }
    observer.disconnect();
    return { deltas, long, height: el.scrollHeight };
  });
  const over50 = frames.deltas.filter((d) => d > 50).length;
  results.scroll = {
    loaded_events: loaded,
    load_seconds: loadSecs,
    frames: frames.deltas.length,
    max: Math.max(...frames.deltas),
    p99: quantile(frames.deltas, 0.99),
    p50: quantile(frames.deltas, 0.5),
    over_50ms: over50,
    long_animation_frames: frames.long.length,
    longest_animation_frame: frames.long.length ? Math.max(...frames.long) : 0,
    scroll_height_px: frames.height,
  };
  const s = results.scroll;
  console.log(
    `scroll through ${loaded} loaded events (loaded in ${loadSecs.toFixed(1)} s, ${s.scroll_height_px} px, down-up-down): ` +
      `${s.frames} frames, max ${s.max.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, p50 ${s.p50.toFixed(1)} ms, ${over50} over 50 ms; ` +
      `long animation frames: ${s.long_animation_frames}, longest ${s.longest_animation_frame.toFixed(0)} ms`,
  );

  // Idle: the page stays open and connected, nobody does anything.
  await sleep(5_000);
  const cpu0 = cpuSeconds(server.pid);
  const t0 = now();
  await sleep(Number(opts.idle) * 1000);
  const idleCpu = ((cpuSeconds(server.pid) - cpu0) / ((now() - t0) / 1000)) * 100;
  const mem = memoryMiB(server.pid);
  results.idle = { cpu_percent: idleCpu, seconds: Number(opts.idle) };
  results.memory_mib = { after_start: afterStart.rss, after_switches: afterSwitches.rss, rss: mem.rss, hwm: mem.hwm };
  console.log(`idle backend CPU over ${opts.idle} s: ${idleCpu.toFixed(2)}% of one core`);
  console.log(
    `backend RSS: ${afterStart.rss.toFixed(0)} MiB after start, ${afterSwitches.rss.toFixed(0)} MiB after the switches, ` +
      `${mem.rss.toFixed(0)} MiB at the end, peak (VmHWM) ${mem.hwm.toFixed(0)} MiB`,
  );
} finally {
  if (server) await stopServer(server);
  await close();
}
console.log(JSON.stringify(results));
