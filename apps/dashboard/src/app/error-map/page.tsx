import { Suspense } from "react";
import { ErrorMapView } from "@/components/error-map/error-map-view";
import { Loading } from "@/components/states";

export default function ErrorMapPage() {
  return (
    <Suspense fallback={<Loading what="error map" />}>
      <ErrorMapView />
    </Suspense>
  );
}
