import { say } from "../diagnostics/messages.js";
import type { Said } from "../diagnostics/messages.js";

/** A path into a policy document, e.g. ["services", 0, "host"]. */
export type PolicyPath = (string | number)[];

/**
 * Where a node of the merged policy came from: the file and the path in that file. A node without
 * `keys`/`items` was taken whole from `file` at `path`, so every path below it maps one to one; a map
 * merged from several files lists each key's origin, a keyed list (services, caBundles) each item's.
 */
export interface Origin {
  file: string;
  path: PolicyPath;
  keys?: Map<string, Origin>;
  items?: Origin[];
}

/** A value an overlay changed: set (or merged into) at `path` of the merged policy, or removed. */
export interface OverlayChange {
  /** Human path in the merged policy, e.g. `services[demo/customer].host`, `mtls.mode`. */
  at: string;
  action: "set" | "removed";
  /** The file and the path in it of the value (or of the `null` / `$remove: true` that removed it). */
  file: string;
  path: PolicyPath;
  /** Line and column in `file` (set once the chain is loaded). */
  range?: { start: { line: number; column: number }; end: { line: number; column: number } };
}

/** A problem found while merging, placed in the file that holds it. */
export interface MergeProblem {
  said: Said<"MS1022">;
  file: string;
  path: PolicyPath;
  /** Point at the key of the last segment rather than its value. */
  key?: boolean;
}

/** A policy document with the origin of each of its nodes. */
export interface Layered {
  data: Record<string, unknown>;
  origin: Origin;
}

/** The lists merged entry by entry, by these identity keys (DESIGN.md "Fleets"); every other list is replaced whole. */
export const KEYED_LISTS: Readonly<Record<string, readonly string[]>> = {
  services: ["namespace", "name"],
  caBundles: ["kind", "namespace", "name"],
};

/** The key an overlay entry uses to drop the matching entry of its base. */
export const REMOVE_KEY = "$remove";

type Plain = Record<string, unknown>;

function isPlainMap(value: unknown): value is Plain {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The origin of a document read from one file. */
export function wholeFile(data: Plain, file: string): Layered {
  return { data, origin: { file, path: [] } };
}

/**
 * Lay `overlay` (the extending file's data, `extends` already taken out) over `base`: maps key by key,
 * the overlay wins; `null` removes a key; `services` and `caBundles` entry by entry, by identity, with
 * `$remove: true` dropping the matching entry; every other list replaced whole. Pure: neither input is changed.
 */
export function mergeLayer(base: Layered, overlay: Plain, file: string): { value: Layered; changes: OverlayChange[]; problems: MergeProblem[] } {
  const changes: OverlayChange[] = [];
  const problems: MergeProblem[] = [];
  const merged = mergeMap(base.data, base.origin, overlay, file, [], [], { changes, problems });
  return { value: { data: merged.data, origin: merged.origin }, changes, problems };
}

interface Sink {
  changes: OverlayChange[];
  problems: MergeProblem[];
}

function childOrigin(origin: Origin, key: string): Origin {
  return origin.keys?.get(key) ?? { file: origin.file, path: [...origin.path, key] };
}

function itemOrigin(origin: Origin, index: number): Origin {
  return origin.items?.[index] ?? { file: origin.file, path: [...origin.path, index] };
}

/** `services[demo/customer].host`: how explain names a place in the merged policy. */
function describe(human: readonly string[]): string {
  return human.reduce((out, part) => (part.startsWith("[") ? `${out}${part}` : out ? `${out}.${part}` : part), "");
}

function mergeMap(base: Plain, baseOrigin: Origin, overlay: Plain, file: string, path: PolicyPath, human: string[], sink: Sink): { data: Plain; origin: Origin } {
  const data: Plain = { ...base };
  const keys = new Map<string, Origin>(Object.keys(base).map((k) => [k, childOrigin(baseOrigin, k)]));
  for (const [key, value] of Object.entries(overlay)) {
    const at = [...path, key];
    const name = [...human, key];
    if (value === null) {
      if (key in data) sink.changes.push({ at: describe(name), action: "removed", file, path: at });
      delete data[key];
      keys.delete(key);
      continue;
    }
    const below = data[key];
    const identity = path.length === 0 ? KEYED_LISTS[key] : undefined;
    if (isPlainMap(value) && isPlainMap(below)) {
      const merged = mergeMap(below, childOrigin(baseOrigin, key), value, file, at, name, sink);
      data[key] = merged.data;
      keys.set(key, merged.origin);
    } else if (identity && Array.isArray(value) && Array.isArray(below)) {
      const merged = mergeKeyed(below, childOrigin(baseOrigin, key), value, identity, file, at, name, sink);
      data[key] = merged.data;
      keys.set(key, merged.origin);
    } else {
      data[key] = value;
      keys.set(key, { file, path: at });
      // Repeating the base's value (an entry's name and namespace, say) changes nothing.
      if (JSON.stringify(below) !== JSON.stringify(value)) sink.changes.push({ at: describe(name), action: "set", file, path: at });
    }
  }
  // The map itself is placed in the overlay, which names it (a key it removed is reported there).
  return { data, origin: { file, path, keys } };
}

/** The identity of a list entry, e.g. `demo/customer`; undefined when the entry is not a map. */
function identityOf(entry: unknown, identity: readonly string[]): string | undefined {
  if (!isPlainMap(entry)) return undefined;
  return identity.map((k) => (typeof entry[k] === "string" ? entry[k] : "")).filter((s) => s !== "").join("/");
}

function sameEntry(a: unknown, b: Plain, identity: readonly string[]): boolean {
  // A missing namespace (a caBundle of a cluster-scoped kind) matches a missing namespace.
  return isPlainMap(a) && identity.every((k) => (a[k] ?? null) === (b[k] ?? null));
}

function mergeKeyed(base: unknown[], baseOrigin: Origin, overlay: unknown[], identity: readonly string[], file: string, path: PolicyPath, human: string[], sink: Sink): { data: unknown[]; origin: Origin } {
  const entries = base.map((data, i) => ({ data, origin: itemOrigin(baseOrigin, i) }));
  for (const [j, entry] of overlay.entries()) {
    const at = [...path, j];
    const label = [...human, `[${identityOf(entry, identity) ?? j}]`];
    if (!isPlainMap(entry)) {
      entries.push({ data: entry, origin: { file, path: at } });
      continue;
    }
    const index = entries.findIndex((e) => sameEntry(e.data, entry, identity));
    if (REMOVE_KEY in entry) {
      const flag = entry[REMOVE_KEY];
      if (flag !== true) {
        sink.problems.push({ said: say.MS1022("not true"), file, path: [...at, REMOVE_KEY] });
        continue;
      }
      const extra = Object.keys(entry).filter((k) => k !== REMOVE_KEY && !identity.includes(k));
      if (extra.length > 0) {
        sink.problems.push({ said: say.MS1022({ ignored: extra, identity }), file, path: [...at, REMOVE_KEY], key: true });
        continue;
      }
      if (index === -1) {
        sink.problems.push({ said: say.MS1022({ list: String(path[path.length - 1]), identity, entry: identityOf(entry, identity) ?? "" }), file, path: [...at, REMOVE_KEY], key: true });
        continue;
      }
      entries.splice(index, 1);
      sink.changes.push({ at: describe(label), action: "removed", file, path: at });
      continue;
    }
    const match = index === -1 ? undefined : entries[index];
    if (match && isPlainMap(match.data)) {
      entries[index] = mergeMap(match.data, match.origin, entry, file, at, label, sink);
    } else {
      entries.push({ data: entry, origin: { file, path: at } });
      sink.changes.push({ at: describe(label), action: "set", file, path: at });
    }
  }
  return { data: entries.map((e) => e.data), origin: { file, path, items: entries.map((e) => e.origin) } };
}

/**
 * `$remove` left in a document that extends nothing, or in a list that is not merged by entry: it would
 * remove nothing. Reported (at its own file, through `origin`), and the key dropped so the schema does not repeat it.
 */
export function strayRemovals(data: Plain): PolicyPath[] {
  const found: PolicyPath[] = [];
  const walk = (value: unknown, path: PolicyPath): void => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (isPlainMap(value)) {
      if (REMOVE_KEY in value) found.push([...path, REMOVE_KEY]);
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    }
  };
  walk(data, []);
  return found;
}

/** A copy of `data` without the `$remove` keys at `paths` (each ends in `$remove`). */
export function withoutKeys(data: Plain, paths: readonly PolicyPath[]): Plain {
  if (paths.length === 0) return data;
  const copy = structuredClone(data);
  for (const path of paths) {
    let node: unknown = copy;
    for (const segment of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[segment];
    if (isPlainMap(node)) delete node[String(path[path.length - 1])];
  }
  return copy;
}
