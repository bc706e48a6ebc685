import { describe, field, str } from "../object-index.js";
import type { KubeObject } from "../object-index.js";
import { clientSends, serverMode } from "../mesh-model.js";
import type { ClientSends, Decided, ServerMode } from "../mesh-model.js";
import type { VerifyFinding, VerifyPath, VerifyRule } from "../rule.js";
import { missing } from "../rule.js";
import { podLabelsOf, servicePorts } from "../workloads.js";
import { say } from "../../diagnostics/messages.js";

const POLICY_KINDS = ["security.istio.io/PeerAuthentication", "authentication.istio.io/Policy", "networking.istio.io/DestinationRule"];

/**
 * Mesh authentication on both sides of every Service port: what each client sends (DestinationRule TLS mode,
 * the operator's ISTIO_MUTUAL defaults, auto mTLS) against what the server's sidecar accepts (PeerAuthentication
 * or Maistra 1.x Policy / ServiceMeshPolicy precedence). The OpenShift router is outside the mesh: it never
 * sends mTLS. mTLS to a DISABLE server and plaintext to a STRICT one fail (the conflict Istio's analyzer
 * reports as IST0113 for DestinationRule vs. authentication policy). The precedence and lookup functions, with
 * their upstream sources, are in ../mesh-model.ts.
 */
export const meshMtlsRule: VerifyRule = {
  id: "mesh-mtls",
  hop: "authentication",
  needs: ["services", "namespaces", "controlPlane"],
  reads: ["v1/Service", "security.istio.io/PeerAuthentication", "authentication.istio.io/Policy", "authentication.maistra.io/ServiceMeshPolicy", "networking.istio.io/DestinationRule", "maistra.io/ServiceMeshControlPlane", "sailoperator.io/Istio", "route.openshift.io/Route"],
  codes: ["MS5020", "MS5021", "MS5022"],
  models: "istio pilot/pkg/model/push_context.go (destinationRule lookup, AuthenticationPolicyForWorkload, BestEffortInferServiceMTLSMode); maistra/istio-operator enable-mesh-*.yaml",
  run(context) {
    const { index, mesh } = context;
    const paths: VerifyPath[] = [];
    const findings: VerifyFinding[] = [];
    if (!mesh.present) return { paths, findings };
    // A Maistra 1.x Policy in the control plane namespace is that namespace's policy, not the mesh's
    // (AuthenticationPolicyForWorkload falls back to the mesh policy only after the workload's own namespace).
    if (mesh.authn === "v1alpha1-policy" && mesh.rootNamespace) {
      for (const policy of index.list("authentication.istio.io/Policy", mesh.rootNamespace)) {
        if (policy.renderedBy || (field(policy.body, "spec", "targets") as unknown[] | undefined)?.length) continue;
        findings.push({
          ...say.MS5022(describe(policy), mesh.rootNamespace),
          object: policy,
          path: ["metadata", "name"],
        });
      }
    }
    const policyNamespaces = new Set(POLICY_KINDS.flatMap((gk) => index.list(gk)).filter((o) => !o.renderedBy).map((o) => o.namespace ?? ""));
    const clientNamespaces = [...new Set(index.list("networking.istio.io/DestinationRule").filter((d) => !d.renderedBy).map((d) => d.namespace ?? ""))].filter((n) => n !== mesh.rootNamespace).sort();
    const routes = index.list("route.openshift.io/Route").filter((r) => !r.partial);
    for (const service of index.list("/Service")) {
      const ns = service.namespace ?? "default";
      if (ns === mesh.rootNamespace) continue;
      if (!mesh.controlPlane && !policyNamespaces.has(ns)) continue;
      const member = mesh.members.has(ns) || policyNamespaces.has(ns);
      const ports = servicePorts(index, service);
      const to = `Service ${ns}/${service.name}`;
      if (!ports) {
        paths.push({ rule: this.id, from: "mesh clients", to, port: "?", client: "?", server: "?", result: "not checked", reason: missing(`only a patch of ${to} was read`, "services") });
        continue;
      }
      const { labels: podLabels } = podLabelsOf(index, service);
      for (const port of ports) {
        const server = serverMode(index, mesh, { namespace: ns, service: service.name, servicePort: port.port, ...(port.name ? { servicePortName: port.name } : {}), ...(port.podPort !== undefined ? { podPort: port.podPort } : {}), podLabels });
        const portLabel = `${port.port}→${port.podPort ?? String(port.targetPort)}`;
        const clients: { from: string; sends: Decided<ClientSends> }[] = [undefined, ...clientNamespaces].map((c) => ({
          from: c === undefined ? "mesh client" : `mesh client in ${c}`,
          sends: clientSends(index, mesh, { ...(c !== undefined ? { clientNamespace: c } : {}), namespace: ns, service: service.name, servicePort: port.port }),
        }));
        for (const route of routes) {
          if (route.namespace !== ns || str(route.body, "spec", "to", "name") !== service.name) continue;
          const target = field(route.body, "spec", "port", "targetPort");
          if (target !== undefined && String(target) !== port.name && String(target) !== String(port.podPort)) continue;
          clients.push({ from: `router (${describe(route)})`, sends: { value: "plaintext", note: `no mTLS (the router is outside the mesh; ${str(route.body, "spec", "tls", "termination") ?? "plain"} Route)` } });
        }
        for (const client of clients) {
          const path = compare(this.id, client.from, to, portLabel, client.sends, server, member, ns);
          paths.push(path.row);
          if (path.finding) findings.push(path.finding(service));
        }
      }
    }
    return { paths, findings };
  },
};

function compare(
  rule: string,
  from: string,
  to: string,
  port: string,
  sends: Decided<ClientSends>,
  accepts: Decided<ServerMode>,
  member: boolean,
  namespace: string,
): { row: VerifyPath; finding?: (service: KubeObject) => VerifyFinding } {
  const row = { rule, from, to, port, client: sends.note, server: accepts.note };
  if (sends.value === "unknown" || accepts.value === "unknown") return { row: { ...row, result: "not checked", reason: missing(sends.value === "unknown" ? sends.note : accepts.note, "controlPlane") } };
  if (sends.value === "TLS") return { row: { ...row, result: "not checked", reason: "the client originates its own TLS (SIMPLE/MUTUAL), which verify does not model against mesh mTLS (not modelled: no input decides it)" } };
  const breaks = (sends.value === "mTLS" && accepts.value === "DISABLE") || (sends.value === "plaintext" && accepts.value === "STRICT");
  if (!breaks) return { row: { ...row, result: "ok" } };
  if (!member) return { row: { ...row, result: "not checked", reason: missing(`would break if ${namespace} is in the mesh; its membership is not in what was read`, "namespaces") } };
  const code = sends.value === "mTLS" ? "MS5020" : "MS5021";
  const reason = code === "MS5020" ? `${from} sends mTLS to ${to}, whose sidecar accepts plaintext only (${accepts.note})` : `${from} sends no mTLS to ${to}, whose sidecar accepts mTLS only (${accepts.note})`;
  return {
    row: { ...row, result: "broken", reason },
    finding: (service) => {
      // Point at what decided the side that must change: the client's DestinationRule for mTLS to DISABLE,
      // the server's policy for plaintext to STRICT; fall back to the other side, then the Service.
      const first = code === "MS5020" ? sends : accepts;
      const second = code === "MS5020" ? accepts : sends;
      const decided = first.by ? first : second.by ? second : undefined;
      return {
        ...(code === "MS5020" ? say.MS5020(from, to, accepts.note, to.replace("Service ", "")) : say.MS5021(from, to, accepts.note)),
        object: decided?.by ?? service,
        path: decided?.path ?? ["metadata", "name"],
      };
    },
  };
}
