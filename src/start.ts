import { loadBundle } from "./bundled.js";

// bin/mesh-security.js: run the bundled CLI, or dist/cli.js itself when there is no bundle.
const cli = loadBundle()?.cli ?? (await import("./cli.js"));
await cli.run();
