export { TRANSFER_STATUSES, type TransferRow, type TransferStatus, transferMachine } from './transfers.machine.js';
export { transfersRoutes } from './transfers.routes.js';
export { TransfersService } from './transfers.service.js';
