import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generatePolicy } from "../bench/generate-policy.js";
import { recoverInterruptedSwap, writeOutputDir } from "../src/write/write-dir.js";
import { readTree } from "./helpers/examples.js";

const BIN = join(process.cwd(), "bin", "mesh-security.js");

/** A real process, killed part-way through: what it leaves behind is what is tested. */
function compileKilledAfter(policy: string, out: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "compile", policy, "-o", out], { stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const same = (a: Map<string, string>, b: Map<string, string>): boolean => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

test("a compile killed at any moment leaves the old output or the new one, never a mix", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-kill-"));
  const out = join(dir, "out");
  const oldPolicy = join(dir, "old.yaml");
  const newPolicy = join(dir, "new.yaml");
  writeFileSync(oldPolicy, generatePolicy(300));
  writeFileSync(newPolicy, generatePolicy(600));
  await compileKilledAfter(newPolicy, out, 60_000);
  const fresh = readTree(out);
  await compileKilledAfter(oldPolicy, out, 60_000);
  const old = readTree(out);
  assert.ok(old.size > 10 && fresh.size > old.size);
  for (const ms of [150, 300, 450, 600, 750, 900]) {
    await compileKilledAfter(newPolicy, out, ms);
    // A kill between the two renames leaves only the moved-aside copy; the next run repairs it first.
    await recoverInterruptedSwap(out);
    const recovered = readTree(out);
    assert.ok(same(recovered, old) || same(recovered, fresh), `killed after ${ms} ms: ${recovered.size} files, neither old (${old.size}) nor new (${fresh.size})`);
    if (same(recovered, fresh)) await compileKilledAfter(oldPolicy, out, 60_000);
  }
  rmSync(dir, { recursive: true, force: true });
});

test("a read-only output directory: compile fails with MS4003 and changes nothing", async () => {
  if (process.getuid?.() === 0) return; // root writes anyway; the injected-failure test in write-dir covers it
  const dir = mkdtempSync(join(tmpdir(), "ms-ro-"));
  const out = join(dir, "out");
  await writeOutputDir(out, new Map([["a.yaml", "old\n"]]));
  chmodSync(dir, 0o555);
  try {
    const found = await writeOutputDir(out, new Map([["a.yaml", "new\n"]]));
    assert.equal(found.map((f) => f.code), ["MS4003"]);
  } finally {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
