/**
 * What a change on the wire means, as a table: property × direction → classes and a one-line why.
 * docs/diff.md prints this table (test/diff-classify.test.ts checks that the page and the code agree).
 * A direction is computed from the property's strength order (`STRENGTH`): `raised` is stronger,
 * `lowered` weaker, `changed` neither; sets (SANs, suites, curves, trust anchors) are `added`/`removed`.
 */

/** The four words every change carries (DESIGN.md "diff"). `disruptive` comes on top of one of the other three. */
export type ChangeClass = "weakening" | "strengthening" | "neutral" | "disruptive";

export type Direction = "added" | "removed" | "raised" | "lowered" | "changed" | "started" | "advanced" | "finished" | "skipped" | "reversed";

/** Every property diff compares; `…Path` and `subject` are the existence of a path or a subject. */
export type Property =
  | "subject"
  | "externalPath"
  | "routerPath"
  | "callerPath"
  | "namespacePath"
  | "encryption"
  | "authentication"
  | "plainHttp"
  | "presents"
  | "exposure"
  | "host"
  | "mtlsMode"
  | "withoutIdentity"
  | "calledFromOutsideMesh"
  | "certificateIssuer"
  | "certificateName"
  | "keyAlgorithm"
  | "validity"
  | "trust"
  | "authorization"
  | "meshFlavor"
  | "meshAuthority"
  | "minVersion"
  | "maxVersion"
  | "cipherSuite"
  | "ecdhCurve"
  | "authoritySource"
  | "authoritySubject"
  | "authorityRoot"
  | "rotationPhase"
  | "issuerType"
  | "issuerAuthority"
  | "acmeServer"
  | "knativeEncryption"
  | "trustAnchor"
  | "verifiedPath";

/** One row of the table. `{before}` and `{after}` in `why` are replaced by the values. */
export interface Rule {
  classes: readonly ChangeClass[];
  why: string;
}

const W = (why: string): Rule => ({ classes: ["weakening"], why });
const S = (why: string): Rule => ({ classes: ["strengthening"], why });
const N = (why: string): Rule => ({ classes: ["neutral"], why });
const ND = (why: string): Rule => ({ classes: ["neutral", "disruptive"], why });

/** The classification table (DESIGN.md "diff"): less encryption or authentication, wider exposure, more callers, a lower version, a weaker suite/curve/key, a longer validity, an added trust anchor are weakenings. */
export const CLASSIFICATION: { readonly [P in Property]: Partial<Record<Direction, Rule>> } = {
  subject: { added: N("new in the policy"), removed: N("no longer in the policy") },
  externalPath: { added: W("newly reachable from outside the cluster"), removed: S("no longer reachable from outside the cluster") },
  routerPath: { added: N("the router now forwards to these pods"), removed: N("the router no longer forwards to these pods") },
  callerPath: { added: W("one more caller is allowed"), removed: S("one caller fewer is allowed") },
  namespacePath: { added: N("a namespace the policy now covers"), removed: N("a namespace the policy no longer covers") },
  encryption: { lowered: W("less encryption on this hop"), raised: S("more encryption on this hop"), changed: N("another kind of encryption on this hop") },
  authentication: { lowered: W("less authentication on this hop"), raised: S("more authentication on this hop"), changed: N("another side authenticates on this hop") },
  plainHttp: { lowered: W("plain HTTP on port 80 is now served (insecureEdgeTerminationPolicy Allow)"), raised: S("plain HTTP is no longer served"), changed: N("plain HTTP is refused another way") },
  presents: { changed: N("clients see another certificate") },
  exposure: { lowered: W("published through a Route: reachable from outside the cluster"), raised: S("no longer published through a Route"), changed: N("another route termination (the router hop says what it does on the wire)") },
  host: { changed: N("published under another host name"), added: N("a host name is set"), removed: N("the host name is removed") },
  mtlsMode: { lowered: W("the pods accept less protected connections"), raised: S("the pods accept only better protected connections") },
  withoutIdentity: { lowered: W("the AuthorizationPolicy now admits clients without a mesh identity"), raised: S("clients without a mesh identity are no longer admitted") },
  calledFromOutsideMesh: { changed: N("who calls from outside the mesh, as the policy declares it") },
  certificateIssuer: { changed: N("issued by another issuer") },
  certificateName: { added: W("the certificate is valid for one more name"), removed: S("the certificate is valid for one name fewer (clients dialling it fail verification)") },
  keyAlgorithm: { lowered: W("a weaker key"), raised: S("a stronger key"), changed: N("another key type of the same strength") },
  validity: { lowered: W("valid for longer: a leaked key stays usable longer"), raised: S("valid for less time"), changed: N("another validity") },
  trust: { changed: N("the caller trusts other roots") },
  authorization: { changed: N("the AuthorizationPolicy allows another identity for this caller") },
  meshFlavor: { changed: N("another service mesh") },
  meshAuthority: { changed: N("the mesh's plug-in CA changes"), added: N("the mesh gets a plug-in CA"), removed: N("the mesh goes back to its self-signed CA") },
  minVersion: { lowered: W("accepts an older TLS version"), raised: S("refuses older TLS versions") },
  maxVersion: { lowered: W("a newer TLS version is no longer allowed"), raised: S("allows a newer TLS version") },
  cipherSuite: { added: W("one more cipher suite is accepted"), removed: S("one cipher suite fewer is accepted") },
  ecdhCurve: { added: W("one more key-exchange curve is accepted"), removed: S("one key-exchange curve fewer is accepted") },
  authoritySource: { changed: N("the CA comes from elsewhere") },
  authoritySubject: { changed: N("the CA's subject changes (a new CA)") },
  authorityRoot: { changed: N("a different root certificate is committed"), added: N("a root certificate is committed (compared by content from now on)"), removed: N("no root certificate committed on this side: compared by the policy's parameters only") },
  rotationPhase: {
    started: W("a rotation starts: a second root is trusted"),
    advanced: N("the rotation moves one phase on"),
    finished: N("the rotation is over"),
    skipped: ND("the rotation skips a phase: some clients would not trust the new root yet"),
    reversed: ND("the rotation goes back: certificates from the new root would lose their trust"),
  },
  issuerType: { changed: N("another kind of issuer") },
  issuerAuthority: { changed: N("the issuer signs with another authority") },
  acmeServer: { changed: N("another ACME server") },
  knativeEncryption: { lowered: W("Knative transport encryption turned off"), raised: S("Knative transport encryption turned on") },
  trustAnchor: { added: W("an added trust anchor"), removed: S("a trust anchor removed") },
  verifiedPath: { lowered: ND("verify models this path as broken after the change"), raised: S("verify no longer models this path as broken"), changed: N("verify's result changes") },
};

/** Properties whose change replaces the CA that signs or is trusted: disruptive unless `rotation` carries it. */
export const CA_SWAP: ReadonlySet<Property> = new Set(["certificateIssuer", "meshAuthority", "authoritySource", "authoritySubject", "authorityRoot", "issuerType", "issuerAuthority"]);

/** The extra `disruptive` rules that need more than the values (DESIGN.md "diff", disruptive). */
export const DISRUPTIVE = {
  disableToStrict: "DISABLE → STRICT in one step: clients still sending plain text are refused; go through PERMISSIVE",
  strictWithoutIdentity: "STRICT refuses clients that present no mesh identity: {who}",
  caSwap: "the CA changes outside `rotation`: clients that trust only the old root reject the new certificates until they trust the new one",
} as const;

const VERSIONS = ["TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"];
const ROTATION = ["none", "trust-both", "issue-new", "drop-old"];

/** Security strength of a key, in bits (NIST SP 800-57 Part 1, table 2). */
const KEY_BITS: Record<string, number> = {
  "RSA-2048": 112,
  "RSA-3072": 128,
  "RSA-4096": 152,
  "RSA-8192": 192,
  "ECDSA-P256": 128,
  "ECDSA-256": 128,
  "ECDSA-P384": 192,
  "ECDSA-384": 192,
  "ECDSA-521": 256,
  Ed25519: 128,
};

/** How strong a value is, for properties with an order (higher is stronger); undefined: unordered. */
export const STRENGTH: Partial<Record<Property, (value: string) => number | undefined>> = {
  encryption: (v) => ({ plain: 0, TLS: 1, mTLS: 2 })[v],
  authentication: (v) => (v === "none" ? 0 : v.startsWith("mutual") ? 2 : 1),
  plainHttp: (v) => ({ Allow: 0, Redirect: 1, None: 1 })[v],
  exposure: (v) => (v === "internal" ? 1 : 0),
  mtlsMode: (v) => ({ DISABLE: 0, PERMISSIVE: 1, STRICT: 2 })[v],
  withoutIdentity: (v) => (v === "denied" ? 1 : 0),
  keyAlgorithm: (v) => KEY_BITS[v],
  validity: (v) => {
    const hours = durationHours(v);
    return hours === undefined ? undefined : -hours;
  },
  minVersion: (v) => VERSIONS.indexOf(v),
  maxVersion: (v) => VERSIONS.indexOf(v),
  knativeEncryption: (v) => (v === "on" ? 1 : 0),
  verifiedPath: (v) => (v.startsWith("broken") ? 0 : v.startsWith("ok") ? 1 : undefined),
};

/** The direction of a change of one property; undefined when nothing changed. */
export function directionOf(property: Property, before: string | undefined, after: string | undefined): Direction | undefined {
  if (before === after) return undefined;
  if (before === undefined) return "added";
  if (after === undefined) return "removed";
  if (property === "rotationPhase") {
    const from = ROTATION.indexOf(before.split(" ")[0] ?? "");
    const to = ROTATION.indexOf(after.split(" ")[0] ?? "");
    if (from === 0 && to === 1) return "started";
    if (to === 0 && from === 3) return "finished";
    if (to === from + 1) return "advanced";
    if (to > from + 1 || (to === 0 && from > 0 && from < 3)) return to === 0 ? "reversed" : "skipped";
    return to < from ? "reversed" : "changed";
  }
  const strength = STRENGTH[property];
  const a = strength?.(before);
  const b = strength?.(after);
  if (a === undefined || b === undefined || a === b) return "changed";
  return b > a ? "raised" : "lowered";
}

/** The table's row for a property and direction, falling back to a neutral "changed". */
export function ruleFor(property: Property, direction: Direction): Rule {
  return CLASSIFICATION[property][direction] ?? CLASSIFICATION[property].changed ?? N("changed");
}

/** Fill `{before}`, `{after}` (and `{who}`) into a why. */
export function fillWhy(why: string, values: { before?: string | undefined; after?: string | undefined; who?: string }): string {
  return why
    .replace(/\{before\}/g, values.before ?? "(none)")
    .replace(/\{after\}/g, values.after ?? "(none)")
    .replace(/\{who\}/g, values.who ?? "");
}

/** `2160h0m0s`, `90d`, `8760h`, `30m` → hours. */
export function durationHours(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(d|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) return undefined;
  const unit: Record<string, number> = { d: 24, h: 1, m: 1 / 60, s: 1 / 3600 };
  return parts.reduce((sum, p) => sum + Number(p[1]) * (unit[p[2] ?? "h"] ?? 1), 0);
}

/** The classification table as Markdown, for docs/diff.md (a test keeps the page equal to the code). */
export function formatClassificationTable(): string {
  const rows = ["| property | direction | class | why |", "| --- | --- | --- | --- |"];
  for (const [property, rules] of Object.entries(CLASSIFICATION) as Array<[Property, Partial<Record<Direction, Rule>>]>) {
    for (const [direction, rule] of Object.entries(rules) as Array<[Direction, Rule]>) {
      rows.push(`| \`${property}\` | ${direction} | ${rule.classes.join(", ")} | ${rule.why.replace(/\|/g, "\\|")} |`);
    }
  }
  rows.push(`| \`mtlsMode\` | DISABLE → STRICT | + disruptive | ${DISRUPTIVE.disableToStrict} |`);
  rows.push(`| \`mtlsMode\` | → STRICT, with clients without a mesh identity | + disruptive | ${DISRUPTIVE.strictWithoutIdentity.replace("{who}", "calledFromOutsideMesh, a Route (the router is outside the mesh), a caller whose namespace the policy does not make a member")} |`);
  rows.push(`| ${[...CA_SWAP].map((p) => `\`${p}\``).join(", ")} | changed, not carried by \`rotation\` | + disruptive | ${DISRUPTIVE.caSwap} |`);
  return `${rows.join("\n")}\n`;
}
