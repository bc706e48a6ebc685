import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { codeFrame, FLOOD_SHOWN, formatDiagnostics } from "../src/diagnostics/format.js";
import { runMain } from "./helpers/cli.js";
import type { CliRun } from "./helpers/cli.js";
import { compileText, HEADER } from "./helpers/policy.js";

// In this process (test/helpers/cli.ts): these tests are about what each command prints.
const run = (args: string[]): Promise<CliRun> => runMain(args);
const good = join(process.cwd(), "examples", "service-ca-basics", "mesh-security.yaml");
const bad = join(process.cwd(), "examples", "invalid-ten-mistakes", "mesh-security.yaml");
// `ca` takes the policy with --policy today; other work may change its arguments: only this line knows.
const caShow = (policy: string, ...rest: string[]): string[] => ["ca", "show", "--policy", policy, ...rest];

test("empty or comment-only policy: the same error from every command", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-empty-"));
  for (const [name, content] of [["empty.yaml", ""], ["comments.yaml", "# nothing yet\n\n# still nothing\n"], ["marker.yaml", "---\n"]] as const) {
    const policy = join(dir, name);
    writeFileSync(policy, content);
    const runs = [
      await run(["validate", policy]),
      await run(["explain", policy]),
      await run(["compile", policy, "--stdout"]),
      await run(["compile", policy, "-o", join(dir, `out-${name}`)]),
      await run(caShow(policy)),
      await run(["ca", "init", "--policy", policy]),
    ];
    const lines = runs.map((r) => r.stderr.split("\n")[0]);
    for (const r of runs) assert.is(r.status, 1, r.stderr);
    assert.equal(new Set(lines).size, 1, lines.join("\n"));
    assert.match(lines[0] ?? "", new RegExp(`${name}:1:1 error MS1015 the policy file is empty`));
  }
});

const jsonCommands: Array<[string, (policy: string) => string[], string | undefined]> = [
  ["validate", (p) => ["validate", p, "--format", "json"], undefined],
  ["compile -o", (p) => ["compile", p, "-o", join(mkdtempSync(join(tmpdir(), "ms-json-")), "out"), "--format", "json"], undefined],
  ["explain", (p) => ["explain", p, "--format", "json"], "subjects"],
  ["ca show", (p) => caShow(p, "--format", "json"), "authorities"],
];

for (const [name, args, key] of jsonCommands) {
  test(`${name} --format json: exactly one JSON document on stdout, diagnostics inside, nothing on stderr about them`, async () => {
    for (const policy of [good, bad]) {
      const r = await run(args(policy));
      const doc = JSON.parse(r.stdout) as unknown; // throws on two documents
      const diagnostics = (key ? (doc as Record<string, unknown>)["diagnostics"] : doc) as Diagnostic[];
      assert.ok(Array.isArray(diagnostics));
      if (key) assert.ok(Array.isArray((doc as Record<string, unknown>)[key]));
      assert.is(diagnostics.some((d) => d.severity === "error"), policy === bad, `${name} ${policy}`);
      assert.not.match(r.stderr, /MS\d{4}/);
    }
  });
}

test("compile -o --format json: an I/O failure is in the same single document", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-json-io-"));
  const out = join(dir, "foreign");
  mkdirSync(out);
  writeFileSync(join(out, "not-ours.txt"), "x");
  const r = await run(["compile", good, "-o", out, "--format", "json"]);
  assert.is(r.status, 4);
  const doc = JSON.parse(r.stdout) as Diagnostic[];
  assert.equal(doc.filter((d) => d.severity === "error").map((d) => d.code), ["MS4001"]);
});

test("json: every diagnostic's keys in one order, however it was built (a load error, a schema error, a policy rule, an I/O failure)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-json-order-"));
  const out = join(dir, "foreign");
  mkdirSync(out);
  writeFileSync(join(out, "not-ours.txt"), "x");
  const runs = [await run(["validate", join(dir, "missing.yaml"), "--format", "json"]), await run(["validate", bad, "--format", "json"]), await run(["compile", good, "-o", out, "--format", "json"])];
  const ORDER = ["code", "severity", "message", "file", "path", "range", "hint", "suppressed"];
  const seen = new Set<string>();
  for (const r of runs) {
    for (const d of JSON.parse(r.stdout) as Array<Record<string, unknown>>) {
      const keys = Object.keys(d);
      assert.equal(keys, ORDER.filter((k) => keys.includes(k)), `${String(d["code"])}: ${keys.join(", ")}`);
      seen.add(String(d["code"]));
    }
  }
  for (const code of ["MS1012", "MS1002", "MS4001"]) assert.ok(seen.has(code), `${code} was not printed: ${[...seen].join(", ")}`);
});

// A secret typed into the wrong field is never echoed, in any format.
const SECRETS = ["hunter2sekrit", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7", "4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b", "battery staple", "tailofthekey=="];
const leaky = `${HEADER}tls:
  profile: "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\n-----END PRIVATE KEY-----"
issuers:
  le:
    acme:
      server: production
      email: a@example.com
      solver:
        http01: { ingressClass: x, password: hunter2sekrit }
  r53:
    acme:
      server: staging
      email: a@example.com
      solver:
        dns01:
          route53:
            region: us-east-1
            token: 4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b
            passphrase: |
              correct horse
              battery staple
services:
  - name: a
    namespace: b
    host: MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7
mtls:
  mode: |
    -----BEGIN RSA PRIVATE KEY-----
    MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7
    tailofthekey==
    -----END RSA PRIVATE KEY-----
`;

test("secrets are redacted in messages and code frames, in text, json and github", async () => {
  const result = await compileText(leaky);
  assert.ok(result.diagnostics.length >= 6, result.diagnostics.map((d) => d.code).join(","));
  // They are in the diagnostics as data (the stage keeps what it found); every printed form drops them.
  const sources = new Map(result.diagnostics.map((d) => [d.file, leaky]));
  for (const format of ["text", "json", "github"] as const) {
    const out = formatDiagnostics(result.diagnostics, format, sources);
    for (const secret of SECRETS) assert.not.ok(out.includes(secret), `${format} leaks ${secret}`);
    assert.match(out, /\[redacted\]/);
  }
  const frame = codeFrame(leaky, { line: 13, column: 40 }, { line: 13, column: 48 });
  assert.match(frame, /password: \[redacted\] \}/);
  assert.match(frame, /ingressClass: x/);
});

test("redaction keeps what is not key material: cipher names, references, host names", () => {
  const text = `${HEADER}tls:\n  cipherSuites: [TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256]\nx:\n  passwordSecretRef: { name: pw, key: password }\n  host: averyveryverylonghostnamethatislongerthan32.example.com\n`;
  const frame = [6, 8, 9].map((line) => codeFrame(text, { line, column: 3 }, { line, column: 4 })).join("");
  assert.match(frame, /TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256/);
  assert.match(frame, /passwordSecretRef: \{ name: pw, key: password \}/);
  assert.match(frame, /averyveryverylonghostnamethatislongerthan32\.example\.com/);
});

const many = (n: number, code: Diagnostic["code"] = "MS2007"): Diagnostic[] =>
  Array.from({ length: n }, (_, i) => ({
    code,
    severity: "warning" as const,
    message: `warning ${i}`,
    file: "p.yaml",
    path: [],
    range: { start: { line: i + 1, column: 1 }, end: { line: i + 1, column: 2 } },
  }));

test("floods: text shows the first few of a code with frames, then one line; json and github keep all", () => {
  const text = Array.from({ length: 40 }, (_, i) => `k${i}: v`).join("\n");
  const sources = new Map([["p.yaml", text]]);
  const diagnostics = [...many(40), ...many(2, "MS2009")];
  const out = formatDiagnostics(diagnostics, "text", sources);
  assert.is(out.match(/warning MS2007/g)?.length, FLOOD_SHOWN);
  assert.is(out.match(/warning MS2009/g)?.length, 2);
  assert.match(out, /… and 37 more like this \(MS2007, lines 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, …\)/);
  assert.match(out, /42 warnings\n$/);
  assert.is((JSON.parse(formatDiagnostics(diagnostics, "json", sources)) as unknown[]).length, 42);
  assert.is(formatDiagnostics(diagnostics, "github", sources).split("\n").filter(Boolean).length, 42);
  // A handful is not a flood.
  assert.is(formatDiagnostics(many(5), "text", sources).match(/warning MS2007/g)?.length, 5);
});

test("formatting is linear in the number of diagnostics: each text is indexed once", () => {
  const n = 20000;
  const text = Array.from({ length: n }, (_, i) => `key${i}: value`).join("\n");
  const sources = new Map([["p.yaml", text]]);
  const diagnostics = many(n);
  const started = performance.now();
  for (const format of ["text", "json", "github"] as const) formatDiagnostics(diagnostics, format, sources);
  // Re-splitting the text for every frame made this quadratic (20000 × 20000 lines); linear work is well under.
  assert.ok(performance.now() - started < 5000, `${Math.round(performance.now() - started)} ms`);
});

test.run();
