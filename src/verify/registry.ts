import type { VerifyRule } from "./rule.js";
import { callAuthorizationRule } from "./rules/call-authorization.js";
import { knativeTrustRule } from "./rules/knative-trust.js";
import { meshMtlsRule } from "./rules/mesh-mtls.js";
import { operatorOwnedRule } from "./rules/operator-owned.js";
import { routeBackendRule } from "./rules/route-backend.js";
import { routeTrustRule } from "./rules/route-trust.js";
import { secretWritersRule } from "./rules/secret-writers.js";

/** Every rule `verify` runs, in the order its paths are reported. */
export const VERIFY_RULES: readonly VerifyRule[] = [routeBackendRule, routeTrustRule, meshMtlsRule, operatorOwnedRule, secretWritersRule, knativeTrustRule, callAuthorizationRule];
