export { signingKeysRoutes } from './signing-keys.routes.js';
export { SigningKeysService, WINDOW_SECONDS } from './signing-keys.service.js';
