import { test } from "uvu";
import { checkGeneratedAuthority } from "../helpers/generated-ca.js";

// The slow group (npm run test:slow, run by CI after npm test): RSA-4096 generation takes seconds.
test("RSA-4096 root + intermediate: openssl verifies the chain and shows the CA extensions", () => checkGeneratedAuthority("RSA-4096", true, "sha256WithRSAEncryption", "(4096 bit)"));

test.run();
