export { payorsRoutes } from './payors.routes.js';
export { PayorsService } from './payors.service.js';
