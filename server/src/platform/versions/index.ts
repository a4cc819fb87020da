export { LAYER2_OPERATIONS, operationKey } from './operations.js';
export { versionsPlugin } from './plugin.js';
export { API_VERSIONS, type ApiVersion, DEFAULT_API_VERSION, isApiVersion, VERSION_HEADER } from './versions.js';
