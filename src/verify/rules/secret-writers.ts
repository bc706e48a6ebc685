import type { VerifyFinding, VerifyPath, VerifyRule } from "../rule.js";
import { compareText } from "../../util/compare.js";
import { allSecretWriters } from "../writers.js";
import { say } from "../../diagnostics/messages.js";

/**
 * Every Secret has one writer. The writers are those of `secretWriters` (src/verify/writers.ts: the Service CA,
 * cert-manager, cert-manager openshift-routes, Argo CD for a Secret emitted whole, trust-manager, sealed-secrets, and
 * cert-utils-operator adding keystores), the same model the readers of a Secret use. Two writers of a Secret's whole
 * data fight: the Service CA re-issues into a Secret it did not sign, and each overwrites the other's certificate.
 * The sealed-secrets controller writes the SealedSecret's own namespace and name (bitnami-labs/sealed-secrets
 * pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go Unseal: secret.SetNamespace/SetName from the
 * SealedSecret's metadata, whatever spec.template.metadata says). cert-utils-operator's keystores are compatible with
 * cert-manager, but not with the Service CA, which keeps only tls.crt and tls.key in its Secret (DESIGN.md), so the
 * two rewrite the Secret in turn.
 */
export const secretWritersRule: VerifyRule = {
  id: "secret-writers",
  hop: "secrets",
  needs: ["secrets"],
  reads: ["v1/Service", "cert-manager.io/Certificate", "route.openshift.io/Route", "v1/Secret", "bitnami.com/SealedSecret", "trust.cert-manager.io/Bundle", "cert-utils-operator annotations"],
  codes: ["MS5035"],
  models: "service-ca-operator serving-cert controller; cert-manager Certificate secretName; cert-manager/openshift-routes sync.go buildNextCert",
  run({ index }) {
    const paths: VerifyPath[] = [];
    const findings: VerifyFinding[] = [];
    for (const [key, list] of allSecretWriters(index)) {
      const sorted = [...list].sort((a, b) => compareText(a.who, b.who));
      const row = { rule: this.id, from: sorted.map((w) => w.who).join("; "), to: `Secret ${key}`, port: "-", client: "writes tls.crt / tls.key", server: `${sorted.length} writer${sorted.length === 1 ? "" : "s"}` };
      const full = sorted.filter((w) => !w.addsKeys);
      const conflict = full.length > 1 || (sorted.some((w) => w.addsKeys) && full.some((w) => w.ownsAllKeys));
      if (!conflict) {
        paths.push({ ...row, result: "ok" });
        continue;
      }
      const said = say.MS5035(key, full.length > 1 ? { writers: full.map((w) => w.who) } : { keepsOnlyItsKeys: full.find((w) => w.ownsAllKeys)?.who ?? "its writer" });
      paths.push({ ...row, result: "broken", reason: said.message });
      const first = full.length > 1 ? full[0] : sorted.find((w) => w.addsKeys);
      if (first?.object && first.path) findings.push({ ...said, object: first.object, path: first.path });
    }
    return { paths, findings };
  },
};
