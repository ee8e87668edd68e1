"use client";
// A sample's image: its crop of a dataset sprite sheet, drawn enlarged with crisp pixels.
import { useEffect, useRef, useState } from "react";

export type ThumbnailCrop = { url: string; x: number; y: number; size: number };

export function SampleThumbnail({ crop, px = 192, label }: { crop: ThumbnailCrop; px?: number; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    const image = new Image();
    let live = true;
    image.onload = () => {
      const ctx = canvas.current?.getContext("2d");
      if (!live || !ctx) return;
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(image, crop.x, crop.y, crop.size, crop.size, 0, 0, px, px);
      setDrawn(true);
    };
    image.onerror = () => live && setFailed(true);
    setFailed(false);
    setDrawn(false);
    image.src = crop.url;
    return () => {
      live = false;
    };
  }, [crop.url, crop.x, crop.y, crop.size, px]);
  if (failed) return <p className="muted">image unavailable ({crop.url})</p>;
  return (
    <canvas
      ref={canvas}
      width={px}
      height={px}
      className="thumbnail"
      role="img"
      aria-label={label}
      data-testid="sample-thumbnail"
      data-drawn={drawn}
    />
  );
}
