import { describe, filesOf } from "../object-index.js";
import type { VerifyFinding, VerifyPath, VerifyRule } from "../rule.js";
import { say } from "../../diagnostics/messages.js";

/**
 * Objects the mesh operator renders itself must not also come from Git: the operator reconciles them back to
 * its own content and Argo CD back to the manifest, forever. The rendered set is modelled in ../mesh-model.ts
 * from maistra/istio-operator resources/helm/v2.4/mesh-config/templates/enable-mesh-{mtls,permissive}.yaml
 * (PeerAuthentication `default`, DestinationRule `default` and `api-server`) and
 * resources/helm/v1.1/istio/charts/security/templates/enable-mesh-{mtls,permissive}.yaml (ServiceMeshPolicy
 * `default`, the same DestinationRules), all in the control plane namespace. Identity is group, kind,
 * namespace and name (a DestinationRule in networking.istio.io v1alpha3 and v1beta1 is the same object).
 */
export const operatorOwnedRule: VerifyRule = {
  id: "operator-owned",
  hop: "authentication",
  needs: ["controlPlane"],
  reads: ["maistra.io/ServiceMeshControlPlane", "security.istio.io/PeerAuthentication", "networking.istio.io/DestinationRule", "authentication.maistra.io/ServiceMeshPolicy"],
  codes: ["MS5030"],
  models: "maistra/istio-operator enable-mesh-mtls.yaml / enable-mesh-permissive.yaml (v2.x mesh-config, v1.1 security chart)",
  run({ index, mesh }) {
    const paths: VerifyPath[] = [];
    const findings: VerifyFinding[] = [];
    for (const rendered of mesh.rendered) {
      const emitted = index.get(rendered.group, rendered.namespace, rendered.name);
      if (!emitted || emitted === rendered || emitted.renderedBy) continue;
      const said = say.MS5030(describe(emitted), describe(mesh.controlPlane ?? rendered));
      paths.push({ rule: this.id, from: `Argo CD (${filesOf(emitted)})`, to: describe(emitted), port: "-", client: "applies the manifest", server: "the operator renders and reconciles it", result: "broken", reason: said.message });
      findings.push({
        ...said,
        object: emitted,
        path: ["metadata", "name"],
      });
    }
    return { paths, findings };
  },
};
