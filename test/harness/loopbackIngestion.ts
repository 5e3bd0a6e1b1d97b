import { generateKeyPairSync, sign, X509Certificate } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

/** One telemetry item as the Application Insights SDK sends it (an "envelope"). */
export interface Envelope {
  name: string;
  time?: string;
  tags?: Record<string, string>;
  data?: { baseType?: string; baseData?: Record<string, unknown> };
}

// A minimal DER writer, enough for one self-signed certificate.
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const length = [];
  for (let rest = body.length; rest > 0; rest >>= 8) length.unshift(rest & 0xff);
  const header = body.length < 0x80 ? [tag, body.length] : [tag, 0x80 | length.length, ...length];
  return Buffer.concat([Buffer.from(header), body]);
}
const sequence = (...parts: Buffer[]) => der(0x30, ...parts);
function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split(".").map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const encoded = [arc & 0x7f];
    for (let high = arc >> 7; high > 0; high >>= 7) encoded.unshift((high & 0x7f) | 0x80);
    bytes.push(...encoded);
  }
  return der(0x06, Buffer.from(bytes));
}
const utcTime = (date: Date) => der(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-:T]/g, "")}Z`));

/**
 * A certificate for 127.0.0.1, signed by its own key, valid for a day: the SDK sends telemetry over https only (it
 * turns an http:// ingestion endpoint into https://), so the child process is told to trust this one.
 */
function selfSignedCertificate(): { key: string; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const ecdsaWithSha256 = sequence(oid("1.2.840.10045.4.3.2"));
  const subject = sequence(der(0x31, sequence(oid("2.5.4.3"), der(0x0c, Buffer.from("127.0.0.1")))));
  const now = Date.now();
  const extensions = der(
    0xa3,
    sequence(
      sequence(oid("2.5.29.19"), der(0x01, Buffer.from([0xff])), der(0x04, sequence(der(0x01, Buffer.from([0xff]))))),
      sequence(oid("2.5.29.17"), der(0x04, sequence(der(0x87, Buffer.from([127, 0, 0, 1]))))),
    ),
  );
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from([0x01, ...Array.from({ length: 8 }, () => Math.floor(Math.random() * 256))])),
    ecdsaWithSha256,
    subject,
    sequence(utcTime(new Date(now - 60_000)), utcTime(new Date(now + 24 * 3600_000))),
    subject,
    publicKey.export({ type: "spki", format: "der" }),
    extensions,
  );
  const certificate = sequence(tbs, ecdsaWithSha256, der(0x03, Buffer.from([0]), sign("sha256", tbs, privateKey)));
  const pem = `-----BEGIN CERTIFICATE-----\n${(certificate.toString("base64").match(/.{1,64}/g) ?? []).join("\n")}\n-----END CERTIFICATE-----\n`;
  if (!new X509Certificate(pem).verify(publicKey)) throw new Error("the test certificate does not verify");
  return { key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), pem };
}

/** A request body as the SDK sends it: gzip'ed or not, a JSON array or one envelope a line. */
function envelopesOf(body: Buffer, encoding: string | undefined): Envelope[] {
  const text = (encoding === "gzip" ? gunzipSync(body) : body).toString("utf8").trim();
  if (text.startsWith("[")) return JSON.parse(text) as Envelope[];
  return text.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as Envelope);
}

/**
 * The Application Insights ingestion endpoint on loopback (https, `POST /v2.1/track` or `/v2/track`), answering as
 * the real one does and keeping every item it received. Anything else the SDK asks for is kept in `others`.
 */
export class LoopbackIngestion {
  readonly items: Envelope[] = [];
  readonly others: string[] = [];
  private server: Server | undefined;
  /** The certificate file to give the child process as NODE_EXTRA_CA_CERTS. */
  certificateFile = "";
  connectionString = "";

  async start(): Promise<this> {
    const { key, pem } = selfSignedCertificate();
    this.certificateFile = join(await mkdtemp(join(tmpdir(), "tidlig-ingestion-")), "loopback.pem");
    await writeFile(this.certificateFile, pem);
    this.server = createServer({ key, cert: pem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const path = (req.url ?? "").split("?")[0] ?? "";
        if (req.method !== "POST" || (path !== "/v2.1/track" && path !== "/v2/track")) {
          this.others.push(`${req.method ?? ""} ${req.url ?? ""}`);
          res.writeHead(404).end();
          return;
        }
        const received = envelopesOf(Buffer.concat(chunks), req.headers["content-encoding"]);
        this.items.push(...received);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ itemsReceived: received.length, itemsAccepted: received.length, errors: [] }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.connectionString = `InstrumentationKey=00000000-0000-4000-8000-00000000a1a1;IngestionEndpoint=https://127.0.0.1:${port}/`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The items of one kind: "Request", "RemoteDependency", "Message", "Exception", "Metric", "Event". */
  ofKind(kind: string): Envelope[] {
    return this.items.filter((item) => item.name === `Microsoft.ApplicationInsights.${kind}` || item.name.endsWith(`.${kind}`));
  }
}
