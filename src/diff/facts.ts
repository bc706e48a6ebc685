import { createHash } from "node:crypto";
import type { AuthorityMaterialView } from "../targets/target.js";
import { buildCallGraph } from "../model/call-graph.js";
import type { TrustSource } from "../model/call-graph.js";
import { clientSendsTo } from "../model/client-tls.js";
import { isManaged } from "../model/model.js";
import type { ManagedCertificate, Model, Service } from "../model/model.js";
import { namespaceMtls, serviceMtls } from "../model/mtls.js";
import { describePath } from "../verify/describe-path.js";
import type { PathEnds } from "../verify/describe-path.js";
import type { Property } from "./classify.js";

/** One property of a subject or path, as the wire sees it. Set-valued properties give one fact per member. */
export interface Fact {
  property: Property;
  /** The member of a set (a SAN, a cipher suite, a trust anchor); absent for a single value. */
  item?: string;
  value: string;
}

/** What a change to a service's mTLS can break: clients that have no mesh identity to present. */
export interface ServiceContext {
  /** Who reaches the service without a mesh identity (the router, callers outside the mesh...). */
  withoutIdentity: string[];
  /** The service sets its own mTLS mode; otherwise its mode is its namespace's, reported there once. */
  ownMtls: boolean;
}

/** A subject (service, issuer, authority, the mesh, knative) or a path (a hop on the wire), with its facts. */
export interface Entity {
  /** Sort key and identity across the two sides. */
  key: string;
  /** `service payments/ledger`, `issuer internal`, `authority mesh-ca`, `mesh`, `knative`. */
  subject: string;
  /** Set for a path: its ends, named as explain names paths. */
  path?: PathEnds & { kind: PathKind };
  /** One line saying what it is (for an added or removed entity). */
  summary: string;
  facts: Map<string, Fact>;
  context?: ServiceContext;
}

/** The kinds of path DESIGN names: external client → router, router → pod, declared caller → callee, mesh defaults per namespace. */
export type PathKind = "external" | "router" | "caller" | "namespace";

/** The facts of one side: every subject and path of the compiled policy, by key. */
export interface WireModel {
  entities: Map<string, Entity>;
  /** The rotation in progress, if any (a CA swap it covers is not disruptive). */
  rotation?: { authority: string; next: string };
}

/** Read the wire facts of a compiled policy from its normalized model (and its CA material, when at hand). */
export function buildWireModel(model: Model, material: ReadonlyMap<string, AuthorityMaterialView> = new Map()): WireModel {
  const entities = new Map<string, Entity>();
  const add = (entity: Omit<Entity, "facts">, facts: readonly Fact[]): void => {
    const map = new Map<string, Fact>();
    for (const f of facts) map.set(factKey(f), f);
    entities.set(entity.key, { ...entity, facts: map });
  };
  const mesh = model.platform.mesh.flavor !== "none";
  const graph = buildCallGraph(model);
  const unauthenticated = new Map(graph.callees.map((c) => [serviceKey(c.service), c.unauthenticated]));

  add({ key: "0 mesh", subject: "mesh", summary: `mesh ${model.platform.mesh.flavor}` }, meshFacts(model));
  for (const ns of mesh ? namespaceMtls(model) : []) {
    const ends = { from: "mesh clients", to: `namespace ${ns.namespace}`, port: "-" };
    // A namespace's mode is the mode of every service in it that sets none: their clients are its clients.
    const followers = model.services.filter((s) => s.namespace === ns.namespace && !s.mtls);
    const withoutIdentity = followers.flatMap((s) => clientsWithoutIdentity(model, s).map((who) => `${who} of ${s.name}`));
    add({ key: `1 namespace ${ns.namespace}`, subject: `mesh namespace ${ns.namespace}`, path: { ...ends, kind: "namespace" }, summary: `mTLS ${ns.mode} (from ${ns.source === "mesh" ? "mtls.mode" : "mtls.namespaces"})`, context: { withoutIdentity, ownMtls: true } }, [{ property: "mtlsMode", value: ns.mode }]);
  }
  for (const authority of model.authorities) {
    add({ key: `2 authority ${authority.name}`, subject: `authority ${authority.name}`, summary: `authority ${authority.name} (${authority.source.type})` }, authorityFacts(model, authority.name, material));
  }
  for (const issuer of model.issuers) {
    const spec = issuer.spec;
    const facts: Fact[] = [{ property: "issuerType", value: spec.type }];
    if (spec.type === "ca") facts.push({ property: "issuerAuthority", value: spec.authority });
    if (spec.type === "acme") facts.push({ property: "acmeServer", value: spec.server });
    add({ key: `3 issuer ${issuer.name}`, subject: `issuer ${issuer.name}`, summary: `${issuer.ref.kind} ${issuer.name} (${spec.type})` }, facts);
  }
  if (model.knative) {
    const k = model.knative;
    const facts: Fact[] = [
      { property: "knativeEncryption", item: "cluster-local", value: onOff(k.clusterLocalDomainTLS) },
      { property: "knativeEncryption", item: "system-internal", value: onOff(k.systemInternalTLS) },
      { property: "knativeEncryption", item: "external-domain", value: onOff(k.externalDomainTLS) },
      ...(k.trustBundle?.authorities ?? []).map((a): Fact => ({ property: "trustAnchor", item: a, value: "trusted" })),
    ];
    add({ key: "4 knative", subject: "knative", summary: "Knative Serving transport encryption" }, facts);
  }
  const byKey = new Map(model.services.map((s) => [serviceKey(s), s]));
  for (const service of model.services) {
    const subject = `service ${serviceKey(service)}`;
    const facts: Fact[] = [{ property: "exposure", value: service.exposure }];
    if (service.host) facts.push({ property: "host", value: service.host });
    if (mesh) {
      facts.push({ property: "mtlsMode", value: serviceMtls(model, service).mode });
      const open = unauthenticated.get(serviceKey(service));
      facts.push({ property: "withoutIdentity", value: open ? `admitted on port ${String(open.port)} (${open.why})` : "denied" });
    }
    facts.push({ property: "calledFromOutsideMesh", value: service.calledFromOutsideMesh ? "yes" : "no" });
    if (service.certificate) {
      facts.push({ property: "certificateIssuer", item: "serving", value: service.certificate.issuer });
      if (isManaged(service.certificate)) facts.push(...managedFacts("serving", service.certificate));
      else for (const name of service.serviceDnsNames) facts.push({ property: "certificateName", item: `serving ${name}`, value: "present" });
    }
    if (service.routeCertificate) {
      facts.push({ property: "certificateIssuer", item: "router", value: service.routeCertificate.issuer });
      facts.push(...managedFacts("router", service.routeCertificate));
    }
    add({ key: `5 service ${serviceKey(service)}`, subject, summary: `${service.exposure} service, port ${service.port}`, context: { withoutIdentity: clientsWithoutIdentity(model, service), ownMtls: service.mtls !== undefined } }, facts);

    if (service.route && service.host) {
      const routerCert = service.exposure === "passthrough" ? "the pod's certificate (passthrough)" : service.routeCertificate ? `issuer ${service.routeCertificate.issuer}` : "the router's default certificate";
      const ends = { from: "external clients", to: `router (host ${service.host})`, port: "443" };
      add({ key: `6 ${subject} external`, subject, path: { ...ends, kind: "external" }, summary: `TLS with ${routerCert}` }, [
        { property: "encryption", value: "TLS" },
        { property: "plainHttp", value: service.route.insecureEdgeTerminationPolicy },
        { property: "presents", value: routerCert },
      ]);
      const hop = routerHop(service);
      add({ key: `7 ${subject} router`, subject, path: { from: `router (host ${service.host})`, to: `pods of Service ${serviceKey(service)}`, port: String(service.targetPort), kind: "router" }, summary: `${hop.encryption}; ${hop.authentication}` }, [
        { property: "encryption", value: hop.encryption },
        { property: "authentication", value: hop.authentication },
      ]);
    }
  }
  for (const edge of graph.edges) {
    const subject = `service ${serviceKey(edge.callee)}`;
    const caller = byKey.get(serviceKey(edge.caller)) ?? edge.caller;
    const sendsMtls = mesh && edge.mtls !== undefined && edge.mtls.mode !== "DISABLE" && clientSendsTo(model, edge.callee).tls === "mtls";
    const encryption = sendsMtls ? "mTLS" : edge.presents ? "TLS" : "plain";
    const authentication = sendsMtls ? "mutual (mesh identities)" : edge.presents ? "the caller verifies the callee's certificate" : "none";
    const facts: Fact[] = [
      { property: "encryption", value: encryption },
      { property: "authentication", value: authentication },
      { property: "trust", value: describeTrust(edge.trust) },
    ];
    if (edge.authorization.enforced) facts.push({ property: "authorization", value: edge.authorization.principal ? `allows ${edge.authorization.principal}` : "no principal (denied)" });
    const ends = { from: `Service ${serviceKey(caller)}`, to: `Service ${serviceKey(edge.callee)}`, port: String(edge.callee.port), kind: "caller" as const };
    add({ key: `8 ${subject} caller ${serviceKey(caller)}`, subject, path: ends, summary: `${encryption}; ${authentication}` }, facts);
  }
  return { entities, ...(model.rotation ? { rotation: { authority: model.rotation.authority, next: model.rotation.next } } : {}) };
}

/**
 * Who reaches a service without a mesh identity, so that STRICT refuses them (DESIGN.md "diff",
 * disruptive): callers outside the mesh, the OpenShift router (outside the mesh, for every Route type),
 * declared callers in namespaces the policy does not make mesh members.
 */
function clientsWithoutIdentity(model: Model, service: Service): string[] {
  return [
    ...(service.calledFromOutsideMesh ? ["callers outside the mesh (calledFromOutsideMesh)"] : []),
    ...(service.route ? [`the OpenShift router (Route ${service.route.name})`] : []),
    ...(model.platform.mesh.membership ? [] : service.callers.map((c) => `caller ${c.namespace}/${c.name}, whose namespace this policy does not make a mesh member`)),
  ];
}

/** The identity of a fact within its entity. */
export function factKey(fact: Pick<Fact, "property" | "item">): string {
  return fact.item === undefined ? fact.property : `${fact.property} ${fact.item}`;
}

/** How a change names where it happened: the path as explain names it, else the subject. */
export function entityLabel(entity: Pick<Entity, "subject" | "path">): string {
  return entity.path ? describePath(entity.path) : entity.subject;
}

/** An entity as explain prints it: its label (describePath for a path) and its facts as `property: value`. */
export function describeEntity(entity: Entity): { path: string; facts: string[] } {
  return {
    path: entityLabel(entity),
    facts: [...entity.facts.values()].map((f) => (f.item === undefined ? `${f.property}: ${f.value}` : `${f.property} ${f.item}: ${f.value}`)),
  };
}

function serviceKey(s: Pick<Service, "namespace" | "name">): string {
  return `${s.namespace}/${s.name}`;
}

function onOff(on: boolean): string {
  return on ? "on" : "off";
}

function meshFacts(model: Model): Fact[] {
  const facts: Fact[] = [{ property: "meshFlavor", value: model.platform.mesh.flavor }];
  if (model.platform.mesh.flavor !== "none") facts.push({ property: "mtlsMode", value: model.mtls?.mode ?? "PERMISSIVE" });
  if (model.platform.mesh.certificateAuthority) facts.push({ property: "meshAuthority", value: model.platform.mesh.certificateAuthority });
  const tls = model.tlsResolved;
  const minVersion = tls?.minVersion ?? model.tls.minVersion;
  const maxVersion = tls?.maxVersion ?? model.tls.maxVersion;
  if (minVersion) facts.push({ property: "minVersion", value: minVersion });
  if (maxVersion) facts.push({ property: "maxVersion", value: maxVersion });
  for (const suite of tls?.cipherSuites ?? model.tls.cipherSuites ?? []) facts.push({ property: "cipherSuite", item: suite, value: "allowed" });
  for (const curve of tls?.ecdhCurves ?? model.tls.ecdhCurves ?? []) facts.push({ property: "ecdhCurve", item: curve, value: "allowed" });
  return facts;
}

function authorityFacts(model: Model, name: string, material: ReadonlyMap<string, AuthorityMaterialView>): Fact[] {
  const authority = model.authorities.find((a) => a.name === name);
  if (!authority) return [];
  const source = authority.source;
  const facts: Fact[] = [];
  if (source.type === "generate") {
    facts.push({ property: "authoritySource", value: "generated" });
    facts.push({ property: "keyAlgorithm", item: "CA", value: source.keyAlgorithm });
    facts.push({ property: "validity", item: "CA", value: `${source.validityDays}d` });
    facts.push({ property: "authoritySubject", value: source.subject });
    const root = material.get(name)?.rootCertPem;
    // The root itself, by content: a new root under the same parameters is still a CA swap.
    if (root) facts.push({ property: "authorityRoot", value: fingerprint(root) });
  } else if (source.type === "existingSecret") {
    facts.push({ property: "authoritySource", value: `existing Secret ${source.namespace}/${source.secretName}` });
  } else {
    facts.push({ property: "authoritySource", value: `cert-manager (issuer ${source.issuer})` });
    facts.push({ property: "keyAlgorithm", item: "CA", value: source.keyAlgorithm });
    facts.push({ property: "validity", item: "CA", value: source.duration });
  }
  const rotation = model.rotation;
  facts.push({ property: "rotationPhase", value: rotation && rotation.authority === name ? `${rotation.phase} (next ${rotation.next})` : "none" });
  return facts;
}

function managedFacts(which: "serving" | "router", cert: ManagedCertificate): Fact[] {
  const key = cert.privateKey;
  return [
    { property: "keyAlgorithm", item: which, value: key.size !== undefined ? `${key.algorithm}-${key.size}` : key.algorithm },
    { property: "validity", item: which, value: cert.duration },
    ...cert.dnsNames.map((n): Fact => ({ property: "certificateName", item: `${which} ${n}`, value: "present" })),
  ];
}

/**
 * The router's hop to the pods. Edge terminates at the router and sends plain HTTP on; reencrypt opens
 * a new TLS connection and verifies the pod against the Route's destinationCACertificate; passthrough
 * forwards the client's TLS by SNI without terminating it (openshift/router pkg/router/template/
 * configmanager/haproxy and images/router/haproxy/conf/haproxy-config.template, the `be_tcp`/`be_secure` backends).
 */
function routerHop(service: Service): { encryption: string; authentication: string } {
  if (service.exposure === "passthrough") return { encryption: "TLS", authentication: "the external client verifies the pod's certificate (end to end)" };
  if (service.exposure === "reencrypt") return { encryption: "TLS", authentication: "the router verifies the pod's certificate (destination CA)" };
  return { encryption: "plain", authentication: "none" };
}

function describeTrust(trust: TrustSource): string {
  switch (trust.type) {
    case "authority":
    case "trust-manager":
      return `roots of authority ${trust.roots.join(" + ")}`;
    case "service-ca":
      return "the Service CA bundle";
    case "system":
      return `the system trust store (issuer ${trust.issuer})`;
    case "untrusted":
      return `nothing (self-signed issuer ${trust.issuer})`;
    case "plaintext":
      return "nothing (plain text)";
  }
}

/** A short, stable name for a root certificate (SHA-256 of its PEM text, first 16 hex digits). */
function fingerprint(pem: string): string {
  return `sha256:${hash(pem.replace(/\r\n/g, "\n").trim()).slice(0, 16)}`;
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
