// npm run bench: whole-process timings, side by side in one run, of
//   compile  `mesh-security compile POLICY -o DIR` over its previous output, as CI runs it;
//   floor    Node + `yaml` serializing the same final objects and writing one file each (bench/floor.mjs);
//   cdk8s    cdk8s synthesizing the same objects, one file per resource (bench/peer-cdk8s.mjs);
// for two policies (the realistic warning-heavy mesh and the original mix) at several sizes, plus the
// cold start of `validate`, where compile time goes in process, write concurrency, CA generation, and a
// fleet (ten clusters over one base) checked in one process against ten.
// Each round runs the three contenders back to back in a rotating order, so load from other processes
// on the machine hits them alike; the ratios are the figures to quote. Output: stdout and bench/results.md.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseDocument } from "yaml";
import { generatePolicy } from "./generate-policy.js";
import { benchFleet, fleetRows } from "./fleet.js";
import { generateRealisticPolicy } from "./generate-realistic.js";

const SIZES = (process.env["BENCH_SIZES"] ?? "100,1000,5000").split(",").map(Number);
const RUNS = Math.max(5, Number(process.env["BENCH_RUNS"] ?? 5));
const POLICIES = { realistic: generateRealisticPolicy, mix: generatePolicy } as const;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const root = process.cwd();
const cli = join(root, "bin", "mesh-security.js");
const rssHook = join(root, "bench", "report-rss.mjs");
const dir = mkdtempSync(join(tmpdir(), "ms-bench-"));
const rssFile = join(dir, "rss");

/** One whole process, timed from spawn to exit; its peak RSS and CPU time come back through bench/report-rss.mjs. */
function run(args: string[], cwd: string): { ms: number; cpuMs: number; rssMb: number; stderr: string } {
  rmSync(rssFile, { force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--import", rssHook, ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 28, env: { ...process.env, BENCH_RSS_FILE: rssFile } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
  const usage = JSON.parse(readFileSync(rssFile, "utf8")) as { maxRssKb: number; cpuUs: number };
  return { ms, cpuMs: usage.cpuUs / 1000, rssMb: usage.maxRssKb / 1024, stderr: r.stderr };
}

/** The objects of an output directory as files: path, leading comment lines, and the object in output key order. */
function readOutput(out: string): Array<{ path: string; header: string; object: unknown }> {
  const marker = JSON.parse(readFileSync(join(out, ".mesh-security-output.json"), "utf8")) as { files: string[] };
  return marker.files.map((path) => {
    const text = readFileSync(join(out, path), "utf8");
    const header = /^(#[^\n]*\n)*/.exec(text)?.[0] ?? "";
    return { path, header, object: parseDocument(text, { version: "1.1" }).toJS() };
  });
}

function sameFiles(a: string, b: string, paths: readonly string[]): number {
  return paths.filter((p) => readFileSync(join(a, p), "utf8") !== readFileSync(join(b, p), "utf8")).length;
}

/** The medians of one contender at one policy and size. */
interface Measured {
  wall: number;
  cpu: number;
  rss: number;
}
interface Row {
  policy: string;
  size: number;
  files: number;
  warnings: number;
  by: Record<Contender, Measured>;
}
// compile prints diagnostics as text with code frames (the default); with --format github (CI
// annotations) it prints none, which shows what printing costs.
// compile into a new directory writes every file, as the floor does (a re-compile links unchanged ones).
// "own floor" serializes with mesh-security's emitter instead of yaml (bench/floor.mjs own).
const CONTENDERS = ["compile", "compile --format github", "compile, new directory", "floor", "own floor", "cdk8s"] as const;
type Contender = (typeof CONTENDERS)[number];
const rows: Row[] = [];
for (const [policy, generate] of Object.entries(POLICIES)) {
  for (const size of SIZES) {
    const work = join(dir, `${policy}-${size}`);
    mkdirSync(work);
    writeFileSync(join(work, "mesh-security.yaml"), generate(size));
    // Warm-up: generates the CA material once, and leaves the previous output every timed compile replaces.
    const first = run([cli, "compile", "-o", "out"], work);
    const warnings = Number(/(\d+) warnings?\n/.exec(first.stderr)?.[1] ?? 0);
    const objectsFile = join(work, "objects.json");
    const entries = readOutput(join(work, "out"));
    writeFileSync(objectsFile, JSON.stringify(entries));
    const contenders: Record<Contender, () => ReturnType<typeof run>> = {
      compile: () => run([cli, "compile", "-o", "out"], work),
      "compile --format github": () => run([cli, "compile", "-o", "out", "--format", "github"], work),
      "compile, new directory": () => {
        rmSync(join(work, "fresh"), { recursive: true, force: true });
        return run([cli, "compile", "-o", "fresh"], work);
      },
      floor: () => {
        rmSync(join(work, "floor"), { recursive: true, force: true });
        return run([join(root, "bench", "floor.mjs"), objectsFile, "floor"], work);
      },
      "own floor": () => {
        rmSync(join(work, "own-floor"), { recursive: true, force: true });
        return run([join(root, "bench", "floor.mjs"), objectsFile, "own-floor", "own"], work);
      },
      cdk8s: () => {
        rmSync(join(work, "cdk8s"), { recursive: true, force: true });
        return run([join(root, "bench", "peer-cdk8s.mjs"), objectsFile, "cdk8s"], work);
      },
    };
    const samples = new Map<Contender, Array<ReturnType<typeof run>>>(CONTENDERS.map((c) => [c, []]));
    for (let i = 0; i < RUNS; i++) {
      for (let k = 0; k < CONTENDERS.length; k++) {
        const name = CONTENDERS[(i + k) % CONTENDERS.length] as Contender;
        samples.get(name)?.push(contenders[name]());
      }
    }
    // The floor is only a floor if it wrote the very same bytes.
    for (const floorDir of ["floor", "own-floor"]) {
      const differ = sameFiles(join(work, "out"), join(work, floorDir), entries.map((e) => e.path));
      if (differ > 0) throw new Error(`${floorDir} wrote ${differ} file(s) that differ from compile's output`);
    }
    const measured = (name: Contender): Measured => {
      const xs = samples.get(name) ?? [];
      return { wall: median(xs.map((x) => x.ms)), cpu: median(xs.map((x) => x.cpuMs)), rss: Math.max(...xs.map((x) => x.rssMb)) };
    };
    const row: Row = { policy, size, files: entries.length, warnings, by: Object.fromEntries(CONTENDERS.map((c) => [c, measured(c)])) as Record<Contender, Measured> };
    rows.push(row);
    process.stderr.write(`${formatRow(row).join("\n")}\n`);
    rmSync(work, { recursive: true, force: true });
  }
}

function formatRow(r: Row): string[] {
  const ratio = (a: number, b: number): string => `**${(a / b).toFixed(2)}**`;
  const { floor, cdk8s } = r.by;
  const own = r.by["own floor"];
  return CONTENDERS.map((name) => {
    const m = r.by[name];
    const cells = [`${r.policy} ${r.size}`, r.files, r.warnings, name, m.wall.toFixed(0), m.cpu.toFixed(0), m.rss.toFixed(0)];
    const vs = name.startsWith("compile") ? [ratio(m.wall, floor.wall), ratio(m.cpu, floor.cpu), ratio(m.wall, cdk8s.wall), ratio(m.cpu, cdk8s.cpu), ratio(m.wall, own.wall), ratio(m.cpu, own.cpu)] : ["", "", "", "", "", ""];
    return `| ${[...cells, ...vs].join(" | ")} |`;
  });
}

// Where a compile's time goes, in process (imports excluded): children per size of the realistic policy
// (three runs, one above 1,000 services: this part only explains the table above).
const phaseRows = ["| services | read previous | compile | format diagnostics | write | total |", "| ---: | ---: | ---: | ---: | ---: | ---: |"];
for (const size of SIZES.filter((s) => s >= 1000)) {
  const work = join(dir, `phases-${size}`);
  mkdirSync(work);
  writeFileSync(join(work, "mesh-security.yaml"), generateRealisticPolicy(size));
  run([cli, "compile", "-o", "out"], work);
  const samples: Array<Record<string, number>> = [];
  for (let i = 0; i < (size > 1000 ? 1 : 3); i++) {
    const r = spawnSync(process.execPath, [join(root, "bench", "phases.mjs"), "mesh-security.yaml", "out"], { cwd: work, encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    samples.push(JSON.parse(r.stdout) as Record<string, number>);
  }
  const m = (k: string): string => median(samples.map((s) => s[k] ?? NaN)).toFixed(0);
  phaseRows.push(`| ${size} | ${m("previous")} | ${m("compile")} | ${m("format")} | ${m("write")} | ${m("total")} |`);
  process.stderr.write(`${phaseRows[phaseRows.length - 1]}\n`);
  rmSync(work, { recursive: true, force: true });
}

// Cold start: the built CLI validating a small policy (3 services of each kind), against `node -e 0`, interleaved.
const time = (args: string[]): number => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return performance.now() - t0;
};
const coldRows: string[] = [];
for (const [policy, generate] of Object.entries(POLICIES)) {
  const small = join(dir, `small-${policy}.yaml`);
  writeFileSync(small, generate(3));
  const cold: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RUNS * 3; i++) {
    bare.push(time(["-e", "0"]));
    cold.push(time([cli, "validate", small]));
  }
  coldRows.push(`- cold start \`mesh-security validate\` (${policy}, 3 services): median ${median(cold).toFixed(0)} ms vs \`node -e 0\` ${median(bare).toFixed(0)} ms: **ratio ${(median(cold) / median(bare)).toFixed(2)}**`);
  process.stderr.write(`${coldRows[coldRows.length - 1]}\n`);
}

// diff: two 1,000-service policies (a pull request that relaxes the mesh and moves 20 services to edge
// termination) against two `validate` runs of the same policies, interleaved.
const diffRows: string[] = [];
{
  const base = generateRealisticPolicy(1000);
  let edits = 0;
  const head = base.replace("  mode: STRICT", "  mode: PERMISSIVE").replace(/exposure: reencrypt/g, (m) => (edits++ < 20 ? "exposure: external" : m));
  const basePath = join(dir, "diff-base.yaml");
  const headPath = join(dir, "diff-head.yaml");
  writeFileSync(basePath, base);
  writeFileSync(headPath, head);
  const diffs: number[] = [];
  const validates: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    validates.push(time([cli, "validate", basePath]) + time([cli, "validate", headPath]));
    diffs.push(time([cli, "diff", basePath, headPath, "--format", "json"]));
  }
  diffRows.push(`- \`mesh-security diff\` of two realistic 1,000-service policies: median ${median(diffs).toFixed(0)} ms vs two \`validate\` runs of the same policies ${median(validates).toFixed(0)} ms: **ratio ${(median(diffs) / median(validates)).toFixed(2)}**`);
  process.stderr.write(`${diffRows[0]}\n`);
}

// Staging: synchronous writes vs writes in flight vs hard links over the previous output (bench/write-concurrency.ts).
const wc = spawnSync(process.execPath, ["--import", "tsx", join(root, "bench", "write-concurrency.ts"), String(RUNS)], { cwd: root, encoding: "utf8" });
if (wc.status !== 0) throw new Error(wc.stderr);
const concurrencyRows = wc.stdout.trimEnd().split("\n");
process.stderr.write(`${concurrencyRows.join("\n")}\n`);

// CA generation per key algorithm (root + intermediate), medians.
const { generateAuthority } = await import("../src/ca/generate.js");
const caRows = ["| key algorithm | root + intermediate (median ms) |", "| --- | ---: |"];
for (const keyAlgorithm of ["ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-3072", "RSA-4096"] as const) {
  const times: number[] = [];
  for (let i = 0; i < (keyAlgorithm.startsWith("RSA-4") ? 3 : RUNS); i++) {
    const t0 = performance.now();
    await generateAuthority({ name: "bench", keyAlgorithm, subject: "CN=bench root CA", validityDays: 790, intermediate: true, intermediateValidityDays: 395 }, new Date());
    times.push(performance.now() - t0);
  }
  caRows.push(`| ${keyAlgorithm} | ${median(times).toFixed(0)} |`);
  process.stderr.write(`${caRows[caRows.length - 1]}\n`);
}

// A fleet: one process for ten clusters' --check against ten processes (bench/fleet.ts); three runs, each takes long.
const fleet = fleetRows(benchFleet(cli, Math.min(RUNS, 3)));
process.stderr.write(`${fleet.join("\n")}\n`);

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const report = [
  "# Benchmark results",
  "",
  `Machine: ${machine}. Medians of ${RUNS} runs; each run starts a whole process, as a user pays for it, and the`,
  "contenders run back to back in a rotating order, so load from other processes hits them alike:",
  "quote the ratios, not the milliseconds.",
  "",
  "- **compile**: `mesh-security compile -o DIR` over its previous output (atomic staging and swap, marker),",
  "  printing its warnings as text with code frames; **compile --format github** prints them as CI annotations;",
  "  **compile, new directory** writes every file into a directory that does not exist yet, as the floor does.",
  "- **floor**: Node, `yaml` serializing the same final objects with the same options, one file each (`bench/floor.mjs`);",
  "  the bench checks it writes byte-identical files. **own floor**: the same, serialized by mesh-security's own",
  "  emitter (`bench/floor.mjs ... own`), which is faster than `yaml`: what compile pays at the least.",
  "- **cdk8s**: cdk8s synthesizing the same objects, one Chart per folder, one file per resource (`bench/peer-cdk8s.mjs`).",
  "- **realistic**: mesh STRICT with Routes (two warnings per Route: MS2253 and MS2259), Reloader, PKCS#12 keystores, CA issuers on a",
  "  generated and an existing authority, ACME; **mix**: the original mix (mostly PERMISSIVE, every kind of exposure).",
  "",
  "Wall time is what a user waits for; CPU time (user + system, all threads) is what the process did, and",
  "moves less when other processes share the cores. Peak RSS is the largest of the runs.",
  "",
  "| policy, services | files | warnings | contender | wall (ms) | CPU (ms) | peak RSS (MB) | wall / floor | CPU / floor | wall / cdk8s | CPU / cdk8s | wall / own floor | CPU / own floor |",
  "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.flatMap(formatRow),
  "",
  "Where a compile of the realistic policy spends its time, in process, imports excluded (wall ms, median of 3, one run above 1,000 services; `bench/phases.mjs`). Without printing diagnostics a compile costs its total minus the format column:",
  "",
  ...phaseRows,
  "",
  ...coldRows,
  ...diffRows,
  "",
  "Staging the realistic 1,000-service output: synchronous writes (what compile does for new or changed files), writes in flight on the thread pool, and hard links over an unchanged previous output (what a re-compile does for unchanged files); medians:",
  "",
  ...concurrencyRows,
  "",
  "CA generation (RSA key generation is randomised: expect wide spread):",
  "",
  ...caRows,
  "",
  ...fleet,
  "",
].join("\n");
writeFileSync("bench/results.md", report);
process.stdout.write(report);
rmSync(dir, { recursive: true, force: true });
