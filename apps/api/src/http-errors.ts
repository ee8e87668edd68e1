/**
 * Errors raised before a request reaches Apollo (a body that is not JSON or is over the size
 * limit, a malformed GraphQL multipart request) answered as GraphQL errors in JSON, never as
 * Express's HTML page, which carries the stack trace outside production.
 */
import type { ErrorRequestHandler, RequestHandler } from "express";

const CODES: Record<number, string> = { 413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE" };

/** Whatever `parse` rejects is the client's request: a status-less error (busboy's "Unexpected end of form") becomes a 400. */
export function badRequestOnError(parse: RequestHandler): RequestHandler {
  return (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      if (err === undefined || err === null) return next();
      const e = err as Error & { status?: number };
      next(Object.assign(e, { status: e.status ?? 400, expose: true }));
    });
}

/** The last handler: a 4xx with its message, anything else a masked 500 (logged). */
export function requestErrors(log: (line: string) => void): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const e = err as Error & { status?: number; statusCode?: number; expose?: boolean };
    const status = e.status ?? e.statusCode ?? 500;
    const client = status >= 400 && status < 500;
    if (!client) log(`internal error before GraphQL: ${e.stack ?? e.message}`);
    res.status(client ? status : 500).json({
      errors: [
        client
          ? { message: e.message, extensions: { code: CODES[status] ?? "BAD_REQUEST" } }
          : { message: "internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } },
      ],
    });
  };
}
