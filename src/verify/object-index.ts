import type { LinePos } from "../diagnostics/diagnostic.js";
import { compareText } from "../util/compare.js";
import { isObject } from "./manifests.js";
import type { ManifestDocument } from "./manifests.js";

/** Kinds without a namespace; every other kind read without `metadata.namespace` is in `default`. */
const CLUSTER_SCOPED = new Set([
  "Namespace", "ClusterIssuer", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "APIService",
  "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "Bundle", "Istio", "ClusterTrustBundle",
]);

/** One object as the cluster would hold it: whole documents and patches merged, and where each part came from. */
export interface KubeObject {
  group: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The merged object (whole document, then patches applied in file order). */
  body: Record<string, unknown>;
  /** Only patches were read: fields outside them are unknown. */
  partial: boolean;
  /** The documents it was read from, whole documents first. */
  sources: ManifestDocument[];
  /** Set for objects verify models as rendered by a controller (the mesh operator), not read from a file. */
  renderedBy?: { object: KubeObject; path: (string | number)[]; controller: string };
}

/** A place in a manifest file, for diagnostics. */
export interface Location {
  file: string;
  path: (string | number)[];
  range?: { start: LinePos; end: LinePos };
}

/** `group/Kind` of an apiVersion and kind (core group is empty). */
export function groupKind(apiVersion: string, kind: string): string {
  return `${apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : ""}/${kind}`;
}

function keyOf(gk: string, namespace: string | undefined, name: string): string {
  return `${gk}|${namespace ?? ""}|${name}`;
}

/** Objects by kind, namespace and name, with the files each came from. */
export class ObjectIndex {
  readonly #objects = new Map<string, KubeObject>();
  /** `list` results by group/kind, sorted; rules ask for the same kinds in loops, so each is sorted once. */
  readonly #byGroup = new Map<string, KubeObject[]>();

  constructor(documents: readonly ManifestDocument[]) {
    // Whole documents first, so that patches apply on top of them whatever the file order.
    const ordered = [...documents.filter((d) => d.role !== "patch"), ...documents.filter((d) => d.role === "patch")];
    for (const doc of ordered) {
      const metadata = isObject(doc.object["metadata"]) ? doc.object["metadata"] : {};
      const name = typeof metadata["name"] === "string" ? metadata["name"] : "";
      const kind = doc.object["kind"] as string;
      const group = groupKind(doc.object["apiVersion"] as string, kind);
      const namespace = CLUSTER_SCOPED.has(kind) ? undefined : typeof metadata["namespace"] === "string" ? metadata["namespace"] : "default";
      const key = keyOf(group, namespace, name);
      const existing = this.#objects.get(key);
      if (!existing) {
        this.#objects.set(key, { group, kind, name, ...(namespace !== undefined ? { namespace } : {}), body: doc.object, partial: doc.role === "patch", sources: [doc] });
      } else {
        existing.body = doc.role === "patch" || existing.partial ? mergePatch(existing.body, doc.object) : doc.object;
        existing.sources.push(doc);
      }
    }
  }

  /** Add an object a controller renders (not read from a file). Read objects keep precedence. */
  addRendered(object: KubeObject): void {
    const key = keyOf(object.group, object.namespace, object.name);
    if (!this.#objects.has(key)) this.#objects.set(key, object);
    this.#byGroup.clear();
  }

  get(group: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#objects.get(keyOf(group, namespace, name));
  }

  /** Every object of one `group/Kind`, optionally in one namespace, sorted by namespace and name. */
  list(group: string, namespace?: string): KubeObject[] {
    let all = this.#byGroup.get(group);
    if (!all) {
      if (this.#byGroup.size === 0) {
        for (const o of this.#objects.values()) this.#byGroup.set(o.group, [...(this.#byGroup.get(o.group) ?? []), o]);
        for (const list of this.#byGroup.values()) list.sort((a, b) => compareText(a.namespace ?? "", b.namespace ?? "") || compareText(a.name, b.name));
      }
      all = this.#byGroup.get(group) ?? [];
      this.#byGroup.set(group, all);
    }
    return namespace === undefined ? [...all] : all.filter((o) => o.namespace === namespace);
  }

  /** Every object, sorted. */
  all(): KubeObject[] {
    return [...this.#objects.values()].sort((a, b) => compareText(a.group, b.group) || compareText(a.namespace ?? "", b.namespace ?? "") || compareText(a.name, b.name));
  }
}

/** `Kind ns/name` for messages. */
export function describe(object: KubeObject): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ""}${object.name}`;
}

/** The files an object came from, for messages. */
export function filesOf(object: KubeObject): string {
  if (object.renderedBy) return `rendered by ${object.renderedBy.controller} from ${describe(object.renderedBy.object)} (${filesOf(object.renderedBy.object)})`;
  return [...new Set(object.sources.map((s) => s.file))].join(", ");
}

/**
 * Where a field of an object is written: the last source holding the path (a patch overrides the whole document),
 * else the object's first file at its nearest existing ancestor. Rendered objects point at the field of the
 * object they were rendered from.
 */
export function locate(object: KubeObject, path: (string | number)[]): Location {
  if (object.renderedBy) return locate(object.renderedBy.object, object.renderedBy.path);
  const holding = [...object.sources].reverse().find((s) => hasPath(s.object, path)) ?? object.sources[0];
  if (!holding) return { file: "", path };
  return { file: holding.file, path, range: holding.locate(path) };
}

function hasPath(value: unknown, path: readonly (string | number)[]): boolean {
  let current: unknown = value;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === "number") current = current[segment];
    else if (isObject(current)) current = current[String(segment)];
    else return false;
    if (current === undefined) return false;
  }
  return true;
}

/**
 * A strategic-merge patch, as far as verify needs it: maps merge key by key, lists of maps merge on their
 * merge key (`name`; Service and container ports on `port` / `containerPort`), other lists are replaced.
 */
export function mergePatch(base: unknown, patch: unknown): Record<string, unknown> {
  return merge(base, patch) as Record<string, unknown>;
}

function merge(base: unknown, patch: unknown): unknown {
  if (isObject(base) && isObject(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) out[key] = key in base ? merge(base[key], value) : value;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(patch) && [...base, ...patch].every(isObject)) {
    const mergeKey = ["name", "containerPort", "port"].find((k) => [...base, ...patch].every((item) => (item as Record<string, unknown>)[k] !== undefined));
    if (!mergeKey) return patch;
    const out = [...base] as Record<string, unknown>[];
    for (const item of patch as Record<string, unknown>[]) {
      const index = out.findIndex((b) => b[mergeKey] === item[mergeKey]);
      if (index >= 0) out[index] = merge(out[index], item) as Record<string, unknown>;
      else out.push(item);
    }
    return out;
  }
  return patch;
}

/** Read a nested field without caring for types on the way. */
export function field(value: unknown, ...path: (string | number)[]): unknown {
  let current: unknown = value;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === "number") current = current[segment];
    else if (isObject(current)) current = current[String(segment)];
    else return undefined;
  }
  return current;
}

/** A string field, or undefined. */
export function str(value: unknown, ...path: (string | number)[]): string | undefined {
  const v = field(value, ...path);
  return typeof v === "string" ? v : undefined;
}

/** The annotations of an object. */
export function annotations(object: KubeObject): Record<string, string> {
  const a = field(object.body, "metadata", "annotations");
  return isObject(a) ? (Object.fromEntries(Object.entries(a).filter(([, v]) => typeof v === "string")) as Record<string, string>) : {};
}

/** The labels of an object. */
export function labels(object: KubeObject): Record<string, string> {
  const a = field(object.body, "metadata", "labels");
  return isObject(a) ? (Object.fromEntries(Object.entries(a).map(([k, v]) => [k, String(v)])) as Record<string, string>) : {};
}
