import { isObject } from "./manifests.js";
import { describe, field, labels, str } from "./object-index.js";
import type { KubeObject, ObjectIndex } from "./object-index.js";
import { compareText } from "../util/compare.js";

/** How mesh authentication is expressed: Istio 1.4-era alpha Policy (Maistra 1.x) or PeerAuthentication. */
export type AuthnApi = "v1alpha1-policy" | "peer-authentication";

/** What verify knows about the mesh from the control plane resource it read. */
export interface MeshModel {
  /** The control plane resource (SMCP or Sail `Istio`), when read. */
  controlPlane?: KubeObject;
  authn: AuthnApi;
  /** The config root namespace (the control plane namespace); undefined when no control plane was read. */
  rootNamespace?: string;
  /** Whether clients without a DestinationRule TLS setting use auto mTLS; undefined when unknown. */
  autoMtls?: boolean;
  /** Namespaces a member roll, ServiceMeshMember or injection label puts in the mesh. */
  members: Set<string>;
  /** True when any mesh object (control plane or policy) was read at all. */
  present: boolean;
  /** The objects the mesh operator renders itself from the control plane resource. */
  rendered: KubeObject[];
}

const SMCP = "maistra.io/ServiceMeshControlPlane";
const SAIL = "sailoperator.io/Istio";

/**
 * Build the mesh model and add the objects the operator renders itself to the index.
 *
 * maistra/istio-operator resources/helm/v2.4/mesh-config/templates/enable-mesh-mtls.yaml: with
 * `global.mtls.enabled` (SMCP v2 `spec.security.dataPlane.mtls`) the operator renders PeerAuthentication
 * `default` (STRICT), DestinationRule `default` (`*.local`, ISTIO_MUTUAL) and DestinationRule `api-server`
 * (DISABLE) in the control plane namespace; enable-mesh-permissive.yaml renders PeerAuthentication `default`
 * PERMISSIVE otherwise. resources/helm/v1.1/istio/charts/security/templates/enable-mesh-mtls.yaml and
 * enable-mesh-permissive.yaml do the same for 1.x with ServiceMeshPolicy `default` (authentication.maistra.io/v1)
 * instead of the PeerAuthentication.
 */
export function buildMeshModel(index: ObjectIndex): MeshModel {
  // The first control plane read (whole, or a patch of one owned elsewhere); several control planes are not modelled.
  const controlPlane = [...index.list(SMCP), ...index.list(SAIL)][0];
  const members = new Set<string>();
  for (const roll of index.list("maistra.io/ServiceMeshMemberRoll")) for (const m of arr(field(roll.body, "spec", "members"))) if (typeof m === "string") members.add(m);
  for (const member of index.list("maistra.io/ServiceMeshMember")) if (member.namespace) members.add(member.namespace);
  for (const ns of index.list("/Namespace")) {
    const l = labels(ns);
    if (l["istio-injection"] === "enabled" || l["istio.io/rev"] !== undefined || l["maistra.io/member-of"] !== undefined) members.add(ns.name);
  }
  const present =
    controlPlane !== undefined ||
    ["security.istio.io/PeerAuthentication", "authentication.istio.io/Policy", "networking.istio.io/DestinationRule", "authentication.maistra.io/ServiceMeshPolicy"].some((gk) => index.list(gk).length > 0);
  if (!controlPlane) {
    const authn: AuthnApi = index.list("authentication.istio.io/Policy").length > 0 ? "v1alpha1-policy" : "peer-authentication";
    return { authn, members, present, rendered: [] };
  }
  if (controlPlane.group === SAIL) {
    // Istio's meshConfig.enableAutoMtls defaults to true; Sail passes spec.values.meshConfig through.
    const auto = field(controlPlane.body, "spec", "values", "meshConfig", "enableAutoMtls");
    return { controlPlane, authn: "peer-authentication", rootNamespace: str(controlPlane.body, "spec", "namespace") ?? "istio-system", autoMtls: auto !== false, members, present, rendered: [] };
  }
  const root = controlPlane.namespace ?? "istio-system";
  const apiV1 = str(controlPlane.body, "apiVersion") === "maistra.io/v1";
  const version = str(controlPlane.body, "spec", "version");
  // A maistra.io/v1 SMCP without spec.version is a 1.1 control plane; v2 without it is the operator's 2.x default.
  const oneX = version ? version.startsWith("v1.") : apiV1;
  const mtlsPath = apiV1 ? ["spec", "istio", "global", "mtls", "enabled"] : ["spec", "security", "dataPlane", "mtls"];
  const mtls = field(controlPlane.body, ...mtlsPath) === true;
  const autoPath = apiV1 ? ["spec", "istio", "global", "mtls", "auto"] : ["spec", "security", "dataPlane", "automtls"];
  const autoValue = field(controlPlane.body, ...autoPath);
  // spec.security.dataPlane.automtls maps to meshConfig.enableAutoMtls, whose Istio default is true; verify takes
  // that default for 2.x (the operator's profiles were not re-read). For a 1.1 control plane it is unknown.
  const autoMtls = typeof autoValue === "boolean" ? autoValue : oneX ? undefined : true;
  const rendered: KubeObject[] = [];
  const render = (apiVersion: string, kind: string, name: string, spec: Record<string, unknown>): void => {
    const group = apiVersion.slice(0, apiVersion.indexOf("/"));
    const object: KubeObject = {
      group: `${group}/${kind}`,
      kind,
      name,
      namespace: root,
      body: { apiVersion, kind, metadata: { name, namespace: root }, spec },
      partial: false,
      sources: [],
      renderedBy: { object: controlPlane, path: mtlsPath, controller: "the mesh operator" },
    };
    rendered.push(object);
    index.addRendered(object);
  };
  if (oneX) render("authentication.maistra.io/v1", "ServiceMeshPolicy", "default", { peers: [mtls ? { mtls: {} } : { mtls: { mode: "PERMISSIVE" } }] });
  else render("security.istio.io/v1beta1", "PeerAuthentication", "default", { mtls: { mode: mtls ? "STRICT" : "PERMISSIVE" } });
  if (mtls) {
    render("networking.istio.io/v1beta1", "DestinationRule", "default", { host: "*.local", trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } } });
    render("networking.istio.io/v1beta1", "DestinationRule", "api-server", { host: "kubernetes.default.svc.cluster.local", trafficPolicy: { tls: { mode: "DISABLE" } } });
  }
  return { controlPlane, authn: oneX ? "v1alpha1-policy" : "peer-authentication", rootNamespace: root, ...(autoMtls !== undefined ? { autoMtls } : {}), members, present, rendered };
}

/** An mTLS mode and the object (and field) that decided it. */
export interface Decided<T> {
  value: T | "unknown";
  by?: KubeObject;
  path?: (string | number)[];
  note: string;
}

export type ServerMode = "STRICT" | "PERMISSIVE" | "DISABLE";

/** The server side of one Service port: the mode its sidecar accepts. */
export function serverMode(
  index: ObjectIndex,
  mesh: MeshModel,
  target: { namespace: string; service: string; servicePort: number; servicePortName?: string; podPort?: number; podLabels: Record<string, string> },
): Decided<ServerMode> {
  return mesh.authn === "v1alpha1-policy" ? policyMode(index, mesh, target) : peerAuthenticationMode(index, mesh, target);
}

/**
 * PeerAuthentication precedence, as the PeerAuthentication API reference states it (istio/api
 * security/v1beta1/peer_authentication.proto; the istiod source was not re-read for this): a workload-selector
 * policy > the namespace policy > the mesh policy in the root namespace; PERMISSIVE when none; UNSET inherits.
 * `portLevelMtls` is keyed on the workload's (container) port and only honoured on a policy with a selector.
 */
function peerAuthenticationMode(
  index: ObjectIndex,
  mesh: MeshModel,
  t: { namespace: string; podPort?: number; podLabels: Record<string, string> },
): Decided<ServerMode> {
  const all = index.list("security.istio.io/PeerAuthentication");
  const inNs = all.filter((p) => p.namespace === t.namespace);
  const workload = inNs.find((p) => {
    const selector = field(p.body, "spec", "selector", "matchLabels");
    return isObject(selector) && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => t.podLabels[k] === String(v));
  });
  if (workload) {
    const portLevel = field(workload.body, "spec", "portLevelMtls");
    if (isObject(portLevel) && Object.keys(portLevel).length > 0) {
      if (t.podPort === undefined) return { value: "unknown", by: workload, note: `${describe(workload)} has port-level modes, and the pod port is not known` };
      const mode = str(portLevel, String(t.podPort), "mode");
      if (mode && mode !== "UNSET") return { value: mode as ServerMode, by: workload, path: ["spec", "portLevelMtls", String(t.podPort), "mode"], note: `${mode} (${describe(workload)}, port ${t.podPort})` };
    }
    const mode = str(workload.body, "spec", "mtls", "mode");
    if (mode && mode !== "UNSET") return { value: mode as ServerMode, by: workload, path: ["spec", "mtls", "mode"], note: `${mode} (${describe(workload)})` };
  }
  const namespaceWide = namespaceMode(index, mesh, t.namespace);
  return namespaceWide;
}

/** Namespace, then mesh PeerAuthentication: what auto mTLS infers too (BestEffortInferServiceMTLSMode). */
export function namespaceMode(index: ObjectIndex, mesh: MeshModel, namespace: string): Decided<ServerMode> {
  const all = index.list("security.istio.io/PeerAuthentication");
  const noSelector = (p: KubeObject): boolean => {
    const s = field(p.body, "spec", "selector", "matchLabels");
    return !(isObject(s) && Object.keys(s).length > 0);
  };
  const ns = all.find((p) => p.namespace === namespace && noSelector(p));
  const nsMode = ns ? str(ns.body, "spec", "mtls", "mode") : undefined;
  if (ns && nsMode && nsMode !== "UNSET") return { value: nsMode as ServerMode, by: ns, path: ["spec", "mtls", "mode"], note: `${nsMode} (${describe(ns)})` };
  if (mesh.rootNamespace === undefined) return { value: "unknown", note: "no control plane was read, so the mesh-wide policy is unknown" };
  const meshPolicy = all.find((p) => p.namespace === mesh.rootNamespace && noSelector(p));
  const meshMode = meshPolicy ? str(meshPolicy.body, "spec", "mtls", "mode") : undefined;
  if (meshPolicy && meshMode && meshMode !== "UNSET") return { value: meshMode as ServerMode, by: meshPolicy, path: ["spec", "mtls", "mode"], note: `${meshMode} (mesh-wide, ${describe(meshPolicy)})` };
  return { value: "PERMISSIVE", note: "PERMISSIVE (Istio's default, no policy)" };
}

/**
 * Istio 1.4/1.5 alpha authentication (pilot/pkg/model/push_context.go AuthenticationPolicyForWorkload): a Policy
 * whose `targets` name the Service (a port selector matched by `Port.Match` against the SERVICE port, number or
 * name, beats a target without ports), else the namespace Policy, else the mesh policy — on Maistra the
 * ServiceMeshPolicy `default` in the control plane namespace. A Policy in the control plane namespace is only
 * that namespace's policy. `peers` without `mtls` means no mTLS.
 */
function policyMode(
  index: ObjectIndex,
  mesh: MeshModel,
  t: { namespace: string; service: string; servicePort: number; servicePortName?: string },
): Decided<ServerMode> {
  const policies = index.list("authentication.istio.io/Policy", t.namespace);
  let portless: { policy: KubeObject; target: number } | undefined;
  for (const policy of policies) {
    for (const [i, target] of arr(field(policy.body, "spec", "targets")).entries()) {
      if (field(target, "name") !== t.service) continue;
      const ports = arr(field(target, "ports"));
      if (ports.length === 0) {
        portless ??= { policy, target: i };
        continue;
      }
      if (ports.some((p) => field(p, "number") === t.servicePort || (t.servicePortName !== undefined && field(p, "name") === t.servicePortName))) {
        return peersMode(policy, `${describe(policy)}, Service port ${t.servicePort}`);
      }
    }
  }
  if (portless) return peersMode(portless.policy, describe(portless.policy));
  const namespaceWide = policies.find((p) => arr(field(p.body, "spec", "targets")).length === 0);
  if (namespaceWide) return peersMode(namespaceWide, describe(namespaceWide));
  if (mesh.rootNamespace === undefined) return { value: "unknown", note: "no control plane was read, so the mesh-wide policy is unknown" };
  const meshPolicy = index.get("authentication.maistra.io/ServiceMeshPolicy", mesh.rootNamespace, "default");
  if (meshPolicy) return peersMode(meshPolicy, `mesh-wide, ${describe(meshPolicy)}`);
  return { value: "DISABLE", note: "no authentication policy: plaintext only" };
}

function peersMode(policy: KubeObject, label: string): Decided<ServerMode> {
  const peers = arr(field(policy.body, "spec", "peers"));
  const mtlsPeer = peers.findIndex((p) => field(p, "mtls") !== undefined);
  if (mtlsPeer < 0) return { value: "DISABLE", by: policy, path: ["spec"], note: `DISABLE (${label}: no mtls peer)` };
  const mode = str(peers[mtlsPeer], "mtls", "mode") === "PERMISSIVE" ? "PERMISSIVE" : "STRICT";
  return { value: mode, by: policy, path: ["spec", "peers", mtlsPeer, "mtls"], note: `${mode} (${label})` };
}

export type ClientSends = "mTLS" | "plaintext" | "TLS";

/**
 * What a sidecar client in `clientNamespace` (undefined: a namespace without DestinationRules of its own) sends
 * to a Service port. DestinationRule lookup (istio pilot/pkg/model/push_context.go destinationRule): the client's
 * namespace, then the Service's namespace (exported rules), then the config root namespace; within a namespace
 * the most specific host wins. `portLevelSettings` match the Service port. Without a TLS setting, auto mTLS sends
 * mTLS unless the namespace/mesh-level PeerAuthentication is DISABLE (BestEffortInferServiceMTLSMode ignores
 * workload and port-level policies).
 */
export function clientSends(
  index: ObjectIndex,
  mesh: MeshModel,
  t: { clientNamespace?: string; namespace: string; service: string; servicePort: number },
): Decided<ClientSends> {
  const fqdn = `${t.service}.${t.namespace}.svc.cluster.local`;
  const order = [t.clientNamespace, t.namespace, mesh.rootNamespace].filter((n, i, a): n is string => n !== undefined && a.indexOf(n) === i);
  for (const ns of order) {
    const exportedOnly = ns !== t.clientNamespace;
    const candidates = index
      .list("networking.istio.io/DestinationRule", ns)
      .filter((dr) => !exportedOnly || field(dr.body, "spec", "exportTo", 0) !== ".")
      .map((dr) => ({ dr, specificity: hostMatch(resolveHost(str(dr.body, "spec", "host") ?? "", ns), fqdn) }))
      .filter((c) => c.specificity >= 0)
      .sort((a, b) => b.specificity - a.specificity || compareText(a.dr.name, b.dr.name));
    const chosen = candidates[0]?.dr;
    if (!chosen) continue;
    const settings = arr(field(chosen.body, "spec", "trafficPolicy", "portLevelSettings"));
    const portIndex = settings.findIndex((s) => field(s, "port", "number") === t.servicePort && str(s, "tls", "mode"));
    const path = portIndex >= 0 ? ["spec", "trafficPolicy", "portLevelSettings", portIndex, "tls", "mode"] : ["spec", "trafficPolicy", "tls", "mode"];
    const mode = str(chosen.body, ...path);
    if (!mode) break; // a DestinationRule without TLS settings leaves the choice to auto mTLS
    const sends: ClientSends = mode === "ISTIO_MUTUAL" ? "mTLS" : mode === "DISABLE" ? "plaintext" : "TLS";
    return { value: sends, by: chosen, path, note: `${mode} (${describe(chosen)})` };
  }
  if (mesh.autoMtls === undefined) return { value: "unknown", note: "no DestinationRule TLS setting, and whether auto mTLS is on is not known" };
  if (!mesh.autoMtls) return { value: "plaintext", note: "no DestinationRule TLS setting, auto mTLS off: plaintext" };
  if (mesh.authn === "v1alpha1-policy") return { value: "unknown", note: "auto mTLS with alpha authentication policies is not modelled" };
  const inferred = namespaceMode(index, mesh, t.namespace);
  if (inferred.value === "unknown") return { value: "unknown", note: `auto mTLS, and ${inferred.note}` };
  return inferred.value === "DISABLE"
    ? { value: "plaintext", note: "auto mTLS: plaintext (namespace/mesh policy DISABLE)" }
    : { value: "mTLS", note: "auto mTLS: mTLS to a sidecar" };
}

/** A DestinationRule host as a FQDN (short names are relative to the rule's namespace). */
function resolveHost(host: string, namespace: string): string {
  if (host.startsWith("*")) return host;
  const parts = host.split(".");
  if (parts.length === 1) return `${host}.${namespace}.svc.cluster.local`;
  if (parts.length === 2) return `${host}.svc.cluster.local`;
  if (parts.length === 3 && parts[2] === "svc") return `${host}.cluster.local`;
  return host;
}

/** -1 when `pattern` does not match `fqdn`; otherwise a higher number for a more specific match. */
function hostMatch(pattern: string, fqdn: string): number {
  if (pattern === fqdn) return 10_000;
  if (pattern === "*") return 0;
  if (pattern.startsWith("*.") && fqdn.endsWith(pattern.slice(1))) return pattern.length;
  return -1;
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
