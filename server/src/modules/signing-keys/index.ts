export { recordUsesSql } from './signing-keys.repository.js';
export { signingKeysRoutes } from './signing-keys.routes.js';
export { recordSignatureUse, type SignatureUse, SigningKeysService, WINDOW_SECONDS } from './signing-keys.service.js';
