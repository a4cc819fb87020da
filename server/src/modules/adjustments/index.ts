export { adjustmentsRoutes } from './adjustments.routes.js';
export { AdjustmentsService } from './adjustments.service.js';
