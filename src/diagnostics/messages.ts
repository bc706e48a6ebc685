import { CODES, type DiagnosticCode } from "./codes.js";
import type { Diagnostic, LinePos } from "./diagnostic.js";

/**
 * What one diagnostic says: its code, its message and its hint. Only the constructors of `say`
 * build one, a constructor per code, so a code reads the same wherever it is raised (istio's
 * `msg.New…`, TypeScript's diagnostic message table). Call sites pass the facts (names, paths, the
 * operating system's reason), never a sentence. `codes.ts` holds what the docs print of a code
 * (severity, title, summary, fix); the two tables have one key set, which the type below checks.
 */
export interface Said<C extends DiagnosticCode = DiagnosticCode> {
  code: C;
  message: string;
  hint?: string;
}

/** A constructor for every code, each returning its own code. */
type Constructors = { [C in DiagnosticCode]: (...args: never) => Said<C> };

function said<C extends DiagnosticCode>(code: C, message: string, hint?: string): Said<C> {
  return hint === undefined ? { code, message } : { code, message, hint };
}

/** "did you mean `x`?" for the closest known name, or no hint. */
function closest(name: string | undefined): string | undefined {
  return name === undefined ? undefined : `did you mean \`${name}\`?`;
}

/** The message table. Entries are in code order; arguments are facts, the words are here. */
export const say = {
  // ---- 1xxx load and schema (10xx), fleets (102x) ----
  /** A YAML syntax error: yaml's own words (`yaml`), or what src/load/syntax-hints.ts and syntax-repair.ts read in it. */
  MS1001: (problem: YamlSyntax) => said("MS1001", ...syntaxWords(problem)),
  /**
   * An unknown key in the map at `at` (a formatted path, "" for the top level). `fix`: the enclosing map
   * takes the key (`above`, "" for the top level; `parent` is the key it was written under), a close
   * known key, the sibling map that owns it, or the keys the map knows.
   */
  MS1002: (key: string, at: string, fix?: { above: string; parent: string } | { suggestion: string } | { owner: string } | { known: readonly string[] }) =>
    said(
      "MS1002",
      `unknown key \`${key}\` in ${where(at)}`,
      fix === undefined
        ? undefined
        : "above" in fix
          ? `\`${key}\` belongs to ${fix.above === "" ? "the top level of the policy" : `\`${fix.above}\``}, not to \`${fix.parent}\`: dedent it to the column of \`${fix.parent}:\``
          : "suggestion" in fix
            ? closest(fix.suggestion)
            : "owner" in fix
              ? `\`${key}\` belongs under \`${fix.owner}:\`? indent it to that map's keys`
              : fix.known.length > 0
                ? `known keys: ${fix.known.join(", ")}`
                : undefined,
    ),
  MS1003: (missing: string, at: string) => said("MS1003", `missing required key \`${missing}\` in ${where(at)}`),
  /**
   * The value at `at` has the wrong type: `types` are Ajv's `params.type` names (object, array, …), `key` the
   * last path segment (for the quoting hint). `{ ajv }`: a keyword with no better fact, Ajv's own message.
   */
  MS1004: (at: string, wrong: { types: readonly string[]; value: unknown; key: string | number | undefined } | { ajv: string | undefined }) =>
    "ajv" in wrong
      ? said("MS1004", `${where(at)} ${wrong.ajv ?? "is invalid"}`)
      : said("MS1004", `${where(at)} must be ${wrong.types.map((t) => TYPE_NAMES[t] ?? t).join(" or ")}, not ${describeValue(wrong.value)}`, wrong.types.includes("string") ? quoteHint(wrong.key, wrong.value) : undefined),
  /** A name used as a map key that is reserved; or a value outside the allowed ones (`suggestion`: the closest). */
  MS1005: (at: string, wrong: { reserved: string } | { value: unknown; allowed: readonly string[]; suggestion?: string | undefined }) =>
    "reserved" in wrong
      ? said("MS1005", `\`${wrong.reserved}\` is reserved and cannot be used as a name here`)
      : said("MS1005", `${where(at)} is ${JSON.stringify(wrong.value)}; allowed: ${wrong.allowed.join(", ")}`, closest(wrong.suggestion)),
  /**
   * A map key or a value that does not match its pattern or format. `rule`: what the pattern means in words
   * (src/validate/pattern-words.ts) or the format's name; without one, the pattern itself is shown.
   */
  MS1006: (at: string, wrong: { key: string; rule?: string | undefined } | { value: unknown; rule: string } | { value: unknown; pattern: string }) =>
    said(
      "MS1006",
      "key" in wrong
        ? `\`${wrong.key}\` is not a valid ${wrong.rule ?? "name"}`
        : `${where(at)} ${JSON.stringify(wrong.value)} is not a valid ${"rule" in wrong ? wrong.rule : `value (pattern ${wrong.pattern})`}`,
    ),
  /** A bound (minimum, maxLength, uniqueItems, …): Ajv's own message ("must be >= 1") states the bound, and is the only fact. */
  MS1007: (at: string, ajv: string | undefined) => said("MS1007", `${where(at)} ${ajv ?? "is out of range"}`),
  /**
   * A value a `not` refuses; a choice of keys (`names`, each `a + b`) of which `present` are set; or no branch
   * of a choice fits (`suggestion`: the closest value one of its branches allows).
   */
  MS1008: (at: string, wrong: "not allowed" | "no form" | { names: readonly string[]; present: readonly string[]; exactly: boolean }, suggestion?: string) =>
    said(
      "MS1008",
      wrong === "not allowed"
        ? `${where(at)} has a value that is not allowed here`
        : wrong === "no form"
          ? `${where(at)} does not match any allowed form`
          : wrong.present.length > 1
            ? `${where(at)} sets ${wrong.present.map((p) => `\`${p}\``).join(" and ")}; set ${wrong.exactly ? "exactly" : "at least"} one of ${wrong.names.map((n) => `\`${n}\``).join(", ")}`
            : `${where(at)} must set ${wrong.exactly ? "exactly" : "at least"} one of ${wrong.names.map((n) => `\`${n}\``).join(", ")}`,
      closest(suggestion),
    ),
  MS1009: (size: number, limit: number) => said("MS1009", `policy file is ${size} bytes; the limit is ${limit} bytes`),
  MS1010: (problem: { expandsBeyond: number } | "recursive") =>
    said("MS1010", problem === "recursive" ? "an alias refers to the node that contains it (a recursive structure)" : `anchors and aliases expand beyond ${problem.expandsBeyond} nodes`),
  MS1011: (feature: "more documents" | "key not a string" | { tag: string }) =>
    said(
      "MS1011",
      feature === "more documents" ? "the policy file must hold exactly one YAML document" : feature === "key not a string" ? "map keys must be plain strings" : `custom YAML tag ${feature.tag} is not supported`,
    ),
  /** `reason`: why the file cannot be read (no such file, permission denied, the OS code, git's message). */
  MS1012: (file: string, reason: string) => said("MS1012", `cannot read ${file}: ${reason}`),
  /** Another `apiVersion` or `kind` (`at`), with the one value allowed. */
  MS1013: (at: string, value: unknown, allowed: readonly string[], suggestion?: string) =>
    said("MS1013", `${where(at)} is ${JSON.stringify(value)}; allowed: ${allowed.join(", ")}`, closest(suggestion)),
  /** Flow brackets deeper than `limit` (the likely unclosed `bracket` opens on `line`), or block collections. */
  MS1014: (limit: number, unclosed?: { bracket: string; line: number }) =>
    unclosed === undefined
      ? said("MS1014", `collections nest deeper than ${limit} levels`)
      : said("MS1014", `brackets nest deeper than ${limit} levels`, `the \`${unclosed.bracket}\` on line ${unclosed.line} is probably never closed`),
  MS1015: () => said("MS1015", "the policy file is empty: it holds no YAML document, only comments or blank lines", "run `mesh-security init` for a commented starter policy"),
  /** `chain`: the files from the one extended again to `next`; `closer`: the file whose `extends` may close the loop. */
  MS1020: (file: string, next: string, chain: readonly string[], closer: string) =>
    said("MS1020", `${file} extends ${next}, which is already in its chain: ${chain.join(" → ")}`, `remove the \`extends\` that closes the loop (in ${file} or ${closer})`),
  /** The base `file` that `from` extends cannot be read (`reason`), or is not a map. */
  MS1021: (file: string, from: string, reason?: string) =>
    reason === undefined
      ? said("MS1021", `${file}, which ${from} extends, is not a policy (its document is not a map)`)
      : said("MS1021", `cannot read ${file}, which ${from} extends: ${reason}`, "the path is relative to the file that holds `extends`"),
  /**
   * A misused `$remove`: not `true`; beside keys other than the entry's `identity`; matching no entry of the
   * base's `list` (`entry`: the identity written, "" when none); or outside an overlay's keyed lists.
   */
  MS1022: (
    misuse:
      | "not true"
      | "removes nothing"
      | { ignored: readonly string[]; identity: readonly string[] }
      | { list: string; identity: readonly string[]; entry: string },
  ) =>
    misuse === "not true"
      ? said("MS1022", "`$remove` takes only `true` (drop the matching entry of the base)", "to keep the entry, delete the `$remove` key")
      : misuse === "removes nothing"
        ? said(
            "MS1022",
            "`$remove` removes nothing here: only an entry of `services` or `caBundles` in a file with `extends` drops the matching entry of its base",
            "delete the entry (or the key); to remove a map key in an overlay, set it to `null`",
          )
        : "ignored" in misuse
          ? said(
              "MS1022",
              `an entry with \`$remove: true\` is dropped, so its ${misuse.ignored.map((k) => `\`${k}\``).join(", ")} would be ignored`,
              `keep only ${misuse.identity.map((k) => `\`${k}\``).join(", ")} and \`$remove\``,
            )
          : said(
              "MS1022",
              `\`$remove: true\` matches no entry of the base's \`${misuse.list}\` (by ${misuse.identity.join(", ")}): ${misuse.entry || "(no identity)"}`,
              "correct the name or namespace, or delete this entry",
            ),
  /** `value`: what `extends` holds instead of a relative path. */
  MS1023: (value: unknown) =>
    said(
      "MS1023",
      `\`extends\` must be a relative path to the base policy, not ${typeof value === "string" ? JSON.stringify(value) : value === null ? "null" : `a ${Array.isArray(value) ? "list" : typeof value}`}`,
      "e.g. `extends: ../../base/mesh-security.yaml` (relative to this file)",
    ),
  MS1024: (file: string) =>
    said(
      "MS1024",
      `${file} extends another policy: ca rotate edits one file in place and cannot move an authority declared across an \`extends\` chain`,
      "edit each phase by hand (docs/rotation.md), or declare the authority, its issuers and `rotation` in this file without a shared base",
    ),


  // ---- 20xx core semantic rules, suppression comments (2018-2020) ----
  MS2003: (issuer: string, nearest?: string) => said("MS2003", `issuer \`${issuer}\` is not declared under \`issuers\``, closest(nearest)),
  MS2004: (authority: string, nearest?: string) => said("MS2004", `authority \`${authority}\` is not declared under \`authorities\``, closest(nearest)),
  /**
   * Secret material in the policy: a PEM private key, or a literal under the credential key `key`. `refs`:
   * the `…SecretRef` keys the map `map` ("" for the top level) takes instead, when it takes no `<key>SecretRef`.
   */
  MS2008: (found: "private key" | { key: string; refs?: { map: string; keys: readonly string[] } }) =>
    found === "private key"
      ? said("MS2008", "a PEM private key is written inline in the policy", "keep keys out of Git: reference a Secret instead")
      : said(
          "MS2008",
          `\`${found.key}\` holds a literal credential; the policy must only reference Secrets`,
          found.refs === undefined
            ? `store it in a Secret and write \`${found.key}SecretRef: { name: <secret>, key: <key> }\``
            : found.refs.keys.length > 0
              ? `remove it and store the value in a Secret; ${found.refs.map === "" ? "the policy" : `\`${found.refs.map}\``} references Secrets with ${found.refs.keys.map((r) => `\`${r}\``).join(", ")}`
              : `remove it: ${found.refs.map === "" ? "the policy" : `\`${found.refs.map}\``} takes no credential (keep credentials in Secrets, outside the policy)`,
        ),
  /** The bootstrap issuer of a CA cert-manager makes is of another type, or namespaced. */
  MS2017: (authority: string, issuer: string, wrong: { type: string } | { namespace: string }) =>
    said(
      "MS2017",
      `authority \`${authority}\` is bootstrapped by \`${issuer}\`, ${"type" in wrong ? `a ${wrong.type} issuer` : `a namespaced Issuer (in ${wrong.namespace})`}; a CA that cert-manager makes needs a selfSigned ClusterIssuer`,
      "type" in wrong ? "declare an issuer with `selfSigned: {}` and no namespace, and name it in `certManager.issuer`" : "drop `namespace` from that issuer",
    ),
  MS2018: (codes: readonly string[]) =>
    said("MS2018", `the suppression of ${codes.join(", ")} gives no reason`, `say why after two dashes: # mesh-security: ignore ${codes.join(", ")} -- <why it is safe>`),
  /** `line`: the line the ignore comment applies to. */
  MS2019: (code: string, line: number) =>
    said("MS2019", `nothing to silence: no ${code} on line ${line}`, `remove the comment, or move it onto the line of the ${code} finding (or the line above it)`),
  /** An ignore comment naming no code, a code that does not exist, or a code that is no warning. */
  MS2020: (wrong: "no code" | { unknown: string } | { code: string; severity: "error" | "notice" }) =>
    wrong === "no code"
      ? said("MS2020", "this ignore comment names no diagnostic code", "write it as `# mesh-security: ignore MS2209 -- why it is safe`")
      : "unknown" in wrong
        ? said("MS2020", `${wrong.unknown} is not a mesh-security diagnostic code`, "the codes are listed in docs/diagnostics.md")
        : said(
            "MS2020",
            `${wrong.code} is ${wrong.severity === "error" ? "an error" : "a notice"}, and only warnings can be silenced`,
            wrong.severity === "error" ? "fix the error instead (its hint says how)" : "a notice never fails a run; remove the comment",
          ),

  // ---- 21xx cert-manager, routes, reloader ----

  // ---- 22xx service mesh and TLS ----

  // ---- 23xx CA material, rotation, team and GitOps rules ----
  /** ca rotate's edit of `file` for the authority `authority` fails validation, so the file is left as it was. */
  MS2316: (authority: string, file: string) => said("MS2316", `ca rotate ${authority} would write a policy that fails validation; ${file} is unchanged`),

  // ---- 24xx Knative ----

  // ---- 26xx workloads and callers ----

  // ---- 3xxx CA material ----

  // ---- 4xxx output ----
  MS4001: (dir: string) => said("MS4001", `${dir} is not empty and was not written by mesh-security`, "use an empty directory, or --force to take it over"),
  /**
   * A path the output refuses: `segments` of an object's file that are unsafe; a relative `path` and why it
   * leaves its directory (src/write/write-dir.ts checkRelativePath); the output directory `dir` itself, or
   * `inside` it, a symbolic link.
   */
  MS4002: (refused: { segments: readonly string[] } | { path: string; problem: string } | { link: string } | { linkInside: string }) =>
    "segments" in refused
      ? said("MS4002", `refusing to write ${refused.segments.join("/")}: unsafe path segment`)
      : "path" in refused
        ? said("MS4002", `refusing to write ${JSON.stringify(refused.path)}: ${refused.problem}`)
        : "link" in refused
          ? said("MS4002", `${refused.link} is a symbolic link; refusing to write through it`)
          : said("MS4002", `${refused.linkInside} in the output directory is a symbolic link; refusing to write`, "remove the link: generated files are never written through links"),
  /** What could not be done (`reason`: the operating system's): write or lock the output `dir`, record the rotation phase in `record`; or `dir` is a file. */
  MS4003: (failed: { write: string; reason: string } | { lock: string; reason: string } | { record: string; reason: string } | { notDirectory: string }) =>
    said(
      "MS4003",
      "write" in failed
        ? `cannot write ${failed.write}: ${failed.reason}; the previous output is unchanged`
        : "lock" in failed
          ? `cannot lock ${failed.lock}: ${failed.reason}; the previous output is unchanged`
          : "record" in failed
            ? `cannot record the rotation phase in ${failed.record}: ${failed.reason}`
            : `${failed.notDirectory} exists and is not a directory`,
    ),
  /**
   * The template `template` failed: `error` is Handlebars' (or yaml's, `invalidYaml` / `yamlWarning`) own
   * first line; `mismatches` name each identity field rendered otherwise than planned; `unsafe` each
   * expression that writes a value other than through `{{y value}}`.
   */
  MS4004: (
    template: string,
    failed:
      | { error: string }
      | { invalidYaml: string }
      | { yamlWarning: string }
      | "more documents"
      | "not a mapping"
      | { mismatches: ReadonlyArray<{ field: string; rendered: unknown; expected: string }> }
      | { unsafe: ReadonlyArray<{ line: number } & ({ expression: string } | { blockHelper: string } | { partial: true })> },
  ) =>
    said(
      "MS4004",
      `template ${template}: ${
        failed === "more documents"
          ? "rendered more than one YAML document"
          : failed === "not a mapping"
            ? "did not render a YAML mapping"
            : "error" in failed
              ? failed.error
              : "invalidYaml" in failed
                ? `rendered invalid YAML: ${failed.invalidYaml}`
                : "yamlWarning" in failed
                  ? `rendered YAML with warnings: ${failed.yamlWarning}`
                  : "mismatches" in failed
                    ? `rendered a different object: ${failed.mismatches.map((m) => `${m.field} ${JSON.stringify(m.rendered)} (expected ${m.expected})`).join(", ")}`
                    : `${failed.unsafe
                        .map((u) =>
                          "expression" in u ? `line ${u.line}: {{${u.expression}}}` : "blockHelper" in u ? `line ${u.line}: block helper #${u.blockHelper} is not allowed` : `line ${u.line}: partials and decorators are not allowed`,
                        )
                        .join("; ")}: values must be written with {{y value}}`
      }`,
    ),
  MS4005: (path: string, object: { kind: string; namespace?: string | undefined; name: string }) =>
    said("MS4005", `two objects would be written to ${path} (${object.kind} ${object.namespace ?? ""}/${object.name})`),
  /**
   * A template cannot be had: an `id` that is no `<family>/<kind>`; a `file` of the override directory `dir`
   * unreadable (`reason`: the OS code) or found nowhere; or the override directory unusable.
   */
  MS4006: (
    problem:
      | { invalidId: string }
      | { file: string; dir: string; reason: string }
      | { notFound: string; dir?: string | undefined }
      | { overrides: string; reason: string }
      | { overridesNotDirectory: string },
  ) =>
    said(
      "MS4006",
      "invalidId" in problem
        ? `invalid template id ${problem.invalidId}`
        : "file" in problem
          ? `template ${problem.file} in ${problem.dir} cannot be read: ${problem.reason}`
          : "notFound" in problem
            ? `template ${problem.notFound} not found${problem.dir !== undefined ? ` in ${problem.dir} nor` : ""} among the built-in templates`
            : "overrides" in problem
              ? `--templates ${problem.overrides} cannot be read: ${problem.reason}`
              : `--templates ${problem.overridesNotDirectory} is not a directory`,
    ),
  /** `pid`: the process holding the `lock` file (0 when unknown). */
  MS4007: (dir: string, pid: number, lock: string) =>
    said("MS4007", `another compile (pid ${pid === 0 ? "unknown" : pid}) is writing ${dir}`, `wait for it to finish; a lock whose process has ended (${lock}) is removed by the next run`),
  MS4008: (dir: string, old: string, reason: string) => said("MS4008", `${dir} was written, but the previous tree at ${old} cannot be removed: ${reason}`, `remove ${old} by hand`),
  /** `dir` is or holds the working directory; `parent` is where to cd to (relative), `name` the directory's base name. */
  MS4010: (dir: string, parent: string, name: string) =>
    said(
      "MS4010",
      `refusing to write ${dir}: it is the current directory or holds it, and compile replaces the whole directory, which would leave your shell in a removed one`,
      `run it from outside, e.g. cd ${parent} && mesh-security compile <policy> -o ${name}`,
    ),
  /** `close`: the built-in template whose name is closest. */
  MS4011: (dir: string, file: string, close: string | undefined) =>
    said(
      "MS4011",
      `--templates ${dir}: ${file} replaces no built-in template and is not used`,
      close !== undefined ? `did you mean ${close}?` : "name it <family>/<kind>.yaml.hbs as under the package's templates/ directory",
    ),
  /** `reason`: git's first line. */
  MS4020: (path: string, rev: string, reason: string) =>
    said(
      "MS4020",
      `cannot read ${path} at ${rev}: ${reason}`,
      "check the revision (`git rev-parse REV`) and the path; a path with `./` is taken relative to the working directory, otherwise to the repository root",
    ),
  /** A generated `file` of the output `dir` that compile would change (from `line`), or the rotation `record` (named `name`) that is not current. */
  MS4040: (stale: { file: string; status: "added" | "changed" | "removed"; line: number; dir: string } | { record: string; name: string; dir: string }) =>
    "record" in stale
      ? said("MS4040", `${stale.name} does not record the rotation phase this output distributes`, `run the same compile without --check and commit ${stale.record} with ${stale.dir}`)
      : said(
          "MS4040",
          `${stale.file} ${{ added: "is missing (compile would add it)", changed: `differs from what the policy compiles to, from line ${stale.line}`, removed: "is no longer generated (compile would remove it)" }[stale.status]}`,
          `run the same compile without --check and commit ${stale.dir}`,
        ),
  /** A staging directory that cannot be removed: this run's `unfinished` copy, or one a dead compile `left` beside `dir`. */
  MS4050: (staging: { unfinished: string; reason: string } | { left: string; dir: string; reason: string }) =>
    "unfinished" in staging
      ? said("MS4050", `the unfinished copy ${staging.unfinished} cannot be removed: ${staging.reason}`, `remove ${staging.unfinished} by hand (the next compile also tries)`)
      : said(
          "MS4050",
          `a compile that no longer runs left ${staging.left} beside ${staging.dir}, and it cannot be removed: ${staging.reason}`,
          `remove ${staging.left} by hand (it holds an unfinished copy of the output, nothing else), then compile again`,
        ),
  /** Something other than a directory at the moved-aside name `old` beside `dir`. */
  MS4051: (old: string, dir: string, link: boolean) =>
    said(
      "MS4051",
      `${old} beside ${dir} is ${link ? "a symbolic link" : "not a directory"}; mesh-security keeps the previous output there during a swap and never follows or moves anything else found there`,
      `remove ${old} (mesh-security did not make it), then compile again`,
    ),
  /** Private keys would reach the output `dir`: a `foreign` file there holds one, or a key directory (`what`, at `path`) lies inside it. */
  MS4052: (dir: string, keys: { foreign: string } | { what: string; path: string }) =>
    "foreign" in keys
      ? said(
          "MS4052",
          `${dir} holds ${keys.foreign}, which mesh-security did not write and which holds a private key; refusing to carry it into the output (it is committed and synced by Argo CD)`,
          `move ${keys.foreign} out of ${dir} (and rotate the key if it was ever committed), then compile again`,
        )
      : said(
          "MS4052",
          `refusing to compile into ${dir}: ${keys.what} ${keys.path} lies inside it, so CA private keys would be written into the output directory (and so into Git and Argo CD)`,
          "keep --secrets-dir and --state-dir outside the output directory (the default Secrets directory is <state-dir>/private/secrets)",
        ),

  // ---- 5xxx verify: behaviour on the cluster ----
} satisfies Partial<Constructors>;

/** Where a diagnostic points: the file, the path into its document, and the range when known. */
export interface Place {
  file: string;
  path?: (string | number)[];
  range?: { start: LinePos; end: LinePos };
}

/** A placed diagnostic: what was said, where, and the severity of its code from the code table. */
export function diagnostic(what: Said, where: Place): Diagnostic {
  return { ...what, severity: CODES[what.code].severity, file: where.file, path: where.path ?? [], ...(where.range ? { range: where.range } : {}) };
}

// ---- words the load and schema entries (1xxx) share ----

/**
 * A YAML syntax error, as loading reads it. `yaml`: yaml's first line, as is (`tab`: it is a TAB_AS_INDENT).
 * Keys are given with their 0-based `column`; `line` numbers are 1-based.
 */
export type YamlSyntax =
  | { yaml: string; tab?: true }
  | "nests too deeply"
  | "tab after dash"
  | { unresolvedAlias: string }
  | { indentedDeeper: string; above: { key: string; column: number } }
  | { between: { key: string; column: number }; inner?: { key: string; column: number } | undefined; outer?: { key: string; column: number } | undefined }
  | {
      /** The line's own key, if any; `column`: where it most likely belongs; `like`: what it aligns with there. */
      tabs: number;
      key: string | undefined;
      column: number;
      like: "item above" | "line above" | { key: string; column: number; opens: boolean } | undefined;
    }
  | { unclosed: "{" | "["; line: number; closeOnLine: number; afterEntries: boolean };

/** The message and hint of a YAML syntax error. */
function syntaxWords(p: YamlSyntax): [string, string?] {
  if (p === "nests too deeply") return ["the document nests too deeply to be read", "look for a `{` or `[` that is never closed"];
  if (p === "tab after dash") return ["a tab follows the list item's `-`; YAML indents with spaces only", "replace the tab after `-` with a space"];
  if ("yaml" in p) return p.tab ? [p.yaml, "indent with spaces: YAML does not allow tabs in indentation"] : [p.yaml];
  if ("unresolvedAlias" in p) return [`alias *${p.unresolvedAlias} is used before its anchor &${p.unresolvedAlias} is set`, `set \`&${p.unresolvedAlias}\` on a node above this line, or write the value out`];
  if ("indentedDeeper" in p) {
    return [`\`${p.indentedDeeper}\` is indented deeper than \`${p.above.key}\` above it, whose value is already set`, `align \`${p.indentedDeeper}\` with \`${p.above.key}\` (column ${p.above.column + 1})`];
  }
  if ("between" in p) {
    const choices = [
      ...(p.inner ? [`with \`${p.inner.key}\` (column ${p.inner.column + 1}) to keep it in that map`] : []),
      ...(p.outer ? [`with \`${p.outer.key}\` (column ${p.outer.column + 1}) to end the map`] : []),
    ];
    const message = `\`${p.between.key}\` starts at column ${p.between.column + 1}, between two indentation levels`;
    return choices.length > 0 ? [message, `align it ${choices.join(", or ")}`] : [message];
  }
  if ("tabs" in p) {
    const what = p.key !== undefined ? `\`${p.key}\`` : "this line";
    const like = p.like;
    const relation =
      like === "item above"
        ? ", level with the `-` of the list item above it"
        : like === "line above"
          ? ", level with the line above"
          : like === undefined
            ? ""
            : like.opens
              ? `, two deeper than \`${like.key}\` (column ${like.column + 1}) above it`
              : `, level with \`${like.key}\` above it`;
    return [
      `the indentation of ${what} holds ${p.tabs === 1 ? "a tab" : `${p.tabs} tabs`}; YAML indents with spaces only`,
      `replace the indentation with ${p.column} space${p.column === 1 ? "" : "s"} (${what} at column ${p.column + 1}${relation})`,
    ];
  }
  return [`the \`${p.unclosed}\` on line ${p.line} is never closed`, `add \`${p.unclosed === "{" ? "}" : "]"}\` ${p.afterEntries ? "after the last entry, " : ""}at the end of line ${p.closeOnLine}`];
}

/** The map at a formatted path ("" for the top level), as a message names it. */
function where(at: string): string {
  return at === "" ? "the policy" : `\`${at}\``;
}

/** Ajv's JSON type names, as a message says them. */
const TYPE_NAMES: Readonly<Record<string, string>> = { object: "a map", array: "a list", string: "a string", integer: "an integer", number: "a number", boolean: "true or false", null: "null" };

/** A value as a message describes what was found. */
function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return `${typeof value === "string" ? "a string" : typeof value === "number" ? "a number" : typeof value === "boolean" ? "a boolean" : typeof value} (${JSON.stringify(value)})`;
}

/**
 * A number or boolean where a string is wanted: YAML read the unquoted text as one, so the hint is to quote
 * it. A decimal has lost its trailing zeros on the way (4.20 is the number 4.2), so the hint says so rather
 * than suggest the value as read.
 */
function quoteHint(key: string | number | undefined, value: unknown): string | undefined {
  if (typeof value !== "number" && typeof value !== "boolean") return undefined;
  if (typeof value === "number" && !Number.isInteger(value)) {
    // What was written is 4.2, 4.20 or 4.200...; the likeliest mistake is a version whose zero was lost.
    const example = typeof key === "string" ? `\`${key}: "${String(value)}0"\`` : `\`"${String(value)}0"\``;
    return `quote it exactly as you mean it, e.g. ${example}: unquoted, YAML reads it as the number ${String(value)} and drops trailing zeros (4.20 reads as 4.2)`;
  }
  const written = typeof key === "string" ? `\`${key}: "${String(value)}"\`` : `\`"${String(value)}"\``;
  return `quote it: ${written} (unquoted, YAML reads it as ${typeof value === "number" ? "a number" : "true or false"})`;
}
