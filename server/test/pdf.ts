/**
 * Reading PDFs back as text (pdfjs-dist: no system package), as a person would read the page:
 * lines top to bottom, words left to right. Tests assert on what is printed, not on bytes.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { expect } from 'vitest';
import type { Api } from './helpers.js';

export interface PdfItem {
  page: number;
  text: string;
  x: number;
  y: number;
  /** x + width: where right-aligned text ends. */
  right: number;
}

export interface PdfText {
  numPages: number;
  /** Per page, its lines of text (items on one baseline joined by " "). */
  pages: string[][];
  /** Every line of every page, joined by newlines. */
  text: string;
  /** The text with every run of whitespace as one space: for paragraphs, wherever they wrap. */
  flat: string;
  items: PdfItem[];
  bytes: Buffer;
}

export async function readPdf(bytes: Buffer): Promise<PdfText> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
  const items: PdfItem[] = [];
  const pages: string[][] = [];
  for (let p = 1; p <= pdf.numPages; p++) {
    const page = await pdf.getPage(p);
    const content = await page.getTextContent();
    const own: PdfItem[] = [];
    for (const item of content.items) {
      if (!('str' in item) || item.str.trim() === '') continue;
      const [, , , , x, y] = item.transform as number[];
      own.push({ page: p, text: item.str, x: x as number, y: y as number, right: (x as number) + item.width });
    }
    // Top to bottom (PDF y grows upwards), then left to right; one line per baseline (±2.5 pt).
    own.sort((a, b) => b.y - a.y || a.x - b.x);
    const lines: PdfItem[][] = [];
    for (const item of own) {
      const line = lines[lines.length - 1];
      if (line && Math.abs((line[0] as PdfItem).y - item.y) <= 2.5) line.push(item);
      else lines.push([item]);
    }
    pages.push(
      lines.map((l) =>
        l
          .sort((a, b) => a.x - b.x)
          .map((i) => i.text)
          .join(' '),
      ),
    );
    items.push(...own);
  }
  await pdf.destroy();
  const text = pages.map((l) => l.join('\n')).join('\n');
  return { numPages: pdf.numPages, pages, text, flat: text.replace(/\s+/g, ' '), items, bytes };
}

/** GETs a PDF through the app with the api's token; expects 200 and application/pdf. */
export async function getPdf(api: Api, url: string): Promise<PdfText> {
  const res = await api.app.inject({
    method: 'GET',
    url,
    headers: { authorization: `Bearer ${api.token}`, accept: 'application/pdf', ...api.extraHeaders },
  });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/pdf/);
  return readPdf(res.rawPayload);
}

/** The document embeds its fonts (TrueType subsets) and references no standard 14 font. */
export function expectEmbeddedUnicodeFont(pdf: PdfText): void {
  const raw = pdf.bytes.toString('latin1');
  expect(raw).toMatch(/\/FontFile2 /);
  expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans/);
  expect(raw).not.toMatch(/\/BaseFont \/(Helvetica|Times|Courier)/);
  // Nothing was replaced: a "?" never appears in the text.
  expect(pdf.text).not.toContain('?');
}
