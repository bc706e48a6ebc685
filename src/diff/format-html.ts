import { redactKeyLike } from "../diagnostics/redact.js";
import type { ChangeClass } from "./classify.js";
import type { Change, GraphEdge } from "./compare.js";
import { compareText } from "../util/compare.js";
import { beforeAfter, orderedChanges, summaryLine } from "./format-text.js";
import { countClasses } from "./report.js";
import type { DiffReport } from "./report.js";

/** Services drawn at most; a larger change lists the rest in the tables only. */
export const MAX_GRAPH_SERVICES = 40;

const COLOR: Record<ChangeClass | "same" | "removed", string> = {
  weakening: "#b42318",
  disruptive: "#b54708",
  strengthening: "#067647",
  neutral: "#3e4784",
  same: "#98a2b3",
  removed: "#667085",
};

/**
 * One self-contained HTML file: inline CSS, inline SVG, no script, no external font or stylesheet, so
 * it reads the same with JavaScript off and offline. A graph of the router, the services and their
 * callers (changed edges drawn by class, with the class in words), then two tables.
 */
export function formatHtml(report: DiffReport): string {
  const { alarming, rest } = orderedChanges(report.changes);
  const title = `mesh-security diff ${report.base} → ${report.head}`;
  const counts = countClasses(report.changes);
  const badges = (["weakening", "disruptive", "strengthening", "neutral"] as const).map((k) => `<span class="badge ${k}">${counts[k]} ${k}</span>`).join("");
  let body = `<h1>${esc(title)}</h1>\n<p class="summary counts">${badges}</p>\n<p class="summary">${esc(summaryLine(report))}</p>\n`;
  body += graphSvg(report.edges, report.changes);
  body += `<h2>Weakening and disruptive (${alarming.length})</h2>\n${alarming.length > 0 ? changeTable(alarming) : "<p>None.</p>\n"}`;
  body += `<h2>Other changes (${rest.length})</h2>\n${rest.length > 0 ? changeTable(rest) : "<p>None.</p>\n"}`;
  body += `<h2>Objects (${report.objects.length})</h2>\n`;
  if (report.objects.length > 0) {
    body += "<table>\n<thead><tr><th>change</th><th>object</th><th>file</th><th>fields</th></tr></thead>\n<tbody>\n";
    for (const o of report.objects) body += `<tr><td class="obj-${o.change}">${o.change}</td><td>${esc(`${o.kind} ${o.name}`)}</td><td><code>${esc(o.file)}</code></td><td>${esc(o.fields.join(", "))}</td></tr>\n`;
    body += "</tbody>\n</table>\n";
  } else body += "<p>None.</p>\n";
  return redactKeyLike(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #101828; margin: 24px; max-width: 1200px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.summary { font-size: 16px; margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #d0d5dd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f2f4f7; } code { font: 13px ui-monospace, monospace; }
.badge { display: inline-block; padding: 1px 6px; border-radius: 4px; color: #fff; font-weight: 600; font-size: 13px; margin: 1px 2px 1px 0; }
.weakening { background: ${COLOR.weakening}; } .disruptive { background: ${COLOR.disruptive}; } .strengthening { background: ${COLOR.strengthening}; } .neutral { background: ${COLOR.neutral}; }
tr.alarm td { background: #fef3f2; }
.obj-added { color: ${COLOR.strengthening}; } .obj-removed { color: ${COLOR.weakening}; } .obj-changed { color: ${COLOR.neutral}; }
svg { border: 1px solid #d0d5dd; background: #fcfcfd; max-width: 100%; height: auto; }
svg text { font: 13px system-ui, sans-serif; fill: #101828; }
svg .edge-label { font-weight: 700; paint-order: stroke; stroke: #fcfcfd; stroke-width: 5px; stroke-linejoin: round; }
.counts span { margin-right: 6px; }
</style>
</head>
<body>
${body}</body>
</html>
`);
}

function changeTable(changes: readonly Change[]): string {
  let out = "<table>\n<thead><tr><th>class</th><th>where</th><th>what</th><th>before → after</th><th>why</th></tr></thead>\n<tbody>\n";
  for (const c of changes) {
    const badges = c.class.map((k) => `<span class="badge ${k}">${k}</span>`).join("");
    out += `<tr${c.class.includes("weakening") || c.class.includes("disruptive") ? ' class="alarm"' : ""}><td>${badges}</td><td>${esc(c.path ?? c.subject)}</td><td>${esc(c.property)}</td><td>${esc(beforeAfter(c))}</td><td>${esc(c.why)}</td></tr>\n`;
  }
  return `${out}</tbody>\n</table>\n`;
}

/** The worst class of an edge, for its colour: weakening, then disruptive, strengthening, neutral. */
function worst(classes: readonly ChangeClass[]): ChangeClass | undefined {
  return (["weakening", "disruptive", "strengthening", "neutral"] as const).find((k) => classes.includes(k));
}

/**
 * External clients → router → services on the left, and declared calls between services as arcs on
 * the right. Only services that a change touches (and the ends of their changed calls) are drawn.
 */
function graphSvg(edges: readonly GraphEdge[], changes: readonly Change[]): string {
  const touched = new Set<string>();
  for (const c of changes) if (c.subject.startsWith("service ")) touched.add(c.subject.slice("service ".length));
  const serviceOf = (end: string): string | undefined => /(?:Service|pods of Service) (\S+)/.exec(end)?.[1];
  for (const e of edges) {
    if (e.state === "same") continue;
    for (const end of [e.from, e.to]) {
      const s = serviceOf(end);
      if (s) touched.add(s);
    }
  }
  const all = [...touched].sort(compareText);
  const services = all.slice(0, MAX_GRAPH_SERVICES);
  if (services.length === 0) return "<p>No service is affected: nothing to draw.</p>\n";
  const rowH = 52;
  const top = 60;
  const height = top + services.length * rowH + 40;
  const width = 1320;
  const x = { client: 80, router: 420, service: 800 };
  const y = new Map(services.map((s, i) => [s, top + i * rowH + rowH / 2]));
  const routerY = top + ((services.length - 1) * rowH) / 2 + rowH / 2;
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="graph of changed paths" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n`;
  svg += `<text x="${x.client}" y="28" text-anchor="middle" font-weight="600">external clients</text><text x="${x.router}" y="28" text-anchor="middle" font-weight="600">OpenShift router</text><text x="${x.service}" y="28" text-anchor="middle" font-weight="600">services</text><text x="${x.service + 200}" y="28" font-weight="600">declared calls</text>\n`;
  const line = (x1: number, y1: number, x2: number, y2: number, e: GraphEdge, label: string, curve = 0): string => {
    const cls = worst(e.classes);
    const color = e.state === "same" ? COLOR.same : e.state === "removed" ? COLOR.removed : COLOR[cls ?? "neutral"];
    const dash = e.state === "removed" ? ' stroke-dasharray="6 5"' : e.classes.includes("disruptive") ? ' stroke-dasharray="12 4"' : "";
    const w = e.state === "same" ? 1.5 : 3;
    const d = curve === 0 ? `M${x1},${y1} L${x2},${y2}` : `M${x1},${y1} C${x1 + curve},${y1} ${x2 + curve},${y2} ${x2},${y2}`;
    // A straight edge is labelled above its middle; an arc just right of its apex, clear of the line.
    const mx = curve === 0 ? (x1 + x2) / 2 : Math.max(x1, x2) + curve * 0.75 + 6;
    const my = (y1 + y2) / 2 + (curve === 0 ? -6 : 4);
    // Words, not only colours: the state and the classes, neutral left out when there is more to say.
    const named = e.classes.length > 1 ? e.classes.filter((k) => k !== "neutral") : e.classes;
    const words = e.state === "same" ? "" : [...(e.state === "changed" ? [] : [e.state]), ...(e.state === "removed" && cls === "neutral" ? [] : named)].join(", ");
    return `<path d="${d}" fill="none" stroke="${color}" stroke-width="${w}"${dash} marker-end="url(#arrow)"><title>${esc(label)}</title></path>${words ? `<text x="${mx}" y="${my}" text-anchor="${curve === 0 ? "middle" : "start"}" class="edge-label" style="fill:${color}">${esc(words)}</text>` : ""}\n`;
  };
  svg += `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#475467"/></marker></defs>\n`;
  const external = edges.filter((e) => e.kind === "external");
  if (external.length > 0) {
    const changed = external.filter((e) => e.state !== "same");
    const merged: GraphEdge = { kind: "external", from: "external clients", to: "router", state: changed.length === 0 ? "same" : changed.every((e) => e.state === "removed") ? "removed" : changed.some((e) => e.state === "added") ? "added" : "changed", classes: [...new Set(changed.flatMap((e) => e.classes))] };
    svg += line(x.client + 60, routerY, x.router - 70, routerY, merged, "external clients → router");
  }
  for (const e of edges.filter((e) => e.kind === "router")) {
    const s = serviceOf(e.to);
    const sy = s === undefined ? undefined : y.get(s);
    if (sy === undefined) continue;
    const ext = external.find((x2) => x2.to === e.from);
    const classes = [...new Set([...e.classes, ...(ext && ext.state !== "same" ? ext.classes : [])])];
    const state = e.state === "same" && ext && ext.state !== "same" ? "changed" : e.state;
    svg += line(x.router + 70, routerY, x.service - 110, sy, { ...e, classes, state }, `${e.from} → ${e.to}`);
  }
  for (const e of edges.filter((e) => e.kind === "caller")) {
    const from = serviceOf(e.from);
    const to = serviceOf(e.to);
    const fy = from === undefined ? undefined : y.get(from);
    const ty = to === undefined ? undefined : y.get(to);
    if (fy === undefined || ty === undefined) continue;
    svg += line(x.service + 110, fy, x.service + 110, ty, e, `${e.from} → ${e.to}`, Math.min(220, 40 + Math.abs(fy - ty) * 0.8));
  }
  svg += `<rect x="${x.client - 60}" y="${routerY - 16}" width="120" height="32" rx="6" fill="#eef4ff" stroke="#3e4784"/><text x="${x.client}" y="${routerY + 5}" text-anchor="middle">internet</text>\n`;
  svg += `<rect x="${x.router - 70}" y="${routerY - 16}" width="140" height="32" rx="6" fill="#eef4ff" stroke="#3e4784"/><text x="${x.router}" y="${routerY + 5}" text-anchor="middle">router</text>\n`;
  for (const s of services) {
    const sy = y.get(s) ?? 0;
    const cls = worst(changes.filter((c) => c.subject === `service ${s}`).flatMap((c) => c.class));
    const fill = cls === "weakening" || cls === "disruptive" ? "#fef3f2" : cls === "strengthening" ? "#ecfdf3" : "#ffffff";
    // The service's own changes (its mTLS, certificate, exposure) in words under its name.
    const own = [...new Set(changes.filter((c) => c.subject === `service ${s}` && c.path === null).flatMap((c) => c.class))];
    const named = own.length > 1 ? own.filter((k) => k !== "neutral") : own;
    const label = named.length > 0 ? `<text x="${x.service}" y="${sy + 14}" text-anchor="middle" style="fill:${COLOR[worst(own) ?? "neutral"]};font-size:11px;font-weight:700">${esc(named.join(", "))}</text>` : "";
    svg += `<rect x="${x.service - 110}" y="${sy - 20}" width="220" height="40" rx="6" fill="${fill}" stroke="${cls ? COLOR[cls] : "#667085"}" stroke-width="${cls && cls !== "neutral" ? 2 : 1}"/><text x="${x.service}" y="${sy + (label ? -2 : 5)}" text-anchor="middle">${esc(s)}</text>${label}\n`;
  }
  const legendY = height - 14;
  svg += `<text x="20" y="${legendY}"><tspan style="fill:${COLOR.weakening};font-weight:600">red: weakening</tspan>   <tspan style="fill:${COLOR.disruptive};font-weight:600">long dashes: disruptive</tspan>   <tspan style="fill:${COLOR.strengthening};font-weight:600">green: strengthening</tspan>   <tspan style="fill:${COLOR.neutral};font-weight:600">blue: neutral</tspan>   <tspan style="fill:${COLOR.removed}">short dashes: removed</tspan>   <tspan style="fill:${COLOR.same}">grey: unchanged</tspan></text>\n`;
  svg += "</svg>\n";
  const more = all.length > services.length ? `<p>${all.length - services.length} more affected services are listed in the tables only.</p>\n` : "";
  return `<h2>Paths</h2>\n${svg}${more}`;
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
