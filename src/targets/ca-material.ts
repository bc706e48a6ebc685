import type { Authority, Model } from "../model/model.js";
import type { KeyAlgorithm } from "../model/policy-input.js";
import { authoritySecret, findAuthority, signingAuthorityName, trustedAuthorityNames } from "../model/names.js";
import { phaseGuidance } from "../model/rotation-phases.js";
import { planRotationChannels } from "./rotation-channels.js";
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
export const caMaterialTarget: Target = {
  id: "ca-material",
  plan(context: PlanContext): TargetPlan {
    const { model } = context;
    const plan = emptyPlan();
    for (const authority of model.authorities) {
      if (authority.source.type === "certManager") planCertManagerCa(model, authority, plan);
    }
    if (model.rotation) {
      const r = model.rotation;
      plan.notes.push({ subject: `authority ${r.authority}`, text: `rotation to ${r.next}, phase ${r.phase}: ${phaseGuidance(r.phase, r.authority, r.next)}` });
      planRotationChannels(model, context.authorities, plan);
    }
    if (model.output.secrets !== "none") {
      planIssuerSecrets(context, plan);
      planMeshCacerts(context, plan);
    }
    return plan;
  },
};

const base64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

/**
 * The `kubernetes.io/tls` Secret a CA issuer signs with, for generated authorities: tls.crt is the
 * signing CA followed by its chain, tls.key its key, ca.crt the root (cert-manager CA issuer docs).
 * During a rotation both the old and the next authority's Secrets exist, so issuers can switch.
 * Written as `data` (base64): `stringData` is folded into `data` by the API server and shows as drift.
 */
function planIssuerSecrets(context: PlanContext, plan: TargetPlan): void {
  const { model } = context;
  const seen = new Set<string>();
  for (const issuer of model.issuers) {
    if (issuer.spec.type !== "ca") continue;
    const names = new Set([issuer.spec.authority, signingAuthorityName(model, issuer.spec.authority), ...trustedAuthorityNames(model, issuer.spec.authority)]);
    for (const name of [...names].sort()) {
      const authority = findAuthority(model, name);
      const material = context.authorities.get(name);
      if (authority?.source.type !== "generate" || !(material?.caKeyPem || material?.keysAbsent)) continue;
      const secret = authoritySecret(model, authority, issuer.namespace);
      const key = `${secret.namespace}/${secret.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      plan.objects.push({
        target: "ca-material",
        template: "authorities/secret",
        values: {
          name: secret.name,
          namespace: secret.namespace,
          type: "kubernetes.io/tls",
          data: { "ca.crt": base64(material.rootCertPem), "tls.crt": base64(material.certChainPem), "tls.key": base64(material.caKeyPem ?? "") },
          // A clone without the key: compile reports the Secret as not refreshed instead of writing it.
          ...(material.keysAbsent ? { keysAbsent: true } : {}),
        },
        apiVersion: "v1",
        kind: "Secret",
        name: secret.name,
        namespace: secret.namespace,
        role: "secret",
        wave: -10,
        reason: `CA Secret of authority ${name} for CA issuer ${issuer.name} (holds the CA private key: written according to output.secrets)`,
        source: [...authority.path],
      });
    }
  }
}

/**
 * The mesh plug-in CA Secret `cacerts` (Istio "Plug in CA certificates"): ca-cert.pem and ca-key.pem
 * sign workload certificates, root-cert.pem is what workloads trust, cert-chain.pem links them.
 * In a rotation, root-cert.pem carries both roots until drop-old, and the signing CA moves at issue-new.
 */
function planMeshCacerts(context: PlanContext, plan: TargetPlan): void {
  const { model } = context;
  const name = model.platform.mesh.certificateAuthority;
  if (!name || model.platform.mesh.flavor === "none") return;
  const signing = context.authorities.get(signingAuthorityName(model, name));
  const trusted = trustedAuthorityNames(model, name).map((n) => context.authorities.get(n));
  if (!(signing?.caKeyPem || signing?.keysAbsent) || trusted.some((t) => !t)) return;
  const authority = findAuthority(model, name);
  plan.objects.push({
    target: "ca-material",
    template: "authorities/secret",
    values: {
      name: "cacerts",
      namespace: model.platform.mesh.namespace,
      type: "Opaque",
      data: {
        "ca-cert.pem": base64(signing.caCertPem),
        "ca-key.pem": base64(signing.caKeyPem ?? ""),
        "cert-chain.pem": base64(signing.certChainPem),
        "root-cert.pem": base64(trusted.map((t) => t?.rootCertPem ?? "").join("")),
      },
      ...(signing.keysAbsent ? { keysAbsent: true } : {}),
    },
    apiVersion: "v1",
    kind: "Secret",
    name: "cacerts",
    namespace: model.platform.mesh.namespace,
    role: "secret",
    wave: -10,
    reason: `mesh plug-in CA from authority ${signing.name} (holds the CA private key: written according to output.secrets)`,
    source: [...(authority?.path ?? ["platform", "serviceMesh", "certificateAuthority"])],
  });
}

function planCertManagerCa(model: Model, authority: Authority, plan: TargetPlan): void {
  const source = authority.source;
  if (source.type !== "certManager") return;
  const secret = authoritySecret(model, authority);
  // A selfSigned Issuer in the Certificate's namespace bootstraps it as well as a ClusterIssuer
  // (model/reference-rules.ts bootstrapIssuerFindings; MS2017 refuses one in another namespace).
  const bootstrap = model.issuers.find((i) => i.name === source.issuer)?.ref.kind ?? "ClusterIssuer";
  plan.objects.push({
    target: "ca-material",
    template: "authorities/ca-certificate",
    values: {
      name: secret.name,
      namespace: secret.namespace,
      secretName: secret.name,
      commonName: source.commonName,
      duration: source.duration,
      privateKey: { ...certManagerKey(source.keyAlgorithm), rotationPolicy: "Always" },
      issuerRef: { name: source.issuer, kind: bootstrap, group: "cert-manager.io" },
    },
    apiVersion: "cert-manager.io/v1",
    kind: "Certificate",
    name: secret.name,
    namespace: secret.namespace,
    role: "resource",
    wave: -10,
    reason: `authority ${authority.name} is a CA cert-manager makes: a self-signed CA certificate issued by ${source.issuer}, stored in Secret ${secret.namespace}/${secret.name}`,
    source: [...authority.path],
  });
  plan.notes.push({ subject: `authority ${authority.name}`, text: `CA certificate made by cert-manager (issuer ${source.issuer}); its key stays in Secret ${secret.namespace}/${secret.name}` });
}
