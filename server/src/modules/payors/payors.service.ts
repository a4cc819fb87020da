import { Type } from 'typebox';
import type { Context } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { orderBySchema } from '../../shared/schema-order.js';
import { baseOf, isL2f, type Status } from '../../shared/status.js';
import { ExternalId, findCustomer } from '../customers/index.js';
import { type PayorRow, payorsRepository } from './payors.repository.js';

/** Payor fields (LAYER2_API.md §2.4): who pays a customer's payment account. */
export const PayorFields = {
  first_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  middle_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  last_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  company_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  email_address: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  phone_number: Type.Optional(Type.String({ format: 'e164' })),
  state: Type.String({ pattern: '^[A-Z0-9]{1,3}$', description: 'ISO 3166-2 subdivision code without the country prefix' }),
  country_code: Type.String({ format: 'country-code' }),
};
export const CreatePayorBody = Type.Object({ id: ExternalId, ...PayorFields }, { additionalProperties: false });
const Details = Type.Object(PayorFields);

/**
 * Payors of a customer: ids are the client's own, unique per customer. Individuals need first and
 * last name, corporations a company name (LAYER2_API.md §2.4).
 */
export class PayorsService {
  view(p: PayorRow) {
    return { id: p.id, customer_id: p.customerId, ...orderBySchema(p.details, Details), created_at: p.createdAt.toISOString() };
  }

  async create(ctx: Context, customerId: string, body: { id: string } & Record<string, unknown>) {
    const customer = await findCustomer(ctx.db, ctx.tenantId, customerId);
    if (!customer) throw notFound('Customer', 'customer_id');
    const status = customer.status as Status;
    if (baseOf(status) === 'CLOSED') throw new AppError('NOT_UPDATABLE', 'The customer is CLOSED.', 'customer_id');
    if (isL2f(status) && !ctx.operator) throw new AppError('L2F_STATUS_RESERVED', `The customer is ${status}.`, 'customer_id');
    if (customer.customerType === 'INDIVIDUAL' && (!body.first_name || !body.last_name)) {
      throw AppError.many(
        (['first_name', 'last_name'] as const)
          .filter((f) => !body[f])
          .map((f) => ({
            code: 'VALIDATION_ERROR' as const,
            description: `${f} is required for a payor of an individual customer.`,
            field: f,
          })),
      );
    }
    if (customer.customerType === 'CORPORATION' && !body.company_name) {
      throw new AppError('VALIDATION_ERROR', 'company_name is required for a payor of a corporate customer.', 'company_name');
    }
    const { id, ...details } = body;
    const row = await payorsRepository.insert(ctx.db, { clientId: ctx.tenantId, customerId, id, details, createdAt: ctx.now });
    if (!row) throw new AppError('DUPLICATE_ID', `This customer already has a payor ${id}.`, 'id');
    return this.view(row);
  }

  async get(ctx: Context, customerId: string, id: string) {
    const row = await payorsRepository.find(ctx.db, ctx.tenantId, customerId, id);
    if (!row) throw notFound('Payor', 'payor_id');
    return this.view(row);
  }

  async exists(ctx: Context, customerId: string, id: string): Promise<boolean> {
    return (await payorsRepository.find(ctx.db, ctx.tenantId, customerId, id)) !== undefined;
  }

  async list(ctx: Context, customerId: string, q: RawPageQuery, basePath: string) {
    if (!(await findCustomer(ctx.db, ctx.tenantId, customerId))) throw notFound('Customer', 'customer_id');
    const page = parsePageQuery(q);
    const { rows, total } = await payorsRepository.list(ctx.db, ctx.tenantId, customerId, page);
    const result = buildPage(page, rows, total, basePath, {});
    return { ...result, items: result.items.map((r) => this.view(r)) };
  }
}
