// Drives one page of Debian's Chromium for a pytest test, one command at a
// time: JSON lines in on stdin ({id, op, ...}), one JSON line out per command
// ({id, ok, value} or {id, ok: false, error}). The test keeps the scenario
// (and the other Matrix users) on its side; this only acts on the page.
// Elements are found the way a person names them: by role and accessible
// name, or by visible text.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { launchChromium } from "./chromium.mjs";

const TIMEOUT_MS = 30_000;

const { context, close } = await launchChromium({
  // Tall enough that a short conversation renders whole in the virtual list.
  viewport: { width: 1280, height: 1400 },
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(TIMEOUT_MS);
// The page's own complaints go to stderr, which the test keeps as a log.
page.on("console", (msg) => {
  if (msg.type() === "error" || msg.type() === "warning") console.error(`[console.${msg.type()}] ${msg.text()}`);
});
page.on("pageerror", (err) => console.error(`[pageerror] ${err.message}`));
page.on("response", (res) => {
  if (res.status() >= 400) console.error(`[http ${res.status()}] ${res.request().method()} ${res.url()}`);
});
page.on("websocket", (ws) => {
  console.error(`[websocket] open ${ws.url()}`);
  ws.on("close", () => console.error(`[websocket] closed ${ws.url()}`));
});

// The page's websockets, once routed through here (route_websockets), so a
// test can cut them the way a network failure would and hold reconnects off.
const sockets = new Set();
let holdUntil = 0;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function routeSocket(ws) {
  // While held, a new socket stays unanswered (as if the network were still down).
  while (Date.now() < holdUntil) await sleep(50);
  const server = ws.connectToServer();
  const pair = { ws, server };
  sockets.add(pair);
  ws.onClose((code, reason) => { sockets.delete(pair); server.close({ code, reason }).catch(() => {}); });
  server.onClose((code, reason) => { sockets.delete(pair); ws.close({ code, reason }).catch(() => {}); });
}

/** Closes every routed socket (both ends), and keeps new ones waiting for hold_ms. */
async function dropSockets({ hold_ms = 0 }) {
  holdUntil = Date.now() + hold_ms;
  const pairs = [...sockets];
  sockets.clear();
  for (const { ws, server } of pairs) {
    await server.close({ code: 1001, reason: "dropped by the test" }).catch(() => {});
    await ws.close({ code: 4001, reason: "dropped by the test" }).catch(() => {});
  }
  return pairs.length;
}

/**
 * A locator from a path of steps, each {role, name, exact} or {text, exact},
 * each searched inside the one before: [{role: "region", name: "Rooms"}, {role: "button", name: "Chat"}].
 */
function locate(path) {
  let loc = page;
  for (const step of path) {
    const exact = step.exact ?? true;
    loc = step.role !== undefined
      ? loc.getByRole(step.role, step.name === undefined ? {} : { name: step.name, exact })
      : loc.getByText(step.text, { exact });
  }
  return loc;
}

/** Where the keyboard focus is, as a person would check it: what it is, the timeline row it is in, whether it is on screen, its outline. */
function focusedElement() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const box = el.getBoundingClientRect();
  const view = (el.closest('[role="list"]') ?? document.documentElement).getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    role: el.getAttribute("role"),
    label: el.getAttribute("aria-label") ?? el.getAttribute("title"),
    text: el.innerText,
    row: el.closest('[role="listitem"]')?.innerText ?? null,
    in_view: box.height > 0 && box.top >= view.top - 1 && box.bottom <= view.bottom + 1,
    // Its top and bottom and the list's (or the page's), for a failure to show.
    box: [box.top, box.bottom, view.top, view.bottom].map(Math.round),
    outline: { style: style.outlineStyle, width: parseFloat(style.outlineWidth) || 0, color: style.outlineColor },
  };
}

const axeSource = () => readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Runs axe-core over the page as it is now (injected through the debugger
 * protocol, which the page's CSP does not govern), writes the full report
 * to `file`, and returns each violation's rule, impact and first targets.
 */
async function axe({ file }) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource());
  const report = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  writeFileSync(file, JSON.stringify(report, null, 2));
  return report.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  }));
}

const ops = {
  goto: ({ url }) => page.goto(url).then(() => page.url()),
  reload: () => page.reload().then(() => page.url()),
  url: () => page.url(),
  wait: ({ path, state = "visible", timeout_ms = TIMEOUT_MS }) => locate(path).first().waitFor({ state, timeout: timeout_ms }),
  count: ({ path }) => locate(path).count(),
  fill: ({ path, value }) => locate(path).fill(value),
  click: ({ path }) => locate(path).click(),
  press: ({ path, key }) => locate(path).press(key),
  // The rendered text of every match, in document order.
  texts: ({ path }) => locate(path).evaluateAll((els) => els.map((el) => el.innerText)),
  // A fling: moves the element's scrollTop by `by` px once an animation
  // frame, `frames` times, as a wheel would. Returns, for each frame, the
  // text of the row across the middle of the element, as it was painted.
  scroll: ({ path, by, frames }) =>
    locate(path).first().evaluate(async (el, { by, frames }) => {
      const middle = [];
      for (let i = 0; i < frames; i++) {
        await new Promise((r) => requestAnimationFrame(r));
        const box = el.getBoundingClientRect();
        const row = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        middle.push(row?.closest("[data-key]")?.innerText ?? "");
        el.scrollTop += by;
      }
      return middle;
    }, { by, frames }),
  route_websockets: () => page.routeWebSocket(/\/_gomuks\/websocket/, routeSocket),
  drop_websockets: dropSockets,
  // Keys pressed on whatever has the focus, one after another, as on a keyboard.
  keys: async ({ keys }) => {
    for (const key of keys) await page.keyboard.press(key);
  },
  type: ({ text }) => page.keyboard.type(text),
  focused: () => page.evaluate(focusedElement),
  emulate_media: ({ forced_colors }) => page.emulateMedia({ forcedColors: forced_colors }),
  viewport: ({ width, height }) => page.setViewportSize({ width, height }),
  // A POST from the page as it stands (its origin, the browser's cookies),
  // the way any page can send one without reading the answer (no-cors).
  // The status comes from the network, where the page itself cannot see it.
  post_status: async ({ url, body, form, urlencoded }) => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === url && r.request().method() === "POST"),
      page.evaluate(({ url, body, form, urlencoded }) => {
        let payload = body;
        if (form) {
          payload = new FormData();
          for (const [name, value] of Object.entries(form)) payload.append(name, new Blob([value]), name);
        } else if (urlencoded) {
          payload = new URLSearchParams(urlencoded);
        }
        fetch(url, { method: "POST", mode: "no-cors", credentials: "include", body: payload }).catch(() => {});
      }, { url, body, form, urlencoded }),
    ]);
    return response.status();
  },
  axe,
  screenshot: ({ file }) => page.screenshot({ path: file }).then(() => file),
};

async function run(line) {
  let id = null;
  try {
    const cmd = JSON.parse(line);
    id = cmd.id;
    const op = ops[cmd.op];
    if (!op) throw new Error(`unknown op ${cmd.op}`);
    const value = await op(cmd);
    return { id, ok: true, value: value ?? null };
  } catch (err) {
    return { id, ok: false, error: String(err?.message ?? err) };
  }
}

process.stdout.write(JSON.stringify({ ready: true }) + "\n");
try {
  // One command at a time, in order: the test waits for each answer anyway.
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === "") continue;
    process.stdout.write(JSON.stringify(await run(line)) + "\n");
  }
} finally {
  await close();
}
