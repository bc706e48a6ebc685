import { spawn } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { hybridEncrypt, SIGNATURE_ANNOTATION } from "../src/ca/seal.js";
import { compilePolicy } from "../src/compile.js";
import { writeOutputDir } from "../src/write/write-dir.js";
import { tryLock } from "../src/util/lock-file.js";
import { generatePolicy } from "../bench/generate-policy.js";
import { readTree } from "./helpers/examples.js";
import { opensslOk } from "./helpers/openssl.js";
import { MESH_CA_POLICY } from "./helpers/policy.js";
import { prng } from "./helpers/fuzz.js";
import { deadPid, judgeRace, plantStaleLock, raceWriters } from "./helpers/race.js";
import { runMain } from "./helpers/cli.js";

// Race and tamper trials, runnable at scale: `npm run fuzz` (ROBUST_RACES, ROBUST_TAMPERS). A short run on
// every `npm test`. Each test prints its counts.
const RACES = Number(process.env["ROBUST_RACES"] ?? 1);
const WRITERS = Number(process.env["ROBUST_WRITERS"] ?? 8);
const TAMPERS = Number(process.env["ROBUST_TAMPERS"] ?? 12);
const SEED = Number(process.env["FUZZ_SEED"] ?? 20261205);
const CLI_RACES = Number(process.env["ROBUST_CLI_RACES"] ?? 1);
const CLI_WRITERS = Number(process.env["ROBUST_CLI_WRITERS"] ?? 4);
const BIN = join(process.cwd(), "bin", "mesh-security.js");

test(`races: ${RACES} trial(s) of ${WRITERS} writers released at once on a stale lock`, async () => {
  const counts = { trials: 0, failedTrials: 0, wrote: 0, held: 0, overlaps: 0 };
  const failures: string[] = [];
  for (let trial = 0; trial < RACES; trial++) {
    const dir = mkdtempSync(join(tmpdir(), "ms-robust-race-"));
    const out = join(dir, "out");
    await writeOutputDir(out, new Map([["f-0.yaml", "writer: none\n"]]));
    plantStaleLock(out);
    const reports = await raceWriters(out, WRITERS);
    const wrong = judgeRace(out, reports);
    counts.trials++;
    counts.wrote += reports.filter((r) => r.result === "wrote").length;
    counts.held += reports.filter((r) => r.result === "held").length;
    counts.overlaps += reports.filter((r) => r.overlap).length;
    if (wrong.length > 0) {
      counts.failedTrials++;
      failures.push(`trial ${trial}: ${wrong.join("; ")}`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`races: ${JSON.stringify(counts)}`);
  assert.equal(failures, []);
});

test("a takeover claim left by a killed taker does not block: the next taker claims one level down", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-robust-claim-"));
  const out = join(dir, "out");
  plantStaleLock(out);
  const lock = join(dir, ".out.mesh-security-lock");
  // The claim a taker killed mid-takeover leaves: named after the stale lock's identity (as lock-file.ts
  // computes it: SHA-256 of device, inode and content), holding the dead taker's record.
  const info = statSync(lock);
  const id = createHash("sha256").update(`${info.dev}:${info.ino}:`).update(readFileSync(lock, "latin1")).digest("hex").slice(0, 24);
  writeFileSync(`${lock}.takeover-${id}`, `${JSON.stringify({ pid: deadPid(), start: "1", host: hostname(), token: "0".repeat(24) })}\n`);
  const taken = await tryLock(lock);
  assert.ok("release" in taken, JSON.stringify(taken));
  await taken.release();
  assert.equal(readdirSync(dir), [], "the dead claim and the stale lock are gone");
  rmSync(dir, { recursive: true, force: true });
});

// Whole compiles, real processes (the lock is between processes), started together on a stale lock left by a killed run.
test(`CLI races: ${CLI_RACES} trial(s) of ${CLI_WRITERS} compiles started together on a stale lock`, async () => {
  const counts = { trials: 0, failedTrials: 0, wrote: 0, held: 0 };
  const failures: string[] = [];
  for (let trial = 0; trial < CLI_RACES; trial++) {
    const dir = mkdtempSync(join(tmpdir(), "ms-robust-cli-"));
    const policy = join(dir, "mesh-security.yaml");
    writeFileSync(policy, generatePolicy(150));
    const out = join(dir, "out");
    const reference = join(dir, "ref");
    const first = await runMain(["compile", policy, "-o", reference]); // the undisturbed output, in this process (test/helpers/cli.ts)
    assert.is(first.status, 0, first.stderr);
    plantStaleLock(out);
    const runs = await Promise.all(
      Array.from({ length: CLI_WRITERS }, () => new Promise<{ status: number | null; stderr: string }>((resolveRun) => {
        const child = spawn(process.execPath, [BIN, "compile", policy, "-o", out], { stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("exit", (status) => resolveRun({ status, stderr }));
      })),
    );
    counts.trials++;
    const wrong: string[] = [];
    for (const run of runs) {
      if (run.status === 0 && /wrote \d+ object\(s\)/.test(run.stderr)) counts.wrote++;
      else if (run.status === 4 && /MS4007 another compile \(pid \d+\) is writing/.test(run.stderr)) counts.held++;
      else wrong.push(`exit ${run.status}: ${run.stderr.slice(0, 200)}`);
    }
    const got = readTree(out);
    const want = readTree(reference);
    if (got.size !== want.size || [...want].some(([path, text]) => got.get(path) !== text)) wrong.push(`output differs from a lone compile's: ${got.size} files, want ${want.size}`);
    const beside = readdirSync(dir).filter((n) => ![".mesh-security", "mesh-security.yaml", "out", "ref"].includes(n));
    if (beside.length > 0) wrong.push(`left beside the output: ${beside.join(", ")}`);
    if (wrong.length > 0) {
      counts.failedTrials++;
      failures.push(`trial ${trial}: ${wrong.join("; ")}`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`CLI races: ${JSON.stringify(counts)}`);
  assert.equal(failures, []);
});

/** Ways to tamper with a SealedSecret read back from the output, keeping whatever an attacker can keep. */
type Sealed = { metadata: { name: string; namespace: string; annotations: Record<string, string> }; spec: { encryptedData: Record<string, string>; template: Record<string, unknown> } };
const TAMPERS_BY_NAME: Record<string, (s: Sealed, others: Sealed[], controller: X509Certificate, random: () => number) => void> = {
  "swap one value for the attacker's, sealed to the controller": (s, _o, controller, random) => {
    const key = pick(Object.keys(s.spec.encryptedData), random);
    s.spec.encryptedData[key] = hybridEncrypt(controller.publicKey, Buffer.from("attacker"), Buffer.from(`${s.metadata.namespace}/${s.metadata.name}`)).toString("base64");
  },
  "flip one byte of a ciphertext": (s, _o, _c, random) => {
    const key = pick(Object.keys(s.spec.encryptedData), random);
    const bytes = Buffer.from(s.spec.encryptedData[key] ?? "", "base64");
    const at = Math.floor(random() * bytes.length);
    bytes[at] = (bytes[at] ?? 0) ^ 1;
    s.spec.encryptedData[key] = bytes.toString("base64");
  },
  "exchange two values of one object": (s) => {
    const keys = Object.keys(s.spec.encryptedData).sort();
    const [a, b] = [keys[0] ?? "", keys[1] ?? ""];
    [s.spec.encryptedData[a], s.spec.encryptedData[b]] = [s.spec.encryptedData[b] ?? "", s.spec.encryptedData[a] ?? ""];
  },
  "take another object's ciphertext and signature": (s, others) => {
    const other = others.find((o) => o.metadata.name !== s.metadata.name);
    if (!other) return;
    s.spec.encryptedData = { ...other.spec.encryptedData };
    s.metadata.annotations = { ...other.metadata.annotations };
  },
  "strip the signature": (s) => {
    delete s.metadata.annotations[SIGNATURE_ANNOTATION];
  },
  "replace the signature": (s, _o, _c, random) => {
    s.metadata.annotations[SIGNATURE_ANNOTATION] = `v1:${Buffer.from(Array.from({ length: 70 }, () => Math.floor(random() * 256))).toString("base64")}`;
  },
  "change the scope it says it was sealed for": (s) => {
    s.metadata.annotations["mesh-security/sealed-for"] = s.metadata.annotations["mesh-security/sealed-for"]?.replace(/^strict/, "cluster-wide") ?? "";
  },
};

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

test(`tamper: ${TAMPERS} tampered SealedSecrets are never kept, with keys (re-sealed, MS3024) or without (MS3025)`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-robust-seal-"));
  opensslOk(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "controller.key"), "-out", join(dir, "sealed-secrets.pem"), "-subj", "/CN=sealed-secret", "-days", "30"]);
  const policy = join(dir, "mesh-security.yaml");
  writeFileSync(policy, `${MESH_CA_POLICY}output:\n  secrets: sealed\n  sealedSecrets: { certificate: sealed-secrets.pem }\n`);
  const state = join(dir, ".mesh-security");
  const first = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  const previous = new Map<string, Record<string, unknown>>();
  for (const r of first.rendered ?? []) if (r.object["kind"] === "SealedSecret") previous.set(`SealedSecret/${r.planned.namespace ?? ""}/${r.planned.name}`, r.object);
  assert.is(previous.size, 2);
  const controller = new X509Certificate(readFileSync(join(dir, "sealed-secrets.pem")));
  const random = prng(SEED);
  const names = Object.keys(TAMPERS_BY_NAME).sort();
  const counts = { trials: 0, keptWithKeys: 0, keptWithoutKeys: 0, resealed: 0, reported: 0, refused: 0 };
  const missed: string[] = [];
  for (let i = 0; i < TAMPERS; i++) {
    const name = names[i % names.length] ?? "";
    const target = pick([...previous.keys()].sort(), random);
    const tampered = new Map([...previous].map(([k, v]) => [k, structuredClone(v)]));
    const victim = tampered.get(target) as unknown as Sealed;
    TAMPERS_BY_NAME[name]?.(victim, [...tampered.values()] as unknown as Sealed[], controller, random);
    const withKeys = i % 2 === 0;
    if (!withKeys) renameSync(join(state, "private"), join(dir, "private-away"));
    try {
      const result = await compilePolicy({ policyFile: policy, missingMaterial: "report", previous: tampered });
      const codes = result.diagnostics.map((d) => d.code);
      const object = result.rendered?.find((r) => `SealedSecret/${r.planned.namespace ?? ""}/${r.planned.name}` === target)?.object as Sealed | undefined;
      const kept = object !== undefined && JSON.stringify(object.spec.encryptedData) === JSON.stringify(victim.spec.encryptedData) && JSON.stringify(object.metadata.annotations) === JSON.stringify(victim.metadata.annotations);
      counts.trials++;
      if (withKeys) {
        if (kept) counts.keptWithKeys++;
        else counts.resealed++;
        if (codes.includes("MS3024")) counts.reported++;
      } else if (kept || result.tree) counts.keptWithoutKeys++;
      else if (codes.includes("MS3025")) counts.refused++;
      // With the keys a tampered object is sealed anew (MS3024 when its digest still matched); a clone refuses it.
      if (kept || (!withKeys && (!codes.includes("MS3025") || result.tree))) missed.push(`${i} ${name} (${withKeys ? "with keys" : "clone"}): ${codes.join(",")}`);
    } finally {
      if (!withKeys) renameSync(join(dir, "private-away"), join(state, "private"));
    }
  }
  console.log(`tamper: ${JSON.stringify(counts)}`);
  assert.equal(missed, []);
  rmSync(dir, { recursive: true, force: true });
});

test.run();
