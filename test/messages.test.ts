import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

// Messages are data (STYLE "Messages, analyzers, commands"): a code's words live in one constructor
// of `say`, its severity in the code table; call sites pass facts. This scan finds the shapes of a
// diagnostic built by hand outside src/diagnostics/messages.ts:
//   - a code literal given to `code:` ({ code: "MS1234", ... } or code: x ? "MS1" : "MS2");
//   - a code literal passed to a local helper beside the words (problem("MS3009", `...`));
//   - `code` and `message:` in one object (a message written beside its code, or passed through);
//   - a severity written out, instead of read from the code table (outside src/diagnostics/).
const SHAPES: Array<[string, RegExp]> = [
  ["code literal", /\bcode:\s*[^,;}]*"MS\d{4}"/g],
  ["code literal passed to a helper", /\w\((?:[^()[\];]*,)?\s*"MS\d{4}"\s*,/g],
  ["code beside message", /(?<![.\w])code\s*[:,][^;]{0,400}?(?<![.\w])message\s*[:,}]|(?<![.\w])message\s*:[^;]{0,400}?[{,]\s*code\s*[:,}]/g],
  ["severity written out", /\bseverity:\s*"(error|warning|notice)"/g],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

/** Files that build diagnostics by hand, with the shapes found. */
function handBuilt(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sourceFiles("src")) {
    const rel = relative(".", file).split("\\").join("/");
    if (rel === "src/diagnostics/messages.ts" || rel === "src/diagnostics/codes.ts") continue;
    const text = readFileSync(file, "utf8");
    for (const [shape, pattern] of SHAPES) {
      if (shape === "severity written out" && rel.startsWith("src/diagnostics/")) continue;
      for (const m of text.matchAll(pattern)) {
        const line = text.slice(0, m.index).split("\n").length;
        found.set(rel, [...(found.get(rel) ?? []), `${shape} at line ${line}`]);
      }
    }
  }
  return found;
}

test("the scan knows each shape of a diagnostic built by hand, and not a constructor's use", () => {
  const shapesOf = (text: string): string[] => SHAPES.filter(([, pattern]) => [...text.matchAll(pattern)].length > 0).map(([shape]) => shape);
  assert.equal(shapesOf('findings.push({ code: "MS2007", message: `headless ${name}`, path });'), ["code literal", "code beside message"]);
  assert.equal(shapesOf('return { code: wanted ? "MS1005" : "MS1008", message, path };'), ["code literal", "code beside message"]);
  assert.equal(shapesOf('fail(atExtendsOf(layer, "MS1023", `extends must be relative`));'), ["code literal passed to a helper"]);
  assert.equal(shapesOf("diagnostics.push({ code: f.code, severity: \"error\", message: f.message, file });"), ["code beside message", "severity written out"]);
  assert.equal(shapesOf('findings.push({ ...say.MS2007(name), path }); const codes = new Set(["MS2018", "MS2019"]);'), []);
  assert.equal(shapesOf("compareText(a.code, b.code) || compareText(a.message, b.message)"), []);
});

test("no diagnostic is built by hand outside the message table", () => {
  const offending = [...handBuilt()].map(([file, where]) => `${file}: ${where.join(", ")}`);
  assert.equal(offending, [], "build the diagnostic with `say.MSxxxx(...)` and `diagnostic(...)` from src/diagnostics/messages.ts");
});

test.run();
