import { authoritiesTarget } from "./authorities.js";
import { certManagerTarget } from "./cert-manager.js";
import { knativeTarget } from "./knative.js";
import { meshTarget } from "./mesh.js";
import { routesTarget } from "./routes.js";
import { serviceCaTarget } from "./service-ca.js";
import type { Target } from "./target.js";
import { workloadsTarget } from "./workloads.js";

/** Every target, in the order they plan. Output order does not depend on it (files are sorted). */
export const TARGETS: readonly Target[] = [serviceCaTarget, authoritiesTarget, knativeTarget, certManagerTarget, routesTarget, workloadsTarget, meshTarget];
