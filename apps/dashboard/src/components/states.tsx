// Loading, empty and error states, so no page is ever blank.
import type { CombinedError } from "urql";

export function Loading({ what }: { what: string }) {
  return (
    <div className="state" data-testid="loading">
      Loading {what}…
    </div>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return (
    <div className="state" data-testid="empty">
      {children}
    </div>
  );
}

/** A GraphQL error in words: the API's own message when it answered, the network cause otherwise. */
export function describeError(error: CombinedError): string {
  if (error.graphQLErrors.length > 0) return error.graphQLErrors.map((e) => e.message).join("; ");
  return error.networkError?.message ?? error.message;
}

export function ErrorState({ error, what }: { error: CombinedError | Error | string; what: string }) {
  const message = typeof error === "string" ? error : "graphQLErrors" in error ? describeError(error) : error.message;
  return (
    <div className="state error" role="alert" data-testid="error-state">
      Could not load {what}: {message}
    </div>
  );
}
