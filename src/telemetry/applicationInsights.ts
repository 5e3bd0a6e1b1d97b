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

export interface Telemetry {
  sink: LogSink;
  flush(): Promise<void>;
}

/**
 * Application Insights, when a connection string is configured: the SDK collects incoming requests (their URLs
 * carry no ids), and every log line (already pseudonymised) becomes a trace with its fields as properties. Loaded only when asked for, so that local runs and tests never start it.
 */
export function startApplicationInsights(connectionString: string): Telemetry {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand: it instruments Node's http when required
  const appInsights = require("applicationinsights") as typeof import("applicationinsights");
  // Outgoing calls are not collected: Table storage URLs carry row keys (pupil and Entra ids) and Teams URLs chat ids.
  appInsights.setup(connectionString).setAutoCollectConsole(false).setAutoCollectDependencies(false).setSendLiveMetrics(false).start();
  const client = appInsights.defaultClient;
  return {
    sink: traceSink((trace) => client.trackTrace(trace)),
    flush: () => Promise.resolve(client.flush()).then(() => undefined),
  };
}
