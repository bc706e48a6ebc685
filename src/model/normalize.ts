import type { Finding } from "../diagnostics/diagnostic.js";
import { canonicalGoDuration } from "../util/go-duration.js";
import { resolveTls } from "../tls/resolve.js";
import type { Pruned } from "./pruned.js";
import { isManaged, SERVICE_CA } from "./model.js";
import type { Authority, Issuer, IssuerRef, ManagedCertificate, Model, PolicyPath, Service, ServingCertificate, WorkloadRef } from "./model.js";
import type { CertificateInput, IssuerInput, PolicyInput, RouteCertificates, ServiceInput } from "./policy-input.js";
import { checkCertificateMount, checkWorkloads, normalizeWorkload, resolveCallers } from "./workloads.js";
import { normalizeCaBundles } from "./ca-bundles.js";
import { bootstrapIssuerFindings, references } from "./reference-rules.js";
import type { References } from "./reference-rules.js";
import { checkRotation } from "./rotation-rules.js";
import { secretNameFindings } from "./secret-name-rules.js";
import { checkExposure, checkRenewal, duplicateServiceFinding, checkRouteCertificateEffect, checkServiceCaCertificate, serviceCaRouteCertificateFinding } from "./service-rules.js";
import { compareText } from "../util/compare.js";

/** ACME directory URLs for the short names (https://letsencrypt.org/docs/acme-protocol-updates/). */
export const ACME_SERVERS = {
  production: "https://acme-v02.api.letsencrypt.org/directory",
  staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;

/** cert-manager's own defaults, written out so the output says what will happen (90 days, renew 30 days before). */
export const DEFAULT_DURATION = "2160h0m0s";
export const DEFAULT_RENEW_BEFORE = "720h0m0s";

/**
 * Resolve defaults and references into the model. Every default that is not in the schema lives here;
 * the semantic rules live in their own modules (`*-rules.ts`, `ca-bundles.ts`, `workloads.ts`) and
 * are called here in document order, so that one run reports every mistake once.
 */
export function normalize(input: PolicyInput, file: string, pruned: Pruned): { value: Model; findings: Finding[] } {
  const findings: Finding[] = [];
  const report = (finding: Finding): void => {
    findings.push(finding);
  };
  const originalIndex = (section: string, index: number): number => pruned.originalIndex.get(section)?.[index] ?? index;

  const authorities: Authority[] = Object.keys(input.authorities ?? {})
    .sort()
    .map((name) => normalizeAuthority(name, input.authorities?.[name] ?? {}));
  const issuers: Issuer[] = Object.keys(input.issuers ?? {})
    .sort()
    .map((name) => normalizeIssuer(name, input.issuers?.[name] ?? {}));
  const issuerByName = new Map(issuers.map((i) => [i.name, i]));
  const refs = references(authorities, issuerByName, pruned, report);
  for (const issuer of issuers) if (issuer.spec.type === "ca") refs.checkAuthority(issuer.spec.authority, [...issuer.path, "ca", "authority"]);
  findings.push(...bootstrapIssuerFindings(authorities, issuerByName, pruned, input.platform.certManager.namespace));
  const services: Service[] = [];
  const seenServices = new Map<string, PolicyPath>();
  for (const [index, raw] of (input.services ?? []).entries()) {
    const path: PolicyPath = ["services", originalIndex("services", index)];
    const key = `${raw.namespace}/${raw.name}`;
    const first = seenServices.get(key);
    if (first) {
      report(duplicateServiceFinding(key, first, path));
      // The rest of the entry still gets its checks (an undeclared issuer in it is a mistake of its own);
      // only the first declaration goes into the model.
      normalizeService(raw, path, input.platform.reloader, refs, report);
      continue;
    }
    seenServices.set(key, path);
    const service = normalizeService(raw, path, input.platform.reloader, refs, report);
    if (service) services.push(service);
  }
  services.sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name));
  const declaredServices = new Set([...seenServices.keys(), ...pruned.services]);
  resolveCallers(services, input.services ?? [], (index) => originalIndex("services", index), declaredServices, report);
  checkWorkloads(services, report);
  const [major = 4, minor = 0] = input.platform.openshift.split(".").map(Number);
  const routeCertificates = input.platform.routeCertificates ?? defaultRouteCertificates(major, minor);
  findings.push(...secretNameFindings(services, routeCertificates === "cert-manager-routes"));

  const caBundles = normalizeCaBundles(input, originalIndex, report);

  const mesh = input.platform.serviceMesh;
  const model: Model = {
    name: input.metadata.name,
    file,
    platform: {
      openshift: { major, minor },
      mesh: {
        flavor: mesh.flavor,
        namespace: mesh.namespace,
        controlPlane: mesh.controlPlane,
        owned: mesh.owned,
        membership: mesh.membership,
        trustDomain: mesh.trustDomain,
        ...(mesh.version ? { version: mesh.version } : {}),
        ...(mesh.certificateAuthority && refs.checkAuthority(mesh.certificateAuthority, ["platform", "serviceMesh", "certificateAuthority"]) ? { certificateAuthority: mesh.certificateAuthority } : {}),
        path: ["platform", "serviceMesh"],
      },
      certManagerNamespace: input.platform.certManager.namespace,
      routeCertificates,
      routeCertificatesChosen: input.platform.routeCertificates !== undefined,
      reloader: input.platform.reloader,
    },
    tls: { ...input.tls },
    ...(input.mtls
      ? {
          mtls: {
            mode: input.mtls.mode,
            path: ["mtls", "mode"],
            namespaces: Object.keys(input.mtls.namespaces ?? {})
              .sort()
              .map((namespace) => ({ namespace, mode: input.mtls?.namespaces?.[namespace] ?? "PERMISSIVE", path: ["mtls", "namespaces", namespace] })),
          },
        }
      : {}),
    authorities,
    issuers,
    services,
    caBundles,
    output: { ...input.output },
  };
  const tls = resolveTls(model.tls, model.platform.mesh.flavor, ["tls"]);
  findings.push(...tls.findings);
  if (tls.value) model.tlsResolved = tls.value;
  if (input.knative) {
    const k = input.knative;
    const issuersPath = ["knative", "issuers"];
    for (const [role, name] of Object.entries(k.issuers ?? {})) if (name) refs.resolveIssuer(name, [...issuersPath, role]);
    if (k.trustBundle) k.trustBundle.authorities.forEach((a, i) => refs.checkAuthority(a, ["knative", "trustBundle", "authorities", i]));
    model.knative = {
      path: ["knative"],
      namespace: k.namespace,
      name: k.name,
      owned: k.owned,
      clusterLocalDomainTLS: k.clusterLocalDomainTLS,
      systemInternalTLS: k.systemInternalTLS,
      externalDomainTLS: k.externalDomainTLS,
      issuers: { ...k.issuers },
      ...(k.trustBundle ? { trustBundle: { ...k.trustBundle, path: ["knative", "trustBundle"] } } : {}),
    };
  }
  if (input.rotation) {
    checkRotation(input.rotation, refs, report);
    model.rotation = { ...input.rotation, path: ["rotation"] };
  }
  return { value: model, findings };
}

function normalizeAuthority(name: string, raw: NonNullable<PolicyInput["authorities"]>[string]): Authority {
  const path: PolicyPath = ["authorities", name];
  if (raw.generate) {
    const g = raw.generate;
    return {
      name,
      path,
      source: {
        type: "generate",
        keyAlgorithm: g.keyAlgorithm,
        subject: g.subject,
        validityDays: g.validityDays,
        intermediate: g.intermediate,
        // As long as the root, which caps it anyway: the authority is rotated as a whole, and a shorter
        // intermediate would expire before the root is due for rotation (MS2307). Before records existed
        // the default was half of validityDays; drift ignores a defaulted value for that reason.
        intermediateValidityDays: g.intermediateValidityDays ?? g.validityDays,
        intermediateValidityDaysSet: g.intermediateValidityDays !== undefined,
      },
    };
  }
  if (raw.certManager) {
    const c = raw.certManager;
    return {
      name,
      path,
      source: { type: "certManager", issuer: c.issuer, commonName: c.commonName ?? name, keyAlgorithm: c.keyAlgorithm, duration: canonicalGoDuration(c.duration ?? "18960h") ?? "18960h0m0s" },
    };
  }
  const secret = raw.existingSecret ?? { name, namespace: "cert-manager" };
  return { name, path, source: { type: "existingSecret", secretName: secret.name, namespace: secret.namespace } };
}

function normalizeIssuer(name: string, raw: IssuerInput): Issuer {
  const path: PolicyPath = ["issuers", name];
  const ref: IssuerRef = { name, kind: raw.namespace ? "Issuer" : "ClusterIssuer", group: "cert-manager.io" };
  const base = { name, path, ref, ...(raw.namespace ? { namespace: raw.namespace } : {}) };
  if (raw.ca) return { ...base, spec: { type: "ca", authority: raw.ca.authority } };
  if (raw.acme) {
    const a = raw.acme;
    const serverName = a.server === "production" || a.server === "staging" ? a.server : "custom";
    const server = serverName === "custom" ? a.server : ACME_SERVERS[serverName];
    const solver = a.solver.http01 ? { http01: { ingressClass: a.solver.http01.ingressClass ?? "openshift-default" } } : { ...(a.solver.dns01 ? { dns01: a.solver.dns01 } : {}) };
    return {
      ...base,
      spec: { type: "acme", server, serverName, email: a.email, accountKeySecretName: a.privateKeySecretRef?.name ?? `${name}-account-key`, solver },
    };
  }
  return { ...base, spec: { type: "selfSigned" } };
}

function normalizeService(
  raw: ServiceInput,
  path: PolicyPath,
  reloader: boolean,
  refs: References,
  report: (f: Finding) => void,
): Service | undefined {
  const { name, namespace, exposure } = raw;
  const serviceDnsNames = [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
  if (raw.headless) serviceDnsNames.push(`*.${name}.${namespace}.svc`);
  let ok = checkExposure(raw, path, report);

  // Passthrough: the pod terminates TLS for the route host too, so its certificate carries both names.
  const servingNames = exposure === "passthrough" && raw.host ? [raw.host, ...serviceDnsNames] : [...serviceDnsNames];
  const certInput = raw.certificate ?? {};
  const certPath: PolicyPath = raw.certificate ? [...path, "certificate"] : path;
  // An edge Route forwards plain HTTP to the pod, so an external service needs a serving certificate only
  // when the policy asks for one (for callers inside the cluster); the others always terminate TLS.
  const wantsCertificate = exposure !== "external" || raw.certificate !== undefined;
  const certificate = wantsCertificate
    ? normalizeCertificate(certInput, [...servingNames, ...(certInput.additionalDNSNames ?? [])], `${name}-tls`, [...path, "certificate"], certPath, refs, report)
    : undefined;
  if (wantsCertificate && !certificate) ok = false;
  if (certificate?.issuer === SERVICE_CA && !checkServiceCaCertificate(raw, path, certInput, report)) ok = false;

  let routeCertificate: ManagedCertificate | undefined;
  if (raw.routeCertificate) {
    const rcPath: PolicyPath = [...path, "routeCertificate"];
    checkRouteCertificateEffect(raw, path, report);
    const rc = normalizeCertificate(raw.routeCertificate, raw.host ? [raw.host] : [], `${raw.route?.name ?? name}-route-tls`, rcPath, rcPath, refs, report);
    if (rc && !isManaged(rc)) {
      report(serviceCaRouteCertificateFinding(raw, path));
      ok = false;
    } else if (rc) {
      routeCertificate = rc;
    } else {
      ok = false;
    }
  }

  const reloadOnRotation: WorkloadRef[] = (raw.reloadOnRotation ?? []).map((ref, i) => {
    const [kind = "", workload = ""] = ref.split("/");
    const kinds = { deployment: "Deployment", statefulset: "StatefulSet", daemonset: "DaemonSet" } as const;
    return { kind: kinds[kind as keyof typeof kinds] ?? "Deployment", name: workload, path: [...path, "reloadOnRotation", i] };
  });
  const workload = normalizeWorkload(raw, path);
  // reloadOnRotation defaults to the workload, but only where Reloader runs: elsewhere it would only warn (MS2111).
  if (!raw.reloadOnRotation && workload && reloader && certificate) reloadOnRotation.push({ kind: workload.kind, name: workload.name, path: workload.path });
  const certificateMount = certInput.mountPath ? { mountPath: certInput.mountPath, path: [...path, "certificate", "mountPath"] } : undefined;
  if (certificateMount) checkCertificateMount(name, certificateMount, workload, path, report);

  if (!ok) return undefined;
  return {
    name,
    namespace,
    path,
    port: raw.port,
    targetPort: raw.targetPort ?? raw.port,
    // Istio picks the protocol from the port name (`http`, `https` prefixes; istio pkg/config/protocol
    // `Parse` via kube `ConvertProtocol`): an edge Route's backend speaks plain HTTP, every other one TLS.
    portName: raw.portName ?? (exposure === "external" ? "http" : "https"),
    portNameChosen: raw.portName !== undefined,
    ...(raw.selector ? { selector: raw.selector } : {}),
    exposure,
    ...(raw.host ? { host: raw.host } : {}),
    serviceDnsNames,
    ...(certificate ? { certificate } : {}),
    ...(routeCertificate ? { routeCertificate } : {}),
    ...(exposure !== "internal"
      ? { route: { name: raw.route?.name ?? name, insecureEdgeTerminationPolicy: raw.route?.insecureEdgeTerminationPolicy ?? "Redirect", ...(raw.route?.path ? { path: raw.route.path } : {}) } }
      : {}),
    reloadOnRotation,
    ...(workload ? { workload } : {}),
    ...(certificateMount ? { certificateMount } : {}),
    callers: [],
    ...(raw.mtls ? { mtls: { mode: raw.mtls, path: [...path, "mtls"] } } : {}),
    headless: raw.headless,
    calledFromOutsideMesh: raw.calledFromOutsideMesh,
  };
}

function normalizeCertificate(
  raw: CertificateInput,
  dnsNames: string[],
  defaultSecretName: string,
  path: PolicyPath,
  pointAt: PolicyPath,
  refs: References,
  report: (f: Finding) => void,
): ServingCertificate | undefined {
  const issuerName = raw.issuer ?? SERVICE_CA;
  const issuer = refs.resolveIssuer(issuerName, raw.issuer ? [...path, "issuer"] : pointAt);
  if (!issuer) return undefined;
  const secretName = raw.secretName ?? defaultSecretName;
  if (issuer === SERVICE_CA) return { issuer: SERVICE_CA, path, secretName, keystores: raw.keystores ?? [] };

  const duration = canonicalGoDuration(raw.duration ?? DEFAULT_DURATION) ?? DEFAULT_DURATION;
  const renewBefore = canonicalGoDuration(raw.renewBefore ?? DEFAULT_RENEW_BEFORE) ?? DEFAULT_RENEW_BEFORE;
  checkRenewal(raw, path, duration, renewBefore, report);
  const algorithm = raw.privateKey?.algorithm ?? "ECDSA";
  const size = raw.privateKey?.size ?? (algorithm === "RSA" ? 2048 : algorithm === "ECDSA" ? 256 : undefined);
  const keystores = [...(raw.keystores ?? [])].sort();
  return {
    issuer: issuer.name,
    path,
    issuerRef: issuer.ref,
    secretName,
    dnsNames: [...new Set(dnsNames)],
    duration,
    renewBefore,
    privateKey: { algorithm, ...(size !== undefined ? { size } : {}), rotationPolicy: "Always" },
    usages: raw.usages ?? ["server auth", "digital signature", ...(algorithm === "RSA" ? ["key encipherment"] : [])],
    keystores,
    ...(raw.keystorePasswordSecretRef ? { keystorePasswordSecretRef: raw.keystorePasswordSecretRef } : {}),
    pkcs12Profile: raw.pkcs12Profile ?? "Modern2023",
  };
}

/**
 * The router-certificate wiring that needs the fewest extra operators: from OpenShift 4.19 the router reads
 * `spec.tls.externalCertificate` itself (GA in 4.19, openshift/api route/v1 `TLSConfig.ExternalCertificate`),
 * so nothing but cert-manager is needed. Before that both alternatives need one operator; cert-utils also
 * copies a cert-manager pod certificate's CA into reencrypt Routes (destinationCA-from-secret), which
 * openshift-routes cannot, so more policies work with it.
 */
export function defaultRouteCertificates(major: number, minor: number): RouteCertificates {
  return major > 4 || (major === 4 && minor >= 19) ? "external-certificate" : "cert-utils";
}
