// How many writes in flight stage an output fastest: the realistic 1,000-service output written by
// writeStagedFiles (the code compile runs) at several limits, plus synchronous writes for reference.
// Prints a Markdown table of medians. Usage: tsx bench/write-concurrency.ts RUNS
import { writeFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { compilePolicy } from "../src/compile.js";
import { writeStagedFiles, WRITE_CONCURRENCY } from "../src/write/write-dir.js";
import { generateRealisticPolicy } from "./generate-realistic.js";

const runs = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(join(tmpdir(), "ms-wc-"));
const policyFile = join(dir, "mesh-security.yaml");
writeFileSync(policyFile, generateRealisticPolicy(1000));
const result = await compilePolicy({ policyFile, outDir: join(dir, "out"), missingMaterial: "generate" });
const files = result.tree?.files;
if (!files) throw new Error("the realistic policy did not compile");

const write = (p: string, c: string): Promise<void> => writeFile(p, c, { flag: "wx", mode: 0o666 });
const writeSync = async (p: string, c: string): Promise<void> => writeFileSync(p, c, { flag: "wx", mode: 0o666 });
const variants: Array<[string, () => Promise<void>]> = [
  ["synchronous writes", () => writeStagedFiles(join(dir, "staging"), files, writeSync, 0o777, 1)],
  ...[1, 4, 8, 16, 32, 64, 256].map((limit): [string, () => Promise<void>] => [`${limit}${limit === WRITE_CONCURRENCY ? " (chosen)" : ""}`, () => writeStagedFiles(join(dir, "staging"), files, write, 0o777, limit)]),
];
const times = new Map<string, number[]>();
for (let i = 0; i < runs; i++) {
  for (const [name, variant] of variants) {
    rmSync(join(dir, "staging"), { recursive: true, force: true });
    const t0 = performance.now();
    await variant();
    times.set(name, [...(times.get(name) ?? []), performance.now() - t0]);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const one = median(times.get("1") ?? []);
const lines = [`| writes in flight (${files.size} files) | median ms | vs one at a time |`, "| --- | ---: | ---: |"];
for (const [name, xs] of times) lines.push(`| ${name} | ${median(xs).toFixed(0)} | ${(median(xs) / one).toFixed(2)} |`);
process.stdout.write(lines.join("\n") + "\n");
rmSync(dir, { recursive: true, force: true });
