/**
 * Personal tokens and sign-in sessions: `geor_<id>_<secret>`, where the id (12 characters) finds
 * the stored row and the 32-byte secret is kept only as HMAC-SHA256 under the server's key — a
 * fast keyed hash suits long random secrets (no dictionary to guess from), and without the key a
 * copy of the database does not even let one test a guess. Shown once, when created.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const TOKEN = /^geor_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewToken {
  id: string;
  /** The whole token, for its owner: never stored. */
  token: string;
  secretHash: string;
}

function randomId(): string {
  // base62-ish from random bytes: letters and digits only, so the token splits unambiguously.
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(12);
  let id = "";
  for (const b of bytes) id += alphabet[b % alphabet.length];
  return id;
}

export function keyedHash(key: Buffer, secret: string): string {
  return createHmac("sha256", key).update(secret).digest("base64url");
}

export function newToken(key: Buffer): NewToken {
  const id = randomId();
  const secret = randomBytes(32).toString("base64url");
  return { id, token: `geor_${id}_${secret}`, secretHash: keyedHash(key, secret) };
}

/** The id and secret of a well-formed token, or null. */
export function parseToken(token: string): { id: string; secret: string } | null {
  const m = TOKEN.exec(token);
  return m ? { id: m[1] as string, secret: m[2] as string } : null;
}

/** Whether `secret` hashes to `stored` (constant-time comparison). */
export function secretMatches(key: Buffer, secret: string, stored: string): boolean {
  const got = Buffer.from(keyedHash(key, secret));
  const want = Buffer.from(stored);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** A one-time sign-in code (the link `npm start` prints): 32 random bytes. */
export function newSignInCode(key: Buffer): { code: string; codeHash: string } {
  const code = randomBytes(32).toString("base64url");
  return { code, codeHash: keyedHash(key, code) };
}
