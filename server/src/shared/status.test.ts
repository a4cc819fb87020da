import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import {
  assertUpdatable,
  BASE_STATUSES,
  baseOf,
  canTransact,
  checkTransition,
  isL2f,
  isStatus,
  L2F_STATUSES,
  rulesOf,
  STATUSES,
  type Status,
} from './status.js';

const OPERATOR = { operator: true };
const CLIENT = { operator: false };

/** CONTRACT §5, written out independently of the implementation. */
const MAY_BECOME: Record<string, string[]> = {
  ACTIVE: ['EDD', 'DORMANT', 'CLOSED', 'FROZEN'],
  PENDING: ['ACTIVE', 'CLOSED'],
  EDD: ['ACTIVE', 'CLOSED', 'FROZEN'],
  FROZEN: ['ACTIVE', 'CLOSED', 'EDD'],
  DORMANT: ['ACTIVE', 'CLOSED', 'EDD'],
  CLOSED: [],
};
const TRANSACTS = new Set(['ACTIVE', 'EDD', 'DORMANT']);
const base = (s: string) => s.replace(/_L2F$/, '');

/** The outcome of checkTransition: true / false (no change) / an error code. */
function expected(from: Status, to: Status, operator: boolean): boolean | string {
  if (base(from) === 'CLOSED') return 'NOT_UPDATABLE';
  if (from.endsWith('_L2F') && !operator) return 'L2F_STATUS_RESERVED';
  if (from === to) return false;
  if (to.endsWith('_L2F') && !operator) return 'L2F_STATUS_RESERVED';
  if (base(from) === base(to)) return true;
  return MAY_BECOME[base(from)]?.includes(base(to)) ? true : 'INVALID_STATUS_TRANSITION';
}

const updatable = (status: Status, actor: { operator: boolean }) => () => {
  assertUpdatable(status, actor, 'customer');
  return true;
};

function outcome(fn: () => boolean): boolean | string {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    expect(err.entries[0]?.field).toBe('status');
    return err.code;
  }
}

describe('status values', () => {
  it('nine statuses: six base and three _L2F', () => {
    expect([...BASE_STATUSES]).toEqual(['ACTIVE', 'PENDING', 'EDD', 'FROZEN', 'DORMANT', 'CLOSED']);
    expect([...L2F_STATUSES]).toEqual(['PENDING_L2F', 'EDD_L2F', 'FROZEN_L2F']);
    expect(STATUSES).toHaveLength(9);
  });

  it('isStatus, isL2f and baseOf', () => {
    expect(STATUSES.every(isStatus)).toBe(true);
    for (const s of ['OPEN', 'active', 'ACTIVE_L2F', 'CLOSED_L2F', '']) expect(isStatus(s)).toBe(false);
    expect(L2F_STATUSES.every(isL2f)).toBe(true);
    expect(BASE_STATUSES.some(isL2f)).toBe(false);
    expect(L2F_STATUSES.map(baseOf)).toEqual(['PENDING', 'EDD', 'FROZEN']);
    expect(BASE_STATUSES.map(baseOf)).toEqual([...BASE_STATUSES]);
  });

  it('rulesOf follows the table of CONTRACT §5', () => {
    for (const s of BASE_STATUSES) {
      expect(rulesOf(s)).toEqual({
        read: true,
        update: s !== 'CLOSED',
        transact: TRANSACTS.has(s),
        next: MAY_BECOME[s],
      });
    }
  });

  it('canTransact: _L2F follows the base status', () => {
    expect(Object.fromEntries(STATUSES.map((s) => [s, canTransact(s)]))).toEqual({
      ACTIVE: true,
      PENDING: false,
      EDD: true,
      FROZEN: false,
      DORMANT: true,
      CLOSED: false,
      PENDING_L2F: false,
      EDD_L2F: true,
      FROZEN_L2F: false,
    });
  });
});

describe('checkTransition: the full matrix', () => {
  for (const actor of [CLIENT, OPERATOR]) {
    const who = actor.operator ? 'operator' : 'client';
    for (const from of STATUSES) {
      it(`${who}: from ${from} to every status`, () => {
        const got = Object.fromEntries(STATUSES.map((to) => [to, outcome(() => checkTransition(from, to, actor, 'customer'))]));
        const want = Object.fromEntries(STATUSES.map((to) => [to, expected(from, to, actor.operator)]));
        expect(got).toEqual(want);
      });
    }
  }

  it('counts: the client may make 15 moves, the operator 36', () => {
    const count = (operator: boolean) =>
      STATUSES.flatMap((from) => STATUSES.map((to) => outcome(() => checkTransition(from, to, { operator }, 'x')))).filter(
        (o) => o === true,
      ).length;
    expect(count(false)).toBe(15);
    // operator: also every move into an _L2F status whose base is allowed, out of an _L2F as from
    // its base, and between a status and its own _L2F variant.
    expect(count(true)).toBe(36);
  });

  it('spot checks with messages', () => {
    expect(() => checkTransition('PENDING', 'FROZEN', CLIENT, 'customer')).toThrow(
      'The customer cannot move from PENDING to FROZEN. Allowed from PENDING: ACTIVE, CLOSED.',
    );
    expect(() => checkTransition('CLOSED', 'ACTIVE', OPERATOR, 'account')).toThrow('The account is CLOSED and cannot be updated.');
    expect(() => checkTransition('ACTIVE', 'FROZEN_L2F', CLIENT, 'customer')).toThrow('Only the platform operator can set FROZEN_L2F.');
    expect(checkTransition('ACTIVE', 'FROZEN_L2F', OPERATOR, 'customer')).toBe(true);
    expect(checkTransition('FROZEN_L2F', 'FROZEN', OPERATOR, 'customer')).toBe(true);
    expect(checkTransition('PENDING_L2F', 'ACTIVE', OPERATOR, 'customer')).toBe(true);
    expect(outcome(() => checkTransition('PENDING_L2F', 'EDD', OPERATOR, 'customer'))).toBe('INVALID_STATUS_TRANSITION');
    expect(checkTransition('DORMANT', 'DORMANT', CLIENT, 'customer')).toBe(false);
  });

  it('errors carry the catalogue status', () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as AppError).status;
      }
      return undefined;
    };
    expect(err(() => checkTransition('PENDING', 'EDD', CLIENT, 'x'))).toBe(400);
    expect(err(() => checkTransition('CLOSED', 'ACTIVE', CLIENT, 'x'))).toBe(400);
    expect(err(() => checkTransition('EDD_L2F', 'ACTIVE', CLIENT, 'x'))).toBe(403);
  });
});

describe('assertUpdatable', () => {
  it('CLOSED: NOT_UPDATABLE for everyone', () => {
    for (const actor of [CLIENT, OPERATOR]) expect(outcome(updatable('CLOSED', actor))).toBe('NOT_UPDATABLE');
  });

  it('_L2F: the operator only', () => {
    for (const s of L2F_STATUSES) {
      expect(outcome(updatable(s, CLIENT))).toBe('L2F_STATUS_RESERVED');
      expect(() => assertUpdatable(s, OPERATOR, 'customer')).not.toThrow();
    }
    expect(() => assertUpdatable('EDD_L2F', CLIENT, 'account')).toThrow(
      'The account is EDD_L2F: it awaits action by the platform operator and cannot be updated by the client.',
    );
  });

  it('every other base status is updatable by anyone', () => {
    for (const s of BASE_STATUSES.filter((b) => b !== 'CLOSED')) {
      expect(() => assertUpdatable(s, CLIENT, 'customer')).not.toThrow();
      expect(() => assertUpdatable(s, OPERATOR, 'customer')).not.toThrow();
    }
  });
});
