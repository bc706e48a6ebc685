import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import type { Model, Service } from "../model/model.js";
import { isManaged } from "../model/model.js";
import { destinationTrust, planExternalCertificateRbac, routerCertificateWiring } from "./route-certificates.js";
import { emptyPlan } from "./target.js";
import type { PlanContext, Target, TargetPlan } from "./target.js";

const TERMINATION = { passthrough: "passthrough", reencrypt: "reencrypt", external: "edge" } as const;

/** A Route per exposed service, with its router certificate wiring and, for externalCertificate, the router's RBAC. */
export const routesTarget: Target = {
  id: "routes",
  plan(context: PlanContext): TargetPlan {
    const plan = emptyPlan();
    const externalCertificateRoutes: string[] = [];
    for (const service of context.model.services) {
      if (service.exposure === "internal" || !service.route || !service.host) continue;
      if (planRoute(context, service, plan)) externalCertificateRoutes.push(`${service.namespace}/${service.route.name}`);
    }
    checkExternalCertificateVersion(context.model, externalCertificateRoutes, plan.findings);
    return plan;
  },
};

/** Plans one Route; true when it uses `spec.tls.externalCertificate`. */
function planRoute(context: PlanContext, service: Service, plan: TargetPlan): boolean {
  const route = service.route;
  const host = service.host;
  if (service.exposure === "internal" || !route || !host) return false;
  const { model } = context;
  const termination = TERMINATION[service.exposure];
  const subject = `service ${service.namespace}/${service.name}`;
  checkPassthrough(model, service, plan.findings);

  // A Route host cannot contain `*`: a wildcard Route is any host of the domain plus wildcardPolicy
  // Subdomain (OpenShift docs, "Using wildcard routes"); the ingress controller must allow it.
  const wildcard = host.startsWith("*.");
  const routeHost = wildcard ? `wildcard.${host.slice(2)}` : host;
  const targetPort = routeTargetPort(service, plan.findings);
  if (targetPort === undefined) return false;

  const wiring = routerCertificateWiring(model, service, route.name, routeHost);
  const trust = service.exposure === "reencrypt" ? destinationTrust(context, service) : undefined;
  plan.findings.push(...wiring.findings, ...(trust?.findings ?? []));
  if (trust?.secret) plan.objects.push(trust.secret);
  const annotations = { ...wiring.annotations, ...trust?.annotations };
  // Controllers that write the certificate and key into the Route spec: Argo CD must not revert them.
  const writer = wiring.tlsWriter ?? trust?.tlsWriter;
  if (writer) {
    plan.ignoreDifferences.push({
      group: "route.openshift.io",
      kind: "Route",
      name: route.name,
      namespace: service.namespace,
      jsonPointers: ["/spec/tls"],
      reason: `${writer} writes certificates into spec.tls`,
    });
  }

  plan.objects.push({
    target: "routes",
    template: "routes/route",
    values: {
      name: route.name,
      namespace: service.namespace,
      annotations: Object.keys(annotations).length > 0 ? annotations : null,
      host: routeHost,
      path: route.path ?? null,
      wildcardPolicy: wildcard ? "Subdomain" : null,
      serviceName: service.name,
      targetPort,
      termination,
      insecureEdgeTerminationPolicy: route.insecureEdgeTerminationPolicy,
      externalCertificate: wiring.externalCertificate ?? null,
      destinationCACertificate: trust?.destinationCACertificate ?? null,
    },
    apiVersion: "route.openshift.io/v1",
    kind: "Route",
    name: route.name,
    namespace: service.namespace,
    role: "resource",
    // The Route API checks that an externalCertificate Secret exists and that the router may read it
    // when the Route is admitted, so it waits for the Certificate (wave 0) and the RBAC (wave -20).
    wave: wiring.externalCertificate ? 10 : 0,
    reason: `exposure ${service.exposure}: a ${termination} Route for ${host}`,
    source: [...service.path],
  });
  if (wiring.externalCertificate) planExternalCertificateRbac(service, route.name, wiring.externalCertificate, plan);

  plan.notes.push({
    subject,
    text: `${termination} Route ${route.name} for ${routeHost}${route.path ? route.path : ""} → Service ${service.name} port ${String(targetPort)}; plain HTTP: ${route.insecureEdgeTerminationPolicy}`,
  });
  if (wildcard) {
    plan.notes.push({ subject, text: `host ${host} is a wildcard: the Route uses host ${routeHost} with wildcardPolicy Subdomain, which the IngressController admits only with routeAdmission.wildcardPolicy: WildcardsAllowed` });
  }
  if (service.exposure === "external") {
    plan.notes.push({ subject, text: `edge termination: the router decrypts and forwards plain HTTP to port ${String(targetPort)}${service.certificate ? "" : ", so the pods get no serving certificate"}; use exposure reencrypt to keep TLS up to the pod` });
  }
  if (service.exposure === "passthrough") {
    plan.notes.push({ subject, text: `passthrough: the router forwards TLS untouched (by SNI), so clients see the pod's own certificate${isManaged(service.certificate) ? ` (Secret ${service.certificate.secretName}, which carries ${host})` : ""}` });
  }
  plan.notes.push(...wiring.notes.map((text) => ({ subject, text })), ...(trust?.notes ?? []).map((text) => ({ subject, text })));
  return Boolean(wiring.externalCertificate);
}

/**
 * The router sends a Route's traffic to the endpoints whose port name or port number equals
 * `spec.port.targetPort` (openshift/router pkg/router/template/template_helper.go `endpointsForAlias`:
 * `endpoint.PortName == alias.PreferPort || endpoint.Port == alias.PreferPort`). An endpoint's name is the
 * Service port's name and its number is the pod's port (`createRouterEndpoints` in plugin.go copies the
 * Endpoints subset ports), as openshift/api route/v1 `RoutePort` documents: "the target port on pods
 * selected by the service". So: the Service port's name when it is known, else the pod's port number,
 * never the Service's own `port` (443 in front of a pod on 8443 would match no endpoint: 503).
 */
function routeTargetPort(service: Service, findings: Finding[]): string | number | undefined {
  if (service.selector || service.portNameChosen) return service.portName;
  if (typeof service.targetPort === "number") return service.targetPort;
  findings.push({ ...say.MS2118(service.name, String(service.targetPort)), path: [...service.path, "targetPort"] });
  return undefined;
}

/** What the Route API rejects for passthrough termination (openshift/library-go route validation). */
function checkPassthrough(model: Model, service: Service, findings: Finding[]): void {
  if (service.exposure !== "passthrough" || !service.route) return;
  if (service.route.insecureEdgeTerminationPolicy === "Allow") {
    findings.push({ ...say.MS2109(service.route.name), path: [...service.path, "route", "insecureEdgeTerminationPolicy"] });
  }
  if (service.route.path) {
    findings.push({ ...say.MS2115(service.route.name), path: [...service.path, "route", "path"] });
  }
  // Only a deliberate choice is an error: with the version default the passthrough Route simply gets no
  // externalCertificate, and MS2015 already says that routeCertificate has no effect.
  if (service.routeCertificate && model.platform.routeCertificates === "external-certificate" && model.platform.routeCertificatesChosen) {
    findings.push({ ...say.MS2107(service.route.name), path: [...service.path, "routeCertificate"] });
  }
}

/** externalCertificate is GA from OpenShift 4.19 (Technology Preview behind a feature gate in 4.16-4.18). */
function checkExternalCertificateVersion(model: Model, routes: readonly string[], findings: Finding[]): void {
  const { major, minor } = model.platform.openshift;
  if (routes.length === 0 || major > 4 || (major === 4 && minor >= 19)) return;
  findings.push({ ...say.MS2108({ major, minor }, routes), path: ["platform", "routeCertificates"] });
}
