export { clockSimulationRoutes } from './simulations.routes.js';
