import type { Authority, Model } from "../model/model.js";
import type { KeyAlgorithm } from "../model/policy-input.js";
import { authoritySecret } from "../model/names.js";
import { emptyPlan } from "./target.js";
import type { PlanContext, Target, TargetPlan } from "./target.js";

/** cert-manager's privateKey for a policy key algorithm name. */
export function certManagerKey(algorithm: KeyAlgorithm): { algorithm: "ECDSA" | "RSA"; size: number } {
  const [family, size] = algorithm.split("-");
  return family === "ECDSA" ? { algorithm: "ECDSA", size: size === "P384" ? 384 : 256 } : { algorithm: "RSA", size: Number(size) };
}

/**
 * CA material as objects: for an authority cert-manager makes (`certManager:`), the self-signed CA
 * Certificate (`isCA: true`) in cert-manager's namespace whose Secret the CA issuers read
 * (cert-manager docs, "Bootstrapping CA Issuers").
 */
export const authoritiesTarget: Target = {
  id: "ca-material",
  plan({ model }: PlanContext): TargetPlan {
    const plan = emptyPlan();
    for (const authority of model.authorities) {
      if (authority.source.type === "certManager") planCertManagerCa(model, authority, plan);
    }
    return plan;
  },
};

function planCertManagerCa(model: Model, authority: Authority, plan: TargetPlan): void {
  if (authority.source.type !== "certManager") return;
  const secret = authoritySecret(model, authority);
  plan.objects.push({
    target: "ca-material",
    template: "authorities/ca-certificate",
    values: {
      name: secret.name,
      namespace: secret.namespace,
      secretName: secret.name,
      commonName: authority.source.commonName,
      duration: authority.source.duration,
      privateKey: { ...certManagerKey(authority.source.keyAlgorithm), rotationPolicy: "Always" },
      issuerRef: { name: authority.source.issuer, kind: "ClusterIssuer", group: "cert-manager.io" },
    },
    apiVersion: "cert-manager.io/v1",
    kind: "Certificate",
    name: secret.name,
    namespace: secret.namespace,
    role: "resource",
    wave: -10,
    reason: `authority ${authority.name} is a CA cert-manager makes: a self-signed CA certificate issued by ${authority.source.issuer}, stored in Secret ${secret.namespace}/${secret.name}`,
    source: [...authority.path],
  });
  plan.notes.push({ subject: `authority ${authority.name}`, text: `CA certificate made by cert-manager (issuer ${authority.source.issuer}); its key stays in Secret ${secret.namespace}/${secret.name}` });
}
