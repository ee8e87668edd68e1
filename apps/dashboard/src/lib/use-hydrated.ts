"use client";
import { useEffect, useState } from "react";

/**
 * False in the server's HTML and until React has attached its handlers in the browser. A form
 * whose submit button waits for it cannot be sent natively (a GET to the page itself, losing
 * what was typed) by someone — or a test — quicker than hydration on a slow machine.
 */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
