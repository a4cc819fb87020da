export { statementsRoutes } from './statements.routes.js';
export { StatementsService } from './statements.service.js';
