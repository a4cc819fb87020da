/**
 * Rail 1.1.2 Payments (collections) on Ledgerline's ledger and rails: create, accept (deposit
 * instructions), funds on a rail, EXECUTED; the RFI path (an invoice before accept); refusals.
 */
import { describe, expect, it } from 'vitest';
import { getApp, newTenant, type Tenant } from '../helpers.js';
import { FILES, postRaw } from '../onboarding/_multipart.js';
import { agree, customerWithAccount, expectError, ok, transactions, USD, usCounterparty, verifyLedger } from './_fixtures.js';

const create = (t: Tenant, counterparty: string, account: string, assets = [USD]) =>
  t.api.post('/v1/payments', {
    payment_source: { source_counterparty_id: counterparty, asset_type: assets },
    payment_destination: { destination_account_id: account },
    payment_info: { description: 'Invoice 42' },
  });

describe('payments (collections)', () => {
  it('REQUESTED -> accept (deposit instructions) -> funds arrive by ACH -> EXECUTED, credited on the ledger', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { customerId, accountId } = await customerWithAccount(t, USD);
    const cp = await usCounterparty(t, customerId);
    const p = await ok(create(t, cp, accountId));
    expect(p).toMatchObject({
      status: 'REQUESTED',
      payment_source: { source_counterparty_id: cp, asset_type: [USD], deposit_instructions: {} },
      payment_destination: { destination_account_id: accountId },
      payment_info: { description: 'Invoice 42' },
    });
    expect(p.id).toMatch(/^pay_/);
    const accepted = await ok(t.api.post(`/v1/payments/${p.id}/accept`));
    expect(accepted.status).toBe('ACCEPTED');
    const instructions = accepted.payment_source.deposit_instructions[USD];
    expect(instructions.map((i: { instruction_type: string }) => i.instruction_type)).toEqual(['ACH', 'FEDWIRE']);
    const memo = instructions[0].memo as string;
    expect(memo).toMatch(/^[A-Z0-9]{1,10}$/);
    expectError(await t.api.post(`/v1/payments/${p.id}/accept`), 400, 'INVALID_STATUS_TRANSITION');

    const arrived = await ok(t.api.post('/v1/simulations/deposits', { rail: 'ACH', asset_type_id: USD, amount: '125.50', memo }));
    expect(arrived).toMatchObject({ matched: true, deposit_id: accepted.deposit_id, account_id: accountId });
    const done = await ok(t.api.get(`/v1/payments/${p.id}`));
    expect(done).toMatchObject({ status: 'EXECUTED', received_total: '125.5', deposit_id: accepted.deposit_id });
    expect((await ok(t.api.get(`/v1/payments/${p.id}/status`))).status).toBe('EXECUTED');
    const lines = (await transactions(t.api, accountId)).filter((x) => x.category_id === accepted.deposit_id);
    expect(lines.map((x) => [x.value, x.transaction_type, x.category_type, x.transaction_status])).toEqual([
      ['125.5', 'TRANSFER_IN', 'DEPOSIT', 'POSTED'],
    ]);
    expect(await agree(t, accountId, USD)).toEqual({ current: '125.5', available: '125.5' });
    await verifyLedger(app);
  });

  it('a payer who is not the customer: an invoice first (RFI), then accept', async () => {
    const t = await newTenant(await getApp());
    const { customerId, accountId } = await customerWithAccount(t, USD);
    const friend = await usCounterparty(t, customerId, { relationship: 'FRIEND', name: 'Alan Turing' });
    const p = await create(t, friend, accountId);
    expect(p.status, p.raw).toBe(200);
    // Rail's Payment status enum has no CHANGES_REQUESTED: REQUESTED, the phase in status_detail.
    expect([p.body.data.status, p.body.data.status_detail]).toEqual(['REQUESTED', 'CHANGES_REQUESTED']);
    const s = await ok(t.api.get(`/v1/payments/${p.body.data.id}/status`));
    expect(s.status).toBe('CHANGES_REQUESTED');
    expect(s.document_errors).toHaveLength(1);
    const doc = s.document_errors[0];
    expect(doc).toMatchObject({ document: 'INVOICE', status: 'MISSING', mandatory: true });
    expect(doc.document_id).toBe(doc.id);
    expectError(await t.api.post(`/v1/payments/${p.body.data.id}/accept`), 400, 'INVALID_STATUS_TRANSITION');

    expect((await postRaw(t.api, `/v1/documents/${doc.document_id}`, FILES.pdf, 'application/pdf')).status).toBe(200);
    const after = await ok(t.api.get(`/v1/payments/${p.body.data.id}/status`));
    expect([after.status, after.document_errors, after.documents[0].status]).toEqual(['REQUESTED', [], 'SUBMITTED']);
    expect((await ok(t.api.post(`/v1/payments/${p.body.data.id}/accept`))).status).toBe('ACCEPTED');
    // Once accepted, the invoice can no longer be replaced.
    expectError(await postRaw(t.api, `/v1/documents/${doc.document_id}`, FILES.pdf, 'application/pdf'), 400, 'NOT_UPDATABLE');
  });

  it('refusals: another customer’s counterparty, another asset, unknown ids; another tenant gets 404', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { customerId, accountId } = await customerWithAccount(t, USD);
    const other = await customerWithAccount(t, USD);
    const theirs = await usCounterparty(t, other.customerId);
    expectError(await create(t, theirs, accountId), 400, 'VALIDATION_ERROR', 'payment_source.source_counterparty_id');
    const cp = await usCounterparty(t, customerId);
    expectError(await create(t, cp, accountId, ['ETHEREUM_SEPOLIA_ETH']), 400, 'ASSET_MISMATCH', 'payment_source.asset_type');
    expectError(await create(t, 'cpty_nope', accountId), 404, 'NOT_FOUND', 'payment_source.source_counterparty_id');
    expectError(await create(t, cp, 'acc_nope'), 404, 'NOT_FOUND', 'payment_destination.destination_account_id');
    const p = await ok(create(t, cp, accountId));
    const stranger = await newTenant(app);
    for (const res of [
      await stranger.api.get(`/v1/payments/${p.id}`),
      await stranger.api.get(`/v1/payments/${p.id}/status`),
      await stranger.api.post(`/v1/payments/${p.id}/accept`),
    ]) {
      expectError(res, 404, 'NOT_FOUND');
    }
    const readOnly = await newTenant(app, { tokenScope: 'payments:read' });
    expect((await readOnly.api.post('/v1/payments', {})).status).toBe(403);
  });
});
