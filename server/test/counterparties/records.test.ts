import { beforeAll, describe, expect, it } from 'vitest';
import { ownTransaction } from '../../src/jobs/scheduler.js';
import {
  assertCounterpartyUsable,
  type CounterpartyRecord,
  findCounterparty,
  lockCounterparty,
} from '../../src/modules/counterparties/index.js';
import { AppError } from '../../src/shared/errors.js';
import { STATUSES } from '../../src/shared/status.js';
import { getApp, newTenant } from '../helpers.js';
import { bodyFor, createCounterparty, ETH_ADDRESS, tenantWithCustomer } from './_fixtures.js';

beforeAll(async () => {
  await getApp();
});

describe('index.ts: what other modules use', () => {
  it('findCounterparty answers the record of the client’s counterparty, undefined otherwise', async () => {
    const app = await getApp();
    const [t, other] = [await newTenant(app), await newTenant(app)];
    const c = await tenantWithCustomer(t);
    const eu = await createCounterparty(t.api, bodyFor('FIAT_EU', c));
    const db = app.ledgerline.database.db;
    const record = await findCounterparty(db, t.clientId, eu.id);
    expect(record).toEqual({
      id: eu.id,
      customerId: c,
      counterpartyType: 'FIAT_EU',
      status: 'ACTIVE',
      supportedRails: ['SEPA_CT', 'SWIFT'],
      assetTypeId: 'FIAT_TESTNET_EUR',
      relationshipToCustomer: 'SUPPLIER',
      linked: false,
      walletAddress: null,
      details: expect.objectContaining({ supported_rails: ['SEPA_CT', 'SWIFT'] }),
    });
    expect(record?.details.account_information).toMatchObject({ iban: 'DE89370400440532013000' });
    expect(await findCounterparty(db, other.clientId, eu.id)).toBeUndefined();
    expect(await findCounterparty(db, t.clientId, 'cpty_unknown')).toBeUndefined();

    const crypto = await createCounterparty(t.api, bodyFor('CRYPTO', c));
    expect(await findCounterparty(db, t.clientId, crypto.id)).toMatchObject({
      counterpartyType: 'CRYPTO',
      assetTypeId: 'ETHEREUM_SEPOLIA_ETH',
      walletAddress: ETH_ADDRESS,
      relationshipToCustomer: null,
      supportedRails: ['CRYPTO'],
    });
  });

  it('lockCounterparty reads the same record inside a transaction', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const c = await tenantWithCustomer(t);
    const cp = await createCounterparty(t.api, bodyFor('FIAT_MX', c));
    const db = app.ledgerline.database.db;
    const locked = await ownTransaction(app.ledgerline.database, (tx) => lockCounterparty(tx, t.clientId, cp.id));
    expect(locked).toEqual(await findCounterparty(db, t.clientId, cp.id));
    expect(await ownTransaction(app.ledgerline.database, (tx) => lockCounterparty(tx, 'cli_other', cp.id))).toBeUndefined();
  });

  it.each(STATUSES)('assertCounterpartyUsable on %s follows the base status (CONTRACT §5)', (status) => {
    const record = { id: 'cpty_1', status } as CounterpartyRecord;
    const usable = ['ACTIVE', 'EDD', 'DORMANT', 'EDD_L2F'].includes(status);
    if (usable) {
      expect(() => assertCounterpartyUsable(record)).not.toThrow();
      return;
    }
    try {
      assertCounterpartyUsable(record, 'destination_counterparty_id');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).entries).toEqual([
        {
          code: 'NOT_TRANSACTABLE',
          description: `The counterparty cpty_1 is ${status} and cannot send or receive funds.`,
          field: 'destination_counterparty_id',
        },
      ]);
    }
  });
});
