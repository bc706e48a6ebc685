import { rename, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { parseDocument } from "yaml";
import { readRotationRecord, ROTATION_RECORD_FILE } from "../ca/rotation-record.js";
import { planRotation } from "../ca/rotation-plan.js";
import type { RotationRequest } from "../ca/rotation-plan.js";
import { listAuthorities } from "../ca/state.js";
import { storedChanges } from "../material/stored-changes.js";
import { compilePolicy, placeFinding } from "../compile.js";
import { diagnostic, say } from "../diagnostics/messages.js";
import type { Diagnostic, Finding } from "../diagnostics/diagnostic.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import type { DiagnosticFormat } from "../diagnostics/format.js";
import { loadPolicy } from "../load/load-policy.js";
import { applyEdits } from "../load/text-edits.js";
import { EXIT, exitCodeOf, printDiagnostics } from "./common.js";
import type { PolicyTexts } from "./common.js";

/** What `ca rotate` is asked. */
export interface RotateRequest extends RotationRequest {
  policyFile: string;
  format: DiagnosticFormat;
}

/**
 * Move a rotation one step by editing the policy text in place, only the lines that change:
 * none → trust-both (a new authority is declared next to the old one) → issue-new → drop-old →
 * finished (references renamed to the new authority, old one and `rotation` removed). A step is
 * taken only from the phase last compiled (`<state>/rotation.json`), and the edited policy must
 * validate before it replaces the file.
 */
export async function rotateAuthority(request: RotateRequest): Promise<number> {
  const groups: Array<{ diagnostics: Diagnostic[]; text: PolicyTexts }> = [];
  const code = await rotateSteps(request, (diagnostics, text) => groups.push({ diagnostics, text }));
  // One report: `--format json` prints a single array, text prints each group with its own frames.
  if (request.format === "text") for (const g of groups) printDiagnostics(g.diagnostics, "text", g.text);
  else printDiagnostics(groups.flatMap((g) => g.diagnostics), request.format, groups[0]?.text);
  return code;
}

async function rotateSteps(request: RotateRequest, report: (diagnostics: Diagnostic[], text: PolicyTexts) => void): Promise<number> {
  const { policyFile, stateDir } = request;
  const compiled = await compilePolicy({ policyFile, stateDir, missingMaterial: "generate", allowUnsafeRotation: request.allowUnsafeRotation });
  // Drift of the authority being rotated is what starting a rotation resolves (MS3007's hint points here):
  // the edited parameters go to the new authority, the old block gets back what its CA was made with.
  const before = { ...compiled, diagnostics: compiled.diagnostics.filter((d) => !(d.code === "MS3007" && d.path[1] === request.name)) };
  report(before.diagnostics, before.sources);
  if (hasErrors(before.diagnostics) || !before.model || before.text === undefined) return exitCodeOf(before.diagnostics) || EXIT.policyErrors;
  const loaded = await loadPolicy(policyFile);
  if (!loaded.value) return EXIT.policyErrors;
  const source = loaded.value.source;
  if (compiled.changes !== undefined) {
    // The edits below are planned on this file's text alone; with `extends`, what they touch may be in a shared base.
    const finding: Finding = { ...say.MS1024(policyFile), path: ["extends"] };
    report([placeFinding(finding, policyFile, source)], before.text);
    return EXIT.policyErrors;
  }
  const text = before.text;
  const doc = parseDocument(text);
  const stored = await listAuthorities(stateDir).catch(() => [] as string[]);
  const rotated = before.model.authorities.find((a) => a.name === request.name);
  const drift = rotated && !before.model.rotation ? await storedChanges(stateDir, rotated) : [];
  const plan = planRotation(before.model, doc, text, await readRotationRecord(stateDir), stored, request, drift);
  if ("finding" in plan) {
    report([placeFinding(plan.finding, policyFile, source)], text);
    return EXIT.policyErrors;
  }
  const edited = applyEdits(text, plan.edits);
  // Validate the edited text as the policy it will become (same directory, same state) before replacing it.
  const temp = join(policyFile, "..", `.${basename(policyFile)}.mesh-security-tmp`);
  await writeFile(temp, edited);
  const check = await compilePolicy({ policyFile: temp, stateDir, missingMaterial: "ignore", allowUnsafeRotation: request.allowUnsafeRotation });
  if (hasErrors(check.diagnostics)) {
    await rm(temp, { force: true });
    const label = `${policyFile} (as ca rotate would write it)`;
    const refused = diagnostic(say.MS2316({ authority: request.name, invalidPolicy: policyFile }), { file: policyFile });
    report([refused, ...check.diagnostics.filter((d) => d.severity === "error").map((d) => ({ ...d, file: label }))], edited);
    return EXIT.policyErrors;
  }
  await rename(temp, policyFile);
  // Generate the new authority's material now, so the next compile only reuses it.
  const after = await compilePolicy({ policyFile, stateDir, missingMaterial: "generate", allowUnsafeRotation: request.allowUnsafeRotation });
  report(after.diagnostics.filter((d) => !before.diagnostics.some((b) => b.code === d.code && b.message === d.message)), after.sources);
  process.stderr.write(`${plan.message}\nnext: mesh-security compile -o <dir>, commit the output and ${join(stateDir, ROTATION_RECORD_FILE)}, roll it out (docs/rotation.md)\n`);
  return exitCodeOf(after.diagnostics);
}
