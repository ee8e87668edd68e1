"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useViewer } from "../session/viewer";

const LINKS = [
  { href: "/experiments", label: "Experiments" },
  { href: "/studies", label: "Studies" },
  { href: "/error-map", label: "Error map" },
  { href: "/compare", label: "Compare" },
  { href: "/explorer", label: "Explorer" },
  { href: "/predict", label: "Predict" },
];

export function Nav() {
  const pathname = usePathname();
  const viewer = useViewer();
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
      <span className="nav-right">
        {viewer ? (
          <Link href="/settings" data-testid="nav-user" className={pathname === "/settings" ? "active" : undefined}>
            {viewer.name} <span className="muted">· {viewer.role.toLowerCase()}</span>
          </Link>
        ) : (
          <Link href={`/sign-in?next=${encodeURIComponent(pathname)}`} data-testid="nav-sign-in">
            Sign in
          </Link>
        )}
      </span>
    </nav>
  );
}
