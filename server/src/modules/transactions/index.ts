export { accountTransactionsRoutes, bulkTransactionsRoutes, Transaction } from './transactions.routes.js';
export { TransactionsService, type TransactionView, transactionView } from './transactions.service.js';
