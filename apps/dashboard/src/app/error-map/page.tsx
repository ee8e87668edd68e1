"use client";
import dynamic from "next/dynamic";

const GeoMap = dynamic(() => import("@/components/map/geo-map").then((m) => m.GeoMap), { ssr: false });

export default function ErrorMapPage() {
  return (
    <div>
      <h1>Error map</h1>
      <GeoMap />
    </div>
  );
}
