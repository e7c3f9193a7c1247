/** Writes bench/k6/requests.json: the same realistic mix the autocannon runner sends. */
import { writeFileSync } from 'node:fs'
import { loadCorpus } from '../lib/corpus.ts'
import { buildRequests } from '../lib/requests.ts'

writeFileSync(new URL('./requests.json', import.meta.url), JSON.stringify(buildRequests(loadCorpus(), 4000, 7)))
process.stdout.write('wrote bench/k6/requests.json (4000 requests)\n')
