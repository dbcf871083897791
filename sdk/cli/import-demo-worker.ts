/** Worker thread of `tickmind import-demo`: runs the jobs the main thread posts, one at a time, and posts each result back. */
import { parentPort } from 'node:worker_threads';
import { type ImportJob, runImportJob } from './import-demo-job.js';

const port = parentPort;
if (port === null) throw new Error('import-demo-worker.js runs as a worker thread');
port.on('message', (job: ImportJob | null) => {
  if (job === null) {
    port.close();
    return;
  }
  void runImportJob(job).then((result) => port.postMessage(result));
});
