import type { Model } from "../model/model.js";
import type { RenderedObject } from "../render/render.js";
import type { OutputTree } from "./output-tree.js";

/** What `compile --stdout` writes, and what a single stream cannot carry. */
export interface Stream {
  /** Multi-document YAML: every owned object, in sync-wave order, then by output path. */
  text: string;
  /** Patches for objects the policy does not own: they need kustomize and the objects themselves. */
  patches: number;
  /** Secrets with private keys kept out of the Argo CD output (`output.secrets: separate`). */
  secrets: number;
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
  for (const object of rendered) {
    const path = tree.paths.get(object);
    if (path === undefined) continue; // not written at all (output.secrets: none)
    if (object.planned.role === "patch") left.patches++;
    else if (object.planned.role === "secret" && secrets === "separate") left.secrets++;
    else entries.push({ wave: object.planned.wave, path, text: tree.files.get(path) ?? "" });
  }
  entries.sort((a, b) => a.wave - b.wave || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { text: entries.map((e) => e.text).join("---\n"), ...left };
}
