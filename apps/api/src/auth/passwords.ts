/**
 * Password hashes: scrypt (RFC 7914) from Node's crypto, a memory-hard function that makes every
 * guess cost ~32 MB and tens of milliseconds. Stored as `scrypt$N$r$p$salt$hash` (base64), so the
 * parameters can be raised later and old hashes still verify.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize("NFKC"),
      salt,
      KEY_BYTES,
      { ...opts, maxmem: 256 * (opts.N ?? N) * (opts.r ?? R) },
      (e, key) => (e ? reject(e) : resolve(key)),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Whether `password` matches a stored hash (constant time in the hash comparison). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const want = Buffer.from(hash, "base64");
  const got = await derive(password, Buffer.from(salt, "base64"), { N: Number(n), r: Number(r), p: Number(p) });
  return got.length === want.length && timingSafeEqual(got, want);
}

/** The rule a new password must meet, or null when it does. */
export function passwordProblem(password: string): string | null {
  if (password.length < 10) return "must be at least 10 characters";
  if (password.length > 1000) return "must be at most 1,000 characters";
  return null;
}
