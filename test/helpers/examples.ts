import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { compilePolicy } from "../../src/compile.js";
import type { CompileOptions, CompileResult } from "../../src/compile.js";
import { formatDiagnostics } from "../../src/diagnostics/format.js";
import { readPreviousObjects } from "../../src/write/previous-output.js";

export const EXAMPLES_DIR = "examples";

/**
 * Every example case: a directory under examples/ holding a mesh-security.yaml, at any depth, so that a
 * fleet (examples/fleet/clusters/<cluster>/mesh-security.yaml, extending a base) is a case per cluster.
 * A directory with a mesh-security.yaml is not searched further (its expected/ and state/ are its own).
 */
export function exampleCases(): string[] {
  const cases: string[] = [];
  const walk = (relativeDir: string): void => {
    for (const entry of readdirSync(join(EXAMPLES_DIR, relativeDir), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const name = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      if (existsSync(join(EXAMPLES_DIR, name, "mesh-security.yaml"))) cases.push(name);
      else walk(name);
    }
  };
  walk("");
  return cases.sort();
}

/** Compile one example as the golden files expect it (policy path relative to the repo root). */
export async function compileExample(name: string, missingMaterial: "report" | "generate" = "report", extra: Pick<CompileOptions, "renderer" | "placeOnly"> = {}): Promise<CompileResult> {
  const dir = join(EXAMPLES_DIR, name);
  // Examples keep their CA state in examples/<case>/state (public certificates committed, keys ignored),
  // and a fixed clock so that expiry warnings do not change with the date the tests run. The committed
  // output is the previous output, as for `compile -o`: sealed Secrets keep their ciphertext from it.
  return compilePolicy({
    previous: await readPreviousObjects(join(dir, "expected")),
    policyFile: join(dir, "mesh-security.yaml"),
    outDir: join(dir, "expected"),
    stateDir: join(dir, "state"),
    missingMaterial,
    now: EXAMPLES_CLOCK,
    ...extra,
  });
}

/** The date the examples are compiled "at". */
export const EXAMPLES_CLOCK = new Date("2026-11-23T00:00:00Z");

/** Diagnostics as committed in expected.diagnostics.txt (plain text, no colour); frames from the file each names. */
export function diagnosticsText(result: CompileResult): string {
  return formatDiagnostics(result.diagnostics, "text", result.sources, { color: false });
}

/** Every file below a directory, relative with forward slashes, sorted. */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(relative(dir, full).split(sep).join("/"), readFileSync(full, "utf8"));
    }
  };
  if (existsSync(dir)) walk(dir);
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Policies only ever extended, never compiled alone (examples/fleet/base/*.base.yaml). */
export function exampleBases(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".base.yaml")) found.push(full);
    }
  };
  walk(EXAMPLES_DIR);
  return found.sort();
}
