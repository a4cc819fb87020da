export { exchangesRoutes, ratesRoutes } from './exchanges.routes.js';
export { DEFAULT_SLIPPAGE, ExchangesService, QUOTE_SECONDS } from './exchanges.service.js';
export { price } from './pricing.js';
export { DEFAULT_RATES, type RateSource, TableRates } from './rates.js';
