// Loads sanitized HTML into Debian's Chromium, the way the UI inserts it
// (innerHTML), with traps on everything that would mean hostile content got
// through: dialogs, script execution, network requests, navigation, popups,
// forbidden elements appearing. Input on stdin: [{name, html}]. Output on
// stdout: {escapes: [{name, what}], checked: N}.
import { readFileSync } from "node:fs";
import { launchChromium } from "./chromium.mjs";

const ORIGIN = "https://trellis.test";
const MEDIA = "/_gomuks/media/";
const NONCE = "trellis-harness";

const cases = JSON.parse(readFileSync(0, "utf8"));
const escapes = [];
const note = (name, what) => escapes.push({ name, what });

// The page's own script runs under a nonce. The policy is report-only, so a
// script that slipped through really runs (and trips the traps) and is also
// reported.
const policy = [
  "default-src 'none'",
  `script-src 'nonce-${NONCE}'`,
  `img-src ${ORIGIN}${MEDIA} ${ORIGIN}/favicon.ico`,
  "style-src 'none'",
].join("; ");

const page_html = `<!doctype html><html><head><meta charset="utf-8"></head><body>
<div id="messages"></div>
<script nonce="${NONCE}">
  window.__escapes = [];
  window.__current = "(page)";
  const trap = (what) => window.__escapes.push({ name: window.__current, what });
  for (const fn of ["alert", "confirm", "prompt", "print", "open"]) {
    window[fn] = (...args) => { trap(fn + "(" + String(args[0]).slice(0, 80) + ")"); };
  }
  // Script errors only; a media 404 is an "error" event too, but no ErrorEvent.
  window.addEventListener("error", (e) => { if (e instanceof ErrorEvent) trap("script error: " + e.message); }, true);
  document.addEventListener("securitypolicyviolation",
    (e) => trap("CSP " + e.violatedDirective + " " + (e.blockedURI || "") + " " + (e.sample || "")));
  const forbidden = /^(script|iframe|frame|object|embed|link|meta|base|style|form|input|button|svg|math|template|textarea|select|video|audio|source)$/i;
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeType !== 1) continue;
      for (const el of [n, ...n.querySelectorAll("*")]) {
        if (forbidden.test(el.localName)) trap("inserted <" + el.localName + ">");
      }
    }
  }).observe(document, { childList: true, subtree: true });
  window.__render = (name, html) => {
    window.__current = name;
    const div = document.createElement("div");
    div.className = "message";
    div.dataset.name = name;
    div.innerHTML = html;
    document.getElementById("messages").append(div);
    // Poke every element the way a person would, so inline handlers fire.
    for (const el of div.querySelectorAll("*")) {
      for (const type of ["mouseover", "mouseenter", "pointerenter", "focus", "focusin", "animationstart", "toggle", "load", "error"]) {
        el.dispatchEvent(new Event(type));
      }
      if (el.localName === "details") el.open = true;
    }
  };
</script></body></html>`;

const { context, close } = await launchChromium();
try {
  const page = await context.newPage();
  let loaded = false;
  let current = "(page)";
  await context.route("**/*", async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    if (!loaded && req.url() === ORIGIN + "/") {
      return route.fulfill({
        status: 200,
        headers: { "content-type": "text/html; charset=utf-8", "content-security-policy-report-only": policy },
        body: page_html,
      });
    }
    // Inline images load from the media path: the one request allowed, with
    // the page's own icon.
    if (url.origin === ORIGIN && (url.pathname.startsWith(MEDIA) && req.resourceType() === "image"
        || url.pathname === "/favicon.ico")) {
      return route.fulfill({ status: 404, body: "" });
    }
    note(current, `request ${req.resourceType()} ${req.url().slice(0, 120)}`);
    return route.abort();
  });
  page.on("dialog", async (d) => { note(current, `dialog ${d.type()}`); await d.dismiss(); });
  page.on("popup", () => note(current, "popup"));
  page.on("framenavigated", (f) => { if (loaded) note(current, `navigated to ${f.url().slice(0, 120)}`); });
  await page.goto(ORIGIN + "/");
  loaded = true;
  for (const c of cases) {
    current = c.name;
    await page.evaluate(([name, html]) => window.__render(name, html), [c.name, c.html]);
  }
  current = "(after all)";
  // Time for image errors, animations and timers to fire.
  await page.waitForTimeout(1500);
  const fromPage = await page.evaluate(() => {
    const out = [...window.__escapes];
    const allowedHref = /^(https?|ftp|mailto|magnet|matrix):/i;
    for (const div of document.querySelectorAll("div.message")) {
      for (const a of div.querySelectorAll("a[href]")) {
        if (!allowedHref.test(a.getAttribute("href"))) out.push({ name: div.dataset.name, what: "href " + a.getAttribute("href").slice(0, 80) });
      }
      for (const img of div.querySelectorAll("img")) {
        if (!img.src.startsWith(location.origin + "/_gomuks/media/")) out.push({ name: div.dataset.name, what: "img src " + img.src.slice(0, 80) });
      }
    }
    return out;
  });
  escapes.push(...fromPage);
  process.stdout.write(JSON.stringify({ escapes, checked: cases.length }));
} finally {
  await close();
}
