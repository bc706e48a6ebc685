import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { DIGEST_ANNOTATION, parseSealingCertificate, scopeOfSealedFor, SEALED_FOR_ANNOTATION, sealedFor, sealedSecretObject, sealSecret, SIGNATURE_ANNOTATION, signerCertificate, verifySealedSignature } from "../ca/seal.js";
import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import type { Model } from "../model/model.js";
import type { PlannedObject } from "../plan/planned-object.js";
import type { RenderedObject } from "../render/render.js";
import { compareText } from "../util/compare.js";
import { MANAGED_BY } from "../write/output-tree.js";

/** What became of the Secrets of an authority without its keys: not sealed at all, or all, some or none kept from the previous output. */
type KeylessKept = "unsealed" | "all" | "some" | "none";

/** What sealing reads back from the previous output: the ciphertext it keeps while nothing changed. */
export const SEALING_PREVIOUS_KINDS: readonly string[] = ["SealedSecret"];

export interface SealOptions {
  model: Model;
  policyFile: string;
  /** Last compile's objects by `kind/namespace/name`: sealed ciphertext is kept from there. */
  previous: ReadonlyMap<string, Record<string, unknown>>;
  now: Date;
  /** `--require-keys`: this run must write the key Secrets, so MS2303's hint says so (settle makes it an error). */
  keysRequired: boolean;
}

/**
 * Apply `output.secrets` to the key Secrets after rendering: with `sealed`, each becomes a SealedSecret
 * (unchanged ones keep their previous ciphertext); `keyless` Secrets (a checkout without the keys) are
 * reported, and with `sealed` their previous SealedSecret is carried over untouched.
 */
export async function sealRendered(rendered: readonly RenderedObject[], keyless: readonly PlannedObject[], options: SealOptions): Promise<{ rendered: RenderedObject[]; findings: Finding[] }> {
  const { model } = options;
  const findings: Finding[] = [];
  const secrets = rendered.filter((r) => r.planned.role === "secret");
  if (model.output.secrets === "inline" && secrets.length > 0) {
    findings.push({ ...say.MS2304(names(secrets.map((r) => r.planned))), path: ["output", "secrets"] });
  }
  if (model.output.secrets !== "sealed") {
    findings.push(...keylessFindings(keyless, () => "unsealed", options.keysRequired));
    return { rendered: [...rendered], findings };
  }

  const settings = model.output.sealedSecrets;
  if (!settings) {
    findings.push({ ...say.MS3012({ unnamed: true }), path: ["output", "secrets"] });
    return { rendered: [...rendered], findings };
  }
  const certPath = resolve(dirname(options.policyFile), settings.certificate);
  const certificatePath = ["output", "sealedSecrets", "certificate"];
  let pem: string;
  try {
    pem = await readFile(certPath, "utf8");
  } catch (error) {
    findings.push({ ...say.MS3012({ certificate: settings.certificate, errno: (error as NodeJS.ErrnoException).code ?? "error" }), path: certificatePath });
    return { rendered: [...rendered], findings };
  }
  const certificate = parseSealingCertificate(pem);
  if (typeof certificate === "string") {
    findings.push({ ...say.MS3012({ certificate: settings.certificate, problem: certificate }), path: certificatePath });
    return { rendered: [...rendered], findings };
  }
  if (certificate.notAfter.getTime() < options.now.getTime()) {
    findings.push({ ...say.MS3013(settings.certificate, certificate.notAfter.toISOString().slice(0, 10)), path: certificatePath });
  }

  const labels = { "app.kubernetes.io/managed-by": MANAGED_BY, "mesh-security/policy": model.name };
  const out: RenderedObject[] = [];
  for (const r of rendered) {
    if (r.planned.role !== "secret") {
      out.push(r);
      continue;
    }
    const p = r.planned;
    const secret = { name: p.name, namespace: p.namespace ?? "", type: String(r.object["type"] ?? "Opaque"), data: (r.object["data"] ?? {}) as Record<string, string> };
    const { object, tampered } = sealSecret(secret, certificate, settings.scope, labels, options.previous.get(`SealedSecret/${secret.namespace}/${p.name}`));
    if (tampered) {
      findings.push({ ...say.MS3024(`${secret.namespace}/${p.name}`, SIGNATURE_ANNOTATION), path: [...p.source] });
    }
    out.push({ planned: sealedPlan(p), object });
  }
  const kept: PlannedObject[] = [];
  const outdated: PlannedObject[] = [];
  const current = sealedFor(certificate, settings.scope);
  for (const p of keyless) {
    const previous = options.previous.get(`SealedSecret/${p.namespace ?? ""}/${p.name}`);
    if (!previous) continue;
    const annotations = (previous["metadata"] as { annotations?: Record<string, unknown> } | undefined)?.annotations ?? {};
    // Without the keys nothing can be sealed or signed: keep only what the authority's key signed.
    const planned = { namespace: p.namespace ?? "", name: p.name, type: String(p.values["type"] ?? "Opaque"), data: (p.values["data"] ?? {}) as Record<string, string> };
    const scope = scopeOfSealedFor(annotations[SEALED_FOR_ANNOTATION]);
    if (!scope || !verifySealedSignature(previous, planned, signerCertificate(planned.data))) {
      findings.push({ ...say.MS3025(`${planned.namespace}/${p.name}`, SIGNATURE_ANNOTATION, String(p.source[1] ?? "")), path: [...p.source] });
      continue;
    }
    kept.push(p);
    if (annotations[SEALED_FOR_ANNOTATION] !== current) outdated.push(p);
    const encryptedData = (previous["spec"] as { encryptedData: Record<string, string> }).encryptedData;
    const object = sealedSecretObject(planned, scope, labels, encryptedData, { sealedFrom: String(annotations[DIGEST_ANNOTATION]), sealedFor: String(annotations[SEALED_FOR_ANNOTATION]), signature: String(annotations[SIGNATURE_ANNOTATION]) });
    out.push({ planned: sealedPlan(p), object });
  }
  if (outdated.length > 0) {
    findings.push({ ...say.MS2303({ secrets: names(outdated), current }), path: ["output", "sealedSecrets"] });
  }
  findings.push(...keylessFindings(keyless, (group) => (group.every((p) => kept.includes(p)) ? "all" : group.some((p) => kept.includes(p)) ? "some" : "none"), options.keysRequired));
  return { rendered: out, findings };
}

function sealedPlan(planned: PlannedObject): PlannedObject {
  return { ...planned, apiVersion: "bitnami.com/v1alpha1", kind: "SealedSecret", reason: `${planned.reason}; sealed for the sealed-secrets controller` };
}

/** namespace/name of each, sorted. */
function names(planned: readonly PlannedObject[]): string[] {
  return planned.map((p) => `${p.namespace ?? ""}/${p.name}`).sort(compareText);
}

/** One MS2303 per authority whose keys are absent, naming its Secrets. */
function keylessFindings(keyless: readonly PlannedObject[], kept: (group: readonly PlannedObject[]) => KeylessKept, required: boolean): Finding[] {
  const groups = new Map<string, PlannedObject[]>();
  for (const p of keyless) {
    const key = JSON.stringify(p.source);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()].map((group) => {
    const authority = String(group[0]?.source[1] ?? "");
    return { ...say.MS2303({ authority, secrets: names(group), kept: kept(group), required }), path: [...(group[0]?.source ?? [])] };
  });
}
