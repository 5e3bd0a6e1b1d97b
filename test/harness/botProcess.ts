import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { freePort } from "../../src/demo/ports";
import { azuriteConnectionString } from "./rootHooks";

const BOT = join(__dirname, "..", "..", "src", "index.js");

export interface BotProcess {
  url: string;
  process: ChildProcess;
  /** The process's log lines (JSON), when it was started with a LOG_LEVEL that writes any. */
  lines: string[];
  /** What it wrote to standard error, line by line. */
  errorLines: string[];
  /** Log lines whose message is `msg`. */
  logged(msg: string): Record<string, unknown>[];
  /** Kills it with SIGKILL (as `kill -9`) and waits until it is gone. */
  kill(): Promise<void>;
  /** Stops it with SIGTERM, as App Service does, and resolves with its exit code once it is gone. */
  stop(): Promise<number | null>;
}

/** The real bot (`npm start`) in a process of its own, on the test Azurite; resolves once it listens. */
export async function startBotProcess(tablePrefix: string, env: Record<string, string> = {}): Promise<BotProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--no-deprecation", BOT], {
    env: {
      ...process.env,
      STORAGE_CONNECTION_STRING: azuriteConnectionString(),
      TABLE_PREFIX: tablePrefix,
      PORT: String(port),
      OUTBOX_POLL_SECONDS: "0.2",
      OUTBOX_CLAIM_SECONDS: "2",
      SEND_TIMEOUT_SECONDS: "60",
      LOG_LEVEL: "silent",
      BOT_ID: "",
      ORGANISATION_FILE: "",
      ROSTER_FILE: "",
      FEED_FILE: "",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const errorLines: string[] = [];
  for (const [stream, into] of [[child.stdout, lines], [child.stderr, errorLines]] as const) {
    let rest = "";
    stream?.setEncoding("utf8").on("data", (chunk: string) => {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop() ?? "";
      into.push(...parts);
    });
    stream?.on("end", () => {
      if (rest) into.push(rest);
    });
  }
  const url = `http://127.0.0.1:${port}`;
  // A busy machine (several processes starting on two cores) can take well over 20 s to start one.
  const deadline = Date.now() + 45_000;
  while (!(await fetch(`${url}/healthz`).then((response) => response.ok, () => false))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL"); // a bot that starts after the deadline must not outlive the test run
      const why = child.exitCode !== null ? `it exited with code ${child.exitCode}` : "it did not answer /healthz within 45 s";
      throw new Error(`the bot process did not start: ${why}${errorLines.length ? `; standard error: ${errorLines.slice(-5).join(" | ")}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    process: child,
    lines,
    errorLines,
    logged: (msg) =>
      lines.flatMap((line) => {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          return entry.msg === msg ? [entry] : [];
        } catch {
          return [];
        }
      }),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
      child.kill("SIGTERM");
      return exited;
    },
  };
}

export async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited in vain for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The real bot started with a configuration it should refuse: its exit status and what it printed, or `code: null`
 * when it was still running after `ms` (then it is killed, and whatever it started with it).
 */
export async function startRefusedBot(env: Record<string, string>, ms = 15_000): Promise<{ code: number | null; stderr: string; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--no-deprecation", BOT], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: "silent", BOT_ID: "", ORGANISATION_FILE: "", ROSTER_FILE: "", FEED_FILE: "", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const timer = setTimeout(() => child.kill("SIGKILL"), ms);
  const code = await exited;
  clearTimeout(timer);
  return { code: child.signalCode === "SIGKILL" ? null : code, stderr, port };
}
