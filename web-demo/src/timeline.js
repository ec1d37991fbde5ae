/**
 * Timeline chart of a simulated agent desktop failing over between two SIP sites.
 *
 * One call to {@link renderTimeline} redraws the whole chart from a plain model
 * object: per-site service lanes (HA pairs), per-site endpoint registration, the
 * desktop lane, switch and pending-switch markers, host sleeps, a time axis and
 * a legend. All text coming from the model is set through `textContent`.
 *
 * @module timeline
 */

import { clockText, serviceText } from "./words.js";

/** Engine time as mm:ss (h:mm:ss from an hour on), with milliseconds if asked. */
const formatTime = (ms, millis = true, hours = false) => clockText(ms, { millis, hours });

const SVG_NS = "http://www.w3.org/2000/svg";

const LANE_H = 16;
const DESKTOP_H = 20;
const LANE_GAP = 4;
const GROUP_GAP = 10;
const LABEL_ROW = 14; // height of one row of marker labels above the lanes
const LABEL_ROWS = 2;
const AXIS_H = 22;
const LEGEND_ROW = 16;
const PAD_RIGHT = 14;
const CHAR_W = 6.4; // advance of an 11 px character, estimated where text cannot be measured

const C = {
  up: "var(--up, #2e7d32)",
  partial: "var(--partial, #f9a825)",
  down: "var(--down, #c62828)",
  track: "var(--track, #f1f3f5)",
  grid: "var(--grid, #e3e6ea)",
  text: "var(--text, #1f2328)",
  muted: "var(--muted, #5f6b76)",
  unregistered: "var(--unregistered, #d6dadf)",
  now: "var(--now, #212121)",
};
const SITE_FALLBACKS = ["#1565c0", "#7b1fa2", "#00838f", "#ef6c00"];
const siteColor = (i) => `var(--site-${i}, ${SITE_FALLBACKS[i % SITE_FALLBACKS.length]})`;

/** Display name of a service id: "sip-server" → "SIP Server". */
const serviceName = (id) => serviceText(String(id));

/** Nice tick steps in ms; the first one at least 70 px wide is used. */
const TICK_STEPS = [10, 50, 100, 250, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 216e5, 432e5, 864e5];

const ids = new WeakMap(); // svg element → unique prefix for its <defs> ids
let idCounter = 0;

/** Creates an SVG element with attributes (values are stringified, never parsed as markup). */
function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) if (v != null) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

/** Sets a CSS paint property (so `var(--x, fallback)` works in presentation). */
function paint(node, prop, value) {
  node.style.setProperty(prop, value);
  return node;
}

/** Adds a hover tooltip to `node`. */
function title(node, text) {
  el("title", {}, node).textContent = text;
  return node;
}

/** Adds a text element; `color` is a CSS colour (may use var()). */
function text(parent, x, y, content, { color = C.text, ...attrs } = {}) {
  const t = el("text", { x, y, ...attrs }, parent);
  t.textContent = content;
  return paint(t, "fill", color);
}

const widths = new Map(); // "font\ntext" → measured width in px
let measureCtx; // canvas 2D context for measuring text (null where unavailable)
let measureFamily = "system-ui, sans-serif";

/** Width in px of `s` at 11 px in the chart's font, measured once then cached. */
function textWidth(s, bold = false) {
  const font = `${bold ? 600 : 400} 11px ${measureFamily}`;
  const key = `${font}\n${s}`;
  let w = widths.get(key);
  if (w === undefined) {
    if (measureCtx === undefined) measureCtx = document.createElement("canvas").getContext?.("2d") ?? null;
    if (measureCtx) {
      measureCtx.font = font;
      w = measureCtx.measureText(s).width;
    } else w = s.length * CHAR_W * (bold ? 1.06 : 1);
    if (widths.size > 2000) widths.clear();
    widths.set(key, w);
  }
  return w;
}

/**
 * Splits a change log into constant-value intervals clipped to [from, to],
 * merging consecutive entries with the same key.
 * @returns {{a:number, b:number, key:string, entry:object, open:boolean}[]}
 */
function segments(entries, keyOf, from, to) {
  const out = [];
  if (!Array.isArray(entries)) return out;
  entries = entries.filter((e) => e && Number.isFinite(e.at));
  for (let i = 0; i < entries.length; i++) {
    const next = entries[i + 1];
    const a = Math.max(entries[i].at, from);
    const b = Math.min(next ? next.at : Infinity, to);
    if (!(b > a)) continue;
    const key = keyOf(entries[i]);
    const last = out[out.length - 1];
    const open = !next || next.at > to;
    if (last && last.b === a && last.key === key) Object.assign(last, { b, open });
    else out.push({ a, b, key, entry: entries[i], open });
  }
  return out;
}

/** Builds the hatch patterns the chart uses; returns their url() references. */
function definePatterns(defs, prefix, siteCount) {
  const hatch = (id, bg, bgOpacity, stroke, strokeW) => {
    const p = el("pattern", { id, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, defs);
    paint(el("rect", { width: 6, height: 6, "fill-opacity": bgOpacity }, p), "fill", bg);
    paint(el("line", { x1: 0, y1: 0, x2: 0, y2: 6, "stroke-width": strokeW }, p), "stroke", stroke);
    return `url(#${id})`;
  };
  return {
    connecting: Array.from({ length: siteCount }, (_, i) => hatch(`${prefix}-conn-${i}`, siteColor(i), 0.28, siteColor(i), 2.4)),
    allDown: hatch(`${prefix}-alldown`, "#9e9e9e", 0.35, C.down, 2),
    asleep: hatch(`${prefix}-sleep`, "#ffffff", 0.72, "#8a9199", 1.4),
  };
}

/**
 * Places marker labels on a few rows above the lanes, without overlaps.
 * Each item offers text variants (longest first); an item that fits nowhere
 * keeps only its tooltip.
 */
function placeLabels(items, minX, maxX, rows) {
  const taken = Array.from({ length: rows }, () => []);
  for (const item of items) {
    item.placed = null;
    for (const variant of item.variants) {
      const w = textWidth(variant, true);
      let left = item.x + 3, anchor = "start";
      if (left + w > maxX) { left = item.x - 3 - w; anchor = "end"; }
      if (left < minX) continue;
      const row = taken.findIndex((spans) => spans.every(([l, r]) => left + w + 6 <= l || left >= r + 6));
      if (row < 0) continue;
      taken[row].push([left, left + w]);
      item.placed = { text: variant, row, anchor };
      break;
    }
  }
}

/**
 * What the chart shows. Times are integer ms of engine time; change logs are in
 * time order, and the state before a log's first entry is unknown (not drawn).
 * @typedef {object} TimelineModel
 * @property {number} start left edge of the window
 * @property {number} end right edge of the window (an empty window counts as 1 ms)
 * @property {number} now current time; nothing but a pending deadline is drawn right of it
 * @property {string[]} sites display order; the first is drawn in `--site-0`, the second in `--site-1`
 * @property {string[]} services service ids, e.g. "sip-server"
 * @property {Object<string, Object<string, {at:number, up:number}[]>>} links members up, per site and service
 * @property {Object<string, {at:number, registered:boolean}[]>} endpoint SIP registration per site
 * @property {{at:number, phase:string, site:?string, role:?string}[]} desktop phase changes
 * @property {{at:number, from:string, to:string, reason:string}[]} switches
 * @property {{start:number, end:?number, due:number, to:string, reason:string, outcome:?string}[]} pending
 *   `end` and `outcome` are null while the switch is still pending
 * @property {{start:number, end:number}[]} sleeps intervals the host was frozen
 */

/**
 * Draws the timeline into `svg` (an `<svg>` element already in the page),
 * replacing its children and setting its height, viewBox, role and aria-label.
 * Cheap enough to call ~10 times a second: the only layout read is
 * `svg.clientWidth`. Missing or malformed parts of the model are drawn as empty.
 *
 * @param {SVGSVGElement} svg
 * @param {TimelineModel} model
 */
export function renderTimeline(svg, model) {
  const m = model ?? {};
  const start = Number.isFinite(m.start) ? m.start : 0;
  const end = Math.max(Number.isFinite(m.end) ? m.end : start, start + 1);
  const now = Math.min(Math.max(Number.isFinite(m.now) ? m.now : start, start), end);
  const list = (v) => (Array.isArray(v) ? v : []);
  const sites = list(m.sites);
  const services = list(m.services);
  const useHours = end >= 36e5;
  const fmt = (t) => formatTime(t, true, useHours);
  const fmtEnd = (seg) => (seg.open && seg.b === now ? "now" : fmt(seg.b));

  const width = Math.max(svg.clientWidth || 900, 300);
  // Style is clean right after the clientWidth read, so this costs no extra layout.
  measureFamily = (typeof getComputedStyle === "function" && getComputedStyle(svg).fontFamily) || measureFamily;
  const labelW = Math.round(Math.min(150, Math.max(110, width * 0.165)));
  const x0 = labelW, x1 = width - PAD_RIGHT;
  const xOf = (t) => x0 + ((Math.min(Math.max(t, start), end) - start) / (end - start)) * (x1 - x0);
  const barW = (a, b) => Math.max(xOf(b) - xOf(a), 1);

  if (!ids.has(svg)) ids.set(svg, `tl${++idCounter}`);
  const frag = document.createDocumentFragment();
  const root = el("g", { "font-size": 11 }, frag);
  const pat = definePatterns(el("defs", {}, root), ids.get(svg), Math.max(sites.length, 1));

  // Vertical layout: label rows, one group of lanes per site, the Desktop lane.
  const top = LABEL_ROW * LABEL_ROWS + 4;
  const lanes = [];
  let y = top;
  sites.forEach((site, si) => {
    const groupTop = y;
    for (const svc of services) { lanes.push({ kind: "service", site, si, svc, y, h: LANE_H }); y += LANE_H + LANE_GAP; }
    lanes.push({ kind: "endpoint", site, si, y, h: LANE_H });
    y += LANE_H;
    const marker = paint(el("rect", { x: 0, y: groupTop, width: 3, height: y - groupTop, rx: 1.5 }, root), "fill", siteColor(si));
    title(marker, `${site}: services and endpoint`);
    y += GROUP_GAP;
  });
  const desktopLane = { kind: "desktop", y, h: DESKTOP_H };
  lanes.push(desktopLane);
  const bottom = y + DESKTOP_H;

  // Background: lane tracks, labels, grid lines.
  const back = el("g", {}, root);
  for (const lane of lanes) {
    paint(el("rect", { x: x0, y: lane.y, width: x1 - x0, height: lane.h }, back), "fill", C.track);
    const full = lane.kind === "desktop" ? "Desktop"
      : `${lane.site} · ${lane.kind === "endpoint" ? "endpoint" : serviceName(lane.svc)}`;
    const short = lane.kind === "service" ? `${lane.site} · ${serviceName(lane.svc).replace(/ Server$/, "")}` : full;
    const room = labelW - 12;
    let label = textWidth(full) <= room ? full : short;
    while (label.length > 2 && textWidth(label, lane.kind === "desktop") > room) label = label.slice(0, -2) + "…";
    const t = text(back, 8, lane.y + lane.h / 2 + 4, label, lane.kind === "desktop" ? { "font-weight": 600 } : {});
    if (label !== full) title(t, full);
  }
  const span = end - start;
  const step = TICK_STEPS.find((s) => (s / span) * (x1 - x0) >= 70) ?? Math.ceil(span / 864e5 / ((x1 - x0) / 70)) * 864e5;
  const axis = el("g", {}, root);
  paint(el("line", { x1: x0, x2: x1, y1: bottom + 3, y2: bottom + 3 }, axis), "stroke", C.muted);
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) {
    const x = xOf(t);
    paint(el("line", { x1: x, x2: x, y1: top, y2: bottom }, back), "stroke", C.grid);
    paint(el("line", { x1: x, x2: x, y1: bottom + 3, y2: bottom + 7 }, axis), "stroke", C.muted);
    const anchor = x - x0 < 24 ? "start" : x1 - x < 24 ? "end" : "middle";
    const label = formatTime(t, step < 1000, useHours).replace(/\.(\d*?)0+$/, (_, d) => (d ? "." + d : ""));
    text(axis, x, bottom + 18, label, { "text-anchor": anchor, color: C.muted });
  }

  // Pending intervals: a subtle band across all lanes (behind the bars).
  const pendings = list(m.pending).filter((p) => p && Number.isFinite(p.start) && p.start <= now);
  const sleeps = list(m.sleeps)
    .filter((z) => z && z.start < now && (z.end ?? now) > start)
    .map((z) => ({ a: Math.max(z.start, start), b: Math.min(z.end ?? now, now), end: z.end }));
  for (const p of pendings) {
    const b = Math.min(p.end ?? now, now);
    if (b <= start) continue;
    const band = el("rect", { x: xOf(p.start), y: top, width: barW(p.start, b), height: bottom - top, "fill-opacity": 0.16 }, back);
    paint(band, "fill", C.partial);
  }

  // State bars.
  const bars = el("g", {}, root);
  const bar = (a, b, lane, fill, tip, h = lane.h, dy = 0) => {
    const r = paint(el("rect", { x: xOf(a), y: lane.y + dy, width: barW(a, b), height: h }, bars), "fill", fill);
    return title(r, tip);
  };
  for (const lane of lanes) {
    if (lane.kind === "service") {
      const what = `${lane.site} ${serviceName(lane.svc)}`;
      for (const s of segments(m.links?.[lane.site]?.[lane.svc], (e) => String(e.up), start, now)) {
        const up = s.entry.up | 0;
        const fill = up >= 2 ? C.up : up === 1 ? C.partial : C.down;
        const state = up === 1 ? "1 of 2 members up (one member down)" : `${up} of ${Math.max(2, up)} members up`;
        bar(s.a, s.b, lane, fill, `${what}: ${state}, ${fmt(s.a)} – ${fmtEnd(s)}`);
      }
    } else if (lane.kind === "endpoint") {
      for (const s of segments(m.endpoint?.[lane.site], (e) => String(!!e.registered), start, now)) {
        const reg = s.entry.registered;
        bar(s.a, s.b, lane, reg ? siteColor(lane.si) : C.unregistered,
          `${lane.site} endpoint: ${reg ? "registered" : "not registered"}, ${fmt(s.a)} – ${fmtEnd(s)}`, reg ? lane.h : 6, reg ? 0 : 5);
      }
    }
  }
  for (const s of segments(m.desktop, (e) => `${e.phase}|${e.site}|${e.role}`, start, now)) {
    const { phase, site, role } = s.entry;
    const si = sites.indexOf(site);
    const when = `${fmt(s.a)} – ${fmtEnd(s)}`;
    // Room for the text: up to the segment end or the first sleep veil over it.
    const veiled = sleeps.filter((z) => z.b > s.a && z.a < s.b).map((z) => Math.max(z.a, s.a));
    const w = barW(s.a, Math.min(s.b, ...veiled));
    let fill = "transparent", variants = [], color = "#ffffff";
    if (phase === "all_sites_down") {
      fill = pat.allDown; variants = ["all sites down"]; color = C.text;
    } else if (site != null && phase !== "idle" && phase !== "stopped") {
      const solid = phase === "active";
      fill = si < 0 ? C.muted : solid ? siteColor(si) : pat.connecting[si];
      variants = role ? [`${site} · ${role}`, role] : [site];
      color = solid ? "#ffffff" : C.text;
    }
    const where = site != null ? ` on ${site}${role ? ` (${role})` : ""}` : "";
    bar(s.a, s.b, desktopLane, fill, `Desktop${where}: ${String(phase).replace(/_/g, " ")}, ${when}`);
    const fit = variants.find((v) => textWidth(v, true) + 8 <= w);
    if (fit) {
      const t = text(bars, xOf(s.a) + 4, desktopLane.y + DESKTOP_H / 2 + 4, fit, { color, "font-weight": 600 });
      t.setAttribute("pointer-events", "none");
    }
  }
  // Pending intervals, stronger on the Desktop lane: a strip along its top edge.
  for (const p of pendings) {
    const b = Math.min(p.end ?? now, now);
    if (b <= start) continue;
    const state = p.outcome ?? (p.end == null ? "still pending" : "ended");
    const due = Number.isFinite(p.due) ? `, due ${fmt(p.due)}` : "";
    const tip = `Pending switch to ${p.to} (${p.reason}): ${fmt(p.start)} – ${p.end == null ? "now" : fmt(p.end)}${due}, ${state}`;
    bar(Math.max(p.start, start), b, desktopLane, C.partial, tip, 5, -6);
  }

  // Sleep intervals: hatched veil over every lane.
  const veil = el("g", {}, root);
  for (const { a, b, end: sEnd } of sleeps) {
    const x = xOf(a), w = barW(a, b);
    const r = el("rect", { x, y: top, width: w, height: bottom - top, fill: pat.asleep }, veil);
    paint(r, "stroke", "#8a9199").setAttribute("stroke-width", 0.5);
    title(r, `Host asleep: ${fmt(a)} – ${sEnd == null ? "now" : fmt(sEnd)} (${formatTime(b - a, false)})`);
    if (w >= 50) {
      const cy = top + (bottom - top) / 2;
      const lbl = paint(el("rect", { x: x + w / 2 - 24, y: cy - 9, width: 48, height: 16, rx: 3, "pointer-events": "none" }, veil), "fill", "#ffffff");
      paint(lbl, "stroke", "#8a9199");
      text(veil, x + w / 2, cy + 3, "asleep", { "text-anchor": "middle", "pointer-events": "none", color: C.muted });
    }
  }

  // Vertical markers (now line, pending deadlines, switches) with labels above the lanes.
  const markers = [];
  markers.push({ x: xOf(now), variants: ["now"], color: C.now, width: 1.5, tip: `Now: ${fmt(now)}` });
  for (const p of pendings) {
    if (p.end != null || p.outcome != null || !Number.isFinite(p.due)) continue;
    const past = p.due > end ? " ›" : "";
    markers.push({
      x: xOf(p.due), dash: "4 3", color: C.text, width: 1,
      variants: [`→ ${p.to} due ${fmt(p.due)}${past}`, `due ${fmt(p.due)}${past}`, "due"],
      tip: `Switch to ${p.to} (${p.reason}) due at ${fmt(p.due)}, in ${formatTime(Math.max(p.due - now, 0))}`,
    });
  }
  const switches = list(m.switches).filter((s) => s && s.at >= start && s.at <= now).sort((a, b) => a.at - b.at);
  for (const s of switches) {
    const si = sites.indexOf(s.to);
    markers.push({
      x: xOf(s.at), color: si < 0 ? C.text : siteColor(si), width: 1.5,
      variants: [`→ ${s.to} · ${s.reason}`, `→ ${s.to}`],
      tip: `Switch ${s.from ?? "?"} → ${s.to} (${s.reason}) at ${fmt(s.at)}`,
    });
  }
  placeLabels(markers, 0, width - 2, LABEL_ROWS);
  const front = el("g", {}, root);
  for (const mk of markers) {
    const g = title(el("g", {}, front), mk.tip);
    const line = el("line", { x1: mk.x, x2: mk.x, y1: top - 3, y2: bottom, "stroke-width": mk.width, "stroke-dasharray": mk.dash }, g);
    paint(line, "stroke", mk.color);
    paint(el("line", { x1: mk.x, x2: mk.x, y1: top - 3, y2: bottom, "stroke-width": 8 }, g), "stroke", "transparent");
    if (mk.placed) {
      const { text: label, row, anchor } = mk.placed;
      const ly = LABEL_ROW * (row + 1) - 3;
      paint(el("line", { x1: mk.x, x2: mk.x, y1: ly - 9, y2: top - 3, "stroke-width": 0.75 }, g), "stroke", mk.color);
      text(g, mk.x + (anchor === "start" ? 3 : -3), ly, label, { "text-anchor": anchor, color: mk.color, "font-weight": 600 });
    }
  }

  // Legend, wrapped onto as many rows as the width needs.
  const legend = el("g", {}, root);
  const items = [
    ["up", C.up, "both members up"], ["one member down", C.partial, "one member of the HA pair down"],
    ["down", C.down, "both members down"], ["registered", siteColor(0), "endpoint registered (site colour)"],
    ["connecting", pat.connecting[0], "desktop connecting (hatched)"], ["all sites down", pat.allDown, "no site reachable"],
    ["pending switch", C.partial, "waiting before a switch", 0.35], ["asleep", pat.asleep, "host frozen"],
  ];
  let lx = 8, ly = bottom + AXIS_H + 8;
  for (const [label, fill, tip, opacity] of items) {
    const w = 14 + textWidth(label) + 16;
    if (lx + w > width && lx > 8) { lx = 8; ly += LEGEND_ROW; }
    const g = title(el("g", {}, legend), tip);
    const sw = paint(el("rect", { x: lx, y: ly, width: 10, height: 10, rx: 2, "fill-opacity": opacity }, g), "fill", fill);
    paint(sw, "stroke", "#00000033");
    if (label === "registered" && sites.length > 1) {
      paint(el("rect", { x: lx + 5, y: ly + 0.5, width: 4.5, height: 9 }, g), "fill", siteColor(1));
    }
    text(g, lx + 14, ly + 9, label);
    lx += w;
  }
  const height = ly + LEGEND_ROW;

  // Summary for assistive technology.
  const log = list(m.desktop).filter((e) => e && e.at <= now);
  let summary = "desktop has not started";
  if (log.length) {
    const last = log[log.length - 1];
    let i = log.length - 1;
    while (i > 0 && (last.site != null ? log[i - 1].site === last.site : log[i - 1].phase === last.phase)) i--;
    summary = last.site != null && last.phase !== "stopped" && last.phase !== "idle"
      ? `desktop on ${last.site} since ${fmt(log[i].at)}`
      : `desktop ${String(last.phase).replace(/_/g, " ")} since ${fmt(log[i].at)}`;
  }
  const n = switches.length;
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label",
    `Timeline, ${formatTime(start, false, useHours)} to ${formatTime(end, false, useHours)}: ${summary}; ${n} switch${n === 1 ? "" : "es"}`);
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("height", String(height));
  svg.replaceChildren(frag);
}
