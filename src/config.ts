import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isIP } from "node:net";
import { z } from "zod";
import { toLocale } from "./i18n";

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

const httpsPage = optionalText.refine((value) => value === undefined || /^https:\/\/\S+$/.test(value), "an https:// address");

/**
 * Where the nightly run keeps its temporary files when WORK_DIR is empty: the system's temporary folder, which is
 * local to each instance on App Service (the app's own folder is read-only there, run from the package).
 */
export const DEFAULT_WORK_DIR = join(tmpdir(), "tidlig-work");

/** Every environment variable the product reads, with its default and what it is for (.env.example mirrors it). */
export const ConfigShape = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978).describe("Port of the bot's HTTP server."),
  HOST: optionalText.describe(
    "Address the bot's HTTP server listens on. Empty: 127.0.0.1 (this machine only) in local mode, 0.0.0.0 (every interface, as App Service needs) when BOT_ID is set. Without BOT_ID, only a loopback address is accepted.",
  ),
  BOT_ID: optionalText.describe("The Azure Bot's Microsoft app id. Empty: local mode, no token checks (never in production)."),
  BOT_PASSWORD: optionalText.describe("The app's client secret (from Key Vault in production)."),
  BOT_TENANT_ID: optionalText.describe("Entra tenant id of the municipality: required with BOT_ID; activities from any other tenant are ignored."),
  BOT_TYPE: z.enum(["SingleTenant", "MultiTenant", "UserAssignedMSI"]).default("SingleTenant").describe("How the bot authenticates."),
  BOT_OPENID_METADATA: optionalText.describe(
    "OpenID metadata URL of the tokens the Bot Connector sends (empty: Microsoft's public cloud). For sovereign clouds, and for tests with locally signed tokens.",
  ),
  BOT_SERVICE_URL: optionalText.describe(
    "Bot Connector URL of the tenant's region (e.g. https://smba.trafficmanager.net/emea/), for reaching users who never wrote to the bot and the resource-team channels.",
  ),
  STORAGE_CONNECTION_STRING: optionalText.describe(
    "Azure Storage connection string. Empty: an embedded Azurite keeps data in LOCAL_DATA_DIR (local use only: required when BOT_ID is set or in Azure App Service).",
  ),
  TABLE_PREFIX: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,30}$/, "letters and digits, starting with a letter")
    .default("tidlig")
    .describe("Prefix of every table name."),
  LOCAL_DATA_DIR: z.string().default(".tidlig-data").describe("Folder of the embedded Azurite's data (local use only)."),
  WORK_DIR: optionalText
    .transform((value) => value ?? DEFAULT_WORK_DIR)
    .describe(
      "Folder of the nightly run's temporary files (a downloaded feed, the accepted rows by pupil): deleted when a run ends, and what a stopped run left is removed at the next start. Empty: tidlig-work in the system's temporary folder.",
    ),
  LOCAL_STORAGE_PORT: z.coerce.number().int().min(0).max(65535).default(10002).describe("Port of the embedded Azurite's Table service; Blob and Queue use the two ports below it."),
  ORGANISATION_FILE: optionalText.describe("Organisation file (JSON) for the scheduled nightly run."),
  ROSTER_FILE: optionalText.describe("Roster file (CSV) for the scheduled nightly run."),
  FEED_FILE: optionalText.describe(
    "The absence feed for the scheduled nightly run: a file, a folder (its newest file matching FEED_PATTERN), an https:// URL, or blob:<container>[/<pattern>].",
  ),
  FEED_PATTERN: optionalText.describe("Which file names in a feed folder or container count, e.g. fravaer-*.csv (default: all)."),
  FEED_BEARER_TOKEN: optionalText.describe("Sent as 'Authorization: Bearer ...' when FEED_FILE is an https:// URL."),
  NIGHTLY_SCHEDULE: z.string().default("0 7 * * 1-5").describe("When the nightly run starts (cron, in the organisation's time zone); it judges up to the day before."),
  NIGHTLY_DEADLINE_MINUTES: z.coerce
    .number()
    .min(0.05)
    .max(720)
    .default(60)
    .describe(
      "How long a nightly run may take (minutes). A run past it is stopped, recorded as failed and reported to the coordinators, and the next run is not held up by it. A night for 100 000 pupils took about 15 minutes in the benchmark.",
    ),
  DIGEST_SCHEDULE: z.string().default("0 8 * * 1-5").describe("When the leaders' digests go out (cron, organisation's time zone): daily, the weekly overview on Mondays."),
  OUTBOX_POLL_SECONDS: z.coerce.number().min(0.05).max(3600).default(15).describe("How often the bot looks for messages to send (with the delivery queue, at least every second)."),
  SEND_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(600).default(30).describe("How long one send to Teams may take before it is retried later."),
  OUTBOX_CLAIM_SECONDS: z.coerce.number().min(1).max(3600).default(120).describe("How long a message being sent is reserved; after a crash, it is sent again after this."),
  OUTBOX_QUEUE: z
    .enum(["auto", "off"])
    .default("auto")
    .describe("auto: the outbox's messages are handed out through a Storage queue when the account has a Queue service, so every instance sends a share; off: each instance polls the outbox table."),
  SEND_RATE_PER_SECOND: z.coerce.number().min(1).max(50).default(25).describe("Sends a second to Teams for the app in the tenant (Teams allows about 30), shared by all running instances."),
  NIGHTLY_LEASE_SECONDS: z.coerce
    .number()
    .int()
    .min(15)
    .max(60)
    .default(60)
    .describe("How long the nightly run's blob lease lasts between renewals: a run whose instance died frees the lease within this."),
  DEFAULT_LOCALE: z
    .string()
    .default("nb")
    .transform((value) => toLocale(value))
    .describe("Language of users who have not chosen one: nb, nn or en."),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info").describe("How much is logged."),
  LOG_PSEUDONYM_KEY: optionalText.describe("Secret key for the pseudonyms of people's ids in the logs (the same id, the same pseudonym). Empty: a new key at every start."),
  APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText.describe(
    "Application Insights connection string. Set: the log lines (as traces) and the requests the bot answered (by route and status, no URL) go there too; nothing else (no outgoing calls, whose URLs carry ids, no exceptions).",
  ),
  TEAMS_APP_ID: optionalText.describe("The Teams app's own id (a GUID, not BOT_ID), for npm run package."),
  BOT_DOMAIN: optionalText
    .refine((value) => value === undefined || /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(value), "a host name such as tidlig.example.no, without https:// or a path")
    .describe("Host name the bot answers on (the app's valid domain), for npm run package."),
  DEVELOPER_NAME: optionalText.describe("Who publishes the app, as Teams shows it (at most 32 characters), for npm run package."),
  DEVELOPER_WEBSITE_URL: httpsPage.describe("https:// page with support for the app, for npm run package."),
  DEVELOPER_PRIVACY_URL: httpsPage.describe("https:// page with the app's privacy statement, for npm run package."),
  DEVELOPER_TERMS_URL: httpsPage.describe("https:// page with the app's terms of use, for npm run package."),
});

/** Variables the hosting platform sets, never an operator: Azure App Service names its site and instance. */
export const PlatformShape = z.object({
  WEBSITE_SITE_NAME: optionalText.describe("Set by Azure App Service: the web app's name."),
  WEBSITE_INSTANCE_ID: optionalText.describe("Set by Azure App Service: the instance's id."),
});

/** Where the bot listens when HOST is empty: this machine only without token checks, every interface with them. */
export function defaultHost(botId: string | undefined): string {
  return botId ? "0.0.0.0" : "127.0.0.1";
}

/** Whether an address reaches this machine only (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const address = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (address === "localhost") return true;
  if (isIP(address) === 4) return address.startsWith("127.");
  return address === "::1" || /^::ffff:127\./.test(address);
}

export const LOCAL_MODE_HOST_MESSAGE =
  "must be a loopback address (127.0.0.1, ::1 or localhost) while BOT_ID is empty: local mode checks no tokens, so anyone who reaches the port could write as any user. Set BOT_ID (with its secret and tenant) to listen on other addresses";

export const ConfigSchema = ConfigShape.merge(PlatformShape).superRefine((config, ctx) => {
  if (!config.BOT_ID && config.HOST && !isLoopback(config.HOST)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["HOST"], message: LOCAL_MODE_HOST_MESSAGE });
  }
  const inAppService = Boolean(config.WEBSITE_SITE_NAME || config.WEBSITE_INSTANCE_ID);
  if ((config.BOT_ID || inAppService) && !config.STORAGE_CONNECTION_STRING) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ["STORAGE_CONNECTION_STRING"],
      message: `is required ${config.BOT_ID ? "when BOT_ID is set" : "in Azure App Service"}: set it to the storage account's connection string (in App Service, the Key Vault reference the template sets). Without it the bot would keep its data in the local emulator, which is for a laptop only`,
    });
  }
  // Without the tenant id the bot would take activities from every tenant in Teams: the municipality's only.
  if (config.BOT_ID && !config.BOT_TENANT_ID) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["BOT_TENANT_ID"], message: `is required when BOT_ID is set (BOT_TYPE ${config.BOT_TYPE}): the municipality's Entra tenant id` });
  }
  if (config.BOT_ID && config.BOT_TYPE !== "UserAssignedMSI" && !config.BOT_PASSWORD) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["BOT_PASSWORD"], message: `is required when BOT_ID is set and BOT_TYPE is ${config.BOT_TYPE}` });
  }
}).transform((config) => ({ ...config, HOST: config.HOST ?? defaultHost(config.BOT_ID) }));

export type Config = z.infer<typeof ConfigSchema>;

/** Reads the environment once; a wrong value stops the start with a message that says what to fix. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("\n  ");
    throw new Error(`Invalid configuration:\n  ${problems}`);
  }
  return parsed.data;
}

/** Reads `.env` from the working folder, if there is one; variables already set in the environment win. */
export function loadDotEnv(path = ".env"): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
