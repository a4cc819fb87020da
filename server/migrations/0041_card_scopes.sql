-- Cards (issue 13): clients made before cards existed get what a new client gets. A tenant that
-- held every default scope of the time also gets cards:read and cards:write (a client the operator
-- restricted stays as it is); the operator gets every card scope, cards:sensitive included.
UPDATE clients
   SET scopes = scopes || ARRAY['cards:read', 'cards:write']::text[]
 WHERE NOT is_operator
   AND NOT ('cards:read' = ANY (scopes))
   AND scopes @> ARRAY['customers:read', 'customers:write', 'accounts:read', 'accounts:write', 'applications:read',
                       'applications:write', 'deposits:read', 'deposits:write', 'withdrawals:read', 'withdrawals:write',
                       'transfers:read', 'transfers:write', 'exchanges:read', 'exchanges:write', 'settlements:read',
                       'subscriptions:read', 'subscriptions:write', 'adjustments:read', 'adjustments:write',
                       'payments:read', 'payments:write']::text[];
UPDATE clients
   SET scopes = scopes || ARRAY['cards:read', 'cards:write', 'cards:sensitive']::text[]
 WHERE is_operator AND 'admin' = ANY (scopes) AND NOT ('cards:read' = ANY (scopes));
