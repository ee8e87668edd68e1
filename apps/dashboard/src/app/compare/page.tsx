import { Suspense } from "react";
import { CompareView } from "@/components/compare/compare-view";
import { Loading } from "@/components/states";

export default function ComparePage() {
  return (
    <Suspense fallback={<Loading what="comparison" />}>
      <CompareView />
    </Suspense>
  );
}
