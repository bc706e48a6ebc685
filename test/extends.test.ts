import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compilePolicy } from "../src/compile.js";
import { formatDiagnostics } from "../src/diagnostics/format.js";
import { loadPolicyChain } from "../src/load/extends.js";
import type { PolicyFiles } from "../src/load/extends.js";
import { mergeLayer, wholeFile } from "../src/load/merge.js";
import { HEADER } from "./helpers/policy.js";

// The merge rules of DESIGN.md "Fleets": [name, { base, overlay, want }] on plain data.
type Data = Record<string, unknown>;
const MERGES: Array<[string, { base: Data; overlay: Data; want: Data; problems?: string[] }]> = [
  ["maps merge key by key, the overlay wins", { base: { mtls: { mode: "PERMISSIVE", namespaces: { a: "STRICT" } } }, overlay: { mtls: { mode: "STRICT" } }, want: { mtls: { mode: "STRICT", namespaces: { a: "STRICT" } } } }],
  ["a new key is added", { base: { metadata: { name: "a" } }, overlay: { tls: { profile: "modern" } }, want: { metadata: { name: "a" }, tls: { profile: "modern" } } }],
  ["null removes a key", { base: { mtls: { mode: "STRICT", namespaces: { a: "DISABLE" } } }, overlay: { mtls: { namespaces: null } }, want: { mtls: { mode: "STRICT" } } }],
  ["null removes a whole section", { base: { knative: { internalEncryption: true }, mtls: {} }, overlay: { knative: null }, want: { mtls: {} } }],
  ["null for a key the base lacks leaves nothing", { base: { mtls: {} }, overlay: { tls: null }, want: { mtls: {} } }],
  ["a scalar replaces a map and a map a scalar", { base: { a: { b: 1 }, c: "x" }, overlay: { a: "y", c: { d: 2 } }, want: { a: "y", c: { d: 2 } } }],
  ["other lists are replaced whole", { base: { tls: { cipherSuites: ["A", "B"] } }, overlay: { tls: { cipherSuites: ["C"] } }, want: { tls: { cipherSuites: ["C"] } } }],
  ["lists inside a service are replaced whole", { base: { services: [{ name: "a", namespace: "n", callers: ["n/x", "n/y"] }] }, overlay: { services: [{ name: "a", namespace: "n", callers: ["n/z"] }] }, want: { services: [{ name: "a", namespace: "n", callers: ["n/z"] }] } }],
  [
    "services merge by (namespace, name), new ones appended in order",
    {
      base: { services: [{ name: "a", namespace: "n", port: 1, host: "a.stage" }, { name: "a", namespace: "m", port: 2 }] },
      overlay: { services: [{ name: "b", namespace: "n", port: 3 }, { name: "a", namespace: "n", host: "a.prod" }] },
      want: { services: [{ name: "a", namespace: "n", port: 1, host: "a.prod" }, { name: "a", namespace: "m", port: 2 }, { name: "b", namespace: "n", port: 3 }] },
    },
  ],
  ["null inside a service entry removes its key", { base: { services: [{ name: "a", namespace: "n", host: "h", exposure: "reencrypt" }] }, overlay: { services: [{ name: "a", namespace: "n", host: null, exposure: "internal" }] }, want: { services: [{ name: "a", namespace: "n", exposure: "internal" }] } }],
  ["$remove: true drops the matching service", { base: { services: [{ name: "a", namespace: "n" }, { name: "b", namespace: "n" }] }, overlay: { services: [{ name: "a", namespace: "n", $remove: true }] }, want: { services: [{ name: "b", namespace: "n" }] } }],
  [
    "caBundles merge by (kind, namespace, name); a cluster-scoped one has no namespace",
    {
      base: { caBundles: [{ kind: "ConfigMap", name: "ca", namespace: "a" }, { kind: "APIService", name: "v1.x" }, { kind: "ConfigMap", name: "ca", namespace: "b" }] },
      overlay: { caBundles: [{ kind: "APIService", name: "v1.x", $remove: true }, { kind: "ConfigMap", name: "ca", namespace: "c" }] },
      want: { caBundles: [{ kind: "ConfigMap", name: "ca", namespace: "a" }, { kind: "ConfigMap", name: "ca", namespace: "b" }, { kind: "ConfigMap", name: "ca", namespace: "c" }] },
    },
  ],
  ["services: null removes the whole list", { base: { services: [{ name: "a", namespace: "n" }], mtls: {} }, overlay: { services: null }, want: { mtls: {} } }],
  ["$remove matching nothing is reported, nothing dropped", { base: { services: [{ name: "a", namespace: "n" }] }, overlay: { services: [{ name: "a", namespace: "x", $remove: true }] }, want: { services: [{ name: "a", namespace: "n" }] }, problems: ["MS1022 services,0,$remove"] }],
  ["$remove other than true is reported", { base: { services: [{ name: "a", namespace: "n" }] }, overlay: { services: [{ name: "a", namespace: "n", $remove: false }] }, want: { services: [{ name: "a", namespace: "n" }] }, problems: ["MS1022 services,0,$remove"] }],
  ["$remove beside other keys is reported", { base: { services: [{ name: "a", namespace: "n" }] }, overlay: { services: [{ name: "a", namespace: "n", port: 1, $remove: true }] }, want: { services: [{ name: "a", namespace: "n" }] }, problems: ["MS1022 services,0,$remove"] }],
];

for (const [name, { base, overlay, want, problems = [] }] of MERGES) {
  test(`merge: ${name}`, () => {
    const frozen = JSON.stringify(base);
    const result = mergeLayer(wholeFile(base, "base.yaml"), overlay, "overlay.yaml");
    assert.equal(result.value.data, want);
    assert.equal(result.problems.map((p) => `${p.said.code} ${p.path.join(",")}`), problems);
    assert.is(JSON.stringify(base), frozen, "the base is not changed");
  });
}

/** Files in memory, the way `diff` reads a revision: labels are repository paths. */
function memoryFiles(files: Record<string, string>): PolicyFiles & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read: async (file) => {
      reads.push(file);
      const text = files[file];
      if (text === undefined) throw new Error("not in this revision");
      return text;
    },
    resolve: (from, ref) => posix.join(posix.dirname(from), ref),
  };
}

test("chain: read through an injected reader, relative to each file, three levels", async () => {
  const files = memoryFiles({
    "clusters/prod/p.yaml": `${HEADER}extends: ../../regions/eu.yaml\nmtls: { mode: STRICT }\n`,
    "regions/eu.yaml": `${HEADER}extends: ../base/b.yaml\ntls: { profile: modern }\n`,
    "base/b.yaml": `${HEADER}mtls: { mode: PERMISSIVE }\nservices:\n  - { name: a, namespace: n }\n`,
  });
  const result = await loadPolicyChain("clusters/prod/p.yaml", files);
  assert.equal(result.diagnostics, []);
  assert.equal(files.reads, ["clusters/prod/p.yaml", "regions/eu.yaml", "base/b.yaml"]);
  assert.equal(result.value?.files, files.reads);
  assert.equal(result.value?.data, { apiVersion: "mesh-security/v1alpha1", kind: "MeshSecurityPolicy", metadata: { name: "test" }, mtls: { mode: "STRICT" }, services: [{ name: "a", namespace: "n" }], tls: { profile: "modern" } });
  // Each value located in the file that set it.
  const locate = result.value?.locate;
  assert.equal(locate?.(["mtls", "mode"]), { file: "clusters/prod/p.yaml", range: { start: { line: 6, column: 15 }, end: { line: 6, column: 21 } } });
  assert.equal(locate?.(["tls", "profile"]).file, "regions/eu.yaml");
  assert.equal(locate?.(["services", 0, "name"]), { file: "base/b.yaml", range: { start: { line: 7, column: 13 }, end: { line: 7, column: 14 } } });
});

test("compilePolicy reads the policy from `text` and its chain through `files` (how diff compiles REV:PATH)", async () => {
  // Labels are `REV:PATH`: the revision stays, the path is joined as a repository path.
  const files = {
    ...memoryFiles({ "rev:base/b.yaml": `${HEADER}mtls: { mode: PERMISSIVE }\nservices:\n  - { name: a, namespace: n, port: 70000 }\n` }),
    resolve: (from: string, ref: string): string => {
      const colon = from.indexOf(":");
      return `${from.slice(0, colon + 1)}${posix.join(posix.dirname(from.slice(colon + 1)), ref)}`;
    },
  };
  const result = await compilePolicy({ policyFile: "rev:clusters/p.yaml", text: `${HEADER}extends: ../base/b.yaml\nmtls: { mode: STRICT }\n`, files, missingMaterial: "ignore" });
  assert.equal(files.reads, ["rev:base/b.yaml"], "the root is not read again");
  // port 70000 at the base in the revision; STRICT without a mesh (MS2250) at the policy given as text.
  assert.equal(result.diagnostics.map((d) => [d.code, d.file, d.range?.start.line]), [["MS1007", "rev:base/b.yaml", 7], ["MS2250", "rev:clusters/p.yaml", 6]]);
  assert.is(result.model?.mtls?.mode, "STRICT");
});

const CHAIN_ERRORS: Array<[string, { files: Record<string, string>; want: Array<[string, string, number, number]>; message?: RegExp }]> = [
  ["a cycle names both files", { files: { "a.yaml": `${HEADER}extends: b.yaml\n`, "b.yaml": `${HEADER}extends: ./a.yaml\n` }, want: [["MS1020", "b.yaml", 5, 10]], message: /b\.yaml extends a\.yaml, which is already in its chain: a\.yaml → b\.yaml → a\.yaml/ }],
  ["a file extending itself", { files: { "a.yaml": `${HEADER}extends: a.yaml\n` }, want: [["MS1020", "a.yaml", 5, 10]] }],
  ["a missing base is reported at the extends that names it", { files: { "c/a.yaml": `${HEADER}extends: ../base.yaml\n` }, want: [["MS1021", "c/a.yaml", 5, 10]], message: /cannot read base\.yaml, which c\/a\.yaml extends: not in this revision/ }],
  ["an absolute path is refused", { files: { "a.yaml": `${HEADER}extends: /etc/base.yaml\n` }, want: [["MS1023", "a.yaml", 5, 10]] }],
  ["extends must be a string", { files: { "a.yaml": `${HEADER}extends: [b.yaml]\n` }, want: [["MS1023", "a.yaml", 5, 1]], message: /not a list/ }],
  ["a YAML error in the base is placed in the base", { files: { "a.yaml": `${HEADER}extends: b.yaml\n`, "b.yaml": `${HEADER}mtls: { mode: STRICT\n` }, want: [["MS1001", "b.yaml", 5, 7]] }], // at the unclosed `{` itself (structural YAML diagnostics)
  ["a base that is not a map", { files: { "a.yaml": `${HEADER}extends: b.yaml\n`, "b.yaml": "- just a list\n" }, want: [["MS1021", "a.yaml", 5, 10]] }],
];

for (const [name, { files, want, message }] of CHAIN_ERRORS) {
  test(`chain: ${name}`, async () => {
    const root = Object.keys(files)[0] as string;
    const result = await loadPolicyChain(root, memoryFiles(files));
    assert.not.ok(result.value);
    assert.equal(
      result.diagnostics.map((d) => [d.code, d.file, d.range?.start.line, d.range?.start.column]),
      want,
    );
    if (message) assert.match(result.diagnostics[0]?.message ?? "", message);
  });
}

/** A base and an overlay on disk, in the layout of a fleet repository. */
function fleet(base: string, overlay: string): { dir: string; overlay: string; base: string } {
  const dir = mkdtempSync(join(tmpdir(), "ms-fleet-"));
  mkdirSync(join(dir, "base"));
  mkdirSync(join(dir, "clusters", "prod"), { recursive: true });
  writeFileSync(join(dir, "base", "mesh-security.yaml"), base);
  writeFileSync(join(dir, "clusters", "prod", "mesh-security.yaml"), overlay);
  return { dir, overlay: join(dir, "clusters", "prod", "mesh-security.yaml"), base: join(dir, "base", "mesh-security.yaml") };
}

const BASE = `${HEADER}services:
  - name: api
    namespace: shop
    exposure: reencrypt
    host: api.example.com
  - name: web
    namespace: shop
    port: 70000
`;
const OVERLAY = `${HEADER}extends: ../../base/mesh-security.yaml
services:
  - name: api
    namespace: shop
    host: null
  - name: batch
    namespace: shop
    exposre: internal
`;

test("provenance: each diagnostic at the file, line and column that supplied the value, framed from that file", async () => {
  const f = fleet(BASE, OVERLAY);
  const result = await compilePolicy({ policyFile: f.overlay, missingMaterial: "ignore" });
  const at = result.diagnostics.map((d) => [d.code, d.file, d.range?.start.line, d.range?.start.column]);
  assert.equal(at, [
    // `host: null` removed the host a reencrypt Route needs: the rule points at the exposure, set by the base.
    ["MS2005", f.base, 8, 15],
    // port 70000 came from the base, at its own position there.
    ["MS1007", f.base, 12, 11],
    // A typo in an entry the overlay added.
    ["MS1002", f.overlay, 12, 5],
  ]);
  const text = formatDiagnostics(result.diagnostics, "text", result.sources);
  assert.match(text, /base\/mesh-security\.yaml:12:11 error MS1007 [^\n]*\n 11 \|     namespace: shop\n 12 \|     port: 70000\n    \|           \^\^\^\^\^/);
  assert.match(text, /prod\/mesh-security\.yaml:12:5 error MS1002 [^\n]*\n 11 \|     namespace: shop\n 12 \|     exposre: internal\n/);
  const github = formatDiagnostics(result.diagnostics, "github", result.sources);
  assert.match(github, new RegExp(`^::error file=${f.base.replace(/[.]/g, "\\.")},line=12,col=11,`, "m"));
  assert.match(github, new RegExp(`^::error file=${f.overlay.replace(/[.]/g, "\\.")},line=12,col=5,`, "m"));
});

test("provenance: a required key removed with null is shown in the overlay that removed it", async () => {
  const f = fleet(`${HEADER}mtls: {}\n`, "apiVersion: mesh-security/v1alpha1\nkind: MeshSecurityPolicy\nextends: ../../base/mesh-security.yaml\nmetadata:\n  name: null\n");
  const result = await compilePolicy({ policyFile: f.overlay, missingMaterial: "ignore" });
  assert.equal(result.diagnostics.map((d) => [d.code, d.file, d.range?.start.line, d.range?.start.column]), [["MS1003", f.overlay, 4, 1]]);
});

test("provenance: explain's record of what the overlay changed, and a clean merge compiles", async () => {
  const f = fleet(
    `${HEADER}mtls: { mode: PERMISSIVE }\nservices:\n  - { name: api, namespace: shop }\n  - { name: debug, namespace: shop }\n`,
    `${HEADER}extends: ../../base/mesh-security.yaml\nmtls: { mode: STRICT }\nservices:\n  - { name: debug, namespace: shop, $remove: true }\n  - { name: api, namespace: shop, port: 9443 }\n`,
  );
  const result = await compilePolicy({ policyFile: f.overlay, missingMaterial: "ignore" });
  assert.equal(result.diagnostics.filter((d) => d.severity === "error"), []);
  assert.equal(
    result.changes?.map((c) => [c.at, c.action, c.file === f.overlay]),
    [
      ["mtls.mode", "set", true],
      ["services[shop/debug]", "removed", true],
      ["services[shop/api].port", "set", true],
    ],
  );
  assert.ok(result.tree?.files.has("shop/service-api.yaml") || [...(result.tree?.files.keys() ?? [])].some((p) => p.includes("api")), "the merged policy compiles");
  assert.not.ok([...(result.tree?.files.keys() ?? [])].some((p) => p.includes("debug")), "the removed service is not generated");
  const plain = await compilePolicy({ policyFile: f.base, missingMaterial: "ignore" });
  assert.is(plain.changes, undefined, "no extends, nothing to explain");
});

test("$remove in a file that extends nothing is reported where it is, and dropped", async () => {
  const f = fleet(`${HEADER}services:\n  - { name: api, namespace: shop }\n  - { name: debug, namespace: shop, $remove: true }\n`, `${HEADER}extends: ../../base/mesh-security.yaml\n`);
  const result = await compilePolicy({ policyFile: f.overlay, missingMaterial: "ignore" });
  assert.equal(result.diagnostics.map((d) => [d.code, d.file, d.range?.start.line, d.range?.start.column]), [["MS1022", f.base, 7, 37]]);
});

test.run();
