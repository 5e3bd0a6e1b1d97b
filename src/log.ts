import { createHmac, randomBytes } from "node:crypto";
import pino from "pino";

export type Logger = pino.Logger;

/** Log fields that hold a person's id (an Entra object id, a pupil id of the administration system). */
const PERSON_FIELDS = ["userId", "recipientId", "teacherId", "pupilId", "aadObjectId", "messageId"] as const;

/**
 * A keyed hash of an id: the same person has the same pseudonym in every line (a support case can be followed),
 * but the log alone does not say who it is. Without a configured key, a key of this process is used.
 */
export function pseudonymiser(key: string | undefined): (id: unknown) => string {
  const secret = key ?? randomBytes(32).toString("hex");
  return (id) => `p:${createHmac("sha256", secret).update(String(id)).digest("hex").slice(0, 16)}`;
}

/** Where log lines go besides standard output: Application Insights, when a connection string is set. */
export interface LogSink {
  write(line: string): void;
}

export interface LoggerOptions {
  level?: string;
  /** Standard output (1) or error (2); "none" writes only to the sink. */
  destination?: 1 | 2 | "none";
  pseudonymKey?: string | undefined;
  sink?: LogSink | undefined;
}

function loggerOptions(level: string, pseudonym: (id: unknown) => string): pino.LoggerOptions {
  return {
    level,
    base: { service: "tidlig" },
    redact: { paths: ["name", "pupilName", "*.name", "*.pupilName", "answers", "*.answers", "text", "*.text"], censor: "[redacted]" },
    serializers: Object.fromEntries(PERSON_FIELDS.map((field) => [field, pseudonym])),
  };
}

/**
 * The one logger: structured JSON lines. Ids of people are pseudonymised; names and answers are redacted should
 * one slip through.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const pseudonym = pseudonymiser(options.pseudonymKey);
  const level = options.level ?? "info";
  if (options.destination === "none" && options.sink) return pino(loggerOptions(level, pseudonym), options.sink);
  const stdout = pino.destination({ fd: options.destination === "none" ? 2 : (options.destination ?? 1), sync: true });
  return pino(
    loggerOptions(level, pseudonym),
    options.sink ? pino.multistream([{ stream: stdout, level: level as pino.Level }, { stream: options.sink, level: level as pino.Level }]) : stdout,
  );
}

/** The logger of tests and scripts: silent, unless TEST_LOG_LEVEL asks to see what a test's bot did. */
export const silentLogger: Logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent", destination: 2 });
