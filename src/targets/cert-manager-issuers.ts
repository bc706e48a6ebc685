import type { Finding } from "../diagnostics/diagnostic.js";
import { type Dns01Problem, say } from "../diagnostics/messages.js";
import type { AcmeSolver, Issuer, Model, PolicyPath } from "../model/model.js";
import { authoritySecret, findAuthority, signingAuthorityName } from "../model/names.js";
import type { TargetPlan } from "./target.js";

/** A Secret an issuer owns or reads, keyed `namespace/name`, for the secret-collision rule. */
export interface IssuerSecret {
  key: string;
  owner: string;
  path: PolicyPath;
}

/** The namespace whose Secrets an issuer reads: its own, or cert-manager's cluster resource namespace. */
export function issuerSecretNamespace(model: Model, issuer: Issuer): string {
  return issuer.namespace ?? model.platform.certManagerNamespace;
}

/**
 * One ClusterIssuer or Issuer per `issuers:` entry, in wave -10 (before the Certificates that use it).
 * Returns the Secrets the issuers own or read so certificates cannot overwrite them.
 */
export function planIssuers(model: Model, plan: TargetPlan): IssuerSecret[] {
  const secrets: IssuerSecret[] = [];
  for (const issuer of model.issuers) {
    const spec = issuerSpec(model, issuer, plan.findings, secrets);
    if (!spec) continue;
    const kind = issuer.ref.kind;
    plan.objects.push({
      target: "cert-manager",
      template: "cert-manager/issuer",
      values: { kind, name: issuer.name, namespace: issuer.namespace ?? null, ...spec.values },
      apiVersion: "cert-manager.io/v1",
      kind,
      name: issuer.name,
      ...(issuer.namespace ? { namespace: issuer.namespace } : {}),
      role: "resource",
      wave: -10,
      reason: spec.reason,
      source: [...issuer.path],
    });
  }
  return secrets;
}

interface IssuerValues {
  selfSigned: boolean;
  ca: { secretName: string } | null;
  acme: { server: string; email: string; privateKeySecretName: string; http01: { ingressClassName: string } | null; dns01: Record<string, unknown> | null } | null;
}

function issuerSpec(model: Model, issuer: Issuer, findings: Finding[], secrets: IssuerSecret[]): { values: IssuerValues; reason: string } | undefined {
  const none: IssuerValues = { selfSigned: false, ca: null, acme: null };
  const readsFrom = issuerSecretNamespace(model, issuer);
  const spec = issuer.spec;
  if (spec.type === "selfSigned") {
    return { values: { ...none, selfSigned: true }, reason: "self-signed issuer: every certificate signs itself (no chain of trust; mostly for bootstrapping a CA)" };
  }
  if (spec.type === "ca") {
    // During a rotation the issuer signs with the next authority from phase issue-new on (names.ts).
    const signing = signingAuthorityName(model, spec.authority);
    const authority = findAuthority(model, signing);
    if (!authority) return undefined; // MS2004 was reported by normalize
    // authoritySecret knows where each kind of authority keeps its Secret (a CA cert-manager makes
    // stays in cert-manager's namespace; generated ones are placed where the issuer reads them).
    const secret = authoritySecret(model, authority, issuer.namespace);
    // cert-manager reads a ClusterIssuer's CA Secret from its cluster resource namespace only, and an
    // Issuer's from the Issuer's namespace (cert-manager docs, "CA" issuer and "Cluster Resource Namespace").
    if (secret.namespace !== readsFrom) {
      findings.push({ ...say.MS2106(issuer.ref.kind, issuer.name, secret, readsFrom, issuer.namespace !== undefined), path: [...issuer.path, "ca", "authority"] });
    }
    secrets.push({ key: `${secret.namespace}/${secret.name}`, owner: `the CA Secret of issuer ${issuer.name}`, path: [...issuer.path, "ca", "authority"] });
    const rotating = signing !== spec.authority ? ` (rotation: signing with ${signing} instead of ${spec.authority})` : "";
    return { values: { ...none, ca: { secretName: secret.name } }, reason: `CA issuer signing with authority ${signing}${rotating}, whose certificate and key cert-manager reads from Secret ${secret.namespace}/${secret.name}` };
  }
  const acmePath: PolicyPath = [...issuer.path, "acme"];
  if (spec.serverName === "staging") {
    findings.push({ ...say.MS2103(issuer.name), path: [...acmePath, "server"] });
  }
  secrets.push({ key: `${readsFrom}/${spec.accountKeySecretName}`, owner: `the ACME account key of issuer ${issuer.name}`, path: [...acmePath, "privateKeySecretRef", "name"] });
  const dns01 = spec.solver.dns01 ? dns01Solver(issuer, spec.solver.dns01, [...acmePath, "solver", "dns01"], findings) : null;
  const http01 = spec.solver.http01 ? { ingressClassName: spec.solver.http01.ingressClass } : null;
  const solverText = http01
    ? `HTTP-01 through an Ingress of class ${http01.ingressClassName}`
    : `DNS-01 through ${Object.keys(spec.solver.dns01 ?? {}).join(", ")} (credentials read from namespace ${readsFrom})`;
  return {
    values: { ...none, acme: { server: spec.server, email: spec.email, privateKeySecretName: spec.accountKeySecretName, http01, dns01 } },
    reason: `ACME issuer for ${spec.server}, account key in Secret ${readsFrom}/${spec.accountKeySecretName}, challenges solved by ${solverText}`,
  };
}

type Dns01 = NonNullable<AcmeSolver["dns01"]>;

/**
 * The `dns01` block with the field names of cert-manager's ACMEChallengeSolverDNS01 (checked against
 * deploy/crds/cert-manager.io_clusterissuers.yaml, v1.21). Fields are copied one by one so nothing else leaks in.
 * The credential rules mirror cert-manager's webhook (pkg/internal/apis/certmanager/validation/issuer.go).
 */
function dns01Solver(issuer: Issuer, dns01: Dns01, path: PolicyPath, findings: Finding[]): Record<string, unknown> {
  const incomplete = (provider: string, problem: Dns01Problem): void => {
    findings.push({ ...say.MS2113(issuer.name, provider, problem), path: [...path, provider] });
  };
  const ambient = (provider: string): void => {
    if (!issuer.namespace) return;
    findings.push({ ...say.MS2114(issuer.name, provider), path: [...path, provider] });
  };
  const pick = <T extends object>(source: T, keys: readonly (keyof T)[]): Record<string, unknown> =>
    Object.fromEntries(keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));

  if (dns01.route53) {
    const r = dns01.route53;
    if (Boolean(r.accessKeyIDSecretRef) !== Boolean(r.secretAccessKeySecretRef)) {
      incomplete("route53", "route53 key pair");
    }
    if (!r.secretAccessKeySecretRef) ambient("route53");
    return { route53: pick(r, ["region", "hostedZoneID", "role", "accessKeyIDSecretRef", "secretAccessKeySecretRef"]) };
  }
  if (dns01.cloudflare) {
    const c = dns01.cloudflare;
    if (c.apiKeySecretRef && !c.email) incomplete("cloudflare", "cloudflare email");
    return { cloudflare: pick(c, ["email", "apiTokenSecretRef", "apiKeySecretRef"]) };
  }
  if (dns01.azureDNS) {
    const a = dns01.azureDNS;
    const principal = [a.clientID, a.tenantID, a.clientSecretSecretRef];
    if (principal.some(Boolean)) {
      if (!principal.every(Boolean)) incomplete("azureDNS", "azureDNS service principal");
      if (a.managedIdentity) incomplete("azureDNS", "azureDNS both identities");
    } else {
      if (a.managedIdentity?.clientID && a.managedIdentity.resourceID) incomplete("azureDNS", "azureDNS managed identity");
      ambient("azureDNS");
    }
    const azure = pick(a, ["subscriptionID", "resourceGroupName", "hostedZoneName", "environment", "tenantID", "clientID", "clientSecretSecretRef"]);
    if (a.managedIdentity) azure["managedIdentity"] = pick(a.managedIdentity, ["clientID", "resourceID"]);
    return { azureDNS: azure };
  }
  if (dns01.rfc2136) {
    const r = dns01.rfc2136;
    if (Boolean(r.tsigKeyName) !== Boolean(r.tsigSecretSecretRef)) {
      incomplete("rfc2136", "rfc2136 TSIG");
    }
    return { rfc2136: pick(r, ["nameserver", "tsigKeyName", "tsigAlgorithm", "tsigSecretSecretRef"]) };
  }
  return {};
}
