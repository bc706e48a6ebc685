import { describe, field, str } from "../object-index.js";
import { inDocument, itemsAt, podTemplates } from "../pods.js";
import type { VerifyFinding, VerifyPath, VerifyRule } from "../rule.js";
import { INPUTS, missing } from "../rule.js";
import { configMapWriters, secretWriters, writtenKeys } from "../writers.js";
import { say } from "../../diagnostics/messages.js";

/**
 * The kubelet starts a pod only when every volume it mounts can be built:
 * kubernetes/kubernetes pkg/volume/secret/secret.go SetUpAt (a Secret that is not found fails the mount unless
 * `optional: true`) and MakePayload (an `items[].key` absent from the Secret's data: "references non-existent secret
 * key", an error unless optional), the same in pkg/volume/configmap/configmap.go SetUpAt / MakePayload (data and
 * binaryData); the pod stays in ContainerCreating. pkg/volume/projected/projected.go collectData calls
 * secret.MakePayload / configmap.MakePayload per projected source with that source's own `optional`.
 * kubernetes pkg/apis/core/validation/validation.go ValidateVolumeMounts (from ValidatePodSpec's container checks)
 * rejects a volumeMount naming no volume (NotFound) and a container's second mount on a mountPath it already uses
 * ("must be unique"; verify reports it when the two mounts name different volumes). A strategic-merge patch whose container name
 * is not in the workload adds a container without an image (ValidatePodSpec: "image: Required value").
 *
 * Only what a patch of the output adds is checked: the application's own volumes are its business. The keys of a
 * Secret/ConfigMap are what its writer writes (writers.ts: cert-manager incl. keystores and additionalOutputFormats,
 * the Service CA, trust-manager Bundle targets, SealedSecret templates, objects emitted whole).
 */
export const kubeletRule: VerifyRule = {
  id: "kubelet",
  hop: "kubelet",
  needs: ["workloads", "secrets"],
  reads: ["apps/Deployment|StatefulSet|DaemonSet patches and (--with) manifests", "v1/Secret and ConfigMap writers"],
  codes: ["MS5050", "MS5051", "MS5052", "MS5053"],
  models: "kubernetes pkg/volume/{secret,configmap} SetUpAt/MakePayload, projected collectData; pkg/apis/core/validation ValidateVolumeMounts (mounts), ValidatePodSpec (containers)",
  run({ index }) {
    const paths: VerifyPath[] = [];
    const findings: VerifyFinding[] = [];
    for (const pod of podTemplates(index)) {
      const w = pod.workload;
      for (const doc of pod.patches) {
        const at = inDocument(w, doc);
        // Volumes the patch adds: each source must be written, with the keys it projects.
        for (const { item: volume, index: vi } of itemsAt(doc, "spec", "template", "spec", "volumes")) {
          const sources: Array<{ kind: "Secret" | "ConfigMap"; name: string; items: unknown; optional: boolean; path: (string | number)[] }> = [];
          const base = ["spec", "template", "spec", "volumes", vi];
          const secretName = str(volume, "secret", "secretName");
          if (secretName) sources.push({ kind: "Secret", name: secretName, items: field(volume, "secret", "items"), optional: field(volume, "secret", "optional") === true, path: [...base, "secret"] });
          const cmName = str(volume, "configMap", "name");
          if (cmName) sources.push({ kind: "ConfigMap", name: cmName, items: field(volume, "configMap", "items"), optional: field(volume, "configMap", "optional") === true, path: [...base, "configMap"] });
          for (const { item: src, index: si } of itemsAt(volume, "projected", "sources")) {
            for (const kind of ["secret", "configMap"] as const) {
              const name = str(src, kind, "name");
              if (name) sources.push({ kind: kind === "secret" ? "Secret" : "ConfigMap", name, items: field(src, kind, "items"), optional: field(src, kind, "optional") === true, path: [...base, "projected", "sources", si, kind] });
            }
          }
          for (const s of sources) {
            const writers = s.kind === "Secret" ? secretWriters(index, pod.namespace, s.name) : configMapWriters(index, pod.namespace, s.name);
            const keys = writtenKeys(writers);
            const row = { rule: this.id, from: `kubelet (${describe(w)})`, to: `${s.kind} ${pod.namespace}/${s.name}`, port: "-", client: `mounts volume ${String(volume["name"] ?? "?")}` };
            if (!keys) {
              if (s.optional) {
                paths.push({ ...row, server: "not written (optional)", result: "ok" });
                continue;
              }
              const said = say.MS5050(describe(w), s.kind, `${pod.namespace}/${s.name}`, INPUTS.secrets);
              paths.push({ ...row, server: "no writer", result: "broken", reason: said.message });
              findings.push({ ...said, object: at, path: [...s.path, s.kind === "Secret" && !s.path.includes("projected") ? "secretName" : "name"] });
              continue;
            }
            const server = `written by ${writers.map((x) => x.who).join(", ")} with ${[...keys].sort().join(", ") || "no keys"}`;
            const wanted = (Array.isArray(s.items) ? s.items : []).map((it, ii) => ({ key: str(it, "key") ?? "", ii }));
            const absent = wanted.filter((k) => !keys.has(k.key));
            if (absent.length === 0 || s.optional) {
              paths.push({ ...row, client: `${row.client}${wanted.length ? ` (keys ${wanted.map((k) => k.key).join(", ")})` : ""}`, server, result: "ok" });
              continue;
            }
            const said = say.MS5051(describe(w), absent.map((k) => k.key), s.kind, `${pod.namespace}/${s.name}`, writers.map((x) => x.who), [...keys].sort());
            paths.push({ ...row, server, result: "broken", reason: said.message });
            findings.push({ ...said, object: at, path: [...s.path, "items", absent[0]?.ii ?? 0, "key"] });
          }
        }
        // Containers the patch names must exist in the workload (known only with its own manifest).
        const containers = itemsAt(doc, "spec", "template", "spec", "containers");
        if (containers.length === 0) continue;
        if (!pod.whole) {
          paths.push({ rule: this.id, from: `patch of ${describe(w)}`, to: `containers ${containers.map((c) => String(c.item["name"])).join(", ")}`, port: "-", client: "patches", server: "?", result: "not checked", reason: missing(`only the patch of ${describe(w)} was read, so whether its containers exist is unknown`, "workloads") });
          continue;
        }
        const real = new Set(pod.wholes.flatMap((d) => [...itemsAt(d, "spec", "template", "spec", "containers"), ...itemsAt(d, "spec", "template", "spec", "initContainers")].map((c) => String(c.item["name"]))));
        for (const { item: c, index: ci } of containers) {
          const name = String(c["name"] ?? "");
          const row = { rule: this.id, from: `patch of ${describe(w)}`, to: `container ${name}`, port: "-", client: "adds volume mounts", server: `containers ${[...real].join(", ")}` };
          if (real.has(name)) {
            paths.push({ ...row, result: "ok" });
            continue;
          }
          const said = say.MS5052(describe(w), name, pod.wholes.map((d) => d.file), [...real]);
          paths.push({ ...row, result: "broken", reason: said.message });
          findings.push({ ...said, object: inDocument(w, doc), path: ["spec", "template", "spec", "containers", ci, "name"] });
        }
      }
      if (pod.patches.length === 0) continue;
      // In the merged pod: every mount names a volume, and no two mounts of a container share a path.
      const volumeNames = new Set(itemsAt(pod.spec, "volumes").map((v) => String(v.item["name"])));
      for (const { item: c } of itemsAt(pod.spec, "containers")) {
        const seen = new Map<string, string>();
        for (const { item: m } of itemsAt(c, "volumeMounts")) {
          const mountPath = String(m["mountPath"] ?? "");
          const volume = String(m["name"] ?? "");
          const patchDoc = pod.patches.find((d) => itemsAt(d, "spec", "template", "spec", "containers").some((pc) => pc.item["name"] === c["name"] && itemsAt(pc.item, "volumeMounts").some((pm) => pm.item["mountPath"] === mountPath)));
          const other = seen.get(mountPath);
          const problem: Parameters<typeof say.MS5053>[2] | undefined = pod.whole && !volumeNames.has(volume) ? { volume } : other !== undefined && other !== volume ? { volumes: [volume, other], mountPath } : undefined;
          seen.set(mountPath, volume);
          if (!problem || !patchDoc) continue;
          const said = say.MS5053(String(c["name"]), describe(w), problem);
          paths.push({ rule: this.id, from: `kubelet (${describe(w)})`, to: `container ${String(c["name"])}`, port: "-", client: `mount ${mountPath}`, server: "pod spec", result: "broken", reason: said.message });
          const ci = itemsAt(patchDoc, "spec", "template", "spec", "containers").find((pc) => pc.item["name"] === c["name"])?.index ?? 0;
          const mounts = itemsAt(itemsAt(patchDoc, "spec", "template", "spec", "containers")[ci]?.item ?? {}, "volumeMounts");
          const mi = (mounts.find((pm) => pm.item["mountPath"] === mountPath && pm.item["name"] === volume) ?? mounts.find((pm) => pm.item["mountPath"] === mountPath))?.index ?? 0;
          findings.push({ ...said, object: inDocument(w, patchDoc), path: ["spec", "template", "spec", "containers", ci, "volumeMounts", mi, "mountPath"] });
        }
      }
    }
    return { paths, findings };
  },
};

