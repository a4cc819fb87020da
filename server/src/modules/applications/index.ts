export { applicationAdminRoutes, applicationSimulationRoutes } from './applications.decision-routes.js';
export { encryptStoredApplications } from './applications.repository.js';
export { applicationsRoutes } from './applications.routes.js';
export { type ApplicationsDeps, ApplicationsService } from './applications.service.js';
