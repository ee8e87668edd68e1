import { StudiesView } from "@/components/studies/studies-view";

export default function StudiesPage() {
  return <StudiesView />;
}
