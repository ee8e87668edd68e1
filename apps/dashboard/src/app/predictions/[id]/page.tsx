import { PredictionDetail } from "@/components/prediction/prediction-detail";

export default async function PredictionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <PredictionDetail id={decodeURIComponent(id)} />;
}
