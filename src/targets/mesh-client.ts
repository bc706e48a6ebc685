import type { Model, Service } from "../model/model.js";
import { namespaceMtls, serviceMtls } from "../model/mtls.js";
import type { PlannedObject } from "../plan/planned-object.js";
import type { TargetPlan } from "./target.js";
import { defaultSends, needed } from "../model/client-tls.js";
import type { ClientSends, DrMode } from "../model/client-tls.js";

/** Waves: ISTIO_MUTUAL DestinationRules with the STRICT policies (DESIGN.md); DISABLE ones with the DISABLE policy they match. */
const MUTUAL_WAVE = 20;
const DISABLE_WAVE = 0;

/**
 * The client side of mTLS: what sidecars send, as opposed to what servers accept. A server policy alone
 * does not decide what clients originate:
 *
 * - Maistra 1.x with `global.mtls.enabled` renders DestinationRule `default` (`*.local`, ISTIO_MUTUAL);
 *   without it no DestinationRule, and auto mTLS is off (`global.mtls.auto: false`,
 *   maistra/istio-operator resources/helm/v1.1/istio/values.yaml; `enableAutoMtls` in templates/configmap.yaml),
 *   so clients send plain text.
 * - Maistra 2.x with `dataPlane.mtls: true` renders DestinationRule `default` (`*.cluster.local`,
 *   ISTIO_MUTUAL; resources/helm/v2.6/mesh-config/templates/enable-mesh-mtls.yaml); otherwise auto mTLS is on
 *   (`global.mtls.auto: true`, resources/helm/v2.6/global.yaml). Sail: auto mTLS (Istio's default).
 * - Auto mTLS follows only mesh- and namespace-level PeerAuthentication and ignores workload and port
 *   level ones (istio pilot/pkg/model/push_context.go `BestEffortInferServiceMTLSMode`), so a per-service
 *   DISABLE always needs a DestinationRule.
 *
 * The rules this writes sit in the service's own namespace with `exportTo: ["*"]`: Istio looks for a
 * DestinationRule in the client's namespace, then among those exported by the service's namespace, and only
 * then in the root namespace (push_context.go `destinationRule`, steps 1-4, the same order since 1.4), so they
 * win over the operator's `default` in the control plane namespace; the explicit exportTo keeps them
 * visible when the mesh sets `defaultDestinationRuleExportTo: ["."]`. A client namespace's own rule for the
 * host still wins, which the compiler cannot see.
 */
export function planClientTls(model: Model, plan: TargetPlan): void {
  const flavor = model.platform.mesh.flavor;
  const meshMode = model.mtls?.mode ?? "PERMISSIVE";
  const namespaceClients = new Map<string, ClientSends>();
  for (const ns of namespaceMtls(model)) {
    if (ns.namespace === model.platform.mesh.namespace) continue;
    const before = defaultSends(flavor, meshMode, ns.mode);
    const want = needed(ns.mode, before);
    if (want) {
      // Named `mtls`; per-service rules are `mtls-<service>`, so no service name can collide with it.
      plan.objects.push(destinationRule(model, ns.namespace, "mtls", `*.${ns.namespace}.svc.cluster.local`, { tls: { mode: want } }, want, [...ns.path], reasonFor(want, `namespace ${ns.namespace} (${ns.mode})`, before)));
      plan.notes.push({ subject: `mesh namespace ${ns.namespace}`, text: `clients would send ${describe(before)}; DestinationRule mtls sets ${want} for *.${ns.namespace}.svc.cluster.local` });
    }
    namespaceClients.set(ns.namespace, want ? { tls: want === "ISTIO_MUTUAL" ? "mtls" : "plain", explicit: true, by: `DestinationRule ${ns.namespace}/mtls` } : before);
  }
  for (const service of model.services) {
    if (!service.mtls || service.namespace === model.platform.mesh.namespace) continue;
    if (flavor !== "maistra-v1" && !service.selector) continue; // MS2251: no server-side override was written
    const before = namespaceClients.get(service.namespace);
    if (!before) continue;
    planServiceRule(model, service, before, plan);
  }
}

/** Per-service exception: on the Service port when the server side is port-level, else for the whole host. */
function planServiceRule(model: Model, service: Service, before: ClientSends, plan: TargetPlan): void {
  const mode = serviceMtls(model, service).mode;
  const want = needed(mode, before);
  if (!want) return;
  // Maistra 1.x Policy targets always name the Service port; PeerAuthentication is port-level when the
  // target port is a number (mesh.ts planWorkload). DestinationRule ports are Service ports.
  const portLevel = model.platform.mesh.flavor === "maistra-v1" || typeof service.targetPort === "number";
  const rest: DrMode | undefined = before.explicit ? (before.tls === "mtls" ? "ISTIO_MUTUAL" : "DISABLE") : undefined;
  // One DestinationRule is chosen per host (the most specific), so the other ports must repeat what the
  // namespace-wide or operator rule said, or they would fall back to plain text or auto mTLS.
  const trafficPolicy = portLevel
    ? { ...(rest ? { tls: { mode: rest } } : {}), portLevelSettings: [{ port: { number: service.port }, tls: { mode: want } }] }
    : { tls: { mode: want } };
  const host = `${service.name}.${service.namespace}.svc.cluster.local`;
  plan.objects.push(destinationRule(model, service.namespace, `mtls-${service.name}`, host, trafficPolicy, want, [...(service.mtls?.path ?? service.path)], reasonFor(want, `${service.name}${portLevel ? ` port ${service.port}` : ""} (${mode})`, before)));
  plan.notes.push({ subject: `service ${service.namespace}/${service.name}`, text: `clients would send ${describe(before)}; DestinationRule mtls-${service.name} sets ${want}${portLevel ? ` on port ${service.port}` : ""}` });
}

function describe(sends: ClientSends): string {
  return `${sends.tls === "mtls" ? "mTLS" : "plain text"} (${sends.by})`;
}

function reasonFor(mode: DrMode, what: string, before: ClientSends): string {
  return `client side of ${what}: sidecars would send ${describe(before)}, the server ${mode === "DISABLE" ? "accepts only plain text" : "accepts only mTLS"}`;
}

/** DestinationRule API per flavor: Istio 1.4 (Maistra 1.x) serves v1alpha3 only; Maistra 2.x v1beta1; Sail (Istio 1.22+) v1. */
function destinationRuleVersion(model: Model): string {
  const flavor = model.platform.mesh.flavor;
  return flavor === "maistra-v1" ? "networking.istio.io/v1alpha3" : flavor === "maistra-v2" ? "networking.istio.io/v1beta1" : "networking.istio.io/v1";
}

function destinationRule(model: Model, namespace: string, name: string, host: string, trafficPolicy: Record<string, unknown>, want: DrMode, source: (string | number)[], reason: string): PlannedObject {
  const apiVersion = destinationRuleVersion(model);
  return {
    target: "mesh",
    template: "mesh/destination-rule",
    values: { apiVersion, name, namespace, spec: { host, exportTo: ["*"], trafficPolicy } },
    apiVersion,
    kind: "DestinationRule",
    name,
    namespace,
    role: "resource",
    wave: want === "DISABLE" ? DISABLE_WAVE : MUTUAL_WAVE,
    reason,
    source,
  };
}
