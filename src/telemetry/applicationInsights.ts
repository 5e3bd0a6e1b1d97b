import type { LogSink } from "../log";

/** pino's numeric levels as Application Insights severities (Verbose 0 ... Critical 4). */
function severityOf(level: number): "Verbose" | "Information" | "Warning" | "Error" | "Critical" {
  if (level >= 60) return "Critical";
  if (level >= 50) return "Error";
  if (level >= 40) return "Warning";
  if (level >= 30) return "Information";
  return "Verbose";
}

export interface Trace {
  message: string;
  severity: ReturnType<typeof severityOf>;
  properties: Record<string, string>;
}

/** Log lines (JSON, already pseudonymised) as traces: the message, a severity, and the fields as properties. */
export function traceSink(track: (trace: Trace) => void): LogSink {
  return {
    write(line: string) {
      try {
        const { level, msg, ...fields } = JSON.parse(line) as { level: number; msg?: string } & Record<string, unknown>;
        delete fields.time;
        const properties = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
        track({ message: msg ?? "", severity: severityOf(level), properties });
      } catch {
        // a line that is not JSON is not ours to forward
      }
    },
  };
}

/** A request the bot's HTTP server answered: its route as declared (never the URL it was called with), the status. */
export interface ServedRequest {
  method: string;
  /** The declared route, such as `/api/messages`; undefined when no route matched (404, 405). */
  route: string | undefined;
  status: number;
  startedAt: Date;
  durationMs: number;
}

/** What Application Insights records of a served request: "POST /api/messages", the status and the duration, no URL. */
export interface RequestItem {
  name: string;
  resultCode: string;
  success: boolean;
  duration: number;
  time: Date;
  /** OpenTelemetry's names for the method and route, so that the exporter files the item as an HTTP request with its status. */
  properties: Record<string, string>;
}

export function requestItem(request: ServedRequest): RequestItem {
  const route = request.route ?? "(no route)";
  return {
    name: `${request.method} ${route}`,
    resultCode: String(request.status),
    success: request.status < 400,
    duration: Math.max(0, Math.round(request.durationMs)),
    time: request.startedAt,
    properties: { "http.method": request.method, "http.route": route },
  };
}

export interface Telemetry {
  sink: LogSink;
  trackRequest(request: ServedRequest): void;
  /** Sends what is buffered, waiting at most `timeoutMs`: a stop must not hang on an unreachable endpoint. */
  flush(timeoutMs?: number): Promise<void>;
}

/**
 * Application Insights, when a connection string is configured: a client of the SDK with providers of its own and
 * no instrumentation at all, so it sends only what is handed to it here: the log lines (already pseudonymised) as
 * traces, and the requests the bot's server reports (route and status). Outgoing calls (storage and Teams URLs carry
 * ids), exceptions, performance counters, live metrics and console output are not collected. Loaded only when asked
 * for, so that local runs and tests never start it.
 */
export function startApplicationInsights(connectionString: string): Telemetry {
  // The SDK's statistics about itself ("statsbeat") would go to a resource of Microsoft's, not the municipality's.
  process.env.APPLICATION_INSIGHTS_NO_STATSBEAT = "true";
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, only with a connection string
  const { TelemetryClient } = require("applicationinsights") as typeof import("applicationinsights");
  // useGlobalProviders: false keeps the SDK from calling useAzureMonitor, which instruments http and the Azure SDK.
  const client = new TelemetryClient(connectionString, { useGlobalProviders: false });
  // Nothing of the telemetry is written to the instance's disk to be sent later.
  client.config.enableUseDiskRetryCaching = false;
  return {
    sink: traceSink((trace) => client.trackTrace(trace)),
    trackRequest: (request) => client.trackRequest(requestItem(request)),
    flush: async (timeoutMs = 10_000) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([client.flush().catch(() => undefined), timeout]);
      clearTimeout(timer);
    },
  };
}
