import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Finding } from "../src/diagnostics/diagnostic.js";
import { normalizeCaBundles } from "../src/model/ca-bundles.js";
import type { Authority, Issuer, Service } from "../src/model/model.js";
import type { CertificateInput, PolicyInput, ServiceInput } from "../src/model/policy-input.js";
import type { Pruned } from "../src/model/pruned.js";
import { bootstrapIssuerFindings, references } from "../src/model/reference-rules.js";
import { checkRotation } from "../src/model/rotation-rules.js";
import { secretNameFindings } from "../src/model/secret-name-rules.js";
import { checkExposure, checkRenewal, duplicateServiceFinding, checkRouteCertificateEffect, checkServiceCaCertificate, serviceCaRouteCertificateFinding } from "../src/model/service-rules.js";

// The semantic rule modules of src/model/, called directly (as ESLint's RuleTester does): each row is an
// input and the exact findings it must give, as [code, path]. End-to-end positions are in the golden and
// diagnostic-example tests; these pin what each module decides on its own.
type Want = Array<[string, Array<string | number>]>;
const got = (findings: readonly Finding[]): Want => findings.map((f) => [f.code, f.path]);
const collect = (): { findings: Finding[]; report: (f: Finding) => void } => {
  const findings: Finding[] = [];
  return { findings, report: (f) => void findings.push(f) };
};
const nothingPruned = (): Pruned => ({ issuers: new Set(), authorities: new Set(), services: new Set(), originalIndex: new Map() });
const P = ["services", 0];
const svc = (extra: Partial<ServiceInput>): ServiceInput => ({ name: "api", namespace: "shop", port: 8443, exposure: "internal", headless: false, calledFromOutsideMesh: false, ...extra });

const selfSigned: Issuer = { name: "boot", path: ["issuers", "boot"], ref: { name: "boot", kind: "ClusterIssuer", group: "cert-manager.io" }, spec: { type: "selfSigned" } };
const ca: Issuer = { name: "corp", path: ["issuers", "corp"], ref: { name: "corp", kind: "ClusterIssuer", group: "cert-manager.io" }, spec: { type: "ca", authority: "root" } };
const namespacedBoot: Issuer = { ...selfSigned, name: "nsboot", namespace: "shop", ref: { name: "nsboot", kind: "Issuer", group: "cert-manager.io" } };
const cmBoot: Issuer = { ...selfSigned, name: "cmboot", namespace: "cert-manager", ref: { name: "cmboot", kind: "Issuer", group: "cert-manager.io" } };
const namespacedCa: Issuer = { ...ca, name: "nsca", namespace: "cert-manager", ref: { name: "nsca", kind: "Issuer", group: "cert-manager.io" } };
const byName = new Map([selfSigned, ca, namespacedBoot, cmBoot, namespacedCa].map((i) => [i.name, i]));
const cmAuthority = (issuer: string): Authority => ({ name: "root", path: ["authorities", "root"], source: { type: "certManager", issuer, commonName: "root", keyAlgorithm: "ECDSA-P256", duration: "18960h0m0s" } as Authority["source"] });

// The last column: what the call returns (an issuer by its name).
const referenceCases: Array<[string, (refs: ReturnType<typeof references>) => unknown, Want, unknown]> = [
  ["a declared authority", (r) => r.checkAuthority("root", ["x"]), [], true],
  ["a declared issuer", (r) => r.resolveIssuer("corp", ["y"]), [], "corp"],
  ["an undeclared authority: MS2004", (r) => r.checkAuthority("rot", ["x"]), [["MS2004", ["x"]]], false],
  ["a pruned authority counts as declared (validation reported it)", (r) => r.checkAuthority("gone", ["x"]), [], true],
  ["the Service CA needs no declaration", (r) => r.resolveIssuer("service-ca", ["y"]), [], "service-ca"],
  ["an undeclared issuer: MS2003", (r) => r.resolveIssuer("corpp", ["y"]), [["MS2003", ["y"]]], undefined],
  ["a pruned issuer is not reported again", (r) => r.resolveIssuer("dropped", ["y"]), [], undefined],
];
for (const [name, call, want, value] of referenceCases) {
  test(`reference-rules: ${name}`, () => {
    const { findings, report } = collect();
    const pruned = { ...nothingPruned(), authorities: new Set(["gone"]), issuers: new Set(["dropped"]) };
    const result = call(references([cmAuthority("boot")], byName, pruned, report));
    assert.equal(got(findings), want);
    assert.equal(typeof result === "object" ? (result as Issuer).name : result, value);
  });
}
test("reference-rules: the hint names the closest declared name", () => {
  const { findings, report } = collect();
  references([cmAuthority("boot")], byName, nothingPruned(), report).resolveIssuer("corpp", ["y"]);
  assert.is(findings[0]?.hint, "did you mean `corp`?");
});

test("reference-rules: the Service CA is a candidate for a service's issuer, not for an authority's bootstrap issuer", () => {
  const { findings, report } = collect();
  references([], byName, nothingPruned(), report).resolveIssuer("service-cb", ["y"]);
  assert.is(findings[0]?.hint, "did you mean `service-ca`?");
  const [bootstrap] = bootstrapIssuerFindings([cmAuthority("service-cb")], byName, nothingPruned(), "cert-manager");
  assert.is(bootstrap?.message, findings[0]?.message);
  assert.is(bootstrap?.hint, undefined);
});

// The CA Certificate lives in cert-manager's namespace ("cert-manager" here): a selfSigned Issuer there
// signs it (cert-manager looks an Issuer up in the Certificate's namespace), one elsewhere cannot.
const bootstrapCases: Array<[string, string, Want, string?]> = [
  ["a selfSigned ClusterIssuer", "boot", []],
  ["a selfSigned Issuer in the CA Certificate's namespace", "cmboot", []],
  ["an undeclared issuer", "nope", [["MS2003", ["authorities", "root", "certManager", "issuer"]]]],
  ["a CA issuer", "corp", [["MS2017", ["authorities", "root", "certManager", "issuer"]]], "authority `root` is bootstrapped by `corp`, a ca issuer; a CA that cert-manager makes needs a selfSigned issuer"],
  ["a namespaced CA issuer in the CA Certificate's namespace", "nsca", [["MS2017", ["authorities", "root", "certManager", "issuer"]]]],
  [
    "a selfSigned Issuer in another namespace",
    "nsboot",
    [["MS2017", ["authorities", "root", "certManager", "issuer"]]],
    "authority `root` is bootstrapped by `nsboot`, a namespaced Issuer (in shop); its CA Certificate lives in cert-manager, and an Issuer signs only in its own namespace",
  ],
];
for (const [name, issuer, want, message] of bootstrapCases) {
  test(`reference-rules bootstrap: ${name}`, () => {
    const findings = bootstrapIssuerFindings([cmAuthority(issuer)], byName, nothingPruned(), "cert-manager");
    assert.equal(got(findings), want);
    if (message !== undefined) assert.is(findings[0]?.message, message);
  });
}

test("service-rules: a service declared twice points at the second name and says where the first is", () => {
  const finding = duplicateServiceFinding("shop/api", ["services", 0], ["services", 2]);
  assert.equal(got([finding]), [["MS2001", ["services", 2, "name"]]]);
  assert.is(finding.message, "service `shop/api` is declared twice (first at services[0])");
});

const exposureCases: Array<[string, ServiceInput, Want, boolean]> = [
  ["internal without host", svc({}), [], true],
  ["reencrypt with host", svc({ exposure: "reencrypt", host: "a.example.com" }), [], true],
  ["reencrypt without host: MS2005, left out", svc({ exposure: "reencrypt" }), [["MS2005", [...P, "exposure"]]], false],
  ["internal with host: MS2009, kept", svc({ host: "a.example.com" }), [["MS2009", [...P, "host"]]], true],
];
for (const [name, raw, want, ok] of exposureCases) {
  test(`service-rules exposure: ${name}`, () => {
    const { findings, report } = collect();
    assert.is(checkExposure(raw, P, report), ok);
    assert.equal(got(findings), want);
  });
}

const serviceCaCases: Array<[string, ServiceInput, Want, boolean]> = [
  ["an internal service", svc({}), [], true],
  ["passthrough: the route host", svc({ exposure: "passthrough", host: "a.example.com" }), [["MS2006", [...P, "exposure"]]], false],
  ["passthrough with the issuer spelt out: points at it", svc({ exposure: "passthrough", host: "a.example.com", certificate: { issuer: "service-ca" } }), [["MS2006", [...P, "certificate", "issuer"]]], false],
  ["keystores", svc({ certificate: { keystores: ["pkcs12"] } as CertificateInput }), [["MS2014", [...P, "certificate", "keystores"]]], false],
  ["headless: a warning, kept", svc({ headless: true }), [["MS2007", [...P, "headless"]]], true],
  ["additional names", svc({ certificate: { additionalDNSNames: ["x.example.com"] } }), [["MS2006", [...P, "certificate", "additionalDNSNames"]]], false],
];
for (const [name, raw, want, ok] of serviceCaCases) {
  test(`service-rules Service CA: ${name}`, () => {
    const { findings, report } = collect();
    assert.is(checkServiceCaCertificate(raw, P, raw.certificate ?? {}, report), ok);
    assert.equal(got(findings), want);
  });
}

const routeCertificateCases: Array<[string, ServiceInput, Want]> = [
  ["reencrypt: the router presents it", svc({ exposure: "reencrypt", host: "a.example.com" }), []],
  ["external: the router presents it", svc({ exposure: "external", host: "a.example.com" }), []],
  ["passthrough: no effect", svc({ exposure: "passthrough", host: "a.example.com" }), [["MS2015", [...P, "routeCertificate"]]]],
  ["internal: no effect", svc({}), [["MS2015", [...P, "routeCertificate"]]]],
];
for (const [name, raw, want] of routeCertificateCases) {
  test(`service-rules routeCertificate: ${name}`, () => {
    const { findings, report } = collect();
    checkRouteCertificateEffect(raw, P, report);
    assert.equal(got(findings), want);
  });
}
test("service-rules routeCertificate from the Service CA points at its issuer when spelt out", () => {
  assert.equal(got([serviceCaRouteCertificateFinding(svc({ exposure: "reencrypt", host: "a", routeCertificate: {} }), P)]), [["MS2006", [...P, "routeCertificate"]]]);
  assert.equal(got([serviceCaRouteCertificateFinding(svc({ exposure: "reencrypt", host: "a", routeCertificate: { issuer: "service-ca" } }), P)]), [["MS2006", [...P, "routeCertificate", "issuer"]]]);
});

const renewalCases: Array<[string, CertificateInput, string, string, Want]> = [
  ["renewBefore shorter", { renewBefore: "720h" }, "2160h0m0s", "720h0m0s", []],
  ["renewBefore equal: at renewBefore", { renewBefore: "2160h" }, "2160h0m0s", "2160h0m0s", [["MS2016", ["c", "renewBefore"]]]],
  ["only the duration set, shorter than the default renewBefore: at duration", { duration: "24h" }, "24h0m0s", "720h0m0s", [["MS2016", ["c", "duration"]]]],
];
for (const [name, raw, duration, renewBefore, want] of renewalCases) {
  test(`service-rules renewal: ${name}`, () => {
    const { findings, report } = collect();
    checkRenewal(raw, ["c"], duration, renewBefore, report);
    assert.equal(got(findings), want);
  });
}

test("service-rules renewal: the message says what cert-manager does with it", () => {
  const { findings, report } = collect();
  checkRenewal({ duration: "24h", renewBefore: "48h" }, ["c"], "24h0m0s", "48h0m0s", report);
  assert.is(findings[0]?.message, "renewBefore 48h0m0s is not shorter than duration 24h0m0s: cert-manager's webhook refuses such a Certificate");
});

const served = (name: string, secretName: string, extra: Partial<Service> = {}): Service =>
  ({
    name,
    namespace: "shop",
    path: ["services", name],
    exposure: "internal",
    certificate: { issuer: "corp", issuerRef: ca.ref, path: ["services", name, "certificate"], secretName },
    ...extra,
  }) as Service;
const secretCases: Array<[string, Service[], boolean, Want]> = [
  ["distinct Secrets", [served("a", "a-tls"), served("b", "b-tls")], false, []],
  ["one Secret for two services", [served("a", "x-tls"), served("b", "x-tls")], false, [["MS2002", ["services", "b", "certificate", "secretName"]]]],
  [
    "openshift-routes writes <route>-tls whatever routeCertificate.secretName says",
    [served("a", "r-tls", { exposure: "reencrypt", route: { name: "r", insecureEdgeTerminationPolicy: "Redirect" }, routeCertificate: { issuer: "corp", issuerRef: ca.ref, path: ["services", "a", "routeCertificate"], secretName: "other" } as unknown as NonNullable<Service["routeCertificate"]> })],
    true,
    [["MS2002", ["services", "a", "routeCertificate"]]],
  ],
];
for (const [name, services, openshiftRoutes, want] of secretCases) {
  test(`secret-name-rules: ${name}`, () => {
    assert.equal(got(secretNameFindings(services, openshiftRoutes)), want);
  });
}

const bundleCases: Array<[string, NonNullable<PolicyInput["caBundles"]>, Want, string[]]> = [
  ["a ConfigMap and a webhook, sorted", [{ kind: "ValidatingWebhookConfiguration", name: "w" }, { kind: "ConfigMap", name: "c", namespace: "shop" }] as NonNullable<PolicyInput["caBundles"]>, [], ["ConfigMap/c", "ValidatingWebhookConfiguration/w"]],
  ["listed twice", [{ kind: "APIService", name: "a" }, { kind: "APIService", name: "a" }] as NonNullable<PolicyInput["caBundles"]>, [["MS2010", ["caBundles", 1, "name"]]], ["APIService/a"]],
  ["a namespace on a cluster-scoped kind", [{ kind: "CustomResourceDefinition", name: "d", namespace: "shop" }] as NonNullable<PolicyInput["caBundles"]>, [["MS2013", ["caBundles", 0, "namespace"]]], []],
  ["a ConfigMap without namespace", [{ kind: "ConfigMap", name: "c" }] as NonNullable<PolicyInput["caBundles"]>, [["MS2013", ["caBundles", 0]]], []],
  ["existing on a webhook: a warning, kept", [{ kind: "MutatingWebhookConfiguration", name: "m", existing: true }] as NonNullable<PolicyInput["caBundles"]>, [["MS2013", ["caBundles", 0, "existing"]]], ["MutatingWebhookConfiguration/m"]],
];
for (const [name, caBundles, want, kept] of bundleCases) {
  test(`ca-bundles: ${name}`, () => {
    const { findings, report } = collect();
    const bundles = normalizeCaBundles({ caBundles } as PolicyInput, (_s, i) => i, report);
    assert.equal(got(findings), want);
    assert.equal(bundles.map((b) => `${b.kind}/${b.name}`), kept);
  });
}

const rotationCases: Array<[string, { authority: string; next: string }, Want]> = [
  ["two declared authorities", { authority: "root", next: "root2" }, []],
  ["next undeclared", { authority: "root", next: "root3" }, [["MS2004", ["rotation", "next"]]]],
  ["next is the authority being rotated", { authority: "root", next: "root" }, [["MS2310", ["rotation", "next"]]]],
];
for (const [name, rotation, want] of rotationCases) {
  test(`rotation-rules: ${name}`, () => {
    const { findings, report } = collect();
    const declared = [cmAuthority("boot"), { ...cmAuthority("boot"), name: "root2" }];
    checkRotation(rotation as NonNullable<PolicyInput["rotation"]>, references(declared, byName, nothingPruned(), report), report);
    assert.equal(got(findings), want);
  });
}

test.run();
