import type { Model } from "../model/model.js";
import type { RenderedObject } from "../render/render.js";
import type { OutputTree } from "./output-tree.js";
import { compareText } from "../util/compare.js";

/** What `compile --stdout` writes, and what a single stream cannot carry. */
export interface Stream {
  /** Multi-document YAML: every owned object, in sync-wave order, then by output path. */
  text: string;
  /** Patches for objects the policy does not own: they need kustomize and the objects themselves. */
  patches: number;
  /** Secrets with private keys kept out of the Argo CD output (`output.secrets: separate`). */
  secrets: number;
  /** Routes left out because the API server rejects them until their `externalCertificate` Secret exists. */
  deferred: DeferredRoute[];
}

/** A Route with `spec.tls.externalCertificate`, and where `compile -o DIR` writes it. */
export interface DeferredRoute {
  namespace: string;
  name: string;
  secret: string;
  path: string;
}

/**
 * One stream for `oc apply -f -`. `oc apply` applies documents in the order it reads them and knows
 * nothing of Argo CD sync waves, so the stream is ordered by wave itself: issuers before the
 * certificates they sign, exceptions (wave 0) before the STRICT PeerAuthentication (wave 20) that
 * would otherwise cut traffic first. Ties go by output path, so the order is deterministic.
 */
export function streamObjects(rendered: readonly RenderedObject[], tree: OutputTree, secrets: Model["output"]["secrets"]): Stream {
  const entries: Array<{ wave: number; path: string; text: string }> = [];
  const left = { patches: 0, secrets: 0 };
  const deferred: DeferredRoute[] = [];
  for (const object of rendered) {
    const path = tree.paths.get(object);
    if (path === undefined) continue; // not written at all (output.secrets: none)
    const secret = externalCertificateOf(object);
    if (object.planned.role === "patch") left.patches++;
    else if (secret !== undefined) deferred.push({ namespace: object.planned.namespace ?? "", name: object.planned.name, secret, path });
    else if (object.planned.role === "secret" && secrets === "separate") left.secrets++;
    else entries.push({ wave: object.planned.wave, path, text: tree.files.get(path) ?? "" });
  }
  entries.sort((a, b) => a.wave - b.wave || compareText(a.path, b.path));
  deferred.sort((a, b) => compareText(a.path, b.path));
  return { text: entries.map((e) => e.text).join("---\n"), ...left, deferred };
}

/**
 * The Secret a Route's `spec.tls.externalCertificate` names. The Route API validates it on create and
 * update (openshift/library-go pkg/route/validation/validation.go, `validateTLSExternalCertificate`): a
 * Secret that is not found is a `field.NotFound` error, and so is one not of type kubernetes.io/tls. In one
 * `oc apply -f -` the Secret does not exist yet (cert-manager writes it once the Certificate in the same
 * stream is issued), so the Route is left out of the stream and named on stderr instead.
 */
function externalCertificateOf(object: RenderedObject): string | undefined {
  if (object.planned.kind !== "Route") return undefined;
  const tls = (object.object["spec"] as { tls?: { externalCertificate?: { name?: unknown } } } | undefined)?.tls;
  const name = tls?.externalCertificate?.name;
  return typeof name === "string" ? name : undefined;
}
