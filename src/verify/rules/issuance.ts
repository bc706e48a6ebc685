import { isIP } from "node:net";
import { annotations, describe, field, str } from "../object-index.js";
import type { KubeObject, ObjectIndex } from "../object-index.js";
import type { VerifyFinding, VerifyPath, VerifyRule } from "../rule.js";
import { missing } from "../rule.js";
import { issuerRefProblem, say } from "../../diagnostics/messages.js";
import type { WrongIssuerRef } from "../../diagnostics/messages.js";
import { calleesOfWorkload } from "./call-authorization.js";
import { WORKLOAD_KINDS } from "../pods.js";

const CM_GROUP = "cert-manager.io";
const CERTS_FROM = "cert-utils-operator.redhat-cop.io/certs-from-secret";

/**
 * Issuance: will cert-manager issue each Certificate, and does it carry the names its clients dial?
 * - issuerRef (cert-manager/cert-manager pkg/apis/meta/v1/types.go IssuerReference; pkg/issuer/helper.go
 *   GetGenericIssuer: kind "" or "Issuer" is an Issuer in the Certificate's namespace, "ClusterIssuer" is cluster-wide,
 *   any other kind is an error; pkg/controller/certificaterequests/sync.go: a group other than "" or cert-manager.io
 *   is left to an external issuer's own controller, which must exist). A reference that resolves to nothing leaves the
 *   CertificateRequest pending forever.
 * - ACME keys: Let's Encrypt boulder goodkey/good_key.go (KeyPolicy.GoodKey, goodCurve, goodRSABitLen, with the
 *   default AllowedKeys LetsEncryptCPS()): RSA of exactly 2048, 3072 or 4096 bits ("key size not supported" otherwise)
 *   and ECDSA P-256/P-384 only; any other key type is "unsupported key type". ACME names: boulder
 *   policy/pa.go WillingToIssue → validNonWildcardDomain refuses a DNS name without a dot (errTooFewLabels) or not
 *   ending in an ICANN TLD (iana.ExtractSuffix → errNonPublic: `.svc`, `.cluster.local`, `.local`, `.internal`).
 *   IP identifiers: ValidIP refuses reserved addresses (iana.IsReservedAddr: private, loopback, link-local…) and
 *   ChallengeTypesFor allows only HTTP-01/TLS-ALPN-01 for them; cert-manager does put IPs into the order
 *   (certificaterequests/acme/acme.go). Whether a public IP is issued depends on the server's configuration, which
 *   is not modelled: verify treats every IP from ACME as refused (conservative).
 * - Names dialled: the OpenShift router verifies a reencrypt backend without a destination CA with `verifyhost
 *   <service>.<namespace>.svc` (openshift/router images/router/haproxy/conf/haproxy-config.template, the `server` line;
 *   pkg/router/template/router.go sets the service unit's Hostname to `%s.%s.svc` and VerifyServiceHostname only then); browsers verify the Route host against the route certificate
 *   (certs-from-secret / externalCertificate Secret); a declared caller dials `<callee>.<namespace>.svc`.
 */
export const issuanceRule: VerifyRule = {
  id: "issuance",
  hop: "issuance",
  needs: ["issuers"],
  reads: ["cert-manager.io/Certificate", "cert-manager.io/Issuer|ClusterIssuer", "route.openshift.io/Route", "v1/Service"],
  codes: ["MS5060", "MS5061", "MS5062", "MS5063"],
  models: "cert-manager issuerRef resolution; letsencrypt/boulder goodkey/good_key.go and policy/pa.go; openshift/router verifyhost",
  run({ index }) {
    const paths: VerifyPath[] = [];
    const findings: VerifyFinding[] = [];
    for (const cert of [...index.list("cert-manager.io/Certificate"), ...index.list("route.openshift.io/Route").flatMap((r) => routeCertificate(r) ?? [])]) {
      if (cert.partial) continue;
      const ref = resolveIssuer(index, cert);
      const row = { rule: this.id, from: `cert-manager (${describe(cert)})`, to: ref.label, port: "-", client: `issuerRef ${ref.label}` };
      if (ref.result === "broken") {
        paths.push({ ...row, server: ref.server, result: "broken", reason: ref.reason });
        findings.push({ ...say.MS5060(describe(cert), ref.wrong), ...placed(cert, ref.path) });
        continue;
      }
      if (ref.result === "not checked") {
        paths.push({ ...row, server: "?", result: "not checked", reason: missing(ref.reason, "issuers") });
        continue;
      }
      const issuer = ref.issuer;
      const acme = issuer ? str(issuer.body, "spec", "acme", "server") : undefined;
      if (!acme) {
        paths.push({ ...row, server: `${describe(issuer ?? cert)} issues`, result: "ok" });
        continue;
      }
      const keyProblem = acmeKeyProblem(cert);
      const badNames = [...strings(field(cert.body, "spec", "dnsNames")).filter(internalName), ...strings(field(cert.body, "spec", "ipAddresses")), ...strings(field(cert.body, "spec", "uris"))];
      if (!keyProblem && badNames.length === 0) {
        paths.push({ ...row, server: `ACME ${acme} accepts the key and names`, result: "ok" });
        continue;
      }
      if (keyProblem) {
        const said = say.MS5061(describe(cert), acme, keyProblem);
        paths.push({ ...row, server: `ACME ${acme}`, result: "broken", reason: said.message });
        findings.push({ ...said, ...placed(cert, ["spec", "privateKey", "algorithm"]) });
      }
      if (badNames.length > 0) {
        const said = say.MS5062(describe(cert), acme, badNames);
        paths.push({ ...row, server: `ACME ${acme}`, result: "broken", reason: said.message });
        findings.push({ ...said, ...placed(cert, ["spec", "dnsNames"]) });
      }
    }
    checkDialledNames(index, paths, findings, this.id);
    return { paths, findings };
  },
};

const ROUTE_ANNOTATION: Record<string, string> = {
  "spec.issuerRef.name": "cert-manager.io/issuer-name",
  "spec.issuerRef.kind": "cert-manager.io/issuer-kind",
  "spec.issuerRef.group": "cert-manager.io/issuer-group",
  "spec.privateKey.algorithm": "cert-manager.io/private-key-algorithm",
};

/**
 * The Certificate cert-manager openshift-routes creates for a Route annotated `cert-manager.io/issuer-name`
 * (cert-manager/openshift-routes internal/controller/sync.go buildNextCert: issuer-kind defaults to Issuer,
 * issuer-group to cert-manager.io, private-key-algorithm to RSA; dnsNames are spec.host and `cert-manager.io/alt-names`).
 * Findings on it point at the Route's annotation (or spec.host for names).
 */
function routeCertificate(route: KubeObject): KubeObject | undefined {
  const a = annotations(route);
  const name = a["cert-manager.io/issuer-name"] ?? a["cert-manager.io/issuer"];
  if (!name) return undefined;
  const host = str(route.body, "spec", "host");
  const alt = (a["cert-manager.io/alt-names"] ?? "").split(",").map((n) => n.trim()).filter(Boolean);
  const size = a["cert-manager.io/private-key-size"];
  return {
    group: "cert-manager.io/Certificate",
    kind: "Certificate",
    name: `${route.name}-cert`,
    ...(route.namespace ? { namespace: route.namespace } : {}),
    partial: false,
    sources: route.sources,
    body: {
      metadata: { name: `${route.name}-cert`, namespace: route.namespace },
      spec: {
        issuerRef: { name, kind: a["cert-manager.io/issuer-kind"] ?? "Issuer", group: a["cert-manager.io/issuer-group"] ?? CM_GROUP },
        privateKey: { algorithm: a["cert-manager.io/private-key-algorithm"] ?? "RSA", ...(size ? { size: Number(size) } : {}) },
        dnsNames: [...(host ? [host] : []), ...alt],
        secretName: `${route.name}-tls`,
      },
    },
    renderedBy: { object: route, path: ["metadata", "annotations", "cert-manager.io/issuer-name"], controller: "cert-manager openshift-routes" },
  };
}

/** Where a finding on a Certificate is placed: the Certificate's field, or the Route annotation that sets it. */
function placed(cert: KubeObject, path: (string | number)[]): { object: KubeObject; path: (string | number)[] } {
  if (cert.renderedBy?.controller !== "cert-manager openshift-routes") return { object: cert, path };
  const route = cert.renderedBy.object;
  const key = ROUTE_ANNOTATION[path.join(".")];
  if (key && annotations(route)[key] !== undefined) return { object: route, path: ["metadata", "annotations", key] };
  if (path[1] === "dnsNames") return { object: route, path: ["spec", "host"] };
  return { object: route, path: ["metadata", "annotations", "cert-manager.io/issuer-name"] };
}

type Resolved =
  | { result: "ok"; label: string; issuer?: KubeObject }
  | { result: "broken"; label: string; server: string; reason: string; wrong: WrongIssuerRef; path: (string | number)[]; issuer?: undefined }
  | { result: "not checked"; label: string; server: string; reason: string; path: (string | number)[]; issuer?: undefined };

function resolveIssuer(index: ObjectIndex, cert: KubeObject): Resolved {
  const kind = str(cert.body, "spec", "issuerRef", "kind") ?? "Issuer";
  const name = str(cert.body, "spec", "issuerRef", "name") ?? "";
  const group = str(cert.body, "spec", "issuerRef", "group") ?? CM_GROUP;
  const ns = cert.namespace ?? "default";
  const label = `${kind}${group === CM_GROUP ? "" : `.${group}`} ${kind === "ClusterIssuer" ? "" : `${ns}/`}${name}`;
  const sameName = [...index.list("cert-manager.io/ClusterIssuer"), ...index.list("cert-manager.io/Issuer")].filter((i) => i.name === name);
  if (group !== CM_GROUP) {
    // An external issuer: its kind must be served by a controller; when the output writes a cert-manager issuer of
    // that name and no object of the group is read, the group is a slip.
    const external = index.all().some((o) => o.group.startsWith(`${group}/`));
    if (external) return { result: "ok", label };
    if (sameName.length > 0) return broken(label, sameName, { group, name, written: sameName.map(describe) }, ["spec", "issuerRef", "group"]);
    return { result: "not checked", label, server: "?", reason: `the external issuer ${label} is not in what was read`, path: [] };
  }
  if (kind !== "Issuer" && kind !== "ClusterIssuer") return broken(label, [], { kind }, ["spec", "issuerRef", "kind"]);
  const issuer = kind === "ClusterIssuer" ? index.get("cert-manager.io/ClusterIssuer", undefined, name) : index.get("cert-manager.io/Issuer", ns, name);
  if (issuer) return { result: "ok", label, issuer };
  if (sameName.length > 0) return broken(label, sameName, { ref: label, written: sameName.map(describe) }, ["spec", "issuerRef", kind === sameName[0]?.kind ? "name" : "kind"]);
  return { result: "not checked", label, server: "?", reason: `${label} is not in what was read`, path: [] };
}

/**
 * A broken issuerRef: the issuers of that name it may have meant (the path's server), and the path's reason: MS5060's problem,
 * without the Certificate (the path row names it already).
 */
function broken(label: string, sameName: readonly KubeObject[], wrong: WrongIssuerRef, path: (string | number)[]): Resolved {
  return { result: "broken", label, server: sameName.length > 0 ? sameName.map(describe).join(", ") : "?", reason: issuerRefProblem(wrong), wrong, path };
}

/** The key an ACME server refuses (`Ed25519`, `ECDSA P-521`, `RSA 1024`), or undefined. */
function acmeKeyProblem(cert: KubeObject): string | undefined {
  const algorithm = str(cert.body, "spec", "privateKey", "algorithm") ?? "RSA";
  const size = Number(field(cert.body, "spec", "privateKey", "size") ?? (algorithm === "ECDSA" ? 256 : 2048));
  if (algorithm === "Ed25519") return "Ed25519";
  if (algorithm === "ECDSA" && size !== 256 && size !== 384) return `ECDSA P-${size}`;
  if (algorithm === "RSA" && size !== 2048 && size !== 3072 && size !== 4096) return `RSA ${size}`;
  return undefined;
}

function internalName(name: string): boolean {
  const n = name.replace(/^\*\./, "");
  return !n.includes(".") || /\.(svc|cluster\.local|local|internal)$/.test(n) || n.endsWith(".svc.cluster.local") || isIP(n) !== 0;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** A DNS name matches a SAN exactly or through a one-label wildcard. */
function covers(sans: readonly string[], name: string): boolean {
  return sans.some((s) => s === name || (s.startsWith("*.") && name.slice(name.indexOf(".") + 1) === s.slice(2) && name.indexOf(".") > 0));
}

function checkDialledNames(index: ObjectIndex, paths: VerifyPath[], findings: VerifyFinding[], rule: string): void {
  const check = (client: string, cert: KubeObject, name: string): void => {
    const sans = strings(field(cert.body, "spec", "dnsNames"));
    const row = { rule, from: client, to: describe(cert), port: "-", client: `dials ${name}`, server: `dnsNames ${sans.join(", ") || "none"}` };
    if (covers(sans, name)) {
      paths.push({ ...row, result: "ok" });
      return;
    }
    const said = say.MS5063(client, name, describe(cert), sans);
    paths.push({ ...row, result: "broken", reason: said.message });
    findings.push({ ...said, object: cert, path: ["spec", "dnsNames"] });
  };
  const servingCerts = (ns: string, service: string): KubeObject[] => {
    const names = new Set([service, `${service}.${ns}`, `${service}.${ns}.svc`, `${service}.${ns}.svc.cluster.local`]);
    return index.list("cert-manager.io/Certificate", ns).filter((c) => strings(field(c.body, "spec", "dnsNames")).some((d) => names.has(d)));
  };
  for (const route of index.list("route.openshift.io/Route")) {
    const ns = route.namespace ?? "default";
    const service = str(route.body, "spec", "to", "name") ?? "";
    const host = str(route.body, "spec", "host");
    // openshift/router pkg/router/template/router.go: VerifyServiceHostname is set only for a reencrypt Route without
    // destinationCACertificate (cert-utils' destinationCA-from-secret fills that field), i.e. when the router verifies
    // the pod against its default destination CA.
    const hasDestinationCa = field(route.body, "spec", "tls", "destinationCACertificate") !== undefined || annotations(route)["cert-utils-operator.redhat-cop.io/destinationCA-from-secret"] !== undefined;
    if (str(route.body, "spec", "tls", "termination") === "reencrypt" && !hasDestinationCa) {
      for (const cert of servingCerts(ns, service)) check(`router (${describe(route)})`, cert, `${service}.${ns}.svc`);
    }
    const routeSecret = annotations(route)[CERTS_FROM] ?? str(route.body, "spec", "tls", "externalCertificate", "name");
    if (host && routeSecret) {
      for (const cert of index.list("cert-manager.io/Certificate", ns).filter((c) => str(c.body, "spec", "secretName") === routeSecret)) check(`clients of ${describe(route)}`, cert, host);
    }
  }
  for (const caller of WORKLOAD_KINDS.flatMap((gk) => index.list(gk))) {
    for (const callee of calleesOfWorkload(caller)) {
      for (const cert of servingCerts(callee.namespace, callee.name)) check(describe(caller), cert, `${callee.name}.${callee.namespace}.svc`);
    }
  }
}
