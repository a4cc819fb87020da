import { bigint, numeric, timestamp } from 'drizzle-orm/pg-core';

/** Column kinds every table uses: timestamps, money in minor units, the pagination order. */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
export const minor = (name: string) => numeric(name, { precision: 38, scale: 0, mode: 'bigint' });
export const seq = () => bigint('seq', { mode: 'bigint' }).generatedAlwaysAsIdentity();
