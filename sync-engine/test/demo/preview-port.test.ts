import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PREVIEW_PORT, previewPort } from '../../demo/preview-port.js';

test('the preview listens on 3100 unless PREVIEW_PORT moves it', () => {
  assert.equal(previewPort({}), DEFAULT_PREVIEW_PORT);
  assert.equal(previewPort({ PREVIEW_PORT: '' }), 3100);
  assert.equal(previewPort({ PREVIEW_PORT: '8080' }), 8080);
});

test('a PREVIEW_PORT that is not a port number is refused, naming the variable', () => {
  for (const value of ['abc', '0', '65536', '80.5', ' 81', '-1']) {
    assert.throws(() => previewPort({ PREVIEW_PORT: value }), {
      message: `PREVIEW_PORT=${value}: not a port number (1 to 65535).`
    });
  }
});
