import path from "node:path";
import type { NextConfig } from "next";

const repoRoot = path.resolve(import.meta.dirname, "../..");

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The workspace root holds node_modules (npm workspaces hoist there).
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  // Browsers still ask for /favicon.ico now and then despite the <link rel="icon"> to icon.svg;
  // a 404 there is a console error on whatever page is open (seen failing an e2e run).
  async rewrites() {
    return [{ source: "/favicon.ico", destination: "/icon.svg" }];
  },
};

export default config;
