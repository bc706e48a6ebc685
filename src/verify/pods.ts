import { isObject } from "./manifests.js";
import type { ManifestDocument } from "./manifests.js";
import { field, str } from "./object-index.js";
import type { KubeObject, ObjectIndex } from "./object-index.js";
import { labelMap } from "./selectors.js";

export const WORKLOAD_KINDS = ["apps/Deployment", "apps/StatefulSet", "apps/DaemonSet"];

/** What verify knows about the pods of one workload (a Deployment, StatefulSet or DaemonSet). */
export interface PodTemplate {
  workload: KubeObject;
  namespace: string;
  /** The pod template's labels, annotations and spec, merged from the whole manifest and the patches. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Record<string, unknown>;
  /** True when the workload's own manifest was read (`--with`), not only the compiler's patch. */
  whole: boolean;
  /** The documents that are patches of this workload (the compiler's `patches/`). */
  patches: ManifestDocument[];
  /** The whole documents (the application's own manifest). */
  wholes: ManifestDocument[];
  serviceAccount: string;
}

/** Every workload read, with its pod template. */
export function podTemplates(index: ObjectIndex): PodTemplate[] {
  return WORKLOAD_KINDS.flatMap((gk) => index.list(gk)).map((w) => podTemplateOf(w));
}

export function podTemplateOf(w: KubeObject): PodTemplate {
  const template = field(w.body, "spec", "template");
  const spec = field(template, "spec");
  return {
    workload: w,
    namespace: w.namespace ?? "default",
    labels: labelMap(field(template, "metadata", "labels")),
    annotations: labelMap(field(template, "metadata", "annotations")),
    spec: isObject(spec) ? spec : {},
    whole: !w.partial,
    patches: w.sources.filter((s) => s.role === "patch"),
    wholes: w.sources.filter((s) => s.role !== "patch"),
    serviceAccount: str(spec, "serviceAccountName") ?? str(spec, "serviceAccount") ?? "default",
  };
}

/** The workloads whose pod labels a selector (matchLabels map) selects in a namespace; only whole workloads decide. */
export function podsSelectedBy(index: ObjectIndex, namespace: string, matchLabels: Record<string, string>): PodTemplate[] {
  return podTemplates(index).filter((p) => p.namespace === namespace && p.whole && Object.entries(matchLabels).every(([k, v]) => p.labels[k] === v));
}

/** A view of an object whose only source is one document, so that a finding points into that file. */
export function inDocument(object: KubeObject, doc: ManifestDocument): KubeObject {
  return { ...object, sources: [doc] };
}

/** The list items of a document at a path, with their index in that document. */
export function itemsAt(doc: ManifestDocument | Record<string, unknown>, ...path: (string | number)[]): Array<{ item: Record<string, unknown>; index: number }> {
  const root = "object" in doc && "locate" in doc ? (doc as ManifestDocument).object : doc;
  const list = field(root, ...path);
  return Array.isArray(list) ? list.flatMap((item, index) => (isObject(item) ? [{ item, index }] : [])) : [];
}
