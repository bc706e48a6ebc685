import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { readRotationRecord, writeRotationRecord } from "../src/ca/rotation-record.js";
import { splitCertificates } from "../src/ca/pem.js";
import { proposeNextAuthority, proposeSubject } from "../src/ca/rotation-naming.js";
import { rotateAuthority } from "../src/commands/ca-rotate.js";
import { compilePolicy } from "../src/compile.js";
import type { CompileResult } from "../src/compile.js";
import { readPreviousObjects } from "../src/write/previous-output.js";
import { applyEdits, deletePair, insertCopyAfter, findPair, replaceScalar } from "../src/load/text-edits.js";
import { runMain } from "./helpers/cli.js";
import type { CliRun } from "./helpers/cli.js";
import { openssl, signServerLeaf } from "./helpers/openssl.js";
import { HEADER } from "./helpers/policy.js";
import { parseDocument, isMap } from "yaml";
import type { Scalar } from "yaml";

const YEAR = new Date().getUTCFullYear();
const NEXT = `internal-${YEAR}`;

// Every trust channel of the rotation: the mesh plug-in CA, a Knative trust bundle, a CA issuer.
const POLICY = `${HEADER}platform:
  serviceMesh: { flavor: maistra-v2, owned: true, certificateAuthority: internal }
authorities:
  internal:
    generate: { subject: "CN=test root CA,O=Example", intermediate: true }
issuers:
  internal: { ca: { authority: internal } }
services:
  - { name: api, namespace: shop, certificate: { issuer: internal } }
mtls:
  mode: STRICT        # c
  namespaces: {a: PERMISSIVE}
knative:
  systemInternalTLS: true
  issuers: { systemInternal: internal }
  trustBundle: { authorities: [internal], namespaces: [knative-serving] }
`;

interface Dir {
  dir: string;
  policy: string;
  state: string;
  out: string;
}

function setup(policy = POLICY): Dir {
  const dir = mkdtempSync(join(tmpdir(), "ms-rotation-"));
  writeFileSync(join(dir, "mesh-security.yaml"), policy);
  return { dir, policy: join(dir, "mesh-security.yaml"), state: join(dir, ".mesh-security"), out: join(dir, "out") };
}

/** The command line, in this process (test/helpers/cli.ts); the exit codes of the real process are checked in test/cli-ci.test.ts. */
function cli(...args: string[]): Promise<CliRun> {
  return runMain(args);
}

/** `ca rotate` in process (the CLI is tested below): its report is captured, not printed. */
async function rotate(d: Dir, name = "internal"): Promise<{ status: number; output: string }> {
  let output = "";
  const capture = (chunk: string | Uint8Array): boolean => ((output += String(chunk)), true);
  const [out, err] = [process.stdout.write, process.stderr.write];
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    const status = await rotateAuthority({ policyFile: d.policy, stateDir: d.state, name, allowUnsafeRotation: false, format: "text" });
    return { status, output };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** Compile in process, and record the phase as `compile -o` does once the output is written. */
async function compileAndRecord(d: Dir): Promise<CompileResult> {
  const result = await compilePolicy({ policyFile: d.policy, missingMaterial: "generate" });
  assert.ok(!result.diagnostics.some((x) => x.severity === "error"), result.diagnostics.map((x) => `${x.code} ${x.message}`).join("\n"));
  if (result.rotationRecord !== undefined) await writeRotationRecord(d.state, result.rotationRecord);
  return result;
}

const decode = (text: string | undefined, key: string): string => Buffer.from((parse(text ?? "") as { data: Record<string, string> }).data[key] ?? "", "base64").toString("utf8");

/** The trust bundles a client can hold, the signers the output names, and the ca.crt cert-manager would copy. */
function channelsOf(result: CompileResult): { bundles: Record<string, string>; signers: Array<{ who: string; cert: string; key: string; chain: string }>; issuerCaCrt: string } {
  const files = result.tree?.files ?? new Map<string, string>();
  const secrets = result.tree?.secretFiles ?? new Map<string, string>();
  const knative = parse(files.get("knative-serving/configmap-knative-trust-bundle.yaml") ?? "") as { data: Record<string, string> };
  const cacerts = secrets.get("istio-system/secret-cacerts.yaml");
  const issuer = parse(files.get("cluster/clusterissuer-internal.yaml") ?? "") as { spec: { ca: { secretName: string } } };
  const issuerSecret = secrets.get(`cert-manager/secret-${issuer.spec.ca.secretName}.yaml`);
  const chain = decode(issuerSecret, "tls.crt");
  return {
    bundles: { knative: Object.keys(knative.data).sort().map((k) => knative.data[k]).join(""), mesh: decode(cacerts, "root-cert.pem") },
    signers: [
      // cert-manager's CA issuer signs with tls.crt's first certificate and tls.key.
      { who: `cert-manager (${issuer.spec.ca.secretName})`, cert: splitCertificates(chain)[0] ?? "", key: decode(issuerSecret, "tls.key"), chain },
      // istiod signs workload certificates with ca-cert.pem and ca-key.pem.
      { who: "istiod (cacerts)", cert: decode(cacerts, "ca-cert.pem"), key: decode(cacerts, "ca-key.pem"), chain: decode(cacerts, "cert-chain.pem") },
    ],
    issuerCaCrt: decode(issuerSecret, "ca.crt"),
  };
}

interface Leaf {
  phase: string;
  who: string;
  cert: string;
  chain: string;
  oldCa: boolean;
}

function verify(dir: string, bundle: string, leaf: Leaf): boolean {
  const ca = join(dir, "bundle.pem");
  const untrusted = join(dir, "untrusted.pem");
  writeFileSync(ca, bundle);
  writeFileSync(untrusted, leaf.chain);
  return openssl(["verify", "-CAfile", ca, "-untrusted", untrusted, leaf.cert]).status === 0;
}

test("phase by phase: no valid leaf is rejected by a bundle of the previous or current phase; old leaves fail after drop-old", async () => {
  const d = setup();
  try {
    const phases = ["before", "trust-both", "issue-new", "drop-old", "finished"];
    let previous: ReturnType<typeof channelsOf> | undefined;
    let previousLeaves: Leaf[] = [];
    const oldLeaves: Leaf[] = [];
    for (const [index, phase] of phases.entries()) {
      if (index > 0) {
        const r = await rotate(d);
        assert.is(r.status, 0, r.output);
      }
      const result = await compileAndRecord(d);
      const now = channelsOf(result);
      const leaves: Leaf[] = now.signers.map((s, i) => {
        const leafDir = mkdtempSync(join(d.dir, `leaf-${index}-${i}-`));
        writeFileSync(join(leafDir, "ca.pem"), s.cert);
        writeFileSync(join(leafDir, "ca-key.pem"), s.key);
        return { phase, who: s.who, cert: signServerLeaf(leafDir, join(leafDir, "ca.pem"), join(leafDir, "ca-key.pem")).cert, chain: s.chain, oldCa: index <= 1 };
      });
      oldLeaves.push(...leaves.filter((l) => l.oldCa));
      // Clients hold either phase's bundles while leaves of either phase are in use.
      for (const bundles of [previous?.bundles, now.bundles]) {
        for (const [channel, bundle] of Object.entries(bundles ?? {})) {
          for (const leaf of [...previousLeaves, ...leaves]) {
            // Leaves of the old CA are renewed during issue-new: from drop-old on they must fail.
            if (index >= 3 && leaf.oldCa) continue;
            assert.ok(verify(d.dir, bundle, leaf), `${phase}: ${channel} bundle rejects the leaf ${leaf.who} issued at ${leaf.phase}`);
          }
        }
      }
      if (index >= 3) {
        for (const [channel, bundle] of Object.entries(now.bundles)) {
          for (const leaf of oldLeaves) assert.not.ok(verify(d.dir, bundle, leaf), `${phase}: ${channel} bundle still accepts the old CA's leaf from ${leaf.phase}`);
        }
      }
      if (phase === "issue-new") {
        // The channel that cannot carry both: ca.crt of a Secret issued now names only the new root (MS2311).
        const fromOld = previousLeaves.find((l) => l.who.startsWith("cert-manager"));
        assert.ok(fromOld && !verify(d.dir, now.issuerCaCrt, fromOld), "ca.crt of an issue-new Secret accepts a trust-both leaf");
        assert.ok(result.diagnostics.some((x) => x.code === "MS2311" && x.message.includes("shop/api")), "MS2311 names the api Secret");
        assert.ok(result.notes.some((n) => n.text.includes("Knative trust bundle ConfigMap knative-trust-bundle") && n.text.includes("root-cert.pem")), "explain names the channels");
      }
      previous = now;
      previousLeaves = leaves;
    }
    assert.is((await readRotationRecord(d.state)).status, "absent", "the record goes once the rotation is finished");
  } finally {
    rmSync(d.dir, { recursive: true, force: true });
  }
});

test("ca rotate edits only the lines that change, and names the new authority readably", async () => {
  const d = setup(POLICY.replace("internal:\n    generate", "internal:   # the root\n    generate"));
  try {
    const before = readFileSync(d.policy, "utf8");
    const r = await cli("ca", "rotate", "internal", "-p", d.policy);
    assert.is(r.status, 0, r.stderr);
    const after = readFileSync(d.policy, "utf8");
    const added = after.split("\n").filter((line) => !before.split("\n").includes(line));
    assert.equal(added, [`  ${NEXT}:   # the root`, `    generate: { subject: "CN=test root CA ${YEAR},O=Example", intermediate: true }`, "rotation:", "  authority: internal", `  next: ${NEXT}`, "  phase: trust-both"]);
    assert.ok(before.split("\n").every((line) => after.split("\n").includes(line)), "no line of the original changed");
    assert.match(after, /mode: STRICT {8}# c\n/);
    assert.match(after, /namespaces: \{a: PERMISSIVE\}/);
  } finally {
    rmSync(d.dir, { recursive: true, force: true });
  }
});

test("names: a second rotation in a year counts on, a subject keeps one year, --next and --subject choose", async () => {
  const now = new Date(Date.UTC(2026, 5, 1));
  const cases: Array<[string, { given: [string, string, string[]]; want: { name: string; subject: string } }]> = [
    ["first rotation", { given: ["shop-ca", "CN=shop root CA,O=Example", []], want: { name: "shop-ca-2026", subject: "CN=shop root CA 2026,O=Example" } }],
    ["second rotation in a year", { given: ["shop-ca-2026", "CN=shop root CA 2026,O=Example", []], want: { name: "shop-ca-2026-2", subject: "CN=shop root CA 2026 2,O=Example" } }],
    ["third", { given: ["shop-ca-2026-2", "CN=shop root CA 2026 2", ["shop-ca-2026"]], want: { name: "shop-ca-2026-3", subject: "CN=shop root CA 2026 3" } }],
    ["subject ends with the year already", { given: ["shop-ca", "CN=shop root CA 2026", []], want: { name: "shop-ca-2026-2", subject: "CN=shop root CA 2026 2" } }],
    ["last year's authority", { given: ["shop-ca-2025", "CN=shop root CA 2025", []], want: { name: "shop-ca-2026", subject: "CN=shop root CA 2026" } }],
    ["stored material is never reused", { given: ["shop-ca", "CN=x", ["shop-ca-2026"]], want: { name: "shop-ca-2026-2", subject: "CN=x 2026 2" } }],
  ];
  for (const [name, { given, want }] of cases) assert.equal(proposeNextAuthority(given[0], given[1], new Set(given[2]), now), want, name);
  assert.is(proposeSubject("O=Example", "a-2026"), "CN=a-2026,O=Example");

  const d = setup();
  try {
    const r = await cli("ca", "rotate", "internal", "-p", d.policy, "--next", "corp-root-b", "--subject", "CN=Corp Root B,O=Example");
    assert.is(r.status, 0, r.stderr);
    const doc = parse(readFileSync(d.policy, "utf8")) as { authorities: Record<string, { generate: { subject: string } }>; rotation: { next: string } };
    assert.is(doc.rotation.next, "corp-root-b");
    assert.is(doc.authorities["corp-root-b"]?.generate.subject, "CN=Corp Root B,O=Example");
  } finally {
    rmSync(d.dir, { recursive: true, force: true });
  }
});

test("text edits: flow maps keep their style, deletions take whole lines, edits keep their order", () => {
  const text = "a:\n  x: { s: 'one' }   # k\n  y: 2\nb: {p: 1, q: 2}\nc: 3\n";
  const doc = parseDocument(text);
  const a = doc.get("a", true);
  const b = doc.get("b", true);
  const root = doc.contents;
  const x = findPair(a, "x");
  const q = findPair(b, "q");
  const c = findPair(root, "c");
  assert.ok(isMap(a) && isMap(b) && isMap(root) && x && q && c);
  if (!isMap(a) || !isMap(b) || !isMap(root) || !x || !q || !c) return;
  const copy = insertCopyAfter(text, a, x, [replaceScalar(x.key as Scalar, "z"), replaceScalar(doc.getIn(["a", "x", "s"], true) as Scalar, "it's")]);
  assert.is(applyEdits(text, [copy]), "a:\n  x: { s: 'one' }   # k\n  z: { s: 'it''s' }   # k\n  y: 2\nb: {p: 1, q: 2}\nc: 3\n");
  assert.is(applyEdits(text, [deletePair(text, b, q), deletePair(text, root, c)]), "a:\n  x: { s: 'one' }   # k\n  y: 2\nb: {p: 1}\n");
  const p = findPair(b, "p");
  if (p) assert.is(applyEdits(text, [deletePair(text, b, p)]), "a:\n  x: { s: 'one' }   # k\n  y: 2\nb: {q: 2}\nc: 3\n");
  assert.is(applyEdits("", [{ start: 0, end: 0, insert: "1" }, { start: 0, end: 0, insert: "2" }]), "12");
  assert.throws(() => applyEdits("abc", [{ start: 0, end: 2, insert: "" }, { start: 1, end: 3, insert: "" }]));
});

/** Start a rotation and compile trust-both, so that the record holds it. */
async function inTrustBoth(): Promise<Dir> {
  const d = setup();
  await compileAndRecord(d);
  const r = await rotate(d);
  assert.is(r.status, 0, r.output);
  await compileAndRecord(d);
  return d;
}

const codes = (result: CompileResult): string[] => result.diagnostics.filter((x) => x.severity === "error").map((x) => x.code);

test("misuse: hand-edited skips, a rotation starting at drop-old, going back, and the override's warning", async () => {
  const d = await inTrustBoth();
  try {
    const text = readFileSync(d.policy, "utf8");
    writeFileSync(d.policy, text.replace("phase: trust-both", "phase: drop-old"));
    const skip = await compilePolicy({ policyFile: d.policy, missingMaterial: "generate" });
    assert.equal(codes(skip), ["MS2312"]);
    const skipped = skip.diagnostics.find((x) => x.code === "MS2312");
    assert.match(skipped?.message ?? "", /skips issue-new/);
    assert.is(skipped?.range?.start.line, text.split("\n").findIndex((l) => l.includes("phase: trust-both")) + 1);

    const unsafe = await compilePolicy({ policyFile: d.policy, missingMaterial: "generate", allowUnsafeRotation: true });
    assert.equal(codes(unsafe), []);
    const warning = unsafe.diagnostics.find((x) => x.code === "MS2313");
    assert.match(warning?.message ?? "", /reject certificates signed by internal\b/);

    writeFileSync(d.policy, text.replace("phase: trust-both", "phase: issue-new"));
    await compileAndRecord(d);
    writeFileSync(d.policy, text);
    const back = await compilePolicy({ policyFile: d.policy, missingMaterial: "generate" });
    assert.equal(codes(back), ["MS2312"]);
    assert.match(back.diagnostics.find((x) => x.code === "MS2312")?.message ?? "", /goes back to phase trust-both/);

    // Dropping the rotation block after issue-new is a step back too.
    writeFileSync(d.policy, text.slice(0, text.indexOf("rotation:")));
    const dropped = await compilePolicy({ policyFile: d.policy, missingMaterial: "generate" });
    assert.equal(codes(dropped), ["MS2312"]);
  } finally {
    rmSync(d.dir, { recursive: true, force: true });
  }
  const fresh = setup(`${POLICY.replace("issuers:", `  next-ca:\n    generate: { subject: "CN=next" }\nissuers:`)}rotation: { authority: internal, next: next-ca, phase: drop-old }\n`);
  try {
    const result = await compilePolicy({ policyFile: fresh.policy, missingMaterial: "generate" });
    assert.equal(codes(result), ["MS2312"]);
    assert.match(result.diagnostics.find((x) => x.code === "MS2312")?.message ?? "", /skips trust-both and issue-new/);
  } finally {
    rmSync(fresh.dir, { recursive: true, force: true });
  }
});

test("misuse: ca rotate twice without a compile (MS2314), in JSON; rotating another authority mid-rotation (MS2315)", async () => {
  const d = setup();
  try {
    assert.is((await cli("ca", "rotate", "internal", "-p", d.policy)).status, 0);
    const before = readFileSync(d.policy, "utf8");
    const again = await cli("ca", "rotate", "internal", "-p", d.policy, "--format", "json");
    assert.is(again.status, 1);
    const errors = (stdout: string): string[] => (JSON.parse(stdout) as Array<{ code: string; severity: string }>).filter((x) => x.severity === "error").map((x) => x.code);
    assert.equal(errors(again.stdout), ["MS2314"]);
    assert.is(readFileSync(d.policy, "utf8"), before, "the policy is unchanged");
    const other = await cli("ca", "rotate", NEXT, "-p", d.policy, "--format", "json");
    assert.equal(errors(other.stdout), ["MS2315"]);
    const unknown = await cli("ca", "rotate", "nope", "-p", d.policy, "--format", "json");
    assert.equal(errors(unknown.stdout), ["MS2315"]);
  } finally {
    rmSync(d.dir, { recursive: true, force: true });
  }
});

test("misuse: rotation.next equal to rotation.authority (MS2310); an edit that fails validation is not written (MS2316)", async () => {
  const d = setup(`${POLICY}rotation: { authority: internal, next: internal, phase: trust-both }\n`);
  try {
    const result = await compilePolicy({ policyFile: d.policy, missingMaterial: "ignore" });
    assert.ok(codes(result).includes("MS2310"), codes(result).join());
    const refused = await cli("ca", "rotate", "internal", "-p", d.policy, "--format", "json");
    assert.is(refused.status, 1);
    assert.ok((JSON.parse(refused.stdout) as Array<{ code: string }>).some((x) => x.code === "MS2310"));
  } finally {
    rmSync(d.dir, { recursive: true, force: true });
  }
  const e = setup();
  try {
    const before = readFileSync(e.policy, "utf8");
    // The schema asks for a CN in every subject: the edited policy would not validate.
    const r = await cli("ca", "rotate", "internal", "-p", e.policy, "--subject", "O=Example", "--format", "json");
    assert.is(r.status, 1);
    const report = JSON.parse(r.stdout) as Array<{ code: string }>;
    assert.ok(report.some((x) => x.code === "MS2316"), report.map((x) => x.code).join());
    assert.ok(report.length > 1, "the validation problems follow");
    assert.is(readFileSync(e.policy, "utf8"), before);
  } finally {
    rmSync(e.dir, { recursive: true, force: true });
  }
});

test("misuse: the distributed new CA is pinned: deleted (MS3021) or replaced (MS3020); a broken record (MS3022)", async () => {
  const d = await inTrustBoth();
  try {
    const record = await readRotationRecord(d.state);
    assert.ok(record.status === "ok" && Object.keys(record.record.roots).sort().join() === ["internal", NEXT].sort().join());
    const keep = join(d.dir, "keep");
    spawnSync("cp", ["-a", d.state, keep]);
    rmSync(join(d.state, "authorities", NEXT), { recursive: true });
    rmSync(join(d.state, "private", NEXT), { recursive: true });
    const deleted = await compilePolicy({ policyFile: d.policy, missingMaterial: "generate" });
    assert.equal(codes(deleted), ["MS3021"]);
    assert.throws(() => readFileSync(join(d.state, "authorities", NEXT, "root-cert.pem")), "nothing was generated in its place");
    // A different root under the same name (what `ca init` after the deletion used to make).
    await compilePolicy({ policyFile: d.policy, missingMaterial: "generate", stateDir: join(d.dir, "other") });
    spawnSync("cp", ["-a", join(d.dir, "other", "authorities", NEXT), join(d.state, "authorities", NEXT)]);
    spawnSync("cp", ["-a", join(d.dir, "other", "private", NEXT), join(d.state, "private", NEXT)]);
    const replaced = await compilePolicy({ policyFile: d.policy, missingMaterial: "generate" });
    assert.equal(codes(replaced), ["MS3020"]);
    // Should rotation.json be lost with the material, the previous output's trust bundle still witnesses the root.
    rmSync(join(d.state, "authorities", NEXT), { recursive: true });
    rmSync(join(d.state, "private", NEXT), { recursive: true });
    spawnSync("cp", ["-a", join(keep, "authorities", NEXT), join(d.state, "authorities", NEXT)]);
    spawnSync("cp", ["-a", join(keep, "private", NEXT), join(d.state, "private", NEXT)]);
    assert.is((await cli("compile", d.policy, "-o", d.out)).status, 0);
    rmSync(join(d.state, "rotation.json"));
    rmSync(join(d.state, "authorities", NEXT), { recursive: true });
    rmSync(join(d.state, "private", NEXT), { recursive: true });
    const witnessed = await compilePolicy({ policyFile: d.policy, missingMaterial: "generate", previous: await readPreviousObjects(d.out) });
    assert.equal(codes(witnessed), ["MS3021"]);
    assert.match(witnessed.diagnostics.find((x) => x.code === "MS3021")?.message ?? "", /previous output's trust bundle/);
    writeFileSync(join(d.state, "rotation.json"), "{ not json");
    const broken = await compilePolicy({ policyFile: d.policy, missingMaterial: "generate" });
    assert.ok(codes(broken).includes("MS3022"));
  } finally {
    rmSync(d.dir, { recursive: true, force: true });
  }
});

test("without rotation.json the previous output shows the phase rolled out", async () => {
  const d = setup();
  try {
    const compile = (): Promise<CliRun> => cli("compile", d.policy, "-o", d.out, "--format", "json");
    assert.is((await compile()).status, 0);
    for (let i = 0; i < 2; i++) {
      assert.is((await rotate(d)).status, 0);
      assert.is((await compile()).status, 0);
    }
    const text = readFileSync(d.policy, "utf8");
    assert.match(text, /phase: issue-new/);
    rmSync(join(d.state, "rotation.json"));
    // The output shows issue-new (both roots in the bundle, issuers on the new CA's Secret): drop-old is one step.
    writeFileSync(d.policy, text.replace("phase: issue-new", "phase: drop-old"));
    const forward = await compile();
    assert.is(forward.status, 0, forward.stdout);
    rmSync(join(d.state, "rotation.json"));
    writeFileSync(d.policy, text.replace("phase: issue-new", "phase: trust-both"));
    const back = await compile();
    assert.is(back.status, 1);
    const report = JSON.parse(back.stdout) as Array<{ code: string; message: string }>;
    assert.match(report.find((x) => x.code === "MS2312")?.message ?? "", /goes back to phase trust-both; it was last compiled at phase drop-old \(as the previous output shows/);
  } finally {
    rmSync(d.dir, { recursive: true, force: true });
  }
});

test("compile -o records the phase in rotation.json, deterministically", async () => {
  const d = setup();
  try {
    assert.is((await cli("ca", "rotate", "internal", "-p", d.policy)).status, 0);
    const first = await cli("compile", d.policy, "-o", d.out);
    assert.is(first.status, 0, first.stderr);
    const text = readFileSync(join(d.state, "rotation.json"), "utf8");
    const again = await cli("compile", d.policy, "-o", d.out);
    assert.is(again.status, 0, again.stderr);
    assert.is(readFileSync(join(d.state, "rotation.json"), "utf8"), text);
    const data = JSON.parse(text) as { rotation: { phase: string; roots: Record<string, string> } };
    assert.is(data.rotation.phase, "trust-both");
    assert.equal(Object.keys(data.rotation.roots), ["internal", NEXT].sort());
    assert.match(text, /\n$/);
    assert.is((await cli("compile", d.policy, "-o", d.out, "--check")).status, 0);
    // A clone without the record would not know which phase was rolled out: --check calls it stale.
    rmSync(join(d.state, "rotation.json"));
    const stale = await cli("compile", d.policy, "-o", d.out, "--check");
    assert.is(stale.status, 3, stale.stderr);
    assert.match(stale.stderr, /rotation\.json does not record what this output distributes/);
    // In CI the record is annotated like any stale file (MS4040 on it).
    const annotated = await cli("compile", d.policy, "-o", d.out, "--check", "--format", "github");
    assert.is(annotated.status, 3, annotated.stderr);
    assert.match(annotated.stdout, /^::error file=[^,]*rotation\.json,line=1,col=1,endColumn=2,title=MS4040::/m);
  } finally {
    rmSync(d.dir, { recursive: true, force: true });
  }
});

test.run();
