import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { codeBlocks } from "./helpers/markdown.js";

// The README's set-up block is what CI runs: every command of it, in its order, is a command of
// .ci/run (which may add flags that only quieten npm). A fresh clone follows the README; CI follows
// .ci/run; the two cannot drift apart.
const QUIET_FLAGS = new Set(["--no-audit", "--no-fund", "--silent", "-qq"]);

/** The commands of a shell text: comments dropped, split at `&&`, `;` and pipes, quiet flags and redirections removed. */
function commands(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.replace(/(^|\s)#.*$/, ""))
    .flatMap((line) => line.split(/&&|;|\|/))
    .map((c) => c.trim().split(/\s+/).filter((w) => w !== "" && !QUIET_FLAGS.has(w) && !/^\d?>/.test(w)).join(" "))
    .filter((c) => c !== "");
}

function setupBlock(): string {
  const readme = readFileSync("README.md", "utf8");
  const start = readme.indexOf("\n## Set-up\n");
  assert.ok(start >= 0, "README.md has a Set-up section");
  const line = readme.slice(0, start).split("\n").length + 1;
  const next = readme.indexOf("\n## ", start + 1);
  const block = codeBlocks(["README.md"]).find((b) => b.lang === "sh" && b.line > line && b.line < readme.slice(0, next).split("\n").length);
  assert.ok(block, "the Set-up section has a sh block");
  return block.text;
}

test("every command of the README's set-up block runs in .ci/run, in the same order", () => {
  const readme = commands(setupBlock());
  assert.ok(readme.includes("npm ci") && readme.includes("npm test"), readme.join(" / "));
  const ci = commands(readFileSync(".ci/run", "utf8"));
  let at = 0;
  for (const command of readme) {
    const found = ci.indexOf(command, at);
    assert.ok(found >= 0, `.ci/run does not run \`${command}\` (after \`${ci[at - 1] ?? "its start"}\`)`);
    at = found + 1;
  }
});

test("the comparison sees a difference: a command CI does not run is caught", () => {
  const ci = commands(readFileSync(".ci/run", "utf8"));
  assert.not.ok(ci.includes("npm install"), "CI installs with npm ci, never npm install");
  assert.equal(commands("npm ci --no-audit && node x.js -o out # comment\nnpm test 2>&1 | tee log"), ["npm ci", "node x.js -o out", "npm test", "tee log"]);
});

test(".ci/run refuses to run without ../shared/tools, naming it", () => {
  const text = readFileSync(".ci/run", "utf8");
  // The guard comes before anything is installed or tested.
  const guard = text.indexOf("if [ ! -d ../shared/tools ]");
  assert.ok(guard > 0 && guard < text.indexOf("npm ci"), "the ../shared/tools guard runs first");
  const r = spawnSync("bash", ["-c", text.slice(0, text.indexOf("\nfi\n", guard) + 4).replace('cd "$(dirname "$0")/.."', "cd /")], { encoding: "utf8" });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /\.\.\/shared\/tools is missing/);
});

test.run();
