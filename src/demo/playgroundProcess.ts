/**
 * The Agents Playground's command line in a process of our own, for two things its options cannot give:
 * - it listens on loopback only. The playground's servers listen without a host (every interface) and it has no
 *   option for one, so every listen in this process that names no host gets 127.0.0.1;
 * - it ends with its parent. `startPlayground` starts it with an IPC channel, and when that channel closes (the
 *   parent ended, however it ended, `kill -9` included) this process exits, so no playground outlives the demo.
 */
import { Server, type ListenOptions } from "node:net";

export const LOOPBACK = "127.0.0.1";

type Listen = (...args: unknown[]) => Server;

/** Makes every server in this process listen on loopback when it names no address of its own. */
export function listenOnLoopbackOnly(): void {
  const listen = Server.prototype.listen as Listen;
  const patched: Listen = function (this: Server, ...args: unknown[]) {
    const [first, second] = args;
    if (typeof first === "function") return listen.call(this, 0, LOOPBACK, first);
    if (typeof first === "object" && first !== null && !("fd" in first) && !("path" in first) && !("_handle" in first)) {
      const options = first as ListenOptions;
      return listen.call(this, { ...options, host: options.host ?? LOOPBACK }, ...args.slice(1));
    }
    const isPort = typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first)) || first === undefined;
    // listen(port, undefined, backlog, callback) has an empty host slot; listen(port, callback) has none.
    if (isPort && (second === undefined || second === null)) return listen.call(this, first ?? 0, LOOPBACK, ...args.slice(2));
    if (isPort && typeof second !== "string") return listen.call(this, first ?? 0, LOOPBACK, ...args.slice(1));
    return listen.call(this, ...args);
  };
  Server.prototype.listen = patched as typeof Server.prototype.listen;
}

function main(): void {
  listenOnLoopbackOnly();
  process.on("disconnect", () => process.exit(0));
  // The command line reads its options from process.argv, which has the same shape here as for its own script.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the playground is a command line with no module API of its own.
  require("@microsoft/m365agentsplayground/cli.js");
}

if (require.main === module) main();
