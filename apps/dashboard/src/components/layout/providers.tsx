"use client";
import { type ReactNode, useState } from "react";
import { Provider } from "urql";
import { createGraphqlClient } from "@/lib/graphql-client";

export function Providers({ wsUrl, children }: { wsUrl: string; children: ReactNode }) {
  const [client] = useState(() => createGraphqlClient(wsUrl));
  return <Provider value={client}>{children}</Provider>;
}
