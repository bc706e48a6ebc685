import type { VerifyPath } from "./rule.js";
import { formatPathTable } from "./verify.js";

/**
 * verify's and explain's path table, fitted to a width: the one-row-per-path table when it fits, else
 * grouped by where the path starts (a router, a workload, cert-manager), one path per block, the long
 * client and server columns wrapped at word boundaries with an indent (as --help wraps).
 */
export function formatPaths(paths: readonly VerifyPath[], width: number | undefined, indent = ""): string {
  const table = formatPathTable(paths);
  const indented = table.replace(/^(?=.)/gm, indent);
  if (width === undefined || indented.split("\n").every((line) => line.length <= width)) return indented;
  const lines = table.trimEnd().split("\n");
  const summary = lines[lines.length - 1] ?? "";
  const groups = new Map<string, VerifyPath[]>();
  for (const path of paths) groups.set(path.from, [...(groups.get(path.from) ?? []), path]);
  let out = "";
  for (const [from, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out += `${indent}${from}\n`;
    for (const p of group) {
      out += wrap(`→ ${p.to}${p.port === "-" ? "" : ` (${p.port})`}: ${p.result}`, width, `${indent}  `, `${indent}    `);
      out += wrap(`client sends / trusts: ${p.client}`, width, `${indent}      `, `${indent}        `);
      out += wrap(`server accepts / presents: ${p.server}`, width, `${indent}      `, `${indent}        `);
      if (p.reason) out += wrap(p.reason, width, `${indent}      `, `${indent}      `);
    }
  }
  return `${out}${indent}${summary}\n`;
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
