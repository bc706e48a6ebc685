import { ROTATION_PREVIOUS_KINDS } from "../material/rotation-steps.js";
import { SEALING_PREVIOUS_KINDS } from "../material/seal-secrets.js";
import { caMaterialTarget } from "./ca-material.js";
import { certManagerTarget } from "./cert-manager.js";
import { knativeTarget } from "./knative.js";
import { meshTarget } from "./mesh.js";
import { routesTarget } from "./routes.js";
import { serviceCaTarget } from "./service-ca.js";
import type { Target } from "./target.js";
import { workloadsTarget } from "./workloads.js";

/** Every target, in the order they plan. Output order does not depend on it (files are sorted). */
export const TARGETS: readonly Target[] = [serviceCaTarget, caMaterialTarget, knativeTarget, certManagerTarget, routesTarget, workloadsTarget, meshTarget];

/** The kinds of the previous output a target, sealing or the rotation checks compare with; other files are not read back. */
export const PREVIOUS_KINDS: readonly string[] = [...new Set([...TARGETS.flatMap((target) => target.previousKinds ?? []), ...SEALING_PREVIOUS_KINDS, ...ROTATION_PREVIOUS_KINDS])].sort();
