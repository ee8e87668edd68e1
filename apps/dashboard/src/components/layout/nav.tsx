"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/experiments", label: "Experiments" },
  { href: "/error-map", label: "Error map" },
  { href: "/compare", label: "Compare" },
  { href: "/explorer", label: "Explorer" },
  { href: "/predict", label: "Predict" },
];

export function Nav() {
  const pathname = usePathname();
  return (
    <nav className="nav">
      <Link href="/experiments" className="brand">
        Geo-R Lab
      </Link>
      {LINKS.map((link) => (
        <Link
          key={link.href}
          href={link.href}
          className={pathname === link.href || pathname.startsWith(`${link.href}/`) ? "active" : undefined}
        >
          {link.label}
        </Link>
      ))}
    </nav>
  );
}
