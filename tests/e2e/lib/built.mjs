// The browser tests need the built widget. A missing build is a failure, never a silent skip:
// a suite that skips itself cannot fail.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Throws unless every `file` exists under `dist` (or is an absolute path that exists). */
export function requireBuilt(dist, ...files) {
  for (const file of files) {
    const full = path.isAbsolute(file) ? file : path.join(dist, file);
    if (!existsSync(full)) {
      throw new Error(`${full} is missing: run scripts/setup.sh and scripts/build-widget.sh first`);
    }
  }
}
