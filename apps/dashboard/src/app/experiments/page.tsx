import { Suspense } from "react";
import { ExperimentsView } from "@/components/experiments/experiments-view";
import { Loading } from "@/components/states";

export default function ExperimentsPage() {
  return (
    <Suspense fallback={<Loading what="experiments" />}>
      <ExperimentsView />
    </Suspense>
  );
}
