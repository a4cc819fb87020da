export { settlementsRoutes } from './settlements.routes.js';
export { SettlementsService } from './settlements.service.js';
