// bin/mesh-security.js: run the bundled CLI, or dist/cli.js itself when there is no bundle.
import bundled = require("./bundled.cjs");

void (async () => {
  const cli = bundled.loadBundle()?.cli ?? (await import("./cli.js"));
  await cli.run();
})();
