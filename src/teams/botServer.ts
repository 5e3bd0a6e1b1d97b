import { AuthenticationError, type BotFrameworkAuthentication } from "botframework-connector";
import { StatusCodes } from "botbuilder";
import type { AddressInfo } from "node:net";
import * as restify from "restify";
import { TeamsAdapter } from "@microsoft/teams-ai";
import type { Clock } from "../clock";
import { ConfigShape, defaultHost, isLoopback, LOCAL_MODE_HOST_MESSAGE, type Config } from "../config";
import type { Logger } from "../log";
import type { Store } from "../store";
import { createTeamsApplication } from "./app";
import { OutboxSender } from "./outboxSender";
import { shareRateWithOtherInstances } from "./rateShare";
import type { BotServices } from "./commands";
import type { NightlyInput } from "../jobs/nightly";
import { nightlyHealth } from "../jobs/nightlyHealth";
import { runNightlyWithin } from "../jobs/runDeadline";
import { translator } from "../i18n";
import type { ServedRequest } from "../telemetry/applicationInsights";

/** With the delivery queue, an idle instance looks for work at least this often (seconds). */
const QUEUE_POLL_SECONDS = 1;

export interface BotServer {
  url: string;
  sender: OutboxSender;
  close(): Promise<void>;
}

export type BotConfig = Pick<Config, "PORT" | "BOT_ID" | "BOT_PASSWORD" | "BOT_TENANT_ID" | "BOT_TYPE" | "BOT_SERVICE_URL" | "OUTBOX_POLL_SECONDS" | "DEFAULT_LOCALE"> &
  Partial<Pick<Config, "HOST" | "SEND_TIMEOUT_SECONDS" | "OUTBOX_CLAIM_SECONDS" | "BOT_OPENID_METADATA" | "SEND_RATE_PER_SECOND" | "NIGHTLY_DEADLINE_MINUTES">>;

/** How long closing waits for a run started from Teams, which is told to stop first. */
const CLOSE_WAITS_FOR_RUN_MS = 15_000;

/** Refused tokens written to the audit trail a minute at most: beyond it they are counted in the log, so a flood fills no table. */
const REFUSALS_AUDITED_PER_MINUTE = 60;

/** Keeps each refused request (no token, a bad one) in the audit trail, without the ids it claims: nobody vouched for them. */
function auditRefusedTokens(store: Store, clock: Clock, logger: Logger): (reason: string) => void {
  let minute = "";
  let audited = 0;
  return (reason) => {
    const now = clock.now().toISOString();
    if (now.slice(0, 16) !== minute) {
      minute = now.slice(0, 16);
      audited = 0;
    }
    audited += 1;
    logger.warn({ reason }, "request refused: no valid Bot Framework token");
    if (audited > REFUSALS_AUDITED_PER_MINUTE) return;
    store.audit.record({ at: now, actor: "unauthenticated", action: "activity.unauthenticated", subject: reason, outcome: "refused" }).catch(() => undefined);
  };
}

function createAdapter(config: BotConfig, logger: Logger, onRefused: (reason: string) => void): TeamsAdapter {
  if (!config.BOT_ID) {
    logger.warn("BOT_ID is empty: local mode, activities are accepted without token checks, so the bot listens on loopback only (never use this in production)");
    return new TeamsAdapter({});
  }
  logger.info({ botId: config.BOT_ID, type: config.BOT_TYPE }, "Bot Framework tokens are checked");
  return refuseBadTokensWith401(onRefused, new TeamsAdapter({
    MicrosoftAppId: config.BOT_ID,
    MicrosoftAppPassword: config.BOT_PASSWORD ?? "",
    MicrosoftAppType: config.BOT_TYPE,
    MicrosoftAppTenantId: config.BOT_TENANT_ID ?? "",
    ...(config.BOT_OPENID_METADATA ? publicCloudWithMetadata(config.BOT_OPENID_METADATA) : {}),
  }));
}

/**
 * The SDK answers a token with a bad signature with 500: its verifier's error is not an AuthenticationError. Any
 * failure to authenticate is a refusal, so it is made one (401).
 */
function refuseBadTokensWith401(onRefused: (reason: string) => void, adapter: TeamsAdapter): TeamsAdapter {
  const auth = (adapter as unknown as { botFrameworkAuthentication: BotFrameworkAuthentication }).botFrameworkAuthentication;
  const authenticate = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    try {
      return await authenticate(activity, authHeader);
    } catch (error) {
      onRefused(authHeader ? "bad token" : "no token");
      if (error instanceof AuthenticationError) throw error;
      throw new AuthenticationError(`Unauthorized: ${(error as Error).message}`, StatusCodes.UNAUTHORIZED);
    }
  };
  return adapter;
}

/**
 * The Bot Framework's public-cloud settings with another OpenID metadata URL. Once one of these is given, the SDK
 * takes none of its defaults, so all are given: these are the public cloud's values.
 */
function publicCloudWithMetadata(metadataUrl: string): Record<string, string | boolean> {
  return {
    ToBotFromChannelOpenIdMetadataUrl: metadataUrl,
    ToBotFromChannelTokenIssuer: "https://api.botframework.com",
    ToChannelFromBotLoginUrl: "https://login.microsoftonline.com/botframework.com",
    ToChannelFromBotOAuthScope: "https://api.botframework.com",
    OAuthUrl: "https://api.botframework.com",
    ToBotFromEmulatorOpenIdMetadataUrl: "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
    CallerId: "urn:botframework:azure",
    ValidateAuthority: true,
  };
}

/** How a client on this machine reaches a server listening on `host`. */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "localhost") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * The bot's HTTP server: Bot Framework activities on POST /api/messages, a health check on GET /healthz, and the
 * outbox sender polling in the background.
 */
export async function startBotServer(deps: {
  config: BotConfig;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** The files of the nightly run, so that a coordinator can start it from Teams ("kjør nå"). */
  nightlyFiles?: NightlyInput | undefined;
  nextNightlyRun?: () => Date | undefined;
  /** Told of every answered request by its declared route (never its URL), for telemetry. */
  onRequest?: ((request: ServedRequest) => void) | undefined;
}): Promise<BotServer> {
  const { config, store, clock, logger } = deps;
  const host = config.HOST ?? defaultHost(config.BOT_ID);
  // Checked here too, not only in the configuration: the demo, the load test and the tests build their own.
  if (!config.BOT_ID && !isLoopback(host)) throw new Error(`HOST '${host}' ${LOCAL_MODE_HOST_MESSAGE}.`);
  const adapter = createAdapter(config, logger, auditRefusedTokens(store, clock, logger));
  const botAppId = config.BOT_ID ?? "";
  const sender = new OutboxSender({
    store,
    adapter,
    botAppId,
    clock,
    logger,
    defaultLocale: config.DEFAULT_LOCALE,
    serviceUrl: config.BOT_SERVICE_URL,
    tenantId: config.BOT_TENANT_ID,
    sendTimeoutMs: (config.SEND_TIMEOUT_SECONDS ?? 30) * 1000,
    claimMs: (config.OUTBOX_CLAIM_SECONDS ?? 120) * 1000,
    ratePerSecond: config.SEND_RATE_PER_SECOND,
  });
  const rateShare = await shareRateWithOtherInstances({ store, sender, clock, logger });
  const drainSoon = () => {
    sender.drain().catch((error: unknown) => logger.error({ err: { message: (error as Error).message } }, "outbox drain failed"));
  };
  let running: Promise<void> | undefined;
  const stopRuns = new AbortController();
  const deadlineMs = (config.NIGHTLY_DEADLINE_MINUTES ?? ConfigShape.shape.NIGHTLY_DEADLINE_MINUTES.parse(undefined)) * 60_000;
  const upSince = clock.now();
  const services: BotServices = {
    nextRun: deps.nextNightlyRun,
    isRunning: () => running !== undefined,
    runNow: async (requestedBy) => {
      if (!deps.nightlyFiles) return "not-configured";
      if (running) return "running";
      const files = deps.nightlyFiles;
      const startedAt = clock.now();
      running = runNightlyWithin({ store, clock, logger, t: translator(config.DEFAULT_LOCALE) }, files, { deadlineMs, stop: stopRuns.signal })
        .then(async () => {
          // The summary of the run as recorded, a failed one too: the requester is told either way.
          await store.outbox.enqueue({ kind: "run-summary", subject: `run:${startedAt.toISOString()}`, serial: 0, schoolId: "", recipientId: requestedBy }, clock.now());
          drainSoon();
        })
        .catch((error: unknown) => logger.error({ err: { message: (error as Error).message } }, "nightly run from Teams failed"))
        .finally(() => {
          running = undefined;
        });
      return "started";
    },
  };
  const app = createTeamsApplication(adapter, botAppId, {
    store,
    clock,
    logger,
    services,
    defaultLocale: config.DEFAULT_LOCALE,
    tenantId: config.BOT_TENANT_ID,
    serviceUrl: config.BOT_SERVICE_URL,
    onConversationStored: (userId) => {
      store.outbox.wakeRecipient(userId, clock.now()).then(drainSoon, () => undefined);
    },
  });

  const server = restify.createServer({ name: "tidlig" });
  server.use(restify.plugins.bodyParser({ maxBodySize: 1024 * 1024 }));
  const { onRequest } = deps;
  if (onRequest) {
    server.on("after", (req: restify.Request, res: restify.Response, route: restify.Route | null | undefined) => {
      onRequest({ method: req.method ?? "", route: route ? String(route.path) : undefined, status: res.statusCode, startedAt: new Date(req.time()), durationMs: Date.now() - req.time() });
    });
  }
  server.post("/api/messages", async (req, res) => {
    await adapter.process(req, res, (context) => app.run(context).then(() => undefined));
  });
  server.get("/healthz", async (_req, res) => {
    const storageOk = await store.storage.ping();
    const lastRun = storageOk ? await store.runs.latest().catch(() => undefined) : undefined;
    const health = nightlyHealth({ latest: lastRun, now: clock.now(), upSince, scheduled: deps.nightlyFiles !== undefined });
    const nightlyOk = !["failed", "rejected-file", "missing"].includes(health.nightly);
    // A failed night is not the instance's fault: 200 keeps it in service, "degraded" is for an alert to act on.
    res.json(storageOk ? 200 : 503, {
      status: storageOk && nightlyOk ? "ok" : "degraded",
      storage: store.storage.account.kind,
      storageStatus: storageOk ? "ok" : "unreachable",
      mode: config.BOT_ID ? "authenticated" : "local",
      nightly: storageOk ? health.nightly : "unknown",
      lastNightlyRun: health.lastNightlyRun,
    });
  });

  // An address this machine does not have, or a port in use, fails the start with the reason.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, host, () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // The delivery queue is cheap to ask: every instance looks often, so that all join in when another queues work.
  const pollSeconds = store.outbox.queue ? Math.min(config.OUTBOX_POLL_SECONDS, QUEUE_POLL_SECONDS) : config.OUTBOX_POLL_SECONDS;
  const timer = setInterval(drainSoon, pollSeconds * 1000);
  timer.unref();
  logger.info({ host, port, loopbackOnly: isLoopback(host) }, "bot listening on /api/messages");
  if (config.BOT_ID && store.storage.account.kind === "emulator") logger.warn("BOT_ID is set but the storage is an emulator (Azurite): fine for a test, never for production");

  return {
    url: `http://${urlHost(host)}:${port}`,
    sender,
    close: async () => {
      clearInterval(timer);
      // A run from Teams stops with the server (recorded as stopped); a step that never returns is not waited for.
      stopRuns.abort();
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise((resolve) => (waited = setTimeout(resolve, CLOSE_WAITS_FOR_RUN_MS)))]);
      clearTimeout(waited);
      sender.stop();
      await sender.drain().catch(() => undefined);
      await rateShare.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
