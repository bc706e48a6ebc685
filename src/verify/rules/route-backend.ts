import { describe, field, str } from "../object-index.js";
import type { VerifyFinding, VerifyPath, VerifyRule } from "../rule.js";
import { missing } from "../rule.js";
import { selectorOf, servicePorts } from "../workloads.js";
import { say } from "../../diagnostics/messages.js";

/**
 * OpenShift router: Route → Service → endpoints.
 *
 * openshift/api route/v1/types.go RoutePort: `targetPort` is "the target port on pods selected by the service
 * this route points to. If this is a string, it will be looked up as a named port in the target endpoints port
 * list". openshift/router pkg/router/template/template_helper.go endpointsForAlias keeps the endpoints whose
 * `PortName` (the Service port's name) or `Port` (the endpoint's, i.e. the pod's, port number) equals the
 * Route's targetPort; none left means the backend has no servers and the router answers 503.
 */
export const routeBackendRule: VerifyRule = {
  id: "route-backend",
  hop: "routing",
  needs: ["services", "workloads"],
  reads: ["route.openshift.io/Route", "v1/Service", "v1/Endpoints (Services without selector)", "apps/Deployment|StatefulSet|DaemonSet (for named targetPorts)"],
  codes: ["MS5010"],
  models: "openshift/router template_helper.go endpointsForAlias; openshift/api route/v1 RoutePort",
  run({ index }) {
    const paths: VerifyPath[] = [];
    const findings: VerifyFinding[] = [];
    for (const route of index.list("route.openshift.io/Route")) {
      if (route.partial) continue;
      const serviceName = str(route.body, "spec", "to", "name");
      if (!serviceName || (str(route.body, "spec", "to", "kind") ?? "Service") !== "Service") continue;
      const rawTarget = field(route.body, "spec", "port", "targetPort");
      const target = rawTarget === undefined ? undefined : String(rawTarget);
      const base = { rule: this.id, from: `router (${describe(route)})`, to: `Service ${route.namespace}/${serviceName}`, port: target === undefined ? "(any)" : `targetPort ${target}`, client: target === undefined ? "every endpoint port" : `endpoint port named or numbered ${target}` };
      const service = index.get("/Service", route.namespace, serviceName);
      const ports = service ? servicePorts(index, service) : undefined;
      if (!service || !ports) {
        paths.push({ ...base, server: "?", result: "not checked", reason: missing(`Service ${route.namespace}/${serviceName} ${service ? "is only patched" : "is not"} in what was read`, "services") });
        continue;
      }
      // The endpoints' ports: the Service port's name, and the pod port (unknown for an unresolved named targetPort).
      let endpointPorts: { name?: string; podPort?: number; unresolved?: string }[] = ports.map((p) => ({
        ...(p.name !== undefined ? { name: p.name } : {}),
        ...(p.podPort !== undefined ? { podPort: p.podPort } : { unresolved: String(p.targetPort) }),
      }));
      if (!selectorOf(service)) {
        // Without a selector the endpoints are written by hand: an Endpoints object of the same name (--with).
        const endpoints = index.get("/Endpoints", route.namespace, serviceName);
        const subsets = endpoints ? field(endpoints.body, "subsets") : undefined;
        if (!Array.isArray(subsets)) {
          paths.push({ ...base, server: "endpoints managed outside the Service (no selector)", result: "not checked", reason: missing("a Service without selector has hand-made endpoints, and no Endpoints object was read", "services") });
          continue;
        }
        endpointPorts = subsets.flatMap((sub) => (Array.isArray(field(sub, "ports")) ? (field(sub, "ports") as unknown[]) : [])).map((p) => {
          const name = str(p, "name");
          return { ...(name !== undefined ? { name } : {}), podPort: Number(field(p, "port")) };
        });
      }
      const server = `endpoints ${endpointPorts.map((p) => `${p.name ?? "(unnamed)"}:${p.podPort ?? `?${p.unresolved ?? ""}`}`).join(", ")}`;
      if (target === undefined || endpointPorts.some((p) => p.name === target || (p.podPort !== undefined && String(p.podPort) === target))) {
        paths.push({ ...base, server, result: "ok" });
        continue;
      }
      if (/^\d+$/.test(target) && endpointPorts.some((p) => p.podPort === undefined)) {
        paths.push({ ...base, server, result: "not checked", reason: missing("a named targetPort of the Service could not be resolved to a pod port", "workloads") });
        continue;
      }
      const servicePortHit = ports.find((p) => String(p.port) === target);
      const reason =
        `no endpoint of Service ${route.namespace}/${serviceName} has port ${target}: the router answers 503` +
        (servicePortHit ? ` (${target} is the Service port; its pods listen on ${servicePortHit.podPort ?? String(servicePortHit.targetPort)})` : "");
      paths.push({ ...base, server, result: "broken", reason });
      findings.push({
        ...say.MS5010(describe(route), target, `${route.namespace}/${serviceName}`, servicePortHit?.name ? { portName: servicePortHit.name, podPort: String(servicePortHit.podPort ?? servicePortHit.targetPort) } : { portNames: ports.flatMap((p) => (p.name ? [p.name] : [])) }),
        object: route,
        path: rawTarget === undefined ? ["spec", "port"] : ["spec", "port", "targetPort"],
      });
    }
    return { paths, findings };
  },
};
