import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DIFF_BASE } from "./helpers/diff.js";
import { runMain } from "./helpers/cli.js";
import type { CliRun } from "./helpers/cli.js";

// The command line for exit codes, REV:PATH through git and -o: in this process (test/helpers/cli.ts),
// except `spawn`, the real binary, for diff's exit status seen from outside and for output compared
// between two processes.
const BIN = join(process.cwd(), "bin", "mesh-security.js");
const spawn = (args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8" });
const run = (args: string[], cwd: string): Promise<CliRun> => runMain(args, { cwd });
const git = (cwd: string, ...args: string[]): void => {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com", GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z", GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z" } });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
};
const WEAKER = DIFF_BASE.replace("minVersion: TLSv1_2", "minVersion: TLSv1_1");

/** A temporary repository: the policy committed on main, then weakened in the working tree. */
function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "ms-diff-"));
  git(dir, "init", "-q", "-b", "main");
  mkdirSync(join(dir, "clusters", "prod"), { recursive: true });
  writeFileSync(join(dir, "clusters", "prod", "mesh-security.yaml"), DIFF_BASE);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "base");
  writeFileSync(join(dir, "clusters", "prod", "mesh-security.yaml"), WEAKER);
  return dir;
}

test("REV:PATH reads the policy at a revision (from the root, or ./ from the working directory)", async () => {
  const dir = repo();
  const fromRoot = await run(["diff", "main:clusters/prod/mesh-security.yaml", "clusters/prod/mesh-security.yaml"], dir);
  assert.is(fromRoot.status, 0, fromRoot.stderr);
  assert.match(fromRoot.stdout, /minVersion: TLSv1_2 → TLSv1_1/);
  const sub = join(dir, "clusters", "prod");
  const relative = await run(["diff", "HEAD:./mesh-security.yaml", "mesh-security.yaml", "--format", "json"], sub);
  assert.is(relative.status, 0, relative.stderr);
  const doc = JSON.parse(relative.stdout) as { base: string; head: string; changes: Array<{ property: string; class: string[] }>; objects: unknown[]; diagnostics: unknown[] };
  assert.equal(Object.keys(doc), ["base", "head", "changes", "objects", "diagnostics"]);
  assert.is(doc.base, "HEAD:./mesh-security.yaml");
  assert.ok(doc.changes.some((c) => c.property === "minVersion" && c.class.includes("weakening")));
  assert.is((await run(["diff", "main:clusters/prod/mesh-security.yaml", "main:clusters/prod/mesh-security.yaml"], dir)).stdout.includes("no change on the wire"), true);
});

test("exit codes: 0, 1 under --fail-on, 2 usage, 4 unreadable, 1 policy error; -o writes only the report", async () => {
  const dir = repo();
  const base = "main:clusters/prod/mesh-security.yaml";
  const head = "clusters/prod/mesh-security.yaml";
  assert.is((await run(["diff", base, head], dir)).status, 0);
  assert.is(spawn(["diff", base, head, "--fail-on", "weakening"], dir).status, 1);
  assert.is((await run(["diff", base, head, "--fail-on", "any"], dir)).status, 1);
  assert.is((await run(["diff", base, base, "--fail-on", "any"], dir)).status, 0);
  assert.is((await run(["diff", head, base, "--fail-on", "weakening"], dir)).status, 0, "the reverse only strengthens");
  assert.is((await run(["diff", base], dir)).status, 2);
  assert.is((await run(["diff", base, head, "--format", "yaml"], dir)).status, 2);
  assert.is((await run(["diff", base, head, "--fail-on", "sometimes"], dir)).status, 2);
  const missing = await run(["diff", "nope.yaml", head], dir);
  assert.is(missing.status, 4);
  assert.match(missing.stderr, /MS1012 cannot read nope\.yaml/);
  const badRev = await run(["diff", "no-such-branch:clusters/prod/mesh-security.yaml", head], dir);
  assert.is(badRev.status, 4);
  assert.match(badRev.stderr, /MS4020 cannot read clusters\/prod\/mesh-security\.yaml at no-such-branch/);
  assert.not.match(badRev.stderr, /\n\s+at /, "no stack trace");
  const badRevJson = await run(["diff", "no-such-branch:clusters/prod/mesh-security.yaml", head, "--format", "json"], dir);
  assert.is(badRevJson.status, 4);
  assert.equal((JSON.parse(badRevJson.stdout) as { diagnostics: Array<{ code: string }> }).diagnostics.map((d) => d.code), ["MS4020"]);
  writeFileSync(join(dir, "broken.yaml"), DIFF_BASE.replace("mode: PERMISSIVE", "mode: PERMISIVE"));
  const broken = await run(["diff", base, "broken.yaml"], dir);
  assert.is(broken.status, 1);
  assert.match(broken.stderr, /broken\.yaml:\d+:\d+ error MS1005/);
  for (const format of ["text", "markdown", "html", "json"]) {
    assert.is(spawn(["diff", base, head, "--format", format], dir).stdout, spawn(["diff", base, head, "--format", format], dir).stdout, `${format}: same bytes in two processes`);
  }
  const listing = (): string[] => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => !f.startsWith(".git")).sort();
  const before = listing();
  const out = join(dir, "report.md");
  const written = await run(["diff", base, head, "--format", "markdown", "-o", out], dir);
  assert.is(written.status, 0);
  assert.is(written.stdout, "");
  assert.match(readFileSync(out, "utf8"), /^\*\*mesh-security diff\*\*/);
  assert.equal(listing(), [...before, "report.md"].sort(), "nothing written but -o FILE (no CA state generated)");
});

test("explain names the paths exactly as diff does (one description: describePath)", async () => {
  const dir = repo();
  const head = join(dir, "clusters", "prod", "mesh-security.yaml");
  writeFileSync(head, DIFF_BASE.replace("callers: [api]", "callers: [api, legacy/mainframe]").replace("    exposure: reencrypt\n", "    exposure: external\n"));
  const diff = JSON.parse((await run(["diff", "main:clusters/prod/mesh-security.yaml", "clusters/prod/mesh-security.yaml", "--format", "json"], dir)).stdout) as { changes: Array<{ path: string | null }> };
  const paths = [...new Set(diff.changes.map((c) => c.path).filter((p): p is string => p !== null))];
  assert.ok(paths.length >= 2, paths.join("\n"));
  const explained = (await run(["explain", "clusters/prod/mesh-security.yaml"], dir)).stdout;
  const json = JSON.parse((await run(["explain", "clusters/prod/mesh-security.yaml", "--format", "json"], dir)).stdout) as { wire: Array<{ path: string }> };
  for (const p of paths) {
    assert.ok(explained.includes(`\n  ${p}\n`), `explain prints ${p}`);
    assert.ok(json.wire.some((w) => w.path === p), `explain --format json lists ${p}`);
  }
});

test("an extends chain is read at the same revision: a change in the base shows in the overlay's diff", async () => {
  const dir = repo();
  mkdirSync(join(dir, "base"), { recursive: true });
  writeFileSync(join(dir, "base", "mesh-security.yaml"), DIFF_BASE);
  const overlay = "apiVersion: mesh-security/v1alpha1\nkind: MeshSecurityPolicy\nmetadata: { name: shop-prod }\nextends: ../../base/mesh-security.yaml\nmtls: { mode: STRICT }\n";
  writeFileSync(join(dir, "clusters", "prod", "mesh-security.yaml"), overlay);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "fleet");
  // Only the base changes in the working tree; the overlay file itself is the same at HEAD.
  writeFileSync(join(dir, "base", "mesh-security.yaml"), WEAKER);
  const policy = "clusters/prod/mesh-security.yaml";
  const r = await run(["diff", `HEAD:${policy}`, policy, "--format", "json"], dir);
  assert.is(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { changes: Array<{ property: string; before: string; after: string; class: string[] }> };
  assert.equal(doc.changes.map((c) => [c.property, c.before, c.after, c.class]), [["minVersion", "TLSv1_2", "TLSv1_1", ["weakening"]]]);
  // The overlay's own value is in force on both sides (STRICT), read through the chain at HEAD too.
  const same = await run(["diff", `HEAD:${policy}`, `HEAD:${policy}`, "--fail-on", "any"], dir);
  assert.is(same.status, 0, same.stderr);
  const vsBase = JSON.parse((await run(["diff", "base/mesh-security.yaml", policy, "--format", "json"], dir)).stdout) as { changes: Array<{ subject: string; property: string; after: string }> };
  assert.ok(vsBase.changes.some((c) => c.subject === "mesh" && c.property === "mtlsMode" && c.after === "STRICT"), "the overlay's STRICT, against its base");
  // A base missing at the revision is a diagnostic at the overlay's `extends`, not a crash.
  git(dir, "rm", "-q", "--cached", "base/mesh-security.yaml");
  git(dir, "commit", "-q", "-m", "drop base");
  const missing = await run(["diff", `HEAD:${policy}`, policy], dir);
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /HEAD:clusters\/prod\/mesh-security\.yaml:4:\d+ error MS1021 cannot read HEAD:base\/mesh-security\.yaml/);
});

test("--help shows the command and its examples", async () => {
  const help = await run(["diff", "--help"], process.cwd());
  assert.is(help.status, 0);
  assert.match(help.stdout, /--fail-on/);
  assert.match(help.stdout, /origin\/main:mesh-security\.yaml/);
});


test("REV:PATH compares the CA material committed at REV: a new root outside rotation is disruptive", async () => {
  const dir = repo();
  writeFileSync(join(dir, "clusters", "prod", "mesh-security.yaml"), DIFF_BASE);
  const policy = "clusters/prod/mesh-security.yaml";
  assert.is((await run(["ca", "init", policy], dir)).status, 0);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "CA material");
  assert.is((await run(["diff", `HEAD:${policy}`, policy, "--fail-on", "any"], dir)).status, 0, "same committed material: no change");
  // A new CA made in the working tree (material lost and generated again): a different root.
  rmSync(join(dir, "clusters", "prod", ".mesh-security"), { recursive: true, force: true });
  assert.is((await run(["ca", "init", policy], dir)).status, 0);
  const r = await run(["diff", `HEAD:${policy}`, policy, "--format", "json"], dir);
  assert.is(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { changes: Array<{ subject: string; property: string; class: string[]; before: string; after: string }> };
  const roots = doc.changes.filter((c) => c.property === "authorityRoot");
  assert.equal(roots.map((c) => c.subject).sort(), ["authority internal", "authority spare"]);
  for (const c of roots) {
    assert.equal(c.class, ["neutral", "disruptive"]);
    assert.match(c.before, /^sha256:[0-9a-f]{16}$/);
  }
  assert.not.match(r.stdout, /PRIVATE KEY|BEGIN CERTIFICATE/, "fingerprints, never material");
});

test.run();
