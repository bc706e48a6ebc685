import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import { compareText } from "../util/compare.js";
import type { CaBundle, PolicyPath } from "./model.js";
import type { PolicyInput } from "./policy-input.js";

/** Kinds of `caBundles[]` entries that are cluster-scoped: they take no namespace. */
const CLUSTER_SCOPED = new Set(["APIService", "CustomResourceDefinition", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]);

/**
 * `caBundles[]` into the model, sorted by kind, namespace and name. An entry that breaks a rule is left out.
 * Reads: caBundles[].kind, name, namespace, existing.
 * Raises: MS2010 (listed twice), MS2013 (namespace on a cluster-scoped kind, a ConfigMap without
 * one, `existing` on a kind that is always patched).
 */
export function normalizeCaBundles(input: PolicyInput, originalIndex: (section: string, i: number) => number, report: (f: Finding) => void): CaBundle[] {
  const bundles: CaBundle[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of (input.caBundles ?? []).entries()) {
    const path: PolicyPath = ["caBundles", originalIndex("caBundles", index)];
    const key = `${raw.kind}/${raw.namespace ?? ""}/${raw.name}`;
    if (seen.has(key)) {
      report({ ...say.MS2010(raw.kind, raw.name), path: [...path, "name"] });
      continue;
    }
    seen.add(key);
    if (CLUSTER_SCOPED.has(raw.kind) && raw.namespace) {
      report({ ...say.MS2013(raw.kind, "namespace"), path: [...path, "namespace"], at: "key" });
      continue;
    }
    if (raw.kind === "ConfigMap" && !raw.namespace) {
      report({ ...say.MS2013(raw.kind, "no namespace"), path: [...path] });
      continue;
    }
    if (raw.existing && raw.kind !== "ConfigMap") {
      report({ ...say.MS2013(raw.kind, "existing"), path: [...path, "existing"], at: "key" });
    }
    bundles.push({ kind: raw.kind, name: raw.name, ...(raw.namespace ? { namespace: raw.namespace } : {}), existing: raw.kind === "ConfigMap" && raw.existing, path });
  }
  return bundles.sort((a, b) => compareText(a.kind, b.kind) || compareText(a.namespace ?? "", b.namespace ?? "") || compareText(a.name, b.name));
}
