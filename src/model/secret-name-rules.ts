import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import { isManaged } from "./model.js";
import type { PolicyPath, Service } from "./model.js";

/**
 * Two writers of one Secret (or one Certificate) would overwrite each other forever.
 * Reads: services[].certificate.secretName, routeCertificate.secretName, route.name, and which
 * controller issues router certificates (platform.routeCertificates).
 * Raises: MS2002.
 */
export function secretNameFindings(services: readonly Service[], openshiftRoutes: boolean): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, string>();
  const claim = (key: string, here: string, path: PolicyPath, fix: Parameters<typeof say.MS2002>[3]): void => {
    const owner = seen.get(key);
    if (owner) findings.push({ ...say.MS2002(key, owner, here, fix), path: [...path] });
    else seen.set(key, here);
  };
  for (const service of services) {
    const terminates = service.exposure === "reencrypt" || service.exposure === "external";
    const { certificate, routeCertificate, route } = service;
    if (certificate) {
      const writer = isManaged(certificate) ? `the serving Certificate of ${service.name}` : `the Service CA (serving certificate of ${service.name})`;
      claim(`Secret/${service.namespace}/${certificate.secretName}`, writer, [...certificate.path, "secretName"], "certificate.secretName");
      if (isManaged(certificate)) claim(`Certificate/${service.namespace}/${service.name}`, `the serving Certificate of ${service.name}`, [...service.path, "name"], "services");
    }
    if (!routeCertificate || !route || !terminates) continue;
    if (openshiftRoutes) {
      // cert-manager/openshift-routes internal/controller/sync.go `buildNextCert` (v0.7.0+): the controller
      // creates Certificate `<route>-cert` with secretName `<route>-tls` (safeKubernetesNameAppend) for every
      // annotated Route; the policy's routeCertificate.secretName is not used.
      const here = `cert-manager openshift-routes (router certificate of Route ${route.name})`;
      const path = [...service.path, "routeCertificate"];
      claim(`Secret/${service.namespace}/${route.name}-tls`, here, path, "openshift-routes secret");
      claim(`Certificate/${service.namespace}/${route.name}-cert`, here, path, "openshift-routes certificate");
    } else {
      claim(`Secret/${service.namespace}/${routeCertificate.secretName}`, `the router Certificate of ${service.name}`, [...routeCertificate.path, "secretName"], "routeCertificate.secretName");
    }
  }
  return findings;
}
