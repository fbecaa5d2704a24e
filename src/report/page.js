// hairsim report: arm toggles, hover/keyboard readout, and the what-if slider.
// Vanilla JavaScript, no network: it reads the JSON in #report-data and draws SVG.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var visible = data.arms.map(function () { return true; });
  var W = 900, H = 380, L = 64, R = 20, T = 16, B = 46;

  function fill(template, args) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in args ? args[k] : m; });
  }
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function fmt(v) { return (Math.round(v * 10) / 10).toFixed(1).replace("-", "\u2212"); }
  function signed(v) { var t = fmt(v); return (t.charAt(0) === "\u2212" || Number(t) === 0 ? "" : "+") + t; }
  function niceTicks(lo, hi, n) {
    var span = hi - lo || 1, raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 2.5, 5, 10].map(function (m) { return m * mag; }).find(function (s) { return s >= raw; });
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) { out.push(Math.round(v * 1e6) / 1e6); }
    return out;
  }

  // One line chart: series [{x, y, colour, dashed, faint}], in `host`.
  function chart(host, series, xLabel, yLabel, floorAt) {
    host.textContent = "";
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H }, host);
    var xs = [], ys = [];
    series.forEach(function (s) {
      s.x.forEach(function (v) { xs.push(v); });
      s.y.forEach(function (v) { if (isFinite(v)) { ys.push(v); } });
    });
    if (!xs.length) { return null; }
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys.concat(floorAt)), y1 = Math.max.apply(null, ys.concat(floorAt));
    var pad = (y1 - y0) * 0.06 || 1; y0 -= pad; y1 += pad;
    var sx = function (v) { return L + (v - x0) / (x1 - x0 || 1) * (W - L - R); };
    var sy = function (v) { return T + (y1 - v) / (y1 - y0) * (H - T - B); };
    niceTicks(y0, y1, 6).forEach(function (v) {
      el("line", { x1: L, x2: W - R, y1: sy(v), y2: sy(v), "class": "grid" }, svg);
      el("text", { x: L - 6, y: sy(v) + 4, "text-anchor": "end" }, svg).textContent = fmt(v);
    });
    niceTicks(x0, x1, 8).forEach(function (v) {
      el("text", { x: sx(v), y: H - B + 18, "text-anchor": "middle" }, svg).textContent = String(v);
    });
    el("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, "class": "axis" }, svg);
    el("line", { x1: L, x2: L, y1: T, y2: H - B, "class": "axis" }, svg);
    el("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle" }, svg).textContent = xLabel;
    el("text", { x: 14, y: (T + H - B) / 2, transform: "rotate(-90 14 " + (T + H - B) / 2 + ")", "text-anchor": "middle" }, svg).textContent = yLabel;
    series.forEach(function (s) {
      var d = "";
      s.x.forEach(function (v, i) {
        if (isFinite(s.y[i])) { d += (d ? "L" : "M") + sx(v).toFixed(1) + "," + sy(s.y[i]).toFixed(1); }
      });
      var attrs = { d: d, fill: "none", stroke: s.colour, "stroke-width": s.faint ? 1.5 : 2.5, "class": s.faint ? "nominal line" : "line", "data-arm": s.arm };
      if (s.dashed) { attrs["stroke-dasharray"] = "7 4"; }
      el("path", attrs, svg);
    });
    return { svg: svg, sx: sx, x0: x0, x1: x1 };
  }

  // The explorer.
  var metric = 0, cursor = null;
  var host = document.getElementById("explore-chart");
  var readout = document.getElementById("explore-readout");
  var keys = ["hair", "shed", "dht"];
  function explore() {
    var series = [];
    data.arms.forEach(function (a, i) {
      if (visible[i]) { series.push({ x: a.months, y: a[keys[metric]], colour: a.colour, dashed: a.dashed, arm: i }); }
    });
    var floors = [[100], [0], [0, 1]][metric];
    var c = chart(host, series, data.msgs.axis_time, data.msgs.metrics[metric], floors);
    readout.textContent = "";
    if (!c || cursor === null) { return; }
    var ref = data.arms[0].months, k = Math.max(0, Math.min(ref.length - 1, cursor));
    var t = ref[k];
    el("line", { x1: c.sx(t), x2: c.sx(t), y1: T, y2: H - B, "class": "cursor" }, c.svg);
    var head = document.createElement("strong");
    head.textContent = fill(data.msgs.readout, { time: fill(data.msgs.at_months, { n: t.toFixed(1) }) }) + ": ";
    readout.appendChild(head);
    data.arms.forEach(function (a, i) {
      if (!visible[i]) { return; }
      var j = nearest(a.months, t), span = document.createElement("span");
      span.style.color = a.colour;
      span.textContent = a.name + " " + fmt(a[keys[metric]][j]);
      readout.appendChild(span);
    });
  }
  function nearest(xs, t) {
    var best = 0;
    xs.forEach(function (v, i) { if (Math.abs(v - t) < Math.abs(xs[best] - t)) { best = i; } });
    return best;
  }
  if (host) {
    host.addEventListener("mousemove", function (ev) {
      var svg = host.querySelector("svg");
      if (!svg) { return; }
      var box = svg.getBoundingClientRect();
      var x = (ev.clientX - box.left) / box.width * W;
      var ref = data.arms[0].months, x0 = ref[0], x1 = ref[ref.length - 1];
      var t = x0 + (x - L) / (W - L - R) * (x1 - x0);
      cursor = nearest(ref, t);
      explore();
    });
    host.addEventListener("keydown", function (ev) {
      var n = data.arms[0].months.length, step = Math.max(1, Math.round(n / 60));
      if (cursor === null) { cursor = 0; }
      if (ev.key === "ArrowRight") { cursor = Math.min(n - 1, cursor + step); }
      else if (ev.key === "ArrowLeft") { cursor = Math.max(0, cursor - step); }
      else if (ev.key === "Home") { cursor = 0; }
      else if (ev.key === "End") { cursor = n - 1; }
      else { return; }
      ev.preventDefault();
      explore();
    });
    document.getElementById("metric").addEventListener("change", function (ev) {
      metric = Number(ev.target.value);
      explore();
    });
  }

  // The what-if slider.
  var w = data.what_if, slider = document.getElementById("what-if-slider");
  function whatIf() {
    if (!w || !slider) { return; }
    var v = Number(slider.value), series = [];
    data.arms.forEach(function (a, i) {
      if (!visible[i]) { return; }
      if (v !== w.nominal_index) {
        series.push({ x: w.months, y: w.hair[i][w.nominal_index], colour: a.colour, dashed: a.dashed, faint: true, arm: i });
      }
      series.push({ x: w.months, y: w.hair[i][v], colour: a.colour, dashed: a.dashed, arm: i });
    });
    chart(document.getElementById("what-if-chart"), series, data.msgs.axis_time, data.msgs.axis_hair, [100]);
    var value = String(w.values[v]);
    document.getElementById("what-if-value").textContent = value;
    slider.setAttribute("aria-valuetext", data.msgs.what_if_value + " " + value);
    document.getElementById("what-if-nominal").textContent = "(" + data.msgs.nominal + ")";
    var table = document.getElementById("what-if-table");
    while (table.rows.length) { table.deleteRow(0); }
    var head = table.insertRow();
    var th = document.createElement("th"); head.appendChild(th);
    w.endpoints.forEach(function (e) {
      var c = document.createElement("th"); c.scope = "col"; c.textContent = e[0]; head.appendChild(c);
    });
    data.arms.forEach(function (a, i) {
      if (!visible[i]) { return; }
      var row = table.insertRow(), name = document.createElement("th");
      name.scope = "row"; name.textContent = a.name; row.appendChild(name);
      w.endpoints.forEach(function (e) {
        row.insertCell().textContent = signed(w.hair[i][v][e[1]] - 100) + " %";
      });
    });
  }
  if (slider && w) {
    slider.value = String(w.nominal_index);
    slider.addEventListener("input", whatIf);
  }

  Array.prototype.forEach.call(document.querySelectorAll(".arm-toggle"), function (box) {
    box.addEventListener("change", function () {
      visible[Number(box.getAttribute("data-arm"))] = box.checked;
      explore();
      whatIf();
    });
  });
  explore();
  whatIf();
})();
