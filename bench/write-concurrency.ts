// How to stage an output fastest: the realistic 1,000-service output written into a staging directory
// by writeStagedFiles (the code compile runs: synchronous writes, one after another), against the same
// files written with N writes in flight on libuv's thread pool, and against staging over an unchanged
// previous output (every file hard-linked, as a re-compile does). Prints a Markdown table of medians
// (wall and CPU). Usage: tsx bench/write-concurrency.ts RUNS
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { compilePolicy } from "../src/compile.js";
import { writeOutputDir, writeStagedFiles } from "../src/write/write-dir.js";
import { generateRealisticPolicy } from "./generate-realistic.js";

const runs = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(join(tmpdir(), "ms-wc-"));
const policyFile = join(dir, "mesh-security.yaml");
writeFileSync(policyFile, generateRealisticPolicy(1000));
const result = await compilePolicy({ policyFile, outDir: join(dir, "out"), missingMaterial: "generate" });
const files = result.tree?.files;
if (!files) throw new Error("the realistic policy did not compile");
await writeOutputDir(join(dir, "out"), files);

const staging = join(dir, "staging");
const writeSync = async (p: string, c: string): Promise<void> => writeFileSync(p, c, { flag: "wx", mode: 0o666 });
/** The alternative: `limit` writes in flight (fs/promises), directories made first as writeStagedFiles does. */
async function inFlight(limit: number): Promise<void> {
  const paths = [...files!.keys()].sort();
  for (const d of new Set(paths.map((p) => dirname(join(staging, p))))) mkdirSync(d, { recursive: true });
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let p = paths[next++]; p !== undefined; p = paths[next++]) await writeFile(join(staging, p), files!.get(p) ?? "", { flag: "wx", mode: 0o666 });
  };
  await Promise.all(Array.from({ length: limit }, worker));
}
const owned = new Set(files.keys());
const created = 0o666 & ~process.umask();
const variants: Array<[string, () => Promise<unknown>]> = [
  ["synchronous, one after another (chosen)", () => writeStagedFiles(staging, files, writeSync, 0o777)],
  ...[1, 4, 8, 32, 128].map((limit): [string, () => Promise<void>] => [`${limit} in flight`, () => inFlight(limit)]),
  ["over an unchanged previous output (hard links)", () => writeStagedFiles(staging, files, writeSync, 0o777, { dir: join(dir, "out"), owned, modeOf: () => created })],
];
const times = new Map<string, Array<[number, number]>>();
for (let i = 0; i < runs; i++) {
  for (const [name, variant] of variants) {
    rmSync(staging, { recursive: true, force: true });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await variant();
    const c = process.cpuUsage(c0);
    times.set(name, [...(times.get(name) ?? []), [performance.now() - t0, (c.user + c.system) / 1000]]);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const chosen = median((times.get(variants[0]![0]) ?? []).map(([w]) => w));
const lines = [`| staging ${files.size} files | wall ms | CPU ms | wall vs chosen |`, "| --- | ---: | ---: | ---: |"];
for (const [name, xs] of times) {
  const wall = median(xs.map(([w]) => w));
  lines.push(`| ${name} | ${wall.toFixed(0)} | ${median(xs.map(([, c]) => c)).toFixed(0)} | ${(wall / chosen).toFixed(2)} |`);
}
process.stdout.write(lines.join("\n") + "\n");
rmSync(dir, { recursive: true, force: true });
