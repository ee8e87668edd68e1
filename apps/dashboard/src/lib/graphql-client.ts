// The urql client: queries and mutations go to the same-origin proxy (/api/graphql),
// subscriptions straight to the API over graphql-ws.

import { createClient as createWsClient } from "graphql-ws";
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "urql";

export function createGraphqlClient(wsUrl: string): Client {
  const ws =
    typeof window === "undefined"
      ? null
      : createWsClient({ url: wsUrl, lazy: true, retryAttempts: 1000, shouldRetry: () => true });
  return new Client({
    url: "/api/graphql",
    requestPolicy: "cache-and-network",
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        enableAllOperations: false,
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? "" };
          return {
            subscribe(sink) {
              if (!ws) return { unsubscribe() {} };
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
