import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileText, HEADER, objects } from "./helpers/policy.js";
import { expandPrincipals } from "../src/verify/rules/call-authorization.js";

// The policy's trust domain names every AuthorizationPolicy principal, so the control plane
// must run with it. Checked against shared/crds (SMCP v2 spec.security.trust, Sail
// spec.values.meshConfig.trustDomain) and the SMCP v1 chart values (global.trustDomain).
type Obj = Record<string, unknown>;
const at = (o: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((v, k) => (v as Obj | undefined)?.[k], o);

const policy = (flavor: string, trustDomain?: string): string =>
  `${HEADER}platform:\n  serviceMesh: { flavor: ${flavor}, owned: true${trustDomain ? `, trustDomain: ${trustDomain}` : ""} }\nservices:\n  - { name: api, namespace: shop }\n`;

const cases: Array<[string, { flavor: string; file: string; trustDomain?: string; path: string[]; want: unknown }]> = [
  ["maistra-v2 writes spec.security.trust", { flavor: "maistra-v2", file: "istio-system/servicemeshcontrolplane-basic.yaml", trustDomain: "shop.example.com", path: ["spec", "security", "trust"], want: { domain: "shop.example.com", additionalDomains: ["cluster.local"] } }],
  ["maistra-v1 writes global.trustDomain", { flavor: "maistra-v1", file: "istio-system/servicemeshcontrolplane-basic.yaml", trustDomain: "shop.example.com", path: ["spec", "istio", "global", "trustDomain"], want: "shop.example.com" }],
  ["maistra-v1 keeps cluster.local as an alias", { flavor: "maistra-v1", file: "istio-system/servicemeshcontrolplane-basic.yaml", trustDomain: "shop.example.com", path: ["spec", "istio", "global", "trustDomainAliases"], want: ["cluster.local"] }],
  ["sail writes meshConfig.trustDomain", { flavor: "sail", file: "cluster/istio-basic.yaml", trustDomain: "shop.example.com", path: ["spec", "values", "meshConfig", "trustDomain"], want: "shop.example.com" }],
  ["sail keeps cluster.local as an alias", { flavor: "sail", file: "cluster/istio-basic.yaml", trustDomain: "shop.example.com", path: ["spec", "values", "meshConfig", "trustDomainAliases"], want: ["cluster.local"] }],
  ["the default domain leaves maistra-v2 alone", { flavor: "maistra-v2", file: "istio-system/servicemeshcontrolplane-basic.yaml", path: ["spec", "security", "trust"], want: undefined }],
  ["the default domain leaves sail alone", { flavor: "sail", file: "cluster/istio-basic.yaml", path: ["spec", "values", "meshConfig", "trustDomain"], want: undefined }],
];

for (const [name, { flavor, file, trustDomain, path, want }] of cases) {
  test(name, async () => {
    const result = await compileText(policy(flavor, trustDomain));
    const out = objects(result);
    assert.ok(out.has(file), `no ${file} in ${[...out.keys()].join(", ")}`);
    assert.equal(at(out.get(file), ...path), want);
  });
}

test("explain says where the trust domain went", async () => {
  const result = await compileText(policy("maistra-v2", "shop.example.com"));
  const notes = (result.notes ?? []).map((n) => n.text).join("\n");
  assert.match(notes, /trust domain shop\.example\.com, written into the ServiceMeshControlPlane \(spec\.security\.trust\.domain\)/);
});


// istio/istio pilot/pkg/security/trustdomain/bundle.go ReplaceTrustDomainAliases: a cluster.local (or bundle) principal is
// replaced by one per trust domain of the bundle; it is kept only when cluster.local is itself the domain or an alias.
test("verify expands principals as ReplaceTrustDomainAliases does", () => {
  assert.equal(expandPrincipals(["cluster.local/ns/shop/sa/web"], ["corp.example"]), ["corp.example/ns/shop/sa/web"]);
  assert.equal(expandPrincipals(["cluster.local/ns/shop/sa/web"], ["corp.example", "cluster.local"]), ["corp.example/ns/shop/sa/web", "cluster.local/ns/shop/sa/web"]);
  assert.equal(expandPrincipals(["other.td/ns/shop/sa/web", "*/ns/shop/sa/web"], ["corp.example"]), ["other.td/ns/shop/sa/web", "*/ns/shop/sa/web"]);
});

test.run();
