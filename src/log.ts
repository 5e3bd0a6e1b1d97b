import pino from "pino";

export type Logger = pino.Logger;

/**
 * The one logger: structured JSON lines. Only pseudonymous ids (case ids, pupil ids of the administration
 * system, Entra object ids) go in; names are redacted should one slip through.
 */
export function createLogger(options: { level?: string; destination?: 1 | 2 } = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { service: "tidlig" },
      redact: { paths: ["name", "pupilName", "*.name", "*.pupilName", "answers", "*.answers"], censor: "[redacted]" },
    },
    pino.destination({ fd: options.destination ?? 1, sync: true }),
  );
}

/** The logger of tests and scripts: silent, unless TEST_LOG_LEVEL asks to see what a test's bot did. */
export const silentLogger: Logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
