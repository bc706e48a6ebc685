import type { Finding } from "../diagnostics/diagnostic.js";
import type { TlsPolicyInput } from "../model/model.js";
import type { Curve, MeshFlavor, TlsVersion } from "../model/policy-input.js";
import { suggest } from "../util/suggest.js";
import { BY_IANA, BY_OPENSSL, CIPHER_SUITES, HTTP2_SUITES } from "./ciphers.js";
import { MOZILLA_GUIDELINES_VERSION, PROFILES } from "./profiles.js";
import { TARGETS_TLS } from "./targets.js";
import type { TargetFlavor } from "./targets.js";

/** The TLS policy with the profile applied and intersected with the target: what every target reads. */
export interface ResolvedTls {
  profile: TlsPolicyInput["profile"];
  guidelines: string;
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
  /** TLS 1.2-and-below suites, IANA names, priority order; empty when only TLS 1.3 is allowed. */
  cipherSuites: string[];
  ecdhCurves: Curve[];
  source: { minVersion: "profile" | "policy"; maxVersion: "profile" | "policy"; cipherSuites: "profile" | "policy"; ecdhCurves: "profile" | "policy" };
  /** Profile suites or curves the target does not support (left out, not an error: the profile is advice). */
  dropped: string[];
}

const ORDER: readonly TlsVersion[] = ["TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"];
const rank = (v: TlsVersion): number => ORDER.indexOf(v);

/**
 * Apply the profile (Mozilla Server Side TLS 5.8), the policy's narrowing and the target's limits.
 * Nothing unknown ever reaches a target: Maistra silently drops unknown suites and turns an unknown
 * version into TLS_AUTO, so a value is only returned when there are no errors.
 */
export function resolveTls(input: TlsPolicyInput, flavor: MeshFlavor, path: readonly (string | number)[] = ["tls"]): { value?: ResolvedTls; findings: Finding[] } {
  const findings: Finding[] = [];
  const at = (...rest: (string | number)[]): (string | number)[] => [...path, ...rest];
  const target = flavor === "none" ? undefined : TARGETS_TLS[flavor as TargetFlavor];
  const profile = input.profile === "custom" ? undefined : PROFILES[input.profile];

  if (!profile && !input.minVersion) findings.push({ code: "MS2212", message: "profile custom needs `minVersion`", path: at("profile") });
  const minVersion = input.minVersion ?? profile?.minVersion ?? "TLSv1_2";
  const maxVersion = input.maxVersion ?? profile?.maxVersion ?? "TLSv1_3";
  if (rank(minVersion) > rank(maxVersion)) {
    findings.push({ code: "MS2208", message: `minVersion ${minVersion} is above maxVersion ${maxVersion}`, path: at(input.minVersion ? "minVersion" : "maxVersion") });
  }
  if (rank(minVersion) < rank("TLSv1_2")) {
    findings.push({ code: "MS2209", message: `${minVersion} is allowed: TLS 1.0 and 1.1 are deprecated (RFC 8996)`, path: at(input.minVersion ? "minVersion" : "profile"), hint: "use minVersion TLSv1_2 unless a client really needs older versions" });
  }
  if (target) {
    for (const [key, version] of [["minVersion", minVersion], ["maxVersion", maxVersion]] as const) {
      if (!target.versions.includes(version) && (key === "minVersion" || input.maxVersion)) {
        findings.push({ code: "MS2211", message: `${flavor} cannot set ${key} ${version}; it accepts ${target.versions.join(", ")}`, path: at(input[key] ? key : "profile") });
      }
    }
    if (!target.maxVersion && input.maxVersion && input.maxVersion !== "TLSv1_3") {
      findings.push({ code: "MS2211", message: `${flavor} has no maximum TLS version setting; maxVersion ${input.maxVersion} cannot be enforced`, path: at("maxVersion") });
    }
  }

  const tls12Allowed = rank(minVersion) <= rank("TLSv1_2");
  const dropped: string[] = [];
  let cipherSuites: string[] = [];
  if (input.cipherSuites) {
    if (!tls12Allowed) {
      findings.push({ code: "MS2207", message: "cipher suites are set but only TLS 1.3 is allowed: they have no effect (TLS 1.3 suites are not configurable)", path: at("cipherSuites") });
    }
    input.cipherSuites.forEach((name, index) => {
      const known = BY_IANA.get(name);
      if (!known) {
        const openssl = BY_OPENSSL.get(name);
        if (openssl) findings.push({ code: "MS2202", message: `${name} is an OpenSSL name; the policy takes IANA names`, path: at("cipherSuites", index), hint: `write ${openssl.iana}` });
        else {
          const hint = suggest(name, CIPHER_SUITES.map((s) => s.iana));
          findings.push({ code: "MS2201", message: `unknown cipher suite ${name}`, path: at("cipherSuites", index), ...(hint ? { hint: `did you mean ${hint}?` } : {}) });
        }
        return;
      }
      if (known.tls13) {
        findings.push({ code: "MS2204", message: `${name} is a TLS 1.3 suite: no target lets it be configured (TLS 1.3 suites are always on)`, path: at("cipherSuites", index), hint: "list only TLS 1.2 suites" });
        return;
      }
      if (target && !target.cipherSuites.has(name)) {
        const hint = suggest(name, target.cipherSuites);
        findings.push({ code: "MS2203", message: `${flavor} does not support ${name}`, path: at("cipherSuites", index), ...(hint ? { hint: `did you mean ${hint}?` } : { hint: `supported: ${[...target.cipherSuites].join(", ")}` }) });
        return;
      }
      cipherSuites.push(name);
    });
  } else if (tls12Allowed) {
    if (!profile) findings.push({ code: "MS2212", message: "profile custom allows TLS 1.2 but lists no `cipherSuites`", path: at("profile") });
    for (const name of profile?.cipherSuites ?? []) {
      if (target && !target.cipherSuites.has(name)) dropped.push(name);
      else cipherSuites.push(name);
    }
  }
  if (!tls12Allowed) cipherSuites = [];
  if (tls12Allowed && (input.cipherSuites || profile) && !cipherSuites.some((s) => HTTP2_SUITES.includes(s)) && !findings.some((f) => f.code === "MS2201" || f.code === "MS2202" || f.code === "MS2203")) {
    findings.push({ code: "MS2206", message: `the cipher list has neither ${HTTP2_SUITES.join(" nor ")}: HTTP/2 needs one of them`, path: at(input.cipherSuites ? "cipherSuites" : "profile"), hint: `add ${HTTP2_SUITES[1]}` });
  }
  const weak = cipherSuites.filter((s) => BY_IANA.get(s)?.cbc);
  if (weak.length > 0) {
    findings.push({
      code: "MS2210",
      message: `CBC${weak.some((s) => BY_IANA.get(s)?.tripleDes) ? " and 3DES" : ""} cipher suites are enabled: ${weak.join(", ")}`,
      path: at(input.cipherSuites ? "cipherSuites" : "profile"),
      hint: "prefer AEAD suites (AES-GCM, ChaCha20-Poly1305)",
    });
  }

  let ecdhCurves: Curve[] = [];
  if (input.ecdhCurves) {
    // Every flavor takes all four curves the schema allows (Maistra's list; BoringSSL's X25519 and
    // P-256/384/521), so the policy's list passes through in its order.
    ecdhCurves = [...input.ecdhCurves];
  } else {
    for (const curve of profile?.curves ?? ["X25519", "CurveP256", "CurveP384"]) {
      if (target && !target.curves.has(curve)) dropped.push(curve);
      else ecdhCurves.push(curve);
    }
  }

  if (findings.some((f) => f.code !== "MS2207" && f.code !== "MS2209" && f.code !== "MS2210")) return { findings };
  return {
    value: {
      profile: input.profile,
      guidelines: `Mozilla Server Side TLS ${MOZILLA_GUIDELINES_VERSION}`,
      minVersion,
      maxVersion,
      cipherSuites,
      ecdhCurves,
      source: {
        minVersion: input.minVersion ? "policy" : "profile",
        maxVersion: input.maxVersion ? "policy" : "profile",
        cipherSuites: input.cipherSuites ? "policy" : "profile",
        ecdhCurves: input.ecdhCurves ? "policy" : "profile",
      },
      dropped,
    },
    findings,
  };
}

/** The resolved settings in the target's own spelling. */
export function formatForTarget(resolved: ResolvedTls, flavor: TargetFlavor): { minProtocolVersion: string; maxProtocolVersion: string; cipherSuites: string[]; ecdhCurves: string[] } {
  const target = TARGETS_TLS[flavor];
  return {
    minProtocolVersion: target.version(resolved.minVersion),
    maxProtocolVersion: target.version(resolved.maxVersion),
    cipherSuites: resolved.cipherSuites.map((s) => target.cipher(s)),
    ecdhCurves: resolved.ecdhCurves.map((c) => target.curve(c)),
  };
}
