export { type DocumentRow, documentsRepository, type Requirement } from './documents.repository.js';
export { documentsRoutes } from './documents.routes.js';
export { type DocumentOwnerHooks, DocumentsService, documentView } from './documents.service.js';
export { DOCUMENT_TYPES, type DocumentType } from './documents.types.js';
