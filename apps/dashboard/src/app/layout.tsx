import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { ApiStatusBanner } from "@/components/layout/api-status-banner";
import { Nav } from "@/components/layout/nav";
import { Providers } from "@/components/layout/providers";
import { ViewerProvider } from "@/components/session/viewer";
import { apiWsUrl } from "@/lib/api-endpoint";
import { signedIn } from "@/lib/session";
import "./globals.css";

export const metadata: Metadata = {
  title: "Geo-R Lab",
  description: "Experiment tracking, error maps and the prediction explorer for retrieval-free geolocalization",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Read the API address per request, so one build serves any GEOR_API_URL.
  await connection();
  const viewer = await signedIn();
  return (
    <html lang="en">
      <body>
        <Providers wsUrl={apiWsUrl()}>
          <ViewerProvider viewer={viewer}>
            <Nav />
            <ApiStatusBanner />
            <main>{children}</main>
          </ViewerProvider>
        </Providers>
      </body>
    </html>
  );
}
