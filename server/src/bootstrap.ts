import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ownTransaction } from './jobs/scheduler.js';
import type { WriteContext } from './shared/context.js';
import { TENANT_SCOPES } from './shared/scopes.js';

/**
 * First-start set-up (CONTRACT §1): the operator client, and in sandbox mode on an empty database
 * a demo client with the two default customers the seeds promise (one CORPORATION, one
 * INDIVIDUAL, both ACTIVE), each with a default FIAT_TESTNET_USD account. Generated secrets are printed once (and, with the embedded database,
 * written to DATA_DIR/sandbox-credentials.json, readable by the owner only).
 */
export interface BootstrapResult {
  operator: { client_id: string; client_secret?: string };
  demo?: { client_id: string; client_secret: string };
}

/** Processes starting together on one fresh database set up once: the second waits, finds it done. */
const BOOTSTRAP_LOCK = 7_461_201;

export function bootstrap(app: FastifyInstance): Promise<BootstrapResult> {
  return app.ledgerline.database.exclusive(BOOTSTRAP_LOCK, () => setUp(app));
}

async function setUp(app: FastifyInstance): Promise<BootstrapResult> {
  const { config, services, database } = app.ledgerline;
  const op = await services.clients.ensureOperator(
    config.operatorClientId && config.operatorClientSecret
      ? { id: config.operatorClientId, secret: config.operatorClientSecret }
      : undefined,
  );
  const result: BootstrapResult = {
    operator: { client_id: op.id, ...(op.generatedSecret && { client_secret: op.generatedSecret }) },
  };

  if (config.mode === 'sandbox' && config.seedDemo && !(await services.clients.hasTenants())) {
    const operator = await services.clients.find(op.id);
    if (!operator) throw new Error('the operator vanished');
    const demo = await ownTransaction(database, async (tx) => {
      const now = new Date();
      const asOperator: WriteContext = {
        caller: operator,
        tenant: operator,
        tenantId: operator.id,
        operator: true,
        scopes: new Set(operator.scopes),
        now,
        db: tx,
        tx,
      };
      const created = await services.clients.create(asOperator, {
        name: 'Demo fintech (sandbox)',
        regulated: false,
        scopes: [...TENANT_SCOPES],
      });
      const client = await services.clients.get(asOperator, created.client_id);
      // The demo client's own first steps, as if it had made them.
      const ctx: WriteContext = { ...asOperator, caller: client, tenant: client, tenantId: client.id, operator: false };
      const corporation = await services.customers.insert(ctx, {
        id: 'demo-corporation',
        customerType: 'CORPORATION',
        status: 'ACTIVE',
        details: {
          registered_name: 'Acme Widgets Inc.',
          trading_name: 'Acme',
          registered_number: 'C1234567',
          corporate_entity_type: 'C_CORP_PRIVATE',
          country_of_incorporation: 'US',
          state_of_incorporation: 'DE',
          email_address: 'treasury@acme.example',
          telephone_number: '+14155550100',
          registered_address: {
            address_line1: '1 Market St',
            city: 'San Francisco',
            state: 'CA',
            postal_code: '94105',
            country_code: 'US',
          },
        },
      });
      const individual = await services.customers.insert(ctx, {
        id: 'demo-individual',
        customerType: 'INDIVIDUAL',
        status: 'ACTIVE',
        details: {
          first_name: 'Ada',
          last_name: 'Lovelace',
          email_address: 'ada@example.com',
          telephone_number: '+14155550101',
          nationality: 'GB',
          date_of_birth: '1990-12-10',
          mailing_address: { address_line1: '123 Main St', city: 'New York', state: 'NY', postal_code: '10001', country_code: 'US' },
        },
      });
      // Each default customer has a default FIAT_TESTNET_USD account (seeds 000, issue 3).
      for (const customer of [corporation, individual]) {
        await services.accounts.openFor(ctx, customer, {
          customerId: customer.id,
          accountId: `${customer.id}-usd`,
          productId: 'DEPOSIT_BASIC',
          assetTypeId: 'FIAT_TESTNET_USD',
        });
      }
      return created;
    });
    result.demo = { client_id: demo.client_id, client_secret: demo.client_secret };
  }

  if (result.operator.client_secret || result.demo) {
    const lines = ['', '=== Ledgerline sandbox credentials (shown once; secrets are stored hashed) ==='];
    if (result.operator.client_secret) {
      lines.push(`operator  client_id=${result.operator.client_id}  client_secret=${result.operator.client_secret}`);
    }
    if (result.demo) lines.push(`demo      client_id=${result.demo.client_id}  client_secret=${result.demo.client_secret}`);
    if (!config.databaseUrl) {
      const file = join(resolve(config.dataDir), 'sandbox-credentials.json');
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`, { mode: 0o600 });
      lines.push(`(also written to ${file})`);
    }
    lines.push('');
    console.log(lines.join('\n'));
  }
  return result;
}
