import { authoritiesTarget } from "./authorities.js";
import { knativeTarget } from "./knative.js";
import { serviceCaTarget } from "./service-ca.js";
import type { Target } from "./target.js";

/** Every target, in the order they plan. Output order does not depend on it (files are sorted). */
export const TARGETS: readonly Target[] = [serviceCaTarget, authoritiesTarget, knativeTarget];
