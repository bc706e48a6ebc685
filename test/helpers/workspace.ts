import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { rotateAuthority } from "../../src/commands/ca-rotate.js";
import { compilePolicy } from "../../src/compile.js";
import type { CompileOptions } from "../../src/compile.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { compileRun } from "../../src/run/compile-run.js";
import type { CompileRunOptions } from "../../src/run/compile-run.js";
import { verifyDirectories } from "../../src/verify/verify.js";
import type { VerifyInput } from "../../src/verify/verify.js";
import { readPreviousObjects } from "../../src/write/previous-output.js";

/**
 * A temp directory a diagnostic example runs in, with the library's entry points bound to it, in
 * process (no spawn): the policy is `<dir>/mesh-security.yaml`, the CA state `<dir>/.mesh-security`,
 * the output `<dir>/out`. Each entry point returns the diagnostics it reported.
 */
export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), "ms-example-"));
  readonly policy = join(this.dir, "mesh-security.yaml");
  readonly state = join(this.dir, ".mesh-security");
  readonly out = join(this.dir, "out");

  /** Write a file under the workspace (parents made); returns its path. */
  write(path: string, text: string): string {
    const file = join(this.dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  }

  /** `validate` / `compile` without writing: compilePolicy on the policy, CA material generated in the state directory. */
  async compile(options: Partial<CompileOptions> = {}): Promise<Diagnostic[]> {
    return (await compilePolicy({ policyFile: this.policy, stateDir: this.state, missingMaterial: "generate", ...options })).diagnostics;
  }

  /** `compile <policy> -o <out>` (src/run/compile-run.ts): writes the output directory and the rotation record; the diagnostics it yields. */
  async compileOut(options: Partial<CompileRunOptions> = {}): Promise<Diagnostic[]> {
    const run = compileRun({ policies: [this.policy], output: this.out, stdout: false, check: false, force: false, stateDir: this.state, allowUnsafeRotation: false, generate: true, format: "json", strictness: {}, ...options });
    const diagnostics: Diagnostic[] = [];
    for (let step = await run.next(); !step.done; step = await run.next()) if ("diagnostics" in step.value) diagnostics.push(...step.value.diagnostics);
    return diagnostics;
  }

  /** compilePolicy with the objects of the previous output in `<dir>/out` (as compile -o reads them). */
  async compileAgainstOutput(options: Partial<CompileOptions> = {}): Promise<Diagnostic[]> {
    return this.compile({ previous: await readPreviousObjects(this.out), ...options });
  }

  /** `ca rotate NAME --format json` (src/commands/ca-rotate.ts): its one JSON report is captured, not printed. */
  async rotate(name: string, options: { subject?: string } = {}): Promise<Diagnostic[]> {
    let stdout = "";
    const [out, err] = [process.stdout.write, process.stderr.write];
    process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      await rotateAuthority({ policyFile: this.policy, stateDir: this.state, name, allowUnsafeRotation: false, format: "json", ...options });
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
    return stdout.trim() === "" ? [] : (JSON.parse(stdout) as Diagnostic[]);
  }

  /** `verify <dir>` (src/verify/verify.ts) on a directory of the workspace. */
  verify(input: Partial<VerifyInput> = {}): Diagnostic[] {
    return verifyDirectories({ output: this.out, ...input }).diagnostics;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
