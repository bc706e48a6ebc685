import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { readTree } from "./examples.js";

// Races between processes, released at once: the shared helpers of test/safe-writes.test.ts (a few
// trials on every `npm test`) and test/robustness.test.ts (many, on demand: `npm run fuzz`).
// Children import the compiled modules (dist/, built by `npm run build`); RACE_DIST points them at
// another build (how the commit showed that the previous lock failed these tests).

const DIST = resolve(process.env["RACE_DIST"] ?? "dist");

/** One child's report. */
export interface RaceReport {
  result: "wrote" | "held" | "failed";
  codes: string[];
  /** Another child was inside its locked section at the same time. */
  overlap: boolean;
}

// Each child: says ready, waits for the go on stdin, takes the output lock, marks itself inside, writes
// a whole tree of its own (50 files naming it), looks whether anyone else is inside, leaves, releases.
const CHILD = `
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
const { lockOutputDir, writeOutputDir } = await import(process.env.RACE_MODULE);
const [out, inside, id] = process.argv.slice(1);
process.stdout.write("ready\\n");
await new Promise((resolve) => process.stdin.once("data", resolve));
process.stdin.destroy();
const taken = await lockOutputDir(out);
if ("finding" in taken) {
  process.stdout.write(JSON.stringify({ result: "held", codes: [taken.finding.code], overlap: false }) + "\\n");
  process.exit(0);
}
const mine = join(inside, id);
writeFileSync(mine, "");
const others = () => readdirSync(inside).filter((name) => name !== id).length;
let overlap = others() > 0;
const files = new Map(Array.from({ length: 50 }, (_, k) => ["f-" + k + ".yaml", "writer: " + id + "\\n"]));
const findings = await writeOutputDir(out, files, { locked: true });
overlap ||= others() > 0;
rmSync(mine);
await taken.lock.release();
process.stdout.write(JSON.stringify({ result: findings.length > 0 ? "failed" : "wrote", codes: findings.map((f) => f.code), overlap }) + "\\n");
`;

/** A pid that is certainly not running any more (a child that has exited). */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

/**
 * Start `n` children that all compete for `out` (whose lock file may hold a stale lock already),
 * release them at once, and collect their reports.
 */
export async function raceWriters(out: string, n: number): Promise<RaceReport[]> {
  const inside = `${out}.inside`;
  mkdirSync(inside, { recursive: true });
  const children = Array.from({ length: n }, (_, i) =>
    spawn(process.execPath, ["--input-type=module", "-e", CHILD, out, inside, `w${i}`], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, RACE_MODULE: pathToFileURL(join(DIST, "write", "write-dir.js")).href },
    }),
  );
  const outputs = children.map(() => "");
  const ready = children.map(
    (child, i) =>
      new Promise<void>((resolveReady) => {
        child.stdout.on("data", (d: Buffer) => {
          outputs[i] += d.toString();
          if (outputs[i]?.includes("ready\n")) resolveReady();
        });
      }),
  );
  const errors = children.map(() => "");
  children.forEach((child, i) => child.stderr.on("data", (d: Buffer) => (errors[i] += d.toString())));
  const exited = children.map((child) => new Promise<void>((resolveExit) => child.on("exit", () => resolveExit())));
  await Promise.all(ready);
  for (const child of children) child.stdin.end("go\n");
  await Promise.all(exited);
  return outputs.map((text, i) => {
    const line = text.split("\n").find((l) => l.startsWith("{"));
    return line ? (JSON.parse(line) as RaceReport) : { result: "failed", codes: [`crash: ${errors[i]?.slice(0, 300) ?? ""}`], overlap: false };
  });
}

/** A lock left by a process that is gone, in the format of the version that wrote it (a bare pid). */
export function plantStaleLock(out: string): void {
  const parent = resolve(out, "..");
  mkdirSync(parent, { recursive: true });
  writeFileSync(join(parent, `.${out.split("/").pop() ?? ""}.mesh-security-lock`), `${deadPid()}\n`);
}

/** The output after a race: one writer's whole tree (50 files naming the same writer, and the marker). */
function wholeTreeOfOneWriter(out: string): string | undefined {
  const tree = readTree(out);
  const writers = new Set([...tree].filter(([path]) => path.startsWith("f-")).map(([, text]) => text));
  if (tree.size !== 51 || writers.size !== 1 || !tree.has(".mesh-security-output.json")) return `${tree.size} files from ${writers.size} writer(s)`;
  return undefined;
}

/** Counts of a race's outcomes, and what went wrong (empty when nothing did). */
export function judgeRace(out: string, reports: readonly RaceReport[]): string[] {
  const wrong: string[] = [];
  if (reports.some((r) => r.overlap)) wrong.push(`${reports.filter((r) => r.overlap).length} writers inside the lock at once`);
  for (const r of reports) if (r.result === "failed" || (r.result === "held" && r.codes.join() !== "MS4007")) wrong.push(`${r.result} ${r.codes.join(",")}`);
  if (!reports.some((r) => r.result === "wrote")) wrong.push("nobody wrote");
  const tree = wholeTreeOfOneWriter(out);
  if (tree) wrong.push(`output is not one writer's whole tree: ${tree}`);
  return wrong;
}

