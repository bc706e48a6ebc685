/** The targets, each a module under src/targets/ that reads the model and plans objects. */
export type TargetId = "service-ca" | "cert-manager" | "routes" | "workloads" | "mesh" | "knative" | "ca-material";

/**
 * How an object is written. `resource`: a whole object the policy owns. `patch`: a strategic-merge patch
 * on an object owned elsewhere, written into the kustomize Component. `secret`: private material,
 * written according to `output.secrets`.
 */
export type ObjectRole = "resource" | "patch" | "secret";

/** One object a target wants written, before rendering. */
export interface PlannedObject {
  target: TargetId;
  /** Template id: `service-ca/service` is `templates/service-ca/service.yaml.hbs`. */
  template: string;
  /** The template's input; every key a template reads must be present (null when absent). */
  values: Record<string, unknown>;
  apiVersion: string;
  kind: string;
  name: string;
  /** Absent for cluster-scoped kinds. */
  namespace?: string;
  role: ObjectRole;
  /** Argo CD sync wave (DESIGN.md: -20 namespaces/RBAC, -10 CA secrets and issuers, 0, 10 routes, 20 strict mTLS). */
  wave: number;
  /** Why the object exists, for `explain`. */
  reason: string;
  /** Where in the policy it comes from. */
  source: (string | number)[];
}
