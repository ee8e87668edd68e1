import { Suspense } from "react";
import { PredictView } from "@/components/predict/predict-view";
import { Loading } from "@/components/states";

export default function PredictPage() {
  return (
    <Suspense fallback={<Loading what="predict" />}>
      <PredictView />
    </Suspense>
  );
}
