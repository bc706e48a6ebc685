import type { CallEdge, TrustSource } from "../model/call-graph.js";
import type { Model } from "../model/model.js";
import { findAuthority } from "../model/names.js";
import { trustFileName } from "../model/workloads.js";
import { INJECT_CABUNDLE_ANNOTATION } from "./service-ca.js";
import type { PlanContext, TargetPlan } from "./target.js";
import { bundleSecretSource, TRUST_MANAGER_SELECTOR_MINIMUM } from "./trust-manager.js";
import { compareText } from "../util/compare.js";

/** One file of a caller's trust directory: `key` of ConfigMap `configMap`, written as `path`. */
export interface TrustItem {
  configMap: string;
  key: string;
  path: string;
}

/**
 * The objects that carry the callees' CA trust into the callers' namespaces, and the files each caller
 * service gets (by `namespace/name`). A ConfigMap volume can only come from the pod's own namespace, so
 * every caller namespace gets its copy:
 * - a generated authority: a ConfigMap with its root certificate(s), written by the compiler;
 * - the Service CA: a dedicated ConfigMap annotated for injection (the injector replaces the whole data
 *   with `service-ca.crt`: openshift/service-ca-operator pkg/controller/cabundleinjector/configmap.go,
 *   configMapCABundleInjector.Sync);
 * - any other CA (existingSecret, certManager): a trust-manager Bundle that copies `ca.crt` of the CA's
 *   Secret, read from trust-manager's trust namespace, into a ConfigMap of the Bundle's name in each
 *   selected namespace (cert-manager/trust-manager, Bundle `spec.target.configMap`, `namespaceSelector`);
 * - public ACME: nothing (system trust).
 * During a CA rotation the trust carries every root the phase asks for.
 */
export function planCallerTrust(context: PlanContext, edges: readonly CallEdge[], plan: TargetPlan): Map<string, TrustItem[]> {
  const { model } = context;
  const items = new Map<string, TrustItem[]>();
  const configMaps = new Map<string, { trust: TrustSource; namespace: string; source: readonly (string | number)[] }>();
  const bundles = new Map<string, { trust: Extract<TrustSource, { type: "trust-manager" }>; namespaces: Set<string> }>();
  for (const edge of edges) {
    const { trust, caller, callee } = edge;
    if (trust.type === "system") {
      plan.notes.push({ subject: "calls", text: `${label(caller)} → ${label(callee)}: ${callee.name} presents a certificate from the ACME issuer ${trust.issuer}; clients use their system trust, nothing is mounted` });
      continue;
    }
    if (trust.type === "untrusted" || trust.type === "plaintext" || !edge.trustFile) continue;
    const key = `${caller.namespace}/${caller.name}`;
    const list = items.get(key) ?? [];
    list.push({ configMap: trust.configMap, key: trust.key, path: trustFileName(callee) });
    items.set(key, list);
    if (trust.type === "trust-manager") {
      const bundle = bundles.get(trust.configMap) ?? { trust, namespaces: new Set<string>() };
      bundle.namespaces.add(caller.namespace);
      bundles.set(trust.configMap, bundle);
    } else {
      const key = `${caller.namespace}/${trust.configMap}`;
      if (!configMaps.has(key)) configMaps.set(key, { trust, namespace: caller.namespace, source: edge.path });
    }
  }
  for (const [, { trust, namespace, source }] of [...configMaps.entries()].sort(([a], [b]) => compareText(a, b))) {
    if (trust.type === "service-ca") planServiceCaTrust(namespace, trust.configMap, source, plan);
    else if (trust.type === "authority") planAuthorityTrust(context, namespace, trust, plan);
  }
  for (const [name, { trust, namespaces }] of [...bundles.entries()].sort(([a], [b]) => compareText(a, b))) planBundle(model, name, trust, [...namespaces].sort(), plan);
  return items;
}

function label(service: { namespace: string; name: string }): string {
  return `${service.namespace}/${service.name}`;
}

function planServiceCaTrust(namespace: string, name: string, source: readonly (string | number)[], plan: TargetPlan): void {
  plan.objects.push({
    target: "workloads",
    template: "service-ca/cabundle-configmap",
    values: { name, namespace, annotations: { [INJECT_CABUNDLE_ANNOTATION]: "true" } },
    apiVersion: "v1",
    kind: "ConfigMap",
    name,
    namespace,
    role: "resource",
    wave: 0,
    reason: "the Service CA injects its bundle (key service-ca.crt) into this dedicated ConfigMap; callers in this namespace mount it to trust services on the Service CA",
    source: [...source],
  });
}

function planAuthorityTrust(context: PlanContext, namespace: string, trust: Extract<TrustSource, { type: "authority" }>, plan: TargetPlan): void {
  const roots = trust.roots.map((name) => context.authorities.get(name)?.rootCertPem);
  if (roots.some((pem) => pem === undefined)) {
    // Only without CA material (validate, explain before `ca init`); compile generates it first.
    plan.notes.push({ subject: "calls", text: `ConfigMap ${namespace}/${trust.configMap} (the root certificates of ${trust.roots.join(", ")}) is written once the CA material exists` });
    return;
  }
  plan.objects.push({
    target: "workloads",
    template: "workloads/trust-configmap",
    values: { name: trust.configMap, namespace, data: { [trust.key]: roots.join("") } },
    apiVersion: "v1",
    kind: "ConfigMap",
    name: trust.configMap,
    namespace,
    role: "resource",
    wave: 0,
    reason: `root certificate(s) of ${trust.roots.join(", ")} for callers in ${namespace} of services that authority ${trust.authority} signs for`,
    source: [...(findAuthority(context.model, trust.authority)?.path ?? ["authorities", trust.authority])],
  });
}

function planBundle(model: Model, name: string, trust: Extract<TrustSource, { type: "trust-manager" }>, namespaces: string[], plan: TargetPlan): void {
  const sources = trust.roots.flatMap((root) => bundleSecretSource(model, root, "give callers", plan) ?? []);
  plan.objects.push({
    target: "workloads",
    template: "knative/trust-manager-bundle",
    values: {
      name,
      sources,
      target: {
        configMap: { key: trust.key },
        namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: namespaces }] },
      },
    },
    apiVersion: "trust.cert-manager.io/v1alpha1",
    kind: "Bundle",
    name,
    role: "resource",
    wave: 0,
    reason: `trust-manager copies the CA certificate of ${trust.roots.join(", ")} (a cluster Secret) into ConfigMap ${name} in ${namespaces.join(", ")}, for the callers there`,
    source: [...(findAuthority(model, trust.authority)?.path ?? ["authorities", trust.authority])],
  });
  plan.notes.push({
    subject: "calls",
    text: `Bundle ${name} needs trust-manager ${TRUST_MANAGER_SELECTOR_MINIMUM} or later on the cluster: it writes ConfigMap ${name} (key ${trust.key}) into ${namespaces.join(", ")} only, through namespaceSelector.matchExpressions, which older versions ignore (they write it into every namespace)`,
  });
}
