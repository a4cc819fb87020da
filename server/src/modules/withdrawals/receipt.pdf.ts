import {
  CONTENT_WIDTH,
  codeInWords,
  fields,
  finish,
  formatAmount,
  formatDateTime,
  GREY,
  type Institution,
  letterhead,
  MARGIN,
  maskLast4,
  newDocument,
  party,
  style,
} from '../../shared/pdf-document.js';

/** Everything a withdrawal receipt prints: plain data, money in minor units. */
export interface ReceiptModel {
  institution: Institution;
  customer: { name: string; address: string[] };
  /** The source account's id: printed masked to its last 4 characters. */
  accountId: string;
  asset: { label: string; currency: string; decimals: number };
  withdrawal: {
    id: string;
    status: string;
    rail: string;
    railReference: string | null;
    purpose: string;
    description: string | null;
    memo: string | null;
    amount: bigint;
    returnReason: string | null;
    requestedAt: Date;
    acceptedAt: Date | null;
    executedAt: Date | null;
    returnedAt: Date | null;
  };
  beneficiary: {
    counterpartyId: string;
    name: string | null;
    /** Already masked by the caller (counterparty account numbers keep their length). */
    accountNumber: string | null;
    institutionName: string | null;
    walletAddress: string | null;
  };
  generatedAt: Date;
}

const RAIL_NAMES: Record<string, string> = {
  ACH: 'ACH',
  FEDWIRE: 'Fedwire',
  SWIFT: 'SWIFT',
  SEPA_CT: 'SEPA credit transfer',
  FPS: 'Faster Payments',
  CHAPS: 'CHAPS',
  IMPS: 'IMPS',
  SPEI: 'SPEI',
  UAEFTS: 'UAEFTS',
  EFT: 'EFT',
  CRYPTO: 'Blockchain transfer',
};
export const railInWords = (rail: string): string => RAIL_NAMES[rail] ?? rail;

const LABEL = 110;

/** The receipt as an A4 PDF: letterhead, customer, account, amount, payment, beneficiary, dates. */
export function renderReceiptPdf(m: ReceiptModel): Promise<Buffer> {
  const w = m.withdrawal;
  const account = maskLast4(m.accountId);
  const amount = `${formatAmount(w.amount, m.asset.decimals)} ${m.asset.currency}`;
  const status = codeInWords(w.status);
  const doc = newDocument({
    title: `Withdrawal receipt ${w.id}`,
    subject: `Withdrawal of ${amount} from account ${account}`,
    at: m.generatedAt,
  });

  let y = letterhead(doc, m.institution, 'Withdrawal receipt', [
    { text: status, bold: true },
    { text: `Reference ${w.id}`, color: GREY },
  ]);

  const half = CONTENT_WIDTH / 2;
  const customerEnd = party(doc, MARGIN.left, y, half - 20, 'Account holder', m.customer.name, m.customer.address);
  style(doc, 7.5, { color: GREY }).text('FROM ACCOUNT', MARGIN.left + half, y, { width: half, characterSpacing: 0.4 });
  const accountEnd = fields(doc, MARGIN.left + half, doc.y + 2, { label: 95, value: half - 95 }, [
    { label: 'Account number', value: account },
    { label: 'Currency', value: m.asset.label },
  ]);
  y = Math.max(customerEnd, accountEnd) + 16;

  y = fields(doc, MARGIN.left, y, { label: LABEL, value: CONTENT_WIDTH - LABEL }, [{ label: 'Amount', value: amount, bold: true }], {
    size: 12,
  });

  const section = (title: string, rows: { label: string; value: string | null }[]) => {
    style(doc, 10.5, { bold: true }).text(title, MARGIN.left, y + 12);
    y = fields(
      doc,
      MARGIN.left,
      doc.y + 4,
      { label: LABEL, value: CONTENT_WIDTH - LABEL },
      rows.filter((r): r is { label: string; value: string } => r.value !== null && r.value !== ''),
    );
  };
  section('Payment', [
    { label: 'Reference', value: w.id },
    { label: 'Status', value: status },
    { label: 'Rail', value: railInWords(w.rail) },
    { label: 'Rail reference', value: w.railReference },
    { label: 'Purpose', value: codeInWords(w.purpose) },
    { label: 'Description', value: w.description },
    { label: 'Memo', value: w.memo },
    { label: 'Return reason', value: w.returnedAt ? w.returnReason : null },
  ]);
  const b = m.beneficiary;
  section('Beneficiary', [
    { label: 'Name', value: b.name },
    { label: 'Account number', value: b.accountNumber },
    { label: 'Institution', value: b.institutionName },
    { label: 'Wallet address', value: b.walletAddress },
    { label: 'Counterparty', value: b.counterpartyId },
  ]);
  const at = (d: Date | null) => (d ? formatDateTime(d) : null);
  section('Dates', [
    { label: 'Requested', value: at(w.requestedAt) },
    { label: 'Authorized', value: at(w.acceptedAt) },
    { label: 'Executed', value: at(w.executedAt) },
    { label: 'Returned', value: at(w.returnedAt) },
  ]);

  const sent = w.executedAt ? ` on ${formatDateTime(w.executedAt)}` : '';
  const confirmation =
    `${m.institution.name} confirms that ${amount} left account ${account}${sent} and was transmitted ` +
    `${w.rail === 'CRYPTO' ? 'on its blockchain' : `on the ${railInWords(w.rail)} rail`} to the beneficiary above.` +
    (w.returnedAt
      ? ` The payment was returned on ${formatDateTime(w.returnedAt)} and ${amount} was credited back to account ${account}.`
      : '');
  style(doc, 9).text(confirmation, MARGIN.left, y + 16, { width: CONTENT_WIDTH });

  return finish(doc, `${m.institution.name} · Withdrawal receipt ${w.id} · Generated ${formatDateTime(m.generatedAt)}`);
}
