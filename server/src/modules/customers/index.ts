export { customersRoutes } from './customers.routes.js';
export { type AccountSummary, type CustomerHooks, CustomersService } from './customers.service.js';
