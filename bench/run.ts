// npm run bench: compile time and peak memory for policies of 10 to 5,000 services, each against a
// floor (serializing the same final objects with the same YAML library), and CLI cold start against
// bare Node. Medians of several runs; figures go to stdout and bench/results.md.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { generatePolicy } from "./generate-policy.js";

const SIZES = (process.env["BENCH_SIZES"] ?? "10,100,1000,5000").split(",").map(Number);
const RUNS = Number(process.env["BENCH_RUNS"] ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

// One size measured in a child process, so peak RSS belongs to that size alone.
if (process.argv[2] === "--child") {
  const [file, runs] = [process.argv[3] ?? "", Number(process.argv[4])];
  const { compilePolicy } = await import("../src/compile.js");
  const { Renderer } = await import("../src/render/render.js");
  const { toYaml } = await import("../src/write/canonical-yaml.js");
  const renderer = new Renderer();
  const compile: number[] = [];
  const floor: number[] = [];
  let objects = 0;
  let files = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const result = await compilePolicy({ policyFile: file, outDir: join(file, "..", "out"), renderer });
    compile.push(performance.now() - t0);
    if (!result.tree) throw new Error(`bench policy did not compile: ${result.diagnostics.map((d) => d.message).join("; ")}`);
    objects = result.rendered?.length ?? 0;
    files = result.tree.files.size;
    const rendered = (result.rendered ?? []).map((r) => r.object);
    const t1 = performance.now();
    for (const object of rendered) toYaml(object);
    floor.push(performance.now() - t1);
  }
  process.stdout.write(JSON.stringify({ compile: median(compile), floor: median(floor), objects, files, maxRssKb: process.resourceUsage().maxRSS }));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "ms-bench-"));
const rows: string[] = [];
const header = "| services | objects | files | compile (median ms) | floor (median ms) | ratio | peak RSS (MB) |";
rows.push(header, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const size of SIZES) {
  const file = join(dir, `policy-${size}.yaml`);
  writeFileSync(file, generatePolicy(size));
  const out = execFileSync(process.execPath, ["--import", "tsx", "bench/run.ts", "--child", file, String(RUNS)], { encoding: "utf8", maxBuffer: 1 << 26 });
  const r = JSON.parse(out) as { compile: number; floor: number; objects: number; files: number; maxRssKb: number };
  rows.push(`| ${size} | ${r.objects} | ${r.files} | ${r.compile.toFixed(1)} | ${r.floor.toFixed(1)} | ${(r.compile / r.floor).toFixed(2)} | ${(r.maxRssKb / 1024).toFixed(0)} |`);
  process.stderr.write(`${rows[rows.length - 1]}\n`);
}

// Cold start: the built CLI validating a small policy, against `node -e 0`.
const small = join(dir, "small.yaml");
writeFileSync(small, generatePolicy(3));
const time = (args: string[]): number => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (r.status !== 0 && args[0] !== "-e") throw new Error(r.stderr);
  return performance.now() - t0;
};
const cold: number[] = [];
const bare: number[] = [];
for (let i = 0; i < Math.max(5, RUNS * 2); i++) {
  bare.push(time(["-e", "0"]));
  cold.push(time(["bin/mesh-security.js", "validate", small]));
}
const coldRow = `cold start \`mesh-security validate\` (3 services): median ${median(cold).toFixed(0)} ms vs \`node -e 0\` ${median(bare).toFixed(0)} ms (ratio ${(median(cold) / median(bare)).toFixed(2)})`;
process.stderr.write(`${coldRow}\n`);

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

const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const report = [
  "# Benchmark results",
  "",
  `Machine: ${machine}. Medians of ${RUNS} runs per size, each size in its own process (peak RSS is that process's).`,
  "The floor serializes the same final objects with the same YAML library and nothing else.",
  "",
  ...rows,
  "",
  coldRow,
  "",
  "CA generation (RSA key generation is randomised: expect wide spread):",
  "",
  ...caRows,
  "",
].join("\n");
writeFileSync("bench/results.md", report);
process.stdout.write(report);
rmSync(dir, { recursive: true, force: true });
