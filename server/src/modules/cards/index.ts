/**
 * Cards (issue 13): cards, their authorizations on the ledger's holds, refunds and the client's
 * real-time authorization webhook. Other modules call closeForAccounts (closing cascades).
 */
export { type AuthorizeInput, CardAuthorizations, type Prepared } from './cards.authorizations.js';
export { cardSimulationRoutes, cardsRoutes } from './cards.routes.js';
export { CardsService, type CardVault } from './cards.service.js';
