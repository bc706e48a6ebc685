import { CODES } from "../diagnostics/codes.js";
import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import { CURVES, TLS_VERSIONS } from "./policy-input.js";
import type { Curve, TlsPolicyInput, TlsVersion } from "./policy-input.js";
import { editDistance, suggest } from "../util/suggest.js";
import { BY_IANA, BY_OPENSSL, HTTP2_SUITES } from "./ciphers.js";
import type { CipherSuite } from "./ciphers.js";
import { MOZILLA_GUIDELINES, PROFILES } from "./profiles.js";
import type { Profile } from "./profiles.js";
import { TARGETS_TLS } from "./per-target.js";
import type { TargetFlavor, TargetTls } from "./per-target.js";

/** The policy's `tls:` section as the rules read it (the model's own type). */
export type TlsInput = TlsPolicyInput;

type Source = "profile" | "policy";

/** The TLS policy with the profile applied and intersected with the target: what every target reads. */
export interface ResolvedTls {
  profile: TlsInput["profile"];
  guidelines: typeof MOZILLA_GUIDELINES;
  /** The flavor the lists were intersected with ("none": validated only). */
  flavor: TargetFlavor | "none";
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
  /** TLS 1.2-and-below suites, IANA names, priority order, supported by the flavor; empty when only TLS 1.3 is allowed. */
  cipherSuites: string[];
  /** Priority order; empty means the target's defaults (profile custom without `ecdhCurves`). */
  ecdhCurves: Curve[];
  source: { minVersion: Source; maxVersion: Source; cipherSuites: Source; ecdhCurves: Source };
  /** Profile suites and curves the flavor does not support, left out (the intersection; not an error). */
  dropped: string[];
}

const rank = (v: TlsVersion): number => TLS_VERSIONS.indexOf(v);
const ALL_CURVES: ReadonlySet<Curve> = new Set(CURVES);

/** The candidate nearest to `word` by edit distance, however far (for "use this supported one instead"). */
function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

const isError = (f: Finding): boolean => CODES[f.code].severity === "error";

/**
 * Apply the profile (Mozilla Server Side TLS 5.8), the policy's narrowing and the flavor's limits, and
 * check the TLS rules (MS2201-MS2212). Nothing unknown ever reaches a target: Maistra silently drops
 * unknown suites and turns an unknown version into TLS_AUTO, and Istio drops suites it does not know,
 * so a value is only returned when there are no errors. With flavor "none" the names and the generic
 * rules are still checked, without a target to intersect with.
 */
export function resolveTls(input: TlsInput, flavor: TargetFlavor | "none", path: readonly (string | number)[] = ["tls"]): { value?: ResolvedTls; findings: Finding[] } {
  const findings: Finding[] = [];
  const at: At = (...rest) => [...path, ...rest];
  const target = flavor === "none" ? undefined : TARGETS_TLS[flavor];
  const profile = input.profile === "custom" ? undefined : PROFILES[input.profile];

  // Versions.
  if (!profile && input.minVersion === undefined) {
    findings.push({ ...say.MS2212({ customWithout: "minVersion" }), path: at("profile") });
  }
  const minVersion = input.minVersion ?? profile?.minVersion ?? "TLSv1_2";
  const maxVersion = input.maxVersion ?? profile?.maxVersion ?? "TLSv1_3";
  const minPath = input.minVersion !== undefined ? at("minVersion") : at("profile");
  const maxPath = input.maxVersion !== undefined ? at("maxVersion") : at("profile");
  if (rank(minVersion) > rank(maxVersion)) {
    findings.push({ ...say.MS2208(minVersion, maxVersion), path: input.minVersion !== undefined ? minPath : maxPath });
  }
  if (rank(minVersion) < rank("TLSv1_2")) {
    findings.push({ ...say.MS2209(minVersion), path: minPath });
  }
  if (target) findings.push(...checkVersions(target, minVersion, maxVersion, minPath, maxPath, input.profile));

  const tls12Allowed = rank(minVersion) <= rank("TLSv1_2");
  const suites = resolveSuites(input, profile, target, tls12Allowed, minPath, at);
  const curves = resolveCurves(input, profile, target, at);
  findings.push(...suites.findings, ...curves.findings);
  const cipherSuites = tls12Allowed ? suites.cipherSuites : [];
  const ecdhCurves = curves.ecdhCurves;
  const dropped = [...suites.dropped, ...curves.dropped];

  if (findings.some(isError)) return { findings };
  return {
    value: {
      profile: input.profile,
      guidelines: MOZILLA_GUIDELINES,
      flavor,
      minVersion,
      maxVersion,
      cipherSuites,
      ecdhCurves,
      source: {
        minVersion: input.minVersion !== undefined ? "policy" : "profile",
        maxVersion: input.maxVersion !== undefined ? "policy" : "profile",
        cipherSuites: input.cipherSuites ? "policy" : "profile",
        ecdhCurves: input.ecdhCurves ? "policy" : "profile",
      },
      dropped,
    },
    findings,
  };
}

type At = (...rest: (string | number)[]) => (string | number)[];

/** The TLS 1.2-and-below suites: the policy's list checked name by name, or the profile's intersected with the flavor. */
function resolveSuites(input: TlsInput, profile: Profile | undefined, target: TargetTls | undefined, tls12Allowed: boolean, minPath: (string | number)[], at: At): { cipherSuites: string[]; dropped: string[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const cipherSuites: string[] = [];
  const dropped: string[] = [];
  const flavor = target?.flavor ?? "none";
  if (input.cipherSuites) {
    if (!tls12Allowed) {
      findings.push({ ...say.MS2207(), path: at("cipherSuites") });
    }
    let http2Named = false;
    input.cipherSuites.forEach((name, index) => {
      const itemPath = at("cipherSuites", index);
      const suite = BY_IANA.get(name);
      if (!suite) {
        const viaOpenssl = BY_OPENSSL.get(name);
        if (viaOpenssl) {
          http2Named ||= viaOpenssl.http2Capable;
          findings.push({ ...say.MS2202(name, viaOpenssl.iana), path: itemPath });
        } else {
          const hint = suggest(name, BY_IANA.keys());
          // A misspelt HTTP/2 suite is reported once, as the misspelling, not again as MS2206.
          http2Named ||= hint !== undefined && BY_IANA.get(hint)?.http2Capable === true;
          findings.push({ ...say.MS2201(name, hint), path: itemPath });
        }
        return;
      }
      if (suite.tls13) {
        findings.push({ ...say.MS2204(name), path: itemPath });
        return;
      }
      http2Named ||= suite.http2Capable;
      if (target && !target.cipherSuites.has(name)) {
        const closest = nearest(name, target.cipherSuites);
        findings.push({ ...say.MS2203(flavor, name, closest, closest !== undefined && input.cipherSuites?.includes(closest) === true), path: itemPath });
        return;
      }
      if (cipherSuites.includes(name)) return;
      cipherSuites.push(name);
      if (tls12Allowed && suite.cbc) findings.push(weakFinding([suite], itemPath));
    });
    if (tls12Allowed && !http2Named) {
      findings.push({ ...say.MS2206(HTTP2_SUITES), path: at("cipherSuites") });
    }
  } else if (tls12Allowed) {
    if (!profile) {
      findings.push({ ...say.MS2212({ customWithout: "cipherSuites" }), path: at("profile") });
    } else if (profile.cipherSuites.length === 0) {
      findings.push({ ...say.MS2212({ profile: input.profile, minVersion: input.minVersion ?? profile.minVersion }), path: minPath });
    } else {
      for (const name of profile.cipherSuites) {
        if (target && !target.cipherSuites.has(name)) dropped.push(name);
        else cipherSuites.push(name);
      }
      const weak = cipherSuites.map((s) => BY_IANA.get(s)).filter((s): s is CipherSuite => s?.cbc === true);
      if (weak.length > 0) findings.push(weakFinding(weak, at("profile")));
      // Every Mozilla profile has both; this guards the intersection with the flavor.
      if (!cipherSuites.some((s) => BY_IANA.get(s)?.http2Capable)) {
        findings.push({ ...say.MS2206(HTTP2_SUITES, { profile: input.profile, flavor }), path: at("profile") });
      }
    }
  }
  return { cipherSuites, dropped, findings };
}

/** The curves: the policy's list checked against the flavor, or the profile's intersected with it. */
function resolveCurves(input: TlsInput, profile: Profile | undefined, target: TargetTls | undefined, at: At): { ecdhCurves: Curve[]; dropped: string[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const ecdhCurves: Curve[] = [];
  const dropped: string[] = [];
  const supported: ReadonlySet<Curve> = target?.curves ?? ALL_CURVES;
  if (input.ecdhCurves) {
    input.ecdhCurves.forEach((curve, index) => {
      if (!supported.has(curve)) {
        const closest = nearest(curve, supported);
        findings.push({ ...say.MS2205(target?.flavor, curve, closest), path: at("ecdhCurves", index) });
      } else if (!ecdhCurves.includes(curve)) ecdhCurves.push(curve);
    });
  } else {
    // Profile custom lists no curves of its own: the target keeps its defaults (as OpenShift's Custom does).
    for (const curve of profile?.curves ?? []) {
      if (!supported.has(curve)) dropped.push(curve);
      else ecdhCurves.push(curve);
    }
  }
  return { ecdhCurves, dropped, findings };
}

function checkVersions(target: TargetTls, minVersion: TlsVersion, maxVersion: TlsVersion, minPath: (string | number)[], maxPath: (string | number)[], profile: TlsInput["profile"]): Finding[] {
  const findings: Finding[] = [];
  // The profile when the version comes from it (its path is the profile key), for the message.
  const fromProfile = (p: (string | number)[]): string | undefined => (p.at(-1) === "profile" ? profile : undefined);
  if (!target.minVersions.includes(minVersion)) {
    const lowest = target.minVersions.find((v) => rank(v) >= rank(minVersion));
    findings.push({ ...say.MS2211(target.flavor, minVersion, target.minVersions, { min: true, lowest }, fromProfile(minPath)), path: minPath });
  }
  if (!target.maxVersions.includes(maxVersion)) {
    findings.push({ ...say.MS2211(target.flavor, maxVersion, target.maxVersions, { max: true, settable: target.maxVersionSettable }, fromProfile(maxPath)), path: maxPath });
  }
  return findings;
}

function weakFinding(suites: readonly CipherSuite[], path: (string | number)[]): Finding {
  return { ...say.MS2210(suites.map((s) => s.iana), suites.some((s) => s.tripleDes)), path };
}

/**
 * The resolved settings in the flavor's own spelling (Maistra: Go/IANA suites, `TLSv1_2`, `CurveP256`;
 * Sail: OpenSSL suites, `TLSV1_2`, `P-256`). Lists only: SMCP v1 wants suites and curves comma-separated,
 * which the mesh target does (see `TargetTls.listFormat`). Sail has no maximum field: its
 * `maxProtocolVersion` is the fixed TLS 1.3 and is not to be written. Throws on a name the flavor's
 * vocabulary lacks, which only a value resolved for another flavor can hold (a programming error).
 */
export function formatForTarget(resolved: ResolvedTls, flavor: TargetFlavor): { minProtocolVersion: string; maxProtocolVersion: string; cipherSuites: string[]; ecdhCurves: string[] } {
  const target = TARGETS_TLS[flavor];
  const checked = (name: string, vocabulary: ReadonlySet<string>): string => {
    if (!vocabulary.has(name)) throw new Error(`internal: ${name} is not accepted by ${flavor} (TLS resolved for ${resolved.flavor})`);
    return name;
  };
  return {
    minProtocolVersion: checked(target.versionName(resolved.minVersion), target.vocabulary.versions),
    maxProtocolVersion: checked(target.versionName(resolved.maxVersion), target.vocabulary.versions),
    cipherSuites: resolved.cipherSuites.map((s) => checked(target.cipherName(s), target.vocabulary.cipherSuites)),
    ecdhCurves: resolved.ecdhCurves.map((c) => checked(target.curveName(c), target.vocabulary.curves)),
  };
}
