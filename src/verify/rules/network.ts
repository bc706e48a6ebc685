import { isObject } from "../manifests.js";
import { describe, field, labels, str } from "../object-index.js";
import type { KubeObject, ObjectIndex } from "../object-index.js";
import { membershipOf } from "../membership.js";
import { podTemplates, WORKLOAD_KINDS } from "../pods.js";
import type { VerifyFinding, VerifyPath, VerifyRule } from "../rule.js";
import { missing } from "../rule.js";
import { labelMap, selectorMatches } from "../selectors.js";
import { podLabelsOf, servicePorts, workloadsOf } from "../workloads.js";
import { calleesOfWorkload } from "./call-authorization.js";
import { say } from "../../diagnostics/messages.js";

const NP = "networking.k8s.io/NetworkPolicy";
const SMCP = "maistra.io/ServiceMeshControlPlane";
const INGRESS_GROUP = "network.openshift.io/policy-group";

/** A source of traffic: its namespace's labels and its pods' labels (undefined when unknown). */
interface Peer {
  label: string;
  namespace: string;
  namespaceLabels: Record<string, string>;
  podLabels?: Record<string, string>;
}

/** A destination: the pods (labels, exact or only the Service selector) and the port they listen on. */
interface Target {
  namespace: string;
  podLabels: Record<string, string>;
  exact: boolean;
  port?: number;
  portName?: string;
  /** The pod port's name is unknown (the workloads were not read): a named policy port is not decided. */
  portNameUnknown?: boolean;
}

/**
 * Network: Kubernetes NetworkPolicy semantics (kubernetes/api networking/v1 types.go; the NetworkPolicy
 * documentation's "isolation" rules): a pod is isolated for ingress when some policy of its namespace selects it
 * (podSelector, empty = all) with policyTypes containing Ingress (the default when policyTypes is absent); then only
 * connections that some selecting policy's ingress rule admits pass — the union of the policies. A rule without `from`
 * admits every source, a peer with podSelector alone means pods of the policy's own namespace, with namespaceSelector
 * pods of the selected namespaces (both: the intersection), ipBlock CIDRs (pod and router addresses are not known
 * here: not modelled). Ports: none = every port; a number is the pod port, a name the container port's name.
 *
 * The policies read come from the output, from `--with`, and from the Maistra operator, which copies into every
 * member namespace (maistra/istio-operator resources/helm/v2.5/mesh-config/templates/networkpolicy.yaml — maistra-2.5
 * is the newest branch in the snapshot read —, rendered unless SMCP spec.security.manageNetworkPolicy is false
 * (pkg/controller/servicemesh/controlplane/hooks.go) and copied by pkg/controller/servicemesh/member/ovs_networkpolicy.go
 * reconcileNamespaceInMesh; <smcp> is the revision, the SMCP's name; v1.1 names them without the suffix):
 * `istio-mesh-<smcp>` (every pod; from namespaces labelled `maistra.io/member-of: <cp namespace>`) and
 * `istio-expose-route-<smcp>` (pods labelled `maistra.io/expose-route: "true"`; from namespaces labelled
 * `network.openshift.io/policy-group: ingress`, the router's). The router's namespace is the one labelled
 * `network.openshift.io/policy-group: ingress` (openshift/cluster-ingress-operator manifests: openshift-ingress);
 * member namespaces carry `maistra.io/member-of: <cp namespace>` (member/namespace_reconciler.go reconcileNamespaceInMesh,
 * common.MemberOfKey).
 */
export const networkRule: VerifyRule = {
  id: "network",
  hop: "network",
  needs: ["workloads", "namespaces"],
  reads: [NP, "v1/Namespace", "maistra.io/ServiceMeshControlPlane|ServiceMeshMember", "route.openshift.io/Route", "apps/Deployment|StatefulSet|DaemonSet"],
  codes: ["MS5070", "MS5071"],
  models: "Kubernetes NetworkPolicy ingress isolation and union; maistra/istio-operator mesh-config networkpolicy.yaml (istio-mesh, istio-expose-route)",
  run({ index }) {
    const paths: VerifyPath[] = [];
    const findings: VerifyFinding[] = [];
    const policies = (namespace: string): KubeObject[] => [...index.list(NP, namespace), ...maistraPolicies(index, namespace)];
    const routerNs = routerNamespace(index);
    for (const route of index.list("route.openshift.io/Route")) {
      const ns = route.namespace ?? "default";
      const serviceName = str(route.body, "spec", "to", "name") ?? "";
      const service = index.get("/Service", ns, serviceName);
      if (policies(ns).length === 0) continue;
      const base = { rule: this.id, from: `router (namespace ${routerNs.namespace})`, to: `pods of Service ${ns}/${serviceName}`, client: "TCP from the router" };
      if (!service || service.partial) {
        paths.push({ ...base, port: "?", server: `NetworkPolicies ${policies(ns).map((p) => p.name).join(", ")}`, result: "not checked", reason: missing(`Service ${ns}/${serviceName} is not read`, "services") });
        continue;
      }
      const pod = podLabelsOf(index, service);
      const target = withPortName(index, service, routeTargetPort(index, route, service));
      const verdict = admits(policies(ns), { namespace: ns, podLabels: pod.labels, exact: pod.exact, ...target }, routerNs);
      const row = { ...base, port: String(target.port ?? target.portName ?? "?"), server: verdict.server };
      if (verdict.result === "broken") {
        const said = say.MS5070(`${ns}/${serviceName}`, verdict.selecting.map(describePolicy), routerNs.namespace, row.port, describe(route), verdict.selecting.some((p) => p.renderedBy));
        paths.push({ ...row, result: "broken", reason: said.message });
        findings.push({ ...said, object: route, path: ["spec", "to", "name"] });
      } else paths.push({ ...row, result: verdict.result, ...(verdict.reason ? { reason: verdict.reason } : {}) });
    }
    for (const caller of WORKLOAD_KINDS.flatMap((gk) => index.list(gk))) {
      const callerPod = podTemplates(index).find((p) => p.workload === caller);
      for (const callee of calleesOfWorkload(caller)) {
        if (policies(callee.namespace).length === 0) continue;
        const service = index.get("/Service", callee.namespace, callee.name);
        const base = { rule: this.id, from: describe(caller), to: `pods of Service ${callee.namespace}/${callee.name}`, client: "TCP from the caller" };
        if (!service || service.partial) {
          paths.push({ ...base, port: "?", server: "?", result: "not checked", reason: missing(`Service ${callee.namespace}/${callee.name} is not read`, "services") });
          continue;
        }
        const pod = podLabelsOf(index, service);
        const port = (servicePorts(index, service) ?? [])[0];
        const source: Peer = { label: describe(caller), namespace: caller.namespace ?? "default", namespaceLabels: namespaceLabelsOf(index, caller.namespace ?? "default"), ...(callerPod?.whole ? { podLabels: callerPod.labels } : {}) };
        const target = withPortName(index, service, { ...(port?.podPort !== undefined ? { port: port.podPort } : {}), ...(typeof port?.targetPort === "string" ? { portName: port.targetPort } : {}) });
        const verdict = admits(policies(callee.namespace), { namespace: callee.namespace, podLabels: pod.labels, exact: pod.exact, ...target }, source);
        const row = { ...base, port: String(port?.podPort ?? "?"), server: verdict.server };
        if (verdict.result === "broken") {
          const said = say.MS5071(`${callee.namespace}/${callee.name}`, verdict.selecting.map(describePolicy), describe(caller), row.port);
          paths.push({ ...row, result: "broken", reason: said.message });
          findings.push({ ...said, object: caller, path: ["metadata", "name"] });
        } else paths.push({ ...row, result: verdict.result, ...(verdict.reason ? { reason: verdict.reason } : {}) });
      }
    }
    return { paths, findings };
  },
};

function describePolicy(p: KubeObject): string {
  return p.renderedBy ? `${describe(p)} (copied by the Maistra operator)` : describe(p);
}

/** The router's namespace: a Namespace read labelled policy-group ingress, else OpenShift's openshift-ingress. */
function routerNamespace(index: ObjectIndex): Peer {
  const ns = index.list("/Namespace").find((n) => labels(n)[INGRESS_GROUP] === "ingress");
  const name = ns?.name ?? "openshift-ingress";
  return { label: "the router", namespace: name, namespaceLabels: { ...namespaceLabelsOf(index, name), [INGRESS_GROUP]: "ingress" } };
}

/** A namespace's labels: read ones, its name, and `maistra.io/member-of` when it is a Maistra member. */
function namespaceLabelsOf(index: ObjectIndex, namespace: string): Record<string, string> {
  const ns = index.get("/Namespace", undefined, namespace);
  const out: Record<string, string> = { ...(ns ? labels(ns) : {}), "kubernetes.io/metadata.name": namespace };
  const m = membershipOf(index, namespace);
  if (m.member === true && m.controlPlane.group === SMCP) out["maistra.io/member-of"] = m.controlPlane.namespace ?? "istio-system";
  return out;
}

/** The NetworkPolicies Maistra copies into a member namespace (see the rule's comment). */
function maistraPolicies(index: ObjectIndex, namespace: string): KubeObject[] {
  const m = membershipOf(index, namespace);
  if (m.member !== true || m.controlPlane.group !== SMCP) return [];
  const cp = m.controlPlane;
  if (field(cp.body, "spec", "security", "manageNetworkPolicy") === false) return [];
  const smm = index.get("maistra.io/ServiceMeshMember", namespace, "default") ?? cp;
  const make = (name: string, spec: Record<string, unknown>): KubeObject => ({
    group: NP,
    kind: "NetworkPolicy",
    name,
    namespace,
    partial: false,
    sources: [],
    body: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec },
    renderedBy: { object: smm, path: smm === cp ? ["metadata", "name"] : ["spec", "controlPlaneRef"], controller: "the Maistra operator" },
  });
  return [
    make(`istio-mesh-${cp.name}`, { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "maistra.io/member-of": cp.namespace ?? "istio-system" } } }] }] }),
    make(`istio-expose-route-${cp.name}`, { podSelector: { matchLabels: { "maistra.io/expose-route": "true" } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { [INGRESS_GROUP]: "ingress" } } }] }] }),
  ];
}

/** The pod port a Route reaches: its targetPort as a pod port number or a Service port's name → the pod port. */
function routeTargetPort(index: ObjectIndex, route: KubeObject, service: KubeObject): { port?: number; portName?: string } {
  const raw = field(route.body, "spec", "port", "targetPort");
  const ports = servicePorts(index, service) ?? [];
  const byName = ports.find((p) => p.name === raw);
  const chosen = byName ?? ports.find((p) => String(p.podPort) === String(raw)) ?? (raw === undefined ? ports[0] : undefined);
  if (chosen) return { ...(chosen.podPort !== undefined ? { port: chosen.podPort } : {}), ...(typeof chosen.targetPort === "string" ? { portName: chosen.targetPort } : {}) };
  return /^\d+$/.test(String(raw)) ? { port: Number(raw) } : {};
}

/**
 * A named NetworkPolicy port is the name of a container port of the selected pods (kubernetes/api networking/v1
 * NetworkPolicyPort). The name of the target's port number, from the workloads the Service selects (`--with`);
 * undefined when they were not read — then a named policy port is not decided.
 */
function withPortName(index: ObjectIndex, service: KubeObject, target: { port?: number; portName?: string }): { port?: number; portName?: string; portNameUnknown?: boolean } {
  if (target.portName !== undefined || target.port === undefined) return target;
  const containers = workloadsOf(index, service).flatMap((w) => (Array.isArray(field(w.body, "spec", "template", "spec", "containers")) ? (field(w.body, "spec", "template", "spec", "containers") as unknown[]) : []));
  for (const c of containers) {
    for (const p of Array.isArray(field(c, "ports")) ? (field(c, "ports") as unknown[]) : []) {
      if (Number(field(p, "containerPort")) === target.port && typeof field(p, "name") === "string") return { ...target, portName: String(field(p, "name")) };
    }
  }
  return { ...target, portNameUnknown: workloadsOf(index, service).every((w) => w.partial) };
}

/** Does the union of the policies selecting the target admit the peer on the target's port? */
function admits(all: KubeObject[], target: Target, peer: Peer): { result: "ok" | "broken" | "not checked"; server: string; reason?: string; selecting: KubeObject[] } {
  const selecting: KubeObject[] = [];
  let uncertain = false;
  for (const p of all) {
    const types = field(p.body, "spec", "policyTypes");
    if (Array.isArray(types) && !types.includes("Ingress")) continue;
    const sel = field(p.body, "spec", "podSelector");
    const matches = selectorMatches(sel, target.podLabels);
    if (matches) selecting.push(p);
    else if (!target.exact && selectorKeys(sel).some((k) => !(k in target.podLabels))) uncertain = true;
  }
  if (selecting.length === 0) {
    if (uncertain) return { result: "not checked", server: "?", reason: missing("whether a NetworkPolicy selects the pods depends on their labels", "workloads"), selecting };
    return { result: "ok", server: "no NetworkPolicy isolates the pods", selecting };
  }
  const server = `NetworkPolicies ${selecting.map((p) => p.name).join(", ")}`;
  let unknownPeer = false;
  for (const p of selecting) {
    for (const rule of Array.isArray(field(p.body, "spec", "ingress")) ? (field(p.body, "spec", "ingress") as unknown[]) : []) {
      if (!portAdmitted(rule, target)) {
        if (target.portNameUnknown && namedPorts(rule)) unknownPeer = true;
        continue;
      }
      const from = field(rule, "from");
      if (!Array.isArray(from) || from.length === 0) return { result: "ok", server, selecting };
      for (const f of from) {
        const m = peerMatches(f, p.namespace ?? "default", peer);
        if (m === true) return { result: "ok", server: `${server} (${p.name} admits it)`, selecting };
        if (m === "unknown") unknownPeer = true;
      }
    }
  }
  if (unknownPeer || uncertain) return { result: "not checked", server, reason: missing(`whether ${peer.label}'s pods match a pod selector is unknown`, "workloads"), selecting };
  if (!target.exact && selecting.some((p) => p.renderedBy) && !("maistra.io/expose-route" in target.podLabels)) {
    return { result: "not checked", server, reason: missing("whether the pods carry maistra.io/expose-route is unknown", "workloads"), selecting };
  }
  return { result: "broken", server, selecting };
}

function selectorKeys(sel: unknown): string[] {
  if (!isObject(sel)) return [];
  return [...Object.keys(labelMap(sel["matchLabels"])), ...(Array.isArray(sel["matchExpressions"]) ? sel["matchExpressions"].map((e) => String(field(e, "key"))) : [])];
}

function namedPorts(rule: unknown): boolean {
  const ports = field(rule, "ports");
  return Array.isArray(ports) && ports.some((p) => typeof field(p, "port") === "string" && !/^\d+$/.test(String(field(p, "port"))));
}

function portAdmitted(rule: unknown, target: Target): boolean {
  const ports = field(rule, "ports");
  if (!Array.isArray(ports) || ports.length === 0) return true;
  return ports.some((p) => {
    if ((str(p, "protocol") ?? "TCP") !== "TCP") return false;
    const port = field(p, "port");
    if (port === undefined) return true;
    const end = Number(field(p, "endPort") ?? port);
    if (typeof port === "number") return target.port !== undefined && target.port >= port && target.port <= end;
    if (/^\d+$/.test(String(port))) return target.port === Number(port);
    return target.portName === port;
  });
}

function peerMatches(peer: unknown, policyNamespace: string, source: Peer): boolean | "unknown" {
  if (field(peer, "ipBlock") !== undefined) return false;
  const nsSel = field(peer, "namespaceSelector");
  const podSel = field(peer, "podSelector");
  const nsOk = nsSel !== undefined ? selectorMatches(nsSel, source.namespaceLabels) : source.namespace === policyNamespace;
  if (!nsOk) return false;
  if (podSel === undefined || selectorKeys(podSel).length === 0) return true;
  if (!source.podLabels) return "unknown";
  return selectorMatches(podSel, source.podLabels);
}
