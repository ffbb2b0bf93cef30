// The prefix-collapse rule: a folder becomes folder/* only with enough distinct keys in it and no
// denied key under it; never the bucket top, never an ancestor folder.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  collapseKeys,
  DEFAULT_PREFIX_THRESHOLD,
  folderOf,
} from '../../../src/diagnostics/generate/collapse.js';
import { literalInArn } from '../../../src/diagnostics/generate/resources.js';

describe('collapseKeys', () => {
  it('collapses a folder with at least the threshold of distinct keys (default 3)', () => {
    assert.equal(DEFAULT_PREFIX_THRESHOLD, 3);
    assert.deepEqual(collapseKeys(['logs/a', 'logs/b', 'logs/c', 'top.txt'], []), ['logs/*', 'top.txt']);
  });

  it('keeps each key below the threshold (and counts a repeated key once)', () => {
    assert.deepEqual(collapseKeys(['logs/a', 'logs/b', 'logs/a'], []), ['logs/a', 'logs/b']);
  });

  it('never collapses keys at the top of the bucket', () => {
    assert.deepEqual(collapseKeys(['a', 'b', 'c', 'd'], []), ['a', 'b', 'c', 'd']);
  });

  it('does not collapse a folder under which a key was denied', () => {
    assert.deepEqual(collapseKeys(['logs/a', 'logs/b', 'logs/c'], ['logs/secret/x']), [
      'logs/a',
      'logs/b',
      'logs/c',
    ]);
    // A denied key elsewhere does not matter.
    assert.deepEqual(collapseKeys(['logs/a', 'logs/b', 'logs/c'], ['other/x']), ['logs/*']);
  });

  it('does not climb to ancestors: one key in each of three subfolders stays three keys', () => {
    assert.deepEqual(collapseKeys(['logs/1/a', 'logs/2/b', 'logs/3/c'], []), [
      'logs/1/a',
      'logs/2/b',
      'logs/3/c',
    ]);
  });

  it('drops what a collapsed folder already covers', () => {
    const keys = ['a/1', 'a/2', 'a/3', 'a/b/1', 'a/b/2', 'a/b/3', 'a/c/x'];
    assert.deepEqual(collapseKeys(keys, []), ['a/*']);
  });

  it('threshold 0 turns collapsing off; threshold 1 collapses every folder', () => {
    assert.deepEqual(collapseKeys(['logs/a', 'logs/b', 'logs/c'], [], 0), ['logs/a', 'logs/b', 'logs/c']);
    assert.deepEqual(collapseKeys(['logs/a', 'x/y'], [], 1), ['logs/*', 'x/*']);
  });

  it('writes wildcard characters of keys as policy escapes, so they match only themselves', () => {
    assert.equal(literalInArn('a*b?c$d'), 'a${*}b${?}c${$}d');
    assert.deepEqual(collapseKeys(['x*/1'], []), ['x${*}/1']);
    assert.deepEqual(collapseKeys(['x*/1', 'x*/2', 'x*/3'], []), ['x${*}/*']);
  });

  it('folderOf', () => {
    assert.equal(folderOf('a/b/c.txt'), 'a/b/');
    assert.equal(folderOf('c.txt'), '');
    assert.equal(folderOf('a/'), 'a/');
  });
});
