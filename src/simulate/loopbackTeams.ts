import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock } from "../clock";

export interface ReceivedRequest {
  /** The status the connector answered with, and when the request came (ms, monotonic). */
  status: number;
  at: number;
  method: string;
  path: string;
  conversationId?: string | undefined;
  body: Record<string, unknown>;
  /** The instant on the product's clock when the request came (a simulated one in the simulator). */
  clockAt?: string | undefined;
}

export interface ScriptedFailure {
  status: number;
  /** Answer only after this long, as a Teams that hangs would. */
  hangMs?: number;
  /** Only for a request like this (default: the next request, whatever it is). */
  when?: (body: Record<string, unknown>) => boolean;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
}

/** What Teams answers a send to a user who has removed the app. */
const APP_REMOVED: ScriptedFailure = { status: 403, body: { error: { code: "ConversationBlockedByUser", message: "User blocked the conversation with the bot." } } };

/**
 * A Bot Connector on loopback that answers like Teams: 201 with an activity id for sends, 200 for updates, and
 * whatever failures a test scripts (429 with Retry-After, 403 for an uninstalled app, 404 for a gone conversation).
 * A user who removed the app is answered 403, as Teams does, until they add it again.
 */
export class LoopbackConnector {
  readonly received: ReceivedRequest[] = [];
  private readonly failures: ScriptedFailure[] = [];
  /** Personal conversations whose user has removed the app. */
  readonly uninstalled = new Set<string>();
  private server: Server | undefined;
  private nextId = 1;
  url = "";

  constructor(private readonly clock?: Clock) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The next sends fail as given, in order. */
  failNext(...failures: ScriptedFailure[]): void {
    this.failures.push(...failures);
  }

  /** Activities delivered (accepted, not typing indicators), optionally only those to one conversation. */
  sent(conversationId?: string): Record<string, unknown>[] {
    return this.received
      .filter((request) => request.method === "POST" && request.path.includes("/activities") && request.status < 300)
      .filter((request) => conversationId === undefined || request.conversationId === conversationId)
      .map((request) => request.body)
      .filter((body) => body.type !== "typing");
  }

  /** The adaptive cards sent, optionally only those to one conversation. */
  cards(conversationId?: string): Record<string, unknown>[] {
    return this.sent(conversationId).flatMap((activity) =>
      ((activity.attachments as { contentType: string; content: Record<string, unknown> }[] | undefined) ?? [])
        .filter((attachment) => attachment.contentType === "application/vnd.microsoft.card.adaptive")
        .map((attachment) => attachment.content),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const path = req.url ?? "";
    const match = /\/v3\/conversations\/([^/]+)/.exec(path);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const conversationId = match?.[1] ? decodeURIComponent(match[1]) : undefined;
    const index = this.failures.findIndex((candidate) => !candidate.when || candidate.when(body));
    const scripted = index >= 0 ? this.failures.splice(index, 1)[0] : undefined;
    const failure = scripted ?? (conversationId && this.uninstalled.has(conversationId) ? APP_REMOVED : undefined);
    this.received.push({ at: performance.now(), clockAt: this.clock?.now().toISOString(), status: failure?.status ?? (req.method === "POST" ? 201 : 200), method: req.method ?? "", path, conversationId, body });
    if (failure?.hangMs) await new Promise((resolve) => setTimeout(resolve, failure.hangMs));
    if (failure) {
      res.writeHead(failure.status, { "content-type": "application/json", ...failure.headers });
      res.end(JSON.stringify(failure.body ?? { error: { code: "ScriptedFailure", message: `scripted ${failure.status}` } }));
      return;
    }
    const status = req.method === "POST" ? 201 : 200;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ id: `activity-${this.nextId++}` }));
  }
}
