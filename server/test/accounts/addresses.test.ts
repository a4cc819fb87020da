import { keccak_256 } from '@noble/hashes/sha3.js';
import { base58 } from '@scure/base';
import { beforeAll, describe, expect, it } from 'vitest';
import { isBitcoinAddress, isEthereumAddress, isSolanaAddress, toEip55 } from '../../src/shared/addresses.js';
import { getApp, newTenant, type Tenant, uid } from '../helpers.js';
import { adjust, customerWithAccount, DEPOSITS, expectError, getAccount } from './_fixtures.js';

// The worker's app boots (migrations included) in a hook, not inside the first test's time budget.
beforeAll(() => getApp());

async function requestAddress(t: Tenant, accountId: string, headers: Record<string, string> = {}) {
  const res = await t.api.post(`${DEPOSITS}/${accountId}/address`, undefined, headers);
  expect(res.status, res.raw).toBe(200);
  return res.body.data as Record<string, any>;
}

/** The fixed-address lease of DEPOSIT_BASIC (LAYER2_API.md §2.5 AddressLease): no limits, so none are given (never null). */
const lease = (asset: string) => ({
  id: expect.any(String),
  wallet_address: expect.any(String),
  asset_type_id: asset,
  lease_enforced: false,
});

describe('POST /v1/accounts/deposits/{id}/address', () => {
  it.each(['ETHEREUM_SEPOLIA_ETH', 'ETHEREUM_SEPOLIA_USDC', 'ETHEREUM_SEPOLIA_DAI'])(
    '%s: an EIP-55 checksummed 0x address',
    async (asset) => {
      const t = await newTenant(await getApp());
      const { accountId } = await customerWithAccount(t, asset);
      const data = await requestAddress(t, accountId);
      expect(data).toEqual(lease(asset));
      const address = data.wallet_address as string;
      expect(address).toMatch(/^0x[0-9a-fA-F]{40}$/);
      expect(isEthereumAddress(address)).toBe(true);
      expect(toEip55(address.slice(2))).toBe(address);
      // EIP-55: a letter is upper case exactly when its nibble of keccak256(lower-case hex) is >= 8.
      const body = address.slice(2);
      const hash = Buffer.from(keccak_256(new TextEncoder().encode(body.toLowerCase()))).toString('hex');
      const expected = [...body.toLowerCase()].map((ch, i) => (Number.parseInt(hash[i] as string, 16) >= 8 ? ch.toUpperCase() : ch));
      expect(body).toBe(expected.join(''));
    },
  );

  it('BITCOIN_TESTNET_BTC: a tb1q bech32 segwit v0 address', async () => {
    const t = await newTenant(await getApp());
    const { accountId } = await customerWithAccount(t, 'BITCOIN_TESTNET_BTC');
    const data = await requestAddress(t, accountId);
    expect(data).toEqual(lease('BITCOIN_TESTNET_BTC'));
    expect(data.wallet_address).toMatch(/^tb1q[02-9ac-hj-np-z]{38}$/);
    expect(isBitcoinAddress(data.wallet_address, 'TESTNET')).toBe(true);
    expect(isBitcoinAddress(data.wallet_address, 'MAINNET')).toBe(false);
  });

  it('SOLANA_DEVNET_SOL: base58 of a 32-byte key', async () => {
    const t = await newTenant(await getApp());
    const { accountId } = await customerWithAccount(t, 'SOLANA_DEVNET_SOL');
    const data = await requestAddress(t, accountId);
    expect(data).toEqual(lease('SOLANA_DEVNET_SOL'));
    expect(base58.decode(data.wallet_address)).toHaveLength(32);
    expect(isSolanaAddress(data.wallet_address)).toBe(true);
  });

  it('answers the same lease on every call for a DEPOSIT_BASIC account; accounts get distinct addresses', async () => {
    const t = await newTenant(await getApp());
    const { accountId, customerId } = await customerWithAccount(t, 'ETHEREUM_SEPOLIA_ETH');
    const first = await requestAddress(t, accountId);
    const second = await requestAddress(t, accountId);
    expect(second).toEqual(first);
    const replay = await requestAddress(t, accountId, { 'x-l2f-idempotency-id': uid('idem') });
    expect(replay).toEqual(first);
    const other = await t.api.post(DEPOSITS, {
      customer_id: customerId,
      account_to_open: { account_id: 'eth-2', product_id: 'DEPOSIT_BASIC', asset_type_id: 'ETHEREUM_SEPOLIA_ETH' },
    });
    expect(other.status).toBe(200);
    const otherLease = await requestAddress(t, 'eth-2');
    expect(otherLease.wallet_address).not.toBe(first.wallet_address);
    expect(otherLease.id).not.toBe(first.id);
  });

  it('leases are per client: the same account id in two clients has two addresses', async () => {
    const app = await getApp();
    const [a, b] = [await newTenant(app), await newTenant(app)];
    for (const t of [a, b]) {
      const res = await t.api.post(DEPOSITS, {
        customer_id: (await customerWithAccount(t)).customerId,
        account_to_open: { account_id: 'same-eth', product_id: 'DEPOSIT_BASIC', asset_type_id: 'ETHEREUM_SEPOLIA_ETH' },
      });
      expect(res.status, res.raw).toBe(200);
    }
    const la = await requestAddress(a, 'same-eth');
    const lb = await requestAddress(b, 'same-eth');
    expect(lb.wallet_address).not.toBe(la.wallet_address);
    expect([await requestAddress(a, 'same-eth'), await requestAddress(b, 'same-eth')]).toEqual([la, lb]);
  });

  it('a funded account keeps its address', async () => {
    const t = await newTenant(await getApp());
    const { accountId } = await customerWithAccount(t, 'BITCOIN_TESTNET_BTC');
    const first = await requestAddress(t, accountId);
    await adjust(t, accountId, '0.00000001', 'CREDIT_CORRECTION');
    expect((await getAccount(t.api, accountId)).current_balance).toBe(1e-8);
    expect(await requestAddress(t, accountId)).toEqual(first);
  });

  it('refuses a fiat account (ASSET_MISMATCH), a CLOSED account (NOT_TRANSACTABLE) and an unknown one (404)', async () => {
    const t = await newTenant(await getApp());
    const fiat = await customerWithAccount(t, 'FIAT_TESTNET_USD');
    expectError(await t.api.post(`${DEPOSITS}/${fiat.accountId}/address`), 400, 'ASSET_MISMATCH', 'id');
    const eth = await customerWithAccount(t, 'ETHEREUM_SEPOLIA_ETH');
    expect((await t.api.patch(`${DEPOSITS}/${eth.accountId}`, { status: 'CLOSED' })).status).toBe(200);
    expectError(await t.api.post(`${DEPOSITS}/${eth.accountId}/address`), 400, 'NOT_TRANSACTABLE', 'id');
    expectError(await t.api.post(`${DEPOSITS}/nope/address`), 404, 'NOT_FOUND', 'id');
  });

  it('accepts no body, an empty JSON body or {} (CONTRACT §2)', async () => {
    const t = await newTenant(await getApp());
    const { accountId } = await customerWithAccount(t, 'SOLANA_DEVNET_SOL');
    const url = `${DEPOSITS}/${accountId}/address`;
    const a = await t.api.post(url);
    const b = await t.api.post(url, '', { 'content-type': 'application/json' });
    const c = await t.api.post(url, {});
    expect([a.status, b.status, c.status], b.raw).toEqual([200, 200, 200]);
    expect(new Set([a.body.data.wallet_address, b.body.data.wallet_address, c.body.data.wallet_address]).size).toBe(1);
  });
});
