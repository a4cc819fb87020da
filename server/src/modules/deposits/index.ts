export { MEMO_LIMITS, railReference } from './deposits.instructions.js';
export { depositSimulationRoutes, depositsRoutes, suspenseRoutes, virtualAccountIncomingRoutes } from './deposits.routes.js';
export { DepositsService, PULL_SETTLE_SECONDS } from './deposits.service.js';
export { IncomingFundsService } from './incoming.service.js';
