import { Suspense } from "react";
import { ExplorerView } from "@/components/explorer/explorer-view";
import { Loading } from "@/components/states";

export default function ExplorerPage() {
  return (
    <Suspense fallback={<Loading what="explorer" />}>
      <ExplorerView />
    </Suspense>
  );
}
