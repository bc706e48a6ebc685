// cdk8s synthesizing the same objects, timed as a user pays for it: start Node, import cdk8s, build
// the construct tree (one Chart per output folder, one ApiObject per object), synth to one file per
// resource. Usage: node bench/peer-cdk8s.mjs OBJECTS.json OUTDIR
import { readFileSync } from "node:fs";
import { ApiObject, App, Chart, YamlOutputType } from "cdk8s";

const [objectsFile = "", outDir = ""] = process.argv.slice(2);
/** @type {{ path: string, object: Record<string, unknown> }[]} */
const entries = JSON.parse(readFileSync(objectsFile, "utf8"));
const app = new App({ outdir: outDir, outputFileExtension: ".yaml", yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
const charts = new Map();
for (const { path, object } of entries) {
  // Files that are not Kubernetes objects (the Argo CD ignoreDifferences snippet) have no cdk8s form.
  if (typeof object["apiVersion"] !== "string" || typeof object["kind"] !== "string") continue;
  const segments = path.split("/");
  const folder = segments.slice(0, -1).join("-") || "root";
  let chart = charts.get(folder);
  if (!chart) {
    chart = new Chart(app, folder);
    charts.set(folder, chart);
  }
  new ApiObject(chart, segments.at(-1) ?? path, /** @type {any} */ (object));
}
app.synth();
