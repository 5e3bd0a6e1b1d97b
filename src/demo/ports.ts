import { createServer } from "node:net";

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** A port on loopback that nothing listens on right now, for a server started by the demo, a script or a test. */
export function freePort(): Promise<number> {
  return listenOnce(0);
}

/** The preferred port when it is free (bookmarks keep working), any free port when it is not. */
export function preferredPort(port: number): Promise<number> {
  return listenOnce(port).catch(() => freePort());
}
