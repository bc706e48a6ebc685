import type { Model } from "../model/model.js";
import { say } from "../diagnostics/messages.js";
import { authoritySecret, findAuthority } from "../model/names.js";
import type { TargetPlan } from "./target.js";

/**
 * The oldest trust-manager that honours `target.namespaceSelector.matchExpressions`. The Bundle's
 * namespaceSelector is a full metav1.LabelSelector today (cert-manager/trust-manager
 * pkg/apis/trust/v1alpha1/types_bundle.go, BundleTarget.NamespaceSelector). It became one in commit 8a40c69
 * ("feat: support namespaceSelector matchExpressions", 2024-11-16), first released in v0.14.0; up to v0.13.0
 * the type held only MatchLabels and pkg/bundle/bundle.go bundleTargetNamespaceSelector selected every
 * namespace when MatchLabels was nil, so a selector written as matchExpressions landed the ConfigMap
 * everywhere (the same minimum targets/knative.ts states for the Knative Bundle).
 */
export const TRUST_MANAGER_SELECTOR_MINIMUM = "v0.14.0";

/**
 * A trust-manager Bundle source for one authority's CA: `ca.crt` of its Secret. trust-manager reads Secret
 * sources only from its trust namespace (cert-manager's by default), so a Secret elsewhere is MS2407 and no
 * source. `gives` says who the bundle is for, in the finding ("read", "give callers").
 */
export function bundleSecretSource(model: Model, name: string, gives: string, plan: TargetPlan): Record<string, unknown> | undefined {
  const authority = findAuthority(model, name);
  if (!authority) return undefined;
  const trustNamespace = model.platform.certManagerNamespace;
  const secret = authoritySecret(model, authority);
  if (secret.namespace !== trustNamespace) {
    plan.findings.push({ ...say.MS2407(gives, name, trustNamespace, secret.namespace), path: [...authority.path] });
    return undefined;
  }
  return { secret: { name: secret.name, key: "ca.crt" } };
}
