import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { EXIT, worstExit } from "../src/diagnostics/exit-codes.js";
import { compileRun } from "../src/run/compile-run.js";
import type { CompileRunOptions } from "../src/run/compile-run.js";
import type { Run, RunOutput } from "../src/run/output.js";

// A run is data: it yields what the CLI is to print and returns the exit code, and never writes to
// stdout or stderr itself (STYLE.md: only the CLI prints and sets process.exitCode).

/** Drain a run with stdout and stderr watched: what it yielded, what it returned, what it printed itself. */
async function drain(run: Run): Promise<{ outputs: RunOutput[]; exit: number; printed: string[] }> {
  const printed: string[] = [];
  const [out, err] = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr)];
  const watch = (chunk: unknown): boolean => (printed.push(String(chunk)), true);
  process.stdout.write = watch as typeof process.stdout.write;
  process.stderr.write = watch as typeof process.stderr.write;
  try {
    const outputs: RunOutput[] = [];
    for (let step = await run.next(); ; step = await run.next()) {
      if (step.done) return { outputs, exit: step.value, printed };
      outputs.push(step.value);
    }
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

const texts = (outputs: readonly RunOutput[], stream: "stdout" | "stderr"): string[] => outputs.flatMap((o) => ("stream" in o && o.stream === stream ? [o.text] : []));

const base = (dir: string): CompileRunOptions => ({
  policies: [join(dir, "mesh-security.yaml")],
  output: join(dir, "out"),
  stdout: false,
  check: false,
  force: false,
  allowUnsafeRotation: false,
  generate: true,
  format: "text",
  strictness: { warningsAsErrors: false, requireKeys: false },
});

test("compile, then --check, then --stdout: each yields its lines and exit code and prints nothing itself", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-run-"));
  try {
    cpSync("examples/service-ca-basics/mesh-security.yaml", join(dir, "mesh-security.yaml"));
    const written = await drain(compileRun(base(dir)));
    assert.equal(written.printed, []);
    assert.is(written.exit, EXIT.ok);
    assert.match(texts(written.outputs, "stderr").join(""), /^wrote \d+ object\(s\) in \d+ file\(s\) to .*out\n/);

    const checked = await drain(compileRun({ ...base(dir), check: true }));
    assert.equal(checked.printed, []);
    assert.is(checked.exit, EXIT.ok);
    assert.match(texts(checked.outputs, "stderr").join(""), /out is up to date \(\d+ files\)\n$/);

    const { output: _output, ...rest } = base(dir);
    const streamed = await drain(compileRun({ ...rest, stdout: true }));
    assert.equal(streamed.printed, []);
    assert.is(streamed.exit, EXIT.ok);
    assert.match(texts(streamed.outputs, "stdout").join(""), /^(---\n)?apiVersion: /m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a missing policy is yielded as diagnostics with exit 4 (I/O), not printed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-run-"));
  try {
    const missing = await drain(compileRun(base(dir)));
    assert.equal(missing.printed, []);
    assert.is(missing.exit, EXIT.io);
    assert.ok(missing.outputs.some((o) => "diagnostics" in o && o.diagnostics.some((d) => d.code === "MS1012")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("worstExit ranks usage, I/O, policy errors, stale, ok", () => {
  const cases: Array<[number[], number]> = [
    [[], EXIT.ok],
    [[EXIT.ok, EXIT.stale], EXIT.stale],
    [[EXIT.stale, EXIT.policyErrors], EXIT.policyErrors],
    [[EXIT.policyErrors, EXIT.io], EXIT.io],
    [[EXIT.io, EXIT.usage, EXIT.ok], EXIT.usage],
  ];
  for (const [codes, worst] of cases) assert.is(worstExit(codes), worst, codes.join(","));
});

test.run();
