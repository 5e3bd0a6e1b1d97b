import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobServiceClient } from "@azure/storage-blob";
import type { FileRejected } from "../../src/feeds/problem";
import { resolveFeed } from "../../src/feeds/sources";
import { TEST_WORK_DIR } from "../harness/bot";
import { azuriteConnectionString } from "../harness/rootHooks";

describe("where feeds come from", () => {
  it("takes the newest file in a folder that matches the pattern", async () => {
    const folder = await mkdtemp(join(tmpdir(), "tidlig-inbox-"));
    await writeFile(join(folder, "fravaer-2026-11-19.csv"), "old");
    await writeFile(join(folder, "fravaer-2026-11-20.csv"), "new");
    await writeFile(join(folder, "notes.txt"), "newest, but not a feed");
    await utimes(join(folder, "fravaer-2026-11-19.csv"), new Date("2026-11-19T23:00:00Z"), new Date("2026-11-19T23:00:00Z"));
    await utimes(join(folder, "fravaer-2026-11-20.csv"), new Date("2026-11-20T23:00:00Z"), new Date("2026-11-20T23:00:00Z"));
    const feed = await resolveFeed(folder, { pattern: "fravaer-*.csv", workDir: TEST_WORK_DIR });
    assert.equal(await readFile(feed.path, "utf8"), "new");
    await assert.rejects(resolveFeed(folder, { pattern: "*.xlsx", workDir: TEST_WORK_DIR }), (error: FileRejected) => error.problem.key === "file.noneInSource");
  });

  it("downloads a feed with the bearer token, and refuses when the server says no", async () => {
    const server = createServer((req, res) => {
      const ok = req.headers.authorization === "Bearer s3cret";
      res.writeHead(ok ? 200 : 401, { "content-type": "text/csv" });
      res.end(ok ? "pupil_id,date,kind,documented\n" : "");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/export/fravaer.csv`;
    try {
      const feed = await resolveFeed(url, { bearerToken: "s3cret", workDir: TEST_WORK_DIR });
      assert.equal(await readFile(feed.path, "utf8"), "pupil_id,date,kind,documented\n");
      await feed.cleanup();
      await assert.rejects(resolveFeed(url, { bearerToken: "wrong", workDir: TEST_WORK_DIR }), (error: FileRejected) => error.problem.key === "file.urlAnswered" && error.problem.params?.status === 401);
      await assert.rejects(resolveFeed("http://example.invalid/feed.csv", { workDir: TEST_WORK_DIR }), (error: FileRejected) => error.problem.key === "file.httpsOnly");
    } finally {
      server.close();
    }
  });

  it("takes the newest matching blob from a container (Azurite)", async () => {
    const connectionString = azuriteConnectionString();
    const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(`fravaer${Date.now().toString(36)}`);
    await container.create();
    await container.getBlockBlobClient("2026-11-19.csv").upload("old", 3);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await container.getBlockBlobClient("2026-11-20.csv").upload("new", 3);
    await container.getBlockBlobClient("readme.txt").upload("not a feed", 10);
    const feed = await resolveFeed(`blob:${container.containerName}/*.csv`, { connectionString, workDir: TEST_WORK_DIR });
    assert.equal(await readFile(feed.path, "utf8"), "new");
    assert.equal(feed.name, `blob:${container.containerName}/2026-11-20.csv`);
    await feed.cleanup();
  });
});
