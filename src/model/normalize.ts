import type { Finding } from "../diagnostics/diagnostic.js";
import { canonicalGoDuration, parseGoDuration } from "../util/go-duration.js";
import { resolveTls } from "../tls/resolve.js";
import { formatPath } from "../util/path.js";
import { suggest } from "../util/suggest.js";
import type { Pruned } from "./pruned.js";
import { isManaged, SERVICE_CA } from "./model.js";
import type { Authority, CaBundle, Issuer, IssuerRef, ManagedCertificate, Model, PolicyPath, Service, ServingCertificate, WorkloadRef } from "./model.js";
import type { CertificateInput, IssuerInput, PolicyInput, RouteCertificates, ServiceInput } from "./policy-input.js";
import { checkCertificateMount, checkWorkloads, normalizeWorkload, resolveCallers } from "./workloads.js";
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
 * Resolve defaults and references into the model. Every default that is not in the schema lives here.
 * Rules that need the whole policy (duplicates, references, exposure requirements) report as they go.
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
  const authorityNames = new Set([...authorities.map((a) => a.name), ...pruned.authorities]);
  const checkAuthority = (name: string, path: PolicyPath): boolean => {
    if (authorityNames.has(name)) return true;
    const hint = suggest(name, authorityNames);
    report({ code: "MS2004", message: `authority \`${name}\` is not declared under \`authorities\``, path: [...path], ...(hint ? { hint: `did you mean \`${hint}\`?` } : {}) });
    return false;
  };

  const issuers: Issuer[] = [];
  for (const name of Object.keys(input.issuers ?? {}).sort()) {
    const issuer = normalizeIssuer(name, input.issuers?.[name] ?? {});
    if (issuer.spec.type === "ca") checkAuthority(issuer.spec.authority, [...issuer.path, "ca", "authority"]);
    issuers.push(issuer);
  }
  const issuerByName = new Map(issuers.map((i) => [i.name, i]));
  for (const authority of authorities) {
    if (authority.source.type !== "certManager") continue;
    const path = [...authority.path, "certManager", "issuer"];
    const issuer = issuerByName.get(authority.source.issuer);
    if (!issuer && !pruned.issuers.has(authority.source.issuer)) {
      const hint = suggest(authority.source.issuer, issuerByName.keys());
      report({ code: "MS2003", message: `issuer \`${authority.source.issuer}\` is not declared under \`issuers\``, path, ...(hint ? { hint: `did you mean \`${hint}\`?` } : {}) });
    } else if (issuer && issuer.spec.type !== "selfSigned") {
      report({ code: "MS2017", message: `authority \`${authority.name}\` must be signed by a selfSigned issuer; \`${issuer.name}\` is ${issuer.spec.type}`, path, hint: "declare an issuer with `selfSigned: {}` to bootstrap the CA" });
    } else if (issuer?.namespace) {
      report({ code: "MS2017", message: `authority \`${authority.name}\` lives in cert-manager's namespace, so its bootstrap issuer must be a ClusterIssuer; \`${issuer.name}\` is namespaced`, path, hint: "drop `namespace` from that issuer" });
    }
  }
  /** Resolve an issuer reference; undefined (and a finding, unless the issuer was pruned) when unknown. */
  const resolveIssuer = (name: string, path: PolicyPath): Issuer | typeof SERVICE_CA | undefined => {
    if (name === SERVICE_CA) return SERVICE_CA;
    const issuer = issuerByName.get(name);
    if (issuer) return issuer;
    if (!pruned.issuers.has(name)) {
      const hint = suggest(name, [SERVICE_CA, ...issuerByName.keys()]);
      report({ code: "MS2003", message: `issuer \`${name}\` is not declared under \`issuers\``, path: [...path], ...(hint ? { hint: `did you mean \`${hint}\`?` } : {}) });
    }
    return undefined;
  };

  const services: Service[] = [];
  const seenServices = new Map<string, PolicyPath>();
  for (const [index, raw] of (input.services ?? []).entries()) {
    const path: PolicyPath = ["services", originalIndex("services", index)];
    const key = `${raw.namespace}/${raw.name}`;
    const first = seenServices.get(key);
    if (first) {
      report({ code: "MS2001", message: `service \`${key}\` is declared twice (first at ${formatPath(first)})`, path: [...path, "name"] });
      // The rest of the entry still gets its checks (an undeclared issuer in it is a mistake of its own);
      // only the first declaration goes into the model.
      normalizeService(raw, path, input.platform.reloader, resolveIssuer, report);
      continue;
    }
    seenServices.set(key, path);
    const service = normalizeService(raw, path, input.platform.reloader, resolveIssuer, report);
    if (service) services.push(service);
  }
  services.sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name));
  const declaredServices = new Set([...seenServices.keys(), ...pruned.services]);
  resolveCallers(services, input.services ?? [], (index) => originalIndex("services", index), declaredServices, report);
  checkWorkloads(services, report);
  const [major = 4, minor = 0] = input.platform.openshift.split(".").map(Number);
  const routeCertificates = input.platform.routeCertificates ?? defaultRouteCertificates(major, minor);
  checkSecretNames(services, routeCertificates === "cert-manager-routes", report);

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
        ...(mesh.certificateAuthority && checkAuthority(mesh.certificateAuthority, ["platform", "serviceMesh", "certificateAuthority"]) ? { certificateAuthority: mesh.certificateAuthority } : {}),
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
    for (const [role, name] of Object.entries(k.issuers ?? {})) if (name) resolveIssuer(name, [...issuersPath, role]);
    if (k.trustBundle) k.trustBundle.authorities.forEach((a, i) => checkAuthority(a, ["knative", "trustBundle", "authorities", i]));
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
    const r = input.rotation;
    checkAuthority(r.authority, ["rotation", "authority"]);
    checkAuthority(r.next, ["rotation", "next"]);
    if (r.next === r.authority) {
      // Finishing such a rotation would delete the only authority and leave references dangling.
      report({ code: "MS2310", message: `rotation.next is \`${r.next}\`, the authority being rotated; a rotation needs a second authority`, path: ["rotation", "next"], hint: `declare a new authority, or run \`mesh-security ca rotate ${r.authority}\` without a rotation section to have one made` });
    }
    model.rotation = { ...r, path: ["rotation"] };
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
  resolveIssuer: (name: string, path: PolicyPath) => Issuer | typeof SERVICE_CA | undefined,
  report: (f: Finding) => void,
): Service | undefined {
  const { name, namespace, exposure } = raw;
  const serviceDnsNames = [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
  if (raw.headless) serviceDnsNames.push(`*.${name}.${namespace}.svc`);
  let ok = true;

  if (exposure !== "internal" && !raw.host) {
    report({ code: "MS2005", message: `service \`${name}\` has exposure ${exposure}, which publishes a Route and needs \`host\``, path: [...path, "exposure"] });
    ok = false;
  }
  if (exposure === "internal" && raw.host) {
    report({ code: "MS2009", message: `service \`${name}\` sets \`host\` but exposure internal publishes no Route`, path: [...path, "host"], hint: "remove host, or set exposure to passthrough, reencrypt or external" });
  }

  // Passthrough: the pod terminates TLS for the route host too, so its certificate carries both names.
  const servingNames = exposure === "passthrough" && raw.host ? [raw.host, ...serviceDnsNames] : [...serviceDnsNames];
  const certInput = raw.certificate ?? {};
  const certPath: PolicyPath = raw.certificate ? [...path, "certificate"] : path;
  // An edge Route forwards plain HTTP to the pod, so an external service needs a serving certificate only
  // when the policy asks for one (for callers inside the cluster); the others always terminate TLS.
  const wantsCertificate = exposure !== "external" || raw.certificate !== undefined;
  const certificate = wantsCertificate
    ? normalizeCertificate(certInput, [...servingNames, ...(certInput.additionalDNSNames ?? [])], `${name}-tls`, [...path, "certificate"], certPath, resolveIssuer, report)
    : undefined;
  if (wantsCertificate && !certificate) ok = false;
  if (certificate?.issuer === SERVICE_CA) {
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
  }

  let routeCertificate: ManagedCertificate | undefined;
  if (raw.routeCertificate) {
    const rcPath: PolicyPath = [...path, "routeCertificate"];
    if (exposure === "internal" || exposure === "passthrough") {
      report({ code: "MS2015", message: `service \`${name}\` has exposure ${exposure}: the router presents no certificate of its own, so \`routeCertificate\` has no effect`, path: [...rcPath], hint: exposure === "passthrough" ? "the pod's certificate (certificate:) is what clients see" : "remove routeCertificate" });
    }
    const rc = normalizeCertificate(raw.routeCertificate, raw.host ? [raw.host] : [], `${raw.route?.name ?? name}-route-tls`, rcPath, rcPath, resolveIssuer, report);
    if (rc && !isManaged(rc)) {
      report({ code: "MS2006", message: `the router certificate of \`${name}\` is for \`${raw.host ?? "the route host"}\`, which the Service CA cannot sign`, path: raw.routeCertificate.issuer ? [...rcPath, "issuer"] : [...rcPath], hint: "use an ACME or `ca` issuer for routeCertificate" });
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
  resolveIssuer: (name: string, path: PolicyPath) => Issuer | typeof SERVICE_CA | undefined,
  report: (f: Finding) => void,
): ServingCertificate | undefined {
  const issuerName = raw.issuer ?? SERVICE_CA;
  const issuer = resolveIssuer(issuerName, raw.issuer ? [...path, "issuer"] : pointAt);
  if (!issuer) return undefined;
  const secretName = raw.secretName ?? defaultSecretName;
  if (issuer === SERVICE_CA) return { issuer: SERVICE_CA, path, secretName, keystores: raw.keystores ?? [] };

  const duration = canonicalGoDuration(raw.duration ?? DEFAULT_DURATION) ?? DEFAULT_DURATION;
  const renewBefore = canonicalGoDuration(raw.renewBefore ?? DEFAULT_RENEW_BEFORE) ?? DEFAULT_RENEW_BEFORE;
  if ((parseGoDuration(renewBefore) ?? 0) >= (parseGoDuration(duration) ?? 0)) {
    report({ code: "MS2016", message: `renewBefore ${renewBefore} is not shorter than duration ${duration}: cert-manager would renew continuously`, path: [...path, raw.renewBefore ? "renewBefore" : "duration"] });
  }
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

/** Two writers of one Secret (or one Certificate) would overwrite each other forever. */
function checkSecretNames(services: readonly Service[], openshiftRoutes: boolean, report: (f: Finding) => void): void {
  const seen = new Map<string, string>();
  const claim = (key: string, here: string, path: PolicyPath, hint: string): void => {
    const owner = seen.get(key);
    if (owner) report({ code: "MS2002", message: `${key.replace(/^(\w+)\//, "$1 `")}\` is written by both ${owner} and ${here}`, path: [...path], hint });
    else seen.set(key, here);
  };
  for (const service of services) {
    const terminates = service.exposure === "reencrypt" || service.exposure === "external";
    const { certificate, routeCertificate, route } = service;
    if (certificate) {
      const writer = isManaged(certificate) ? `the serving Certificate of ${service.name}` : `the Service CA (serving certificate of ${service.name})`;
      claim(`Secret/${service.namespace}/${certificate.secretName}`, writer, [...certificate.path, "secretName"], "set a distinct certificate.secretName");
      if (isManaged(certificate)) claim(`Certificate/${service.namespace}/${service.name}`, `the serving Certificate of ${service.name}`, [...service.path, "name"], "rename one of the services");
    }
    if (!routeCertificate || !route || !terminates) continue;
    if (openshiftRoutes) {
      // cert-manager/openshift-routes internal/controller/sync.go `buildNextCert` (v0.7.0+): the controller
      // creates Certificate `<route>-cert` with secretName `<route>-tls` (safeKubernetesNameAppend) for every
      // annotated Route; the policy's routeCertificate.secretName is not used.
      const here = `cert-manager openshift-routes (router certificate of Route ${route.name})`;
      const path = [...service.path, "routeCertificate"];
      claim(`Secret/${service.namespace}/${route.name}-tls`, here, path, "set certificate.secretName (or route.name) so that the Secrets differ");
      claim(`Certificate/${service.namespace}/${route.name}-cert`, here, path, "rename the Route (route.name) or the service");
    } else {
      claim(`Secret/${service.namespace}/${routeCertificate.secretName}`, `the router Certificate of ${service.name}`, [...routeCertificate.path, "secretName"], "set a distinct routeCertificate.secretName");
    }
  }
}

const CLUSTER_SCOPED = new Set(["APIService", "CustomResourceDefinition", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]);

function normalizeCaBundles(input: PolicyInput, originalIndex: (section: string, i: number) => number, report: (f: Finding) => void): CaBundle[] {
  const bundles: CaBundle[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of (input.caBundles ?? []).entries()) {
    const path: PolicyPath = ["caBundles", originalIndex("caBundles", index)];
    const key = `${raw.kind}/${raw.namespace ?? ""}/${raw.name}`;
    if (seen.has(key)) {
      report({ code: "MS2010", message: `${raw.kind} \`${raw.name}\` is listed twice`, path: [...path, "name"] });
      continue;
    }
    seen.add(key);
    if (CLUSTER_SCOPED.has(raw.kind) && raw.namespace) {
      report({ code: "MS2013", message: `${raw.kind} is cluster-scoped and takes no namespace`, path: [...path, "namespace"], at: "key" });
      continue;
    }
    if (raw.kind === "ConfigMap" && !raw.namespace) {
      report({ code: "MS2013", message: "a ConfigMap needs a namespace", path: [...path], hint: "add `namespace:`" });
      continue;
    }
    if (raw.existing && raw.kind !== "ConfigMap") {
      report({ code: "MS2013", message: `\`existing\` only applies to ConfigMaps: ${raw.kind} entries are always patched`, path: [...path, "existing"], at: "key" });
    }
    bundles.push({ kind: raw.kind, name: raw.name, ...(raw.namespace ? { namespace: raw.namespace } : {}), existing: raw.kind === "ConfigMap" && raw.existing, path });
  }
  return bundles.sort((a, b) => compareText(a.kind, b.kind) || compareText(a.namespace ?? "", b.namespace ?? "") || compareText(a.name, b.name));
}
