import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { DIGEST_ANNOTATION, parseSealingCertificate, scopeOfSealedFor, SEALED_FOR_ANNOTATION, sealedFor, sealedSecretObject, sealSecret, SIGNATURE_ANNOTATION, signerCertificate, verifySealedSignature } from "../ca/seal.js";
import type { Finding } from "../diagnostics/diagnostic.js";
import type { Model } from "../model/model.js";
import type { PlannedObject } from "../plan/planned-object.js";
import type { RenderedObject } from "../render/render.js";
import { MANAGED_BY } from "../write/output-tree.js";

/** What sealing reads back from the previous output: the ciphertext it keeps while nothing changed. */
export const SEALING_PREVIOUS_KINDS: readonly string[] = ["SealedSecret"];

export interface SealOptions {
  model: Model;
  policyFile: string;
  /** Last compile's objects by `kind/namespace/name`: sealed ciphertext is kept from there. */
  previous: ReadonlyMap<string, Record<string, unknown>>;
  now: Date;
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
    findings.push({
      code: "MS2304",
      message: `output.secrets is inline: ${secrets.length} Secret(s) with CA private keys (${names(secrets.map((r) => r.planned))}) are written in plain text into the output directory, and so into Git`,
      path: ["output", "secrets"],
      hint: "use `secrets: sealed` with the sealed-secrets controller's certificate, or `separate`",
    });
  }
  if (model.output.secrets !== "sealed") {
    findings.push(...keylessFindings(keyless, () => "were not written"));
    return { rendered: [...rendered], findings };
  }

  const settings = model.output.sealedSecrets;
  if (!settings) {
    findings.push({ code: "MS3012", message: "output.secrets is sealed but output.sealedSecrets.certificate names no controller certificate", path: ["output", "secrets"], hint: "add `sealedSecrets: { certificate: sealed-secrets.pem }` (from `kubeseal --fetch-cert`)" });
    return { rendered: [...rendered], findings };
  }
  const certPath = resolve(dirname(options.policyFile), settings.certificate);
  const certificatePath = ["output", "sealedSecrets", "certificate"];
  let pem: string;
  try {
    pem = await readFile(certPath, "utf8");
  } catch (error) {
    findings.push({ code: "MS3012", message: `cannot read the sealed-secrets certificate ${settings.certificate} (${(error as NodeJS.ErrnoException).code ?? "error"})`, path: certificatePath, hint: "fetch it with `kubeseal --fetch-cert > " + settings.certificate + "` and commit it" });
    return { rendered: [...rendered], findings };
  }
  const certificate = parseSealingCertificate(pem);
  if (typeof certificate === "string") {
    findings.push({ code: "MS3012", message: `the sealed-secrets certificate ${settings.certificate} ${certificate}`, path: certificatePath });
    return { rendered: [...rendered], findings };
  }
  if (certificate.notAfter.getTime() < options.now.getTime()) {
    findings.push({ code: "MS3013", message: `the sealed-secrets certificate ${settings.certificate} expired on ${certificate.notAfter.toISOString().slice(0, 10)}`, path: certificatePath, hint: "fetch the controller's current certificate with `kubeseal --fetch-cert`" });
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
      findings.push({
        code: "MS3024",
        message: `the previous SealedSecret ${secret.namespace}/${p.name} has no valid ${SIGNATURE_ANNOTATION} by its authority's CA key: its ciphertext was replaced (or it was sealed by an older mesh-security); sealed anew`,
        path: [...p.source],
        hint: "commit the re-sealed output; if nobody here replaced the ciphertext, look at the file's Git history",
      });
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
      findings.push({
        code: "MS3025",
        message: `the previous SealedSecret ${planned.namespace}/${p.name} has no valid ${SIGNATURE_ANNOTATION} by the CA key of authority \`${String(p.source[1] ?? "")}\` (checked with its committed certificate): its ciphertext may not be what mesh-security sealed, and without the CA keys it cannot be sealed anew`,
        path: [...p.source],
        hint: `compile once where private/${String(p.source[1] ?? "")}/ is, to seal it anew, and commit the output; or restore the file from Git history`,
      });
      continue;
    }
    kept.push(p);
    if (annotations[SEALED_FOR_ANNOTATION] !== current) outdated.push(p);
    const encryptedData = (previous["spec"] as { encryptedData: Record<string, string> }).encryptedData;
    const object = sealedSecretObject(planned, scope, labels, encryptedData, { sealedFrom: String(annotations[DIGEST_ANNOTATION]), sealedFor: String(annotations[SEALED_FOR_ANNOTATION]), signature: String(annotations[SIGNATURE_ANNOTATION]) });
    out.push({ planned: sealedPlan(p), object });
  }
  if (outdated.length > 0) {
    findings.push({
      code: "MS2303",
      message: `the SealedSecret(s) ${names(outdated)} were sealed for another controller certificate or scope than output.sealedSecrets names (now ${current}); without the CA keys they cannot be re-sealed and are kept as they are`,
      path: ["output", "sealedSecrets"],
      hint: "compile once where the CA keys are (private/<authority>/) to re-seal them, and commit the output",
    });
  }
  findings.push(...keylessFindings(keyless, (group) => (group.every((p) => kept.includes(p)) ? "keep their previous SealedSecret unchanged" : group.some((p) => kept.includes(p)) ? "keep their previous SealedSecret where there is one, the others are not written" : "are not written (no previous SealedSecret to keep)")));
  return { rendered: out, findings };
}

function sealedPlan(planned: PlannedObject): PlannedObject {
  return { ...planned, apiVersion: "bitnami.com/v1alpha1", kind: "SealedSecret", reason: `${planned.reason}; sealed for the sealed-secrets controller` };
}

function names(planned: readonly PlannedObject[]): string {
  return planned.map((p) => `${p.namespace ?? ""}/${p.name}`).sort().join(", ");
}

/** One MS2303 per authority whose keys are absent, naming its Secrets. */
function keylessFindings(keyless: readonly PlannedObject[], outcome: (group: readonly PlannedObject[]) => string): Finding[] {
  const groups = new Map<string, PlannedObject[]>();
  for (const p of keyless) {
    const key = JSON.stringify(p.source);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()].map((group) => {
    const authority = String(group[0]?.source[1] ?? "");
    return {
      code: "MS2303" as const,
      message: `no private keys for authority \`${authority}\` in this checkout (no private/${authority}/): the Secret(s) ${names(group)} ${outcome(group)}`,
      path: [...(group[0]?.source ?? [])],
      hint: "fine in a clone or in CI; to write them, restore private/" + authority + "/ from the team's key store",
    };
  });
}
