"""Open one HTML report in headless Chromium and report what a reader would meet.

    python browser_check.py CHROMIUM REPORT.html OUT_DIR

Drives Chromium over the DevTools protocol on --remote-debugging-pipe (fds 3
and 4, NUL-separated JSON), so nothing listens on a port and only the standard
library is needed. Every request the page makes other than its own file and
`data:` URLs is failed (the network is blocked) and recorded. Prints one JSON
object on stdout with the facts; tests/report_browser.rs judges them, so this
script makes no pass/fail decision of its own and a broken page shows up as
facts that fail there.

OUT_DIR receives `top.png` (the first screen), `map.png`, `explore.png` (with
the second arm switched off and the readout at the end) and `what-if.png` (the
slider two steps from its start) where the page has those sections,
`page.png` (the whole page) and `print.pdf`.
"""

import base64
import json
import os
import subprocess
import sys
import tempfile
import time

WIDTH, HEIGHT = 1200, 900
# Guards against a browser that hangs: generous, never a performance limit.
STALL_SECONDS = 120


class Browser:
    def __init__(self, chromium, profile):
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()

        def fds():
            # Out of the way first: a pipe may itself be fd 3 or 4, and
            # dup2 onto itself would keep its close-on-exec flag.
            os.dup2(to_chrome_r, 100)
            os.dup2(from_chrome_w, 101)
            os.dup2(100, 3)
            os.dup2(101, 4)

        args = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--remote-debugging-pipe",
            "--user-data-dir=" + profile,
            "about:blank",
        ]
        self.proc = subprocess.Popen(
            args,
            preexec_fn=fds,
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.w = to_chrome_w
        self.r = from_chrome_r
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def send(self, method, params=None, session=True):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def read(self):
        deadline = time.monotonic() + STALL_SECONDS
        while b"\0" not in self.buf:
            if time.monotonic() > deadline:
                raise RuntimeError("Chromium stopped answering")
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def handle(self, msg):
        self.events.append(msg)
        if msg.get("method") == "Fetch.requestPaused":
            p = msg["params"]
            url = p["request"]["url"]
            if url == self.page_url or url.startswith("data:"):
                self.send("Fetch.continueRequest", {"requestId": p["requestId"]})
            else:
                self.send(
                    "Fetch.failRequest",
                    {"requestId": p["requestId"], "errorReason": "BlockedByClient"},
                )

    def call(self, method, params=None, session=True):
        want = self.send(method, params, session)
        while True:
            msg = self.read()
            if msg.get("id") == want:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.handle(msg)

    def wait_for(self, method):
        for msg in self.events:
            if msg.get("method") == method:
                return
        while True:
            msg = self.read()
            if "method" in msg:
                self.handle(msg)
                if msg["method"] == method:
                    return

    def js(self, expression):
        r = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in r:
            raise RuntimeError(f"evaluating {expression!r}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def settle(self):
        # Two animation frames: whatever the page redraws is drawn.
        self.js("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

    def key(self, key, code, vk, text=None):
        down = {"type": "keyDown" if text else "rawKeyDown", "key": key, "code": code,
                "windowsVirtualKeyCode": vk}
        if text:
            down["text"] = text
        self.call("Input.dispatchKeyEvent", down)
        self.call("Input.dispatchKeyEvent", {"type": "keyUp", "key": key, "code": code,
                                             "windowsVirtualKeyCode": vk})
        self.settle()

    def screenshot(self, path, clip=None):
        params = {"format": "png", "captureBeyondViewport": clip is not None}
        if clip:
            params["clip"] = dict(clip, scale=1)
        data = self.call("Page.captureScreenshot", params)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.send("Browser.close", session=False)
            self.proc.wait(timeout=30)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        os.close(self.w)
        os.close(self.r)


# What the explorer and the what-if chart draw, to compare before and after.
DRAWN = """(() => {
  const lines = sel => Array.from(document.querySelectorAll(sel + ' path.line'))
      .map(p => p.getAttribute('d'));
  const text = id => { const e = document.getElementById(id); return e ? e.textContent : null; };
  return { explore: lines('#explore-chart'), whatIf: lines('#what-if-chart'),
           readout: text('explore-readout'), whatIfValue: text('what-if-value'),
           whatIfTable: text('what-if-table') };
})()"""


def box(b, selector):
    return b.js(f"""(() => {{
      const e = document.querySelector({json.dumps(selector)});
      if (!e) return null;
      const r = e.getBoundingClientRect();
      return {{x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}};
    }})()""")


def section_shot(b, section, path):
    """A screenshot of one section, if the page has it."""
    r = box(b, "#" + section)
    if r:
        b.screenshot(path, {"x": 0, "y": r["y"], "width": WIDTH, "height": min(r["height"], 1400)})


def pdf_pages(pdf):
    # Chromium's PDFs write each page object uncompressed: `/Type /Page`.
    n = 0
    i = pdf.find(b"/Type /Page")
    while i >= 0:
        nxt = pdf[i + len(b"/Type /Page"):i + len(b"/Type /Page") + 1]
        if nxt != b"s":
            n += 1
        i = pdf.find(b"/Type /Page", i + 1)
    return n


def main():
    chromium, report, out = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    facts = {}
    with tempfile.TemporaryDirectory() as profile:
        b = Browser(chromium, profile)
        try:
            b.page_url = "file://" + report
            target = b.call("Target.createTarget", {"url": "about:blank"}, session=False)
            b.session = b.call(
                "Target.attachToTarget",
                {"targetId": target["targetId"], "flatten": True},
                session=False,
            )["sessionId"]
            for m in ["Runtime.enable", "Log.enable", "Network.enable", "Page.enable"]:
                b.call(m)
            b.call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})
            b.call("Emulation.setDeviceMetricsOverride",
                   {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
            b.call("Page.navigate", {"url": b.page_url})
            b.wait_for("Page.loadEventFired")
            b.settle()

            facts["sections"] = b.js(
                "Array.from(document.querySelectorAll('main > section[id]')).map(s => s.id)")
            facts["figures_without_alt"] = b.js("""Array.from(document.querySelectorAll(
                'figure, svg, [role=img]')).filter(e => {
                  if (e.closest('[aria-hidden=true]')) return false;
                  if (e.tagName.toLowerCase() === 'figure') return !e.querySelector('[role=img][aria-label], svg[aria-labelledby], svg[role=img]');
                  if (e.getAttribute('role') === 'img') return !(e.getAttribute('aria-label') || e.getAttribute('aria-labelledby'));
                  return !e.closest('[role=img]') && !e.closest('figure') && !e.closest('.explore-chart');
                }).length""")
            facts["title"] = b.js("document.title")
            facts["lang"] = b.js("document.documentElement.lang")
            facts["label_top"] = b.js("""(() => {
              const e = document.getElementById('label-top');
              if (!e) return null;
              const r = e.getBoundingClientRect();
              const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
              return {top: r.top, height: r.height, text: e.innerText,
                      onTop: !!hit && e.contains(hit)};
            })()""")
            facts["label_bottom"] = b.js(
                "(e => e && e.innerText)(document.getElementById('label-bottom'))")
            facts["fonts"] = b.js(
                "document.fonts.ready.then(() => Array.from(document.fonts)"
                ".filter(f => f.status === 'loaded').map(f => f.family))")
            b.screenshot(os.path.join(out, "top.png"))
            section_shot(b, "mechanism-map", os.path.join(out, "map.png"))

            before = b.js(DRAWN)
            # Hover: the mouse over the middle of the explorer's chart.
            ex = box(b, "#explore-chart")
            b.js("document.getElementById('explore-chart')?.scrollIntoView()")
            scroll = b.js("scrollY")
            if ex:
                b.call("Input.dispatchMouseEvent", {
                    "type": "mouseMoved", "x": ex["x"] + ex["width"] * 0.55,
                    "y": ex["y"] - scroll + ex["height"] / 2})
                b.settle()
            hovered = b.js(DRAWN)
            # Keyboard: focus the explorer and press End.
            b.js("document.getElementById('explore-chart')?.focus()")
            b.key("End", "End", 35)
            keyed = b.js(DRAWN)
            # Toggle the second arm off with the keyboard (Space on its box).
            b.js("document.querySelectorAll('.arm-toggle')[1]?.focus()")
            b.key(" ", "Space", 32, text=" ")
            toggled = b.js(DRAWN)
            toggled["checked"] = b.js(
                "Array.from(document.querySelectorAll('.arm-toggle')).map(c => c.checked)")
            section_shot(b, "explore", os.path.join(out, "explore.png"))
            b.key(" ", "Space", 32, text=" ")
            # The what-if slider: focus it and step right twice.
            slid = None
            if b.js("!!document.getElementById('what-if-slider')"):
                b.js("document.getElementById('what-if-slider').focus()")
                b.key("Home", "Home", 36)
                at_start = b.js(DRAWN)
                b.key("ArrowRight", "ArrowRight", 39)
                b.key("ArrowRight", "ArrowRight", 39)
                slid = {"start": at_start, "moved": b.js(DRAWN),
                        "value": b.js("document.getElementById('what-if-slider').value")}
                section_shot(b, "what-if", os.path.join(out, "what-if.png"))
            facts["interaction"] = {"before": before, "hovered": hovered, "keyed": keyed,
                                    "toggled": toggled, "slider": slid}

            height = b.js("document.documentElement.scrollHeight")
            facts["height"] = height
            b.screenshot(os.path.join(out, "page.png"),
                         {"x": 0, "y": 0, "width": WIDTH, "height": height})
            pdf = base64.b64decode(b.call("Page.printToPDF", {
                "printBackground": True, "preferCSSPageSize": True})["data"])
            with open(os.path.join(out, "print.pdf"), "wb") as f:
                f.write(pdf)
            facts["pdf_pages"] = pdf_pages(pdf)
        finally:
            b.close()

    facts["requests"] = sorted({
        e["params"]["request"]["url"][:200]
        for e in b.events
        if e.get("method") in ("Network.requestWillBeSent", "Fetch.requestPaused")
        and not e["params"]["request"]["url"].startswith("data:")
        and e["params"]["request"]["url"] != b.page_url
    })
    errors = []
    for e in b.events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            errors.append("exception: " + d.get("exception", {}).get("description", d.get("text", "")))
        elif m == "Runtime.consoleAPICalled" and p["type"] in ("error", "assert", "warning"):
            errors.append("console." + p["type"] + ": " + " ".join(
                str(a.get("value", a.get("description", ""))) for a in p["args"]))
        elif m == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
            errors.append("log: " + p["entry"]["text"])
        elif m == "Network.loadingFailed" and p.get("errorText") != "net::ERR_BLOCKED_BY_CLIENT":
            errors.append("load failed: " + p.get("errorText", ""))
    facts["errors"] = errors
    json.dump(facts, sys.stdout)


if __name__ == "__main__":
    main()
