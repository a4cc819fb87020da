import {
  A4,
  type Block,
  CONTENT_WIDTH,
  type Column,
  codeInWords,
  type Doc,
  fields,
  finish,
  formatAmount,
  formatDate,
  formatDateTime,
  formatMonth,
  GREY,
  type Institution,
  letterhead,
  MARGIN,
  maskLast4,
  newDocument,
  party,
  style,
  table,
} from '../../shared/pdf-document.js';

/** Everything a statement prints: plain data, money in minor units. */
export interface StatementModel {
  institution: Institution;
  customer: { name: string; address: string[] };
  /** The account's id: printed masked to its last 4 characters. */
  accountId: string;
  asset: { label: string; currency: string; decimals: number };
  statementId: string;
  /** First and last day of the period (UTC). */
  periodStart: Date;
  periodEnd: Date;
  /** The period is not closed yet (it holds the statement's "now"). */
  interim: boolean;
  generatedAt: Date;
  opening: bigint;
  totalIn: bigint;
  totalOut: bigint;
  closing: bigint;
  lines: StatementLine[];
}

export interface StatementLine {
  date: Date;
  /** The ledger's transaction_type code, printed in words. */
  type: string;
  description: string | null;
  /** The transaction id, printed in full. */
  reference: string;
  amount: bigint;
  balance: bigint | null;
}

const TYPE_NAMES: Record<string, string> = {
  TRANSFER_IN: 'Incoming transfer',
  TRANSFER_OUT: 'Outgoing transfer',
  FIAT_TRANSFER_IN: 'Incoming bank transfer',
  FIAT_TRANSFER_OUT: 'Outgoing bank transfer',
  FIAT_TRANSFER_IN_RETURN: 'Returned deposit',
  FIAT_TRANSFER_OUT_RETURN: 'Returned withdrawal',
  INTERNAL_TRANSFER: 'Internal transfer',
  TRADE: 'Currency exchange',
  FEE: 'Fee',
  CREDIT_CORRECTION: 'Credit correction',
  DEBIT_CORRECTION: 'Debit correction',
};

/** "INTERNAL_TRANSFER" -> "Internal transfer"; unknown codes in words too. */
export const transactionTypeInWords = (code: string): string => TYPE_NAMES[code] ?? codeInWords(code);

const INTERIM = '#b45309';

/** The statement as an A4 PDF: letterhead, customer, account, summary, lines, page numbers. */
export function renderStatementPdf(m: StatementModel): Promise<Buffer> {
  const account = maskLast4(m.accountId);
  const money = (v: bigint) => formatAmount(v, m.asset.decimals);
  const month = formatMonth(m.periodStart);
  const doc = newDocument({ title: `Account statement ${account} ${month}`, subject: `Statement ${m.statementId}`, at: m.generatedAt });

  let y = letterhead(doc, m.institution, 'Account statement', [
    { text: month, bold: true },
    { text: `${formatDate(m.periodStart)} to ${formatDate(m.periodEnd)} (UTC)` },
    { text: `Statement ${m.statementId}`, color: GREY },
    ...(m.interim ? [{ text: 'INTERIM STATEMENT', bold: true, color: INTERIM }] : []),
  ]);

  const half = CONTENT_WIDTH / 2;
  const customerEnd = party(doc, MARGIN.left, y, half - 20, 'Account holder', m.customer.name, m.customer.address);
  style(doc, 7.5, { color: GREY }).text('ACCOUNT', MARGIN.left + half, y, { width: half, characterSpacing: 0.4 });
  const accountEnd = fields(doc, MARGIN.left + half, doc.y + 2, { label: 95, value: half - 95 }, [
    { label: 'Account number', value: account },
    { label: 'Currency', value: m.asset.label },
    { label: m.interim ? 'Balances as at' : 'Statement date', value: m.interim ? formatDateTime(m.generatedAt) : formatDate(m.periodEnd) },
  ]);
  y = Math.max(customerEnd, accountEnd) + 14;

  if (m.interim) {
    const text =
      `Interim statement: ${month} is not closed yet. It shows what was posted up to ${formatDateTime(m.generatedAt)}; ` +
      `lines posted later in the period will appear on the final statement.`;
    style(doc, 8.5, { color: INTERIM });
    const height = doc.heightOfString(text, { width: CONTENT_WIDTH - 16 }) + 10;
    doc.save().rect(MARGIN.left, y, CONTENT_WIDTH, height).fillAndStroke('#fff7ed', '#f59e0b').restore();
    style(doc, 8.5, { color: INTERIM }).text(text, MARGIN.left + 8, y + 5, { width: CONTENT_WIDTH - 16 });
    y += height + 12;
  }

  style(doc, 10.5, { bold: true }).text('Summary', MARGIN.left, y);
  const code = m.asset.currency;
  y = fields(
    doc,
    MARGIN.left,
    doc.y + 4,
    { label: 170, value: 110 },
    [
      { label: `Opening balance on ${formatDate(m.periodStart)}`, value: `${money(m.opening)} ${code}` },
      { label: 'Money in', value: `${money(m.totalIn)} ${code}` },
      { label: 'Money out', value: `${money(-m.totalOut)} ${code}` },
      {
        label: m.interim ? `Balance as at ${formatDate(m.generatedAt)}` : `Closing balance on ${formatDate(m.periodEnd)}`,
        value: `${money(m.closing)} ${code}`,
        bold: true,
      },
    ],
    { alignValues: 'right' },
  );
  y += 14;

  style(doc, 10.5, { bold: true }).text('Transactions', MARGIN.left, y);
  style(doc, 8, { color: GREY }).text(
    `${m.lines.length} ${m.lines.length === 1 ? 'line' : 'lines'}; amounts in ${code}, money out shown with a minus sign.`,
    MARGIN.left,
    doc.y + 1,
  );
  doc.y += 6;

  const columns: Column[] = [
    { header: 'Date', width: 56 },
    { header: 'Type', width: 84 },
    { header: 'Description', width: CONTENT_WIDTH - 56 - 84 - 90 - 90 },
    { header: `Amount (${code})`, width: 90, align: 'right' },
    { header: `Balance (${code})`, width: 90, align: 'right' },
  ];
  // Opening and closing rows: the label spans Type and Description; the figure is a balance.
  const summaryRow = (label: string, date: Date, value: bigint): Block => [
    [{ text: formatDate(date) }, { text: label, bold: true, colSpan: 2 }, { text: '' }, { text: money(value), bold: true, fit: true }],
  ];
  const blocks: Block[] = [
    summaryRow('Opening balance', m.periodStart, m.opening),
    ...m.lines.map(
      (l): Block => [
        [
          { text: formatDate(l.date) },
          { text: transactionTypeInWords(l.type) },
          { text: l.description ?? '' },
          { text: money(l.amount), fit: true },
          { text: l.balance === null ? '' : money(l.balance), fit: true },
        ],
        [{ text: '' }, { text: `Ref. ${l.reference}`, size: 7, color: GREY, colSpan: 2 }, { text: '' }, { text: '' }],
      ],
    ),
    summaryRow(m.interim ? 'Balance so far' : 'Closing balance', m.interim ? m.generatedAt : m.periodEnd, m.closing),
  ];
  if (!m.lines.length) {
    blocks.splice(1, 0, [[{ text: '' }, { text: 'No transactions in this period.', colSpan: 2, color: GREY }, { text: '' }, { text: '' }]]);
  }
  table(doc, columns, blocks, () => continuation(doc, m, account, month));

  return finish(
    doc,
    `${m.institution.name} · Statement ${m.statementId} · Account ${account}${m.interim ? ' · Interim' : ''} · Generated ${formatDateTime(m.generatedAt)}`,
  );
}

/** The heading of pages after the first. Returns the y to continue from. */
function continuation(doc: Doc, m: StatementModel, account: string, month: string): number {
  const y = MARGIN.top;
  style(doc, 9, { bold: true }).text(m.institution.name, MARGIN.left, y, { width: CONTENT_WIDTH / 2 });
  style(doc, 9, { bold: true }).text(`Account statement · ${month}`, MARGIN.left + CONTENT_WIDTH / 2, y, {
    width: CONTENT_WIDTH / 2,
    align: 'right',
  });
  style(doc, 8, { color: m.interim ? INTERIM : GREY }).text(
    `${m.customer.name} · Account ${account}${m.interim ? ' · INTERIM STATEMENT' : ''}`,
    MARGIN.left,
    doc.y + 1,
    { width: CONTENT_WIDTH, align: 'right' },
  );
  const below = doc.y + 6;
  doc
    .save()
    .moveTo(MARGIN.left, below)
    .lineTo(A4.width - MARGIN.right, below)
    .lineWidth(0.4)
    .strokeColor('#999999')
    .stroke()
    .restore();
  return below + 10;
}
