import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import { suggest } from "../util/suggest.js";
import { SERVICE_CA } from "./model.js";
import type { Authority, Issuer, PolicyPath } from "./model.js";
import type { Pruned } from "./pruned.js";

/**
 * Rules on references between sections of the policy: every name that points at an authority or an
 * issuer must be declared (or have been pruned by validation, which reported it already).
 * Reads: authorities, issuers, and the names validation pruned.
 * Raises: MS2003 (undeclared issuer), MS2004 (undeclared authority), MS2017 (an authority's
 * bootstrap issuer is not selfSigned, or a namespaced Issuer outside the CA Certificate's namespace).
 */
export interface References {
  /** True when `name` is a declared (or pruned) authority; otherwise reports MS2004 at `path`. */
  checkAuthority(name: string, path: PolicyPath): boolean;
  /** The issuer `name` refers to; undefined (and MS2003, unless the issuer was pruned) when unknown. */
  resolveIssuer(name: string, path: PolicyPath): Issuer | typeof SERVICE_CA | undefined;
}

export function references(authorities: readonly Authority[], issuerByName: ReadonlyMap<string, Issuer>, pruned: Pruned, report: (f: Finding) => void): References {
  const authorityNames = new Set([...authorities.map((a) => a.name), ...pruned.authorities]);
  return {
    checkAuthority(name, path) {
      if (authorityNames.has(name)) return true;
      report({ ...say.MS2004(name, suggest(name, authorityNames)), path: [...path] });
      return false;
    },
    resolveIssuer(name, path) {
      if (name === SERVICE_CA) return SERVICE_CA;
      const issuer = issuerByName.get(name);
      if (issuer) return issuer;
      if (!pruned.issuers.has(name)) {
        report(undeclaredIssuer(name, path, [SERVICE_CA, ...issuerByName.keys()]));
      }
      return undefined;
    },
  };
}

/**
 * An authority that cert-manager makes (`certManager.issuer`) is bootstrapped by a selfSigned issuer
 * that can sign in `caNamespace`, where its CA Certificate lives (platform.certManager.namespace,
 * model/names.ts `authoritySecret`): a ClusterIssuer, or an Issuer in that namespace. cert-manager
 * looks an issuerRef of kind Issuer up in the CertificateRequest's own namespace, the Certificate's
 * (cert-manager/cert-manager pkg/controller/certificaterequests/sync.go `Sync` calls
 * pkg/issuer/helper.go `GetGenericIssuer(cr.Spec.IssuerRef, cr.Namespace)`, which reads
 * `issuerLister.Issuers(ns)`), and the selfSigned signer reads the key from that namespace too and
 * signs the request's template, isCA included (pkg/controller/certificaterequests/selfsigned/selfsigned.go
 * `Sign`: `kube.SecretTLSKey(..., cr.Namespace, ...)`, `pki.CertificateTemplateFromCertificateRequest`).
 */
export function bootstrapIssuerFindings(authorities: readonly Authority[], issuerByName: ReadonlyMap<string, Issuer>, pruned: Pruned, caNamespace: string): Finding[] {
  const findings: Finding[] = [];
  for (const authority of authorities) {
    if (authority.source.type !== "certManager") continue;
    const path = [...authority.path, "certManager", "issuer"];
    const issuer = issuerByName.get(authority.source.issuer);
    if (!issuer && !pruned.issuers.has(authority.source.issuer)) {
      // The Service CA cannot bootstrap an authority, so it is no candidate for "did you mean".
      findings.push(undeclaredIssuer(authority.source.issuer, path, issuerByName.keys()));
    } else if (issuer && issuer.spec.type !== "selfSigned") {
      findings.push({ ...say.MS2017(authority.name, issuer.name, caNamespace, { type: issuer.spec.type }), path });
    } else if (issuer?.namespace !== undefined && issuer.namespace !== caNamespace) {
      findings.push({ ...say.MS2017(authority.name, issuer.name, caNamespace, { namespace: issuer.namespace }), path });
    }
  }
  return findings;
}

/** MS2003: `name` is no declared issuer; the hint names the closest of `candidates`. */
function undeclaredIssuer(name: string, path: PolicyPath, candidates: Iterable<string>): Finding {
  return { ...say.MS2003(name, suggest(name, candidates)), path: [...path] };
}
