// Where one `compile -o DIR` spends its time, in process and imports excluded: the same steps as the
// CLI's compile command (read previous objects, compile, format diagnostics, write), each timed.
// Prints JSON (ms). Usage: node bench/phases.mjs POLICY OUTDIR (from the built dist/).
import { performance } from "node:perf_hooks";
import { compilePolicy } from "../dist/compile.js";
import { formatDiagnostics } from "../dist/diagnostics/format.js";
import { PREVIOUS_KINDS } from "../dist/targets/registry.js";
import { readPreviousObjects } from "../dist/write/previous-output.js";
import { writeOutputDir } from "../dist/write/write-dir.js";

const [policyFile = "", outDir = ""] = process.argv.slice(2);
const t0 = performance.now();
const previous = await readPreviousObjects(outDir, PREVIOUS_KINDS);
const t1 = performance.now();
const result = await compilePolicy({ policyFile, outDir, previous, missingMaterial: "generate" });
const t2 = performance.now();
formatDiagnostics(result.diagnostics, "text", new Map([[policyFile, result.text ?? ""]]));
const t3 = performance.now();
const findings = await writeOutputDir(outDir, result.tree?.files ?? new Map());
const t4 = performance.now();
if (!result.tree || findings.length > 0) throw new Error("the policy did not compile and write");
process.stdout.write(JSON.stringify({ previous: t1 - t0, compile: t2 - t1, format: t3 - t2, write: t4 - t3, total: t4 - t0 }));
