import { test } from "uvu";
import * as assert from "uvu/assert";
import { say } from "../src/diagnostics/messages.js";
import type { Said } from "../src/diagnostics/messages.js";

// The words of the CA material codes (23xx, 3xxx), one row per variant of a constructor. Most of them
// are raised only by an unusual state directory or rotation and appear in no example's expected
// diagnostics; this table pins them as they were written at their call sites before `say`.

const A = "internal";
const DIR = "ca-state";
const FILE = "ca-state/authorities/internal/root-cert.pem";
const KEY = "ca-state/private/internal/ca-key.pem";
const RECORD = "ca-state/rotation.json";
const RESTORE = "restore the file from a backup; the compiler never re-issues a CA on its own";
const EXPOSED = "the keys are refused until the file system is fixed; consider them exposed if others could reach them";
const TRUST_BOTH = { authority: "internal", next: "internal-2", phase: "trust-both" };

const cases: Array<[string, Said, string, string?]> = [
  ["MS2301", say.MS2301(A, "signing CA", 90, 395), "the signing CA certificate of authority `internal` expires in 90 days, inside its rotation window (the last half of 395 days)", "start a rotation: mesh-security ca rotate internal"],
  ["MS2302", say.MS2302(A, "RSA-2048", 112), "authority `internal` uses RSA-2048 (112-bit strength), weaker than the modern TLS profile's 128 bits", "use ECDSA-P256 or stronger"],
  [
    "MS2303 resealed",
    say.MS2303({ secrets: ["a/x", "b/y"], current: "sha256:ab cluster-wide" }),
    "the SealedSecret(s) a/x, b/y were sealed for another controller certificate or scope than output.sealedSecrets names (now sha256:ab cluster-wide); without the CA keys they cannot be re-sealed and are kept as they are",
    "compile once where the CA keys are (private/<authority>/) to re-seal them, and commit the output",
  ],
  ...(
    [
      ["unsealed", "were not written"],
      ["all", "keep their previous SealedSecret unchanged"],
      ["some", "keep their previous SealedSecret where there is one, the others are not written"],
      ["none", "are not written (no previous SealedSecret to keep)"],
    ] as const
  ).map(([kept, outcome]): [string, Said, string, string] => [
    `MS2303 keyless ${kept}`,
    say.MS2303({ authority: A, secrets: ["istio-system/cacerts"], kept, required: false }),
    `no private keys for authority \`internal\` in this checkout (no private/internal/): the Secret(s) istio-system/cacerts ${outcome}`,
    "fine in a clone or in CI; to write them, restore private/internal/ from the team's key store",
  ]),
  [
    "MS2303 keyless under --require-keys",
    say.MS2303({ authority: A, secrets: ["istio-system/cacerts"], kept: "none", required: true }),
    "no private keys for authority `internal` in this checkout (no private/internal/): the Secret(s) istio-system/cacerts are not written (no previous SealedSecret to keep)",
    "--require-keys asks for them: to write them, restore private/internal/ from the team's key store",
  ],
  ["MS2304", say.MS2304(["a/x"]), "output.secrets is inline: 1 Secret(s) with CA private keys (a/x) are written in plain text into the output directory, and so into Git", "use `secrets: sealed` with the sealed-secrets controller's certificate, or `separate`"],
  ["MS2305 mesh", say.MS2305(A, true), "authority `internal` is not used: no CA issuer, service mesh or trust bundle refers to it", "did you mean `platform.serviceMesh.certificateAuthority: internal`?"],
  ["MS2305", say.MS2305(A, false), "authority `internal` is not used: no CA issuer, service mesh or trust bundle refers to it", "refer to it from an issuer (`ca: { authority: internal }`), or remove it"],
  [
    "MS2307 policy",
    say.MS2307(A, 365, 790, false),
    "the intermediate of authority `internal` expires after 365 days, no later than its root enters its rotation window (after 395 of 790 days)",
    "set `intermediateValidityDays: 790` (the intermediate then lives as long as the root and is rotated with it)",
  ],
  [
    "MS2307 stored",
    say.MS2307(A, 365, 790, true),
    "the stored intermediate of authority `internal` is valid for 365 days, no later than its root enters its rotation window (after 395 of 790 days)",
    "rotate it into an authority with `intermediateValidityDays: 790` (the default now): `mesh-security ca rotate internal`",
  ],
  ["MS2308", say.MS2308(A), "authority `internal` has no generation record; its parameters were read from the certificates", "run `mesh-security ca init` to write authorities/internal/generation.json, and commit it"],
  [
    "MS2312 replaced",
    say.MS2312({ history: { recorded: "phase issue-new", file: RECORD }, replaced: { authority: "a", next: "b" }, recorded: { authority: "c", next: "d" } }),
    "the policy rotates `a` to `b`, but the rotation of `c` to `d` was last compiled at phase issue-new (recorded in ca-state/rotation.json)",
    "finish the recorded rotation first (`mesh-security ca rotate c`); or pass --allow-unsafe-rotation to accept what breaks",
  ],
  [
    "MS2312 skips",
    say.MS2312({ history: { never: true, file: RECORD }, skips: ["trust-both", "issue-new"], authority: "a", next: "b", at: "phase drop-old", first: "trust-both", setPhase: true }),
    "the rotation of `a` to `b` is at phase drop-old but was never compiled (no rotation recorded in ca-state/rotation.json): it skips trust-both and issue-new",
    "compile and roll out trust-both first (set `phase: trust-both`), then move on with `mesh-security ca rotate a`; or pass --allow-unsafe-rotation to accept what breaks",
  ],
  [
    "MS2312 drops",
    say.MS2312({ history: { shown: "phase trust-both", file: RECORD }, back: { authority: "a", next: "b" }, at: undefined, putBack: "phase trust-both", restore: { authority: "a", next: "b", phase: "trust-both" } }),
    "the policy drops the rotation of `a` to `b`, which was last compiled at phase trust-both (as the previous output shows; ca-state/rotation.json is missing)",
    "put back phase trust-both (`rotation: { authority: a, next: b, phase: trust-both }`) and go forward one step at a time; or pass --allow-unsafe-rotation to accept what breaks",
  ],
  [
    "MS2313 back",
    say.MS2313(
      { history: { recorded: "phase issue-new", file: RECORD }, back: { authority: "a", next: "b" }, at: "phase trust-both", putBack: "phase issue-new", restore: undefined },
      { rejected: [{ side: "phase trust-both", trusted: ["a", "b"], signer: "c" }, { side: "phase trust-both", trusted: ["a", "b"], signer: "c" }], stillSigned: undefined },
    ),
    "the rotation of `a` to `b` goes back to phase trust-both; it was last compiled at phase issue-new (recorded in ca-state/rotation.json); allowed by --allow-unsafe-rotation: clients still holding the trust bundles of phase trust-both (only a and b) reject certificates signed by c",
    "put back phase issue-new and go forward one step at a time",
  ],
  [
    "MS2313 nothing rejected",
    say.MS2313({ history: { never: true, file: RECORD }, back: { authority: "a", next: "b" }, at: undefined, putBack: "before the rotation", restore: undefined }, { rejected: [], stillSigned: "b" }),
    "the policy drops the rotation of `a` to `b`, which was never compiled (no rotation recorded in ca-state/rotation.json); allowed by --allow-unsafe-rotation: the trust bundles on both sides carry every signing root, so no certificate is rejected by this step alone; certificates already signed by b stay in use until renewed, so keep its root in the bundles",
    "put back before the rotation and go forward one step at a time",
  ],
  [
    "MS2314 unfinished",
    say.MS2314({ unfinished: TRUST_BOTH, file: RECORD }),
    "the end of the rotation of `internal` to `internal-2` has not been compiled yet (ca-state/rotation.json still records phase trust-both)",
    "run `mesh-security compile -o <dir>` and roll it out before starting another rotation",
  ],
  [
    "MS2314 uncompiled, recorded",
    say.MS2314({ rotation: { ...TRUST_BOTH, phase: "issue-new" }, file: RECORD, recorded: TRUST_BOTH, guidance: "GUIDE" }),
    "phase issue-new of the rotation of `internal` has not been compiled yet (ca-state/rotation.json records internal → internal-2 at phase trust-both); moving on now would skip it",
    "run `mesh-security compile -o <dir>` and roll it out: GUIDE",
  ],
  [
    "MS2314 uncompiled, no record",
    say.MS2314({ rotation: TRUST_BOTH, file: RECORD, recorded: undefined, guidance: "GUIDE" }),
    "phase trust-both of the rotation of `internal` has not been compiled yet (ca-state/rotation.json records no rotation); moving on now would skip it",
    "run `mesh-security compile -o <dir>` and roll it out: GUIDE",
  ],
  ["MS2315 undeclared", say.MS2315({ undeclared: "intrnal", nearest: A }), "authority `intrnal` is not declared", "did you mean `internal`?"],
  ["MS2315 undeclared, nothing close", say.MS2315({ undeclared: "zzz", nearest: undefined }), "authority `zzz` is not declared", "name an entry of `authorities`"],
  [
    "MS2315 not generated",
    say.MS2315({ notGenerated: "vault", type: "external" }),
    "only generated authorities can be rotated by the compiler; `vault` is external",
    "rotate that CA where it is made, then declare the new one and write the `rotation` section by hand",
  ],
  ["MS2315 bad --next", say.MS2315({ badNext: "Bad_Name" }), '--next "Bad_Name" is not a DNS-1123 label'],
  ["MS2315 declared", say.MS2315({ taken: "internal-2", stateDir: undefined }), "the new authority `internal-2` is declared already; a rotation needs a fresh one", "choose another name with --next"],
  ["MS2315 stored", say.MS2315({ taken: "internal-2", stateDir: DIR }), "the new authority `internal-2` still has material in ca-state/authorities/; a rotation needs a fresh one", "choose another name with --next"],
  ["MS2315 start only", say.MS2315({ startOnly: TRUST_BOTH }), "--next and --subject only apply when a rotation starts; the rotation of `internal` to `internal-2` is at phase trust-both"],
  ["MS2315 busy", say.MS2315({ busy: TRUST_BOTH, name: "other" }), "a rotation of `internal` to `internal-2` is in progress; finish it before rotating `other`", "run `mesh-security ca rotate internal`"],
  ["MS2316 subject", say.MS2316({ subject: "CN", problem: "no `=`" }), 'the subject "CN" is not a distinguished name: no `=`'],
  ["MS2316 same subject", say.MS2316({ sameSubject: "CN=x", authority: A }), "the new authority would have the subject of `internal` (CN=x); two roots with one subject confuse people and chain builders", "choose another with --subject"],
  [
    "MS2316 unwritten",
    say.MS2316({ authority: A, unwritten: [{ field: "validityDays", stored: 790 }, { field: "keyAlgorithm", stored: "RSA-2048" }] }),
    'the stored CA of `internal` was generated with `validityDays: 790`, `keyAlgorithm: "RSA-2048"`, which the policy no longer writes out; ca rotate can only move an edited value to the new authority',
    'write `validityDays: 790`, `keyAlgorithm: "RSA-2048"` back under authorities.internal.generate, then run ca rotate again (the new authority keeps the default)',
  ],
  ["MS2316 invalid policy", say.MS2316({ authority: A, invalidPolicy: "mesh-security.yaml" }), "ca rotate internal would write a policy that fails validation; mesh-security.yaml is unchanged"],
  ["MS3001", say.MS3001(A, { file: KEY, owner: A }), `authority \`internal\`: authority internal has a certificate but its private key ${KEY} is missing; refusing to issue a new CA in its place`, RESTORE],
  ["MS3002", say.MS3002(A, { file: KEY, certificate: "ca-cert.pem", owner: A }), `authority \`internal\`: ${KEY} does not belong to the certificate in ca-cert.pem of authority internal`, RESTORE],
  ["MS3003 without an authority", say.MS3003(undefined, { file: FILE, problem: { kind: "symbolic-link" } }), `${FILE} is a symbolic link; the state directory must hold regular files`, RESTORE],
  ...(
    [
      [{ kind: "unreadable", reason: "EACCES" }, `${FILE} cannot be read (EACCES)`],
      [{ kind: "not-regular" }, `${FILE} is not a regular file`],
      [{ kind: "too-large", bytes: 2097152 }, `${FILE} is 2097152 bytes, too large for CA material`],
      [{ kind: "not-directory", symbolicLink: true }, `${FILE} is not a directory (symbolic links are refused)`],
      [{ kind: "not-directory", symbolicLink: false }, `${FILE} is not a directory`],
      [{ kind: "missing" }, `${FILE} is missing`],
      [{ kind: "not-self-signed" }, `${FILE} is not a self-signed certificate`],
      [{ kind: "not-signed-by", root: "root-cert.pem" }, `${FILE} is not signed by root-cert.pem`],
      [{ kind: "chain", want: ["ca-cert.pem", "root-cert.pem"] }, `${FILE} must hold ca-cert.pem then root-cert.pem`],
      [{ kind: "chain", want: ["root-cert.pem"] }, `${FILE} must hold root-cert.pem alone`],
      [{ kind: "certificate-count", found: 2 }, `${FILE} must hold exactly one PEM certificate, found 2`],
      [{ kind: "invalid-certificate" }, `${FILE} holds a PEM block that is not a valid certificate`],
      [{ kind: "invalid-key" }, `${FILE} is not a readable unencrypted private key`],
      [{ kind: "keys-without-certificates", keys: "ca-state/private/internal", owner: A }, `ca-state/private/internal holds keys but ${FILE} has no certificates (an interrupted write?); restore the certificates, or remove ca-state/private/internal to generate authority internal anew`],
      [{ kind: "unreadable-authority", owner: A, reason: "EMFILE" }, "cannot read authority internal: EMFILE"],
    ] as const
  ).map(([problem, words]): [string, Said, string, string] => [`MS3003 ${problem.kind}`, say.MS3003(A, { file: FILE, problem }), `authority \`internal\`: ${words}`, RESTORE]),
  ["MS3004", say.MS3004(A, { file: KEY, mode: 0o100644 }), `authority \`internal\`: ${KEY} has mode 0644; a CA private key must be 0600`, RESTORE],
  ["MS3005", say.MS3005(A, "bad subject"), "cannot generate authority `internal`: bad subject"],
  ["MS3006", say.MS3006(A, DIR), "no CA material for authority `internal` in ca-state", "run `mesh-security ca init` (or compile without --check) to generate it"],
  [
    "MS3007",
    say.MS3007(A, "validityDays", 800, 790),
    "authority `internal`: `validityDays` is 800 in the policy, but the stored CA was generated with 790",
    "phase in a new CA with `mesh-security ca rotate internal` (trust-both → issue-new → drop-old), or, if nothing trusts it yet, replace it with `mesh-security ca regenerate internal --yes`",
  ],
  ["MS3008 unreadable", say.MS3008(A, { file: "g.json", problem: "is not valid JSON" }), "authority `internal`: g.json is not valid JSON", "restore generation.json from version control, or delete it to read the parameters from the certificates"],
  [
    "MS3008 conflicts",
    say.MS3008(A, { conflicts: ["keyAlgorithm RSA-2048, the certificate has ECDSA-P256", "pathLength 0, expected 1"] }),
    "authority `internal`: generation.json disagrees with the stored certificates: keyAlgorithm RSA-2048, the certificate has ECDSA-P256; pathLength 0, expected 1",
    "restore generation.json from version control, or delete it to read the parameters from the certificates",
  ],
  ["MS3009", say.MS3009(A, { file: DIR }), "authority `internal`: ca-state is a symbolic link; the CA state directory and its private/ and authorities/ directories must be real directories", EXPOSED],
  ["MS3010", say.MS3010(A, { file: KEY, links: 2 }), `authority \`internal\`: ${KEY} has 2 hard links; a CA private key must have exactly one`, EXPOSED],
  ["MS3011", say.MS3011(A, { file: "ca-state/private", mode: 0o40755 }), "authority `internal`: ca-state/private has mode 0755; a directory holding CA private keys must be 0700", EXPOSED],
  ["MS3012 unnamed", say.MS3012({ unnamed: true }), "output.secrets is sealed but output.sealedSecrets.certificate names no controller certificate", "add `sealedSecrets: { certificate: sealed-secrets.pem }` (from `kubeseal --fetch-cert`)"],
  ["MS3012 unreadable", say.MS3012({ certificate: "s.pem", errno: "ENOENT" }), "cannot read the sealed-secrets certificate s.pem (ENOENT)", "fetch it with `kubeseal --fetch-cert > s.pem` and commit it"],
  ["MS3012 not a certificate", say.MS3012({ certificate: "s.pem", problem: "is not a PEM certificate" }), "the sealed-secrets certificate s.pem is not a PEM certificate"],
  ["MS3013", say.MS3013("s.pem", "2026-01-31"), "the sealed-secrets certificate s.pem expired on 2026-01-31", "fetch the controller's current certificate with `kubeseal --fetch-cert`"],
  [
    "MS3020",
    say.MS3020(A, DIR, "AA:BB", "CC:DD", "recorded"),
    "the root of authority `internal` in ca-state (AA:BB) is not the one distributed (CC:DD, recorded in rotation.json): clients holding the bundles already rolled out would reject every certificate it signs",
    'restore ca-state/authorities/internal/ from Git and its key from your backup; if the key is lost for good, abandon the rotation (docs/rotation.md, "When something goes wrong")',
  ],
  [
    "MS3021",
    say.MS3021(A, DIR, "CC:DD", "output"),
    "authority `internal` has no material in ca-state, yet its root was distributed (CC:DD, found in the previous output's trust bundle); refusing to generate a different one",
    'restore ca-state/authorities/internal/ from Git and private/internal/ from your key backup (docs/rotation.md, "When something goes wrong")',
  ],
  ["MS3022 cause", say.MS3022({ cause: say.MS3003(undefined, { file: RECORD, problem: { kind: "not-regular" } }) }), `${RECORD} is not a regular file`, "restore rotation.json from Git; delete it only when no rotation is in progress"],
  ["MS3022 not JSON", say.MS3022({ file: RECORD, notJson: "Unexpected end of JSON input" }), `${RECORD} is not JSON (Unexpected end of JSON input)`, "restore rotation.json from Git; delete it only when no rotation is in progress"],
  ["MS3022 not a record", say.MS3022({ file: RECORD, notRecord: true }), `${RECORD} does not hold { rotation: { authority, next, phase, roots } } as mesh-security writes it`, "restore rotation.json from Git; delete it only when no rotation is in progress"],
  ...(
    [
      ["ENOSPC", "no space left on device"],
      ["EDQUOT", "no space left on device"],
      ["EACCES", "permission denied"],
      ["EPERM", "permission denied"],
      ["EROFS", "read-only file system"],
      ["EIO", "EIO"],
    ] as const
  ).map(([errno, reason]): [string, Said, string, string] => [
    `MS3023 ${errno}`,
    say.MS3023(A, DIR, errno, `${errno}: write`),
    `cannot store authority \`internal\` in ca-state: ${reason} (${errno}: write)`,
    "free space or fix the permissions of the state directory, then run again; nothing half-written was kept",
  ]),
  [
    "MS3024",
    say.MS3024("istio-system/cacerts", "mesh-security/signature"),
    "the previous SealedSecret istio-system/cacerts has no valid mesh-security/signature by its authority's CA key: its ciphertext was replaced (or it was sealed by an older mesh-security); sealed anew",
    "commit the re-sealed output; if nobody here replaced the ciphertext, look at the file's Git history",
  ],
  [
    "MS3025",
    say.MS3025("istio-system/cacerts", "mesh-security/signature", A),
    "the previous SealedSecret istio-system/cacerts has no valid mesh-security/signature by the CA key of authority `internal` (checked with its committed certificate): its ciphertext may not be what mesh-security sealed, and without the CA keys it cannot be sealed anew",
    "compile once where private/internal/ is, to seal it anew, and commit the output; or restore the file from Git history",
  ],
];

for (const [name, said, message, hint] of cases) {
  test(`${name}: its words`, () => {
    assert.is(said.code, name.split(" ")[0]);
    assert.is(said.message, message);
    assert.is(said.hint, hint);
  });
}

test.run();
