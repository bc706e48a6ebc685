import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { checkSchema } from "../src/validate/schema-check.js";
import { DIAGNOSTIC_EXAMPLES } from "./fixtures/diagnostic-examples.js";
import { EXAMPLES_DIR, exampleCases } from "./helpers/examples.js";


// bin/mesh-security.js runs dist/bundle/mesh-security.cjs (scripts/bundle.mjs) from V8's code cache
// (scripts/code-cache.mjs), both made by `npm run build`, which `npm test` runs first.
const BIN = join(process.cwd(), "bin", "mesh-security.js");
// From dist: the module finds the bundle next to itself.
const built = "../dist/bundled.cjs";
const { BUNDLE_FILE, CODE_CACHE_FILE, loadBundle } = (await import(built)) as typeof import("../src/bundled.cjs");

test("the build's bundle loads from its own code cache, and V8 takes it", () => {
  const loaded = loadBundle();
  assert.ok(loaded, "no bundle in dist/bundle");
  assert.ok(loaded?.cached, "the code cache was not used");
  assert.type(loaded?.cli.run, "function");
});

test("the bundle is strict code, as the ES modules in it were", () => {
  // A directive counts only as the first statement: the build's banner must not come before it.
  assert.match(readFileSync(BUNDLE_FILE, "utf8"), /^"use strict";\n/);
});

test("a code cache made for other bytes is not used; the bundle compiles from source", () => {
  // Beside the real bundle, where its packages resolve.
  const dir = mkdtempSync(join(process.cwd(), "dist", "test-bundle-"));
  const bundleFile = join(dir, "mesh-security.cjs");
  // Same length, one character different: V8's own check (the length) would not see it.
  writeFileSync(bundleFile, readFileSync(BUNDLE_FILE, "utf8").replace("mesh-security", "mesh_security"));
  copyFileSync(CODE_CACHE_FILE, `${bundleFile}.cache`);
  const loaded = loadBundle({ bundleFile });
  assert.ok(loaded);
  assert.is(loaded?.cached, false);
  assert.type(loaded?.cli.main, "function");
  assert.is(loadBundle({ bundleFile: join(dir, "absent.cjs") }), undefined);
  rmSync(dir, { recursive: true });
});

// The entry is CommonJS throughout (bin/package.json, src/start.cts, src/bundled.cts): a cold start
// does not bring up Node's ES module loader. Node's own module list says whether it ran.
test("validate starts without Node's ES module loader", () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-bundle-"));
  const hook = join(dir, "modules.cjs");
  writeFileSync(hook, `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(join(dir, "modules.json"))}, JSON.stringify(process.moduleLoadList)));\n`);
  const policy = join(process.cwd(), "examples", "service-ca-basics", "mesh-security.yaml");
  const r = spawnSync(process.execPath, ["--require", hook, BIN, "validate", policy], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  const modules = JSON.parse(readFileSync(join(dir, "modules.json"), "utf8")) as string[];
  assert.ok(modules.length > 0);
  assert.equal(modules.filter((m) => /esm\/(module_job|translators)$/.test(m)), []);
});

// The bundle against dist/cli.js as tsc wrote it: the same bytes and exit code, help in the user's
// language included (yargs' locales are found from the bundle too).
const unbundled = join(mkdtempSync(join(tmpdir(), "ms-bundle-")), "unbundled.mjs");
writeFileSync(unbundled, `await (await import(${JSON.stringify(pathToFileURL(join(process.cwd(), "dist", "cli.js")).href)})).run();\n`);
const policy = join(process.cwd(), "examples", "invalid-ten-mistakes", "mesh-security.yaml");
for (const [args, env] of [
  [["--help"], { LANG: "de_DE.UTF-8" }],
  [["compile", "--help"], { LANG: "C", COLUMNS: "72" }],
  [["validate", "--bogus"], { LANG: "de_DE.UTF-8" }],
  [["validate", policy], {}],
  [["validate", policy, "--format", "json"], {}],
  [["compile", join(process.cwd(), "examples", "knative-transport-encryption", "mesh-security.yaml"), "--stdout"], {}],
  [["--version"], {}],
] as const) {
  test(`the bundled CLI is dist/cli.js: ${args.join(" ")} ${JSON.stringify(env)}`, () => {
    const run = (entry: string) => spawnSync(process.execPath, [entry, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", LC_ALL: "", ...env } });
    const bundled = run(BIN);
    const plain = run(unbundled);
    assert.is(bundled.status, plain.status);
    assert.is(bundled.stdout, plain.stdout);
    assert.is(bundled.stderr, plain.stderr);
    if (env.LANG === "de_DE.UTF-8") assert.match(bundled.stdout + bundled.stderr, /Optionen|Unbekanntes Argument/);
  });
}

// The build's precompiled validator (dist/validate/policy-validator.cjs, which dist's schema-check
// loads) and the validator ajv compiles from the schema (src's schema-check, which has no build
// output beside it) must agree on every policy at hand: the second path exists for tests from src/.
test("the precompiled schema validator and ajv's compiled one agree on every example and diagnostic example", async () => {
  const distModule = "../dist/validate/schema-check.js";
  const dist = (await import(distModule)) as typeof import("../src/validate/schema-check.js");
  const texts = [
    ...exampleCases().map((name) => readFileSync(join(EXAMPLES_DIR, name, "mesh-security.yaml"), "utf8")),
    ...Object.values(DIAGNOSTIC_EXAMPLES),
  ];
  let compared = 0;
  for (const text of texts) {
    let data: unknown;
    try {
      data = parse(text, { logLevel: "silent" });
    } catch {
      continue;
    }
    assert.equal(JSON.parse(JSON.stringify(dist.checkSchema(data))), JSON.parse(JSON.stringify(checkSchema(data))), text.slice(0, 200));
    compared++;
  }
  assert.ok(compared > 60, `only ${compared} policies compared`);
});

test.run();
