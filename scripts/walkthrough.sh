#!/usr/bin/env bash
# The README's curl walk-through as a script. Start the api first, inside market hours and without the demo:
#   DEMO=false CLOCK_START=2026-11-20T09:30:00+05:30 npm start
# then, with the admin API key it printed on its first start:
#   ROBO_API_KEY=rtk_... scripts/walkthrough.sh [http://localhost:3000]
set -euo pipefail
API=${1:-http://localhost:3000}
: "${ROBO_API_KEY:?set ROBO_API_KEY to an API key (the admin key printed at the first start, or one from robo keys create)}"
json() { node -pe "const v=JSON.parse(require('fs').readFileSync(0,'utf8'))$1; typeof v==='object'?JSON.stringify(v):v"; }
say() { printf '\n== %s\n' "$*"; }

say "exchange the API key for a short-lived access token"
TOKEN=$(curl -sS -X POST "$API/auth/token" -H 'content-type: application/json' -d "{\"apiKey\":\"$ROBO_API_KEY\"}" | json .accessToken)
AUTH="authorization: Bearer $TOKEN"
post() { curl -sS -X POST "$API$1" -H 'content-type: application/json' -H "$AUTH" "${@:3}" -d "$2"; }
get() { curl -sS "$API$1" -H "$AUTH"; }

say "open an account with 10 lakh rupees"
ACC=$(post /api/accounts '{"name":"Asha","initialCashPaise":100000000}' | json .accountId)
echo "account $ACC"

say "deposit 5 lakh (twice with the same Idempotency-Key: one deposit)"
post /api/accounts/$ACC/deposits '{"amountPaise":50000000}' -H 'Idempotency-Key: dep-001'; echo
post /api/accounts/$ACC/deposits '{"amountPaise":50000000}' -H 'Idempotency-Key: dep-001'; echo

say "risk limits"
post /api/accounts/$ACC/risk-limits '{"maxOrderValuePaise":50000000,"maxPositionQuantity":1000,"dailyLossLimitPaise":2000000}'; echo

say "buy 100 RELIANCE at a limit of 2,500.00, intraday"
ORD=$(post /api/orders "{\"accountId\":\"$ACC\",\"instrument\":\"RELIANCE\",\"side\":\"BUY\",\"quantity\":100,\"type\":\"LIMIT\",\"limitPricePaise\":250000,\"product\":\"MIS\",\"validity\":\"DAY\"}" | json .orderId)
echo "order $ORD"

say "two executions (the second without fees: the schedule's charges on the order's turnover minus those booked)"
# A fill is dated between its order's placement and the clock's now (plus FILL_CLOCK_SKEW_MS): here, at the placement.
AT=$(get "/api/streams/order-$ORD/events" | json '.events[0].data.placedAt')
post /api/orders/$ORD/fills "{\"fillId\":\"T-1\",\"quantity\":40,\"pricePaise\":249900,\"feesPaise\":1200,\"occurredAt\":\"$AT\"}"; echo
POS=$(post /api/orders/$ORD/fills "{\"fillId\":\"T-2\",\"quantity\":60,\"pricePaise\":250000,\"occurredAt\":\"$AT\"}" | json .globalPosition)

say "the same report again changes nothing (200); the fill id with another quantity is refused (409 FILL_ID_REUSED)"
post /api/orders/$ORD/fills "{\"fillId\":\"T-1\",\"quantity\":40,\"pricePaise\":249900,\"feesPaise\":1200,\"occurredAt\":\"$AT\"}" -o /dev/null -w '%{http_code}\n'
post /api/orders/$ORD/fills "{\"fillId\":\"T-1\",\"quantity\":41,\"pricePaise\":249900,\"feesPaise\":1200,\"occurredAt\":\"$AT\"}"; echo

say "charges booked on each fill, and on the order"
get "/api/streams/order-$ORD/events" | json '.events.filter(e=>e.type.endsWith("Filled")).map(e=>e.data.fillId+" "+e.data.feesPaise)'

say "portfolio, reading our own write (minPosition=$POS)"
get "/api/accounts/$ACC/portfolio?minPosition=$POS"; echo

say "orders of the account"
get "/api/orders?accountId=$ACC&limit=20" | json '.items.map(o=>[o.instrument,o.side,o.quantity,o.status].join(" "))'

say "a risk rejection: an order above the order value limit"
post /api/orders "{\"accountId\":\"$ACC\",\"instrument\":\"TCS\",\"side\":\"BUY\",\"quantity\":200,\"type\":\"LIMIT\",\"limitPricePaise\":400000,\"product\":\"CNC\",\"validity\":\"DAY\"}"; echo

say "place and cancel"
ORD2=$(post /api/orders "{\"accountId\":\"$ACC\",\"instrument\":\"INFY\",\"side\":\"BUY\",\"quantity\":10,\"type\":\"LIMIT\",\"limitPricePaise\":150000,\"product\":\"CNC\",\"validity\":\"DAY\"}" | json .orderId)
post /api/orders/$ORD2/cancel '{"reason":"changed my mind"}'; echo

say "the order's stream, straight from the log"
get "/api/streams/order-$ORD/events" | json '.events.map(e=>e.streamRevision+" "+e.type)'

say "audit trail of the account"
get "/api/audit?accountId=$ACC&limit=50" | json '.items.map(e=>e.position+" "+e.type+" by "+e.actor)'

say "projections and readiness"
get "/api/projections" | json '.projections.map(p=>p.name+" at "+p.checkpoint+(p.caughtUp?" (caught up)":""))'
curl -sS "$API/health/ready"; echo

say "the portfolio as of now by recorded time (rebuilt from the log), and the lineage of the cash figure"
get "/api/accounts/$ACC/portfolio?asOf=$(node -pe 'new Date().toISOString()')&time=recorded" | json '.cashPaise'
get "/api/lineage?accountId=$ACC&figure=cash" | json '.contributions.map(c=>c.type+" "+c.amount)'
