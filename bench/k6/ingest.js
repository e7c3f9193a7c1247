// k6 load test of the collector's ingest path, for users who have k6:
//   pnpm bench:requests            # writes bench/k6/requests.json from the corpus
//   k6 run -e TARGET=http://127.0.0.1:8787 bench/k6/ingest.js
// Scenarios: a ramping arrival rate of the realistic request mix, then a steady mixed
// phase. Thresholds fail the run on p95/p99 latency or error rate.
import http from 'k6/http'
import { check } from 'k6'
import { SharedArray } from 'k6/data'

const requests = new SharedArray('requests', () => JSON.parse(open('./requests.json')))
const target = __ENV.TARGET || 'http://127.0.0.1:8787'
// The corpus's bots (about 5%) are refused with 403 by design: not a failure.
http.setResponseCallback(http.expectedStatuses(202, 403))

export const options = {
  scenarios: {
    ramp: {
      executor: 'ramping-arrival-rate',
      startRate: 500,
      timeUnit: '1s',
      preAllocatedVUs: 100,
      maxVUs: 400,
      stages: [
        { target: 2000, duration: '30s' },
        { target: 8000, duration: '60s' },
        { target: 8000, duration: '60s' },
        { target: 0, duration: '10s' },
      ],
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.001'],
    http_req_duration: ['p(95)<10', 'p(99)<25'],
    checks: ['rate>0.999'],
  },
}

export default function () {
  const r = requests[Math.floor(Math.random() * requests.length)]
  const res = http.post(`${target}/api/event`, r.body, { headers: r.headers })
  // 202 accepted (or dropped for DNT/GPC); 403 for the corpus's bots.
  check(res, { 'accepted, or refused as a bot': (x) => x.status === 202 || x.status === 403 })
}
