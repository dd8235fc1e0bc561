// Draws the desktop shell's images from SVG with sharp, into assets/ (committed, so building
// the shell needs no image tools): the app icon at 512 px (electron-builder makes the .icns
// and .ico from it) and the Windows taskbar overlays for the unread badge (1–9, 9+, @).
// Run it again after changing the web app's icon: npm run icons -w @qc/desktop
import { Buffer } from 'node:buffer';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const here = path.dirname(fileURLToPath(import.meta.url));
const assets = path.join(here, '..', 'assets');
mkdirSync(assets, { recursive: true });

const appIcon = readFileSync(path.join(here, '../../web/app/icon.svg'));
await sharp(appIcon, { density: 768 }).resize(512, 512).png().toFile(path.join(assets, 'icon.png'));
console.log('assets/icon.png (512×512)');

const badge = (label) =>
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">` +
      `<circle cx="16" cy="16" r="15" fill="#e5484d" stroke="#fff" stroke-width="2"/>` +
      `<text x="16" y="21.5" font-family="DejaVu Sans, Arial, sans-serif" font-size="${label.length > 1 ? 13 : 17}" ` +
      `font-weight="bold" text-anchor="middle" fill="#fff">${label}</text></svg>`,
  );
const labels = [...'123456789']
  .map((n) => [n, `badge-${n}.png`])
  .concat([
    ['9+', 'badge-9plus.png'],
    ['@', 'badge-mention.png'],
  ]);
for (const [label, file] of labels) {
  await sharp(badge(label)).png().toFile(path.join(assets, file));
}
console.log(`assets/badge-*.png (${labels.length} overlays, 32×32)`);
