import type { VerifyRule } from "./rule.js";
import { authorizationRule } from "./rules/authorization.js";
import { callAuthorizationRule } from "./rules/call-authorization.js";
import { injectionRule } from "./rules/injection.js";
import { issuanceRule } from "./rules/issuance.js";
import { knativeTrustRule } from "./rules/knative-trust.js";
import { kubeletRule } from "./rules/kubelet.js";
import { meshMtlsRule } from "./rules/mesh-mtls.js";
import { networkRule } from "./rules/network.js";
import { operatorOwnedRule } from "./rules/operator-owned.js";
import { routeBackendRule } from "./rules/route-backend.js";
import { routeTrustRule } from "./rules/route-trust.js";
import { secretReadersRule } from "./rules/secret-readers.js";
import { secretWritersRule } from "./rules/secret-writers.js";

/** Every rule `verify` runs, in the order its paths are reported (the hops from the pod's start to the handshake). */
export const VERIFY_RULES: readonly VerifyRule[] = [
  kubeletRule,
  secretWritersRule,
  secretReadersRule,
  issuanceRule,
  injectionRule,
  networkRule,
  routeBackendRule,
  routeTrustRule,
  meshMtlsRule,
  operatorOwnedRule,
  authorizationRule,
  callAuthorizationRule,
  knativeTrustRule,
];
