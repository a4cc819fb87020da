export { transfersRoutes } from './transfers.routes.js';
export { TransfersService } from './transfers.service.js';
