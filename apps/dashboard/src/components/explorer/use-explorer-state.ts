"use client";
// The explorer's whole state, read from the URL (lib/explorer-state.ts parses and serialises it).
// A change rewrites the query from the state, replacing the URL: no history entry per change.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo } from "react";
import { type ExplorerState, parseExplorerState, serializeExplorerState } from "@/lib/explorer-state";

export type SetExplorerState = (changes: Partial<ExplorerState>) => void;

export function useExplorerState(): [ExplorerState, SetExplorerState] {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const state = useMemo(() => parseExplorerState(searchParams), [searchParams]);
  const setState: SetExplorerState = (changes) => {
    const query = serializeExplorerState({ ...state, ...changes });
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };
  return [state, setState];
}
