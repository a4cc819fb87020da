import type { CARD_AUTHORIZATION_STATUSES, CARD_STATUSES, cardAuthorizations, cards } from '../../db/schema-cards.js';
import { defineMachine } from '../../shared/machine.js';

export type CardRow = typeof cards.$inferSelect;
export type CardStatus = (typeof CARD_STATUSES)[number];
export type AuthorizationRow = typeof cardAuthorizations.$inferSelect;
export type AuthorizationStatus = (typeof CARD_AUTHORIZATION_STATUSES)[number];

/** The statuses a card ends in for good. */
export const TERMINAL_CARD_STATUSES = ['CLOSED', 'LOST', 'STOLEN'] as const satisfies readonly CardStatus[];

/**
 * The card machine (one table for PATCH, activation, replacement and closing cascades):
 * INACTIVE (a PHYSICAL card until activated) -> ACTIVE; ACTIVE <-> LOCKED (frozen by the client,
 * reversible); any non-terminal status -> CLOSED, LOST or STOLEN (terminal; LOST and STOLEN are
 * what a replacement for that reason leaves the old card in).
 */
export const cardMachine = defineMachine<CardStatus, CardRow>({
  resource: 'card',
  moves: {
    INACTIVE: ['ACTIVE', 'CLOSED', 'LOST', 'STOLEN'],
    ACTIVE: ['LOCKED', 'CLOSED', 'LOST', 'STOLEN'],
    LOCKED: ['ACTIVE', 'CLOSED', 'LOST', 'STOLEN'],
    CLOSED: [],
    LOST: [],
    STOLEN: [],
  },
  status: (c) => c.status,
});

/**
 * The authorization machine: an approved authorization is PENDING (a ledger hold) until it is
 * captured, reversed in full or expires (7 days on the sandbox clock): CLOSED with its reason. A
 * PENDING one past expires_at reads CLOSED (EXPIRED) at once; the holds sweeper releases its hold.
 * DECLINED is recorded and terminal.
 */
export const authorizationMachine = defineMachine<AuthorizationStatus, AuthorizationRow>({
  resource: 'card authorization',
  moves: {
    PENDING: ['CLOSED'],
    CLOSED: [],
    DECLINED: [],
  },
  status: (a) => a.status,
  expiry: { from: ['PENDING'], to: 'CLOSED', deadline: (a) => a.expiresAt },
});
