import type { MessageKey } from "../i18n";

/** Why a nightly run failed, as a code for `--json`, the stored run and the coordinators' message. */
export const FAILURE_CAUSES = {
  configuration: "failure.configuration",
  storage: "failure.storage",
  disk: "failure.disk",
  stalled: "failure.stalled",
  internal: "failure.internal",
} as const satisfies Record<string, MessageKey>;
export type FailureCause = keyof typeof FAILURE_CAUSES;

const DISK_ERRORS = new Set(["ENOSPC", "EACCES", "EPERM", "EROFS", "EIO", "EMFILE", "ENFILE", "EDQUOT"]);

/** What kind of failure an error is: the storage, the work folder's disk, or the program itself. */
export function causeOf(error: unknown): "storage" | "disk" | "internal" {
  const { name, code, statusCode, syscall } = (error ?? {}) as { name?: string; code?: unknown; statusCode?: unknown; syscall?: unknown };
  if (typeof code === "string" && DISK_ERRORS.has(code)) return "disk";
  if (name === "RestError" || typeof statusCode === "number" || syscall === "connect" || syscall === "getaddrinfo" || code === "ECONNRESET" || code === "ETIMEDOUT" || code === "ECONNREFUSED") return "storage";
  return "internal";
}

/**
 * An error's kind (`RestError ECONNREFUSED`), never its message or stack, which may quote what is stored about a
 * pupil: what is kept with a failed run and printed outside the log.
 */
export function errorKind(error: unknown): string {
  const { name, statusCode, code, syscall } = (error ?? {}) as { name?: unknown; statusCode?: unknown; code?: unknown; syscall?: unknown };
  return [name, statusCode, code, syscall].filter((part) => typeof part === "string" || typeof part === "number").join(" ") || "Error";
}

/** The storage unreachable or failing as a whole (no answer, a server error): the run fails, not one case. */
export function isStorageDown(error: unknown): boolean {
  const { name, statusCode, code } = (error ?? {}) as { name?: unknown; statusCode?: unknown; code?: unknown };
  if (typeof statusCode === "number") return statusCode >= 500;
  return name === "RestError" || (typeof code === "string" && /^E[A-Z]+$/.test(code));
}

/** A storage error's code (e.g. `PropertyValueTooLarge`), or the error's name. */
export function errorCode(error: unknown): string {
  const details = (error as { details?: { errorCode?: unknown } } | undefined)?.details;
  if (typeof details?.errorCode === "string") return details.errorCode.slice(0, 60);
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof status === "number") return `status-${status}`;
  return error instanceof Error ? error.name.slice(0, 60) : "unknown";
}
