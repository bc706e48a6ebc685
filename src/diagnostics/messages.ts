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

  // ---- 20xx core semantic rules, suppression comments (2018-2020) ----
  MS2003: (issuer: string, nearest?: string) => said("MS2003", `issuer \`${issuer}\` is not declared under \`issuers\``, closest(nearest)),
  MS2004: (authority: string, nearest?: string) => said("MS2004", `authority \`${authority}\` is not declared under \`authorities\``, closest(nearest)),
  /** The bootstrap issuer of a CA cert-manager makes is of another type, or namespaced. */
  MS2017: (authority: string, issuer: string, wrong: { type: string } | { namespace: string }) =>
    said(
      "MS2017",
      `authority \`${authority}\` is bootstrapped by \`${issuer}\`, ${"type" in wrong ? `a ${wrong.type} issuer` : `a namespaced Issuer (in ${wrong.namespace})`}; a CA that cert-manager makes needs a selfSigned ClusterIssuer`,
      "type" in wrong ? "declare an issuer with `selfSigned: {}` and no namespace, and name it in `certManager.issuer`" : "drop `namespace` from that issuer",
    ),

  // ---- 21xx cert-manager, routes, reloader ----

  // ---- 22xx service mesh and TLS ----

  // ---- 23xx CA material, rotation, team and GitOps rules ----

  // ---- 24xx Knative ----

  // ---- 26xx workloads and callers ----

  // ---- 3xxx CA material ----

  // ---- 4xxx output ----

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
