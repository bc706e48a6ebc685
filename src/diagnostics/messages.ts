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

/** The DNS-01 solver credential rules of cert-manager's webhook (MS2113): what is wrong, the fix. */
const DNS01_PROBLEMS = {
  "route53 key pair": ["only one of accessKeyIDSecretRef and secretAccessKeySecretRef is set", "set both, or neither to use ambient credentials (IRSA, instance role)"],
  "cloudflare email": ["a global API key needs the account `email`", "add `email:`, or use an API token (apiTokenSecretRef) instead"],
  "azureDNS service principal": ["a service principal needs clientID, tenantID and clientSecretSecretRef together", "set all three, or none to use a managed identity"],
  "azureDNS both identities": ["managedIdentity cannot be combined with a service principal", "keep either managedIdentity or clientID/tenantID/clientSecretSecretRef"],
  "azureDNS managed identity": ["managedIdentity takes clientID or resourceID, not both", "keep one of them"],
  "rfc2136 TSIG": ["TSIG needs both tsigKeyName and tsigSecretSecretRef", "set both, or neither for an unauthenticated server"],
} as const satisfies Record<string, readonly [string, string]>;

/** A rule of cert-manager's webhook on DNS-01 solver credentials. */
export type Dns01Problem = keyof typeof DNS01_PROBLEMS;

/** What a container mounts at a path (MS2607): the certificate of a service, or the trust of the services it calls. */
export type MountUse = { certificateOf: string } | "callers' trust";

function mountUse(use: MountUse): string {
  return use === "callers' trust" ? "the trust of the services it calls" : `the certificate of \`${use.certificateOf}\``;
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
   * The value at `at` has the wrong type: `types` are Ajv's `params.type` names (object, array, ...), `key` the
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
  /** A bound (minimum, maxLength, uniqueItems, ...): Ajv's own message ("must be >= 1") states the bound, and is the only fact. */
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

  MS2001: (service: string, first: string) => said("MS2001", `service \`${service}\` is declared twice (first at ${first})`),
  /**
   * Two writers of one object. `object` is `Kind/namespace/name`; `first` and `second` name the writers
   * (`second` a certificate of `service` when cert-manager would overwrite an issuer's Secret); `fix` the field to change.
   */
  MS2002: (
    object: string,
    first: string,
    second: string | { role: string; service: string },
    fix: "certificate.secretName" | "services" | "openshift-routes secret" | "openshift-routes certificate" | "routeCertificate.secretName" | "secretName",
  ) =>
    said(
      "MS2002",
      typeof second === "string"
        ? `${object.replace(/^(\w+)\//, "$1 `")}\` is written by both ${first} and ${second}`
        : `${object.replace(/^(\w+)\//, "$1 `")}\` is both ${first} and the ${second.role} certificate of ${second.service}: cert-manager would overwrite it`,
      {
        "certificate.secretName": "set a distinct certificate.secretName",
        services: "rename one of the services",
        "openshift-routes secret": "set certificate.secretName (or route.name) so that the Secrets differ",
        "openshift-routes certificate": "rename the Route (route.name) or the service",
        "routeCertificate.secretName": "set a distinct routeCertificate.secretName",
        secretName: "set a distinct secretName",
      }[fix],
    ),
  MS2003: (issuer: string, nearest?: string) => said("MS2003", `issuer \`${issuer}\` is not declared under \`issuers\``, closest(nearest)),
  MS2004: (authority: string, nearest?: string) => said("MS2004", `authority \`${authority}\` is not declared under \`authorities\``, closest(nearest)),
  MS2005: (service: string, exposure: string) => said("MS2005", `service \`${service}\` has exposure ${exposure}, which publishes a Route and needs \`host\``),
  /** A name the Service CA cannot sign: the route host of a passthrough service, additionalDNSNames, or the host of a router certificate. */
  MS2006: (service: string, host: string | undefined, wants: "passthrough" | "additionalDNSNames" | "routeCertificate") =>
    wants === "passthrough"
      ? said("MS2006", `service \`${service}\` is exposed passthrough, so its serving certificate must carry \`${host ?? "the route host"}\`, which the Service CA cannot sign`, "set certificate.issuer to a cert-manager `ca` issuer")
      : wants === "additionalDNSNames"
        ? said("MS2006", "the Service CA signs only the service's own names; it cannot add `additionalDNSNames`", "use a cert-manager `ca` issuer")
        : said("MS2006", `the router certificate of \`${service}\` is for \`${host ?? "the route host"}\`, which the Service CA cannot sign`, "use an ACME or `ca` issuer for routeCertificate"),
  MS2007: (service: string, namespace: string) =>
    said(
      "MS2007",
      `headless service \`${service}\` on the Service CA gets the wildcard SAN *.${service}.${namespace}.svc: any pod of it can impersonate another`,
      "issue per-pod certificates from a cert-manager issuer if clients must tell pods apart",
    ),
  /**
   * Secret material in the policy: a PEM private key, or a literal under the credential key `key`. `refs`:
   * the `...SecretRef` keys the map `map` ("" for the top level) takes instead, when it takes no `<key>SecretRef`.
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
  MS2009: (service: string) => said("MS2009", `service \`${service}\` sets \`host\` but exposure internal publishes no Route`, "remove host, or set exposure to passthrough, reencrypt or external"),
  MS2010: (kind: string, name: string) => said("MS2010", `${kind} \`${name}\` is listed twice`),
  MS2011: (namespace: string | undefined, name: string) =>
    said("MS2011", `annotating the existing ConfigMap \`${namespace ?? ""}/${name}\` makes the Service CA injector delete all its other keys`, "drop `existing: true` so the compiler emits a dedicated ConfigMap for the bundle"),
  /** A `caBundles[]` entry of `kind` with a namespace it cannot take, without one it needs, or with `existing` it cannot use. */
  MS2013: (kind: string, wrong: "namespace" | "no namespace" | "existing") =>
    wrong === "namespace"
      ? said("MS2013", `${kind} is cluster-scoped and takes no namespace`)
      : wrong === "no namespace"
        ? said("MS2013", `a ${kind} needs a namespace`, "add `namespace:`")
        : said("MS2013", `\`existing\` only applies to ConfigMaps: ${kind} entries are always patched`),
  MS2014: (service: string) =>
    said(
      "MS2014",
      `the Service CA cannot provide keystores for \`${service}\`: its controller keeps only tls.crt and tls.key in the Secret`,
      "set certificate.issuer to a cert-manager issuer; cert-manager writes keystores through spec.keystores",
    ),
  MS2015: (service: string, exposure: "internal" | "passthrough") =>
    said(
      "MS2015",
      `service \`${service}\` has exposure ${exposure}: the router presents no certificate of its own, so \`routeCertificate\` has no effect`,
      exposure === "passthrough" ? "the pod's certificate (certificate:) is what clients see" : "remove routeCertificate",
    ),
  MS2016: (renewBefore: string, duration: string) => said("MS2016", `renewBefore ${renewBefore} is not shorter than duration ${duration}: cert-manager's webhook refuses such a Certificate`),
  /** The bootstrap issuer of a CA cert-manager makes is of another type, or an Issuer outside `caNamespace`, where the CA Certificate lives. */
  MS2017: (authority: string, issuer: string, caNamespace: string, wrong: { type: string } | { namespace: string }) =>
    "type" in wrong
      ? said(
          "MS2017",
          `authority \`${authority}\` is bootstrapped by \`${issuer}\`, a ${wrong.type} issuer; a CA that cert-manager makes needs a selfSigned issuer`,
          `declare an issuer with \`selfSigned: {}\` and no namespace (or namespace ${caNamespace}), and name it in \`certManager.issuer\``,
        )
      : said(
          "MS2017",
          `authority \`${authority}\` is bootstrapped by \`${issuer}\`, a namespaced Issuer (in ${wrong.namespace}); its CA Certificate lives in ${caNamespace}, and an Issuer signs only in its own namespace`,
          `drop \`namespace\` from that issuer, or set it to ${caNamespace}`,
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
  MS2101: (issuer: string, names: readonly string[]) =>
    said(
      "MS2101",
      `ACME issuer \`${issuer}\` cannot certify ${names.join(", ")}: the ACME server validates names from the internet and cannot reach cluster-internal ones`,
      "issue the serving certificate from a `ca` issuer (or the Service CA) and use the ACME issuer for `routeCertificate` (exposure reencrypt or external)",
    ),
  MS2102: (issuer: string, wildcards: readonly string[]) =>
    said("MS2102", `ACME issuer \`${issuer}\` solves HTTP-01, which cannot validate the wildcard ${wildcards.join(", ")}`, `give issuer ${issuer} a dns01 solver, or use a host without \`*.\``),
  MS2103: (issuer: string) => said("MS2103", `ACME issuer \`${issuer}\` uses the Let's Encrypt staging server: its certificates are not trusted by any client`, "use `server: production` once issuance works"),
  MS2104: (keystores: readonly string[]) =>
    said("MS2104", `keystores ${keystores.join(", ")} need a password, and the compiler only takes it from a Secret`, "add `keystorePasswordSecretRef: { name: <secret>, key: <key> }` next to keystores"),
  MS2105: () => said("MS2105", "keystorePasswordSecretRef is set but no keystores are requested: the password is never used", "add `keystores: [pkcs12]`, or remove the password reference"),
  /** `readsFrom` is the namespace cert-manager reads the issuer's CA Secret from; `namespaced` whether the issuer is an Issuer. */
  MS2106: (kind: string, issuer: string, secret: { namespace: string; name: string }, readsFrom: string, namespaced: boolean) =>
    said(
      "MS2106",
      `${kind} \`${issuer}\` would read CA Secret ${secret.namespace}/${secret.name}, but cert-manager only reads it from namespace \`${readsFrom}\``,
      namespaced ? `put the CA Secret into namespace ${readsFrom}` : `put the CA Secret into ${readsFrom} (platform.certManager.namespace), or declare the issuer with \`namespace: ${secret.namespace}\``,
    ),
  MS2107: (route: string) =>
    said(
      "MS2107",
      `passthrough Route \`${route}\` cannot take spec.tls.externalCertificate: the router does not terminate its TLS`,
      "remove routeCertificate (the pod's certificate is what clients see), or use exposure reencrypt",
    ),
  MS2108: (openshift: { major: number; minor: number }, routes: readonly string[]) =>
    said(
      "MS2108",
      `routeCertificates: external-certificate needs OpenShift 4.19 or later (platform.openshift is ${openshift.major}.${openshift.minor}); used by Route ${routes.join(", ")}`,
      openshift.minor >= 16 ? "on 4.16-4.18 the field is Technology Preview only; use routeCertificates: cert-utils" : "use routeCertificates: cert-utils",
    ),
  MS2109: (route: string) => said("MS2109", `passthrough Route \`${route}\` cannot allow plain HTTP: the Route API accepts only None or Redirect with passthrough`, "use Redirect (the default) or None"),
  MS2110: (service: string, issuer: string) =>
    said(
      "MS2110",
      `reencrypt Route of \`${service}\` has no destination CA for the pod's certificate from issuer \`${issuer}\`: the router trusts only the Service CA by default and would answer 503`,
      "use routeCertificates: cert-utils (destinationCA-from-secret), the Service CA for the serving certificate, or set spec.tls.destinationCACertificate in an overlay",
    ),
  MS2111: (service: string) => said("MS2111", `reloadOnRotation of \`${service}\` has no effect: platform.reloader is false`, "set platform.reloader: true once Stakater Reloader runs on the cluster"),
  MS2112: (issuer: string, issuerNamespace: string, namespace: string) =>
    said(
      "MS2112",
      `issuer \`${issuer}\` is a namespaced Issuer in \`${issuerNamespace}\`: it cannot sign a certificate in \`${namespace}\``,
      `drop \`namespace:\` from issuer ${issuer} (ClusterIssuer), or declare an issuer in namespace ${namespace}`,
    ),
  /** A DNS-01 solver (`provider`, its key under `dns01`) whose credentials cert-manager's webhook refuses; `problem` names the rule broken. */
  MS2113: (issuer: string, provider: string, problem: Dns01Problem) => {
    const [message, hint] = DNS01_PROBLEMS[problem];
    return said("MS2113", `${provider} solver of issuer \`${issuer}\`: ${message}`, hint);
  },
  MS2114: (issuer: string, provider: string) =>
    said(
      "MS2114",
      `namespaced Issuer \`${issuer}\` has no ${provider} credentials: it relies on ambient credentials, which cert-manager grants only to ClusterIssuers by default`,
      "reference the credentials Secret, drop `namespace:` to make a ClusterIssuer, or run cert-manager with --issuer-ambient-credentials",
    ),
  MS2115: (route: string) => said("MS2115", `passthrough Route \`${route}\` cannot route by path: the router does not decrypt the request`, "remove route.path, or use exposure reencrypt"),
  MS2117: (service: string) =>
    said(
      "MS2117",
      `reloadOnRotation of \`${service}\` has no effect: the service has no serving certificate (its edge Route sends plain HTTP to the pods)`,
      "remove reloadOnRotation, or add `certificate:` if the pods serve TLS to other callers",
    ),
  MS2118: (service: string, targetPort: string) =>
    said(
      "MS2118",
      `the Route of \`${service}\` cannot target container port \`${targetPort}\` by name: the router matches the Service port's name or the pods' port number`,
      "set targetPort to the pods' port number, or set portName to the name of the Service port",
    ),
  MS2119: (issuer: string, refused: "Ed25519" | "ECDSA P-521", letsEncrypt: boolean) =>
    said(
      "MS2119",
      `ACME issuer \`${issuer}\` is asked for an ${refused} key, which ${letsEncrypt ? "Let's Encrypt refuses (it issues for RSA and ECDSA P-256/P-384 keys only)" : "ACME servers do not issue for"}: the order fails and the certificate is never issued`,
      "use `privateKey: { algorithm: ECDSA }` (P-256, the default) or RSA; keep Ed25519 for certificates from `ca` or `selfSigned` issuers",
    ),

  // ---- 22xx service mesh and TLS ----
  MS2201: (name: string, nearest: string | undefined) => said("MS2201", `unknown cipher suite ${name}`, nearest === undefined ? undefined : `did you mean ${nearest}?`),
  MS2202: (name: string, iana: string) => said("MS2202", `${name} is an OpenSSL name; the policy takes IANA names and writes each target's own`, `write ${iana}`),
  /** `closest` is the nearest suite the flavor supports, `listed` whether the policy lists it already. */
  MS2203: (flavor: string, name: string, closest: string | undefined, listed: boolean) =>
    said(
      "MS2203",
      `${flavor} does not support ${name}`,
      closest !== undefined && listed ? `remove it: the closest suite ${flavor} supports, ${closest}, is already listed` : `the closest suite ${flavor} supports is ${closest ?? "none"}`,
    ),
  MS2204: (name: string) => said("MS2204", `${name} is a TLS 1.3 suite: no target lets it be configured (TLS 1.3 suites are always on)`, "list only TLS 1.2 suites"),
  /** `flavor` undefined: the policy has no mesh, so the curve is unknown to every target. */
  MS2205: (flavor: string | undefined, curve: string, nearest: string | undefined) =>
    said("MS2205", `${flavor ?? "the policy"} does not support the curve ${curve}`, nearest === undefined ? undefined : `did you mean ${nearest}?`),
  /** `http2` are the suites HTTP/2 needs one of; `from` the profile and flavor when the list is the profile's. */
  MS2206: (http2: readonly string[], from?: { profile: string; flavor: string }) =>
    from === undefined
      ? said(
          "MS2206",
          `the cipher list has neither ${http2.join(" nor ")}: HTTP/2 needs one of them`,
          "add TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (RSA certificates) or TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (ECDSA certificates)",
        )
      : said("MS2206", `profile ${from.profile} on ${from.flavor} leaves neither ${http2.join(" nor ")}: HTTP/2 needs one of them`, "list `cipherSuites` explicitly"),
  MS2207: () =>
    said(
      "MS2207",
      "cipher suites are set but only TLS 1.3 is allowed: they have no effect (TLS 1.3 suites are always on and not configurable)",
      "remove `cipherSuites`, or allow TLS 1.2 with `minVersion: TLSv1_2`",
    ),
  MS2208: (minVersion: string, maxVersion: string) => said("MS2208", `minVersion ${minVersion} is above maxVersion ${maxVersion}`),
  MS2209: (minVersion: string) => said("MS2209", `${minVersion} is allowed: TLS 1.0 and 1.1 are deprecated (RFC 8996)`, "use minVersion TLSv1_2 unless a client really needs an older version"),
  MS2210: (suites: readonly string[], tripleDes: boolean) => {
    const kind = tripleDes ? "CBC and 3DES" : "CBC";
    return said("MS2210", suites.length === 1 ? `the ${kind} suite ${suites[0]} is enabled` : `${kind} suites are enabled: ${suites.join(", ")}`, "prefer AEAD suites (AES-GCM, ChaCha20-Poly1305)");
  },
  /**
   * A TLS version the flavor cannot set: the minimum (`lowest` it can set at or above, if any) or the
   * maximum (`settable`: whether the flavor has a maximum at all). `profile` when the version comes from it.
   */
  MS2211: (flavor: string, version: string, accepts: readonly string[], bound: { min: true; lowest: string | undefined } | { max: true; settable: boolean }, profile: string | undefined) => {
    const from = profile === undefined ? "" : ` (from profile ${profile})`;
    if ("min" in bound) {
      return said("MS2211", `${flavor} cannot set the minimum TLS version ${version}${from}; it accepts ${accepts.join(", ")}`, bound.lowest === undefined ? undefined : `set minVersion: ${bound.lowest}`);
    }
    return bound.settable
      ? said("MS2211", `${flavor} cannot set the maximum TLS version ${version}${from}; it accepts ${accepts.join(", ")}`, `set maxVersion to one of ${accepts.join(", ")}`)
      : said("MS2211", `${flavor} has no maximum TLS version setting (it always allows up to ${accepts.join(", ")}); maxVersion ${version} cannot be enforced`, "remove `maxVersion`");
  },
  /** Profile custom without `minVersion` or without `cipherSuites`, or a profile without TLS 1.2 suites whose `minVersion` allows TLS 1.2. */
  MS2212: (wrong: { customWithout: "minVersion" | "cipherSuites" } | { profile: string; minVersion: string }) =>
    "profile" in wrong
      ? said("MS2212", `profile ${wrong.profile} has no TLS 1.2 suites, but minVersion ${wrong.minVersion} allows TLS 1.2`, "list `cipherSuites`, or use profile intermediate")
      : wrong.customWithout === "minVersion"
        ? said("MS2212", "profile custom needs `minVersion`", "add `minVersion: TLSv1_2` (or the lowest version your clients need)")
        : said("MS2212", "profile custom allows TLS 1.2 but lists no `cipherSuites`", "list the TLS 1.2 suites, or set `minVersion: TLSv1_3`"),
  MS2250: () => said("MS2250", "`mtls` is set but `platform.serviceMesh.flavor` is none: nothing enforces it", "set platform.serviceMesh.flavor"),
  MS2251: (service: string) =>
    said("MS2251", `per-workload mTLS for \`${service}\` needs the pods' labels: the service has no \`selector\``, "add `selector:` to the service, or set the mode for the whole namespace under mtls.namespaces"),
  /** `source` is where STRICT comes from; `selector` whether the service has one (per-workload mTLS needs it, MS2251). */
  MS2252: (service: string, source: string, selector: boolean) =>
    said(
      "MS2252",
      `\`${service}\` is called from outside the mesh, but its pods accept only mTLS (STRICT from ${source})`,
      selector
        ? "set `mtls: PERMISSIVE` on this service (a port-level exception) until its callers join the mesh"
        : "add `selector:` (the pods' labels) and `mtls: PERMISSIVE` to this service (a port-level exception) until its callers join the mesh",
    ),
  MS2253: (service: string, source: string, selector: boolean) =>
    said(
      "MS2253",
      `the Route of \`${service}\` sends traffic from the OpenShift router, which is outside the mesh, to pods that accept only mTLS (STRICT from ${source})`,
      selector
        ? "set `mtls: PERMISSIVE` on this service: the compiler then excepts its port from STRICT"
        : "add `selector:` (the pods' labels) and `mtls: PERMISSIVE` to this service: the compiler then excepts its port from STRICT",
    ),
  MS2254: (namespace: string) =>
    said("MS2254", `namespace ${namespace} goes from DISABLE straight to STRICT (compared with the previous output); traffic breaks while proxies pick up the change`, "compile and roll out PERMISSIVE first, then STRICT"),
  MS2255: (namespace: string) => said("MS2255", `${namespace} is the control plane namespace: its policy is the mesh-wide one`, "set mtls.mode instead"),
  MS2256: (maistraV1: boolean) =>
    said(
      "MS2256",
      `the ${maistraV1 ? "ServiceMeshControlPlane v1" : "ServiceMeshControlPlane"} cannot make the whole mesh DISABLE: with mTLS off the operator renders a mesh-wide PERMISSIVE ${maistraV1 ? "ServiceMeshPolicy default" : "PeerAuthentication default"}; the compiler makes each namespace of this policy DISABLE, every other namespace stays PERMISSIVE`,
      "list every namespace that must be DISABLE (a service or `mtls.namespaces`), or accept PERMISSIVE elsewhere",
    ),
  MS2257: () =>
    said(
      "MS2257",
      "`maistra-v1` (Service Mesh 1.1, end of life) needs the Service Mesh 1.x operator: 2.x operators default a maistra.io/v1 control plane to v1.1 and refuse versions below v2.2, and only 1.1 ships the v1alpha1 Policy API",
      "run the Service Mesh 1.x operator, or move to `flavor: maistra-v2`",
    ),
  MS2258: (version: string) =>
    said(
      "MS2258",
      `version ${version} is not a Service Mesh 1.x control plane: \`maistra-v1\` compiles Policy objects that only v1.1 serves`,
      version.startsWith("v1.") ? "set `version: v1.1`" : "use `flavor: maistra-v2` for a 2.x control plane",
    ),
  /** `label` is the pod label Maistra's istio-expose-route NetworkPolicy admits the router to. */
  MS2259: (route: string, service: string, namespace: string, label: string) =>
    said(
      "MS2259",
      `Route ${route} sends the router to \`${service}\` in ${namespace}, where Maistra's istio-expose-route NetworkPolicy admits the router only to pods labelled ${label}: "true"; the service has no \`workload\` to label, so the Route would answer 503`,
      `add \`workload: { kind: Deployment, name: <name> }\` to the service (the compiler then labels its pod template), or label the pods ${label}: "true" yourself`,
    ),
  /** `selector` is the service's pod selector, if any; `port` its target port. */
  MS2260: (service: string, namespace: string, meshNamespace: string, selector: Readonly<Record<string, string>> | undefined, port: string | number) =>
    said(
      "MS2260",
      `\`${service}\` is called from outside the mesh, but Maistra's istio-mesh NetworkPolicy in ${namespace} admits only member namespaces of ${meshNamespace}; ${selector ? "membership is left to the installation (platform.serviceMesh.membership: false), so the compiler cannot tell whether a NetworkPolicy would be the first to isolate the pods" : "the service has no `selector`, so no NetworkPolicy can select its pods"}`,
      selector
        ? `add a NetworkPolicy in ${namespace} selecting the pods (${Object.entries(selector).map(([k, v]) => `${k}: ${v}`).join(", ")}) with an ingress rule for port ${String(port)} once the namespace is a member`
        : "add `selector:` (the pods' labels): the compiler then emits a NetworkPolicy admitting those callers to the service's port",
    ),

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
  MS2303: (what: { secrets: readonly string[]; current: string } | { authority: string; secrets: readonly string[]; kept: "all" | "some" | "none" | "unsealed"; required: boolean }) =>
    "current" in what
      ? said(
          "MS2303",
          `the SealedSecret(s) ${what.secrets.join(", ")} were sealed for another controller certificate or scope than output.sealedSecrets names (now ${what.current}); without the CA keys they cannot be re-sealed and are kept as they are`,
          "compile once where the CA keys are (private/<authority>/) to re-seal them, and commit the output",
        )
      : said(
          "MS2303",
          `no private keys for authority \`${what.authority}\` in this checkout (no private/${what.authority}/): the Secret(s) ${what.secrets.join(", ")} ${KEYLESS_OUTCOME[what.kept]}`,
          `${what.required ? "--require-keys asks for them:" : "fine in a clone or in CI;"} to write them, restore private/${what.authority}/ from the team's key store`,
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
  MS2310: (next: string, authority: string) =>
    said(
      "MS2310",
      `rotation.next is \`${next}\`, the authority being rotated; a rotation needs a second authority`,
      `declare a new authority, or run \`mesh-security ca rotate ${authority}\` without a rotation section to have one made`,
    ),
  /**
   * During `rotation.phase` a trust channel carries one root only. `oneRoot` says which Secrets' ca.crt
   * (the rotation note says it too); `both` are the channels that carry both roots; `routes` whether a
   * Route reads the one-root ca.crt.
   */
  MS2311: (rotation: { phase: string; authority: string; next: string }, oneRoot: string, both: readonly string[], routes: boolean) =>
    said(
      "MS2311",
      `during ${rotation.phase} the ${oneRoot}; clients that trust another workload's ca.crt will reject ${rotation.phase === "trust-both" ? `certificates of ${rotation.next} once issue-new starts` : `certificates of whichever of ${rotation.authority} and ${rotation.next} did not sign that Secret`}`,
      `${both.length > 0 ? `have such clients mount ${both.join(" or ")} instead` : `list ${rotation.authority} in knative.trustBundle.authorities so that a bundle carries both roots, and have such clients mount it`}${routes ? "; for the Routes, make the roots' certificates available to the compiler (a generated authority, `ca init`) so it writes a Secret with both for destinationCA-from-secret, or set spec.tls.destinationCACertificate with both roots in an overlay until drop-old" : ""}`,
    ),
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
  /** `feature` is the Knative TLS feature by the words the docs use ("cluster-local domain TLS", ...). */
  MS2401: (feature: string, issuer: string) =>
    said("MS2401", `${feature} cannot use the ACME issuer \`${issuer}\`: cluster-local and internal names cannot pass an ACME challenge`, "use a `ca` issuer backed by an authority"),
  MS2402: (meshFlavor: string) =>
    said(
      "MS2402",
      `Knative transport encryption is enabled together with Service Mesh (${meshFlavor}); Serving encryption works with Kourier only`,
      "with Service Mesh, rely on the mesh's mTLS and leave the Knative TLS flags off",
    ),
  MS2403: (issuer: string) =>
    said(
      "MS2403",
      `system-internal TLS needs an issuer backed by a CA that components can trust; \`${issuer}\` is selfSigned (every certificate signs itself)`,
      "use a `ca` issuer whose authority is listed in knative.trustBundle",
    ),
  /** `feature` as for MS2401; `key` its key under `knative.issuers`. */
  MS2404: (feature: string, key: string) => said("MS2404", `${feature} is enabled but \`knative.issuers.${key}\` names no issuer`),
  MS2405: () =>
    said(
      "MS2405",
      "system-internal TLS is enabled but no trust bundle is declared: Knative components will not trust the issuing CA",
      "add `knative.trustBundle.authorities` with the authority behind the system-internal issuer",
    ),
  MS2406: (issuer: string, namespace: string | undefined) =>
    said("MS2406", `Knative requests certificates in many namespaces; the namespaced Issuer \`${issuer}\` can only sign in ${namespace ?? "its own"}`, "use a ClusterIssuer (drop `namespace` from the issuer)"),
  /** `gives` is what the bundle does with the CA ("read", "give callers"). */
  MS2407: (gives: string, authority: string, trustNamespace: string, secretNamespace: string) =>
    said("MS2407", `trust-manager can only ${gives} the CA of \`${authority}\` from its trust namespace ${trustNamespace}, but the Secret is in ${secretNamespace}`, `keep the CA Secret in ${trustNamespace}`),

  // ---- 26xx workloads and callers ----
  MS2601: (service: string) =>
    said(
      "MS2601",
      `\`certificate.mountPath\` of \`${service}\` needs the pods to mount it into: the service has no \`workload\``,
      "add `workload: { kind: Deployment, name: <name>, container: <container> }` to the service",
    ),
  /** No `workload.container`: for the certificate mount of `service`, or for the trust `caller` needs to call `callee`. */
  MS2602: (needs: { mount: string } | { caller: string; callee: string }) =>
    said(
      "MS2602",
      "mount" in needs
        ? `\`certificate.mountPath\` of \`${needs.mount}\` needs \`workload.container\`: only the container that terminates TLS gets the key`
        : `caller \`${needs.caller}\` of \`${needs.callee}\` needs \`workload.container\`: the CA trust goes into the container that calls`,
      "name the container with `workload.container`",
    ),
  /** `key` is the `namespace/name` looked for; `nearest` the closest declared service, as the user would write it. */
  MS2603: (entry: string, callee: string, key: string, nearest: string | undefined) =>
    said("MS2603", `caller \`${entry}\` of \`${callee}\` is not a service of this policy (looked for ${key})`, closest(nearest) ?? "declare the calling service under `services`, with its `workload`"),
  MS2604: (caller: string, callee: string) =>
    said("MS2604", `caller \`${caller}\` of \`${callee}\` has no \`workload.serviceAccount\`: the AuthorizationPolicy allows callers by service account`, `set \`workload.serviceAccount\` of service \`${caller}\``),
  /** `mount`: the CA trust would be mounted into the caller's pods; `mesh`: a mesh needs its identity. */
  MS2605: (caller: string, callee: string, mount: boolean, mesh: boolean) =>
    said(
      "MS2605",
      `caller \`${caller}\` of \`${callee}\` has no \`workload\`: ${mount ? "the CA trust cannot be mounted into its pods" : "its mesh identity is unknown"}`,
      `add \`workload\` (kind, name, container${mesh ? ", serviceAccount" : ""}) to service \`${caller}\``,
    ),
  /** One workload (`kind/name`) given two service accounts by two services. */
  MS2606: (workload: string, first: { account: string; service: string }, second: { account: string; service: string }) =>
    said(
      "MS2606",
      `${workload} runs as service account \`${first.account}\` for \`${first.service}\` but \`${second.account}\` for \`${second.service}\`: a pod has one`,
      `use \`${first.account}\` in both services`,
    ),
  /** Two mounts at one path `at` of a container; a mount is the certificate of a service, or the trust of the services it calls. */
  MS2607: (container: string, workload: string, first: MountUse, second: MountUse, at: string, trustPath: string) =>
    said(
      "MS2607",
      `container \`${container}\` of ${workload} would mount both ${mountUse(first)} and ${mountUse(second)} at ${at}`,
      `choose another mountPath (${trustPath} is where callers get their trust)`,
    ),
  MS2608: (callee: string, callers: readonly string[], issuer: string) =>
    said(
      "MS2608",
      `\`${callee}\` is called by ${callers.join(", ")}, but its certificate comes from the selfSigned issuer \`${issuer}\`: there is no CA its callers could trust`,
      "issue the certificate from the Service CA or a `ca` issuer backed by an authority",
    ),
  /** `why` says why calls to the service are plain text. */
  MS2609: (callee: string, why: string) =>
    said(
      "MS2609",
      `calls to \`${callee}\` are plain text (${why}), so its AuthorizationPolicy cannot see who calls: every declared call would be denied`,
      "set the service's mTLS (or its namespace's) to PERMISSIVE or STRICT",
    ),
  MS2610: (callee: string) =>
    said(
      "MS2610",
      `\`${callee}\` has callers, so the mesh gets an AuthorizationPolicy for its pods, but the service has no \`selector\` to find them by`,
      "add `selector:` with the labels of the service's pods",
    ),
  /** `who` says which clients without a mesh identity reach the service; `port` the one port opened, if not all. */
  MS2611: (who: string, service: string, port: string | number | undefined) =>
    said(
      "MS2611",
      `Maistra 1.x has no \`notPrincipals\`: to let ${who} reach \`${service}\`, ${port ? `port ${port}` : "every port"} is opened to every client, undeclared mesh workloads included`,
      "move to Maistra 2.x or Sail to keep undeclared mesh clients out",
    ),
  MS2612: (service: string, who: string, targetPort: string) =>
    said(
      "MS2612",
      `\`${service}\` is reached by ${who} on a PERMISSIVE port, but its targetPort \`${targetPort}\` is a name: clients without a mesh identity are allowed on every port of its pods`,
      "write targetPort as a number",
    ),
  MS2613: (entry: string, callee: string, key: string) => said("MS2613", `caller \`${entry}\` of \`${callee}\` is listed twice (as ${key})`, "remove one of the entries"),

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
  MS5001: (dir: string) => said("MS5001", `${dir} is not a directory`),
  /** `reason`: the first line of the yaml library's error message. */
  MS5002: (reason: string) => said("MS5002", `not valid YAML: ${reason}`),
  /** `fix`: the named Service port whose number the targetPort gives (and its pod port), else the Service's port names. */
  MS5010: (route: string, target: string, service: string, fix: { portName: string; podPort: string } | { portNames: string[] }) =>
    said(
      "MS5010",
      `${route} targets port ${target}, which no endpoint of Service ${service} has: the router answers 503`,
      "portName" in fix ? `use targetPort: ${fix.portName} (the Service port's name) or the pod port ${fix.podPort}` : `use a Service port name (${fix.portNames.join(", ") || "none"}) or a pod port`,
    ),
  /** `accepts`: what decided the server's mode; `host`: the Service host the clients' DestinationRule names. */
  MS5020: (client: string, server: string, accepts: string, host: string) =>
    said("MS5020", `${client} sends mTLS to ${server}, whose sidecar accepts plaintext only (${accepts}): the connection fails`, `give the clients a DestinationRule with tls.mode: DISABLE for ${host}, or accept mTLS on the server (PERMISSIVE)`),
  MS5021: (client: string, server: string, accepts: string) =>
    said("MS5021", `${client} sends no mTLS to ${server}, whose sidecar accepts mTLS only (${accepts}): the connection fails`, "make the port PERMISSIVE for callers outside the mesh (a port-level exception keyed on the pod port), or bring the caller into the mesh"),
  MS5022: (policy: string, rootNamespace: string) =>
    said(
      "MS5022",
      `${policy} applies only to workloads in ${rootNamespace}, not to the mesh: mesh-wide authentication is the ServiceMeshPolicy default the operator renders from the control plane`,
      "set the mesh-wide mode through the control plane (spec.istio.global.mtls.enabled / spec.security.dataPlane.mtls), and per-namespace modes with a Policy named default in each namespace",
    ),
  MS5030: (emitted: string, controlPlane: string) =>
    said("MS5030", `${emitted} is also rendered by the mesh operator from ${controlPlane}: the operator and Argo CD overwrite each other`, "do not emit it: express the mesh-wide mode through the control plane resource, and per-namespace modes with objects of another name or namespace"),
  /** Several writers of one Secret, or keystores added to a Secret whose writer keeps only tls.crt and tls.key. */
  MS5035: (secret: string, conflict: { writers: string[] } | { keepsOnlyItsKeys: string }) =>
    said(
      "MS5035",
      "writers" in conflict
        ? `Secret ${secret} has ${conflict.writers.length} writers: ${conflict.writers.join(", ")}; each overwrites the other's certificate`
        : `Secret ${secret} gets keystores from cert-utils-operator, but ${conflict.keepsOnlyItsKeys} keeps only tls.crt and tls.key: the two rewrite it in turn`,
      "give each certificate its own Secret name",
    ),
  MS5040: (trusted: string, route: string, presented: string[]) =>
    said(
      "MS5040",
      `the router trusts ${trusted} for ${route}, but the pods present a certificate from ${presented.join(" or ")}: the TLS handshake to the pod fails (503)`,
      "set spec.tls.destinationCACertificate (or the cert-utils-operator.redhat-cop.io/destinationCA-from-secret annotation) to the pods' CA, or serve a Service CA certificate",
    ),
  MS5041: (flag: string, authority: string, namespace: string, caSecret: string) =>
    said(
      "MS5041",
      `Knative ${flag} certificates are signed by ${authority}, but no trust bundle selecting ${namespace} holds that CA: Knative components reject each other's certificates`,
      `add Secret ${caSecret} (key ca.crt) to the Bundle's sources and select namespace ${namespace}`,
    ),
  /** `files`: where the caller's own manifests were read (none when only its patch was). */
  MS5045: (caller: string, principal: string, policies: string[], files: string[]) =>
    said(
      "MS5045",
      `${caller} runs as ${principal}, which no rule of ${policies.join(", ")} allows: the callee's sidecar denies every request (RBAC: access denied) (${caller} is read from ${files.join(", ") || "its patch"})`,
      "set the caller's `workload.serviceAccount` in the policy to the service account its pods run as (or run them as the one the policy names), and compile again",
    ),
  MS5046: (caller: string, callee: string, trusted: string[], configMap: string, presented: string[]) =>
    said(
      "MS5046",
      `${caller} verifies ${callee} against ${trusted.join(" and ")} (ConfigMap ${configMap}), but its pods present a certificate from ${presented.join(" or ")}: the TLS handshake fails`,
      "mount the trust of the callee's issuer (compile the call from the policy's `callers`), or issue the callee's certificate from the CA the caller trusts",
    ),
  /** `supply`: how to pass the Secrets written outside the output (verify's INPUTS sentence). */
  MS5050: (workload: string, kind: "Secret" | "ConfigMap", mounted: string, supply: string) =>
    said(
      "MS5050",
      `${workload} mounts ${kind} ${mounted}, which nothing in the output (or --with / --secrets-dir) writes: the pod never starts (ContainerCreating, "${kind.toLowerCase()} not found")`,
      `mount the ${kind} the policy's certificate or trust is written to, or if it is written outside the output: ${supply}`,
    ),
  /** `written`: the keys the writers do write, sorted. */
  MS5051: (workload: string, keys: string[], kind: "Secret" | "ConfigMap", projected: string, writers: string[], written: string[]) =>
    said(
      "MS5051",
      `${workload} projects key ${keys.join(", ")} of ${kind} ${projected}, which its writer (${writers.join(", ")}) never writes (it writes ${written.join(", ")}): the volume cannot be built and the pod never starts`,
      `use one of the keys the writer writes: ${written.join(", ")}`,
    ),
  /** `files`: where the workload was read; `containers`: the containers it has. */
  MS5052: (workload: string, container: string, files: string[], containers: string[]) =>
    said(
      "MS5052",
      `the patch of ${workload} names container ${container}, which ${workload} (${files.join(", ")}) does not have (${containers.join(", ") || "none"}): the merge adds a container without an image and the API server rejects the workload`,
      `set the service's \`workload.container\` in the policy to one of ${containers.join(", ")}`,
    ),
  MS5053: (container: string, workload: string, wrong: { volume: string } | { volumes: [string, string]; mountPath: string }) =>
    said(
      "MS5053",
      `container ${container} of ${workload} ${"volume" in wrong ? `mounts volume ${wrong.volume}, which the pod does not have` : `mounts ${wrong.volumes[0]} and ${wrong.volumes[1]} on the same path ${wrong.mountPath}`}: the API server rejects the pod template`,
      "mount each volume on its own path, and name only volumes the pod has",
    ),
  /** `how`: which controller reads it; `unwritten`: nothing writes the Secret, or the keys its writers lack. */
  MS5055: (route: string, secret: string, how: string, unwritten: "secret" | { keys: string[]; writers: string[] }) =>
    unwritten === "secret"
      ? said("MS5055", `${route} reads Secret ${secret} (${how}), which nothing in the output writes: the Route ${how.startsWith("the router") ? "is rejected" : "never gets its certificate"}`, "name the Secret the route (or pod) certificate is written to")
      : said("MS5055", `${route} reads ${unwritten.keys.join(", ")} of Secret ${secret} (${how}), which ${unwritten.writers.join(", ")} does not write`, "name a Secret whose writer writes that key"),
  /** `verbs`: the verbs the router's service account lacks. */
  MS5056: (verbs: string[], secret: string, route: string) =>
    said(
      "MS5056",
      `the router's service account may not ${verbs.join(", ")} Secret ${secret} (no Role and RoleBinding read grant it): the API server rejects ${route} (externalCertificate)`,
      "emit a Role granting get, list, watch on the Secret and a RoleBinding to openshift-ingress/router",
    ),
  /** The annotation names an object the pods do not mount (`watched`), or omits one the compiler's patch mounts (`unwatched`). */
  MS5057: (workload: string, kind: "Secret" | "ConfigMap", namespace: string, wrong: { watched: string; mounted: string[] } | { unwatched: string; annotation: string }) =>
    "watched" in wrong
      ? said(
          "MS5057",
          `${workload} asks Reloader to restart it when ${kind} ${namespace}/${wrong.watched} changes, but its pods do not mount it (they mount ${wrong.mounted.join(", ") || "none"}): a renewed certificate is never picked up`,
          `name the ${kind}s the pod mounts: ${wrong.mounted.join(", ")}`,
        )
      : said("MS5057", `${workload} mounts ${kind} ${namespace}/${wrong.unwatched} (the compiler's patch), but its Reloader annotation (${wrong.annotation}) does not name it: when it is renewed the pods keep the old one`, `add ${wrong.unwatched} to the annotation`),
  /** `sealedFor`: the namespace/name of the template, `?` where it records none. */
  MS5058: (sealed: string, scope: string, sealedFor: string, named: string) =>
    said("MS5058", `${sealed} was sealed (scope ${scope}) for ${sealedFor}, but is named ${named}: the controller decrypts with another label and never writes the Secret`, "seal the Secret again for its real namespace and name"),
  /** `written`: the keys the writers do write, sorted. */
  MS5059: (certificate: string, format: string, key: string, secret: string, writers: string[], written: string[]) =>
    said(
      "MS5059",
      `${certificate} reads the ${format} keystore password from key ${key} of Secret ${secret}, which ${writers.join(", ")} writes without it (${written.join(", ") || "no keys"}): the keystore is never written`,
      `point passwordSecretRef.key at one of ${written.join(", ")}`,
    ),
  /** How the issuerRef fails: a cert-manager issuer named with an external group, a kind cert-manager does not serve, or an issuer written with another kind or namespace than `ref` says. */
  MS5060: (certificate: string, wrong: WrongIssuerRef) => said("MS5060", `${certificate}: ${issuerRefProblem(wrong)}`, "name the issuer the output writes, with its kind and group cert-manager.io"),
  /** `key`: the key asked for, e.g. `Ed25519`, `ECDSA P-521`, `RSA 1024`. */
  MS5061: (certificate: string, acme: string, key: string) =>
    said("MS5061", `${certificate} asks the ACME server ${acme} for an ${key} key, which it refuses (RSA 2048–4096 and ECDSA P-256/P-384 only): the certificate is never issued`, "use ECDSA P-256 (or RSA 2048+) for ACME certificates"),
  MS5062: (certificate: string, acme: string, names: string[]) =>
    said("MS5062", `${certificate} asks the ACME server ${acme} for ${names.join(", ")}, which it cannot validate (no public DNS name): the order fails`, "issue cluster-internal names from a CA issuer or the Service CA"),
  /** `dnsNames`: the names the certificate does carry. */
  MS5063: (client: string, name: string, certificate: string, dnsNames: string[]) =>
    said("MS5063", `${client} verifies the name ${name}, which ${certificate} does not carry (${dnsNames.join(", ") || "no dnsNames"}): the TLS handshake fails`, `add ${name} to the Certificate's dnsNames`),
  /** `controlPlanes`: the emitted ones, described; `refs`: the same as `namespace/name`. */
  MS5065: (member: string, ref: string, controlPlanes: string[], namespace: string, refs: string[]) =>
    said(
      "MS5065",
      `${member} joins control plane ${ref}, but the output's is ${controlPlanes.join(", ")}: namespace ${namespace} is not a member of it and its pods get no sidecar from it`,
      `set spec.controlPlaneRef to ${refs.join(" or ")}`,
    ),
  /** An istio.io/rev label hidden by an istio-injection label, or an injection label that selects no revision (`asked`). */
  MS5066: (namespace: string, wrong: { revision: string; injection: string } | { asked: string }, revisions: string[]) =>
    said(
      "MS5066",
      "injection" in wrong
        ? `Namespace ${namespace} asks for injection with istio.io/rev: ${wrong.revision}, but its istio-injection: ${wrong.injection} label takes precedence (the revision webhook requires istio-injection to be absent): its pods get no sidecar`
        : `Namespace ${namespace} asks for injection with ${wrong.asked}, which selects no revision of the Istio read (${revisions.join(", ")}): its pods get no sidecar`,
      `label the namespace istio.io/rev: ${revisions[0] ?? "<revision>"}`,
    ),
  /** `why`: the namespace is not a member (membership's reason), or the pod template (read from `files`) does not ask for injection. */
  MS5067: (promise: string, object: string, workload: string, why: { notMember: string } | { files: string[] }) =>
    said(
      "MS5067",
      `${promise} of ${object} applies to the pods of ${workload}, which get no sidecar: ${"notMember" in why ? why.notMember : `the pod template of ${workload} (${why.files.join(", ")}) does not ask for injection (sidecar.istio.io/inject: "true"), and Maistra's autoInject is off`}; nothing enforces it`,
      'make the namespace a member of the control plane and annotate the pod template with sidecar.istio.io/inject: "true"',
    ),
  /** `operatorPolicies`: whether a policy the Maistra operator renders is among those selecting the pods. */
  MS5070: (service: string, policies: string[], routerNamespace: string, port: string, route: string, operatorPolicies: boolean) =>
    said(
      "MS5070",
      `the NetworkPolicies selecting the pods of Service ${service} (${policies.join(", ")}) admit nothing from the router's namespace ${routerNamespace} on port ${port}: ${route} answers 503`,
      operatorPolicies ? 'label the routed pods maistra.io/expose-route: "true" (the workload patch), or add a NetworkPolicy admitting the router' : "add a NetworkPolicy admitting the router's namespace (network.openshift.io/policy-group: ingress) on the pod port",
    ),
  MS5071: (service: string, policies: string[], caller: string, port: string) =>
    said("MS5071", `the NetworkPolicies selecting the pods of Service ${service} (${policies.join(", ")}) admit nothing from ${caller} on port ${port}: the declared call times out`, "add a NetworkPolicy admitting the caller's namespace (or make it a mesh member)"),
  /** `pods`: each workload read in the namespace, with its pod labels. */
  MS5075: (policy: string, namespace: string, pods: string[]) =>
    said("MS5075", `${policy} selects none of the pods of ${namespace} read (${pods.join(", ")}): the pods it was meant for are not protected by it`, "use the pods' labels (the Service selector) in spec.selector.matchLabels"),
  MS5076: (deny: string, caller: string, principal: string) =>
    said("MS5076", `${deny} (DENY, evaluated before ALLOW) matches ${caller}'s identity ${principal}: every request of the declared call is refused`, "narrow the DENY rule so that it does not match the declared caller"),
  /** `bundle`: where both roots were found; `partner`: the other CA Secret; `fromSecret`: the Secret the Route's destination CA comes from. */
  MS5080: (bundle: string, authority: string, partner: string, route: string, fromSecret: string) =>
    said(
      "MS5080",
      `a CA rotation is under way (${bundle} carries the roots of ${authority} and of Secret ${partner}), but ${route} takes its destination CA from ca.crt of Secret ${fromSecret} (cert-utils), which holds one root and is replaced the moment cert-manager re-issues: pods still presenting the other root's certificate get 503`,
      "during trust-both and issue-new, point the destination CA at a bundle carrying both roots, or set destinationCACertificate inline with both",
    ),
} satisfies Constructors;

/** How a Certificate's issuerRef misses the issuers the output writes (MS5060). */
export type WrongIssuerRef = { group: string; name: string; written: string[] } | { kind: string } | { ref: string; written: string[] };

/** MS5060's problem without the Certificate, for verify's path row, which names the Certificate itself. */
export function issuerRefProblem(wrong: WrongIssuerRef): string {
  if ("group" in wrong) return `issuerRef group ${wrong.group} names an external issuer, but ${wrong.name} is ${wrong.written.join(", ")} of group cert-manager.io: no controller signs the CertificateRequest`;
  if ("kind" in wrong) return `issuerRef kind ${wrong.kind} is neither Issuer nor ClusterIssuer of group cert-manager.io`;
  return `issuerRef names ${wrong.ref}, which is not written, but the output writes ${wrong.written.join(", ")}: the CertificateRequest waits forever for an issuer that does not exist`;
}

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

/** The words of Node's errno names (errno(3)) for a failed file operation; another name is shown as it is. */
function ioReason(errno: string): string {
  if (errno === "ENOENT") return "no such file";
  if (errno === "EISDIR") return "is a directory";
  if (errno === "ENOSPC" || errno === "EDQUOT") return "no space left on device";
  if (errno === "EACCES" || errno === "EPERM") return "permission denied";
  if (errno === "EROFS") return "read-only file system";
  return errno;
}

/**
 * Why a file operation failed, as a fact for a message: the words of its errno name (Node's system
 * errors carry it in `code`), else the error's own text. The one place such words are chosen.
 */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? ioReason(code) : error instanceof Error ? error.message : String(error);
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
