import type { Core } from './core.js';
import type { PageRequest } from './pagination.js';
import type { StreamedEvent, StreamOptions } from './streams.js';
import type { ListItem, ListParams, QueryParams, RequestBody, RequestOptions, ResponseBody, ResponseData } from './types.js';

type O = RequestOptions;
const p = (v: Record<string, string>) => v;

export class Customers {
  constructor(private readonly core: Core) {}
  create(body: RequestBody<'/v1/customers', 'post'>, o?: O): Promise<ResponseData<'/v1/customers', 'post'>> {
    return this.core.call('post', '/v1/customers', { body }, o);
  }
  retrieve(id: string, o?: O): Promise<ResponseData<'/v1/customers/{id}', 'get'>> {
    return this.core.call('get', '/v1/customers/{id}', { path: p({ id }) }, o);
  }
  /** Layer2's `{updates:[…], updated_by, reason}` or a plain object of fields (CONTRACT §4). */
  update(id: string, body: RequestBody<'/v1/customers/{id}', 'patch'>, o?: O): Promise<ResponseData<'/v1/customers/{id}', 'patch'>> {
    return this.core.call('patch', '/v1/customers/{id}', { path: p({ id }), body }, o);
  }
  list(params?: ListParams<'/v1/customers'>, o?: O): PageRequest<ListItem<'/v1/customers'>> {
    return this.core.list('/v1/customers', undefined, params, o);
  }
  history(id: string, params?: ListParams<'/v1/customers/{id}/history'>, o?: O): PageRequest<ListItem<'/v1/customers/{id}/history'>> {
    return this.core.list('/v1/customers/{id}/history', p({ id }), params, o);
  }
  /** The customer's payors (who may pay into its payment accounts). */
  payors(id: string, params?: ListParams<'/v1/customers/{id}/payors'>, o?: O): PageRequest<ListItem<'/v1/customers/{id}/payors'>> {
    return this.core.list('/v1/customers/{id}/payors', p({ id }), params, o);
  }
  readonly individuals = {
    create: (
      id: string,
      body: RequestBody<'/v1/customers/{id}/individuals', 'post'>,
      o?: O,
    ): Promise<ResponseData<'/v1/customers/{id}/individuals', 'post'>> =>
      this.core.call('post', '/v1/customers/{id}/individuals', { path: p({ id }), body }, o),
    retrieve: (id: string, individualId: string, o?: O): Promise<ResponseData<'/v1/customers/{id}/individuals/{individual_id}', 'get'>> =>
      this.core.call('get', '/v1/customers/{id}/individuals/{individual_id}', { path: p({ id, individual_id: individualId }) }, o),
    update: (
      id: string,
      individualId: string,
      body: RequestBody<'/v1/customers/{id}/individuals/{individual_id}', 'patch'>,
      o?: O,
    ): Promise<ResponseData<'/v1/customers/{id}/individuals/{individual_id}', 'patch'>> =>
      this.core.call('patch', '/v1/customers/{id}/individuals/{individual_id}', { path: p({ id, individual_id: individualId }), body }, o),
    list: (
      id: string,
      params?: ListParams<'/v1/customers/{id}/individuals'>,
      o?: O,
    ): PageRequest<ListItem<'/v1/customers/{id}/individuals'>> => this.core.list('/v1/customers/{id}/individuals', p({ id }), params, o),
    history: (
      id: string,
      individualId: string,
      params?: ListParams<'/v1/customers/{id}/individuals/{individual_id}/history'>,
      o?: O,
    ): PageRequest<ListItem<'/v1/customers/{id}/individuals/{individual_id}/history'>> =>
      this.core.list('/v1/customers/{id}/individuals/{individual_id}/history', p({ id, individual_id: individualId }), params, o),
  };
}

export class Applications {
  constructor(private readonly core: Core) {}
  create(body: RequestBody<'/v1/applications', 'post'>, o?: O): Promise<ResponseData<'/v1/applications', 'post'>> {
    return this.core.call('post', '/v1/applications', { body }, o);
  }
  retrieve(id: string, o?: O): Promise<ResponseData<'/v1/applications/{id}', 'get'>> {
    return this.core.call('get', '/v1/applications/{id}', { path: p({ id }) }, o);
  }
  update(id: string, body: RequestBody<'/v1/applications/{id}', 'patch'>, o?: O): Promise<ResponseData<'/v1/applications/{id}', 'patch'>> {
    return this.core.call('patch', '/v1/applications/{id}', { path: p({ id }), body }, o);
  }
  list(params?: ListParams<'/v1/applications'>, o?: O): PageRequest<ListItem<'/v1/applications'>> {
    return this.core.list('/v1/applications', undefined, params, o);
  }
  submit(id: string, o?: O): Promise<ResponseData<'/v1/applications/{id}/submit', 'post'>> {
    return this.core.call('post', '/v1/applications/{id}/submit', { path: p({ id }) }, o);
  }
  status(id: string, o?: O): Promise<ResponseData<'/v1/applications/{id}/status', 'get'>> {
    return this.core.call('get', '/v1/applications/{id}/status', { path: p({ id }) }, o);
  }
  history(id: string, params?: ListParams<'/v1/applications/{id}/history'>, o?: O): PageRequest<ListItem<'/v1/applications/{id}/history'>> {
    return this.core.list('/v1/applications/{id}/history', p({ id }), params, o);
  }
}

/** Deposit accounts (`/v1/accounts/deposits`). */
export class DepositAccounts {
  constructor(private readonly core: Core) {}
  create(body: RequestBody<'/v1/accounts/deposits', 'post'>, o?: O): Promise<ResponseData<'/v1/accounts/deposits', 'post'>> {
    return this.core.call('post', '/v1/accounts/deposits', { body }, o);
  }
  retrieve(accountId: string, o?: O): Promise<ResponseData<'/v1/accounts/deposits/{account_id}', 'get'>> {
    return this.core.call('get', '/v1/accounts/deposits/{account_id}', { path: p({ account_id: accountId }) }, o);
  }
  update(
    accountId: string,
    body: RequestBody<'/v1/accounts/deposits/{account_id}', 'patch'>,
    o?: O,
  ): Promise<ResponseData<'/v1/accounts/deposits/{account_id}', 'patch'>> {
    return this.core.call('patch', '/v1/accounts/deposits/{account_id}', { path: p({ account_id: accountId }), body }, o);
  }
  list(params?: ListParams<'/v1/accounts/deposits'>, o?: O): PageRequest<ListItem<'/v1/accounts/deposits'>> {
    return this.core.list('/v1/accounts/deposits', undefined, params, o);
  }
  history(
    accountId: string,
    params?: ListParams<'/v1/accounts/deposits/{account_id}/history'>,
    o?: O,
  ): PageRequest<ListItem<'/v1/accounts/deposits/{account_id}/history'>> {
    return this.core.list('/v1/accounts/deposits/{account_id}/history', p({ account_id: accountId }), params, o);
  }
  transactions(
    accountId: string,
    params?: ListParams<'/v1/accounts/deposits/{account_id}/transactions'>,
    o?: O,
  ): PageRequest<ListItem<'/v1/accounts/deposits/{account_id}/transactions'>> {
    return this.core.list('/v1/accounts/deposits/{account_id}/transactions', p({ account_id: accountId }), params, o);
  }
  /** Monthly statements, newest first (`for await` walks every month). */
  statements(
    accountId: string,
    params?: ListParams<'/v1/accounts/deposits/{account_id}/statements'>,
    o?: O,
  ): PageRequest<ListItem<'/v1/accounts/deposits/{account_id}/statements'>> {
    return this.core.list('/v1/accounts/deposits/{account_id}/statements', p({ account_id: accountId }), params, o);
  }
  /** One statement (`stmt_YYYY_MM`) with its lines, as data. */
  statement(
    accountId: string,
    statementId: string,
    o?: O,
  ): Promise<ResponseData<'/v1/accounts/deposits/{account_id}/statements/{statement_id}', 'get'>> {
    return this.core.call(
      'get',
      '/v1/accounts/deposits/{account_id}/statements/{statement_id}',
      { path: p({ account_id: accountId, statement_id: statementId }) },
      o,
    );
  }
  /** One statement as the PDF a person reads (a Blob). */
  statementPdf(accountId: string, statementId: string, o?: O): Promise<Blob> {
    return this.core.file(
      '/v1/accounts/deposits/{account_id}/statements/{statement_id}',
      p({ account_id: accountId, statement_id: statementId }),
      'application/pdf',
      o,
    );
  }
  transaction(
    accountId: string,
    transactionId: string,
    o?: O,
  ): Promise<ResponseData<'/v1/accounts/deposits/{account_id}/transactions/{transaction_id}', 'get'>> {
    return this.core.call(
      'get',
      '/v1/accounts/deposits/{account_id}/transactions/{transaction_id}',
      { path: p({ account_id: accountId, transaction_id: transactionId }) },
      o,
    );
  }
  virtualAccounts(
    accountId: string,
    params?: ListParams<'/v1/accounts/deposits/{account_id}/virtual-accounts'>,
    o?: O,
  ): PageRequest<ListItem<'/v1/accounts/deposits/{account_id}/virtual-accounts'>> {
    return this.core.list('/v1/accounts/deposits/{account_id}/virtual-accounts', p({ account_id: accountId }), params, o);
  }
  createVirtualAccount(
    accountId: string,
    body: RequestBody<'/v1/accounts/deposits/{account_id}/virtual-accounts', 'post'>,
    o?: O,
  ): Promise<ResponseData<'/v1/accounts/deposits/{account_id}/virtual-accounts', 'post'>> {
    return this.core.call('post', '/v1/accounts/deposits/{account_id}/virtual-accounts', { path: p({ account_id: accountId }), body }, o);
  }
  /** A new deposit address or instruction for the account. */
  createAddress(
    accountId: string,
    body?: RequestBody<'/v1/accounts/deposits/{account_id}/address', 'post'>,
    o?: O,
  ): Promise<ResponseData<'/v1/accounts/deposits/{account_id}/address', 'post'>> {
    return this.core.call('post', '/v1/accounts/deposits/{account_id}/address', { path: p({ account_id: accountId }), body }, o);
  }
}

/** Payment accounts (`/v1/accounts/payments`). */
export class PaymentAccounts {
  constructor(private readonly core: Core) {}
  create(body: RequestBody<'/v1/accounts/payments', 'post'>, o?: O): Promise<ResponseData<'/v1/accounts/payments', 'post'>> {
    return this.core.call('post', '/v1/accounts/payments', { body }, o);
  }
  retrieve(accountId: string, o?: O): Promise<ResponseData<'/v1/accounts/payments/{account_id}', 'get'>> {
    return this.core.call('get', '/v1/accounts/payments/{account_id}', { path: p({ account_id: accountId }) }, o);
  }
  update(
    accountId: string,
    body: RequestBody<'/v1/accounts/payments/{account_id}', 'patch'>,
    o?: O,
  ): Promise<ResponseData<'/v1/accounts/payments/{account_id}', 'patch'>> {
    return this.core.call('patch', '/v1/accounts/payments/{account_id}', { path: p({ account_id: accountId }), body }, o);
  }
  list(params?: ListParams<'/v1/accounts/payments'>, o?: O): PageRequest<ListItem<'/v1/accounts/payments'>> {
    return this.core.list('/v1/accounts/payments', undefined, params, o);
  }
  history(
    accountId: string,
    params?: ListParams<'/v1/accounts/payments/{account_id}/history'>,
    o?: O,
  ): PageRequest<ListItem<'/v1/accounts/payments/{account_id}/history'>> {
    return this.core.list('/v1/accounts/payments/{account_id}/history', p({ account_id: accountId }), params, o);
  }
  transactions(
    accountId: string,
    params?: ListParams<'/v1/accounts/payments/{account_id}/transactions'>,
    o?: O,
  ): PageRequest<ListItem<'/v1/accounts/payments/{account_id}/transactions'>> {
    return this.core.list('/v1/accounts/payments/{account_id}/transactions', p({ account_id: accountId }), params, o);
  }
  transaction(
    accountId: string,
    transactionId: string,
    o?: O,
  ): Promise<ResponseData<'/v1/accounts/payments/{account_id}/transactions/{transaction_id}', 'get'>> {
    return this.core.call(
      'get',
      '/v1/accounts/payments/{account_id}/transactions/{transaction_id}',
      { path: p({ account_id: accountId, transaction_id: transactionId }) },
      o,
    );
  }
  /** Monthly statements, newest first (`for await` walks every month). */
  statements(
    accountId: string,
    params?: ListParams<'/v1/accounts/payments/{account_id}/statements'>,
    o?: O,
  ): PageRequest<ListItem<'/v1/accounts/payments/{account_id}/statements'>> {
    return this.core.list('/v1/accounts/payments/{account_id}/statements', p({ account_id: accountId }), params, o);
  }
  statement(
    accountId: string,
    statementId: string,
    o?: O,
  ): Promise<ResponseData<'/v1/accounts/payments/{account_id}/statements/{statement_id}', 'get'>> {
    return this.core.call(
      'get',
      '/v1/accounts/payments/{account_id}/statements/{statement_id}',
      { path: p({ account_id: accountId, statement_id: statementId }) },
      o,
    );
  }
  /** One statement as the PDF a person reads (a Blob). */
  statementPdf(accountId: string, statementId: string, o?: O): Promise<Blob> {
    return this.core.file(
      '/v1/accounts/payments/{account_id}/statements/{statement_id}',
      p({ account_id: accountId, statement_id: statementId }),
      'application/pdf',
      o,
    );
  }
  createAddress(
    accountId: string,
    body?: RequestBody<'/v1/accounts/payments/{account_id}/address', 'post'>,
    o?: O,
  ): Promise<ResponseData<'/v1/accounts/payments/{account_id}/address', 'post'>> {
    return this.core.call('post', '/v1/accounts/payments/{account_id}/address', { path: p({ account_id: accountId }), body }, o);
  }
}

export class Accounts {
  readonly deposits: DepositAccounts;
  readonly payments: PaymentAccounts;
  constructor(core: Core) {
    this.deposits = new DepositAccounts(core);
    this.payments = new PaymentAccounts(core);
  }
}

/** Virtual accounts (`/v1/virtual-accounts`; created under a deposit account). */
export class VirtualAccounts {
  constructor(private readonly core: Core) {}
  retrieve(id: string, o?: O): Promise<ResponseData<'/v1/virtual-accounts/{virtual_account_id}', 'get'>> {
    return this.core.call('get', '/v1/virtual-accounts/{virtual_account_id}', { path: p({ virtual_account_id: id }) }, o);
  }
  update(
    id: string,
    body: RequestBody<'/v1/virtual-accounts/{virtual_account_id}', 'patch'>,
    o?: O,
  ): Promise<ResponseData<'/v1/virtual-accounts/{virtual_account_id}', 'patch'>> {
    return this.core.call('patch', '/v1/virtual-accounts/{virtual_account_id}', { path: p({ virtual_account_id: id }), body }, o);
  }
  history(
    id: string,
    params?: ListParams<'/v1/virtual-accounts/{virtual_account_id}/history'>,
    o?: O,
  ): PageRequest<ListItem<'/v1/virtual-accounts/{virtual_account_id}/history'>> {
    return this.core.list('/v1/virtual-accounts/{virtual_account_id}/history', p({ virtual_account_id: id }), params, o);
  }
  incomingPayments(
    id: string,
    params?: ListParams<'/v1/virtual-accounts/{virtual_account_id}/incoming-payments'>,
    o?: O,
  ): PageRequest<ListItem<'/v1/virtual-accounts/{virtual_account_id}/incoming-payments'>> {
    return this.core.list('/v1/virtual-accounts/{virtual_account_id}/incoming-payments', p({ virtual_account_id: id }), params, o);
  }
}

/** Every posted line of the client's accounts (`/v1/transactions`). */
export class Transactions {
  constructor(private readonly core: Core) {}
  retrieve(transactionId: string, o?: O): Promise<ResponseData<'/v1/transactions/{transaction_id}', 'get'>> {
    return this.core.call('get', '/v1/transactions/{transaction_id}', { path: p({ transaction_id: transactionId }) }, o);
  }
  list(params?: ListParams<'/v1/transactions'>, o?: O): PageRequest<ListItem<'/v1/transactions'>> {
    return this.core.list('/v1/transactions', undefined, params, o);
  }
}

/** Payments (`/v1/payments`): a payment account paying out, accepted like a transfer. */
export class Payments {
  constructor(private readonly core: Core) {}
  create(body: RequestBody<'/v1/payments', 'post'>, o?: O): Promise<ResponseData<'/v1/payments', 'post'>> {
    return this.core.call('post', '/v1/payments', { body }, o);
  }
  retrieve(paymentId: string, o?: O): Promise<ResponseData<'/v1/payments/{payment_id}', 'get'>> {
    return this.core.call('get', '/v1/payments/{payment_id}', { path: p({ payment_id: paymentId }) }, o);
  }
  list(params?: ListParams<'/v1/payments'>, o?: O): PageRequest<ListItem<'/v1/payments'>> {
    return this.core.list('/v1/payments', undefined, params, o);
  }
  accept(paymentId: string, o?: O): Promise<ResponseData<'/v1/payments/{payment_id}/accept', 'post'>> {
    return this.core.call('post', '/v1/payments/{payment_id}/accept', { path: p({ payment_id: paymentId }) }, o);
  }
  status(paymentId: string, o?: O): Promise<ResponseData<'/v1/payments/{payment_id}/status', 'get'>> {
    return this.core.call('get', '/v1/payments/{payment_id}/status', { path: p({ payment_id: paymentId }) }, o);
  }
}

/** Application documents (`/v1/documents`): their status, and the uploaded file. */
export class Documents {
  constructor(private readonly core: Core) {}
  retrieve(documentId: string, o?: O): Promise<ResponseData<'/v1/documents/{document_id}', 'get'>> {
    return this.core.call('get', '/v1/documents/{document_id}', { path: p({ document_id: documentId }) }, o);
  }
  /** The uploaded bytes, unchanged, as a Blob (its `type` is the file's content type). */
  download(documentId: string, o?: O): Promise<Blob> {
    return this.core.file('/v1/documents/{document_id}/download', p({ document_id: documentId }), '*/*', o);
  }
}

export class Transfers {
  constructor(private readonly core: Core) {}
  create(body: RequestBody<'/v1/transfers', 'post'>, o?: O): Promise<ResponseData<'/v1/transfers', 'post'>> {
    return this.core.call('post', '/v1/transfers', { body }, o);
  }
  retrieve(transferId: string, o?: O): Promise<ResponseData<'/v1/transfers/{transfer_id}', 'get'>> {
    return this.core.call('get', '/v1/transfers/{transfer_id}', { path: p({ transfer_id: transferId }) }, o);
  }
  list(params?: ListParams<'/v1/transfers'>, o?: O): PageRequest<ListItem<'/v1/transfers'>> {
    return this.core.list('/v1/transfers', undefined, params, o);
  }
  /** Signed when the client was given a private key (required when the client has signing_required). */
  accept(transferId: string, o?: O): Promise<ResponseData<'/v1/transfers/{transfer_id}/accept', 'post'>> {
    return this.core.call('post', '/v1/transfers/{transfer_id}/accept', { path: p({ transfer_id: transferId }) }, o);
  }
  cancel(transferId: string, o?: O): Promise<ResponseData<'/v1/transfers/{transfer_id}/cancel', 'post'>> {
    return this.core.call('post', '/v1/transfers/{transfer_id}/cancel', { path: p({ transfer_id: transferId }) }, o);
  }
}

export class Withdrawals {
  constructor(private readonly core: Core) {}
  create(body: RequestBody<'/v1/withdrawals', 'post'>, o?: O): Promise<ResponseData<'/v1/withdrawals', 'post'>> {
    return this.core.call('post', '/v1/withdrawals', { body }, o);
  }
  retrieve(withdrawalId: string, o?: O): Promise<ResponseData<'/v1/withdrawals/{withdrawal_id}', 'get'>> {
    return this.core.call('get', '/v1/withdrawals/{withdrawal_id}', { path: p({ withdrawal_id: withdrawalId }) }, o);
  }
  list(params?: ListParams<'/v1/withdrawals'>, o?: O): PageRequest<ListItem<'/v1/withdrawals'>> {
    return this.core.list('/v1/withdrawals', undefined, params, o);
  }
  accept(withdrawalId: string, o?: O): Promise<ResponseData<'/v1/withdrawals/{withdrawal_id}/accept', 'post'>> {
    return this.core.call('post', '/v1/withdrawals/{withdrawal_id}/accept', { path: p({ withdrawal_id: withdrawalId }) }, o);
  }
  cancel(withdrawalId: string, o?: O): Promise<ResponseData<'/v1/withdrawals/{withdrawal_id}/cancel', 'post'>> {
    return this.core.call('post', '/v1/withdrawals/{withdrawal_id}/cancel', { path: p({ withdrawal_id: withdrawalId }) }, o);
  }
  status(withdrawalId: string, o?: O): Promise<ResponseData<'/v1/withdrawals/{withdrawal_id}/status', 'get'>> {
    return this.core.call('get', '/v1/withdrawals/{withdrawal_id}/status', { path: p({ withdrawal_id: withdrawalId }) }, o);
  }
  /** The transmission receipt of an executed withdrawal, as data (`Accept: application/json`). */
  receipt(withdrawalId: string, o?: O): Promise<ResponseData<'/v1/withdrawals/{withdrawal_id}/receipt', 'get'>> {
    return this.core.call('get', '/v1/withdrawals/{withdrawal_id}/receipt', { path: p({ withdrawal_id: withdrawalId }) }, o);
  }
  /** The same receipt as the PDF a person reads (a Blob: `new Uint8Array(await blob.arrayBuffer())` for its bytes). */
  receiptPdf(withdrawalId: string, o?: O): Promise<Blob> {
    return this.core.file('/v1/withdrawals/{withdrawal_id}/receipt', p({ withdrawal_id: withdrawalId }), 'application/pdf', o);
  }
}

export class Deposits {
  constructor(private readonly core: Core) {}
  create(body: RequestBody<'/v1/deposits', 'post'>, o?: O): Promise<ResponseData<'/v1/deposits', 'post'>> {
    return this.core.call('post', '/v1/deposits', { body }, o);
  }
  retrieve(depositId: string, o?: O): Promise<ResponseData<'/v1/deposits/{deposit_id}', 'get'>> {
    return this.core.call('get', '/v1/deposits/{deposit_id}', { path: p({ deposit_id: depositId }) }, o);
  }
  list(params?: ListParams<'/v1/deposits'>, o?: O): PageRequest<ListItem<'/v1/deposits'>> {
    return this.core.list('/v1/deposits', undefined, params, o);
  }
  accept(depositId: string, o?: O): Promise<ResponseData<'/v1/deposits/{deposit_id}/accept', 'post'>> {
    return this.core.call('post', '/v1/deposits/{deposit_id}/accept', { path: p({ deposit_id: depositId }) }, o);
  }
}

export class Exchanges {
  constructor(private readonly core: Core) {}
  /** A quote to accept within its validity (`POST /v1/exchanges/quote`). */
  create(body: RequestBody<'/v1/exchanges/quote', 'post'>, o?: O): Promise<ResponseData<'/v1/exchanges/quote', 'post'>> {
    return this.core.call('post', '/v1/exchanges/quote', { body }, o);
  }
  /** A market exchange (`POST /v1/exchanges/market`). */
  market(body: RequestBody<'/v1/exchanges/market', 'post'>, o?: O): Promise<ResponseData<'/v1/exchanges/market', 'post'>> {
    return this.core.call('post', '/v1/exchanges/market', { body }, o);
  }
  retrieve(exchangeId: string, o?: O): Promise<ResponseData<'/v1/exchanges/{exchange_id}', 'get'>> {
    return this.core.call('get', '/v1/exchanges/{exchange_id}', { path: p({ exchange_id: exchangeId }) }, o);
  }
  list(params?: ListParams<'/v1/exchanges'>, o?: O): PageRequest<ListItem<'/v1/exchanges'>> {
    return this.core.list('/v1/exchanges', undefined, params, o);
  }
  accept(
    exchangeId: string,
    body?: RequestBody<'/v1/exchanges/{exchange_id}/accept', 'post'>,
    o?: O,
  ): Promise<ResponseData<'/v1/exchanges/{exchange_id}/accept', 'post'>> {
    return this.core.call('post', '/v1/exchanges/{exchange_id}/accept', { path: p({ exchange_id: exchangeId }), body }, o);
  }
}

export class Counterparties {
  constructor(private readonly core: Core) {}
  create(body: RequestBody<'/v1/counterparties', 'post'>, o?: O): Promise<ResponseData<'/v1/counterparties', 'post'>> {
    return this.core.call('post', '/v1/counterparties', { body }, o);
  }
  retrieve(id: string, o?: O): Promise<ResponseData<'/v1/counterparties/{id}', 'get'>> {
    return this.core.call('get', '/v1/counterparties/{id}', { path: p({ id }) }, o);
  }
  update(
    id: string,
    body: RequestBody<'/v1/counterparties/{id}', 'patch'>,
    o?: O,
  ): Promise<ResponseData<'/v1/counterparties/{id}', 'patch'>> {
    return this.core.call('patch', '/v1/counterparties/{id}', { path: p({ id }), body }, o);
  }
  list(params?: ListParams<'/v1/counterparties'>, o?: O): PageRequest<ListItem<'/v1/counterparties'>> {
    return this.core.list('/v1/counterparties', undefined, params, o);
  }
  history(
    id: string,
    params?: ListParams<'/v1/counterparties/{id}/history'>,
    o?: O,
  ): PageRequest<ListItem<'/v1/counterparties/{id}/history'>> {
    return this.core.list('/v1/counterparties/{id}/history', p({ id }), params, o);
  }
}

export class Subscriptions {
  constructor(private readonly core: Core) {}
  create(body: RequestBody<'/v1/subscriptions', 'post'>, o?: O): Promise<ResponseData<'/v1/subscriptions', 'post'>> {
    return this.core.call('post', '/v1/subscriptions', { body }, o);
  }
  retrieve(subscriptionId: string, o?: O): Promise<ResponseData<'/v1/subscriptions/{subscription_id}', 'get'>> {
    return this.core.call('get', '/v1/subscriptions/{subscription_id}', { path: p({ subscription_id: subscriptionId }) }, o);
  }
  list(params?: ListParams<'/v1/subscriptions'>, o?: O): PageRequest<ListItem<'/v1/subscriptions'>> {
    return this.core.list('/v1/subscriptions', undefined, params, o);
  }
  delete(subscriptionId: string, o?: O): Promise<ResponseData<'/v1/subscriptions/{subscription_id}', 'delete'>> {
    return this.core.call('delete', '/v1/subscriptions/{subscription_id}', { path: p({ subscription_id: subscriptionId }) }, o);
  }
  deliveries(
    subscriptionId: string,
    params?: ListParams<'/v1/subscriptions/{subscription_id}/deliveries'>,
    o?: O,
  ): PageRequest<ListItem<'/v1/subscriptions/{subscription_id}/deliveries'>> {
    return this.core.list('/v1/subscriptions/{subscription_id}/deliveries', p({ subscription_id: subscriptionId }), params, o);
  }
}

export class Events {
  constructor(private readonly core: Core) {}
  retrieve(eventId: string, o?: O): Promise<ResponseData<'/v1/events/{event_id}', 'get'>> {
    return this.core.call('get', '/v1/events/{event_id}', { path: p({ event_id: eventId }) }, o);
  }
  list(params?: ListParams<'/v1/events'>, o?: O): PageRequest<ListItem<'/v1/events'>> {
    return this.core.list('/v1/events', undefined, params, o);
  }
  deliveries(
    eventId: string,
    params?: ListParams<'/v1/events/{event_id}/deliveries'>,
    o?: O,
  ): PageRequest<ListItem<'/v1/events/{event_id}/deliveries'>> {
    return this.core.list('/v1/events/{event_id}/deliveries', p({ event_id: eventId }), params, o);
  }
  redeliver(eventId: string, o?: O): Promise<ResponseData<'/v1/events/{event_id}/redeliver', 'post'>> {
    return this.core.call('post', '/v1/events/{event_id}/redeliver', { path: p({ event_id: eventId }) }, o);
  }
}

export class SigningKeys {
  constructor(private readonly core: Core) {}
  /** Registers a public key (32-byte hex, DER SPKI hex or PEM); see `publicKeyHex()`. */
  create(body: RequestBody<'/v1/signing-keys', 'post'>, o?: O): Promise<ResponseData<'/v1/signing-keys', 'post'>> {
    return this.core.call('post', '/v1/signing-keys', { body }, o);
  }
  list(o?: O): PageRequest<ListItem<'/v1/signing-keys'>> {
    return this.core.list('/v1/signing-keys', undefined, undefined, o);
  }
  delete(id: string, o?: O): Promise<ResponseData<'/v1/signing-keys/{id}', 'delete'>> {
    return this.core.call('delete', '/v1/signing-keys/{id}', { path: p({ id }) }, o);
  }
}

/** Sandbox simulations (CONTRACT §10; sandbox mode only). */
/** Cards (`/v1/cards`): issue, update, activate, replace, reveal (scope cards:sensitive), authorizations. */
export class Cards {
  constructor(private readonly core: Core) {}
  create(body: RequestBody<'/v1/cards', 'post'>, o?: O): Promise<ResponseData<'/v1/cards', 'post'>> {
    return this.core.call('post', '/v1/cards', { body }, o);
  }
  retrieve(id: string, o?: O): Promise<ResponseData<'/v1/cards/{id}', 'get'>> {
    return this.core.call('get', '/v1/cards/{id}', { path: p({ id }) }, o);
  }
  /** Either PATCH form: `{status: "LOCKED"}`, `{spending_controls: {...}}`, or `{updates: [...]}`. */
  update(id: string, body: RequestBody<'/v1/cards/{id}', 'patch'>, o?: O): Promise<ResponseData<'/v1/cards/{id}', 'patch'>> {
    return this.core.call('patch', '/v1/cards/{id}', { path: p({ id }), body }, o);
  }
  list(params?: ListParams<'/v1/cards'>, o?: O): PageRequest<ListItem<'/v1/cards'>> {
    return this.core.list('/v1/cards', undefined, params, o);
  }
  history(id: string, params?: ListParams<'/v1/cards/{id}/history'>, o?: O): PageRequest<ListItem<'/v1/cards/{id}/history'>> {
    return this.core.list('/v1/cards/{id}/history', p({ id }), params, o);
  }
  activate(
    id: string,
    body: RequestBody<'/v1/cards/{id}/activate', 'post'>,
    o?: O,
  ): Promise<ResponseData<'/v1/cards/{id}/activate', 'post'>> {
    return this.core.call('post', '/v1/cards/{id}/activate', { path: p({ id }), body }, o);
  }
  replace(id: string, body: RequestBody<'/v1/cards/{id}/replace', 'post'>, o?: O): Promise<ResponseData<'/v1/cards/{id}/replace', 'post'>> {
    return this.core.call('post', '/v1/cards/{id}/replace', { path: p({ id }), body }, o);
  }
  /** The full number and CVV (scope cards:sensitive); every call is recorded as CARD_SENSITIVE_VIEWED. */
  sensitive(id: string, o?: O): Promise<ResponseData<'/v1/cards/{id}/sensitive', 'get'>> {
    return this.core.call('get', '/v1/cards/{id}/sensitive', { path: p({ id }) }, o);
  }
  authorizations(
    id: string,
    params?: ListParams<'/v1/cards/{id}/authorizations'>,
    o?: O,
  ): PageRequest<ListItem<'/v1/cards/{id}/authorizations'>> {
    return this.core.list('/v1/cards/{id}/authorizations', p({ id }), params, o);
  }
  retrieveAuthorization(id: string, o?: O): Promise<ResponseData<'/v1/card-authorizations/{id}', 'get'>> {
    return this.core.call('get', '/v1/card-authorizations/{id}', { path: p({ id }) }, o);
  }
  readonly authorizationWebhook = {
    /** Real-time decisions: Ledgerline POSTs each authorization there and waits up to 2 s for `{approved}`. */
    set: (
      body: RequestBody<'/v1/cards/authorization-webhook', 'put'>,
      o?: O,
    ): Promise<ResponseData<'/v1/cards/authorization-webhook', 'put'>> =>
      this.core.call('put', '/v1/cards/authorization-webhook', { body }, o),
    remove: (o?: O): Promise<ResponseData<'/v1/cards/authorization-webhook', 'delete'>> =>
      this.core.call('delete', '/v1/cards/authorization-webhook', {}, o),
  };
}

export class Simulations {
  constructor(private readonly core: Core) {}
  readonly deposits = {
    /** Funds arrive on a rail and are matched by memo or address. */
    create: (body: RequestBody<'/v1/simulations/deposits', 'post'>, o?: O): Promise<ResponseData<'/v1/simulations/deposits', 'post'>> =>
      this.core.call('post', '/v1/simulations/deposits', { body }, o),
    return: (
      depositId: string,
      body?: RequestBody<'/v1/simulations/deposits/{deposit_id}/return', 'post'>,
      o?: O,
    ): Promise<ResponseData<'/v1/simulations/deposits/{deposit_id}/return', 'post'>> =>
      this.core.call('post', '/v1/simulations/deposits/{deposit_id}/return', { path: p({ deposit_id: depositId }), body }, o),
  };
  readonly clock = {
    /** Moves this client's sandbox clock forward. */
    advance: (body: RequestBody<'/v1/simulations/clock', 'post'>, o?: O): Promise<ResponseData<'/v1/simulations/clock', 'post'>> =>
      this.core.call('post', '/v1/simulations/clock', { body }, o),
  };
  readonly applications = {
    decide: (
      id: string,
      body: RequestBody<'/v1/simulations/applications/{id}/decision', 'post'>,
      o?: O,
    ): Promise<ResponseData<'/v1/simulations/applications/{id}/decision', 'post'>> =>
      this.core.call('post', '/v1/simulations/applications/{id}/decision', { path: p({ id }), body }, o),
  };
  readonly counterparties = {
    screen: (
      id: string,
      body: RequestBody<'/v1/simulations/counterparties/{id}/screening', 'post'>,
      o?: O,
    ): Promise<ResponseData<'/v1/simulations/counterparties/{id}/screening', 'post'>> =>
      this.core.call('post', '/v1/simulations/counterparties/{id}/screening', { path: p({ id }), body }, o),
  };
  readonly cards = {
    /** A merchant's authorization (200 with status DECLINED when declined). */
    authorize: (
      cardId: string,
      body: RequestBody<'/v1/simulations/cards/{id}/authorizations', 'post'>,
      o?: O,
    ): Promise<ResponseData<'/v1/simulations/cards/{id}/authorizations', 'post'>> =>
      this.core.call('post', '/v1/simulations/cards/{id}/authorizations', { path: p({ id: cardId }), body }, o),
    refund: (
      cardId: string,
      body: RequestBody<'/v1/simulations/cards/{id}/refunds', 'post'>,
      o?: O,
    ): Promise<ResponseData<'/v1/simulations/cards/{id}/refunds', 'post'>> =>
      this.core.call('post', '/v1/simulations/cards/{id}/refunds', { path: p({ id: cardId }), body }, o),
    increment: (
      authorizationId: string,
      body: RequestBody<'/v1/simulations/card-authorizations/{id}/increment', 'post'>,
      o?: O,
    ): Promise<ResponseData<'/v1/simulations/card-authorizations/{id}/increment', 'post'>> =>
      this.core.call('post', '/v1/simulations/card-authorizations/{id}/increment', { path: p({ id: authorizationId }), body }, o),
    reverse: (
      authorizationId: string,
      body?: RequestBody<'/v1/simulations/card-authorizations/{id}/reverse', 'post'>,
      o?: O,
    ): Promise<ResponseData<'/v1/simulations/card-authorizations/{id}/reverse', 'post'>> =>
      this.core.call('post', '/v1/simulations/card-authorizations/{id}/reverse', { path: p({ id: authorizationId }), body }, o),
    capture: (
      authorizationId: string,
      body?: RequestBody<'/v1/simulations/card-authorizations/{id}/capture', 'post'>,
      o?: O,
    ): Promise<ResponseData<'/v1/simulations/card-authorizations/{id}/capture', 'post'>> =>
      this.core.call('post', '/v1/simulations/card-authorizations/{id}/capture', { path: p({ id: authorizationId }), body }, o),
  };
  readonly withdrawals = {
    settle: (withdrawalId: string, body?: WithdrawalSimBody, o?: O): WithdrawalSimResult =>
      this.withdrawal(withdrawalId, 'settle', body, o),
    fail: (withdrawalId: string, body?: WithdrawalSimBody, o?: O): WithdrawalSimResult => this.withdrawal(withdrawalId, 'fail', body, o),
    return: (withdrawalId: string, body?: WithdrawalSimBody, o?: O): WithdrawalSimResult =>
      this.withdrawal(withdrawalId, 'return', body, o),
  };
  private withdrawal(
    withdrawalId: string,
    action: 'settle' | 'fail' | 'return',
    body?: WithdrawalSimBody,
    o?: O,
  ): Promise<ResponseData<'/v1/simulations/withdrawals/{withdrawal_id}/{action}', 'post'>> {
    return this.core.call(
      'post',
      '/v1/simulations/withdrawals/{withdrawal_id}/{action}',
      { path: p({ withdrawal_id: withdrawalId, action }), body },
      o,
    );
  }
}
type WithdrawalSimBody = RequestBody<'/v1/simulations/withdrawals/{withdrawal_id}/{action}', 'post'>;
type WithdrawalSimResult = Promise<ResponseData<'/v1/simulations/withdrawals/{withdrawal_id}/{action}', 'post'>>;

/** Operator routes (admin scope; CONTRACT §12). */
export class Admin {
  constructor(private readonly core: Core) {}
  readonly clients = {
    create: (body: RequestBody<'/v1/admin/clients', 'post'>, o?: O): Promise<ResponseData<'/v1/admin/clients', 'post'>> =>
      this.core.call('post', '/v1/admin/clients', { body }, o),
    retrieve: (clientId: string, o?: O): Promise<ResponseData<'/v1/admin/clients/{client_id}', 'get'>> =>
      this.core.call('get', '/v1/admin/clients/{client_id}', { path: p({ client_id: clientId }) }, o),
    update: (
      clientId: string,
      body: RequestBody<'/v1/admin/clients/{client_id}', 'patch'>,
      o?: O,
    ): Promise<ResponseData<'/v1/admin/clients/{client_id}', 'patch'>> =>
      this.core.call('patch', '/v1/admin/clients/{client_id}', { path: p({ client_id: clientId }), body }, o),
    list: (o?: O): PageRequest<ListItem<'/v1/admin/clients'>> => this.core.list('/v1/admin/clients', undefined, undefined, o),
    rotateSecret: (clientId: string, o?: O): Promise<ResponseData<'/v1/admin/clients/{client_id}/rotate-secret', 'post'>> =>
      this.core.call('post', '/v1/admin/clients/{client_id}/rotate-secret', { path: p({ client_id: clientId }) }, o),
    catalogue: (clientId: string, o?: O): Promise<ResponseData<'/v1/admin/clients/{client_id}/catalogue', 'get'>> =>
      this.core.call('get', '/v1/admin/clients/{client_id}/catalogue', { path: p({ client_id: clientId }) }, o),
    setCatalogue: (
      clientId: string,
      body: RequestBody<'/v1/admin/clients/{client_id}/catalogue', 'put'>,
      o?: O,
    ): Promise<ResponseData<'/v1/admin/clients/{client_id}/catalogue', 'put'>> =>
      this.core.call('put', '/v1/admin/clients/{client_id}/catalogue', { path: p({ client_id: clientId }), body }, o),
  };
  readonly adjustments = {
    /** Needs `actingFor` (the client whose account it is). */
    create: (body: RequestBody<'/v1/admin/adjustments', 'post'>, o?: O): Promise<ResponseData<'/v1/admin/adjustments', 'post'>> =>
      this.core.call('post', '/v1/admin/adjustments', { body }, o),
  };
  readonly ledger = {
    /** The whole invariant check in one call. */
    verify: (o?: O): Promise<ResponseData<'/v1/admin/ledger/verify', 'get'>> => this.core.call('get', '/v1/admin/ledger/verify', {}, o),
    /** One page of customer accounts checked (follow `pagination.next_cursor`): for progress on a large ledger. */
    verifyAccounts: (
      params?: QueryParams<'/v1/admin/ledger/verify/accounts', 'get'>,
      o?: O,
    ): Promise<ResponseBody<'/v1/admin/ledger/verify/accounts', 'get'>> =>
      this.core.raw('get', '/v1/admin/ledger/verify/accounts', { query: params }, o) as Promise<
        ResponseBody<'/v1/admin/ledger/verify/accounts', 'get'>
      >,
    /** Every asset sums to zero (with verifyAccounts, the same check as verify). */
    verifyAssets: (o?: O): Promise<ResponseData<'/v1/admin/ledger/verify/assets', 'get'>> =>
      this.core.call('get', '/v1/admin/ledger/verify/assets', {}, o),
  };
  readonly applications = {
    decide: (
      id: string,
      body: RequestBody<'/v1/admin/applications/{id}/decision', 'post'>,
      o?: O,
    ): Promise<ResponseData<'/v1/admin/applications/{id}/decision', 'post'>> =>
      this.core.call('post', '/v1/admin/applications/{id}/decision', { path: p({ id }), body }, o),
  };
  readonly documents = {
    review: (
      id: string,
      body: RequestBody<'/v1/admin/documents/{id}/review', 'post'>,
      o?: O,
    ): Promise<ResponseData<'/v1/admin/documents/{id}/review', 'post'>> =>
      this.core.call('post', '/v1/admin/documents/{id}/review', { path: p({ id }), body }, o),
  };
  readonly suspense = {
    list: (o?: O): PageRequest<ListItem<'/v1/admin/suspense'>> => this.core.list('/v1/admin/suspense', undefined, undefined, o),
    assign: (
      id: string,
      body: RequestBody<'/v1/admin/suspense/{id}/assign', 'post'>,
      o?: O,
    ): Promise<ResponseData<'/v1/admin/suspense/{id}/assign', 'post'>> =>
      this.core.call('post', '/v1/admin/suspense/{id}/assign', { path: p({ id }), body }, o),
  };
  readonly rates = {
    retrieve: (o?: O): Promise<ResponseData<'/v1/admin/rates', 'get'>> => this.core.call('get', '/v1/admin/rates', {}, o),
    update: (body: RequestBody<'/v1/admin/rates', 'put'>, o?: O): Promise<ResponseData<'/v1/admin/rates', 'put'>> =>
      this.core.call('put', '/v1/admin/rates', { body }, o),
  };
}

/** Event listeners (`ledgerline listen`): a client's new events as a signed stream. */
export class EventListeners {
  constructor(
    private readonly core: Core,
    private readonly streamer: (listenerId: string, options?: StreamOptions) => AsyncGenerator<StreamedEvent>,
  ) {}
  /** A listener with its own key pair: `signature_verification_key` verifies every streamed event. */
  create(body?: RequestBody<'/v1/event-listeners', 'post'>, o?: O): Promise<ResponseData<'/v1/event-listeners', 'post'>> {
    return this.core.call('post', '/v1/event-listeners', { body }, o);
  }
  delete(id: string, o?: O): Promise<ResponseData<'/v1/event-listeners/{id}', 'delete'>> {
    return this.core.call('delete', '/v1/event-listeners/{id}', { path: p({ id }) }, o);
  }
  /** The listener's events as they happen (`for await`), until `signal` aborts; reconnects after the last one received. */
  stream(id: string, options?: StreamOptions): AsyncGenerator<StreamedEvent> {
    return this.streamer(id, options);
  }
}
