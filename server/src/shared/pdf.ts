/**
 * A minimal PDF 1.4 writer: A4 pages of text (Helvetica, Helvetica-Bold, WinAnsi) and rules.
 * Enough for statements and receipts; no dependency. Coordinates are PDF points from the
 * bottom-left corner.
 */
export interface TextOp {
  kind: 'text';
  x: number;
  y: number;
  text: string;
  size?: number;
  bold?: boolean;
  /** Right-align at x. */
  right?: boolean;
}
export interface LineOp {
  kind: 'line';
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}
export type Op = TextOp | LineOp;

export const A4 = { width: 595, height: 842 };

/** Latin-1 only (WinAnsi); other characters become '?'. */
function pdfString(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 63;
    const c = code > 255 ? '?' : ch;
    out += c === '(' || c === ')' || c === '\\' ? `\\${c}` : c;
  }
  return `(${out})`;
}

/** Helvetica widths are not embedded here: right-alignment estimates 0.5 em per glyph (digits are 0.556 em). */
const approxWidth = (text: string, size: number) => text.length * size * 0.556;

function content(ops: Op[]): string {
  const parts: string[] = [];
  for (const op of ops) {
    if (op.kind === 'line') {
      parts.push(`0.6 w ${op.x1} ${op.y1} m ${op.x2} ${op.y2} l S`);
    } else {
      const size = op.size ?? 10;
      const x = op.right ? op.x - approxWidth(op.text, size) : op.x;
      parts.push(`BT /${op.bold ? 'F2' : 'F1'} ${size} Tf ${x.toFixed(2)} ${op.y.toFixed(2)} Td ${pdfString(op.text)} Tj ET`);
    }
  }
  return parts.join('\n');
}

export function renderPdf(pages: Op[][], title: string): Buffer {
  const objects: string[] = [];
  const add = (body: string) => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add(''); // filled below
  const pagesId = add('');
  const font1 = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const font2 = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  const info = add(`<< /Title ${pdfString(title)} /Producer (Ledgerline) >>`);
  const kids: number[] = [];
  for (const ops of pages) {
    const stream = content(ops);
    const contentId = add(`<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`);
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 ${A4.width} ${A4.height}] /Resources << /Font << /F1 ${font1} 0 R /F2 ${font2} 0 R >> >> /Contents ${contentId} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesId} 0 R >>`;
  objects[pagesId - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;

  let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) pdf += `${String(off).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/** Lays out lines of a document onto as many pages as needed. */
export class PdfLayout {
  readonly pages: Op[][] = [[]];
  y = A4.height - 56;
  constructor(private readonly margin = 48) {}
  private get page(): Op[] {
    return this.pages[this.pages.length - 1] as Op[];
  }
  ensure(space: number, onNewPage?: () => void): void {
    if (this.y - space < this.margin) {
      this.pages.push([]);
      this.y = A4.height - 56;
      onNewPage?.();
    }
  }
  text(x: number, text: string, opts: { size?: number; bold?: boolean; right?: boolean } = {}): void {
    this.page.push({ kind: 'text', x, y: this.y, text, ...opts });
  }
  rule(): void {
    this.page.push({ kind: 'line', x1: this.margin, y1: this.y + 4, x2: A4.width - this.margin, y2: this.y + 4 });
  }
  down(points: number): void {
    this.y -= points;
  }
}
