/** The document types of Layer2's DocumentError (LAYER2_API.md §2.1), with what each one is. */
export const DOCUMENT_TYPES = {
  DRIVERS_LICENCE_FRONT: 'Front of a driving licence.',
  DRIVERS_LICENCE_BACK: 'Back of a driving licence.',
  GOVERNMENT_ID_FRONT: 'Front of a government-issued photo ID (passport, national ID card or driving licence).',
  GOVERNMENT_ID_BACK: 'Back of a government-issued photo ID.',
  PASSPORT: 'Photo page of a passport.',
  UTILITY_BILL: 'A utility bill of the last 3 months showing the address (proof of address).',
  FINANCIAL_STATEMENT: 'A recent financial statement.',
  LEASE_AGREEMENT: 'A lease agreement.',
  SOCIAL_SECURITY_CARD: 'A social security card.',
  POWER_OF_ATTORNEY: 'A power of attorney.',
  ANNUAL_REPORT: 'The latest annual report.',
  INCORPORATION_DOCUMENTS: 'Certificate of incorporation or formation, and articles (or equivalent constitutional documents).',
  PARTNERSHIP_AGREEMENT: 'The partnership agreement.',
  LLC_AGREEMENT: 'The LLC (operating) agreement.',
  // Ledgerline addition, for withdrawal RFIs (LAYER2_API.md §2.9: "invoice etc.").
  INVOICE: 'A document supporting the payment: an invoice, a contract or a statement of the obligation.',
} as const;
export type DocumentType = keyof typeof DOCUMENT_TYPES;

/** Uploads: at most 30 MB (LAYER2_API.md §2.2). */
export const MAX_FILE_BYTES = 30 * 1024 * 1024;

export type FileType = 'application/pdf' | 'image/jpeg' | 'image/png';

/** The type of a file, recognised by its first bytes (never by its name or declared type). */
export function sniff(bytes: Buffer): FileType | undefined {
  if (bytes.length >= 5 && bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return undefined;
}

/** A file name safe to store and to send back in Content-Disposition: its base name, printable. */
export function cleanFilename(name: string | undefined, type: FileType): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[^\w.\- ()]/g, '_').slice(-200);
  if (clean && clean !== '.' && clean !== '..') return clean;
  return `document.${type === 'application/pdf' ? 'pdf' : type === 'image/png' ? 'png' : 'jpg'}`;
}
