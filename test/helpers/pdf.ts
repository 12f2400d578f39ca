import fs from 'node:fs';
import zlib from 'node:zlib';

/**
 * The font sizes (points) each page's text is drawn at, read from a PDF's content streams: LibreOffice writes one
 * Flate-compressed content stream per page and draws a scaled sheet with scaled `Tf` sizes (no text matrix scaling).
 */
export function pdfTextSizes(file: string): number[][] {
  const buf = fs.readFileSync(file);
  const text = buf.toString('latin1');
  const pages: number[][] = [];
  for (const m of text.matchAll(/stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    const end = text.indexOf('endstream', start);
    let content: string;
    try {
      content = zlib.inflateSync(buf.subarray(start, end)).toString('latin1');
    } catch {
      continue; // fonts and images that are not Flate content, or not compressed
    }
    if (!/\bBT\b/.test(content)) continue;
    const sizes = [...content.matchAll(/\/F\d+\s+([\d.]+)\s+Tf/g)].map((s) => Number(s[1]));
    if (sizes.length > 0) pages.push(sizes);
  }
  return pages;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
