import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
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
  return { ...say.MS2001(key, formatPath(first)), path: [...path, "name"] };
}

/** A Route needs a host; a host without a Route is a mistake of its own (a warning). */
export function checkExposure(raw: ServiceInput, path: PolicyPath, report: (f: Finding) => void): boolean {
  const { name, exposure } = raw;
  if (exposure !== "internal" && !raw.host) {
    report({ ...say.MS2005(name, exposure), path: [...path, "exposure"] });
    return false;
  }
  if (exposure === "internal" && raw.host) {
    report({ ...say.MS2009(name), path: [...path, "host"] });
  }
  return true;
}

/** What a serving certificate from the Service CA cannot be: it signs the service's own names, into tls.crt and tls.key only. */
export function checkServiceCaCertificate(raw: ServiceInput, path: PolicyPath, certInput: CertificateInput, report: (f: Finding) => void): boolean {
  const { name, namespace, exposure } = raw;
  let ok = true;
  if (exposure === "passthrough") {
    report({ ...say.MS2006(name, raw.host, "passthrough"), path: raw.certificate?.issuer ? [...path, "certificate", "issuer"] : [...path, "exposure"] });
    ok = false;
  }
  if ((certInput.keystores ?? []).length > 0) {
    report({ ...say.MS2014(name), path: [...path, "certificate", "keystores"] });
    ok = false;
  }
  if (raw.headless) {
    report({ ...say.MS2007(name, namespace), path: [...path, "headless"] });
  }
  if ((certInput.additionalDNSNames ?? []).length > 0) {
    report({ ...say.MS2006(name, raw.host, "additionalDNSNames"), path: [...path, "certificate", "additionalDNSNames"] });
    ok = false;
  }
  return ok;
}

/** Internal and passthrough services have no router that presents a certificate of its own (a warning). */
export function checkRouteCertificateEffect(raw: ServiceInput, path: PolicyPath, report: (f: Finding) => void): void {
  const { name, exposure } = raw;
  if (exposure !== "internal" && exposure !== "passthrough") return;
  report({ ...say.MS2015(name, exposure), path: [...path, "routeCertificate"] });
}

/** The router certificate is for the route host, which the Service CA cannot sign. */
export function serviceCaRouteCertificateFinding(raw: ServiceInput, path: PolicyPath): Finding {
  const rcPath: PolicyPath = [...path, "routeCertificate"];
  return { ...say.MS2006(raw.name, raw.host, "routeCertificate"), path: raw.routeCertificate?.issuer ? [...rcPath, "issuer"] : [...rcPath] };
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
  report({ ...say.MS2016(renewBefore, duration), path: [...path, raw.renewBefore ? "renewBefore" : "duration"] });
}
