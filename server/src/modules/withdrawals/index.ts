export { WithdrawalLifecycle } from './withdrawals.lifecycle.js';
export { withdrawalSimulationRoutes, withdrawalsRoutes } from './withdrawals.routes.js';
export { type WithdrawalDocuments, WithdrawalsService } from './withdrawals.service.js';
