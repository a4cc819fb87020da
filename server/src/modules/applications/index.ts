export { applicationAdminRoutes, applicationSimulationRoutes } from './applications.decision-routes.js';
export { applicationsRoutes } from './applications.routes.js';
export { type ApplicationsDeps, ApplicationsService } from './applications.service.js';
