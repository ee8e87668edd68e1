import path from "node:path";
import type { NextConfig } from "next";

const repoRoot = path.resolve(import.meta.dirname, "../..");

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The workspace root holds node_modules (npm workspaces hoist there).
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
};

export default config;
