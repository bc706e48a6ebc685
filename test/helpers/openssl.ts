import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What a finished process left behind. */
export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run `openssl` synchronously with a bounded time; never throws on a non-zero exit. */
export function openssl(args: readonly string[], options: { cwd?: string; input?: string } = {}): Run {
  const result = spawnSync("openssl", args, { cwd: options.cwd, input: options.input ?? "", encoding: "utf8", timeout: 10_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Like `openssl`, but throws with openssl's stderr when it fails; returns stdout. */
export function opensslOk(args: readonly string[], options: { cwd?: string; input?: string } = {}): string {
  const run = openssl(args, options);
  if (run.status !== 0) throw new Error(`openssl ${args.join(" ")} exited ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/** Run `fn` with a fresh temporary directory, removed afterwards whatever happens. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago (bound on port 0 and released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Have openssl make a P-256 leaf key and CSR and sign it with the given CA as a TLS server
 * certificate for localhost and 127.0.0.1. Returns the paths of the leaf certificate and key.
 */
export function signServerLeaf(dir: string, caCert: string, caKey: string): { cert: string; key: string } {
  const key = join(dir, "leaf-key.pem");
  const csr = join(dir, "leaf.csr");
  const cert = join(dir, "leaf-cert.pem");
  const ext = join(dir, "leaf.ext");
  writeFileSync(ext, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n");
  opensslOk(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=localhost"]);
  opensslOk(["x509", "-req", "-in", csr, "-CA", caCert, "-CAkey", caKey, "-set_serial", `0x${randomBytes(8).toString("hex")}`, "-days", "2", "-sha256", "-extfile", ext, "-out", cert]);
  return { cert, key };
}

/** One TLS handshake between `openssl s_server` and `openssl s_client` on loopback. */
export interface Handshake {
  server: { cert: string; key: string; chain: string; version: "-tls1_2" | "-tls1_3" };
  client: { caFile: string; version: "-tls1_2" | "-tls1_3" };
}

/**
 * Start s_server on 127.0.0.1 only, connect s_client with `-verify_return_error` (checking the
 * chain and the IP SAN), and return the client's run. The server is always killed; every wait is
 * bounded by a few seconds.
 */
export async function handshake({ server, client }: Handshake): Promise<Run> {
  const port = await freePort();
  const child = spawn(
    "openssl",
    ["s_server", "-accept", `127.0.0.1:${port}`, "-naccept", "1", "-cert", server.cert, "-key", server.key, "-cert_chain", server.chain, server.version],
    // stdin stays open: s_server ends the connection when its stdin reaches end of file.
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  try {
    await waitForOutput(child.stdout, "ACCEPT", 5_000);
    // stdin is closed at once: s_client then ends the connection right after the handshake.
    return await runAsync(
      "openssl",
      ["s_client", "-connect", `127.0.0.1:${port}`, "-verify_return_error", "-verify_ip", "127.0.0.1", "-CAfile", client.caFile, client.version],
      5_000,
    );
  } finally {
    child.kill("SIGKILL");
  }
}

function waitForOutput(stream: NodeJS.ReadableStream, marker: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`no "${marker}" within ${timeoutMs} ms; got ${JSON.stringify(seen)}`)), timeoutMs);
    stream.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(marker)) {
        clearTimeout(timer);
        resolve();
      }
    });
    stream.on("end", () => {
      clearTimeout(timer);
      reject(new Error(`process ended before "${marker}"; got ${JSON.stringify(seen)}`));
    });
  });
}

function runAsync(command: string, args: readonly string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], timeout: timeoutMs, killSignal: "SIGKILL" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end();
  });
}
