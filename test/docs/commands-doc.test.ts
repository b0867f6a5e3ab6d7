import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { renderCommandsDoc } from '../../scripts/gen-commands-doc.js';

test('docs/COMMANDS.md lists exactly what the registry implements', () => {
  const path = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'COMMANDS.md');
  assert.equal(readFileSync(path, 'utf8'), renderCommandsDoc(), 'regenerate with: node dist/scripts/gen-commands-doc.js');
});
