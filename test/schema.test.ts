import { readFileSync } from "node:fs";
import AjvModule from "ajv";
import type { ErrorObject } from "ajv";
import addFormatsModule from "ajv-formats";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";

// ajv and ajv-formats are CommonJS with a default export.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

type Node = Record<string, unknown>;

const schema = JSON.parse(readFileSync(new URL("../schemas/mesh-security.schema.json", import.meta.url), "utf8")) as Node;

// strict: true, except that strictRequired only logs: ajv checks `required` before it has seen the
// sibling `properties`, so it flags every "exactly one of" branch ({required: [x]}) although x is
// declared. The test "choice branches only require declared properties" does that check properly.
const strictWarnings: string[] = [];
const ajv = new Ajv({
  allErrors: true,
  strict: true,
  strictRequired: "log",
  useDefaults: true,
  allowUnionTypes: true,
  logger: { log: () => undefined, warn: (...args: unknown[]) => void strictWarnings.push(args.map(String).join(" ")), error: (...args: unknown[]) => void strictWarnings.push(args.map(String).join(" ")) },
});
addFormats(ajv);
const validate = ajv.compile(schema);

/** Validate a copy (defaults are applied to it); returns the copy and the errors. */
function check(policy: unknown): { value: Node; errors: ErrorObject[] } {
  const value = structuredClone(policy) as Node;
  const valid = validate(value);
  return { value, errors: valid ? [] : [...(validate.errors ?? [])] };
}

const HEADER = "apiVersion: mesh-security/v1alpha1\nkind: MeshSecurityPolicy\nmetadata:\n  name: shop\n";
/** A policy from YAML: the header plus the given sections. */
const yaml = (body: string): unknown => parse(HEADER + body, { version: "1.2" });
const SERVICE = "services:\n  - { name: customer, namespace: demo }\n";
const ACME = (solver: string): string => `${SERVICE}issuers:\n  le:\n    acme:\n      email: platform@example.com\n      solver: ${solver}\n`;

/** The example policy of DESIGN.md ("The policy file"), verbatim. */
const DESIGN_EXAMPLE = `# yaml-language-server: $schema=./node_modules/mesh-security/schemas/mesh-security.schema.json
apiVersion: mesh-security/v1alpha1
kind: MeshSecurityPolicy
metadata:
  name: shop
platform:
  openshift: "4.19"
  serviceMesh:
    flavor: maistra-v2
    namespace: istio-system
    controlPlane: basic
  routeCertificates: cert-utils
  reloader: true
tls:
  profile: intermediate
  minVersion: TLSv1_2
  maxVersion: TLSv1_3
  cipherSuites:
    - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
  ecdhCurves: [X25519, CurveP256]
mtls:
  mode: STRICT
  namespaces:
    legacy: PERMISSIVE
authorities:
  internal:
    generate:
      keyAlgorithm: ECDSA-P256
      subject: "CN=shop internal root CA,O=Example"
      validityDays: 790
      intermediate: true
  corporate:
    existingSecret: { name: corp-ca, namespace: cert-manager }
issuers:
  internal:
    ca: { authority: internal }
  letsencrypt:
    acme:
      server: production
      email: platform@example.com
      solver:
        dns01:
          route53:
            region: us-east-1
            hostedZoneID: Z0123456789
            accessKeyIDSecretRef: { name: route53-credentials, key: access-key-id }
            secretAccessKeySecretRef: { name: route53-credentials, key: secret-access-key }
  bootstrap:
    selfSigned: {}
services:
  - name: customer
    namespace: demo
    port: 8443
    selector: { app: customer }
    exposure: reencrypt
    host: customer.apps.example.com
    certificate:
      issuer: internal
      duration: 2160h
      renewBefore: 360h
      keystores: [pkcs12]
      keystorePasswordSecretRef: { name: customer-keystore, key: password }
    routeCertificate:
      issuer: letsencrypt
    reloadOnRotation: [deployment/customer]
    mtls: STRICT
    headless: false
caBundles:
  - { kind: ConfigMap, name: service-ca-bundle, namespace: demo }
  - { kind: APIService, name: v1beta1.metrics.example.com }
  - { kind: CustomResourceDefinition, name: widgets.example.com }
  - { kind: MutatingWebhookConfiguration, name: pod-defaults.example.com }
  - { kind: ValidatingWebhookConfiguration, name: policy.example.com }
knative:
  clusterLocalDomainTLS: true
  systemInternalTLS: true
  externalDomainTLS: false
  issuers: { clusterLocal: internal, systemInternal: internal }
  trustBundle:
    authorities: [internal]
    namespaces: [knative-serving, knative-serving-ingress, istio-system]
rotation:
  authority: internal
  next: internal-2027
  phase: trust-both
output:
  layout: by-namespace
  syncWaves: true
  secrets: separate
`;

test("the schema compiles under strict mode, with no strict complaint but the known strictRequired one", () => {
  const others = strictWarnings.filter((w) => !/\(strictRequired\)$/.test(w));
  assert.equal(others, []);
  for (const warning of strictWarnings) assert.match(warning, /#(\/[^"]*)?\/(oneOf|anyOf)\/\d+" \(strictRequired\)$/, warning);
});

test("the example policy of DESIGN.md validates", () => {
  const { errors } = check(parse(DESIGN_EXAMPLE, { version: "1.2" }));
  assert.equal(errors, []);
});

test("a three-line policy validates and gets every default", () => {
  const { value, errors } = check(yaml(SERVICE));
  assert.equal(errors, []);
  assert.equal(value["platform"], {
    openshift: "4.19",
    serviceMesh: { flavor: "none", namespace: "istio-system", controlPlane: "basic", owned: false, membership: true, trustDomain: "cluster.local" },
    certManager: { namespace: "cert-manager" },
    // routeCertificates has no schema default: it depends on platform.openshift (normalize).
    reloader: false,
  });
  assert.equal(value["tls"], { profile: "intermediate" });
  assert.equal(value["output"], { layout: "by-namespace", syncWaves: true, secrets: "separate" });
  assert.equal(value["services"], [{ name: "customer", namespace: "demo", port: 8443, exposure: "internal", headless: false, calledFromOutsideMesh: false }]);
  // Sections whose presence means something are never invented.
  for (const key of ["mtls", "knative", "authorities", "issuers", "caBundles", "rotation"]) assert.not.ok(key in value, key);
  // Defaulting is idempotent: the defaulted policy is valid and unchanged by a second pass.
  assert.equal(check(value), { value, errors: [] });
});

const valid: Array<[string, { given: unknown; want?: (value: Node) => void }]> = [
  ["mtls alone is enough", { given: yaml("mtls: {}\n"), want: (v) => assert.equal(v["mtls"], { mode: "PERMISSIVE" }) }],
  ["caBundles alone is enough", { given: yaml("caBundles: [{ kind: APIService, name: v1.metrics.example.com }]\n"), want: (v) => assert.equal((v["caBundles"] as Node[])[0]?.["existing"], false) }],
  [
    "knative defaults apply inside it, trustBundle only when present",
    {
      given: yaml("knative: { trustBundle: { authorities: [internal] } }\n"),
      want: (v) =>
        assert.equal(v["knative"], {
          namespace: "knative-serving",
          name: "knative-serving",
          owned: false,
          clusterLocalDomainTLS: false,
          systemInternalTLS: false,
          externalDomainTLS: false,
          trustBundle: { name: "knative-trust-bundle", authorities: ["internal"], namespaces: ["knative-serving", "knative-serving-ingress"] },
        }),
    },
  ],
  [
    "a certificate without issuer defaults to service-ca",
    { given: yaml("services:\n  - { name: customer, namespace: demo, certificate: { secretName: customer-serving } }\n"), want: (v) => assert.equal((v["services"] as Node[])[0]?.["certificate"], { issuer: "service-ca", secretName: "customer-serving", pkcs12Profile: "Modern2023" }) },
  ],
  [
    "acme defaults: production server, openshift-default ingress class",
    { given: yaml(ACME("{ http01: {} }")), want: (v) => assert.equal((v["issuers"] as Record<string, Node>)["le"], { acme: { server: "production", email: "platform@example.com", solver: { http01: { ingressClass: "openshift-default" } } } }) },
  ],
  ["acme server may be any https URL", { given: yaml(ACME("{ http01: {} }").replace("acme:\n", "acme:\n      server: https://acme.example.com/directory\n")) }],
  ["cloudflare with an API token", { given: yaml(ACME("{ dns01: { cloudflare: { apiTokenSecretRef: { name: cf, key: token } } } }")) }],
  ["azureDNS with a managed identity", { given: yaml(ACME("{ dns01: { azureDNS: { subscriptionID: s, resourceGroupName: g, managedIdentity: { clientID: c } } } }")) }],
  ["rfc2136 with TSIG", { given: yaml(ACME("{ dns01: { rfc2136: { nameserver: '10.0.0.53:53', tsigKeyName: k, tsigAlgorithm: HMACSHA256, tsigSecretSecretRef: { name: tsig, key: secret } } } }")) }],
  ["a namespaced issuer", { given: yaml(`${SERVICE}issuers:\n  local: { namespace: demo, selfSigned: {} }\n`) }],
  ["an authority made by cert-manager", { given: yaml(`${SERVICE}authorities:\n  mesh: { certManager: { issuer: bootstrap, duration: 17520h } }\n`) }],
  ["a wildcard host, a named targetPort, an empty label value", { given: yaml("services:\n  - { name: web, namespace: demo, exposure: external, host: '*.apps.example.com', targetPort: https, selector: { app.kubernetes.io/name: web, tier: '' } }\n") }],
  ["durations with several units", { given: yaml("services:\n  - { name: web, namespace: demo, certificate: { issuer: internal, duration: 1h30m, renewBefore: 1.5h } }\n") }],
];

for (const [name, { given, want }] of valid) {
  test(`valid: ${name}`, () => {
    const { value, errors } = check(given);
    assert.equal(errors, []);
    want?.(value);
  });
}

interface Want {
  keyword: string;
  instancePath: string;
  params?: Record<string, unknown>;
  propertyName?: string;
}

const invalid: Array<[string, { given: unknown; want: Want }]> = [
  ["unknown top-level key", { given: yaml(`${SERVICE}servics: []\n`), want: { keyword: "additionalProperties", instancePath: "", params: { additionalProperty: "servics" } } }],
  ["unknown key in a service", { given: yaml("services:\n  - { name: customer, namespace: demo, exposur: internal }\n"), want: { keyword: "additionalProperties", instancePath: "/services/0", params: { additionalProperty: "exposur" } } }],
  ["bad exposure", { given: yaml("services:\n  - { name: customer, namespace: demo, exposure: edge }\n"), want: { keyword: "enum", instancePath: "/services/0/exposure" } }],
  ["namespace that is not a DNS-1123 label", { given: yaml("services:\n  - { name: customer, namespace: Demo_NS }\n"), want: { keyword: "pattern", instancePath: "/services/0/namespace" } }],
  ["uppercase service name", { given: yaml("services:\n  - { name: Customer, namespace: demo }\n"), want: { keyword: "pattern", instancePath: "/services/0/name" } }],
  ["service name starting with a digit (DNS-1035)", { given: yaml("services:\n  - { name: 1customer, namespace: demo }\n"), want: { keyword: "pattern", instancePath: "/services/0/name" } }],
  ["namespace longer than 63 characters", { given: yaml(`services:\n  - { name: customer, namespace: ${"a".repeat(64)} }\n`), want: { keyword: "maxLength", instancePath: "/services/0/namespace" } }],
  ["missing metadata.name", { given: parse("apiVersion: mesh-security/v1alpha1\nkind: MeshSecurityPolicy\nmetadata: {}\nmtls: {}\n"), want: { keyword: "required", instancePath: "/metadata", params: { missingProperty: "name" } } }],
  ["missing apiVersion", { given: parse("kind: MeshSecurityPolicy\nmetadata: { name: shop }\nmtls: {}\n"), want: { keyword: "required", instancePath: "", params: { missingProperty: "apiVersion" } } }],
  ["wrong apiVersion", { given: parse("apiVersion: mesh-security/v1\nkind: MeshSecurityPolicy\nmetadata: { name: shop }\nmtls: {}\n"), want: { keyword: "const", instancePath: "/apiVersion" } }],
  ["nothing to compile", { given: yaml("tls: { profile: modern }\n"), want: { keyword: "anyOf", instancePath: "" } }],
  ["issuer with two kinds", { given: yaml(`${SERVICE}issuers:\n  both: { selfSigned: {}, ca: { authority: internal } }\n`), want: { keyword: "oneOf", instancePath: "/issuers/both" } }],
  ["issuer with no kind", { given: yaml(`${SERVICE}issuers:\n  empty: { namespace: demo }\n`), want: { keyword: "oneOf", instancePath: "/issuers/empty" } }],
  ["issuer named service-ca", { given: yaml(`${SERVICE}issuers:\n  service-ca: { selfSigned: {} }\n`), want: { keyword: "not", instancePath: "/issuers", propertyName: "service-ca" } }],
  ["issuer name with upper case", { given: yaml(`${SERVICE}issuers:\n  LetsEncrypt: { selfSigned: {} }\n`), want: { keyword: "pattern", instancePath: "/issuers", propertyName: "LetsEncrypt" } }],
  ["selfSigned with settings", { given: yaml(`${SERVICE}issuers:\n  boot: { selfSigned: { isCA: true } }\n`), want: { keyword: "additionalProperties", instancePath: "/issuers/boot/selfSigned", params: { additionalProperty: "isCA" } } }],
  ["dns01 with no provider", { given: yaml(ACME("{ dns01: {} }")), want: { keyword: "oneOf", instancePath: "/issuers/le/acme/solver/dns01" } }],
  ["dns01 with two providers", { given: yaml(ACME("{ dns01: { route53: { region: us-east-1 }, rfc2136: { nameserver: ns1.example.com } } }")), want: { keyword: "oneOf", instancePath: "/issuers/le/acme/solver/dns01" } }],
  ["solver with http01 and dns01", { given: yaml(ACME("{ http01: {}, dns01: { route53: { region: us-east-1 } } }")), want: { keyword: "oneOf", instancePath: "/issuers/le/acme/solver" } }],
  ["cloudflare with token and key", { given: yaml(ACME("{ dns01: { cloudflare: { apiTokenSecretRef: { name: cf, key: t }, apiKeySecretRef: { name: cf, key: k } } } }")), want: { keyword: "oneOf", instancePath: "/issuers/le/acme/solver/dns01/cloudflare" } }],
  ["inline credential instead of a secret reference", { given: yaml(ACME("{ dns01: { route53: { region: us-east-1, secretAccessKey: s3cr3t } } }")), want: { keyword: "additionalProperties", instancePath: "/issuers/le/acme/solver/dns01/route53", params: { additionalProperty: "secretAccessKey" } } }],
  ["secret reference without key", { given: yaml(ACME("{ dns01: { route53: { region: us-east-1, accessKeyIDSecretRef: { name: aws } } } }")), want: { keyword: "required", instancePath: "/issuers/le/acme/solver/dns01/route53/accessKeyIDSecretRef", params: { missingProperty: "key" } } }],
  ["acme over plain http", { given: yaml(ACME("{ http01: {} }").replace("acme:\n", "acme:\n      server: http://acme.example.com\n")), want: { keyword: "anyOf", instancePath: "/issuers/le/acme/server" } }],
  ["acme e-mail that is not one", { given: yaml(ACME("{ http01: {} }").replace("platform@example.com", "platform")), want: { keyword: "format", instancePath: "/issuers/le/acme/email" } }],
  ["bad duration", { given: yaml("services:\n  - { name: web, namespace: demo, certificate: { issuer: internal, duration: 90d } }\n"), want: { keyword: "pattern", instancePath: "/services/0/certificate/duration" } }],
  ["port out of range", { given: yaml("services:\n  - { name: web, namespace: demo, port: 70000 }\n"), want: { keyword: "maximum", instancePath: "/services/0/port" } }],
  ["targetPort name with a double hyphen", { given: yaml("services:\n  - { name: web, namespace: demo, targetPort: web--tls }\n"), want: { keyword: "anyOf", instancePath: "/services/0/targetPort" } }],
  ["host with a single label", { given: yaml("services:\n  - { name: web, namespace: demo, exposure: external, host: web }\n"), want: { keyword: "pattern", instancePath: "/services/0/host" } }],
  ["reloadOnRotation with an unknown workload kind", { given: yaml("services:\n  - { name: web, namespace: demo, reloadOnRotation: [deploy/web] }\n"), want: { keyword: "pattern", instancePath: "/services/0/reloadOnRotation/0" } }],
  ["unknown keystore format", { given: yaml("services:\n  - { name: web, namespace: demo, certificate: { issuer: internal, keystores: [p12] } }\n"), want: { keyword: "enum", instancePath: "/services/0/certificate/keystores/0" } }],
  ["OpenShift version written as a YAML number", { given: yaml(`${SERVICE}platform: { openshift: 4.19 }\n`), want: { keyword: "type", instancePath: "/platform/openshift" } }],
  ["cipher suite in lower case", { given: yaml(`${SERVICE}tls: { cipherSuites: [tls_ecdhe_rsa_with_aes_128_gcm_sha256] }\n`), want: { keyword: "pattern", instancePath: "/tls/cipherSuites/0" } }],
  ["a curve listed twice", { given: yaml(`${SERVICE}tls: { ecdhCurves: [X25519, X25519] }\n`), want: { keyword: "uniqueItems", instancePath: "/tls/ecdhCurves" } }],
  ["mtls namespace key that is not a name", { given: yaml("mtls: { namespaces: { Legacy: PERMISSIVE } }\n"), want: { keyword: "pattern", instancePath: "/mtls/namespaces", propertyName: "Legacy" } }],
  ["mtls mode in lower case", { given: yaml("mtls: { mode: strict }\n"), want: { keyword: "enum", instancePath: "/mtls/mode" } }],
  ["authority with two kinds", { given: yaml(`${SERVICE}authorities:\n  ca: { generate: { subject: CN=x }, existingSecret: { name: ca, namespace: cert-manager } }\n`), want: { keyword: "oneOf", instancePath: "/authorities/ca" } }],
  ["generated authority without CN", { given: yaml(`${SERVICE}authorities:\n  ca: { generate: { subject: 'O=Example' } }\n`), want: { keyword: "pattern", instancePath: "/authorities/ca/generate/subject" } }],
  ["caBundles kind Secret", { given: yaml("caBundles: [{ kind: Secret, name: ca }]\n"), want: { keyword: "enum", instancePath: "/caBundles/0/kind" } }],
  ["rotation without phase", { given: yaml(`${SERVICE}rotation: { authority: a, next: b }\n`), want: { keyword: "required", instancePath: "/rotation", params: { missingProperty: "phase" } } }],
  ["knative trust bundle without authorities", { given: yaml("knative: { trustBundle: { authorities: [] } }\n"), want: { keyword: "minItems", instancePath: "/knative/trustBundle/authorities" } }],
  ["label value longer than 63 characters", { given: yaml(`services:\n  - { name: web, namespace: demo, selector: { app: ${"a".repeat(64)} } }\n`), want: { keyword: "maxLength", instancePath: "/services/0/selector/app" } }],
];

for (const [name, { given, want }] of invalid) {
  test(`invalid: ${name}`, () => {
    const { errors } = check(given);
    const found = errors.find(
      (e) =>
        e.keyword === want.keyword &&
        e.instancePath === want.instancePath &&
        (want.propertyName === undefined || (e as ErrorObject & { propertyName?: string }).propertyName === want.propertyName) &&
        Object.entries(want.params ?? {}).every(([k, v]) => e.params[k] === v),
    );
    assert.ok(found, `expected ${JSON.stringify(want)}, got ${JSON.stringify(errors.map((e) => ({ keyword: e.keyword, instancePath: e.instancePath, params: e.params })))}`);
    // Every error is about the offending value or one of its ancestors, never somewhere unrelated.
    for (const e of errors) assert.ok(want.instancePath.startsWith(e.instancePath) || e.instancePath.startsWith(want.instancePath), `unrelated error at ${e.instancePath}`);
  });
}

// ---- the schema's own shape -------------------------------------------------------------------

interface Visit {
  node: Node;
  path: string;
  /** How the node is reached: a property, a definition, a map value, a list item, or anything else. */
  role: "property" | "definition" | "mapValue" | "items" | "other";
  /** Inside a oneOf/anyOf branch. */
  inChoice: boolean;
  parent?: Node;
}

/** Every schema node, depth first. */
function visit(root: Node): Visit[] {
  const out: Visit[] = [];
  const walk = (node: unknown, path: string, role: Visit["role"], inChoice: boolean, parent?: Node): void => {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return;
    const n = node as Node;
    out.push({ node: n, path, role, inChoice, ...(parent ? { parent } : {}) });
    for (const [key, child] of Object.entries((n["properties"] ?? {}) as Node)) walk(child, `${path}/properties/${key}`, "property", inChoice, n);
    for (const [key, child] of Object.entries((n["definitions"] ?? {}) as Node)) walk(child, `${path}/definitions/${key}`, "definition", false, n);
    walk(n["additionalProperties"], `${path}/additionalProperties`, "mapValue", inChoice, n);
    walk(n["items"], `${path}/items`, "items", inChoice, n);
    walk(n["propertyNames"], `${path}/propertyNames`, "other", inChoice, n);
    walk(n["not"], `${path}/not`, "other", inChoice, n);
    for (const keyword of ["oneOf", "anyOf", "allOf"]) {
      ((n[keyword] ?? []) as unknown[]).forEach((child, i) => walk(child, `${path}/${keyword}/${i}`, "other", inChoice || keyword !== "allOf", n));
    }
  };
  walk(root, "#", "other", false);
  return out;
}

const definitions = schema["definitions"] as Record<string, Node>;
const describedByRef = (node: Node): boolean => {
  const ref = node["$ref"] ?? ((node["allOf"] as Node[] | undefined)?.[0]?.["$ref"] as string | undefined);
  return typeof ref === "string" && typeof definitions[ref.replace("#/definitions/", "")]?.["description"] === "string";
};

test("every property and definition has its own description; map values and list items have one too", () => {
  for (const { node, path, role } of visit(schema)) {
    if (role === "other") continue;
    const own = node["description"];
    if (role === "property" || role === "definition") {
      assert.type(own, "string", `${path} has no description`);
      assert.ok((own as string).length >= 20 && (own as string).endsWith("."), `${path}: write a full sentence`);
    } else {
      assert.ok(typeof own === "string" || describedByRef(node), `${path} has no description`);
    }
  }
});

test("every object schema closes its keys (additionalProperties false, or a schema for maps)", () => {
  for (const { node, path } of visit(schema)) {
    if (node["type"] !== "object") continue;
    const additional = node["additionalProperties"];
    assert.ok(additional === false || (typeof additional === "object" && additional !== null), `${path} leaves additionalProperties open`);
    if (typeof additional === "object") assert.ok(node["propertyNames"] !== undefined, `${path} is a map without propertyNames`);
  }
});

test("no default inside a oneOf/anyOf branch", () => {
  const inBranch = visit(schema).filter((v) => v.inChoice && v.node["default"] !== undefined);
  assert.equal(inBranch.map((v) => v.path), []);
});

test("choice branches only require declared properties (the check ajv's strictRequired cannot make)", () => {
  for (const { node, path } of visit(schema)) {
    for (const keyword of ["oneOf", "anyOf"]) {
      for (const [i, branch] of ((node[keyword] ?? []) as Node[]).entries()) {
        for (const key of (branch["required"] ?? []) as string[]) {
          assert.ok(key in ((node["properties"] ?? {}) as Node), `${path}/${keyword}/${i} requires undeclared ${key}`);
        }
      }
    }
  }
});

test("every $ref resolves to a definition, and every definition is used", () => {
  const text = JSON.stringify(schema);
  const refs = new Set([...text.matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)].map((m) => m[1]));
  for (const ref of refs) assert.ok(ref !== undefined && ref in definitions, `unresolved $ref ${ref}`);
  for (const name of Object.keys(definitions)) assert.ok(refs.has(name), `unused definition ${name}`);
});

test.run();
