export { type DocumentRow, documentsRepository, type Requirement } from './documents.repository.js';
export { paymentDocuments, withdrawalDocuments } from './documents.rfi.js';
export { documentsRoutes } from './documents.routes.js';
export {
  type DocumentOwnerHooks,
  type DocumentOwners,
  DocumentsService,
  documentView,
  encryptStoredDocuments,
} from './documents.service.js';
export { DOCUMENT_TYPES, type DocumentType } from './documents.types.js';
