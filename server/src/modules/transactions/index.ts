export { accountTransactionsRoutes, bulkTransactionsRoutes, Transaction } from './transactions.routes.js';
export { type TransactionView, TransactionsService, transactionView } from './transactions.service.js';
