import { isObject } from "./manifests.js";
import { field } from "./object-index.js";

/** String-valued labels of a map (values converted with String). */
export function labelMap(value: unknown): Record<string, string> {
  return isObject(value) ? (Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])) as Record<string, string>) : {};
}

/**
 * A Kubernetes LabelSelector against a set of labels (k8s.io/apimachinery pkg/apis/meta/v1/helpers.go
 * LabelSelectorAsSelector): every `matchLabels` pair and every `matchExpressions` requirement must hold; an empty
 * selector selects everything. Operators In, NotIn, Exists, DoesNotExist.
 */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isObject(selector)) return true;
  const ml = labelMap(selector["matchLabels"]);
  if (!Object.entries(ml).every(([k, v]) => labels[k] === v)) return false;
  const exprs = Array.isArray(selector["matchExpressions"]) ? selector["matchExpressions"] : [];
  return exprs.every((e) => {
    const key = String(field(e, "key") ?? "");
    const values = (Array.isArray(field(e, "values")) ? (field(e, "values") as unknown[]) : []).map(String);
    const has = key in labels;
    switch (field(e, "operator")) {
      case "In":
        return has && values.includes(labels[key] ?? "");
      case "NotIn":
        return !has || !values.includes(labels[key] ?? "");
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
      default:
        return false;
    }
  });
}
