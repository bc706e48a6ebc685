import type { Finding } from "../diagnostics/diagnostic.js";
import { parseGoDuration } from "../util/go-duration.js";
import { formatPath } from "../util/path.js";
import type { PolicyPath } from "./model.js";
import type { CertificateInput, ServiceInput } from "./policy-input.js";

/**
 * Rules on one `services[]` entry that read only that entry: exposure against host, what the Service CA
 * can sign, what a router certificate does for each exposure, and renewal timing.
 * Reads: services[].exposure, host, headless, certificate, routeCertificate.
 * Raises: MS2001 (a service declared twice), MS2005 (Route without host), MS2009 (host without Route), MS2006 (a name the Service CA
 * cannot sign), MS2007 (headless wildcard on the Service CA), MS2014 (keystores on the Service CA),
 * MS2015 (routeCertificate without effect), MS2016 (renewBefore not shorter than duration).
 * Each `check…` reports through `report` and returns false when the entry cannot go into the model.
 */

/** The second declaration of `namespace/name` (the first, at `first`, is the one that goes into the model). */
export function duplicateServiceFinding(key: string, first: PolicyPath, path: PolicyPath): Finding {
  return { code: "MS2001", message: `service \`${key}\` is declared twice (first at ${formatPath(first)})`, path: [...path, "name"] };
}

/** A Route needs a host; a host without a Route is a mistake of its own (a warning). */
export function checkExposure(raw: ServiceInput, path: PolicyPath, report: (f: Finding) => void): boolean {
  const { name, exposure } = raw;
  if (exposure !== "internal" && !raw.host) {
    report({ code: "MS2005", message: `service \`${name}\` has exposure ${exposure}, which publishes a Route and needs \`host\``, path: [...path, "exposure"] });
    return false;
  }
  if (exposure === "internal" && raw.host) {
    report({ code: "MS2009", message: `service \`${name}\` sets \`host\` but exposure internal publishes no Route`, path: [...path, "host"], hint: "remove host, or set exposure to passthrough, reencrypt or external" });
  }
  return true;
}

/** What a serving certificate from the Service CA cannot be: it signs the service's own names, into tls.crt and tls.key only. */
export function checkServiceCaCertificate(raw: ServiceInput, path: PolicyPath, certInput: CertificateInput, report: (f: Finding) => void): boolean {
  const { name, namespace, exposure } = raw;
  let ok = true;
  if (exposure === "passthrough") {
    report({
      code: "MS2006",
      message: `service \`${name}\` is exposed passthrough, so its serving certificate must carry \`${raw.host ?? "the route host"}\`, which the Service CA cannot sign`,
      path: raw.certificate?.issuer ? [...path, "certificate", "issuer"] : [...path, "exposure"],
      hint: "set certificate.issuer to a cert-manager `ca` issuer",
    });
    ok = false;
  }
  if ((certInput.keystores ?? []).length > 0) {
    report({
      code: "MS2014",
      message: `the Service CA cannot provide keystores for \`${name}\`: its controller keeps only tls.crt and tls.key in the Secret`,
      path: [...path, "certificate", "keystores"],
      hint: "set certificate.issuer to a cert-manager issuer; cert-manager writes keystores through spec.keystores",
    });
    ok = false;
  }
  if (raw.headless) {
    report({
      code: "MS2007",
      message: `headless service \`${name}\` on the Service CA gets the wildcard SAN *.${name}.${namespace}.svc: any pod of it can impersonate another`,
      path: [...path, "headless"],
      hint: "issue per-pod certificates from a cert-manager issuer if clients must tell pods apart",
    });
  }
  if ((certInput.additionalDNSNames ?? []).length > 0) {
    report({ code: "MS2006", message: "the Service CA signs only the service's own names; it cannot add `additionalDNSNames`", path: [...path, "certificate", "additionalDNSNames"], hint: "use a cert-manager `ca` issuer" });
    ok = false;
  }
  return ok;
}

/** Internal and passthrough services have no router that presents a certificate of its own (a warning). */
export function checkRouteCertificateEffect(raw: ServiceInput, path: PolicyPath, report: (f: Finding) => void): void {
  const { name, exposure } = raw;
  if (exposure !== "internal" && exposure !== "passthrough") return;
  report({ code: "MS2015", message: `service \`${name}\` has exposure ${exposure}: the router presents no certificate of its own, so \`routeCertificate\` has no effect`, path: [...path, "routeCertificate"], hint: exposure === "passthrough" ? "the pod's certificate (certificate:) is what clients see" : "remove routeCertificate" });
}

/** The router certificate is for the route host, which the Service CA cannot sign. */
export function serviceCaRouteCertificateFinding(raw: ServiceInput, path: PolicyPath): Finding {
  const rcPath: PolicyPath = [...path, "routeCertificate"];
  return { code: "MS2006", message: `the router certificate of \`${raw.name}\` is for \`${raw.host ?? "the route host"}\`, which the Service CA cannot sign`, path: raw.routeCertificate?.issuer ? [...rcPath, "issuer"] : [...rcPath], hint: "use an ACME or `ca` issuer for routeCertificate" };
}

/**
 * A renewBefore that is not shorter than the duration. The compiler always writes spec.renewBefore, and
 * cert-manager's webhook refuses such a Certificate (cert-manager/cert-manager
 * internal/apis/certmanager/validation/certificate.go `ValidateDuration`: "certificate duration %s must
 * be greater than renewBefore %s"); the controller would ignore it anyway and renew at 2/3 of the
 * lifetime (pkg/util/pki/renewaltime.go `desiredRenewalTime`).
 */
export function checkRenewal(raw: CertificateInput, path: PolicyPath, duration: string, renewBefore: string, report: (f: Finding) => void): void {
  if ((parseGoDuration(renewBefore) ?? 0) < (parseGoDuration(duration) ?? 0)) return;
  report({ code: "MS2016", message: `renewBefore ${renewBefore} is not shorter than duration ${duration}: cert-manager's webhook refuses such a Certificate`, path: [...path, raw.renewBefore ? "renewBefore" : "duration"] });
}
