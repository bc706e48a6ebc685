import type { RenderedObject } from "../render/render.js";
import type { OutputTree } from "../write/output-tree.js";
import { compareText } from "../util/compare.js";

/** An object of the output that a change adds, removes or changes (DESIGN.md "diff", objects). */
export interface ObjectChange {
  kind: string;
  /** `namespace/name`, or the name of a cluster-scoped object. */
  name: string;
  /** Where the compiler writes it (relative to the output directory). */
  file: string;
  change: "added" | "removed" | "changed";
  /** The changed fields, as paths (`spec.dnsNames[2]`); never their values, so a Secret's data cannot leak. */
  fields: string[];
}

/** Fields listed per object before the rest is counted ("… and 12 more"). */
export const MAX_FIELDS = 20;

interface Placed {
  rendered: RenderedObject;
  file: string;
}

/** Compare two compiled outputs object by object, keyed by output path. */
export function compareObjects(base: OutputTree | undefined, head: OutputTree | undefined): ObjectChange[] {
  const before = placed(base);
  const after = placed(head);
  const changes: ObjectChange[] = [];
  for (const file of [...new Set([...before.keys(), ...after.keys()])].sort(compareText)) {
    const b = before.get(file);
    const a = after.get(file);
    const any = (a ?? b) as Placed;
    const planned = any.rendered.planned;
    const identity = { kind: planned.kind, name: planned.namespace ? `${planned.namespace}/${planned.name}` : planned.name, file };
    if (!b) changes.push({ ...identity, change: "added", fields: [] });
    else if (!a) changes.push({ ...identity, change: "removed", fields: [] });
    else {
      const fields: string[] = [];
      diffFields(b.rendered.object, a.rendered.object, "", fields);
      if (fields.length === 0) continue;
      const shown = fields.sort(compareText).slice(0, MAX_FIELDS);
      if (fields.length > MAX_FIELDS) shown.push(`… and ${fields.length - MAX_FIELDS} more`);
      changes.push({ ...identity, change: "changed", fields: shown });
    }
  }
  return changes;
}

function placed(tree: OutputTree | undefined): Map<string, Placed> {
  const map = new Map<string, Placed>();
  for (const [rendered, file] of tree?.paths ?? []) map.set(file, { rendered, file });
  return map;
}

/** The paths of the leaves that differ; a list that changed length is one field. */
function diffFields(a: unknown, b: unknown, at: string, out: string[]): void {
  if (Object.is(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push(at || "(root)");
      return;
    }
    a.forEach((item, i) => diffFields(item, b[i], `${at}[${i}]`, out));
    return;
  }
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) diffFields(a[key], b[key], at ? `${at}.${key}` : key, out);
    return;
  }
  out.push(at || "(root)");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
