import { bundleCases } from './bundle-cases';
import { FULL_RUN } from './run-bench';
const n = Number(process.argv[2] ?? 20);
console.log(JSON.stringify(await bundleCases({ ...FULL_RUN, initSamples: n }), null, 1));
