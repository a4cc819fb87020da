export { ASSETS, type Asset, assetOf, type Chain, PRODUCTS, type Product, type Rail } from './catalogue.data.js';
export { assetLabel } from './catalogue.names.js';
export { catalogueRoutes } from './catalogue.routes.js';
export { CatalogueService } from './catalogue.service.js';
