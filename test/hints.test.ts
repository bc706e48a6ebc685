import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isMap, isScalar, parseDocument } from "yaml";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { patternNames, policySchema } from "../src/validate/schema-check.js";
import { DIAGNOSTIC_EXAMPLES } from "./fixtures/diagnostic-examples.js";
import { compileText, HEADER } from "./helpers/policy.js";

// A hint that proposes an edit must lead to a policy that compiles: applying it removes the
// diagnostic and raises no error that was not there before.

type Edit = { set: (string | number)[]; value: unknown } | { rename: (string | number)[]; to: string } | { remove: (string | number)[] };

function applyEdit(text: string, edit: Edit): string {
  const doc = parseDocument(text);
  if ("set" in edit) doc.setIn(edit.set, doc.createNode(edit.value));
  else if ("remove" in edit) doc.deleteIn(edit.remove);
  else {
    const parent = doc.getIn(edit.rename.slice(0, -1), true) ?? doc.contents;
    const key = edit.rename[edit.rename.length - 1];
    if (!isMap(parent)) throw new Error(`no map at ${edit.rename.join(".")}`);
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (!pair || !isScalar(pair.key)) throw new Error(`no key ${String(key)}`);
    pair.key.value = edit.to;
  }
  return doc.toString({ lineWidth: 0 });
}

const keyOf = (d: Diagnostic): string => `${d.code}|${d.path.join("/")}`;

async function expectFixed(text: string, target: Diagnostic, edit: Edit): Promise<void> {
  const before = await compileText(text);
  const after = await compileText(applyEdit(text, edit));
  const remaining = after.diagnostics.filter((d) => d.code === target.code && d.path.join("/") === target.path.join("/"));
  assert.equal(remaining.map((d) => d.message), [], `${target.code} still reported after: ${JSON.stringify(edit)}`);
  const old = new Set(before.diagnostics.map(keyOf));
  const added = after.diagnostics.filter((d) => d.severity === "error" && !old.has(keyOf(d)));
  assert.equal(added.map((d) => `${d.code} ${d.message}`), [], `${target.code}: the hint "${target.hint}" leads to a new error`);
}

/**
 * "did you mean `X`?" proposes X in place of the value, or of the key for an unknown key; "did you mean
 * `a.b.c: V`?" proposes setting that field elsewhere in the policy (MS2305 points at the authority).
 */
function didYouMean(d: Diagnostic): Edit | undefined {
  const meant = /did you mean `?([^`?]+)`?\?/.exec(d.hint ?? "")?.[1];
  if (meant === undefined || d.path.length === 0) return undefined;
  const field = /^([a-zA-Z]+(?:\.[a-zA-Z]+)+): (.+)$/.exec(meant);
  if (field?.[1] && field[2]) return { set: field[1].split("."), value: field[2] };
  return d.code === "MS1002" ? { rename: d.path, to: meant } : { set: d.path, value: meant };
}

// Every "did you mean" of every example and fixture.
const corpus: Array<[string, string]> = [
  ...Object.entries(DIAGNOSTIC_EXAMPLES),
  ["authority typo", `${HEADER}authorities:\n  internal: { existingSecret: { name: ca, namespace: cert-manager } }\nissuers:\n  i: { ca: { authority: intrnal } }\nmtls: {}\n`],
  ["issuer typo", `${HEADER}issuers:\n  internal: { selfSigned: {} }\nservices:\n  - { name: a, namespace: b, certificate: { issuer: internl } }\n`],
  ...["invalid-ten-mistakes", "invalid-crypto-section", "invalid-entry-mistakes"].map((name): [string, string] => [name, readFileSync(`examples/${name}/mesh-security.yaml`, "utf8")]),
];
const applied = new Set<string>();
for (const [name, text] of corpus) {
  test(`hints of ${name}: every "did you mean" compiles`, async () => {
    const result = await compileText(text);
    for (const d of result.diagnostics) {
      const edit = didYouMean(d);
      if (!edit) continue;
      await expectFixed(text, d, edit);
      applied.add(d.code);
    }
  });
}
test("the corpus exercises did-you-mean hints of keys, enums, references and cipher suites", () => {
  for (const code of ["MS1002", "MS1005", "MS2003", "MS2004", "MS2201"]) assert.ok(applied.has(code), `no ${code} hint applied (${[...applied].join(", ")})`);
});

const MESH = `${HEADER}platform:\n  serviceMesh: { flavor: maistra-v2 }\nmtls:\n  mode: STRICT\n`;
const hinted: Array<[string, { given: string; code: string; hint: RegExp; edits: Edit[] }]> = [
  // Without a selector, `mtls: PERMISSIVE` alone fails with MS2251: the hint says to add both.
  [
    "MS2253 without selector",
    {
      given: `${MESH}services:\n  - { name: web, namespace: shop, exposure: external, host: web.example.com }\n`,
      code: "MS2253",
      hint: /add `selector:`.*and `mtls: PERMISSIVE`/,
      edits: [{ set: ["services", 0, "selector"], value: { app: "web" } }, { set: ["services", 0, "mtls"], value: "PERMISSIVE" }],
    },
  ],
  [
    "MS2253 with selector",
    {
      given: `${MESH}services:\n  - { name: web, namespace: shop, selector: { app: web }, exposure: external, host: web.example.com }\n`,
      code: "MS2253",
      hint: /set `mtls: PERMISSIVE`/,
      edits: [{ set: ["services", 0, "mtls"], value: "PERMISSIVE" }],
    },
  ],
  [
    "MS2252 without selector",
    {
      given: `${MESH}services:\n  - { name: api, namespace: shop, calledFromOutsideMesh: true }\n`,
      code: "MS2252",
      hint: /add `selector:`.*and `mtls: PERMISSIVE`/,
      edits: [{ set: ["services", 0, "selector"], value: { app: "api" } }, { set: ["services", 0, "mtls"], value: "PERMISSIVE" }],
    },
  ],
  [
    "MS2252 with selector",
    {
      given: `${MESH}services:\n  - { name: api, namespace: shop, selector: { app: api }, calledFromOutsideMesh: true }\n`,
      code: "MS2252",
      hint: /set `mtls: PERMISSIVE`/,
      edits: [{ set: ["services", 0, "mtls"], value: "PERMISSIVE" }],
    },
  ],
  [
    "MS2251",
    {
      given: `${MESH}services:\n  - { name: api, namespace: shop, mtls: PERMISSIVE }\n`,
      code: "MS2251",
      hint: /add `selector:`/,
      edits: [{ set: ["services", 0, "selector"], value: { app: "api" } }],
    },
  ],
  [
    "MS2202",
    {
      given: `${HEADER}tls:\n  profile: custom\n  minVersion: TLSv1_2\n  cipherSuites: [ECDHE-RSA-AES128-GCM-SHA256]\nmtls: {}\n`,
      code: "MS2202",
      hint: /write TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256/,
      edits: [{ set: ["tls", "cipherSuites", 0], value: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" }],
    },
  ],
  [
    "MS2206",
    {
      given: `${HEADER}tls:\n  profile: custom\n  minVersion: TLSv1_2\n  cipherSuites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]\nmtls: {}\n`,
      code: "MS2206",
      hint: /add TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256/,
      edits: [{ set: ["tls", "cipherSuites", 1], value: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" }],
    },
  ],
  [
    "MS2009",
    {
      given: DIAGNOSTIC_EXAMPLES["MS2009"] ?? "",
      code: "MS2009",
      hint: /remove host/,
      edits: [{ remove: ["services", 0, "host"] }],
    },
  ],
  [
    "MS2015",
    {
      given: `${HEADER}issuers:\n  i: { selfSigned: {} }\nservices:\n  - { name: c, namespace: b, certificate: { issuer: i }, routeCertificate: { issuer: i } }\n`,
      code: "MS2015",
      hint: /remove `?routeCertificate/,
      edits: [{ remove: ["services", 0, "routeCertificate"] }],
    },
  ],
  // Where the schema has `<key>SecretRef`, the hint proposes it (with placeholders to fill in)...
  [
    "MS2008 with a SecretRef to write",
    {
      given: DIAGNOSTIC_EXAMPLES["MS2008"] ?? "",
      code: "MS2008",
      hint: /write `apiTokenSecretRef: \{ name: <secret>, key: <key> \}`/,
      edits: [{ remove: ["issuers", "dns", "acme", "solver", "dns01", "cloudflare", "apiToken"] }, { set: ["issuers", "dns", "acme", "solver", "dns01", "cloudflare", "apiTokenSecretRef"], value: { name: "cf", key: "token" } }],
    },
  ],
  // ...elsewhere it says to remove the value: `passwordSecretRef` would be an unknown key.
  [
    "MS2008 where no SecretRef exists",
    {
      given: `${HEADER}issuers:\n  le:\n    acme:\n      email: a@example.com\n      solver:\n        http01: { password: hunter2 }\n`,
      code: "MS2008",
      hint: /remove it: `http01` takes no credential/,
      edits: [{ remove: ["issuers", "le", "acme", "solver", "http01", "password"] }],
    },
  ],
  // A number where a string is needed: quote it. A decimal lost its trailing zero on the way.
  [
    "MS1004 for a version read as a decimal",
    {
      given: `${HEADER}platform:\n  openshift: 4.20\nmtls: {}\n`,
      code: "MS1004",
      hint: /^quote it exactly as you mean it, e\.g\. `openshift: "4\.20"`: unquoted, YAML reads it as the number 4\.2 and drops trailing zeros/,
      edits: [{ set: ["platform", "openshift"], value: "4.20" }],
    },
  ],
  [
    "MS1004 for a name read as an integer",
    {
      given: `${HEADER}services:\n  - { name: api, namespace: 2024 }\n`,
      code: "MS1004",
      hint: /^quote it: `namespace: "2024"` \(unquoted, YAML reads it as a number\)$/,
      edits: [{ set: ["services", 0, "namespace"], value: "2024" }],
    },
  ],
  // A key one level too deep: the hint names the map it belongs to.
  [
    "MS1002 for a key nested under its sibling",
    {
      given: `${HEADER}services:\n  - name: a\n    namespace: b\n    certificate:\n      mountPath: /tls\n      workload: { kind: Deployment, name: a, container: a }\n`,
      code: "MS1002",
      hint: /^`workload` belongs to `services\[0\]`, not to `certificate`: dedent it to the column of `certificate:`$/,
      edits: [{ remove: ["services", 0, "certificate", "workload"] }, { set: ["services", 0, "workload"], value: { kind: "Deployment", name: "a", container: "a" } }],
    },
  ],
];

for (const [name, { given, code, hint, edits }] of hinted) {
  test(`hint of ${name} compiles`, async () => {
    const result = await compileText(given);
    const d = result.diagnostics.find((x) => x.code === code);
    assert.ok(d, `no ${code}: ${result.diagnostics.map((x) => x.code).join(", ")}`);
    assert.match(d?.hint ?? "", hint);
    const after = edits.reduce(applyEdit, given);
    const again = await compileText(after);
    assert.equal(again.diagnostics.filter((x) => x.code === code).map((x) => x.message), []);
    const old = new Set(result.diagnostics.map(keyOf));
    assert.equal(again.diagnostics.filter((x) => x.severity === "error" && !old.has(keyOf(x))).map((x) => `${x.code} ${x.message}`), []);
  });
}

// A pattern failure says what the value must look like, never the regular expression.
test("every pattern of the schema is explained in words", () => {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === "object" && node !== null) {
      const pattern = (node as Record<string, unknown>)["pattern"];
      if (typeof pattern === "string") found.push(pattern);
      Object.values(node).forEach(walk);
    }
  };
  walk(policySchema());
  assert.ok(found.length >= 10, `${found.length} patterns`);
  const words = patternNames();
  assert.equal(found.filter((p) => !words.has(p)), []);
  for (const p of found) assert.not.match(words.get(p) ?? "", /[\^$]|\\[.sd]/, `words for ${p}`);
});

test.run();
