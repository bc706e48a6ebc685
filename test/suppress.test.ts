import { test } from "uvu";
import * as assert from "uvu/assert";
import { findSuppressions } from "../src/diagnostics/suppress.js";
import { formatDiagnostics } from "../src/diagnostics/format.js";
import { compileText, HEADER } from "./helpers/policy.js";

// Suppression comments: `# mesh-security: ignore CODE -- reason` on the line of a warning or the line
// above silences it; what the comment itself gets wrong is reported (MS2018-MS2020).
const STAGING = "acme: { server: staging, email: ops@example.com, solver: { http01: {} } }";
const policy = (issuer: string): string => `${HEADER}issuers:\n  letsencrypt:\n${issuer}mtls: {}\n`;

// [name, { given: the lines under `letsencrypt:`, want: [code, line, suppressed reason or null] of every diagnostic }]
const CASES: Array<[string, { given: string; want: Array<[string, number, string | null]> }]> = [
  ["no comment: the warning stands", { given: `    ${STAGING}\n`, want: [["MS2103", 7, null]] }],
  ["comment on the line above, with a reason", { given: `    # mesh-security: ignore MS2103 -- testing the issuer first\n    ${STAGING}\n`, want: [["MS2103", 8, "testing the issuer first"]] }],
  ["trailing comment on the finding's line", { given: `    ${STAGING} # mesh-security: ignore MS2103 -- until Monday\n`, want: [["MS2103", 7, "until Monday"]] }],
  ["two comment lines above, one per code", { given: `    # mesh-security: ignore MS2103 -- a\n    # mesh-security: ignore MS2209 -- b\n    ${STAGING}\n`, want: [["MS2019", 8, null], ["MS2103", 9, "a"]] }],
  ["no reason: silenced, and MS2018 says so", { given: `    # mesh-security: ignore MS2103\n    ${STAGING}\n`, want: [["MS2018", 7, null], ["MS2103", 8, ""]] }],
  ["two lines above: too far, so unused", { given: `    # mesh-security: ignore MS2103 -- far\n\n    ${STAGING}\n`, want: [["MS2019", 7, null], ["MS2103", 9, null]] }],
  ["wrong code: unused, and the warning stands", { given: `    # mesh-security: ignore MS2105 -- typo\n    ${STAGING}\n`, want: [["MS2019", 7, null], ["MS2103", 8, null]] }],
  ["an error cannot be silenced", { given: `    # mesh-security: ignore MS2103, MS1002 -- both\n    ${STAGING}\n`, want: [["MS2020", 7, null], ["MS2103", 8, "both"]] }],
  ["an unknown code", { given: `    # mesh-security: ignore MS2103 MS9999 -- x\n    ${STAGING}\n`, want: [["MS2020", 7, null], ["MS2103", 8, "x"]] }],
  ["no code at all", { given: `    # mesh-security: ignore -- why\n    ${STAGING}\n`, want: [["MS2020", 7, null], ["MS2103", 8, null]] }],
  ["a notice cannot be silenced either", { given: `    # mesh-security: ignore MS2303 -- clone\n    ${STAGING}\n`, want: [["MS2020", 7, null], ["MS2103", 8, null]] }],
];

for (const [name, { given, want }] of CASES) {
  test(name, async () => {
    const result = await compileText(policy(given));
    assert.equal(
      result.diagnostics.map((d) => [d.code, d.range?.start.line ?? 0, d.suppressed ? d.suppressed.reason : null]),
      want,
    );
  });
}

test("a `#` inside a quoted string is not a comment", () => {
  assert.equal(findSuppressions(`a: "# mesh-security: ignore MS2103 -- no"\nb: 'x # mesh-security: ignore MS2103'\n`), []);
  assert.equal(findSuppressions(`a: 1 # mesh-security: ignore MS2103 -- yes\n`).map((s) => [s.codes, s.reason, s.line, s.column, s.target]), [[["MS2103"], "yes", 1, 6, 1]]);
});

test("--warnings-as-errors: unsilenced warnings become errors, silenced ones stay warnings", async () => {
  const text = policy(`    # mesh-security: ignore MS2103 -- testing\n    ${STAGING}\n  other:\n    ${STAGING}\n`);
  const strict = await compileText(text, { strictness: { warningsAsErrors: true } });
  assert.equal(strict.diagnostics.map((d) => [d.code, d.severity, d.suppressed !== undefined]), [["MS2103", "warning", true], ["MS2103", "error", false]]);
  const lax = await compileText(text);
  assert.equal(lax.diagnostics.map((d) => d.severity), ["warning", "warning"]);
});

test("text and github hide silenced findings and count them; json lists them with the reason", async () => {
  const text = policy(`    ${STAGING} # mesh-security: ignore MS2103 -- testing\n`);
  const result = await compileText(text);
  const file = result.diagnostics[0]?.file ?? "";
  const sources = new Map([[file, text]]);
  assert.is(formatDiagnostics(result.diagnostics, "text", sources), "0 errors, 0 warnings (1 suppressed by comments; --format json lists them)\n");
  assert.is(formatDiagnostics(result.diagnostics, "github", sources), "");
  const json = JSON.parse(formatDiagnostics(result.diagnostics, "json", sources)) as Array<{ code: string; suppressed?: { reason: string; line: number } }>;
  assert.equal(json.map((d) => [d.code, d.suppressed]), [["MS2103", { reason: "testing", line: 7 }]]);
});

test.run();
