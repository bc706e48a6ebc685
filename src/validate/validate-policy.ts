import type { Finding } from "../diagnostics/diagnostic.js";
import type { Model } from "../model/model.js";
import { normalize } from "../model/normalize.js";
import type { PolicyInput } from "../model/policy-input.js";
import { findInlineSecrets } from "./inline-secrets.js";
import { nothingPruned, pruneInvalid } from "./prune.js";
import { checkSchema } from "./schema-check.js";

/**
 * Schema, inline-secret check and normalization. Parts that fail the schema are dropped so that the
 * semantic rules still run on the rest: one run reports every problem it can.
 */
export function validatePolicy(data: unknown, file: string): { value?: Model; findings: Finding[] } {
  const secretFindings = findInlineSecrets(data);
  const secretPaths = new Set(secretFindings.map((f) => f.path.join("\u0000")));
  const schema = checkSchema(data);
  const schemaFindings = schema.findings
    .filter((f) => !(f.code === "MS1002" && secretPaths.has(f.path.join("\u0000"))))
    .map((f): Finding => (f.code === "MS1005" && f.path.length === 1 && (f.path[0] === "apiVersion" || f.path[0] === "kind") ? { ...f, code: "MS1013" } : f));
  const findings = [...secretFindings, ...schemaFindings];

  let input = schema.value;
  let pruned = nothingPruned();
  if (!schema.valid) {
    const cut = pruneInvalid(data, schema.findings.map((f) => f.path));
    if (!cut) return { findings };
    const again = checkSchema(cut.data);
    if (!again.valid) return { findings };
    input = again.value;
    pruned = cut.pruned;
  }
  const normalized = normalize(input as PolicyInput, file, pruned);
  return { value: normalized.value, findings: [...findings, ...normalized.findings] };
}
