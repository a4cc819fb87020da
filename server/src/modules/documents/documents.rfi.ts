import type { Db, Tx } from '../../db/client.js';
import { documentsRepository } from './documents.repository.js';

/**
 * Documents the platform asks of a withdrawal (an RFI, LAYER2_API.md §2.9): an INVOICE (or any
 * supporting document) to upload to a platform-issued id before the withdrawal proceeds.
 */
/** The same for a payment (collection) from someone other than the customer: an INVOICE. */
export const paymentDocuments = {
  request: (tx: Tx, clientId: string, paymentId: string, at: Date): Promise<string> =>
    documentsRepository.requestForPayment(tx, clientId, paymentId, 'INVOICE', at),
  async statusOf(db: Db | Tx, clientId: string, documentId: string) {
    const d = await documentsRepository.find(db, clientId, documentId);
    return d && { id: d.id, document: d.documentType, status: d.status };
  },
};

export const withdrawalDocuments = {
  request: (tx: Tx, clientId: string, withdrawalId: string, at: Date): Promise<string> =>
    documentsRepository.requestForWithdrawal(tx, clientId, withdrawalId, 'INVOICE', at),
  async statusOf(db: Db | Tx, clientId: string, documentId: string) {
    const d = await documentsRepository.find(db, clientId, documentId);
    return d && { id: d.id, document: d.documentType, status: d.status };
  },
};
