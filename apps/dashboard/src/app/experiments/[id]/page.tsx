import { ExperimentDetail } from "@/components/experiments/experiment-detail";

export default async function ExperimentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ExperimentDetail id={decodeURIComponent(id)} />;
}
