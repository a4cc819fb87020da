export { eventListenersRoutes } from './event-listeners.routes.js';
export { encryptStoredListenerKeys } from './event-listeners.service.js';
