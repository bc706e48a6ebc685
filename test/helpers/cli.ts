import { main } from "../../src/cli.js";

/** What a CLI run leaves behind, as a child process would: exit status and the two streams. */
export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** The working directory and environment of a run; an env value of `undefined` unsets that variable. */
export interface CliOptions {
  cwd?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Run `mesh-security ARGS` in this process through `main` (src/cli.ts), as `spawnSync(node, [bin, ...args])`
 * would with piped output: stdout and stderr are captured and neither stream is a TTY (no colour, no
 * terminal width, as in a pipe), the working directory and environment variables are set for the run,
 * and the exit status is `process.exitCode`, or the code yargs passes to `process.exit` after --help,
 * --version or `completion` (yargs `exit`, build/index.cjs: `showHelp("log"); this.exit(0)`; the real
 * process ends there, so whatever is written after it is dropped here). Everything is restored after the
 * run, also when it throws. uvu runs one test at a time, so runs never overlap.
 *
 * What differs from a fresh process, checked in src/: yargs is loaded once (src/cli.ts `loadYargs`,
 * each run builds a new parser from it; its `stdColumns` is never used since `.wrap()` is always
 * given); the schema validator (validate/schema-check.ts), the built-in templates (render/render.ts)
 * and the process identity of locks (util/process-identity.ts: this process, which outlives the run,
 * so a lock a run failed to release would still count as held) are made once per process. Each is
 * the same for every run. The CLI here is src/ through tsx, not the bundle in dist/ (test/bundle.test.ts
 * checks that the bundle prints the same). No command reads stdin, so a run has none to give.
 */
export async function runMain(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const out = { stdout: "", stderr: "" };
  let exited: number | undefined;
  const capture =
    (stream: "stdout" | "stderr") =>
    (chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean => {
      if (exited === undefined) out[stream] += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? encoding : "utf8");
      const done = typeof encoding === "function" ? encoding : callback;
      if (done) process.nextTick(done);
      return true;
    };
  const restore: (() => void)[] = [];
  /** Set `key` on `target` for the run, to be put back as it was (own property or inherited) after. */
  const override = <T extends object>(target: T, key: PropertyKey, value: unknown): void => {
    const own = Object.getOwnPropertyDescriptor(target, key);
    Object.defineProperty(target, key, { value, configurable: true, writable: true, enumerable: own?.enumerable ?? false });
    restore.push(() => {
      if (own) Object.defineProperty(target, key, own);
      else delete (target as Record<PropertyKey, unknown>)[key];
    });
  };
  const cwd = process.cwd();
  const exitCode = process.exitCode;
  try {
    for (const stream of ["stdout", "stderr"] as const) {
      override(process[stream], "write", capture(stream));
      // A pipe, as for a child process: tty.WriteStream has isTTY on its prototype and columns of its own.
      override(process[stream], "isTTY", undefined);
      override(process[stream], "columns", undefined);
    }
    override(process, "exit", (code?: number) => {
      exited ??= code ?? 0;
    });
    // uvu sets FORCE_COLOR=1 in its own process for its reporter (uvu bin.js); the CLI never reads it,
    // and with NO_COLOR set too Node warns once per process on stderr (tty.js warnOnDeactivatedColors),
    // which would land in the captured stderr.
    for (const [name, value] of Object.entries({ FORCE_COLOR: undefined, ...options.env })) {
      const before = process.env[name];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
      restore.push(() => {
        if (before === undefined) delete process.env[name];
        else process.env[name] = before;
      });
    }
    if (options.cwd !== undefined) process.chdir(options.cwd);
    process.exitCode = undefined;
    await main([...args]);
    const status = exited ?? process.exitCode ?? 0;
    return { status: typeof status === "number" ? status : Number(status), ...out };
  } finally {
    process.exitCode = exitCode;
    process.chdir(cwd);
    for (const undo of restore.reverse()) undo();
  }
}
