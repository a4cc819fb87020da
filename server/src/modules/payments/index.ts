export { paymentsRoutes } from './payments.routes.js';
export { PaymentsService } from './payments.service.js';
