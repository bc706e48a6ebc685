import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseAllDocuments } from "yaml";
import { runMain } from "./helpers/cli.js";
import type { CliRun } from "./helpers/cli.js";

// The real binary (bin/mesh-security.js → dist/start.cjs → the bundle of dist/cli.js, built by `npm test` and `npm ci`):
// the tests up to "I/O failure exits 4" check the exit codes of the real process and what dist holds.
const BIN = join(process.cwd(), "bin", "mesh-security.js");
const run = (args: string[], cwd = process.cwd()): { status: number | null; stdout: string; stderr: string } => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8" });
/** The same command in this process (test/helpers/cli.ts), for the tests about what a command prints. */
const runIn = (args: string[], cwd?: string): Promise<CliRun> => runMain(args, cwd === undefined ? {} : { cwd });
const example = join(process.cwd(), "examples", "service-ca-basics", "mesh-security.yaml");
const broken = join(process.cwd(), "examples", "invalid-ten-mistakes", "mesh-security.yaml");

test("compile -o, then --check fresh (0) and stale (3)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-cli-"));
  const out = join(dir, "out");
  const first = run(["compile", example, "-o", out]);
  assert.is(first.status, 0, first.stderr);
  assert.is(first.stdout, "", "compile -o prints nothing on stdout");
  assert.is(run(["compile", example, "-o", out, "--check"]).status, 0);
  const file = join(out, "shop", "service-catalog.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace("port: 8443", "port: 9443"));
  const stale = run(["compile", example, "-o", out, "--check"]);
  assert.is(stale.status, 3);
  assert.match(stale.stderr, /stale: 0 to add, 1 to change, 0 to remove/);
  assert.match(stale.stderr, /~ shop\/service-catalog\.yaml/);
  assert.match(stale.stderr, /- +port: 9443\n +\+ +port: 8443/);
});

test("policy errors exit 1 with file:line:column; github format annotates", () => {
  const text = run(["validate", broken]);
  assert.is(text.status, 1);
  assert.match(text.stderr, /mesh-security\.yaml:9:12 error MS1005/);
  const gh = run(["validate", broken, "--format", "github"]);
  assert.is(gh.status, 1);
  assert.match(gh.stdout, /^::error file=.*mesh-security\.yaml,line=9,col=12,endColumn=23,title=MS1005::/m);
  const json = run(["validate", broken, "--format", "json"]);
  assert.is((JSON.parse(json.stdout) as unknown[]).length, 10);
});

test("the precompiled schema validator in dist gives the same diagnostics as compiling the schema", async () => {
  const { compilePolicy } = await import("../src/compile.js");
  for (const policy of [broken, example]) {
    const fromBin = JSON.parse(run(["validate", policy, "--format", "json"]).stdout) as unknown[];
    const inProcess = (await compilePolicy({ policyFile: policy, missingMaterial: "ignore" })).diagnostics;
    assert.equal(fromBin, JSON.parse(JSON.stringify(inProcess)));
  }
});

test("usage errors exit 2", () => {
  assert.is(run(["compile", example]).status, 2);
  assert.is(run(["compile", example, "--stdout", "-o", "x"]).status, 2);
  assert.is(run(["frobnicate"]).status, 2);
});

test("I/O failure exits 4: a foreign directory is refused", () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-cli-"));
  writeFileSync(join(dir, "mine.yaml"), "x: 1\n");
  const r = run(["compile", example, "-o", dir]);
  assert.is(r.status, 4);
  assert.match(r.stderr, /MS4001/);
  assert.not.ok(existsSync(join(dir, "kustomization.yaml")));
});

test("--stdout is a clean multi-document stream", async () => {
  const r = await runIn(["compile", example, "--stdout"]);
  assert.is(r.status, 0);
  const docs = parseAllDocuments(r.stdout);
  assert.is(docs.length, 3);
  assert.equal(docs.map((d) => (d.toJS() as { kind: string }).kind).sort(), ["ConfigMap", "Service", "Service"]);
  assert.match(r.stderr, /patch/);
});

test("explain: per subject, the objects with their files and reasons; json and a text table", async () => {
  const policy = join(process.cwd(), "examples", "end-to-end-encryption", "mesh-security.yaml");
  const report = JSON.parse((await runIn(["explain", policy, "--format", "json"])).stdout) as {
    diagnostics: unknown[];
    subjects: Array<{ subject: string; notes: string[]; objects: Array<{ kind: string; file: string; reason: string; wave: number }> }>;
    paths: Array<{ result: string }>;
  };
  const json = report.subjects;
  assert.ok(report.paths.length > 0 && report.paths.some((p) => p.result === "ok") && report.paths.every((p) => p.result !== "broken"), "explain carries verify's path table (no broken path; the kubelet hop is not checked without the workloads)");
  const customer = json.find((s) => s.subject === "service demo/customer");
  assert.ok(customer);
  assert.equal(customer?.objects.map((o) => o.kind).sort(), ["Certificate", "Certificate", "Deployment", "Route", "Service"]);
  for (const o of customer?.objects ?? []) {
    assert.ok(o.file.endsWith(".yaml"));
    assert.ok(o.reason.length > 10);
  }
  assert.ok(customer?.notes.some((n) => /destination/i.test(n)));
  const text = (await runIn(["explain", policy])).stdout;
  assert.match(text, /^service demo\/customer\n/m);
  assert.match(text, /^  object +file +wave\n/m);
  assert.match(text, /^  Route demo\/customer +demo\/route-customer\.yaml +0\n/m);
});

test("schema, init, --version", async () => {
  const schema = JSON.parse((await runIn(["schema"])).stdout) as { title: string };
  assert.match(schema.title, /mesh-security/);
  const dir = mkdtempSync(join(tmpdir(), "ms-cli-"));
  assert.is((await runIn(["init"], dir)).status, 0);
  assert.is((await runIn(["init"], dir)).status, 2, "refuses to overwrite");
  assert.is((await runIn(["validate"], dir)).status, 0);
  assert.match((await runIn(["--version"])).stdout, /^\d+\.\d+\.\d+/);
});

// yargs looks for a package.json when it starts; from an ES module entry that search would begin at the
// working directory and read every directory above it (src/cli.ts, loadYargs). It starts at the package.
// A child process: the --require hook must see every read from the process's start.
test("validate reads no directory around the working directory", () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-cli-"));
  const cwd = join(dir, "a", "b");
  mkdirSync(cwd, { recursive: true });
  const hook = join(dir, "log-readdir.cjs");
  writeFileSync(hook, `const fs = require("node:fs"); const read = fs.readdirSync; const seen = [];
fs.readdirSync = function (path, ...rest) { seen.push(String(path)); return read.call(this, path, ...rest); };
process.on("exit", () => fs.writeFileSync(${JSON.stringify(join(dir, "seen.json"))}, JSON.stringify(seen)));\n`);
  const r = spawnSync(process.execPath, ["--require", hook, BIN, "validate", example], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  assert.is(r.status, 0, r.stderr);
  const seen = JSON.parse(readFileSync(join(dir, "seen.json"), "utf8")) as string[];
  const around = [cwd, join(dir, "a"), dir, tmpdir(), "/"];
  assert.equal(seen.filter((path) => around.includes(resolve(cwd, path))), []);
});

test.run();
