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
  /** `label` says which certificate: the root, or the signing CA (the intermediate when there is one). */
  MS2301: (authority: string, label: "root" | "signing CA", daysLeft: number, validityDays: number) =>
    said("MS2301", `the ${label} certificate of authority \`${authority}\` expires in ${daysLeft} days, inside its rotation window (the last half of ${validityDays} days)`, `start a rotation: mesh-security ca rotate ${authority}`),
  MS2302: (authority: string, keyAlgorithm: string, bits: number) =>
    said("MS2302", `authority \`${authority}\` uses ${keyAlgorithm} (${bits}-bit strength), weaker than the modern TLS profile's 128 bits`, "use ECDSA-P256 or stronger"),
  /**
   * Secrets of an authority whose keys are absent: SealedSecrets kept though sealed for another certificate
   * (`current`: the one named now), or the Secrets of `authority`, `kept` saying whether all, some or none
   * keep their previous SealedSecret ("unsealed": output.secrets is not sealed, none is written).
   */
  MS2303: (what: { secrets: readonly string[]; current: string } | { authority: string; secrets: readonly string[]; kept: "all" | "some" | "none" | "unsealed" }) =>
    "current" in what
      ? said(
          "MS2303",
          `the SealedSecret(s) ${what.secrets.join(", ")} were sealed for another controller certificate or scope than output.sealedSecrets names (now ${what.current}); without the CA keys they cannot be re-sealed and are kept as they are`,
          "compile once where the CA keys are (private/<authority>/) to re-seal them, and commit the output",
        )
      : said(
          "MS2303",
          `no private keys for authority \`${what.authority}\` in this checkout (no private/${what.authority}/): the Secret(s) ${what.secrets.join(", ")} ${KEYLESS_OUTCOME[what.kept]}`,
          `fine in a clone or in CI; to write them, restore private/${what.authority}/ from the team's key store`,
        ),
  MS2304: (secrets: readonly string[]) =>
    said(
      "MS2304",
      `output.secrets is inline: ${secrets.length} Secret(s) with CA private keys (${secrets.join(", ")}) are written in plain text into the output directory, and so into Git`,
      "use `secrets: sealed` with the sealed-secrets controller's certificate, or `separate`",
    ),
  /** `meshWithoutCa`: a service mesh is on but names no CA, the likely use of this authority. */
  MS2305: (authority: string, meshWithoutCa: boolean) =>
    said(
      "MS2305",
      `authority \`${authority}\` is not used: no CA issuer, service mesh or trust bundle refers to it`,
      meshWithoutCa ? `did you mean \`platform.serviceMesh.certificateAuthority: ${authority}\`?` : `refer to it from an issuer (\`ca: { authority: ${authority} }\`), or remove it`,
    ),
  MS2306: (authority: string) =>
    said(
      "MS2306",
      `authority \`${authority}\` is the mesh plug-in CA but has no intermediate: its root key would sign workload certificates from the \`cacerts\` Secret in the cluster`,
      "set `intermediate: true` (Istio's plug-in CA guide keeps the root offline and gives istiod an intermediate)",
    ),
  /** `stored`: the intermediate in the state directory (made with an older default), else the one the policy sets. */
  MS2307: (authority: string, intermediateDays: number, validityDays: number, stored: boolean) =>
    stored
      ? said(
          "MS2307",
          `the stored intermediate of authority \`${authority}\` is valid for ${intermediateDays} days, no later than its root enters its rotation window (after ${validityDays / 2} of ${validityDays} days)`,
          `rotate it into an authority with \`intermediateValidityDays: ${validityDays}\` (the default now): \`mesh-security ca rotate ${authority}\``,
        )
      : said(
          "MS2307",
          `the intermediate of authority \`${authority}\` expires after ${intermediateDays} days, no later than its root enters its rotation window (after ${validityDays / 2} of ${validityDays} days)`,
          `set \`intermediateValidityDays: ${validityDays}\` (the intermediate then lives as long as the root and is rotated with it)`,
        ),
  MS2308: (authority: string) =>
    said("MS2308", `authority \`${authority}\` has no generation record; its parameters were read from the certificates`, `run \`mesh-security ca init\` to write authorities/${authority}/generation.json, and commit it`),
  MS2312: (misstep: RotationMisstep) => {
    const [problem, hint] = misstepWords(misstep);
    return said("MS2312", problem, `${hint}; or pass --allow-unsafe-rotation to accept what breaks`);
  },
  MS2313: (misstep: RotationMisstep, breakage: RotationBreakage) => {
    const [problem, hint] = misstepWords(misstep);
    return said("MS2313", `${problem}; allowed by --allow-unsafe-rotation: ${breakageWords(breakage)}`, hint);
  },
  /** `ca rotate` refused: the record still holds a finished rotation, or the policy's phase was not compiled (`guidance` says how to roll it out). */
  MS2314: (
    what:
      | { unfinished: RotationFacts; file: string }
      | { rotation: RotationFacts; file: string; recorded: RotationFacts | undefined; guidance: string },
  ) =>
    "unfinished" in what
      ? said(
          "MS2314",
          `the end of the rotation of \`${what.unfinished.authority}\` to \`${what.unfinished.next}\` has not been compiled yet (${what.file} still records phase ${what.unfinished.phase})`,
          "run `mesh-security compile -o <dir>` and roll it out before starting another rotation",
        )
      : said(
          "MS2314",
          `phase ${what.rotation.phase} of the rotation of \`${what.rotation.authority}\` has not been compiled yet (${what.recorded ? `${what.file} records ${what.recorded.authority} → ${what.recorded.next} at phase ${what.recorded.phase}` : `${what.file} records no rotation`}); moving on now would skip it`,
          `run \`mesh-security compile -o <dir>\` and roll it out: ${what.guidance}`,
        ),
  /** `ca rotate` refused by what it was asked: see the variants. */
  MS2315: (
    what:
      | { undeclared: string; nearest: string | undefined }
      | { notGenerated: string; type: string }
      | { badNext: string }
      | { taken: string; stateDir: string | undefined }
      | { startOnly: RotationFacts }
      | { busy: RotationFacts; name: string },
  ) => {
    if ("undeclared" in what) return said("MS2315", `authority \`${what.undeclared}\` is not declared`, closest(what.nearest) ?? "name an entry of `authorities`");
    if ("notGenerated" in what)
      return said("MS2315", `only generated authorities can be rotated by the compiler; \`${what.notGenerated}\` is ${what.type}`, "rotate that CA where it is made, then declare the new one and write the `rotation` section by hand");
    if ("badNext" in what) return said("MS2315", `--next ${JSON.stringify(what.badNext)} is not a DNS-1123 label`);
    if ("taken" in what)
      return said("MS2315", `the new authority \`${what.taken}\` ${what.stateDir === undefined ? "is declared already" : `still has material in ${what.stateDir}/authorities/`}; a rotation needs a fresh one`, "choose another name with --next");
    if ("startOnly" in what) return said("MS2315", `--next and --subject only apply when a rotation starts; the rotation of \`${what.startOnly.authority}\` to \`${what.startOnly.next}\` is at phase ${what.startOnly.phase}`);
    return said("MS2315", `a rotation of \`${what.busy.authority}\` to \`${what.busy.next}\` is in progress; finish it before rotating \`${what.name}\``, `run \`mesh-security ca rotate ${what.busy.authority}\``);
  },
  /** `ca rotate` refused by the new authority's parameters (`problem`: what the DN parser found), or by the policy it would write. */
  MS2316: (
    what:
      | { subject: string; problem: string }
      | { sameSubject: string; authority: string }
      | { authority: string; unwritten: ReadonlyArray<{ field: string; stored: string | number | boolean }> }
      | { authority: string; invalidPolicy: string },
  ) => {
    if ("problem" in what) return said("MS2316", `the subject ${JSON.stringify(what.subject)} is not a distinguished name: ${what.problem}`);
    if ("sameSubject" in what) return said("MS2316", `the new authority would have the subject of \`${what.authority}\` (${what.sameSubject}); two roots with one subject confuse people and chain builders`, "choose another with --subject");
    if ("invalidPolicy" in what) return said("MS2316", `ca rotate ${what.authority} would write a policy that fails validation; ${what.invalidPolicy} is unchanged`);
    const wanted = what.unwritten.map((c) => `\`${c.field}: ${JSON.stringify(c.stored)}\``).join(", ");
    return said(
      "MS2316",
      `the stored CA of \`${what.authority}\` was generated with ${wanted}, which the policy no longer writes out; ca rotate can only move an edited value to the new authority`,
      `write ${wanted} back under authorities.${what.authority}.generate, then run ca rotate again (the new authority keeps the default)`,
    );
  },

  // ---- 24xx Knative ----

  // ---- 26xx workloads and callers ----

  // ---- 3xxx CA material ----
  // The codes of stored material (3001-3004, 3008-3011) take the authority being read; without one
  // (a state-directory file outside any authority) the message is the problem alone.
  MS3001: (authority: string | undefined, fault: { file: string; owner: string }) =>
    said("MS3001", inAuthority(authority, `authority ${fault.owner} has a certificate but its private key ${fault.file} is missing; refusing to issue a new CA in its place`), RESTORE_HINT),
  /** `certificate`: the file name of the certificate the key should belong to. */
  MS3002: (authority: string | undefined, fault: { file: string; certificate: string; owner: string }) =>
    said("MS3002", inAuthority(authority, `${fault.file} does not belong to the certificate in ${fault.certificate} of authority ${fault.owner}`), RESTORE_HINT),
  MS3003: (authority: string | undefined, fault: { file: string; problem: FileProblem }) => said("MS3003", inAuthority(authority, fileProblem(fault.file, fault.problem)), RESTORE_HINT),
  MS3004: (authority: string | undefined, fault: { file: string; mode: number }) =>
    said("MS3004", inAuthority(authority, `${fault.file} has mode ${octal(fault.mode)}; a CA private key must be 0600`), RESTORE_HINT),
  MS3005: (authority: string, reason: string) => said("MS3005", `cannot generate authority \`${authority}\`: ${reason}`),
  MS3006: (authority: string, stateDir: string) =>
    said("MS3006", `no CA material for authority \`${authority}\` in ${stateDir}`, "run `mesh-security ca init` (or compile without --check) to generate it"),
  MS3007: (authority: string, field: string, policy: string | number | boolean, stored: string | number | boolean) =>
    said(
      "MS3007",
      `authority \`${authority}\`: \`${field}\` is ${JSON.stringify(policy)} in the policy, but the stored CA was generated with ${JSON.stringify(stored)}`,
      `phase in a new CA with \`mesh-security ca rotate ${authority}\` (trust-both → issue-new → drop-old), or, if nothing trusts it yet, replace it with \`mesh-security ca regenerate ${authority} --yes\``,
    ),
  /** generation.json cannot be read (`problem`: what the parser found), or disagrees with the certificates. */
  MS3008: (authority: string | undefined, fault: { file: string; problem: string } | { conflicts: readonly string[] }) =>
    said(
      "MS3008",
      inAuthority(authority, "conflicts" in fault ? `generation.json disagrees with the stored certificates: ${fault.conflicts.join("; ")}` : `${fault.file} ${fault.problem}`),
      "restore generation.json from version control, or delete it to read the parameters from the certificates",
    ),
  MS3009: (authority: string | undefined, fault: { file: string }) =>
    said("MS3009", inAuthority(authority, `${fault.file} is a symbolic link; the CA state directory and its private/ and authorities/ directories must be real directories`), EXPOSED_HINT),
  MS3010: (authority: string | undefined, fault: { file: string; links: number }) =>
    said("MS3010", inAuthority(authority, `${fault.file} has ${fault.links} hard links; a CA private key must have exactly one`), EXPOSED_HINT),
  MS3011: (authority: string | undefined, fault: { file: string; mode: number }) =>
    said("MS3011", inAuthority(authority, `${fault.file} has mode ${octal(fault.mode)}; a directory holding CA private keys must be 0700`), EXPOSED_HINT),
  /** The sealed-secrets certificate is not named, cannot be read (`errno`), or is no certificate (`problem`: what the parser found). */
  MS3012: (what: { unnamed: true } | { certificate: string; errno: string } | { certificate: string; problem: string }) => {
    if ("unnamed" in what)
      return said("MS3012", "output.secrets is sealed but output.sealedSecrets.certificate names no controller certificate", "add `sealedSecrets: { certificate: sealed-secrets.pem }` (from `kubeseal --fetch-cert`)");
    if ("errno" in what) return said("MS3012", `cannot read the sealed-secrets certificate ${what.certificate} (${what.errno})`, `fetch it with \`kubeseal --fetch-cert > ${what.certificate}\` and commit it`);
    return said("MS3012", `the sealed-secrets certificate ${what.certificate} ${what.problem}`);
  },
  /** `expired`: the day (YYYY-MM-DD) the certificate's validity ended. */
  MS3013: (certificate: string, expired: string) =>
    said("MS3013", `the sealed-secrets certificate ${certificate} expired on ${expired}`, "fetch the controller's current certificate with `kubeseal --fetch-cert`"),
  /** `stored`: the root's fingerprint in the state directory; `pinned`: the distributed one; `witness`: where that was found. */
  MS3020: (authority: string, stateDir: string, stored: string, pinned: string, witness: RootWitness) =>
    said(
      "MS3020",
      `the root of authority \`${authority}\` in ${stateDir} (${stored}) is not the one distributed (${pinned}, ${WITNESS[witness]}): clients holding the bundles already rolled out would reject every certificate it signs`,
      `restore ${stateDir}/authorities/${authority}/ from Git and its key from your backup; if the key is lost for good, abandon the rotation (docs/rotation.md, "When something goes wrong")`,
    ),
  MS3021: (authority: string, stateDir: string, pinned: string, witness: RootWitness) =>
    said(
      "MS3021",
      `authority \`${authority}\` has no material in ${stateDir}, yet its root was distributed (${pinned}, ${WITNESS[witness]}); refusing to generate a different one`,
      `restore ${stateDir}/authorities/${authority}/ from Git and private/${authority}/ from your key backup (docs/rotation.md, "When something goes wrong")`,
    ),
  /** rotation.json cannot be read: what reading the file said (`cause`), or not JSON (`notJson`: the parser's reason), or not the shape written, or another error (its text). */
  MS3022: (fault: { cause: Said } | { file: string; notJson: string } | { file: string; notRecord: true } | { error: string }) =>
    said(
      "MS3022",
      "cause" in fault
        ? fault.cause.message
        : "error" in fault
          ? fault.error
          : "notJson" in fault
            ? `${fault.file} is not JSON (${fault.notJson})`
            : `${fault.file} does not hold { rotation: { authority, next, phase, roots } } as mesh-security writes it`,
      "restore rotation.json from Git; delete it only when no rotation is in progress",
    ),
  /** `errno`: Node's error code; `detail`: the error's own text. */
  MS3023: (authority: string, stateDir: string, errno: string, detail: string) =>
    said(
      "MS3023",
      `cannot store authority \`${authority}\` in ${stateDir}: ${ioReason(errno)} (${detail})`,
      "free space or fix the permissions of the state directory, then run again; nothing half-written was kept",
    ),
  /** `secret`: namespace/name; `annotation`: the signature annotation's name. */
  MS3024: (secret: string, annotation: string) =>
    said(
      "MS3024",
      `the previous SealedSecret ${secret} has no valid ${annotation} by its authority's CA key: its ciphertext was replaced (or it was sealed by an older mesh-security); sealed anew`,
      "commit the re-sealed output; if nobody here replaced the ciphertext, look at the file's Git history",
    ),
  MS3025: (secret: string, annotation: string, authority: string) =>
    said(
      "MS3025",
      `the previous SealedSecret ${secret} has no valid ${annotation} by the CA key of authority \`${authority}\` (checked with its committed certificate): its ciphertext may not be what mesh-security sealed, and without the CA keys it cannot be sealed anew`,
      `compile once where private/${authority}/ is, to seal it anew, and commit the output; or restore the file from Git history`,
    ),

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

// ---- words shared by the CA material entries (23xx, 3xxx) ----

/** A rotation named by the policy or the record. */
export interface RotationFacts {
  authority: string;
  next: string;
  phase: string;
}

/**
 * How a compile would move a rotation other than one step forward (MS2312, MS2313). `at`, `putBack`
 * and the history's stage are stage labels ("phase trust-both", "before the rotation", "finished").
 */
export type RotationMisstep = { history: { recorded: string; file: string } | { shown: string; file: string } | { never: true; file: string } } & (
  | { replaced: { authority: string; next: string }; recorded: { authority: string; next: string } }
  | { skips: readonly string[]; authority: string; next: string; at: string; first: string; setPhase: boolean }
  | { back: { authority: string; next: string }; at: string | undefined; putBack: string; restore: RotationFacts | undefined }
);

/** Which clients a rotation step breaks: the trust bundles of `side` (only `trusted`) reject leaves signed by `signer`; with none, `stillSigned` names the new authority whose leaves stay in use. */
export interface RotationBreakage {
  rejected: ReadonlyArray<{ side: string; trusted: readonly string[]; signer: string }>;
  stillSigned: string | undefined;
}

/** Where the distributed root of an authority was found: rotation.json, or the previous output's trust bundle. */
export type RootWitness = "recorded" | "output";

/** What is wrong with one file (or directory) of the state directory. */
export type FileProblem =
  | { kind: "symbolic-link" }
  | { kind: "unreadable"; reason: string }
  | { kind: "not-regular" }
  | { kind: "too-large"; bytes: number }
  | { kind: "not-directory"; symbolicLink: boolean }
  | { kind: "missing" }
  | { kind: "not-self-signed" }
  | { kind: "not-signed-by"; root: string }
  | { kind: "chain"; want: readonly string[] }
  | { kind: "certificate-count"; found: number }
  | { kind: "invalid-certificate" }
  | { kind: "invalid-key" }
  | { kind: "keys-without-certificates"; keys: string; owner: string }
  | { kind: "unreadable-authority"; owner: string; reason: string };

function fileProblem(file: string, problem: FileProblem): string {
  switch (problem.kind) {
    case "symbolic-link":
      return `${file} is a symbolic link; the state directory must hold regular files`;
    case "unreadable":
      return `${file} cannot be read (${problem.reason})`;
    case "not-regular":
      return `${file} is not a regular file`;
    case "too-large":
      return `${file} is ${problem.bytes} bytes, too large for CA material`;
    case "not-directory":
      return `${file} is not a directory${problem.symbolicLink ? " (symbolic links are refused)" : ""}`;
    case "missing":
      return `${file} is missing`;
    case "not-self-signed":
      return `${file} is not a self-signed certificate`;
    case "not-signed-by":
      return `${file} is not signed by ${problem.root}`;
    case "chain":
      return `${file} must hold ${problem.want.length === 1 ? `${problem.want[0]} alone` : problem.want.join(" then ")}`;
    case "certificate-count":
      return `${file} must hold exactly one PEM certificate, found ${problem.found}`;
    case "invalid-certificate":
      return `${file} holds a PEM block that is not a valid certificate`;
    case "invalid-key":
      // Never echo the file: it may hold key material.
      return `${file} is not a readable unencrypted private key`;
    case "keys-without-certificates":
      return `${problem.keys} holds keys but ${file} has no certificates (an interrupted write?); restore the certificates, or remove ${problem.keys} to generate authority ${problem.owner} anew`;
    case "unreadable-authority":
      return `cannot read authority ${problem.owner}: ${problem.reason}`;
  }
}

/** The problem of a stored authority, after its name when known. */
function inAuthority(authority: string | undefined, problem: string): string {
  return authority === undefined ? problem : `authority \`${authority}\`: ${problem}`;
}

/** A file mode as `ls -l` would print its permission bits in octal: 0644. */
function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, "0");
}

const RESTORE_HINT = "restore the file from a backup; the compiler never re-issues a CA on its own";
const EXPOSED_HINT = "the keys are refused until the file system is fixed; consider them exposed if others could reach them";

const WITNESS: Record<RootWitness, string> = { recorded: "recorded in rotation.json", output: "found in the previous output's trust bundle" };

const KEYLESS_OUTCOME = {
  unsealed: "were not written",
  all: "keep their previous SealedSecret unchanged",
  some: "keep their previous SealedSecret where there is one, the others are not written",
  none: "are not written (no previous SealedSecret to keep)",
} as const;

/** The words of Node's error codes for a failed write (errno(3)); another code is shown as it is. */
function ioReason(errno: string): string {
  if (errno === "ENOSPC" || errno === "EDQUOT") return "no space left on device";
  if (errno === "EACCES" || errno === "EPERM") return "permission denied";
  if (errno === "EROFS") return "read-only file system";
  return errno;
}

/** The problem and the hint of a rotation misstep. */
function misstepWords(m: RotationMisstep): [problem: string, hint: string] {
  const h = m.history;
  const where = "recorded" in h ? `last compiled at ${h.recorded} (recorded in ${h.file})` : "shown" in h ? `last compiled at ${h.shown} (as the previous output shows; ${h.file} is missing)` : `never compiled (no rotation recorded in ${h.file})`;
  if ("replaced" in m) {
    return [
      `the policy rotates \`${m.replaced.authority}\` to \`${m.replaced.next}\`, but the rotation of \`${m.recorded.authority}\` to \`${m.recorded.next}\` was ${where}`,
      `finish the recorded rotation first (\`mesh-security ca rotate ${m.recorded.authority}\`)`,
    ];
  }
  if ("skips" in m) {
    return [
      `the rotation of \`${m.authority}\` to \`${m.next}\` is at ${m.at} but was ${where}: it skips ${m.skips.join(" and ")}`,
      `compile and roll out ${m.first} first${m.setPhase ? ` (set \`phase: ${m.first}\`)` : ""}, then move on with \`mesh-security ca rotate ${m.authority}\``,
    ];
  }
  const r = m.restore;
  return [
    m.at === undefined ? `the policy drops the rotation of \`${m.back.authority}\` to \`${m.back.next}\`, which was ${where}` : `the rotation of \`${m.back.authority}\` to \`${m.back.next}\` goes back to ${m.at}; it was ${where}`,
    `put back ${m.putBack}${r ? ` (\`rotation: { authority: ${r.authority}, next: ${r.next}, phase: ${r.phase} }\`)` : ""} and go forward one step at a time`,
  ];
}

function breakageWords(b: RotationBreakage): string {
  if (b.rejected.length === 0) {
    const signed = b.stillSigned === undefined ? "" : `; certificates already signed by ${b.stillSigned} stay in use until renewed, so keep its root in the bundles`;
    return `the trust bundles on both sides carry every signing root, so no certificate is rejected by this step alone${signed}`;
  }
  return [...new Set(b.rejected.map((r) => `clients still holding the trust bundles of ${r.side} (only ${r.trusted.join(" and ")}) reject certificates signed by ${r.signer}`))].join("; ");
}
