import type { Db, Tx } from '../../db/client.js';
import type { WriteContext } from '../../shared/context.js';
import { AppError, type ErrorEntry } from '../../shared/errors.js';
import {
  ASSETS,
  ASSETS_BY_ID,
  type Asset,
  DEFAULT_ASSETS,
  DEFAULT_PRODUCTS,
  PRODUCTS,
  PRODUCTS_BY_ID,
  type Product,
} from './catalogue.data.js';
import { catalogueRepository } from './catalogue.repository.js';

export interface ClientCatalogue {
  products: string[];
  assets: string[];
}

/** Which products and assets each client may open; the operator sets it (CONTRACT §12). */
export class CatalogueService {
  async forClient(db: Db | Tx, clientId: string): Promise<ClientCatalogue> {
    const row = await catalogueRepository.find(db, clientId);
    return row ? { products: row.products, assets: row.assets } : { products: DEFAULT_PRODUCTS, assets: DEFAULT_ASSETS };
  }

  async set(ctx: WriteContext, clientId: string, next: ClientCatalogue): Promise<ClientCatalogue> {
    const errors: ErrorEntry[] = [];
    next.products.forEach((p, i) => {
      if (!PRODUCTS_BY_ID.has(p)) errors.push({ code: 'VALIDATION_ERROR', description: `Unknown product ${p}.`, field: `products.${i}` });
    });
    next.assets.forEach((a, i) => {
      if (!ASSETS_BY_ID.has(a)) errors.push({ code: 'VALIDATION_ERROR', description: `Unknown asset ${a}.`, field: `assets.${i}` });
    });
    if (errors.length) throw AppError.many(errors);
    const value = { products: [...new Set(next.products)], assets: [...new Set(next.assets)] };
    await catalogueRepository.upsert(ctx.tx, clientId, value, ctx.now);
    return value;
  }

  /**
   * The product and asset of an account to open, refused unless both exist and are enabled for
   * the client. `field` prefixes the error fields (e.g. account_to_open).
   */
  async resolve(
    db: Db | Tx,
    clientId: string,
    productId: string,
    assetTypeId: string,
    field: string,
  ): Promise<{ product: Product; asset: Asset }> {
    const enabled = await this.forClient(db, clientId);
    const product = PRODUCTS_BY_ID.get(productId);
    const asset = ASSETS_BY_ID.get(assetTypeId);
    const errors: ErrorEntry[] = [];
    if (!product) errors.push({ code: 'VALIDATION_ERROR', description: `Unknown product ${productId}.`, field: `${field}.product_id` });
    else if (!enabled.products.includes(productId)) {
      errors.push({
        code: 'FORBIDDEN',
        description: `The product ${productId} is not enabled for this client.`,
        field: `${field}.product_id`,
      });
    }
    if (!asset) errors.push({ code: 'VALIDATION_ERROR', description: `Unknown asset ${assetTypeId}.`, field: `${field}.asset_type_id` });
    else if (!enabled.assets.includes(assetTypeId)) {
      errors.push({
        code: 'FORBIDDEN',
        description: `The asset ${assetTypeId} is not enabled for this client.`,
        field: `${field}.asset_type_id`,
      });
    }
    if (errors.length || !product || !asset) throw AppError.many(errors);
    return { product, asset };
  }

  products(): readonly Product[] {
    return PRODUCTS;
  }

  assets(): readonly Asset[] {
    return ASSETS;
  }
}
