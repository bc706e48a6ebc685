import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import type { Issuer, Knative, PolicyPath } from "../model/model.js";
import { trustedAuthorityNames } from "../model/names.js";
import { TRUST_BUNDLE_LABEL } from "../plan/authority-material.js";
import { emptyPlan } from "./target.js";
import { bundleSecretSource } from "./trust-manager.js";
import type { AuthorityMaterialView, PlanContext, Target, TargetPlan } from "./target.js";

type Feature = "clusterLocal" | "systemInternal" | "external";
const FEATURES: ReadonlyArray<{ feature: Feature; flag: keyof Knative; network: string; certmanager: string; label: string }> = [
  // Keys of the config-network and config-certmanager ConfigMaps (knative.dev/networking pkg/config).
  { feature: "clusterLocal", flag: "clusterLocalDomainTLS", network: "cluster-local-domain-tls", certmanager: "clusterLocalIssuerRef", label: "cluster-local domain TLS" },
  { feature: "systemInternal", flag: "systemInternalTLS", network: "system-internal-tls", certmanager: "systemInternalIssuerRef", label: "system-internal TLS" },
  { feature: "external", flag: "externalDomainTLS", network: "external-domain-tls", certmanager: "issuerRef", label: "external domain TLS" },
];

/** KnativeServing transport-encryption config and the trust bundles its components read. */
export const knativeTarget: Target = {
  id: "knative",
  plan(context: PlanContext): TargetPlan {
    const plan = emptyPlan();
    const knative = context.model.knative;
    if (!knative) return plan;
    const { model } = context;
    const issuers = new Map(model.issuers.map((i) => [i.name, i]));
    const certmanager: Record<string, string> = {};
    const network: Record<string, string> = {};
    const subject = "knative";

    for (const f of FEATURES) {
      const enabled = knative[f.flag] === true;
      network[f.network] = enabled ? "Enabled" : "Disabled";
      const issuerName = knative.issuers[f.feature];
      const issuerPath: PolicyPath = [...knative.path, "issuers", f.feature];
      if (!enabled) continue;
      if (!issuerName) {
        plan.findings.push({ ...say.MS2404(f.label, f.feature), path: [...knative.path, f.flag] });
        continue;
      }
      const issuer = issuers.get(issuerName);
      if (!issuer) continue; // undeclared: reported by normalize
      plan.findings.push(...checkIssuer(f.feature, f.label, issuer, issuerPath));
      // Knative reads the reference as YAML text (config-certmanager), so it is written as a string.
      certmanager[f.certmanager] = `kind: ${issuer.ref.kind}\nname: ${issuer.name}\n`;
    }

    if (model.platform.mesh.flavor !== "none" && FEATURES.some((f) => knative[f.flag] === true)) {
      plan.findings.push({ ...say.MS2402(model.platform.mesh.flavor), path: [...knative.path] });
    }
    if (knative.systemInternalTLS && !knative.trustBundle) {
      plan.findings.push({ ...say.MS2405(), path: [...knative.path, "systemInternalTLS"] });
    }

    plan.objects.push({
      target: "knative",
      template: "knative/knativeserving",
      values: { name: knative.name, namespace: knative.namespace, config: { certmanager: Object.keys(certmanager).length > 0 ? certmanager : null, network } },
      apiVersion: "operator.knative.dev/v1beta1",
      kind: "KnativeServing",
      name: knative.name,
      namespace: knative.namespace,
      role: knative.owned ? "resource" : "patch",
      wave: 0,
      reason: knative.owned
        ? "the policy owns the KnativeServing resource (knative.owned: true)"
        : "the KnativeServing resource is owned by the platform's installation: its encryption config is added by a patch",
      source: [...knative.path],
    });
    for (const f of FEATURES) plan.notes.push({ subject, text: `${f.label}: ${network[f.network] ?? "Disabled"}${certmanager[f.certmanager] ? ` (issuer ${knative.issuers[f.feature]})` : ""}` });
    const restarts = [
      ...(knative.clusterLocalDomainTLS || knative.systemInternalTLS ? ["`oc rollout restart deploy/controller -n knative-serving` (enables the cert-manager integration)"] : []),
      ...(knative.systemInternalTLS ? ["`oc rollout restart deploy/activator -n knative-serving` (its TLS server is set up only at start)"] : []),
    ];
    for (const restart of restarts) plan.notes.push({ subject, text: `after the first sync, restart: ${restart}` });

    if (knative.trustBundle) planTrustBundle(context, knative, plan);
    return plan;
  },
};

function checkIssuer(feature: Feature, label: string, issuer: Issuer, path: PolicyPath): Finding[] {
  const findings: Finding[] = [];
  if (issuer.spec.type === "acme" && feature !== "external") {
    findings.push({ ...say.MS2401(label, issuer.name), path: [...path] });
  }
  if (feature === "systemInternal" && issuer.spec.type === "selfSigned") {
    findings.push({ ...say.MS2403(issuer.name), path: [...path] });
  }
  if (issuer.ref.kind === "Issuer") {
    findings.push({ ...say.MS2406(issuer.name, issuer.namespace), path: [...path] });
  }
  return findings;
}

/** The oldest trust-manager that honours every field of the Bundle below. */
export const TRUST_MANAGER_MINIMUM = "v0.17.0";

/**
 * ConfigMaps labelled for Knative in every listed namespace. With every certificate known locally
 * (generated authorities) they are written out; otherwise trust-manager copies the CA from its Secret.
 * During a rotation the bundle holds the roots the phase asks for (old and new, or only the new).
 */
function planTrustBundle(context: PlanContext, knative: Knative, plan: TargetPlan): void {
  const bundle = knative.trustBundle;
  if (!bundle) return;
  const { model } = context;
  const names = [...new Set(bundle.authorities.flatMap((a) => trustedAuthorityNames(model, a)))];
  const known = new Map<string, AuthorityMaterialView>();
  for (const name of names) {
    const material = context.authorities.get(name);
    if (material) known.set(name, material);
  }
  const subject = "knative";
  if (known.size === names.length) {
    const data = Object.fromEntries(names.map((name) => [`${name}.pem`, known.get(name)?.rootCertPem ?? ""]));
    for (const namespace of [...bundle.namespaces].sort()) {
      plan.objects.push({
        target: "knative",
        template: "knative/trust-bundle",
        values: { name: bundle.name, namespace, labels: { [TRUST_BUNDLE_LABEL]: "true" }, data },
        apiVersion: "v1",
        kind: "ConfigMap",
        name: bundle.name,
        namespace,
        role: "resource",
        wave: 0,
        reason: `trust bundle for Knative components: root certificates of ${names.join(", ")}`,
        source: [...bundle.path],
      });
    }
    return;
  }
  const sources: Array<Record<string, unknown>> = [];
  for (const name of names) {
    const material = known.get(name);
    const source = material ? { inLine: material.rootCertPem } : bundleSecretSource(model, name, "read", plan);
    if (source) sources.push(source);
  }
  plan.objects.push({
    target: "knative",
    template: "knative/trust-manager-bundle",
    values: {
      name: bundle.name,
      sources,
      target: {
        configMap: { key: "ca-bundle.pem", metadata: { labels: { [TRUST_BUNDLE_LABEL]: "true" } } },
        namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...bundle.namespaces].sort() }] },
      },
    },
    apiVersion: "trust.cert-manager.io/v1alpha1",
    kind: "Bundle",
    name: bundle.name,
    role: "resource",
    wave: 0,
    reason: `trust bundle for Knative components via trust-manager: the CA certificates of ${names.join(", ")} are not all known locally (they live in cluster Secrets)`,
    source: [...bundle.path],
  });
  // The Bundle relies on `target.configMap.metadata` (trust-manager v0.17+: TargetTemplate.Metadata first appears
  // in cert-manager/trust-manager v0.17.0 pkg/apis/trust/v1alpha1/types_bundle.go) for the Knative label and on
  // `namespaceSelector.matchExpressions` (v0.14+, see trust-manager.ts): an older trust-manager drops the label, and Knative
  // then never reads the bundle, so the minimum version is part of what explain says.
  plan.notes.push({ subject, text: `trust bundle distributed by trust-manager (Bundle ${bundle.name}) into ${[...bundle.namespaces].sort().join(", ")}; needs trust-manager ${TRUST_MANAGER_MINIMUM} or later (target.configMap.metadata carries the Knative label; older versions drop it and Knative ignores the bundle)` });
}

