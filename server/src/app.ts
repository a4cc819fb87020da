import type { Writable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config/index.js';
import { type Database, openDatabase } from './db/client.js';
import { migrate, pendingMigrations } from './db/migrate.js';
import { ownTransaction, Scheduler } from './jobs/scheduler.js';
import { WebhookWorker } from './jobs/webhooks.worker.js';
import { AccountsService, accountsRoutes } from './modules/accounts/index.js';
import { AdjustmentsService, adjustmentsRoutes } from './modules/adjustments/index.js';
import {
  ApplicationsService,
  applicationAdminRoutes,
  applicationSimulationRoutes,
  applicationsRoutes,
  encryptStoredApplications,
} from './modules/applications/index.js';
import { CardAuthorizations, CardsService, cardSimulationRoutes, cardsRoutes } from './modules/cards/index.js';
import { CatalogueService, catalogueRoutes } from './modules/catalogue/index.js';
import { ClientsService, clientsRoutes } from './modules/clients/index.js';
import {
  CounterpartiesService,
  CounterpartyLinking,
  counterpartiesRoutes,
  counterpartySimulationRoutes,
  encryptStoredCounterparties,
} from './modules/counterparties/index.js';
import { CustomersService, customersRoutes, encryptStoredCustomers } from './modules/customers/index.js';
import {
  DepositsService,
  depositSimulationRoutes,
  depositsRoutes,
  IncomingFundsService,
  suspenseRoutes,
  virtualAccountIncomingRoutes,
} from './modules/deposits/index.js';
import {
  DocumentsService,
  documentsRoutes,
  encryptStoredDocuments,
  paymentDocuments,
  withdrawalDocuments,
} from './modules/documents/index.js';
import { encryptStoredListenerKeys, eventListenersRoutes } from './modules/event-listeners/index.js';
import { EventsService, eventsRoutes } from './modules/events/index.js';
import { ExchangesService, exchangesRoutes, ratesRoutes, TableRates } from './modules/exchanges/index.js';
import { encryptStoredHistory } from './modules/history/index.js';
import { LedgerService, ledgerVerifyRoutes } from './modules/ledger/index.js';
import { MovementGuard } from './modules/movements/index.js';
import { PaymentsService, paymentsRoutes } from './modules/payments/index.js';
import { PayorsService, payorsRoutes } from './modules/payors/index.js';
import { SettlementsService, settlementsRoutes } from './modules/settlements/index.js';
import { SigningKeysService, signingKeysRoutes } from './modules/signing-keys/index.js';
import { clockSimulationRoutes } from './modules/simulations/index.js';
import { StatementsService, statementsRoutes } from './modules/statements/index.js';
import { accountTransactionsRoutes, bulkTransactionsRoutes, TransactionsService } from './modules/transactions/index.js';
import { TransfersService, transfersRoutes } from './modules/transfers/index.js';
import { closeVirtualAccountsOf, VirtualAccountsService, virtualAccountsRoutes } from './modules/virtual-accounts/index.js';
import { encryptStoredWebhookKeys, WebhookDelivery, WebhooksService, webhookBacklog, webhooksRoutes } from './modules/webhooks/index.js';
import { WithdrawalLifecycle, WithdrawalsService, withdrawalSimulationRoutes, withdrawalsRoutes } from './modules/withdrawals/index.js';
import { oauthRoutes } from './platform/auth/oauth.routes.js';
import { authPlugin } from './platform/auth/plugin.js';
import { TokenService } from './platform/auth/tokens.js';
import { BODY_LIMIT, registerBodyParsers } from './platform/body-parsers.js';
import { consolePlugin } from './platform/console.plugin.js';
import { registerErrorHandling } from './platform/errors.plugin.js';
import { ErrorBody } from './platform/http-schemas.js';
import { clientErrorHandler, frameworkErrors, MAX_PARAM_LENGTH, registerInputGuard } from './platform/input.js';
import { loggerOptions, RequestLogController } from './platform/logging.js';
import { createMetrics, metricsPlugin, poolStats } from './platform/metrics.plugin.js';
import { registerOpenApi } from './platform/openapi.js';
import { registerOpsAccess } from './platform/ops-routes.js';
import { createRateLimiter } from './platform/rate-limit.js';
import { signingPlugin } from './platform/signing.plugin.js';
import { purgeExpiredIdempotencyKeys, registerGroupAnswers, sealStoredResponses, unitOfWorkPlugin } from './platform/unit-of-work.js';
import { resolveMasterKey, Vault } from './platform/vault/index.js';
import { vaultRoutes } from './platform/vault/vault.routes.js';
import { versionsPlugin } from './platform/versions/index.js';
import { type Clock, wallClock } from './shared/clock.js';
import { stringify } from './shared/decimal-json.js';
import { ed25519Backend } from './shared/ed25519.js';
import { newId } from './shared/ids.js';
import { baseOf } from './shared/status.js';
import { createAjv } from './shared/validator.js';

export interface Services {
  accounts: AccountsService;
  deposits: DepositsService;
  exchanges: ExchangesService;
  incoming: IncomingFundsService;
  payors: PayorsService;
  withdrawals: WithdrawalsService;
  applications: ApplicationsService;
  adjustments: AdjustmentsService;
  cards: CardsService;
  cardAuthorizations: CardAuthorizations;
  ledger: LedgerService;
  signingKeys: SigningKeysService;
  statements: StatementsService;
  transactions: TransactionsService;
  transfers: TransfersService;
  catalogue: CatalogueService;
  clients: ClientsService;
  customers: CustomersService;
  documents: DocumentsService;
  events: EventsService;
  tokens: TokenService;
  webhooks: WebhooksService;
}

export interface Ledgerline {
  config: Readonly<Config>;
  database: Database;
  /** Encryption at rest (CONTRACT §17). */
  vault: Vault;
  clock: Clock;
  scheduler: Scheduler;
  /** Webhook delivery (started on ready when config.webhookWorker; tests call runOnce()). */
  webhookWorker: WebhookWorker;
  services: Services;
}

declare module 'fastify' {
  interface FastifyInstance {
    ledgerline: Ledgerline;
  }
}

export interface BuildOptions {
  /** An already open database (tests share one per worker); otherwise opened from config. */
  database?: Database;
  /**
   * Real time, or a test's manual clock. Business time is this plus the tenant's sandbox offset;
   * tokens, signature windows and idempotency TTLs use it as it is.
   */
  clock?: Clock;
  /** Where log lines go (default stdout); tests read them. */
  logStream?: Writable;
}

const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
/** How long a requested transfer can be accepted (Layer2's valid_until). */
const TRANSFER_VALIDITY_SECONDS = 900;

/** Builds the application. Never listens: main.ts does, tests inject. */
export async function buildApp(config: Readonly<Config>, opts: BuildOptions = {}): Promise<FastifyInstance> {
  // Real time (or a test's manual clock); business time adds each tenant's sandbox offset.
  const clock: Clock = opts.clock ?? wallClock();
  const ownsDatabase = !opts.database;
  const database =
    opts.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize }));

  const app = Fastify({
    logger: loggerOptions(config.logLevel, opts.logStream),
    requestIdHeader: false,
    logController: new RequestLogController(),
    genReqId: (req) => {
      const given = req.headers['x-l2f-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : newId('request');
    },
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    frameworkErrors,
    clientErrorHandler,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  }).withTypeProvider<TypeBoxTypeProvider>();

  try {
    await migrate(database);
    // Tokens, signature windows and idempotency keys live in real time: moving the sandbox clock
    // must not expire a developer's token or refuse their signatures. (Tests inject one clock.)
    const realClock = clock;
    const scheduler = new Scheduler(
      database,
      () => clock.now(),
      (name, err) => app.log.error({ err, task: name }, 'scheduled task failed'),
      // Clients whose sandbox clock runs ahead get their own pass, in their own time.
      () => clients.withClockOffsets(),
    );
    const ajv = createAjv(clock);
    app.setValidatorCompiler(({ schema }) => ajv.compile(schema));
    // Response schemas document the API; bodies are serialised by one function that writes
    // amounts as exact decimal numbers (views are explicit objects: nothing internal leaks).
    app.setSerializerCompiler(() => stringify);

    if (ed25519Backend !== 'libsodium') {
      app.log.warn("sodium-native's addon did not load on this platform: signatures are verified by OpenSSL (slower)");
    }
    const masterKey = resolveMasterKey(config);
    if (masterKey.created) app.log.warn(`generated a sandbox master key in ${masterKey.file}: keep it with the data directory`);
    const vault = await Vault.open(database.db, {
      masterKey: masterKey.key,
      previousMasterKeys: config.previousMasterKeys,
      now: () => realClock.now(),
    });
    // Secrets an earlier version stored in clear are encrypted now that the vault is open.
    const encrypted = await encryptStoredWebhookKeys(database.db, vault);
    if (encrypted) app.log.info({ subscriptions: encrypted }, 'encrypted webhook private keys stored in clear');
    const listenerKeys = await encryptStoredListenerKeys(database.db, vault);
    if (listenerKeys) app.log.info({ event_listeners: listenerKeys }, 'encrypted event listener private keys stored in clear');
    const personal = {
      customers: await encryptStoredCustomers(database.db, vault),
      applications: await encryptStoredApplications(database.db, vault),
      counterparties: await encryptStoredCounterparties(database.db, vault),
      history: await encryptStoredHistory(database.db, vault),
      document_files: await encryptStoredDocuments(database.db, vault),
    };
    if (Object.values(personal).some((n) => n > 0)) app.log.info({ rows: personal }, 'encrypted personal identifiers stored in clear');
    const sealedAnswers = await sealStoredResponses(database, vault);
    if (sealedAnswers) app.log.info({ idempotency_keys: sealedAnswers }, 'sealed stored answers holding a secret');
    const clients = new ClientsService(database.db, realClock); // rotation compares with token times
    const tokens = await TokenService.create(database.db, realClock, config.tokenTtlSeconds, config.tokenSigningKey, {
      vault,
      mayGenerate: config.mode === 'sandbox',
    });
    const catalogue = new CatalogueService();
    // Closing an account closes what routes money to it (its virtual accounts), in its transaction.
    const accounts = new AccountsService(ajv, catalogue);
    // What closes with an account, under its lock, in its transaction.
    accounts.onClosed(async (tx, auth, ids, at) => {
      for (const id of ids) await closeVirtualAccountsOf(tx, auth, id, at);
    });
    const virtualAccounts = new VirtualAccountsService(ajv);
    const counterparties = new CounterpartiesService(ajv, { sandbox: config.mode === 'sandbox', box: vault });
    const accountHooks = accounts.customerHooks();
    // Closing a customer closes its (empty) accounts and its counterparties, in one transaction.
    const customers = new CustomersService(
      ajv,
      {
        accountsOf: accountHooks.accountsOf,
        onStatusChange: async (ctx, change) => {
          await accountHooks.onStatusChange?.(ctx, change);
          if (baseOf(change.to) === 'CLOSED') await counterparties.closeForCustomer(ctx.tx, ctx, change.customer.id, ctx.now);
        },
      },
      vault,
    );
    const ledger = new LedgerService();
    const adjustments = new AdjustmentsService(ledger);
    const transactions = new TransactionsService();
    const guard = new MovementGuard();
    const transfers = new TransfersService(TRANSFER_VALIDITY_SECONDS, config.transferBatchSlots);
    const signingKeys = new SigningKeysService(database.db, realClock);
    const statements = new StatementsService();
    const deposits = new DepositsService(ledger, guard, accounts);
    const incoming = new IncomingFundsService(ledger);
    const payors = new PayorsService();
    const withdrawals = new WithdrawalsService(
      ledger,
      guard,
      withdrawalDocuments,
      config.withdrawalRfiThreshold > 0 ? BigInt(config.withdrawalRfiThreshold) : undefined,
    );
    const withdrawalLifecycle = new WithdrawalLifecycle(withdrawals);
    const rates = new TableRates();
    if (config.mode === 'sandbox') await ownTransaction(database, (tx) => rates.seedDefaults(tx, clock.now()));
    const exchanges = new ExchangesService(ledger, guard, rates);
    const settlements = new SettlementsService(transfers, exchanges);
    const applications = new ApplicationsService(ajv, { accounts, customers, sandbox: config.mode === 'sandbox', box: vault });
    const payments = new PaymentsService(deposits, paymentDocuments);
    const documents = new DocumentsService(
      {
        application: applications.documentHooks(),
        withdrawal: withdrawals.documentHooks(),
        payment: payments.documentHooks(),
      },
      vault,
    );
    const counterpartyLinking = new CounterpartyLinking(config.mode === 'sandbox', vault);
    const events = new EventsService();
    const cards = new CardsService(ajv, vault, config.mode);
    const cardAuthorizations = new CardAuthorizations(ledger, vault, config.mode, () => realClock.now());
    // Closing an account (or a customer, which closes its accounts) closes its cards.
    accounts.onClosed((tx, auth, ids, at, reason) => cards.closeForAccounts(tx, auth, ids, at, reason));
    const webhooks = new WebhooksService(config.mode, vault);
    const metrics = createMetrics();
    const webhookWorker = new WebhookWorker(
      new WebhookDelivery(database, clock, {
        mode: config.mode,
        timeoutMs: config.webhookTimeoutMs,
        signingClock: realClock,
        box: vault,
      }),
      { log: app.log, onOutcome: (outcome) => metrics.webhookAttempts.inc({ outcome }) },
    );
    app.decorate('ledgerline', {
      config,
      database,
      vault,
      clock,
      scheduler,
      webhookWorker,
      services: {
        accounts,
        deposits,
        exchanges,
        incoming,
        payors,
        withdrawals,
        adjustments,
        applications,
        cards,
        cardAuthorizations,
        catalogue,
        clients,
        customers,
        documents,
        events,
        ledger,
        signingKeys,
        statements,
        tokens,
        transactions,
        transfers,
        webhooks,
      },
    });

    app.addHook('onSend', async (request, reply, payload) => {
      reply.header('x-l2f-request-id', request.id);
      return payload;
    });
    registerInputGuard(app);
    registerBodyParsers(app);
    registerErrorHandling(app);
    app.addSchema(ErrorBody);
    registerOpsAccess(app, {
      metricsAccess: config.metricsAccess,
      docsAccess: config.docsAccess,
      separatePort: config.opsPort !== undefined,
    });
    await registerOpenApi(app);
    await app.register(metricsPlugin, {
      metrics,
      sources: {
        webhookBacklog: () => webhookBacklog(database.db, realClock.now()),
        scheduler: () => scheduler.stats(),
        pool: () => poolStats(database.db),
      },
    });
    await app.register(authPlugin, {
      tokens,
      clients,
      rateLimiter: createRateLimiter(config.rateLimitPerSecond),
      onRateLimited: () => metrics.rateLimited.inc({ limiter: 'api_client' }),
    });
    await app.register(signingPlugin, { keys: signingKeys, database });
    // Innermost: a grouped request's answer stands in for its handler (group commit).
    registerGroupAnswers(app);
    // Before the unit of work: its views run inside the handler the unit of work wraps.
    await app.register(versionsPlugin);
    await app.register(unitOfWorkPlugin, {
      database,
      baseNow: () => clock.now(),
      realNow: () => realClock.now(),
      ttlDays: config.idempotencyTtlDays,
      box: vault,
      crashAfterCommit: config.crashAfterCommit,
      groupsInFlight: config.groupCommit,
      onGroupCommit: (route, size) => {
        metrics.groupCommits.inc({ route });
        metrics.groupedRequests.inc({ route }, size);
      },
    });

    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      try {
        const pending = await pendingMigrations(database);
        if (pending.length) return reply.code(503).send({ status: 'migrations pending', pending });
        return { status: 'ready' };
      } catch {
        return reply.code(503).send({ status: 'database unreachable' });
      }
    });

    await app.register(oauthRoutes, {
      clients,
      tokens,
      guard: {
        perAddressPerMinute: config.tokenRateLimitPerAddress,
        perClientPerMinute: config.tokenRateLimitPerClient,
        lockoutFailures: config.tokenLockoutFailures,
        lockoutSeconds: config.tokenLockoutSeconds,
        now: () => realClock.now().getTime(),
        onRefused: (limiter) => metrics.rateLimited.inc({ limiter }),
      },
    });
    // The operator console (CONTRACT §15): static files at /console, calling the API above.
    await app.register(consolePlugin);
    const api = async (scope: FastifyInstance) => {
      await scope.register(clientsRoutes, { service: clients });
      await scope.register(vaultRoutes, { vault, database });
      await scope.register(customersRoutes, { service: customers });
      await scope.register(catalogueRoutes, { service: catalogue });
      await scope.register(accountsRoutes, { service: accounts, family: 'deposits' });
      await scope.register(virtualAccountsRoutes, { service: virtualAccounts });
      await scope.register(virtualAccountIncomingRoutes, { incoming });
      await scope.register(applicationsRoutes, { service: applications });
      await scope.register(applicationAdminRoutes, { service: applications });
      await scope.register(documentsRoutes, { service: documents });
      await scope.register(counterpartiesRoutes, { service: counterparties, linking: counterpartyLinking });
      if (config.mode === 'sandbox') await scope.register(counterpartySimulationRoutes, { service: counterparties });
      if (config.mode === 'sandbox') await scope.register(applicationSimulationRoutes, { service: applications });
      await scope.register(accountTransactionsRoutes, { service: transactions, family: 'deposits' });
      await scope.register(bulkTransactionsRoutes, { service: transactions });
      await scope.register(statementsRoutes, { service: statements, family: 'deposits' });
      await scope.register(adjustmentsRoutes, { service: adjustments, ledger });
      await scope.register(ledgerVerifyRoutes);
      await scope.register(transfersRoutes, { service: transfers });
      await scope.register(signingKeysRoutes, { service: signingKeys });
      await scope.register(eventsRoutes, { service: events });
      await scope.register(webhooksRoutes, { service: webhooks });
      await scope.register(eventListenersRoutes, { signingClock: realClock, box: vault });
      await scope.register(accountsRoutes, { service: accounts, family: 'payments' });
      await scope.register(accountTransactionsRoutes, { service: transactions, family: 'payments' });
      await scope.register(statementsRoutes, { service: statements, family: 'payments' });
      await scope.register(payorsRoutes, { service: payors, accounts });
      await scope.register(depositsRoutes, { service: deposits });
      await scope.register(withdrawalsRoutes, { service: withdrawals });
      await scope.register(suspenseRoutes, { incoming });
      await scope.register(exchangesRoutes, { service: exchanges });
      await scope.register(settlementsRoutes, { service: settlements });
      await scope.register(paymentsRoutes, { service: payments });
      await scope.register(ratesRoutes, { rates });
      await scope.register(cardsRoutes, { cards, authorizations: cardAuthorizations });
      if (config.mode === 'sandbox') {
        await scope.register(clockSimulationRoutes, { scheduler });
        await scope.register(depositSimulationRoutes, { service: deposits, incoming });
        await scope.register(withdrawalSimulationRoutes, { lifecycle: withdrawalLifecycle });
        await scope.register(cardSimulationRoutes, { authorizations: cardAuthorizations });
      }
    };
    await app.register(api, { prefix: '/v1' });
    await app.register(api, { prefix: '/api/v1' });

    const purge = setInterval(() => {
      purgeExpiredIdempotencyKeys(database, realClock.now()).catch((err) => app.log.warn({ err }, 'idempotency purge failed'));
      signingKeys.purgeUsed().catch((err) => app.log.warn({ err }, 'signature purge failed'));
    }, 3_600_000);
    purge.unref();
    scheduler.register('transfers', (pass) => transfers.expireDue(pass));
    scheduler.register('withdrawals', (pass) => withdrawalLifecycle.processDue(pass));
    scheduler.register('pull_deposits', (pass) => deposits.settleDue(pass));
    scheduler.register('exchanges', (pass) => exchanges.expireDue(pass));
    scheduler.register('holds', (pass) => ledger.expireDue(pass));
    scheduler.register('dormancy', (pass) => accounts.markDormant(pass, config.dormancyDays));
    scheduler.start(config.schedulerIntervalMs);
    // Outbound webhooks: started once the app is ready; stopped before the database closes.
    if (config.webhookWorker) app.addHook('onReady', async () => webhookWorker.start());
    app.addHook('preClose', async () => webhookWorker.stop());
    app.addHook('onClose', async () => {
      clearInterval(purge);
      await scheduler.stop();
      if (ownsDatabase) await database.close();
    });
    await app.ready();
    return app;
  } catch (err) {
    await app.close().catch(() => {});
    if (ownsDatabase) await database.close().catch(() => {});
    throw err;
  }
}
