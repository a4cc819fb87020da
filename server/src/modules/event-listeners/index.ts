export { eventListenersRoutes } from './event-listeners.routes.js';
