export type { ClientRow } from './clients.repository.js';
export { clientsRoutes } from './clients.routes.js';
export { ClientsService } from './clients.service.js';
