import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { compilePolicy } from "../src/compile.js";
import type { AuthorityMaterialView } from "../src/targets/target.js";
import { codesAt, compileText, HEADER, objects, writePolicy } from "./helpers/policy.js";

const ISSUERS = `issuers:\n  boot: { selfSigned: {} }\n  ca: { ca: { authority: root } }\n  le:\n    acme:\n      email: ops@example.com\n      solver: { http01: {} }\nauthorities:\n  root:\n    certManager: { issuer: boot }\n`;

test("the seed's KnativeServing config: issuer refs as YAML strings, flags Enabled/Disabled", async () => {
  const result = await compilePolicy({ policyFile: "examples/knative-transport-encryption/mesh-security.yaml" });
  assert.equal(result.diagnostics, []);
  const patch = objects(result).get("patches/knative-serving/knativeserving-knative-serving.yaml") ?? {};
  const config = (patch["spec"] as { config: Record<string, Record<string, string>> }).config;
  assert.equal(config["network"], { "cluster-local-domain-tls": "Enabled", "external-domain-tls": "Disabled", "system-internal-tls": "Enabled" });
  assert.equal(Object.keys(config["certmanager"] ?? {}).sort(), ["clusterLocalIssuerRef", "systemInternalIssuerRef"]);
  for (const ref of Object.values(config["certmanager"] ?? {})) {
    assert.type(ref, "string");
    assert.equal(parse(ref), { kind: "ClusterIssuer", name: "knative-serving-ca-issuer" });
  }
  const ca = objects(result).get("cert-manager/certificate-knative-serving-ca.yaml") ?? {};
  assert.equal((ca["spec"] as Record<string, unknown>)["isCA"], true);
  assert.equal((ca["spec"] as Record<string, unknown>)["secretName"], "knative-serving-ca");
  assert.equal(((ca["metadata"] as Record<string, Record<string, string>>)["annotations"] ?? {})["argocd.argoproj.io/sync-wave"], "-10");
  const bundle = objects(result).get("cluster/bundle-knative-bundle.yaml") ?? {};
  assert.equal((bundle["spec"] as { sources: unknown }).sources, [{ secret: { key: "ca.crt", name: "knative-serving-ca" } }]);
  // target.configMap.metadata (the Knative label) needs trust-manager v0.17: explain says so.
  assert.ok(result.notes.some((n) => /needs trust-manager v0\.17\.0 or later/.test(n.text)));
  assert.ok(result.notes.some((n) => /restart deploy\/activator/.test(n.text)));
  assert.ok(result.notes.some((n) => /restart deploy\/controller/.test(n.text)));
});

test("owned: true emits the whole KnativeServing", async () => {
  const result = await compileText(`${HEADER}${ISSUERS}knative:\n  owned: true\n  clusterLocalDomainTLS: true\n  issuers: { clusterLocal: ca }\n`);
  const ks = objects(result).get("knative-serving/knativeserving-knative-serving.yaml");
  assert.ok(ks, [...objects(result).keys()].join(","));
  assert.equal((ks?.["metadata"] as Record<string, Record<string, string>>)["labels"]?.["app.kubernetes.io/managed-by"], "mesh-security");
});

test("trust bundle ConfigMaps carry the roots of the phase's authorities when the PEM is known", async () => {
  const pem = (n: string): AuthorityMaterialView => ({ name: n, rootCertPem: `-----BEGIN CERTIFICATE-----\n${n}\n-----END CERTIFICATE-----\n`, caCertPem: "", certChainPem: "" });
  const policy = `${HEADER}issuers:\n  ca: { ca: { authority: old } }\nauthorities:\n  old: { generate: { subject: "CN=old" } }\n  new: { generate: { subject: "CN=new" } }\nrotation: { authority: old, next: new, phase: PHASE }\nknative:\n  systemInternalTLS: true\n  issuers: { systemInternal: ca }\n  trustBundle: { authorities: [old] }\n`;
  const authorities = new Map([["old", pem("old")], ["new", pem("new")]]);
  for (const [phase, keys] of [["trust-both", ["new.pem", "old.pem"]], ["issue-new", ["new.pem", "old.pem"]], ["drop-old", ["new.pem"]]] as const) {
    const result = await compilePolicy({ policyFile: writePolicy(policy.replace("PHASE", phase)), authorities });
    // Knative's certificates come from the rotating issuer: their Secrets' ca.crt carries one root (MS2311).
    assert.equal(result.diagnostics.map((d) => d.code), phase === "drop-old" ? [] : ["MS2311"], phase);
    for (const ns of ["knative-serving", "knative-serving-ingress"]) {
      const cm = objects(result).get(`${ns}/configmap-knative-trust-bundle.yaml`) ?? {};
      assert.equal(((cm["metadata"] as Record<string, Record<string, string>>)["labels"] ?? {})["networking.knative.dev/trust-bundle"], "true");
      const data = cm["data"] as Record<string, string>;
      assert.equal(Object.keys(data).sort(), [...keys], phase);
      for (const key of keys) assert.is(data[key], pem(key.replace(".pem", "")).rootCertPem);
    }
  }
});

type Case = [string, { given: string; want: Array<[string, number, number]> }];
const rules: Case[] = [
  ["ACME for cluster-local", { given: `${HEADER}${ISSUERS}knative:\n  clusterLocalDomainTLS: true\n  issuers: { clusterLocal: le }\n`, want: [["MS2401", 17, 28]] }],
  ["selfSigned for system-internal", { given: `${HEADER}${ISSUERS}knative:\n  systemInternalTLS: true\n  issuers: { systemInternal: boot }\n  trustBundle: { authorities: [root] }\n`, want: [["MS2403", 17, 30]] }],
  ["feature without issuer", { given: `${HEADER}${ISSUERS}knative:\n  clusterLocalDomainTLS: true\n`, want: [["MS2404", 16, 26]] }],
  ["system-internal without trust bundle", { given: `${HEADER}${ISSUERS}knative:\n  systemInternalTLS: true\n  issuers: { systemInternal: ca }\n`, want: [["MS2405", 16, 22]] }],
  ["with service mesh", { given: `${HEADER}platform:\n  serviceMesh: { flavor: maistra-v2 }\n${ISSUERS}knative:\n  clusterLocalDomainTLS: true\n  issuers: { clusterLocal: ca }\n`, want: [["MS2402", 17, 1]] }],
  ["namespaced issuer", { given: `${HEADER}issuers:\n  ca: { namespace: x, ca: { authority: root } }\nauthorities:\n  root: { existingSecret: { name: r, namespace: x } }\nknative:\n  clusterLocalDomainTLS: true\n  issuers: { clusterLocal: ca }\n`, want: [["MS2406", 11, 28]] }],
  ["trust source outside cert-manager", { given: `${HEADER}authorities:\n  root: { existingSecret: { name: r, namespace: elsewhere } }\nknative:\n  trustBundle: { authorities: [root] }\n`, want: [["MS2407", 6, 3]] }],
];
for (const [name, { given, want }] of rules) {
  test(`knative rule: ${name}`, async () => {
    const result = await compileText(given);
    assert.equal(codesAt(result), want, JSON.stringify(result.diagnostics.map((d) => d.message)));
  });
}

test("example policy file is the one documented", () => {
  assert.match(readFileSync("examples/knative-transport-encryption/mesh-security.yaml", "utf8"), /clusterLocalDomainTLS: true/);
});

test.run();
