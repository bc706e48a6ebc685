import type { CertificateInfo } from "./inspect.js";
import { readAuthority } from "./state.js";
import type { Model } from "../model/model.js";

/** One authority as `ca show` reports it (its json entry): where its material lives, its certificates, its generation record. */
export type AuthorityReport = Record<string, unknown>;

/** Each authority of the policy with the certificates stored for it (never its keys), valid as of `now`. */
export async function describeAuthorities(model: Model, stateDir: string, now: Date): Promise<AuthorityReport[]> {
  // Loaded when asked for: X.509 parsing stays out of the cold start of every other command.
  const { describeCertificate } = await import("./inspect.js");
  const report: AuthorityReport[] = [];
  for (const authority of model.authorities) {
    if (authority.source.type !== "generate") {
      report.push({ authority: authority.name, kind: authority.source.type, note: "material lives in the cluster" });
      continue;
    }
    const stored = await readAuthority(stateDir, authority.name, { withKeys: false });
    if (stored.status !== "ok") {
      report.push({ authority: authority.name, kind: "generate", status: stored.status });
      continue;
    }
    const certificates = [describeCertificate(stored.material.rootCertPem, now)];
    if (stored.material.caCertPem !== stored.material.rootCertPem) certificates.push(describeCertificate(stored.material.caCertPem, now));
    report.push({ authority: authority.name, kind: "generate", certificates, ...(stored.material.record ? { generation: stored.material.record } : { generation: "no generation.json (run `ca init` to write it)" }) });
  }
  return report;
}

/** `ca show`'s text: per authority its material, generation record and certificates. */
export function formatAuthorities(report: readonly AuthorityReport[]): string {
  let out = "";
  for (const entry of report) {
    out += `authority ${String(entry["authority"])} (${String(entry["kind"])})\n`;
    if (entry["note"]) out += `  ${String(entry["note"])}\n`;
    if (entry["status"]) out += `  material: ${String(entry["status"])}\n`;
    const generation = entry["generation"];
    if (typeof generation === "string") out += `  generated from: ${generation}\n`;
    else if (generation) out += `  generated from: ${Object.entries(generation as Record<string, unknown>).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ")}\n`;
    for (const c of (entry["certificates"] as CertificateInfo[] | undefined) ?? []) {
      out += `  ${c.isCA ? "CA" : "certificate"} ${c.subject}\n    issuer      ${c.issuer}\n    serial      ${c.serial}\n    sha256      ${c.sha256Fingerprint}\n    not before  ${c.notBefore}\n    not after   ${c.notAfter} (${c.daysLeft} days left)\n    key         ${c.keyAlgorithm}\n`;
    }
  }
  return out;
}
