import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import type { OutputSecrets } from "../model/policy-input.js";
import type { RenderedObject } from "../render/render.js";
import { header, toManifestFile, toYaml } from "./canonical-yaml.js";
import { objectFileName } from "./file-names.js";
import { compareText } from "../util/compare.js";

/** An Argo CD `ignoreDifferences` entry a target asks users to add (fields owned by a controller). */
export interface IgnoreDifference {
  group: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
  reason: string;
}

/** Output settings read from the model. */
export interface TreeSettings {
  policyName: string;
  /** The policy file as named in headers (relative to the output directory, or its base name). */
  policyFile: string;
  layout: "by-namespace" | "by-target";
  syncWaves: boolean;
  secrets: OutputSecrets;
}

/** Relative path → file content, for the Argo CD output and for the separate secrets directory. */
export interface OutputTree {
  files: Map<string, string>;
  secretFiles: Map<string, string>;
  /** Which file each rendered object went to (for `explain`). */
  paths: Map<RenderedObject, string>;
}

export const MANAGED_BY = "mesh-security";
export const KUSTOMIZATION = "kustomization.yaml";
export const PATCH_COMPONENT_DIR = "patches";
/**
 * The kustomization of the separate Secrets directory, so `oc apply -k <dir>` applies its Secrets. Named
 * `Kustomization`, one of the three names kustomize looks for (kustomize api/konfig/general.go
 * `RecognizedKustomizationFileNames`), because `oc apply -R -f <dir>` reads every `.json`, `.yaml` and
 * `.yml` file below a directory (kubernetes/cli-runtime pkg/resource/visitor.go `ignoreFile` with
 * builder.go `FileExtensions`) and would fail on a `kustomization.yaml`: no API server serves the
 * `kustomize.config.k8s.io` kind. (The marker write-dir.ts adds there, `.mesh-security-output`, has no
 * extension for the same reason.)
 */
export const SECRETS_KUSTOMIZATION = "Kustomization";

/** The directory of cluster-scoped objects (and of their patches). */
export const CLUSTER_SCOPE = "cluster";

const SAFE_SEGMENT = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Where one rendered object goes: a path in the Argo CD tree or in the separate secrets tree. */
export interface Placement {
  rendered: RenderedObject;
  path: string;
  secret: boolean;
}

/**
 * The path of each rendered object that is written (none for Secrets under `secrets: none`), and
 * MS4002 / MS4005 for a path that is unsafe or taken twice. No file content: validate stops here.
 */
export function placeObjects(objects: readonly RenderedObject[], settings: Pick<TreeSettings, "layout" | "secrets">): { placements: Placement[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const placements: Placement[] = [];
  const taken = { files: new Set<string>(), secretFiles: new Set<string>() };
  for (const rendered of objects) {
    const { planned } = rendered;
    if (planned.role === "secret" && settings.secrets === "none") continue;
    const scope = planned.namespace ?? CLUSTER_SCOPE;
    const fileName = objectFileName(planned.kind, planned.name);
    const segments =
      planned.role === "patch"
        ? [PATCH_COMPONENT_DIR, scope, fileName]
        : settings.layout === "by-target"
          ? [planned.target, scope, fileName]
          : [scope, fileName];
    // Names were validated against DNS-1123 already; this is the last line of defence for the path.
    if (!segments.every((s) => SAFE_SEGMENT.test(s.replace(/\.yaml$/, "")) && !s.includes(".."))) {
      findings.push({ ...say.MS4002({ segments }), path: planned.source });
      continue;
    }
    const path = segments.join("/");
    const secret = planned.role === "secret" && settings.secrets === "separate";
    const tree = secret ? taken.secretFiles : taken.files;
    if (tree.has(path)) {
      findings.push({ ...say.MS4005(path, planned), path: planned.source });
      continue;
    }
    tree.add(path);
    placements.push({ rendered, path, secret });
  }
  return { placements, findings };
}

/** Lay the rendered objects out as files, with labels, sync waves and kustomizations. */
export function buildOutputTree(
  objects: readonly RenderedObject[],
  ignoreDifferences: readonly IgnoreDifference[],
  settings: TreeSettings,
): { value?: OutputTree; findings: Finding[] } {
  const { placements, findings } = placeObjects(objects, settings);
  if (findings.length > 0) return { findings };
  const files = new Map<string, string>();
  const secretFiles = new Map<string, string>();
  const paths = new Map<RenderedObject, string>();
  const resources: string[] = [];
  const patches: string[] = [];

  for (const { rendered, path, secret } of placements) {
    const { planned } = rendered;
    const object = planned.role === "patch" ? rendered.object : decorate(rendered, settings);
    (secret ? secretFiles : files).set(path, toManifestFile(object, settings.policyFile));
    paths.set(rendered, path);
    if (!secret) (planned.role === "patch" ? patches : resources).push(path);
  }

  resources.sort();
  if (secretFiles.size > 0) secretFiles.set(SECRETS_KUSTOMIZATION, secretsKustomization([...secretFiles.keys()].sort(compareText), settings.policyFile));
  for (const [path, content] of patchComponents(patches, settings.policyFile)) files.set(path, content);
  files.set(KUSTOMIZATION, header(settings.policyFile) + toYaml({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources }));
  if (ignoreDifferences.length > 0) {
    files.set("argocd-ignore-differences.yaml", formatIgnoreDifferences(ignoreDifferences, settings.policyFile));
  }
  return { value: { files, secretFiles, paths }, findings };
}

function secretsKustomization(resources: readonly string[], policyFile: string): string {
  return (
    header(policyFile) +
    "# The Secrets that carry private keys (output.secrets: separate). Apply them out of band with\n" +
    "# `oc apply -k <this directory>`; never commit them.\n" +
    toYaml({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources })
  );
}

/**
 * The patches Components: one per namespace (`patches/<namespace>/`, and `patches/cluster/` for
 * cluster-scoped objects) listing that scope's patch files, and `patches/` listing those Components, so
 * each patch is named once. An overlay includes `patches` (every patch) or the scopes it holds. Kustomize
 * accepts `components` inside a Component (kustomize api/internal/target/kusttarget.go
 * `accumulateComponents` recurses the same way for both kinds), and a strategic-merge patch applied twice
 * (an overlay that includes `patches` and `patches/<ns>`) merges to the same object.
 */
function patchComponents(patches: readonly string[], policyFile: string): Map<string, string> {
  const files = new Map<string, string>();
  if (patches.length === 0) return files;
  const byScope = new Map<string, string[]>();
  for (const path of patches) {
    // path is patches/<scope>/<file> (placeObjects).
    const [, scope = "", file = ""] = path.split("/");
    const list = byScope.get(scope) ?? [];
    list.push(file);
    byScope.set(scope, list);
  }
  const scopes = [...byScope.keys()].sort(compareText);
  for (const scope of scopes) {
    files.set(
      `${PATCH_COMPONENT_DIR}/${scope}/${KUSTOMIZATION}`,
      header(policyFile) +
        (scope === CLUSTER_SCOPE
          ? "# Patches for cluster-scoped objects this policy does not own. Include this Component from the\n# overlay that holds those objects (or include the whole `patches` Component instead).\n"
          : `# Patches for objects in namespace ${scope} that this policy does not own. Include this Component\n# from the overlay that holds them (or include the whole \`patches\` Component instead).\n`) +
        toYaml({
          apiVersion: "kustomize.config.k8s.io/v1alpha1",
          kind: "Component",
          patches: (byScope.get(scope) ?? []).sort(compareText).map((path) => ({ path })),
        }),
    );
  }
  files.set(
    `${PATCH_COMPONENT_DIR}/${KUSTOMIZATION}`,
    header(policyFile) +
      "# Patches for objects this policy does not own, one Component per namespace. Include this Component\n" +
      "# from an overlay that holds all of those objects: `components: [<this directory>/patches]`, or\n" +
      "# only the namespaces an overlay holds: `components: [<this directory>/patches/<namespace>]`.\n" +
      toYaml({ apiVersion: "kustomize.config.k8s.io/v1alpha1", kind: "Component", components: scopes }),
  );
  return files;
}

/** Labels every owned object carries, and the sync wave annotation. */
function decorate(rendered: RenderedObject, settings: TreeSettings): Record<string, unknown> {
  // A new top level and metadata; everything below is shared with the rendered object and only read
  // (toYaml sorts keys as it writes, without changing the object).
  const metadata = { ...((rendered.object["metadata"] ?? {}) as Record<string, unknown>) };
  metadata["labels"] = {
    ...((metadata["labels"] as Record<string, string> | undefined) ?? {}),
    "app.kubernetes.io/managed-by": MANAGED_BY,
    "mesh-security/policy": settings.policyName,
  };
  if (settings.syncWaves) {
    // Argo CD reads the wave as a string annotation.
    metadata["annotations"] = { ...((metadata["annotations"] as Record<string, string> | undefined) ?? {}), "argocd.argoproj.io/sync-wave": String(rendered.planned.wave) };
  }
  return { ...rendered.object, metadata };
}

function formatIgnoreDifferences(entries: readonly IgnoreDifference[], policyFile: string): string {
  const sorted = [...entries].sort(
    (a, b) =>
      compareText(a.group, b.group) ||
      compareText(a.kind, b.kind) ||
      compareText(a.namespace ?? "", b.namespace ?? "") ||
      compareText(a.name ?? "", b.name ?? ""),
  );
  const reasons = [...new Set(sorted.map((e) => `# - ${e.kind}: ${e.reason}`))];
  return (
    header(policyFile) +
    "# Not a manifest: paste under `spec.ignoreDifferences` of the Argo CD Application(s) that sync\n" +
    "# these objects, so that fields written by controllers do not show as drift.\n" +
    reasons.join("\n") +
    "\n" +
    toYaml({
      ignoreDifferences: sorted.map((e) => ({
        group: e.group,
        kind: e.kind,
        ...(e.name ? { name: e.name } : {}),
        ...(e.namespace ? { namespace: e.namespace } : {}),
        ...(e.jsonPointers ? { jsonPointers: e.jsonPointers } : {}),
        ...(e.jqPathExpressions ? { jqPathExpressions: e.jqPathExpressions } : {}),
      })),
    })
  );
}
