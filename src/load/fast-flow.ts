import type { Located } from "./source-map.js";

// Flow nodes for the fast reader (src/load/fast-parse.ts): plain and quoted scalars on one line, flow maps
// and sequences on one line or several, yaml's core schema. Each function reads at an offset and returns
// where it stopped, or throws DECLINE when the text is outside the subset, so that yaml reads it instead.

/** Thrown to hand the text to yaml; parseFast catches it. */
export const DECLINE = new Error("outside the fast subset");
/** Nesting allowed before declining; yaml's path reports MS1014 beyond 64. */
export const MAX_DEPTH = 60;
const FLOW = new Set([",", "[", "]", "{", "}"]);
const NOT_PLAIN_START = new Set(["-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", '"', "%", "@", "`", " ", "\n"]);
// yaml 2.9.1 compose/resolve-flow-scalar.js escapeCodes (less the escaped tab: tabs are declined).
const ESCAPES: Record<string, string> = { "0": "\0", a: "\x07", b: "\b", e: "\x1b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", N: "\u0085", _: "\u00a0", L: "\u2028", P: "\u2029", " ": " ", '"': '"', "/": "/", "\\": "\\" };

const MAYBE_NOT_STRING = new Set([..."0123456789+-.~nNtTfF"].map((c) => c.charCodeAt(0)));

/** A node read: its locating form, its data, and the offset after it. */
export interface FlowNode {
  loc: Located;
  data: unknown;
  end: number;
}

/** Give up on the fast path. */
export function decline(): never {
  throw DECLINE;
}

/** yaml's core schema for a plain scalar (node_modules/yaml/dist/schema/core/*.js, tried in its order). */
export function resolvePlain(s: string): unknown {
  // Every non-string form starts with one of these; most policy scalars (names, hosts) do not.
  if (s.length > 0 && !MAYBE_NOT_STRING.has(s.charCodeAt(0))) return s;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === "t" || s[0] === "T";
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) return s.slice(-3).toLowerCase() === "nan" ? NaN : s[0] === "-" ? -Infinity : Infinity;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

/** A plain scalar may start at `p`: not an indicator, or `-` before a safe character (`-1`). */
export function plainStart(t: string, p: number, inFlow: boolean): boolean {
  const c = t[p];
  if (c === undefined) return false;
  if (c !== "-") return !NOT_PLAIN_START.has(c);
  const next = t[p + 1];
  return next !== undefined && !NOT_PLAIN_START.has(next) && !(inFlow && FLOW.has(next));
}

/** Where a plain scalar starting at `p` ends on its line (yaml 2.9.1 lexer.js parsePlainScalar, without folding). */
export function plainEnd(t: string, p: number, inFlow: boolean): number {
  let end = p;
  for (let i = p; i < t.length; i++) {
    const ch = t[i] as string;
    if (ch === ":") {
      const next = t[i + 1];
      if (next === undefined || next === " " || next === "\n" || (inFlow && FLOW.has(next))) return end;
      end = i + 1;
    } else if (ch === " ") {
      const next = t[i + 1];
      if (next === "#" || (inFlow && next !== undefined && FLOW.has(next))) return end;
    } else if (ch === "\n" || (inFlow && FLOW.has(ch))) return end;
    else end = i + 1;
  }
  return end;
}

/** A one-line quoted scalar at `p`: its value and the offset after the closing quote. */
export function quoted(t: string, p: number): [string, number] {
  const q = t[p] as string;
  const close = t.indexOf(q, p + 1);
  const nl = t.indexOf("\n", p + 1);
  // The common case, no escape: the text between the quotes is the value.
  if (close !== -1 && (nl === -1 || close < nl) && t[close + 1] !== q) {
    const inner = t.slice(p + 1, close);
    if (q === "'" || !inner.includes("\\")) return [inner, close + 1];
  }
  let out = "";
  for (let i = p + 1; i < t.length; i++) {
    const ch = t[i] as string;
    if (ch === "\n") decline();
    if (q === "'" && ch === "'") {
      if (t[i + 1] !== "'") return [out, i + 1];
      out += "'";
      i++;
    } else if (q === '"' && ch === '"') return [out, i + 1];
    else if (q === '"' && ch === "\\") {
      const e = t[++i] as string;
      const simple = ESCAPES[e];
      if (simple !== undefined) out += simple;
      else if (e === "x" || e === "u" || e === "U") {
        const n = e === "x" ? 2 : e === "u" ? 4 : 8;
        const hex = t.substr(i + 1, n);
        if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex) || parseInt(hex, 16) > 0x10ffff) decline();
        out += String.fromCodePoint(parseInt(hex, 16));
        i += n;
      } else decline();
    } else out += ch;
  }
  return decline();
}

/** A `key:` at `start`, if the text there is one: its string and the offset of its colon. */
export function readKey(t: string, start: number, inFlow: boolean): { text: string; end: number } | null {
  let value: string;
  let end: number;
  if (t[start] === '"' || t[start] === "'") [value, end] = quoted(t, start);
  else {
    if (!plainStart(t, start, inFlow)) return null;
    end = plainEnd(t, start, inFlow);
    value = t.slice(start, end);
    // checkStructure rejects keys that are not strings (MS1011); `<<` would be a merge key in YAML 1.1.
    if (t[end] === ":" && (typeof resolvePlain(value) !== "string" || value === "<<")) decline();
  }
  const after = t[end + 1];
  if (t[end] !== ":" || !(after === " " || after === "\n" || after === undefined)) return null;
  if (value === "__proto__" || end - start > 1000) decline();
  return { text: value, end };
}

/** A scalar or flow collection at `p`; `indent` is the column of the block holding it, `depth` its nesting. */
export function readValue(t: string, p: number, indent: number, depth: number, inFlow: boolean): FlowNode {
  const c = t[p];
  if (c === "{" || c === "[") return readFlow(t, p, indent, depth + 1);
  if (c === '"' || c === "'") {
    const [data, end] = quoted(t, p);
    return { loc: { start: p, end, scalar: true }, data, end };
  }
  if (!plainStart(t, p, inFlow)) decline();
  const end = plainEnd(t, p, inFlow);
  if (end === p || t[end] === ":") decline();
  return { loc: { start: p, end, scalar: true }, data: resolvePlain(t.slice(p, end)), end };
}

/** Spaces, line breaks and comments inside a flow collection; returns the next offset. */
function flowSpace(t: string, p: number, indent: number): number {
  for (;;) {
    const ch = t[p];
    if (ch === " ") p++;
    else if (ch === "\n") {
      p++;
      let i = p;
      while (t[i] === " ") i++;
      // Later lines of a flow collection must be indented past the block holding it.
      if (t[i] !== "\n" && t[i] !== "#" && i - p <= indent) decline();
    } else if (ch === "#") {
      if (t[p - 1] !== " " && t[p - 1] !== "\n") decline();
      const nl = t.indexOf("\n", p);
      if (nl === -1) decline();
      p = nl;
    } else return p;
  }
}

/** A flow map or sequence at `p`, through its closing bracket. */
function readFlow(t: string, p: number, indent: number, depth: number): FlowNode {
  if (depth > MAX_DEPTH) decline();
  const isMap = t[p] === "{";
  const close = isMap ? "}" : "]";
  const keys: string[] = [];
  const keyRanges: number[] = [];
  const located: Located[] = [];
  const data: Record<string, unknown> | unknown[] = isMap ? {} : [];
  let i = flowSpace(t, p + 1, indent);
  while (t[i] !== close) {
    let node: FlowNode;
    if (isMap) {
      const key = readKey(t, i, true);
      if (!key || Object.prototype.hasOwnProperty.call(data, key.text)) decline();
      keys.push(key.text);
      keyRanges.push(i, key.end);
      let v = key.end + 1;
      while (t[v] === " ") v++;
      const at = v;
      v = flowSpace(t, v, indent);
      // yaml places an empty value right after the colon and the spaces that follow it on its line.
      node = t[v] === "," || t[v] === "}" ? { loc: { start: at, end: at, scalar: true }, data: null, end: at } : readValue(t, v, indent, depth, true);
      (data as Record<string, unknown>)[key.text] = node.data;
    } else {
      node = readValue(t, i, indent, depth, true);
      (data as unknown[]).push(node.data);
    }
    located.push(node.loc);
    i = flowSpace(t, node.end, indent);
    if (t[i] === ",") i = flowSpace(t, i + 1, indent);
    else if (t[i] !== close) decline();
    if (t[i] === ",") decline();
  }
  const loc: Located = isMap ? { start: p, end: p, scalar: false, keys, keyRanges, values: located } : { start: p, end: p, scalar: false, items: located };
  return { loc, data, end: i + 1 };
}
