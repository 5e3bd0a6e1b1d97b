/**
 * Draws the Teams app icons: appPackage/color.png (192x192, full colour) and appPackage/outline.png (32x32, white
 * on transparent), a rising sun over a horizon: "tidlig" is Norwegian for "early".
 *   node dist/scripts/makeIcons.js
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";

type Rgba = [number, number, number, number];
const TEAL: Rgba = [0x12, 0x6e, 0x5e, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const SUN: Rgba = [0xff, 0xc8, 0x3d, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

/** Which part of the drawing a point (in units of the icon's size, 0..1) belongs to. */
function shapeAt(x: number, y: number): "sun" | "ray" | "horizon" | "none" {
  const cx = 0.5;
  const cy = 0.66;
  const distance = Math.hypot(x - cx, y - cy);
  if (y > 0.7 && y < 0.76 && x > 0.16 && x < 0.84) return "horizon";
  if (y <= 0.7 && distance < 0.2) return "sun";
  if (y <= 0.62 && distance > 0.26 && distance < 0.36) {
    const angle = Math.atan2(cy - y, x - cx);
    const nearest = Math.round(angle / (Math.PI / 6)) * (Math.PI / 6);
    if (Math.abs(angle - nearest) < 0.12 && nearest > 0.1 && nearest < Math.PI - 0.1) return "ray";
  }
  return "none";
}

function draw(size: number, paint: (shape: ReturnType<typeof shapeAt>) => Rgba): Buffer {
  const png = new PNG({ width: size, height: size });
  const samples = 4;
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const [red, green, blue, alpha] = paint(shapeAt((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size));
          // Colours weighted by their opacity, so a white edge over transparency stays white (not grey) and only fades.
          [red * alpha, green * alpha, blue * alpha, alpha].forEach((channel, index) => (sum[index] = (sum[index] ?? 0) + channel));
        }
      }
      const offset = (py * size + px) * 4;
      const opacity = sum[3] ?? 0;
      for (let index = 0; index < 3; index += 1) png.data[offset + index] = opacity === 0 ? 0 : Math.round((sum[index] ?? 0) / opacity);
      png.data[offset + 3] = Math.round(opacity / (samples * samples));
    }
  }
  return PNG.sync.write(png);
}

const folder = join(__dirname, "..", "..", "appPackage");
writeFileSync(join(folder, "color.png"), draw(192, (shape) => (shape === "sun" || shape === "ray" ? SUN : shape === "horizon" ? WHITE : TEAL)));
writeFileSync(join(folder, "outline.png"), draw(32, (shape) => (shape === "none" ? CLEAR : WHITE)));
console.log("appPackage/color.png and appPackage/outline.png written");
