import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { compilePolicy } from "../../src/compile.js";
import type { CompileOptions, CompileResult } from "../../src/compile.js";
import { formatDiagnostics } from "../../src/diagnostics/format.js";
import { readPreviousObjects } from "../../src/write/previous-output.js";

export const EXAMPLES_DIR = "examples";

/** Every example case: a directory under examples/ holding a mesh-security.yaml. */
export function exampleCases(): string[] {
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(EXAMPLES_DIR, e.name, "mesh-security.yaml")))
    .map((e) => e.name)
    .sort();
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

/** Diagnostics as committed in expected.diagnostics.txt (plain text, no colour). */
export function diagnosticsText(result: CompileResult): string {
  const sources = new Map<string, string>();
  for (const d of result.diagnostics) if (result.text !== undefined) sources.set(d.file, result.text);
  return formatDiagnostics(result.diagnostics, "text", sources, { color: false });
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
