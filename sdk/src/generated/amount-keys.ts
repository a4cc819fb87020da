/**
 * Generated from the server’s /openapi.json by `npm run sdk:generate`: do not edit.
 * `npm run sdk:check` (CI) fails when this file drifts from the server.
 */

/** Response fields that hold an amount (a JSON `number` in the server’s document): read as exact text. */
export const AMOUNT_KEYS: ReadonlySet<string> = new Set(["amount","amount_to_credit","amount_to_debit","available_balance","balance","balance_after","captured_amount","closing_balance","current_balance","daily_limit","destination_amount","fee","lease_value_limit","monthly_limit","opening_balance","per_authorization_limit","received_total","reversed_amount","settlement_amount","source_amount","total_in","total_out","value"]);
/** Request fields that take an amount: a JS number there must be exact (the SDK refuses one that is not). */
export const AMOUNT_INPUT_KEYS: ReadonlySet<string> = new Set(["amount","daily_limit","maximum_slippage","mid","monthly_limit","per_authorization_limit"]);
