import type { Model, Service } from "../model/model.js";
import { say } from "../diagnostics/messages.js";
import type { TargetPlan } from "./target.js";

// Maistra (Service Mesh 1.1 and 2.x) membership is also a network decision. With `manageNetworkPolicy` (the
// default: pkg/controller/servicemesh/controlplane/hooks.go skips NetworkPolicies only when
// spec.security.manageNetworkPolicy is false) the operator renders two NetworkPolicies into the control plane
// namespace (maistra/istio-operator, branch maistra-2.5 read — the snapshot has no 2.6 —
// resources/helm/v2.5/mesh-config/templates/networkpolicy.yaml; v1.1: resources/helm/v1.1/istio/templates/
// networkpolicy.yaml, where the names carry no -<rev> suffix):
//   istio-mesh-<rev>          every pod; ingress only from namespaces labelled maistra.io/member-of=<cp ns>
//   istio-expose-route-<rev>  pods labelled maistra.io/expose-route: "true"; ingress from namespaces labelled
//                             network.openshift.io/policy-group: ingress (the router's)
// (<rev> is the SMCP's name: pkg/controller/versions/strategy_v2_*.go SetField("revision", smcp.GetName())),
// and the member controller copies every one labelled maistra.io/owner=<cp ns> and not annotated
// maistra.io/internal into each member namespace (pkg/controller/servicemesh/member/ovs_networkpolicy.go
// networkPolicyStrategy.init and reconcileNamespaceInMesh; the v2.5 istiod, gateway and addon policies are
// internal, as is v1.1's
// istio-ingress-router, which admits the router to every pod, is internal and stays in the control plane
// namespace). So in a member namespace the pods are already isolated: the router reaches only labelled
// pods, and a client in a namespace that is not a member reaches nothing. An extra NetworkPolicy there is
// purely additive. Outside a Maistra-managed namespace a NetworkPolicy that selects pods isolates them, so
// none is ever emitted there.

/** The pod label the operator's istio-expose-route policy admits the router to. */
export const EXPOSE_ROUTE_LABEL = "maistra.io/expose-route";
/** The pod annotation Istio's injector reads (istio/istio pkg/kube/inject/webhook.go, `injectRequired`). */
export const INJECT_ANNOTATION = "sidecar.istio.io/inject";

/** True on a Maistra control plane (SMCP v1 or v2). */
export function isMaistra(model: Model): boolean {
  return model.platform.mesh.flavor === "maistra-v1" || model.platform.mesh.flavor === "maistra-v2";
}

/**
 * True when the operator's NetworkPolicies are known to be in the namespace: the control plane's own, or a
 * member the policy itself joins (`membership`). With membership left to the installation the compiler
 * cannot tell, and a NetworkPolicy there might be the first to select the pods.
 */
export function isMaistraManaged(model: Model, namespace: string): boolean {
  const mesh = model.platform.mesh;
  return isMaistra(model) && (namespace === mesh.namespace || mesh.membership);
}

/** What the pod template of a service's workload needs on Maistra, with why (for the patch's reason). */
export interface PodMetadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  why: string[];
}

/**
 * The pod template metadata Maistra needs on a service's pods:
 * - `sidecar.istio.io/inject: "true"`: the default profiles turn auto-injection off (maistra/istio-operator
 *   resources/smcp-templates/v1.1/base `global.proxy.autoInject: disabled`, v2.5/base — the newest in the
 *   snapshot read — `proxy.injection.autoInject: false`), and Istio's injector then injects only pods whose
 *   annotation asks for it (istio pkg/kube/inject/inject.go `injectRequired`; not re-read in maistra/istio). Without a sidecar, the policy's PeerAuthentication and AuthorizationPolicy
 *   have nothing to act on: the promise of `mtls` and `callers` would not hold.
 * - `maistra.io/expose-route: "true"` on a routed service: the only policy that admits the router.
 */
export function maistraPodMetadata(model: Model, service: Service): PodMetadata | undefined {
  if (!isMaistra(model)) return undefined;
  const meta: PodMetadata = { labels: {}, annotations: { [INJECT_ANNOTATION]: "true" }, why: [] };
  meta.why.push(`asks for a sidecar (${INJECT_ANNOTATION}: "true"; Maistra's default profiles turn auto-injection off)`);
  if (service.route) {
    meta.labels[EXPOSE_ROUTE_LABEL] = "true";
    meta.why.push(`labels the pods ${EXPOSE_ROUTE_LABEL}: "true" so the operator's istio-expose-route NetworkPolicy admits the router (Route ${service.route.name})`);
  }
  return meta;
}

/**
 * What cannot be done through the workload patch: the router to a service whose pods are unknown (MS2259),
 * and clients outside the mesh, for whom the operator's policies have no rule: a NetworkPolicy admitting
 * every client to the service's port, on the pods its `selector` finds, in a Maistra-managed namespace
 * (additive there); otherwise MS2260 with the NetworkPolicy to add.
 */
export function planMaistraNetwork(model: Model, plan: TargetPlan): void {
  if (!isMaistra(model)) return;
  const mesh = model.platform.mesh;
  for (const service of model.services) {
    const subject = `service ${service.namespace}/${service.name}`;
    if (service.route && !service.workload) {
      plan.findings.push({ ...say.MS2259(service.route.name, service.name, service.namespace, EXPOSE_ROUTE_LABEL), path: [...service.path, "exposure"] });
    }
    if (!service.calledFromOutsideMesh) continue;
    const port = service.targetPort;
    if (service.selector && isMaistraManaged(model, service.namespace)) {
      const name = `${service.name}-outside-mesh`;
      plan.objects.push({
        target: "mesh",
        template: "mesh/network-policy",
        values: {
          name,
          namespace: service.namespace,
          spec: {
            podSelector: { matchLabels: { ...service.selector } },
            policyTypes: ["Ingress"],
            // No `from`: any source, since callers outside the mesh are by definition not in a member namespace.
            ingress: [{ ports: [{ protocol: "TCP", port }] }],
          },
        },
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        name,
        namespace: service.namespace,
        role: "resource",
        wave: 0,
        reason: `callers outside the mesh reach port ${String(port)} of ${service.name}: Maistra's istio-mesh NetworkPolicy admits only member namespaces, and this one adds that port for every client (additive: the pods are already isolated by the operator's policies)`,
        source: [...service.path, "calledFromOutsideMesh"],
      });
      plan.notes.push({ subject, text: `NetworkPolicy ${name} admits every client to port ${String(port)} of its pods: callers outside the mesh are in no member namespace, so Maistra's istio-mesh policy would drop them` });
      continue;
    }
    plan.findings.push({ ...say.MS2260(service.name, service.namespace, mesh.namespace, service.selector, port), path: [...service.path, "calledFromOutsideMesh"] });
  }
}
