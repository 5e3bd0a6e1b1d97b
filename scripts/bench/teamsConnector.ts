/**
 * A Bot Connector on loopback that keeps Teams' limits, for the delivery benchmark: about 30 requests a second
 * for the app in a tenant and 7 a second to one conversation (sliding one-second windows), answering 429 with
 * Retry-After beyond them. It counts requests, throttled requests and duplicate deliveries (the same card to the
 * same conversation twice).
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface TeamsLimits {
  perTenantPerSecond: number;
  perConversationPerSecond: number;
}

export const TEAMS_LIMITS: TeamsLimits = { perTenantPerSecond: 30, perConversationPerSecond: 7 };

export interface ConnectorCounts {
  requests: number;
  throttled: number;
  /** Activities accepted (201), typing indicators left out. */
  delivered: number;
  duplicates: number;
  /** When the last activity was accepted (ms, monotonic). */
  lastDeliveredAt: number;
}

/** Requests accepted in the last second, oldest first. */
class Window {
  private readonly times: number[] = [];

  count(now: number): number {
    while (this.times.length > 0 && (this.times[0] as number) <= now - 1000) this.times.shift();
    return this.times.length;
  }

  /** Milliseconds until one more fits. */
  waitMs(now: number, limit: number): number {
    return this.count(now) < limit ? 0 : (this.times[this.times.length - limit] as number) + 1000 - now;
  }

  add(now: number): void {
    this.times.push(now);
  }
}

export class TeamsConnector {
  readonly counts: ConnectorCounts = { requests: 0, throttled: 0, delivered: 0, duplicates: 0, lastDeliveredAt: 0 };
  private readonly tenants = new Map<string, Window>();
  private readonly conversations = new Map<string, Window>();
  private readonly seen = new Set<string>();
  private server: Server | undefined;
  private nextId = 1;
  url = "";

  constructor(private readonly limits: TeamsLimits = TEAMS_LIMITS) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    // Many instances keep connections open; the default backlog and keep-alive are fine for loopback.
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private window(map: Map<string, Window>, key: string): Window {
    let window = map.get(key);
    if (!window) {
      window = new Window();
      map.set(key, window);
    }
    return window;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const path = req.url ?? "";
    const now = performance.now();
    this.counts.requests += 1;
    const conversationId = /\/v3\/conversations\/([^/?]+)/.exec(path)?.[1];
    const conversation = body.conversation as { tenantId?: string } | undefined;
    const tenantId = conversation?.tenantId ?? (body.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? (body.tenantId as string | undefined) ?? "tenant";
    const tenant = this.window(this.tenants, tenantId);
    const chat = conversationId ? this.window(this.conversations, decodeURIComponent(conversationId)) : undefined;
    const waitMs = Math.max(tenant.waitMs(now, this.limits.perTenantPerSecond), chat?.waitMs(now, this.limits.perConversationPerSecond) ?? 0);
    if (waitMs > 0) {
      this.counts.throttled += 1;
      res.writeHead(429, { "content-type": "application/json", "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))) });
      res.end(JSON.stringify({ error: { code: "TooManyRequests", message: "Too many requests" } }));
      return;
    }
    tenant.add(now);
    chat?.add(now);
    if (req.method === "POST" && !conversationId) {
      // Create a conversation: Teams answers with the 1:1 chat's id.
      const member = ((body.members as { id?: string }[] | undefined) ?? [])[0]?.id ?? "user";
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: `a:${member}` }));
      return;
    }
    if (req.method === "POST" && body.type !== "typing") {
      const key = createHash("sha256").update(`${decodeURIComponent(conversationId ?? "")}\u0000${JSON.stringify(body.attachments ?? body.text ?? "")}`).digest("hex");
      if (this.seen.has(key)) this.counts.duplicates += 1;
      this.seen.add(key);
      this.counts.delivered += 1;
      this.counts.lastDeliveredAt = now;
    }
    res.writeHead(req.method === "POST" ? 201 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify({ id: `activity-${this.nextId++}` }));
  }
}
