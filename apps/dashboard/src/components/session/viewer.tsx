"use client";
// Who is looking at the dashboard, for hiding what they may not do (the API refuses it anyway):
// given by the root layout from the session cookie.
import { createContext, type ReactNode, useContext } from "react";

export type Role = "VIEWER" | "EDITOR" | "ADMIN";
export type Viewer = { name: string; role: Role } | null;

const ViewerContext = createContext<Viewer>(null);

export function ViewerProvider({ viewer, children }: { viewer: Viewer; children: ReactNode }) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}

export function useViewer(): Viewer {
  return useContext(ViewerContext);
}

/** May create datasets, experiments and runs. */
export function canCreate(v: Viewer): boolean {
  return v?.role === "EDITOR" || v?.role === "ADMIN";
}

/** May cancel, tag or delete a thing its creator `createdBy` owns. */
export function canChange(v: Viewer, createdBy: string | null | undefined): boolean {
  return v?.role === "ADMIN" || (v?.role === "EDITOR" && createdBy === v.name);
}
