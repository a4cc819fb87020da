import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

/**
 * The pieces statements and receipts share: an A4 document with an embedded Unicode font
 * (DejaVu Sans, shipped by the `dejavu-fonts-ttf` package: €, Ł, Greek and Cyrillic print as
 * themselves), exact money formatting, masked account numbers, postal addresses, tables that
 * break across pages with their header repeated, and "Page x of y" footers.
 * Coordinates are PDF points from the top-left corner (pdfkit's convention).
 */
export type Doc = PDFKit.PDFDocument;

/** The institution named on every document (INSTITUTION_NAME / INSTITUTION_ADDRESS). */
export interface Institution {
  name: string;
  address: readonly string[];
}

/** A postal address as the customers and counterparties modules store it. */
export interface PostalAddress {
  unit_number?: string | undefined;
  address_line1?: string | undefined;
  address_line2?: string | undefined;
  address_line3?: string | undefined;
  city?: string | undefined;
  state?: string | undefined;
  postal_code?: string | undefined;
  country_code?: string | undefined;
}

const require = createRequire(import.meta.url);
/** Font files by path: pdfkit embeds the subset of glyphs a document uses. */
export const FONT = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
} as const;

export const A4 = { width: 595.28, height: 841.89 };
export const MARGIN = { top: 40, left: 40, right: 40, bottom: 56 };
export const CONTENT_WIDTH = A4.width - MARGIN.left - MARGIN.right;
export const GREY = '#555555';

export function newDocument(meta: { title: string; subject: string; at: Date }): Doc {
  return new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    // The default font is DejaVu Sans: no standard (WinAnsi-only) font is ever referenced.
    font: FONT.regular,
    lang: 'en',
    displayTitle: true,
    info: {
      Title: meta.title,
      Subject: meta.subject,
      Author: 'Ledgerline',
      Creator: 'Ledgerline',
      Producer: 'Ledgerline',
      CreationDate: meta.at,
    },
  });
}

/** Sets the font (regular or bold), its size and colour. */
export function style(doc: Doc, size: number, opts: { bold?: boolean; color?: string } = {}): Doc {
  return doc
    .font(opts.bold ? FONT.bold : FONT.regular)
    .fontSize(size)
    .fillColor(opts.color ?? 'black');
}

// ---- words and numbers ---------------------------------------------------------------------

/**
 * Exact amount text from minor units, with thousands separators: (123456789n, 2) -> "1,234,567.89".
 * Every decimal of the asset prints (a cent is a cent); assets with more than 9 decimals (ETH,
 * DAI) drop trailing zeros beyond the second, so 1.5 ETH prints "1.50", not 18 digits.
 */
export function formatAmount(minor: bigint, decimals: number): string {
  const neg = minor < 0n;
  const digits = (neg ? -minor : minor).toString().padStart(decimals + 1, '0');
  const int = digits.slice(0, digits.length - decimals).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  let frac = decimals > 0 ? digits.slice(digits.length - decimals) : '';
  if (decimals > 9) frac = frac.replace(/0+$/, '').padEnd(2, '0');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** An account number shown by its last 4 characters only: "acc-7f3a9c21" -> "****9c21". */
export function maskLast4(value: string): string {
  return value.length <= 4 ? '****' : `****${value.slice(-4)}`;
}

/** "INTERNAL_TRANSFER" -> "Internal transfer": a code in words, for codes without a better name. */
export function codeInWords(code: string): string {
  const words = code.toLowerCase().split('_').filter(Boolean).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "2031-06-29" (UTC). */
export const formatDate = (d: Date): string => d.toISOString().slice(0, 10);
/** "2031-06-29 12:00 UTC". */
export const formatDateTime = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
/** "June 2031" (UTC). */
export const formatMonth = (d: Date): string => `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;

const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** Printed lines of an address: street lines, "City, ST 10001", then the country's name. */
export function postalLines(a: PostalAddress | undefined): string[] {
  if (!a) return [];
  const street = [a.unit_number && a.address_line1 ? `${a.unit_number}, ${a.address_line1}` : (a.address_line1 ?? a.unit_number)];
  const place = [a.city, [a.state, a.postal_code].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  let country: string | undefined;
  if (a.country_code) {
    try {
      country = regions.of(a.country_code);
    } catch {
      country = a.country_code;
    }
  }
  return [...street, a.address_line2, a.address_line3, place, country].filter((l): l is string => typeof l === 'string' && l !== '');
}

// ---- blocks ----------------------------------------------------------------------------------

/**
 * The letterhead: the institution (left) and the document's title with its lines (right).
 * Returns the y below it.
 */
export function letterhead(
  doc: Doc,
  institution: Institution,
  title: string,
  lines: { text: string; bold?: boolean; color?: string }[],
): number {
  const top = MARGIN.top;
  const half = CONTENT_WIDTH / 2;
  style(doc, 13, { bold: true }).text(institution.name, MARGIN.left, top, { width: half });
  style(doc, 8.5, { color: GREY });
  for (const line of institution.address) doc.text(line, { width: half });
  const leftEnd = doc.y;
  style(doc, 15, { bold: true }).text(title, MARGIN.left + half, top, { width: half, align: 'right' });
  for (const line of lines) {
    style(doc, 9, { bold: line.bold ?? false, color: line.color ?? 'black' }).text(line.text, MARGIN.left + half, doc.y + 1, {
      width: half,
      align: 'right',
    });
  }
  const y = Math.max(leftEnd, doc.y) + 10;
  doc
    .save()
    .moveTo(MARGIN.left, y)
    .lineTo(A4.width - MARGIN.right, y)
    .lineWidth(0.8)
    .strokeColor('#333333')
    .stroke()
    .restore();
  return y + 14;
}

/** A heading with lines under it, in a box of the given width. Returns the y below it. */
export function party(doc: Doc, x: number, y: number, width: number, heading: string, name: string, lines: string[]): number {
  style(doc, 7.5, { color: GREY }).text(heading.toUpperCase(), x, y, { width, characterSpacing: 0.4 });
  style(doc, 10.5, { bold: true }).text(name, x, doc.y + 2, { width });
  style(doc, 9);
  for (const line of lines) doc.text(line, x, doc.y, { width });
  return doc.y;
}

/**
 * The font size at which a single word (an id, a hash, an address: no spaces to wrap at) fits
 * the width, down to 5 pt: such values are shrunk, never broken or cut. Call with the font set.
 */
function fitted(doc: Doc, text: string, size: number, width: number): number {
  if (/\s/.test(text)) return size;
  const natural = doc.fontSize(size).widthOfString(text);
  return natural <= width ? size : Math.max(5, Math.floor((size * width * 10) / natural) / 10);
}

/**
 * Label/value pairs in two columns from (x, y); values right-aligned when asked (amounts).
 * Returns the y below them.
 */
export function fields(
  doc: Doc,
  x: number,
  y: number,
  widths: { label: number; value: number },
  rows: { label: string; value: string; bold?: boolean }[],
  opts: { size?: number; alignValues?: 'left' | 'right' } = {},
): number {
  const size = opts.size ?? 9;
  let at = y;
  for (const row of rows) {
    style(doc, size, { bold: row.bold ?? false, color: row.bold ? 'black' : GREY });
    const labelHeight = doc.heightOfString(row.label, { width: widths.label - 6 });
    doc.text(row.label, x, at, { width: widths.label - 6 });
    style(doc, size, { bold: row.bold ?? false });
    doc.fontSize(fitted(doc, row.value, size, widths.value));
    const valueHeight = doc.heightOfString(row.value || ' ', { width: widths.value });
    doc.text(row.value, x + widths.label, at, { width: widths.value, align: opts.alignValues ?? 'left' });
    at += Math.max(labelHeight, valueHeight) + 3;
  }
  return at;
}

// ---- tables ----------------------------------------------------------------------------------

export interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
}
export interface Cell {
  text: string;
  size?: number;
  bold?: boolean;
  color?: string;
  colSpan?: number;
  /** Shrink the font (down to 5 pt) rather than wrap a word: amounts stay on one line. */
  fit?: boolean;
}
/** Rows kept together on one page (a transaction and its reference line). */
export type Block = Cell[][];

const PAD = { x: 3, y: 2.5 };
const TABLE_SIZE = 8;

interface Measured {
  cells: { cell: Cell; width: number; size: number; align: 'left' | 'right' }[];
  height: number;
}

function measureRow(doc: Doc, columns: Column[], row: Cell[]): Measured {
  let col = 0;
  const cells = row.map((cell) => {
    const span = cell.colSpan ?? 1;
    const width = columns.slice(col, col + span).reduce((sum, c) => sum + c.width, 0);
    const align = columns[col]?.align ?? 'left';
    col += span;
    let size = cell.size ?? TABLE_SIZE;
    style(doc, size, { bold: cell.bold ?? false });
    if (cell.fit) size = fitted(doc, cell.text, size, width - 2 * PAD.x);
    return { cell, width, size, align };
  });
  const height = Math.max(
    ...cells.map(({ cell, width, size }) => {
      if (!cell.text) return 0;
      style(doc, size, { bold: cell.bold ?? false });
      return doc.heightOfString(cell.text, { width: width - 2 * PAD.x });
    }),
    0,
  );
  return { cells, height: Math.ceil(height + 2 * PAD.y) };
}

/**
 * A table from the current y: pdfkit lays out and draws each page's rows; this paginates by
 * block (a block never splits), repeats the header on every page, and calls `onNewPage` (which
 * draws the continuation page's heading and returns the y to start from) after each break.
 */
export function table(doc: Doc, columns: Column[], blocks: Block[], onNewPage: () => number): void {
  const header: Cell[] = columns.map((c) => ({ text: c.header, bold: true, size: 7.5 }));
  const bottom = A4.height - MARGIN.bottom;
  let pending: { measured: Measured; header: boolean; last: boolean }[] = [];
  let y = doc.y;
  let used = 0;

  const flush = () => {
    if (!pending.length) return;
    doc.table({
      position: { x: MARGIN.left, y },
      maxWidth: CONTENT_WIDTH,
      columnStyles: columns.map((c) => c.width),
      rowStyles: pending.map((r) => ({ height: r.measured.height })),
      data: pending.map(({ measured, header: isHeader, last }) =>
        measured.cells.map(({ cell, size, align }) => ({
          text: cell.text,
          colSpan: cell.colSpan ?? 1,
          font: { src: cell.bold ? FONT.bold : FONT.regular, size },
          textColor: cell.color ?? 'black',
          align: { x: align, y: 'top' as const },
          padding: { top: PAD.y, bottom: PAD.y, left: PAD.x, right: PAD.x },
          border: { top: 0, left: 0, right: 0, bottom: isHeader ? 0.8 : last ? 0.3 : 0 },
          borderColor: isHeader ? '#333333' : '#bbbbbb',
          ...(isHeader && { backgroundColor: '#f2f2f2', type: 'TH' as const }),
        })),
      ),
    });
    y += used;
    used = 0;
    pending = [];
  };
  const startPage = () => {
    const measured = measureRow(doc, columns, header);
    pending.push({ measured, header: true, last: false });
    used += measured.height;
  };

  startPage();
  for (const block of blocks) {
    const rows = block.map((row) => measureRow(doc, columns, row));
    const height = rows.reduce((sum, r) => sum + r.height, 0);
    if (y + used + height > bottom && pending.length > 1) {
      flush();
      doc.addPage();
      y = onNewPage();
      startPage();
    }
    rows.forEach((measured, i) => {
      pending.push({ measured, header: false, last: i === rows.length - 1 });
    });
    used += height;
  }
  flush();
  doc.x = MARGIN.left;
  doc.y = y;
}

// ---- finishing -------------------------------------------------------------------------------

/** Writes the footer of every page ("Page x of y" on the right) and ends the document. */
export async function finish(doc: Doc, footer: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    // The footer sits in the bottom margin: lift the margin while writing it, or pdfkit would
    // start a new page for text below it.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = A4.height - 38;
    doc
      .save()
      .moveTo(MARGIN.left, y - 6)
      .lineTo(A4.width - MARGIN.right, y - 6)
      .lineWidth(0.4)
      .strokeColor('#999999')
      .stroke()
      .restore();
    style(doc, 7, { color: GREY });
    // One line whatever its length: the footer shrinks to fit beside the page number.
    const size = Math.min(7, (7 * (CONTENT_WIDTH - 70)) / doc.widthOfString(footer));
    doc.fontSize(size).text(footer, MARGIN.left, y, { lineBreak: false });
    style(doc, 7.5).text(`Page ${i - start + 1} of ${count}`, MARGIN.left, y, { width: CONTENT_WIDTH, align: 'right', lineBreak: false });
    doc.page.margins.bottom = margin;
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
