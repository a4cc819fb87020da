export { CLOCK_SETTING, clockSimulationRoutes } from './simulations.routes.js';
