import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { schemaReference } from "../src/init/schema-ref.js";
import { runMain } from "./helpers/cli.js";

// In this process (test/helpers/cli.ts), except `spawn`: the real binary, for init's exit status seen from outside.
const BIN = join(process.cwd(), "bin", "mesh-security.js");
const spawn = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8" });
const run = async (args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> => runMain(args, { cwd });
const SCHEMA = "mesh-security/schemas/mesh-security.schema.json";

test("$schema points into node_modules when the package is installed above the policy, else beside it", () => {
  const cases: Array<[string, { policy: string; schema: string }, { ref: string; beside: boolean }]> = [
    ["policy at the repository root", { policy: "/repo/mesh-security.yaml", schema: `/repo/node_modules/${SCHEMA}` }, { ref: `./node_modules/${SCHEMA}`, beside: false }],
    ["policy in a subdirectory", { policy: "/repo/clusters/prod/policy.yaml", schema: `/repo/node_modules/${SCHEMA}` }, { ref: `../../node_modules/${SCHEMA}`, beside: false }],
    ["global install", { policy: "/repo/mesh-security.yaml", schema: `/usr/lib/node_modules/${SCHEMA}` }, { ref: "./mesh-security.schema.json", beside: true }],
    ["npx cache", { policy: "/repo/mesh-security.yaml", schema: `/root/.npm/_npx/4f2a/node_modules/${SCHEMA}` }, { ref: "./mesh-security.schema.json", beside: true }],
    ["source checkout", { policy: "/repo/mesh-security.yaml", schema: "/src/mesh-security/schemas/mesh-security.schema.json" }, { ref: "./mesh-security.schema.json", beside: true }],
    ["another package's node_modules", { policy: "/repo/p.yaml", schema: `/repo/node_modules/other/node_modules/${SCHEMA}` }, { ref: "./mesh-security.schema.json", beside: true }],
  ];
  for (const [name, given, want] of cases) assert.equal(schemaReference(given.policy, given.schema), want, name);
});

const refOf = (policyText: string): string => /^# yaml-language-server: \$schema=(\S+)$/m.exec(policyText)?.[1] ?? "";

test("init outside an installed layout writes the schema beside the policy; the starter validates as written", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-init-"));
  try {
    const r = await run(["init"], dir);
    assert.is(r.status, 0, r.stderr);
    const policy = join(dir, "mesh-security.yaml");
    const ref = refOf(readFileSync(policy, "utf8"));
    assert.is(ref, "./mesh-security.schema.json");
    const schemaFile = resolve(dirname(policy), ref);
    assert.ok(existsSync(schemaFile), "the $schema reference resolves");
    assert.is(readFileSync(schemaFile, "utf8"), (await run(["schema"], dir)).stdout);
    const validated = await run(["validate"], dir);
    assert.is(validated.status, 0, validated.stderr);
    assert.match(validated.stderr, /mesh-security\.yaml: ok/);
    // A second policy in the same directory shares the (identical) schema file.
    assert.is((await run(["init", "second.yaml"], dir)).status, 0);
    assert.is(refOf(readFileSync(join(dir, "second.yaml"), "utf8")), "./mesh-security.schema.json");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("init never replaces a different file named like the schema (without --force)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-init-"));
  try {
    writeFileSync(join(dir, "mesh-security.schema.json"), "{}\n");
    const r = spawn(["init"], dir);
    assert.is(r.status, 2);
    assert.match(r.stderr, /mesh-security\.schema\.json: file exists/);
    assert.not.ok(existsSync(join(dir, "mesh-security.yaml")), "nothing half-done");
    assert.is((await run(["init", "--force"], dir)).status, 0);
    assert.is.not(readFileSync(join(dir, "mesh-security.schema.json"), "utf8"), "{}\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("init --schema-beside in an installed layout; schema -o writes what schema prints", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-init-"));
  try {
    mkdirSync(join(dir, "sub"));
    const r = await run(["init", "sub/policy.yaml", "--schema-beside"], dir);
    assert.is(r.status, 0, r.stderr);
    assert.ok(existsSync(join(dir, "sub", "mesh-security.schema.json")));
    const out = await run(["schema", "-o", "copy.json"], dir);
    assert.is(out.status, 0, out.stderr);
    assert.is(readFileSync(join(dir, "copy.json"), "utf8"), (await run(["schema"], dir)).stdout);
    assert.is(JSON.parse(readFileSync(join(dir, "copy.json"), "utf8")).$id, "https://mesh-security.dev/schemas/mesh-security.schema.json");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
