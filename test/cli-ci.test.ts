import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CODES } from "../src/diagnostics/codes.js";
import type { DiagnosticCode } from "../src/diagnostics/codes.js";
import { runMain } from "./helpers/cli.js";
import type { CliRun } from "./helpers/cli.js";

// What CI sees of the real binary: exit codes (the contract's table), GitHub annotations relative to the
// repository root, stale files under --check as annotations, notices, SARIF for code scanning.
const BIN = join(process.cwd(), "bin", "mesh-security.js");
type Options = { cwd?: string; env?: Record<string, string> };
/** The real process: for the exit codes that only a child process can show (one row per command below). */
const spawn = (args: string[], options: Options = {}): { status: number | null; stdout: string; stderr: string } => {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (!options.env?.["GITHUB_WORKSPACE"]) delete env["GITHUB_WORKSPACE"];
  return spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? process.cwd(), encoding: "utf8", env });
};
/** The same command in this process (test/helpers/cli.ts): what it prints and the exit code main sets. */
const run = (args: string[], options: Options = {}): Promise<CliRun> => runMain(args, { ...(options.cwd === undefined ? {} : { cwd: options.cwd }), env: { GITHUB_WORKSPACE: undefined, ...options.env } });
const root = process.cwd();
const ok = join(root, "examples", "service-ca-basics", "mesh-security.yaml");
const broken = join(root, "examples", "invalid-ten-mistakes", "mesh-security.yaml");
const clone = { policy: join(root, "examples", "mesh-maistra-v2", "mesh-security.yaml"), state: join(root, "examples", "mesh-maistra-v2", "state") };
const STAGING = `apiVersion: mesh-security/v1alpha1\nkind: MeshSecurityPolicy\nmetadata:\n  name: shop\nissuers:\n  letsencrypt:\n    acme: { server: staging, email: ops@example.com, solver: { http01: {} } }\nmtls: {}\n`;

const tmp = mkdtempSync(join(tmpdir(), "ms-cli-ci-"));
const staging = join(tmp, "staging.yaml");
writeFileSync(staging, STAGING);
const compiled = join(tmp, "compiled");
await run(["compile", ok, "-o", compiled]);
const stale = join(tmp, "stale");
cpSync(compiled, stale, { recursive: true });
writeFileSync(join(stale, "shop", "service-catalog.yaml"), readFileSync(join(stale, "shop", "service-catalog.yaml"), "utf8").replace("port: 8443", "port: 9443"));

// [name, { given: arguments, want: exit code }]: every row of DESIGN.md's exit codes, I/O for every command.
// The rows in REAL_PROCESS run the binary, so that each command's exit status is seen from outside at
// least once; the others run in this process, where the exit code is what main leaves in process.exitCode.
const EXIT_CODES: Array<[string, { given: string[]; want: number }]> = [
  ["validate: a valid policy", { given: ["validate", ok], want: 0 }],
  ["validate: policy errors", { given: ["validate", broken], want: 1 }],
  ["validate: a warning only", { given: ["validate", staging], want: 0 }],
  ["validate: a warning with --warnings-as-errors", { given: ["validate", staging, "--warnings-as-errors"], want: 1 }],
  ["validate: an unknown option", { given: ["validate", ok, "--frobnicate"], want: 2 }],
  ["compile: --stdout with --format json", { given: ["compile", ok, "--stdout", "--format", "json"], want: 2 }],
  ["compile --check: up to date", { given: ["compile", ok, "-o", compiled, "--check"], want: 0 }],
  ["compile --check: stale", { given: ["compile", ok, "-o", stale, "--check"], want: 3 }],
  ["compile --check: a clone without private keys (a notice)", { given: ["compile", clone.policy, "--state-dir", clone.state, "--stdout"], want: 0 }],
  ["compile: a clone without private keys, --require-keys", { given: ["compile", clone.policy, "--state-dir", clone.state, "--stdout", "--require-keys"], want: 1 }],
  ["validate: missing policy file", { given: ["validate", join(tmp, "missing.yaml")], want: 4 }],
  ["compile -o: missing policy file", { given: ["compile", join(tmp, "missing.yaml"), "-o", join(tmp, "o")], want: 4 }],
  ["compile --stdout: missing policy file", { given: ["compile", join(tmp, "missing.yaml"), "--stdout"], want: 4 }],
  ["compile --check: missing policy file", { given: ["compile", join(tmp, "missing.yaml"), "-o", compiled, "--check"], want: 4 }],
  ["explain: missing policy file", { given: ["explain", join(tmp, "missing.yaml")], want: 4 }],
  ["ca show: missing policy file", { given: ["ca", "show", join(tmp, "missing.yaml")], want: 4 }],
  ["ca init: missing policy file", { given: ["ca", "init", join(tmp, "missing.yaml")], want: 4 }],
  ["ca rotate: missing policy file", { given: ["ca", "rotate", "internal", join(tmp, "missing.yaml")], want: 4 }],
  ["verify: missing directory", { given: ["verify", join(tmp, "missing")], want: 4 }],
  ["verify: --with a missing directory", { given: ["verify", compiled, "--with", join(tmp, "missing")], want: 4 }],
  ["schema -o: into a missing directory's file", { given: ["schema", "-o", join(tmp, "missing", "deeper", "s.json")], want: 4 }],
];
const REAL_PROCESS = new Set([
  "validate: policy errors",
  "validate: an unknown option",
  "compile --check: stale",
  "compile -o: missing policy file",
  "explain: missing policy file",
  "ca init: missing policy file",
  "verify: missing directory",
  "schema -o: into a missing directory's file",
]);
for (const [name, { given, want }] of EXIT_CODES) {
  test(`exit ${want}: ${name}`, async () => {
    const r = REAL_PROCESS.has(name) ? spawn(given) : await run(given);
    assert.is(r.status, want, `${r.stderr}${r.stdout.slice(0, 400)}`);
  });
}

test("github: file= is relative to $GITHUB_WORKSPACE when set, whatever the working directory; else to the working directory", async () => {
  const repo = join(tmp, "repo");
  const dir = join(repo, "clusters", "prod");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "mesh-security.yaml"), readFileSync(broken, "utf8"));
  const inWorkflow = await run(["validate", "mesh-security.yaml", "--format", "github"], { cwd: dir, env: { GITHUB_WORKSPACE: repo } });
  assert.is(inWorkflow.status, 1);
  assert.match(inWorkflow.stdout, /^::error file=clusters\/prod\/mesh-security\.yaml,line=9,col=12,/m);
  assert.not.match(inWorkflow.stdout, /file=mesh-security\.yaml/);
  const local = await run(["validate", "mesh-security.yaml", "--format", "github"], { cwd: dir });
  assert.match(local.stdout, /^::error file=mesh-security\.yaml,line=9,col=12,/m);
});

test("github: a stale output under --check is an ::error on each stale file, at the first line that differs", async () => {
  const r = await run(["compile", ok, "-o", stale, "--check", "--format", "github"], { env: { GITHUB_WORKSPACE: tmp } });
  assert.is(r.status, 3);
  const line = readFileSync(join(compiled, "shop", "service-catalog.yaml"), "utf8").split("\n").findIndex((l) => l.includes("port: 8443")) + 1;
  assert.match(r.stdout, new RegExp(`^::error file=stale/shop/service-catalog\\.yaml,line=${line},col=1,endColumn=2,title=MS4040::MS4040 shop/service-catalog\\.yaml differs`, "m"));
  assert.match(r.stderr, /~ shop\/service-catalog\.yaml/, "the text summary and diff stay on stderr");
  const json = JSON.parse((await run(["compile", ok, "-o", stale, "--check", "--format", "json"])).stdout) as Array<{ code: string; file: string }>;
  assert.equal(json.filter((d) => d.code === "MS4040").map((d) => [d.code, d.file]), [["MS4040", join(stale, "shop", "service-catalog.yaml")]]);
});

test("no private keys in a clone is a ::notice (exit 0); --require-keys makes it an ::error (exit 1)", async () => {
  const args = ["compile", clone.policy, "--state-dir", clone.state, "--stdout", "--format", "github"];
  const notice = await run(args);
  assert.is(notice.status, 0);
  assert.match(notice.stderr, /^::notice file=.*mesh-security\.yaml,line=37,col=3,.*title=MS2303::/m);
  const required = await run([...args, "--require-keys"]);
  assert.is(required.status, 1);
  assert.match(required.stderr, /^::error file=.*title=MS2303::.*\(--require-keys asks for them: to write them, restore private\/mesh-ca\//m);
  assert.is(required.stdout, "", "no manifests when the run fails");
});

interface SarifLog {
  version: string;
  $schema: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; rules: Array<{ id: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { text: string }; defaultConfiguration: { level: string } }> } };
    results: Array<{ ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number; startColumn: number } } }>; suppressions?: Array<{ kind: string; justification: string }> }>;
  }>;
}

test("sarif: SARIF 2.1.0 with one rule per code (help from the code table), results at the policy lines, relative URIs", async () => {
  const r = await run(["validate", broken, "--format", "sarif"], { env: { GITHUB_WORKSPACE: root } });
  assert.is(r.status, 1);
  assert.is(r.stderr, "", "nothing beside the document");
  const log = JSON.parse(r.stdout) as SarifLog;
  assert.is(log.version, "2.1.0");
  const [first] = log.runs;
  assert.ok(first);
  const { rules } = first.tool.driver;
  assert.equal(rules.map((rule) => rule.id), [...new Set(first.results.map((x) => x.ruleId))].sort());
  for (const rule of rules) {
    const info = CODES[rule.id as DiagnosticCode];
    assert.is(rule.shortDescription.text, info.title);
    assert.is(rule.help.text, `${info.summary}\n\nFix: ${info.fix}`);
    assert.is(rule.defaultConfiguration.level, info.severity === "notice" ? "note" : info.severity);
  }
  assert.ok(first.results.length >= 10);
  for (const result of first.results) {
    assert.is(rules[result.ruleIndex]?.id, result.ruleId);
    assert.is(result.locations[0]?.physicalLocation.artifactLocation.uri, "examples/invalid-ten-mistakes/mesh-security.yaml");
  }
  assert.ok(first.results.some((x) => x.ruleId === "MS1005" && x.locations[0]?.physicalLocation.region?.startLine === 9 && x.locations[0].physicalLocation.region.startColumn === 12));
});

test("sarif: a silenced warning is a result with an inSource suppression and its reason; a clean policy is an empty run", async () => {
  writeFileSync(staging, STAGING.replace("    acme:", "    # mesh-security: ignore MS2103 -- the issuer is tried on staging first\n    acme:"));
  const log = JSON.parse((await run(["validate", staging, "--format", "sarif"])).stdout) as SarifLog;
  assert.equal(log.runs[0]?.results.map((x) => [x.ruleId, x.level, x.suppressions]), [["MS2103", "warning", [{ kind: "inSource", status: "accepted", justification: "the issuer is tried on staging first" }]]]);
  writeFileSync(staging, STAGING.replace("server: staging", "server: production"));
  const clean = await run(["validate", staging, "--format", "sarif"]);
  assert.is(clean.status, 0);
  assert.equal((JSON.parse(clean.stdout) as SarifLog).runs[0]?.results, []);
  writeFileSync(staging, STAGING);
});

test("sarif under compile --check: one document holding the policy's findings and each stale file (MS4040)", async () => {
  const r = await run(["compile", ok, "-o", stale, "--check", "--format", "sarif"], { env: { GITHUB_WORKSPACE: tmp } });
  assert.is(r.status, 3);
  const log = JSON.parse(r.stdout) as SarifLog;
  const where = (log.runs[0]?.results ?? []).map((x) => [x.ruleId, x.locations[0]?.physicalLocation.artifactLocation.uri]);
  assert.ok(where.some(([code, uri]) => code === "MS4040" && uri === "stale/shop/service-catalog.yaml"), JSON.stringify(where));
  assert.ok(where.some(([code, uri]) => code === "MS2007" && uri === `file://${ok}`), "the policy, outside that root, by absolute URI");
});

test("sarif from verify: the findings at their manifest lines, nothing else on stdout", async () => {
  // The 2.x example with a PeerAuthentication the mesh operator renders itself (MS5030).
  const out = join(tmp, "verify-broken");
  cpSync(join(root, "examples", "mesh-maistra-v2", "expected"), out, { recursive: true });
  writeFileSync(join(out, "istio-system", "peerauthentication-default.yaml"), "apiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  mtls:\n    mode: STRICT\n");
  const r = await run(["verify", out, "--format", "sarif"], { env: { GITHUB_WORKSPACE: tmp } });
  assert.is(r.status, 1, r.stderr);
  const log = JSON.parse(r.stdout) as SarifLog;
  assert.equal(log.runs[0]?.results.map((x) => [x.ruleId, x.level, x.locations[0]?.physicalLocation.artifactLocation.uri]), [["MS5030", "error", "verify-broken/istio-system/peerauthentication-default.yaml"]]);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test.run();
