export type { AccountRow } from './accounts.repository.js';
export { accountsRoutes } from './accounts.routes.js';
export { AccountsService, assertTransactable, type Family, fromWire, type OpenInput, toWire } from './accounts.service.js';
