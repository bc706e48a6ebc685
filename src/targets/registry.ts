import { authoritiesTarget } from "./authorities.js";
import { certManagerTarget } from "./cert-manager.js";
import { knativeTarget } from "./knative.js";
import { meshTarget } from "./mesh.js";
import { reloaderTarget } from "./reloader.js";
import { routesTarget } from "./routes.js";
import { serviceCaTarget } from "./service-ca.js";
import type { Target } from "./target.js";

/** Every target, in the order they plan. Output order does not depend on it (files are sorted). */
export const TARGETS: readonly Target[] = [serviceCaTarget, authoritiesTarget, knativeTarget, certManagerTarget, routesTarget, reloaderTarget, meshTarget];

/** The kinds of the previous output some target compares with; other files are not read back. */
export const PREVIOUS_KINDS: readonly string[] = [...new Set(TARGETS.flatMap((target) => target.previousKinds ?? []))];
