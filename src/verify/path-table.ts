import type { VerifyPath } from "./rule.js";
import { compareText } from "../util/compare.js";

/**
 * verify's and explain's path table, fitted to a width: the one-row-per-path table when it fits, else
 * grouped by where the path starts (a router, a workload, cert-manager), one path per block, the long
 * client and server columns wrapped at word boundaries with an indent (as --help wraps).
 */
export function formatPaths(paths: readonly VerifyPath[], width: number | undefined, indent = ""): string {
  const table = formatPathTable(paths);
  const indented = table.replace(/^(?=.)/gm, indent);
  if (width === undefined || indented.split("\n").every((line) => line.length <= width)) return indented;
  const groups = new Map<string, VerifyPath[]>();
  for (const path of paths) groups.set(path.from, [...(groups.get(path.from) ?? []), path]);
  let out = "";
  for (const [from, group] of [...groups].sort(([a], [b]) => compareText(a, b))) {
    out += `${indent}${from}\n`;
    for (const p of group) {
      out += wrap(`→ ${p.to}${p.port === "-" ? "" : ` (${p.port})`}: ${p.result}`, width, `${indent}  `, `${indent}    `);
      out += wrap(`client sends / trusts: ${p.client}`, width, `${indent}      `, `${indent}        `);
      out += wrap(`server accepts / presents: ${p.server}`, width, `${indent}      `, `${indent}        `);
      if (p.reason) out += wrap(p.reason, width, `${indent}      `, `${indent}      `);
    }
  }
  return `${out}${indent}${summarizePaths(paths)}\n`;
}

/** The path table as text: one row per path, aligned columns, reasons under broken and unchecked rows. */
function formatPathTable(paths: readonly VerifyPath[]): string {
  if (paths.length === 0) return `${summarizePaths(paths)}\n`;
  const header = { from: "from", to: "to", port: "port", client: "client sends / trusts", server: "server accepts / presents", result: "result" };
  const rows = [header, ...paths];
  const width = (k: keyof typeof header): number => Math.max(...rows.map((r) => r[k].length));
  const w = { from: width("from"), to: width("to"), port: width("port"), client: width("client"), server: width("server") };
  let out = "";
  for (const r of rows) {
    out += `${r.from.padEnd(w.from)}  ${r.to.padEnd(w.to)}  ${r.port.padEnd(w.port)}  ${r.client.padEnd(w.client)}  ${r.server.padEnd(w.server)}  ${r.result}\n`;
    if ("reason" in r && r.reason) out += `    ${r.reason}\n`;
  }
  out += `${summarizePaths(paths)}\n`;
  return out;
}

/** The last line of both layouts: how many paths, and how many of each result (the only line when there are none). */
function summarizePaths(paths: readonly VerifyPath[]): string {
  if (paths.length === 0) return "no paths to verify in what was read";
  const count = (result: VerifyPath["result"]): number => paths.filter((p) => p.result === result).length;
  return `${paths.length} paths: ${count("ok")} ok, ${count("broken")} broken, ${count("not checked")} not checked`;
}

/** Words laid out in lines of at most `width` columns (a longer word stands on a line of its own). */
export function wrap(text: string, width: number, first: string, rest: string): string {
  let out = "";
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      out += `${line}\n`;
      line = rest;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  return `${out}${line}\n`;
}
