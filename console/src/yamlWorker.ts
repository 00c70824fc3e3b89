// Turns a resource into YAML off the page's main thread: a 1,000-VM plan's status is megabytes of YAML, which
// takes seconds to write; the page stays responsive meanwhile.
import { stringify } from 'yaml';

self.onmessage = (e: MessageEvent<unknown>) => {
  postMessage(stringify(e.data));
};
