import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compilePolicy } from "../src/compile.js";
import { diffOutputDir, writeOutputDir } from "../src/write/write-dir.js";
import { readTree } from "./helpers/examples.js";
import { MESH_CA_POLICY } from "./helpers/policy.js";
import { deadPid, judgeRace, plantStaleLock, raceWriters } from "./helpers/race.js";
import { runMain } from "./helpers/cli.js";

const BIN = join(process.cwd(), "bin", "mesh-security.js");
const policyText = (secrets = "separate"): string => `${MESH_CA_POLICY}output: { secrets: ${secrets} }
`;

function setup(secrets = "separate"): { dir: string; policy: string; state: string } {
  const dir = mkdtempSync(join(tmpdir(), "ms-safe-"));
  writeFileSync(join(dir, "mesh-security.yaml"), policyText(secrets));
  return { dir, policy: join(dir, "mesh-security.yaml"), state: join(dir, ".mesh-security") };
}

const codes = (r: { diagnostics: Array<{ code: string }> }): string[] => r.diagnostics.map((d) => d.code);
/** The command line, in this process (test/helpers/cli.ts); the real binary runs below only where the process is the point (two at once, another user). */
const cli = (args: string[]) => runMain(args);

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
  const run = await cli(["compile", policy, "-o", out]);
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
  const run = await cli(["compile", policy, "-o", out]);
  assert.is(run.status, 4, run.stderr);
  assert.match(run.stderr, /MS4003/);
  assert.not.ok(existsSync(join(state, "private", "secrets")), "no Secrets written for an output that failed");
  rmSync(out);
  assert.is((await cli(["compile", policy, "-o", out])).status, 0);
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

// Two real processes: the lock between them is what is tested.
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

// A lock left by a killed run, and compiles started together. The old tryLock
// read the stale pid and then removed the path (maybe another's fresh lock): several writers at once.
test("stale lock, eight writers released at once: one writer at a time, the output is one writer's whole tree", async () => {
  for (let trial = 0; trial < Number(process.env["RACE_TRIALS"] ?? 2); trial++) {
    const dir = mkdtempSync(join(tmpdir(), "ms-race-"));
    const out = join(dir, "out");
    assert.equal(await writeOutputDir(out, new Map([["f-0.yaml", "writer: none\n"]])), []);
    plantStaleLock(out);
    const reports = await raceWriters(out, 8);
    assert.equal(judgeRace(out, reports), [], `trial ${trial}: ${JSON.stringify(reports)}`);
    assert.equal(readdirSync(dir).sort(), ["out", "out.inside"], `trial ${trial}: nothing left beside the output`);
    rmSync(dir, { recursive: true, force: true });
  }
});

const unprivileged = (script: string, cwd: string) =>
  spawnSync("setpriv", ["--reuid", "65534", "--regid", "65534", "--clear-groups", process.execPath, "--input-type=module", "-e", script], { cwd, encoding: "utf8", timeout: 60_000 });
const DIST_WRITE = join(process.cwd(), "dist", "write", "write-dir.js");

// Root ignores file modes, so the read-only cases run as nobody (65534) through setpriv.
test("a read-only output directory leaves no staging directory behind, and compiles work again once it is writable", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-ro-"));
  chmodSync(dir, 0o777);
  const run = unprivileged(
    `import { chmodSync, readdirSync } from "node:fs";
     const { writeOutputDir } = await import(${JSON.stringify(DIST_WRITE)});
     const codes = async (text) => (await writeOutputDir("out", new Map([["a.yaml", text]]))).map((f) => f.code).join(",");
     const first = await codes("a: 1\\n");
     chmodSync("out", 0o555);
     const readOnly = await codes("a: 2\\n");
     const message = (await writeOutputDir("out", new Map([["a.yaml", "a: 2\\n"]])))[0]?.message;
     const left = readdirSync(".").sort().join(",");
     chmodSync("out", 0o755);
     const again = await codes("a: 3\\n");
     console.log(JSON.stringify({ first, readOnly, message, left, again, after: readdirSync(".").sort().join(",") }));`,
    dir,
  );
  assert.is(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout), { first: "", readOnly: "MS4003", message: `cannot write out: permission denied: ${join(dir, "out")} is not writable, so the previous tree could not be replaced; the previous output is unchanged`, left: "out", again: "", after: "out" });
  assert.is(readFileSync(join(dir, "out", "a.yaml"), "utf8"), "a: 3\n");
  rmSync(dir, { recursive: true, force: true });
});

test("a leftover that cannot be removed is named (MS4050); one of a process that still runs is never touched", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-left-"));
  const out = join(dir, "out");
  await writeOutputDir(out, new Map([["a.yaml", "a: 1\n"]]));
  // A staging directory named after this (running) process, as a concurrent writer's would be.
  const { currentProcess } = await import("../src/util/process-identity.js");
  const { createHash } = await import("node:crypto");
  const me = currentProcess();
  const live = join(dir, `.out.mesh-security-new-${me.pid}-${createHash("sha256").update(me.start).digest("hex").slice(0, 12)}-aaaaaaaaaaaa`);
  mkdirSync(live);
  const dead = join(dir, `.out.mesh-security-new-${deadPid()}-000000000000-bbbbbbbbbbbb`);
  mkdirSync(join(dead, "ns"), { recursive: true });
  chmodSync(dead, 0o555);
  assert.equal(await writeOutputDir(out, new Map([["a.yaml", "a: 2\n"]])), []);
  assert.ok(existsSync(live), "a live writer's staging directory is left alone");
  assert.not.ok(existsSync(dead), "a dead writer's read-only staging directory is removed");
  rmSync(live, { recursive: true });
  // Unremovable: made by root, so nobody (65534) can neither empty nor open it. Named, output unchanged.
  chmodSync(dir, 0o777);
  mkdirSync(join(dir, "sub", ".o.mesh-security-new-1-000000000000-cccccccccccc", "x"), { recursive: true });
  chmodSync(join(dir, "sub"), 0o777);
  const run = unprivileged(
    `const { writeOutputDir } = await import(${JSON.stringify(DIST_WRITE)});
     console.log(JSON.stringify(await writeOutputDir("sub/o", new Map([["a.yaml", "a: 2\\n"]]))));`,
    dir,
  );
  assert.is(run.status, 0, run.stderr);
  const found = JSON.parse(run.stdout) as Array<{ code: string; message: string }>;
  assert.equal(found.map((f) => f.code), ["MS4050"]);
  assert.match(found[0]?.message ?? "", /left \S*sub\/\.o\.mesh-security-new-1-000000000000-cccccccccccc beside \S*sub\/o, and it cannot be removed: permission denied/, found[0]?.message);
  rmSync(dir, { recursive: true, force: true });
});

test("an empty lock file, or one naming a live process that started after it was written, does not block forever", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-lock-"));
  const out = join(dir, "out");
  const lock = join(dir, ".out.mesh-security-lock");
  const past = new Date(Date.now() - 3_600_000);
  writeFileSync(lock, "");
  utimesSync(lock, past, past);
  assert.equal(await writeOutputDir(out, new Map([["a.yaml", "a: 1\n"]])), [], "an empty lock of an hour ago is debris");
  // A live process unrelated to the lock: its pid, in the older bare-pid format, written before it started.
  const unrelated = spawn("sleep", ["30"], { stdio: "ignore" });
  writeFileSync(lock, `${unrelated.pid}\n`);
  utimesSync(lock, past, past);
  assert.equal(await writeOutputDir(out, new Map([["a.yaml", "a: 2\n"]])), [], "the pid was reused after the lock was written");
  // The same pid in this version's format, with another start time.
  writeFileSync(lock, JSON.stringify({ pid: unrelated.pid, start: "1", host: hostname(), token: "x" }) + "\n");
  assert.equal(await writeOutputDir(out, new Map([["a.yaml", "a: 3\n"]])), [], "same pid, other start time: another process");
  assert.not.ok(existsSync(lock));
  unrelated.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

test("recovery never moves a symbolic link at the moved-aside name into the output path (MS4051)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-old-"));
  const elsewhere = join(dir, "elsewhere");
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, "secret.txt"), "not ours\n");
  symlinkSync(elsewhere, join(dir, ".out.mesh-security-old"));
  const found = await writeOutputDir(join(dir, "out"), new Map([["a.yaml", "a: 1\n"]]));
  assert.equal(found.map((f) => f.code), ["MS4051"]);
  assert.match(found[0]?.message ?? "", /mesh-security-old beside \S+ is a symbolic link/);
  assert.not.ok(existsSync(join(dir, "out")), "nothing moved into the output path");
  assert.equal(readdirSync(elsewhere), ["secret.txt"]);
  rmSync(dir, { recursive: true, force: true });
});

test("keys never land in the output directory: --secrets-dir or --state-dir inside -o, or a foreign key file in it, is MS4052", async () => {
  const { dir, policy, state } = setup();
  const out = join(dir, "out");
  for (const [args, inside] of [[["--secrets-dir", join(out, "keys")], "--secrets-dir"], [["--state-dir", join(out, "state")], "the CA state directory"]] as const) {
    for (const check of [[], ["--check"]]) {
      const run = await cli(["compile", policy, "-o", out, ...args, ...check]);
      assert.is(run.status, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`MS4052 refusing to compile into ${out}: ${inside} \\S+ lies inside it, so CA private keys would be written into the output directory`));
    }
  }
  assert.not.ok(existsSync(out), "nothing written");
  assert.not.ok(existsSync(join(dir, "out", "keys")));
  // Through a symbolic link to the output's parent: the same directory, refused too.
  symlinkSync(dir, join(dir, "link"));
  assert.is((await cli(["compile", policy, "-o", out, "--secrets-dir", join(dir, "link", "out", "keys")])).status, 2);
  // A key file that got into the output some other way is never carried into the next output.
  assert.is((await cli(["compile", policy, "-o", out])).status, 0);
  mkdirSync(join(out, "private"));
  writeFileSync(join(out, "private", "copied.yaml"), readFileSync(join(state, "private", "secrets", "istio-system", "secret-cacerts.yaml"), "utf8"));
  for (const check of [[], ["--check"]]) {
    const run = await cli(["compile", policy, "-o", out, ...check]);
    assert.is(run.status, 4, run.stderr);
    assert.match(run.stderr, /MS4052 \S+ holds private\/copied.yaml, which mesh-security did not write and which holds a private key/);
  }
  rmSync(dir, { recursive: true, force: true });
});

test("CA generation that cannot write the state directory is MS3023 and exits 4 (I/O), not 1", () => {
  const { dir, policy } = setup();
  chmodSync(dir, 0o755); // nobody may read the policy but not create the state directory beside it
  const run = spawnSync("setpriv", ["--reuid", "65534", "--regid", "65534", "--clear-groups", process.execPath, BIN, "compile", policy, "--stdout"], { encoding: "utf8", timeout: 60_000 });
  assert.is(run.status, 4, run.stderr);
  assert.match(run.stderr, /error MS3023 cannot store authority `internal` in \S+: permission denied/);
  const init = spawnSync("setpriv", ["--reuid", "65534", "--regid", "65534", "--clear-groups", process.execPath, BIN, "ca", "init", policy], { encoding: "utf8", timeout: 60_000 });
  assert.is(init.status, 4, init.stderr);
  rmSync(dir, { recursive: true, force: true });
});

test("writeOutputDir and diffOutputDir refuse to carry a foreign file holding a private key (MS4052); the Secrets directory may hold keys", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-key-"));
  const out = join(dir, "out");
  assert.equal(await writeOutputDir(out, new Map([["a.yaml", "a: 1\n"]])), []);
  writeFileSync(join(out, "stray.yaml"), `data:\n  tls.key: ${Buffer.from("-----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY-----\n").toString("base64")}\n`);
  assert.equal((await writeOutputDir(out, new Map([["a.yaml", "a: 2\n"]]))).map((f) => f.code), ["MS4052"]);
  assert.equal((await diffOutputDir(out, new Map([["a.yaml", "a: 1\n"]]))).finding?.code, "MS4052");
  assert.is(readFileSync(join(out, "a.yaml"), "utf8"), "a: 1\n", "unchanged");
  assert.equal(await writeOutputDir(out, new Map([["a.yaml", "a: 2\n"]]), { private: true }), [], "a Secrets directory (private) is where keys belong");
  rmSync(dir, { recursive: true, force: true });
});

test.run();
