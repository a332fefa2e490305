// chipwar dashboard: draws the page's charts with the locally served Plotly.js, renders tables,
// offers CSV/JSON downloads and keeps each page's state in its URL. No request leaves the server.
"use strict";

const PAGE = JSON.parse(document.getElementById("page-data").textContent);
const STR = JSON.parse(document.getElementById("strings").textContent);
const TABLES = Object.assign({}, PAGE.tables || {});
const PLOT_CONFIG = { displaylogo: false, responsive: true };

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function cell(v) {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (Array.isArray(v)) return v.map(cell).join("; ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

// A table (text only: every value goes through textContent) with its download buttons.
function renderTable(container, id, rows, columns) {
  const cols = columns || (rows.length ? Object.keys(rows[0]) : []);
  TABLES[id] = { columns: cols, rows: rows };
  container.replaceChildren();
  const block = el("div", { class: "table-block" });
  const dl = el("div", { class: "downloads" }, STR.download + ": ");
  for (const fmt of ["csv", "json"]) {
    dl.appendChild(el("button", { type: "button", "data-download": id, "data-format": fmt }, fmt.toUpperCase()));
  }
  block.appendChild(dl);
  const scroll = el("div", { class: "scroll" });
  const table = el("table", { id: "table-" + id });
  const head = el("tr");
  cols.forEach((c) => head.appendChild(el("th", {}, c)));
  table.appendChild(el("thead")).appendChild(head);
  const body = el("tbody");
  rows.forEach((r) => {
    const tr = el("tr");
    cols.forEach((c) => tr.appendChild(el("td", {}, cell(r[c]))));
    body.appendChild(tr);
  });
  table.appendChild(body);
  scroll.appendChild(table);
  block.appendChild(scroll);
  container.appendChild(block);
}

function csvCell(v) {
  if (v === null || v === undefined) return "";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function download(id, fmt) {
  const t = TABLES[id];
  if (!t) return;
  let text, type;
  if (fmt === "json") {
    text = JSON.stringify(t.rows, null, 2);
    type = "application/json";
  } else {
    const lines = [t.columns.map(csvCell).join(",")];
    t.rows.forEach((r) => lines.push(t.columns.map((c) => csvCell(r[c])).join(",")));
    text = lines.join("\n") + "\n";
    type = "text/csv";
  }
  const a = el("a", { href: URL.createObjectURL(new Blob([text], { type: type })), download: id + "." + fmt });
  document.body.appendChild(a);
  a.click();
  a.remove();
}

document.addEventListener("click", (ev) => {
  const b = ev.target.closest("[data-download]");
  if (b) download(b.dataset.download, b.dataset.format);
});

function drawCharts() {
  for (const c of PAGE.charts || []) {
    const div = document.getElementById(c.id);
    if (div) Plotly.newPlot(div, c.figure.data, c.figure.layout, PLOT_CONFIG);
  }
}

function setStatus(id, text, error) {
  const s = document.getElementById(id);
  s.textContent = text;
  s.classList.toggle("error", !!error);
}

async function getJSON(url, options) {
  const r = await fetch(url, options);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

// State in the URL: replace the query with these parameters (the language is kept).
function setQuery(params) {
  params.set("lang", document.body.dataset.lang);
  history.replaceState(null, "", location.pathname + "?" + params.toString());
}

// ------------------------------------------------------------------ compute explorer

function computeParams(form) {
  const p = new URLSearchParams();
  for (const sel of form.querySelectorAll("select[multiple]")) {
    for (const o of sel.selectedOptions) p.append(sel.name, o.value);
  }
  for (const input of form.querySelectorAll("input[type=range]")) p.set(input.name, input.value);
  return p;
}

function showSlider(input) {
  const out = input.parentElement.querySelector("output");
  if (input.name === "subsidy" && Number(input.value) < 0) out.textContent = "auto";
  else if (input.name === "utilization" && Number(input.value) === 0) out.textContent = "default";
  else out.textContent = input.value;
}

function initCompute() {
  const form = document.getElementById("compute-form");
  let timer = null;
  let seq = 0;
  async function update() {
    const state = computeParams(form);
    setQuery(state);
    const api = new URLSearchParams(state);
    if (Number(api.get("subsidy")) < 0) api.set("subsidy", "auto");
    const mine = ++seq;
    setStatus("compute-status", STR.loading);
    try {
      const d = await getJSON("/dashboard/data/compute?" + api.toString());
      if (mine !== seq) return;
      const chips = [...new Set(d.rows.map((r) => r.chip))];
      const traces = chips.map((c) => {
        const rs = d.rows.filter((r) => r.chip === c);
        return { type: "bar", name: c, x: rs.map((r) => r.site), y: rs.map((r) => r.usd_per_pflop_hour) };
      });
      const layout = { barmode: "group", height: 420, margin: { l: 70, r: 20, t: 20, b: 80 }, yaxis: { title: { text: "USD / PFLOP-h" } } };
      Plotly.react("compute-chart", traces, layout, PLOT_CONFIG);
      renderTable(document.getElementById("breakeven"), "breakeven", d.breakeven,
        ["chip_a", "chip_b", "site", "unit", "current", "value", "message"]);
      renderTable(document.getElementById("compute-table"), "tco", d.rows);
      setStatus("compute-status", "");
    } catch (e) {
      if (mine === seq) setStatus("compute-status", e.message, true);
    }
  }
  form.addEventListener("input", (ev) => {
    if (ev.target.type === "range") showSlider(ev.target);
    clearTimeout(timer);
    timer = setTimeout(update, 120);
  });
  form.querySelectorAll("input[type=range]").forEach(showSlider);
  update();
}

// ------------------------------------------------------------------ controls

function initControls() {
  const form = document.getElementById("custom-form");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const spec = {
      id: f.get("id"), name: f.get("id"), vendor: "custom", designer_country: "CN",
      datacenter: true, source: ["user-input"],
      dense_tflops: { bf16: Number(f.get("bf16")), fp16: Number(f.get("bf16")) },
      die_area_mm2: Number(f.get("die_area_mm2")),
      memory_bandwidth_tbps: Number(f.get("memory_bandwidth_tbps")),
      interconnect_gbps: Number(f.get("interconnect_gbps")),
    };
    const q = new URLSearchParams(location.search);
    const api = new URLSearchParams({ destination: q.get("destination") || "CN" });
    if (q.get("date")) api.set("date", q.get("date"));
    setStatus("custom-status", STR.loading);
    try {
      const rows = await getJSON("/api/v1/classify?" + api.toString(), {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ spec: [spec] }),
      });
      renderTable(document.getElementById("custom-result"), "custom", rows);
      setStatus("custom-status", "");
    } catch (e) {
      setStatus("custom-status", e.message, true);
    }
  });
}

// ------------------------------------------------------------------ screening

function ownershipGraph(paths) {
  // Each path: "A 100% → B 60% → C = 60%": nodes by depth from the top owner, one line each.
  const nodes = new Map();
  const edges = [];
  paths.forEach((p, row) => {
    const parts = p.split(" → ");
    let prev = null;
    parts.forEach((part, depth) => {
      const m = part.match(/^(.*?)\s+(?:=\s*)?([\d.]+%)$/);
      const name = m ? m[1] : part;
      if (!nodes.has(name)) nodes.set(name, { x: depth, y: -row, share: m ? m[2] : "" });
      if (prev) edges.push([prev, name, m ? m[2] : ""]);
      prev = name;
    });
  });
  const ex = [], ey = [];
  edges.forEach(([a, b]) => {
    const na = nodes.get(a), nb = nodes.get(b);
    ex.push(na.x, nb.x, null);
    ey.push(na.y, nb.y, null);
  });
  const names = [...nodes.keys()];
  Plotly.react("ownership-graph", [
    { type: "scatter", mode: "lines", x: ex, y: ey, hoverinfo: "skip", line: { color: "#90a4ae" }, showlegend: false },
    { type: "scatter", mode: "markers+text", x: names.map((n) => nodes.get(n).x), y: names.map((n) => nodes.get(n).y),
      text: names, textposition: "top center", marker: { size: 14, color: "#1976d2" }, showlegend: false },
  ], { height: 120 + 80 * paths.length, xaxis: { visible: false }, yaxis: { visible: false }, margin: { l: 40, r: 40, t: 30, b: 20 } }, PLOT_CONFIG);
}

function initScreening() {
  const form = document.getElementById("screen-form");
  async function run(csvText) {
    const f = new FormData(form);
    const names = String(f.get("names") || "").split("\n").map((s) => s.trim()).filter(Boolean);
    const q = new URLSearchParams();
    names.forEach((n) => q.append("name", n));
    if (f.get("date")) q.set("date", f.get("date"));
    setQuery(new URLSearchParams(q));
    if (!names.length && !csvText) return;
    setStatus("screen-status", STR.loading);
    try {
      const opts = csvText === null ? {} : {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ file: csvText }),
      };
      const rows = await getJSON("/api/v1/screen?" + q.toString(), opts);
      renderTable(document.getElementById("screen-result"), "screen", rows,
        ["query", "entity_id", "name", "score", "reason", "listed", "lists", "affiliate", "aggregate_listed_ownership", "paths"]);
      const withPaths = rows.filter((r) => r.paths && r.paths.length);
      if (withPaths.length) ownershipGraph(withPaths.flatMap((r) => r.paths));
      setStatus("screen-status", rows.length ? "" : STR.no_hits);
    } catch (e) {
      setStatus("screen-status", e.message, true);
    }
  }
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const file = form.querySelector("input[type=file]").files[0];
    run(file ? await file.text() : null);
  });
  if (new URLSearchParams(location.search).getAll("name").length) run(null);
}

// ------------------------------------------------------------------ supply

function initSupply() {
  const form = document.getElementById("supply-form");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const file = form.querySelector("input[type=file]").files[0];
    if (!file) return;
    const samples = form.querySelector("input[name=samples]").value;
    setStatus("supply-status", STR.loading);
    try {
      const d = await getJSON("/api/v1/supply/run?daily=true&samples=" + encodeURIComponent(samples), {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ scenario: await file.text() }),
      });
      renderTable(document.getElementById("supply-result"), "uploaded_plants", d.plants,
        ["id", "country", "plan_per_day", "first_stop_date", "first_recovery_date", "lost_units", "lost_days_of_output", "recovery_date"]);
      const days = [...Array(d.days).keys()].map((i) => {
        const t = new Date(d.start_date + "T00:00:00Z");
        t.setUTCDate(t.getUTCDate() + i);
        return t.toISOString().slice(0, 10);
      });
      const lay = (id) => ({ height: 380, margin: { l: 70, r: 20, t: 30, b: 40 }, xaxis: { type: "date" },
        yaxis: { title: { text: document.getElementById(id).dataset.title } } });
      Plotly.react("uploaded-output", d.plants.filter((p) => p.daily_output).map((p) => ({
        type: "scatter", mode: "lines", name: p.id, x: days, y: p.daily_output.map((v) => v / p.plan_per_day),
      })), lay("uploaded-output"), PLOT_CONFIG);
      Plotly.react("uploaded-price", d.parts.filter((p) => p.price_path).map((p) => ({
        type: "scatter", mode: "lines", name: p.id, x: days, y: p.price_path,
      })), lay("uploaded-price"), PLOT_CONFIG);
      setStatus("supply-status", d.scenario + ": " + d.days + " days, " + d.samples + " samples");
    } catch (e) {
      setStatus("supply-status", e.message, true);
    }
  });
}

// ------------------------------------------------------------------ claims

function initClaims() {
  const form = document.getElementById("claims-filter");
  const all = TABLES.claims.rows;
  function apply() {
    const f = new FormData(form);
    const q = String(f.get("q") || "").toLowerCase();
    const v = f.get("verdict") || "";
    const rows = all.filter((r) => (!v || r.verdict === v) && (!q || JSON.stringify(r).toLowerCase().includes(q)));
    const block = document.getElementById("table-claims").closest(".table-block").parentElement;
    renderTable(block, "claims", rows, TABLES.claims.columns);
    const p = new URLSearchParams();
    if (q) p.set("q", q);
    if (v) p.set("verdict", v);
    setQuery(p);
  }
  form.addEventListener("input", apply);
  form.addEventListener("submit", (ev) => ev.preventDefault());
  const wrap = el("div");
  const tableBlock = document.getElementById("table-claims").closest(".table-block");
  tableBlock.replaceWith(wrap);
  wrap.appendChild(tableBlock);
  apply();
}

drawCharts();
const INIT = { compute: initCompute, controls: initControls, screening: initScreening, supply: initSupply, claims: initClaims };
if (INIT[document.body.dataset.page]) INIT[document.body.dataset.page]();
