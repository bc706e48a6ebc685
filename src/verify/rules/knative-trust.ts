import { parse } from "yaml";
import { authorityOfIssuer } from "../authority.js";
import { isObject } from "../manifests.js";
import { describe, field, labels, str } from "../object-index.js";
import type { KubeObject } from "../object-index.js";
import type { VerifyFinding, VerifyPath, VerifyRule } from "../rule.js";
import { missing } from "../rule.js";
import { say } from "../../diagnostics/messages.js";

const TRUST_LABEL = "networking.knative.dev/trust-bundle";
const FEATURES = [
  { flag: "system-internal-tls", ref: "systemInternalIssuerRef" },
  { flag: "cluster-local-domain-tls", ref: "clusterLocalIssuerRef" },
] as const;

/**
 * Knative internal TLS: components verify each other against the trust bundles — ConfigMaps labelled
 * `networking.knative.dev/trust-bundle: "true"` (knative's `TrustBundleLabelKey`/`TrustBundleLabelValue`; the
 * Knative encryption docs: components read every labelled ConfigMap in the namespace they run in, knative-serving
 * among them) — so the bundles in the KnativeServing namespace must hold the CA of the issuers `config-certmanager` names for
 * the enabled features. trust-manager Bundles whose target ConfigMap carries the label are followed to their
 * Secret sources (trust-manager reads them from its trust namespace, cert-manager's by default), and their
 * namespaceSelector must select the KnativeServing namespace.
 */
export const knativeTrustRule: VerifyRule = {
  id: "knative-trust",
  hop: "trust",
  needs: ["issuers"],
  reads: ["operator.knative.dev/KnativeServing", "trust.cert-manager.io/Bundle", "v1/ConfigMap", "cert-manager.io/ClusterIssuer"],
  codes: ["MS5041"],
  models: "Knative trust-bundle ConfigMaps (networking.knative.dev/trust-bundle); trust-manager Bundle target/sources; cert-manager ca issuers",
  run({ index }) {
    const paths: VerifyPath[] = [];
    const findings: VerifyFinding[] = [];
    for (const serving of index.list("operator.knative.dev/KnativeServing")) {
      const ns = serving.namespace ?? "knative-serving";
      const bundles = index.list("trust.cert-manager.io/Bundle").filter((b) => str(b.body, "spec", "target", "configMap", "metadata", "labels", TRUST_LABEL) === "true");
      const configMaps = index.list("/ConfigMap", ns).filter((c) => !c.partial && labels(c)[TRUST_LABEL] === "true");
      for (const feature of FEATURES) {
        if (str(serving.body, "spec", "config", "network", feature.flag) !== "Enabled") continue;
        const refText = str(serving.body, "spec", "config", "certmanager", feature.ref) ?? str(serving.body, "spec", "config", "certmanager", "issuerRef");
        const ref = refText ? (safeParse(refText) as Record<string, unknown> | undefined) : undefined;
        const base = { rule: this.id, from: `Knative (${feature.flag})`, to: `certificates of ${String(ref?.["kind"] ?? "?")} ${String(ref?.["name"] ?? "?")}`, port: "-" };
        if (!ref || typeof ref["name"] !== "string") {
          paths.push({ ...base, client: "?", server: "?", result: "not checked", reason: `${describe(serving)} names no issuer for ${feature.flag}` });
          continue;
        }
        const authority = authorityOfIssuer(index, String(ref["kind"] ?? "Issuer"), ref["name"], ns);
        const trusted = bundles.filter((b) => selects(b, ns));
        const client = trusted.length + configMaps.length === 0 ? "no trust bundle read" : `trusts ${[...trusted.map((b) => `${describe(b)} (${sourcesOf(b).join(", ") || "no Secret sources"})`), ...configMaps.map(describe)].join(", ")}`;
        if (!authority.known || !authority.id.startsWith("ca:")) {
          paths.push({ ...base, client, server: `signed by ${authority.label}`, result: "not checked", reason: missing("the issuer's CA is not known from what was read", "issuers") });
          continue;
        }
        const secretName = authority.id.slice(authority.id.lastIndexOf("/") + 1);
        if (trusted.some((b) => sourcesOf(b).includes(secretName))) {
          paths.push({ ...base, client, server: `signed by ${authority.label}`, result: "ok" });
          continue;
        }
        if (configMaps.length > 0 || bundles.length === 0) {
          paths.push({ ...base, client, server: `signed by ${authority.label}`, result: "not checked", reason: configMaps.length > 0 ? "trust-bundle ConfigMaps hold PEM that verify does not compare" : "no trust bundle in what was read" });
          continue;
        }
        const said = say.MS5041(feature.flag, authority.label, ns, secretName);
        paths.push({ ...base, client, server: `signed by ${authority.label}`, result: "broken", reason: said.message });
        const [bundle] = bundles;
        if (bundle) findings.push({ ...said, object: bundle, path: ["spec", "sources"] });
      }
    }
    return { paths, findings };
  },
};

function safeParse(text: string): unknown {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

function sourcesOf(bundle: KubeObject): string[] {
  const sources = field(bundle.body, "spec", "sources");
  return Array.isArray(sources) ? sources.map((s) => str(s, "secret", "name")).filter((n): n is string => n !== undefined) : [];
}

/** Whether a Bundle's namespaceSelector selects a namespace (no selector: every namespace). */
function selects(bundle: KubeObject, namespace: string): boolean {
  const selector = field(bundle.body, "spec", "target", "namespaceSelector");
  if (!isObject(selector)) return true;
  const matchLabels = field(selector, "matchLabels");
  if (isObject(matchLabels) && Object.entries(matchLabels).some(([k, v]) => !(k === "kubernetes.io/metadata.name" && v === namespace))) return false;
  const expressions = field(selector, "matchExpressions");
  if (!Array.isArray(expressions)) return true;
  return expressions.every((e) => {
    if (str(e, "key") !== "kubernetes.io/metadata.name") return false;
    const values = field(e, "values");
    const has = Array.isArray(values) && values.includes(namespace);
    return str(e, "operator") === "In" ? has : str(e, "operator") === "NotIn" ? !has : false;
  });
}

