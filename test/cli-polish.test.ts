import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HELP_EXAMPLES } from "../src/commands/help-examples.js";
import { runMain } from "./helpers/cli.js";
import type { CliRun } from "./helpers/cli.js";

// What users of ESLint, Helm and istioctl expect of a command line: -h, suggestions at every level,
// completion, examples in every help page, directories made on request, JSON only where asked.
// Run in this process (test/helpers/cli.ts): these tests are about what is printed, not about the process.
const run = (args: string[], cwd = process.cwd()): Promise<CliRun> => runMain(args, { cwd, env: { COLUMNS: "100" } });

test("-h is --help, at the top and for every command", async () => {
  for (const page of [[], ["compile"], ["ca"], ["ca", "show"], ["verify"]]) {
    const short = await run([...page, "-h"]);
    assert.is(short.status, 0, `${page.join(" ")} -h: ${short.stderr}`);
    assert.is(short.stdout, (await run([...page, "--help"])).stdout, page.join(" "));
  }
});

test("every command's help shows examples", async () => {
  // Every command the top-level help lists (a command added later needs its row in HELP_EXAMPLES).
  const commands = [...(await run(["--help"])).stdout.matchAll(/^  mesh-security (\w[\w-]*)/gm)].map((m) => m[1] ?? "").filter((c) => c !== "completion");
  for (const known of ["validate", "compile", "explain", "verify", "schema", "init", "ca"]) assert.ok(commands.includes(known), `${known} in ${commands.join(" ")}`);
  for (const command of commands) {
    const help = (await run([command, "--help"])).stdout;
    const examples = help.split("\nExamples:\n")[1] ?? "";
    assert.ok(examples !== "", `${command} --help has Examples`);
    // One line per example starts with the command (long ones wrap onto further lines).
    assert.is(examples.split("\n").filter((line) => line.startsWith(`  mesh-security ${command}`)).length, HELP_EXAMPLES[command]?.length, `${command}:\n${examples}`);
  }
});

// [typed, suggestion]: a typo in a subcommand is answered like a typo in a command.
const SUBCOMMAND_TYPOS: Array<[string[], RegExp]> = [
  [["ca", "shwo"], /^error: unknown command "ca shwo"; did you mean ca show\?\nrun mesh-security ca --help for usage\n$/],
  [["ca", "rotat", "x"], /did you mean ca rotate\?/],
  [["ca", "frobnicate"], /; ca commands: init, show, rotate, regenerate\n/],
];
for (const [typed, want] of SUBCOMMAND_TYPOS) {
  test(`${typed.join(" ")}: exit 2 with a suggestion`, async () => {
    const r = await run(typed);
    assert.is(r.status, 2);
    assert.match(r.stderr, want);
  });
}

test("completion prints a bash/zsh script that completes the commands", async () => {
  const script = await run(["completion"]);
  assert.is(script.status, 0, script.stderr);
  assert.match(script.stdout, /###-begin-mesh-security-completions-###/);
  assert.match(script.stdout, /--get-yargs-completions/);
  const words = (await run(["--get-yargs-completions", "mesh-security", "com"])).stdout.split("\n");
  assert.ok(words.includes("compile") && words.includes("completion"), words.join(" "));
  const sub = (await run(["--get-yargs-completions", "mesh-security", "ca", ""])).stdout.split("\n");
  for (const name of ["init", "show", "rotate", "regenerate"]) assert.ok(sub.includes(name), `${name} in ${sub.join(" ")}`);
});

test("init creates the policy's missing directories and suggests npx --no-install", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-init-dirs-"));
  try {
    const r = await run(["init", join("clusters", "prod", "mesh-security.yaml")], dir);
    assert.is(r.status, 0, r.stderr);
    assert.ok(existsSync(join(dir, "clusters", "prod", "mesh-security.yaml")));
    assert.match(r.stderr, /npx --no-install mesh-security validate clusters\/prod\/mesh-security\.yaml/);
    assert.not.match(r.stderr, /npx mesh-security/);
    assert.is((await run(["validate", join("clusters", "prod", "mesh-security.yaml")], dir)).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--format json and sarif: stdout holds the one document; compile --stdout refuses them (stdout carries manifests)", async () => {
  const policy = join("examples", "service-ca-basics", "mesh-security.yaml");
  for (const format of ["json", "sarif"]) {
    const r = await run(["validate", policy, "--format", format]);
    assert.is(r.stderr, "", format);
    JSON.parse(r.stdout);
    const stream = await run(["compile", policy, "--stdout", "--format", format]);
    assert.is(stream.status, 2);
    assert.is(stream.stdout, "");
    assert.match(stream.stderr, new RegExp(`--stdout writes the manifests to stdout, where --format ${format} would print its document too`));
  }
  const github = await run(["compile", policy, "--stdout", "--format", "github"]);
  assert.is(github.status, 0);
  assert.match(github.stdout, /^# Generated by mesh-security/m);
  assert.match(github.stderr, /^::warning file=/m, "annotations go to stderr beside a stream");
});

test("verify's and explain's path tables fit the terminal's width ($COLUMNS); piped without it, one row per path", async () => {
  const narrow = async (args: string[]): Promise<string> => (await runMain(args, { env: { COLUMNS: "80" } })).stdout;
  const dir = join("examples", "end-to-end-encryption");
  const wide = (await runMain(["verify", join(dir, "expected")], { env: { COLUMNS: "" } })).stdout;
  assert.ok(wide.split("\n").some((line) => line.length > 200), "the one-row table is wide");
  const verify = await narrow(["verify", join(dir, "expected")]);
  assert.equal(verify.split("\n").filter((line) => line.length > 80), []);
  // Every path is still there: one arrow per row of the wide table, and the same summary.
  assert.is(verify.split("\n").filter((line) => line.startsWith("  → ")).length, wide.trimEnd().split("\n").filter((l) => !l.startsWith("    ")).length - 2);
  assert.is(verify.trimEnd().split("\n").pop(), wide.trimEnd().split("\n").pop());
  const explain = await narrow(["explain", join(dir, "mesh-security.yaml")]);
  const paths = explain.slice(explain.indexOf("\npaths ("));
  assert.ok(paths.length > 100);
  assert.equal(paths.split("\n").filter((line) => line.length > 80), []);
});

test.run();
