import { createHmac, createSign, generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const ISSUER = "https://api.botframework.com";
const KEY_ID = "tidlig-test-key";

const base64url = (value: Buffer | string) => Buffer.from(value).toString("base64url");

/**
 * A local stand-in for the Bot Connector's token service: an OpenID metadata document and its signing key (endorsed
 * for msteams), served on loopback, and tokens signed with that key as the Bot Connector signs them.
 */
export class TokenIssuer {
  private readonly keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  private readonly other = generateKeyPairSync("rsa", { modulusLength: 2048 });
  private server: Server | undefined;
  metadataUrl = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const base = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
      res.writeHead(200, { "content-type": "application/json" });
      if (req.url?.startsWith("/keys")) {
        res.end(JSON.stringify({ keys: [{ ...this.keys.publicKey.export({ format: "jwk" }), kid: KEY_ID, use: "sig", alg: "RS256", endorsements: ["msteams"] }] }));
      } else {
        res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ["RS256"], token_endpoint_auth_methods_supported: ["private_key_jwt"] }));
      }
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.metadataUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/openidconfiguration`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /**
   * A token as the Bot Connector would send with an activity for `audience` (the bot's app id), or, with the other
   * options, the forgeries an attacker would try.
   */
  token(claims: {
    audience: string;
    serviceUrl: string;
    expiresInSeconds?: number;
    signedByStranger?: boolean;
    issuer?: string;
    keyId?: string;
    notBeforeInSeconds?: number;
    /** "none": unsigned; "HS256": signed with the public key as an HMAC secret (the algorithm-confusion attack). */
    algorithm?: "none" | "HS256";
    /** The payload changed after signing. */
    tamperedAudience?: string;
  }): string {
    const now = Math.floor(Date.now() / 1000);
    const algorithm = claims.algorithm ?? "RS256";
    const header = base64url(JSON.stringify({ alg: algorithm, typ: "JWT", kid: claims.keyId ?? KEY_ID }));
    const body = (audience: string) =>
      base64url(JSON.stringify({ iss: claims.issuer ?? ISSUER, aud: audience, serviceurl: claims.serviceUrl, nbf: now + (claims.notBeforeInSeconds ?? -60), iat: now - 60, exp: now + (claims.expiresInSeconds ?? 3600) }));
    const payload = body(claims.audience);
    const signed = `${header}.${claims.tamperedAudience ? body(claims.tamperedAudience) : payload}`;
    if (algorithm === "none") return `${signed}.`;
    if (algorithm === "HS256") {
      const secret = this.keys.publicKey.export({ format: "pem", type: "spki" });
      return `${signed}.${base64url(createHmac("sha256", secret).update(`${header}.${payload}`).digest())}`;
    }
    const signer = createSign("RSA-SHA256");
    signer.update(`${header}.${payload}`);
    const signature = signer.sign(claims.signedByStranger ? this.other.privateKey : this.keys.privateKey);
    return `${signed}.${base64url(signature)}`;
  }
}
