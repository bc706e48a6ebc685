import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compilePolicy } from "../src/compile.js";
import { writeOutputDir } from "../src/write/write-dir.js";
import { readTree } from "./helpers/examples.js";
import { MESH_CA_POLICY } from "./helpers/policy.js";

const BIN = join(process.cwd(), "bin", "mesh-security.js");
const policyText = (secrets = "separate"): string => `${MESH_CA_POLICY}output: { secrets: ${secrets} }
`;

function setup(secrets = "separate"): { dir: string; policy: string; state: string } {
  const dir = mkdtempSync(join(tmpdir(), "ms-safe-"));
  writeFileSync(join(dir, "mesh-security.yaml"), policyText(secrets));
  return { dir, policy: join(dir, "mesh-security.yaml"), state: join(dir, ".mesh-security") };
}

const codes = (r: { diagnostics: Array<{ code: string }> }): string[] => r.diagnostics.map((d) => d.code);
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 60_000 });

test("a symbolic link as the state directory is refused (MS3009) and nothing is written where it points", async () => {
  const { dir, policy, state } = setup();
  const elsewhere = join(dir, "elsewhere");
  mkdirSync(elsewhere);
  symlinkSync(elsewhere, state);
  const result = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  assert.equal(codes(result), ["MS3009"]);
  assert.equal(readdirSync(elsewhere), [], "no key went through the link");
  // The same for private/ alone.
  rmSync(state);
  await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  rmSync(join(state, "private"), { recursive: true });
  symlinkSync(elsewhere, join(state, "private"));
  assert.equal(codes(await compilePolicy({ policyFile: policy, missingMaterial: "generate" })), ["MS3009"]);
  rmSync(dir, { recursive: true, force: true });
});

test("a hard-linked key (MS3010) and a private directory open to group or others (MS3011) are refused", async () => {
  const { dir, policy, state } = setup();
  await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  const key = join(state, "private", "internal", "ca-key.pem");
  linkSync(key, join(dir, "copy-of-key.pem"));
  const linked = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  assert.equal(codes(linked), ["MS3010"]);
  assert.match(linked.diagnostics[0]?.message ?? "", /has 2 hard links/);
  rmSync(join(dir, "copy-of-key.pem"));
  assert.equal(codes(await compilePolicy({ policyFile: policy, missingMaterial: "generate" })), []);
  for (const open of [join(state, "private", "internal"), join(state, "private")]) {
    chmodSync(open, 0o750);
    const result = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
    assert.equal(codes(result), ["MS3011"], open);
    assert.match(result.diagnostics[0]?.message ?? "", /has mode 0750; a directory holding CA private keys must be 0700/);
    chmodSync(open, 0o700);
  }
  rmSync(dir, { recursive: true, force: true });
});

test("secrets: inline writes its Secret files with mode 0600 and warns that the keys go into Git (MS2304)", async () => {
  const { dir, policy } = setup("inline");
  const out = join(dir, "out");
  const run = cli(["compile", policy, "-o", out]);
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stderr, /warning MS2304 output.secrets is inline: 2 Secret\(s\) with CA private keys \(cert-manager\/internal-ca, istio-system\/cacerts\)/);
  for (const [path] of readTree(out)) {
    const mode = statSync(join(out, path)).mode & 0o777;
    if (/secret-/.test(path)) assert.is(mode, 0o600, path);
    else assert.is(mode & 0o044, 0o044, `${path} stays readable`);
  }
  rmSync(dir, { recursive: true, force: true });
});

test("the Secrets directory is written only after the main output succeeded", async () => {
  const { dir, policy, state } = setup();
  const out = join(dir, "out");
  writeFileSync(out, "a file where the output directory should be\n");
  const run = cli(["compile", policy, "-o", out]);
  assert.is(run.status, 4, run.stderr);
  assert.match(run.stderr, /MS4003/);
  assert.not.ok(existsSync(join(state, "private", "secrets")), "no Secrets written for an output that failed");
  rmSync(out);
  assert.is(cli(["compile", policy, "-o", out]).status, 0);
  assert.ok(existsSync(join(state, "private", "secrets", "istio-system", "secret-cacerts.yaml")));
  rmSync(dir, { recursive: true, force: true });
});

test("a failed swap restores the previous tree, leaves no staging directory, and MS4003 says so truthfully", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-swap-"));
  const out = join(dir, "out");
  const before = new Map([["a.yaml", "a: 1\n"], ["ns/b.yaml", "b: 1\n"]]);
  assert.equal(await writeOutputDir(out, before), []);
  const snapshot = readTree(out);
  let renames = 0;
  // The second rename of the swap (staging into place) fails, as on a read-only output parent.
  const failing = async (from: string, to: string): Promise<void> => {
    renames++;
    if (renames === 2) throw Object.assign(new Error("EACCES"), { code: "EACCES" });
    await rename(from, to);
  };
  const findings = await writeOutputDir(out, new Map([["a.yaml", "a: 2\n"]]), { hooks: { rename: failing } });
  assert.equal(findings.map((f) => f.code), ["MS4003"]);
  assert.match(findings[0]?.message ?? "", /permission denied; the previous output is unchanged/);
  assert.equal(readTree(out), snapshot, "the previous tree is back");
  assert.equal(readdirSync(dir), ["out"], "no staging or moved-aside directory left");
  // A later compile works, and --check-style reads see the truth.
  assert.equal(await writeOutputDir(out, new Map([["a.yaml", "a: 2\n"]])), []);
  assert.is(readFileSync(join(out, "a.yaml"), "utf8"), "a: 2\n");
  rmSync(dir, { recursive: true, force: true });
});

test("a previous tree that cannot be removed after the swap is MS4008, and the next run cleans it up", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-swap-"));
  const out = join(dir, "out");
  await writeOutputDir(out, new Map([["a.yaml", "a: 1\n"]]));
  const findings = await writeOutputDir(out, new Map([["a.yaml", "a: 2\n"]]), { hooks: { removeTree: async () => Promise.reject(Object.assign(new Error("EACCES"), { code: "EACCES" })) } });
  assert.equal(findings.map((f) => f.code), ["MS4008"]);
  assert.is(readFileSync(join(out, "a.yaml"), "utf8"), "a: 2\n", "the new output is in place");
  assert.ok(existsSync(join(dir, ".out.mesh-security-old")));
  assert.equal(await writeOutputDir(out, new Map([["a.yaml", "a: 3\n"]])), []);
  assert.equal(readdirSync(dir), ["out"]);
  rmSync(dir, { recursive: true, force: true });
});

test("read-only output directory: refused before the swap, previous output unchanged (needs a non-root user)", async () => {
  if (process.getuid?.() === 0) return; // root ignores directory permissions; the hook tests above cover the paths
  const dir = mkdtempSync(join(tmpdir(), "ms-ro-"));
  const out = join(dir, "out");
  await writeOutputDir(out, new Map([["ns/a.yaml", "a: 1\n"]]));
  chmodSync(join(out, "ns"), 0o555);
  const findings = await writeOutputDir(out, new Map([["ns/a.yaml", "a: 2\n"]]));
  assert.equal(findings.map((f) => f.code), ["MS4003"]);
  assert.is(readFileSync(join(out, "ns", "a.yaml"), "utf8"), "a: 1\n");
  assert.equal(readdirSync(dir), ["out"]);
  chmodSync(join(out, "ns"), 0o755);
  rmSync(dir, { recursive: true, force: true });
});

test("concurrent compiles: a live lock is MS4007 naming its pid, a stale one is taken over", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-lock-"));
  const out = join(dir, "out");
  const lock = join(dir, ".out.mesh-security-lock");
  const holder = spawn("sleep", ["30"], { stdio: "ignore" });
  writeFileSync(lock, `${holder.pid}\n`);
  const held = await writeOutputDir(out, new Map([["a.yaml", "a: 1\n"]]));
  assert.equal(held.map((f) => f.code), ["MS4007"]);
  assert.is(held[0]?.message, `another compile (pid ${holder.pid}) is writing ${out}`);
  assert.not.ok(existsSync(out));
  holder.kill("SIGKILL");
  await new Promise((resolve) => holder.on("exit", resolve));
  assert.equal(await writeOutputDir(out, new Map([["a.yaml", "a: 1\n"]])), [], "the dead holder's lock is stale");
  assert.not.ok(existsSync(lock), "the lock is released");
  rmSync(dir, { recursive: true, force: true });
});

test("two compiles at once into one directory: never ENOTEMPTY, the CA is generated once", async () => {
  const { dir, policy, state } = setup();
  const out = join(dir, "out");
  const start = (): Promise<{ status: number | null; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, "compile", policy, "-o", out], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("exit", (status) => resolve({ status, stderr }));
    });
  const runs = await Promise.all([start(), start()]);
  for (const run of runs) {
    assert.not.match(run.stderr, /ENOTEMPTY|MS3005|MS3003/);
    if (run.status !== 0) {
      assert.is(run.status, 4);
      assert.match(run.stderr, /MS4007 another compile \(pid \d+\) is writing/);
    }
  }
  assert.ok(runs.some((r) => r.status === 0));
  assert.equal(readdirSync(join(state, "authorities")), ["internal"]);
  // Same state directory, different outputs, in one process: the second waits for the first's CA.
  rmSync(state, { recursive: true, force: true });
  const [a, b] = await Promise.all([compilePolicy({ policyFile: policy, missingMaterial: "generate" }), compilePolicy({ policyFile: policy, missingMaterial: "generate" })]);
  assert.equal([codes(a), codes(b)], [[], []]);
  assert.equal([...(a.tree?.secretFiles ?? [])], [...(b.tree?.secretFiles ?? [])], "both use the one CA");
  rmSync(dir, { recursive: true, force: true });
});

test.run();
