import { createWriteStream } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { BlobServiceClient } from "@azure/storage-blob";
import picomatch from "picomatch";
import { FileRejected } from "./problem";
import { makeRunFolder } from "./runFolder";

/** A feed ready to read from a local file, wherever it came from. */
export interface ResolvedFeed {
  path: string;
  /** Where it came from, for the run summary and the log. */
  name: string;
  cleanup(): Promise<void>;
}

export interface SourceOptions {
  /** For blob: sources, the storage account. */
  connectionString?: string | undefined;
  /** For https: sources, sent as "Authorization: Bearer ...". */
  bearerToken?: string | undefined;
  /** For folders and containers without their own pattern: which file names count (default: every file). */
  pattern?: string | undefined;
  /** The work folder (WORK_DIR): a feed fetched over HTTPS or from a container is copied into a run folder there. */
  workDir: string;
}

function temporaryFile(workDir: string, name: string): { path: string; cleanup(): Promise<void> } {
  const folder = makeRunFolder(workDir, "feed");
  return { path: join(folder, basename(name) || "feed"), cleanup: () => rm(folder, { recursive: true, force: true }) };
}

function matcher(pattern: string | undefined): (name: string) => boolean {
  return picomatch(pattern ?? "*", { nocase: true, dot: false });
}

/** The newest file in a folder whose name matches the pattern. */
async function newestInFolder(folder: string, pattern: string | undefined): Promise<ResolvedFeed> {
  const matches = matcher(pattern);
  let newest: { path: string; at: number } | undefined;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!entry.isFile() || !matches(entry.name)) continue;
    const path = join(folder, entry.name);
    const at = (await stat(path)).mtimeMs;
    if (!newest || at > newest.at) newest = { path, at };
  }
  if (!newest) throw new FileRejected({ key: "file.noneInSource", params: { source: folder, pattern: pattern ?? "*" } });
  return { path: newest.path, name: newest.path, cleanup: async () => {} };
}

/** Downloads a feed over HTTPS (a bearer token from the environment), streamed to a temporary file. */
/** Fills a new run folder's file; a copy cut short is deleted before the failure goes on. */
async function copyInto(workDir: string, name: string, write: (path: string) => Promise<unknown>): Promise<{ path: string; cleanup(): Promise<void> }> {
  const file = temporaryFile(workDir, name);
  try {
    await write(file.path);
  } catch (error) {
    await file.cleanup();
    throw error;
  }
  return file;
}

async function download(url: string, token: string | undefined, workDir: string): Promise<ResolvedFeed> {
  const { protocol, hostname } = new URL(url);
  // A bearer token never travels unencrypted, except to this machine (a local proxy, the tests).
  if (protocol !== "https:" && !["localhost", "127.0.0.1", "[::1]"].includes(hostname)) {
    throw new FileRejected({ key: "file.httpsOnly" });
  }
  let response: Response;
  try {
    response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new FileRejected({ key: "file.urlUnreachable", params: { host: new URL(url).host } });
  }
  if (!response.ok || !response.body) throw new FileRejected({ key: "file.urlAnswered", params: { host: new URL(url).host, status: response.status } });
  const body = response.body;
  const file = await copyInto(workDir, new URL(url).pathname, (path) => pipeline(Readable.fromWeb(body as never), createWriteStream(path)));
  return { path: file.path, name: `${new URL(url).origin}${new URL(url).pathname}`, cleanup: file.cleanup };
}

/** The newest blob in a container (optionally matching a pattern), downloaded to a temporary file. */
async function newestBlob(spec: string, options: SourceOptions): Promise<ResolvedFeed> {
  if (!options.connectionString) throw new FileRejected({ key: "file.blobNotConfigured" });
  const [container = "", ...rest] = spec.split("/");
  const matches = matcher(rest.join("/") || options.pattern);
  const client = BlobServiceClient.fromConnectionString(options.connectionString).getContainerClient(container);
  let newest: { name: string; at: number } | undefined;
  try {
    for await (const blob of client.listBlobsFlat()) {
      const at = blob.properties.lastModified?.getTime() ?? 0;
      if (matches(blob.name) && (!newest || at > newest.at)) newest = { name: blob.name, at };
    }
  } catch {
    throw new FileRejected({ key: "file.blobUnreachable", params: { container } });
  }
  if (!newest) throw new FileRejected({ key: "file.noneInSource", params: { source: `blob:${container}`, pattern: rest.join("/") || options.pattern || "*" } });
  const name = newest.name;
  const file = await copyInto(options.workDir, name, (path) => client.getBlobClient(name).downloadToFile(path));
  return { path: file.path, name: `blob:${container}/${newest.name}`, cleanup: file.cleanup };
}

/**
 * Where tonight's feed comes from: a file; a folder (its newest file matching the pattern); an HTTPS URL; or
 * `blob:container[/pattern]` (the newest matching blob in an Azure Blob container).
 */
export async function resolveFeed(spec: string, options: SourceOptions): Promise<ResolvedFeed> {
  if (/^https?:\/\//i.test(spec)) return download(spec, options.bearerToken, options.workDir);
  if (spec.startsWith("blob:")) return newestBlob(spec.slice("blob:".length), options);
  const info = await stat(spec).catch(() => undefined);
  if (info?.isDirectory()) return newestInFolder(spec, options.pattern);
  return { path: spec, name: spec, cleanup: async () => {} };
}
