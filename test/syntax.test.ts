import { test } from "uvu";
import * as assert from "uvu/assert";
import { say } from "../src/diagnostics/messages.js";
import { explainSyntaxError, findFlowTooDeep } from "../src/load/syntax-hints.js";
import { Lines } from "../src/util/lines.js";
import { compileText, HEADER } from "./helpers/policy.js";

type Want = { at: [number, number]; code: string; hint?: RegExp; message?: RegExp };

// One diagnostic per problem, where the user has to edit, with the fix as a hint.
const cases: Array<[string, { given: string; want: Want[] }]> = [
  ["a tab", { given: "apiVersion: mesh-security/v1alpha1\nkind: MeshSecurityPolicy\nmetadata:\n\tname: shop\nmtls: {}\n", want: [{ at: [4, 1], code: "MS1001", message: /indentation of `name` holds a tab/, hint: /^replace the indentation with 2 spaces \(`name` at column 3, two deeper than `metadata`/ }] }],
  // The original failure: yaml gave six errors after the tab, whose hints (align with the tab-indented key) made it worse.
  [
    "a tab in a list entry, siblings after it",
    {
      given: `${HEADER}services:\n  - name: a\n\tnamespace: b\n    exposure: internal\n  - name: c\n    namespace: d\n`,
      want: [{ at: [7, 1], code: "MS1001", hint: /^replace the indentation with 4 spaces \(`namespace` at column 5, level with `name` above it\)$/ }],
    },
  ],
  [
    "a tab under a key that opens a map, siblings after it",
    {
      given: `${HEADER}services:\n  - name: a\n    namespace: b\n    certificate:\n\tmountPath: /tls\n    exposure: internal\n  - name: c\n    namespace: d\n`,
      want: [{ at: [9, 1], code: "MS1001", hint: /with 6 spaces \(`mountPath` at column 7, two deeper than `certificate`/ }],
    },
  ],
  [
    "two tabs and a mistake of another kind: each once, at its line",
    {
      given: `${HEADER}services:\n  - name: a\n\tnamespace: b\n  - name: c\n\t\tnamespace: d\n  - name: e\n    namespace: f\n      exposure: internal\n`,
      want: [
        { at: [7, 1], code: "MS1001", message: /holds a tab/ },
        { at: [9, 1], code: "MS1001", message: /holds 2 tabs/, hint: /with 4 spaces/ },
        { at: [12, 7], code: "MS1001", hint: /align `exposure` with `namespace` \(column 5\)/ },
      ],
    },
  ],
  [
    "tabs before list items: each `-` lines up with the item above",
    {
      given: `${HEADER}services:\n\t- name: a\n\t  namespace: b\n\t- name: c\n\t  namespace: d\n`,
      want: [
        { at: [6, 1], code: "MS1001", hint: /with 2 spaces \(`name` at column 3, two deeper than `services`/ },
        { at: [7, 1], code: "MS1001", hint: /with 4 spaces/ },
        { at: [8, 1], code: "MS1001", hint: /with 2 spaces \(`name` at column 3, level with the `-` of the list item above it\)/ },
        { at: [9, 1], code: "MS1001", hint: /with 4 spaces/ },
      ],
    },
  ],
  ["a tab after a list item's `-`", { given: `${HEADER}services:\n  -\tname: a\n    namespace: b\n`, want: [{ at: [6, 3], code: "MS1001", hint: /^replace the tab after `-` with a space$/ }] }],
  // yaml reads `  <tab>key` as a key at column 4 (BAD_INDENT, not TAB_AS_INDENT): still the tab's problem.
  [
    "a tab after spaces",
    { given: `${HEADER}services:\n  - name: a\n  \tnamespace: b\n    exposure: internal\n`, want: [{ at: [7, 1], code: "MS1001", message: /holds a tab/, hint: /with 4 spaces/ }] },
  ],
  [
    "tabs in a block scalar's text",
    {
      given: `${HEADER}  annotations:\n    note: |\n\tsome text\n\tmore text\nservices: []\n`,
      want: [
        { at: [7, 1], code: "MS1001", hint: /^replace the indentation with 6 spaces \(this line at column 7, two deeper than `note`/ },
        { at: [8, 1], code: "MS1001", hint: /^replace the indentation with 6 spaces \(this line at column 7, level with the line above\)$/ },
      ],
    },
  ],
  // yaml noticed the unclosed bracket at the next service's line; the mistake is on the line before.
  [
    "an unclosed [ before the next list entry",
    {
      given: `${HEADER}services:\n  - name: a\n    namespace: b\n    reloadOnRotation: [deployment/a\n  - name: c\n    namespace: d\n`,
      want: [{ at: [8, 23], code: "MS1001", message: /^the `\[` on line 8 is never closed$/, hint: /^add `\]` at the end of line 8$/ }],
    },
  ],
  [
    "an unclosed { in a flow list entry, and at the end of the file",
    { given: `${HEADER}services:\n  - { name: a, namespace: b\n  - { name: c, namespace: d }\n`, want: [{ at: [6, 5], code: "MS1001", hint: /^add `\}` at the end of line 6$/ }] },
  ],
  [
    "an unclosed [ over several lines, with a comment",
    {
      given: `${HEADER}services:\n  - name: a\n    namespace: b\n    reloadOnRotation: [deployment/a,\n      deployment/b  # the worker\n\n  - name: c\n    namespace: d\n`,
      want: [{ at: [8, 23], code: "MS1001", hint: /^add `\]` after the last entry, at the end of line 9$/ }],
    },
  ],
  [
    "a key indented deeper than its sibling",
    { given: `${HEADER}services:\n  - name: a\n    namespace: b\n      exposure: internal\n`, want: [{ at: [8, 7], code: "MS1001", hint: /align `exposure` with `namespace` \(column 5\)/ }] },
  ],
  [
    "a key between two indentation levels",
    {
      given: `${HEADER}services:\n  - name: a\n    namespace: b\n    certificate:\n      duration: 2160h\n     issuer: internal\n`,
      want: [{ at: [10, 6], code: "MS1001", hint: /with `duration` \(column 7\) to keep it in that map, or with `certificate` \(column 5\)/ }],
    },
  ],
  // Valid YAML, but the key left its map: the schema finding says where it belongs.
  [
    "a key dedented out of its map",
    {
      given: `${HEADER}issuers:\n  internal: { selfSigned: {} }\nservices:\n  - name: a\n    namespace: b\n    certificate:\n      duration: 2160h\n    issuer: internal\n`,
      want: [{ at: [12, 5], code: "MS1002", hint: /`issuer` belongs under `certificate:`/ }],
    },
  ],
  [
    "an unclosed bracket before hundreds of flow entries",
    {
      given: `${HEADER}services:\n  - { name: x, namespace: y\n${Array.from({ length: 3000 }, (_, i) => `  { k${i}: v,\n`).join("")}`,
      want: [{ at: [70, 3], code: "MS1014", message: /nest deeper than 64/, hint: /`\{` on line 6 is probably never closed/ }],
    },
  ],
  // The shape that gave 38 "Maximum call stack size exceeded" diagnostics: one broken line, then entries never closed.
  [
    "a broken line, then hundreds of unclosed flow maps",
    {
      given: `${HEADER}services:\n  - name: a\n    namespace: b\n   broken: line\n${Array.from({ length: 1500 }, (_, i) => `  - {name: s${i}, namespace: demo,\n`).join("")}`,
      want: [{ at: [73, 5], code: "MS1014", hint: /`\{` on line 9 is probably never closed/ }],
    },
  ],
  // The cause, once; not the consequence (`mountPath` without a `workload`) before it.
  [
    "a key nested one level too deep",
    {
      given: `${HEADER}services:\n  - name: a\n    namespace: b\n    certificate:\n      mountPath: /tls\n      workload: { kind: Deployment, name: a, container: a }\n`,
      want: [{ at: [10, 7], code: "MS1002", hint: /`workload` belongs to `services\[0\]`, not to `certificate`/ }],
    },
  ],
  [
    "a key nested too deep, with a mistake inside it, reported where it is written",
    {
      given: `${HEADER}services:\n  - name: a\n    namespace: b\n    certificate:\n      mountPath: /tls\n      workload: { kind: Deployment, name: a, container: a, replicas: 2 }\n`,
      want: [
        { at: [10, 7], code: "MS1002", hint: /belongs to `services\[0\]`/ },
        { at: [10, 60], code: "MS1002", message: /unknown key `replicas`/ },
      ],
    },
  ],
  [
    "a path that fails its pattern is explained in words",
    {
      given: `${HEADER}services:\n  - name: a\n    namespace: b\n    workload: { kind: Deployment, name: a, container: a }\n    certificate:\n      mountPath: tls/certs\n`,
      want: [{ at: [10, 18], code: "MS1006", message: /"tls\/certs" is not a valid absolute path: starts with '\/'/ }],
    },
  ],
  // 4.20 unquoted is the number 4.2: the rules that read the version do not report what 4.2 would mean.
  [
    "a version read as a decimal, with a rule that reads it",
    {
      given: `${HEADER}platform:\n  openshift: 4.20\n  routeCertificates: external-certificate\nissuers:\n  i: { selfSigned: {} }\nservices:\n  - { name: web, namespace: shop, exposure: external, host: web.example.com, routeCertificate: { issuer: i } }\n`,
      want: [{ at: [6, 14], code: "MS1004", hint: /quote it exactly as you mean it/ }],
    },
  ],
];

for (const [name, { given, want }] of cases) {
  test(`syntax: ${name}`, async () => {
    const result = await compileText(given);
    assert.is(result.diagnostics.length, want.length, JSON.stringify(result.diagnostics.map((d) => d.message)));
    for (const [i, w] of want.entries()) {
      const d = result.diagnostics[i];
      assert.equal([d?.code, d?.range?.start.line, d?.range?.start.column], [w.code, ...w.at]);
      if (w.hint) assert.match(d?.hint ?? "", w.hint);
      if (w.message) assert.match(d?.message ?? "", w.message);
      assert.not.match(d?.message ?? "", /pattern \^/);
      assert.not.match(d?.message ?? "", /call stack/);
    }
  });
}

// The hint is the edit: done by hand as it says, the file has no syntax error left.
function applySyntaxHint(text: string, line: number, hint: string): string {
  const lines = text.split("\n");
  const tab = /^replace the indentation with (\d+) spaces?/.exec(hint);
  const close = /^add `(.)` (?:after the last entry, )?at the end of line (\d+)$/.exec(hint);
  if (/^replace the tab after `-` with a space$/.test(hint)) lines[line - 1] = (lines[line - 1] ?? "").replace(/-[ \t]+/, "- ");
  else if (tab) lines[line - 1] = " ".repeat(Number(tab[1])) + (lines[line - 1] ?? "").replace(/^[ \t]+/, "");
  else if (close) {
    const n = Number(close[2]) - 1;
    const [content = "", comment = ""] = (lines[n] ?? "").split(/(?=\s+#)/);
    lines[n] = content.replace(/\s+$/, "") + close[1] + comment;
  } else throw new Error(`not an edit: ${hint}`);
  return lines.join("\n");
}

for (const [name, { given }] of cases.filter(([n]) => /tab|unclosed \[|unclosed \{/.test(n) && !/hundreds/.test(n))) {
  test(`syntax: doing what the hints say fixes ${name}`, async () => {
    let text = given;
    const hinted = (await compileText(text)).diagnostics.filter((d) => d.code === "MS1001" && /^(replace the|add `)/.test(d.hint ?? ""));
    assert.ok(hinted.length > 0);
    for (const d of hinted) text = applySyntaxHint(text, d.range?.start.line ?? 0, d.hint ?? "");
    const after = (await compileText(text)).diagnostics.filter((d) => d.code === "MS1001" && d.range && hinted.some((h) => h.range?.start.line === d.range?.start.line));
    assert.equal(after.map((d) => d.message), []);
  });
}

test("syntax: the yaml cascade of one broken line yields one diagnostic per line", async () => {
  const result = await compileText(`${HEADER}services:\n  - name: a\n    namespace: b\n      exposure: internal\n      host: x\n`);
  const lines = result.diagnostics.map((d) => d.range?.start.line);
  assert.equal(lines, [...new Set(lines)]);
  assert.ok(result.diagnostics.length >= 1);
});

test("flow depth scan ignores brackets in quoted scalars and comments", () => {
  assert.is(findFlowTooDeep(`a: "${"{".repeat(100)}" # ${"[".repeat(100)}\nb: '${"[".repeat(100)}'\n`, 64), undefined);
  assert.equal(findFlowTooDeep(`a: ${"[".repeat(70)}`, 64), { offset: 3 + 64, opener: 3 });
});

test("a stack overflow inside yaml's composer never reaches the user as such", () => {
  const problem = explainSyntaxError({ code: "RESOURCE_EXHAUSTION", message: "Maximum call stack size exceeded", pos: [0, 1] }, new Lines("a: b\n"));
  const said = say.MS1001(problem.syntax);
  assert.is(said.message, "the document nests too deeply to be read");
  assert.match(said.hint ?? "", /never closed/);
});

test("line index by binary search", () => {
  const lines = new Lines("a\nbb\n\nccc");
  assert.equal([0, 1, 2, 4, 5, 6, 9].map((o) => lines.indexOf(o)), [0, 0, 1, 1, 2, 3, 3]);
  assert.is(lines.line(1), "bb");
  assert.is(lines.line(3), "ccc");
});

test.run();
