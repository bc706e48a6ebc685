import type { CaBundle, Service } from "../model/model.js";
import { say } from "../diagnostics/messages.js";
import { isManaged } from "../model/model.js";
import { emptyPlan } from "./target.js";
import type { PlanContext, Target, TargetPlan } from "./target.js";

// Annotations read by the OpenShift service-ca-operator controllers
// (openshift/service-ca-operator pkg/controller/api/api.go).
export const SERVING_CERT_SECRET_ANNOTATION = "service.beta.openshift.io/serving-cert-secret-name";
export const INJECT_CABUNDLE_ANNOTATION = "service.beta.openshift.io/inject-cabundle";

const CA_BUNDLE_API: Record<CaBundle["kind"], { apiVersion: string; group: string }> = {
  ConfigMap: { apiVersion: "v1", group: "" },
  APIService: { apiVersion: "apiregistration.k8s.io/v1", group: "apiregistration.k8s.io" },
  CustomResourceDefinition: { apiVersion: "apiextensions.k8s.io/v1", group: "apiextensions.k8s.io" },
  MutatingWebhookConfiguration: { apiVersion: "admissionregistration.k8s.io/v1", group: "admissionregistration.k8s.io" },
  ValidatingWebhookConfiguration: { apiVersion: "admissionregistration.k8s.io/v1", group: "admissionregistration.k8s.io" },
};

/** Services (whole when the policy owns them, else patched), serving-cert annotations and CA bundle injection. */
export const serviceCaTarget: Target = {
  id: "service-ca",
  plan({ model }: PlanContext): TargetPlan {
    const plan = emptyPlan();
    for (const service of model.services) planService(service, plan);
    for (const bundle of model.caBundles) planCaBundle(bundle, plan);
    return plan;
  },
};

function planService(service: Service, plan: TargetPlan): void {
  const cert = service.certificate;
  const onServiceCa = cert !== undefined && !isManaged(cert);
  const subject = `service ${service.namespace}/${service.name}`;
  const annotations = onServiceCa ? { [SERVING_CERT_SECRET_ANNOTATION]: cert.secretName } : null;
  if (onServiceCa) {
    plan.notes.push({
      subject,
      text: `serving certificate from the OpenShift Service CA into Secret ${cert.secretName} (SANs ${service.name}.${service.namespace}.svc, ${service.name}.${service.namespace}.svc.cluster.local${service.headless ? `, *.${service.name}.${service.namespace}.svc` : ""}); rotated by the cluster`,
    });
  }
  if (service.selector) {
    plan.objects.push({
      target: "service-ca",
      template: "service-ca/service",
      values: {
        name: service.name,
        namespace: service.namespace,
        annotations,
        selector: service.selector,
        ports: [{ name: service.portName, port: service.port, protocol: "TCP", targetPort: service.targetPort }],
        headless: service.headless,
      },
      apiVersion: "v1",
      kind: "Service",
      name: service.name,
      namespace: service.namespace,
      role: "resource",
      wave: 0,
      reason: onServiceCa ? "the policy owns this Service (it has a selector) and asks the Service CA for its serving certificate" : "the policy owns this Service (it has a selector)",
      source: [...service.path],
    });
  } else if (annotations) {
    plan.objects.push({
      target: "service-ca",
      template: "service-ca/service-patch",
      values: { name: service.name, namespace: service.namespace, annotations },
      apiVersion: "v1",
      kind: "Service",
      name: service.name,
      namespace: service.namespace,
      role: "patch",
      wave: 0,
      reason: "the Service is owned elsewhere (no selector in the policy): the serving-cert annotation is added by a patch",
      source: [...service.path],
    });
  }
}

function planCaBundle(bundle: CaBundle, plan: TargetPlan): void {
  const api = CA_BUNDLE_API[bundle.kind];
  const subject = `caBundle ${bundle.kind} ${bundle.namespace ? `${bundle.namespace}/` : ""}${bundle.name}`;
  const owned = bundle.kind === "ConfigMap" && !bundle.existing;
  if (bundle.kind === "ConfigMap" && bundle.existing) {
    plan.findings.push({ ...say.MS2011(bundle.namespace, bundle.name), path: [...bundle.path, "existing"] });
  }
  plan.objects.push({
    target: "service-ca",
    template: owned ? "service-ca/cabundle-configmap" : "service-ca/cabundle-patch",
    values: { apiVersion: api.apiVersion, kind: bundle.kind, name: bundle.name, namespace: bundle.namespace ?? null, annotations: { [INJECT_CABUNDLE_ANNOTATION]: "true" } },
    apiVersion: api.apiVersion,
    kind: bundle.kind,
    name: bundle.name,
    ...(bundle.namespace ? { namespace: bundle.namespace } : {}),
    role: owned ? "resource" : "patch",
    wave: 0,
    reason: owned
      ? "a dedicated ConfigMap into which the Service CA injects its bundle (key service-ca.crt)"
      : `the ${bundle.kind} is owned elsewhere: the inject-cabundle annotation is added by a patch`,
    source: [...bundle.path],
  });
  const field: Partial<Record<CaBundle["kind"], { jsonPointers?: string[]; jqPathExpressions?: string[]; where: string }>> = {
    APIService: { jsonPointers: ["/spec/caBundle"], where: "spec.caBundle" },
    CustomResourceDefinition: { jsonPointers: ["/spec/conversion/webhook/clientConfig/caBundle"], where: "spec.conversion.webhook.clientConfig.caBundle (only when the CRD converts through a webhook)" },
    MutatingWebhookConfiguration: { jqPathExpressions: [".webhooks[]?.clientConfig.caBundle"], where: "clientConfig.caBundle of every webhook" },
    ValidatingWebhookConfiguration: { jqPathExpressions: [".webhooks[]?.clientConfig.caBundle"], where: "clientConfig.caBundle of every webhook" },
    ConfigMap: { where: "data key service-ca.crt (every other key of the ConfigMap is removed)" },
  };
  const injected = field[bundle.kind];
  if (injected) {
    plan.notes.push({ subject, text: `the Service CA injects its bundle into ${injected.where}; the compiler never writes that field` });
    if (injected.jsonPointers || injected.jqPathExpressions) {
      plan.ignoreDifferences.push({
        group: api.group,
        kind: bundle.kind,
        name: bundle.name,
        ...(injected.jsonPointers ? { jsonPointers: injected.jsonPointers } : {}),
        ...(injected.jqPathExpressions ? { jqPathExpressions: injected.jqPathExpressions } : {}),
        reason: "the Service CA injects caBundle",
      });
    }
  }
}
